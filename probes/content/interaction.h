/* interaction: the 互动回应差 probe (issue 12 item 2) — finds a site's consultation channels
 * (领导信箱, 书记/市长/县长/局长信箱, 咨询投诉, 网上留言, 在线咨询, 12345, 投诉举报 ...) among the
 * homepage's links and on the 互动交流 section's page, reads their message lists (a row: a
 * title, the question's date, a reply state or reply date), follows a message's own page when
 * its row does not say (来信时间/留言时间, 回复时间/答复时间, a reply block), and follows each
 * list's paging back over the last year, within bounds (rules interaction.max_list_pages per
 * channel, interaction.max_message_pages per site).
 *
 * Like every content probe it never fetches: pages come parsed through
 * interaction_observe_home / interaction_observe_page, and the pages it wants read are asked
 * for through the want callback (content_want). A channel works when its page loads and shows
 * a way to write (a form with a textarea, or a 我要写信 / 我要留言 / 我要咨询 link or button);
 * nothing is ever submitted. interaction_finish() writes the channels and the messages
 * unanswered for more than interaction.unanswered_days within interaction.window_days into the
 * site report; rules_judge turns them into the no_interaction_channel and unanswered_message
 * defects (docs/rules.md). */
#ifndef SPOTCHECK_INTERACTION_H
#define SPOTCHECK_INTERACTION_H

#include <gumbo.h>
#include <stddef.h>

#include "probes/verdict/rules.h"
#include "probes/verdict/site_report.h"

/* The most channels followed per site (a bound on hostile homepages, not a threshold). */
#define INTERACTION_MAX_CHANNELS 16
/* The most 互动交流 pages read for channels per site: the section sections_find chose, and
 * homepage links named like the section (互动交流, 政民互动, 咨询留言 …). */
#define INTERACTION_MAX_SECTION_PAGES 4

/* The most rows read from one list page (a bound on a hostile huge list, not a threshold). */
#define INTERACTION_MAX_ROWS 200

/* A message's reply state as a list row or a message page gives it. */
enum interaction_state_word { IA_UNKNOWN = -1, IA_UNANSWERED = 0, IA_ANSWERED = 1 };

/* One row of a message list. */
struct interaction_row {
    char *title;  /* the row's link text */
    char *url;    /* the message page (absolute, normal form) */
    long asked;   /* the question's day, or SC_NO_DAY */
    long replied; /* the reply's day, or SC_NO_DAY */
    int state;    /* enum interaction_state_word: the row's state word, or a reply date */
};

/* What a message list page shows: its rows, the link to its next page (NULL when none)
 * and whether it offers a way to write. */
struct interaction_list {
    struct interaction_row *rows;
    size_t n, alloc;
    char *next_url;
    int writable;
};

/* Reads a page as a message list (page_url absolute, as_of the check day). A row is a <li> or
 * <tr> holding no other row, with a link and, outside the link's text (so a date in a title
 * is not the question's), a date or a state word: its first date is the question's, a second
 * one the reply's. Returns 0 or SC_ENOMEM (out is then partly filled; free it either way). */
int interaction_read_list(const GumboNode *root, const char *page_url, long as_of,
                          struct interaction_list *out);
void interaction_list_free(struct interaction_list *l);

/* 1 when the page shows a way to write a message (never submitted). */
int interaction_page_writable(const GumboNode *root);

/* Reads a message page: *asked after a 来信时间/留言时间/提问时间 label, *replied after a
 * 回复时间/答复时间 label (SC_NO_DAY when absent), *state from a state word or the reply block.
 * Returns 1 when the page is a message page (it shows a question label), else 0 and leaves
 * state IA_UNKNOWN. */
int interaction_read_message(const GumboNode *root, long as_of, long *asked, long *replied,
                             int *state);

/* The median of n values (sorted in place); -1 when n is 0. */
double interaction_median(long *v, size_t n);

/* The probe's state for one site. want(user, url) asks for a page; it returns 0 or SC_ENOMEM. */
typedef int (*interaction_want_fn)(void *user, const char *url);
struct interaction_probe;
struct interaction_probe *interaction_new(const char *home_url, long as_of,
                                          interaction_want_fn want, void *user);
void interaction_free(struct interaction_probe *p);
/* The rule table's bounds and windows (defaults until called). */
void interaction_set_rules(struct interaction_probe *p, const struct rules *rules);
/* The homepage: its channel links; section_url (may be NULL) is the 互动交流 section found by
 * sections_find, whose page is asked for and read for channels too. Returns 0 or SC_ENOMEM. */
int interaction_observe_home(struct interaction_probe *p, const GumboNode *root, const char *url,
                             const char *section_url);
/* Any other page: the section's page, a channel's list pages, a message page; others are
 * ignored. Returns 0 or SC_ENOMEM. */
int interaction_observe_page(struct interaction_probe *p, const GumboNode *root, const char *url);
/* How the crawler found a link: 1 loads, 0 broken, -1 unknown (a suspected failure). */
typedef int (*interaction_link_status_fn)(void *user, const char *url);
/* Writes channels and unanswered messages into rep and sets rep->interaction_analysed. A
 * channel on another host, or one whose page was never read because the crawler found its
 * link only suspected (link_status -1; link_status may be NULL), is not checked (works -1).
 * Returns 0 or SC_ENOMEM. */
int interaction_finish(struct interaction_probe *p, struct site_report *rep,
                       interaction_link_status_fn link_status, void *user);

#endif

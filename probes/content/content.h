/* content: the entry points the crawler calls to run the content probes on a site.
 *
 * The probes work on ALREADY-PARSED pages and never fetch. The crawler hands every fetched
 * on-site HTML page to content_observe_page(): the homepage yields the columns, sections
 * and footer identity; a page whose URL is one of the columns' list pages yields that
 * column's items and dates. When the crawl is over, content_finish() fills the site_report
 * (homepage, columns, sections, identity); rules_judge() (rules.h) then turns the findings
 * into defects, a score and a verdict.
 *
 * The check day (as_of) is fixed when the state is made, because year-less dates such as
 * [11-20] are given their year while a page is read. */
#ifndef SPOTCHECK_CONTENT_H
#define SPOTCHECK_CONTENT_H

#include <gumbo.h>
#include <stddef.h>

#include "probes/verdict/rules.h"
#include "probes/verdict/site_report.h"

struct content_state;

/* A new state for the site whose homepage is home_url (absolute), checked as of day as_of.
 * The site type (portal or department, for the required sections) is guessed from the host
 * (www.* is a portal) until content_set_portal() says otherwise. NULL when out of memory. */
struct content_state *content_state_new(const char *home_url, long as_of);
void content_state_free(struct content_state *s);
void content_set_portal(struct content_state *s, int portal);
/* The navigation-only homepage rules (homepage.navigation, homepage.sitemap_rows; the
 * defaults until called): enabled 0 judges the homepage by its own items only; a homepage
 * whose only dated list has at least sitemap_rows rows (0: never) is a navigation page. */
void content_set_navigation(struct content_state *s, int enabled, int sitemap_rows);

/* Blank columns wherever they are (issue 12): at most this many candidate column pages
 * (navigation links, section index links) are asked for (rule columns.extra_pages; its
 * default until called; 0 looks for none). */
void content_set_extra_pages(struct content_state *s, int pages);
/* The interaction probe's windows and bounds (interaction.*; the defaults until called). */
void content_set_interaction(struct content_state *s, const struct rules *rules);

/* Reads one parsed page. url is the page's final URL; depth is its link distance from the
 * homepage: 0 is the homepage (the first one observed wins), 1 a page it links to. Column
 * list pages give their columns' items. When the homepage shows no dated item at all, or
 * only one sitemap-style list (content_set_navigation), it is a navigation-only entry page:
 * the second-level pages (depth 1) stand in for it, their newest dated item deciding
 * "homepage not updated" (domain.md), and the report says so (homepage_navigation, with
 * the page that item is on). Other pages are ignored.
 * Returns 0 or SC_ENOMEM. */
int content_observe_page(struct content_state *s, const char *url, int depth,
                         const GumboOutput *doc);

/* The pages the probes want to read that were not handed out yet (absolute URLs): the
 * homepage's column list pages, and whatever a probe asks for later while it follows a
 * trail (content_want). The crawler should fetch these even when its page budget or depth
 * runs short; content_run asks after every observed page. *n receives the count (0 when
 * nothing is new); the strings belong to the state and stay valid until it is freed. */
const char *const *content_take_wanted(struct content_state *s, size_t *n);

/* For the probes (columns, sections, interaction, guides): asks for url to be fetched and
 * observed. A URL already asked for is not asked again. Returns 0 or SC_ENOMEM. */
int content_want(struct content_state *s, const char *url);

/* 服务不实用 (guides.h): how many service guides to check, at most (rule
 * services.guide_sample; the default until called; 0 checks none). */
void content_set_guide_sample(struct content_state *s, int sample);

/* 1 when a wanted url on another host than the site's may be fetched as a page: the service
 * guides' trail goes there (a *.gov.cn host the 办事服务 section is on or links to); 0 when
 * not; SC_ENOMEM. Every other off-site URL stays a mere link check. */
int content_may_leave_site(const struct content_state *s, const char *url);

/* The key pages are matched by: "http://h/a/", "http://h/a/index.html" and "http://h/a" are
 * one. A heap string, NULL when out of memory. */
char *content_url_key(const char *url);

/* The status of a link as the crawler found it: 1 loads, 0 broken, -1 unknown. */
typedef int (*content_link_status_fn)(void *user, const char *url);

/* Fills rep's homepage_*, columns, sections and identity from what was observed, with the
 * windows and required sections of rules (NULL: defaults); a section that is not required is
 * listed only when a link to it was found. link_status (may be NULL: all
 * unknown) says whether each section's page loads; a section whose page is broken is not
 * present. Returns 0 or SC_ENOMEM. */
int content_finish(struct content_state *s, struct site_report *rep, const struct rules *rules,
                   content_link_status_fn link_status, void *user);

#endif

/* interaction: consultation channels, their message lists and message pages (see
 * interaction.h, docs/check.md "interaction", docs/rules.md). */
#include "probes/content/interaction.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "probes/content/content.h"
#include "probes/content/content_dom.h"
#include "probes/content/dates.h"
#include "probes/net/url.h"

/* Link texts naming a consultation channel (a text containing one, at most 16 characters,
 * not a "我要…" write button). */
static const char *const channel_words[] = {
    "信箱", "咨询投诉", "投诉咨询", "网上咨询", "在线咨询", "咨询留言", "网上留言", "在线留言",
    "留言板", "留言", "12345", "投诉举报", "网上信访", "政民互动", NULL};
/* Texts of a link or button that opens the writing form. */
static const char *const write_words[] = {"我要写信", "我要留言", "我要咨询", "我要投诉",
                                          "我要提问", "我要建议", "我要反映", "写信",
                                          "发表留言", "提交留言", NULL};
/* Reply states; the unanswered ones first, since 未回复 holds 回复 too. */
static const char *const unanswered_words[] = {"未回复", "待回复", "未答复", "待答复", "办理中",
                                               "处理中", "待处理", "未办结", "受理中", "未处理",
                                               NULL};
static const char *const answered_words[] = {"已回复", "已答复", "已办结", "已处理", "已反馈",
                                             "已回应", NULL};
/* Names of the 互动交流 section itself: its link is the section, not a channel (a section
 * link named 领导信箱 or 网上留言 is both). */
static const char *const section_names[] = {"互动交流", "政民互动", "公众参与", "互动",
                                            "咨询留言", "留言咨询", "互动交流平台", NULL};
static const char *const next_words[] = {"下一页", "下页", "后一页", NULL};
/* Labels on a message page. */
static const char *const asked_labels[] = {"来信时间", "留言时间", "提问时间", "咨询时间",
                                           "写信时间", "提交时间", "来信日期", "留言日期",
                                           "咨询日期", "投诉时间", NULL};
static const char *const replied_labels[] = {"回复时间", "答复时间", "回复日期", "答复日期",
                                             "办结时间", "反馈时间", NULL};
static const char *const reply_block_labels[] = {"回复内容", "答复内容", "回复意见", "答复意见",
                                                 "办理结果", NULL};

static int has_word(const char *text, const char *const *words)
{
    for (const char *const *w = words; *w; w++)
        if (strstr(text, *w))
            return 1;
    return 0;
}

/* The state word in text: IA_UNANSWERED, IA_ANSWERED or IA_UNKNOWN. */
static int state_of(const char *text)
{
    if (has_word(text, unanswered_words))
        return IA_UNANSWERED;
    if (has_word(text, answered_words))
        return IA_ANSWERED;
    return IA_UNKNOWN;
}

/* ---- message lists ---- */

struct list_scan {
    const char *page_url;
    long as_of;
    struct interaction_list *out;
    struct strbuf sb;
    int failed;
};

static int is_row(const GumboNode *n)
{
    return dom_is(n, GUMBO_TAG_LI) || dom_is(n, GUMBO_TAG_TR);
}

static int holds_row(const GumboNode *n, int depth)
{
    const GumboVector *kids = dom_children(n);
    if (!kids || depth > DOM_MAX_DEPTH)
        return 0;
    for (unsigned i = 0; i < kids->length; i++) {
        const GumboNode *k = kids->data[i];
        if (is_row(k) || holds_row(k, depth + 1))
            return 1;
    }
    return 0;
}

/* The first link with an href and some text inside n. */
static const GumboNode *first_link(const GumboNode *n, int depth)
{
    if (depth > DOM_MAX_DEPTH)
        return NULL;
    if (dom_is(n, GUMBO_TAG_A) && dom_attr(n, "href"))
        return n;
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++) {
        const GumboNode *a = first_link(kids->data[i], depth + 1);
        if (a)
            return a;
    }
    return NULL;
}

static char *text_of(const GumboNode *n, int flags, int *failed)
{
    struct strbuf sb = STRBUF_INIT;
    dom_text(n, &sb, flags);
    dom_text_trim(&sb);
    if (sb.failed) {
        strbuf_release(&sb);
        *failed = 1;
        return NULL;
    }
    char *s = strbuf_detach(&sb);
    if (!s)
        *failed = 1;
    return s;
}

static void read_row(struct list_scan *s, const GumboNode *row)
{
    const GumboNode *a = first_link(row, 0);
    if (!a)
        return;
    char *rest = text_of(row, DOM_TEXT_SKIP_LINKS, &s->failed);
    if (!rest)
        return;
    struct date_match m1, m2;
    size_t n = strlen(rest);
    int d1 = dates_find(rest, n, 0, s->as_of, &m1);
    int d2 = d1 && dates_find(rest, n, m1.end, s->as_of, &m2);
    int state = state_of(rest);
    free(rest);
    if (!d1 && state == IA_UNKNOWN)
        return; /* a navigation row, not a message */
    char *url = NULL;
    int rc = url_resolve(s->page_url, dom_attr(a, "href"), &url);
    if (rc != URL_OK) {
        s->failed |= rc == SC_ENOMEM;
        free(url);
        return;
    }
    char *title = text_of(a, 0, &s->failed);
    struct interaction_list *l = s->out;
    if (title && l->n == l->alloc) {
        size_t cap = l->alloc ? l->alloc * 2 : 32;
        struct interaction_row *p = realloc(l->rows, cap * sizeof *p);
        if (!p) {
            s->failed = 1;
        } else {
            l->rows = p;
            l->alloc = cap;
        }
    }
    if (!title || l->n == l->alloc) {
        free(title);
        free(url);
        return;
    }
    struct interaction_row *r = &l->rows[l->n++];
    r->title = title;
    r->url = url;
    r->asked = d1 ? m1.day : SC_NO_DAY;
    r->replied = d2 && state != IA_UNANSWERED ? m2.day : SC_NO_DAY;
    r->state = state;
    if (r->state == IA_UNKNOWN && r->replied != SC_NO_DAY)
        r->state = IA_ANSWERED; /* a reply date says it */
}

static void scan_list(struct list_scan *s, const GumboNode *n, int depth)
{
    if (depth > DOM_MAX_DEPTH || s->failed)
        return;
    if (is_row(n) && !holds_row(n, depth)) {
        if (s->out->n < INTERACTION_MAX_ROWS)
            read_row(s, n);
        return;
    }
    if (dom_is(n, GUMBO_TAG_A) && !s->out->next_url) {
        strbuf_reset(&s->sb);
        dom_text(n, &s->sb, 0);
        dom_text_trim(&s->sb);
        const char *href = dom_attr(n, "href");
        if (s->sb.failed) {
            s->failed = 1;
        } else if (href && s->sb.len <= 12 && has_word(s->sb.buf, next_words)) {
            char *url = NULL;
            int rc = url_resolve(s->page_url, href, &url);
            if (rc == URL_OK)
                s->out->next_url = url;
            else
                free(url);
            s->failed |= rc == SC_ENOMEM;
        }
    }
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++)
        scan_list(s, kids->data[i], depth + 1);
}

int interaction_read_list(const GumboNode *root, const char *page_url, long as_of,
                          struct interaction_list *out)
{
    memset(out, 0, sizeof *out);
    if (!root)
        return 0;
    struct list_scan s = {page_url, as_of, out, STRBUF_INIT, 0};
    scan_list(&s, root, 0);
    strbuf_release(&s.sb);
    out->writable = interaction_page_writable(root);
    return s.failed ? SC_ENOMEM : 0;
}

void interaction_list_free(struct interaction_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->rows[i].title);
        free(l->rows[i].url);
    }
    free(l->rows);
    free(l->next_url);
    memset(l, 0, sizeof *l);
}

/* ---- a way to write ---- */

/* 1 when n (a form) holds a textarea. */
static int holds_textarea(const GumboNode *n, int depth)
{
    if (depth > DOM_MAX_DEPTH)
        return 0;
    if (dom_is(n, GUMBO_TAG_TEXTAREA))
        return 1;
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++)
        if (holds_textarea(kids->data[i], depth + 1))
            return 1;
    return 0;
}

static int attr_says_write(const GumboNode *n, const char *name)
{
    const char *v = dom_attr(n, name);
    return v && strlen(v) <= 48 && has_word(v, write_words);
}

static int writable(const GumboNode *n, int depth, struct strbuf *sb)
{
    if (depth > DOM_MAX_DEPTH)
        return 0;
    if (dom_is(n, GUMBO_TAG_FORM) && holds_textarea(n, depth))
        return 1;
    if (dom_is(n, GUMBO_TAG_A) || dom_is(n, GUMBO_TAG_BUTTON)) {
        strbuf_reset(sb);
        dom_text(n, sb, 0);
        dom_text_trim(sb);
        if (!sb->failed && sb->len <= 24 && has_word(sb->buf, write_words))
            return 1;
        if (attr_says_write(n, "title"))
            return 1;
    }
    if ((dom_is(n, GUMBO_TAG_INPUT) || dom_is(n, GUMBO_TAG_IMG)) &&
        (attr_says_write(n, "value") || attr_says_write(n, "alt") || attr_says_write(n, "title")))
        return 1;
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++)
        if (writable(kids->data[i], depth + 1, sb))
            return 1;
    return 0;
}

int interaction_page_writable(const GumboNode *root)
{
    if (!root)
        return 0;
    struct strbuf sb = STRBUF_INIT;
    int w = writable(root, 0, &sb);
    strbuf_release(&sb);
    return w;
}

/* ---- message pages ---- */

/* The first date after any of labels in text (within 40 bytes of the label), or SC_NO_DAY;
 * *labelled is set when a label was found at all. */
static long date_after(const char *text, const char *const *labels, long as_of, int *labelled)
{
    size_t n = strlen(text);
    long best = SC_NO_DAY;
    size_t best_at = n;
    for (const char *const *w = labels; *w; w++) {
        const char *at = strstr(text, *w);
        if (!at)
            continue;
        *labelled = 1;
        size_t from = (size_t)(at - text) + strlen(*w);
        struct date_match m;
        if (dates_find(text, n, from, as_of, &m) && m.start - from <= 40 &&
            (size_t)(at - text) < best_at) {
            best = m.day;
            best_at = (size_t)(at - text);
        }
    }
    return best;
}

int interaction_read_message(const GumboNode *root, long as_of, long *asked, long *replied,
                             int *state)
{
    *asked = *replied = SC_NO_DAY;
    *state = IA_UNKNOWN;
    if (!root)
        return 0;
    struct strbuf sb = STRBUF_INIT;
    dom_text(root, &sb, 0);
    if (sb.failed) {
        strbuf_release(&sb);
        return SC_ENOMEM;
    }
    int asked_label = 0, replied_label = 0, block = 0;
    *asked = date_after(sb.buf, asked_labels, as_of, &asked_label);
    *replied = date_after(sb.buf, replied_labels, as_of, &replied_label);
    date_after(sb.buf, reply_block_labels, as_of, &block);
    int word = state_of(sb.buf);
    strbuf_release(&sb);
    if (!asked_label) {
        *asked = *replied = SC_NO_DAY;
        return 0;
    }
    if (word == IA_UNANSWERED)
        *replied = SC_NO_DAY;
    if (word != IA_UNKNOWN)
        *state = word;
    else if (*replied != SC_NO_DAY || block)
        *state = IA_ANSWERED;
    else
        *state = IA_UNANSWERED; /* a question and no reply at all */
    return 1;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

double interaction_median(long *v, size_t n)
{
    if (n == 0)
        return -1;
    qsort(v, n, sizeof *v, cmp_long);
    return n % 2 ? (double)v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* ---- the probe ---- */

struct ia_channel {
    char *name, *url, *key;
    int seen, writable, offsite, list_pages;
};

struct ia_list_page {
    char *key;
    size_t channel;
    int seen;
};

struct ia_message {
    char *url, *title;
    size_t channel;
    long asked, replied;
    int state;
    int wanted; /* its page was asked for */
};

struct interaction_probe {
    char *home_url;
    long as_of;
    interaction_want_fn want;
    void *user;
    int window_days, unanswered_days, max_list_pages, max_message_pages;
    int message_pages; /* asked for so far */
    char *section_keys[INTERACTION_MAX_SECTION_PAGES];
    int section_seen[INTERACTION_MAX_SECTION_PAGES];
    size_t nsections;
    struct ia_channel ch[INTERACTION_MAX_CHANNELS];
    size_t nch;
    struct ia_list_page *lists;
    size_t nlists, alists;
    struct ia_message *msgs;
    size_t nmsgs, amsgs;
};

struct interaction_probe *interaction_new(const char *home_url, long as_of,
                                          interaction_want_fn want, void *user)
{
    struct interaction_probe *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->home_url = strdup(home_url ? home_url : "");
    if (!p->home_url) {
        free(p);
        return NULL;
    }
    p->as_of = as_of;
    p->want = want;
    p->user = user;
    interaction_set_rules(p, NULL);
    return p;
}

void interaction_set_rules(struct interaction_probe *p, const struct rules *rules)
{
    struct rules d;
    if (!rules) {
        rules_default(&d);
        rules = &d;
    }
    p->window_days = (int)rules->v[RULE_INTERACTION_WINDOW_DAYS];
    p->unanswered_days = (int)rules->v[RULE_INTERACTION_UNANSWERED_DAYS];
    p->max_list_pages = (int)rules->v[RULE_INTERACTION_MAX_LIST_PAGES];
    p->max_message_pages = (int)rules->v[RULE_INTERACTION_MAX_MESSAGE_PAGES];
}

void interaction_free(struct interaction_probe *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nch; i++) {
        free(p->ch[i].name);
        free(p->ch[i].url);
        free(p->ch[i].key);
    }
    for (size_t i = 0; i < p->nlists; i++)
        free(p->lists[i].key);
    free(p->lists);
    for (size_t i = 0; i < p->nmsgs; i++) {
        free(p->msgs[i].url);
        free(p->msgs[i].title);
    }
    free(p->msgs);
    for (size_t i = 0; i < p->nsections; i++)
        free(p->section_keys[i]);
    free(p->home_url);
    free(p);
}

/* 1 when url is on the homepage's host, 0 when not, SC_ENOMEM. */
static int on_site(const struct interaction_probe *p, const char *url)
{
    char *a = NULL, *b = NULL;
    int pa, pb;
    int ra = url_host_port(url, &a, &pa), rb = url_host_port(p->home_url, &b, &pb);
    int same = ra == 0 && rb == 0 && a && b && strcmp(a, b) == 0 && pa == pb;
    free(a);
    free(b);
    if (ra == SC_ENOMEM || rb == SC_ENOMEM)
        return SC_ENOMEM;
    return same;
}

/* Registers key as list page of channel c. Returns 0 or SC_ENOMEM (key freed). */
static int add_list_page(struct interaction_probe *p, char *key, size_t c)
{
    if (p->nlists == p->alists) {
        size_t cap = p->alists ? p->alists * 2 : 16;
        struct ia_list_page *n = realloc(p->lists, cap * sizeof *n);
        if (!n) {
            free(key);
            return SC_ENOMEM;
        }
        p->lists = n;
        p->alists = cap;
    }
    p->lists[p->nlists++] = (struct ia_list_page){key, c, 0};
    return 0;
}

static int is_section_name(const char *name)
{
    for (const char *const *w = section_names; *w; w++)
        if (strcmp(name, *w) == 0)
            return 1;
    return 0;
}

/* A 互动交流 page to read for channels: asked for (on the site's host) and remembered. */
static int add_section_page(struct interaction_probe *p, const char *url)
{
    if (p->nsections == INTERACTION_MAX_SECTION_PAGES)
        return 0;
    char *key = content_url_key(url);
    if (!key)
        return SC_ENOMEM;
    for (size_t i = 0; i < p->nsections; i++)
        if (strcmp(p->section_keys[i], key) == 0) {
            free(key);
            return 0;
        }
    int site = on_site(p, url);
    if (site < 0) {
        free(key);
        return SC_ENOMEM;
    }
    if (!site) {
        free(key);
        return 0;
    }
    p->section_keys[p->nsections++] = key;
    return p->want(p->user, url);
}

static int add_channel(struct interaction_probe *p, const char *name, const char *url)
{
    if (p->nch == INTERACTION_MAX_CHANNELS)
        return 0;
    char *key = content_url_key(url);
    if (!key)
        return SC_ENOMEM;
    int dup = 0;
    for (size_t i = 0; i < p->nch && !dup; i++)
        dup = strcmp(p->ch[i].key, key) == 0;
    if (dup) {
        free(key);
        return 0;
    }
    int site = on_site(p, url);
    if (site < 0) {
        free(key);
        return SC_ENOMEM;
    }
    struct ia_channel *c = &p->ch[p->nch];
    memset(c, 0, sizeof *c);
    c->key = key;
    c->name = strdup(name);
    c->url = strdup(url);
    p->nch++; /* owned from here, even when a copy failed */
    if (!c->name || !c->url)
        return SC_ENOMEM;
    c->offsite = !site;
    if (c->offsite)
        return 0; /* another host's: never fetched, reported as not checked */
    char *lk = strdup(key);
    if (!lk || add_list_page(p, lk, p->nch - 1))
        return SC_ENOMEM;
    c->list_pages = 1;
    return p->want(p->user, url);
}

/* 1 when the link is an item of a dated list (a news title that names 12345 or 信箱), not a
 * channel: its row (an <li> or <tr> up to 4 levels up) shows a date outside its links. */
static int in_dated_row(const struct interaction_probe *p, const GumboNode *a, int *failed)
{
    const GumboNode *n = a->parent;
    for (int up = 0; n && up < 4; up++, n = n->parent) {
        if (!is_row(n))
            continue;
        char *rest = text_of(n, DOM_TEXT_SKIP_LINKS, failed);
        struct date_match m;
        int dated = rest && dates_find(rest, strlen(rest), 0, p->as_of, &m);
        free(rest);
        return dated;
    }
    return 0;
}

struct link_scan {
    struct interaction_probe *p;
    const char *page_url;
    struct strbuf sb;
    int rc;
};

static void scan_channels(struct link_scan *s, const GumboNode *n, int depth)
{
    if (depth > DOM_MAX_DEPTH || s->rc)
        return;
    if (dom_is(n, GUMBO_TAG_A) && dom_attr(n, "href")) {
        strbuf_reset(&s->sb);
        dom_text(n, &s->sb, 0);
        dom_text_trim(&s->sb);
        const char *name = s->sb.buf;
        if (s->sb.len == 0 && dom_attr(n, "title"))
            name = dom_attr(n, "title");
        if (s->sb.failed) {
            s->rc = SC_ENOMEM;
            return;
        }
        int failed = 0;
        int named = has_word(name, channel_words) || is_section_name(name);
        if (named && dom_chars(name) <= 16 && strncmp(name, "我要", strlen("我要")) != 0 &&
            !in_dated_row(s->p, n, &failed) && !failed) {
            char *url = NULL;
            int rc = url_resolve(s->page_url, dom_attr(n, "href"), &url);
            if (rc == URL_OK && is_section_name(name))
                s->rc = add_section_page(s->p, url); /* the section itself, not a channel */
            else if (rc == URL_OK)
                s->rc = add_channel(s->p, name, url);
            else if (rc == SC_ENOMEM)
                s->rc = SC_ENOMEM;
            free(url);
        }
        if (failed)
            s->rc = SC_ENOMEM;
        return;
    }
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++)
        scan_channels(s, kids->data[i], depth + 1);
}

static int find_channels(struct interaction_probe *p, const GumboNode *root, const char *url)
{
    struct link_scan s = {p, url, STRBUF_INIT, 0};
    scan_channels(&s, root, 0);
    strbuf_release(&s.sb);
    return s.rc;
}

int interaction_observe_home(struct interaction_probe *p, const GumboNode *root, const char *url,
                             const char *section_url)
{
    if (!p || !root)
        return 0;
    if (section_url) {
        int rc = add_section_page(p, section_url);
        if (rc)
            return rc;
    }
    return find_channels(p, root, url ? url : p->home_url);
}

/* 1 when a message of the list is within the window (an unknown day may be). */
static int in_window(const struct interaction_probe *p, long day)
{
    return day == SC_NO_DAY || (day <= p->as_of && p->as_of - day <= p->window_days);
}

static int add_message(struct interaction_probe *p, size_t c, struct interaction_row *r)
{
    for (size_t i = 0; i < p->nmsgs; i++)
        if (strcmp(p->msgs[i].url, r->url) == 0)
            return 0; /* listed twice (paging overlap) */
    if (p->nmsgs == p->amsgs) {
        size_t cap = p->amsgs ? p->amsgs * 2 : 32;
        struct ia_message *n = realloc(p->msgs, cap * sizeof *n);
        if (!n)
            return SC_ENOMEM;
        p->msgs = n;
        p->amsgs = cap;
    }
    struct ia_message *m = &p->msgs[p->nmsgs++];
    *m = (struct ia_message){r->url, r->title, c, r->asked, r->replied, r->state, 0};
    r->url = r->title = NULL; /* moved */
    /* the list does not say (or gives no date): read the message's own page */
    int need = m->state == IA_UNKNOWN || m->asked == SC_NO_DAY ||
               (m->state == IA_ANSWERED && m->replied == SC_NO_DAY);
    if (need && in_window(p, m->asked) && p->message_pages < p->max_message_pages) {
        int site = on_site(p, m->url);
        if (site < 0)
            return SC_ENOMEM;
        if (site) {
            m->wanted = 1;
            p->message_pages++;
            return p->want(p->user, m->url);
        }
    }
    return 0;
}

static int read_channel_page(struct interaction_probe *p, size_t c, const GumboNode *root,
                             const char *url)
{
    struct ia_channel *ch = &p->ch[c];
    struct interaction_list l;
    int rc = interaction_read_list(root, url, p->as_of, &l);
    if (rc == 0 && l.writable)
        ch->writable = 1;
    long oldest = SC_NO_DAY;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        if (l.rows[i].asked != SC_NO_DAY && (oldest == SC_NO_DAY || l.rows[i].asked < oldest))
            oldest = l.rows[i].asked;
        rc = add_message(p, c, &l.rows[i]);
    }
    /* older pages, while this one still reaches into the window */
    if (rc == 0 && l.next_url && l.n > 0 && ch->list_pages < p->max_list_pages &&
        in_window(p, oldest)) {
        char *key = content_url_key(l.next_url);
        int known = 0;
        for (size_t i = 0; key && i < p->nlists && !known; i++)
            known = strcmp(p->lists[i].key, key) == 0;
        int site = key && !known ? on_site(p, l.next_url) : 0;
        if (!key || site < 0)
            rc = SC_ENOMEM;
        if (key && (known || site != 1)) {
            free(key);
        } else if (key) {
            ch->list_pages++;
            rc = add_list_page(p, key, c);
            if (rc == 0)
                rc = p->want(p->user, l.next_url);
        }
    }
    interaction_list_free(&l);
    return rc;
}

int interaction_observe_page(struct interaction_probe *p, const GumboNode *root, const char *url)
{
    if (!p || !root || !url)
        return 0;
    int rc = 0;
    for (size_t i = 0; i < p->nmsgs; i++) {
        struct ia_message *m = &p->msgs[i];
        if (!m->wanted || strcmp(m->url, url) != 0)
            continue;
        m->wanted = 0;
        long asked, replied;
        int state;
        rc = interaction_read_message(root, p->as_of, &asked, &replied, &state);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            if (asked != SC_NO_DAY)
                m->asked = asked;
            if (replied != SC_NO_DAY)
                m->replied = replied;
            if (m->state == IA_UNKNOWN || state == IA_ANSWERED)
                m->state = state;
        }
        return 0;
    }
    char *key = content_url_key(url);
    if (!key)
        return SC_ENOMEM;
    size_t sec = 0;
    while (sec < p->nsections && (p->section_seen[sec] || strcmp(key, p->section_keys[sec]) != 0))
        sec++;
    if (sec < p->nsections) {
        p->section_seen[sec] = 1;
        rc = find_channels(p, root, url);
        /* a section page that is itself the message board (unless a channel link named it) */
        int known = 0;
        for (size_t i = 0; i < p->nch && !known; i++)
            known = strcmp(p->ch[i].key, key) == 0;
        if (rc == 0 && !known && interaction_page_writable(root) &&
            p->nch < INTERACTION_MAX_CHANNELS) {
            struct ia_channel *c = &p->ch[p->nch];
            memset(c, 0, sizeof *c);
            c->key = strdup(key);
            c->name = strdup("互动交流");
            c->url = strdup(url);
            c->seen = 1;
            c->list_pages = 1;
            p->nch++;
            if (!c->key || !c->name || !c->url)
                rc = SC_ENOMEM;
            else
                rc = read_channel_page(p, p->nch - 1, root, url);
        }
    }
    for (size_t i = 0; rc == 0 && i < p->nlists; i++) {
        if (p->lists[i].seen || strcmp(p->lists[i].key, key) != 0)
            continue;
        p->lists[i].seen = 1;
        p->ch[p->lists[i].channel].seen = 1;
        rc = read_channel_page(p, p->lists[i].channel, root, url);
        break;
    }
    free(key);
    return rc;
}

int interaction_finish(struct interaction_probe *p, struct site_report *rep,
                       interaction_link_status_fn link_status, void *user)
{
    if (!p || !rep)
        return 0;
    rep->interaction_analysed = 1;
    long *gaps = calloc(p->nmsgs ? p->nmsgs : 1, sizeof *gaps);
    if (!gaps)
        return SC_ENOMEM;
    int rc = 0;
    for (size_t c = 0; rc == 0 && c < p->nch; c++) {
        const struct ia_channel *ch = &p->ch[c];
        struct interaction_channel *out = site_report_add_channel(rep);
        if (!out) {
            rc = SC_ENOMEM;
            break;
        }
        out->name = strdup(ch->name);
        out->url = strdup(ch->url);
        if (!out->name || !out->url) {
            rc = SC_ENOMEM;
            break;
        }
        out->works = ch->offsite ? -1 : ch->seen && ch->writable;
        /* never read because its fetch failed for now (a suspected link): not checked */
        if (!ch->offsite && !ch->seen && link_status && link_status(user, ch->url) < 0)
            out->works = -1;
        size_t ngaps = 0;
        for (size_t i = 0; i < p->nmsgs; i++) {
            const struct ia_message *m = &p->msgs[i];
            if (m->channel != c || m->asked == SC_NO_DAY || !in_window(p, m->asked))
                continue;
            out->messages_seen++;
            if (m->state == IA_ANSWERED) {
                out->answered++;
                if (m->replied != SC_NO_DAY && m->replied >= m->asked)
                    gaps[ngaps++] = m->replied - m->asked;
            } else if (m->state == IA_UNANSWERED && p->as_of - m->asked > p->unanswered_days) {
                struct unanswered_message *u = site_report_add_unanswered(rep);
                if (!u) {
                    rc = SC_ENOMEM;
                    break;
                }
                u->url = strdup(m->url);
                u->title = strdup(m->title);
                u->asked = m->asked;
                if (!u->url || !u->title) {
                    rc = SC_ENOMEM;
                    break;
                }
            }
        }
        out->median_response_days = interaction_median(gaps, ngaps);
    }
    free(gaps);
    return rc;
}

/* content: running the content probes over a crawl's parsed pages (see content.h). */
#include "probes/content/content.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "probes/content/columns.h"
#include "probes/content/guides.h"
#include "probes/content/columns_hidden.h"
#include "probes/content/identity.h"
#include "probes/content/interaction.h"
#include "probes/content/sections.h"
#include "probes/net/url.h"

struct list_slot {
    char *url; /* as resolved from the homepage */
    char *key; /* url without a trailing index.* or slash, for matching redirects */
    struct list_page page;
    int seen;
};

/* A candidate column page found through the navigation or a section's column index, and what
 * its page showed (blank columns wherever they are, issue 12). */
struct hidden_slot {
    char *name, *url, *key;
    enum column_found_in found_in;
    int seen;
    enum column_page_kind kind;
    struct list_page page;
};

/* A section page to read as a column index (its key), once. */
struct index_slot {
    char *key;
    int read;
};

struct content_state {
    char *home_url;
    long as_of;
    int portal;
    int home_seen;
    struct column_set cols;
    struct list_slot *lists;
    size_t nlists;
    /* The pages the probes want fetched (owned copies, in order); content_take_wanted hands
     * out those from index `given` on. Any probe adds to it with content_want(). */
    char **wanted;
    size_t nwanted, capwanted, given;
    /* A navigation-only homepage (no dated item, or only one sitemap-style long list): the
     * newest dated item of the depth-1 pages stands in for the homepage's, and where. */
    int navigation_on; /* rule homepage.navigation */
    int sitemap_rows;  /* rule homepage.sitemap_rows (0 = off) */
    int navigation;    /* this homepage is one */
    long second_latest;
    char *second_from;
    struct section_hit hits[SECTION_COUNT];
    struct site_identity ident;
    /* 服务不实用: the trail to the 办事服务 section's service guides (guides.h) */
    struct guides_trail *guides;
    int guide_sample; /* rule services.guide_sample */
    /* hidden columns: the candidates (at most extra_pages) and the section index pages */
    struct hidden_slot *hidden;
    size_t nhidden, hidden_alloc, extra_pages;
    struct index_slot index[SECTION_COUNT];
    size_t nindex;
    struct interaction_probe *interaction; /* 互动回应差: channels and messages */
};

/* The matching key of a URL: "http://h/a/" "http://h/a/index.html" "http://h/a" are one. */
static char *url_key(const char *url)
{
    char *norm = NULL;
    int rc = url_normalise(url, &norm);
    if (rc == SC_ENOMEM) /* not the URL as written: that key would match no list page */
        return NULL;
    if (rc != URL_OK) {
        free(norm);
        norm = strdup(url);
    }
    if (!norm)
        return NULL;
    size_t n = strlen(norm);
    static const char *const tails[] = {"index.html",  "index.htm", "index.shtml", "default.html",
                                        "default.htm", "index.jsp", "index.php"};
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        size_t t = strlen(tails[i]);
        if (n > t && strcmp(norm + n - t, tails[i]) == 0 && norm[n - t - 1] == '/') {
            n -= t;
            break;
        }
    }
    while (n > 0 && norm[n - 1] == '/')
        n--;
    norm[n] = 0;
    return norm;
}

char *content_url_key(const char *url)
{
    return url_key(url);
}

static int want_for_interaction(void *user, const char *url)
{
    return content_want(user, url);
}

struct content_state *content_state_new(const char *home_url, long as_of)
{
    struct content_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->home_url = strdup(home_url ? home_url : "");
    if (!s->home_url) {
        free(s);
        return NULL;
    }
    s->as_of = as_of;
    s->interaction = interaction_new(s->home_url, as_of, want_for_interaction, s);
    if (!s->interaction) {
        free(s->home_url);
        free(s);
        return NULL;
    }
    s->cols.page_latest = SC_NO_DAY;
    s->second_latest = SC_NO_DAY;
    struct rules d;
    rules_default(&d);
    s->navigation_on = d.v[RULE_HOMEPAGE_NAVIGATION] != 0;
    s->sitemap_rows = (int)d.v[RULE_HOMEPAGE_SITEMAP_ROWS];
    s->guide_sample = (int)d.v[RULE_SERVICES_GUIDE_SAMPLE];
    s->extra_pages = (size_t)d.v[RULE_COLUMNS_EXTRA_PAGES];
    s->ident.site_code_matches = -1;
    char *host = NULL;
    int port;
    s->portal = 1;
    if (home_url && url_host_port(home_url, &host, &port) == 0 && host)
        s->portal = strncmp(host, "www.", 4) == 0;
    free(host);
    return s;
}

void content_set_portal(struct content_state *s, int portal)
{
    s->portal = portal != 0;
}

void content_set_navigation(struct content_state *s, int enabled, int sitemap_rows)
{
    s->navigation_on = enabled != 0;
    s->sitemap_rows = sitemap_rows > 0 ? sitemap_rows : 0;
}

void content_set_guide_sample(struct content_state *s, int sample)
{
    s->guide_sample = sample > 0 ? sample : 0;
}

int content_may_leave_site(const struct content_state *s, const char *url)
{
    return s ? guides_trail_allows(s->guides, url) : 0;
}

static int want_for_guides(void *user, const char *url)
{
    return content_want(user, url);
}

void content_set_extra_pages(struct content_state *s, int pages)
{
    s->extra_pages = pages > 0 ? (size_t)pages : 0;
}

void content_set_interaction(struct content_state *s, const struct rules *rules)
{
    interaction_set_rules(s->interaction, rules);
}

void content_state_free(struct content_state *s)
{
    if (!s)
        return;
    guides_trail_free(s->guides);
    for (size_t i = 0; i < s->nhidden; i++) {
        free(s->hidden[i].name);
        free(s->hidden[i].url);
        free(s->hidden[i].key);
        list_page_free(&s->hidden[i].page);
    }
    free(s->hidden);
    for (size_t i = 0; i < s->nindex; i++)
        free(s->index[i].key);
    interaction_free(s->interaction);
    free(s->second_from);
    column_set_free(&s->cols);
    for (size_t i = 0; i < s->nlists; i++) {
        free(s->lists[i].url);
        free(s->lists[i].key);
        list_page_free(&s->lists[i].page);
    }
    free(s->lists);
    for (size_t i = 0; i < s->nwanted; i++)
        free(s->wanted[i]);
    free(s->wanted);
    sections_hits_free(s->hits);
    free(s->ident.site_code);
    free(s->ident.icp);
    free(s->ident.police_record);
    free(s->ident.sponsor);
    free(s->home_url);
    free(s);
}

int content_want(struct content_state *s, const char *url)
{
    if (!url)
        return 0;
    for (size_t i = 0; i < s->nwanted; i++)
        if (strcmp(s->wanted[i], url) == 0)
            return 0;
    if (s->nwanted == s->capwanted) {
        size_t cap = s->capwanted ? s->capwanted * 2 : 16;
        char **p = realloc(s->wanted, cap * sizeof *p);
        if (!p)
            return SC_ENOMEM;
        s->wanted = p;
        s->capwanted = cap;
    }
    char *copy = strdup(url);
    if (!copy)
        return SC_ENOMEM;
    s->wanted[s->nwanted++] = copy;
    return 0;
}

static int add_list_slots(struct content_state *s)
{
    s->lists = calloc(s->cols.n ? s->cols.n : 1, sizeof *s->lists);
    if (!s->lists)
        return SC_ENOMEM;
    for (size_t i = 0; i < s->cols.n; i++) {
        const char *u = s->cols.v[i].url;
        if (!u)
            continue;
        char *key = url_key(u);
        if (!key)
            return SC_ENOMEM;
        size_t j;
        for (j = 0; j < s->nlists && strcmp(s->lists[j].key, key) != 0; j++)
            ;
        if (j < s->nlists) {
            free(key);
            continue;
        }
        s->lists[j].key = key;
        s->lists[j].url = strdup(u);
        s->nlists++; /* the state owns both strings from here, even when the copy failed */
        if (!s->lists[j].url || content_want(s, s->lists[j].url) != 0)
            return SC_ENOMEM;
    }
    return 0;
}

/* A depth-1 page under a navigation-only homepage: remember its newest dated item. */
static int note_second_level(struct content_state *s, const char *url, const GumboOutput *doc)
{
    struct list_page p;
    int rc = columns_list_page(doc->root, url ? url : s->home_url, s->as_of, &p);
    if (rc)
        return rc;
    long latest = columns_latest(p.days, p.ndays, s->as_of);
    list_page_free(&p);
    if (latest != SC_NO_DAY && (s->second_latest == SC_NO_DAY || latest > s->second_latest)) {
        char *from = strdup(url ? url : s->home_url);
        if (!from)
            return SC_ENOMEM;
        free(s->second_from);
        s->second_from = from;
        s->second_latest = latest;
    }
    return 0;
}

/* 1 when the homepage just read is a navigation entry: no dated item at all, or its only
 * dated list is a sitemap-style one of at least sitemap_rows rows. */
static int homepage_is_navigation(const struct content_state *s)
{
    if (!s->navigation_on)
        return 0;
    if (s->cols.page_latest == SC_NO_DAY)
        return 1;
    if (s->sitemap_rows <= 0)
        return 0;
    size_t dated = 0, longest = 0;
    for (size_t i = 0; i < s->cols.n; i++) {
        if (s->cols.v[i].ndays == 0)
            continue;
        dated++;
        if ((size_t)s->cols.v[i].items > longest)
            longest = (size_t)s->cols.v[i].items;
    }
    return dated == 1 && longest >= (size_t)s->sitemap_rows;
}

/* Adds a candidate column page unless its page is the homepage, a homepage column's list
 * page or a candidate already, or the budget (extra_pages) is spent; asks for it. */
static int add_hidden(struct content_state *s, const char *name, const char *url,
                      enum column_found_in where)
{
    if (s->nhidden >= s->extra_pages)
        return 0;
    char *key = url_key(url), *home = key ? url_key(s->home_url) : NULL;
    if (!key || !home) {
        free(key);
        free(home);
        return SC_ENOMEM;
    }
    int known = strcmp(key, home) == 0;
    free(home);
    for (size_t i = 0; !known && i < s->nlists; i++)
        known = strcmp(s->lists[i].key, key) == 0;
    for (size_t i = 0; !known && i < s->nhidden; i++)
        known = strcmp(s->hidden[i].key, key) == 0;
    if (known) {
        free(key);
        return 0;
    }
    if (s->nhidden == s->hidden_alloc) {
        size_t na = s->hidden_alloc ? s->hidden_alloc * 2 : 16;
        void *np = realloc(s->hidden, na * sizeof *s->hidden);
        if (!np) {
            free(key);
            return SC_ENOMEM;
        }
        s->hidden = np;
        s->hidden_alloc = na;
    }
    struct hidden_slot *h = &s->hidden[s->nhidden++];
    memset(h, 0, sizeof *h);
    h->key = key;
    h->found_in = where;
    h->name = strdup(name);
    h->url = strdup(url);
    if (!h->name || !h->url) { /* no half-made slot stays behind */
        free(h->name);
        free(h->url);
        free(h->key);
        s->nhidden--;
        return SC_ENOMEM;
    }
    return content_want(s, url);
}

static int add_links(struct content_state *s, const struct column_links *l,
                     enum column_found_in where)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < l->n; i++)
        rc = add_hidden(s, l->v[i].name, l->v[i].url, where);
    return rc;
}

/* The homepage's navigation links (every link of a navigation-only homepage) become
 * candidates; the sections found on this host become column index pages to read. */
static int find_hidden_sources(struct content_state *s, const GumboNode *root, const char *base)
{
    if (s->extra_pages == 0)
        return 0;
    struct column_links l;
    memset(&l, 0, sizeof l);
    int rc = columns_nav_links(root, base, s->navigation, s->extra_pages, &l);
    if (rc == 0)
        rc = add_links(s, &l, FOUND_NAVIGATION);
    column_links_free(&l);
    for (int i = 0; rc == 0 && i < SECTION_COUNT; i++) {
        const char *u = s->hits[i].url;
        if (!u)
            continue;
        char *key = url_key(u);
        if (!key)
            return SC_ENOMEM;
        size_t j;
        for (j = 0; j < s->nindex && strcmp(s->index[j].key, key) != 0; j++)
            ;
        if (j < s->nindex) {
            free(key);
            continue;
        }
        s->index[s->nindex].key = key;
        s->index[s->nindex++].read = 0;
        rc = content_want(s, u);
    }
    return rc;
}

/* A page that is a candidate column page, a section's column index, or both. */
static int observe_hidden(struct content_state *s, const char *url, const char *key,
                          const GumboOutput *doc)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < s->nhidden; i++) {
        struct hidden_slot *h = &s->hidden[i];
        if (h->seen || strcmp(h->key, key) != 0)
            continue;
        h->seen = 1;
        rc = columns_column_page(doc->root, url, s->as_of, &h->page, &h->kind);
        char *name = NULL;
        if (rc == 0 && h->kind != COLUMN_PAGE_NOT)
            rc = columns_crumb_name(doc->root, &name);
        if (name) { /* the page's own name: a menu may say 新闻中心 for 工作动态 */
            free(h->name);
            h->name = name;
        }
    }
    for (size_t i = 0; rc == 0 && i < s->nindex; i++) {
        if (s->index[i].read || strcmp(s->index[i].key, key) != 0)
            continue;
        s->index[i].read = 1;
        if (s->nhidden >= s->extra_pages)
            break;
        struct column_links l;
        memset(&l, 0, sizeof l);
        rc = columns_index_links(doc->root, url, s->extra_pages - s->nhidden, &l);
        if (rc == 0)
            rc = add_links(s, &l, FOUND_SECTION_INDEX);
        column_links_free(&l);
    }
    return rc;
}

int content_observe_page(struct content_state *s, const char *url, int depth,
                         const GumboOutput *doc)
{
    if (!s || !doc || !doc->root)
        return 0;
    int is_homepage = depth == 0;
    if (!is_homepage && depth == 1 && s->home_seen && s->navigation) {
        int rc = note_second_level(s, url, doc);
        if (rc)
            return rc;
    }
    if (is_homepage && !s->home_seen) {
        s->home_seen = 1;
        const char *base = url ? url : s->home_url;
        int rc = columns_find(doc->root, base, s->as_of, &s->cols);
        if (rc == 0)
            rc = columns_find_empty(doc->root, base, &s->cols);
        if (rc == 0)
            rc = sections_find(doc->root, base, s->hits);
        if (rc == 0)
            rc = identity_find(doc->document, &s->ident);
        if (rc == 0)
            rc = add_list_slots(s);
        if (rc == 0)
            rc = interaction_observe_home(s->interaction, doc->root, base,
                                          s->hits[SECTION_INTERACTION].url);
        if (rc == 0)
            s->navigation = homepage_is_navigation(s);
        if (rc == 0 && s->guide_sample > 0 && !(s->guides = guides_trail_new(base, s->guide_sample)))
            rc = SC_ENOMEM;
        if (rc == 0)
            rc = guides_trail_start(s->guides, s->hits[SECTION_SERVICES].url, want_for_guides, s);
        if (rc == 0)
            rc = find_hidden_sources(s, doc->root, base);
        return rc;
    }
    if (s->guides && url) {
        int rc = guides_trail_observe(s->guides, url, doc->root, want_for_guides, s);
        if (rc)
            return rc;
    }
    if (!is_homepage && s->home_seen) {
        int rc = interaction_observe_page(s->interaction, doc->root, url);
        if (rc)
            return rc;
    }
    if (!url || !s->home_seen || (s->nlists == 0 && s->nhidden == 0 && s->nindex == 0))
        return 0;
    char *key = url_key(url);
    if (!key)
        return SC_ENOMEM;
    int rc = 0;
    for (size_t i = 0; i < s->nlists && rc == 0; i++) {
        if (s->lists[i].seen || strcmp(s->lists[i].key, key) != 0)
            continue;
        s->lists[i].seen = 1;
        rc = columns_list_page(doc->root, url, s->as_of, &s->lists[i].page);
    }
    if (rc == 0)
        rc = observe_hidden(s, url, key, doc);
    free(key);
    return rc;
}

const char *const *content_take_wanted(struct content_state *s, size_t *n)
{
    if (!s) {
        *n = 0;
        return NULL;
    }
    const char *const *from = (const char *const *)s->wanted + s->given;
    *n = s->nwanted - s->given;
    s->given = s->nwanted;
    return from;
}

/* The list page read for url, or NULL; *failed set when the URL's key could not be made. */
static const struct list_slot *slot_for(const struct content_state *s, const char *url,
                                        int *failed)
{
    if (!url)
        return NULL;
    char *key = url_key(url);
    if (!key)
        *failed = 1;
    const struct list_slot *hit = NULL;
    for (size_t i = 0; key && i < s->nlists && !hit; i++)
        if (s->lists[i].seen && strcmp(s->lists[i].key, key) == 0)
            hit = &s->lists[i];
    free(key);
    return hit;
}

/* Appends days[0..n) to the site-wide list *all (grown as needed). */
static int days_append(long **all, size_t *nall, const long *days, size_t n)
{
    if (n == 0)
        return 0;
    long *p = realloc(*all, (*nall + n) * sizeof *p);
    if (!p)
        return SC_ENOMEM;
    memcpy(p + *nall, days, n * sizeof *p);
    *all = p;
    *nall += n;
    return 0;
}

/* The hidden columns that turned out to be column pages, after the homepage's. */
static int fill_hidden(struct content_state *s, struct site_report *rep, const struct rules *rules,
                       long **all, size_t *nall)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < s->nhidden; i++) {
        const struct hidden_slot *h = &s->hidden[i];
        if (!h->seen || h->kind == COLUMN_PAGE_NOT)
            continue;
        struct column_record *c = site_report_add_column(rep);
        if (!c)
            return SC_ENOMEM;
        c->name = strdup(h->name);
        c->url = strdup(h->url);
        if (!c->name || !c->url)
            return SC_ENOMEM;
        c->found_in = h->found_in;
        c->category = columns_category(h->name);
        int blank = h->kind == COLUMN_PAGE_BLANK;
        const long *days = blank ? NULL : h->page.days;
        size_t ndays = blank ? 0 : h->page.ndays;
        c->items = blank ? 0 : h->page.items;
        c->undated_items = blank ? 0 : h->page.undated;
        c->blank = c->items == 0;
        c->latest = columns_latest(days, ndays, s->as_of);
        c->limit_days = rules_window(rules, c->category);
        c->stale =
            c->limit_days > 0 && (c->latest == SC_NO_DAY || s->as_of - c->latest > c->limit_days);
        rc = columns_updates(days, ndays, s->as_of, &c->updates);
        if (rc == 0)
            rc = days_append(all, nall, days, ndays);
    }
    return rc;
}

static int fill_columns(struct content_state *s, struct site_report *rep, const struct rules *rules,
                        content_link_status_fn link_status, void *user)
{
    long *all = NULL;
    size_t nall = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < s->cols.n; i++) {
        const struct column_found *f = &s->cols.v[i];
        struct column_record *c = site_report_add_column(rep);
        if (!c) {
            rc = SC_ENOMEM;
            break;
        }
        c->name = strdup(f->name ? f->name : "");
        c->url = f->url ? strdup(f->url) : NULL;
        if (!c->name || (f->url && !c->url)) {
            rc = SC_ENOMEM;
            break;
        }
        c->category = f->category;
        int failed = 0;
        const struct list_slot *slot = slot_for(s, f->url, &failed);
        if (failed) {
            rc = SC_ENOMEM;
            break;
        }
        const long *days = f->days;
        size_t ndays = f->ndays;
        if (slot && !slot->page.blank) {
            c->items = slot->page.items;
            c->undated_items = slot->page.undated;
            days = slot->page.days;
            ndays = slot->page.ndays;
        } else if (slot) {
            c->items = 0;
            c->undated_items = 0;
            days = NULL;
            ndays = 0;
        } else {
            c->items = f->items;
            c->undated_items = f->undated;
        }
        c->blank = c->items == 0;
        /* an empty block whose list page does not load is a broken link, not a blank column;
         * a block showing nothing at all is judged by its list page only */
        int unknown = !slot && c->blank && f->url &&
                      (f->empty_block || (link_status && link_status(user, f->url) == 0));
        if (unknown)
            c->blank = 0;
        c->latest = columns_latest(days, ndays, s->as_of);
        c->limit_days = rules_window(rules, c->category);
        /* a blank column has no item in its window either; the judge counts it as blank */
        c->stale = !unknown && c->limit_days > 0 &&
                   (c->latest == SC_NO_DAY || s->as_of - c->latest > c->limit_days);
        rc = columns_updates(days, ndays, s->as_of, &c->updates);
        if (rc == 0)
            rc = days_append(&all, &nall, days, ndays);
    }
    if (rc == 0)
        rc = fill_hidden(s, rep, rules, &all, &nall);
    /* the site as a whole: every column's dated items together */
    if (rc == 0)
        rc = columns_updates(all, nall, s->as_of, &rep->updates);
    free(all);
    return rc;
}

/* 1 when both URLs name the same host, 0 when not, SC_ENOMEM. */
static int same_host(const char *a, const char *b)
{
    char *ha = NULL, *hb = NULL;
    int pa, pb;
    int ra = url_host_port(a, &ha, &pa), rb = url_host_port(b, &hb, &pb);
    int same = ra == 0 && rb == 0 && ha && hb && strcmp(ha, hb) == 0;
    free(ha);
    free(hb);
    if (ra == SC_ENOMEM || rb == SC_ENOMEM)
        return SC_ENOMEM;
    return same;
}

int content_finish(struct content_state *s, struct site_report *rep, const struct rules *rules,
                   content_link_status_fn link_status, void *user)
{
    if (!s || !rep)
        return 0;
    if (!s->home_seen) {
        rep->homepage_analysed = 0;
        return 0;
    }
    struct rules defaults;
    if (!rules) {
        rules_default(&defaults);
        rules = &defaults;
    }
    rep->homepage_analysed = 1;
    rep->homepage_latest = s->cols.page_latest;
    rep->homepage_navigation = s->navigation;
    if (s->navigation) { /* judged by its second-level pages (domain.md) */
        rep->homepage_latest = s->second_latest;
        free(rep->homepage_latest_url);
        rep->homepage_latest_url = s->second_from;
        s->second_from = NULL;
    }
    rep->homepage_stale = rep->homepage_latest == SC_NO_DAY ||
                          s->as_of - rep->homepage_latest > (long)rules->v[RULE_WINDOW_HOMEPAGE];
    int rc = fill_columns(s, rep, rules, link_status, user);
    if (rc == 0)
        rc = interaction_finish(s->interaction, rep, link_status, user);
    const struct section_def *defs = sections_table();
    for (int i = 0; rc == 0 && i < SECTION_COUNT; i++) {
        int required = rules_section_required(rules, i, s->portal);
        if (!required && !s->hits[i].url)
            continue; /* an optional section is reported only when found */
        struct section_record *sec = site_report_add_section(rep);
        if (!sec)
            return SC_ENOMEM;
        sec->name = strdup(defs[i].name);
        const char *hit = s->hits[i].url;
        if (hit && rules->v[RULE_SECTIONS_OTHER_HOST] == 0) {
            int same = same_host(hit, s->home_url);
            if (same < 0)
                return SC_ENOMEM;
            if (!same)
                hit = NULL; /* on another host, which the table says does not count */
        }
        sec->url = hit ? strdup(hit) : NULL;
        if (!sec->name || (hit && !sec->url))
            return SC_ENOMEM;
        sec->required = required;
        sec->present = sec->url && (!link_status || link_status(user, sec->url) != 0);
    }
    if (rc == 0)
        rc = guides_trail_finish(s->guides, rep);
    /* the identity moves into the report */
    struct site_identity *id = &rep->identity;
    free(id->site_code);
    free(id->icp);
    free(id->police_record);
    free(id->sponsor);
    *id = s->ident;
    memset(&s->ident, 0, sizeof s->ident);
    id->site_code_matches = -1;
    if (rep->expected_code && id->site_code)
        id->site_code_matches = strcmp(rep->expected_code, id->site_code) == 0;
    return rc;
}

/* guides: the trail from the 办事服务 section to its service guides, and the sample checked
 * (see guides.h). */
#include "probes/content/guides.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "probes/content/content.h"
#include "probes/content/content_dom.h"
#include "probes/net/crawl.h"
#include "probes/net/url.h"

/* Places: a level-1 page is (i + 1) * PLACE_STEP for the i-th link followed from the
 * section's page; a level-2 page its parent's place + j + 1 for the j-th link followed. */
#define PLACE_STEP 100000L

/* Words of a link's text that lead to guides and lists of 事项 (besides the links under the
 * section's own directory). */
static const char *const trail_words[] = {"指南", "事项", "办事", "服务", "办理", "清单"};

struct trail_node {
    char *key;
    int level; /* 0 the section's page, 1, 2 */
    long place;
    int followed;
};

struct seen_guide {
    char *key;
    char *url;
    struct guide_read read;
};

struct guides_trail {
    int sample;
    char *home_key;
    char *section_url, *section_key;
    char *section_dir; /* the section's URL up to its last '/' */
    int section_seen;
    char **hosts; /* hosts the trail may fetch from: the site's, the section's, linked ones */
    size_t nhosts;
    struct trail_node *nodes;
    size_t nnodes, capnodes;
    struct seen_guide *seen;
    size_t nseen, capseen;
};

static int host_add(struct guides_trail *t, const char *url, int gov_only);

struct guides_trail *guides_trail_new(const char *home_url, int sample)
{
    struct guides_trail *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->sample = sample > 0 ? sample : 0;
    if (home_url && (!(t->home_key = content_url_key(home_url)) || host_add(t, home_url, 0))) {
        guides_trail_free(t);
        return NULL;
    }
    return t;
}

void guides_trail_free(struct guides_trail *t)
{
    if (!t)
        return;
    free(t->home_key);
    free(t->section_url);
    free(t->section_key);
    free(t->section_dir);
    for (size_t i = 0; i < t->nhosts; i++)
        free(t->hosts[i]);
    free(t->hosts);
    for (size_t i = 0; i < t->nnodes; i++)
        free(t->nodes[i].key);
    free(t->nodes);
    for (size_t i = 0; i < t->nseen; i++) {
        free(t->seen[i].key);
        free(t->seen[i].url);
        guide_read_free(&t->seen[i].read);
    }
    free(t->seen);
    free(t);
}

/* 1 when host ends in .gov.cn (a government host). */
static int gov_host(const char *host)
{
    size_t n = strlen(host);
    return n > 7 && strcmp(host + n - 7, ".gov.cn") == 0;
}

static int host_known(const struct guides_trail *t, const char *host)
{
    for (size_t i = 0; i < t->nhosts; i++)
        if (strcmp(t->hosts[i], host) == 0)
            return 1;
    return 0;
}

/* Adds url's host to the hosts the trail may fetch from (gov_only: only a *.gov.cn one). */
static int host_add(struct guides_trail *t, const char *url, int gov_only)
{
    char *host = NULL;
    int port;
    int rc = url_host_port(url, &host, &port);
    if (rc == SC_ENOMEM)
        return SC_ENOMEM;
    if (rc != 0 || !host || host_known(t, host) || (gov_only && !gov_host(host))) {
        free(host);
        return 0;
    }
    char **p = realloc(t->hosts, (t->nhosts + 1) * sizeof *p);
    if (!p) {
        free(host);
        return SC_ENOMEM;
    }
    t->hosts = p;
    t->hosts[t->nhosts++] = host;
    return 0;
}

int guides_trail_allows(const struct guides_trail *t, const char *url)
{
    if (!t || !url)
        return 0;
    char *host = NULL;
    int port;
    int rc = url_host_port(url, &host, &port);
    if (rc == SC_ENOMEM)
        return SC_ENOMEM;
    int ok = rc == 0 && host && host_known(t, host);
    free(host);
    return ok;
}

static struct trail_node *node_find(struct guides_trail *t, const char *key)
{
    for (size_t i = 0; i < t->nnodes; i++)
        if (strcmp(t->nodes[i].key, key) == 0)
            return &t->nodes[i];
    return NULL;
}

/* Adds a node (taking key) or lowers a known one's place; *added says which. */
static int node_offer(struct guides_trail *t, char *key, int level, long place, int *added)
{
    *added = 0;
    struct trail_node *n = node_find(t, key);
    if (n) {
        if (n->level == level && place < n->place)
            n->place = place;
        free(key);
        return 0;
    }
    if (t->nnodes == t->capnodes) {
        size_t cap = t->capnodes ? t->capnodes * 2 : 32;
        struct trail_node *p = realloc(t->nodes, cap * sizeof *p);
        if (!p) {
            free(key);
            return SC_ENOMEM;
        }
        t->nodes = p;
        t->capnodes = cap;
    }
    t->nodes[t->nnodes++] = (struct trail_node){key, level, place, 0};
    *added = 1;
    return 0;
}

int guides_trail_start(struct guides_trail *t, const char *section_url, guides_want_fn want,
                       void *user)
{
    if (!t || !section_url || t->sample == 0 || t->section_url)
        return 0;
    char *norm = NULL;
    int rc = url_normalise(section_url, &norm);
    if (rc == SC_ENOMEM)
        return SC_ENOMEM;
    if (rc != URL_OK) {
        free(norm);
        return 0;
    }
    t->section_url = norm;
    const char *slash = strrchr(norm, '/');
    const char *path = strstr(norm, "://");
    path = path ? strchr(path + 3, '/') : NULL;
    size_t dir = slash && path && slash >= path ? (size_t)(slash - norm) + 1 : strlen(norm);
    if (!(t->section_dir = strndup(norm, dir)) || !(t->section_key = content_url_key(norm)))
        return SC_ENOMEM;
    if ((rc = host_add(t, norm, 1)) < 0)
        return rc;
    int added;
    char *key = strdup(t->section_key);
    if (!key || node_offer(t, key, 0, 0, &added) < 0)
        return SC_ENOMEM;
    return want(user, norm);
}

/* 1 when the link's text has one of the trail's words. */
static int trail_text(const GumboNode *a)
{
    struct strbuf sb = STRBUF_INIT;
    dom_text(a, &sb, 0);
    int hit = 0;
    for (size_t i = 0; !sb.failed && !hit && i < sizeof trail_words / sizeof *trail_words; i++)
        hit = strstr(sb.buf, trail_words[i]) != NULL;
    int failed = sb.failed;
    strbuf_release(&sb);
    return failed ? SC_ENOMEM : hit;
}

/* Following one page's links (document order), at most `cap` of them. */
struct follow {
    struct guides_trail *t;
    const char *page_url;
    const char *page_key;
    int level; /* of the children */
    long base; /* the page's place */
    int count, cap;
    guides_want_fn want;
    void *user;
    int rc;
};

static void follow_link(struct follow *f, const GumboNode *a)
{
    const char *href = dom_attr(a, "href");
    char *abs = NULL;
    int st = href ? url_resolve(f->page_url, href, &abs) : URL_SKIP;
    if (st == SC_ENOMEM) {
        f->rc = SC_ENOMEM;
        return;
    }
    if (st != URL_OK || crawl_url_is_attachment(abs)) {
        free(abs);
        return;
    }
    if (f->level == 1 && (f->rc = host_add(f->t, abs, 1)) < 0) { /* the section links there */
        free(abs);
        return;
    }
    char *key = content_url_key(abs);
    if (!key) {
        free(abs);
        f->rc = SC_ENOMEM;
        return;
    }
    int allowed = guides_trail_allows(f->t, abs);
    /* from the section's page: what is under it or is worded like a list or a guide; from a
     * list: any link (its 事项 are named by what they are, 居民身份证申领) */
    int under = f->level == 2 || strncmp(abs, f->t->section_dir, strlen(f->t->section_dir)) == 0;
    int worded = allowed == 1 && !under ? trail_text(a) : 0;
    if (allowed < 0 || worded < 0) {
        f->rc = SC_ENOMEM;
    } else if (allowed == 1 && (under || worded) && strcmp(key, f->page_key) != 0 &&
               strcmp(key, f->t->section_key) != 0 &&
               !(f->t->home_key && strcmp(key, f->t->home_key) == 0)) {
        f->count++;
        long place = f->level == 1 ? f->count * PLACE_STEP : f->base + f->count;
        int added;
        f->rc = node_offer(f->t, key, f->level, place, &added);
        key = NULL;
        if (f->rc == 0 && added)
            f->rc = f->want(f->user, abs);
    }
    free(key);
    free(abs);
}

static void follow_walk(struct follow *f, const GumboNode *n, int depth)
{
    if (f->rc || f->count >= f->cap || depth > DOM_MAX_DEPTH || n->type != GUMBO_NODE_ELEMENT)
        return;
    if (n->v.element.tag == GUMBO_TAG_A) {
        follow_link(f, n);
        return;
    }
    const GumboVector *kids = &n->v.element.children;
    for (unsigned i = 0; i < kids->length && !f->rc && f->count < f->cap; i++)
        follow_walk(f, kids->data[i], depth + 1);
}

static int remember(struct guides_trail *t, const char *url, const char *key,
                    struct guide_read *g)
{
    for (size_t i = 0; i < t->nseen; i++)
        if (strcmp(t->seen[i].key, key) == 0)
            return 0; /* the first reading of a page stands */
    if (t->nseen >= GUIDES_MAX_SEEN)
        return 0;
    if (t->nseen == t->capseen) {
        size_t cap = t->capseen ? t->capseen * 2 : 32;
        struct seen_guide *p = realloc(t->seen, cap * sizeof *p);
        if (!p)
            return SC_ENOMEM;
        t->seen = p;
        t->capseen = cap;
    }
    char *u = strdup(url), *k = strdup(key);
    if (!u || !k) {
        free(u);
        free(k);
        return SC_ENOMEM;
    }
    t->seen[t->nseen++] = (struct seen_guide){k, u, *g};
    memset(g, 0, sizeof *g); /* the name moved */
    return 0;
}

int guides_trail_observe(struct guides_trail *t, const char *url, const GumboNode *root,
                         guides_want_fn want, void *user)
{
    if (!t || !t->section_url || !url || !root)
        return 0;
    char *key = content_url_key(url);
    if (!key)
        return SC_ENOMEM;
    struct guide_read g;
    int rc = guides_read_page(root, &g);
    if (rc == 0 && guides_is_guide(&g))
        rc = remember(t, url, key, &g);
    guide_read_free(&g);
    struct trail_node *n = rc == 0 ? node_find(t, key) : NULL;
    if (n && !n->followed && n->level < 2 &&
        (n->level == 0 || n->place / PLACE_STEP <= GUIDES_LIST_PAGES)) {
        n->followed = 1;
        if (n->level == 0)
            t->section_seen = 1;
        struct follow f = {t,         url, key, n->level + 1, n->place, 0, t->sample + GUIDES_SLACK,
                           want,      user, 0};
        follow_walk(&f, root, 0);
        rc = f.rc;
    }
    free(key);
    return rc;
}

struct pick {
    long place;
    const struct seen_guide *g;
};

static int pick_cmp(const void *a, const void *b)
{
    const struct pick *x = a, *y = b;
    if (x->place != y->place)
        return x->place < y->place ? -1 : 1;
    return strcmp(x->g->url, y->g->url);
}

int guides_trail_finish(struct guides_trail *t, struct site_report *rep)
{
    if (!t || !t->section_url)
        return 0;
    free(rep->services_url);
    rep->services_url = strdup(t->section_url);
    if (!rep->services_url)
        return SC_ENOMEM;
    rep->services_analysed = t->section_seen;
    struct pick *picks = calloc(t->nseen ? t->nseen : 1, sizeof *picks);
    if (!picks)
        return SC_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < t->nseen; i++) {
        const struct trail_node *node = node_find(t, t->seen[i].key);
        if (node && node->level > 0)
            picks[n++] = (struct pick){node->place, &t->seen[i]};
    }
    qsort(picks, n, sizeof *picks, pick_cmp);
    int rc = 0;
    for (size_t i = 0; i < n && i < (size_t)t->sample && rc == 0; i++) {
        struct guide_record *r = site_report_add_guide(rep);
        if (!r) {
            rc = SC_ENOMEM;
            break;
        }
        const struct guide_read *g = &picks[i].g->read;
        r->url = strdup(picks[i].g->url);
        r->name = strdup(g->name ? g->name : "");
        r->missing = ~g->present & ((1u << GUIDE_ELEMENTS) - 1);
        if (!r->url || !r->name)
            rc = SC_ENOMEM;
    }
    free(picks);
    return rc;
}

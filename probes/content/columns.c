/* columns: the homepage column finder and the list-page reader (see columns.h).
 *
 * From each list of dated rows the finder climbs towards <body>. At each level it looks at
 * the siblings just before the "run" of panels holding the list: the first short texts it
 * meets there (a heading, a row of tab titles) name the column. A run of two or more
 * like panels (same tag, and the same class or holding dated rows) is a tab group: panel i
 * takes tab title i. The 更多 link comes from the heading (one per tab when there are as
 * many as tabs), then from inside the panel, then from the title's own link. */
#include "probes/content/columns.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "probes/content/columns_hidden.h"
#include "probes/content/columns_items.h"
#include "probes/content/content_dom.h"
#include "probes/content/dates.h"
#include "probes/net/url.h"

#define MAX_LABELS 16
#define MAX_CLIMB 9
#define TAB_PEEK 3
#define LIST_MAX_ITEMS 150

struct label {
    const GumboNode *el;
    char *text;
    const char *href;
};

struct heading {
    struct label lab[MAX_LABELS];
    int nlab;
    const char *more[MAX_LABELS];
    int nmore;
    int overflow;
    int failed; /* out of memory (overflow is then set too, to stop collecting) */
};

static void heading_clear(struct heading *h)
{
    for (int i = 0; i < h->nlab; i++)
        free(h->lab[i].text);
    memset(h, 0, sizeof *h);
}

static int href_usable(const char *href)
{
    if (!href)
        return 0;
    while (*href == ' ' || *href == '\n' || *href == '\t' || *href == '\r')
        href++;
    return *href && *href != '#' && strncasecmp(href, "javascript", 10) != 0;
}

static void add_label(struct heading *h, const GumboNode *el, const char *text, const char *href)
{
    if (h->nlab == MAX_LABELS) {
        h->overflow = 1;
        return;
    }
    char *t = strdup(text);
    if (!t) {
        h->overflow = h->failed = 1;
        return;
    }
    h->lab[h->nlab].el = el;
    h->lab[h->nlab].text = t;
    h->lab[h->nlab].href = href;
    h->nlab++;
}

static void add_more(struct heading *h, const char *href)
{
    if (h->nmore < MAX_LABELS && href_usable(href))
        h->more[h->nmore++] = href;
}

/* 1 when an image (inside a link) says "more" by its alt or file name. */
static int img_says_more(const GumboNode *n, int depth)
{
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length && depth < 4; i++) {
        const GumboNode *k = kids->data[i];
        if (dom_is(k, GUMBO_TAG_IMG)) {
            const char *alt = dom_attr(k, "alt"), *src = dom_attr(k, "src");
            if ((alt && (strstr(alt, "更多") || strcasestr(alt, "more"))) ||
                (src && strcasestr(src, "more")))
                return 1;
        } else if (img_says_more(k, depth + 1)) {
            return 1;
        }
    }
    return 0;
}

/* The alt text of the first image under a link, or NULL. */
static const char *img_alt(const GumboNode *n, int depth)
{
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length && depth < 4; i++) {
        const GumboNode *k = kids->data[i];
        if (dom_is(k, GUMBO_TAG_IMG))
            return dom_attr(k, "alt");
        const char *alt = img_alt(k, depth + 1);
        if (alt)
            return alt;
    }
    return NULL;
}

/* 1 when n has links or block structure below it (so it is not a text leaf). */
static int has_structure(const GumboNode *n, int depth)
{
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length && depth < DOM_MAX_DEPTH; i++) {
        const GumboNode *k = kids->data[i];
        if (k->type != GUMBO_NODE_ELEMENT)
            continue;
        switch (k->v.element.tag) {
        case GUMBO_TAG_A:
        case GUMBO_TAG_LI:
        case GUMBO_TAG_UL:
        case GUMBO_TAG_OL:
        case GUMBO_TAG_DIV:
        case GUMBO_TAG_TABLE:
        case GUMBO_TAG_TR:
        case GUMBO_TAG_TD:
        case GUMBO_TAG_P:
        case GUMBO_TAG_DL:
        case GUMBO_TAG_DD:
        case GUMBO_TAG_DT:
        case GUMBO_TAG_H1:
        case GUMBO_TAG_H2:
        case GUMBO_TAG_H3:
        case GUMBO_TAG_H4:
        case GUMBO_TAG_H5:
        case GUMBO_TAG_H6:
            return 1;
        default:
            if (has_structure(k, depth + 1))
                return 1;
        }
    }
    return 0;
}

/* Collects the labels and more links under n, in document order. */
static void collect_labels(const GumboNode *n, struct heading *h, struct strbuf *sb, int depth)
{
    if (depth > DOM_MAX_DEPTH || h->overflow)
        return;
    if (n->type == GUMBO_NODE_TEXT) {
        strbuf_reset(sb);
        dom_text(n, sb, 0);
        dom_text_trim(sb);
        if (sb->failed) {
            h->overflow = h->failed = 1;
            return;
        }
        if (columns_is_name_text(sb->buf))
            add_label(h, n, sb->buf, NULL);
        return;
    }
    if (n->type != GUMBO_NODE_ELEMENT)
        return;
    GumboTag t = n->v.element.tag;
    if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_SELECT ||
        t == GUMBO_TAG_FORM)
        return;
    if (t == GUMBO_TAG_A) {
        const char *href = dom_attr(n, "href");
        strbuf_reset(sb);
        dom_text(n, sb, 0);
        dom_text_trim(sb);
        if (sb->failed) {
            h->overflow = h->failed = 1;
            return;
        }
        if (sb->len == 0) {
            const char *alt = img_alt(n, 0);
            if (img_says_more(n, 0))
                add_more(h, href);
            else if (alt && columns_is_name_text(alt))
                add_label(h, n, alt, href_usable(href) ? href : NULL); /* an image title */
        } else if (columns_is_more_text(sb->buf)) {
            add_more(h, href);
        } else if (columns_is_name_text(sb->buf)) {
            add_label(h, n, sb->buf, href_usable(href) ? href : NULL);
        }
        return;
    }
    if (!has_structure(n, 0)) {
        strbuf_reset(sb);
        dom_text(n, sb, 0);
        dom_text_trim(sb);
        if (sb->failed) {
            h->overflow = h->failed = 1;
            return;
        }
        if (columns_is_name_text(sb->buf))
            add_label(h, n, sb->buf, NULL);
        return;
    }
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++)
        collect_labels(kids->data[i], h, sb, depth + 1);
}

static int is_inline_heading(const GumboNode *n)
{
    if (n->type != GUMBO_NODE_ELEMENT)
        return 1;
    switch (n->v.element.tag) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_FONT:
    case GUMBO_TAG_B:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_I:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_LI:
        return 1;
    default:
        return 0;
    }
}

static int has_text(const GumboNode *n, struct strbuf *sb)
{
    strbuf_reset(sb);
    dom_text(n, sb, 0);
    dom_text_trim(sb);
    return sb->len > 0;
}

/* The heading just before kids[start] of P: inline siblings accumulate (a row of tab
 * links), the first block sibling with labels ends the search. */
static void heading_before(const GumboNode *P, unsigned start, struct heading *h, struct strbuf *sb)
{
    const GumboVector *kids = dom_children(P);
    unsigned from = start;
    int failed = 0;
    memset(h, 0, sizeof *h);
    for (unsigned j = start; kids && j-- > 0;) {
        const GumboNode *s = kids->data[j];
        if (s->type == GUMBO_NODE_WHITESPACE || s->type == GUMBO_NODE_COMMENT)
            continue;
        if (s->type == GUMBO_NODE_ELEMENT &&
            (s->v.element.tag == GUMBO_TAG_SCRIPT || s->v.element.tag == GUMBO_TAG_STYLE ||
             s->v.element.tag == GUMBO_TAG_BR))
            continue;
        struct heading tmp;
        memset(&tmp, 0, sizeof tmp);
        collect_labels(s, &tmp, sb, 0);
        int labels = tmp.nlab, mores = tmp.nmore;
        failed |= tmp.failed;
        heading_clear(&tmp);
        if (failed)
            break;
        if (labels == 0 && mores == 0) {
            if (has_text(s, sb) || (failed = sb->failed))
                break;
            continue;
        }
        from = j;
        if (is_inline_heading(s) && labels <= 1)
            continue;
        break;
    }
    for (unsigned j = from; kids && j < start && !failed; j++)
        collect_labels(kids->data[j], h, sb, 0);
    if (failed)
        h->overflow = h->failed = 1;
}

struct finder {
    const char *page_url;
    long as_of;
    struct page_items items;
    struct dom_set marked; /* ancestors of the rows of every column-like list */
    struct dom_set rows;   /* the rows themselves */
    struct strbuf sb;
    int failed; /* an allocation failed: columns_find returns SC_ENOMEM */
};

/* 1 when both elements' class attributes start with the same class (tab panels differ
 * only by a trailing "current" or "on"). */
static int same_class(const GumboNode *a, const GumboNode *b)
{
    const char *ca = dom_attr(a, "class"), *cb = dom_attr(b, "class");
    if (!ca || !cb)
        return 0;
    while (*ca == ' ')
        ca++;
    while (*cb == ' ')
        cb++;
    size_t la = strcspn(ca, " \t"), lb = strcspn(cb, " \t");
    return la > 0 && la == lb && strncmp(ca, cb, la) == 0;
}

static int is_panel(struct finder *f, const GumboNode *cur, const GumboNode *c)
{
    if (c == cur)
        return 1;
    if (c->type != GUMBO_NODE_ELEMENT || c->v.element.tag != cur->v.element.tag)
        return 0;
    return dom_set_has(&f->marked, c) || same_class(c, cur);
}

/* The run of like panels around cur among its siblings: first index, count, cur's rank. */
static void panel_run(struct finder *f, const GumboNode *cur, unsigned *start, int *k, int *i)
{
    const GumboVector *kids = dom_children(cur->parent);
    unsigned idx = (unsigned)cur->index_within_parent;
    *start = idx;
    *k = 1;
    *i = 0;
    /* step -1 walks back to the run's start, step +1 forward to its end */
    for (int step = -1; step <= 1; step += 2) {
        for (long j = (long)idx + step; kids && j >= 0 && j < (long)kids->length; j += step) {
            const GumboNode *s = kids->data[j];
            if (s->type == GUMBO_NODE_WHITESPACE || s->type == GUMBO_NODE_COMMENT)
                continue;
            if (s->type == GUMBO_NODE_ELEMENT && is_panel(f, cur, s)) {
                (*k)++;
                if (step < 0) {
                    (*i)++;
                    *start = (unsigned)j;
                }
                continue;
            }
            if (s->type == GUMBO_NODE_ELEMENT &&
                (s->v.element.tag == GUMBO_TAG_SCRIPT || !has_text(s, &f->sb)))
                continue;
            break;
        }
    }
}

/* The href of the first more link under n (outside the list rows), or NULL. */
static const char *more_inside(struct finder *f, const GumboNode *n, int depth)
{
    if (depth > DOM_MAX_DEPTH || dom_set_has(&f->rows, n))
        return NULL;
    if (dom_is(n, GUMBO_TAG_A)) {
        const char *href = dom_attr(n, "href");
        if (!href_usable(href))
            return NULL;
        strbuf_reset(&f->sb);
        dom_text(n, &f->sb, 0);
        dom_text_trim(&f->sb);
        if (f->sb.failed) {
            f->failed = 1;
            return NULL;
        }
        if (f->sb.len ? columns_is_more_text(f->sb.buf) : img_says_more(n, 0))
            return href;
        return NULL;
    }
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++) {
        const char *h = more_inside(f, kids->data[i], depth + 1);
        if (h)
            return h;
    }
    return NULL;
}

/* A list's title: its label node, text, list-page href and whether it is a tab. */
struct title {
    const GumboNode *key;
    char *name;
    const char *href;
    int tabbed;
    int has_more; /* the href is a real 更多 link, not only the title's own */
};

/* Above a heading found for a single block, a row of exactly as many tab titles as there
 * are like panels around the block means the block is one tab (its own heading is an inner
 * "latest" banner). Looks TAB_PEEK levels up; returns 1 and fills *h, *k, *i, *panel. */
static int tab_above(struct finder *f, const GumboNode *cur, struct heading *h, int *k, int *i,
                     const GumboNode **panel)
{
    const GumboNode *P = cur->parent;
    int carried_k = 0, carried_i = 0;
    const GumboNode *carried_panel = NULL;
    for (int level = 0; level < TAB_PEEK && P && P->type == GUMBO_NODE_ELEMENT; level++) {
        GumboTag pt = P->v.element.tag;
        if (pt == GUMBO_TAG_BODY || pt == GUMBO_TAG_HTML)
            break;
        unsigned start;
        int rk, ri;
        panel_run(f, cur, &start, &rk, &ri);
        if (rk >= 2 && !carried_k) {
            carried_k = rk;
            carried_i = ri;
            carried_panel = cur;
        }
        heading_before(P, start, h, &f->sb);
        if (h->overflow || (h->nlab > 0 && h->nlab != carried_k)) {
            f->failed |= h->failed;
            heading_clear(h);
            return 0;
        }
        if (h->nlab > 0) {
            *k = carried_k;
            *i = carried_i;
            *panel = carried_panel;
            return 1;
        }
        heading_clear(h);
        cur = P;
        P = P->parent;
    }
    return 0;
}

static int find_title(struct finder *f, const struct page_list *pl, struct title *t)
{
    const GumboNode *cur = f->items.items[pl->first].el;
    const GumboNode *P = pl->holder;
    const GumboNode *tab_panel = NULL, *panel = cur;
    int tab_k = 0, tab_i = 0, found = 0;
    const char *low_more = NULL;
    struct heading h;
    memset(&h, 0, sizeof h);
    memset(t, 0, sizeof *t);
    for (int level = 0; level < MAX_CLIMB && P && P->type == GUMBO_NODE_ELEMENT; level++) {
        GumboTag pt = P->v.element.tag;
        if (pt == GUMBO_TAG_BODY || pt == GUMBO_TAG_HTML)
            break;
        unsigned start = (unsigned)cur->index_within_parent;
        int k = 1, i = 0;
        if (level > 0)
            panel_run(f, cur, &start, &k, &i);
        if (level > 0 && k >= 2 && tab_k == 0) {
            tab_k = k;
            tab_i = i;
            tab_panel = cur;
        }
        heading_before(P, start, &h, &f->sb);
        if (h.failed) {
            f->failed = 1;
            heading_clear(&h);
            return 0;
        }
        if (h.overflow)
            break;
        if (h.nlab > 0) {
            found = 1;
            panel = cur;
            break;
        }
        if (h.nmore > 0 && !low_more)
            low_more = h.more[0];
        heading_clear(&h);
        cur = P;
        P = P->parent;
    }
    if (!found) {
        heading_clear(&h);
        return 0;
    }
    if (tab_k < 2 && h.nlab == 1) {
        struct heading up;
        int k, i;
        const GumboNode *up_panel;
        memset(&up, 0, sizeof up);
        if (panel->parent && tab_above(f, panel->parent, &up, &k, &i, &up_panel)) {
            heading_clear(&h);
            h = up;
            tab_k = k;
            tab_i = i;
            tab_panel = up_panel;
        }
    }
    int idx = 0, tabbed = 0;
    if (tab_k >= 2 && h.nlab >= 2) {
        tabbed = 1;
        idx = tab_i < h.nlab ? tab_i : h.nlab - 1;
    }
    t->key = h.lab[idx].el;
    t->name = h.lab[idx].text;
    h.lab[idx].text = NULL;
    t->tabbed = tabbed;
    t->has_more = 1;
    if (tabbed && h.nmore == tab_k)
        t->href = h.more[tab_i];
    else if (tabbed && h.lab[idx].href)
        t->href = h.lab[idx].href;
    else if (tabbed && tab_panel)
        t->href = more_inside(f, tab_panel, 0);
    else if (!tabbed && h.nmore > 0)
        t->href = h.more[0];
    else if (!tabbed && (t->href = low_more) != NULL)
        ;
    else if (!tabbed && (t->href = more_inside(f, panel, 0)) != NULL)
        ;
    else {
        t->href = h.lab[idx].href;
        t->has_more = 0;
    }
    if (!t->href)
        t->has_more = 0;
    heading_clear(&h);
    return 1;
}

static struct column_found *column_add(struct column_set *s)
{
    if (s->n == s->alloc) {
        size_t na = s->alloc ? s->alloc * 2 : 16;
        void *p = realloc(s->v, na * sizeof *s->v);
        if (!p)
            return NULL;
        s->v = p;
        s->alloc = na;
    }
    struct column_found *c = &s->v[s->n++];
    memset(c, 0, sizeof *c);
    return c;
}

/* Appends the rows of list l to column c. */
static int column_take_rows(struct finder *f, size_t l, struct column_found *c)
{
    const struct page_items *p = &f->items;
    size_t want = c->ndays + (size_t)p->lists[l].dated;
    if (want > 0) {
        long *d = realloc(c->days, want * sizeof *d);
        if (!d)
            return SC_ENOMEM;
        c->days = d;
    }
    for (size_t i = p->lists[l].first; i < p->nitems; i++) {
        if (p->list_of[i] != l || p->items[i].placeholder)
            continue;
        c->items++;
        if (p->items[i].day == SC_NO_DAY)
            c->undated++;
        else
            c->days[c->ndays++] = p->items[i].day;
    }
    return 0;
}

/* What a list can be: dated rows shown on the page; rows dated only by their URLs; a
 * 暂无信息 placeholder alone; undated rows. The last two kinds without dates shown need a
 * real 更多 link to count as a column (a block of links is not a column by itself). */
enum list_kind { LIST_NONE, LIST_DATED, LIST_URL_DATED, LIST_BLANK, LIST_UNDATED };

static enum list_kind list_kind(const struct page_list *pl)
{
    if (pl->items > LIST_MAX_ITEMS)
        return LIST_NONE;
    if (pl->dated > 0 && pl->dated * 2 >= pl->items)
        return pl->dated_visible > 0 ? LIST_DATED : LIST_URL_DATED;
    if (pl->items == 0 && pl->placeholders > 0)
        return LIST_BLANK;
    if (pl->dated == 0 && pl->items >= 3)
        return LIST_UNDATED;
    return LIST_NONE;
}

/* Raises page_latest to the newest dated row of list l. */
static void note_latest(const struct page_items *p, size_t l, struct column_set *out)
{
    for (size_t i = p->lists[l].first; i < p->nitems; i++)
        if (p->list_of[i] == l && p->items[i].day != SC_NO_DAY &&
            (out->page_latest == SC_NO_DAY || p->items[i].day > out->page_latest))
            out->page_latest = p->items[i].day;
}

static int mark_lists(struct finder *f)
{
    const struct page_items *p = &f->items;
    for (size_t i = 0; i < p->nitems; i++) {
        enum list_kind k = list_kind(&p->lists[p->list_of[i]]);
        if (k == LIST_NONE || k == LIST_UNDATED)
            continue;
        if (dom_set_add(&f->rows, p->items[i].el))
            return SC_ENOMEM;
        for (const GumboNode *n = p->items[i].el->parent; n; n = n->parent)
            if (dom_set_add(&f->marked, n))
                return SC_ENOMEM;
    }
    return 0;
}

int columns_find(const GumboNode *root, const char *page_url, long as_of, struct column_set *out)
{
    struct finder f;
    memset(&f, 0, sizeof f);
    f.page_url = page_url;
    f.as_of = as_of;
    strbuf_init(&f.sb);
    dom_set_init(&f.marked);
    dom_set_init(&f.rows);
    out->page_latest = SC_NO_DAY;
    const GumboNode **keys = NULL;
    int rc = page_items_collect(root, as_of, &f.items);
    if (rc == 0)
        rc = mark_lists(&f);
    if (rc == 0 && f.items.nlists > 0) {
        keys = calloc(f.items.nlists, sizeof *keys);
        if (!keys)
            rc = SC_ENOMEM;
    }
    size_t first_new = out->n;
    for (size_t l = 0; rc == 0 && l < f.items.nlists; l++) {
        const struct page_list *pl = &f.items.lists[l];
        enum list_kind kind = list_kind(pl);
        if (kind == LIST_NONE)
            continue;
        if (kind == LIST_DATED)
            note_latest(&f.items, l, out);
        struct title t;
        if (!find_title(&f, pl, &t))
            continue;
        if ((kind == LIST_UNDATED || kind == LIST_URL_DATED) && !t.has_more) {
            free(t.name);
            continue;
        }
        if (kind == LIST_URL_DATED)
            note_latest(&f.items, l, out);
        /* lists under one title (a block split into two ul) make one column */
        struct column_found *c = NULL;
        for (size_t j = first_new; j < out->n; j++)
            if (keys[j - first_new] == t.key)
                c = &out->v[j];
        if (c) {
            free(t.name);
        } else {
            if (out->n - first_new >= f.items.nlists || !(c = column_add(out))) {
                free(t.name);
                rc = SC_ENOMEM;
                break;
            }
            keys[out->n - 1 - first_new] = t.key;
            c->name = t.name;
            c->tabbed = t.tabbed;
            c->category = columns_category(c->name);
            int u = t.href ? url_resolve(page_url, t.href, &c->url) : URL_OK;
            if (u != URL_OK) {
                free(c->url);
                c->url = NULL;
            }
            if (u == SC_ENOMEM) {
                rc = SC_ENOMEM;
                break;
            }
        }
        rc = column_take_rows(&f, l, c);
    }
    if (rc == 0 && f.failed)
        rc = SC_ENOMEM;
    free(keys);
    page_items_free(&f.items);
    dom_set_free(&f.marked);
    dom_set_free(&f.rows);
    strbuf_release(&f.sb);
    return rc;
}

void column_set_free(struct column_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].name);
        free(s->v[i].url);
        free(s->v[i].days);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* 1 when the link (as written) resolves under the list page's directory, 0, or SC_ENOMEM. */
static int under_dir(const char *page_url, const char *href)
{
    char *abs = NULL;
    int under = 0;
    int u = href ? url_resolve(page_url, href, &abs) : URL_BAD;
    if (u == SC_ENOMEM)
        return SC_ENOMEM;
    if (u == URL_OK) {
        const char *slash = strrchr(page_url, '/');
        size_t dir = slash ? (size_t)(slash - page_url) + 1 : strlen(page_url);
        under = strncmp(abs, page_url, dir) == 0 && strlen(abs) > dir;
    }
    free(abs);
    return under;
}

/* The length of url without a trailing index.* page name or slash: "http://h/a/",
 * "http://h/a/index.html" and "http://h/a" compare equal on that many bytes. */
static size_t page_stem(const char *url)
{
    size_t n = strlen(url);
    const char *slash = strrchr(url, '/');
    if (slash && (strncmp(slash + 1, "index.", 6) == 0 || strncmp(slash + 1, "default.", 8) == 0))
        n = (size_t)(slash - url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    return n;
}

/* 1 when the link (as written) leads back to the list page itself (its breadcrumb's last
 * step, a pager's 首页): not an item of the list. 0, or SC_ENOMEM. */
static int links_to_self(const char *page_url, const char *href)
{
    char *abs = NULL;
    int self = 0;
    int u = href ? url_resolve(page_url, href, &abs) : URL_BAD;
    if (u == SC_ENOMEM)
        return SC_ENOMEM;
    if (u == URL_OK) {
        size_t a = page_stem(abs), p = page_stem(page_url);
        self = a == p && strncmp(abs, page_url, a) == 0;
    }
    free(abs);
    return self;
}

/* 1 when an element is an empty list: a ul or ol with no element inside. */
static int empty_list_visit(const GumboNode *n, int depth)
{
    if (depth > DOM_MAX_DEPTH || n->type != GUMBO_NODE_ELEMENT)
        return 0;
    const GumboVector *kids = dom_children(n);
    if (dom_is(n, GUMBO_TAG_UL) || dom_is(n, GUMBO_TAG_OL)) {
        int any = 0;
        for (unsigned i = 0; kids && i < kids->length && !any; i++) {
            const GumboNode *k = kids->data[i];
            any = k->type == GUMBO_NODE_ELEMENT || k->type == GUMBO_NODE_TEXT;
        }
        if (!any)
            return 1;
    }
    if (dom_is(n, GUMBO_TAG_SCRIPT))
        return 0;
    for (unsigned i = 0; kids && i < kids->length; i++)
        if (empty_list_visit(kids->data[i], depth + 1))
            return 1;
    return 0;
}

/* Marks the rows that are a list's own pager (首页 上一页 1 2 下一页 尾页): not items. */
static int mark_pager_rows(const struct page_items *p, char *pager, struct strbuf *sb)
{
    for (size_t i = 0; i < p->nitems; i++) {
        if (p->items[i].placeholder)
            continue;
        strbuf_reset(sb);
        dom_text(p->items[i].el, sb, 0);
        dom_text_trim(sb);
        if (sb->failed)
            return SC_ENOMEM;
        /* 1: a pager row; 2: one that is only 首页 (also a breadcrumb's first step) */
        pager[i] = columns_is_pager_text(sb->buf) ? strcmp(sb->buf, "首页") ? 1 : 2 : 0;
    }
    return 0;
}

int columns_list_page(const GumboNode *root, const char *page_url, long as_of,
                      struct list_page *out)
{
    struct page_items p;
    struct strbuf sb = STRBUF_INIT;
    memset(out, 0, sizeof *out);
    int rc = page_items_collect(root, as_of, &p);
    if (rc)
        return rc;
    char *pager = p.nitems ? calloc(p.nitems, 1) : NULL;
    if ((p.nitems && !pager) || mark_pager_rows(&p, pager ? pager : "", &sb)) {
        free(pager);
        strbuf_release(&sb);
        page_items_free(&p);
        return SC_ENOMEM;
    }
    strbuf_release(&sb);
    long best_score = 0;
    size_t best = (size_t)-1;
    int placeholders = 0, pager_rows = 0;
    int failed = 0;
    for (size_t i = 0; i < p.nitems && !failed; i++) {
        pager_rows += pager[i] == 1;
        int self = pager[i] || p.items[i].placeholder ? 0 : links_to_self(page_url, p.items[i].href);
        failed = self < 0;
        if (self > 0)
            pager[i] = 3; /* not an item either, and no sign of an empty list */
    }
    for (size_t l = 0; l < p.nlists && !failed; l++) {
        const struct page_list *pl = &p.lists[l];
        placeholders += pl->placeholders;
        if (pl->items > 1000)
            continue;
        long under = 0;
        for (size_t i = pl->first; i < p.nitems && !failed; i++) {
            if (p.list_of[i] != l || p.items[i].placeholder || pager[i])
                continue;
            int u = under_dir(page_url, p.items[i].href);
            failed = u < 0;
            under += u > 0;
        }
        /* dated rows weigh most; rows linking under the page's directory break ties */
        long score = (long)pl->dated * 4 + under * 2 + (pl->dated ? 1 : 0);
        if (pl->dated == 0 && under < 1)
            score = 0;
        if (score > best_score) {
            best_score = score;
            best = l;
        }
    }
    if (failed) {
        free(pager);
        page_items_free(&p);
        return SC_ENOMEM;
    }
    if (best == (size_t)-1) {
        out->blank = 1;
    } else {
        const struct page_list *pl = &p.lists[best];
        out->days = pl->dated ? calloc((size_t)pl->dated, sizeof *out->days) : NULL;
        if (pl->dated && !out->days) {
            free(pager);
            page_items_free(&p);
            return SC_ENOMEM;
        }
        for (size_t i = pl->first; i < p.nitems; i++) {
            if (p.list_of[i] != best || p.items[i].placeholder || pager[i])
                continue;
            out->items++;
            if (p.items[i].day == SC_NO_DAY)
                out->undated++;
            else
                out->days[out->ndays++] = p.items[i].day;
        }
        /* undated rows beside a 暂无信息 row are navigation, not content */
        if (pl->dated == 0 && placeholders > 0) {
            out->items = out->undated = 0;
            out->blank = 1;
        }
        if (out->items == 0)
            out->blank = 1;
    }
    if (out->blank)
        out->empty_evidence = placeholders > 0 || pager_rows > 0 || empty_list_visit(root, 0);
    free(pager);
    page_items_free(&p);
    return 0;
}

void list_page_free(struct list_page *p)
{
    free(p->days);
    memset(p, 0, sizeof *p);
}

enum column_category columns_category(const char *name)
{
    static const struct {
        const char *word;
        enum column_category cat;
    } table[] = {
        {"人事", COLUMN_PERSONNEL}, {"任免", COLUMN_PERSONNEL}, {"招聘", COLUMN_PERSONNEL},
        {"招考", COLUMN_PERSONNEL}, {"规划", COLUMN_PLAN},      {"计划", COLUMN_PLAN},
        {"政策", COLUMN_POLICY},    {"文件", COLUMN_POLICY},    {"法规", COLUMN_POLICY},
        {"通知", COLUMN_NOTICE},    {"公告", COLUMN_NOTICE},    {"公示", COLUMN_NOTICE},
        {"通告", COLUMN_NOTICE},    {"要闻", COLUMN_NEWS},      {"动态", COLUMN_NEWS},
        {"新闻", COLUMN_NEWS},      {"资讯", COLUMN_NEWS},      {"头条", COLUMN_NEWS},
    };
    if (!name)
        return COLUMN_OTHER;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (strstr(name, table[i].word))
            return table[i].cat;
    return COLUMN_OTHER;
}

long columns_latest(const long *days, size_t n, long as_of)
{
    long best = SC_NO_DAY;
    for (size_t i = 0; i < n; i++)
        if (days[i] <= as_of + 1 && (best == SC_NO_DAY || days[i] > best))
            best = days[i];
    return best;
}

static int cmp_desc(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x < y) - (x > y);
}

static int cmp_asc_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int columns_updates(const long *days, size_t n, long as_of, struct column_updates *u)
{
    memset(u, 0, sizeof *u);
    u->median_gap_days = -1;
    long *sorted = n ? malloc(n * sizeof *sorted) : NULL;
    double *gaps = n > 1 ? malloc((n - 1) * sizeof *gaps) : NULL;
    if ((n && !sorted) || (n > 1 && !gaps)) {
        free(sorted);
        free(gaps);
        return SC_ENOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; sorted && i < n; i++) {
        if (days[i] > as_of + 1)
            continue;
        sorted[m++] = days[i];
        long age = as_of - days[i];
        if (age <= 14)
            u->d14++;
        if (age <= 90)
            u->d90++;
        if (age <= 365)
            u->d365++;
    }
    if (m >= 2 && gaps) {
        qsort(sorted, m, sizeof *sorted, cmp_desc);
        for (size_t i = 0; i + 1 < m; i++)
            gaps[i] = (double)(sorted[i] - sorted[i + 1]);
        qsort(gaps, m - 1, sizeof *gaps, cmp_asc_double);
        size_t g = m - 1;
        u->median_gap_days = g % 2 ? gaps[g / 2] : (gaps[g / 2 - 1] + gaps[g / 2]) / 2.0;
    }
    free(sorted);
    free(gaps);
    return 0;
}

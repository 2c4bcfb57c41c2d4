/* columns_hidden: empty homepage blocks, navigation and section-index links, and the reading
 * of a candidate column page (see columns_hidden.h). */
#include "probes/content/columns_hidden.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "probes/content/columns_items.h"
#include "probes/content/content_dom.h"
#include "probes/content/dates.h"
#include "probes/net/url.h"

#define HEADING_CLIMB 3  /* levels from a 更多 link up to its block's heading */
#define NAME_MAX_CHARS 20

static int usable_href(const char *href)
{
    if (!href)
        return 0;
    while (*href == ' ' || *href == '\n' || *href == '\t' || *href == '\r')
        href++;
    return *href && *href != '#' && strncasecmp(href, "javascript", 10) != 0 &&
           strncasecmp(href, "mailto:", 7) != 0;
}

int columns_is_name_text(const char *text)
{
    size_t chars = dom_chars(text);
    if (chars < 2 || chars > NAME_MAX_CHARS)
        return 0;
    struct date_match m;
    if (dates_find(text, strlen(text), 0, 0, &m))
        return 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p >= 0xE4 || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
            return 1;
    return 0;
}

int columns_is_pager_text(const char *text)
{
    static const char *const words[] = {"首页", "上一页", "下一页", "尾页",   "末页", "前一页",
                                        "后一页", "上页", "下页", "最后一页", "第一页", "跳转",
                                        "GO",   "go",   "确定"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(text, words[i]) == 0)
            return 1;
    const char *p = text;
    if (*p == '[')
        p++;
    size_t digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == ']')
        p++;
    return digits > 0 && digits <= 5 && *p == 0;
}

static void text_of(const GumboNode *n, struct strbuf *sb)
{
    strbuf_reset(sb);
    dom_text(n, sb, 0);
    dom_text_trim(sb);
}

static int is_more_link(const GumboNode *a, struct strbuf *sb)
{
    text_of(a, sb);
    if (sb->len)
        return columns_is_more_text(sb->buf);
    const GumboVector *kids = dom_children(a);
    for (unsigned i = 0; kids && i < kids->length; i++) {
        const GumboNode *k = kids->data[i];
        const char *alt = dom_attr(k, "alt"), *src = dom_attr(k, "src");
        if (dom_is(k, GUMBO_TAG_IMG) && ((alt && (strstr(alt, "更多") || strcasestr(alt, "more"))) ||
                                         (src && strcasestr(src, "more"))))
            return 1;
    }
    return 0;
}

/* ---- empty homepage blocks ---- */

struct scan {
    int labels;    /* column-like texts outside 更多 links */
    char *first;   /* the first of them (owned) */
    int links;     /* usable links other than 更多 */
    int others;    /* texts that are neither a label nor a 暂无 message */
    int scripted;  /* a script or iframe fills the block */
    int empty;     /* a 暂无 message or an empty list element: the block shows it is empty */
    int failed;
};

/* 1 when n is a ul or ol with no element or text inside. */
static int empty_list(const GumboNode *n)
{
    if (!dom_is(n, GUMBO_TAG_UL) && !dom_is(n, GUMBO_TAG_OL))
        return 0;
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++)
        if (((const GumboNode *)kids->data[i])->type == GUMBO_NODE_ELEMENT ||
            ((const GumboNode *)kids->data[i])->type == GUMBO_NODE_TEXT)
            return 0;
    return 1;
}

/* Looks at everything under n except the subtree skip. */
static void scan_block(const GumboNode *n, const GumboNode *skip, struct scan *sc,
                       struct strbuf *sb, int depth)
{
    if (n == skip || depth > DOM_MAX_DEPTH || sc->failed)
        return;
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA) {
        text_of(n, sb);
        if (sb->failed) {
            sc->failed = 1;
        } else if (sb->len == 0) {
            return;
        } else if (columns_is_empty_text(sb->buf)) {
            sc->empty = 1;
        } else if (columns_is_name_text(sb->buf)) {
            if (sc->labels++ == 0 && !(sc->first = strdup(sb->buf)))
                sc->failed = 1;
        } else {
            sc->others++;
        }
        return;
    }
    if (n->type != GUMBO_NODE_ELEMENT)
        return;
    GumboTag t = n->v.element.tag;
    if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_IFRAME) {
        sc->scripted = 1;
        return;
    }
    if (t == GUMBO_TAG_STYLE)
        return;
    if (empty_list(n))
        sc->empty = 1;
    if (t == GUMBO_TAG_A) {
        int more = is_more_link(n, sb);
        if (sb->failed) {
            sc->failed = 1;
            return;
        }
        if (more)
            return;
        if (usable_href(dom_attr(n, "href")))
            sc->links++;
    }
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++)
        scan_block(kids->data[i], skip, sc, sb, depth + 1);
}

static int is_top(const GumboNode *n)
{
    return !n || n->type != GUMBO_NODE_ELEMENT || dom_is(n, GUMBO_TAG_BODY) ||
           dom_is(n, GUMBO_TAG_HTML);
}

/* 1 when some link under n is a 更多 link. */
static int holds_more(const GumboNode *n, struct strbuf *sb, int depth)
{
    if (depth > DOM_MAX_DEPTH || n->type != GUMBO_NODE_ELEMENT)
        return 0;
    if (dom_is(n, GUMBO_TAG_A))
        return is_more_link(n, sb);
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length && !sb->failed; i++)
        if (holds_more(kids->data[i], sb, depth + 1))
            return 1;
    return 0;
}

/* A block that shows nothing at all (no 暂无, no empty list) may be only the heading of a
 * list laid out beside it (a heading table, then the list's table). 1 when the next
 * sibling with content, at the block's level or up to HEADING_CLIMB levels above when it is
 * the last there, holds links without a 更多 link of its own (that list is this heading's);
 * the next block of the same kind (its own heading and 更多) or nothing at all is fine.
 * -1 when out of memory. */
static int list_beside(const GumboNode *box, struct strbuf *sb)
{
    const GumboNode *n = box;
    for (int level = 0; level <= HEADING_CLIMB && !is_top(n); level++, n = n->parent) {
        const GumboVector *kids = dom_children(n->parent);
        for (unsigned i = n->index_within_parent + 1; kids && i < kids->length; i++) {
            const GumboNode *s = kids->data[i];
            if (s->type != GUMBO_NODE_ELEMENT && s->type != GUMBO_NODE_TEXT)
                continue;
            struct scan sc;
            memset(&sc, 0, sizeof sc);
            scan_block(s, NULL, &sc, sb, 0);
            free(sc.first);
            if (sc.failed || sb->failed)
                return -1;
            if (sc.links == 0 && sc.labels == 0 && sc.others == 0)
                continue; /* a spacer */
            int more = sc.links > 0 && holds_more(s, sb, 0);
            if (sb->failed)
                return -1;
            return sc.links > 0 && !more;
        }
    }
    return 0;
}

/* The name of the empty block a 更多 link heads, or NULL (*failed on out of memory). */
static char *empty_block_name(const GumboNode *more, struct strbuf *sb, int *failed)
{
    const GumboNode *head = more->parent;
    struct scan sc;
    memset(&sc, 0, sizeof sc);
    for (int level = 0; level < HEADING_CLIMB && !is_top(head); level++, head = head->parent) {
        memset(&sc, 0, sizeof sc);
        scan_block(head, more, &sc, sb, 0);
        if (sc.failed || sc.labels > 1 || sc.others > 0 || sc.scripted) {
            free(sc.first);
            *failed = sc.failed;
            return NULL;
        }
        if (sc.labels == 1)
            break;
        free(sc.first);
        sc.first = NULL;
    }
    if (is_top(head) || sc.labels != 1)
        return NULL;
    /* the block around the heading holds nothing but it and, at most, a 暂无 message */
    const GumboNode *box = head->parent;
    if (is_top(box) || sc.links > 1) {
        free(sc.first);
        return NULL;
    }
    char *name = sc.first;
    memset(&sc, 0, sizeof sc);
    scan_block(box, head, &sc, sb, 0);
    free(sc.first);
    *failed = sc.failed;
    if (sc.failed || sc.labels || sc.links || sc.others || sc.scripted) {
        free(name);
        return NULL;
    }
    int beside = sc.empty ? 0 : list_beside(box, sb);
    if (beside) {
        *failed = beside < 0;
        free(name);
        return NULL;
    }
    return name;
}

struct empty_walk {
    const char *page_url;
    struct column_set *out;
    struct strbuf sb;
    int rc;
};

static int column_has_url(const struct column_set *s, const char *url)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].url && strcmp(s->v[i].url, url) == 0)
            return 1;
    return 0;
}

static int add_empty_column(struct column_set *s, char *name, char *url)
{
    if (s->n == s->alloc) {
        size_t na = s->alloc ? s->alloc * 2 : 16;
        void *p = realloc(s->v, na * sizeof *s->v);
        if (!p)
            return SC_ENOMEM;
        s->v = p;
        s->alloc = na;
    }
    struct column_found *c = &s->v[s->n++];
    memset(c, 0, sizeof *c);
    c->name = name;
    c->url = url;
    c->category = columns_category(name);
    c->empty_block = 1;
    return 0;
}

static void empty_visit(const GumboNode *n, struct empty_walk *w, int depth)
{
    if (w->rc || depth > DOM_MAX_DEPTH || n->type != GUMBO_NODE_ELEMENT)
        return;
    const char *href = dom_attr(n, "href");
    int more = dom_is(n, GUMBO_TAG_A) && usable_href(href) && is_more_link(n, &w->sb);
    if (w->sb.failed) {
        w->rc = SC_ENOMEM;
        return;
    }
    if (more) {
        char *url = NULL;
        int u = url_resolve(w->page_url, href, &url);
        if (u == SC_ENOMEM) {
            w->rc = SC_ENOMEM;
            return;
        }
        if (u != URL_OK || column_has_url(w->out, url)) {
            free(url);
            return;
        }
        int failed = 0;
        char *name = empty_block_name(n, &w->sb, &failed);
        if (failed || w->sb.failed)
            w->rc = SC_ENOMEM;
        if (!name || w->rc) {
            free(name);
            free(url);
            return;
        }
        if (add_empty_column(w->out, name, url)) {
            free(name);
            free(url);
            w->rc = SC_ENOMEM;
        }
        return;
    }
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++)
        empty_visit(kids->data[i], w, depth + 1);
}

int columns_find_empty(const GumboNode *root, const char *page_url, struct column_set *out)
{
    struct empty_walk w = {page_url, out, STRBUF_INIT, 0};
    if (root)
        empty_visit(root, &w, 0);
    strbuf_release(&w.sb);
    return w.rc;
}

/* ---- navigation and section-index links ---- */

void column_links_free(struct column_links *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].url);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

struct link_walk {
    const char *page_url;
    char *page_host;
    int page_port;
    size_t max;
    struct column_links *out;
    struct strbuf sb;
    int rc;
};

static int attr_says(const GumboNode *n, const char *const *words)
{
    const char *v[2] = {dom_attr(n, "class"), dom_attr(n, "id")};
    for (int i = 0; i < 2; i++)
        for (size_t k = 0; v[i] && words[k]; k++)
            if (strcasestr(v[i], words[k]))
                return 1;
    return 0;
}

static const char *const nav_words[] = {"nav", "menu", "daohang", NULL};
static const char *const foot_words[] = {"foot", "bottom", "copyright", NULL};

static int is_nav(const GumboNode *n)
{
    return dom_is(n, GUMBO_TAG_NAV) || attr_says(n, nav_words);
}

/* Adds the link a if it can lead to a column page. */
static void take_link(const GumboNode *a, struct link_walk *w)
{
    const char *href = dom_attr(a, "href");
    if (!usable_href(href) || w->out->n >= w->max)
        return;
    text_of(a, &w->sb);
    if (w->sb.len == 0) {
        const char *t = dom_attr(a, "title");
        if (t)
            strbuf_adds(&w->sb, t);
        dom_text_trim(&w->sb);
    }
    if (w->sb.failed) {
        w->rc = SC_ENOMEM;
        return;
    }
    if (!columns_is_name_text(w->sb.buf) || columns_is_more_text(w->sb.buf) ||
        columns_is_pager_text(w->sb.buf))
        return;
    char *url = NULL, *host = NULL;
    int port = 0;
    int u = url_resolve(w->page_url, href, &url);
    if (u == URL_OK) {
        int h = url_host_port(url, &host, &port);
        if (h == SC_ENOMEM)
            u = SC_ENOMEM;
        else if (h != 0 || !host || strcmp(host, w->page_host) != 0 || port != w->page_port)
            u = URL_SKIP;
    }
    free(host);
    if (u == URL_OK) {
        /* not the homepage or the page itself */
        const char *path = strstr(url, "://");
        path = path ? strchr(path + 3, '/') : NULL;
        if (!path || strcmp(path, "/") == 0 || strcmp(url, w->page_url) == 0)
            u = URL_SKIP;
    }
    for (size_t i = 0; u == URL_OK && i < w->out->n; i++)
        if (strcmp(w->out->v[i].url, url) == 0)
            u = URL_SKIP;
    if (u != URL_OK) {
        free(url);
        if (u == SC_ENOMEM)
            w->rc = SC_ENOMEM;
        return;
    }
    struct column_links *o = w->out;
    if (o->n == o->alloc) {
        size_t na = o->alloc ? o->alloc * 2 : 16;
        void *p = realloc(o->v, na * sizeof *o->v);
        if (!p) {
            free(url);
            w->rc = SC_ENOMEM;
            return;
        }
        o->v = p;
        o->alloc = na;
    }
    char *name = strdup(w->sb.buf);
    if (!name) {
        free(url);
        w->rc = SC_ENOMEM;
        return;
    }
    o->v[o->n].name = name;
    o->v[o->n].url = url;
    o->n++;
}

/* mode 0: links inside navigation containers (all of them when take is set);
 * mode 1: links outside navigation and footer containers. */
static void link_visit(const GumboNode *n, struct link_walk *w, int mode, int take, int depth)
{
    if (w->rc || depth > DOM_MAX_DEPTH || n->type != GUMBO_NODE_ELEMENT ||
        w->out->n >= w->max)
        return;
    GumboTag t = n->v.element.tag;
    if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_SELECT)
        return;
    if (mode == 0 && !take && is_nav(n))
        take = 1;
    if (mode == 1 && (is_nav(n) || attr_says(n, foot_words)))
        return;
    if (t == GUMBO_TAG_A) {
        if (take)
            take_link(n, w);
        return;
    }
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++)
        link_visit(kids->data[i], w, mode, take, depth + 1);
}

static int collect_links(const GumboNode *root, const char *page_url, int mode, int take,
                         size_t max, struct column_links *out)
{
    struct link_walk w;
    memset(&w, 0, sizeof w);
    w.page_url = page_url;
    w.max = max;
    w.out = out;
    strbuf_init(&w.sb);
    int h = url_host_port(page_url, &w.page_host, &w.page_port);
    if (h == SC_ENOMEM)
        w.rc = SC_ENOMEM;
    else if (h == 0 && w.page_host && root)
        link_visit(root, &w, mode, take, 0);
    free(w.page_host);
    strbuf_release(&w.sb);
    return w.rc;
}

int columns_nav_links(const GumboNode *root, const char *page_url, int whole_page, size_t max,
                      struct column_links *out)
{
    return collect_links(root, page_url, 0, whole_page, max, out);
}

int columns_index_links(const GumboNode *root, const char *page_url, size_t max,
                        struct column_links *out)
{
    return collect_links(root, page_url, 1, 1, max, out);
}

/* ---- a candidate column page ---- */

/* The breadcrumb element (class or id crumb, position, location ...), or NULL. */
static const GumboNode *crumb_visit(const GumboNode *n, int depth)
{
    static const char *const words[] = {"crumb", "position", "location", "dqwz", "weizhi", NULL};
    if (depth > DOM_MAX_DEPTH || n->type != GUMBO_NODE_ELEMENT)
        return NULL;
    if (attr_says(n, words))
        return n;
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++) {
        const GumboNode *c = crumb_visit(kids->data[i], depth + 1);
        if (c)
            return c;
    }
    return NULL;
}

int columns_crumb_name(const GumboNode *root, char **name)
{
    *name = NULL;
    const GumboNode *crumb = root ? crumb_visit(root, 0) : NULL;
    if (!crumb)
        return 0;
    struct strbuf sb = STRBUF_INIT;
    text_of(crumb, &sb);
    if (sb.failed) {
        strbuf_release(&sb);
        return SC_ENOMEM;
    }
    static const char *const seps[] = {">", "＞", "»", "→", "》"};
    const char *last = sb.buf ? sb.buf : "";
    for (const char *p = last; *p; p++)
        for (size_t k = 0; k < sizeof seps / sizeof *seps; k++)
            if (strncmp(p, seps[k], strlen(seps[k])) == 0)
                last = p + strlen(seps[k]);
    while (*last == ' ')
        last++;
    int rc = 0;
    if (last != sb.buf && columns_is_name_text(last) && strcmp(last, "首页") != 0 && !(*name = strdup(last)))
        rc = SC_ENOMEM;
    strbuf_release(&sb);
    return rc;
}

/* 1 when the page shows a breadcrumb (当前位置：首页 > ...), 0, or SC_ENOMEM. */
static int has_breadcrumb(const GumboNode *root)
{
    static const char *const words[] = {"当前位置", "您的位置", "现在的位置", "所在位置",
                                        "当前的位置", "您现在位置"};
    if (crumb_visit(root, 0))
        return 1;
    struct strbuf sb = STRBUF_INIT;
    dom_text(root, &sb, 0);
    int found = 0;
    for (size_t i = 0; !sb.failed && i < sizeof words / sizeof *words && !found; i++)
        found = strstr(sb.buf ? sb.buf : "", words[i]) != NULL;
    int failed = sb.failed;
    strbuf_release(&sb);
    return failed ? SC_ENOMEM : found;
}

int columns_column_page(const GumboNode *root, const char *page_url, long as_of,
                        struct list_page *out, enum column_page_kind *kind)
{
    *kind = COLUMN_PAGE_NOT;
    int rc = columns_list_page(root, page_url, as_of, out);
    if (rc)
        return rc;
    int crumb = has_breadcrumb(root);
    if (crumb < 0)
        return SC_ENOMEM;
    if (!crumb)
        return 0;
    if (out->ndays > 0 && out->ndays * 2 >= (size_t)out->items)
        *kind = COLUMN_PAGE_LIST;
    else if (out->blank && out->empty_evidence)
        *kind = COLUMN_PAGE_BLANK;
    return 0;
}

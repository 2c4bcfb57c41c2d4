/* columns_items: collecting a page's dated list rows and grouping them (see columns_items.h).
 *
 * A row is found from each titled link: the nearest li/tr/dd/dt above it, else the nearest
 * block element holding only that link, else the link itself (its date then sits in the
 * next sibling). Rows that hold their own nested lists (drop-down menus) are not items.
 * A <script> inside a <ul> that document.write()s a link is a row too (TRS-style CMSs). */
#include "probes/content/columns_items.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "probes/content/content_dom.h"
#include "probes/content/dates.h"
#include "probes/verdict/site_report.h"

int columns_is_more_text(const char *text)
{
    /* the text less its symbols, on the stack: it never allocates (a failure here would
     * silently change what a page shows); a longer text is no "more" link anyway */
    char kept[64];
    size_t len = 0;
    int symbols = 0;
    for (const char *p = text; *p;) {
        /* drop spaces, > » + 》 . … and brackets */
        static const char *const junk[] = {" ",  ">",  "+", "»", "》", ".",  "…", "[", "]",
                                           "【", "】", "(", ")", "（", "）", "<", "«"};
        size_t k, hit = 0;
        for (k = 0; k < sizeof junk / sizeof *junk; k++) {
            size_t l = strlen(junk[k]);
            if (strncmp(p, junk[k], l) == 0) {
                hit = l;
                break;
            }
        }
        if (hit) {
            symbols++;
            p += hit;
        } else if (len + 1 < sizeof kept) {
            kept[len++] = *p++;
        } else {
            return 0;
        }
    }
    kept[len] = 0;
    return (len == 0 && symbols >= 2) || strcasecmp(kept, "more") == 0 ||
           strcmp(kept, "更多") == 0 || strcmp(kept, "查看更多") == 0 ||
           strcmp(kept, "更多信息") == 0 || strcmp(kept, "更多内容") == 0;
}

int columns_is_empty_text(const char *text)
{
    static const char *const words[] = {"暂无信息", "暂无数据", "暂无内容", "暂无记录",
                                        "暂无相关", "暂无文章", "没有记录", "没有数据"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strstr(text, words[i]))
            return 1;
    return 0;
}

static int is_row_tag(GumboTag t)
{
    return t == GUMBO_TAG_LI || t == GUMBO_TAG_TR || t == GUMBO_TAG_DD || t == GUMBO_TAG_DT;
}

static int is_inline_tag(GumboTag t)
{
    return t == GUMBO_TAG_SPAN || t == GUMBO_TAG_FONT || t == GUMBO_TAG_B ||
           t == GUMBO_TAG_STRONG || t == GUMBO_TAG_EM || t == GUMBO_TAG_I || t == GUMBO_TAG_U ||
           t == GUMBO_TAG_SMALL || t == GUMBO_TAG_LABEL || t == GUMBO_TAG_TD || t == GUMBO_TAG_TH;
}

static int is_container_tag(GumboTag t)
{
    return t == GUMBO_TAG_UL || t == GUMBO_TAG_OL || t == GUMBO_TAG_TABLE || t == GUMBO_TAG_TBODY ||
           t == GUMBO_TAG_DL || t == GUMBO_TAG_BODY || t == GUMBO_TAG_HTML || t == GUMBO_TAG_FORM;
}

/* Counts <a> (and, with lists=1, ul/ol/table) descendants, stopping once over limit. */
static int count_tags(const GumboNode *n, int lists, int limit, int depth)
{
    int c = 0;
    const GumboVector *kids = dom_children(n);
    if (!kids || depth > DOM_MAX_DEPTH)
        return 0;
    for (unsigned i = 0; i < kids->length && c <= limit; i++) {
        const GumboNode *k = kids->data[i];
        if (k->type != GUMBO_NODE_ELEMENT)
            continue;
        GumboTag t = k->v.element.tag;
        if (lists ? (t == GUMBO_TAG_UL || t == GUMBO_TAG_OL || t == GUMBO_TAG_TABLE)
                  : t == GUMBO_TAG_A)
            c++;
        c += count_tags(k, lists, limit - c, depth + 1);
    }
    return c;
}

/* The row a titled link belongs to (see the file comment). */
static const GumboNode *row_of(const GumboNode *a)
{
    const GumboNode *n = a->parent;
    for (int k = 0; n && n->type == GUMBO_NODE_ELEMENT && k < 5; n = n->parent, k++) {
        GumboTag t = n->v.element.tag;
        if (is_row_tag(t)) {
            /* an <li> dropped straight into a table cell: the table row is the row */
            const GumboNode *up = n->parent;
            if (t == GUMBO_TAG_LI && dom_is(up, GUMBO_TAG_TD) && dom_is(up->parent, GUMBO_TAG_TR))
                return up->parent;
            return n;
        }
        if (!is_inline_tag(t))
            break;
    }
    /* no row element: the nearest non-inline ancestor if it holds only this link */
    n = a->parent;
    while (n && n->type == GUMBO_NODE_ELEMENT && is_inline_tag(n->v.element.tag) &&
           n->v.element.tag != GUMBO_TAG_TD)
        n = n->parent;
    if (n && n->type == GUMBO_NODE_ELEMENT && !is_container_tag(n->v.element.tag) &&
        count_tags(n, 0, 1, 0) == 1)
        return n;
    return a;
}

struct walk {
    struct page_items *out;
    const GumboNode **main_link; /* per item: the link with the longest text */
    size_t *main_len;
    size_t main_alloc;
    struct strbuf text;
    long as_of;
    int failed;
};

static struct page_item *item_add(struct walk *w, const GumboNode *row)
{
    struct page_items *p = w->out;
    if (p->nitems == p->items_alloc) {
        size_t na = p->items_alloc ? p->items_alloc * 2 : 64;
        void *a = realloc(p->items, na * sizeof *p->items);
        void *b = a ? realloc(w->main_link, na * sizeof *w->main_link) : NULL;
        if (b)
            w->main_link = b;
        void *c = b ? realloc(w->main_len, na * sizeof *w->main_len) : NULL;
        if (a)
            p->items = a;
        if (c)
            w->main_len = c;
        if (!a || !b || !c) {
            w->failed = 1;
            return NULL;
        }
        p->items_alloc = na;
    }
    struct page_item *it = &p->items[p->nitems];
    memset(it, 0, sizeof *it);
    it->el = row;
    it->day = SC_NO_DAY;
    w->main_link[p->nitems] = NULL;
    w->main_len[p->nitems] = 0;
    p->nitems++;
    return it;
}

static void visit_link(struct walk *w, const GumboNode *a)
{
    const char *href = dom_attr(a, "href");
    if (!href)
        return;
    while (*href == ' ' || *href == '\t' || *href == '\n' || *href == '\r')
        href++;
    if (!*href || *href == '#' || strncasecmp(href, "javascript", 10) == 0 ||
        strncasecmp(href, "mailto:", 7) == 0)
        return;
    strbuf_reset(&w->text);
    dom_text(a, &w->text, 0);
    dom_text_trim(&w->text);
    if (w->text.len == 0) {
        const char *title = dom_attr(a, "title");
        if (title)
            strbuf_adds(&w->text, title);
        dom_text_trim(&w->text);
    }
    if (w->text.len == 0 || columns_is_more_text(w->text.buf))
        return;
    const GumboNode *row = row_of(a);
    struct page_items *p = w->out;
    size_t idx;
    if (p->nitems > 0 && p->items[p->nitems - 1].el == row) {
        idx = p->nitems - 1;
    } else {
        if (row != a && count_tags(row, 1, 0, 0) > 0)
            return; /* a menu entry holding a sub-list */
        if (!item_add(w, row))
            return;
        idx = p->nitems - 1;
    }
    if (w->text.len > w->main_len[idx]) {
        w->main_len[idx] = w->text.len;
        w->main_link[idx] = a;
        p->items[idx].href = href;
    }
}

static void visit_placeholder(struct walk *w, const GumboNode *n)
{
    if (count_tags(n, 0, 0, 0) > 0)
        return;
    strbuf_reset(&w->text);
    dom_text(n, &w->text, 0);
    if (w->text.len < 200 && columns_is_empty_text(w->text.buf)) {
        struct page_item *it = item_add(w, n);
        if (it)
            it->placeholder = 1;
    }
}

/* A list row written by script, as some CMSs do inside a <ul>:
 *   <script>var doctime='2018-03-09 17:00:00'; document.write('<li><a href=...>');</script>
 * It is a row (dated by the first date in the script) when it writes a link. */
static void visit_script_row(struct walk *w, const GumboNode *script, long as_of)
{
    const GumboVector *kids = dom_children(script);
    if (!kids || kids->length == 0)
        return;
    const GumboNode *t = kids->data[0];
    if (t->type != GUMBO_NODE_TEXT && t->type != GUMBO_NODE_CDATA)
        return;
    const char *js = t->v.text.text;
    size_t n = strlen(js);
    if (n > 8192 || !strstr(js, "document.write") || !strcasestr(js, "<a "))
        return;
    struct page_item *it = item_add(w, script);
    if (!it)
        return;
    struct date_match m;
    size_t from = 0;
    while (dates_find(js, n, from, as_of, &m)) {
        from = m.end;
        if (m.day <= as_of + 1) {
            it->day = m.day;
            it->source = ITEM_TEXT;
            break;
        }
    }
}

static void walk(struct walk *w, const GumboNode *n, int depth)
{
    if (depth > DOM_MAX_DEPTH || w->failed)
        return;
    if (n->type == GUMBO_NODE_ELEMENT) {
        GumboTag t = n->v.element.tag;
        if (t == GUMBO_TAG_SCRIPT &&
            (dom_is(n->parent, GUMBO_TAG_UL) || dom_is(n->parent, GUMBO_TAG_OL))) {
            visit_script_row(w, n, w->as_of);
            return;
        }
        if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_HEAD)
            return;
        if (t == GUMBO_TAG_A) {
            visit_link(w, n);
            return;
        }
        if (is_row_tag(t) || t == GUMBO_TAG_P)
            visit_placeholder(w, n);
    }
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++)
        walk(w, kids->data[i], depth + 1);
}

/* The first date in text that is not after as_of + 1; with ends_only, only a date at
 * the start or the end of the text counts (a title such as "2026年工作要点" is not dated). */
static int text_date(const char *text, size_t n, long as_of, int ends_only, long *day)
{
    struct date_match m;
    size_t from = 0;
    while (dates_find(text, n, from, as_of, &m)) {
        from = m.end;
        if (m.day > as_of + 1)
            continue;
        if (ends_only && m.start > 0 && m.end + 2 < n)
            continue;
        *day = m.day;
        return 1;
    }
    return 0;
}

static void date_item(struct walk *w, struct page_item *it, const GumboNode *a, long as_of)
{
    struct strbuf *sb = &w->text;
    long day;
    strbuf_reset(sb);
    if (it->el == a) {
        /* a bare link: its date, if any, is the next element sibling */
        const GumboNode *parent = a->parent;
        const GumboVector *kids = dom_children(parent);
        for (unsigned i = (unsigned)a->index_within_parent + 1; kids && i < kids->length; i++) {
            const GumboNode *k = kids->data[i];
            if (k->type == GUMBO_NODE_WHITESPACE || k->type == GUMBO_NODE_COMMENT)
                continue;
            if (!dom_is(k, GUMBO_TAG_A))
                dom_text(k, sb, 0);
            break;
        }
    } else {
        dom_text(it->el, sb, DOM_TEXT_SKIP_LINKS);
    }
    if (text_date(sb->buf, sb->len, as_of, 0, &day)) {
        it->source = ITEM_TEXT;
        goto dated;
    }
    strbuf_reset(sb);
    dom_text(a, sb, 0);
    dom_text_trim(sb);
    if (text_date(sb->buf, sb->len, as_of, 1, &day)) {
        it->source = ITEM_LINK_TEXT;
        goto dated;
    }
    strbuf_reset(sb);
    dom_text(it->el, sb, DOM_TEXT_COMMENTS);
    if (text_date(sb->buf, sb->len, as_of, 0, &day)) {
        it->source = ITEM_COMMENT;
        goto dated;
    }
    if (it->href && dates_from_url(it->href, as_of, &day)) {
        it->source = ITEM_URL;
        goto dated;
    }
    it->source = ITEM_UNDATED;
    return;
dated:
    it->day = day;
}

static int group_lists(struct page_items *p)
{
    p->list_of = calloc(p->nitems ? p->nitems : 1, sizeof *p->list_of);
    if (!p->list_of)
        return SC_ENOMEM;
    for (size_t i = 0; i < p->nitems; i++) {
        const GumboNode *holder = p->items[i].el->parent;
        size_t l = p->nlists;
        if (l > 0 && p->lists[l - 1].holder == holder)
            l = l - 1;
        else
            for (l = 0; l < p->nlists && p->lists[l].holder != holder; l++)
                ;
        if (l == p->nlists) {
            if (p->nlists == p->lists_alloc) {
                size_t na = p->lists_alloc ? p->lists_alloc * 2 : 16;
                void *nl = realloc(p->lists, na * sizeof *p->lists);
                if (!nl)
                    return SC_ENOMEM;
                p->lists = nl;
                p->lists_alloc = na;
            }
            memset(&p->lists[l], 0, sizeof p->lists[l]);
            p->lists[l].holder = holder;
            p->lists[l].first = i;
            p->nlists++;
        }
        struct page_list *pl = &p->lists[l];
        pl->n++;
        if (p->items[i].placeholder) {
            pl->placeholders++;
        } else {
            pl->items++;
            if (p->items[i].day != SC_NO_DAY)
                pl->dated++;
            if (p->items[i].day != SC_NO_DAY && p->items[i].source != ITEM_URL)
                pl->dated_visible++;
        }
        p->list_of[i] = l;
    }
    return 0;
}

int page_items_collect(const GumboNode *root, long as_of, struct page_items *out)
{
    struct walk w;
    memset(&w, 0, sizeof w);
    memset(out, 0, sizeof *out);
    w.out = out;
    w.as_of = as_of;
    strbuf_init(&w.text);
    walk(&w, root, 0);
    for (size_t i = 0; !w.failed && i < out->nitems; i++)
        if (!out->items[i].placeholder && w.main_link[i])
            date_item(&w, &out->items[i], w.main_link[i], as_of);
    int rc = w.failed || w.text.failed ? SC_ENOMEM : group_lists(out);
    free(w.main_link);
    free(w.main_len);
    strbuf_release(&w.text);
    if (rc)
        page_items_free(out);
    return rc;
}

void page_items_free(struct page_items *p)
{
    free(p->items);
    free(p->lists);
    free(p->list_of);
    memset(p, 0, sizeof *p);
}

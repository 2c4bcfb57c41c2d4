/* columns_items: the list items of a page — each link-bearing row (li, tr, dd, or a small
 * element holding one link) with its date, grouped by the element that holds the rows.
 * Shared by the homepage column finder and the list-page reader (columns.c). */
#ifndef SPOTCHECK_COLUMNS_ITEMS_H
#define SPOTCHECK_COLUMNS_ITEMS_H

#include <gumbo.h>
#include <stddef.h>

enum item_date_source { ITEM_UNDATED, ITEM_TEXT, ITEM_LINK_TEXT, ITEM_COMMENT, ITEM_URL };

struct page_item {
    const GumboNode *el; /* the row */
    const char *href;    /* the row's main link as written (gumbo's memory), or NULL */
    long day;            /* SC_NO_DAY when undated */
    enum item_date_source source;
    int placeholder; /* a 暂无信息 row: an empty list's only row, not an item */
};

struct page_list {
    const GumboNode *holder; /* the rows' parent (ul, tbody, div ...) */
    size_t first, n;         /* the rows are items[first..] (not contiguous: see next) */
    int items, dated, placeholders;
    int dated_visible; /* dated by text or a comment, not only by the URL */
};

struct page_items {
    struct page_item *items;
    size_t nitems, items_alloc;
    struct page_list *lists;
    size_t nlists, lists_alloc;
    size_t *list_of; /* list index of each item */
};

/* Collects the items of the tree under root. Returns 0 or SC_ENOMEM. */
int page_items_collect(const GumboNode *root, long as_of, struct page_items *out);
void page_items_free(struct page_items *p);

/* 1 when the (trimmed) text is a "more" link's text: 更多, more, >>, 查看更多 ... */
int columns_is_more_text(const char *text);
/* 1 when the element's text says the list is empty (暂无信息, 暂无数据, 暂无内容 ...). */
int columns_is_empty_text(const char *text);

#endif

/* columns_hidden: the columns a homepage's dated blocks do not show — the blank columns
 * (空白栏目) hide there. Three ways to find them, all on already-parsed pages:
 *   - an empty homepage block: a heading with a 更多 link and no rows, or only a 暂无信息 row;
 *   - the navigation's column links (menus, nested menus; on a navigation-only homepage every
 *     link of the page), to be fetched and recognised as column list pages;
 *   - a section's column index page (政府信息公开, 新闻中心 ...) listing its sub-columns.
 * A fetched candidate is a column when it is a list page: a breadcrumb (当前位置 ...) and a
 * list of dated links, or no item at all with the evidence of an empty list (a 暂无 message,
 * a pager alone, an empty list element). */
#ifndef SPOTCHECK_COLUMNS_HIDDEN_H
#define SPOTCHECK_COLUMNS_HIDDEN_H

#include <gumbo.h>
#include <stddef.h>

#include "probes/content/columns.h"

/* Appends to *out a column (items 0, its 更多 URL, empty_block set) for every homepage block
 * that shows a heading and a 更多 link but no row at all, or only a 暂无信息 message, and
 * whose URL no column of *out has yet. Returns 0 or SC_ENOMEM. */
int columns_find_empty(const GumboNode *root, const char *page_url, struct column_set *out);

/* A link that may lead to a column page: its anchor text and absolute URL. */
struct column_link {
    char *name;
    char *url;
};
struct column_links {
    struct column_link *v;
    size_t n, alloc;
};
void column_links_free(struct column_links *l);

/* The navigation's links (inside <nav> or an element whose class or id names a nav or menu;
 * every link of the page when whole_page) with a column-like anchor (2..20 characters, not a
 * date, 更多 or a pager word), on page_url's host, not the page itself, each URL once, at most
 * max of them. Returns 0 or SC_ENOMEM. */
int columns_nav_links(const GumboNode *root, const char *page_url, int whole_page, size_t max,
                      struct column_links *out);

/* The links of a section's column index page, outside its navigation and footer, with the
 * same filters as columns_nav_links. Returns 0 or SC_ENOMEM. */
int columns_index_links(const GumboNode *root, const char *page_url, size_t max,
                        struct column_links *out);

enum column_page_kind { COLUMN_PAGE_NOT, COLUMN_PAGE_LIST, COLUMN_PAGE_BLANK };

/* Reads a candidate page: COLUMN_PAGE_LIST when it is a list page with dated items,
 * COLUMN_PAGE_BLANK when it is a list page showing no item (with the evidence of an empty
 * list), else COLUMN_PAGE_NOT (an article, a section page, a plain page). *out receives what
 * columns_list_page read. Returns 0 or SC_ENOMEM. */
int columns_column_page(const GumboNode *root, const char *page_url, long as_of,
                        struct list_page *out, enum column_page_kind *kind);

/* The column's name as the page's breadcrumb ends (当前位置：首页 > 新闻中心 > 工作动态 gives
 * 工作动态) into *name (malloc'd), or NULL when the page shows no such breadcrumb. Returns 0
 * or SC_ENOMEM. */
int columns_crumb_name(const GumboNode *root, char **name);

/* 1 when the text can name a column (a heading, a menu entry, a breadcrumb's last step):
 * 2..20 characters, a letter or CJK among them, not a date. */
int columns_is_name_text(const char *text);

/* 1 when the (trimmed) text is a pager's: 首页 上一页 下一页 尾页 末页, a page number. */
int columns_is_pager_text(const char *text);

#endif

/* columns: finding a homepage's columns (栏目) and reading their list pages.
 *
 * A column is a block with a title (often with a 更多/more link to its list page) and a
 * list of dated items: div/ul blocks, old table layouts, and tabbed blocks where a row of
 * tab titles sits above (or beside) a row of panels. The finder works on an already-parsed
 * gumbo tree and never fetches: the caller passes list pages to columns_list_page().
 *
 * How an item is dated, strongest first: a date in the item's own text outside its link;
 * a date at either end of the link text; a date inside an HTML comment in the item; a date
 * in the link's URL. A date after the check day (+1 for clock skew) is ignored. */
#ifndef SPOTCHECK_COLUMNS_H
#define SPOTCHECK_COLUMNS_H

#include <gumbo.h>
#include <stddef.h>

#include "probes/verdict/site_report.h"

/* One column found on a homepage. */
struct column_found {
    char *name;   /* title as shown, trimmed */
    char *url;    /* list page, absolute, or NULL when none was found */
    int tabbed;   /* one tab of a tab group */
    int items;    /* items shown */
    int undated;  /* items shown without any date */
    long *days;   /* days of the dated items, in page order */
    size_t ndays; /* == items - undated */
    enum column_category category;
    /* found by columns_find_empty (a heading and 更多 over nothing): blank only when its list
     * page, fetched, shows no item either */
    int empty_block;
};

struct column_set {
    struct column_found *v;
    size_t n, alloc;
    long page_latest; /* newest dated item anywhere on the page, or SC_NO_DAY */
};

/* Finds the columns of a parsed homepage. page_url (absolute) resolves the links; as_of is
 * the check day. Appends to *out (which starts zeroed). Returns 0 or SC_ENOMEM. */
int columns_find(const GumboNode *root, const char *page_url, long as_of, struct column_set *out);
void column_set_free(struct column_set *s);

/* What a column's list page shows. */
struct list_page {
    int items;
    int undated;
    long *days;
    size_t ndays;
    int blank; /* no items: 暂无信息/暂无数据, or no list at all */
    /* blank columns (issue 12): the page shows it is an empty list — a 暂无 message, a pager
     * with no item, or an empty list element — not merely a page without a list */
    int empty_evidence;
};

/* Reads a list page: its main list is the one with the most dated items, preferring items
 * under the page's own directory. The list's own pager (首页 上一页 1 2 下一页 尾页) is not an
 * item. Returns 0 or SC_ENOMEM. */
int columns_list_page(const GumboNode *root, const char *page_url, long as_of,
                      struct list_page *out);
void list_page_free(struct list_page *p);

/* The category of a column name by the keyword table (人事/任免/招聘 → personnel, 规划/计划
 * → plan, 政策/文件/法规 → policy, 通知/公告/公示 → notice, 要闻/动态/新闻 → news). */
enum column_category columns_category(const char *name);

/* The newest day in days[0..n) not after as_of + 1, or SC_NO_DAY. */
long columns_latest(const long *days, size_t n, long as_of);
/* Update frequency: items within 14/90/365 days of as_of and the median gap in days
 * between consecutive dated items (-1 with fewer than two). Returns 0 or SC_ENOMEM. */
int columns_updates(const long *days, size_t n, long as_of, struct column_updates *u);

#endif

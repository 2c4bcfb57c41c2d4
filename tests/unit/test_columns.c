/* test_columns: the homepage column finder and the list-page reader on the hand-written
 * regression pages in tests/data/pages (div/ul, table, tabs, hidden dates, list pages),
 * the category table, update frequency, and hostile input. */
#include "testutil.h"
#include "common/clock.h"
#include "common/strbuf.h"
#include "probes/content/columns.h"
#include "probes/content/columns_items.h"
#include "probes/content/content.h"
#include "probes/content/content_run.h"

#include <gumbo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE "http://www.test.gov.cn/"

static long ymd(int y, int m, int d)
{
    return sc_days_from_civil(y, m, d);
}

static GumboOutput *parse_page(const char *name, char **text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/pages/%s", test_src(), name);
    *text = test_read_file(path, NULL);
    assert_non_null(*text);
    GumboOutput *doc = gumbo_parse(*text);
    assert_non_null(doc);
    return doc;
}

static void find_columns(const char *name, long as_of, struct column_set *set)
{
    char *text;
    GumboOutput *doc = parse_page(name, &text);
    memset(set, 0, sizeof *set);
    assert_int_equal(columns_find(doc->root, BASE, as_of, set), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    free(text);
}

static const struct column_found *column_named(const struct column_set *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].name && strcmp(s->v[i].name, name) == 0)
            return &s->v[i];
    fail_msg("no column named %s among %zu", name, s->n);
    return NULL;
}

/* name, category, list url, items shown, undated, latest (SC_NO_DAY none), tabbed */
static void expect(const struct column_set *s, const char *name, enum column_category cat,
                   const char *url, int items, int undated, long latest, int tabbed)
{
    const struct column_found *c = column_named(s, name);
    assert_int_equal(c->category, cat);
    if (url) {
        assert_non_null(c->url);
        assert_string_equal(c->url, url);
    } else {
        assert_null(c->url);
    }
    assert_int_equal(c->items, items);
    assert_int_equal(c->undated, undated);
    assert_int_equal(columns_latest(c->days, c->ndays, ymd(2026, 11, 22)), latest);
    assert_int_equal(c->tabbed, tabbed);
}

/* What a regression page must give: its columns, in any order. */
struct want_column {
    const char *name;
    enum column_category cat;
    const char *url;
    int items, undated;
    int y, m, d; /* the latest date; 0 for none */
    int tabbed;
};

static void expect_page(const char *file, size_t n, const struct want_column *want)
{
    struct column_set s;
    find_columns(file, ymd(2026, 11, 22), &s);
    if (s.n != n)
        fail_msg("%s: %zu columns, want %zu", file, s.n, n);
    for (size_t i = 0; i < n; i++) {
        const struct want_column *w = &want[i];
        expect(&s, w->name, w->cat, w->url, w->items, w->undated,
               w->y ? ymd(w->y, w->m, w->d) : SC_NO_DAY, w->tabbed);
    }
    column_set_free(&s);
}

#define EXPECT_PAGE(file, ...)                                                                     \
    do {                                                                                           \
        static const struct want_column want_[] = {__VA_ARGS__};                                   \
        expect_page(file, sizeof want_ / sizeof *want_, want_);                                    \
    } while (0)

static void columns_div_ul_layout(void **state)
{
    /* the navigation menu is not a column */
    EXPECT_PAGE("div_ul.html",
                {"测试要闻", COLUMN_NEWS, BASE "yw/index.html", 3, 0, 2026, 11, 20, 0},
                {"通知公告", COLUMN_NOTICE, BASE "tzgg/index.html", 2, 0, 2026, 6, 1, 0},
                {"规划计划", COLUMN_PLAN, BASE "ghjh/index.html", 0, 0, 0, 0, 0, 0},
                {"人事信息", COLUMN_PERSONNEL, BASE "rsxx/index.html", 3, 3, 0, 0, 0, 0});
    struct column_set s;
    find_columns("div_ul.html", ymd(2026, 11, 22), &s);
    assert_int_equal(s.page_latest, ymd(2026, 11, 20));
    column_set_free(&s);
}

static void columns_table_layout(void **state)
{
    EXPECT_PAGE("table.html",
                {"政务动态", COLUMN_NEWS, BASE "zwdt/index.html", 3, 0, 2026, 11, 18, 0},
                {"政策文件", COLUMN_POLICY, BASE "zcwj/index.html", 0, 0, 0, 0, 0, 0},
                {"公示公告", COLUMN_NOTICE, BASE "gsgg/", 2, 0, 2025, 12, 1, 0});
}

static void columns_tabbed_layout(void **state)
{
    /* the script-filled 国务院信息 tab shows nothing */
    EXPECT_PAGE("tabs.html",
                {"工作动态", COLUMN_NEWS, BASE "gzdt/index.html", 2, 0, 2026, 11, 21, 1},
                {"公示公告", COLUMN_NOTICE, BASE "gsgg/index.html", 2, 0, 2026, 9, 30, 1},
                {"政策法规", COLUMN_POLICY, BASE "zcfg/index.html", 0, 0, 0, 0, 0, 1},
                {"人事任免", COLUMN_PERSONNEL, BASE "rsrm/index.html", 1, 0, 2026, 3, 2, 1},
                {"发展规划", COLUMN_PLAN, BASE "fzgh/index.html", 2, 0, 2025, 12, 31, 1});
}

static void columns_hidden_and_url_dates(void **state)
{
    EXPECT_PAGE("hidden_dates.html", {"湖南要闻", COLUMN_NEWS, BASE "hnyw/", 2, 0, 2026, 11, 18, 0},
                {"政策解读", COLUMN_POLICY, BASE "zcjd/", 2, 0, 2026, 11, 19, 0},
                {"新闻发布", COLUMN_NEWS, BASE "xwfb/", 2, 0, 2026, 9, 9, 0});
}

static void columns_written_by_script(void **state)
{
    EXPECT_PAGE("script_rows.html", {"政策解读", COLUMN_POLICY, BASE "jd/", 2, 0, 2026, 11, 9, 0});
}

static void columns_with_image_titles(void **state)
{
    EXPECT_PAGE("image_titles.html",
                {"通知公告", COLUMN_NOTICE, BASE "tzgg/", 2, 0, 2026, 11, 19, 0},
                {"人事信息", COLUMN_PERSONNEL, BASE "rsxx/index.html", 1, 0, 2026, 1, 15, 0});
}

/* Year-less dates take their year from the check day: the same page read in January
 * puts [12-30] in the year before. */
static void columns_yearless_follow_the_check_day(void **state)
{
    struct column_set s;
    find_columns("tabs.html", ymd(2027, 1, 5), &s);
    const struct column_found *c = column_named(&s, "公示公告");
    assert_int_equal(columns_latest(c->days, c->ndays, ymd(2027, 1, 5)), ymd(2026, 12, 30));
    c = column_named(&s, "工作动态");
    assert_int_equal(columns_latest(c->days, c->ndays, ymd(2027, 1, 5)), ymd(2026, 11, 21));
    column_set_free(&s);
}

static void list_pages_read_the_main_list(void **state)
{
    char *text;
    GumboOutput *doc = parse_page("list_page.html", &text);
    struct list_page p;
    assert_int_equal(columns_list_page(doc->root, BASE "tzgg/index.html", ymd(2026, 11, 22), &p),
                     0);
    assert_false(p.blank);
    assert_int_equal(p.items, 5);
    assert_int_equal(p.undated, 1);
    assert_int_equal(p.ndays, 4);
    assert_int_equal(columns_latest(p.days, p.ndays, ymd(2026, 11, 22)), ymd(2026, 8, 1));
    list_page_free(&p);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    free(text);

    doc = parse_page("list_blank.html", &text);
    assert_int_equal(columns_list_page(doc->root, BASE "ghjh/index.html", ymd(2026, 11, 22), &p),
                     0);
    assert_true(p.blank);
    assert_int_equal(p.items, 0);
    list_page_free(&p);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    free(text);
}

static void categories_by_keyword(void **state)
{
    static const struct {
        const char *name;
        enum column_category cat;
    } cases[] = {
        {"政务要闻", COLUMN_NEWS},
        {"部门动态", COLUMN_NEWS},
        {"新闻中心", COLUMN_NEWS},
        {"通知公告", COLUMN_NOTICE},
        {"公示公告", COLUMN_NOTICE},
        {"政府公告", COLUMN_NOTICE},
        {"政策文件", COLUMN_POLICY},
        {"规范性文件", COLUMN_POLICY},
        {"政策法规", COLUMN_POLICY},
        {"政策解读", COLUMN_POLICY},
        {"人事信息", COLUMN_PERSONNEL},
        {"人事任免", COLUMN_PERSONNEL},
        {"招聘信息", COLUMN_PERSONNEL},
        {"规划计划", COLUMN_PLAN},
        {"发展规划", COLUMN_PLAN},
        {"工作计划", COLUMN_PLAN},
        {"统计信息", COLUMN_OTHER},
        {"财政资金", COLUMN_OTHER},
        {"", COLUMN_OTHER},
        {NULL, COLUMN_OTHER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(columns_category(cases[i].name), cases[i].cat);
}

static void update_frequency(void **state)
{
    long as_of = ymd(2026, 11, 22);
    /* one item every 21 days, newest today, plus a future date that is ignored */
    long days[12];
    for (int i = 0; i < 11; i++)
        days[i] = as_of - 21 * i;
    days[11] = as_of + 30;
    struct column_updates u;
    columns_updates(days, 12, as_of, &u);
    assert_int_equal(u.d14, 1);
    assert_int_equal(u.d90, 5); /* 0, 21, 42, 63, 84 */
    assert_int_equal(u.d365, 11);
    assert_true(u.median_gap_days > 20.9 && u.median_gap_days < 21.1);
    assert_int_equal(columns_latest(days, 12, as_of), as_of);
    /* unsorted input, even number of gaps: 1, 3, 10 -> median 3 */
    long d2[] = {as_of - 14, as_of, as_of - 4, as_of - 1};
    columns_updates(d2, 4, as_of, &u);
    assert_true(u.median_gap_days > 2.9 && u.median_gap_days < 3.1);
    columns_updates(d2, 1, as_of, &u);
    assert_true(u.median_gap_days < 0);
    columns_updates(NULL, 0, as_of, &u);
    assert_int_equal(u.d365, 0);
    assert_int_equal(columns_latest(NULL, 0, as_of), SC_NO_DAY);
}

static void more_and_empty_words(void **state)
{
    assert_true(columns_is_more_text("更多"));
    assert_true(columns_is_more_text("更多>>"));
    assert_true(columns_is_more_text(" more+ "));
    assert_true(columns_is_more_text("MORE"));
    assert_true(columns_is_more_text(">>"));
    assert_true(columns_is_more_text("【更多】"));
    assert_false(columns_is_more_text("更多精彩内容请关注"));
    assert_false(columns_is_more_text("通知公告"));
    assert_false(columns_is_more_text(">"));
    assert_true(columns_is_empty_text("暂无信息"));
    assert_true(columns_is_empty_text(" 暂无数据 "));
    assert_false(columns_is_empty_text("信息公开"));
}

/* Bad input never crashes: empty, garbage, 5000-deep nesting, a list with thousands of rows. */
static void hostile_pages(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    for (int i = 0; i < 5000; i++)
        strbuf_adds(&sb, "<div><span>");
    strbuf_adds(&sb,
                "<h3>通知公告</h3><ul><li><a href=\"/a\">关于某事的通知</a>2026-11-01</li></ul>");
    const char *inputs[] = {"", "\xff\xfe\x00garbage<<<>>>", "<a href=>", sb.buf, NULL};
    for (int k = 0; inputs[k]; k++) {
        GumboOutput *doc = gumbo_parse(inputs[k]);
        struct column_set s;
        memset(&s, 0, sizeof s);
        assert_int_equal(columns_find(doc->root, BASE, ymd(2026, 11, 22), &s), 0);
        column_set_free(&s);
        struct list_page p;
        assert_int_equal(columns_list_page(doc->root, BASE, ymd(2026, 11, 22), &p), 0);
        list_page_free(&p);
        gumbo_destroy_output(&kGumboDefaultOptions, doc);
    }
    strbuf_reset(&sb);
    strbuf_adds(&sb, "<div class=b><h3>要闻</h3><ul>");
    for (int i = 0; i < 3000; i++)
        strbuf_addf(&sb, "<li><a href=\"/x/%d.html\">第%d条新闻标题</a>[11-%02d]</li>", i, i,
                    1 + i % 20);
    strbuf_adds(&sb, "</ul></div>");
    GumboOutput *doc = gumbo_parse(sb.buf);
    struct column_set s;
    memset(&s, 0, sizeof s);
    assert_int_equal(columns_find(doc->root, BASE, ymd(2026, 11, 22), &s), 0);
    assert_int_equal(s.n, 0); /* too long to be a homepage column */
    column_set_free(&s);
    struct list_page p;
    assert_int_equal(columns_list_page(doc->root, BASE "x/index.html", ymd(2026, 11, 22), &p), 0);
    assert_true(p.blank); /* over 1000 rows: not read as a list */
    list_page_free(&p);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    strbuf_release(&sb);
}

/* content_finish: list pages (matched through a redirect spelling) replace the homepage's
 * few rows; blank and undated columns are stale; the site's update frequency adds up. */
static void content_finish_uses_list_pages(void **state)
{
    long as_of = ymd(2026, 11, 22);
    struct content_state *cs = content_state_new(BASE, as_of);
    assert_non_null(cs);
    const char *pages[][2] = {{"div_ul.html", BASE},
                              {"list_page.html", BASE "tzgg/"},
                              {"list_blank.html", BASE "ghjh/index.html"},
                              {"list_page.html", BASE "other/index.html"}};
    for (size_t i = 0; i < 4; i++) {
        char *text;
        GumboOutput *doc = parse_page(pages[i][0], &text);
        assert_int_equal(content_observe_page(cs, pages[i][1], i == 0 ? 0 : 1, doc), 0);
        gumbo_destroy_output(&kGumboDefaultOptions, doc);
        free(text);
        if (i == 0) {
            size_t n;
            const char *const *wanted = content_take_wanted(cs, &n);
            /* the 4 list pages first, the 政民互动 page (interaction.h) and the 办事服务 page
             * (guides.h), then candidate column pages */
            assert_true(n >= 6);
            assert_string_equal(wanted[1], BASE "tzgg/index.html");
            assert_string_equal(wanted[4], BASE "hdjl/");
            assert_string_equal(wanted[5], BASE "bsfw/");
            /* handed out once: nothing new until a probe asks again */
            assert_non_null(content_take_wanted(cs, &n));
            assert_int_equal(n, 0);
            assert_int_equal(content_want(cs, BASE "tzgg/index.html"), 0);
            assert_int_equal(content_want(cs, BASE "new/index.html"), 0);
            wanted = content_take_wanted(cs, &n);
            assert_int_equal(n, 1);
            assert_string_equal(wanted[0], BASE "new/index.html");
        }
    }
    struct site_report r;
    site_report_init(&r, BASE);
    assert_int_equal(content_finish(cs, &r, NULL, NULL, NULL), 0);
    content_state_free(cs);
    assert_true(r.homepage_analysed);
    assert_int_equal(r.homepage_latest, ymd(2026, 11, 20));
    assert_false(r.homepage_stale);
    assert_int_equal(r.ncolumns, 4);
    const struct column_record *c = &r.columns[1];
    assert_string_equal(c->name, "通知公告");
    assert_int_equal(c->items, 5);
    assert_int_equal(c->undated_items, 1);
    assert_int_equal(c->latest, ymd(2026, 8, 1));
    assert_int_equal(c->limit_days, 183);
    assert_false(c->stale);
    assert_false(c->blank);
    assert_int_equal(c->updates.d365, 4);
    c = &r.columns[2];
    assert_string_equal(c->name, "规划计划");
    assert_true(c->blank);
    assert_true(c->stale);
    c = &r.columns[3];
    assert_string_equal(c->name, "人事信息");
    assert_int_equal(c->latest, SC_NO_DAY);
    assert_true(c->stale); /* undated items count as not updated */
    assert_false(c->blank);
    c = &r.columns[0];
    assert_int_equal(c->items, 3); /* its list page was not observed: the homepage rows */
    assert_false(c->stale);
    assert_int_equal(r.updates.d14, 2);
    assert_int_equal(r.updates.d90, 3);
    assert_int_equal(r.updates.d365, 7);
    assert_true(r.updates.median_gap_days > 0);
    site_report_free(&r);

    /* no homepage observed: nothing analysed */
    cs = content_state_new(BASE, as_of);
    site_report_init(&r, BASE);
    assert_int_equal(content_observe_page(cs, BASE "x", 1, NULL), 0);
    assert_int_equal(content_finish(cs, &r, NULL, NULL, NULL), 0);
    assert_false(r.homepage_analysed);
    assert_int_equal(r.ncolumns, 0);
    site_report_free(&r);
    content_state_free(cs);
}

/* A homepage that is only a navigation entry: its second-level pages decide staleness. */
static void navigation_only_homepage(void **state)
{
    long as_of = ymd(2026, 11, 22);
    const char *home =
        "<ul><li><a href='/zwgk/'>政务公开</a></li><li><a href='/hdjl/'>互动</a></li>"
        "<li><a href='/bsfw/'>办事</a></li></ul>";
    for (int fresh = 0; fresh < 2; fresh++) {
        struct content_state *cs = content_state_new(BASE, as_of);
        GumboOutput *doc = gumbo_parse(home);
        assert_int_equal(content_observe_page(cs, BASE, 0, doc), 0);
        gumbo_destroy_output(&kGumboDefaultOptions, doc);
        char page[512];
        snprintf(page, sizeof page,
                 "<ul><li><a href='/zwgk/1.html'>关于某事的通知</a>%s</li>"
                 "<li><a href='/zwgk/2.html'>关于另一事的通知</a>2026-01-02</li></ul>",
                 fresh ? "2026-11-18" : "2026-10-01");
        doc = gumbo_parse(page);
        assert_int_equal(content_observe_page(cs, BASE "zwgk/", 1, doc), 0);
        /* a deeper page's dates do not count */
        assert_int_equal(content_observe_page(cs, BASE "zwgk/1.html", 2, doc), 0);
        gumbo_destroy_output(&kGumboDefaultOptions, doc);
        struct site_report r;
        site_report_init(&r, BASE);
        assert_int_equal(content_finish(cs, &r, NULL, NULL, NULL), 0);
        assert_int_equal(r.homepage_latest, fresh ? ymd(2026, 11, 18) : ymd(2026, 10, 1));
        assert_int_equal(r.homepage_stale, !fresh);
        assert_true(r.homepage_navigation);
        assert_string_equal(r.homepage_latest_url, BASE "zwgk/");
        site_report_free(&r);
        content_state_free(cs);
    }
}

/* Reads home at depth 0 and second at depth 1 (its URL BASE "lm/"), then finishes. */
static void home_and_second(const char *home, const char *second, int navigation_on,
                            int sitemap_rows, struct site_report *r)
{
    long as_of = ymd(2026, 11, 22);
    struct content_state *cs = content_state_new(BASE, as_of);
    content_set_navigation(cs, navigation_on, sitemap_rows);
    GumboOutput *doc = gumbo_parse(home);
    assert_int_equal(content_observe_page(cs, BASE, 0, doc), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    doc = gumbo_parse(second);
    assert_int_equal(content_observe_page(cs, BASE "lm/", 1, doc), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    site_report_init(r, BASE);
    assert_int_equal(content_finish(cs, r, NULL, NULL, NULL), 0);
    content_state_free(cs);
}

/* A homepage whose only dated list is very long (a sitemap) is a navigation page too; a
 * homepage with ordinary dated blocks is not; the rule can be switched off. */
static void sitemap_homepage_is_navigation(void **state)
{
    struct strbuf home = STRBUF_INIT;
    strbuf_adds(&home, "<div><h2>网站地图</h2><ul>");
    for (int i = 0; i < 120; i++) /* old items: the homepage alone would be stale */
        strbuf_addf(&home, "<li><a href='/a/%d.html'>某某栏目第%d条信息</a>2025-%02d-%02d</li>", i,
                    i, i % 12 + 1, i % 28 + 1);
    strbuf_adds(&home, "</ul><a href='/a/'>更多</a></div>");
    const char *second = "<ul><li><a href='/lm/1.html'>关于某事的通知</a>2026-11-20</li>"
                         "<li><a href='/lm/2.html'>关于另一事的通知</a>2026-11-02</li></ul>";
    struct site_report r;
    home_and_second(home.buf, second, 1, 100, &r);
    assert_true(r.homepage_navigation);
    assert_int_equal(r.homepage_latest, ymd(2026, 11, 20));
    assert_false(r.homepage_stale);
    assert_string_equal(r.homepage_latest_url, BASE "lm/");
    site_report_free(&r);
    /* a higher threshold: the list is an ordinary column, the homepage stale on its own */
    home_and_second(home.buf, second, 1, 200, &r);
    assert_false(r.homepage_navigation);
    assert_null(r.homepage_latest_url);
    assert_true(r.homepage_stale);
    site_report_free(&r);
    /* homepage.navigation = 0: no dated item means stale, whatever the pages below say */
    home_and_second("<a href='/lm/'>栏目</a>", second, 0, 100, &r);
    assert_false(r.homepage_navigation);
    assert_true(r.homepage_stale);
    site_report_free(&r);
    /* ordinary dated blocks: judged by the homepage itself */
    home_and_second("<div><h2>要闻</h2><ul><li><a href='/x/1.html'>某事</a>2026-10-01</li>"
                    "<li><a href='/x/2.html'>某事二</a>2026-09-01</li></ul>"
                    "<a href='/x/'>更多</a></div>",
                    second, 1, 100, &r);
    assert_false(r.homepage_navigation);
    assert_int_equal(r.homepage_latest, ymd(2026, 10, 1));
    assert_true(r.homepage_stale);
    site_report_free(&r);
    strbuf_release(&home);
}

/* The crawl hooks: registry facts given to the run reach the judge; pages of sites the run
 * does not know, and non-homepages before the homepage, are ignored. */
static void content_run_hooks_judge_sites(void **state)
{
    const char *urls[] = {"http://www.a.gov.cn/", "http://bm.b.gov.cn/"};
    struct site_report reports[2];
    for (int i = 0; i < 2; i++) {
        site_report_init(&reports[i], urls[i]);
        reports[i].reachable = 1;
    }
    struct rules rules;
    rules_default(&rules);
    assert_int_equal(rules_set(&rules, "require.department.services", "0", NULL), 0);
    struct content_run run;
    struct crawl_hooks hooks;
    assert_int_equal(content_run_init(&run, urls, 2, reports, ymd(2026, 11, 22), &rules, &hooks),
                     0);
    const int portal[] = {-1, 0};
    const char *codes[] = {"4300000077", "4300000099"};
    run.portal = portal;
    run.expected_codes = codes;
    /* the homepage's column lists live on another host: nothing is asked of the crawler */
    const char *home = "<div><h3>工作动态</h3><a href='http://other.gov.cn/gzdt/'>更多</a><ul>"
                       "<li><a href='/1.html'>某局召开会议</a>2026-11-20</li></ul></div>"
                       "<a href='/zfxxgk/'>政府信息公开</a>网站标识码：4300000077";
    GumboOutput *doc = gumbo_parse(home);
    struct site_report stranger;
    site_report_init(&stranger, "http://x.gov.cn/");
    for (int i = 0; i < 2; i++) {
        struct crawl_page page = {.url = urls[i], .status = 200, .depth = 1, .doc = doc};
        /* not the homepage yet: ignored */
        assert_int_equal(hooks.page(&page, &reports[i], hooks.user), 0);
        page.depth = 0;
        page.is_homepage = 1;
        assert_int_equal(hooks.page(&page, &reports[i], hooks.user), 0);
        assert_int_equal(hooks.page(&page, &stranger, hooks.user), 0);
    }
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    for (int i = 0; i < 2; i++)
        assert_int_equal(hooks.site_done(&reports[i], hooks.user), 0);
    assert_int_equal(hooks.site_done(&stranger, hooks.user), 0); /* judged, with no content */
    content_run_release(&run);
    for (int i = 0; i < 2; i++) {
        struct site_report *r = &reports[i];
        assert_true(r->judged);
        assert_true(r->homepage_analysed);
        assert_int_equal(r->ncolumns, 1);
        assert_string_equal(r->expected_code, codes[i]);
        assert_int_equal(r->identity.site_code_matches, i == 0);
        int wrong = 0, services = 0;
        for (size_t k = 0; k < r->ndefects; k++) {
            wrong += strcmp(r->defects[k].kind, "wrong_site_code") == 0;
            services += strcmp(r->defects[k].kind, "missing_section") == 0 &&
                        r->defects[k].url == NULL && r->defects[k].detail &&
                        strstr(r->defects[k].detail, "办事服务") != NULL;
        }
        assert_int_equal(wrong, i == 1);
        assert_int_equal(services, i == 0); /* required of the portal only */
        site_report_free(r);
    }
    assert_false(stranger.homepage_analysed);
    assert_true(stranger.judged);
    site_report_free(&stranger);
}

/* Random soups of the markup the probes look for (deterministic seed): every probe runs
 * on each under the sanitizers, and must neither crash nor leak. */
static void random_markup_soups(void **state)
{
    static const char *const parts[] = {
        "<ul>",
        "</ul>",
        "<li>",
        "</li>",
        "<a href='/x/t20261101_1.html'>",
        "<a href='#'>",
        "<a href='javascript:;'>",
        "</a>",
        "<div class='tab-con'>",
        "<div class=hd>",
        "</div>",
        "<table><tr><td>",
        "</td><td>",
        "</td></tr></table>",
        "<span>",
        "</span>",
        "<h3>",
        "</h3>",
        "通知公告",
        "更多>>",
        "暂无信息",
        "[11-20]",
        "2026-11-02",
        "２０２６年１１月",
        "<!--<span>11-18</span>-->",
        "<script>document.write('<a href=x>');var d='2026-10-01';"
        "</script>",
        "网站标识码：4300000077",
        "ICP备",
        "主办单位：",
        "<img alt='更多' src='more.gif'>",
        "政府信息公开",
        "<dl><dt>",
        "<dd>",
        "<p>",
        "\xff\xfe",
        "<li class=empty>",
        "<form action=search>",
    };
    const size_t nparts = sizeof parts / sizeof *parts;
    unsigned long seed = 12345;
    for (int doc_i = 0; doc_i < 300; doc_i++) {
        struct strbuf sb = STRBUF_INIT;
        int len = 5 + doc_i % 200;
        for (int k = 0; k < len; k++) {
            seed = seed * 6364136223846793005ul + 1442695040888963407ul;
            strbuf_adds(&sb, parts[(seed >> 33) % nparts]);
        }
        GumboOutput *doc = gumbo_parse(sb.buf);
        long as_of = ymd(2026, 11, 22);
        struct content_state *cs = content_state_new(BASE, as_of);
        assert_non_null(cs);
        assert_int_equal(content_observe_page(cs, BASE, 0, doc), 0);
        assert_int_equal(content_observe_page(cs, BASE "x/", 1, doc), 0);
        struct site_report r;
        site_report_init(&r, BASE);
        assert_int_equal(content_finish(cs, &r, NULL, NULL, NULL), 0);
        r.reachable = 1;
        assert_int_equal(rules_judge(NULL, &r), 0);
        assert_true(r.score >= 0 && r.score <= 100);
        for (size_t i = 0; i < r.ncolumns; i++)
            assert_true(r.columns[i].latest == SC_NO_DAY || r.columns[i].latest <= as_of + 1);
        site_report_free(&r);
        content_state_free(cs);
        gumbo_destroy_output(&kGumboDefaultOptions, doc);
        strbuf_release(&sb);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(columns_div_ul_layout),
        cmocka_unit_test(columns_table_layout),
        cmocka_unit_test(columns_tabbed_layout),
        cmocka_unit_test(columns_hidden_and_url_dates),
        cmocka_unit_test(columns_written_by_script),
        cmocka_unit_test(columns_with_image_titles),
        cmocka_unit_test(columns_yearless_follow_the_check_day),
        cmocka_unit_test(list_pages_read_the_main_list),
        cmocka_unit_test(categories_by_keyword),
        cmocka_unit_test(update_frequency),
        cmocka_unit_test(more_and_empty_words),
        cmocka_unit_test(hostile_pages),
        cmocka_unit_test(content_finish_uses_list_pages),
        cmocka_unit_test(navigation_only_homepage),
        cmocka_unit_test(sitemap_homepage_is_navigation),
        cmocka_unit_test(content_run_hooks_judge_sites),
        cmocka_unit_test(random_markup_soups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

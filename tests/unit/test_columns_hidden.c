/* test_columns_hidden: blank columns wherever they are (issue 12 item 1) on the hand-written
 * pages tests/data/pages/blank_*.html — empty homepage blocks (no rows, 暂无信息, adjacent
 * blank tabs), navigation links (nested menus, a huge menu), a section's column index page,
 * the candidate pages (暂无, an empty list, a pager alone, a dated list, a single page), and
 * the whole flow through content_observe_page, content_finish and the rule table. */
#include "testutil.h"
#include "common/clock.h"
#include "common/strbuf.h"
#include "probes/content/columns.h"
#include "probes/content/columns_hidden.h"
#include "probes/content/content.h"
#include "probes/verdict/check_output.h"
#include "probes/verdict/rules.h"

#include <gumbo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE "http://www.test.gov.cn/"

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

static void done(GumboOutput *doc, char *text)
{
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    free(text);
}

static const struct column_found *column_named(const struct column_set *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].name, name) == 0)
            return &s->v[i];
    return NULL;
}

/* Heading + 更多 with no rows (div and table), 暂无信息, two blank tabs: all found, with their
 * list pages; a dated row whose title says 暂无 is an item; a block a script fills is not
 * judged. */
static void empty_homepage_blocks(void **state)
{
    (void)state;
    char *text;
    GumboOutput *doc = parse_page("blank_home.html", &text);
    struct column_set set;
    memset(&set, 0, sizeof set);
    long as_of = sc_days_from_civil(2026, 11, 22);
    assert_int_equal(columns_find(doc->root, BASE, as_of, &set), 0);
    size_t dated_only = set.n;
    assert_int_equal(columns_find_empty(doc->root, BASE, &set), 0);
    assert_true(set.n > dated_only);
    const struct column_found *c = column_named(&set, "工作动态");
    assert_non_null(c);
    assert_int_equal(c->items, 3); /* 暂无信息化 inside a title is no placeholder */
    static const char *const blank[][2] = {{"政策法规", BASE "zcfg/index.html"},
                                           {"规划计划", BASE "ghjh/index.html"},
                                           {"人事信息", BASE "rsxx/index.html"},
                                           {"公示公告", BASE "gsgg/index.html"},
                                           {"通知公告", BASE "tzgg/index.html"}};
    for (size_t i = 0; i < sizeof blank / sizeof *blank; i++) {
        c = column_named(&set, blank[i][0]);
        assert_non_null(c);
        assert_int_equal(c->items, 0);
        assert_non_null(c->url);
        assert_string_equal(c->url, blank[i][1]);
    }
    assert_null(column_named(&set, "在线访谈")); /* filled by a script: not judged */
    assert_null(column_named(&set, "档案查询")); /* its list is the table beside it */
    /* each 更多 once: a second pass adds nothing */
    size_t n = set.n;
    assert_int_equal(columns_find_empty(doc->root, BASE, &set), 0);
    assert_int_equal(set.n, n);
    column_set_free(&set);
    done(doc, text);
}

static int has_link(const struct column_links *l, const char *name, const char *url)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0 && strcmp(l->v[i].url, url) == 0)
            return 1;
    return 0;
}

/* The navigation's links, nested menus too; not javascript:, other hosts or the homepage;
 * the whole page on a navigation-only homepage; the bound holds. */
static void navigation_links(void **state)
{
    (void)state;
    char *text;
    GumboOutput *doc = parse_page("blank_home.html", &text);
    struct column_links l;
    memset(&l, 0, sizeof l);
    assert_int_equal(columns_nav_links(doc->root, BASE, 0, 60, &l), 0);
    assert_int_equal(l.n, 4);
    assert_true(has_link(&l, "政府信息公开", BASE "zfxxgk/"));
    assert_true(has_link(&l, "财政资金", BASE "czzj/index.html"));
    assert_true(has_link(&l, "财政预决算", BASE "czyjs/index.html"));
    assert_true(has_link(&l, "统计信息", BASE "tjxx/index.html"));
    column_links_free(&l);
    assert_int_equal(columns_nav_links(doc->root, BASE, 0, 2, &l), 0);
    assert_int_equal(l.n, 2);
    column_links_free(&l);
    assert_int_equal(columns_nav_links(doc->root, BASE, 1, 60, &l), 0);
    assert_true(has_link(&l, "网站地图", BASE "wzdt/"));
    assert_false(has_link(&l, "更多>>", BASE "zcfg/index.html"));
    column_links_free(&l);
    done(doc, text);

    /* a huge menu: 5000 entries, each nested two deep, and the bound */
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "<html><body><div id=\"menu\"><ul>");
    for (int i = 0; i < 5000; i++)
        strbuf_addf(&sb, "<li><a href=\"/c%d/\">栏目%d</a><ul><li><a href=\"/c%d/s/\">子栏目%d</a>"
                         "</li></ul></li>", i, i, i, i);
    strbuf_adds(&sb, "</ul></div></body></html>");
    assert_false(sb.failed);
    doc = gumbo_parse(sb.buf);
    assert_int_equal(columns_nav_links(doc->root, BASE, 0, 60, &l), 0);
    assert_int_equal(l.n, 60);
    assert_true(has_link(&l, "子栏目0", BASE "c0/s/"));
    column_links_free(&l);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    strbuf_release(&sb);
}

/* A section's column index: its sub-columns, not its navigation or footer. */
static void section_index_links(void **state)
{
    (void)state;
    char *text;
    GumboOutput *doc = parse_page("blank_section.html", &text);
    struct column_links l;
    memset(&l, 0, sizeof l);
    assert_int_equal(columns_index_links(doc->root, BASE "zfxxgk/", 60, &l), 0);
    assert_int_equal(l.n, 4);
    assert_true(has_link(&l, "公示公告", BASE "gsgg/index.html"));
    assert_true(has_link(&l, "机构职能", BASE "jgzn/index.html"));
    assert_false(has_link(&l, "互动交流", BASE "hdjl/"));
    assert_false(has_link(&l, "联系我们", BASE "lxwm/"));
    column_links_free(&l);
    done(doc, text);
}

static enum column_page_kind page_kind(const char *file, const char *url, int *items,
                                       char **name)
{
    char *text;
    GumboOutput *doc = parse_page(file, &text);
    struct list_page p;
    enum column_page_kind kind;
    assert_int_equal(columns_column_page(doc->root, url, sc_days_from_civil(2026, 11, 22), &p,
                                         &kind),
                     0);
    *items = p.items;
    assert_int_equal(columns_crumb_name(doc->root, name), 0);
    list_page_free(&p);
    done(doc, text);
    return kind;
}

/* Each blank form is a blank column page; a dated list is a column; a single page, a
 * section page and a homepage are not column pages. */
static void candidate_pages(void **state)
{
    (void)state;
    int items;
    char *name;
    assert_int_equal(page_kind("blank_list_zanwu.html", BASE "tjxx/index.html", &items, &name),
                     COLUMN_PAGE_BLANK);
    assert_string_equal(name, "统计信息");
    free(name);
    assert_int_equal(page_kind("blank_list_pager.html", BASE "czzj/index.html", &items, &name),
                     COLUMN_PAGE_BLANK);
    assert_int_equal(items, 0); /* 首页 上一页 1 2 下一页 尾页 are no items */
    free(name);
    assert_int_equal(page_kind("blank_list_empty.html", BASE "gsgg/index.html", &items, &name),
                     COLUMN_PAGE_BLANK);
    assert_string_equal(name, "公示公告"); /* the breadcrumb written as text */
    free(name);
    assert_int_equal(page_kind("blank_list_dated.html", BASE "gfxwj/index.html", &items, &name),
                     COLUMN_PAGE_LIST);
    assert_int_equal(items, 3); /* the pager's 首页 and 尾页 are not items */
    assert_string_equal(name, "规范性文件");
    free(name);
    assert_int_equal(page_kind("blank_single.html", BASE "jgzn/index.html", &items, &name),
                     COLUMN_PAGE_NOT);
    free(name);
    assert_int_equal(page_kind("blank_section.html", BASE "zfxxgk/", &items, &name),
                     COLUMN_PAGE_NOT);
    free(name);
    assert_int_equal(page_kind("blank_home.html", BASE, &items, &name), COLUMN_PAGE_NOT);
    free(name);
    assert_true(columns_is_pager_text("下一页"));
    assert_true(columns_is_pager_text("[12]"));
    assert_false(columns_is_pager_text("2026"  "年"));
    assert_false(columns_is_pager_text("123456"));
    assert_false(columns_is_pager_text(""));
}

static void observe(struct content_state *cs, const char *file, const char *url, int depth)
{
    char *text;
    GumboOutput *doc = parse_page(file, &text);
    assert_int_equal(content_observe_page(cs, url, depth, doc), 0);
    done(doc, text);
}

static int wanted_has(const char *const *w, size_t n, const char *url)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w[i], url) == 0)
            return 1;
    return 0;
}

static const struct column_record *record(const struct site_report *r, const char *url)
{
    for (size_t i = 0; i < r->ncolumns; i++)
        if (r->columns[i].url && strcmp(r->columns[i].url, url) == 0)
            return &r->columns[i];
    return NULL;
}

/* The broken-link answer of the crawl: the 政策法规 list page does not load. */
static int status_of(void *user, const char *url)
{
    (void)user;
    return strcmp(url, BASE "zcfg/index.html") == 0 ? 0 : 1;
}

/* The whole flow: the homepage asks for its navigation links and its section; the section
 * page adds its sub-columns; the pages that come back are judged; a page that never loads
 * is no column; found_in says where each was found; the rule table vetoes five blanks. */
static void hidden_columns_flow(void **state)
{
    (void)state;
    long as_of = sc_days_from_civil(2026, 11, 22);
    struct content_state *cs = content_state_new(BASE, as_of);
    assert_non_null(cs);
    observe(cs, "blank_home.html", BASE, 0);
    size_t n;
    const char *const *w = content_take_wanted(cs, &n);
    assert_true(wanted_has(w, n, BASE "zcfg/index.html")); /* an empty block's list page */
    assert_true(wanted_has(w, n, BASE "czzj/index.html")); /* the navigation's */
    assert_true(wanted_has(w, n, BASE "czyjs/index.html"));
    assert_true(wanted_has(w, n, BASE "zfxxgk/"));         /* the section */
    assert_false(wanted_has(w, n, "http://www.other.gov.cn/x/"));
    observe(cs, "blank_section.html", BASE "zfxxgk/index.html", 1);
    w = content_take_wanted(cs, &n);
    assert_true(wanted_has(w, n, BASE "gfxwj/index.html"));
    assert_true(wanted_has(w, n, BASE "jgzn/index.html"));
    assert_false(wanted_has(w, n, BASE "gsgg/index.html")); /* a homepage column already */
    observe(cs, "blank_list_pager.html", BASE "czzj/index.html", 1);
    observe(cs, "blank_list_zanwu.html", BASE "tjxx/", 1);
    observe(cs, "blank_list_dated.html", BASE "gfxwj/index.html", 2);
    observe(cs, "blank_single.html", BASE "jgzn/index.html", 2);
    observe(cs, "blank_list_empty.html", BASE "ghjh/index.html", 1);
    /* czyjs and gone never load; rsxx, gsgg, tzgg and zcfg are not observed either */
    struct site_report r;
    site_report_init(&r, BASE);
    assert_int_equal(content_finish(cs, &r, NULL, status_of, NULL), 0);
    content_state_free(cs);
    const struct column_record *c = record(&r, BASE "czzj/index.html");
    assert_non_null(c);
    assert_true(c->blank);
    assert_int_equal(c->found_in, FOUND_NAVIGATION);
    assert_string_equal(c->name, "财政资金");
    c = record(&r, BASE "tjxx/index.html");
    assert_non_null(c);
    assert_true(c->blank);
    assert_int_equal(c->found_in, FOUND_NAVIGATION);
    c = record(&r, BASE "gfxwj/index.html");
    assert_non_null(c);
    assert_false(c->blank);
    assert_int_equal(c->found_in, FOUND_SECTION_INDEX);
    assert_int_equal(c->category, COLUMN_POLICY);
    assert_int_equal(c->latest, sc_days_from_civil(2026, 10, 7));
    assert_false(c->stale);
    assert_null(record(&r, BASE "jgzn/index.html"));  /* a single page: no column */
    assert_null(record(&r, BASE "czyjs/index.html")); /* never loaded: nothing said */
    assert_null(record(&r, BASE "zfxxgk/"));          /* a section page is no column */
    c = record(&r, BASE "ghjh/index.html");
    assert_non_null(c);
    assert_true(c->blank);
    assert_int_equal(c->found_in, FOUND_HOMEPAGE);
    c = record(&r, BASE "zcfg/index.html"); /* its list page is a broken link */
    assert_non_null(c);
    assert_false(c->blank);
    assert_false(c->stale);
    int blank = 0;
    for (size_t i = 0; i < r.ncolumns; i++)
        blank += r.columns[i].blank;
    assert_int_equal(blank, 6); /* ghjh rsxx gsgg tzgg (homepage), czzj tjxx (navigation) */
    assert_int_equal(rules_judge(NULL, &r), 0);
    int veto = 0;
    for (size_t i = 0; i < r.ndefects; i++)
        veto |= strcmp(r.defects[i].kind, "blank_columns") == 0;
    assert_true(veto);
    /* the check JSON and text say where each column was found */
    struct strbuf out = STRBUF_INIT;
    assert_int_equal(check_output_json(&r, 1, &out), 0);
    assert_non_null(strstr(out.buf, "\"found_in\""));
    assert_non_null(strstr(out.buf, "\"section_index\""));
    assert_non_null(strstr(out.buf, "\"homepage\""));
    strbuf_reset(&out);
    assert_int_equal(check_output_text(&r, 1, &out), 0);
    assert_non_null(strstr(out.buf, "blank column: 财政资金"));
    assert_non_null(strstr(out.buf, "(found in navigation)"));
    strbuf_release(&out);
    site_report_free(&r);

    /* the bound: no candidate page at all with columns.extra_pages 0 */
    cs = content_state_new(BASE, as_of);
    content_set_extra_pages(cs, 0);
    observe(cs, "blank_home.html", BASE, 0);
    w = content_take_wanted(cs, &n);
    assert_false(wanted_has(w, n, BASE "czzj/index.html"));
    assert_false(wanted_has(w, n, BASE "zfxxgk/"));
    observe(cs, "blank_list_pager.html", BASE "czzj/index.html", 1);
    site_report_init(&r, BASE);
    assert_int_equal(content_finish(cs, &r, NULL, NULL, NULL), 0);
    assert_null(record(&r, BASE "czzj/index.html"));
    /* list pages never fetched: a block showing nothing at all is not judged blank, a block
     * that says 暂无信息 is */
    c = record(&r, BASE "ghjh/index.html");
    assert_non_null(c);
    assert_false(c->blank);
    c = record(&r, BASE "rsxx/index.html");
    assert_non_null(c);
    assert_true(c->blank);
    site_report_free(&r);
    content_state_free(cs);
}

/* Hostile soups around the new finders: deep nesting, 更多 links everywhere, a breadcrumb
 * made only of separators, huge texts. Nothing crashes, nothing leaks. */
static void hostile_markup(void **state)
{
    (void)state;
    static const char *const soups[] = {
        "<a href=/x>更多</a>",
        "<div><a href=/x>更多</a><a href=/y>更多</a></div>",
        "<table><tr><td><a href=/x>more</a></td></tr></table>",
        "<div class=position>&gt;&gt;&gt;</div><ul></ul>",
        "<div class=crumb>首页 &gt; </div><div class=page><a href=a>首页</a></div>",
        "<nav><a href=//other.gov.cn/a>外站</a><a href=/>首页</a><a href=#x>锚点</a></nav>",
        "<div class=nav><a href=\"http://[::1/\">坏链接</a></div>",
    };
    for (size_t i = 0; i < sizeof soups / sizeof *soups; i++) {
        GumboOutput *doc = gumbo_parse(soups[i]);
        struct column_set set;
        memset(&set, 0, sizeof set);
        assert_int_equal(columns_find_empty(doc->root, BASE, &set), 0);
        column_set_free(&set);
        struct column_links l;
        memset(&l, 0, sizeof l);
        assert_int_equal(columns_nav_links(doc->root, BASE, 1, 60, &l), 0);
        assert_int_equal(l.n, 0);
        column_links_free(&l);
        struct list_page p;
        enum column_page_kind k;
        assert_int_equal(columns_column_page(doc->root, BASE "a/", 0, &p, &k), 0);
        list_page_free(&p);
        char *name;
        assert_int_equal(columns_crumb_name(doc->root, &name), 0);
        assert_null(name);
        gumbo_destroy_output(&kGumboDefaultOptions, doc);
    }
    /* a 更多 under 300 nested divs: bounded walks */
    struct strbuf sb = STRBUF_INIT;
    for (int i = 0; i < 300; i++)
        strbuf_adds(&sb, "<div>");
    strbuf_adds(&sb, "<h3>通知公告</h3><a href=/tzgg/>更多</a>");
    GumboOutput *doc = gumbo_parse(sb.buf);
    struct column_set set;
    memset(&set, 0, sizeof set);
    assert_int_equal(columns_find_empty(doc->root, BASE, &set), 0);
    column_set_free(&set);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_homepage_blocks), cmocka_unit_test(navigation_links),
        cmocka_unit_test(section_index_links),   cmocka_unit_test(candidate_pages),
        cmocka_unit_test(hidden_columns_flow),   cmocka_unit_test(hostile_markup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_sections: the mandatory-section finder (synonyms, URL entry patterns, priorities) and
 * content_finish's rule that a section is present only when its page loads. */
#include "testutil.h"
#include "common/clock.h"
#include "probes/content/content.h"
#include "probes/content/sections.h"

#include <gumbo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE "http://www.test.gov.cn/"

static void find_in(const char *html, struct section_hit hits[SECTION_COUNT])
{
    GumboOutput *doc = gumbo_parse(html);
    assert_int_equal(sections_find(doc->root, BASE, hits), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
}

static void expect_hit(const struct section_hit *h, const char *url, int score)
{
    if (!url) {
        assert_null(h->url);
        assert_int_equal(h->score, 0);
        return;
    }
    assert_non_null(h->url);
    assert_string_equal(h->url, url);
    assert_int_equal(h->score, score);
}

static void sections_from_the_regression_page(void **state)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/pages/div_ul.html", test_src());
    char *text = test_read_file(path, NULL);
    assert_non_null(text);
    struct section_hit hits[SECTION_COUNT];
    find_in(text, hits);
    expect_hit(&hits[SECTION_DISCLOSURE], BASE "zfxxgk/", 3);
    expect_hit(&hits[SECTION_INTERPRETATION], BASE "zcjd/", 3);
    expect_hit(&hits[SECTION_SERVICES], BASE "bsfw/", 3);
    expect_hit(&hits[SECTION_INTERACTION], BASE "hdjl/", 3);
    expect_hit(&hits[SECTION_DISCLOSURE_GUIDE], NULL, 0);
    sections_hits_free(hits);
    free(text);
}

static void sections_synonyms_and_priorities(void **state)
{
    struct section_hit hits[SECTION_COUNT];
    /* a long item title mentioning 政策解读 is not the section; the URL entry page is a
     * fallback; an exact text beats a containing one wherever it appears */
    find_in("<ul><li><a href='/a/1.html'>关于某某政策解读的新闻报道全文</a></li>"
            "<li><a href='/zcjd/index.html'><img src='x.png'></a></li>"
            "<li><a href='/x/gk.html'>信息公开专栏</a></li>"
            "<li><a href='http://zfxxgk.example.gov.cn/'>政府信息公开</a></li>"
            "<li><a href='/zxft/'>市长信箱</a></li>"
            "<li><a href='javascript:void(0)'>办事服务</a></li>"
            "<li><a href='/xxgk/xxgkzn/'>政府信息公开指南</a></li>"
            "<li><a href='/xxgk/ndbg/'>年度报告</a></li></ul>",
            hits);
    expect_hit(&hits[SECTION_INTERPRETATION], BASE "zcjd/index.html", 1);
    expect_hit(&hits[SECTION_DISCLOSURE], "http://zfxxgk.example.gov.cn/", 3);
    expect_hit(&hits[SECTION_INTERACTION], BASE "zxft/", 3);
    expect_hit(&hits[SECTION_SERVICES], NULL, 0); /* javascript: is no link */
    expect_hit(&hits[SECTION_DISCLOSURE_GUIDE], BASE "xxgk/xxgkzn/", 3);
    expect_hit(&hits[SECTION_DISCLOSURE_REPORT], BASE "xxgk/ndbg/", 3);
    sections_hits_free(hits);

    /* an article under /xxgk/ is not the entry page */
    find_in("<a href='/xxgk/tzgg/202611/t20261120_1.html'>通知</a>", hits);
    expect_hit(&hits[SECTION_DISCLOSURE], NULL, 0);
    sections_hits_free(hits);
    find_in("", hits);
    for (int i = 0; i < SECTION_COUNT; i++)
        expect_hit(&hits[i], NULL, 0);
    sections_hits_free(hits);
}

/* Image buttons (the name only in alt or title), short names, a provincial service
 * platform on another host. */
static void sections_as_people_find_them(void **state)
{
    struct section_hit hits[SECTION_COUNT];
    find_in("<ul><li><a href='/gk/'><img src='gk.png' alt=' 政府信息公开 '></a></li>"
            "<li><a href='/jd/x.html' title='政策解读'><img src='jd.png'></a></li>"
            "<li><a href='http://zwfw.hunan.gov.cn/portal/4301000050/'>"
            "<img src='bs.png' title='网上办事'></a></li>"
            "<li><a href='/ly/'><img src='hd.png' alt='咨询留言'></a></li></ul>",
            hits);
    expect_hit(&hits[SECTION_DISCLOSURE], BASE "gk/", 3);
    expect_hit(&hits[SECTION_INTERPRETATION], BASE "jd/x.html", 3);
    expect_hit(&hits[SECTION_SERVICES], "http://zwfw.hunan.gov.cn/portal/4301000050/", 3);
    expect_hit(&hits[SECTION_INTERACTION], BASE "ly/", 2);
    sections_hits_free(hits);

    /* short names count as the whole text only */
    find_in("<a href='/a/'>公开</a><a href='/b/'>办事</a><a href='/c/'>互动</a>"
            "<a href='/d/1.html'>办事指南下载</a><a href='/e/'>公开指南</a>",
            hits);
    expect_hit(&hits[SECTION_DISCLOSURE], BASE "a/", 2);
    expect_hit(&hits[SECTION_SERVICES], BASE "b/", 2);
    expect_hit(&hits[SECTION_INTERACTION], BASE "c/", 3);
    expect_hit(&hits[SECTION_DISCLOSURE_GUIDE], BASE "e/", 3);
    sections_hits_free(hits);
    find_in("<a href='/d/'>办事指南</a><a href='/f/1.html'>关于办事的说明</a>", hits);
    expect_hit(&hits[SECTION_SERVICES], BASE "d/", 2);
    sections_hits_free(hits);

    /* a service platform host with no name at all is still a URL match; not a look-alike */
    find_in("<a href='http://zwfw.hunan.gov.cn/'><img src='x.png'></a>", hits);
    expect_hit(&hits[SECTION_SERVICES], "http://zwfw.hunan.gov.cn/", 1);
    sections_hits_free(hits);
    find_in("<a href='http://zwfw.example.com/'><img src='x.png'></a>", hits);
    expect_hit(&hits[SECTION_SERVICES], NULL, 0);
    sections_hits_free(hits);
}

/* sections.other_host = 0: a section on another host does not count. */
static void sections_other_host_rule(void **state)
{
    const char *html =
        "<a href='http://zwfw.hunan.gov.cn/x/'>办事服务</a><a href='/hdjl/'>互动</a>";
    struct rules rules;
    rules_default(&rules);
    for (int allow = 0; allow < 2; allow++) {
        assert_int_equal(rules_set(&rules, "sections.other_host", allow ? "1" : "0", NULL), 0);
        GumboOutput *doc = gumbo_parse(html);
        struct content_state *cs = content_state_new(BASE, sc_days_from_civil(2026, 11, 22));
        assert_int_equal(content_observe_page(cs, BASE, 0, doc), 0);
        struct site_report r;
        site_report_init(&r, BASE);
        assert_int_equal(content_finish(cs, &r, &rules, NULL, NULL), 0);
        assert_int_equal(r.sections[SECTION_SERVICES].present, allow);
        assert_int_equal(r.sections[SECTION_INTERACTION].present, 1);
        site_report_free(&r);
        content_state_free(cs);
        gumbo_destroy_output(&kGumboDefaultOptions, doc);
    }
}

static int status_of(void *user, const char *url)
{
    (void)user;
    if (strstr(url, "/hdjl/"))
        return 0; /* broken */
    if (strstr(url, "/bsfw/"))
        return -1; /* unknown */
    return 1;
}

static void sections_must_load(void **state)
{
    const char *html = "<a href='/zfxxgk/'>政府信息公开</a><a href='/hdjl/'>互动交流</a>"
                       "<a href='/bsfw/'>办事服务</a><a href='/xxgk/ndbg/'>政府信息公开年报</a>";
    GumboOutput *doc = gumbo_parse(html);
    long as_of = sc_days_from_civil(2026, 11, 22);
    struct content_state *cs = content_state_new(BASE, as_of);
    assert_int_equal(content_observe_page(cs, BASE, 0, doc), 0);
    struct site_report r;
    site_report_init(&r, BASE);
    assert_int_equal(content_finish(cs, &r, NULL, status_of, NULL), 0);
    /* the four required ones, and the optional 年报 because it was found (not the 指南) */
    assert_int_equal(r.nsections, 5);
    const struct section_def *defs = sections_table();
    for (size_t i = 0; i < r.nsections; i++) {
        const struct section_record *s = &r.sections[i];
        size_t id = i < 4 ? i : SECTION_DISCLOSURE_REPORT;
        assert_string_equal(s->name, defs[id].name);
        int want =
            id == SECTION_DISCLOSURE || id == SECTION_SERVICES || id == SECTION_DISCLOSURE_REPORT;
        assert_int_equal(s->present, want);
        assert_int_equal(s->required, id < SECTION_DISCLOSURE_GUIDE);
    }
    assert_non_null(r.sections[SECTION_INTERACTION].url); /* found, but it does not load */
    site_report_free(&r);
    content_state_free(cs);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sections_from_the_regression_page),
        cmocka_unit_test(sections_synonyms_and_priorities),
        cmocka_unit_test(sections_must_load),
        cmocka_unit_test(sections_as_people_find_them),
        cmocka_unit_test(sections_other_host_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

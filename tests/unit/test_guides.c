/* test_guides: the service-guide probe (probes/content/guides.h): each element form (table
 * rows, two pairs to a row, headed blocks, 「label：value」 lines, dt/dd, numbering, a flow
 * chart image), what is no value (empty cell, 暂无, another label; 无 only for 收费标准),
 * hostile pages (labels only in a menu, a list's column headers, a huge page), the trail from
 * the section to its guides on the site and on a *.gov.cn platform, the sample bound and its
 * order, and the judgement (deduction, cap, veto, the JSON services object). */
#include "testutil.h"
#include "common/clock.h"
#include "common/strbuf.h"
#include "probes/content/content.h"
#include "probes/content/guides.h"
#include "probes/verdict/check_output.h"
#include "probes/verdict/rules.h"

#include <gumbo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ALL ((1u << GUIDE_ELEMENTS) - 1)
#define BIT(e) (1u << (e))

static char *page_file(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/pages/%s", test_src(), name);
    char *text = test_read_file(path, NULL);
    assert_non_null(text);
    return text;
}

static void read_html(const char *html, struct guide_read *g)
{
    GumboOutput *doc = gumbo_parse(html);
    assert_int_equal(guides_read_page(doc->root, g), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
}

static void read_file(const char *name, struct guide_read *g)
{
    char *text = page_file(name);
    read_html(text, g);
    free(text);
}

static void guide_as_a_table(void **state)
{
    (void)state;
    struct guide_read g;
    read_file("guide_table.html", &g);
    assert_int_equal(g.labelled, ALL);
    assert_int_equal(g.present, ALL);
    assert_true(guides_is_guide(&g));
    assert_string_equal(g.name, "个体工商户设立登记");
    guide_read_free(&g);
}

static void guide_as_headed_blocks(void **state)
{
    (void)state;
    struct guide_read g;
    read_file("guide_blocks.html", &g);
    /* 办事依据 has an empty block, 办理时限 says 暂无, 咨询电话 is not there at all;
     * 收费标准 无 is a value (no fee), a flow chart image is the 基本流程 */
    assert_int_equal(g.labelled, ALL & ~BIT(GUIDE_E_PHONE));
    assert_int_equal(g.present, BIT(GUIDE_E_NAME) | BIT(GUIDE_E_UNIT) | BIT(GUIDE_E_PROCESS) |
                                    BIT(GUIDE_E_MATERIALS) | BIT(GUIDE_E_FEES));
    assert_string_equal(g.name, "老年人优待证办理");
    guide_read_free(&g);
}

static void guide_inline_and_definition_lists(void **state)
{
    (void)state;
    struct guide_read g;
    read_html("<title>T</title><div><p><b>事项名称：</b>结婚登记</p>"
              "<p>（二）设定依据: 《婚姻登记条例》</p><p>受理部门：</p><p>民政局</p>"
              "<dl><dt>办事流程</dt><dd>现场办理</dd><dt>所需材料</dt><dd></dd>"
              "<dt>收费标准</dt><dd>9元</dd><dt>法定时限</dt><dd>即办</dd>"
              "<dt>【咨询方式】</dt><dd><a href='tel:12345'>12345</a></dd></dl></div>",
              &g);
    assert_int_equal(g.labelled, ALL);
    assert_int_equal(g.present, ALL & ~BIT(GUIDE_E_MATERIALS));
    assert_string_equal(g.name, "结婚登记");
    guide_read_free(&g);
    /* 无 is no value but for 收费标准; a label that only begins a word is no label */
    read_html("<table><tr><td>办事依据</td><td>无</td></tr><tr><td>收费标准</td><td>无</td></tr>"
              "<tr><td>咨询电话</td><td> &nbsp; </td></tr><tr><td>办理时限说明</td><td>x</td></tr>"
              "</table>",
              &g);
    assert_int_equal(g.labelled, BIT(GUIDE_E_BASIS) | BIT(GUIDE_E_FEES) | BIT(GUIDE_E_PHONE));
    assert_int_equal(g.present, BIT(GUIDE_E_FEES));
    assert_null(g.name); /* no 事项名称, no title */
    guide_read_free(&g);
    /* a heading whose block is empty has no value, whatever text comes after its item */
    read_html("<div class='item'><h3>咨询电话</h3><div class='content'></div></div>"
              "<div class='footer'><p>主办单位：某局 联系电话：12345</p></div>",
              &g);
    assert_int_equal(g.labelled, BIT(GUIDE_E_PHONE));
    assert_int_equal(g.present, 0);
    guide_read_free(&g);
    /* a label last on the page has no value */
    read_html("<p>申请材料</p><p>身份证</p><p>咨询电话</p>", &g);
    assert_int_equal(g.labelled, BIT(GUIDE_E_MATERIALS) | BIT(GUIDE_E_PHONE));
    assert_int_equal(g.present, BIT(GUIDE_E_MATERIALS));
    guide_read_free(&g);
}

static void labels_in_menus_and_headers_are_no_guide(void **state)
{
    (void)state;
    struct guide_read g;
    read_file("guide_hostile.html", &g);
    assert_int_equal(g.labelled, 0);
    assert_int_equal(g.present, 0);
    assert_false(guides_is_guide(&g));
    assert_string_equal(g.name, "办事服务"); /* the title, as a name */
    guide_read_free(&g);
    /* one label is no guide; a <nav> and scripts are never read */
    read_html("<nav><p>事项名称</p><p>甲</p></nav><script>var a='办事依据：x';</script>"
              "<p>咨询电话：12345</p>",
              &g);
    assert_int_equal(g.labelled, BIT(GUIDE_E_PHONE));
    assert_false(guides_is_guide(&g));
    guide_read_free(&g);
    /* garbage in: no crash, nothing found */
    read_html("<table><tr><td>事项名称<td><td>：</td></tr></table></td>\x01<<<>>", &g);
    assert_int_equal(g.present, 0);
    guide_read_free(&g);
}

static void huge_page_is_read_to_a_bound(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "<p>事项名称：大页面</p><p>办事依据：某法</p>");
    for (int i = 0; i < 200000; i++) /* about 5 MB of text and elements */
        strbuf_adds(&sb, "<div>填充文字填充文字</div>");
    strbuf_adds(&sb, "<p>咨询电话：12345</p>");
    assert_false(sb.failed);
    clock_t t0 = clock();
    struct guide_read g;
    read_html(sb.buf, &g);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    /* the first two are read; the one past GUIDES_MAX_TEXT is not */
    assert_int_equal(g.present, BIT(GUIDE_E_NAME) | BIT(GUIDE_E_BASIS));
    assert_true(secs < 20);
    guide_read_free(&g);
    strbuf_release(&sb);
}

/* ---- the trail ---- */

struct wants {
    char *v[4096];
    size_t n;
};

static int want(void *user, const char *url)
{
    struct wants *w = user;
    assert_true(w->n < 4096);
    w->v[w->n++] = strdup(url);
    return 0;
}

static int wanted(const struct wants *w, const char *url)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->v[i], url) == 0)
            return 1;
    return 0;
}

static void wants_free(struct wants *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    w->n = 0;
}

static int observe(struct guides_trail *t, const char *url, const char *html, struct wants *w)
{
    GumboOutput *doc = gumbo_parse(html);
    int rc = guides_trail_observe(t, url, doc->root, want, w);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    return rc;
}

/* A guide page: element e missing when bit e of missing is set. */
static void guide_html(struct strbuf *sb, const char *name, unsigned missing)
{
    static const char *const values[GUIDE_ELEMENTS] = {NULL,     "《某条例》", "某局", "受理、审核",
                                                       "身份证", "不收费",     "5日",  "12345"};
    strbuf_reset(sb);
    strbuf_addf(sb, "<title>%s</title><div><a href='/'>首页</a></div><table>", name);
    for (int e = 0; e < GUIDE_ELEMENTS; e++)
        strbuf_addf(sb, "<tr><td>%s</td><td>%s</td></tr>", guide_element_name(e),
                    missing & BIT(e) ? "" : e == 0 ? name : values[e]);
    strbuf_adds(sb, "</table>");
}

#define SITE "http://www.test.gov.cn/"
#define ZWFW "http://zwfw.test.gov.cn/"

static void trail_follows_the_section_to_its_guides(void **state)
{
    (void)state;
    struct wants w = {0};
    struct guides_trail *t = guides_trail_new(SITE, 20);
    assert_non_null(t);
    assert_int_equal(guides_trail_start(t, SITE "bsfw/index.html", want, &w), 0);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.v[0], SITE "bsfw/index.html");
    /* the section: a menu, two lists under it, a guide linked by its text elsewhere, a
     * platform host, a commercial host, an attachment */
    assert_int_equal(observe(t, SITE "bsfw/",
                             "<a href='/'>首页</a><a href='/xxgk/'>信息公开</a>"
                             "<a href='grbs/index.html'>个人办事</a>"
                             "<a href='frbs/index.html'>法人办事</a>"
                             "<a href='/art/2026/1.html'>户口迁移办事指南</a>"
                             "<a href='" ZWFW "portal/list.html'>网上办事大厅</a>"
                             "<a href='http://shop.example.com/zn.html'>服务指南</a>"
                             "<a href='/bsfw/zn.pdf'>办事指南下载</a>",
                             &w),
                     0);
    assert_true(wanted(&w, SITE "bsfw/grbs/index.html"));
    assert_true(wanted(&w, SITE "bsfw/frbs/index.html"));
    assert_true(wanted(&w, SITE "art/2026/1.html"));
    assert_true(wanted(&w, ZWFW "portal/list.html"));
    assert_false(wanted(&w, SITE "xxgk/"));
    assert_false(wanted(&w, "http://shop.example.com/zn.html"));
    assert_false(wanted(&w, SITE "bsfw/zn.pdf"));
    assert_int_equal(guides_trail_allows(t, ZWFW "portal/g1.html"), 1);
    assert_int_equal(guides_trail_allows(t, "http://shop.example.com/zn.html"), 0);
    assert_int_equal(guides_trail_allows(t, "http://zwfw.other.gov.cn/x.html"), 0);

    struct strbuf sb = STRBUF_INIT;
    /* the platform's list is read before the site's: the order of the report is the
     * trail's, not the crawl's */
    assert_int_equal(observe(t, ZWFW "portal/list.html",
                             "<a href='g1.html'>居民身份证申领</a><a href='g2.html'>办事指南二</a>", &w),
                     0);
    assert_int_equal(observe(t, SITE "bsfw/grbs/index.html",
                             "<a href='/'>首页</a><a href='a.html'>甲</a><a href='b.html'>乙</a>"
                             "<a href='" ZWFW "portal/g2.html'>办事指南二</a>",
                             &w),
                     0);
    /* a list's 事项 are followed whatever they are called */
    assert_true(wanted(&w, ZWFW "portal/g1.html"));
    guide_html(&sb, "乙", BIT(GUIDE_E_PHONE));
    assert_int_equal(observe(t, SITE "bsfw/grbs/b.html", sb.buf, &w), 0);
    guide_html(&sb, "甲", 0);
    assert_int_equal(observe(t, SITE "bsfw/grbs/a.html", sb.buf, &w), 0);
    guide_html(&sb, "指南二", BIT(GUIDE_E_BASIS) | BIT(GUIDE_E_FEES));
    assert_int_equal(observe(t, ZWFW "portal/g2.html", sb.buf, &w), 0);
    guide_html(&sb, "指南一", 0);
    assert_int_equal(observe(t, ZWFW "portal/g1.html", sb.buf, &w), 0);
    guide_html(&sb, "不在路上", BIT(GUIDE_E_PHONE)); /* a guide the trail never reached */
    assert_int_equal(observe(t, SITE "other/x.html", sb.buf, &w), 0);
    /* the list of 法人办事 never came back (a broken page): nothing from it */

    struct site_report rep;
    site_report_init(&rep, SITE);
    assert_int_equal(guides_trail_finish(t, &rep), 0);
    assert_true(rep.services_analysed);
    assert_string_equal(rep.services_url, SITE "bsfw/index.html");
    assert_int_equal(rep.nguides, 4);
    /* places: 个人办事 list (1st link of the section) a, b, g2; the platform list (4th) g1 */
    assert_string_equal(rep.guides[0].url, SITE "bsfw/grbs/a.html");
    assert_int_equal(rep.guides[0].missing, 0);
    assert_string_equal(rep.guides[1].url, SITE "bsfw/grbs/b.html");
    assert_int_equal(rep.guides[1].missing, BIT(GUIDE_E_PHONE));
    assert_string_equal(rep.guides[1].name, "乙");
    assert_string_equal(rep.guides[2].url, ZWFW "portal/g2.html");
    assert_int_equal(rep.guides[2].missing, BIT(GUIDE_E_BASIS) | BIT(GUIDE_E_FEES));
    assert_string_equal(rep.guides[3].url, ZWFW "portal/g1.html");
    site_report_free(&rep);
    guides_trail_free(t);
    strbuf_release(&sb);
    wants_free(&w);
}

/* A site of `lists` lists of `per` guides each, read in the given page order; guide j of
 * list i misses 咨询电话 when (i + j) is odd. Returns the report's guides. */
static void run_sample(int sample, int lists, int per, int reverse, struct site_report *rep,
                       size_t *nwanted)
{
    struct wants w = {0};
    struct guides_trail *t = guides_trail_new(SITE, sample);
    assert_non_null(t);
    assert_int_equal(guides_trail_start(t, SITE "bsfw/", want, &w), 0);
    struct strbuf sb = STRBUF_INIT, page = STRBUF_INIT, url = STRBUF_INIT;
    for (int i = 0; i < lists; i++)
        strbuf_addf(&sb, "<a href='l%d/index.html'>事项清单%d</a>", i, i);
    assert_int_equal(observe(t, SITE "bsfw/", sb.buf, &w), 0);
    for (int k = 0; k < lists; k++) {
        int i = reverse ? lists - 1 - k : k;
        strbuf_reset(&sb);
        for (int j = 0; j < per; j++)
            strbuf_addf(&sb, "<li><a href='g%d.html'>事项%d</a></li>", j, j);
        strbuf_reset(&url);
        strbuf_addf(&url, SITE "bsfw/l%d/index.html", i);
        if (wanted(&w, url.buf))
            assert_int_equal(observe(t, url.buf, sb.buf, &w), 0);
    }
    for (int k = 0; k < lists * per; k++) {
        int x = reverse ? lists * per - 1 - k : k, i = x / per, j = x % per;
        strbuf_reset(&url);
        strbuf_addf(&url, SITE "bsfw/l%d/g%d.html", i, j);
        if (!wanted(&w, url.buf))
            continue;
        char name[32];
        snprintf(name, sizeof name, "事项%d-%d", i, j);
        guide_html(&page, name, (i + j) % 2 ? BIT(GUIDE_E_PHONE) : 0);
        assert_int_equal(observe(t, url.buf, page.buf, &w), 0);
    }
    *nwanted = w.n;
    site_report_init(rep, SITE);
    assert_int_equal(guides_trail_finish(t, rep), 0);
    guides_trail_free(t);
    strbuf_release(&sb);
    strbuf_release(&page);
    strbuf_release(&url);
    wants_free(&w);
}

static void sample_is_bounded_and_in_trail_order(void **state)
{
    (void)state;
    struct site_report a, b;
    size_t na, nb;
    run_sample(20, 3, 15, 0, &a, &na);
    run_sample(20, 3, 15, 1, &b, &nb);
    assert_int_equal(a.nguides, 20);
    assert_int_equal(b.nguides, 20);
    for (size_t i = 0; i < 20; i++) {
        assert_string_equal(a.guides[i].url, b.guides[i].url);
        assert_int_equal(a.guides[i].missing, b.guides[i].missing);
    }
    /* the first list's 15, then the second's first 5 */
    assert_string_equal(a.guides[0].url, SITE "bsfw/l0/g0.html");
    assert_string_equal(a.guides[14].url, SITE "bsfw/l0/g14.html");
    assert_string_equal(a.guides[15].url, SITE "bsfw/l1/g0.html");
    assert_string_equal(a.guides[19].url, SITE "bsfw/l1/g4.html");
    assert_int_equal(a.guides[15].missing, BIT(GUIDE_E_PHONE));
    site_report_free(&a);
    site_report_free(&b);
    /* a sample of 3 asks for at most 3 + GUIDES_SLACK links of each page */
    run_sample(3, 30, 40, 0, &a, &na);
    assert_int_equal(a.nguides, 3);
    assert_true(na <= 1 + (3 + GUIDES_SLACK) + GUIDES_LIST_PAGES * (3 + GUIDES_SLACK));
    site_report_free(&a);
    /* a sample of 0 asks for nothing at all */
    struct wants w = {0};
    struct guides_trail *t = guides_trail_new(SITE, 0);
    assert_int_equal(guides_trail_start(t, SITE "bsfw/", want, &w), 0);
    assert_int_equal(w.n, 0);
    guides_trail_free(t);
}

/* ---- through content.c and the rule table ---- */

static void content_judges_incomplete_guides(void **state)
{
    (void)state;
    long as_of = sc_days_from_civil(2026, 11, 22);
    struct content_state *cs = content_state_new(SITE, as_of);
    assert_non_null(cs);
    content_set_guide_sample(cs, 20);
    GumboOutput *home = gumbo_parse("<ul><li><a href='/bsfw/'>网上办事</a></li>"
                                    "<li><a href='/hdjl/'>互动交流</a></li></ul>");
    assert_int_equal(content_observe_page(cs, SITE, 0, home), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, home);
    size_t n;
    const char *const *w = content_take_wanted(cs, &n);
    int asked = 0;
    for (size_t i = 0; i < n; i++)
        asked += strcmp(w[i], SITE "bsfw/") == 0;
    assert_int_equal(asked, 1);
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "<ul>");
    for (int i = 0; i < 15; i++)
        strbuf_addf(&sb, "<li><a href='g%d.html'>指南%d</a></li>", i, i);
    strbuf_adds(&sb, "</ul>");
    GumboOutput *doc = gumbo_parse(sb.buf);
    assert_int_equal(content_observe_page(cs, SITE "bsfw/", 1, doc), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    for (int i = 0; i < 15; i++) {
        char url[128], name[32];
        snprintf(url, sizeof url, SITE "bsfw/g%d.html", i);
        snprintf(name, sizeof name, "指南%d", i);
        guide_html(&sb, name, i < 12 ? BIT(GUIDE_E_TIME_LIMIT) | BIT(GUIDE_E_PHONE) : 0);
        doc = gumbo_parse(sb.buf);
        assert_int_equal(content_observe_page(cs, url, 2, doc), 0);
        gumbo_destroy_output(&kGumboDefaultOptions, doc);
    }
    assert_int_equal(content_may_leave_site(cs, "http://shop.example.com/"), 0);
    struct site_report rep;
    site_report_init(&rep, SITE);
    rep.reachable = 1;
    struct rules r;
    rules_default(&r);
    assert_int_equal(content_finish(cs, &rep, &r, NULL, NULL), 0);
    content_state_free(cs);
    assert_int_equal(rep.nguides, 15);
    assert_int_equal(rules_judge(&r, &rep), 0);
    int incomplete = 0;
    double points = 0;
    for (size_t i = 0; i < rep.ndefects; i++) {
        const struct defect_record *d = &rep.defects[i];
        if (strcmp(d->kind, "incomplete_guide") == 0) {
            incomplete++;
            points += d->points;
            assert_int_equal(d->severity, SEVERITY_DEDUCT);
            assert_non_null(strstr(d->detail, "missing 办理时限, 咨询电话"));
        }
        assert_string_not_equal(d->kind, "incomplete_guides");
    }
    assert_int_equal(incomplete, 12);
    assert_true(points == 10); /* 1 each, capped at points.incomplete_guides_max */
    struct strbuf json = STRBUF_INIT;
    assert_int_equal(check_output_json(&rep, 1, &json), 0);
    assert_non_null(strstr(json.buf, "\"guides_checked\": 15"));
    const char *m = strstr(json.buf, "\"missing\": [");
    assert_non_null(m);
    assert_true(strstr(m, "\"办理时限\"") < strstr(m, "\"咨询电话\""));
    assert_true(strstr(m, "\"咨询电话\"") < strchr(m, ']'));
    strbuf_release(&json);
    /* the veto, when the office sets one */
    struct sc_error err;
    assert_int_equal(rules_set(&r, "veto.incomplete_guides", "10", &err), 0);
    assert_int_equal(rules_set(&r, "points.incomplete_guide", "0.5", &err), 0);
    for (size_t i = 0; i < rep.ndefects; i++) {
        free(rep.defects[i].kind);
        free(rep.defects[i].url);
        free(rep.defects[i].detail);
    }
    rep.ndefects = 0;
    assert_int_equal(rules_judge(&r, &rep), 0);
    assert_false(rep.verdict_pass);
    int vetoed = 0;
    for (size_t i = 0; i < rep.ndefects; i++)
        vetoed += strcmp(rep.defects[i].kind, "incomplete_guides") == 0 &&
                  rep.defects[i].severity == SEVERITY_VETO;
    assert_int_equal(vetoed, 1);
    assert_int_not_equal(rules_set(&r, "services.guide_sample", "2.5", &err), 0);
    assert_int_not_equal(rules_set(&r, "services.guide_sample", "201", &err), 0);
    site_report_free(&rep);
    strbuf_release(&sb);
}

static void content_without_services_section_has_no_services(void **state)
{
    (void)state;
    struct content_state *cs = content_state_new(SITE, sc_days_from_civil(2026, 11, 22));
    GumboOutput *home = gumbo_parse("<a href='/xxgk/'>信息公开</a>");
    assert_int_equal(content_observe_page(cs, SITE, 0, home), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, home);
    struct site_report rep;
    site_report_init(&rep, SITE);
    assert_int_equal(content_finish(cs, &rep, NULL, NULL, NULL), 0);
    content_state_free(cs);
    assert_null(rep.services_url);
    assert_int_equal(rep.nguides, 0);
    struct strbuf json = STRBUF_INIT;
    assert_int_equal(check_output_json(&rep, 1, &json), 0);
    assert_non_null(strstr(json.buf, "\"services\": null"));
    strbuf_release(&json);
    site_report_free(&rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(guide_as_a_table),
        cmocka_unit_test(guide_as_headed_blocks),
        cmocka_unit_test(guide_inline_and_definition_lists),
        cmocka_unit_test(labels_in_menus_and_headers_are_no_guide),
        cmocka_unit_test(huge_page_is_read_to_a_bound),
        cmocka_unit_test(trail_follows_the_section_to_its_guides),
        cmocka_unit_test(sample_is_bounded_and_in_trail_order),
        cmocka_unit_test(content_judges_incomplete_guides),
        cmocka_unit_test(content_without_services_section_has_no_services),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

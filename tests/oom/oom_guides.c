/* oom_guides: the service-guide probe (服务不实用) with the n-th allocation failing: a homepage
 * linking 办事服务, the section's page, a list on the zwfw platform and guides (a table, headed
 * blocks, one incomplete), observed through content.c, then content_finish, rules_judge and
 * check_output_json. Each step must return SC_ENOMEM (NULL for content_state_new) or the run must render the same
 * JSON document as the run without failures. */
#include "oom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/testutil.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "probes/content/content.h"
#include "probes/net/html.h"
#include "probes/verdict/check_output.h"
#include "probes/verdict/rules.h"

#define SITE "http://www.test.gov.cn/"
#define ZWFW "http://zwfw.test.gov.cn/"
#define NPAGES 6

static const char *const urls[NPAGES] = {SITE, SITE "bsfw/", SITE "bsfw/grbs/index.html",
                                         ZWFW "frbs/", SITE "bsfw/grbs/g1.html", ZWFW "frbs/g2.html"};
static const char *const pages[NPAGES] = {
    "<ul><li><a href='/bsfw/'>网上办事</a></li></ul>",
    "<a href='grbs/index.html'>个人办事</a><a href='" ZWFW "frbs/'>法人办事</a>",
    "<a href='g1.html'>结婚登记</a>",
    "<a href='g2.html'>户口迁移</a>",
    "<title>结婚登记</title><table><tr><td>事项名称</td><td>结婚登记</td></tr>"
    "<tr><td>办事依据</td><td>《婚姻登记条例》</td></tr><tr><td>受理单位</td><td>民政局</td></tr>"
    "<tr><td>办理流程</td><td>受理</td></tr><tr><td>申请材料</td><td>身份证</td></tr>"
    "<tr><td>收费标准</td><td>无</td></tr><tr><td>承诺时限</td><td>即办</td></tr>"
    "<tr><td>咨询电话</td><td>12345</td></tr></table>",
    "<title>户口迁移</title><div><h3>一、事项名称</h3><p>户口迁移</p></div>"
    "<div><h3>二、办事依据</h3><div></div></div><div><h3>三、实施主体</h3><p>公安局</p></div>"
    "<div><h3>四、咨询方式</h3><p>暂无</p></div>"};

struct guides_case {
    struct html_doc *docs[NPAGES];
    long as_of;
    struct strbuf expect;
};

static int judge(const struct guides_case *c, struct site_report *r, struct strbuf *json)
{
    struct content_state *cs = content_state_new(SITE, c->as_of);
    if (!cs)
        return SC_ENOMEM;
    int rc = SC_OK;
    for (int i = 0; i < NPAGES && rc == SC_OK; i++) {
        rc = content_observe_page(cs, urls[i], i == 0 ? 0 : 1, c->docs[i]->out);
        size_t n;
        if (rc == SC_OK)
            content_take_wanted(cs, &n);
        if (rc == SC_OK && content_may_leave_site(cs, ZWFW "frbs/g2.html") < 0)
            rc = SC_ENOMEM;
    }
    if (rc == SC_OK)
        rc = content_finish(cs, r, NULL, NULL, NULL);
    content_state_free(cs);
    if (rc == SC_OK)
        rc = rules_judge(NULL, r);
    if (rc == SC_OK)
        rc = check_output_json(r, 1, json);
    return rc;
}

static long guides_once(void *ud, long n, int persistent)
{
    struct guides_case *c = ud;
    struct site_report r;
    struct strbuf json = STRBUF_INIT;
    site_report_init(&r, SITE);
    r.reachable = 1;
    failmalloc_arm(n, persistent);
    int rc = judge(c, &r, &json);
    long hit = failmalloc_disarm();
    if (rc != SC_OK && rc != SC_ENOMEM)
        oom_fail(n, persistent, "guides: failed with %d, not SC_ENOMEM", rc);
    if (rc == SC_OK && strcmp(json.buf, c->expect.buf) != 0) {
        oom_print_difference(json.buf, c->expect.buf);
        oom_fail(n, persistent, "guides: succeeded with another report");
    }
    site_report_free(&r);
    strbuf_release(&json);
    return hit;
}

void test_oom_guides(void **state)
{
    (void)state;
    struct guides_case c = {.expect = STRBUF_INIT};
    c.as_of = sc_days_from_civil(2026, 11, 22);
    for (int i = 0; i < NPAGES; i++) {
        c.docs[i] = html_parse(pages[i], strlen(pages[i]));
        assert_non_null(c.docs[i]);
    }
    struct site_report r;
    site_report_init(&r, SITE);
    r.reachable = 1;
    assert_int_equal(judge(&c, &r, &c.expect), SC_OK);
    assert_int_equal(r.nguides, 2);
    assert_int_equal(r.guides[0].missing, 0);
    assert_true(r.guides[1].missing != 0);
    site_report_free(&r);

    oom_loop("guides", guides_once, &c, NULL);

    for (int i = 0; i < NPAGES; i++)
        html_parse_free(c.docs[i]);
    strbuf_release(&c.expect);
}

/* oom_hidden: blank columns wherever they are (issue 12) with the n-th allocation failing:
 * a homepage with empty blocks, a nested navigation menu and a section (columns_find_empty,
 * columns_nav_links, the wanted candidates), the section's column index page
 * (columns_index_links), candidate pages of every kind (columns_column_page, the breadcrumb
 * name), content_finish with the hidden columns, rules_judge and check_output_json. Each
 * step must return SC_ENOMEM (NULL for content_state_new) or the run must render the same
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

#define BASE "http://www.test.gov.cn/"
#define NPAGES 7

static const char *const files[NPAGES] = {
    "blank_home.html",       "blank_section.html",    "blank_list_pager.html",
    "blank_list_zanwu.html", "blank_list_dated.html", "blank_single.html",
    "blank_list_empty.html"};
static const char *const urls[NPAGES] = {
    BASE, BASE "zfxxgk/", BASE "czzj/index.html", BASE "tjxx/index.html",
    BASE "gfxwj/index.html", BASE "jgzn/index.html", BASE "ghjh/index.html"};

struct hidden_case {
    struct html_doc *docs[NPAGES];
    char *texts[NPAGES];
    long as_of;
    struct strbuf expect;
};

/* The 政策法规 list page does not load. */
static int link_status(void *user, const char *url)
{
    (void)user;
    return strstr(url, "/zcfg/") ? 0 : 1;
}

static int judge(const struct hidden_case *c, struct site_report *r, struct strbuf *json)
{
    struct content_state *cs = content_state_new(BASE, c->as_of);
    if (!cs)
        return SC_ENOMEM;
    int rc = SC_OK;
    for (int i = 0; i < NPAGES && rc == SC_OK; i++) {
        rc = content_observe_page(cs, urls[i], i == 0 ? 0 : 1, c->docs[i]->out);
        size_t n;
        content_take_wanted(cs, &n);
    }
    if (rc == SC_OK)
        rc = content_finish(cs, r, NULL, link_status, NULL);
    content_state_free(cs);
    if (rc == SC_OK)
        rc = rules_judge(NULL, r);
    if (rc == SC_OK)
        rc = check_output_json(r, 1, json);
    return rc;
}

static long hidden_once(void *ud, long n, int persistent)
{
    struct hidden_case *c = ud;
    struct site_report r;
    struct strbuf json = STRBUF_INIT;
    site_report_init(&r, BASE);
    r.reachable = 1;
    failmalloc_arm(n, persistent);
    int rc = judge(c, &r, &json);
    long hit = failmalloc_disarm();
    if (rc != SC_OK && rc != SC_ENOMEM)
        oom_fail(n, persistent, "hidden: failed with %d, not SC_ENOMEM", rc);
    if (rc == SC_OK && strcmp(json.buf, c->expect.buf) != 0) {
        oom_print_difference(json.buf, c->expect.buf);
        oom_fail(n, persistent, "hidden: succeeded with another report");
    }
    site_report_free(&r);
    strbuf_release(&json);
    return hit;
}

void test_oom_hidden(void **state)
{
    (void)state;
    struct hidden_case c = {.expect = STRBUF_INIT};
    c.as_of = sc_days_from_civil(2026, 11, 22);
    for (int i = 0; i < NPAGES; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/tests/data/pages/%s", OOM_SRC_DIR, files[i]);
        c.texts[i] = test_read_file(path, NULL);
        assert_non_null(c.texts[i]);
        c.docs[i] = html_parse(c.texts[i], strlen(c.texts[i]));
        assert_non_null(c.docs[i]);
    }
    struct site_report r;
    site_report_init(&r, BASE);
    r.reachable = 1;
    assert_int_equal(judge(&c, &r, &c.expect), SC_OK);
    /* the run without failures found hidden columns, blank ones among them */
    assert_non_null(strstr(c.expect.buf, "\"navigation\""));
    assert_non_null(strstr(c.expect.buf, "\"section_index\""));
    assert_non_null(strstr(c.expect.buf, "blank_columns"));
    site_report_free(&r);

    oom_loop("hidden", hidden_once, &c, NULL);

    for (int i = 0; i < NPAGES; i++) {
        html_parse_free(c.docs[i]);
        free(c.texts[i]);
    }
    strbuf_release(&c.expect);
}

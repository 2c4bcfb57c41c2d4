/* oom_judge: the content probes' judgement of a site with the n-th allocation failing:
 * content_state_new, content_observe_page on a homepage (columns, footer identity) and its
 * list pages, content_finish, rules_judge on a report that already holds the crawl's links,
 * and check_output_json. Each step must return SC_ENOMEM (NULL for content_state_new) or the
 * run must render the same JSON document as the run without failures. */
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
#define NPAGES 4

struct judge_case {
    struct html_doc *docs[NPAGES];
    char *texts[NPAGES];
    long as_of;
    struct strbuf expect;
};

static const char *const page_urls[NPAGES] = {BASE, BASE "tzgg/", BASE "ghjh/index.html",
                                              BASE "other/index.html"};

static char *read_page_file(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/pages/%s", OOM_SRC_DIR, name);
    char *text = test_read_file(path, NULL);
    assert_non_null(text);
    return text;
}

/* The links the crawl found: one broken on the homepage, one suspected, one fine. */
static void add_links(struct site_report *r)
{
    static const struct {
        const char *url, *error;
        enum link_result result;
        int status;
    } links[] = {{BASE "gone.html", "http_status", LINK_BROKEN, 404},
                 {BASE "slow.html", "timeout", LINK_SUSPECTED, 0},
                 {BASE "ok.html", NULL, LINK_OK, 200}};
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        struct link_record *l = site_report_add_link(r);
        assert_non_null(l);
        l->url = strdup(links[i].url);
        l->found_on = strdup(BASE);
        l->anchor = strdup("链接");
        l->on_homepage = 1;
        l->result = links[i].result;
        l->status = links[i].status;
        l->error = links[i].error ? strdup(links[i].error) : NULL;
    }
    r->reachable = 1;
    r->pages_crawled = NPAGES;
    r->links_checked = 3;
}

/* Sections' pages: the ones under /hdjl/ are broken. */
static int link_status(void *user, const char *url)
{
    (void)user;
    return strstr(url, "/hdjl/") ? 0 : 1;
}

/* The judgement, rendered; SC_ENOMEM from any step. Allocation failures happen in here. */
static int judge(const struct judge_case *c, struct site_report *r, struct strbuf *json)
{
    struct content_state *cs = content_state_new(BASE, c->as_of);
    if (!cs)
        return SC_ENOMEM;
    content_set_portal(cs, 1);
    int rc = SC_OK;
    for (int i = 0; i < NPAGES && rc == SC_OK; i++)
        rc = content_observe_page(cs, page_urls[i], i == 0 ? 0 : 1, c->docs[i]->out);
    if (rc == SC_OK)
        rc = content_finish(cs, r, NULL, link_status, NULL);
    content_state_free(cs);
    if (rc == SC_OK)
        rc = rules_judge(NULL, r);
    if (rc == SC_OK)
        rc = check_output_json(r, 1, json);
    return rc;
}

static long judge_once(void *ud, long n, int persistent)
{
    struct judge_case *c = ud;
    struct site_report r;
    struct strbuf json = STRBUF_INIT;
    site_report_init(&r, BASE);
    add_links(&r);
    failmalloc_arm(n, persistent);
    int rc = judge(c, &r, &json);
    long hit = failmalloc_disarm();
    if (rc != SC_OK && rc != SC_ENOMEM)
        oom_fail(n, persistent, "judge: failed with %d, not SC_ENOMEM", rc);
    if (rc == SC_OK && strcmp(json.buf, c->expect.buf) != 0) {
        oom_print_difference(json.buf, c->expect.buf);
        oom_fail(n, persistent, "judge: succeeded with another report");
    }
    site_report_free(&r);
    strbuf_release(&json);
    return hit;
}

void test_oom_judge(void **state)
{
    (void)state;
    struct judge_case c = {.expect = STRBUF_INIT};
    static const char *const files[NPAGES] = {NULL, "list_page.html", "list_blank.html",
                                              "list_page.html"};
    c.as_of = sc_days_from_civil(2026, 11, 22);
    for (int i = 0; i < NPAGES; i++) {
        if (i == 0) { /* the homepage: columns, then the footer with the site's identity */
            char *a = read_page_file("div_ul.html"), *b = read_page_file("footer.html");
            struct strbuf sb = STRBUF_INIT;
            strbuf_addf(&sb, "%s%s", a, b);
            c.texts[i] = strbuf_detach(&sb);
            free(a);
            free(b);
        } else {
            c.texts[i] = read_page_file(files[i]);
        }
        c.docs[i] = html_parse(c.texts[i], strlen(c.texts[i]));
        assert_non_null(c.docs[i]);
    }
    struct site_report r;
    site_report_init(&r, BASE);
    add_links(&r);
    assert_int_equal(judge(&c, &r, &c.expect), SC_OK);
    assert_true(r.judged && r.ncolumns > 0 && r.ndefects > 0);
    site_report_free(&r);

    oom_loop("judge", judge_once, &c, NULL);

    for (int i = 0; i < NPAGES; i++) {
        html_parse_free(c.docs[i]);
        free(c.texts[i]);
    }
    strbuf_release(&c.expect);
}

/* test_fetch_edge: closing a fetch engine (probes/net/fetch.h) from inside one of its own
 * callbacks while other transfers run, wait for a retry or wait in a host queue: every
 * callback once (the others "cancelled"), the owner told once, the loop left empty. Run
 * it in the Sanitize build too. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "crawl_httpd.h"
#include "probes/net/fetch.h"

static void handler(const char *method, const char *host, const char *path, int count,
                    struct httpd_response *r)
{
    (void)method;
    (void)host;
    (void)count;
    if (strcmp(path, "/slow") == 0) {
        r->sleep_ms = 1000;
        httpd_html(r, "<title>slow</title>");
    } else if (strcmp(path, "/busy") == 0) {
        r->status = 503; /* retried after retry_base_ms */
    } else {
        httpd_html(r, "<title>ok</title>");
    }
}

static struct httpd *srv;
static char mapping[128];
static char *maps[1] = {mapping};

static int setup(void **state)
{
    (void)state;
    srv = httpd_start(handler);
    snprintf(mapping, sizeof mapping, "::127.0.0.1:%d", srv->port);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    httpd_stop(srv);
    return 0;
}

#define N 6

struct ctx {
    struct fetch_engine *e;
    int calls[N];
    char error[N][32];
    int gone;
    int close_at; /* the request whose callback closes the engine */
};

struct req_user {
    struct ctx *c;
    int i;
};

static void on_gone(void *user)
{
    struct ctx *c = user;
    c->gone++;
}

static void on_done(struct fetch_result *res, void *user)
{
    struct req_user *u = user;
    struct ctx *c = u->c;
    c->calls[u->i]++;
    snprintf(c->error[u->i], sizeof c->error[u->i], "%s", res->error ? res->error : "");
    if (u->i == c->close_at) {
        fetch_engine_close(c->e, on_gone, c);
        assert_int_equal(c->gone, 0);
    }
}

static void test_close_from_callback(void **state)
{
    (void)state;
    const char *urls[N] = {"http://www.a.gov.cn/ok",   "http://www.a.gov.cn/slow",
                           "http://www.a.gov.cn/slow", "http://www.a.gov.cn/busy",
                           "http://www.b.gov.cn/slow", "http://www.b.gov.cn/slow"};
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct fetch_options o;
    fetch_options_default(&o);
    o.connect_to = maps;
    o.nconnect_to = 1;
    o.no_dns = 1;
    o.delay_ms = 0;
    o.per_host = 3; /* the second /slow of b waits in its host queue */
    o.concurrency = 5;
    o.retry_base_ms = 5000;
    struct ctx c;
    memset(&c, 0, sizeof c);
    c.close_at = 0;
    struct req_user u[N];
    struct sc_error err;
    assert_int_equal(fetch_engine_new(&loop, &o, &c.e, &err), 0);
    for (int i = 0; i < N; i++) {
        u[i].c = &c;
        u[i].i = i;
        struct fetch_request req = {urls[i], FETCH_GET, 1};
        assert_int_equal(fetch_submit(c.e, &req, on_done, &u[i]), 0);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(c.gone, 1);
    for (int i = 0; i < N; i++)
        assert_int_equal(c.calls[i], 1);
    assert_string_equal(c.error[0], "");
    assert_string_equal(c.error[1], "cancelled");
    assert_string_equal(c.error[4], "cancelled");
    assert_int_equal(httpd_requests(srv, "GET", "www.a.gov.cn", "/ok"), 1);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_close_from_callback),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

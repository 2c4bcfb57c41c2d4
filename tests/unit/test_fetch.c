/* test_fetch: the libcurl+libuv engine against a local server: statuses, HEAD fallback,
 * redirects (chain, loop, limit), retries (429 Retry-After, 503), timeouts, resets, body
 * and gzip-bomb limits, private-address refusal, --no-dns, --connect-to and politeness. */
#include "testutil.h"
#include "crawl_httpd.h"

#include "probes/net/fetch.h"

#include <zlib.h>

static struct strbuf gzip_bomb = STRBUF_INIT;

static void make_gzip_bomb(void)
{
    if (gzip_bomb.len)
        return;
    size_t n = 20u << 20;
    char *zeros = calloc(1, n);
    z_stream z = {0};
    deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
    strbuf_grow(&gzip_bomb, n / 500 + 1024);
    z.next_in = (unsigned char *)zeros;
    z.avail_in = (unsigned)n;
    z.next_out = (unsigned char *)gzip_bomb.buf;
    z.avail_out = (unsigned)gzip_bomb.alloc - 1;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    gzip_bomb.len = z.total_out;
    deflateEnd(&z);
    free(zeros);
}

static int port_of_server;
static pthread_mutex_t paced_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t paced_at[16]; /* when the server saw each /paced request (ms) */
static int npaced;

static void handler(const char *method, const char *host, const char *path, int count,
                    struct httpd_response *r)
{
    (void)host;
    if (strcmp(path, "/ok.html") == 0) {
        httpd_html(r, "<html><title>ok</title><body>fine</body></html>");
    } else if (strcmp(path, "/head405") == 0) {
        if (strcmp(method, "HEAD") == 0)
            r->status = 405;
        else
            httpd_html(r, "ok");
    } else if (strcmp(path, "/headlie") == 0) {
        if (strcmp(method, "HEAD") == 0)
            r->status = 404;
        else
            httpd_html(r, "ok");
    } else if (strcmp(path, "/r1") == 0) {
        r->status = 301;
        strbuf_adds(&r->headers, "Location: /r2\r\n");
    } else if (strcmp(path, "/r2") == 0) {
        r->status = 302;
        strbuf_adds(&r->headers, "Location: http://www.a.gov.cn/ok.html#frag\r\n");
    } else if (strcmp(path, "/loop1") == 0) {
        r->status = 302;
        strbuf_adds(&r->headers, "Location: /loop2\r\n");
    } else if (strcmp(path, "/loop2") == 0) {
        r->status = 302;
        strbuf_adds(&r->headers, "Location: /loop1\r\n");
    } else if (strncmp(path, "/chain", 6) == 0) {
        r->status = 302;
        strbuf_addf(&r->headers, "Location: /chain%d\r\n", atoi(path + 6) + 1);
    } else if (strcmp(path, "/to-private") == 0) {
        r->status = 302;
        strbuf_addf(&r->headers, "Location: http://127.0.0.1:%d/ok.html\r\n", port_of_server);
    } else if (strcmp(path, "/noloc") == 0) {
        r->status = 302; /* a redirect that names no target */
    } else if (strcmp(path, "/emptyloc") == 0) {
        r->status = 301;
        strbuf_adds(&r->headers, "Location: \r\n");
    } else if (strcmp(path, "/fileloc") == 0) {
        r->status = 302;
        strbuf_adds(&r->headers, "Location: file:///etc/passwd\r\n");
    } else if (strcmp(path, "/notmod") == 0) {
        r->status = 304;
    } else if (strcmp(path, "/flaky429") == 0) {
        if (count == 1) {
            r->status = 429;
            strbuf_adds(&r->headers, "Retry-After: 1\r\n");
        } else {
            httpd_html(r, "ok now");
        }
    } else if (strcmp(path, "/always503") == 0) {
        r->status = 503;
    } else if (strcmp(path, "/slow") == 0) {
        r->sleep_ms = 1500;
        httpd_html(r, "late");
    } else if (strcmp(path, "/big") == 0) {
        for (int i = 0; i < 2048; i++)
            strbuf_add(&r->body,
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                       1024);
    } else if (strcmp(path, "/bomb") == 0) {
        strbuf_adds(&r->headers, "Content-Type: text/html\r\nContent-Encoding: gzip\r\n");
        strbuf_add(&r->body, gzip_bomb.buf, gzip_bomb.len);
    } else if (strcmp(path, "/reset") == 0) {
        r->close_without_answer = 1;
    } else if (strncmp(path, "/paced", 6) == 0) {
        pthread_mutex_lock(&paced_lock);
        if (npaced < 16)
            paced_at[npaced++] = uv_hrtime() / 1000000;
        pthread_mutex_unlock(&paced_lock);
        httpd_html(r, "paced");
    } else {
        r->status = 404;
        httpd_html(r, "no such page");
    }
}

struct got {
    int done;
    int status;
    char error[32];
    char final_url[256];
    int nredirects;
    int attempts;
    size_t body_len;
    int body_kept;
    int transient;
    uint64_t at_ms;
};

static uv_loop_t *cur_loop;

static void on_done(struct fetch_result *res, void *user)
{
    struct got *g = user;
    g->done++;
    g->status = res->status;
    snprintf(g->error, sizeof g->error, "%s", res->error ? res->error : "");
    snprintf(g->final_url, sizeof g->final_url, "%s", res->final_url);
    g->nredirects = (int)res->nredirects;
    g->attempts = res->attempts;
    g->body_len = res->body_len;
    g->body_kept = res->body != NULL;
    g->transient = res->transient;
    g->at_ms = uv_now(cur_loop);
}

static struct httpd *srv;
static char mapping[128], mapping_tls[128];

static int setup(void **state)
{
    (void)state;
    make_gzip_bomb();
    srv = httpd_start(handler);
    port_of_server = srv->port;
    snprintf(mapping, sizeof mapping, "www.a.gov.cn:80:127.0.0.1:%d", srv->port);
    /* https to a server that speaks plain HTTP: the TLS handshake fails */
    snprintf(mapping_tls, sizeof mapping_tls, "www.a.gov.cn:443:127.0.0.1:%d", srv->port);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    httpd_stop(srv);
    return 0;
}

static void base_options(struct fetch_options *o)
{
    static char *map[2];
    fetch_options_default(o);
    map[0] = mapping;
    map[1] = mapping_tls;
    o->connect_to = map;
    o->nconnect_to = 2;
    o->delay_ms = 0;
    o->per_host = 4;
    o->retry_base_ms = 50;
    o->timeout_ms = 5000;
    o->no_dns = 1;
}

/* Runs the requests to completion; g[i] receives request i. */
static void run(const struct fetch_options *o, const char *const *urls, const int *methods,
                size_t n, struct got *g)
{
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    cur_loop = &loop;
    struct fetch_engine *e = NULL;
    struct sc_error err;
    assert_int_equal(fetch_engine_new(&loop, o, &e, &err), 0);
    for (size_t i = 0; i < n; i++) {
        memset(&g[i], 0, sizeof g[i]);
        struct fetch_request req = {urls[i], methods ? (enum fetch_method)methods[i] : FETCH_GET,
                                    1};
        assert_int_equal(fetch_submit(e, &req, on_done, &g[i]), 0);
        assert_int_equal(g[i].done, 0); /* never called from inside submit */
    }
    while (fetch_pending(e) > 0)
        uv_run(&loop, UV_RUN_ONCE);
    fetch_engine_close(e, NULL, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(g[i].done, 1);
}

/* The engine is closed while transfers run and wait; each callback of a closed engine
 * submits one more request. Every callback, the resubmitted ones too, runs exactly once
 * (with "cancelled"); a submit once close has returned is refused; the engine tells its
 * owner when it is gone, and nothing leaks (ASan). */
struct resubmit {
    struct fetch_engine *e;
    struct got g[8];
    struct got again[8];
    int submitted_again;
    int closed;
};

static void on_done_again(struct fetch_result *res, void *user)
{
    on_done(res, user);
}

static struct resubmit *resubmit_ctx;

static void on_done_submit_more(struct fetch_result *res, void *user)
{
    struct got *g = user;
    on_done(res, user);
    struct resubmit *r = resubmit_ctx;
    size_t i = (size_t)(g - r->g);
    struct fetch_request req = {"http://www.a.gov.cn/ok.html", FETCH_GET, 1};
    if (fetch_submit(r->e, &req, on_done_again, &r->again[i]) == 0)
        r->submitted_again++;
}

static void on_engine_gone(void *user)
{
    struct resubmit *r = user;
    r->closed++;
}

static void test_submit_while_closing(void **state)
{
    (void)state;
    struct fetch_options o;
    base_options(&o);
    o.per_host = 2; /* two run, the rest wait in the host queue */
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    cur_loop = &loop;
    struct resubmit r;
    memset(&r, 0, sizeof r);
    resubmit_ctx = &r;
    struct sc_error err;
    assert_int_equal(fetch_engine_new(&loop, &o, &r.e, &err), 0);
    for (size_t i = 0; i < 8; i++) {
        struct fetch_request req = {"http://www.a.gov.cn/slow", FETCH_GET, 1};
        assert_int_equal(fetch_submit(r.e, &req, on_done_submit_more, &r.g[i]), 0);
    }
    /* let the first two start */
    for (int k = 0; k < 20; k++)
        uv_run(&loop, UV_RUN_NOWAIT);
    struct fetch_engine *e = r.e;
    fetch_engine_close(e, on_engine_gone, &r);
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(r.g[i].done, 1);
        assert_string_equal(r.g[i].error, "cancelled");
        assert_int_equal(r.again[i].done, 1); /* submitted during close: delivered by it */
        assert_string_equal(r.again[i].error, "cancelled");
    }
    assert_int_equal(r.submitted_again, 8);
    struct fetch_request late = {"http://www.a.gov.cn/ok.html", FETCH_GET, 1};
    struct got g_late;
    memset(&g_late, 0, sizeof g_late);
    assert_int_equal(fetch_submit(e, &late, on_done_again, &g_late), SC_ERUNTIME);
    assert_int_equal(r.closed, 0); /* the handles close on the loop */
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(r.closed, 1);
    assert_int_equal(g_late.done, 0);
    assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_statuses_and_bodies(void **state)
{
    (void)state;
    struct fetch_options o;
    base_options(&o);
    const char *urls[] = {"http://www.a.gov.cn/ok.html", "http://www.a.gov.cn/nothing"};
    struct got g[2];
    run(&o, urls, NULL, 2, g);
    assert_int_equal(g[0].status, 200);
    assert_string_equal(g[0].error, "");
    assert_true(g[0].body_kept);
    assert_int_equal(g[0].body_len, strlen("<html><title>ok</title><body>fine</body></html>"));
    assert_int_equal(g[1].status, 404);
    assert_string_equal(g[1].error, "http_status");
    assert_false(g[1].transient);
    assert_int_equal(g[1].attempts, 1);
}

static void test_head_fallback(void **state)
{
    (void)state;
    struct fetch_options o;
    base_options(&o);
    const char *urls[] = {"http://www.a.gov.cn/head405", "http://www.a.gov.cn/headlie",
                          "http://www.a.gov.cn/ok.html", "http://www.a.gov.cn/gone"};
    int methods[] = {FETCH_HEAD, FETCH_HEAD, FETCH_HEAD, FETCH_HEAD};
    struct got g[4];
    run(&o, urls, methods, 4, g);
    assert_int_equal(g[0].status, 200);
    assert_int_equal(g[0].attempts, 2);
    assert_string_equal(g[0].error, "");
    assert_int_equal(g[1].status, 200);
    assert_int_equal(g[2].status, 200);
    assert_int_equal(g[2].attempts, 1);
    assert_int_equal(g[3].status, 404); /* HEAD 404, then GET 404: confirmed */
    assert_int_equal(g[3].attempts, 2);
    assert_int_equal(httpd_requests(srv, "HEAD", "www.a.gov.cn", "/head405"), 1);
}

static void test_redirects(void **state)
{
    (void)state;
    struct fetch_options o;
    base_options(&o);
    const char *urls[] = {"http://www.a.gov.cn/r1", "http://www.a.gov.cn/loop1",
                          "http://www.a.gov.cn/chain0", "http://www.a.gov.cn/to-private"};
    struct got g[4];
    run(&o, urls, NULL, 4, g);
    assert_int_equal(g[0].status, 200);
    assert_int_equal(g[0].nredirects, 2);
    assert_string_equal(g[0].final_url, "http://www.a.gov.cn/ok.html");
    assert_string_equal(g[1].error, "redirect_loop");
    assert_string_equal(g[2].error, "too_many_redirects");
    assert_int_equal(g[2].nredirects, 5);
    /* The hop to 127.0.0.1 is not mapped by --connect-to: refused. */
    assert_string_equal(g[3].error, "private_address");
}

/* A 3xx whose Location is missing, empty or not http(s) leads nowhere: a broken link
 * (bad_redirect), not an ok one; 304 (not a redirect) is left as it is. */
static void test_redirects_nowhere(void **state)
{
    (void)state;
    struct fetch_options o;
    base_options(&o);
    const char *urls[] = {"http://www.a.gov.cn/noloc", "http://www.a.gov.cn/emptyloc",
                          "http://www.a.gov.cn/fileloc", "http://www.a.gov.cn/notmod",
                          "http://www.a.gov.cn/noloc"};
    int methods[] = {FETCH_GET, FETCH_GET, FETCH_GET, FETCH_GET, FETCH_HEAD};
    struct got g[5];
    run(&o, urls, methods, 5, g);
    assert_int_equal(g[0].status, 302);
    assert_string_equal(g[0].error, "bad_redirect");
    assert_int_equal(g[1].status, 301);
    assert_string_equal(g[1].error, "bad_redirect");
    assert_string_equal(g[2].error, "bad_redirect");
    assert_int_equal(g[3].status, 304);
    assert_string_equal(g[3].error, "");
    assert_string_equal(g[4].error, "bad_redirect");
    assert_false(g[0].transient);
}

static void test_retries(void **state)
{
    (void)state;
    struct fetch_options o;
    base_options(&o);
    o.max_retries = 1;
    const char *urls[] = {"http://www.a.gov.cn/flaky429", "http://www.a.gov.cn/always503",
                          "http://www.a.gov.cn/reset"};
    struct got g[3];
    uint64_t t0 = uv_hrtime();
    run(&o, urls, NULL, 3, g);
    uint64_t ms = (uv_hrtime() - t0) / 1000000;
    assert_int_equal(g[0].status, 200);
    assert_int_equal(g[0].attempts, 2);
    assert_true(ms >= 1000); /* Retry-After: 1 honoured */
    assert_int_equal(g[1].status, 503);
    assert_string_equal(g[1].error, "http_status");
    assert_true(g[1].transient);
    assert_int_equal(g[1].attempts, 2);
    assert_string_equal(g[2].error, "reset");
    assert_int_equal(g[2].attempts, 2);
}

static void test_timeout(void **state)
{
    (void)state;
    struct fetch_options o;
    base_options(&o);
    o.timeout_ms = 400;
    o.max_retries = 0;
    const char *urls[] = {"http://www.a.gov.cn/slow"};
    struct got g[1];
    run(&o, urls, NULL, 1, g);
    assert_string_equal(g[0].error, "timeout");
    assert_true(g[0].transient);
}

static void test_limits(void **state)
{
    (void)state;
    struct fetch_options o;
    base_options(&o);
    o.max_body = 1u << 20;
    const char *urls[] = {"http://www.a.gov.cn/big", "http://www.a.gov.cn/bomb"};
    struct got g[2];
    run(&o, urls, NULL, 2, g);
    assert_string_equal(g[0].error, "too_large");
    assert_false(g[0].body_kept);
    assert_string_equal(g[1].error, "too_large");
    /* The bomb's compressed size is small: the cap applied after decompression. */
    assert_true(gzip_bomb.len < (1u << 20));
}

static void test_private_and_dns(void **state)
{
    (void)state;
    struct fetch_options o;
    base_options(&o);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/ok.html", srv->port);
    const char *urls[] = {url, "http://unmapped.example.org/x", "ftp://www.a.gov.cn/x",
                          "https://www.a.gov.cn/ok.html"};
    struct got g[4];
    run(&o, urls, NULL, 4, g);
    assert_string_equal(g[0].error, "private_address");
    assert_string_equal(g[1].error, "dns");
    assert_int_equal(g[1].attempts, 0); /* no request, no lookup */
    assert_string_equal(g[2].error, "bad_url");
    assert_string_equal(g[3].error, "tls");
    assert_false(g[3].transient);
    /* Allowed explicitly. */
    o.allow_private = 1;
    run(&o, urls, NULL, 1, g);
    assert_int_equal(g[0].status, 200);
}

static void test_politeness(void **state)
{
    (void)state;
    struct fetch_options o;
    base_options(&o);
    o.per_host = 1;
    o.delay_ms = 150;
    const char *urls[] = {"http://www.a.gov.cn/paced", "http://www.a.gov.cn/paced?2",
                          "http://www.a.gov.cn/paced?3", "http://www.a.gov.cn/paced?4"};
    struct got g[4];
    uint64_t t0 = uv_hrtime();
    run(&o, urls, NULL, 4, g);
    uint64_t ms = (uv_hrtime() - t0) / 1000000;
    for (int i = 0; i < 4; i++)
        assert_int_equal(g[i].status, 200);
    assert_true(ms >= 3 * 150 - 10);
    /* The server saw them one delay apart (a little jitter between start and arrival). */
    assert_int_equal(npaced, 4);
    for (int i = 1; i < 4; i++)
        if (paced_at[i] < paced_at[i - 1] + 120)
            fail_msg("requests %d and %d only %d ms apart", i - 1, i,
                     (int)(paced_at[i] - paced_at[i - 1]));
}

static void test_helpers(void **state)
{
    (void)state;
    assert_true(fetch_connect_to_valid("www.a.gov.cn:80:127.0.0.1:8080"));
    assert_true(fetch_connect_to_valid("::127.0.0.1:8080"));
    assert_true(fetch_connect_to_valid("[::1]:80:[::1]:81"));
    assert_false(fetch_connect_to_valid("www.a.gov.cn:80:127.0.0.1"));
    assert_false(fetch_connect_to_valid("www.a.gov.cn:http:127.0.0.1:80"));
    assert_false(fetch_connect_to_valid("a:80:b:99999"));
    assert_false(fetch_connect_to_valid("a:80:b:0")); /* port 0 is no port */
    assert_false(fetch_connect_to_valid("a:0:b:80"));
    assert_false(fetch_connect_to_valid("a:80:b:00000"));
    assert_false(fetch_connect_to_valid("a:80:b:1:extra"));
    char *entries[] = {"www.a.gov.cn:80:127.0.0.1:8080", "::10.0.0.1:80"};
    assert_true(fetch_connect_to_maps(entries, 1, "www.a.gov.cn", 80));
    assert_true(fetch_connect_to_maps(entries, 1, "WWW.A.GOV.CN", 80));
    assert_false(fetch_connect_to_maps(entries, 1, "www.a.gov.cn", 443));
    assert_false(fetch_connect_to_maps(entries, 1, "www.b.gov.cn", 80));
    assert_true(fetch_connect_to_maps(entries, 2, "anything.example", 443));

    struct sockaddr_in v4 = {0};
    v4.sin_family = AF_INET;
    const char *priv[] = {"127.0.0.1",   "10.1.2.3",    "172.16.0.1", "172.31.255.255",
                          "192.168.1.1", "169.254.1.1", "0.0.0.0",    "100.64.0.1"};
    for (size_t i = 0; i < sizeof priv / sizeof *priv; i++) {
        inet_pton(AF_INET, priv[i], &v4.sin_addr);
        assert_true(fetch_addr_is_private((struct sockaddr *)&v4));
    }
    const char *pub[] = {"8.8.8.8", "172.32.0.1", "192.169.0.1", "101.64.0.1"};
    for (size_t i = 0; i < sizeof pub / sizeof *pub; i++) {
        inet_pton(AF_INET, pub[i], &v4.sin_addr);
        assert_false(fetch_addr_is_private((struct sockaddr *)&v4));
    }
    struct sockaddr_in6 v6 = {0};
    v6.sin6_family = AF_INET6;
    const char *priv6[] = {"::1", "fe80::1", "fd00::1", "::ffff:192.168.0.1", "::"};
    for (size_t i = 0; i < sizeof priv6 / sizeof *priv6; i++) {
        inet_pton(AF_INET6, priv6[i], &v6.sin6_addr);
        assert_true(fetch_addr_is_private((struct sockaddr *)&v6));
    }
    inet_pton(AF_INET6, "2400:3200::1", &v6.sin6_addr);
    assert_false(fetch_addr_is_private((struct sockaddr *)&v6));

    /* A malformed --connect-to is refused when the engine is made. */
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct fetch_options o;
    fetch_options_default(&o);
    char *bad[] = {"nonsense"};
    o.connect_to = bad;
    o.nconnect_to = 1;
    struct fetch_engine *e = NULL;
    struct sc_error err;
    assert_int_equal(fetch_engine_new(&loop, &o, &e, &err), SC_EINPUT);
    assert_null(e);
    assert_non_null(strstr(err.msg, "nonsense"));
    uv_loop_close(&loop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_helpers),           cmocka_unit_test(test_statuses_and_bodies),
        cmocka_unit_test(test_head_fallback),     cmocka_unit_test(test_redirects),
        cmocka_unit_test(test_redirects_nowhere), cmocka_unit_test(test_retries),
        cmocka_unit_test(test_timeout),           cmocka_unit_test(test_limits),
        cmocka_unit_test(test_private_and_dns),   cmocka_unit_test(test_politeness),
        cmocka_unit_test(test_submit_while_closing),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    strbuf_release(&gzip_bomb);
    return rc;
}

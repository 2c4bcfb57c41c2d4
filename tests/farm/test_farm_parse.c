/* test_farm_parse: the farm server's parsers: HTTP request heads, request targets, and
 * DIR/faults.json, with their error paths (malformed, truncated, oversized, hostile input). */
#include "tests/unit/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/farm/farm.h"

static void request_complete_and_partial(void **state)
{
    (void)state;
    struct farm_request r;
    const char *req = "GET /a/b.html?x=1 HTTP/1.1\r\nHost: WWW.Hunan.gov.cn:80\r\n"
                      "Accept: */*\r\n\r\nGET / HTTP/1.1\r\n";
    assert_int_equal(farm_http_parse(req, strlen(req), &r), 1);
    assert_string_equal(r.method, "GET");
    assert_string_equal(r.target, "/a/b.html?x=1");
    assert_string_equal(r.host, "www.hunan.gov.cn");
    assert_int_equal(r.keep_alive, 1);
    assert_int_equal(r.consumed, strstr(req, "\r\n\r\n") + 4 - req);
    /* every proper prefix of the head is "need more" */
    size_t head = r.consumed;
    for (size_t n = 0; n < head; n++)
        assert_int_equal(farm_http_parse(req, n, &r), 0);
    /* LF-only line ends, HTTP/1.0 and Connection headers */
    const char *lf = "HEAD / HTTP/1.0\nHost: a.gov.cn\n\n";
    assert_int_equal(farm_http_parse(lf, strlen(lf), &r), 1);
    assert_int_equal(r.keep_alive, 0);
    const char *ka = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    assert_int_equal(farm_http_parse(ka, strlen(ka), &r), 1);
    assert_int_equal(r.keep_alive, 1);
    assert_string_equal(r.host, "");
    const char *cl = "GET / HTTP/1.1\r\nconnection:   close  \r\n\r\n";
    assert_int_equal(farm_http_parse(cl, strlen(cl), &r), 1);
    assert_int_equal(r.keep_alive, 0);
}

static void request_malformed(void **state)
{
    (void)state;
    struct farm_request r;
    const char *bad[] = {
        "GARBAGE\r\n\r\n",
        "GET /\r\n\r\n",
        "GET / HTTP/2.0\r\n\r\n",
        " / HTTP/1.1\r\n\r\n",
        "GET  HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nNoColonHere\r\n\r\n",
        "AVERYLONGMETHODNAMEXYZ / HTTP/1.1\r\n\r\n",
        "GET /a\rLocation:x HTTP/1.1\r\n\r\n",
        "GET /a\x7f HTTP/1.1\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(farm_http_parse(bad[i], strlen(bad[i]), &r), SC_EINPUT);
    /* Regression: the control-byte check stopped at a NUL in the target, so "/\0\rX" was
     * served as "/" (seen live: GET /<NUL> answered 200). A NUL is a control byte too. */
    static const char nul[] = "GET /\0\rLocation:x HTTP/1.1\r\nHost: a.gov.cn\r\n\r\n";
    assert_int_equal(farm_http_parse(nul, sizeof nul - 1, &r), SC_EINPUT);
    static const char nulhost[] = "GET / HTTP/1.1\r\nHost: a.gov.cn\0.evil\r\n\r\n";
    assert_int_equal(farm_http_parse(nulhost, sizeof nulhost - 1, &r), SC_EINPUT);
    /* a head that never ends, and a Host longer than the buffer */
    struct strbuf big = STRBUF_INIT;
    strbuf_adds(&big, "GET / HTTP/1.1\r\nX: ");
    while (big.len <= FARM_MAX_HEAD)
        strbuf_adds(&big, "aaaaaaaaaaaaaaaa");
    assert_int_equal(farm_http_parse(big.buf, big.len, &r), SC_EINPUT);
    strbuf_reset(&big);
    strbuf_adds(&big, "GET / HTTP/1.1\r\nHost: ");
    for (int i = 0; i < 300; i++)
        strbuf_addch(&big, 'h');
    strbuf_adds(&big, "\r\n\r\n");
    assert_int_equal(farm_http_parse(big.buf, big.len, &r), SC_EINPUT);
    strbuf_release(&big);
}

static void target_decoding(void **state)
{
    (void)state;
    struct strbuf p = STRBUF_INIT, q = STRBUF_INIT;
    assert_int_equal(farm_http_target("/%E9%99%84%E4%BB%B6/a.pdf?k=%20#frag", &p, &q), 0);
    assert_string_equal(p.buf, "/附件/a.pdf");
    assert_string_equal(q.buf, "k=%20");
    strbuf_reset(&p);
    strbuf_reset(&q);
    assert_int_equal(farm_http_target("http://www.x.gov.cn/b/c.html?n=3", &p, &q), 0);
    assert_string_equal(p.buf, "/b/c.html");
    assert_string_equal(q.buf, "n=3");
    strbuf_reset(&p);
    assert_int_equal(farm_http_target("http://www.x.gov.cn", &p, &q), 0);
    assert_string_equal(p.buf, "/");
    strbuf_reset(&p);
    assert_int_equal(farm_http_target("/a%2/b%zz%", &p, &q), 0); /* bad escapes kept as is */
    assert_string_equal(p.buf, "/a%2/b%zz%");
    strbuf_reset(&p);
    assert_int_equal(farm_http_target("/a/.../b..c/", &p, &q), 0);
    const char *bad[] = {"relative.html", "", "/a/../../etc/passwd", "/..", "/a/%2e%2e/b",
                         "/nul%00byte",   "*"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        strbuf_reset(&p);
        strbuf_reset(&q);
        assert_int_equal(farm_http_target(bad[i], &p, &q), SC_EINPUT);
    }
    strbuf_release(&p);
    strbuf_release(&q);
}

static void types_and_reasons(void **state)
{
    (void)state;
    struct strbuf t = STRBUF_INIT;
    farm_http_type("/a/index.html", "gbk", &t);
    assert_string_equal(t.buf, "text/html; charset=gbk");
    strbuf_reset(&t);
    farm_http_type("/a/index.HTML", "", &t);
    assert_string_equal(t.buf, "text/html");
    strbuf_reset(&t);
    farm_http_type("/x.pdf", "gbk", &t);
    assert_string_equal(t.buf, "application/pdf");
    strbuf_reset(&t);
    farm_http_type("/dir.d/noext", "utf-8", &t);
    assert_string_equal(t.buf, "application/octet-stream");
    strbuf_release(&t);
    assert_string_equal(farm_http_reason(410), "Gone");
    assert_string_equal(farm_http_reason(299), "Unknown");
}

static int conf_try(const char *dir, const char *json, struct farm_conf *c, struct sc_error *err)
{
    char path[512];
    snprintf(path, sizeof path, "%s/faults.json", dir);
    test_write_file(path, json, strlen(json));
    return farm_conf_load(dir, c, err);
}

static void conf_valid(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    struct farm_conf c;
    struct sc_error err = {""};
    const char *good =
        "{\"farm\": 1, \"stall_seconds\": 5, \"sites\": [\n"
        " {\"host\": \"www.a.gov.cn\", \"mode\": \"static\", \"root\": \"sites/www.a.gov.cn\","
        "  \"header_charset\": \"gbk\", \"flaky\": 0.25},\n"
        " {\"host\": \"down.gov.cn\", \"mode\": \"down\", \"root\": \"\", \"flaky\": 0},\n"
        " {\"host\": \"x\\u4e2dy.cn\", \"mode\": \"catchall\", \"root\": \"\"}],\n"
        " \"faults\": [{\"host\": \"WWW.A.GOV.CN\", \"path\": \"/r\", \"kind\": \"redirect\","
        "  \"status\": 301, \"location\": \"\\/s\"},\n"
        "  {\"host\": \"www.a.gov.cn\", \"path\": \"/g\", \"kind\": \"status\", \"status\": 410},\n"
        "  {\"host\": \"www.a.gov.cn\", \"path\": \"/d\", \"kind\": \"drip\"}]}\n";
    assert_int_equal(conf_try(dir, good, &c, &err), 0);
    assert_int_equal(c.nhosts, 3);
    assert_int_equal(c.stall_seconds, 5);
    struct farm_vhost *a = farm_conf_host(&c, "www.a.gov.cn");
    assert_non_null(a);
    assert_int_equal(a->mode, FARM_MODE_STATIC);
    assert_string_equal(a->header_charset, "gbk");
    assert_true(a->flaky > 0.24 && a->flaky < 0.26);
    assert_int_equal(a->nfaults, 3);
    assert_int_equal(a->faults[0].kind, FK_REDIRECT);
    assert_string_equal(a->faults[0].location, "/s");
    assert_int_equal(a->faults[1].status, 410);
    assert_int_equal(a->faults[2].kind, FK_DRIP);
    assert_int_equal(farm_conf_host(&c, "down.gov.cn")->mode, FARM_MODE_DOWN);
    assert_int_equal(farm_conf_host(&c, "x中y.cn")->mode, FARM_MODE_CATCHALL);
    assert_null(farm_conf_host(&c, "nosuch.gov.cn"));
    farm_conf_free(&c);
    test_tmpdir_remove(dir);
}

static void conf_errors(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    struct farm_conf c;
    struct sc_error err = {""};
    /* no file at all */
    assert_int_equal(farm_conf_load(dir, &c, &err), SC_EINPUT);
    const char *site = "{\"host\":\"a.cn\",\"mode\":\"static\",\"root\":\"sites/a.cn\"}";
    char deep[200] = "";
    for (int i = 0; i < 40; i++)
        strcat(deep, "[");
    const char *bad[] = {
        "",
        "[]",
        "{\"sites\": [",
        "{\"sites\": []} trailing",
        "{\"sites\": [{\"host\": \"a.cn\", \"mode\": \"static\", \"root\": \"sites/a.cn\"}],}",
        "{\"sites\": [{\"host\": \"a\\q\"}]}",
        "{\"sites\": [{\"host\": \"a\\u12\"}]}",
        "{\"sites\": [{\"host\": \"a\\u0000\"}]}",
        "{\"sites\": [{\"host\": \"unterminated}]}",
        "{\"sites\": [{\"host\": \"\", \"mode\": \"static\", \"root\": \"r\"}]}",
        "{\"sites\": [{\"host\": \"a.cn\", \"mode\": \"static\", \"root\": \"../etc\"}]}",
        "{\"sites\": [{\"host\": \"a.cn\", \"mode\": \"static\"}]}",
        "{\"sites\": [{\"host\": \"a.cn\", \"mode\": \"static\", \"root\": \"r\", \"flaky\": 1e}]}",
        "{\"sites\": 3}",
        deep,
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err.msg[0] = 0;
        assert_int_equal(conf_try(dir, bad[i], &c, &err), SC_EINPUT);
        assert_true(err.msg[0] != 0);
        assert_int_equal(c.nhosts, 0);
    }
    const char *bad_faults[] = {
        "{\"host\":\"b.cn\",\"path\":\"/x\",\"kind\":\"status\",\"status\":404}",
        "{\"host\":\"a.cn\",\"path\":\"x\",\"kind\":\"status\",\"status\":404}",
        "{\"host\":\"a.cn\",\"path\":\"/x\",\"kind\":\"explode\"}",
        "{\"host\":\"a.cn\",\"path\":\"/x\",\"kind\":\"status\",\"status\":200}",
        "{\"host\":\"a.cn\",\"path\":\"/x\",\"kind\":\"redirect\",\"status\":302}",
        "{\"host\":\"a.cn\",\"path\":\"/x\",\"kind\":\"redirect\",\"status\":200,\"location\":\"/"
        "y\"}",
    };
    for (size_t i = 0; i < sizeof bad_faults / sizeof bad_faults[0]; i++) {
        char json[1024];
        snprintf(json, sizeof json, "{\"sites\": [%s], \"faults\": [%s]}", site, bad_faults[i]);
        assert_int_equal(conf_try(dir, json, &c, &err), SC_EINPUT);
        assert_int_equal(c.nhosts, 0);
    }
    test_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_complete_and_partial),
        cmocka_unit_test(request_malformed),
        cmocka_unit_test(target_decoding),
        cmocka_unit_test(types_and_reasons),
        cmocka_unit_test(conf_valid),
        cmocka_unit_test(conf_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

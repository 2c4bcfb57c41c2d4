/* test_url: URL joining and normalisation through curl_url (probes/net/url.h). */
#include "testutil.h"

#include "probes/net/url.h"
#include "probes/net/url_cache.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static void expect(const char *base, const char *ref, int status, const char *want)
{
    char *out = NULL;
    int st = url_resolve(base, ref, &out);
    if (st != status)
        fail_msg("%s + '%s': status %d, want %d", base ? base : "-", ref, st, status);
    if (want) {
        assert_non_null(out);
        assert_string_equal(out, want);
    } else {
        assert_null(out);
    }
    free(out);
}

static void test_normal_form(void **state)
{
    (void)state;
    const char *b = "http://www.a.gov.cn/xxgk/tzgg/index.html";
    expect(NULL, "HTTP://WWW.A.GOV.CN:80/a/./b/../c.html#top", URL_OK,
           "http://www.a.gov.cn/a/c.html");
    expect(NULL, "https://www.a.gov.cn:443", URL_OK, "https://www.a.gov.cn/");
    expect(NULL, "http://www.a.gov.cn:8080/x", URL_OK, "http://www.a.gov.cn:8080/x");
    expect(b, "../zcfg/", URL_OK, "http://www.a.gov.cn/xxgk/zcfg/");
    expect(b, "/新闻/通知.html", URL_OK,
           "http://www.a.gov.cn/%e6%96%b0%e9%97%bb/%e9%80%9a%e7%9f%a5.html");
    /* Already-encoded lower-case escapes give the same string. */
    expect(b, "/%E6%96%B0%e9%97%bb/%E9%80%9a%E7%9F%a5.html", URL_OK,
           "http://www.a.gov.cn/%e6%96%b0%e9%97%bb/%e9%80%9a%e7%9f%a5.html");
    expect(b, "  \n/a b.html\t ", URL_OK, "http://www.a.gov.cn/a%20b.html");
    expect(b, "?page=2", URL_OK, "http://www.a.gov.cn/xxgk/tzgg/index.html?page=2");
    expect(b, "//cdn.Example.com/x.js", URL_OK, "http://cdn.example.com/x.js");
    expect(b, "/s?q=中文", URL_OK, "http://www.a.gov.cn/s?q=%e4%b8%ad%e6%96%87");
    expect(b, "/s?q=%E4%B8%AD%E6%96%87", URL_OK, "http://www.a.gov.cn/s?q=%e4%b8%ad%e6%96%87");
}

static void test_special_references(void **state)
{
    (void)state;
    const char *b = "http://www.a.gov.cn/";
    expect(b, "mailto:office@a.gov.cn", URL_SKIP, NULL);
    expect(b, "tel:12345", URL_SKIP, NULL);
    expect(b, "javascript:void(0)", URL_SKIP, NULL);
    expect(b, " JavaScript:go()", URL_SKIP, NULL);
    expect(b, "data:image/png;base64,AAAA", URL_SKIP, NULL);
    expect(b, "ftp://files.a.gov.cn/x", URL_SKIP, NULL);
    expect(b, "", URL_SAME_PAGE, NULL);
    expect(b, "#main", URL_SAME_PAGE, NULL);
    expect(b, "   ", URL_SAME_PAGE, NULL);
    expect(b, "http://a b/", URL_BAD, NULL);
    /* An absurdly long href is not a URL anyone can follow: bad (curl failed it as
     * out of memory, which the crawler reported as a suspected link, error "oom"). */
    size_t n = 3u << 20;
    char *huge = malloc(n + 2);
    assert_non_null(huge);
    huge[0] = '/';
    memset(huge + 1, 'A', n);
    huge[n + 1] = '\0';
    expect(b, huge, URL_BAD, NULL);
    size_t cut = URL_MAX_LENGTH - (strlen(b) - 1); /* "http://www.a.gov.cn" + cut bytes */
    huge[cut] = '\0';                              /* the longest accepted: exactly the limit */
    char *out = NULL;
    assert_int_equal(url_resolve(b, huge, &out), URL_OK);
    assert_int_equal(strlen(out), URL_MAX_LENGTH);
    free(out);
    huge[cut] = 'A';
    huge[cut + 1] = '\0'; /* one byte more */
    expect(b, huge, URL_BAD, NULL);
    free(huge);
    expect(b, "http://", URL_BAD, NULL);
    expect(NULL, "/relative/without/base", URL_BAD, NULL);
}

static void test_host_helpers(void **state)
{
    (void)state;
    char *host = NULL;
    int port = 0;
    assert_int_equal(url_host_port("http://www.a.gov.cn/x", &host, &port), 0);
    assert_string_equal(host, "www.a.gov.cn");
    assert_int_equal(port, 80);
    free(host);
    assert_int_equal(url_host_port("https://x.cn:8443/", &host, &port), 0);
    assert_int_equal(port, 8443);
    free(host);
    assert_int_equal(url_host_port("not a url", &host, &port), SC_EINPUT);
    assert_null(host);
    char *o = url_origin("https://www.a.gov.cn/a/b?c#d");
    assert_string_equal(o, "https://www.a.gov.cn");
    free(o);
    o = url_origin("http://www.a.gov.cn:81/a");
    assert_string_equal(o, "http://www.a.gov.cn:81");
    free(o);
    assert_true(url_host_is_ip("127.0.0.1"));
    assert_true(url_host_is_ip("[::1]"));
    assert_true(url_host_is_ip("::1"));
    assert_false(url_host_is_ip("www.a.gov.cn"));
    assert_false(url_host_is_ip("[nonsense]"));
}

/* The per-thread cache must give exactly what curl gives, per origin, and survive being
 * filled past its bound. */
static void test_base_and_cache(void **state)
{
    (void)state;
    struct url_base *a = NULL, *b = NULL;
    assert_int_equal(url_base_new("http://www.a.gov.cn/x/y.html", &a), URL_OK);
    assert_int_equal(url_base_new("https://WWW.B.gov.cn:8443/z/", &b), URL_OK);
    const char *refs[] = {"/p/1.html",       " /新闻/a b.html", "/a/../c/./d?q=%E4",
                          "http://X.cn:80/", "rel.html",        "//cdn.cn/x"};
    for (int round = 0; round < 2; round++) { /* the second round is served by the cache */
        for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
            char *want = NULL, *got = NULL;
            assert_int_equal(url_resolve("http://www.a.gov.cn/x/y.html", refs[i], &want), URL_OK);
            assert_int_equal(url_resolve_base(a, refs[i], &got), URL_OK);
            assert_string_equal(got, want);
            free(want);
            free(got);
            assert_int_equal(url_resolve("https://WWW.B.gov.cn:8443/z/", refs[i], &want), URL_OK);
            assert_int_equal(url_resolve_base(b, refs[i], &got), URL_OK);
            assert_string_equal(got, want);
            free(want);
            free(got);
        }
    }
    char *got = NULL;
    assert_int_equal(url_resolve_base(a, "/p/1.html", &got), URL_OK);
    assert_string_equal(got, "http://www.a.gov.cn/p/1.html");
    free(got);
    assert_int_equal(url_resolve_base(b, "/p/1.html", &got), URL_OK);
    assert_string_equal(got, "https://www.b.gov.cn:8443/p/1.html");
    free(got);
    assert_non_null(url_cache_get("http://www.a.gov.cn", "/p/1.html"));
    assert_true(url_cache_eligible("  /x"));
    assert_false(url_cache_eligible("//cdn.cn/x"));
    assert_false(url_cache_eligible("x.html"));
    /* Past the bound the cache empties itself and keeps answering correctly. */
    for (int i = 0; i < URL_CACHE_MAX + 100; i++) {
        char ref[32];
        snprintf(ref, sizeof ref, "/n/%d.html", i);
        assert_int_equal(url_resolve_base(a, ref, &got), URL_OK);
        assert_non_null(strstr(got, ref));
        free(got);
    }
    assert_null(url_cache_get("http://www.a.gov.cn", "/n/0.html"));
    assert_int_equal(url_resolve_base(a, "mailto:x@y", &got), URL_SKIP);
    url_base_free(a);
    url_base_free(b);
    assert_int_equal(url_base_new("not a url", &a), URL_BAD);
    assert_null(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_form),
        cmocka_unit_test(test_special_references),
        cmocka_unit_test(test_host_helpers),
        cmocka_unit_test(test_base_and_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_crawl: the crawler on two local sites: breadth-first crawl within scope, each URL
 * fetched once per run (shared across sites), classification (404, soft 404 by phrase and
 * by fingerprint, dns, HEAD refused, redirects to good pages, dot segments, fragments,
 * Chinese paths), limits, unreachable sites, the content-probe hooks, and the redirect
 * chain each link record carries (to a 404, a loop, an endless chain, a 503) into the
 * JSON and text output. */
#include "testutil.h"
#include "crawl_httpd.h"

#include "probes/verdict/check_output.h"
#include "probes/net/crawl.h"

static void redirect_to(struct httpd_response *r, int status, const char *location)
{
    r->status = status;
    strbuf_addf(&r->headers, "Location: %s\r\n", location);
}

/* www.d.gov.cn: redirect chains. */
static void redirect_handler(const char *path, struct httpd_response *r)
{
    int n;
    char loc[128];
    if (strcmp(path, "/") == 0) {
        httpd_html(r, "<title>D</title>"
                      "<a href=\"/chain/start.html\">三跳到404</a>"
                      "<a href=\"/loop/a.html\">循环</a>"
                      "<a href=\"/endless/go.html\">无尽</a>"
                      "<a href=\"/busy/old.html\">忙</a>"
                      "<a href=\"/moved.html\">搬家</a>"
                      "<a href=\"/plain-missing.html\">直接404</a>");
    } else if (strcmp(path, "/chain/start.html") == 0) {
        redirect_to(r, 301, "/chain/hop1.html");
    } else if (strcmp(path, "/chain/hop1.html") == 0) {
        redirect_to(r, 302, "http://www.d.gov.cn/chain/./hop2.html"); /* normalised */
    } else if (strcmp(path, "/chain/hop2.html") == 0) {
        redirect_to(r, 307, "/新闻/gone.html"); /* raw UTF-8: percent-encoded */
    } else if (strcmp(path, "/loop/a.html") == 0) {
        redirect_to(r, 302, "/loop/b.html");
    } else if (strcmp(path, "/loop/b.html") == 0) {
        redirect_to(r, 302, "/loop/a.html");
    } else if (strcmp(path, "/endless/go.html") == 0) {
        redirect_to(r, 302, "/endless/go.html?n=1");
    } else if (sscanf(path, "/endless/go.html?n=%d", &n) == 1) {
        snprintf(loc, sizeof loc, "/endless/go.html?n=%d", n + 1);
        redirect_to(r, 302, loc);
    } else if (strcmp(path, "/busy/old.html") == 0) {
        redirect_to(r, 302, "/busy/now.html");
    } else if (strcmp(path, "/busy/now.html") == 0) {
        r->status = 503;
    } else if (strcmp(path, "/moved.html") == 0) {
        redirect_to(r, 301, "/list.html");
    } else if (strcmp(path, "/list.html") == 0) {
        httpd_html(r, "<title>列表</title><p>正常内容</p>");
    } else {
        r->status = 404;
        httpd_html(r, "<title>404</title>");
    }
}

static void handler(const char *method, const char *host, const char *path, int count,
                    struct httpd_response *r)
{
    (void)count;
    if (strcmp(host, "www.a.gov.cn") == 0) {
        if (strcmp(path, "/") == 0) {
            httpd_html(r, "<html><head><title>A市人民政府</title></head><body>"
                          "<a href=\"/list1/\">通知公告</a> <a href=\"/list2/\">政务动态</a>"
                          "<a href=\"/missing.html\">失效链接</a>"
                          "<a href=\"/doc.pdf\">附件</a> <a href=\"/head405.pdf\">附件2</a>"
                          "<a href=\"http://ext.example.com/\">外部</a>"
                          "<a href=\"mailto:office@a.gov.cn\">信箱</a>"
                          "<a href=\"/新闻/1.html\">中文路径</a>"
                          "<a href=\"/a/../list1/#top\">同一页</a>"
                          "<a href=\"/soft-gone.html\">软404</a>"
                          "<a href=\"/redirect-good\">跳转</a>"
                          "<img src=\"/img/broken.png\" alt=\"坏图\">"
                          "<a href=\"http://www.b.gov.cn/\">B</a>"
                          "</body></html>");
        } else if (strcmp(path, "/list1/") == 0) {
            httpd_html(r, "<title>通知公告</title><a href=\"a.html\">一</a>"
                          "<a href=\"/deep/\">深</a><a href=\"/missing.html\">又失效</a>");
        } else if (strcmp(path, "/list2/") == 0 || strcmp(path, "/list1/a.html") == 0 ||
                   strcmp(path, "/hidden/list.html") == 0) {
            httpd_html(r, "<title>页</title><p>内容</p>");
        } else if (strcmp(path, "/deep/") == 0) {
            httpd_html(r, "<title>深</title><a href=\"/deeper/\">更深</a>");
        } else if (strcmp(path, "/deeper/") == 0) {
            httpd_html(r, "<title>更深</title>");
        } else if (strcmp(path, "/%e6%96%b0%e9%97%bb/1.html") == 0) {
            httpd_html(r, "<title>新闻</title>");
        } else if (strcmp(path, "/doc.pdf") == 0) {
            strbuf_adds(&r->headers, "Content-Type: application/pdf\r\n");
            strbuf_adds(&r->body, "%PDF-1.4");
        } else if (strcmp(path, "/head405.pdf") == 0) {
            if (strcmp(method, "HEAD") == 0)
                r->status = 405;
            else
                strbuf_adds(&r->body, "%PDF-1.4");
        } else if (strcmp(path, "/soft-gone.html") == 0) {
            httpd_html(r, "<title>提示</title><body>对不起，您访问的页面不存在！</body>");
        } else if (strcmp(path, "/redirect-good") == 0) {
            r->status = 301;
            strbuf_adds(&r->headers, "Location: /list2/\r\n");
        } else {
            r->status = 404;
            httpd_html(r, "<title>404</title>");
        }
    } else if (strcmp(host, "www.b.gov.cn") == 0) {
        if (strcmp(path, "/") == 0) {
            httpd_html(r, "<title>B县人民政府</title><a href=\"/exists.html\">在</a>"
                          "<a href=\"/gone.html\">不在</a>"
                          "<a href=\"http://www.a.gov.cn/missing.html\">A的失效链接</a>");
        } else if (strcmp(path, "/exists.html") == 0) {
            httpd_html(r, "<title>正常页面</title><p>这是一个正常的页面，内容很多。</p>");
        } else {
            /* A soft-404 site: no phrase the list knows, only its fingerprint. */
            struct strbuf b = STRBUF_INIT;
            strbuf_addf(&b, "<title>B县人民政府</title><p>抱歉，您要找的内容已经不在了。%s</p>",
                        path);
            httpd_html(r, b.buf);
            strbuf_release(&b);
        }
    } else if (strcmp(host, "c.gov.cn") == 0) {
        r->status = 301; /* the bare domain sends everything to www */
        strbuf_addf(&r->headers, "Location: http://www.c.gov.cn%s\r\n", path);
    } else if (strcmp(host, "www.c.gov.cn") == 0) {
        if (strcmp(path, "/") == 0)
            httpd_html(r, "<title>C</title><a href=\"/in.html\">in</a>"
                          "<a href=\"/private/x.html\">excluded</a>"
                          "<a href=\"http://docs.c.gov.cn/d.html\">docs</a>");
        else if (strcmp(path, "/in.html") == 0)
            httpd_html(r, "<title>in</title><a href=\"/gone.html\">gone</a>");
        else {
            r->status = 404;
            httpd_html(r, "<title>404</title>");
        }
    } else if (strcmp(host, "docs.c.gov.cn") == 0) {
        if (strcmp(path, "/d.html") == 0)
            httpd_html(r, "<title>docs</title><a href=\"/missing-doc.html\">x</a>");
        else
            r->status = 404;
    } else if (strcmp(host, "www.d.gov.cn") == 0) {
        redirect_handler(path, r);
    } else if (strcmp(host, "www.e.gov.cn") == 0 && strcmp(path, "/") == 0) {
        httpd_html(r, "<title>E</title>"
                      "<a href=\"http://www.d.gov.cn/chain/start.html\">D的跳转</a>"
                      "<a href=\"http://www.d.gov.cn/loop/a.html\">D的循环</a>");
    } else {
        r->status = 500;
    }
}

static struct httpd *srv;
static char map_a[128], map_b[128], map_c[128];
static char *maps[3] = {map_a, map_b, map_c};

static int setup(void **state)
{
    (void)state;
    srv = httpd_start(handler);
    snprintf(map_a, sizeof map_a, "www.a.gov.cn:80:127.0.0.1:%d", srv->port);
    snprintf(map_b, sizeof map_b, "www.b.gov.cn:80:127.0.0.1:%d", srv->port);
    snprintf(map_c, sizeof map_c, "::127.0.0.1:%d", srv->port); /* every other host */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    httpd_stop(srv);
    return 0;
}

static void options(struct crawl_options *o)
{
    crawl_options_default(o);
    o->fetch.connect_to = maps;
    o->fetch.nconnect_to = 2; /* www.a and www.b only; tests that need more say so */
    o->fetch.no_dns = 1;
    o->fetch.delay_ms = 0;
    o->fetch.per_host = 4;
    o->fetch.retry_base_ms = 20;
}

static const struct link_record *link_of(const struct site_report *r, const char *url)
{
    for (size_t i = 0; i < r->nlinks; i++)
        if (strcmp(r->links[i].url, url) == 0)
            return &r->links[i];
    return NULL;
}

struct observed {
    int pages, homepages, depth1, sites_done, wanted_seen, links_at_done;
    int max_depth_seen;
};

static int on_page(const struct crawl_page *p, struct site_report *r, void *user)
{
    struct observed *o = user;
    o->pages++;
    assert_non_null(p->doc);
    assert_non_null(p->html);
    assert_true(strlen(p->html) == p->html_len);
    if (p->depth > o->max_depth_seen)
        o->max_depth_seen = p->depth;
    if (p->is_homepage) {
        o->homepages++;
        assert_int_equal(p->depth, 0);
        assert_int_equal(p->status, 200);
        if (strstr(p->url, "www.a.gov.cn")) {
            assert_int_equal(crawl_site_want(p->site, "/hidden/list.html"), 0);
            assert_int_equal(crawl_site_want(p->site, "mailto:x@y"), SC_EINPUT);
        }
        r->homepage_analysed = 1; /* a content probe may write the report */
    }
    if (p->depth == 1)
        o->depth1++;
    if (strstr(p->url, "/hidden/list.html"))
        o->wanted_seen++;
    return 0;
}

static int on_site_done(struct site_report *r, void *user)
{
    struct observed *o = user;
    o->sites_done++;
    o->links_at_done += (int)r->nlinks;
    return 0;
}

static void test_two_sites(void **state)
{
    (void)state;
    struct crawl_options o;
    options(&o);
    o.max_depth = 2;
    struct observed seen = {0};
    struct crawl_hooks hooks = {on_page, on_site_done, &seen, NULL};
    const char *urls[] = {"http://WWW.A.GOV.CN", "http://www.b.gov.cn/", "http://www.c.gov.cn/"};
    struct site_report r[3];
    struct sc_error err;
    assert_int_equal(crawl_run(urls, 3, &o, &hooks, r, &err), 0);

    /* Site A */
    assert_true(r[0].reachable);
    const struct link_record *l = link_of(&r[0], "http://www.a.gov.cn/missing.html");
    assert_non_null(l);
    assert_int_equal(l->result, LINK_BROKEN);
    assert_int_equal(l->status, 404);
    assert_string_equal(l->error, "http_status");
    assert_string_equal(l->found_on, "http://www.a.gov.cn/");
    assert_string_equal(l->anchor, "失效链接");
    assert_true(l->on_homepage);
    l = link_of(&r[0], "http://www.a.gov.cn/img/broken.png");
    assert_non_null(l);
    assert_int_equal(l->result, LINK_BROKEN);
    assert_string_equal(l->anchor, "坏图");
    l = link_of(&r[0], "http://ext.example.com/");
    assert_non_null(l);
    assert_int_equal(l->result, LINK_BROKEN);
    assert_string_equal(l->error, "dns");
    l = link_of(&r[0], "http://www.a.gov.cn/soft-gone.html");
    assert_non_null(l);
    assert_string_equal(l->error, "soft_404");
    assert_int_equal(l->status, 200);
    /* Traps: none of these may be reported. */
    assert_null(link_of(&r[0], "http://www.a.gov.cn/head405.pdf"));
    assert_null(link_of(&r[0], "http://www.a.gov.cn/doc.pdf"));
    assert_null(link_of(&r[0], "http://www.a.gov.cn/redirect-good"));
    assert_null(link_of(&r[0], "http://www.a.gov.cn/%e6%96%b0%e9%97%bb/1.html"));
    assert_null(link_of(&r[0], "http://www.a.gov.cn/list1/"));
    assert_null(link_of(&r[0], "mailto:office@a.gov.cn"));
    assert_int_equal(r[0].nlinks, 4);
    assert_true(check_site_failed(&r[0]));
    /* Depth 2 crawls /deep/ but not /deeper/ (checked only). */
    assert_int_equal(httpd_requests(srv, "GET", "www.a.gov.cn", "/deep/"), 1);
    assert_int_equal(httpd_requests(srv, "GET", "www.a.gov.cn", "/deeper/"), 0);
    assert_int_equal(httpd_requests(srv, "HEAD", "www.a.gov.cn", "/deeper/"), 1);
    /* /, list1, list2, list1/a.html, deep, 新闻/1.html, hidden/list.html */
    assert_int_equal(r[0].pages_crawled, 7);
    assert_true(r[0].links_checked >= 14);

    /* Each URL once per run: /missing.html is linked three times from two sites; fetched
     * once as A's page (GET), or, when B's check comes first, once checked (HEAD, then GET
     * because HEAD said 404) and not fetched again. */
    assert_in_range(httpd_requests(srv, NULL, "www.a.gov.cn", "/missing.html"), 1, 2);
    assert_in_range(httpd_requests(srv, "GET", "www.a.gov.cn", "/missing.html"), 1, 1);
    assert_int_equal(httpd_requests(srv, NULL, "www.a.gov.cn", "/list1/"), 1);
    assert_int_equal(httpd_requests(srv, "HEAD", "www.a.gov.cn", "/head405.pdf"), 1);
    assert_int_equal(httpd_requests(srv, "GET", "www.a.gov.cn", "/head405.pdf"), 1);
    /* www.b.gov.cn/ is both a site of the run and a link of A: fetched once. */
    assert_int_equal(httpd_requests(srv, "GET", "www.b.gov.cn", "/"), 1);

    /* Site B: the soft 404 known only by its fingerprint, and A's broken link shared. */
    assert_true(r[1].reachable);
    l = link_of(&r[1], "http://www.b.gov.cn/gone.html");
    assert_non_null(l);
    assert_string_equal(l->error, "soft_404");
    assert_null(link_of(&r[1], "http://www.b.gov.cn/exists.html"));
    l = link_of(&r[1], "http://www.a.gov.cn/missing.html");
    assert_non_null(l);
    assert_int_equal(l->result, LINK_BROKEN);
    assert_string_equal(l->found_on, "http://www.b.gov.cn/");

    /* Site C cannot be resolved (--no-dns): unreachable, a finding. */
    assert_false(r[2].reachable);
    assert_string_equal(r[2].unreachable_error, "dns");
    assert_true(check_site_failed(&r[2]));

    /* Hooks */
    assert_int_equal(seen.homepages, 2);
    assert_int_equal(seen.pages, r[0].pages_crawled + r[1].pages_crawled);
    assert_true(seen.depth1 >= 3);
    assert_int_equal(seen.wanted_seen, 1);
    assert_int_equal(seen.sites_done, 3);
    assert_int_equal(seen.links_at_done, (int)(r[0].nlinks + r[1].nlinks + r[2].nlinks));
    assert_true(r[0].homepage_analysed);

    /* The JSON document carries it all and is escaped. */
    struct strbuf js = STRBUF_INIT;
    assert_int_equal(check_output_json(r, 3, &js), 0);
    assert_non_null(strstr(js.buf, "\"result\": \"broken\""));
    assert_non_null(strstr(js.buf, "\"error\": \"soft_404\""));
    assert_non_null(strstr(js.buf, "\"verdict\": null"));
    struct strbuf tx = STRBUF_INIT;
    assert_int_equal(check_output_text(r, 3, &tx), 0);
    assert_non_null(strstr(tx.buf, "UNREACHABLE (dns)"));
    assert_non_null(strstr(tx.buf, "missing.html"));
    strbuf_release(&js);
    strbuf_release(&tx);
    for (int i = 0; i < 3; i++)
        site_report_free(&r[i]);
}

static void test_limits_and_all_links(void **state)
{
    (void)state;
    struct crawl_options o;
    options(&o);
    o.max_pages = 2;
    o.all_links = 1;
    o.check_external = 0;
    const char *urls[] = {"http://www.a.gov.cn/", "not a url"};
    struct site_report r[2];
    struct sc_error err;
    assert_int_equal(crawl_run(urls, 2, &o, NULL, r, &err), 0);
    assert_int_equal(r[0].pages_crawled, 2);
    /* --all-links: working links too, and skipped ones with their reason. */
    const struct link_record *l = link_of(&r[0], "http://www.a.gov.cn/doc.pdf");
    assert_non_null(l);
    assert_int_equal(l->result, LINK_OK);
    assert_null(l->error);
    l = link_of(&r[0], "mailto:office@a.gov.cn");
    assert_non_null(l);
    assert_int_equal(l->result, LINK_SKIPPED);
    assert_string_equal(l->error, "scheme");
    l = link_of(&r[0], "http://ext.example.com/");
    assert_non_null(l);
    assert_int_equal(l->result, LINK_SKIPPED);
    assert_string_equal(l->error, "external");
    assert_false(r[1].reachable);
    assert_string_equal(r[1].unreachable_error, "bad_url");
    for (int i = 0; i < 2; i++)
        site_report_free(&r[i]);

    /* Past max_links, links are skipped ("limit"), not checked. */
    o.max_links = 1;
    assert_int_equal(crawl_run(urls, 1, &o, NULL, r, &err), 0);
    int limited = 0;
    for (size_t i = 0; i < r[0].nlinks; i++) {
        if (r[0].links[i].error && strcmp(r[0].links[i].error, "limit") == 0) {
            assert_int_equal(r[0].links[i].result, LINK_SKIPPED);
            limited++;
        }
    }
    assert_true(limited >= 3);
    site_report_free(&r[0]);
}

static void test_private_refused(void **state)
{
    (void)state;
    struct crawl_options o;
    options(&o);
    o.fetch.nconnect_to = 0; /* 127.0.0.1 is then not allowed by a mapping */
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", srv->port);
    const char *urls[] = {url};
    struct site_report r[1];
    struct sc_error err;
    assert_int_equal(crawl_run(urls, 1, &o, NULL, r, &err), 0);
    assert_false(r[0].reachable);
    assert_string_equal(r[0].unreachable_error, "private_address");
    site_report_free(&r[0]);
}

/* The homepage redirects to another host, which joins the scope; --exclude and
 * --scope-host. */
static void test_scope_and_excludes(void **state)
{
    (void)state;
    struct crawl_options o;
    options(&o);
    o.fetch.nconnect_to = 3;
    char *excl[] = {"/private/"};
    char *extra[] = {"docs.c.gov.cn"};
    o.excludes = excl;
    o.nexcludes = 1;
    o.all_links = 1;
    const char *urls[] = {"http://c.gov.cn/"};
    struct site_report r[1];
    struct sc_error err;
    assert_int_equal(crawl_run(urls, 1, &o, NULL, r, &err), 0);
    assert_true(r[0].reachable);
    assert_int_equal(r[0].pages_crawled, 2); /* www.c.gov.cn/ and /in.html */
    const struct link_record *l = link_of(&r[0], "http://www.c.gov.cn/gone.html");
    assert_non_null(l);
    assert_int_equal(l->result, LINK_BROKEN);
    assert_string_equal(l->found_on, "http://www.c.gov.cn/in.html");
    l = link_of(&r[0], "http://www.c.gov.cn/private/x.html");
    assert_non_null(l);
    assert_int_equal(l->result, LINK_SKIPPED);
    assert_string_equal(l->error, "excluded");
    assert_int_equal(httpd_requests(srv, NULL, "www.c.gov.cn", "/private/x.html"), 0);
    /* docs.c.gov.cn is another host: checked (ok), not crawled. */
    l = link_of(&r[0], "http://docs.c.gov.cn/d.html");
    assert_int_equal(l->result, LINK_OK);
    assert_null(link_of(&r[0], "http://docs.c.gov.cn/missing-doc.html"));
    site_report_free(&r[0]);

    /* With --scope-host it is crawled, and its broken link found. */
    o.extra_hosts = extra;
    o.nextra_hosts = 1;
    assert_int_equal(crawl_run(urls, 1, &o, NULL, r, &err), 0);
    assert_int_equal(r[0].pages_crawled, 3);
    l = link_of(&r[0], "http://docs.c.gov.cn/missing-doc.html");
    assert_non_null(l);
    assert_int_equal(l->result, LINK_BROKEN);
    site_report_free(&r[0]);
}

/* Asserts that l carries exactly the hops given (NULL-terminated). */
static void assert_hops(const struct link_record *l, const char *const *hops)
{
    assert_non_null(l);
    size_t n = 0;
    while (hops[n])
        n++;
    assert_int_equal(l->nredirects, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(l->redirects[i], hops[i]);
}

#define D "http://www.d.gov.cn"

/* The redirect chain of every link, shared by every site that links to the URL, in the
 * records and in both outputs. */
static void test_redirect_chains(void **state)
{
    (void)state;
    struct crawl_options o;
    options(&o);
    o.fetch.nconnect_to = 3; /* www.d and www.e through the catch-all mapping */
    o.fetch.max_redirects = 3;
    o.all_links = 1;
    const char *urls[] = {D "/", "http://www.e.gov.cn/"};
    struct site_report r[2];
    struct sc_error err;
    assert_int_equal(crawl_run(urls, 2, &o, NULL, r, &err), 0);
    assert_true(r[0].reachable);
    assert_true(r[1].reachable);

    static const char *const to404[] = {D "/chain/hop1.html", D "/chain/hop2.html",
                                        D "/%e6%96%b0%e9%97%bb/gone.html", NULL};
    static const char *const loop[] = {D "/loop/b.html", NULL};
    static const char *const endless[] = {D "/endless/go.html?n=1", D "/endless/go.html?n=2",
                                          D "/endless/go.html?n=3", NULL};
    static const char *const busy[] = {D "/busy/now.html", NULL};
    static const char *const moved[] = {D "/list.html", NULL};
    static const char *const none[] = {NULL};

    /* A chain to a 404: every hop, in order, the last one the final URL. */
    const struct link_record *l = link_of(&r[0], D "/chain/start.html");
    assert_hops(l, to404);
    assert_int_equal(l->result, LINK_BROKEN);
    assert_int_equal(l->status, 404);
    assert_string_equal(l->final_url, to404[2]);
    /* A loop: the hops up to the URL that repeats. */
    l = link_of(&r[0], D "/loop/a.html");
    assert_hops(l, loop);
    assert_int_equal(l->result, LINK_BROKEN);
    assert_string_equal(l->error, "redirect_loop");
    /* An endless chain: exactly max_redirects hops. */
    l = link_of(&r[0], D "/endless/go.html");
    assert_hops(l, endless);
    assert_string_equal(l->error, "too_many_redirects");
    /* Suspected (503 after the retries), redirected on the way. */
    l = link_of(&r[0], D "/busy/old.html");
    assert_hops(l, busy);
    assert_int_equal(l->result, LINK_SUSPECTED);
    assert_int_equal(l->status, 503);
    /* A working redirect (listed with --all-links) and links without any redirect. */
    l = link_of(&r[0], D "/moved.html");
    assert_hops(l, moved);
    assert_int_equal(l->result, LINK_OK);
    l = link_of(&r[0], D "/plain-missing.html");
    assert_hops(l, none);
    assert_null(l->redirects);
    assert_int_equal(l->result, LINK_BROKEN);

    /* Site E checks two of D's URLs (HEAD): the one result per URL, chain included, is
     * copied into its records too; each URL fetched once in the run. */
    assert_hops(link_of(&r[1], D "/chain/start.html"), to404);
    assert_hops(link_of(&r[1], D "/loop/a.html"), loop);
    assert_ptr_not_equal(link_of(&r[1], D "/loop/a.html")->redirects,
                         link_of(&r[0], D "/loop/a.html")->redirects);
    assert_int_equal(httpd_requests(srv, NULL, "www.d.gov.cn", "/chain/start.html"), 1);
    assert_int_equal(httpd_requests(srv, NULL, "www.d.gov.cn", "/loop/a.html"), 1);

    /* JSON: "redirects" on a redirected link only. */
    struct strbuf js = STRBUF_INIT, tx = STRBUF_INIT;
    assert_int_equal(check_output_json(r, 2, &js), 0);
    const char *p = strstr(js.buf, "\"url\": \"" D "/chain/start.html\"");
    assert_non_null(p);
    const char *end = strchr(p, '}');
    const char *rd = strstr(p, "\"redirects\": [");
    assert_true(rd && rd < end);
    const char *h1 = strstr(rd, to404[0]), *h2 = strstr(rd, to404[1]), *h3 = strstr(rd, to404[2]);
    assert_true(h1 && h2 && h3 && h1 < h2 && h2 < h3 && h3 < end);
    p = strstr(js.buf, "\"url\": \"" D "/plain-missing.html\"");
    assert_non_null(p);
    rd = strstr(p, "\"redirects\"");
    assert_true(!rd || rd > strchr(p, '}'));
    /* Text: a "via" line under each redirected broken or suspected link. */
    assert_int_equal(check_output_text(r, 2, &tx), 0);
    assert_non_null(strstr(tx.buf, "via " D "/chain/hop1.html → " D "/chain/hop2.html → " D
                                   "/%e6%96%b0%e9%97%bb/gone.html\n"));
    assert_non_null(strstr(tx.buf, "via " D "/loop/b.html\n"));
    assert_non_null(strstr(tx.buf, "via " D "/busy/now.html\n"));
    assert_null(strstr(tx.buf, "via " D "/list.html")); /* working: "redirected to" */
    assert_non_null(strstr(tx.buf, "redirected to " D "/list.html"));
    strbuf_release(&js);
    strbuf_release(&tx);
    for (int i = 0; i < 2; i++)
        site_report_free(&r[i]);
}

/* What a hop holds reaches both outputs escaped. */
static void test_redirect_output_escaped(void **state)
{
    (void)state;
    struct site_report r;
    site_report_init(&r, "http://www.x.gov.cn/");
    r.reachable = 1;
    struct link_record *l = site_report_add_link(&r);
    assert_non_null(l);
    l->url = strdup("http://www.x.gov.cn/a");
    l->found_on = strdup("http://www.x.gov.cn/");
    l->result = LINK_BROKEN;
    l->status = 404;
    l->error = strdup("http_status");
    l->final_url = strdup("http://www.x.gov.cn/b\"\x1b[31m");
    l->redirects = calloc(2, sizeof *l->redirects);
    assert_non_null(l->redirects);
    l->redirects[0] = strdup("http://www.x.gov.cn/\xff");
    l->redirects[1] = strdup("http://www.x.gov.cn/b\"\x1b[31m");
    l->nredirects = 2;
    struct strbuf js = STRBUF_INIT, tx = STRBUF_INIT;
    assert_int_equal(check_output_json(&r, 1, &js), 0);
    assert_non_null(strstr(js.buf, "http://www.x.gov.cn/b\\\"\\u001b[31m"));
    assert_null(strchr(js.buf, '\x1b'));
    assert_int_equal(check_output_text(&r, 1, &tx), 0);
    assert_non_null(strstr(tx.buf, "via http://www.x.gov.cn/\xEF\xBF\xBD → "
                                   "http://www.x.gov.cn/b\"?[31m\n"));
    assert_null(strchr(tx.buf, '\x1b'));
    strbuf_release(&js);
    strbuf_release(&tx);
    site_report_free(&r); /* frees the chain too (ASan/LSan would say otherwise) */
}

static void test_helpers(void **state)
{
    (void)state;
    assert_true(crawl_url_is_attachment("http://a/x.PDF"));
    assert_true(crawl_url_is_attachment("http://a/x.docx?download=1"));
    assert_false(crawl_url_is_attachment("http://a/x.html"));
    assert_false(crawl_url_is_attachment("http://a/pdf"));
    assert_false(crawl_url_is_attachment("http://a/dir.pdf/"));
    assert_int_equal(crawl_classify(200, NULL), LINK_OK);
    assert_int_equal(crawl_classify(404, "http_status"), LINK_BROKEN);
    assert_int_equal(crawl_classify(503, "http_status"), LINK_SUSPECTED);
    assert_int_equal(crawl_classify(429, "http_status"), LINK_SUSPECTED);
    assert_int_equal(crawl_classify(0, "timeout"), LINK_SUSPECTED);
    assert_int_equal(crawl_classify(0, "dns"), LINK_BROKEN);
    assert_int_equal(crawl_classify(0, "redirect_loop"), LINK_BROKEN);
    assert_int_equal(crawl_classify(0, "scheme"), LINK_SKIPPED);
    assert_int_equal(crawl_classify(0, "private_address"), LINK_SKIPPED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_helpers),
        cmocka_unit_test(test_two_sites),
        cmocka_unit_test(test_limits_and_all_links),
        cmocka_unit_test(test_private_refused),
        cmocka_unit_test(test_scope_and_excludes),
        cmocka_unit_test(test_redirect_chains),
        cmocka_unit_test(test_redirect_output_escaped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_crawl_edge: the corners of a crawl on the caller's loop (probes/net/crawl.h): URLs
 * shared by sites of which one fails, a site handed over as soon as what it refers to is
 * settled, crawls with no site or only bad URLs, a loop run with UV_RUN_ONCE and
 * UV_RUN_NOWAIT, a crawl started from another's done, crawl_cancel at every moment (the
 * soft-404 probe, the homepage, from site_finished, from progress, after the last site),
 * and crawl_site_want on a site that is over. Each callback exactly once. Run it in the
 * Sanitize build too: a use-after-free there is a failure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "crawl_httpd.h"
#include "probes/net/crawl.h"

#define MAXS 4
#define B_PAGES 15 /* www.b.gov.cn/b/: list pages that wait behind the shared page limit */

static void handler(const char *method, const char *host, const char *path, int count,
                    struct httpd_response *r)
{
    (void)method;
    (void)count;
    int n;
    if (strcmp(host, "ext.gov.cn") == 0) {
        if (strcmp(path, "/slow404.html") == 0) {
            r->sleep_ms = 700;
            r->status = 404;
            httpd_html(r, "<title>404</title>");
        } else if (strcmp(path, "/slow.html") == 0) {
            r->sleep_ms = 1000;
            httpd_html(r, "<title>ext</title>");
        } else {
            r->status = 404;
        }
    } else if (strcmp(host, "www.fail.gov.cn") == 0 || strcmp(host, "www.wait.gov.cn") == 0) {
        /* homepages that come late, so www.own.gov.cn queues the shared link first */
        if (strcmp(path, "/") == 0) {
            r->sleep_ms = 300;
            httpd_html(r, "<title>X</title><a href=\"http://ext.gov.cn/slow404.html\">x</a>");
        } else {
            r->status = 404;
        }
    } else if (strcmp(host, "www.own.gov.cn") == 0) {
        if (strcmp(path, "/") == 0)
            httpd_html(r, "<title>O</title><a href=\"http://ext.gov.cn/slow404.html\">x</a>"
                          "<a href=\"http://ext.gov.cn/slow.html\">s</a>"
                          "<a href=\"/long.html\">long</a>");
        else if (strcmp(path, "/long.html") == 0) {
            r->sleep_ms = 2500;
            httpd_html(r, "<title>long</title>");
        } else
            r->status = 404;
    } else if (strcmp(host, "www.quick.gov.cn") == 0) {
        if (strcmp(path, "/") == 0) {
            r->sleep_ms = 200;
            httpd_html(r, "<title>Q</title><a href=\"http://ext.gov.cn/slow.html\">s</a>");
        } else
            r->status = 404;
    } else if (strcmp(host, "www.b.gov.cn") == 0) {
        /* /b/ (a failing site) and / (a site on the same host) share /shared.html */
        if (strcmp(path, "/b/") == 0) {
            struct strbuf b = STRBUF_INIT;
            strbuf_adds(&b, "<title>B</title>");
            for (int i = 0; i < B_PAGES; i++)
                strbuf_addf(&b, "<a href=\"/b/%d.html\">%d</a>", i, i);
            strbuf_adds(&b, "<a href=\"/shared.html\">shared</a>");
            httpd_html(r, b.buf);
            strbuf_release(&b);
        } else if (strcmp(path, "/") == 0) {
            r->sleep_ms = 400;
            httpd_html(r, "<title>A</title><a href=\"/shared.html\">shared</a>");
        } else if (sscanf(path, "/b/%d.html", &n) == 1) {
            r->sleep_ms = 50;
            httpd_html(r, "<title>b</title>");
        } else if (strcmp(path, "/shared.html") == 0) {
            httpd_html(r, "<title>shared</title>");
        } else {
            r->status = 404;
        }
    } else if (strcmp(host, "www.x.gov.cn") == 0) {
        if (strcmp(path, "/") == 0) {
            r->sleep_ms = 100;
            httpd_html(r, "<title>X</title><a href=\"http://www.b.gov.cn/shared.html\">b</a>");
        } else
            r->status = 404;
    } else if (strcmp(host, "www.w.gov.cn") == 0) {
        /* /w/ (a failing site) and / (a site on the same host) both link /slowpage.html,
         * which www.y.gov.cn's check of it is fetching */
        if (strcmp(path, "/w/") == 0) {
            r->sleep_ms = 100;
            httpd_html(r, "<title>W</title><a href=\"/slowpage.html\">p</a>");
        } else if (strcmp(path, "/") == 0) {
            r->sleep_ms = 300;
            httpd_html(r, "<title>W</title><a href=\"/slowpage.html\">p</a>");
        } else if (strcmp(path, "/slowpage.html") == 0) {
            r->sleep_ms = 800;
            httpd_html(r, "<title>slow page</title>");
        } else
            r->status = 404;
    } else if (strcmp(host, "www.y.gov.cn") == 0) {
        if (strcmp(path, "/") == 0)
            httpd_html(r, "<title>Y</title><a href=\"http://www.w.gov.cn/slowpage.html\">w</a>");
        else
            r->status = 404;
    } else if (strcmp(host, "www.g2.gov.cn") == 0) {
        /* its homepage links 12 slow pages, then www.h2.gov.cn/ (in scope: extra_hosts) */
        if (strcmp(path, "/") == 0) {
            struct strbuf b = STRBUF_INIT;
            strbuf_adds(&b, "<title>G2</title>");
            for (int i = 0; i < 12; i++)
                strbuf_addf(&b, "<a href=\"/s/%d.html\">%d</a>", i, i);
            strbuf_adds(&b, "<a href=\"http://www.h2.gov.cn/\">h2</a>");
            httpd_html(r, b.buf);
            strbuf_release(&b);
        } else if (sscanf(path, "/s/%d.html", &n) == 1) {
            r->sleep_ms = 500;
            httpd_html(r, "<title>s</title>");
        } else
            r->status = 404;
    } else if (strcmp(host, "www.h2.gov.cn") == 0) {
        if (strncmp(path, "/spotcheck-404-", 15) == 0) {
            r->sleep_ms = 800; /* its homepage starts while g2's link to it waits */
            r->status = 404;
        } else if (strcmp(path, "/") == 0)
            httpd_html(r, "<title>H2</title>");
        else
            r->status = 404;
    } else if (strcmp(host, "www.g3.gov.cn") == 0) {
        /* its homepage links 12 slow pages; the first links /deep.html (depth 2) */
        if (strcmp(path, "/") == 0) {
            struct strbuf b = STRBUF_INIT;
            strbuf_adds(&b, "<title>G3</title>");
            for (int i = 0; i < 12; i++)
                strbuf_addf(&b, "<a href=\"/s/%d.html\">%d</a>", i, i);
            httpd_html(r, b.buf);
            strbuf_release(&b);
        } else if (sscanf(path, "/s/%d.html", &n) == 1) {
            r->sleep_ms = 500;
            httpd_html(r, n == 0 ? "<title>s</title><a href=\"/deep.html\">deep</a>"
                                 : "<title>s</title>");
        } else if (strcmp(path, "/deep.html") == 0) {
            httpd_html(r, "<title>deep</title>");
        } else
            r->status = 404;
    } else if (strcmp(host, "www.h3.gov.cn") == 0) {
        if (strcmp(path, "/") == 0) {
            r->sleep_ms = 1000; /* comes while g3's /deep.html waits */
            httpd_html(r, "<title>H3</title><a href=\"http://www.g3.gov.cn/deep.html\">g3</a>");
        } else
            r->status = 404;
    } else if (strcmp(host, "www.slowprobe.gov.cn") == 0) {
        if (strncmp(path, "/spotcheck-404-", 15) == 0)
            r->sleep_ms = 2000;
        r->status = 404;
    } else if (strcmp(host, "www.slowhome.gov.cn") == 0) {
        if (strcmp(path, "/") == 0) {
            r->sleep_ms = 2000;
            httpd_html(r, "<title>H</title>");
        } else
            r->status = 404;
    } else if (strcmp(host, "www.g.gov.cn") == 0) {
        if (strcmp(path, "/") == 0)
            httpd_html(r, "<title>G</title><a href=\"/a.html\">a</a><a href=\"/gone.html\">x</a>");
        else if (strcmp(path, "/a.html") == 0)
            httpd_html(r, "<title>a</title><a href=\"/slow.html\">b</a>");
        else if (strcmp(path, "/slow.html") == 0) {
            r->sleep_ms = 1500;
            httpd_html(r, "<title>slow</title>");
        } else {
            r->status = 404;
            httpd_html(r, "<title>404</title>");
        }
    } else {
        r->status = 404;
    }
}

static struct httpd *srv;
static char map_all[128];
static char *maps[1] = {map_all};

static int setup(void **state)
{
    (void)state;
    srv = httpd_start(handler);
    snprintf(map_all, sizeof map_all, "::127.0.0.1:%d", srv->port);
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
    o->fetch.nconnect_to = 1;
    o->fetch.no_dns = 1;
    o->fetch.delay_ms = 0;
    o->fetch.per_host = 32;
    o->fetch.concurrency = 32;
    o->fetch.retry_base_ms = 20;
    o->fetch.timeout_ms = 20000;
}

/* What a crawl's callbacks saw, and what they are asked to do. */
struct seen {
    uv_loop_t *loop;
    struct crawl *crawl;
    uint64_t t0;
    int finished[MAXS];
    int status[MAXS];
    uint64_t finished_at[MAXS]; /* ms after the start */
    int done, done_status;
    int pages, judged, progress_calls;
    int fail_site;                  /* the page hook returns SC_ENOMEM at this site's homepage */
    const char *fail_url;           /* ... and at a page whose URL contains this */
    int cancel_in_finished;         /* crawl_cancel from site_finished of this site + 1 */
    int cancel_in_progress;         /* crawl_cancel from the progress callback */
    int cancel_twice;               /* crawl_cancel twice wherever it is called */
    int want_stale;                 /* the page hook calls crawl_site_want on a finished site */
    struct crawl_site *sites[MAXS]; /* page->site, kept by the hook */
    int want_rc;
    const char *depth_of; /* the depth site 0's page hook sees for this URL */
    int depth_seen;
    int restart;       /* done starts another crawl (the follow-up below) */
    struct seen *next; /* the follow-up crawl's */
    const char *const *next_urls;
    size_t next_n;
    struct site_report *next_reports;
};

static void cancel(struct seen *s)
{
    crawl_cancel(s->crawl);
    if (s->cancel_twice)
        crawl_cancel(s->crawl);
}

static int on_page(const struct crawl_page *p, struct site_report *r, void *user)
{
    struct seen *s = user;
    (void)r;
    s->pages++;
    if (s->depth_of && strcmp(p->url, s->depth_of) == 0 && p->site_index == 0)
        s->depth_seen = p->depth;
    assert_true(p->site_index < MAXS);
    s->sites[p->site_index] = p->site;
    if (s->want_stale) {
        for (size_t i = 0; i < MAXS; i++)
            if (i != p->site_index && s->sites[i] && s->finished[i])
                s->want_rc = crawl_site_want(s->sites[i], "/later.html");
    }
    if (p->is_homepage && (int)p->site_index == s->fail_site)
        return SC_ENOMEM;
    if (s->fail_url && strstr(p->url, s->fail_url))
        return SC_ENOMEM;
    return 0;
}

static int on_site_done(struct site_report *r, void *user)
{
    struct seen *s = user;
    (void)r;
    s->judged++;
    return 0;
}

static void on_site_finished(struct crawl *c, size_t index, struct site_report *r, int status,
                             void *user)
{
    struct seen *s = user;
    assert_ptr_equal(c, s->crawl);
    assert_true(index < MAXS);
    assert_int_equal(s->done, 0);
    assert_non_null(r->url);
    s->finished[index]++;
    s->status[index] = status;
    s->finished_at[index] = uv_now(s->loop) - s->t0;
    if (s->cancel_in_finished == (int)index + 1)
        cancel(s);
}

static void on_done(struct crawl *c, int status, void *user);

static void on_progress(const struct crawl_progress *p, void *user)
{
    struct seen *s = user;
    assert_int_equal(s->done, 0);
    assert_true(p->sites_done <= p->sites);
    s->progress_calls++;
    if (s->cancel_in_progress)
        cancel(s);
}

static void seen_init(struct seen *s, uv_loop_t *loop)
{
    memset(s, 0, sizeof *s);
    s->loop = loop;
    s->fail_site = -1;
    s->t0 = uv_now(loop);
}

static int start(struct seen *s, const char *const *urls, size_t n, const struct crawl_options *o,
                 struct site_report *r)
{
    struct crawl_hooks h = {on_page, on_site_done, s, NULL};
    struct crawl_callbacks cbs = {on_site_finished, on_done, on_progress, s};
    struct sc_error err;
    s->t0 = uv_now(s->loop);
    return crawl_start(s->loop, urls, n, o, &h, &cbs, r, &s->crawl, &err);
}

static void on_done(struct crawl *c, int status, void *user)
{
    struct seen *s = user;
    assert_ptr_equal(c, s->crawl);
    s->done++;
    s->done_status = status;
    if (s->restart) {
        struct crawl_options o;
        options(&o);
        assert_int_equal(start(s->next, s->next_urls, s->next_n, &o, s->next_reports), 0);
    }
}

static const struct link_record *link_of(const struct site_report *r, const char *url)
{
    for (size_t i = 0; i < r->nlinks; i++)
        if (strcmp(r->links[i].url, url) == 0)
            return &r->links[i];
    return NULL;
}

static void reports_free(struct site_report *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        site_report_free(&r[i]);
}

/* ---- URLs shared with a site that fails ---- */

/* www.own.gov.cn checks ext.gov.cn/slow404.html; www.fail.gov.cn and www.wait.gov.cn link
 * it too, later. fail runs out of memory (its page hook says so) while the check is still
 * running: wait must still get the check's own result (404), not a "cancelled" that the
 * failed site left in the shared entry. */
static void test_shared_check_site_fails(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    const char *urls[] = {"http://www.fail.gov.cn/", "http://www.wait.gov.cn/",
                          "http://www.own.gov.cn/"};
    struct site_report r[3];
    struct seen s;
    seen_init(&s, &loop);
    s.fail_site = 0;
    assert_int_equal(start(&s, urls, 3, &o, r), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    for (int i = 0; i < 3; i++)
        assert_int_equal(s.finished[i], 1);
    assert_int_equal(s.status[0], SC_ENOMEM);
    assert_int_equal(s.status[1], 0);
    assert_int_equal(s.status[2], 0);
    const struct link_record *l = link_of(&r[1], "http://ext.gov.cn/slow404.html");
    assert_non_null(l);
    assert_int_equal(l->result, LINK_BROKEN);
    assert_int_equal(l->status, 404);
    assert_string_equal(l->error, "http_status");
    l = link_of(&r[2], "http://ext.gov.cn/slow404.html");
    assert_non_null(l);
    assert_int_equal(l->status, 404);
    assert_int_equal(uv_loop_close(&loop), 0);
    reports_free(r, 3);
}

/* www.b.gov.cn/b/ queues 15 list pages and /shared.html, then runs out of memory; the
 * site www.b.gov.cn/ links /shared.html too, after b queued it (its homepage comes late).
 * b's waiting pages are dropped; the other site must still get /shared.html fetched and
 * crawled, not a link "cancelled" that nobody fetched. b fails at its homepage (before
 * the other site finds /shared.html) or at /b/0.html (after). */
static void shared_page_site_fails(const char *fail_url)
{
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    o.fetch.concurrency = 1; /* 9 pages in flight at most: the rest wait */
    const char *urls[] = {"http://www.b.gov.cn/b/", "http://www.b.gov.cn/"};
    struct site_report r[2];
    struct seen s;
    seen_init(&s, &loop);
    if (fail_url)
        s.fail_url = fail_url;
    else
        s.fail_site = 0;
    int before = httpd_requests(srv, "GET", "www.b.gov.cn", "/shared.html");
    assert_int_equal(start(&s, urls, 2, &o, r), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.finished[0], 1);
    assert_int_equal(s.finished[1], 1);
    assert_int_equal(s.status[0], SC_ENOMEM);
    assert_int_equal(s.status[1], 0);
    assert_null(link_of(&r[1], "http://www.b.gov.cn/shared.html"));
    assert_int_equal(r[1].pages_crawled, 2); /* its homepage and /shared.html */
    assert_int_equal(httpd_requests(srv, "GET", "www.b.gov.cn", "/shared.html"), before + 1);
    assert_int_equal(uv_loop_close(&loop), 0);
    reports_free(r, 2);
}

static void test_shared_page_site_fails(void **state)
{
    (void)state;
    shared_page_site_fails(NULL);
    shared_page_site_fails("/b/0.html");
}

/* The same, but the other site (www.x.gov.cn) links /shared.html as an external link:
 * once b/ stopped, it is checked for x. */
static void test_shared_page_site_fails_external(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    o.fetch.concurrency = 2; /* x's homepage and b/'s pages side by side; 10 pages in flight */
    o.all_links = 1;
    const char *urls[] = {"http://www.b.gov.cn/b/", "http://www.x.gov.cn/"};
    struct site_report r[2];
    struct seen s;
    seen_init(&s, &loop);
    s.fail_url = "/b/3.html"; /* after x found the link b/ queued, before b/ fetched it */
    assert_int_equal(start(&s, urls, 2, &o, r), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.status[0], SC_ENOMEM);
    assert_int_equal(s.status[1], 0);
    const struct link_record *l = link_of(&r[1], "http://www.b.gov.cn/shared.html");
    assert_non_null(l);
    assert_null(l->error);
    assert_int_equal(l->result, LINK_OK);
    assert_int_equal(l->status, 200);
    assert_int_equal(uv_loop_close(&loop), 0);
    reports_free(r, 2);
}

/* www.y.gov.cn checks www.w.gov.cn/slowpage.html (an external link for it); while the
 * check runs, www.w.gov.cn/w/ finds it as a page to crawl once the check says it is fine,
 * then www.w.gov.cn/ finds it too; then w/ runs out of memory. When the check ends, the
 * page is crawled for www.w.gov.cn/. */
static void test_wanted_page_site_fails(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    const char *urls[] = {"http://www.y.gov.cn/", "http://www.w.gov.cn/w/", "http://www.w.gov.cn/"};
    struct site_report r[3];
    struct seen s;
    seen_init(&s, &loop);
    s.fail_site = 1;
    assert_int_equal(start(&s, urls, 3, &o, r), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.status[0], 0);
    assert_int_equal(s.status[1], SC_ENOMEM);
    assert_int_equal(s.status[2], 0);
    assert_int_equal(httpd_requests(srv, "HEAD", "www.w.gov.cn", "/slowpage.html"), 1);
    assert_int_equal(r[2].pages_crawled, 2); /* its homepage and /slowpage.html */
    assert_int_equal(httpd_requests(srv, "GET", "www.w.gov.cn", "/slowpage.html"), 1);
    assert_int_equal(uv_loop_close(&loop), 0);
    reports_free(r, 3);
}

/* ---- depths ---- */

/* www.g2.gov.cn links www.h2.gov.cn/ (in its scope) at depth 1, behind 12 slow pages, so
 * the page waits; meanwhile the site www.h2.gov.cn/ starts with that page as its homepage.
 * For g2 it is still a depth-1 page: its hook sees depth 1 and its links are at depth 2. */
static void test_other_sites_homepage_keeps_depth(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    o.fetch.concurrency = 2; /* 10 pages in flight: the link to h2 waits */
    char *extra[] = {"www.h2.gov.cn"};
    o.extra_hosts = extra;
    o.nextra_hosts = 1;
    const char *urls[] = {"http://www.g2.gov.cn/", "http://www.h2.gov.cn/"};
    struct site_report r[2];
    struct seen s;
    seen_init(&s, &loop);
    s.depth_of = "http://www.h2.gov.cn/";
    s.depth_seen = -1;
    assert_int_equal(start(&s, urls, 2, &o, r), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.status[0], 0);
    assert_int_equal(s.status[1], 0);
    assert_int_equal(s.depth_seen, 1);
    assert_int_equal(uv_loop_close(&loop), 0);
    reports_free(r, 2);
}

/* www.g3.gov.cn's /deep.html (depth 2, found on /s/0.html) waits behind slow pages; the
 * site www.h3.gov.cn links it from its homepage (depth 1 for h3, an external link there).
 * For g3 it stays a depth-2 page: the depth another site found it at is not g3's. */
static void test_other_sites_link_keeps_depth(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    o.fetch.concurrency = 2; /* 10 pages in flight: /deep.html waits */
    const char *urls[] = {"http://www.g3.gov.cn/", "http://www.h3.gov.cn/"};
    struct site_report r[2];
    struct seen s;
    seen_init(&s, &loop);
    s.depth_of = "http://www.g3.gov.cn/deep.html";
    s.depth_seen = -1;
    assert_int_equal(start(&s, urls, 2, &o, r), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.status[0], 0);
    assert_int_equal(s.status[1], 0);
    assert_int_equal(s.depth_seen, 2);
    assert_int_equal(uv_loop_close(&loop), 0);
    reports_free(r, 2);
}

/* ---- handed over as soon as it is settled ---- */

/* www.own.gov.cn checks ext.gov.cn/slow.html (1 s) and crawls its /long.html (2.5 s);
 * www.quick.gov.cn only links ext.gov.cn/slow.html, found after own queued it. quick is
 * finished once that check is done, not when own's last page is. */
static void test_site_finishes_when_settled(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    const char *urls[] = {"http://www.own.gov.cn/", "http://www.quick.gov.cn/"};
    struct site_report r[2];
    struct seen s;
    seen_init(&s, &loop);
    assert_int_equal(start(&s, urls, 2, &o, r), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.finished[0], 1);
    assert_int_equal(s.finished[1], 1);
    assert_int_equal(s.status[0], 0);
    assert_int_equal(s.status[1], 0);
    assert_true(s.finished_at[0] >= 2400);
    assert_true(s.finished_at[1] < 2000);
    assert_int_equal(uv_loop_close(&loop), 0);
    reports_free(r, 2);
}

/* ---- no sites, bad sites ---- */

static void test_no_sites_and_bad_urls(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    struct seen s;
    seen_init(&s, &loop);
    struct site_report none[1];
    assert_int_equal(start(&s, NULL, 0, &o, none), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.done_status, 0);

    const char *bad[] = {"ftp://x/", "not a url", "javascript:alert(1)"};
    struct site_report r[3];
    seen_init(&s, &loop);
    assert_int_equal(start(&s, bad, 3, &o, r), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.done_status, 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s.finished[i], 1);
        assert_int_equal(s.status[i], 0);
        assert_false(r[i].reachable);
        assert_string_equal(r[i].unreachable_error, "bad_url");
    }
    assert_int_equal(s.judged, 3);
    reports_free(r, 3);

    /* cancelled before the loop ran: a bad URL still finished (nothing to stop) or is
     * cancelled, but once */
    seen_init(&s, &loop);
    assert_int_equal(start(&s, bad, 1, &o, r), 0);
    crawl_cancel(s.crawl);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.finished[0], 1);
    reports_free(r, 1);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* ---- the caller runs the loop its own way ---- */

static void test_run_once_and_nowait(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    const char *urls[] = {"http://www.g.gov.cn/"};
    struct site_report r[1];
    struct seen s;
    for (int mode = 0; mode < 2; mode++) {
        seen_init(&s, &loop);
        assert_int_equal(start(&s, urls, 1, &o, r), 0);
        uint64_t t0 = uv_now(&loop);
        int turns = 0;
        while (!s.done && uv_now(&loop) - t0 < 10000) {
            uv_run(&loop, mode ? UV_RUN_NOWAIT : UV_RUN_ONCE);
            uv_update_time(&loop);
            turns++;
        }
        assert_true(turns > 1);
        assert_int_equal(s.done, 1);
        assert_int_equal(s.status[0], 0);
        assert_int_equal(r[0].pages_crawled, 3);
        /* done came last: nothing of the crawl is left on the loop */
        assert_int_equal(uv_run(&loop, UV_RUN_NOWAIT), 0);
        reports_free(r, 1);
    }
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* A second crawl started from the first one's done, on the same loop. */
static void test_start_from_done(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    const char *urls[] = {"http://www.g.gov.cn/"};
    struct site_report r1[1], r2[1];
    struct seen s1, s2;
    seen_init(&s1, &loop);
    seen_init(&s2, &loop);
    s1.restart = 1;
    s1.next = &s2;
    s1.next_urls = urls;
    s1.next_n = 1;
    s1.next_reports = r2;
    assert_int_equal(start(&s1, urls, 1, &o, r1), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s1.done, 1);
    assert_int_equal(s2.done, 1);
    assert_int_equal(s2.finished[0], 1);
    assert_int_equal(s2.status[0], 0);
    assert_int_equal(r2[0].pages_crawled, 3);
    assert_int_equal(uv_loop_close(&loop), 0);
    reports_free(r1, 1);
    reports_free(r2, 1);
}

/* ---- cancelling at every moment ---- */

struct timed_cancel {
    uv_timer_t t;
    struct seen *s;
};

static void on_cancel_timer(uv_timer_t *t)
{
    struct timed_cancel *tc = t->data;
    if (!tc->s->done)
        cancel(tc->s);
}

/* Cancels url's crawl after ms; checks every callback came once, with SC_ECANCELED, soon. */
static void cancel_after(const char *url, uint64_t ms, int twice)
{
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    const char *urls[] = {url};
    struct site_report r[1];
    struct seen s;
    seen_init(&s, &loop);
    s.cancel_twice = twice;
    struct timed_cancel tc;
    tc.s = &s;
    uv_timer_init(&loop, &tc.t);
    tc.t.data = &tc;
    assert_int_equal(start(&s, urls, 1, &o, r), 0);
    uv_timer_start(&tc.t, on_cancel_timer, ms, 0);
    uint64_t t0 = uv_now(&loop);
    while (!s.done)
        uv_run(&loop, UV_RUN_ONCE);
    uv_update_time(&loop);
    assert_true(uv_now(&loop) - t0 < 1500); /* the 2 s answer was not waited for */
    assert_int_equal(s.done, 1);
    assert_int_equal(s.done_status, SC_ECANCELED);
    assert_int_equal(s.finished[0], 1);
    assert_int_equal(s.status[0], SC_ECANCELED);
    assert_int_equal(s.judged, 0);
    uv_close((uv_handle_t *)&tc.t, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    reports_free(r, 1);
}

static void test_cancel_during_probe(void **state)
{
    (void)state;
    cancel_after("http://www.slowprobe.gov.cn/", 300, 0);
    cancel_after("http://www.slowprobe.gov.cn/", 300, 1);
}

static void test_cancel_during_homepage(void **state)
{
    (void)state;
    cancel_after("http://www.slowhome.gov.cn/", 300, 0);
    cancel_after("http://www.slowhome.gov.cn/", 300, 1);
}

/* From site_finished: of the first site while the second runs (it is cancelled), and of
 * the last site (nothing left to stop: the crawl finished, done says 0). */
static void test_cancel_from_site_finished(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    const char *urls[] = {"ftp://bad/", "http://www.slowhome.gov.cn/"};
    struct site_report r[2];
    struct seen s;
    seen_init(&s, &loop);
    s.cancel_in_finished = 1;
    s.cancel_twice = 1;
    assert_int_equal(start(&s, urls, 2, &o, r), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.done_status, SC_ECANCELED);
    assert_int_equal(s.finished[0], 1);
    assert_int_equal(s.status[0], 0);
    assert_int_equal(s.finished[1], 1);
    assert_int_equal(s.status[1], SC_ECANCELED);
    assert_true(uv_now(&loop) - s.t0 < 1500);
    reports_free(r, 2);

    const char *one[] = {"http://www.g.gov.cn/"};
    seen_init(&s, &loop);
    s.cancel_in_finished = 1;
    assert_int_equal(start(&s, one, 1, &o, r), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.done_status, 0);
    assert_int_equal(s.finished[0], 1);
    assert_int_equal(s.status[0], 0);
    assert_int_equal(r[0].pages_crawled, 3);
    reports_free(r, 1);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* From the progress callback (the slow homepage keeps the crawl going past 200 ms). */
static void test_cancel_from_progress(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    const char *urls[] = {"http://www.g.gov.cn/", "http://www.slowhome.gov.cn/"};
    struct site_report r[2];
    struct seen s;
    seen_init(&s, &loop);
    s.cancel_in_progress = 1;
    s.cancel_twice = 1;
    assert_int_equal(start(&s, urls, 2, &o, r), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_true(s.progress_calls >= 1);
    assert_int_equal(s.finished[0], 1);
    assert_int_equal(s.finished[1], 1);
    assert_int_equal(s.status[1], SC_ECANCELED);
    assert_int_equal(s.done_status, SC_ECANCELED);
    reports_free(r, 2);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* ---- crawl_site_want on a site that is over ---- */

/* www.quick.gov.cn finishes after about 1.2 s; www.g.gov.cn's slow page comes at about
 * 1.5 s and its hook calls crawl_site_want with quick's site (kept from quick's homepage):
 * nothing is fetched, nothing breaks. */
static void test_want_after_site_finished(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    const char *urls[] = {"http://www.quick.gov.cn/", "http://www.g.gov.cn/"};
    struct site_report r[2];
    struct seen s;
    seen_init(&s, &loop);
    s.want_stale = 1;
    s.want_rc = 12345;
    assert_int_equal(start(&s, urls, 2, &o, r), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.finished[0], 1);
    assert_int_equal(s.finished[1], 1);
    assert_int_equal(s.status[1], 0);
    assert_int_not_equal(s.want_rc, 12345); /* it was called on the finished site */
    assert_int_equal(httpd_requests(srv, "GET", "www.quick.gov.cn", "/later.html"), 0);
    reports_free(r, 2);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_check_site_fails),
        cmocka_unit_test(test_shared_page_site_fails),
        cmocka_unit_test(test_shared_page_site_fails_external),
        cmocka_unit_test(test_wanted_page_site_fails),
        cmocka_unit_test(test_other_sites_homepage_keeps_depth),
        cmocka_unit_test(test_other_sites_link_keeps_depth),
        cmocka_unit_test(test_site_finishes_when_settled),
        cmocka_unit_test(test_no_sites_and_bad_urls),
        cmocka_unit_test(test_run_once_and_nowait),
        cmocka_unit_test(test_start_from_done),
        cmocka_unit_test(test_cancel_during_probe),
        cmocka_unit_test(test_cancel_during_homepage),
        cmocka_unit_test(test_cancel_from_site_finished),
        cmocka_unit_test(test_cancel_from_progress),
        cmocka_unit_test(test_want_after_site_finished),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_crawl_loop: crawls on a loop the caller owns (probes/net/crawl.h crawl_start and
 * crawl_cancel): cancelling with transfers in flight and parse jobs queued, two crawls on
 * one loop, a timer that keeps its time during a crawl, one site out of memory without
 * the others, every reachable page of a paged list crawled, and every callback exactly
 * once. Run it in the Sanitize build for the leak half of "nothing leaks". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "crawl_httpd.h"
#include "probes/net/crawl.h"

#define PAGED_LISTS 40 /* index.html, index_1.html ... index_39.html */
#define PAGED_ITEMS 5  /* articles on each list page */
#define WIDE_FAST 12   /* www.f.gov.cn: pages that answer at once ... */
#define WIDE_SLOW 8    /* ... and pages that answer after 3 s */

/* A CMS-style paged list: each page links the first, the previous, a window of two
 * neighbours on each side, the next and the last page, and its own articles. */
static void paged_list(const char *path, struct httpd_response *r)
{
    int page = -1;
    if (strcmp(path, "/tzgg/index.html") == 0)
        page = 0;
    else if (sscanf(path, "/tzgg/index_%d.html", &page) != 1 || page < 1 || page >= PAGED_LISTS)
        page = -1;
    struct strbuf b = STRBUF_INIT;
    if (page < 0) {
        int a, k;
        if (sscanf(path, "/tzgg/art_%d_%d.html", &a, &k) == 2) {
            strbuf_addf(&b, "<title>通知 %d-%d</title><p>正文</p><a href=\"index.html\">返回</a>",
                        a, k);
            httpd_html(r, b.buf);
        } else {
            r->status = 404;
            httpd_html(r, "<title>404</title>");
        }
        strbuf_release(&b);
        return;
    }
#define LIST_HREF(n)                                                                               \
    ((n) == 0 ? strbuf_adds(&b, "index.html") : strbuf_addf(&b, "index_%d.html", (n)))
    strbuf_adds(&b, "<title>通知公告</title><ul>");
    for (int k = 0; k < PAGED_ITEMS; k++)
        strbuf_addf(&b, "<li><a href=\"art_%d_%d.html\">通知</a> 2026-11-%02d</li>", page, k,
                    1 + k);
    strbuf_adds(&b, "</ul><div class=\"page\"><a href=\"");
    LIST_HREF(0);
    strbuf_adds(&b, "\">首页</a>");
    if (page > 0) {
        strbuf_adds(&b, "<a href=\"");
        LIST_HREF(page - 1);
        strbuf_adds(&b, "\">上一页</a>");
    }
    for (int n = page - 2; n <= page + 2; n++) {
        if (n < 0 || n >= PAGED_LISTS || n == page)
            continue;
        strbuf_adds(&b, "<a href=\"");
        LIST_HREF(n);
        strbuf_addf(&b, "\">%d</a>", n + 1);
    }
    if (page + 1 < PAGED_LISTS) {
        strbuf_adds(&b, "<a href=\"");
        LIST_HREF(page + 1);
        strbuf_adds(&b, "\">下一页</a>");
    }
    strbuf_adds(&b, "<a href=\"");
    LIST_HREF(PAGED_LISTS - 1);
    strbuf_adds(&b, "\">尾页</a></div>");
#undef LIST_HREF
    httpd_html(r, b.buf);
    strbuf_release(&b);
}

static void handler(const char *method, const char *host, const char *path, int count,
                    struct httpd_response *r)
{
    (void)method;
    (void)count;
    int n;
    if (strcmp(host, "www.p.gov.cn") == 0) {
        if (strcmp(path, "/") == 0)
            httpd_html(r, "<title>P</title><a href=\"/tzgg/index.html\">通知公告</a>"
                          "<a href=\"/tzgg/index_7.html\">第8页</a>");
        else
            paged_list(path, r);
    } else if (strcmp(host, "www.f.gov.cn") == 0) {
        if (strcmp(path, "/") == 0) {
            struct strbuf b = STRBUF_INIT;
            strbuf_adds(&b, "<title>F</title>");
            for (int i = 0; i < WIDE_FAST; i++)
                strbuf_addf(&b, "<a href=\"/fast/%d.html\">快</a>", i);
            for (int i = 0; i < WIDE_SLOW; i++)
                strbuf_addf(&b, "<a href=\"/slow/%d.html\">慢</a>", i);
            httpd_html(r, b.buf);
            strbuf_release(&b);
        } else if (sscanf(path, "/fast/%d.html", &n) == 1) {
            httpd_html(r, "<title>fast</title><a href=\"/fast/gone.html\">x</a>");
        } else if (sscanf(path, "/slow/%d.html", &n) == 1) {
            r->sleep_ms = 3000;
            httpd_html(r, "<title>slow</title>");
        } else {
            r->status = 404;
            httpd_html(r, "<title>404</title>");
        }
    } else if (strcmp(host, "www.g.gov.cn") == 0) {
        if (strcmp(path, "/") == 0)
            httpd_html(r, "<title>G</title><a href=\"/a.html\">a</a><a href=\"/gone.html\">x</a>");
        else if (strcmp(path, "/a.html") == 0)
            httpd_html(r, "<title>a</title><a href=\"/b.html\">b</a>");
        else if (strcmp(path, "/b.html") == 0)
            httpd_html(r, "<title>b</title><a href=\"/gone-too.html\">y</a>");
        else {
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

/* What a crawl's callbacks saw. */
struct seen {
    struct crawl *crawl;
    int finished[8]; /* site_finished calls per site */
    int status[8];   /* their status */
    int done;        /* done calls */
    int done_status;
    int pages;  /* page hook calls */
    int judged; /* site_done hook calls */
    int pages_after_cancel;
    int cancelled;
    int fail_site;      /* the page hook returns SC_ENOMEM for this site's homepage (-1: none) */
    int cancel_in_hook; /* the page hook cancels the crawl at the homepage */
};

static int on_page(const struct crawl_page *p, struct site_report *r, void *user)
{
    struct seen *s = user;
    (void)r;
    s->pages++;
    if (s->cancelled)
        s->pages_after_cancel++;
    if (p->is_homepage && (int)p->site_index == s->fail_site)
        return SC_ENOMEM;
    if (p->is_homepage && s->cancel_in_hook) {
        crawl_cancel(s->crawl);
        crawl_cancel(s->crawl); /* twice is fine */
        s->cancelled = 1;
    }
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
    assert_true(index < 8);
    assert_int_equal(s->done, 0); /* every site before done */
    s->finished[index]++;
    s->status[index] = status;
    assert_non_null(r->url);
}

static void on_done(struct crawl *c, int status, void *user)
{
    struct seen *s = user;
    assert_ptr_equal(c, s->crawl);
    s->done++;
    s->done_status = status;
}

static void seen_init(struct seen *s)
{
    memset(s, 0, sizeof *s);
    s->fail_site = -1;
}

static struct crawl_hooks hooks_for(struct seen *s)
{
    struct crawl_hooks h = {on_page, on_site_done, s, NULL};
    return h;
}

/* ---- cancelling ---- */

/* A work item that holds libuv's only pool thread (UV_THREADPOOL_SIZE=1, set in main) until
 * released, so the crawl's parse jobs queue behind it. */
static atomic_int plug_released;

static void plug_work(uv_work_t *w)
{
    (void)w;
    while (!atomic_load(&plug_released))
        uv_sleep(1);
}

static void plug_done(uv_work_t *w, int status)
{
    (void)status;
    free(w);
}

struct cancel_test {
    struct seen seen;
    uv_timer_t cancel_timer, release_timer;
    uint64_t cancelled_at;
    int plugged;
};

static int on_page_plug(const struct crawl_page *p, struct site_report *r, void *user)
{
    struct cancel_test *t = user;
    int rc = on_page(p, r, &t->seen);
    if (p->is_homepage && !t->plugged) {
        uv_work_t *w = calloc(1, sizeof *w);
        assert_non_null(w);
        atomic_store(&plug_released, 0);
        assert_int_equal(uv_queue_work(t->cancel_timer.loop, w, plug_work, plug_done), 0);
        t->plugged = 1;
    }
    return rc;
}

static int on_site_done_t(struct site_report *r, void *user)
{
    struct cancel_test *t = user;
    return on_site_done(r, &t->seen);
}

static void on_release(uv_timer_t *tm)
{
    (void)tm;
    atomic_store(&plug_released, 1);
}

static void on_cancel_timer(uv_timer_t *tm)
{
    struct cancel_test *t = tm->data;
    t->cancelled_at = uv_now(tm->loop);
    t->seen.cancelled = 1;
    crawl_cancel(t->seen.crawl);
    /* the queued parse jobs are taken off the pool at the crawl's next turn; then the pool
     * thread is let go, and a job that already started finishes on its own */
    uv_timer_start(&t->release_timer, on_release, 50, 0);
}

static void test_cancel_mid_crawl(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct cancel_test t;
    memset(&t, 0, sizeof t);
    seen_init(&t.seen);
    uv_timer_init(&loop, &t.cancel_timer);
    uv_timer_init(&loop, &t.release_timer);
    t.cancel_timer.data = t.release_timer.data = &t;
    struct crawl_options o;
    options(&o);
    const char *urls[] = {"http://www.f.gov.cn/", "http://www.g.gov.cn/"};
    struct site_report r[2];
    struct crawl_hooks h = {on_page_plug, on_site_done_t, &t, NULL};
    struct crawl_callbacks cbs = {on_site_finished, on_done, NULL, &t.seen};
    struct sc_error err;
    uint64_t t0 = uv_now(&loop);
    assert_int_equal(crawl_start(&loop, urls, 2, &o, &h, &cbs, r, &t.seen.crawl, &err), 0);
    assert_int_equal(t.seen.done, 0); /* nothing from inside crawl_start */
    uv_timer_start(&t.cancel_timer, on_cancel_timer, 600, 0);
    uv_run(&loop, UV_RUN_DEFAULT); /* would not return while a handle of the crawl is open */
    uv_update_time(&loop);
    uint64_t took = uv_now(&loop) - t0;

    assert_true(t.plugged);
    assert_int_equal(t.seen.done, 1);
    assert_int_equal(t.seen.done_status, SC_ECANCELED);
    assert_int_equal(t.seen.finished[0], 1);
    assert_int_equal(t.seen.status[0], SC_ECANCELED); /* slow pages were in flight */
    assert_int_equal(t.seen.finished[1], 1);
    assert_int_equal(t.seen.pages_after_cancel, 0); /* no hook once cancelled */
    /* The slow pages take 3 s; cancelling did not wait for them. */
    assert_true(took < 2500);
    assert_true(t.cancelled_at - t0 < 1500);
    /* the reports belong to the caller, with what was found before the cancel */
    assert_int_equal(r[0].judged, 0);
    assert_true(r[0].pages_crawled <= 1);
    uv_close((uv_handle_t *)&t.cancel_timer, NULL);
    uv_close((uv_handle_t *)&t.release_timer, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    for (int i = 0; i < 2; i++)
        site_report_free(&r[i]);
}

/* crawl_cancel from inside the page hook, and a crawl cancelled before its loop ran. */
static void test_cancel_from_hook_and_at_once(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    const char *urls[] = {"http://www.g.gov.cn/"};
    struct site_report r[1];
    struct seen s;
    seen_init(&s);
    s.cancel_in_hook = 1;
    struct crawl_hooks h = hooks_for(&s);
    struct crawl_callbacks cbs = {on_site_finished, on_done, NULL, &s};
    struct sc_error err;
    assert_int_equal(crawl_start(&loop, urls, 1, &o, &h, &cbs, r, &s.crawl, &err), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.done_status, SC_ECANCELED);
    assert_int_equal(s.finished[0], 1);
    assert_int_equal(s.status[0], SC_ECANCELED);
    assert_int_equal(s.judged, 0);
    assert_int_equal(s.pages, 1); /* the homepage, then nothing */
    site_report_free(&r[0]);

    seen_init(&s);
    h = hooks_for(&s);
    cbs.user = &s;
    assert_int_equal(crawl_start(&loop, urls, 1, &o, &h, &cbs, r, &s.crawl, &err), 0);
    crawl_cancel(s.crawl);
    assert_int_equal(s.done, 0); /* never from inside crawl_cancel */
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.finished[0], 1);
    assert_int_equal(s.status[0], SC_ECANCELED);
    assert_int_equal(s.pages, 0);
    site_report_free(&r[0]);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* ---- sharing the loop ---- */

struct ticker {
    uv_timer_t timer;
    uint64_t last, max_gap;
    int ticks;
    int crawls_left;
};

static void on_tick(uv_timer_t *t)
{
    struct ticker *k = t->data;
    uint64_t now = uv_now(t->loop);
    if (k->ticks > 0 && now - k->last > k->max_gap)
        k->max_gap = now - k->last;
    k->last = now;
    k->ticks++;
}

static struct ticker *the_ticker;

static void on_done_ticking(struct crawl *c, int status, void *user)
{
    on_done(c, status, user);
    if (--the_ticker->crawls_left == 0)
        uv_timer_stop(&the_ticker->timer);
}

static void test_two_crawls_and_a_timer(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct ticker k;
    memset(&k, 0, sizeof k);
    the_ticker = &k;
    k.crawls_left = 2;
    uv_timer_init(&loop, &k.timer);
    k.timer.data = &k;
    uv_timer_start(&k.timer, on_tick, 10, 10);

    struct crawl_options o;
    options(&o);
    o.max_pages = 100000;
    o.max_depth = 100000;
    o.fetch.delay_ms = 4; /* 241 pages of P take at least a second: the timer must tick */
    const char *urls_p[] = {"http://www.p.gov.cn/"};
    const char *urls_g[] = {"http://www.g.gov.cn/"};
    struct site_report rp[1], rg[1];
    struct seen sp, sg;
    seen_init(&sp);
    seen_init(&sg);
    struct crawl_hooks hp = hooks_for(&sp), hg = hooks_for(&sg);
    struct crawl_callbacks cp = {on_site_finished, on_done_ticking, NULL, &sp};
    struct crawl_callbacks cg = {on_site_finished, on_done_ticking, NULL, &sg};
    struct sc_error err;
    assert_int_equal(crawl_start(&loop, urls_p, 1, &o, &hp, &cp, rp, &sp.crawl, &err), 0);
    assert_int_equal(crawl_start(&loop, urls_g, 1, &o, &hg, &cg, rg, &sg.crawl, &err), 0);
    uint64_t t0 = uv_now(&loop);
    uv_run(&loop, UV_RUN_DEFAULT);
    uint64_t took = uv_now(&loop) - t0;

    assert_int_equal(sp.done, 1);
    assert_int_equal(sg.done, 1);
    assert_int_equal(sp.done_status, 0);
    assert_int_equal(sp.status[0], 0);
    assert_int_equal(sg.status[0], 0);
    assert_int_equal(sp.judged, 1);
    assert_int_equal(sg.judged, 1);
    /* G: home, a.html, b.html crawled; both planted 404s found */
    assert_int_equal(rg[0].pages_crawled, 3);
    int broken = 0;
    for (size_t i = 0; i < rg[0].nlinks; i++)
        broken += rg[0].links[i].result == LINK_BROKEN;
    assert_int_equal(broken, 2);
    /* P: every page of the paged list and every article is crawled (item 3) */
    assert_int_equal(rp[0].pages_crawled, 1 + PAGED_LISTS + PAGED_LISTS * PAGED_ITEMS);
    assert_int_equal(rp[0].nlinks, 0);
    assert_int_equal(httpd_requests(srv, "GET", "www.p.gov.cn", "/tzgg/index_39.html"), 1);
    /* The timer kept firing through both crawls: no gap near the crawl's length. */
    assert_true(took >= 900);
    assert_true(k.ticks >= (int)(took / 10) / 2);
    assert_true(k.max_gap < 250);
    uv_close((uv_handle_t *)&k.timer, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    site_report_free(&rp[0]);
    site_report_free(&rg[0]);
}

/* ---- one site out of memory ---- */

static void test_one_site_out_of_memory(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct crawl_options o;
    options(&o);
    const char *urls[] = {"http://www.g.gov.cn/", "http://www.p.gov.cn/", "ftp://bad/"};
    struct site_report r[3];
    struct seen s;
    seen_init(&s);
    s.fail_site = 1;
    struct crawl_hooks h = hooks_for(&s);
    struct crawl_callbacks cbs = {on_site_finished, on_done, NULL, &s};
    struct sc_error err;
    assert_int_equal(crawl_start(&loop, urls, 3, &o, &h, &cbs, r, &s.crawl, &err), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(s.done, 1);
    assert_int_equal(s.done_status, 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(s.finished[i], 1);
    assert_int_equal(s.status[0], 0);
    assert_int_equal(s.status[1], SC_ENOMEM); /* ended, not judged */
    assert_int_equal(s.status[2], 0);         /* a bad URL is a finding */
    assert_true(r[0].judged || s.judged == 2);
    assert_int_equal(s.judged, 2);
    assert_int_equal(r[0].pages_crawled, 3);
    assert_false(r[2].reachable);
    assert_string_equal(r[2].unreachable_error, "bad_url");
    assert_int_equal(uv_loop_close(&loop), 0);
    for (int i = 0; i < 3; i++)
        site_report_free(&r[i]);

    /* crawl_run, the blocking wrapper, says which site failed and keeps the others. With
     * the default depth of 5 and two connections per host, the paged list is crawled
     * exactly as far as breadth first reaches in 5 links: 119 pages (home, 33 list pages,
     * 85 articles), even though pages arrive out of breadth-first order. */
    seen_init(&s);
    s.fail_site = 0;
    h = hooks_for(&s);
    o.fetch.per_host = 2;
    assert_int_equal(crawl_run(urls, 2, &o, &h, r, &err), SC_ENOMEM);
    assert_non_null(strstr(err.msg, "www.g.gov.cn"));
    assert_int_equal(r[1].pages_crawled, 119);
    for (int i = 0; i < 2; i++)
        site_report_free(&r[i]);
}

int main(void)
{
    /* One pool thread, so the cancel test can queue parse jobs behind a plug. */
    setenv("UV_THREADPOOL_SIZE", "1", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cancel_mid_crawl),
        cmocka_unit_test(test_cancel_from_hook_and_at_once),
        cmocka_unit_test(test_two_crawls_and_a_timer),
        cmocka_unit_test(test_one_site_out_of_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

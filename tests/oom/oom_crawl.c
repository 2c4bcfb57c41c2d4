/* oom_crawl: a crawl of two small farm-like sites with the content probes and the rule
 * table (crawl_start + content_run hooks, as `spotcheck check` runs them) with the n-th
 * allocation failing in our code (crawl, fetch engine, HTML, content probes, judge) — not in
 * libcurl, whose 7.88.1 transfer code crashes (SIGFPE in curl_multi_socket_action) after one
 * of its own allocations fails, nor libuv, which aborts by design. Every site must end
 * either with SC_ENOMEM (its report left out) or with exactly the report of the run without
 * failures; crawl_start may refuse with SC_ENOMEM; the crawl must always end (every
 * callback once) and leave nothing behind (LeakSanitizer).
 *
 * The sites are served by crawl_httpd in a forked child, so the server's own allocations
 * are never failed. One libuv pool thread and one connection keep the order of pages, and
 * so the report, the same from run to run. */
#include "oom.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include "../unit/crawl_httpd.h"
#include "../unit/testutil.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "probes/content/content_run.h"
#include "probes/net/crawl.h"
#include "probes/verdict/check_output.h"

#define NSITES 2

static char *home_page, *list_page;

static char *read_page_file(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/pages/%s", OOM_SRC_DIR, name);
    char *text = test_read_file(path, NULL);
    assert_non_null(text);
    return text;
}

static void handler(const char *method, const char *host, const char *path, int count,
                    struct httpd_response *r)
{
    (void)method;
    (void)count;
    if (strstr(path, "gone") || strncmp(path, "/spotcheck-404-", 15) == 0) {
        r->status = 404;
        httpd_html(r, "<title>404</title>");
    } else if (strcmp(host, "www.oom2.gov.cn") == 0) {
        if (strcmp(path, "/") == 0)
            httpd_html(r, "<title>二</title><a href=\"/gone.html\">坏</a>"
                          "<a href=\"http://www.oom.gov.cn/gone-shared.html\">共享的坏链接</a>"
                          "<a href=\"/a.html\">页</a>");
        else
            httpd_html(r, "<title>页</title><p>内容</p>");
    } else if (strcmp(path, "/") == 0) {
        httpd_html(r, home_page);
    } else if (strcmp(path, "/moved") == 0) {
        r->status = 302;
        strbuf_adds(&r->headers, "Location: /tzgg/\r\n");
    } else {
        httpd_html(r, list_page);
    }
}

struct crawl_case {
    pid_t server;
    char map[64];
    char *maps[1];
    struct crawl_options opt;
    struct strbuf expect[NSITES];
};

struct crawl_run_state {
    int status[NSITES];
    int finished[NSITES];
    int done;
    int loop_busy;
};

static void on_site(struct crawl *c, size_t i, struct site_report *r, int status, void *user)
{
    (void)c;
    (void)r;
    struct crawl_run_state *st = user;
    st->status[i] = status;
    st->finished[i]++;
}

static void on_done(struct crawl *c, int status, void *user)
{
    (void)c;
    (void)status;
    ((struct crawl_run_state *)user)->done++;
}

static const char *const urls[NSITES] = {"http://www.oom.gov.cn/", "http://www.oom2.gov.cn/"};

/* One crawl; returns crawl_start's status, the sites' statuses in st, reports filled. */
static int crawl_once(struct crawl_case *c, struct site_report *reports, struct crawl_run_state *st)
{
    memset(st, 0, sizeof *st);
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) { /* libuv's own allocation failed */
        for (int i = 0; i < NSITES; i++)
            site_report_init(&reports[i], urls[i]);
        return SC_ENOMEM;
    }
    struct crawl_hooks hooks;
    struct content_run run;
    int rc = content_run_init(&run, urls, NSITES, reports, sc_day_of(sc_clock_now()), NULL, &hooks);
    if (rc == 0) {
        struct crawl_callbacks cbs = {on_site, on_done, NULL, st};
        struct crawl *crawl;
        struct sc_error err;
        rc = crawl_start(&loop, urls, NSITES, &c->opt, &hooks, &cbs, reports, &crawl, &err);
        if (rc == 0)
            uv_run(&loop, UV_RUN_DEFAULT);
    } else {
        for (int i = 0; i < NSITES; i++)
            site_report_init(&reports[i], urls[i]);
    }
    content_run_release(&run);
    if (uv_loop_close(&loop) != 0) { /* a handle left open: name it, then fail */
        uv_print_all_handles(&loop, stderr);
        st->loop_busy = 1;
    }
    return rc;
}

static long crawl_oom_once(void *ud, long n, int persistent)
{
    struct crawl_case *c = ud;
    struct site_report reports[NSITES];
    struct crawl_run_state st;
    failmalloc_arm(n, persistent);
    int rc = crawl_once(c, reports, &st);
    long hit = failmalloc_disarm();
    if (rc != SC_OK && rc != SC_ENOMEM)
        oom_fail(n, persistent, "crawl_start failed with %d, not SC_ENOMEM", rc);
    if (st.loop_busy)
        oom_fail(n, persistent, "the crawl left a handle open on the loop (listed above)");
    if (rc == SC_OK && st.done != 1)
        oom_fail(n, persistent, "done called %d times", st.done);
    for (int i = 0; rc == SC_OK && i < NSITES; i++) {
        if (st.finished[i] != 1)
            oom_fail(n, persistent, "site %d finished %d times", i, st.finished[i]);
        if (st.status[i] == SC_ENOMEM)
            continue;
        if (st.status[i] != SC_OK)
            oom_fail(n, persistent, "site %d ended with %d", i, st.status[i]);
        struct strbuf json = STRBUF_INIT;
        assert_int_equal(check_output_json(&reports[i], 1, &json), 0);
        if (strcmp(json.buf, c->expect[i].buf) != 0) {
            oom_print_difference(json.buf, c->expect[i].buf);
            if (getenv("OOM_CRAWL_DUMP")) { /* both reports whole, to compare */
                test_write_file("/tmp/oom-crawl-got.json", json.buf, json.len);
                test_write_file("/tmp/oom-crawl-expected.json", c->expect[i].buf, c->expect[i].len);
            }
            oom_fail(n, persistent, "site %s succeeded with another report (error %s)", urls[i],
                     reports[i].unreachable_error ? reports[i].unreachable_error : "none");
        }
        strbuf_release(&json);
    }
    for (int i = 0; i < NSITES; i++)
        site_report_free(&reports[i]);
    return hit;
}

/* The server in a child process: writes its port to fd, then serves until killed. */
static pid_t server_start(int *port)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test, whatever ends it */
        if (getppid() == 1)
            _exit(1);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, STDOUT_FILENO); /* a pipe reading the test's output must see its end */
        dup2(devnull, STDERR_FILENO);
        struct httpd *h = httpd_start(handler);
        if (write(fds[1], &h->port, sizeof h->port) != (ssize_t)sizeof h->port)
            _exit(1);
        close(fds[1]);
        for (;;)
            pause();
    }
    close(fds[1]);
    assert_int_equal(read(fds[0], port, sizeof *port), (ssize_t)sizeof *port);
    close(fds[0]);
    return pid;
}

void test_oom_crawl(void **state)
{
    (void)state;
    char *a = read_page_file("div_ul.html"), *b = read_page_file("footer.html");
    struct strbuf home = STRBUF_INIT;
    strbuf_addf(&home,
                "%s<a href=\"/gone.html\">坏链接</a><a href=\"/gone-shared.html\">x</a>"
                "<a href=\"/moved\">跳转</a><a href=\"mailto:a@b\">信箱</a>%s",
                a, b);
    free(a);
    free(b);
    home_page = strbuf_detach(&home);
    list_page = read_page_file("list_page.html");

    failmalloc_spare_curl(1);
    struct crawl_case c;
    memset(&c, 0, sizeof c);
    int port = 0;
    c.server = server_start(&port);
    snprintf(c.map, sizeof c.map, "::127.0.0.1:%d", port);
    c.maps[0] = c.map;
    crawl_options_default(&c.opt);
    c.opt.fetch.connect_to = c.maps;
    c.opt.fetch.nconnect_to = 1;
    c.opt.fetch.no_dns = 1;
    c.opt.fetch.delay_ms = 0;
    c.opt.fetch.concurrency = 1;
    c.opt.fetch.per_host = 1;
    c.opt.fetch.retry_base_ms = 1;
    c.opt.max_pages = 12;
    c.opt.max_depth = 2;

    /* The run without failures: the reports every successful run must equal. */
    struct site_report reports[NSITES];
    struct crawl_run_state st;
    failmalloc_arm(0, 0);
    long before = failmalloc_count();
    assert_int_equal(crawl_once(&c, reports, &st), 0);
    long total = failmalloc_count() - before;
    failmalloc_disarm();
    for (int i = 0; i < NSITES; i++) {
        assert_int_equal(st.status[i], 0);
        assert_true(reports[i].judged && reports[i].reachable);
        strbuf_init(&c.expect[i]);
        assert_int_equal(check_output_json(&reports[i], 1, &c.expect[i]), 0);
        site_report_free(&reports[i]);
    }
    /* the same again: the report does not depend on the run */
    assert_int_equal(crawl_once(&c, reports, &st), 0);
    for (int i = 0; i < NSITES; i++) {
        struct strbuf json = STRBUF_INIT;
        assert_int_equal(check_output_json(&reports[i], 1, &json), 0);
        assert_string_equal(json.buf, c.expect[i].buf);
        strbuf_release(&json);
        site_report_free(&reports[i]);
    }

    if (getenv("OOM_CRAWL_N")) { /* one n, to look at it (with FAILMALLOC_TRACE=1) */
        crawl_oom_once(&c, atol(getenv("OOM_CRAWL_N")), 0);
        kill(c.server, SIGKILL);
        waitpid(c.server, NULL, 0);
        failmalloc_spare_curl(0);
        return;
    }
    /* Every n up to 400, then ~200 more spread over the run's allocations. */
    long step = total / 200 > 1 ? total / 200 : 1;
    struct oom_plan plan = {{400, 400}, {step, step}};
    printf("oom crawl: %ld allocations in a run without failures\n", total);
    oom_loop("crawl", crawl_oom_once, &c, &plan);

    kill(c.server, SIGKILL);
    waitpid(c.server, NULL, 0);
    failmalloc_spare_curl(0);
    for (int i = 0; i < NSITES; i++)
        strbuf_release(&c.expect[i]);
    free(home_page);
    free(list_page);
    (void)httpd_requests;
    (void)httpd_stop;
}

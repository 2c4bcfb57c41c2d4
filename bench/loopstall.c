/* loopstall: how long a crawl keeps the loop from its other work. It crawls one site the
 * way `spotcheck check` does (crawl_start on a loop it owns, the content probes and the
 * rule table as hooks) while a 10 ms repeating timer on the same loop records, at every
 * firing, how late it fired: the time between its expected and its actual firing. That
 * lateness is what an availability probe sharing the loop would wrongly add to a site's
 * response time. Prints the distribution (p50, p99, max) and the crawl's pages/s.
 *
 *   loopstall [network options, as for check] URL
 *   loopstall --idle SECONDS     the same timer on a loop with nothing else: the machine's
 *                                own scheduling noise, to read the crawl's figures against
 * Used by bench/stall (the bench site, politeness lifted). Not a test. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "common/clock.h"
#include "probes/content/content_run.h"
#include "probes/net/crawl.h"
#include "probes/net/netopts.h"

#define TICK_MS 10

struct stall_state {
    uv_timer_t timer;
    uint64_t last_ns;
    uint64_t *late_us; /* lateness of each firing, microseconds */
    size_t n, alloc;
    int done;
};

static void on_tick(uv_timer_t *t)
{
    struct stall_state *s = t->data;
    uint64_t now = uv_hrtime();
    if (s->last_ns) {
        uint64_t expected = s->last_ns + (uint64_t)TICK_MS * 1000000u;
        uint64_t late = now > expected ? (now - expected) / 1000u : 0;
        if (s->n == s->alloc) {
            size_t na = s->alloc ? s->alloc * 2 : 4096;
            uint64_t *p = realloc(s->late_us, na * sizeof *p);
            if (!p) {
                fprintf(stderr, "loopstall: out of memory\n");
                exit(3);
            }
            s->late_us = p;
            s->alloc = na;
        }
        s->late_us[s->n++] = late;
    }
    s->last_ns = now;
}

static void on_done(struct crawl *c, int status, void *user)
{
    struct stall_state *s = user;
    (void)c;
    (void)status;
    s->done = 1;
    uv_timer_stop(&s->timer);
}

static void on_idle_over(uv_timer_t *t)
{
    struct stall_state *s = t->data;
    uv_timer_stop(&s->timer);
    uv_close((uv_handle_t *)t, NULL);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double percentile_ms(const uint64_t *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return (double)v[i] / 1000.0;
}

int main(int argc, char **argv)
{
    enum { OPT_IDLE = 1 };
    static const struct option longopts[] = {
        NETOPTS_LONGOPTS, {"idle", required_argument, NULL, OPT_IDLE}, {NULL, 0, NULL, 0}};
    struct crawl_options opt;
    crawl_options_default(&opt);
    struct sc_error err = {{0}};
    int c;
    double idle = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == OPT_IDLE) {
            idle = atof(optarg);
            continue;
        }
        int r = netopts_option(&opt, c, optarg, &err);
        if (r <= 0) {
            fprintf(stderr, "loopstall: %s\nusage: loopstall [network options] URL\n",
                    r < 0 ? err.msg : "unknown option");
            return 2;
        }
    }
    if (idle > 0) {
        uv_loop_t loop;
        uv_loop_init(&loop);
        struct stall_state st;
        memset(&st, 0, sizeof st);
        uv_timer_t over;
        uv_timer_init(&loop, &st.timer);
        uv_timer_init(&loop, &over);
        st.timer.data = over.data = &st;
        uv_timer_start(&st.timer, on_tick, TICK_MS, TICK_MS);
        uv_timer_start(&over, on_idle_over, (uint64_t)(idle * 1000), 0);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_close((uv_handle_t *)&st.timer, NULL);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        qsort(st.late_us, st.n, sizeof *st.late_us, cmp_u64);
        printf(
            "{\"idle_seconds\": %.1f, \"ticks\": %zu, \"late_ms\": {\"p50\": %.2f, \"p90\": %.2f, "
            "\"p99\": %.2f, \"max\": %.2f}}\n",
            idle, st.n, percentile_ms(st.late_us, st.n, 0.5), percentile_ms(st.late_us, st.n, 0.9),
            percentile_ms(st.late_us, st.n, 0.99),
            st.n ? (double)st.late_us[st.n - 1] / 1000.0 : 0.0);
        free(st.late_us);
        return 0;
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "usage: loopstall [network options] URL\n");
        return 2;
    }
    const char *urls[1] = {argv[optind]};
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct stall_state st;
    memset(&st, 0, sizeof st);
    uv_timer_init(&loop, &st.timer);
    st.timer.data = &st;

    struct site_report report;
    struct crawl_hooks hooks;
    struct content_run run;
    if (content_run_init(&run, urls, 1, &report, sc_day_of(sc_clock_now()), NULL, &hooks) < 0) {
        fprintf(stderr, "loopstall: out of memory\n");
        return 3;
    }
    struct crawl_callbacks cbs = {NULL, on_done, NULL, &st};
    struct crawl *crawl;
    uint64_t t0 = uv_hrtime();
    uv_timer_start(&st.timer, on_tick, TICK_MS, TICK_MS);
    if (crawl_start(&loop, urls, 1, &opt, &hooks, &cbs, &report, &crawl, &err) < 0) {
        fprintf(stderr, "loopstall: %s\n", err.msg);
        return 3;
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    double secs = (double)(uv_hrtime() - t0) / 1e9;
    uv_close((uv_handle_t *)&st.timer, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);

    qsort(st.late_us, st.n, sizeof *st.late_us, cmp_u64);
    printf("{\"pages\": %d, \"links_checked\": %d, \"seconds\": %.2f, \"pages_per_s\": %.0f, "
           "\"ticks\": %zu, \"late_ms\": {\"p50\": %.2f, \"p90\": %.2f, \"p99\": %.2f, "
           "\"max\": %.2f}}\n",
           report.pages_crawled, report.links_checked, secs,
           secs > 0 ? report.pages_crawled / secs : 0.0, st.n, percentile_ms(st.late_us, st.n, 0.5),
           percentile_ms(st.late_us, st.n, 0.9), percentile_ms(st.late_us, st.n, 0.99),
           st.n ? (double)st.late_us[st.n - 1] / 1000.0 : 0.0);
    free(st.late_us);
    content_run_release(&run);
    site_report_free(&report);
    netopts_release(&opt);
    return 0;
}

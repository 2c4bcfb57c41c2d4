/* probeacc: how accurately availability probes time a site while a crawl loads the loop they
 * share (issue 10: a farm host answering after exactly 3.0 s must measure 3.0 s ± 50 ms at
 * p99 while a crawl saturates both cores). ON ONE LOOP, as the daemon runs them, it crawls a
 * site the way `spotcheck check` does (crawl_start, the content probes and the rule table as
 * hooks; the crawl starts again when it ends, until --seconds have passed) and starts an
 * availability probe (avail_engine) of --probe URL every 250-500 ms (uniformly at random).
 * Prints, as JSON, the probes' total_us and their error |total - expected| (p50, p99, max),
 * how late the probe timer fired (the loop's stalls), and the crawl's pages/s.
 *
 *   probeacc [network options, as for check] --probe URL [--expect-ms MS] [--seconds S]
 *            [--raw FILE] CRAWL_URL
 *   probeacc --idle [network options] --probe URL [--expect-ms MS] [--seconds S]
 *            (the probes alone on the loop: the baseline)
 * The network options apply to the probes too (--connect-to, --no-dns, --allow-private).
 * --raw writes one line per probe: start offset (s), outcome, total_us, first_byte_us,
 * connect_us. Used by bench/probes. Not a test. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "common/clock.h"
#include "probes/content/content_run.h"
#include "probes/net/avail.h"
#include "probes/net/crawl.h"
#include "probes/net/netopts.h"

#define EVERY_LO_MS 250
#define EVERY_HI_MS 500

struct sample {
    double at_s;
    int ok;
    int64_t total_us, first_byte_us, connect_us;
};

struct acc {
    uv_loop_t *loop;
    uv_timer_t probe_timer, restart;
    struct avail_engine *engine;
    const char *probe_url;
    const char *crawl_url;
    const char *urls[1]; /* content_run keeps the pointer */
    struct crawl_options *copt;
    uint64_t t0, deadline_ns, due_ns;
    unsigned rng;
    int idle, stopping, crawl_running, crawls, pages, failed_probes;
    /* the running crawl's report and hooks, released once it is done */
    struct site_report report;
    struct content_run run;
    int have_run;
    struct sample *v;
    size_t n, alloc;
    uint64_t *late_us; /* lateness of each probe timer firing */
    size_t nlate, alloc_late;
};

static void *grow(void *p, size_t *alloc, size_t n, size_t size)
{
    if (n < *alloc)
        return p;
    size_t na = *alloc ? *alloc * 2 : 1024;
    void *q = realloc(p, na * size);
    if (!q) {
        fprintf(stderr, "probeacc: out of memory\n");
        exit(3);
    }
    *alloc = na;
    return q;
}

static void maybe_finish(struct acc *a);
static void on_probe_timer(uv_timer_t *t);

static void on_probe_done(const struct avail_result *res, void *user)
{
    struct acc *a = user;
    a->v = grow(a->v, &a->alloc, a->n, sizeof *a->v);
    struct sample *s = &a->v[a->n++];
    s->at_s = (double)(res->start_ns - a->t0) / 1e9;
    s->ok = res->outcome == AVAIL_OK;
    s->total_us = res->total_us;
    s->first_byte_us = res->first_byte_us;
    s->connect_us = res->connect_us;
    if (!s->ok) {
        a->failed_probes++;
        fprintf(stderr, "probeacc: probe at %.2f s: %s %s\n", s->at_s,
                avail_outcome_word(res->outcome), res->error ? res->error : "");
    }
    maybe_finish(a);
}

/* The next probe in 250-500 ms (the timer counts from now, not from the loop's start). */
static void probe_timer_start(struct acc *a)
{
    uint64_t ms = EVERY_LO_MS + (uint64_t)(rand_r(&a->rng) % (EVERY_HI_MS - EVERY_LO_MS + 1));
    uv_update_time(a->loop);
    a->due_ns = uv_hrtime() + ms * 1000000u;
    uv_timer_start(&a->probe_timer, on_probe_timer, ms, 0);
}

/* Probes go on while a crawl runs; once --seconds have passed no crawl is started again,
 * and the probing stops when the last crawl has ended. */
static void on_probe_timer(uv_timer_t *t)
{
    struct acc *a = t->data;
    uint64_t now = uv_hrtime();
    a->late_us = grow(a->late_us, &a->alloc_late, a->nlate, sizeof *a->late_us);
    a->late_us[a->nlate++] = now > a->due_ns ? (now - a->due_ns) / 1000u : 0;
    if (now >= a->deadline_ns && !a->crawl_running) {
        a->stopping = 1;
        maybe_finish(a);
        return;
    }
    struct sc_error err = {{0}};
    if (avail_engine_probe(a->engine, a->probe_url, on_probe_done, a, NULL, &err) < 0) {
        fprintf(stderr, "probeacc: %s\n", err.msg);
        exit(3);
    }
    probe_timer_start(a);
}

static void crawl_begin(struct acc *a);

static void on_restart(uv_timer_t *t)
{
    struct acc *a = t->data;
    if (a->have_run) { /* the crawl that ended has freed itself: its report is ours again */
        a->pages += a->report.pages_crawled;
        content_run_release(&a->run);
        site_report_free(&a->report);
        a->have_run = 0;
    }
    if (uv_hrtime() < a->deadline_ns)
        crawl_begin(a);
    else
        maybe_finish(a);
}

static void on_crawl_done(struct crawl *c, int status, void *user)
{
    struct acc *a = user;
    (void)c;
    (void)status;
    a->crawl_running = 0;
    a->crawls++;
    uv_timer_start(&a->restart, on_restart, 0, 0);
}

static void crawl_begin(struct acc *a)
{
    struct sc_error err = {{0}};
    struct crawl_hooks hooks;
    const char **urls = a->urls;
    urls[0] = a->crawl_url;
    if (content_run_init(&a->run, urls, 1, &a->report, sc_day_of(sc_clock_now()), NULL, &hooks) <
        0) {
        fprintf(stderr, "probeacc: out of memory\n");
        exit(3);
    }
    a->have_run = 1;
    struct crawl_callbacks cbs = {NULL, on_crawl_done, NULL, a};
    struct crawl *crawl;
    if (crawl_start(a->loop, urls, 1, a->copt, &hooks, &cbs, &a->report, &crawl, &err) < 0) {
        fprintf(stderr, "probeacc: %s\n", err.msg);
        exit(3);
    }
    a->crawl_running = 1;
}

static void maybe_finish(struct acc *a)
{
    if (!a->stopping || a->crawl_running || a->have_run || !a->engine ||
        avail_engine_pending(a->engine) > 0)
        return;
    uv_timer_stop(&a->probe_timer);
    avail_engine_close(a->engine, NULL, NULL);
    a->engine = NULL;
    uv_close((uv_handle_t *)&a->probe_timer, NULL);
    uv_close((uv_handle_t *)&a->restart, NULL);
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t p = *(const int64_t *)x, q = *(const int64_t *)y;
    return p < q ? -1 : p > q;
}

/* Nearest-rank percentile of sorted v[0..n), in ms. */
static double pct_ms(const int64_t *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return (double)v[i] / 1000.0;
}

static void print_dist(const char *name, int64_t *v, size_t n, int last)
{
    qsort(v, n, sizeof *v, cmp_i64);
    printf("\"%s\": {\"p50\": %.2f, \"p99\": %.2f, \"max\": %.2f}%s", name, pct_ms(v, n, 0.5),
           pct_ms(v, n, 0.99), n ? (double)v[n - 1] / 1000.0 : 0.0, last ? "" : ", ");
}

int main(int argc, char **argv)
{
    enum { OPT_IDLE = 1, OPT_PROBE, OPT_EXPECT, OPT_SECONDS, OPT_RAW };
    static const struct option longopts[] = {NETOPTS_LONGOPTS,
                                             {"idle", no_argument, NULL, OPT_IDLE},
                                             {"probe", required_argument, NULL, OPT_PROBE},
                                             {"expect-ms", required_argument, NULL, OPT_EXPECT},
                                             {"seconds", required_argument, NULL, OPT_SECONDS},
                                             {"raw", required_argument, NULL, OPT_RAW},
                                             {NULL, 0, NULL, 0}};
    static const char usage[] = "usage: probeacc [network options] --probe URL [--expect-ms MS] "
                                "[--seconds S] [--raw FILE] (--idle | CRAWL_URL)\n";
    struct crawl_options opt;
    crawl_options_default(&opt);
    struct sc_error err = {{0}};
    struct acc a;
    memset(&a, 0, sizeof a);
    double seconds = 60, expect_ms = 3000;
    const char *raw = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_IDLE:
            a.idle = 1;
            continue;
        case OPT_PROBE:
            a.probe_url = optarg;
            continue;
        case OPT_EXPECT:
            expect_ms = atof(optarg);
            continue;
        case OPT_SECONDS:
            seconds = atof(optarg);
            continue;
        case OPT_RAW:
            raw = optarg;
            continue;
        default:
            break;
        }
        int r = netopts_option(&opt, c, optarg, &err);
        if (r <= 0) {
            fprintf(stderr, "probeacc: %s\n%s", r < 0 ? err.msg : "unknown option", usage);
            return 2;
        }
    }
    if (!a.probe_url || seconds <= 0 || optind + (a.idle ? 0 : 1) != argc) {
        fputs(usage, stderr);
        return 2;
    }
    a.crawl_url = a.idle ? NULL : argv[optind];
    a.copt = &opt;
    a.rng = 12345;

    struct avail_options ao;
    avail_options_default(&ao);
    ao.no_dns = opt.fetch.no_dns;
    ao.allow_private = opt.fetch.allow_private;
    ao.connect_to = opt.fetch.connect_to;
    ao.nconnect_to = opt.fetch.nconnect_to;

    uv_loop_t loop;
    uv_loop_init(&loop);
    a.loop = &loop;
    uv_timer_init(&loop, &a.probe_timer);
    uv_timer_init(&loop, &a.restart);
    a.probe_timer.data = a.restart.data = &a;
    if (avail_engine_new(&loop, &ao, &a.engine, &err) < 0) {
        fprintf(stderr, "probeacc: %s\n", err.msg);
        return 3;
    }
    a.t0 = uv_hrtime();
    a.deadline_ns = a.t0 + (uint64_t)(seconds * 1e9);
    if (!a.idle)
        crawl_begin(&a);
    probe_timer_start(&a);
    uv_run(&loop, UV_RUN_DEFAULT);
    double secs = (double)(uv_hrtime() - a.t0) / 1e9;
    uv_loop_close(&loop);

    if (raw) {
        FILE *f = fopen(raw, "w");
        for (size_t i = 0; f && i < a.n; i++)
            fprintf(f, "%.3f %s %lld %lld %lld\n", a.v[i].at_s, a.v[i].ok ? "ok" : "fail",
                    (long long)a.v[i].total_us, (long long)a.v[i].first_byte_us,
                    (long long)a.v[i].connect_us);
        if (!f || fclose(f)) {
            fprintf(stderr, "probeacc: cannot write %s\n", raw);
            return 3;
        }
    }
    int64_t *total = calloc(a.n + 1, sizeof *total), *errv = calloc(a.n + 1, sizeof *errv),
            *late = calloc(a.nlate + 1, sizeof *late);
    size_t nok = 0;
    int64_t expect_us = (int64_t)(expect_ms * 1000);
    for (size_t i = 0; i < a.n; i++)
        if (a.v[i].ok) {
            total[nok] = a.v[i].total_us;
            errv[nok++] = llabs(a.v[i].total_us - expect_us);
        }
    for (size_t i = 0; i < a.nlate; i++)
        late[i] = (int64_t)a.late_us[i];
    printf("{\"mode\": \"%s\", \"seconds\": %.1f, \"crawls\": %d, \"pages\": %d, "
           "\"pages_per_s\": %.0f, \"probes\": %zu, \"failed\": %d, ",
           a.idle ? "idle" : "crawl", secs, a.crawls, a.pages, secs > 0 ? a.pages / secs : 0.0, nok,
           a.failed_probes);
    print_dist("total_ms", total, nok, 0);
    print_dist("error_ms", errv, nok, 0);
    print_dist("timer_late_ms", late, a.nlate, 1);
    printf("}\n");
    free(total);
    free(errv);
    free(late);
    free(a.v);
    free(a.late_us);
    netopts_release(&opt);
    return a.failed_probes ? 1 : 0;
}

/* daemon_run: the schedule's loop: ticks, draws, crawls, finalisations, signals
 * (see daemon_run.h). */
#include "daemon/daemon_run.h"
#include "common/clock.h"
#include "common/strbuf.h"
#include "daemon/cli.h"
#include "daemon/config.h"
#include "daemon/daemon_log.h"
#include "daemon/draw_round.h"
#include "daemon/monitor.h"
#include "daemon/notify.h"
#include "daemon/postround.h"
#include "daemon/recheck.h"
#include "daemon/registry_watch.h"
#include "daemon/schedule_load.h"
#include "probes/content/content_run.h"
#include "probes/net/crawl.h"
#include "probes/net/netopts.h"
#include "probes/verdict/check_output.h"
#include "probes/verdict/rectify_compare.h"
#include "probes/verdict/verdict_final.h"
#include "storage/crawls.h"
#include "storage/deliveries.h"
#include "storage/rectifications.h"
#include "storage/monitor.h"
#include "storage/rechecks.h"
#include "storage/rounds.h"
#include "storage/verdicts.h"

#include <signal.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

/* How long an action that failed waits before it is tried again. */
enum { RETRY_SIMULATED_SECONDS = 3600, RETRY_WALL_SECONDS = 60, WALL_TICK_MAX_SECONDS = 60 };
/* Crawls started in one turn of the loop: starting hundreds at once (a round due all at once)
 * would hold the loop, and the availability probes sharing it, for a while; the rest start at
 * the next turn. */
enum { CRAWL_STARTS_PER_TURN = 16 };

struct daemon;

/* One site's crawl in flight. */
struct site_job {
    struct daemon *d;
    struct site_job *next;
    long round_id;
    char round_name[24]; /* "2026Q4 1" */
    char *code, *url;
    const char *urls[1];
    const char *codes[1];
    int portal; /* 1 portal, 0 department, -1 unknown (content_run.h) */
    struct site_report report;
    struct content_run run;
    struct crawl *crawl;
    time_t started;
    long rectify_crawl_id; /* > 0: the re-check after a deadline of that failing final crawl */
};

struct daemon {
    uv_loop_t loop;
    uv_timer_t timer;
    uv_timer_t watchdog; /* systemd's watchdog (WatchdogSec=), when it asks for one */
    uv_signal_t sigterm, sigint, sighup;
    struct storage *db;
    struct config *config; /* the caller's; SIGHUP replaces its contents */
    const struct daemon_run_options *opt;
    struct crawl_options copt;
    struct rules rules;
    size_t max_crawls;
    struct site_job *jobs;
    size_t in_flight;
    int stopping, closed;
    time_t hold_until; /* due actions wait until then after a failure */
    time_t clock_t0, wall_t0;
    struct registry_watch registry; /* [daemon] registry, re-imported when it changes */
    struct monitor *monitor;        /* availability monitoring; NULL once closed */
    int monitor_closing;
    struct recheck *recheck; /* the re-checks of suspected links in flight, or NULL */
    struct postround *post;  /* a final round's reports and publication being rebuilt */
    const char *db_path;
    time_t publish_retry_at; /* after a failed publication, the next try (not before) */
    time_t mail_retry_after; /* after a run of `mail Q R` for a retry, the next not before */
    char republish_upto[32]; /* the re-checks checked up to then are being published (no
                                new one is stored meanwhile: rectify_tick waits) */
    int starts_left;   /* crawls this turn may still start (CRAWL_STARTS_PER_TURN) */
    int more_to_start; /* due crawls wait for the next turn */
};

static void tick_soon(struct daemon *d, uint64_t ms);
static void daemon_stop(struct daemon *d, const char *why);
static void monitor_closed(void *user);

/* Logs an error and records it as the last error (status shows it). */
static void note_error(struct daemon *d, const char *msg)
{
    daemon_log(LOG_ERROR, "%s", msg);
    notify_status("error: %s", msg);
    char at[32];
    sc_time_format(sc_clock_now(), at);
    struct sc_error err = {{0}};
    if (storage_daemon_error(d->db, msg, at, &err) < 0)
        daemon_log(LOG_ERROR, "cannot record the error: %s", err.msg);
}

/* As note_error, for an action that failed: due actions wait a while before the next try. */
static void record_error(struct daemon *d, const char *msg)
{
    note_error(d, msg);
    time_t now = sc_clock_now();
    d->hold_until = now + (d->opt->has_until ? RETRY_SIMULATED_SECONDS : RETRY_WALL_SECONDS);
}

/* ---- a site's crawl ---- */

static void job_free(struct site_job *job)
{
    content_run_release(&job->run);
    site_report_free(&job->report);
    free(job->code);
    free(job->url);
    free(job);
}

static void rectify_finished(struct site_job *job, struct site_report *r);

static void job_site_finished(struct crawl *c, size_t index, struct site_report *r, int status,
                              void *user)
{
    (void)c;
    (void)index;
    struct site_job *job = user;
    struct daemon *d = job->d;
    if (status == 0 && job->rectify_crawl_id > 0) {
        rectify_finished(job, r);
        return;
    }
    if (status == SC_ECANCELED) {
        daemon_log(LOG_INFO, "crawl of %s (%s) cancelled; it is redone on restart", job->code,
                   job->round_name);
        return;
    }
    struct strbuf msg = STRBUF_INIT;
    if (status < 0) {
        strbuf_addf(&msg, "crawl of %s (%s) did not finish: %s", job->code, job->round_name,
                    status == SC_ENOMEM ? "out of memory" : "error");
        record_error(d, msg.buf);
        strbuf_release(&msg);
        return;
    }
    struct strbuf json = STRBUF_INIT;
    struct sc_error err = {{0}};
    long crawl_id = 0;
    int rc = check_output_json(r, 1, &json);
    if (rc == 0)
        rc = storage_crawl_save_evidence(d->db, job->round_id, job->code, job->started,
                                         sc_clock_now(), r, json.buf,
                                         content_run_evidence(&job->run, 0), &crawl_id, &err);
    else
        sc_fail(&err, rc, "out of memory rendering the report");
    if (rc < 0) {
        strbuf_addf(&msg, "storing the crawl of %s (%s): %s", job->code, job->round_name, err.msg);
        record_error(d, msg.buf);
    } else {
        daemon_log(LOG_INFO,
                   "crawled %s (%s): %s, %zu pages, %zu links, score %.1f, %s, %zu defects"
                   " (crawl %ld)",
                   job->code, job->round_name, r->reachable ? "reachable" : "unreachable",
                   (size_t)r->pages_crawled, (size_t)r->links_checked, r->judged ? r->score : 0.0,
                   !r->judged        ? "not judged"
                   : r->verdict_pass ? "pass"
                                     : "fail",
                   r->ndefects, crawl_id);
    }
    strbuf_release(&json);
    strbuf_release(&msg);
}

static void job_done(struct crawl *c, int status, void *user)
{
    (void)c;
    (void)status;
    struct site_job *job = user;
    struct daemon *d = job->d;
    for (struct site_job **p = &d->jobs; *p; p = &(*p)->next)
        if (*p == job) {
            *p = job->next;
            break;
        }
    job_free(job);
    d->in_flight--;
    if (d->stopping) {
        if (d->in_flight == 0)
            daemon_stop(d, NULL);
    } else {
        tick_soon(d, 0);
    }
}

static int job_in_flight(const struct daemon *d, long round_id, const char *code)
{
    for (const struct site_job *j = d->jobs; j; j = j->next)
        if (j->round_id == round_id && strcmp(j->code, code) == 0)
            return 1;
    return 0;
}

/* Starts a crawl of s for round r, or (rectify_crawl_id > 0) the re-check of that failing
 * final crawl of the round after its deadline: the same crawl, content probes and rules. */
static int job_start_kind(struct daemon *d, const struct schedule_round *r,
                          const struct sample_site *s, long rectify_crawl_id)
{
    struct sc_error err = {{0}};
    struct site_job *job = calloc(1, sizeof *job);
    if (!job || !(job->code = strdup(s->code)) || !(job->url = strdup(s->url))) {
        if (job)
            free(job->code);
        free(job);
        record_error(d, "out of memory starting a crawl");
        return SC_ENOMEM;
    }
    job->d = d;
    job->round_id = r->round_id;
    job->rectify_crawl_id = rectify_crawl_id;
    snprintf(job->round_name, sizeof job->round_name, "%s %d", r->quarter, r->number);
    job->urls[0] = job->url;
    job->codes[0] = job->code;
    job->portal = strcmp(s->type, "portal") == 0 ? 1 : strcmp(s->type, "department") == 0 ? 0 : -1;
    job->started = sc_clock_now();
    struct crawl_hooks hooks;
    int rc = content_run_init(&job->run, job->urls, 1, &job->report, sc_day_of(job->started),
                              &d->rules, &hooks);
    if (rc == 0) {
        job->run.portal = &job->portal;
        job->run.expected_codes = job->codes;
        job->run.keep_evidence = 1; /* the homepage as crawled, kept with the crawl */
        struct crawl_callbacks cbs = {job_site_finished, job_done, NULL, job};
        rc = crawl_start(&d->loop, job->urls, 1, &d->copt, &hooks, &cbs, &job->report, &job->crawl,
                         &err);
    } else {
        memset(&job->run, 0, sizeof job->run);
        sc_fail(&err, rc, "out of memory");
    }
    if (rc < 0) {
        struct strbuf msg = STRBUF_INIT;
        strbuf_addf(&msg, "cannot start the crawl of %s (%s): %s", job->code, job->round_name,
                    err.msg);
        record_error(d, msg.buf);
        strbuf_release(&msg);
        job_free(job);
        return rc;
    }
    job->next = d->jobs;
    d->jobs = job;
    d->in_flight++;
    daemon_log(LOG_INFO, "%s %s %s (%s)", rectify_crawl_id > 0 ? "re-checking" : "crawling",
               job->code, job->url, job->round_name);
    return 0;
}

static int job_start(struct daemon *d, const struct schedule_round *r, const struct sample_site *s)
{
    return job_start_kind(d, r, s, 0);
}

struct crawl_pick {
    struct daemon *d;
    const struct schedule_round *r;
    long budget; /* crawls whose slots passed and that are neither stored nor in flight */
    int failed;
};

static int pick_site(const struct sample_site *s, void *ud)
{
    struct crawl_pick *p = ud;
    if (p->budget <= 0 || p->d->in_flight >= p->d->max_crawls)
        return 1; /* the rest wait for their slots, or for a free place */
    if (s->crawled || job_in_flight(p->d, p->r->round_id, s->code))
        return 0;
    if (p->d->starts_left <= 0) {
        p->d->more_to_start = 1; /* at the loop's next turn */
        return 1;
    }
    p->d->starts_left--;
    if (job_start(p->d, p->r, s) < 0) {
        p->failed = 1;
        return 1;
    }
    p->budget--;
    return 0;
}

static long round_in_flight(const struct daemon *d, long round_id)
{
    long n = 0;
    for (const struct site_job *j = d->jobs; j; j = j->next)
        n += j->round_id == round_id;
    return n;
}

/* Starts the crawls of a round's sites not stored and not in flight whose slots passed
 * (schedule.h), as places allow. Returns the slot of the round's next crawl not started
 * yet, 0 when every one is started, or -1 after a failure (recorded). */
static time_t round_crawl(struct daemon *d, const struct schedule_round *r, time_t now)
{
    struct sc_error err = {{0}};
    if (strcmp(r->state, "drawn") == 0 &&
        storage_round_set_state(d->db, r->round_id, "checking", &err) < 0) {
        record_error(d, err.msg);
        return -1;
    }
    long flying = round_in_flight(d, r->round_id);
    struct crawl_pick pick = {d, r, schedule_crawls_allowed(r, now) - r->crawled - flying, 0};
    int rc =
        pick.budget > 0 ? storage_round_sample_each(d->db, r->round_id, pick_site, &pick, &err) : 0;
    if (rc < 0) {
        record_error(d, err.msg);
        return -1;
    }
    if (pick.failed)
        return -1;
    long started = r->crawled + round_in_flight(d, r->round_id);
    return started < r->sampled ? schedule_crawl_slot(r, started) : 0;
}

/* ---- draws and finalisations ---- */

static int round_draw(struct daemon *d, const struct schedule_round *r)
{
    struct sc_error err = {{0}};
    struct sampler_quarter q;
    struct draw_round_prep prep;
    long draw_id = 0;
    int rc = sampler_quarter_parse(r->quarter, &q, &err);
    if (rc == 0)
        rc = draw_round_prepare(d->config, q, r->number, NULL, &prep, &err);
    if (rc == 0)
        rc = storage_draw_round(d->db, &prep.req, &draw_id, &err);
    if (rc < 0) {
        struct strbuf msg = STRBUF_INIT;
        strbuf_addf(&msg, "cannot draw %s %d: %s", r->quarter, r->number, err.msg);
        record_error(d, msg.buf);
        strbuf_release(&msg);
        return rc;
    }
    struct sampler_record rec;
    memset(&rec, 0, sizeof rec);
    if (storage_draw_load(d->db, draw_id, &rec, &err) == 0)
        daemon_log(LOG_INFO, "drew %s %d: %ld of %ld sites, %ld repeats, seed %s (%s), draw %ld",
                   r->quarter, r->number, rec.sample_size, rec.frame_size, rec.repeats, rec.seed,
                   rec.seed_source, draw_id);
    sampler_record_free(&rec);
    return 0;
}

/* A site's final verdict: its stored crawl judged again with the availability veto. */
struct finalise_ctx {
    struct daemon *d;
    const struct schedule_round *r;
    int days;
    int recheck_attempts;
    long judged, failed;
    struct sc_error *err;
};

static int finalise_site(const struct sample_site *s, void *ud)
{
    struct finalise_ctx *f = ud;
    struct daemon *d = f->d;
    if (!s->crawled)
        return 0; /* never crawled: stays pending */
    long crawl_id = 0;
    struct site_report rep;
    struct avail_summary sum;
    memset(&rep, 0, sizeof rep);
    int rc = storage_crawl_find(d->db, f->r->round_id, s->code, &crawl_id, f->err);
    if (rc == 0)
        rc = storage_crawl_load_id(d->db, crawl_id, &rep, NULL, f->err);
    size_t rechecked = 0; /* suspected links now confirmed or cleared */
    if (rc == 0)
        rc = storage_rechecks_apply(d->db, crawl_id, f->recheck_attempts, &rep, &rechecked,
                                    f->err);
    if (rc == 0)
        rc = storage_avail_summary(d->db, f->r->round_id, s->code, f->days, &sum, f->err);
    struct availability_finding av = {f->days > 0, f->days, sum.probes, sum.conclusive,
                                      sum.failures, sum.min_per_day};
    if (rc == 0 && (rc = verdict_final(&d->rules, &rep, &av)) < 0)
        sc_fail(f->err, rc, "out of memory judging %s", s->code);
    struct strbuf json = STRBUF_INIT;
    if (rc == 0 && (rc = check_output_json(&rep, 1, &json)) < 0)
        sc_fail(f->err, rc, "out of memory rendering the report of %s", s->code);
    if (rc == 0)
        rc = storage_verdict_save(d->db, crawl_id, &rep, json.buf, sc_clock_now(), f->err);
    if (rc == 0) {
        f->judged++;
        f->failed += rep.judged && !rep.verdict_pass;
        daemon_log(LOG_INFO,
                   "final verdict of %s (%s %d): %s, score %.1f; availability %ld/%ld probes "
                   "failed, fewest a day %ld; %zu suspected links settled by re-checks",
                   s->code, f->r->quarter, f->r->number,
                   !rep.judged ? "not judged" : rep.verdict_pass ? "pass" : "fail", rep.score,
                   sum.failures, sum.conclusive, sum.min_per_day, rechecked);
    }
    strbuf_release(&json);
    site_report_free(&rep);
    return rc < 0 ? rc : 0;
}

static int round_finalise(struct daemon *d, const struct schedule_round *r, int monitoring_done)
{
    for (const struct site_job *j = d->jobs; j; j = j->next)
        if (j->round_id == r->round_id)
            return 1; /* its last crawls finish first */
    if (!monitoring_done || (d->monitor && monitor_in_flight(d->monitor, r->round_id)) ||
        d->recheck)
        return 1; /* so do its last probes and re-checks */
    struct sc_error err = {{0}};
    time_t from;
    int days;
    struct finalise_ctx f = {
        d, r, 0, (int)config_int(d->config, CFG_DAEMON_RECHECK_ATTEMPTS), 0, 0, &err};
    int rc = monitor_week(d->db, r, (int)d->rules.v[RULE_AVAIL_DAYS], &from, &days, &err);
    f.days = days;
    if (rc == 0)
        rc = storage_round_sample_each(d->db, r->round_id, finalise_site, &f, &err);
    if (rc == 0)
        rc = storage_round_set_state(d->db, r->round_id, "finalised", &err);
    if (rc < 0) {
        record_error(d, err.msg);
        return -1;
    }
    if (d->monitor)
        monitor_round_drop(d->monitor, r->round_id);
    daemon_log(LOG_INFO, "finalised %s %d: %ld of %ld sampled sites crawled, %ld judged, %ld fail",
               r->quarter, r->number, r->crawled, r->sampled, f.judged, f.failed);
    return 0;
}

/* ---- a final round's reports and publication ---- */

static void publish_done(int status, const char *msg, void *user)
{
    struct daemon *d = user;
    d->post = NULL;
    if (status == 0) {
        daemon_log(LOG_INFO, "rebuilt the round's reports and published it%s%s",
                   *msg ? "; " : "", msg);
        if (*msg)
            note_error(d, msg);
    } else if (status != SC_ECANCELED) {
        /* tried again later; the other actions go on meanwhile */
        struct strbuf m = STRBUF_INIT;
        strbuf_addf(&m, "publishing a final round: %s", msg);
        note_error(d, m.buf);
        strbuf_release(&m);
        d->publish_retry_at =
            sc_clock_now() + (d->opt->has_until ? RETRY_SIMULATED_SECONDS : RETRY_WALL_SECONDS);
    }
    if (d->stopping)
        daemon_stop(d, NULL);
    else
        tick_soon(d, 0);
}

/* A finalised round, not published yet: with [publish] out_dir set, rebuild its reports into
 * [daemon] state_dir/reports/QUARTER-ROUND and republish the site (which marks the round
 * published, so this is done once). Without out_dir the round stays finalised. */
static void round_publish(struct daemon *d, const struct schedule_round *r)
{
    const char *site = config_get(d->config, CFG_PUBLISH_OUT_DIR);
    if (d->post || d->stopping || !*site || sc_clock_now() < d->publish_retry_at)
        return;
    struct strbuf reports = STRBUF_INIT, qr = STRBUF_INIT;
    strbuf_addf(&reports, "%s/reports", config_get(d->config, CFG_DAEMON_STATE_DIR));
    if (!reports.failed)
        mkdir(reports.buf, 0755); /* the round's own directory is the report command's */
    strbuf_addf(&reports, "/%s-%d", r->quarter, r->number);
    strbuf_addf(&qr, "%d", r->number);
    char now[32] = "";
    if (sc_clock_is_simulated()) {
        sc_time_format(sc_clock_now(), now);
        now[16] = '\0'; /* YYYY-MM-DDTHH:MM, as --now takes it */
    }
    /* mail only with [mail] smtp_url; a delivery that fails waits for its retry (spotcheck
     * mail, docs/mail.md) and does not hold the publication */
    int mail = *config_get(d->config, CFG_MAIL_SMTP_URL) != '\0';
    struct postround_step steps[3] = {
        {{"report", r->quarter, qr.buf, "--out", reports.buf, NULL}, 0},
        {{"mail", r->quarter, qr.buf, NULL}, 1},
        {{"publish", "--out", site, NULL}, 0},
    };
    if (!mail)
        steps[1] = steps[2];
    struct postround_request req = {d->db_path, d->config->file, *now ? now : NULL, steps,
                                    mail ? 3 : 2};
    struct sc_error err = {{0}};
    if (reports.failed || qr.failed)
        sc_fail(&err, SC_ENOMEM, "out of memory");
    else if (postround_start(&d->loop, &req, publish_done, d, &d->post, &err) == 0)
        daemon_log(LOG_INFO, "%s %d is final: rebuilding its reports in %s, publishing to %s",
                   r->quarter, r->number, reports.buf, site);
    if (*err.msg) {
        note_error(d, err.msg);
        d->publish_retry_at =
            sc_clock_now() + (d->opt->has_until ? RETRY_SIMULATED_SECONDS : RETRY_WALL_SECONDS);
    }
    strbuf_release(&reports);
    strbuf_release(&qr);
}

/* ---- the tick ---- */

/* Does the due actions; returns 1 when one changed what is stored (reload and look again),
 * 0 when nothing more is due now, -1 when the rounds could not be loaded. */
static int tick_once(struct daemon *d, time_t now, struct schedule_action *next, char *next_name,
                     size_t next_size)
{
    struct sc_error err = {{0}};
    struct schedule_round *rounds = NULL;
    size_t n = 0;
    if (schedule_load(d->db, d->config, now, &rounds, &n, &err) < 0) {
        record_error(d, err.msg);
        return -1;
    }
    int changed = 0;
    next->kind = SCHEDULE_NONE;
    for (size_t i = 0; i < n && !changed; i++) {
        const struct schedule_round *r = &rounds[i];
        struct schedule_action a = schedule_round_action(r, now);
        if (strcmp(r->state, "finalised") == 0)
            round_publish(d, r);
        if (a.kind == SCHEDULE_NONE)
            continue;
        /* the monitoring week of a drawn round runs beside its other actions */
        struct monitor_tick mt = {0, 1};
        if (r->drawn && !r->finalised && d->monitor && !d->stopping) {
            if (monitor_round_tick(d->monitor, r, now, &mt, &err) < 0) {
                struct strbuf msg = STRBUF_INIT;
                strbuf_addf(&msg, "monitoring %s %d: %s", r->quarter, r->number, err.msg);
                /* the round's other actions go on; its finalisation waits for the monitoring */
                note_error(d, msg.buf);
                strbuf_release(&msg);
                mt.complete = 0;
                mt.next = now + (d->opt->has_until ? RETRY_SIMULATED_SECONDS : RETRY_WALL_SECONDS);
            }
            if (mt.next && (next->kind == SCHEDULE_NONE || mt.next < next->at)) {
                *next = (struct schedule_action){SCHEDULE_PROBE, mt.next};
                snprintf(next_name, next_size, "probe %s %d", r->quarter, r->number);
            }
        }
        int due = a.at <= now && now >= d->hold_until;
        if (due && a.kind == SCHEDULE_DRAW)
            changed = round_draw(d, r) == 0;
        else if (due && a.kind == SCHEDULE_FINALISE)
            changed = round_finalise(d, r, mt.complete) == 0;
        /* the next moment to look again: an action not due yet, or held after a failure, or
         * the round's next crawl slot */
        time_t when = a.at > now ? a.at : now < d->hold_until ? d->hold_until : 0;
        if (due && a.kind == SCHEDULE_CRAWL) {
            time_t slot = round_crawl(d, r, now);
            if (slot < 0) /* failed: tried again once the hold is over */
                when = d->hold_until > now ? d->hold_until : 0;
            else
                when = slot > now ? slot : 0;
        }
        if (!changed && when && (next->kind == SCHEDULE_NONE || when < next->at)) {
            *next = (struct schedule_action){a.kind, when};
            snprintf(next_name, next_size, "%s %s %d", schedule_kind_name(a.kind), r->quarter,
                     r->number);
        }
    }
    free(rounds);
    return changed;
}

/* ---- re-checks after rectification deadlines (整改 复查, docs/rectification.md) ---- */

/* A re-check crawl finished: judge it against the final defects and store it whole. Nothing
 * is stored when this fails (the re-check is done again after the hold). */
static void rectify_finished(struct site_job *job, struct site_report *r)
{
    struct daemon *d = job->d;
    struct sc_error err = {{0}};
    struct site_report final;
    struct strbuf json = STRBUF_INIT, msg = STRBUF_INIT;
    struct rectify_item *items = NULL;
    size_t nitems = 0;
    int rectified = 0;
    memset(&final, 0, sizeof final);
    int rc = storage_crawl_load_id(d->db, job->rectify_crawl_id, &final, NULL, &err);
    if (rc == 0) {
        rc = storage_verdict_load(d->db, job->rectify_crawl_id, &final, NULL, &err);
        if (rc == 0)
            rc = sc_fail(&err, SC_ENOTFOUND, "its final verdict is gone");
        else if (rc == 1)
            rc = 0;
    }
    if (rc == 0 && !r->judged)
        rc = sc_fail(&err, SC_ERUNTIME, "the re-check crawl was not judged");
    if (rc == 0 && (rc = rectify_compare(&final, r, &items, &nitems, &rectified)) < 0)
        sc_fail(&err, rc, "out of memory comparing");
    if (rc == 0 && (rc = check_output_json(r, 1, &json)) < 0)
        sc_fail(&err, rc, "out of memory rendering the report");
    if (rc == 0)
        rc = storage_rectification_save(d->db, job->rectify_crawl_id, &final, r, items, nitems,
                                        rectified, json.buf, job->started, sc_clock_now(), &err);
    if (rc < 0) {
        strbuf_addf(&msg, "re-check of %s (%s) after its deadline: %s", job->code,
                    job->round_name, err.msg);
        record_error(d, msg.buf);
    } else {
        size_t fixed = 0;
        for (size_t i = 0; i < nitems; i++)
            fixed += (size_t)items[i].fixed;
        daemon_log(LOG_INFO, "re-checked %s (%s) after its deadline: %s, %zu of %zu failed items "
                   "fixed",
                   job->code, job->round_name, rectified ? "rectified" : "not rectified", fixed,
                   nitems);
    }
    free(items);
    site_report_free(&final);
    strbuf_release(&json);
    strbuf_release(&msg);
}

struct rectify_pick {
    struct daemon *d;
    time_t now, next; /* next: the earliest re-check not due yet, 0 when none */
};

static int pick_rectify(const struct rectification_due *due, void *ud)
{
    struct rectify_pick *p = ud;
    struct daemon *d = p->d;
    if (due->due > p->now) {
        if (!p->next || due->due < p->next)
            p->next = due->due;
        return 0;
    }
    if (job_in_flight(d, due->round_id, due->code))
        return 0;
    if (d->in_flight >= d->max_crawls || d->starts_left <= 0) {
        d->more_to_start = d->in_flight < d->max_crawls;
        return 1;
    }
    struct schedule_round r;
    memset(&r, 0, sizeof r);
    snprintf(r.quarter, sizeof r.quarter, "%s", due->quarter);
    r.number = due->round;
    r.round_id = due->round_id;
    struct sample_site s = {due->code, due->url, due->code, "", due->type, 0, 1};
    d->starts_left--;
    return job_start_kind(d, &r, &s, due->crawl_id) < 0 ? 1 : 0;
}

/* Starts the re-checks whose deadline passed, or says when the next one is due. */
static void rectify_tick(struct daemon *d, time_t now, struct schedule_action *next,
                         char *next_name, size_t next_size)
{
    /* not while a child publishes: a re-check stored meanwhile, at the same moment of a
     * standing simulated clock, would be marked published unseen */
    if (d->stopping || now < d->hold_until || d->post)
        return;
    struct rectify_pick p = {d, now, 0};
    struct sc_error err = {{0}};
    int days = (int)config_int(d->config, CFG_PUBLISH_RECTIFICATION_DAYS);
    if (storage_rectifications_due_each(d->db, days, pick_rectify, &p, &err) < 0 && *err.msg) {
        struct strbuf msg = STRBUF_INIT;
        strbuf_addf(&msg, "re-checks after deadlines: %s", err.msg);
        record_error(d, msg.buf);
        strbuf_release(&msg);
        return;
    }
    if (p.next && (next->kind == SCHEDULE_NONE || p.next < next->at)) {
        *next = (struct schedule_action){SCHEDULE_CRAWL, p.next};
        snprintf(next_name, next_size, "re-check after a rectification deadline");
    }
}

static void republish_done(int status, const char *msg, void *user)
{
    struct daemon *d = user;
    d->post = NULL;
    struct sc_error err = {{0}};
    if (status == 0) {
        char at[32];
        sc_time_format(sc_clock_now(), at);
        if (storage_rectifications_mark_published(d->db, d->republish_upto, at, &err) < 0)
            note_error(d, err.msg);
        else
            daemon_log(LOG_INFO, "published the re-checks after rectification deadlines");
    } else if (status != SC_ECANCELED) {
        struct strbuf m = STRBUF_INIT;
        strbuf_addf(&m, "publishing re-checks: %s", msg);
        note_error(d, m.buf);
        strbuf_release(&m);
        d->publish_retry_at =
            sc_clock_now() + (d->opt->has_until ? RETRY_SIMULATED_SECONDS : RETRY_WALL_SECONDS);
    }
    if (d->stopping)
        daemon_stop(d, NULL);
    else
        tick_soon(d, 0);
}

/* With [publish] out_dir set, republishes the site once the re-checks in flight are stored
 * and some are not shown yet (rectifications.published_at NULL, set when this succeeded: a
 * kill before that publishes again on restart). */
static void rectify_publish(struct daemon *d)
{
    const char *site = config_get(d->config, CFG_PUBLISH_OUT_DIR);
    if (d->post || d->stopping || !*site || sc_clock_now() < d->publish_retry_at)
        return;
    for (const struct site_job *j = d->jobs; j; j = j->next)
        if (j->rectify_crawl_id > 0)
            return; /* one publication for the re-checks due together */
    struct sc_error err = {{0}};
    long n = storage_rectifications_unpublished(d->db, d->republish_upto, &err);
    if (n <= 0) {
        if (n < 0)
            note_error(d, err.msg);
        return;
    }
    char now[32] = "";
    if (sc_clock_is_simulated()) {
        sc_time_format(sc_clock_now(), now);
        now[16] = '\0'; /* YYYY-MM-DDTHH:MM, as --now takes it */
    }
    /* the re-checked rounds' reports (STATE_DIR/reports/Q-R, as round_publish writes them),
     * then the public site */
    enum { MAX_ROUNDS = 7 };
    char quarters[MAX_ROUNDS][8], numbers_text[MAX_ROUNDS][16];
    int numbers[MAX_ROUNDS];
    struct strbuf dirs[MAX_ROUNDS];
    struct postround_step steps[MAX_ROUNDS + 1];
    int nrounds = storage_rectifications_unpublished_rounds(d->db, quarters, numbers, MAX_ROUNDS,
                                                            &err);
    if (nrounds < 0) {
        note_error(d, err.msg);
        return;
    }
    int failed = 0;
    struct strbuf base = STRBUF_INIT;
    strbuf_addf(&base, "%s/reports", config_get(d->config, CFG_DAEMON_STATE_DIR));
    if (nrounds > 0 && !base.failed)
        mkdir(base.buf, 0755); /* the round's own directory is the report command's */
    failed |= base.failed;
    strbuf_release(&base);
    for (int i = 0; i < nrounds; i++) {
        strbuf_init(&dirs[i]);
        strbuf_addf(&dirs[i], "%s/reports/%s-%d", config_get(d->config, CFG_DAEMON_STATE_DIR),
                    quarters[i], numbers[i]);
        failed |= dirs[i].failed;
        snprintf(numbers_text[i], sizeof numbers_text[i], "%d", numbers[i]);
        steps[i] = (struct postround_step){
            {"report", quarters[i], numbers_text[i], "--out", dirs[i].buf, NULL}, 0};
    }
    steps[nrounds] = (struct postround_step){{"publish", "--out", site, NULL}, 0};
    struct postround_request req = {d->db_path, d->config->file, *now ? now : NULL, steps,
                                    nrounds + 1};
    if (failed)
        note_error(d, "out of memory publishing re-checks");
    else if (postround_start(&d->loop, &req, republish_done, d, &d->post, &err) == 0)
        daemon_log(LOG_INFO, "publishing %ld re-check%s after rectification deadlines to %s", n,
                   n == 1 ? "" : "s", site);
    else
        note_error(d, err.msg);
    for (int i = 0; i < nrounds; i++)
        strbuf_release(&dirs[i]);
}

/* ---- re-checks of suspected links ---- */

static void recheck_done(struct recheck *rc, int status, const struct recheck_summary *sum,
                         void *user)
{
    (void)rc;
    struct daemon *d = user;
    d->recheck = NULL;
    if (sum->recorded || sum->due)
        daemon_log(LOG_INFO,
                   "re-checked %zu suspected links: %zu cleared, %zu confirmed broken, %zu still "
                   "suspected, %zu gone, %zu not recorded",
                   sum->recorded, sum->cleared, sum->confirmed, sum->pending, sum->gone,
                   sum->not_recorded);
    if (status < 0 && status != SC_ECANCELED) {
        struct strbuf msg = STRBUF_INIT;
        strbuf_addf(&msg, "re-checks: %s", sum->error && *sum->error ? sum->error : "failed");
        record_error(d, msg.buf);
        strbuf_release(&msg);
    }
    if (d->stopping)
        daemon_stop(d, NULL);
    else
        tick_soon(d, 0);
}

/* Starts the re-checks that are due, or says when the next one is. */
static void recheck_tick(struct daemon *d, time_t now, struct schedule_action *next,
                         char *next_name, size_t next_size)
{
    if (d->recheck || d->stopping || now < d->hold_until)
        return;
    long after = config_int(d->config, CFG_DAEMON_RECHECK_AFTER_HOURS) * 3600;
    int attempts = (int)config_int(d->config, CFG_DAEMON_RECHECK_ATTEMPTS);
    struct sc_error err = {{0}};
    time_t at = 0;
    int rc = storage_rechecks_next_due(d->db, after, attempts, &at, &err);
    if (rc == SC_ENOTFOUND)
        return;
    if (rc == 0 && at <= now)
        rc = recheck_start(&d->loop, d->db, &d->copt.fetch, now, after, attempts, recheck_done, d,
                           &d->recheck, &err);
    if (rc < 0) {
        struct strbuf msg = STRBUF_INIT;
        strbuf_addf(&msg, "re-checks: %s", err.msg);
        record_error(d, msg.buf);
        strbuf_release(&msg);
        return;
    }
    if (at > now && (next->kind == SCHEDULE_NONE || at < next->at)) {
        *next = (struct schedule_action){SCHEDULE_RECHECK, at};
        snprintf(next_name, next_size, "recheck suspected links");
    }
}

/* ---- retries of failed mail deliveries ---- */

static void mail_retry_done(int status, const char *msg, void *user)
{
    struct daemon *d = user;
    d->post = NULL;
    if (status == 0)
        daemon_log(LOG_INFO, "retried the failed mail deliveries that were due%s%s",
                   *msg ? ": " : "", msg);
    else if (status != SC_ECANCELED)
        note_error(d, msg);
    if (d->stopping)
        daemon_stop(d, NULL);
    else
        tick_soon(d, 0);
}

/* With [mail] smtp_url set, runs `mail Q R` (a child, as postround does) when a failed
 * delivery's next attempt is due (docs/mail.md, "Retries"), or says when that is. The
 * command itself decides what to send and records the new next attempt; the daemon runs it
 * at most once per retry interval so that a command that cannot record (a bad database, a
 * configuration refused) does not spin. */
static void mail_retry_tick(struct daemon *d, time_t now, struct schedule_action *next,
                            char *next_name, size_t next_size)
{
    if (d->post || d->stopping || !*config_get(d->config, CFG_MAIL_SMTP_URL))
        return;
    struct sc_error err = {{0}};
    time_t at = 0;
    char quarter[8] = "";
    int round = 0;
    int rc = storage_deliveries_next_due(d->db, &at, quarter, &round, &err);
    if (rc == SC_ENOTFOUND)
        return;
    if (rc < 0) {
        note_error(d, err.msg);
        return;
    }
    if (at < d->mail_retry_after)
        at = d->mail_retry_after;
    if (at > now) {
        if (next->kind == SCHEDULE_NONE || at < next->at) {
            *next = (struct schedule_action){SCHEDULE_RECHECK, at};
            snprintf(next_name, next_size, "retry mail %s %d", quarter, round);
        }
        return;
    }
    char qr[16], clock[32] = "";
    snprintf(qr, sizeof qr, "%d", round);
    if (sc_clock_is_simulated()) {
        sc_time_format(now, clock);
        clock[16] = '\0'; /* YYYY-MM-DDTHH:MM, as --now takes it */
    }
    struct postround_step step = {{"mail", quarter, qr, NULL}, 1};
    struct postround_request req = {d->db_path, d->config->file, *clock ? clock : NULL, &step, 1};
    d->mail_retry_after =
        now + (d->opt->has_until ? RETRY_SIMULATED_SECONDS / 6 : RETRY_WALL_SECONDS);
    if (postround_start(&d->loop, &req, mail_retry_done, d, &d->post, &err) == 0)
        daemon_log(LOG_INFO, "retrying the failed mail deliveries of %s %d", quarter, round);
    else
        note_error(d, err.msg);
}

static void on_tick(uv_timer_t *t)
{
    struct daemon *d = t->data;
    if (d->stopping)
        return;
    if (d->opt->follow_wall_clock)
        sc_clock_advance(d->clock_t0 + (time(NULL) - d->wall_t0));
    const char *registry = config_get(d->config, CFG_DAEMON_REGISTRY);
    if (*registry) {
        struct import_summary sum;
        struct sc_error err = {{0}};
        int rc = registry_watch_check(&d->registry, d->db, registry, &sum, &err);
        if (rc == 1)
            daemon_log(LOG_INFO,
                       "imported the registry %s as import #%ld: %ld added, %ld updated, %ld "
                       "status changes, %ld no longer listed",
                       registry, sum.import_id, sum.added, sum.updated, sum.status_changes,
                       sum.unlisted);
        else if (rc < 0)
            note_error(d, err.msg);
    }
    time_t now = sc_clock_now();
    struct schedule_action next = {SCHEDULE_NONE, 0};
    char next_name[64] = "";
    int r;
    d->starts_left = CRAWL_STARTS_PER_TURN;
    d->more_to_start = 0;
    for (int pass = 0;
         pass < 64 && (r = tick_once(d, now, &next, next_name, sizeof next_name)) == 1; pass++)
        ;
    recheck_tick(d, now, &next, next_name, sizeof next_name);
    rectify_tick(d, now, &next, next_name, sizeof next_name);
    rectify_publish(d);
    mail_retry_tick(d, now, &next, next_name, sizeof next_name);
    char hb[32], at[32] = "";
    sc_time_format(now, hb);
    if (next.kind != SCHEDULE_NONE)
        sc_time_format(next.at, at);
    struct sc_error err = {{0}};
    if (storage_daemon_next(d->db, hb, next.kind != SCHEDULE_NONE ? next_name : NULL, at, &err) < 0)
        daemon_log(LOG_ERROR, "%s", err.msg);
    if (next.kind != SCHEDULE_NONE)
        notify_status("next: %s at %s", next_name, at);
    else
        notify_status("nothing scheduled");
    if (d->monitor && monitor_take_error(d->monitor, &err))
        note_error(d, err.msg);
    if (d->more_to_start) {
        tick_soon(d, 0); /* the due crawls left for this turn start at the next */
        return;
    }
    if (d->opt->has_until) {
        if (d->in_flight > 0 || d->recheck || d->post ||
            (d->monitor && monitor_in_flight(d->monitor, 0) > 0))
            return; /* the clock stands still; each finished crawl, probe or re-check run
                       ticks again */
        if (next.kind == SCHEDULE_NONE || next.at > d->opt->until) {
            sc_clock_advance(d->opt->until);
            daemon_stop(d, "the clock reached --until");
            return;
        }
        daemon_log(LOG_DEBUG, "clock jumps to %s for %s", at, next_name);
        sc_clock_advance(next.at);
        tick_soon(d, 0);
        return;
    }
    time_t wait = next.kind == SCHEDULE_NONE ? WALL_TICK_MAX_SECONDS : next.at - now;
    if (wait < 1)
        wait = 1;
    if (wait > WALL_TICK_MAX_SECONDS)
        wait = WALL_TICK_MAX_SECONDS;
    tick_soon(d, (uint64_t)wait * 1000);
}

static void tick_soon(struct daemon *d, uint64_t ms)
{
    if (!d->stopping)
        uv_timer_start(&d->timer, on_tick, ms, 0);
}

/* ---- stopping ---- */

static void daemon_stop(struct daemon *d, const char *why)
{
    if (why)
        daemon_log(LOG_INFO, "stopping: %s", why);
    if (!d->stopping) {
        d->stopping = 1;
        notify_stopping();
        uv_timer_stop(&d->timer);
        for (struct site_job *j = d->jobs; j; j = j->next)
            crawl_cancel(j->crawl);
        if (d->recheck)
            recheck_cancel(d->recheck);
        if (d->post)
            postround_cancel(d->post);
    }
    if (d->monitor && !d->monitor_closing) {
        d->monitor_closing = 1;
        monitor_close(d->monitor, monitor_closed, d);
    }
    if (d->in_flight == 0 && !d->monitor && !d->recheck && !d->post && !d->closed) {
        d->closed = 1;
        uv_close((uv_handle_t *)&d->timer, NULL);
        uv_close((uv_handle_t *)&d->watchdog, NULL);
        uv_close((uv_handle_t *)&d->sigterm, NULL);
        uv_close((uv_handle_t *)&d->sigint, NULL);
        uv_close((uv_handle_t *)&d->sighup, NULL);
    }
}

static void monitor_closed(void *user)
{
    struct daemon *d = user;
    d->monitor = NULL;
    daemon_stop(d, NULL);
}

static void on_signal(uv_signal_t *s, int signum)
{
    struct daemon *d = s->data;
    daemon_stop(d, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

/* ---- SIGHUP: reload the configuration ---- */

/* A fresh store with the command line's values of cur, then the file loaded under them; the
 * crawl options and rule table it gives. On failure nothing is kept. */
static int config_reload(const struct config *cur, struct config *fresh, struct crawl_options *copt,
                         struct rules *rules, struct sc_error *err)
{
    config_init(fresh);
    crawl_options_default(copt);
    int rc = 0;
    for (int id = 0; id < CFG_COUNT && rc == 0; id++)
        for (size_t i = 0; i < cur->slot[id].n && rc == 0; i++)
            if (cur->slot[id].e[i].origin == CONFIG_COMMAND_LINE)
                rc = config_set(fresh, id, cur->slot[id].e[i].value, CONFIG_COMMAND_LINE, 0, err);
    if (rc == 0)
        rc = config_load_file(fresh, cur->file, err);
    if (rc == 0)
        rc = config_crawl_options(fresh, copt, err);
    if (rc == 0)
        rc = config_rules(fresh, rules, err);
    if (rc < 0) {
        config_release(fresh);
        netopts_release(copt);
    }
    return rc;
}

static void on_hangup(uv_signal_t *s, int signum)
{
    (void)signum;
    struct daemon *d = s->data;
    if (!d->config->file) {
        daemon_log(LOG_INFO, "SIGHUP: no --config file to reload");
        return;
    }
    struct config fresh;
    struct crawl_options copt;
    struct rules rules;
    struct sc_error err = {{0}};
    notify_reloading();
    int rc = config_reload(d->config, &fresh, &copt, &rules, &err);
    notify_ready(); /* reloaded, or the old configuration kept: running either way */
    if (rc < 0) {
        struct strbuf msg = STRBUF_INIT;
        strbuf_addf(&msg, "SIGHUP: %s; the configuration in effect is kept", err.msg);
        note_error(d, msg.buf);
        strbuf_release(&msg);
        return;
    }
    /* crawls in flight keep the copies they started with (crawl.h, content_run.h) */
    config_release(d->config);
    *d->config = fresh;
    netopts_release(&d->copt);
    d->copt = copt;
    d->rules = rules;
    d->max_crawls = (size_t)config_int(d->config, CFG_DAEMON_CRAWL_CONCURRENCY);
    daemon_log(LOG_INFO, "SIGHUP: reloaded %s", d->config->file);
    tick_soon(d, 0);
}

/* ---- start ---- */

static int daemon_setup(struct daemon *d, struct sc_error *err)
{
    crawl_options_default(&d->copt);
    int rc = config_crawl_options(d->config, &d->copt, err);
    if (rc == 0)
        rc = config_rules(d->config, &d->rules, err);
    d->max_crawls = (size_t)config_int(d->config, CFG_DAEMON_CRAWL_CONCURRENCY);
    if (d->max_crawls < 1)
        d->max_crawls = 1;
    return rc;
}

/* Tells systemd the loop is alive: a loop stuck anywhere stops these, and systemd restarts
 * the daemon after WatchdogSec. */
static void on_watchdog(uv_timer_t *t)
{
    (void)t;
    notify_watchdog();
}

static void monitor_wake(void *user)
{
    tick_soon(user, 0);
}

/* The availability monitor with the network options and the rule table in effect. */
static int monitor_start(struct daemon *d, struct sc_error *err)
{
    struct monitor_options mo;
    memset(&mo, 0, sizeof mo);
    avail_options_default(&mo.probe);
    mo.probe.timeout_ms = (long)d->rules.v[RULE_AVAIL_TIMEOUT_SECONDS] * 1000;
    mo.probe.allow_private = d->copt.fetch.allow_private;
    mo.probe.no_dns = d->copt.fetch.no_dns;
    mo.probe.connect_to = d->copt.fetch.connect_to;
    mo.probe.nconnect_to = d->copt.fetch.nconnect_to;
    mo.probe.user_agent = d->copt.fetch.user_agent;
    const struct config_slot *refs = &d->config->slot[CFG_DAEMON_REFERENCE_TARGETS];
    char *list[64];
    for (size_t i = 0; i < refs->n && mo.nreferences < 64; i++)
        if (*refs->e[i].value)
            list[mo.nreferences++] = refs->e[i].value;
    mo.references = list;
    mo.days = (int)d->rules.v[RULE_AVAIL_DAYS];
    mo.per_day = (int)d->rules.v[RULE_AVAIL_PROBES_PER_DAY];
    mo.wake = monitor_wake;
    mo.user = d;
    return monitor_new(&d->loop, d->db, &mo, &d->monitor, err);
}

int daemon_run(struct config *config, const char *db_path, const struct daemon_run_options *o)
{
    struct daemon d;
    memset(&d, 0, sizeof d);
    d.config = config;
    d.db_path = db_path;
    d.opt = o;
    d.clock_t0 = sc_clock_now();
    d.wall_t0 = time(NULL);
    struct sc_error err = {{0}};
    int rc = daemon_setup(&d, &err);
    if (rc < 0) {
        fprintf(stderr, "spotcheck daemon: %s\n", err.msg);
        netopts_release(&d.copt);
        return sc_exit_status(rc);
    }
    rc = storage_open(db_path, &d.db, &err);
    if (rc < 0) {
        fprintf(stderr, "spotcheck daemon: %s\n", err.msg);
        netopts_release(&d.copt);
        return sc_exit_status(rc);
    }
    char since[32];
    sc_time_format(sc_clock_now(), since);
    if (storage_daemon_started(d.db, (long)getpid(), since, SPOTCHECK_VERSION, &err) < 0 ||
        uv_loop_init(&d.loop) != 0) {
        fprintf(stderr, "spotcheck daemon: cannot start: %s\n", *err.msg ? err.msg : "event loop");
        storage_close(d.db);
        netopts_release(&d.copt);
        return EXIT_RUNTIME;
    }
    if (monitor_start(&d, &err) < 0) {
        fprintf(stderr, "spotcheck daemon: %s\n", err.msg);
        uv_loop_close(&d.loop);
        storage_close(d.db);
        netopts_release(&d.copt);
        return sc_exit_status(SC_EINPUT);
    }
    uv_timer_init(&d.loop, &d.timer);
    uv_timer_init(&d.loop, &d.watchdog);
    d.watchdog.data = &d;
    unsigned long watchdog_ms = notify_watchdog_interval_ms();
    if (watchdog_ms)
        uv_timer_start(&d.watchdog, on_watchdog, watchdog_ms, watchdog_ms);
    uv_signal_init(&d.loop, &d.sigterm);
    uv_signal_init(&d.loop, &d.sigint);
    uv_signal_init(&d.loop, &d.sighup);
    d.timer.data = d.sigterm.data = d.sigint.data = d.sighup.data = &d;
    uv_signal_start(&d.sighup, on_hangup, SIGHUP);
    uv_signal_start(&d.sigterm, on_signal, SIGTERM);
    uv_signal_start(&d.sigint, on_signal, SIGINT);
    daemon_log(LOG_INFO, "spotcheck %s daemon started (pid %ld, database %s, %s clock)",
               SPOTCHECK_VERSION, (long)getpid(), db_path,
               o->has_until              ? "simulated"
               : sc_clock_is_simulated() ? "offset"
                                         : "wall");
    notify_ready();
    tick_soon(&d, 0);
    uv_run(&d.loop, UV_RUN_DEFAULT);
    int status = EXIT_OK;
    if (uv_loop_close(&d.loop) != 0) {
        daemon_log(LOG_ERROR, "the event loop still had open handles");
        status = EXIT_RUNTIME;
    }
    if (storage_daemon_stopped(d.db, &err) < 0)
        daemon_log(LOG_ERROR, "%s", err.msg);
    storage_close(d.db);
    netopts_release(&d.copt);
    daemon_log(LOG_INFO, "stopped");
    return status;
}

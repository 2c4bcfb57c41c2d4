/* cmd_status: `spotcheck status`: what the daemon is doing and what is due next, read from
 * the database and the clock (works while the daemon runs; contract.md). Whether a daemon
 * runs is asked of its lock (daemon_lock.h); its start, version and last error come from
 * its row (storage/rounds.h); the next action is worked out by the same schedule the
 * daemon follows. */
#include "common/clock.h"
#include "common/json.h"
#include "common/strbuf.h"
#include "daemon/cli.h"
#include "daemon/config.h"
#include "daemon/daemon_lock.h"
#include "daemon/monitor.h"
#include "storage/monitor.h"
#include "storage/rechecks.h"
#include "storage/rectifications.h"
#include "daemon/schedule_load.h"
#include "sampler/calendar.h"
#include "storage/rounds.h"

#include <stdlib.h>
#include <string.h>

enum { OPT_FORMAT = OPT_FIRST_COMMAND_OPTION };

static void status_usage(FILE *out)
{
    fputs("usage: spotcheck status [--format text|json]\n\n"
          "Shows whether a daemon runs on the database (pid, since, version), each round's\n"
          "state, window and progress (sampled, crawled), the next due action and when, and\n"
          "the last error the daemon recorded. Reads the database; works while the daemon\n"
          "runs. --now evaluates what is due as of that moment.\n\n"
          "Options:\n"
          "  --format FMT     text (default) or json (contract.md)\n",
          out);
    cli_print_common_options(out);
}

/* "YYYY-MM-DDTHH:MM" of a moment */
static void minute_text(time_t t, char *out)
{
    char full[32];
    sc_time_format(t, full);
    snprintf(out, 17, "%.16s", full);
}

static void day_text(long day, char *out)
{
    sc_day_format(day, out);
}

/* The rounds status lists: those stored, and the calendar's of the clock's quarter. */
static int status_lists(const struct schedule_round *r, const char *current)
{
    return r->round_id != 0 || strcmp(r->quarter, current) <= 0;
}

/* What status adds to a stored round's progress. */
struct round_extra {
    long probes_done;      /* conclusive availability probes stored */
    long probes_due;       /* sampled sites x days of its monitoring week x probes a day */
    long rechecks_pending; /* suspected links still to re-check */
    /* failing sites' re-checks after the rectification deadline (复查): done, waiting (not
     * done yet) and, of those, due (the deadline passed) */
    long rect_done, rect_waiting, rect_due;
};

struct status_view {
    time_t now;
    pid_t pid;
    struct daemon_state st;
    int have_state;
    struct schedule_round *rounds;
    size_t n;
    char current[8];
    struct round_extra *extra; /* per round */
    struct schedule_action next;
    size_t next_index;
};

/* While the daemon runs, its own next action (it knows the availability probes too). */
static int daemon_next_known(const struct status_view *v)
{
    return v->pid && v->have_state && *v->st.next_action && *v->st.next_at;
}

/* The daemon's next moment as minute text ("2026-11-22T10:00"). */
static const char *daemon_next_at(const struct status_view *v, char *t)
{
    snprintf(t, 17, "%.16s", v->st.next_at);
    return t;
}

static void status_json(const struct status_view *v, struct strbuf *out)
{
    struct json_writer w;
    char t[32];
    json_init(&w, out, 1);
    json_object_begin(&w);
    minute_text(v->now, t);
    json_kv_string(&w, "now", t);
    json_key(&w, "daemon");
    json_object_begin(&w);
    json_kv_bool(&w, "running", v->pid != 0);
    json_key(&w, "pid");
    if (v->pid)
        json_int(&w, v->pid);
    else
        json_null(&w);
    json_kv_string(&w, "since", v->pid && v->have_state && *v->st.since ? v->st.since : NULL);
    json_kv_string(&w, "version", v->pid && v->have_state && *v->st.version ? v->st.version : NULL);
    json_object_end(&w);
    json_key(&w, "rounds");
    json_array_begin(&w);
    for (size_t i = 0; i < v->n; i++) {
        const struct schedule_round *r = &v->rounds[i];
        if (!status_lists(r, v->current))
            continue;
        json_object_begin(&w);
        json_kv_string(&w, "quarter", r->quarter);
        json_kv_int(&w, "round", r->number);
        json_kv_string(&w, "state", r->state);
        json_kv_int(&w, "sampled", r->sampled);
        json_kv_int(&w, "crawled", r->crawled);
        json_kv_int(&w, "probes_done", v->extra[i].probes_done);
        json_kv_int(&w, "probes_due", v->extra[i].probes_due);
        json_kv_int(&w, "rechecks_pending", v->extra[i].rechecks_pending);
        json_key(&w, "rectification_rechecks");
        json_object_begin(&w);
        json_kv_int(&w, "done", v->extra[i].rect_done);
        json_kv_int(&w, "waiting", v->extra[i].rect_waiting);
        json_kv_int(&w, "due", v->extra[i].rect_due);
        json_object_end(&w);
        json_key(&w, "window");
        json_object_begin(&w);
        day_text(r->window_start, t);
        json_kv_string(&w, "from", t);
        day_text(r->window_end, t);
        json_kv_string(&w, "to", t);
        json_object_end(&w);
        json_object_end(&w);
    }
    json_array_end(&w);
    json_key(&w, "next");
    if (daemon_next_known(v)) {
        json_object_begin(&w);
        json_kv_string(&w, "action", v->st.next_action);
        json_kv_string(&w, "at", daemon_next_at(v, t));
        json_object_end(&w);
    } else if (v->next.kind == SCHEDULE_NONE) {
        json_null(&w);
    } else {
        const struct schedule_round *r = &v->rounds[v->next_index];
        struct strbuf action = STRBUF_INIT;
        strbuf_addf(&action, "%s %s %d", schedule_kind_name(v->next.kind), r->quarter, r->number);
        json_object_begin(&w);
        json_kv_string(&w, "action", action.buf);
        minute_text(v->next.at, t);
        json_kv_string(&w, "at", t);
        json_object_end(&w);
        strbuf_release(&action);
    }
    json_kv_string(&w, "last_error", v->have_state && *v->st.last_error ? v->st.last_error : NULL);
    json_object_end(&w);
    strbuf_addch(out, '\n');
}

static void status_text(const struct status_view *v, struct strbuf *out)
{
    char t[32], from[16], to[16];
    minute_text(v->now, t);
    strbuf_addf(out, "now:     %s\n", t);
    if (v->pid)
        strbuf_addf(out, "daemon:  running, pid %ld, since %s, version %s\n", (long)v->pid,
                    v->have_state ? v->st.since : "?", v->have_state ? v->st.version : "?");
    else
        strbuf_adds(out, "daemon:  not running\n");
    for (size_t i = 0; i < v->n; i++) {
        const struct schedule_round *r = &v->rounds[i];
        if (!status_lists(r, v->current))
            continue;
        day_text(r->window_start, from);
        day_text(r->window_end, to);
        strbuf_addf(out,
                    "round:   %s %d  %-9s  window %s..%s  sampled %ld  crawled %ld  probes "
                    "%ld/%ld  re-checks pending %ld",
                    r->quarter, r->number, r->state, from, to, r->sampled, r->crawled,
                    v->extra[i].probes_done, v->extra[i].probes_due,
                    v->extra[i].rechecks_pending);
        const struct round_extra *x = &v->extra[i];
        if (x->rect_done || x->rect_waiting)
            strbuf_addf(out, "  rectification re-checks %ld done, %ld waiting (%ld due)",
                        x->rect_done, x->rect_waiting, x->rect_due);
        strbuf_addch(out, '\n');
    }
    if (daemon_next_known(v)) {
        strbuf_addf(out, "next:    %s at %s\n", v->st.next_action, daemon_next_at(v, t));
    } else if (v->next.kind == SCHEDULE_NONE) {
        strbuf_adds(out, "next:    nothing scheduled\n");
    } else {
        const struct schedule_round *r = &v->rounds[v->next_index];
        minute_text(v->next.at, t);
        strbuf_addf(out, "next:    %s %s %d at %s\n", schedule_kind_name(v->next.kind), r->quarter,
                    r->number, t);
    }
    strbuf_addf(out, "error:   %s\n",
                v->have_state && *v->st.last_error ? v->st.last_error : "none");
}

/* Probes and re-checks of each stored round. */
static int status_extra(struct storage *db, const struct config *c, struct status_view *v,
                        struct sc_error *err)
{
    struct rules rules;
    int rc = config_rules(c, &rules, err);
    if (rc < 0)
        return rc;
    v->extra = calloc(v->n ? v->n : 1, sizeof *v->extra);
    if (!v->extra)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    for (size_t i = 0; i < v->n && rc == 0; i++) {
        const struct schedule_round *r = &v->rounds[i];
        if (!r->round_id)
            continue;
        time_t from;
        int days = 0;
        rc = monitor_week(db, r, (int)rules.v[RULE_AVAIL_DAYS], &from, &days, err);
        if (rc == 0 && days == 0 && r->drawn)
            days = (int)rules.v[RULE_AVAIL_DAYS]; /* not set up yet: a week is coming */
        v->extra[i].probes_due = r->sampled * days * (long)rules.v[RULE_AVAIL_PROBES_PER_DAY];
        if (rc == 0)
            rc = storage_probes_done(db, r->round_id, &v->extra[i].probes_done, err);
        long pending = storage_round_rechecks_pending(
            db, r->round_id, (int)config_int(c, CFG_DAEMON_RECHECK_ATTEMPTS));
        if (rc == 0 && pending < 0)
            rc = sc_fail(err, SC_ERUNTIME, "counting the re-checks of round %ld", r->round_id);
        v->extra[i].rechecks_pending = pending;
        if (rc == 0)
            rc = storage_round_rectifications(
                db, r->round_id, (int)config_int(c, CFG_PUBLISH_RECTIFICATION_DAYS), v->now,
                &v->extra[i].rect_done, &v->extra[i].rect_waiting, &v->extra[i].rect_due, err);
    }
    return rc;
}

int cmd_status(struct cli_context *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS, {"format", required_argument, NULL, OPT_FORMAT}, {NULL, 0, NULL, 0}};
    enum output_format format = FORMAT_TEXT;
    int c;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (c == 'h') {
            status_usage(stdout);
            return EXIT_OK;
        }
        if (c == OPT_FORMAT) {
            if (cli_parse_format(optarg, &format, 0) < 0)
                return cli_usage_error("status", "--format must be text or json");
            continue;
        }
        int r = cli_other_option(ctx, "status", c, optarg);
        if (r)
            return r;
    }
    if (optind < argc)
        return cli_usage_error("status", "unexpected argument '%s'", argv[optind]);
    int status = cli_config_load(ctx, "status");
    if (status)
        return status;
    struct sc_error err = {{0}};
    struct storage *db = NULL;
    int rc = storage_open_existing(ctx->db_path, &db, &err);
    if (rc < 0)
        return cli_report_error("status", rc, err.msg);
    struct status_view v;
    memset(&v, 0, sizeof v);
    v.now = sc_clock_now();
    v.pid = daemon_lock_holder(ctx->db_path);
    rc = storage_daemon_state_load(db, &v.st, &err);
    v.have_state = rc == 0;
    if (rc == SC_ENOTFOUND)
        rc = 0;
    if (rc == 0)
        rc = schedule_load(db, ctx->config, v.now, &v.rounds, &v.n, &err);
    if (rc == 0)
        rc = status_extra(db, ctx->config, &v, &err);
    storage_close(db);
    if (rc < 0)
        return cli_report_error("status", rc, err.msg);
    sampler_quarter_format(sampler_quarter_of_day(sc_day_of(v.now)), v.current);
    v.next = schedule_first(v.rounds, v.n, v.now, &v.next_index);
    struct strbuf out = STRBUF_INIT;
    if (format == FORMAT_JSON)
        status_json(&v, &out);
    else
        status_text(&v, &out);
    free(v.rounds);
    free(v.extra);
    return cli_write_output("status", &out, EXIT_OK);
}

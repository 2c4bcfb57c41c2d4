/* round_json: a round's results from the database as contract.md's JSON (round_json.h). */
#include "reports/round_json.h"
#include "reports/rectification_out.h"
#include "common/clock.h"
#include "common/json.h"
#include "probes/verdict/site_report.h"
#include "storage/crawls.h"
#include "storage/draws.h"
#include "storage/monitor.h"
#include "storage/rounds.h"
#include "storage/verdicts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct round_find {
    const char *quarter;
    int number;
    long id;
    int finalised;
    long window_end; /* day number */
};

static int find_round(const struct round_progress *p, void *ud)
{
    struct round_find *f = ud;
    if (p->number != f->number)
        return 0;
    f->id = p->id;
    int y, m, d;
    if (p->window_end && sscanf(p->window_end, "%d-%d-%d", &y, &m, &d) == 3)
        f->window_end = sc_days_from_civil(y, m, d);
    f->finalised =
        p->state && (strcmp(p->state, "finalised") == 0 || strcmp(p->state, "published") == 0);
    return 1;
}

struct site_writer {
    struct storage *db;
    const struct rules *rules;
    long round_id;
    int days; /* of the monitoring week, 0 when it has none (yet) */
    int rectification_days;
    struct json_writer *w;
    struct sc_error *err;
};

static void write_defects(struct json_writer *w, const struct site_report *r, const char *day)
{
    json_key(w, "defects");
    json_array_begin(w);
    for (size_t i = 0; i < r->ndefects; i++) {
        const struct defect_record *d = &r->defects[i];
        json_object_begin(w);
        json_kv_string(w, "kind", d->kind);
        json_kv_string(w, "severity", defect_severity_name(d->severity));
        json_kv_string(w, "url", d->url);
        json_kv_string(w, "detail", d->detail);
        json_kv_bool(w, "confirmed", !d->kind || strcmp(d->kind, "suspected_link") != 0);
        json_kv_string(w, "first_seen", day);
        json_object_end(w);
    }
    json_array_end(w);
}

static int write_site(const struct sample_site *s, void *ud)
{
    struct site_writer *sw = ud;
    struct json_writer *w = sw->w;
    struct site_report r;
    struct crawl_meta meta;
    memset(&r, 0, sizeof r);
    memset(&meta, 0, sizeof meta);
    int have = 0;
    if (s->crawled) {
        int rc = storage_crawl_load(sw->db, sw->round_id, s->code, &r, &meta, sw->err);
        if (rc < 0) {
            site_report_free(&r);
            free(meta.report_json);
            return rc;
        }
        have = 1;
    }
    json_object_begin(w);
    json_kv_string(w, "code", s->code);
    json_kv_string(w, "name", s->name);
    json_kv_string(w, "url", s->url);
    json_kv_string(w, "region", s->region);
    int final = 0;
    char finalised_at[32] = "";
    long crawl_id = 0;
    if (have) {
        int rc = storage_crawl_find(sw->db, sw->round_id, s->code, &crawl_id, sw->err);
        if (rc == 0)
            rc = final = storage_verdict_load(sw->db, crawl_id, &r, finalised_at, sw->err);
        if (rc < 0) {
            site_report_free(&r);
            free(meta.report_json);
            return rc;
        }
    }
    /* a verdict is final once the window closed; before, the site is pending */
    int judged = final && r.judged;
    json_kv_string(w, "verdict", !judged ? "pending" : r.verdict_pass ? "pass" : "fail");
    json_key(w, "score");
    if (judged)
        json_double(w, r.score);
    else
        json_null(w);
    char crawled_at[17] = "", day[11] = "";
    if (have && *meta.finished_at)
        snprintf(crawled_at, sizeof crawled_at, "%.16s", meta.finished_at);
    if (have)
        snprintf(day, sizeof day, "%.10s", meta.started_at);
    json_kv_string(w, "crawled_at", *crawled_at ? crawled_at : NULL);
    json_key(w, "availability");
    struct avail_summary av;
    if (sw->days > 0 &&
        storage_avail_summary(sw->db, sw->round_id, s->code, sw->days, &av, sw->err) == 0) {
        json_object_begin(w);
        json_kv_int(w, "days", av.days);
        json_kv_int(w, "probes", av.probes);
        json_kv_int(w, "conclusive", av.conclusive);
        json_kv_int(w, "failures", av.failures);
        json_key(w, "failure_rate");
        json_double(w, (double)(long)(av.failure_rate * 1000.0 + 0.5) / 1000.0);
        json_kv_int(w, "min_probes_per_day", av.min_per_day);
        json_kv_bool(w, "veto", rules_availability_veto(sw->rules, (int)av.conclusive,
                                                        (int)av.failures));
        json_object_end(w);
    } else {
        json_null(w);
    }
    write_defects(w, &r, have ? day : NULL);
    /* a failing site has rectification_days from its final verdict to rectify (整改); it
     * is "due" until the re-check after the deadline (复查) is stored, then "rectified" or
     * "not_rectified" with both checks' evidence (rectification_out.h) */
    json_key(w, "rectification");
    int y, m, d;
    if (judged && !r.verdict_pass && sscanf(finalised_at, "%d-%d-%d", &y, &m, &d) == 3) {
        char deadline[16];
        sc_day_format(sc_days_from_civil(y, m, d) + sw->rectification_days, deadline);
        struct rectification rec;
        int loaded = storage_rectification_load(sw->db, crawl_id, &rec, sw->err);
        if (loaded < 0) {
            site_report_free(&r);
            free(meta.report_json);
            return loaded;
        }
        struct rectification_view v = {deadline, sw->rectification_days,
                                       *meta.finished_at ? meta.finished_at : meta.started_at,
                                       loaded == 1 ? &rec : NULL};
        rectification_json(w, &v);
        rectification_free(&rec);
    } else {
        json_null(w);
    }
    json_object_end(w);
    site_report_free(&r);
    free(meta.report_json);
    return 0;
}

int round_json(struct storage *db, const struct rules *rules, int rectification_days,
               const char *quarter, int round, struct strbuf *out, struct sc_error *err)
{
    struct round_find f = {quarter, round, 0, 0, 0};
    int rc = storage_rounds_progress_each(db, quarter, find_round, &f, err);
    if (rc < 0)
        return rc;
    if (!f.id)
        return sc_fail(err, SC_ENOTFOUND, "round %d of %s is not in the database", round, quarter);
    struct sampler_record rec;
    memset(&rec, 0, sizeof rec);
    rc = storage_draw_load_active(db, quarter, round, &rec, err);
    if (rc < 0) {
        sampler_record_free(&rec);
        return rc;
    }
    struct json_writer w;
    json_init(&w, out, 1);
    json_object_begin(&w);
    json_kv_string(&w, "quarter", quarter);
    json_kv_int(&w, "round", round);
    json_kv_bool(&w, "finalised", f.finalised);
    json_key(&w, "draw");
    json_object_begin(&w);
    json_kv_string(&w, "seed", rec.seed);
    json_kv_string(&w, "frame_hash", rec.frame_hash);
    json_kv_int(&w, "frame_size", rec.frame_size);
    json_kv_int(&w, "sample_size", rec.sample_size);
    json_kv_int(&w, "repeats", rec.repeats);
    json_object_end(&w);
    sampler_record_free(&rec);
    json_key(&w, "sites");
    json_array_begin(&w);
    struct site_writer sw = {db, rules, f.id, 0, rectification_days, &w, err};
    char seed[65], first[11];
    int y, m, d;
    if (storage_monitor_get(db, f.id, seed, first, err) == 0 &&
        sscanf(first, "%d-%d-%d", &y, &m, &d) == 3) {
        long day = sc_days_from_civil(y, m, d), last = day + (long)rules->v[RULE_AVAIL_DAYS] - 1;
        if (f.window_end && last > f.window_end)
            last = f.window_end;
        sw.days = last >= day ? (int)(last - day + 1) : 0;
    }
    rc = storage_round_sample_each(db, f.id, write_site, &sw, err);
    json_array_end(&w);
    json_object_end(&w);
    strbuf_addch(out, '\n');
    if (rc < 0)
        return rc;
    return out->failed ? sc_fail(err, SC_ENOMEM, "out of memory writing the report") : SC_OK;
}

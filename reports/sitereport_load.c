/* sitereport_load: gathers a site's defect report from the database (sitereport.h). */
#include "reports/sitereport.h"
#include "common/clock.h"
#include "storage/report_queries.h"
#include "storage/rounds.h"
#include "storage/verdicts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct round_walk {
    struct sitereport_round *out;
    const char *quarter;
    int number;
    int found;
};

static int walk_round(const struct round_progress *p, void *ud)
{
    struct round_walk *w = ud;
    struct sitereport_round *o = w->out;
    if (strcmp(p->quarter, w->quarter) == 0 && p->number == w->number) {
        o->id = p->id;
        snprintf(o->quarter, sizeof o->quarter, "%s", p->quarter);
        o->number = p->number;
        o->finalised =
            p->state && (strcmp(p->state, "finalised") == 0 || strcmp(p->state, "published") == 0);
        snprintf(o->window_start, sizeof o->window_start, "%s",
                 p->window_start ? p->window_start : "");
        snprintf(o->window_end, sizeof o->window_end, "%s", p->window_end ? p->window_end : "");
        w->found = 1;
        return 1;
    }
    if (p->draw_id) { /* a drawn round before it: the latest one is the previous round */
        o->prev_id = p->id;
        snprintf(o->prev_quarter, sizeof o->prev_quarter, "%s", p->quarter);
        o->prev_number = p->number;
        /* keep the latest SITEREPORT_MAX_EARLIER, latest first */
        int n = o->nearlier < SITEREPORT_MAX_EARLIER ? o->nearlier + 1 : SITEREPORT_MAX_EARLIER;
        memmove(o->earlier_id + 1, o->earlier_id, (size_t)(n - 1) * sizeof o->earlier_id[0]);
        memmove(o->earlier_quarter + 1, o->earlier_quarter,
                (size_t)(n - 1) * sizeof o->earlier_quarter[0]);
        memmove(o->earlier_number + 1, o->earlier_number,
                (size_t)(n - 1) * sizeof o->earlier_number[0]);
        o->earlier_id[0] = p->id;
        snprintf(o->earlier_quarter[0], sizeof o->earlier_quarter[0], "%s", p->quarter);
        o->earlier_number[0] = p->number;
        o->nearlier = n;
    }
    return 0;
}

int sitereport_round_find(struct storage *db, const struct rules *rules, int rectification_days,
                          const char *quarter, int number, struct sitereport_round *out,
                          struct sc_error *err)
{
    memset(out, 0, sizeof *out);
    out->rules = rules;
    out->rectification_days = rectification_days;
    struct round_walk w = {out, quarter, number, 0};
    int rc = storage_rounds_progress_each(db, NULL, walk_round, &w, err);
    if (rc < 0)
        return rc;
    if (!w.found)
        return sc_fail(err, SC_ENOTFOUND, "round %d of %s is not in the database", number, quarter);
    /* the monitoring week, as round_json.c computes it */
    char seed[65], first[11];
    int y, m, d;
    if (storage_monitor_get(db, out->id, seed, first, err) == 0 &&
        sscanf(first, "%d-%d-%d", &y, &m, &d) == 3) {
        long day = sc_days_from_civil(y, m, d), last = day + (long)rules->v[RULE_AVAIL_DAYS] - 1;
        int ey, em, ed;
        if (sscanf(out->window_end, "%d-%d-%d", &ey, &em, &ed) == 3 &&
            last > sc_days_from_civil(ey, em, ed))
            last = sc_days_from_civil(ey, em, ed);
        out->days = last >= day ? (int)(last - day + 1) : 0;
        if (out->days > SITEREPORT_MAX_DAYS)
            out->days = SITEREPORT_MAX_DAYS;
        snprintf(out->week_from, sizeof out->week_from, "%s", first);
    }
    return SC_OK;
}

static char *sdup(const char *s)
{
    return strdup(s ? s : "");
}

static int rank_of(enum defect_severity s)
{
    return s == SEVERITY_VETO ? 0 : s == SEVERITY_DEDUCT ? 1 : 2;
}

/* 1 when defect i comes before defect j: vetoes, then deductions by points (most first),
 * then notes; ties keep the judge's order */
static int fix_before(const struct site_report *r, size_t i, size_t j)
{
    const struct defect_record *x = &r->defects[i], *y = &r->defects[j];
    int rx = rank_of(x->severity), ry = rank_of(y->severity);
    if (rx != ry)
        return rx < ry;
    if (x->points != y->points)
        return x->points > y->points;
    return i < j;
}

static int same_defect(const struct defect_record *a, const struct defect_record *b)
{
    if (strcmp(a->kind ? a->kind : "", b->kind ? b->kind : "") != 0)
        return 0;
    if (a->url || b->url)
        return a->url && b->url && strcmp(a->url, b->url) == 0;
    return 1;
}

static int add_probe(const struct failed_probe_row *row, void *ud)
{
    struct sitereport *sr = ud;
    struct sitereport_probe *p = realloc(sr->probes, (sr->nprobes + 1) * sizeof *p);
    if (!p)
        return SC_ENOMEM;
    sr->probes = p;
    p += sr->nprobes;
    memset(p, 0, sizeof *p);
    sr->nprobes++;
    p->probed_at = sdup(row->probed_at);
    p->error = row->error ? strdup(row->error) : NULL;
    p->reason = row->reason ? strdup(row->reason) : NULL;
    p->day = row->day;
    p->status = row->status;
    p->conclusive = row->conclusive;
    p->total_ms = row->total_ms;
    if (!p->probed_at || (row->error && !p->error) || (row->reason && !p->reason))
        return SC_ENOMEM;
    return 0;
}

/* Loads the crawl of code in round_id with its final verdict when there is one. Returns
 * 1 loaded, 0 no crawl, or a negative SC_E*. */
static int load_crawl(struct storage *db, long round_id, const char *code, struct site_report *r,
                      struct crawl_meta *meta, int *final, char *finalised_at, long *crawl_id_out,
                      struct sc_error *err)
{
    long crawl_id = 0;
    int rc = storage_crawl_find(db, round_id, code, &crawl_id, err);
    *crawl_id_out = crawl_id;
    if (rc == SC_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    rc = storage_crawl_load_id(db, crawl_id, r, meta, err);
    if (rc < 0)
        return rc;
    rc = storage_verdict_load(db, crawl_id, r, finalised_at, err);
    if (rc < 0)
        return rc;
    *final = rc;
    return 1;
}

int sitereport_load(struct storage *db, const struct sitereport_round *rd,
                    const struct sample_site *s, struct sitereport *out, struct sc_error *err)
{
    memset(out, 0, sizeof *out);
    out->round = rd;
    out->verdict = "pending";
    /* no allocation here: loading a crawl initialises the report again */
    site_report_init(&out->r, NULL);
    site_report_init(&out->prev, NULL);
    out->code = sdup(s->code);
    out->name = sdup(s->name);
    out->url = sdup(s->url);
    out->region = sdup(s->region);
    out->rank = s->rank;
    if (!out->code || !out->name || !out->url || !out->region)
        return sc_fail(err, SC_ENOMEM, "out of memory loading a site report");
    int rc =
        load_crawl(db, rd->id, s->code, &out->r, &out->meta, &out->final, out->finalised_at,
                   &out->crawl_id, err);
    if (rc < 0)
        return rc;
    out->crawled = rc == 1;
    int judged = out->crawled && out->final && out->r.judged;
    if (judged)
        out->verdict = out->r.verdict_pass ? "pass" : "fail";
    /* the order to fix, and each defect's rule */
    size_t n = out->r.ndefects;
    out->order = calloc(n ? n : 1, sizeof *out->order);
    out->rules_of = calloc(n ? n : 1, sizeof *out->rules_of);
    out->is_new = calloc(n ? n : 1, 1);
    if (!out->order || !out->rules_of || !out->is_new)
        return sc_fail(err, SC_ENOMEM, "out of memory loading a site report");
    for (size_t i = 0; i < n; i++) {
        out->order[i] = i;
        out->rules_of[i] = sitereport_rule_of(rd->rules, &out->r.defects[i]);
    }
    /* insertion sort: stable, and a site has tens of defects, rarely hundreds */
    for (size_t i = 1; i < n; i++) {
        size_t v = out->order[i], k = i;
        for (; k > 0 && fix_before(&out->r, v, out->order[k - 1]); k--)
            out->order[k] = out->order[k - 1];
        out->order[k] = v;
    }
    /* the monitoring week */
    if (rd->days > 0) {
        rc = storage_avail_summary(db, rd->id, s->code, rd->days, &out->av, err);
        if (rc == 0)
            rc =
                storage_avail_coverage(db, rd->id, s->code, rd->days, out->per_day_conclusive, err);
        if (rc == 0)
            rc = storage_avail_failed_per_day(db, rd->id, s->code, rd->days, out->per_day_failed,
                                              err);
        if (rc == 0)
            rc = storage_failed_probes_each(db, rd->id, s->code, add_probe, out, err);
        if (rc == SC_ENOMEM)
            return sc_fail(err, SC_ENOMEM, "out of memory loading a site's probes");
        if (rc < 0)
            return rc;
        out->have_avail = 1;
        out->avail_veto =
            rules_availability_veto(rd->rules, (int)out->av.conclusive, (int)out->av.failures);
    }
    /* the previous round: new and fixed defects */
    for (int e = 0; e < rd->nearlier && !out->have_prev; e++) {
        struct crawl_meta pm;
        memset(&pm, 0, sizeof pm);
        int pfinal = 0;
        char pat[32] = "";
        long pid = 0;
        rc = load_crawl(db, rd->earlier_id[e], s->code, &out->prev, &pm, &pfinal, pat, &pid, err);
        free(pm.report_json);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            out->have_prev = 1;
            snprintf(out->prev_quarter, sizeof out->prev_quarter, "%s", rd->earlier_quarter[e]);
            out->prev_number = rd->earlier_number[e];
            out->prev_judged = pfinal && out->prev.judged;
            out->prev_verdict = !out->prev_judged        ? "pending"
                                : out->prev.verdict_pass ? "pass"
                                                         : "fail";
            out->prev_score = out->prev.score;
            out->fixed = calloc(out->prev.ndefects ? out->prev.ndefects : 1, sizeof *out->fixed);
            if (!out->fixed)
                return sc_fail(err, SC_ENOMEM, "out of memory comparing rounds");
            for (size_t j = 0; j < out->prev.ndefects; j++) {
                int still = 0;
                for (size_t i = 0; i < n && !still; i++)
                    still = same_defect(&out->prev.defects[j], &out->r.defects[i]);
                if (!still)
                    out->fixed[out->nfixed++] = j;
            }
            for (size_t i = 0; i < n; i++) {
                int before = 0;
                for (size_t j = 0; j < out->prev.ndefects && !before; j++)
                    before = same_defect(&out->prev.defects[j], &out->r.defects[i]);
                out->is_new[i] = !before;
            }
        }
    }
    if (!out->have_prev)
        for (size_t i = 0; i < n; i++)
            out->is_new[i] = 1;
    /* rectification: as round_json.c computes it */
    int y, m, d;
    if (judged && !out->r.verdict_pass && sscanf(out->finalised_at, "%d-%d-%d", &y, &m, &d) == 3)
        sc_day_format(sc_days_from_civil(y, m, d) + rd->rectification_days, out->deadline);
    /* the re-check after the deadline (复查), once stored */
    if (*out->deadline && out->crawl_id > 0) {
        int loaded = storage_rectification_load(db, out->crawl_id, &out->rect, err);
        if (loaded < 0)
            return loaded;
        out->have_rect = loaded == 1;
    }
    return SC_OK;
}

void sitereport_free(struct sitereport *sr)
{
    if (!sr)
        return;
    free(sr->code);
    free(sr->name);
    free(sr->url);
    free(sr->region);
    site_report_free(&sr->r);
    site_report_free(&sr->prev);
    free(sr->meta.report_json);
    free(sr->order);
    free(sr->rules_of);
    free(sr->is_new);
    free(sr->fixed);
    for (size_t i = 0; i < sr->nprobes; i++) {
        free(sr->probes[i].probed_at);
        free(sr->probes[i].error);
        free(sr->probes[i].reason);
    }
    free(sr->probes);
    rectification_free(&sr->rect);
    memset(sr, 0, sizeof *sr);
}

struct rectification_view sitereport_rectification(const struct sitereport *sr)
{
    struct rectification_view v = {sr->deadline, sr->round ? sr->round->rectification_days : 0,
                                   sr->meta.finished_at[0] ? sr->meta.finished_at
                                                           : sr->meta.started_at,
                                   sr->have_rect ? &sr->rect : NULL};
    return v;
}

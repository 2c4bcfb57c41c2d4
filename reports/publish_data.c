/* publish_data: the public site's data from the database (publish_data.h). */
#include "reports/publish_data.h"
#include "common/clock.h"
#include "common/strbuf.h"
#include "probes/verdict/site_report.h"
#include "reports/round_json.h"
#include "sampler/record.h"
#include "storage/crawls.h"
#include "storage/draws.h"
#include "storage/monitor.h"
#include "storage/report_queries.h"
#include "storage/rounds.h"
#include "storage/sites.h"
#include "storage/verdicts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup0(const char *s)
{
    return strdup(s ? s : "");
}

/* ---- the registry's sponsors, by code ---- */
struct sponsor {
    char *code, *sponsor;
};
struct sponsors {
    struct sponsor *v;
    size_t n, alloc;
    int failed;
};

static int add_sponsor(const struct site_row *row, void *ud)
{
    struct sponsors *s = ud;
    if (s->n == s->alloc) {
        size_t na = s->alloc ? s->alloc * 2 : 64;
        struct sponsor *nv = realloc(s->v, na * sizeof *nv);
        if (!nv)
            return s->failed = SC_ENOMEM;
        s->v = nv;
        s->alloc = na;
    }
    s->v[s->n].code = dup0(row->code);
    s->v[s->n].sponsor = dup0(row->sponsor);
    if (!s->v[s->n].code || !s->v[s->n].sponsor) {
        free(s->v[s->n].code);
        free(s->v[s->n].sponsor);
        return s->failed = SC_ENOMEM;
    }
    s->n++;
    return 0;
}

static const char *sponsor_of(const struct sponsors *s, const char *code)
{
    /* rows come in code order: binary search */
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->v[mid].code, code);
        if (c == 0)
            return s->v[mid].sponsor;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return "";
}

static void sponsors_free(struct sponsors *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].code);
        free(s->v[i].sponsor);
    }
    free(s->v);
}

/* ---- the rounds ---- */
static void copy10(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static int collect_round(const struct round_progress *p, void *ud)
{
    struct pub_data *d = ud;
    if (!p->state || (strcmp(p->state, "finalised") != 0 && strcmp(p->state, "published") != 0))
        return 0;
    if (!p->draw_id)
        return 0;
    struct pub_round *nv = realloc(d->rounds, (d->nrounds + 1) * sizeof *nv);
    if (!nv)
        return SC_ENOMEM;
    d->rounds = nv;
    struct pub_round *r = &d->rounds[d->nrounds++];
    memset(r, 0, sizeof *r);
    r->id = p->id;
    copy10(r->quarter, sizeof r->quarter, p->quarter);
    r->number = p->number;
    copy10(r->state, sizeof r->state, p->state);
    copy10(r->draw_date, sizeof r->draw_date, p->draw_date);
    copy10(r->window_start, sizeof r->window_start, p->window_start);
    copy10(r->window_end, sizeof r->window_end, p->window_end);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The draw's proof and its frame in canonical form (docs/sampling.md). */
static int load_draw(struct storage *db, struct pub_round *r, struct sc_error *err)
{
    struct sampler_record rec;
    memset(&rec, 0, sizeof rec);
    int rc = storage_draw_load_active(db, r->quarter, r->number, &rec, err);
    if (rc < 0) {
        sampler_record_free(&rec);
        return rc;
    }
    r->drawn_at = dup0(rec.drawn_at);
    r->seed = dup0(rec.seed);
    r->frame_hash = dup0(rec.frame_hash);
    r->frame_size = rec.frame_size;
    r->sample_size = rec.sample_size;
    r->repeats = rec.repeats;
    r->rate_bp = rec.rate_bp;
    r->stratified = rec.stratified;
    const char **codes = calloc(rec.nframe ? rec.nframe : 1, sizeof *codes);
    int ok = codes != NULL;
    struct strbuf text = STRBUF_INIT;
    if (ok) {
        for (size_t i = 0; i < rec.nframe; i++)
            codes[i] = rec.frame[i].code ? rec.frame[i].code : "";
        qsort(codes, rec.nframe, sizeof *codes, cmp_str);
        for (size_t i = 0; i < rec.nframe; i++) {
            strbuf_adds(&text, codes[i]);
            strbuf_addch(&text, '\n');
        }
    }
    free(codes);
    sampler_record_free(&rec);
    r->frame_text = ok && !text.failed ? strbuf_detach(&text) : NULL;
    strbuf_release(&text);
    if (!r->frame_text || !r->drawn_at || !r->seed || !r->frame_hash)
        return sc_fail(err, SC_ENOMEM, "out of memory loading the draw of %s round %d", r->quarter,
                       r->number);
    return 0;
}

struct site_loader {
    struct storage *db;
    const struct rules *rules;
    const struct sponsors *sponsors;
    struct pub_round *round;
    int days; /* of the monitoring week, 0 when none */
    int rectification_days;
    struct sc_error *err;
};

static int load_defects(struct pub_result *res, const struct site_report *rep)
{
    res->defects = calloc(rep->ndefects ? rep->ndefects : 1, sizeof *res->defects);
    if (!res->defects)
        return SC_ENOMEM;
    for (size_t i = 0; i < rep->ndefects; i++) {
        const struct defect_record *d = &rep->defects[i];
        struct pub_defect *p = &res->defects[res->ndefects++];
        p->kind = dup0(d->kind);
        p->severity = dup0(defect_severity_name(d->severity));
        p->url = dup0(d->url);
        p->detail = dup0(d->detail);
        if (!p->kind || !p->severity || !p->url || !p->detail)
            return SC_ENOMEM;
        if (strcmp(p->kind, "broken_link") == 0)
            res->broken_links++;
        if (d->severity == SEVERITY_VETO)
            res->vetoes++;
    }
    return 0;
}

static int load_evidence(struct pub_result *res, const struct site_report *rep)
{
    size_t n = rep->nlinks ? rep->nlinks : 1, m = rep->ncolumns ? rep->ncolumns : 1;
    res->links = calloc(n, sizeof *res->links);
    res->columns = calloc(m, sizeof *res->columns);
    if (!res->links || !res->columns)
        return SC_ENOMEM;
    for (size_t i = 0; i < rep->nlinks; i++) {
        const struct link_record *l = &rep->links[i];
        if (l->result != LINK_BROKEN && l->result != LINK_SUSPECTED)
            continue;
        struct pub_link *p = &res->links[res->nlinks++];
        p->url = dup0(l->url);
        p->found_on = dup0(l->found_on);
        p->anchor = dup0(l->anchor);
        p->error = dup0(l->error);
        p->status = l->status;
        p->suspected = l->result == LINK_SUSPECTED;
        p->on_homepage = l->on_homepage;
        if (!p->url || !p->found_on || !p->anchor || !p->error)
            return SC_ENOMEM;
    }
    for (size_t i = 0; i < rep->ncolumns; i++) {
        const struct column_record *c = &rep->columns[i];
        if (!c->blank && !c->stale)
            continue;
        struct pub_column *p = &res->columns[res->ncolumns++];
        p->name = dup0(c->name);
        p->url = dup0(c->url);
        if (c->latest != SC_NO_DAY)
            sc_day_format(c->latest, p->latest);
        p->blank = c->blank;
        p->stale = c->stale;
        p->limit_days = c->limit_days;
        if (!p->name || !p->url)
            return SC_ENOMEM;
    }
    return 0;
}

/* The same reading of the database as round_json's write_site. */
static int load_site(const struct sample_site *s, void *ud)
{
    struct site_loader *l = ud;
    struct pub_round *r = l->round;
    struct pub_result *nv = realloc(r->sites, (r->nsites + 1) * sizeof *nv);
    if (!nv)
        return sc_fail(l->err, SC_ENOMEM, "out of memory");
    r->sites = nv;
    struct pub_result *res = &r->sites[r->nsites++];
    memset(res, 0, sizeof *res);
    res->code = dup0(s->code);
    res->name = dup0(s->name);
    res->url = dup0(s->url);
    res->region = dup0(s->region);
    res->sponsor = dup0(sponsor_of(l->sponsors, s->code ? s->code : ""));
    res->rank = s->rank;
    if (!res->code || !res->name || !res->url || !res->region || !res->sponsor)
        return sc_fail(l->err, SC_ENOMEM, "out of memory");
    struct site_report rep;
    struct crawl_meta meta;
    memset(&rep, 0, sizeof rep);
    memset(&meta, 0, sizeof meta);
    int rc = 0, final = 0;
    char finalised_at[32] = "";
    long crawl_id = 0;
    if (s->crawled) {
        rc = storage_crawl_load(l->db, r->id, s->code, &rep, &meta, l->err);
        if (rc == 0)
            rc = storage_crawl_find(l->db, r->id, s->code, &crawl_id, l->err);
        if (rc == 0)
            rc = final = storage_verdict_load(l->db, crawl_id, &rep, finalised_at, l->err);
    }
    if (rc >= 0) {
        int judged = final && rep.judged;
        res->verdict = !judged ? PUB_PENDING : rep.verdict_pass ? PUB_PASS : PUB_FAIL;
        res->has_score = judged;
        res->score = judged ? rep.score : 0;
        if (s->crawled && *meta.finished_at)
            snprintf(res->crawled_at, sizeof res->crawled_at, "%.16s", meta.finished_at);
        if (judged && *finalised_at && strcmp(finalised_at, r->updated) > 0)
            snprintf(r->updated, sizeof r->updated, "%s", finalised_at);
        struct avail_summary av;
        if (l->days > 0 &&
            storage_avail_summary(l->db, r->id, s->code, l->days, &av, l->err) == 0) {
            res->has_avail = 1;
            res->probes = av.conclusive;
            res->failures = av.failures;
            res->failure_rate = av.failure_rate;
            res->avail_veto =
                rules_availability_veto(l->rules, (int)av.conclusive, (int)av.failures);
            char seed[65];
            res->avail_days = l->days > 31 ? 31 : l->days;
            if (storage_monitor_get(l->db, r->id, seed, res->avail_from, l->err) < 0 ||
                storage_avail_coverage(l->db, r->id, s->code, res->avail_days,
                                       res->avail_per_day, l->err) < 0 ||
                storage_avail_failed_per_day(l->db, r->id, s->code, res->avail_days,
                                             res->avail_failed_per_day, l->err) < 0)
                res->avail_days = 0; /* the figures above still stand; no chart */
        }
        int y, m, d;
        if (res->verdict == PUB_FAIL && sscanf(finalised_at, "%d-%d-%d", &y, &m, &d) == 3)
            sc_day_format(sc_days_from_civil(y, m, d) + l->rectification_days, res->deadline);
        res->rectification_days = l->rectification_days;
        snprintf(res->checked_at, sizeof res->checked_at, "%s",
                 *meta.finished_at ? meta.finished_at : meta.started_at);
        if (*res->deadline && crawl_id > 0) {
            int loaded = storage_rectification_load(l->db, crawl_id, &res->rect, l->err);
            if (loaded < 0)
                rc = loaded;
            res->have_rect = loaded == 1;
        }
        if (rc >= 0 && (load_defects(res, &rep) < 0 || load_evidence(res, &rep) < 0))
            rc = sc_fail(l->err, SC_ENOMEM, "out of memory");
    }
    site_report_free(&rep);
    free(meta.report_json);
    if (rc < 0)
        return rc;
    if (res->verdict == PUB_PASS)
        r->passed++;
    else if (res->verdict == PUB_FAIL)
        r->failed++;
    else
        r->pending++;
    return 0;
}

/* The monitoring week's length as round_json counts it. */
static int week_days(struct storage *db, const struct rules *rules, const struct pub_round *r,
                     struct sc_error *err)
{
    char seed[65], first[11];
    int y, m, d;
    if (storage_monitor_get(db, r->id, seed, first, err) != 0 ||
        sscanf(first, "%d-%d-%d", &y, &m, &d) != 3)
        return 0;
    long day = sc_days_from_civil(y, m, d), last = day + (long)rules->v[RULE_AVAIL_DAYS] - 1;
    int ey, em, ed;
    if (sscanf(r->window_end, "%d-%d-%d", &ey, &em, &ed) == 3) {
        long end = sc_days_from_civil(ey, em, ed);
        if (last > end)
            last = end;
    }
    return last >= day ? (int)(last - day + 1) : 0;
}

int pub_data_load(struct storage *db, const struct rules *rules, int rectification_days,
                  struct pub_data *out, struct sc_error *err)
{
    memset(out, 0, sizeof *out);
    struct sponsors sponsors = {0};
    struct site_filter filter = {NULL, NULL, 1};
    int rc = storage_sites_each(db, &filter, add_sponsor, &sponsors, err);
    if (rc == 0 && sponsors.failed)
        rc = sc_fail(err, SC_ENOMEM, "out of memory reading the registry");
    if (rc == 0)
        rc = storage_rounds_progress_each(db, NULL, collect_round, out, err);
    if (rc == SC_ENOMEM)
        sc_fail(err, rc, "out of memory reading the rounds");
    for (size_t i = 0; rc == 0 && i < out->nrounds; i++) {
        struct pub_round *r = &out->rounds[i];
        r->veto_percent = rules->v[RULE_VETO_UNAVAILABLE_PERCENT];
        r->probes_per_day = (long)rules->v[RULE_AVAIL_PROBES_PER_DAY];
        rc = load_draw(db, r, err);
        if (rc < 0)
            break;
        snprintf(r->updated, sizeof r->updated, "%sT23:59:59+08:00", r->window_end);
        struct site_loader l = {
            db, rules, &sponsors, r, week_days(db, rules, r, err), rectification_days, err};
        /* a later final verdict than the window's end moves `updated` on */
        char base[32];
        snprintf(base, sizeof base, "%s", r->updated);
        r->updated[0] = '\0';
        rc = storage_round_sample_each(db, r->id, load_site, &l, err);
        if (rc < 0)
            break;
        if (!*r->updated || strcmp(base, r->updated) > 0)
            snprintf(r->updated, sizeof r->updated, "%s", base);
        struct strbuf json = STRBUF_INIT;
        rc = round_json(db, rules, rectification_days, r->quarter, r->number, &json, err);
        if (rc == 0) {
            r->json = strbuf_detach(&json);
            if (!r->json)
                rc = sc_fail(err, SC_ENOMEM, "out of memory writing %s round %d", r->quarter,
                             r->number);
        }
        strbuf_release(&json);
    }
    sponsors_free(&sponsors);
    return rc;
}

static void result_free(struct pub_result *s)
{
    rectification_free(&s->rect);
    free(s->code);
    free(s->name);
    free(s->url);
    free(s->region);
    free(s->sponsor);
    for (size_t i = 0; i < s->ndefects; i++) {
        free(s->defects[i].kind);
        free(s->defects[i].severity);
        free(s->defects[i].url);
        free(s->defects[i].detail);
    }
    free(s->defects);
    for (size_t i = 0; i < s->nlinks; i++) {
        free(s->links[i].url);
        free(s->links[i].found_on);
        free(s->links[i].anchor);
        free(s->links[i].error);
    }
    free(s->links);
    for (size_t i = 0; i < s->ncolumns; i++) {
        free(s->columns[i].name);
        free(s->columns[i].url);
    }
    free(s->columns);
}

void pub_data_free(struct pub_data *d)
{
    for (size_t i = 0; i < d->nrounds; i++) {
        struct pub_round *r = &d->rounds[i];
        for (size_t j = 0; j < r->nsites; j++)
            result_free(&r->sites[j]);
        free(r->sites);
        free(r->drawn_at);
        free(r->seed);
        free(r->frame_hash);
        free(r->frame_text);
        free(r->json);
    }
    free(d->rounds);
    memset(d, 0, sizeof *d);
}

void pub_round_slug(const struct pub_round *r, char *out, size_t size)
{
    snprintf(out, size, "%s-%d", r->quarter, r->number);
}

int pub_code_ok(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

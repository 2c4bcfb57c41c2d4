/* bulletin_load: a round's bulletin gathered from the database (bulletin.h). */
#include "reports/bulletin.h"
#include "sampler/record.h"
#include "storage/draws.h"
#include "storage/rounds.h"

#include <stdlib.h>
#include <string.h>

struct loader {
    struct storage *db;
    const struct sitereport_round *rd;
    struct sitereport *sites;
    size_t n;
    struct sc_error *err;
};

static int load_one(const struct sample_site *s, void *ud)
{
    struct loader *l = ud;
    struct sitereport *p = realloc(l->sites, (l->n + 1) * sizeof *p);
    if (!p)
        return sc_fail(l->err, SC_ENOMEM, "out of memory loading the bulletin");
    l->sites = p;
    int rc = sitereport_load(l->db, l->rd, s, &l->sites[l->n], l->err);
    l->n++; /* loaded or not, it is freed with the others */
    return rc < 0 ? rc : 0;
}

static int load_sites(struct storage *db, const struct sitereport_round *rd,
                      struct sitereport **sites, size_t *n, struct bulletin_counts *c,
                      struct sc_error *err)
{
    struct loader l = {db, rd, NULL, 0, err};
    int rc = storage_round_sample_each(db, rd->id, load_one, &l, err);
    *sites = l.sites;
    *n = l.n;
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < l.n; i++) {
        const char *v = l.sites[i].verdict;
        if (strcmp(v, "pass") == 0)
            c->passed++;
        else if (strcmp(v, "fail") == 0)
            c->failed++;
        else
            c->pending++;
    }
    c->judged = c->passed + c->failed;
    return 0;
}

static struct bulletin_kind *kind_get(struct bulletin *b, const char *kind)
{
    for (size_t i = 0; i < b->nkinds; i++)
        if (strcmp(b->kinds[i].kind, kind) == 0)
            return &b->kinds[i];
    struct bulletin_kind *k = realloc(b->kinds, (b->nkinds + 1) * sizeof *k);
    if (!k)
        return NULL;
    b->kinds = k;
    k += b->nkinds++;
    memset(k, 0, sizeof *k);
    k->kind = kind;
    return k;
}

/* most sites first, then most defects, then vetoes, then by kind */
static int kind_cmp(const void *a, const void *b)
{
    const struct bulletin_kind *x = a, *y = b;
    if (x->veto != y->veto)
        return y->veto - x->veto;
    if (x->sites != y->sites)
        return x->sites > y->sites ? -1 : 1;
    if (x->defects != y->defects)
        return x->defects > y->defects ? -1 : 1;
    return strcmp(x->kind, y->kind);
}

static int count_kinds(struct bulletin *b)
{
    for (size_t s = 0; s < b->nsites; s++) {
        const struct sitereport *sr = &b->sites[s];
        if (strcmp(sr->verdict, "pending") == 0)
            continue; /* only final verdicts count */
        for (size_t i = 0; i < sr->r.ndefects; i++) {
            const struct defect_record *d = &sr->r.defects[i];
            if (!d->kind)
                continue;
            struct bulletin_kind *k = kind_get(b, d->kind);
            if (!k)
                return SC_ENOMEM;
            k->defects++;
            k->veto |= d->severity == SEVERITY_VETO;
        }
        /* sites per kind: once per site */
        for (size_t kk = 0; kk < b->nkinds; kk++) {
            struct bulletin_kind *k = &b->kinds[kk];
            int has = 0;
            for (size_t i = 0; i < sr->r.ndefects && !has; i++)
                has = sr->r.defects[i].kind && strcmp(sr->r.defects[i].kind, k->kind) == 0;
            if (!has)
                continue;
            k->sites++;
            if (k->nexamples < BULLETIN_EXAMPLES)
                k->examples[k->nexamples++] = s;
        }
    }
    if (b->nkinds > 1)
        qsort(b->kinds, b->nkinds, sizeof *b->kinds, kind_cmp);
    return 0;
}

int bulletin_load(struct storage *db, const struct rules *rules, int rectification_days,
                  const char *quarter, int number, struct bulletin *out, struct sc_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = sitereport_round_find(db, rules, rectification_days, quarter, number, &out->rd, err);
    if (rc < 0)
        return rc;
    struct sampler_record rec;
    memset(&rec, 0, sizeof rec);
    rc = storage_draw_load_active(db, quarter, number, &rec, err);
    if (rc < 0) {
        sampler_record_free(&rec);
        return rc;
    }
    out->seed = strdup(rec.seed ? rec.seed : "");
    out->frame_hash = strdup(rec.frame_hash ? rec.frame_hash : "");
    out->seed_source = strdup(rec.seed_source ? rec.seed_source : "");
    out->drawn_at = strdup(rec.drawn_at ? rec.drawn_at : "");
    out->n.frame = rec.frame_size;
    out->n.sampled = rec.sample_size;
    out->repeats = rec.repeats;
    sampler_record_free(&rec);
    if (!out->seed || !out->frame_hash || !out->seed_source || !out->drawn_at)
        return sc_fail(err, SC_ENOMEM, "out of memory loading the bulletin");
    rc = load_sites(db, &out->rd, &out->sites, &out->nsites, &out->n, err);
    if (rc < 0)
        return rc;
    if (count_kinds(out) < 0)
        return sc_fail(err, SC_ENOMEM, "out of memory counting defects");
    if (out->rd.prev_id) {
        rc = sitereport_round_find(db, rules, rectification_days, out->rd.prev_quarter,
                                   out->rd.prev_number, &out->prd, err);
        if (rc < 0)
            return rc;
        memset(&rec, 0, sizeof rec);
        rc = storage_draw_load_active(db, out->prd.quarter, out->prd.number, &rec, err);
        out->pn.frame = rec.frame_size;
        out->pn.sampled = rec.sample_size;
        sampler_record_free(&rec);
        if (rc < 0)
            return rc;
        rc = load_sites(db, &out->prd, &out->prev_sites, &out->nprev, &out->pn, err);
        if (rc < 0)
            return rc;
        out->have_prev = 1;
    }
    return SC_OK;
}

void bulletin_free(struct bulletin *b)
{
    if (!b)
        return;
    free(b->seed);
    free(b->frame_hash);
    free(b->seed_source);
    free(b->drawn_at);
    for (size_t i = 0; i < b->nsites; i++)
        sitereport_free(&b->sites[i]);
    free(b->sites);
    for (size_t i = 0; i < b->nprev; i++)
        sitereport_free(&b->prev_sites[i]);
    free(b->prev_sites);
    free(b->kinds);
    memset(b, 0, sizeof *b);
}

double bulletin_pass_rate(const struct bulletin_counts *n)
{
    return n->judged > 0 ? 100.0 * (double)n->passed / (double)n->judged : -1;
}

void bulletin_reasons(const struct sitereport *sr, struct strbuf *out)
{
    size_t start = out->len;
    int any_veto = 0;
    for (size_t k = 0; k < sr->r.ndefects; k++) {
        const struct defect_record *d = &sr->r.defects[sr->order[k]];
        if (d->severity != SEVERITY_VETO)
            continue;
        /* each veto kind once */
        int seen = 0;
        for (size_t j = 0; j < k && !seen; j++) {
            const struct defect_record *e = &sr->r.defects[sr->order[j]];
            seen = e->severity == SEVERITY_VETO && strcmp(e->kind, d->kind) == 0;
        }
        if (seen)
            continue;
        strbuf_adds(out, any_veto ? "、" : "单项否决：");
        strbuf_adds(out, sitereport_kind_label(d->kind));
        any_veto = 1;
    }
    double pass = sr->round->rules->v[RULE_PASS_SCORE];
    if (sr->r.score < pass) {
        if (out->len > start)
            strbuf_adds(out, "；");
        strbuf_addf(out, "得分 %.10g 低于 %g 分", sr->r.score, pass);
    }
    if (out->len == start)
        strbuf_adds(out, "不合格");
}

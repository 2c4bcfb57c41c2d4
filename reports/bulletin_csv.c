/* bulletin_csv: the bulletin as one CSV table (UTF-8 with a BOM, CRLF): a `summary` row per
 * round (this one and the previous), a `kind` row per defect kind, a `site` row per sampled
 * site with its verdict and, when failing, why and its deadline, and a `previous_failure`
 * row per failing site of the previous round with its rectification state
 * (docs/reports.md). */
#include "reports/bulletin.h"
#include "reports/sitereport_csvcell.h"

#include <stdio.h>
#include <string.h>

static const char *const names[] = {
    "record",  "quarter",   "round",   "code",     "name",  "region",  "url",    "verdict",
    "score",   "kind",      "count",   "sites",    "frame", "sampled", "passed", "failed",
    "pending", "pass_rate", "reasons", "deadline", "state", NULL};

static void summary(struct strbuf *out, const char *record, const struct sitereport_round *r,
                    const struct bulletin_counts *c)
{
    csvcell_text(out, record, 0);
    csvcell_text(out, r->quarter, 0);
    csvcell_int(out, r->number, 0);
    for (int i = 0; i < 9; i++) /* code .. sites */
        csvcell_text(out, NULL, 0);
    csvcell_int(out, c->frame, 0);
    csvcell_int(out, c->sampled, 0);
    csvcell_int(out, c->passed, 0);
    csvcell_int(out, c->failed, 0);
    csvcell_int(out, c->pending, 0);
    double rate = bulletin_pass_rate(c);
    if (rate < 0)
        csvcell_text(out, NULL, 0);
    else
        strbuf_addf(out, "%.1f,", rate);
    csvcell_text(out, NULL, 0);
    csvcell_text(out, NULL, 0);
    csvcell_text(out, NULL, 1);
}

static void site(struct strbuf *out, const char *record, const struct sitereport *sr,
                 struct strbuf *why, const char *state)
{
    const struct sitereport_round *r = sr->round;
    csvcell_text(out, record, 0);
    csvcell_text(out, r->quarter, 0);
    csvcell_int(out, r->number, 0);
    csvcell_text(out, sr->code, 0);
    csvcell_text(out, sr->name, 0);
    csvcell_text(out, sr->region, 0);
    csvcell_text(out, sr->url, 0);
    csvcell_text(out, sr->verdict, 0);
    if (strcmp(sr->verdict, "pending") != 0)
        csvcell_num(out, sr->r.score, 0);
    else
        csvcell_text(out, NULL, 0);
    for (int i = 0; i < 9; i++) /* kind .. pass_rate */
        csvcell_text(out, NULL, 0);
    strbuf_reset(why);
    if (strcmp(sr->verdict, "fail") == 0)
        bulletin_reasons(sr, why);
    csvcell_text(out, why->buf, 0);
    csvcell_text(out, *sr->deadline ? sr->deadline : NULL, 0);
    csvcell_text(out, state, 1);
}

int bulletin_csv(const struct bulletin *b, struct strbuf *out)
{
    strbuf_adds(out, CSV_BOM);
    csvcell_header(out, names);
    summary(out, "summary", &b->rd, &b->n);
    if (b->have_prev)
        summary(out, "previous_summary", &b->prd, &b->pn);
    for (size_t i = 0; i < b->nkinds; i++) {
        const struct bulletin_kind *k = &b->kinds[i];
        csvcell_text(out, "kind", 0);
        csvcell_text(out, b->rd.quarter, 0);
        csvcell_int(out, b->rd.number, 0);
        for (int c = 0; c < 4; c++) /* code name region url */
            csvcell_text(out, NULL, 0);
        csvcell_text(out, k->veto ? "veto" : NULL, 0);
        csvcell_text(out, NULL, 0);
        csvcell_text(out, k->kind, 0);
        csvcell_int(out, k->defects, 0);
        csvcell_int(out, k->sites, 0);
        for (int c = 0; c < 6; c++) /* frame .. pass_rate */
            csvcell_text(out, NULL, 0);
        struct strbuf ex = STRBUF_INIT;
        for (size_t e = 0; e < k->nexamples; e++)
            strbuf_addf(&ex, "%s%s", e ? "; " : "", b->sites[k->examples[e]].name);
        csvcell_text(out, ex.buf, 0);
        strbuf_release(&ex);
        csvcell_text(out, NULL, 0);
        csvcell_text(out, NULL, 1);
    }
    struct strbuf why = STRBUF_INIT;
    for (size_t i = 0; i < b->nsites; i++)
        site(out, "site", &b->sites[i], &why,
             strcmp(b->sites[i].verdict, "fail") == 0 ? "due" : NULL);
    for (size_t i = 0; i < b->nprev; i++)
        if (strcmp(b->prev_sites[i].verdict, "fail") == 0)
            site(out, "previous_failure", &b->prev_sites[i], &why, "due");
    strbuf_release(&why);
    return out->failed ? SC_ENOMEM : SC_OK;
}

/* sitereport_csv: a site's defect report as one CSV table (UTF-8 with a BOM, CRLF), one row
 * per record — the verdict, each defect in the order to fix it, each broken or suspected
 * link, each stale or blank column, each missing section, each day of the monitoring week,
 * each failed probe, the previous round and each defect fixed since — in stable snake_case
 * columns that docs/reports.md describes. */
#include "reports/sitereport.h"
#include "reports/sitereport_csvcell.h"
#include "common/clock.h"

#include <stdio.h>
#include <string.h>

enum col {
    C_RECORD,
    C_SEQ,
    C_KIND,
    C_SEVERITY,
    C_RULE_KEY,
    C_RULE_VALUE,
    C_POINTS,
    C_URL,
    C_PAGE,
    C_TEXT,
    C_STATUS,
    C_ERROR,
    C_DATE,
    C_WINDOW_DAYS,
    C_ELAPSED_MS,
    C_CONCLUSIVE,
    C_FAILED,
    C_NEW,
    C_DETAIL,
    C_FOUND_IN,
    C_COUNT
};

static const char *const names[C_COUNT + 1] = {
    "record",     "seq",        "kind",   "severity", "rule_key", "rule_value", "points",
    "url",        "page",       "text",   "status",   "error",    "date",       "window_days",
    "elapsed_ms", "conclusive", "failed", "new",      "detail",   "found_in", NULL};

struct row {
    const char *v[C_COUNT];
    char num[C_COUNT][32];
    unsigned char is_num[C_COUNT]; /* written as a number, never neutralised as a formula */
};

static void row_init(struct row *r, const char *record)
{
    memset(r, 0, sizeof *r);
    r->v[C_RECORD] = record;
}

static void row_num(struct row *r, enum col c, double v)
{
    snprintf(r->num[c], sizeof r->num[c], "%.10g", v);
    r->v[c] = r->num[c];
    r->is_num[c] = 1;
}

static void row_emit(struct strbuf *out, const struct row *r)
{
    for (int c = 0; c < C_COUNT; c++) {
        if (r->is_num[c]) {
            strbuf_adds(out, r->v[c]);
            strbuf_adds(out, c == C_COUNT - 1 ? "\r\n" : ",");
        } else
            csvcell_text(out, r->v[c], c == C_COUNT - 1);
    }
}

static const char *moment16(char *buf, const char *t)
{
    snprintf(buf, 17, "%.16s", t ? t : "");
    return buf;
}

int sitereport_csv(const struct sitereport *sr, struct strbuf *out)
{
    const struct sitereport_round *rd = sr->round;
    struct row r;
    char day[16], when[17], chk[17];
    strbuf_adds(out, CSV_BOM);
    csvcell_header(out, names);

    row_init(&r, "verdict");
    r.v[C_KIND] = sr->verdict;
    if (strcmp(sr->verdict, "pending") != 0)
        row_num(&r, C_POINTS, sr->r.score);
    r.v[C_URL] = sr->url;
    r.v[C_TEXT] = sr->name;
    r.v[C_DATE] = *sr->deadline ? sr->deadline : NULL;
    struct strbuf detail = STRBUF_INIT;
    strbuf_addf(&detail, "%s round %d; site %s; region %s", rd->quarter, rd->number, sr->code,
                sr->region);
    r.v[C_DETAIL] = detail.buf;
    row_emit(out, &r);

    for (size_t k = 0; k < sr->r.ndefects; k++) {
        size_t i = sr->order[k];
        const struct defect_record *d = &sr->r.defects[i];
        row_init(&r, "defect");
        row_num(&r, C_SEQ, (double)(k + 1));
        r.v[C_KIND] = d->kind;
        r.v[C_SEVERITY] = defect_severity_name(d->severity);
        if (sr->rules_of[i].key) {
            r.v[C_RULE_KEY] = sr->rules_of[i].key;
            row_num(&r, C_RULE_VALUE, sr->rules_of[i].value);
        }
        row_num(&r, C_POINTS, d->severity == SEVERITY_DEDUCT ? d->points : 0);
        r.v[C_URL] = d->url;
        r.v[C_NEW] = sr->is_new[i] ? "1" : "0";
        r.v[C_DETAIL] = d->detail;
        row_emit(out, &r);
    }

    moment16(chk, *sr->meta.finished_at ? sr->meta.finished_at : sr->meta.started_at);
    for (size_t i = 0; i < sr->r.nlinks; i++) {
        const struct link_record *l = &sr->r.links[i];
        if (l->result != LINK_BROKEN && l->result != LINK_SUSPECTED)
            continue;
        row_init(&r, "link");
        r.v[C_KIND] = link_result_name(l->result);
        r.v[C_URL] = l->url;
        r.v[C_PAGE] = l->found_on;
        r.v[C_TEXT] = l->anchor;
        if (l->status)
            row_num(&r, C_STATUS, l->status);
        r.v[C_ERROR] = l->error;
        r.v[C_DATE] = chk;
        strbuf_reset(&detail);
        for (size_t k = 0; k < l->nredirects; k++)
            strbuf_addf(&detail, "%s%s", k ? " -> " : "", l->redirects[k]);
        r.v[C_DETAIL] = detail.buf;
        row_emit(out, &r);
    }

    for (size_t i = 0; i < sr->r.ncolumns; i++) {
        const struct column_record *c = &sr->r.columns[i];
        if (!c->stale && !c->blank)
            continue;
        row_init(&r, "column");
        r.v[C_KIND] = c->blank ? "blank_column" : "stale_column";
        r.v[C_URL] = c->url;
        r.v[C_TEXT] = c->name;
        if (c->latest != SC_NO_DAY) {
            sc_day_format(c->latest, day);
            r.v[C_DATE] = day;
        }
        row_num(&r, C_WINDOW_DAYS, c->limit_days);
        r.v[C_DETAIL] = column_category_name(c->category);
        r.v[C_FOUND_IN] = column_found_in_name(c->found_in);
        row_emit(out, &r);
    }

    for (size_t i = 0; i < sr->r.nsections; i++) {
        const struct section_record *s = &sr->r.sections[i];
        if (!s->required || s->present)
            continue;
        row_init(&r, "section");
        r.v[C_KIND] = "missing_section";
        r.v[C_URL] = s->url;
        r.v[C_TEXT] = s->name;
        r.v[C_DETAIL] = s->url ? "its page does not load" : "no link found";
        row_emit(out, &r);
    }

    if (sr->have_avail) {
        int y, m, d;
        long first = sscanf(rd->week_from, "%d-%d-%d", &y, &m, &d) == 3
                         ? sc_days_from_civil(y, m, d)
                         : SC_NO_DAY;
        for (int k = 0; k < rd->days; k++) {
            row_init(&r, "availability_day");
            row_num(&r, C_SEQ, k + 1);
            if (first != SC_NO_DAY) {
                sc_day_format(first + k, day);
                r.v[C_DATE] = day;
            }
            row_num(&r, C_CONCLUSIVE, (double)sr->per_day_conclusive[k]);
            row_num(&r, C_FAILED, (double)sr->per_day_failed[k]);
            row_emit(out, &r);
        }
        for (size_t i = 0; i < sr->nprobes; i++) {
            const struct sitereport_probe *p = &sr->probes[i];
            row_init(&r, "probe");
            r.v[C_KIND] = "failed_probe";
            if (p->status)
                row_num(&r, C_STATUS, p->status);
            r.v[C_ERROR] = p->error;
            r.v[C_DATE] = moment16(when, p->probed_at);
            if (p->total_ms >= 0)
                row_num(&r, C_ELAPSED_MS, (double)p->total_ms);
            row_num(&r, C_CONCLUSIVE, p->conclusive);
            r.v[C_DETAIL] = p->reason;
            row_emit(out, &r);
        }
    }

    if (sr->have_prev) {
        row_init(&r, "previous");
        r.v[C_KIND] = sr->prev_verdict;
        if (sr->prev_judged)
            row_num(&r, C_POINTS, sr->prev_score);
        strbuf_reset(&detail);
        strbuf_addf(&detail, "%s round %d", sr->prev_quarter, sr->prev_number);
        r.v[C_DETAIL] = detail.buf;
        row_emit(out, &r);
        for (size_t k = 0; k < sr->nfixed; k++) {
            const struct defect_record *d = &sr->prev.defects[sr->fixed[k]];
            row_init(&r, "fixed");
            r.v[C_KIND] = d->kind;
            r.v[C_SEVERITY] = defect_severity_name(d->severity);
            r.v[C_URL] = d->url;
            r.v[C_DETAIL] = d->detail;
            row_emit(out, &r);
        }
    }
    int failed = detail.failed;
    strbuf_release(&detail);
    return out->failed || failed ? SC_ENOMEM : SC_OK;
}

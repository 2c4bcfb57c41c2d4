/* sitereport_json: a site's defect report as one JSON document (sitereport.h,
 * docs/reports.md): the same facts as the HTML, with the rule keys and values, for programs. */
#include "reports/sitereport.h"
#include "common/clock.h"
#include "common/json.h"

#include <stdio.h>
#include <string.h>

static void kv_day(struct json_writer *w, const char *key, long d)
{
    char buf[16];
    if (d == SC_NO_DAY) {
        json_kv_string(w, key, NULL);
        return;
    }
    sc_day_format(d, buf);
    json_kv_string(w, key, buf);
}

static void defect(struct json_writer *w, const struct defect_record *d)
{
    json_kv_string(w, "kind", d->kind);
    json_kv_string(w, "severity", defect_severity_name(d->severity));
    json_kv_string(w, "url", d->url);
    json_kv_string(w, "detail", d->detail);
}

int sitereport_json(const struct sitereport *sr, struct strbuf *out)
{
    const struct sitereport_round *rd = sr->round;
    struct json_writer w;
    json_init(&w, out, 1);
    json_object_begin(&w);
    json_kv_string(&w, "quarter", rd->quarter);
    json_kv_int(&w, "round", rd->number);
    json_key(&w, "site");
    json_object_begin(&w);
    json_kv_string(&w, "code", sr->code);
    json_kv_string(&w, "name", sr->name);
    json_kv_string(&w, "url", sr->url);
    json_kv_string(&w, "region", sr->region);
    json_kv_int(&w, "rank", sr->rank);
    json_object_end(&w);
    json_kv_string(&w, "verdict", sr->verdict);
    json_key(&w, "score");
    if (strcmp(sr->verdict, "pending") != 0)
        json_double(&w, sr->r.score);
    else
        json_null(&w);
    json_kv_double(&w, "pass_score", rd->rules->v[RULE_PASS_SCORE]);
    char started[17], finished[17];
    snprintf(started, sizeof started, "%.16s", sr->meta.started_at);
    snprintf(finished, sizeof finished, "%.16s", sr->meta.finished_at);
    json_kv_string(&w, "checked_from", sr->crawled ? started : NULL);
    json_kv_string(&w, "checked_to", sr->crawled && *finished ? finished : NULL);
    json_key(&w, "defects");
    json_array_begin(&w);
    for (size_t k = 0; k < sr->r.ndefects; k++) {
        size_t i = sr->order[k];
        const struct defect_record *d = &sr->r.defects[i];
        json_object_begin(&w);
        json_kv_int(&w, "order", (long long)k + 1);
        defect(&w, d);
        json_kv_double(&w, "points", d->severity == SEVERITY_DEDUCT ? d->points : 0);
        json_key(&w, "rule");
        if (sr->rules_of[i].key) {
            json_object_begin(&w);
            json_kv_string(&w, "key", sr->rules_of[i].key);
            json_kv_double(&w, "value", sr->rules_of[i].value);
            json_kv_string(&w, "why", sr->rules_of[i].why);
            json_object_end(&w);
        } else {
            json_null(&w);
        }
        json_kv_bool(&w, "new", sr->is_new[i]);
        json_object_end(&w);
    }
    json_array_end(&w);
    char checked[17];
    snprintf(checked, sizeof checked, "%.16s",
             *sr->meta.finished_at ? sr->meta.finished_at : sr->meta.started_at);
    json_key(&w, "links");
    json_array_begin(&w);
    for (size_t i = 0; i < sr->r.nlinks; i++) {
        const struct link_record *l = &sr->r.links[i];
        if (l->result != LINK_BROKEN && l->result != LINK_SUSPECTED)
            continue;
        json_object_begin(&w);
        json_kv_string(&w, "url", l->url);
        json_kv_string(&w, "found_on", l->found_on);
        json_kv_string(&w, "anchor", l->anchor);
        json_kv_bool(&w, "on_homepage", l->on_homepage);
        json_kv_string(&w, "result", link_result_name(l->result));
        json_key(&w, "status");
        if (l->status)
            json_int(&w, l->status);
        else
            json_null(&w);
        json_kv_string(&w, "error", l->error);
        json_kv_string(&w, "checked_at", checked);
        json_key(&w, "redirects");
        json_array_begin(&w);
        for (size_t k = 0; k < l->nredirects; k++)
            json_string(&w, l->redirects[k]);
        json_array_end(&w);
        json_object_end(&w);
    }
    json_array_end(&w);
    json_key(&w, "columns");
    json_array_begin(&w);
    for (size_t i = 0; i < sr->r.ncolumns; i++) {
        const struct column_record *c = &sr->r.columns[i];
        if (!c->stale && !c->blank)
            continue;
        json_object_begin(&w);
        json_kv_string(&w, "name", c->name);
        json_kv_string(&w, "url", c->url);
        json_kv_string(&w, "category", column_category_name(c->category));
        json_kv_string(&w, "found_in", column_found_in_name(c->found_in));
        kv_day(&w, "latest", c->latest);
        json_kv_int(&w, "limit_days", c->limit_days);
        /* the first day the column was out of its window (the judge: as_of - latest > limit) */
        kv_day(&w, "stale_since",
               c->stale && !c->blank && c->latest != SC_NO_DAY && c->limit_days > 0
                   ? c->latest + c->limit_days + 1
                   : SC_NO_DAY);
        json_kv_bool(&w, "stale", c->stale);
        json_kv_bool(&w, "blank", c->blank);
        json_object_end(&w);
    }
    json_array_end(&w);
    json_key(&w, "missing_sections");
    json_array_begin(&w);
    for (size_t i = 0; i < sr->r.nsections; i++) {
        const struct section_record *s = &sr->r.sections[i];
        if (!s->required || s->present)
            continue;
        json_object_begin(&w);
        json_kv_string(&w, "name", s->name);
        json_kv_string(&w, "url", s->url);
        json_object_end(&w);
    }
    json_array_end(&w);
    json_key(&w, "identity");
    if (sr->crawled) {
        const struct site_identity *id = &sr->r.identity;
        json_object_begin(&w);
        json_kv_string(&w, "site_code", id->site_code);
        json_key(&w, "site_code_matches");
        if (id->site_code_matches < 0)
            json_null(&w);
        else
            json_bool(&w, id->site_code_matches);
        json_kv_string(&w, "icp", id->icp);
        json_kv_string(&w, "police_record", id->police_record);
        json_kv_bool(&w, "party_badge", id->has_party_badge);
        json_kv_bool(&w, "error_report", id->has_error_report);
        json_kv_string(&w, "sponsor", id->sponsor);
        json_kv_bool(&w, "search", id->has_search);
        json_object_end(&w);
    } else {
        json_null(&w);
    }
    json_key(&w, "availability");
    if (sr->have_avail) {
        json_object_begin(&w);
        json_kv_string(&w, "from", rd->week_from);
        json_kv_int(&w, "days", rd->days);
        json_kv_int(&w, "probes", sr->av.probes);
        json_kv_int(&w, "conclusive", sr->av.conclusive);
        json_kv_int(&w, "failures", sr->av.failures);
        json_key(&w, "failure_rate");
        json_double(&w, (double)(long)(sr->av.failure_rate * 1000.0 + 0.5) / 1000.0);
        json_kv_bool(&w, "veto", sr->avail_veto);
        json_key(&w, "per_day");
        json_array_begin(&w);
        int y, m, d;
        long first = sscanf(rd->week_from, "%d-%d-%d", &y, &m, &d) == 3
                         ? sc_days_from_civil(y, m, d)
                         : SC_NO_DAY;
        for (int k = 0; k < rd->days; k++) {
            json_object_begin(&w);
            kv_day(&w, "day", first == SC_NO_DAY ? SC_NO_DAY : first + k);
            json_kv_int(&w, "conclusive", sr->per_day_conclusive[k]);
            json_kv_int(&w, "failed", sr->per_day_failed[k]);
            json_object_end(&w);
        }
        json_array_end(&w);
        json_key(&w, "failed_probes");
        json_array_begin(&w);
        for (size_t i = 0; i < sr->nprobes; i++) {
            const struct sitereport_probe *p = &sr->probes[i];
            json_object_begin(&w);
            json_kv_string(&w, "at", p->probed_at);
            json_key(&w, "status");
            if (p->status)
                json_int(&w, p->status);
            else
                json_null(&w);
            json_kv_string(&w, "error", p->error);
            json_key(&w, "total_ms");
            if (p->total_ms >= 0)
                json_int(&w, p->total_ms);
            else
                json_null(&w);
            json_key(&w, "conclusive");
            if (p->conclusive < 0)
                json_null(&w);
            else
                json_bool(&w, p->conclusive);
            json_kv_string(&w, "inconclusive_reason", p->reason);
            json_object_end(&w);
        }
        json_array_end(&w);
        json_object_end(&w);
    } else {
        json_null(&w);
    }
    json_key(&w, "previous");
    if (sr->have_prev) {
        json_object_begin(&w);
        json_kv_string(&w, "quarter", sr->prev_quarter);
        json_kv_int(&w, "round", sr->prev_number);
        json_kv_string(&w, "verdict", sr->prev_verdict);
        json_key(&w, "score");
        if (sr->prev_judged)
            json_double(&w, sr->prev_score);
        else
            json_null(&w);
        size_t nnew = 0;
        for (size_t i = 0; i < sr->r.ndefects; i++)
            nnew += sr->is_new[i];
        json_kv_int(&w, "new_defects", (long long)nnew);
        json_key(&w, "fixed");
        json_array_begin(&w);
        for (size_t k = 0; k < sr->nfixed; k++) {
            json_object_begin(&w);
            defect(&w, &sr->prev.defects[sr->fixed[k]]);
            json_object_end(&w);
        }
        json_array_end(&w);
        json_object_end(&w);
    } else {
        json_null(&w);
    }
    json_key(&w, "rectification");
    if (*sr->deadline) {
        struct rectification_view v = sitereport_rectification(sr);
        rectification_json(&w, &v);
    } else {
        json_null(&w);
    }
    json_object_end(&w);
    strbuf_addch(out, '\n');
    return out->failed ? SC_ENOMEM : SC_OK;
}

/* bulletin_json: the bulletin as one JSON document (bulletin.h, docs/reports.md). */
#include "reports/bulletin.h"
#include "common/json.h"

#include <string.h>

static void counts(struct json_writer *w, const struct sitereport_round *r,
                   const struct bulletin_counts *c)
{
    json_object_begin(w);
    json_kv_string(w, "quarter", r->quarter);
    json_kv_int(w, "round", r->number);
    json_kv_int(w, "normally_running", c->frame);
    json_kv_int(w, "sampled", c->sampled);
    json_key(w, "share");
    json_double(w, c->frame ? (double)(long)(1000.0 * c->sampled / c->frame + 0.5) / 1000.0 : 0);
    json_kv_int(w, "judged", c->judged);
    json_kv_int(w, "passed", c->passed);
    json_kv_int(w, "failed", c->failed);
    json_kv_int(w, "pending", c->pending);
    json_key(w, "pass_rate");
    double rate = bulletin_pass_rate(c);
    if (rate < 0)
        json_null(w);
    else
        json_double(w, (double)(long)(rate * 10.0 + 0.5) / 1000.0);
    json_object_end(w);
}

static void site(struct json_writer *w, const struct sitereport *sr, struct strbuf *why)
{
    json_object_begin(w);
    json_kv_string(w, "code", sr->code);
    json_kv_string(w, "name", sr->name);
    json_kv_string(w, "url", sr->url);
    json_kv_string(w, "region", sr->region);
    json_kv_string(w, "verdict", sr->verdict);
    json_key(w, "score");
    if (strcmp(sr->verdict, "pending") != 0)
        json_double(w, sr->r.score);
    else
        json_null(w);
    json_key(w, "vetoes");
    json_array_begin(w);
    for (size_t k = 0; k < sr->r.ndefects; k++) {
        const struct defect_record *d = &sr->r.defects[sr->order[k]];
        if (d->severity == SEVERITY_VETO)
            json_string(w, d->kind);
    }
    json_array_end(w);
    strbuf_reset(why);
    if (strcmp(sr->verdict, "fail") == 0)
        bulletin_reasons(sr, why);
    json_kv_string(w, "reasons", why->len ? why->buf : NULL);
    json_key(w, "rectification");
    if (*sr->deadline) {
        struct rectification_view v = sitereport_rectification(sr);
        rectification_json(w, &v);
    } else {
        json_null(w);
    }
    json_object_end(w);
}

int bulletin_json(const struct bulletin *b, struct strbuf *out)
{
    struct json_writer w;
    struct strbuf why = STRBUF_INIT;
    json_init(&w, out, 1);
    json_object_begin(&w);
    json_kv_string(&w, "quarter", b->rd.quarter);
    json_kv_int(&w, "round", b->rd.number);
    json_kv_bool(&w, "finalised", b->rd.finalised);
    json_key(&w, "window");
    json_object_begin(&w);
    json_kv_string(&w, "from", b->rd.window_start);
    json_kv_string(&w, "to", b->rd.window_end);
    json_object_end(&w);
    json_key(&w, "overview");
    counts(&w, &b->rd, &b->n);
    json_key(&w, "previous");
    if (b->have_prev)
        counts(&w, &b->prd, &b->pn);
    else
        json_null(&w);
    json_key(&w, "problems");
    json_array_begin(&w);
    for (size_t i = 0; i < b->nkinds; i++) {
        const struct bulletin_kind *k = &b->kinds[i];
        json_object_begin(&w);
        json_kv_string(&w, "kind", k->kind);
        json_kv_string(&w, "label", sitereport_kind_label(k->kind));
        json_kv_bool(&w, "veto", k->veto);
        json_kv_int(&w, "defects", k->defects);
        json_kv_int(&w, "sites", k->sites);
        json_key(&w, "examples");
        json_array_begin(&w);
        for (size_t e = 0; e < k->nexamples; e++) {
            const struct sitereport *sr = &b->sites[k->examples[e]];
            json_object_begin(&w);
            json_kv_string(&w, "code", sr->code);
            json_kv_string(&w, "name", sr->name);
            json_object_end(&w);
        }
        json_array_end(&w);
        json_object_end(&w);
    }
    json_array_end(&w);
    json_key(&w, "failing_sites");
    json_array_begin(&w);
    for (size_t i = 0; i < b->nsites; i++)
        if (strcmp(b->sites[i].verdict, "fail") == 0)
            site(&w, &b->sites[i], &why);
    json_array_end(&w);
    json_key(&w, "rectification");
    json_object_begin(&w);
    json_kv_int(&w, "days", b->rd.rectification_days);
    json_key(&w, "previous_failures");
    json_array_begin(&w);
    for (size_t i = 0; i < b->nprev; i++)
        if (strcmp(b->prev_sites[i].verdict, "fail") == 0)
            site(&w, &b->prev_sites[i], &why);
    json_array_end(&w);
    json_object_end(&w);
    json_key(&w, "draw");
    json_object_begin(&w);
    json_kv_string(&w, "seed", b->seed);
    json_kv_string(&w, "seed_source", b->seed_source);
    json_kv_string(&w, "frame_hash", b->frame_hash);
    json_kv_int(&w, "frame_size", b->n.frame);
    json_kv_int(&w, "sample_size", b->n.sampled);
    json_kv_int(&w, "repeats", b->repeats);
    json_kv_string(&w, "drawn_at", b->drawn_at);
    json_key(&w, "verify");
    json_array_begin(&w);
    struct strbuf cmd = STRBUF_INIT;
    strbuf_addf(&cmd, "spotcheck verify %s %d", b->rd.quarter, b->rd.number);
    json_string(&w, cmd.buf);
    strbuf_addf(&cmd, " --frame | sha256sum");
    json_string(&w, cmd.buf);
    strbuf_release(&cmd);
    json_array_end(&w);
    json_kv_string(&w, "method", "docs/sampling.md");
    json_object_end(&w);
    json_object_end(&w);
    strbuf_addch(out, '\n');
    int failed = why.failed;
    strbuf_release(&why);
    return out->failed || failed ? SC_ENOMEM : SC_OK;
}

/* record: writing a stored draw out and checking it against a recomputation (see record.h). */
#include "sampler/record.h"
#include "sampler/params.h"
#include "common/dispwidth.h"

#include <stdlib.h>
#include <string.h>

void sampler_record_free(struct sampler_record *r)
{
    free(r->drawn_at);
    free(r->seed);
    free(r->seed_source);
    free(r->frame_hash);
    free(r->note);
    free(r->redraw_reason);
    sampler_picks_free(r->picks, r->npicks);
    sampler_sites_free(r->frame, r->nframe);
    free(r->prior_ids);
    for (size_t i = 0; i < r->nearlier; i++)
        free(r->earlier[i]);
    free(r->earlier);
    memset(r, 0, sizeof *r);
}

struct stratum_count {
    const char *region, *type;
    long frame, sample, repeats;
};

static int cmp_site_stratum(const void *a, const void *b)
{
    const struct sampler_site *x = a, *y = b;
    int c = strcmp(x->region ? x->region : "", y->region ? y->region : "");
    return c ? c : strcmp(x->type ? x->type : "", y->type ? y->type : "");
}

/* Counts of the frame and the sample by stratum, in stratum order; *n gets how many. */
static struct stratum_count *count_strata(const struct sampler_record *r, size_t *n)
{
    *n = 0;
    struct sampler_site *sorted = malloc((r->nframe ? r->nframe : 1) * sizeof *sorted);
    struct stratum_count *sc = calloc(r->nframe ? r->nframe : 1, sizeof *sc);
    if (!sorted || !sc) {
        free(sorted);
        free(sc);
        return NULL;
    }
    memcpy(sorted, r->frame, r->nframe * sizeof *sorted);
    qsort(sorted, r->nframe, sizeof *sorted, cmp_site_stratum);
    for (size_t i = 0; i < r->nframe; i++) {
        if (i == 0 || cmp_site_stratum(&sorted[i - 1], &sorted[i]) != 0) {
            sc[*n].region = sorted[i].region ? sorted[i].region : "";
            sc[*n].type = sorted[i].type ? sorted[i].type : "";
            (*n)++;
        }
        sc[*n - 1].frame++;
    }
    free(sorted);
    struct strbuf key = STRBUF_INIT;
    for (size_t k = 0; k < *n; k++) {
        strbuf_reset(&key);
        strbuf_addf(&key, "%s/%s", sc[k].region, sc[k].type);
        for (size_t i = 0; i < r->npicks; i++) {
            if (strcmp(r->picks[i].stratum, key.buf) == 0) {
                sc[k].sample++;
                sc[k].repeats += r->picks[i].is_repeat;
            }
        }
    }
    strbuf_release(&key);
    return sc;
}

void sampler_record_json(const struct sampler_record *r, struct json_writer *w)
{
    json_object_begin(w);
    json_kv_string(w, "quarter", r->quarter);
    json_kv_int(w, "round", r->round);
    json_kv_string(w, "seed", r->seed);
    json_kv_string(w, "frame_hash", r->frame_hash);
    json_kv_int(w, "frame_size", r->frame_size);
    json_kv_double(w, "rate", sampler_rate_value(r->rate_bp));
    json_kv_int(w, "repeats", r->repeats);
    json_kv_int(w, "sample_size", r->sample_size);
    json_kv_int(w, "repeat_limit", sampler_repeat_limit(r->sample_size));
    json_kv_bool(w, "stratified", r->stratified);
    json_kv_string(w, "seed_source", r->seed_source);
    json_kv_int(w, "draw_id", r->id);
    json_kv_string(w, "drawn_at", r->drawn_at);
    json_key(w, "import_id");
    if (r->import_id > 0)
        json_int(w, r->import_id);
    else
        json_null(w);
    json_kv_bool(w, "active", r->active);
    json_kv_string(w, "note", r->note);
    json_kv_string(w, "redraw_reason", r->redraw_reason);
    json_key(w, "earlier_draws");
    json_array_begin(w);
    for (size_t i = 0; i < r->nprior; i++)
        json_int(w, r->prior_ids[i]);
    json_array_end(w);
    if (r->stratified) {
        size_t n = 0;
        struct stratum_count *sc = count_strata(r, &n);
        json_kv_int(w, "strata_offset", sampler_strata_offset(r->seed, r->frame_size));
        json_key(w, "strata");
        json_array_begin(w);
        for (size_t k = 0; sc && k < n; k++) {
            json_object_begin(w);
            json_kv_string(w, "region", sc[k].region);
            json_kv_string(w, "type", sc[k].type);
            json_kv_int(w, "frame", sc[k].frame);
            json_kv_int(w, "sample", sc[k].sample);
            json_kv_int(w, "repeats", sc[k].repeats);
            json_object_end(w);
        }
        json_array_end(w);
        free(sc);
    }
    json_key(w, "sample");
    json_array_begin(w);
    for (size_t i = 0; i < r->npicks; i++) {
        const struct sampler_pick *p = &r->picks[i];
        json_object_begin(w);
        json_kv_string(w, "code", p->code);
        json_kv_string(w, "url", p->url);
        json_kv_int(w, "rank", p->rank);
        json_kv_string(w, "key", p->key);
        if (r->stratified)
            json_kv_string(w, "stratum", p->stratum);
        json_kv_bool(w, "repeat", p->is_repeat);
        json_object_end(w);
    }
    json_array_end(w);
    json_object_end(w);
}

void sampler_record_text(const struct sampler_record *r, struct strbuf *out)
{
    strbuf_addf(out, "Draw of %s round %d (draw %ld, %s%s)\n", r->quarter, r->round, r->id,
                r->drawn_at, r->active ? "" : ", replaced by a redraw");
    strbuf_addf(out, "  seed          %s (%s)\n", r->seed, r->seed_source);
    strbuf_addf(out, "  frame hash    %s\n", r->frame_hash);
    strbuf_addf(out, "  frame         %ld normally running sites", r->frame_size);
    if (r->import_id > 0)
        strbuf_addf(out, " (registry import %ld)", r->import_id);
    strbuf_addf(out, "\n  rate          %g: sample of %ld sites\n", sampler_rate_value(r->rate_bp),
                r->sample_size);
    strbuf_addf(out, "  repeats       %ld (limit %ld: 10%% of the sample)", r->repeats,
                sampler_repeat_limit(r->sample_size));
    if (r->nprior) {
        strbuf_adds(out, ", against draw");
        for (size_t i = 0; i < r->nprior; i++)
            strbuf_addf(out, "%s %ld", i ? "," : "", r->prior_ids[i]);
    }
    strbuf_addf(out, "\n  stratified    %s\n",
                r->stratified ? "yes, by region and site type" : "no");
    if (r->note && *r->note)
        strbuf_addf(out, "  note          %s\n", r->note);
    if (r->redraw_reason && *r->redraw_reason)
        strbuf_addf(out, "  redraw reason %s\n", r->redraw_reason);
    if (r->stratified) {
        size_t n = 0;
        struct stratum_count *sc = count_strata(r, &n);
        strbuf_adds(out, "\n  stratum (region/type)                 frame  sample  repeats\n");
        for (size_t k = 0; sc && k < n; k++) {
            struct strbuf key = STRBUF_INIT;
            strbuf_addf(&key, "%s/%s", sc[k].region, sc[k].type);
            strbuf_adds(out, "  ");
            dispwidth_pad(out, key.buf, 36); /* regions are Chinese: pad by display width */
            strbuf_addf(out, " %6ld  %6ld  %7ld\n", sc[k].frame, sc[k].sample, sc[k].repeats);
            strbuf_release(&key);
        }
        free(sc);
    }
    strbuf_adds(out, "\n  rank  code        repeat  url\n");
    for (size_t i = 0; i < r->npicks; i++) {
        const struct sampler_pick *p = &r->picks[i];
        strbuf_addf(out, "  %4ld  %-10s  %-6s  %s\n", p->rank, p->code, p->is_repeat ? "yes" : "",
                    p->url);
    }
}

int sampler_record_recompute(const struct sampler_record *r, struct sampler_result *out,
                             struct sc_error *err)
{
    struct sampler_params p = {r->seed, r->rate_bp, r->stratified};
    return sampler_draw(r->frame, r->nframe, (const char *const *)r->earlier, r->nearlier, &p, out,
                        err);
}

long sampler_record_compare(const struct sampler_record *r, const struct sampler_result *re,
                            struct strbuf *diff)
{
    long n = 0;
    if (strcmp(r->frame_hash, re->frame_hash) != 0) {
        strbuf_addf(diff, "frame hash: stored %s, the stored frame hashes to %s\n", r->frame_hash,
                    re->frame_hash);
        n++;
    }
    if (r->frame_size != re->frame_size) {
        strbuf_addf(diff, "frame size: stored %ld, the stored frame has %ld sites\n", r->frame_size,
                    re->frame_size);
        n++;
    }
    if (r->sample_size != re->sample_size) {
        strbuf_addf(diff, "sample size: stored %ld, recomputed %ld\n", r->sample_size,
                    re->sample_size);
        n++;
    }
    if (r->repeats != re->repeats) {
        strbuf_addf(diff, "repeats: stored %ld, recomputed %ld\n", r->repeats, re->repeats);
        n++;
    }
    size_t m = r->npicks > re->npicks ? r->npicks : re->npicks;
    for (size_t i = 0; i < m; i++) {
        const struct sampler_pick *a = i < r->npicks ? &r->picks[i] : NULL;
        const struct sampler_pick *b = i < re->npicks ? &re->picks[i] : NULL;
        if (!a || !b) {
            strbuf_addf(diff, "rank %zu: stored %s, recomputed %s\n", i + 1, a ? a->code : "none",
                        b ? b->code : "none");
            n++;
            continue;
        }
        if (a->rank != (long)(i + 1)) {
            strbuf_addf(diff, "rank %zu: stored with rank %ld\n", i + 1, a->rank);
            n++;
        }
        if (strcmp(a->code, b->code) != 0) {
            strbuf_addf(diff, "rank %zu: stored %s, recomputed %s\n", i + 1, a->code, b->code);
            n++;
        } else if (strcmp(a->stratum, b->stratum) != 0 || a->is_repeat != b->is_repeat) {
            strbuf_addf(diff, "rank %zu (%s): stored stratum '%s'%s, recomputed '%s'%s\n", i + 1,
                        a->code, a->stratum, a->is_repeat ? " repeat" : "", b->stratum,
                        b->is_repeat ? " repeat" : "");
            n++;
        }
    }
    return n;
}

/* draw: the stratified, repeat-limited draw by hash rank (see draw.h for the rules). */
#include "sampler/draw.h"
#include "sampler/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct draw_work {
    const struct sampler_site *frame;
    char (*keys)[65];
};

static const char *nz(const char *s)
{
    return s ? s : "";
}

static int cmp_stratum(const void *a, const void *b, void *ud)
{
    const struct sampler_site *frame = ud;
    const struct sampler_site *x = &frame[*(const size_t *)a];
    const struct sampler_site *y = &frame[*(const size_t *)b];
    int c = strcmp(nz(x->region), nz(y->region));
    if (c == 0)
        c = strcmp(nz(x->type), nz(y->type));
    return c;
}

static int cmp_key(const void *a, const void *b, void *ud)
{
    const struct draw_work *work = ud;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(work->keys[i], work->keys[j]);
    return c ? c : strcmp(work->frame[i].code, work->frame[j].code);
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void sampler_picks_free(struct sampler_pick *picks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(picks[i].code);
        free(picks[i].url);
        free(picks[i].stratum);
    }
    free(picks);
}

void sampler_result_free(struct sampler_result *r)
{
    sampler_picks_free(r->picks, r->npicks);
    for (size_t i = 0; i < r->nstrata; i++) {
        free(r->strata[i].region);
        free(r->strata[i].type);
        free(r->strata[i].key);
    }
    free(r->strata);
    memset(r, 0, sizeof *r);
}

static char *stratum_key(const char *region, const char *type)
{
    size_t a = strlen(region), b = strlen(type);
    char *k = malloc(a + b + 2);
    if (k) {
        memcpy(k, region, a);
        k[a] = '/';
        memcpy(k + a + 1, type, b + 1);
    }
    return k;
}

/* Groups the frame into strata (one when !stratify) and sets stratum_of[i]. */
static int make_strata(const struct sampler_site *frame, size_t n, int stratify, size_t *stratum_of,
                       struct sampler_result *out)
{
    size_t *order = malloc(n * sizeof *order);
    out->strata = calloc(n, sizeof *out->strata);
    if (!order || !out->strata) {
        free(order);
        return SC_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    if (stratify)
        qsort_r(order, n, sizeof *order, cmp_stratum, (void *)frame);
    size_t ns = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        if (k == 0 || (stratify && cmp_stratum(&order[k - 1], &order[k], (void *)frame) != 0)) {
            struct sampler_stratum *s = &out->strata[ns++];
            out->nstrata = ns;
            const char *region = stratify ? nz(frame[i].region) : "";
            const char *type = stratify ? nz(frame[i].type) : "";
            s->region = strdup(region);
            s->type = strdup(type);
            s->key = stratify ? stratum_key(region, type) : strdup("");
            if (!s->region || !s->type || !s->key) {
                free(order);
                return SC_ENOMEM;
            }
        }
        stratum_of[i] = ns - 1;
        out->strata[ns - 1].frame++;
    }
    free(order);
    return SC_OK;
}

long long sampler_strata_offset(const char *seed, long frame_size)
{
    char key[65];
    if (frame_size <= 0 || sampler_rank_key(seed, SAMPLER_STRATA_SUFFIX, key, NULL) < 0)
        return 0;
    key[15] = '\0';
    return (long long)(strtoull(key, NULL, 16) % (unsigned long long)frame_size);
}

/* Proportional allocation with systematic rounding (draw.h, rule 3). Quotas and remainders
 * are kept in units of 1/N, so the arithmetic is exact. */
static void allocate(struct sampler_result *out, const char *seed)
{
    long long n = out->sample_size, total = out->frame_size;
    long long cum = 0, next = sampler_strata_offset(seed, out->frame_size);
    for (size_t s = 0; s < out->nstrata; s++) {
        long long share = n * out->strata[s].frame;
        long long rem = share % total;
        out->strata[s].alloc = (long)(share / total);
        if (rem > 0 && next < cum + rem) {
            out->strata[s].alloc++;
            next += total;
        }
        cum += rem;
    }
}

int sampler_draw(const struct sampler_site *frame, size_t n, const char *const *earlier,
                 size_t nearlier, const struct sampler_params *p, struct sampler_result *out,
                 struct sc_error *err)
{
    char seed[SAMPLER_SEED_MAX_HEX + 1];
    memset(out, 0, sizeof *out);
    if (!p->seed || sampler_seed_parse(p->seed, seed, err) < 0)
        return SC_EINPUT;
    if (strcmp(seed, p->seed) != 0)
        return sc_fail(err, SC_EINPUT, "the seed must be given in lower case");
    if (p->rate_bp < SAMPLER_RATE_MIN_BP || p->rate_bp > SAMPLER_RATE_MAX_BP)
        return sc_fail(err, SC_EINPUT, "the rate %.4f is outside 0.15..1",
                       sampler_rate_value(p->rate_bp));
    if (n == 0)
        return sc_fail(err, SC_EINPUT, "the frame is empty: no normally running sites to draw");
    int rc = sampler_frame_hash(frame, n, out->frame_hash, err);
    if (rc < 0)
        return rc;

    out->frame_size = (long)n;
    out->sample_size = sampler_sample_size(p->rate_bp, (long)n);
    out->repeat_limit = sampler_repeat_limit(out->sample_size);

    struct draw_work work = {frame, malloc(n * sizeof *work.keys)};
    size_t *stratum_of = malloc(n * sizeof *stratum_of);
    size_t *order = malloc(n * sizeof *order);
    char *is_earlier = calloc(n, 1), *taken = calloc(n, 1);
    const char **early = malloc((nearlier ? nearlier : 1) * sizeof *early);
    rc = SC_ENOMEM;
    if (!work.keys || !stratum_of || !order || !is_earlier || !taken || !early)
        goto fail;
    rc = sampler_rank_keys(seed, frame, n, work.keys, err);
    if (rc < 0)
        goto fail;

    /* Which frame sites were drawn earlier in the quarter. */
    for (size_t i = 0; i < nearlier; i++)
        early[i] = earlier[i];
    qsort(early, nearlier, sizeof *early, cmp_str_ptr);
    for (size_t i = 0; i < n; i++)
        is_earlier[i] =
            nearlier && bsearch(&frame[i].code, early, nearlier, sizeof *early, cmp_str_ptr);

    rc = make_strata(frame, n, p->stratify, stratum_of, out);
    if (rc < 0)
        goto fail;
    allocate(out, seed);
    for (size_t i = 0; i < n; i++)
        out->strata[stratum_of[i]].earlier += is_earlier[i];

    /* The repeats the strata would need (their places beyond their fresh sites), the
     * repeats no sample of this size could avoid, and the most the walk may take. */
    long needed = 0, fresh_total = 0, earlier_in_frame = 0;
    for (size_t s = 0; s < out->nstrata; s++) {
        long fresh = out->strata[s].frame - out->strata[s].earlier;
        fresh_total += fresh;
        earlier_in_frame += out->strata[s].earlier;
        if (out->strata[s].alloc > fresh)
            needed += out->strata[s].alloc - fresh;
    }
    out->unavoidable = out->sample_size > fresh_total ? out->sample_size - fresh_total : 0;
    long cap = out->repeat_limit > out->unavoidable ? out->repeat_limit : out->unavoidable;
    long allowance = out->repeat_limit > needed ? out->repeat_limit - needed : 0;

    for (size_t i = 0; i < n; i++)
        order[i] = i;
    qsort_r(order, n, sizeof *order, cmp_key, &work);

    /* The walk (rule 5), then the places it left empty go to the best-ranked fresh sites of
     * other strata (rule 6). */
    long taken_total = 0;
    for (size_t k = 0; k < n && taken_total < out->sample_size; k++) {
        size_t i = order[k];
        struct sampler_stratum *s = &out->strata[stratum_of[i]];
        if (s->drawn == s->alloc)
            continue;
        if (is_earlier[i]) {
            long fresh = s->frame - s->earlier;
            long must = s->alloc > fresh ? s->alloc - fresh : 0;
            if (s->repeats < must && out->repeats < cap) {
                /* its stratum has no fresh site for this place */
            } else if (allowance > 0) {
                allowance--;
            } else {
                continue;
            }
            s->repeats++;
            out->repeats++;
        }
        s->drawn++;
        taken[i] = 1;
        taken_total++;
    }
    for (size_t k = 0; k < n && taken_total < out->sample_size; k++) {
        size_t i = order[k];
        if (taken[i] || is_earlier[i])
            continue;
        out->strata[stratum_of[i]].drawn++;
        out->moved++;
        taken[i] = 1;
        taken_total++;
    }
    if (taken_total != out->sample_size) { /* cannot happen: cap >= unavoidable */
        rc = sc_fail(err, SC_ERUNTIME, "the draw filled %ld of %ld places", taken_total,
                     out->sample_size);
        goto fail;
    }

    out->picks = calloc((size_t)out->sample_size, sizeof *out->picks);
    if (!out->picks) {
        rc = SC_ENOMEM;
        goto fail;
    }
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        if (!taken[i])
            continue;
        struct sampler_pick *pk = &out->picks[out->npicks++];
        pk->code = strdup(frame[i].code);
        pk->url = strdup(nz(frame[i].url));
        pk->stratum = strdup(out->strata[stratum_of[i]].key);
        memcpy(pk->key, work.keys[i], sizeof pk->key);
        pk->rank = (long)out->npicks;
        pk->is_repeat = is_earlier[i];
        if (!pk->code || !pk->url || !pk->stratum) {
            rc = SC_ENOMEM;
            goto fail;
        }
    }
    if (out->unavoidable > out->repeat_limit)
        snprintf(out->note, sizeof out->note,
                 "the frame is too small to keep repeats within 10%%: %ld of its %ld sites were "
                 "drawn earlier this quarter, so a sample of %ld needs %ld repeats (limit %ld)",
                 earlier_in_frame, out->frame_size, out->sample_size, out->unavoidable,
                 out->repeat_limit);
    else if (out->moved > 0)
        snprintf(out->note, sizeof out->note,
                 "to keep repeats within 10%%, %ld place%s of strata without enough fresh sites "
                 "went to the best-ranked fresh sites of other strata",
                 out->moved, out->moved == 1 ? "" : "s");
    rc = SC_OK;
    goto done;
fail:
    if (rc == SC_ENOMEM)
        sc_fail(err, SC_ENOMEM, "out of memory drawing the sample");
    sampler_result_free(out);
done:
    free(work.keys);
    free(stratum_of);
    free(order);
    free(is_earlier);
    free(taken);
    free(early);
    return rc;
}

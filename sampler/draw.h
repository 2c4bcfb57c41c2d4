/* draw: choosing a round's sample from a frame and a seed. Pure: the same frame, seed,
 * settings and earlier samples always give the same sample.
 *
 * 1. Size: n = ceil(rate × N) for a frame of N sites (params.h: exact integer arithmetic).
 * 2. Ranking: every site gets its key SHA-256(seed ‖ code) (frame.h); the walk below visits
 *    the whole frame in key order, smallest first.
 * 3. Strata (when stratified): sites are grouped by (region, type), strata ordered by region
 *    then type, bytewise. Stratum s of N_s sites has the quota n × N_s / N and gets its
 *    floor or its ceiling, by systematic rounding: with r_s = (n × N_s) mod N (the fraction
 *    in units of 1/N) laid end to end in stratum order, the places left over go to the strata
 *    whose stretch [r_1 + … + r_{s-1}, r_1 + … + r_s) holds one of the points u, u + N,
 *    u + 2N, …, where u = sampler_strata_offset(). So a stratum gets its ceiling with
 *    probability exactly frac(quota), and every site of the frame, whatever its stratum, is
 *    drawn with the same probability n / N (largest-remainder rounding would never draw a
 *    site whose stratum is too small for a whole place). Unstratified, the whole frame is one
 *    stratum of n places.
 * 4. Repeats: "earlier" sites are those in the samples of the quarter's earlier rounds. At
 *    most R = floor(10% × n) may be taken: the national rule, which stratification (our
 *    addition) never overrides. A stratum with fewer fresh (not earlier) sites than places
 *    needs repeats: its shortfall. U = max(0, n − fresh sites of the whole frame) repeats no
 *    sample could avoid; the walk takes at most C = max(R, U). The allowance for earlier sites
 *    of strata that do not need them is max(0, R − all shortfalls).
 * 5. The walk: in key order, a site is taken when its stratum still has a place and, if it
 *    is an earlier site, either its stratum has not yet taken its shortfall and fewer than C
 *    repeats are taken, or the allowance is not used up; otherwise it is skipped.
 * 6. Places the walk left empty (shortfalls beyond C) go to the best-ranked fresh sites not
 *    taken, whatever their stratum ("moved"). The sample is the taken sites in key order,
 *    ranked 1..n. The size is never cut below n; repeats exceed R only when U > R, and the
 *    result then carries a note saying why (and another note when places were moved).  */
#ifndef SPOTCHECK_SAMPLER_DRAW_H
#define SPOTCHECK_SAMPLER_DRAW_H

#include <stddef.h>

#include "common/error.h"
#include "sampler/frame.h"

struct sampler_params {
    const char *seed; /* canonical seed text (params.h) */
    int rate_bp;      /* basis points, SAMPLER_RATE_MIN_BP..SAMPLER_RATE_MAX_BP */
    int stratify;     /* 1: by region × type */
};

struct sampler_pick {
    char *code;
    char *url;     /* copied from the frame site ("" when none) */
    char *stratum; /* "region/type" when stratified, "" otherwise */
    char key[65];  /* the ranking key */
    long rank;     /* 1-based position in the sample */
    int is_repeat; /* drawn in an earlier round of the quarter */
};

struct sampler_stratum {
    char *region, *type, *key; /* key: "region/type" ("" unstratified) */
    long frame;                /* sites of the frame in this stratum */
    long earlier;              /* of those, drawn in an earlier round */
    long alloc;                /* places allotted */
    long drawn;                /* places filled: alloc, unless places were moved (rule 6) */
    long repeats;              /* earlier sites taken */
};

struct sampler_result {
    char frame_hash[65];
    long frame_size, sample_size, repeat_limit, repeats;
    long unavoidable; /* max(0, n − fresh sites of the frame) */
    long moved;       /* places that went to another stratum to keep the repeat rule */
    struct sampler_pick *picks;
    size_t npicks;
    struct sampler_stratum *strata;
    size_t nstrata;
    char note[512]; /* "" or why the repeat limit could not be kept, or places were moved */
};

/* Draws a sample. earlier[0..nearlier-1] are the codes drawn in the quarter's earlier rounds
 * (order and duplicates do not matter; codes outside the frame are ignored). Returns 0, or
 * SC_EINPUT (empty frame, bad or duplicate code, bad seed or rate), SC_ENOMEM, SC_ERUNTIME;
 * on failure out holds nothing to free. */
int sampler_draw(const struct sampler_site *frame, size_t n, const char *const *earlier,
                 size_t nearlier, const struct sampler_params *p, struct sampler_result *out,
                 struct sc_error *err);
void sampler_result_free(struct sampler_result *r);
/* Frees the strings of n picks, then the array. */
void sampler_picks_free(struct sampler_pick *picks, size_t n);

/* The suffix hashed after the seed for the strata offset; '/' never occurs in a site code. */
#define SAMPLER_STRATA_SUFFIX "/strata"
/* u of rule 3: the first 15 hex digits of SHA-256(seed ‖ "/strata") as an integer, modulo
 * the frame size: `printf '%s/strata' "$seed" | sha256sum | cut -c1-15`, then mod N. */
long long sampler_strata_offset(const char *seed, long frame_size);

#endif

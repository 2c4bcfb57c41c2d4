/* record: a draw as stored and published (its proof and its sample), how it is written out
 * (JSON per contract.md, text for people), and how a stored draw is checked against a fresh
 * recomputation from its own frame and seed.
 *
 * A record owns all its strings. `earlier` holds the codes of the samples of the draws the
 * record's draw counted as the quarter's earlier rounds (prior_ids), so recomputing needs
 * nothing but the record. */
#ifndef SPOTCHECK_SAMPLER_RECORD_H
#define SPOTCHECK_SAMPLER_RECORD_H

#include <stddef.h>

#include "common/json.h"
#include "common/strbuf.h"
#include "sampler/draw.h"

struct sampler_record {
    long id; /* draw id in the database */
    char quarter[8];
    int round;
    char *drawn_at, *seed, *seed_source, *frame_hash, *note, *redraw_reason; /* note, reason
                                                                               may be NULL */
    long import_id;                                                          /* 0: unknown */
    long frame_size, sample_size, repeats;
    int rate_bp, stratified, active;
    struct sampler_pick *picks; /* in rank order */
    size_t npicks;
    struct sampler_site *frame; /* strings owned by the record */
    size_t nframe;
    long *prior_ids;
    size_t nprior;
    char **earlier;
    size_t nearlier;
};

void sampler_record_free(struct sampler_record *r);

/* Writes the draw as one JSON object (contract.md's fields plus more). */
void sampler_record_json(const struct sampler_record *r, struct json_writer *w);
/* Appends the draw for people: the proof, then the sample as a table. */
void sampler_record_text(const struct sampler_record *r, struct strbuf *out);

/* Recomputes the draw from the record's frame, seed, rate, stratification and earlier codes. */
int sampler_record_recompute(const struct sampler_record *r, struct sampler_result *out,
                             struct sc_error *err);
/* Compares the stored draw with a recomputation; appends one line per difference to diff and
 * returns how many there were (0: identical). */
long sampler_record_compare(const struct sampler_record *r, const struct sampler_result *re,
                            struct strbuf *diff);

#endif

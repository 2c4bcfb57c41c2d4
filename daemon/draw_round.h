/* draw_round: a round's draw as the configuration asks for it ([sampling] seed, rate,
 * rounds, stratify), shared by `spotcheck draw` and the daemon so both draw the same way.
 *
 * draw_round_prepare() reads the settings, checks them, takes the seed (the office's, or 32
 * bytes from the secure random source: seed_source "random") and the quarter's calendar;
 * storage_draw_round() (storage/draws.h) then draws and stores in one transaction. */
#ifndef SPOTCHECK_DRAW_ROUND_H
#define SPOTCHECK_DRAW_ROUND_H

#include "common/error.h"
#include "sampler/calendar.h"
#include "sampler/params.h"
#include "storage/draws.h"

struct config;

struct draw_round_prep {
    struct draw_request req; /* points into this struct: keep it where it is */
    char quarter[8];
    char seed[SAMPLER_SEED_MAX_HEX + 1];
    struct sampler_round_plan plan[SAMPLER_ROUNDS_MAX];
};

/* Prepares the draw of round `round` of quarter q (redraw_reason NULL: a first draw).
 * Returns 0, SC_EINPUT (a bad [sampling] value: err says which, "rate: ..." or "seed: ...",
 * or a round the calendar does not have) or SC_ERUNTIME (no random source). */
int draw_round_prepare(const struct config *c, struct sampler_quarter q, int round,
                       const char *redraw_reason, struct draw_round_prep *out,
                       struct sc_error *err);

/* The quarter's calendar with the configured number of rounds ([sampling] rounds).
 * Returns the number of rounds (plan[0..n) filled) or SC_EINPUT. */
int draw_round_calendar(const struct config *c, struct sampler_quarter q,
                        struct sampler_round_plan *plan, struct sc_error *err);

#endif

/* avail_schedule: when one site's homepage is probed during a round's monitoring week.
 * Pure: the same secret, site code, start and counts always give the same times.
 *
 * The window is `days` days of 86,400 s from `start` (the daemon passes the monitoring
 * week's first moment, a province midnight, so day d is a civil day). Each day is cut into
 * `per_day` slots; slot k of a day covers [floor(k*86400/per_day), floor((k+1)*86400/per_day))
 * seconds after the day's start, so the slots tile the day with no gap. Every slot holds
 * exactly one probe, at a jittered offset inside it:
 *
 *     h      = first 15 hex digits of SHA-256(seed ‖ code ‖ "/avail/" ‖ d ‖ "/" ‖ k)
 *              (d and k in decimal ASCII, no padding; seed is the round's canonical seed
 *              text, code the site code; '/' never occurs in either)
 *     width  = slot length - min_gap + 1
 *     at     = start + d*86400 + slot start + (h mod width)
 *
 * Recompute one with: printf '%s%s/avail/%d/%d' "$seed" "$code" $d $k | sha256sum | cut -c1-15
 * and then $(( 16#$h % width )) (docs/availability.md has the full recipe).
 *
 * Guarantees: one probe in every slot (so per_day in every day), all inside the window,
 * sorted, and two consecutive probes of the site at least min_gap seconds apart, also
 * across a day boundary (a probe is never later than its slot's end minus min_gap).
 * Without the seed the times cannot be told in advance: see docs/availability.md for when
 * the seed may be published. */
#ifndef SPOTCHECK_AVAIL_SCHEDULE_H
#define SPOTCHECK_AVAIL_SCHEDULE_H

#include <stddef.h>
#include <time.h>

#include "common/error.h"

#define AVAIL_DAY_SECONDS 86400
#define AVAIL_MAX_DAYS 90      /* availability.days' range in the rule table */
#define AVAIL_MAX_PER_DAY 1440 /* availability.probes_per_day's range */

struct avail_schedule_params {
    const char *seed; /* the round's canonical seed text (sampler/params.h) */
    const char *code; /* the site code (网站标识码) */
    time_t start;     /* first moment of the window */
    int days;         /* availability.days: 1..90 */
    int per_day;      /* availability.probes_per_day: 1..1440 */
    int min_gap_s;    /* least distance between two consecutive probes; -1: the default,
                         a quarter of the shortest slot; must be below the shortest slot */
};

/* One planned probe. */
struct avail_time {
    time_t at;
    int day;  /* 0 .. days-1 */
    int slot; /* 0 .. per_day-1 */
};

/* The default min_gap_s for per_day probes a day: a quarter of the shortest slot
 * (1,080 s = 18 min for 20 a day). */
int avail_schedule_default_gap(int per_day);

/* Fills out[0 .. days*per_day) with the site's probe times, day by day and slot by slot
 * (so sorted by time). out must hold days*per_day entries. Returns 0, SC_EINPUT (message in
 * err) for an empty seed or code, a code containing '/', counts out of range or a gap that
 * leaves a slot no room, or SC_ERUNTIME when libcrypto fails. */
int avail_schedule(const struct avail_schedule_params *p, struct avail_time *out,
                   struct sc_error *err);

/* When a site's make-up probe number `attempt` (1, 2, ...) of slot (day, slot) is made,
 * after the probes of that slot, or of its previous make-up, were judged inconclusive for
 * everyone (docs/availability.md): inside slot slot+attempt of the same day, at
 *     h  = first 15 hex digits of SHA-256(seed ‖ code ‖ "/makeup/" ‖ d ‖ "/" ‖ k ‖ "/" ‖ a)
 *     at = start + d*86400 + start of slot k+a + (h mod (its length − a tenth of it)).
 * Returns 0, SC_ENOTFOUND when the day has no slot k+a left (it cannot be made up the same
 * day), SC_EINPUT (bad seed or code), SC_ENOMEM or SC_ERUNTIME. Uses seed, code, start and
 * per_day of p. */
int avail_makeup_at(const struct avail_schedule_params *p, int day, int slot, int attempt,
                    time_t *at, struct sc_error *err);

/* The offset in seconds from the day's start of slot k of per_day (the slot's first second). */
long avail_slot_start(int per_day, int k);

#endif

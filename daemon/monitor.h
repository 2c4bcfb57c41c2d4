/* monitor: the availability monitoring of the daemon's rounds (站点无法访问; domain.md,
 * docs/availability.md). For each drawn round it probes every sampled site's homepage at the
 * times avail_schedule.h gives, over the round's monitoring week, on the daemon's loop.
 *
 * The probes of one slot index (day d, slot k) of every site form a GROUP; their make-ups
 * form groups (d, k, 1), (d, k, 2), ... A group is judged once its slot has ended and none
 * of its probes is in flight:
 *   - inconclusive for everyone ("reference") when, after a site's probe failed, every
 *     configured reference target failed too ([daemon] reference_targets, probed at once);
 *   - inconclusive for everyone ("mass_failure") when more than half of the sites that were
 *     up (did not fail in the latest conclusive slot) failed in it (only with three or more);
 *   - missed ("monitor_down") when none of its probes was made (the daemon was not running);
 *   - else conclusive.
 * An inconclusive group is made up in the next slot of the same day (avail_makeup_at); when
 * the day has no slot left it is recorded as missed ("no_slot_left"); a group is made up at most
 * three times ("makeups_exhausted"), so a monitor down all day does not pile make-ups up. Only conclusive probes
 * count towards the 5% (rules_availability_veto).
 *
 * Everything is stored as it happens (storage/monitor.h) and the in-memory state is rebuilt
 * from the database when a round is first seen, so a restart repeats no probe. A probe is
 * made only inside its slot: a daemon that was down misses those probes rather than faking
 * them late. With the simulated clock nothing is missed: the daemon jumps to each probe. */
#ifndef SPOTCHECK_MONITOR_H
#define SPOTCHECK_MONITOR_H

#include <time.h>
#include <uv.h>

#include "common/error.h"
#include "daemon/schedule.h"
#include "probes/net/avail.h"
#include "storage/db.h"

struct monitor;

struct monitor_options {
    struct avail_options probe; /* timeout from availability.timeout_seconds */
    char **references;          /* reference target URLs (copied) */
    size_t nreferences;
    int days;    /* availability.days */
    int per_day; /* availability.probes_per_day */
    void (*wake)(void *user); /* a probe finished: the daemon should tick again */
    void *user;
};

/* Creates the monitor on loop. Returns 0, SC_EINPUT (bad options), SC_ENOMEM or SC_ERUNTIME. */
int monitor_new(uv_loop_t *loop, struct storage *db, const struct monitor_options *o,
                struct monitor **out, struct sc_error *err);

/* What monitor_round_tick found. */
struct monitor_tick {
    time_t next;  /* the next moment something is due for the round, 0 when nothing */
    int complete; /* the round's monitoring week is over and every group judged */
};

/* Does what is due at now for round r (drawn, not finalised): sets up its monitoring week
 * on first sight (a random secret and the first day: the day after the draw), starts the probes
 * whose moments passed, judges the groups whose slots ended. Returns 0, or a negative SC_E*
 * with err filled (what failed is tried again at the next tick). */
int monitor_round_tick(struct monitor *m, const struct schedule_round *r, time_t now,
                       struct monitor_tick *out, struct sc_error *err);
/* Probes of round_id in flight (all rounds when round_id is 0). */
size_t monitor_in_flight(const struct monitor *m, long round_id);
/* Forgets a round's in-memory state (after it was finalised). Its probes must be done. */
void monitor_round_drop(struct monitor *m, long round_id);
/* The monitoring week of a round as stored: first moment and days; days 0 when not set up. */
int monitor_week(struct storage *db, const struct schedule_round *r, int days_rule, time_t *from,
                 int *days, struct sc_error *err);
/* 1 and the last error a probe's storage met in out (then forgotten), 0 when none. */
int monitor_take_error(struct monitor *m, struct sc_error *out);

/* Cancels the probes in flight (nothing of them is stored), closes the engine and frees the
 * monitor once its handles are closed, then calls on_closed(user). */
void monitor_close(struct monitor *m, void (*on_closed)(void *user), void *user);

#endif

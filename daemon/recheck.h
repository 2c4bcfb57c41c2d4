/* recheck: the re-checks of suspected links due at a moment, run on the daemon's loop
 * (docs/rechecks.md). One run lists what storage says is due (storage/rechecks.h), checks
 * each link the way the crawler checks one (HEAD falling back to GET, redirects, retries and
 * politeness of the fetch engine; classified by probes/net/link_result.h) and records each
 * attempt in its own transaction as soon as its answer arrives, so a process killed midway
 * loses at most the checks in flight, which the next run redoes.
 *
 * THE API, in the style of crawl.h: recheck_start() lists what is due, starts the fetches
 * on a loop the caller owns and returns at once; the caller keeps running its loop. When
 * every check is answered and recorded and the fetch engine is closed, done is called once,
 * on the loop thread, and the run frees itself right after it returns. recheck_cancel()
 * stops it at any moment before done: the checks in flight end unanswered and are NOT
 * recorded (nor are those that failed for want of memory): they stay due for the next run.
 * No callback ever comes from inside recheck_start() or recheck_cancel().
 *
 * Not done here: deciding when to run (storage_rechecks_next_due tells the schedule), and
 * the soft-404 test by the site's fingerprint (a re-check has no crawl of the site to take
 * it from: a link that now answers 200 is cleared). */
#ifndef SPOTCHECK_RECHECK_H
#define SPOTCHECK_RECHECK_H

#include <stddef.h>
#include <time.h>
#include <uv.h>

#include "common/error.h"
#include "probes/net/fetch.h"
#include "storage/db.h"

/* What a run did. */
struct recheck_summary {
    size_t due;          /* re-checks listed as due */
    size_t recorded;     /* attempts stored by this run */
    size_t cleared;      /* of which the link is now cleared */
    size_t confirmed;    /* ... now confirmed broken */
    size_t pending;      /* ... still suspected, re-checked again later */
    size_t gone;         /* answered, but the link is gone (its crawl was replaced) */
    size_t not_recorded; /* cancelled, out of memory, or storing failed: due again */
    const char *error;   /* the first failure's message (storing, out of memory), "" if none */
};

struct recheck;

/* The run is over. status: 0; SC_ECANCELED when recheck_cancel() left some check
 * unanswered (a cancel after the last answer gives the run's own status); else the first
 * failure: SC_ERUNTIME (storing an attempt failed) or SC_ENOMEM, with sum->error saying
 * what — the other checks went on and were recorded. sum and its error live until done
 * returns; the run is freed then (the loop may then be closed). */
typedef void (*recheck_done_fn)(struct recheck *r, int status, const struct recheck_summary *sum,
                                void *user);

/* Starts the re-checks due at `now` (storage_rechecks_due_each with after_seconds and
 * max_attempts: the config's recheck_after_hours * 3600 and recheck_attempts) on loop, with
 * one fetch engine made from fopt (copied; politeness applies). db must stay open, and is
 * used from the loop thread only, until done; no transaction may be open on it when a check
 * is answered. Each attempt is stamped with sc_clock_now() at its answer. Returns 0 (done
 * will come, also when nothing is due), or SC_EINPUT (bad arguments) / SC_ENOMEM /
 * SC_ERUNTIME (listing failed, or the engine could not be made) with nothing started and no
 * callback to come. *out (may be NULL) gets the handle for recheck_cancel. */
int recheck_start(uv_loop_t *loop, struct storage *db, const struct fetch_options *fopt, time_t now,
                  long after_seconds, int max_attempts, recheck_done_fn done, void *user,
                  struct recheck **out, struct sc_error *err);

/* Stops the run: unanswered checks end without being recorded; done follows (later, on the
 * loop) once the fetch engine is closed. Safe at any moment before done is called, and more
 * than once; not after. */
void recheck_cancel(struct recheck *r);

#endif

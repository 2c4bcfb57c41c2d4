/* rounds: what the daemon and `spotcheck status` need of the rounds: each round's progress
 * (sampled, crawled), its state, the sites of its sample still to crawl, and the daemon's
 * own row (daemon_state: pid, since, next action, last error).
 *
 * A round's state moves planned → drawn (storage_draw_round) → checking (its first crawl
 * started) → finalised (its window closed); `published` comes with the reports issue.
 * A round's `crawled` counts the stored crawls of the sites of its active sample, one per
 * site at most (crawls.h), so a crawl redone after a crash is never counted twice. */
#ifndef SPOTCHECK_ROUNDS_H
#define SPOTCHECK_ROUNDS_H

#include "common/error.h"
#include "storage/db.h"

struct round_progress {
    long id;
    const char *quarter;
    int number;
    const char *draw_date, *window_start, *window_end; /* "YYYY-MM-DD" */
    const char *state;
    long draw_id; /* the active draw, 0 when not drawn */
    long sampled; /* sites in the active draw's sample */
    long crawled; /* of which a crawl is stored for the round */
};

/* Calls cb for every stored round (of one quarter, or of all when quarter is NULL) in
 * quarter and number order; the row's strings live until cb returns. A non-zero return
 * from cb stops the walk and is returned. Returns 0 or SC_ERUNTIME. */
int storage_rounds_progress_each(struct storage *db, const char *quarter,
                                 int (*cb)(const struct round_progress *row, void *ud), void *ud,
                                 struct sc_error *err);

/* Sets a round's state ("checking", "finalised"). Returns 0, SC_ENOTFOUND (no such round)
 * or SC_ERUNTIME. */
int storage_round_set_state(struct storage *db, long round_id, const char *state,
                            struct sc_error *err);

/* One site of a round's active sample. */
struct sample_site {
    const char *code, *url, *name, *region;
    const char *type; /* the registry's canonical type ("portal", "department") or "" */
    int rank;
    int crawled; /* a crawl of it is stored for the round */
};
/* Calls cb for each site of the active sample of round_id in rank order; strings live until
 * cb returns. A non-zero return from cb stops the walk and is returned. 0 or SC_ERUNTIME. */
int storage_round_sample_each(struct storage *db, long round_id,
                              int (*cb)(const struct sample_site *s, void *ud), void *ud,
                              struct sc_error *err);

/* ---- the daemon's row ---- */
struct daemon_state {
    long pid; /* 0: none recorded (stopped cleanly) */
    char since[32], version[32], heartbeat_at[32], next_action[64], next_at[32];
    char last_error[512], last_error_at[32]; /* "" when none */
};

/* A daemon started: records pid, since (the clock's text) and version; clears the next
 * action and the last error. */
int storage_daemon_started(struct storage *db, long pid, const char *since, const char *version,
                           struct sc_error *err);
/* Records the heartbeat and the next action ("draw 2026Q4 2") with its moment; action may be
 * NULL (nothing scheduled). */
int storage_daemon_next(struct storage *db, const char *heartbeat_at, const char *action,
                        const char *at, struct sc_error *err);
/* Records an error the daemon met (and carried on, or stopped for). */
int storage_daemon_error(struct storage *db, const char *message, const char *at,
                         struct sc_error *err);
/* The daemon stopped cleanly: the pid is cleared. */
int storage_daemon_stopped(struct storage *db, struct sc_error *err);
/* Loads the row; SC_ENOTFOUND when no daemon ever ran on this database. */
int storage_daemon_state_load(struct storage *db, struct daemon_state *out, struct sc_error *err);

#endif

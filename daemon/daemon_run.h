/* daemon_run: the daemon's loop (architecture.md, "The daemon's loop"): one libuv loop with
 * a timer that ticks the schedule, the site crawls on it, and the signal handlers.
 *
 * Each tick loads the rounds (schedule_load.h), asks each for its pending action, and does
 * the due ones: a draw (storage_draw_round, in one transaction), a round's crawls (the sites
 * of its sample not stored yet and not in flight whose slots passed, schedule.h, at most
 * [daemon] crawl_concurrency at once, each stored by storage_crawl_save in one transaction
 * when it finishes), a finalisation (once none of the round's crawls is in flight). An action that
 * fails is logged, recorded as the last error, and tried again an hour of clock later (a minute of
 * wall clock when the clock is real). Each tick first re-imports [daemon] registry when it
 * changed (registry_watch.h). SIGHUP reloads the configuration file; a bad one is logged with
 * FILE:LINE and the configuration in effect is kept. */
#ifndef SPOTCHECK_DAEMON_RUN_H
#define SPOTCHECK_DAEMON_RUN_H

#include <time.h>

struct config;

struct daemon_run_options {
    int has_until; /* simulated time: jump to each next action, stop past until */
    time_t until;
    int follow_wall_clock; /* --now without --until: the clock runs on from --now */
};

/* Runs until stopped (SIGTERM/SIGINT) or, in simulated time, until the next action lies past
 * `until`. Returns the exit status: 0, or 3 when the database cannot be opened or the loop
 * cannot start. */
int daemon_run(struct config *config, const char *db_path, const struct daemon_run_options *o);

#endif

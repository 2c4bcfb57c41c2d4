/* schedule_load: the rounds the schedule looks at, from the database and the calendar: every
 * stored round, then the rounds of the clock's quarter and the next one that are not stored
 * yet (a quarter's rounds are stored with its first draw), with the configured number of
 * rounds ([sampling] rounds). Shared by the daemon and `spotcheck status`. */
#ifndef SPOTCHECK_SCHEDULE_LOAD_H
#define SPOTCHECK_SCHEDULE_LOAD_H

#include <stddef.h>
#include <time.h>

#include "common/error.h"
#include "daemon/schedule.h"
#include "storage/db.h"

struct config;

/* Fills *out (malloc'd, the caller frees it) with *n rounds in quarter and number order.
 * Returns 0, SC_EINPUT (a bad [sampling] rounds), SC_ERUNTIME or SC_ENOMEM. */
int schedule_load(struct storage *db, const struct config *c, time_t now,
                  struct schedule_round **out, size_t *n, struct sc_error *err);

#endif

/* publish_store: what publishing writes to the database: a finalised round that is on the
 * public site becomes `published` (rounds.state, docs/database.md). The daemon's schedule
 * counts a published round as finalised (schedule_load.c), so nothing is redone for it. */
#ifndef SPOTCHECK_PUBLISH_STORE_H
#define SPOTCHECK_PUBLISH_STORE_H

#include "common/error.h"
#include "storage/db.h"

/* Marks round_id published when it is finalised; a round already published stays so (it is
 * not an error). Returns 1 when the state changed, 0 when it was already published,
 * SC_EINPUT when the round is in another state (planned, drawn, checking), SC_ENOTFOUND
 * (no such round) or SC_ERUNTIME. */
int storage_round_mark_published(struct storage *db, long round_id, struct sc_error *err);

#endif

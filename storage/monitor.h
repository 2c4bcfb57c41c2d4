/* monitor: what the availability monitoring of a round stores (docs/availability.md,
 * docs/database.md "Monitoring"): the round's monitoring secret and first day, one row per
 * probe of a site's homepage, the reference probes made when a site's probe failed, and the
 * judgement of each group of probes (a slot of every site, or its make-up) as conclusive or
 * inconclusive for everyone.
 *
 * Every write is one transaction and idempotent: saving a probe that is already stored, or
 * judging a group already judged, changes nothing, so a daemon killed between a probe and
 * its commit simply probes again and never stores a probe twice. */
#ifndef SPOTCHECK_MONITOR_STORE_H
#define SPOTCHECK_MONITOR_STORE_H

#include <time.h>

#include "common/error.h"
#include "probes/net/avail.h"
#include "storage/db.h"

/* The round's monitoring secret and first day ("YYYY-MM-DD"): sets them unless already set
 * (the first ones stay), then reads back what is stored into seed (65 bytes) and from (11
 * bytes). Returns 0, SC_ENOTFOUND (no such round) or SC_ERUNTIME. */
int storage_monitor_setup(struct storage *db, long round_id, const char *seed, const char *from,
                          char seed_out[65], char from_out[11], struct sc_error *err);
/* Reads them; "" when not set yet. */
int storage_monitor_get(struct storage *db, long round_id, char seed_out[65], char from_out[11],
                        struct sc_error *err);

/* When the round's active draw was made. Returns 0, SC_ENOTFOUND (not drawn) or SC_ERUNTIME. */
int storage_round_drawn_at(struct storage *db, long round_id, time_t *at, struct sc_error *err);

/* Where a probe belongs: group (day, slot, attempt) of round_id, site code. */
struct probe_key {
    long round_id;
    const char *code;
    int day, slot, attempt;
};

/* Stores one probe with its planned moment. conclusive: -1 not judged yet (NULL), 0 with
 * reason (the monitor's own failure, e.g. "monitor_error"). Returns 0 (also when it was
 * already stored: nothing changes), SC_ERUNTIME or SC_ENOMEM. */
int storage_probe_save(struct storage *db, const struct probe_key *k, time_t planned,
                       const struct avail_result *res, int conclusive, const char *reason,
                       struct sc_error *err);

/* A stored probe, as storage_probes_each gives it. */
struct probe_row {
    const char *code;
    int day, slot, attempt;
    int ok;
    int conclusive; /* -1 not judged yet */
};
int storage_probes_each(struct storage *db, long round_id,
                        int (*cb)(const struct probe_row *row, void *ud), void *ud,
                        struct sc_error *err);

/* Stores the probe of one reference target made for group (day, slot, attempt). */
int storage_reference_save(struct storage *db, long round_id, int day, int slot, int attempt,
                           const struct avail_result *res, struct sc_error *err);
/* Calls cb for each group of the round in which a set of reference probes (those made at
 * one moment) all failed. */
int storage_reference_failures_each(struct storage *db, long round_id,
                                    int (*cb)(int day, int slot, int attempt, void *ud), void *ud,
                                    struct sc_error *err);

/* A group's judgement. */
struct group_verdict {
    long round_id;
    int day, slot, attempt;
    int conclusive;     /* 1 conclusive, 0 inconclusive for everyone, -1 missed (no slot left) */
    const char *reason; /* "reference", "mass_failure", "no_slot_left", or NULL */
    int sites, failed;
    time_t at;
};
/* Records the judgement and, in the same transaction, sets it on the group's probes (a probe
 * already inconclusive for its own reason keeps it). Idempotent. */
int storage_group_judge(struct storage *db, const struct group_verdict *v, struct sc_error *err);
/* Calls cb for each judged group of the round. */
int storage_groups_each(struct storage *db, long round_id,
                        int (*cb)(int day, int slot, int attempt, int conclusive, void *ud),
                        void *ud, struct sc_error *err);

/* A site's availability over a round's monitoring (contract.md, report's "availability"). */
struct avail_summary {
    int days;          /* days of the monitoring week */
    long probes;       /* probes made, make-ups and inconclusive ones included */
    long conclusive;   /* of which counted */
    long failures;     /* conclusive probes that failed */
    long min_per_day;  /* fewest conclusive probes on a day of the week (0 for a day without) */
    double failure_rate;
};
/* days: the monitoring week's length (a day with no conclusive probe counts as 0). */
int storage_avail_summary(struct storage *db, long round_id, const char *code, int days,
                          struct avail_summary *out, struct sc_error *err);
/* Conclusive probes of the round stored so far (status's probes_done). */
int storage_probes_done(struct storage *db, long round_id, long *n, struct sc_error *err);
/* Conclusive probes of a site per day of the week: per_day_out[0..days) (coverage). */
int storage_avail_coverage(struct storage *db, long round_id, const char *code, int days,
                           long *per_day_out, struct sc_error *err);

#endif

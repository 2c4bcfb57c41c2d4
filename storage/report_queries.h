/* report_queries: the reads the reports need beyond what the other storage files give
 * (reports/ reads storage only): a site's failed availability probes with their timings,
 * and its failed conclusive probes per day of the monitoring week. SELECTs only. */
#ifndef SPOTCHECK_REPORT_QUERIES_H
#define SPOTCHECK_REPORT_QUERIES_H

#include "common/error.h"
#include "storage/db.h"

/* One failed probe of a site's homepage, as storage_failed_probes_each gives it. */
struct failed_probe_row {
    int day, slot, attempt; /* day 0 is the week's first */
    const char *probed_at;  /* the clock's text */
    int status;             /* last HTTP status, 0 when none */
    const char *error;      /* error word, or NULL */
    long total_ms;          /* -1 when not recorded */
    int conclusive;         /* 1 counted, 0 inconclusive, -1 not judged yet */
    const char *reason;     /* why inconclusive, or NULL */
};

/* Calls cb for each failed probe of site `code` in round_id (make-ups and inconclusive ones
 * included), in the order they were made; strings live until cb returns. A non-zero return
 * from cb stops the walk and is returned. Returns 0, SC_ERUNTIME or SC_ENOMEM. */
int storage_failed_probes_each(struct storage *db, long round_id, const char *code,
                               int (*cb)(const struct failed_probe_row *row, void *ud), void *ud,
                               struct sc_error *err);

/* Conclusive probes of a site that failed, per day of the week: per_day_out[0..days). */
int storage_avail_failed_per_day(struct storage *db, long round_id, const char *code, int days,
                                 long *per_day_out, struct sc_error *err);

#endif

/* verdicts: a site's final verdict in a round (docs/database.md, "Verdicts"): the final
 * score and verdict on its crawl row and the final defects beside the crawl's (stage
 * 'final'), written in one transaction; finalising again replaces them. */
#ifndef SPOTCHECK_VERDICTS_H
#define SPOTCHECK_VERDICTS_H

#include <time.h>

#include "common/error.h"
#include "probes/verdict/site_report.h"
#include "storage/db.h"

/* Stores r (judged) as the final verdict of crawl_id at `at`, with its JSON (may be NULL).
 * Returns 0, SC_ENOTFOUND (no such crawl), SC_ERUNTIME or SC_ENOMEM; on failure nothing
 * changes. */
int storage_verdict_save(struct storage *db, long crawl_id, const struct site_report *r,
                         const char *report_json, time_t at, struct sc_error *err);

/* When crawl_id has a final verdict: replaces r's defects, score and verdict by it and
 * returns 1 (finalised_at, 32 bytes, gets its moment when not NULL); 0 when it has none (r
 * unchanged); or a negative SC_E*. */
int storage_verdict_load(struct storage *db, long crawl_id, struct site_report *r,
                         char *finalised_at, struct sc_error *err);

#endif

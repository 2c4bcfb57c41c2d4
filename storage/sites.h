/* sites: the registry in the database: applying an import, listing sites, status history. */
#ifndef SPOTCHECK_SITES_H
#define SPOTCHECK_SITES_H

#include "common/error.h"
#include "common/registry.h"
#include "storage/db.h"

struct import_summary {
    long import_id;
    long added;          /* new sites */
    long updated;        /* sites whose record changed */
    long status_changes; /* status changed or re-listed */
    long unlisted;       /* listed before, missing from this export: marked not listed */
    long unchanged;
};

/* Applies a parsed registry as ONE transaction: inserts new sites, updates changed ones,
 * records every status change (and listing change) with the clock's date, and marks sites
 * missing from the export as no longer listed (never deletes them). Rows that were invalid
 * (reg->problems) are not imported, but a listed site named by an invalid row is not
 * unlisted either. On failure nothing changes. */
int storage_registry_apply(struct storage *db, const struct registry *reg,
                           const char *source_name, struct import_summary *sum,
                           struct sc_error *err);

struct site_row {
    const char *code, *name, *url, *sponsor, *region, *level, *type, *status, *contact, *phone,
        *email, *updated_at;
    int listed;
};

struct site_filter {
    const char *status;   /* canonical status, or NULL for any */
    const char *region;   /* exact region, or NULL */
    int include_unlisted; /* also sites no longer in the registry */
};

/* Calls cb for each matching site in code order; the row's strings live until cb returns.
 * A non-zero return from cb stops the walk and is returned. */
int storage_sites_each(struct storage *db, const struct site_filter *filter,
                       int (*cb)(const struct site_row *row, void *ud), void *ud,
                       struct sc_error *err);

struct status_change {
    const char *site_code, *changed_at, *old_status, *new_status;
    int old_listed, new_listed; /* old_listed -1 when the site was new */
    long import_id;
};
/* Calls cb for each recorded status change of a site (or of all sites when code is NULL),
 * oldest first. */
int storage_status_history_each(struct storage *db, const char *code,
                                int (*cb)(const struct status_change *c, void *ud), void *ud,
                                struct sc_error *err);

/* The SHA-256 (hex) of the file the latest import came from into hex (65 bytes); "" when
 * nothing was imported yet. Returns 0 or SC_ERUNTIME. */
int storage_latest_import_sha256(struct storage *db, char *hex, struct sc_error *err);

/* Number of sites (listed ones only unless include_unlisted). */
long storage_sites_count(struct storage *db, int include_unlisted);

#endif

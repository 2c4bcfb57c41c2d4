/* report_queries: read-only queries for the reports (report_queries.h). */
#include "storage/report_queries.h"
#include "storage/internal.h"

static const char SQL_FAILED_PROBES[] =
    "SELECT coalesce(day, -1), coalesce(slot, -1), attempt, probed_at, coalesce(status, 0), "
    "error, coalesce(total_ms, elapsed_ms, -1), coalesce(conclusive, -1), inconclusive_reason "
    "FROM availability_probes WHERE round_id=?1 AND site_code=?2 AND ok=0 "
    "ORDER BY probed_at, day, slot, attempt, id";
static const char SQL_FAILED_PER_DAY[] =
    "SELECT day, count(*) FROM availability_probes WHERE round_id=?1 AND site_code=?2 AND "
    "conclusive=1 AND ok=0 GROUP BY day";

int storage_failed_probes_each(struct storage *db, long round_id, const char *code,
                               int (*cb)(const struct failed_probe_row *row, void *ud), void *ud,
                               struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_FAILED_PROBES, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    storage_bind_text(st, 2, code);
    if (storage_binds_ok(db, err) < 0)
        return SC_ENOMEM;
    int rc, stop = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct failed_probe_row row = {
            sqlite3_column_int(st, 0),
            sqlite3_column_int(st, 1),
            sqlite3_column_int(st, 2),
            (const char *)sqlite3_column_text(st, 3),
            sqlite3_column_int(st, 4),
            (const char *)sqlite3_column_text(st, 5),
            (long)sqlite3_column_int64(st, 6),
            sqlite3_column_int(st, 7),
            (const char *)sqlite3_column_text(st, 8),
        };
        if (!row.probed_at)
            row.probed_at = "";
        stop = cb(&row, ud);
        if (stop)
            break;
    }
    sqlite3_reset(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "reading a site's failed probes");
}

int storage_avail_failed_per_day(struct storage *db, long round_id, const char *code, int days,
                                 long *per_day_out, struct sc_error *err)
{
    for (int d = 0; d < days; d++)
        per_day_out[d] = 0;
    sqlite3_stmt *st = storage_stmt(db, SQL_FAILED_PER_DAY, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    storage_bind_text(st, 2, code);
    if (storage_binds_ok(db, err) < 0)
        return SC_ENOMEM;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int d = sqlite3_column_int(st, 0);
        if (d >= 0 && d < days)
            per_day_out[d] = (long)sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "counting a site's failed probes");
}

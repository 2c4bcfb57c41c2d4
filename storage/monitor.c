/* monitor: storing and reading a round's availability monitoring (see monitor.h). */
#include "storage/monitor.h"
#include "common/clock.h"
#include "storage/internal.h"

#include <stdlib.h>
#include <string.h>

static const char SQL_MONITOR_SET[] =
    "UPDATE rounds SET monitor_seed=coalesce(monitor_seed, ?2), "
    "monitor_from=coalesce(monitor_from, ?3) WHERE id=?1";
static const char SQL_MONITOR_GET[] =
    "SELECT coalesce(monitor_seed, ''), coalesce(monitor_from, '') FROM rounds WHERE id=?1";
static const char SQL_DRAWN_AT[] =
    "SELECT drawn_at FROM draws WHERE round_id=?1 AND active=1 ORDER BY id DESC LIMIT 1";
static const char SQL_PROBE_SAVE[] =
    "INSERT OR IGNORE INTO availability_probes (round_id, site_code, day, slot, attempt, "
    "planned_at, probed_at, ok, status, error, elapsed_ms, url, final_url, redirects, dns_ms, "
    "connect_ms, tls_ms, first_byte_ms, total_ms, bytes, ip, sha256, conclusive, "
    "inconclusive_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)";
static const char SQL_PROBES[] =
    "SELECT site_code, day, slot, attempt, ok, coalesce(conclusive, -1) FROM availability_probes "
    "WHERE round_id=?1 AND day IS NOT NULL ORDER BY day, slot, attempt, site_code";
static const char SQL_REFERENCE_SAVE[] =
    "INSERT INTO monitor_reference_probes (round_id, day, slot, attempt, target, probed_at, ok, "
    "status, error, total_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char SQL_REFERENCE_FAILURES[] =
    "SELECT DISTINCT day, slot, attempt FROM (SELECT day, slot, attempt, probed_at, max(ok) AS "
    "any_ok FROM monitor_reference_probes WHERE round_id=?1 GROUP BY day, slot, attempt, "
    "probed_at) WHERE any_ok=0 ORDER BY day, slot, attempt";
static const char SQL_GROUP_INSERT[] =
    "INSERT OR IGNORE INTO monitor_slots (round_id, day, slot, attempt, state, reason, sites, "
    "failed, decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_GROUP_PROBES[] =
    "UPDATE availability_probes SET conclusive=CASE WHEN inconclusive_reason IS NOT NULL "
    "THEN 0 ELSE ?5 END, inconclusive_reason=coalesce(inconclusive_reason, ?6) "
    "WHERE round_id=?1 AND day=?2 AND slot=?3 AND attempt=?4 AND conclusive IS NULL";
static const char SQL_GROUPS[] =
    "SELECT day, slot, attempt, CASE state WHEN 'conclusive' THEN 1 WHEN 'inconclusive' THEN 0 "
    "ELSE -1 END FROM monitor_slots WHERE round_id=?1 ORDER BY day, slot, attempt";
static const char SQL_SUMMARY[] =
    "SELECT count(*), coalesce(sum(conclusive=1), 0), coalesce(sum(conclusive=1 AND ok=0), 0) "
    "FROM availability_probes WHERE round_id=?1 AND site_code=?2";
static const char SQL_PER_DAY[] =
    "SELECT day, count(*) FROM availability_probes WHERE round_id=?1 AND site_code=?2 AND "
    "conclusive=1 GROUP BY day";
static const char SQL_DONE[] =
    "SELECT count(*) FROM availability_probes WHERE round_id=?1 AND conclusive=1";

static int read_seed_from(sqlite3_stmt *st, char seed_out[65], char from_out[11])
{
    snprintf(seed_out, 65, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(from_out, 11, "%s", (const char *)sqlite3_column_text(st, 1));
    return 0;
}

int storage_monitor_get(struct storage *db, long round_id, char seed_out[65], char from_out[11],
                        struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_MONITOR_GET, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_seed_from(st, seed_out, from_out);
        sqlite3_reset(st);
        return SC_OK;
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return sc_fail(err, SC_ENOTFOUND, "no round with id %ld", round_id);
    return storage_fail(db, err, "reading a round's monitoring");
}

int storage_monitor_setup(struct storage *db, long round_id, const char *seed, const char *from,
                          char seed_out[65], char from_out[11], struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_MONITOR_SET, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    storage_bind_text(st, 2, seed);
    storage_bind_text(st, 3, from);
    int rc = storage_exec_stmt(db, st, err, "recording a round's monitoring");
    if (rc < 0)
        return rc;
    return storage_monitor_get(db, round_id, seed_out, from_out, err);
}

static void bind_ms(sqlite3_stmt *st, int idx, int64_t us)
{
    if (us > 0)
        sqlite3_bind_double(st, idx, (double)us / 1000.0);
}

int storage_probe_save(struct storage *db, const struct probe_key *k, time_t planned,
                       const struct avail_result *res, int conclusive, const char *reason,
                       struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_PROBE_SAVE, err);
    if (!st)
        return SC_ERUNTIME;
    char planned_text[32], at_text[32];
    sc_time_format(planned, planned_text);
    sc_time_format(res->at, at_text);
    sqlite3_bind_int64(st, 1, k->round_id);
    storage_bind_text(st, 2, k->code);
    sqlite3_bind_int(st, 3, k->day);
    sqlite3_bind_int(st, 4, k->slot);
    sqlite3_bind_int(st, 5, k->attempt);
    storage_bind_text(st, 6, planned_text);
    storage_bind_text(st, 7, at_text);
    sqlite3_bind_int(st, 8, res->outcome == AVAIL_OK);
    if (res->status)
        sqlite3_bind_int(st, 9, res->status);
    storage_bind_text(st, 10, res->error);
    sqlite3_bind_int64(st, 11, (sqlite3_int64)((res->total_us + 500) / 1000));
    storage_bind_text(st, 12, res->url);
    storage_bind_text(st, 13, res->final_url);
    sqlite3_bind_int(st, 14, res->nredirects);
    bind_ms(st, 15, res->dns_us);
    bind_ms(st, 16, res->connect_us);
    bind_ms(st, 17, res->tls_us);
    bind_ms(st, 18, res->first_byte_us);
    bind_ms(st, 19, res->total_us);
    sqlite3_bind_int64(st, 20, (sqlite3_int64)res->bytes);
    storage_bind_text(st, 21, res->ip[0] ? res->ip : NULL);
    storage_bind_text(st, 22, res->sha256[0] ? res->sha256 : NULL);
    if (conclusive >= 0)
        sqlite3_bind_int(st, 23, conclusive);
    storage_bind_text(st, 24, reason);
    return storage_exec_stmt(db, st, err, "storing an availability probe");
}

int storage_probes_each(struct storage *db, long round_id,
                        int (*cb)(const struct probe_row *row, void *ud), void *ud,
                        struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_PROBES, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct probe_row row = {
            .code = (const char *)sqlite3_column_text(st, 0),
            .day = sqlite3_column_int(st, 1),
            .slot = sqlite3_column_int(st, 2),
            .attempt = sqlite3_column_int(st, 3),
            .ok = sqlite3_column_int(st, 4),
            .conclusive = sqlite3_column_int(st, 5),
        };
        int r = cb(&row, ud);
        if (r) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "listing a round's probes");
}

int storage_reference_save(struct storage *db, long round_id, int day, int slot, int attempt,
                           const struct avail_result *res, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_REFERENCE_SAVE, err);
    if (!st)
        return SC_ERUNTIME;
    char at_text[32];
    sc_time_format(res->at, at_text);
    sqlite3_bind_int64(st, 1, round_id);
    sqlite3_bind_int(st, 2, day);
    sqlite3_bind_int(st, 3, slot);
    sqlite3_bind_int(st, 4, attempt);
    storage_bind_text(st, 5, res->url);
    storage_bind_text(st, 6, at_text);
    sqlite3_bind_int(st, 7, res->outcome == AVAIL_OK);
    if (res->status)
        sqlite3_bind_int(st, 8, res->status);
    storage_bind_text(st, 9, res->error);
    bind_ms(st, 10, res->total_us);
    return storage_exec_stmt(db, st, err, "storing a reference probe");
}

/* Walks rows of three or four integers. */
static int each_ints(struct storage *db, const char *sql, long round_id, int ncols,
                     int (*cb)(const int *v, void *ud), void *ud, struct sc_error *err,
                     const char *what)
{
    sqlite3_stmt *st = storage_stmt(db, sql, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int v[4] = {0};
        for (int i = 0; i < ncols; i++)
            v[i] = sqlite3_column_int(st, i);
        int r = cb(v, ud);
        if (r) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, what);
}

struct ints_adapter {
    int (*ref)(int day, int slot, int attempt, void *ud);
    int (*group)(int day, int slot, int attempt, int conclusive, void *ud);
    void *ud;
};

static int ref_adapter(const int *v, void *ud)
{
    struct ints_adapter *a = ud;
    return a->ref(v[0], v[1], v[2], a->ud);
}

static int group_adapter(const int *v, void *ud)
{
    struct ints_adapter *a = ud;
    return a->group(v[0], v[1], v[2], v[3], a->ud);
}

int storage_reference_failures_each(struct storage *db, long round_id,
                                    int (*cb)(int day, int slot, int attempt, void *ud), void *ud,
                                    struct sc_error *err)
{
    struct ints_adapter a = {cb, NULL, ud};
    return each_ints(db, SQL_REFERENCE_FAILURES, round_id, 3, ref_adapter, &a, err,
                     "listing failed reference probes");
}

int storage_groups_each(struct storage *db, long round_id,
                        int (*cb)(int day, int slot, int attempt, int conclusive, void *ud),
                        void *ud, struct sc_error *err)
{
    struct ints_adapter a = {NULL, cb, ud};
    return each_ints(db, SQL_GROUPS, round_id, 4, group_adapter, &a, err,
                     "listing a round's judged probe groups");
}

int storage_group_judge(struct storage *db, const struct group_verdict *v, struct sc_error *err)
{
    int rc = storage_begin(db, err);
    if (rc < 0)
        return rc;
    char at_text[32];
    sc_time_format(v->at, at_text);
    const char *state = v->conclusive > 0    ? "conclusive"
                        : v->conclusive == 0 ? "inconclusive"
                                             : "missed";
    sqlite3_stmt *st = storage_stmt(db, SQL_GROUP_INSERT, err);
    if (!st)
        rc = SC_ERUNTIME;
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, v->round_id);
        sqlite3_bind_int(st, 2, v->day);
        sqlite3_bind_int(st, 3, v->slot);
        sqlite3_bind_int(st, 4, v->attempt);
        storage_bind_text(st, 5, state);
        storage_bind_text(st, 6, v->reason);
        sqlite3_bind_int(st, 7, v->sites);
        sqlite3_bind_int(st, 8, v->failed);
        storage_bind_text(st, 9, at_text);
        rc = storage_exec_stmt(db, st, err, "judging a probe group");
    }
    if (rc == 0 && v->conclusive >= 0) {
        st = storage_stmt(db, SQL_GROUP_PROBES, err);
        if (!st)
            rc = SC_ERUNTIME;
        if (rc == 0) {
            sqlite3_bind_int64(st, 1, v->round_id);
            sqlite3_bind_int(st, 2, v->day);
            sqlite3_bind_int(st, 3, v->slot);
            sqlite3_bind_int(st, 4, v->attempt);
            sqlite3_bind_int(st, 5, v->conclusive);
            storage_bind_text(st, 6, v->conclusive ? NULL : v->reason);
            rc = storage_exec_stmt(db, st, err, "judging a group's probes");
        }
    }
    if (rc == 0)
        rc = storage_commit(db, err);
    if (rc < 0)
        storage_rollback(db);
    return rc;
}

int storage_avail_coverage(struct storage *db, long round_id, const char *code, int days,
                           long *per_day_out, struct sc_error *err)
{
    for (int d = 0; d < days; d++)
        per_day_out[d] = 0;
    sqlite3_stmt *st = storage_stmt(db, SQL_PER_DAY, err);
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
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "counting a site's probes per day");
}

int storage_avail_summary(struct storage *db, long round_id, const char *code, int days,
                          struct avail_summary *out, struct sc_error *err)
{
    memset(out, 0, sizeof *out);
    out->days = days;
    sqlite3_stmt *st = storage_stmt(db, SQL_SUMMARY, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    storage_bind_text(st, 2, code);
    if (storage_binds_ok(db, err) < 0)
        return SC_ENOMEM;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->probes = (long)sqlite3_column_int64(st, 0);
        out->conclusive = (long)sqlite3_column_int64(st, 1);
        out->failures = (long)sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return storage_fail(db, err, "summing a site's probes");
    out->failure_rate = out->conclusive ? (double)out->failures / (double)out->conclusive : 0.0;
    if (days <= 0)
        return SC_OK;
    long *per_day = calloc((size_t)days, sizeof *per_day);
    if (!per_day)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    rc = storage_avail_coverage(db, round_id, code, days, per_day, err);
    if (rc == 0) {
        out->min_per_day = per_day[0];
        for (int d = 1; d < days; d++)
            if (per_day[d] < out->min_per_day)
                out->min_per_day = per_day[d];
    }
    free(per_day);
    return rc;
}

int storage_probes_done(struct storage *db, long round_id, long *n, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_DONE, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? SC_OK : storage_fail(db, err, "counting a round's probes");
}

int storage_round_drawn_at(struct storage *db, long round_id, time_t *at, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_DRAWN_AT, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    int rc = sqlite3_step(st);
    char text[20] = ""; /* the clock's text, its zone dropped: province time */
    if (rc == SQLITE_ROW)
        snprintf(text, sizeof text, "%.19s", (const char *)sqlite3_column_text(st, 0));
    int bad = rc == SQLITE_ROW && sc_time_parse(text, at) < 0;
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return sc_fail(err, SC_ENOTFOUND, "round %ld is not drawn", round_id);
    if (rc != SQLITE_ROW)
        return storage_fail(db, err, "reading when a round was drawn");
    return bad ? sc_fail(err, SC_ERUNTIME, "round %ld: a bad draw moment", round_id) : SC_OK;
}

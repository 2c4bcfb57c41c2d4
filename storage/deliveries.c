/* deliveries: the mail delivery record (deliveries.h). Every write is one statement in
 * autocommit mode, so each state change is committed when the function returns. */
#include "storage/deliveries.h"
#include "storage/internal.h"

#include <stdio.h>
#include <string.h>

static const char SQL_GET[] =
    "SELECT state, attempts, message_id, last_error, next_attempt_at, sent_at FROM deliveries"
    " WHERE round_id=?1 AND site_code=?2 AND address=?3";
static const char SQL_BEGIN[] =
    "INSERT INTO deliveries(round_id, site_code, address, message_id, state, attempts,"
    " updated_at) VALUES(?1, ?2, ?3, ?4, 'sending', 1, ?5)"
    " ON CONFLICT(round_id, site_code, address) DO UPDATE SET state='sending',"
    " attempts=attempts+1, message_id=excluded.message_id, updated_at=excluded.updated_at"
    " WHERE state='failed' AND next_attempt_at IS NOT NULL";
static const char SQL_SENT[] =
    "UPDATE deliveries SET state='sent', sent_at=?4, updated_at=?4, last_error=NULL,"
    " next_attempt_at=NULL WHERE round_id=?1 AND site_code=?2 AND address=?3 AND state='sending'";
static const char SQL_FAILED[] =
    "UPDATE deliveries SET state='failed', last_error=?4, next_attempt_at=?5, updated_at=?6"
    " WHERE round_id=?1 AND site_code=?2 AND address=?3 AND state='sending'";
static const char SQL_UNKNOWN[] =
    "UPDATE deliveries SET state='unknown', last_error=?4, next_attempt_at=NULL, updated_at=?5"
    " WHERE round_id=?1 AND site_code=?2 AND address=?3 AND state='sending'";
static const char SQL_RESEND[] =
    "UPDATE deliveries SET state='failed', attempts=0, next_attempt_at=?3, updated_at=?3,"
    " last_error='cleared for a resend by the office: '||coalesce(last_error, state)"
    " WHERE round_id=?1 AND site_code=?2"
    " AND (state='unknown' OR (state='failed' AND next_attempt_at IS NULL))";
static const char SQL_NEXT_DUE[] =
    "SELECT CAST(strftime('%s', d.next_attempt_at) AS INTEGER) AS at, r.quarter, r.number"
    " FROM deliveries d JOIN rounds r ON r.id=d.round_id"
    " WHERE d.state='failed' AND d.next_attempt_at IS NOT NULL"
    " AND r.state IN ('finalised','published') AND at IS NOT NULL ORDER BY at LIMIT 1";
static const char SQL_EMAIL[] = "SELECT trim(email) FROM sites WHERE code=?1";

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t n)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(out, n, "%s", s ? (const char *)s : "");
}

static sqlite3_stmt *key_stmt(struct storage *db, const char *sql, long round_id,
                              const char *site, const char *address, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, sql, err);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, round_id);
    storage_bind_text(st, 2, site);
    storage_bind_text(st, 3, address);
    return st;
}

int storage_delivery_get(struct storage *db, long round_id, const char *site, const char *address,
                         struct delivery *out, struct sc_error *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = key_stmt(db, SQL_GET, round_id, site, address, err);
    if (!st)
        return SC_ERUNTIME;
    if (storage_binds_ok(db, err) < 0)
        return db->error;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return 0;
    }
    if (rc != SQLITE_ROW)
        return storage_fail(db, err, "reading a delivery");
    copy_col(st, 0, out->state, sizeof out->state);
    out->attempts = sqlite3_column_int(st, 1);
    copy_col(st, 2, out->message_id, sizeof out->message_id);
    copy_col(st, 3, out->last_error, sizeof out->last_error);
    copy_col(st, 4, out->next_attempt_at, sizeof out->next_attempt_at);
    copy_col(st, 5, out->sent_at, sizeof out->sent_at);
    sqlite3_reset(st);
    return 1;
}

int storage_delivery_begin(struct storage *db, long round_id, const char *site,
                           const char *address, const char *message_id, const char *now,
                           struct sc_error *err)
{
    sqlite3_stmt *st = key_stmt(db, SQL_BEGIN, round_id, site, address, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 4, message_id);
    storage_bind_text(st, 5, now);
    int rc = storage_exec_stmt(db, st, err, "recording a delivery as sending");
    if (rc < 0)
        return rc;
    return sqlite3_changes(db->handle) > 0 ? 1 : 0;
}

/* runs a sending -> X update; SC_ENOTFOUND when no sending row changed */
static int finish(struct storage *db, sqlite3_stmt *st, const char *what, struct sc_error *err)
{
    int rc = storage_exec_stmt(db, st, err, what);
    if (rc < 0)
        return rc;
    if (sqlite3_changes(db->handle) == 0)
        return sc_fail(err, SC_ENOTFOUND, "%s: the delivery is not being sent", what);
    return 0;
}

int storage_delivery_sent(struct storage *db, long round_id, const char *site,
                          const char *address, const char *now, struct sc_error *err)
{
    sqlite3_stmt *st = key_stmt(db, SQL_SENT, round_id, site, address, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 4, now);
    return finish(db, st, "recording a delivery as sent", err);
}

int storage_delivery_failed(struct storage *db, long round_id, const char *site,
                            const char *address, const char *why, const char *next_attempt_at,
                            const char *now, struct sc_error *err)
{
    sqlite3_stmt *st = key_stmt(db, SQL_FAILED, round_id, site, address, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 4, why);
    storage_bind_text(st, 5, next_attempt_at);
    storage_bind_text(st, 6, now);
    return finish(db, st, "recording a delivery as failed", err);
}

int storage_delivery_unknown(struct storage *db, long round_id, const char *site,
                             const char *address, const char *why, const char *now,
                             struct sc_error *err)
{
    sqlite3_stmt *st = key_stmt(db, SQL_UNKNOWN, round_id, site, address, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 4, why);
    storage_bind_text(st, 5, now);
    return finish(db, st, "recording a delivery as unknown", err);
}

int storage_site_email(struct storage *db, const char *code, struct strbuf *out,
                       struct sc_error *err)
{
    strbuf_reset(out);
    sqlite3_stmt *st = storage_stmt(db, SQL_EMAIL, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 1, code);
    if (storage_binds_ok(db, err) < 0)
        return db->error;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return sc_fail(err, SC_ENOTFOUND, "no site %s in the registry", code);
    }
    if (rc != SQLITE_ROW)
        return storage_fail(db, err, "reading a site's mail address");
    const unsigned char *s = sqlite3_column_text(st, 0);
    strbuf_adds(out, s ? (const char *)s : "");
    sqlite3_reset(st);
    if (out->failed)
        return sc_fail(err, SC_ENOMEM, "out of memory reading a mail address");
    return 0;
}

int storage_delivery_resend(struct storage *db, long round_id, const char *site, const char *now,
                            struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_RESEND, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    storage_bind_text(st, 2, site);
    storage_bind_text(st, 3, now);
    int rc = storage_exec_stmt(db, st, err, "clearing a delivery for a resend");
    if (rc < 0)
        return rc;
    return sqlite3_changes(db->handle);
}

int storage_deliveries_next_due(struct storage *db, time_t *at, char quarter[8], int *round,
                                struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_NEXT_DUE, err);
    if (!st)
        return db->error ? db->error : SC_ERUNTIME;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *at = (time_t)sqlite3_column_int64(st, 0);
        copy_col(st, 1, quarter, 8);
        *round = sqlite3_column_int(st, 2);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return sc_fail(err, SC_ENOTFOUND, "no delivery waits for a retry");
    if (rc != SQLITE_ROW)
        return storage_fail(db, err, "finding the next mail retry");
    return SC_OK;
}

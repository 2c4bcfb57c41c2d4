/* rounds: round progress, round state, a round's sample to crawl, and the daemon's row
 * (see rounds.h). */
#include "storage/rounds.h"
#include "storage/internal.h"

#include <stdio.h>
#include <string.h>

static const char SQL_PROGRESS_ALL[] =
    "SELECT r.id, r.quarter, r.number, r.draw_date, r.window_start, r.window_end, r.state, "
    "coalesce(d.id, 0), coalesce(d.sample_size, 0), "
    "(SELECT count(*) FROM crawls c JOIN samples s ON s.site_code=c.site_code AND s.draw_id=d.id "
    " WHERE c.round_id=r.id) "
    "FROM rounds r LEFT JOIN draws d ON d.round_id=r.id AND d.active=1 "
    "WHERE ?1 IS NULL OR r.quarter=?1 ORDER BY r.quarter, r.number";
static const char SQL_SET_STATE[] = "UPDATE rounds SET state=? WHERE id=?";
static const char SQL_SAMPLE[] =
    "SELECT s.site_code, coalesce(st.url, ''), coalesce(st.type, ''), s.rank, "
    "coalesce(st.name, ''), coalesce(st.region, ''), "
    "EXISTS(SELECT 1 FROM crawls c WHERE c.round_id=?1 AND c.site_code=s.site_code) "
    "FROM samples s JOIN draws d ON d.id=s.draw_id AND d.active=1 AND d.round_id=?1 "
    "LEFT JOIN sites st ON st.code=s.site_code ORDER BY s.rank, s.site_code";
static const char SQL_DAEMON_STARTED[] =
    "INSERT INTO daemon_state(id, pid, since, version, heartbeat_at) VALUES(1, ?1, ?2, ?3, ?2) "
    "ON CONFLICT(id) DO UPDATE SET pid=?1, since=?2, version=?3, heartbeat_at=?2, "
    "next_action=NULL, next_at=NULL, last_error=NULL, last_error_at=NULL";
static const char SQL_DAEMON_NEXT[] =
    "UPDATE daemon_state SET heartbeat_at=?, next_action=?, next_at=? WHERE id=1";
static const char SQL_DAEMON_ERROR[] =
    "UPDATE daemon_state SET last_error=?, last_error_at=? WHERE id=1";
static const char SQL_DAEMON_STOPPED[] = "UPDATE daemon_state SET pid=NULL WHERE id=1";
static const char SQL_DAEMON_LOAD[] =
    "SELECT coalesce(pid, 0), since, version, heartbeat_at, next_action, next_at, last_error, "
    "last_error_at FROM daemon_state WHERE id=1";

int storage_rounds_progress_each(struct storage *db, const char *quarter,
                                 int (*cb)(const struct round_progress *row, void *ud), void *ud,
                                 struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_PROGRESS_ALL, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 1, quarter);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct round_progress row = {
            .id = (long)sqlite3_column_int64(st, 0),
            .quarter = (const char *)sqlite3_column_text(st, 1),
            .number = sqlite3_column_int(st, 2),
            .draw_date = (const char *)sqlite3_column_text(st, 3),
            .window_start = (const char *)sqlite3_column_text(st, 4),
            .window_end = (const char *)sqlite3_column_text(st, 5),
            .state = (const char *)sqlite3_column_text(st, 6),
            .draw_id = (long)sqlite3_column_int64(st, 7),
            .sampled = (long)sqlite3_column_int64(st, 8),
            .crawled = (long)sqlite3_column_int64(st, 9),
        };
        int r = cb(&row, ud);
        if (r) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "listing the rounds' progress");
}

int storage_round_set_state(struct storage *db, long round_id, const char *state,
                            struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_SET_STATE, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 1, state);
    sqlite3_bind_int64(st, 2, round_id);
    if (storage_exec_stmt(db, st, err, "setting a round's state") < 0)
        return SC_ERUNTIME;
    if (sqlite3_changes(db->handle) == 0)
        return sc_fail(err, SC_ENOTFOUND, "no round with id %ld", round_id);
    return SC_OK;
}

int storage_round_sample_each(struct storage *db, long round_id,
                              int (*cb)(const struct sample_site *s, void *ud), void *ud,
                              struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_SAMPLE, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sample_site s = {
            .code = (const char *)sqlite3_column_text(st, 0),
            .url = (const char *)sqlite3_column_text(st, 1),
            .type = (const char *)sqlite3_column_text(st, 2),
            .rank = sqlite3_column_int(st, 3),
            .crawled = sqlite3_column_int(st, 6),
            .name = (const char *)sqlite3_column_text(st, 4),
            .region = (const char *)sqlite3_column_text(st, 5),
        };
        int r = cb(&s, ud);
        if (r) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "listing a round's sample");
}

int storage_daemon_started(struct storage *db, long pid, const char *since, const char *version,
                           struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_DAEMON_STARTED, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, pid);
    storage_bind_text(st, 2, since);
    storage_bind_text(st, 3, version);
    return storage_exec_stmt(db, st, err, "recording the daemon's start");
}

int storage_daemon_next(struct storage *db, const char *heartbeat_at, const char *action,
                        const char *at, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_DAEMON_NEXT, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 1, heartbeat_at);
    storage_bind_text(st, 2, action);
    storage_bind_text(st, 3, action ? at : NULL);
    return storage_exec_stmt(db, st, err, "recording the daemon's next action");
}

int storage_daemon_error(struct storage *db, const char *message, const char *at,
                         struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_DAEMON_ERROR, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 1, message);
    storage_bind_text(st, 2, at);
    return storage_exec_stmt(db, st, err, "recording the daemon's error");
}

int storage_daemon_stopped(struct storage *db, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_DAEMON_STOPPED, err);
    if (!st)
        return SC_ERUNTIME;
    return storage_exec_stmt(db, st, err, "recording the daemon's stop");
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, size, "%s", t ? (const char *)t : "");
}

int storage_daemon_state_load(struct storage *db, struct daemon_state *out, struct sc_error *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = storage_stmt(db, SQL_DAEMON_LOAD, err);
    if (!st)
        return SC_ERUNTIME;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->pid = (long)sqlite3_column_int64(st, 0);
        copy_col(st, 1, out->since, sizeof out->since);
        copy_col(st, 2, out->version, sizeof out->version);
        copy_col(st, 3, out->heartbeat_at, sizeof out->heartbeat_at);
        copy_col(st, 4, out->next_action, sizeof out->next_action);
        copy_col(st, 5, out->next_at, sizeof out->next_at);
        copy_col(st, 6, out->last_error, sizeof out->last_error);
        copy_col(st, 7, out->last_error_at, sizeof out->last_error_at);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return sc_fail(err, SC_ENOTFOUND, "no daemon ever ran on this database");
    return rc == SQLITE_ROW ? SC_OK : storage_fail(db, err, "reading the daemon's state");
}

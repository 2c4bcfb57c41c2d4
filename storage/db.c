/* db: open, pragmas, migrations, transactions and the statement cache (see db.h). */
#include "storage/internal.h"
#include "storage/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUSY_TIMEOUT_MS 10000

int storage_schema_latest(void)
{
    return storage_migration_count;
}

int storage_fail(struct storage *db, struct sc_error *err, const char *what)
{
    const char *msg = db && db->handle ? sqlite3_errmsg(db->handle) : "no database";
    return sc_fail(err, SC_ERUNTIME, "database %s: %s: %s", db && db->path ? db->path : "",
                   what, msg);
}

static int exec_sql(struct storage *db, const char *sql, struct sc_error *err, const char *what)
{
    char *msg = NULL;
    if (sqlite3_exec(db->handle, sql, NULL, NULL, &msg) != SQLITE_OK) {
        sc_fail(err, SC_ERUNTIME, "database %s: %s: %s", db->path, what, msg ? msg : "?");
        sqlite3_free(msg);
        return SC_ERUNTIME;
    }
    return SC_OK;
}

int storage_schema_version(struct storage *db)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db->handle, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Runs the migrations from the current version up to `target`, each in one transaction. */
static int migrate(struct storage *db, int target, struct sc_error *err)
{
    int v = storage_schema_version(db);
    if (v < 0)
        return storage_fail(db, err, "reading the schema version");
    if (v > storage_migration_count)
        return sc_fail(err, SC_ERUNTIME,
                       "database %s has schema version %d, newer than this build knows (%d); "
                       "use a newer spotcheck",
                       db->path, v, storage_migration_count);
    while (v < target) {
        char pragma[64];
        if (exec_sql(db, "BEGIN IMMEDIATE", err, "starting a migration") < 0)
            return SC_ERUNTIME;
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (exec_sql(db, storage_migrations[v], err, "migrating the schema") < 0 ||
            exec_sql(db, pragma, err, "recording the schema version") < 0 ||
            exec_sql(db, "COMMIT", err, "committing a migration") < 0) {
            sqlite3_exec(db->handle, "ROLLBACK", NULL, NULL, NULL);
            return SC_ERUNTIME;
        }
        v++;
    }
    return SC_OK;
}

int storage_open_at_version(const char *path, int version, struct storage **out,
                            struct sc_error *err)
{
    struct storage *db = calloc(1, sizeof *db);
    *out = NULL;
    if (!db || !(db->path = strdup(path))) {
        free(db);
        return sc_fail(err, SC_ENOMEM, "out of memory opening %s", path);
    }
    if (sqlite3_open_v2(path, &db->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        int rc = storage_fail(db, err, "cannot open");
        storage_close(db);
        return rc;
    }
    sqlite3_busy_timeout(db->handle, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(db->handle, 1);
    /* journal_mode returns a row; sqlite3_exec ignores it. A file that is not a
     * database fails here with "file is not a database". */
    if (exec_sql(db, "PRAGMA journal_mode = WAL", err, "cannot use it") < 0 ||
        exec_sql(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL", err,
                 "setting pragmas") < 0 ||
        migrate(db, version, err) < 0) {
        storage_close(db);
        return SC_ERUNTIME;
    }
    *out = db;
    return SC_OK;
}

int storage_open(const char *path, struct storage **out, struct sc_error *err)
{
    return storage_open_at_version(path, storage_migration_count, out, err);
}

void storage_close(struct storage *db)
{
    if (!db)
        return;
    struct stmt_cache_entry *e = db->stmts;
    while (e) {
        struct stmt_cache_entry *next = e->next;
        sqlite3_finalize(e->stmt);
        free(e);
        e = next;
    }
    if (db->handle)
        sqlite3_close(db->handle);
    free(db->path);
    free(db);
}

sqlite3_stmt *storage_stmt(struct storage *db, const char *sql, struct sc_error *err)
{
    for (struct stmt_cache_entry *e = db->stmts; e; e = e->next) {
        if (e->sql == sql) {
            sqlite3_reset(e->stmt);
            sqlite3_clear_bindings(e->stmt);
            return e->stmt;
        }
    }
    struct stmt_cache_entry *e = calloc(1, sizeof *e);
    if (!e) {
        sc_fail(err, SC_ENOMEM, "out of memory preparing a statement");
        return NULL;
    }
    if (sqlite3_prepare_v3(db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &e->stmt, NULL) !=
        SQLITE_OK) {
        storage_fail(db, err, "preparing a statement");
        free(e);
        return NULL;
    }
    e->sql = sql;
    e->next = db->stmts;
    db->stmts = e;
    return e->stmt;
}

int storage_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (!s)
        return sqlite3_bind_null(st, idx);
    return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

int storage_exec_stmt(struct storage *db, sqlite3_stmt *st, struct sc_error *err,
                      const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return storage_fail(db, err, what);
    return SC_OK;
}

char *storage_column_dup(sqlite3_stmt *st, int col, int empty_for_null)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t)
        return empty_for_null ? strdup("") : NULL;
    return strdup((const char *)t);
}

int storage_begin(struct storage *db, struct sc_error *err)
{
    return exec_sql(db, "BEGIN IMMEDIATE", err, "starting a transaction");
}

int storage_commit(struct storage *db, struct sc_error *err)
{
    return exec_sql(db, "COMMIT", err, "committing");
}

void storage_rollback(struct storage *db)
{
    if (!sqlite3_get_autocommit(db->handle))
        sqlite3_exec(db->handle, "ROLLBACK", NULL, NULL, NULL);
}

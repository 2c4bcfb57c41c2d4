/* db: open, pragmas, migrations, transactions and the statement cache (see db.h). */
#include "storage/internal.h"
#include "storage/schema.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/strbuf.h"

#define BUSY_TIMEOUT_MS 10000

int storage_schema_latest(void)
{
    return storage_migration_count;
}

/* SC_ENOMEM for sqlite's "out of memory" result codes, else SC_ERUNTIME. */
static int code_of(int sqlite_rc)
{
    return (sqlite_rc & 0xff) == SQLITE_NOMEM || sqlite_rc == SQLITE_IOERR_NOMEM ? SC_ENOMEM
                                                                                 : SC_ERUNTIME;
}

int storage_fail(struct storage *db, struct sc_error *err, const char *what)
{
    const char *msg = db && db->handle ? sqlite3_errmsg(db->handle) : "no database";
    int code = db && db->handle ? code_of(sqlite3_extended_errcode(db->handle)) : SC_ERUNTIME;
    if (db)
        db->error = code;
    return sc_fail(err, code, "database %s: %s: %s", db && db->path ? db->path : "", what, msg);
}

static int exec_sql(struct storage *db, const char *sql, struct sc_error *err, const char *what)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->handle, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        db->error = code_of(rc);
        sc_fail(err, db->error, "database %s: %s: %s", db->path, what,
                msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return db->error;
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
            return db->error;
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (exec_sql(db, storage_migrations[v], err, "migrating the schema") < 0 ||
            exec_sql(db, pragma, err, "recording the schema version") < 0 ||
            exec_sql(db, "COMMIT", err, "committing a migration") < 0) {
            sqlite3_exec(db->handle, "ROLLBACK", NULL, NULL, NULL);
            return db->error;
        }
        v++;
    }
    return SC_OK;
}

/* Opens db->path read-only: plainly, or as immutable (no -shm needed) when asked. */
static int open_readonly_handle(struct storage *db, int immutable)
{
    sqlite3_close(db->handle);
    db->handle = NULL;
    int rc;
    if (!immutable) {
        rc = sqlite3_open_v2(db->path, &db->handle, SQLITE_OPEN_READONLY, NULL);
    } else {
        struct strbuf uri = STRBUF_INIT;
        strbuf_adds(&uri, "file:");
        for (const unsigned char *p = (const unsigned char *)db->path; *p; p++) {
            if (isalnum(*p) || strchr("/._-~", *p))
                strbuf_addch(&uri, *p);
            else
                strbuf_addf(&uri, "%%%02X", *p);
        }
        strbuf_adds(&uri, "?immutable=1");
        rc = uri.failed ? SQLITE_NOMEM
                        : sqlite3_open_v2(uri.buf, &db->handle,
                                          SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
        strbuf_release(&uri);
    }
    if (db->handle) {
        sqlite3_busy_timeout(db->handle, BUSY_TIMEOUT_MS);
        sqlite3_extended_result_codes(db->handle, 1);
    }
    return rc;
}

/* A database this process may not write (a read-only file, directory or mount: an
 * auditor's copy) is opened read-only, so listing, planning and verifying still work; a
 * write then fails with sqlite's "readonly database". It must not need a migration. In a
 * directory where the WAL index (-shm) cannot be created, and with no -wal file left
 * behind (so no writer is active and nothing is uncheckpointed), it is read as immutable. */
static int open_readonly(struct storage *db, int version, struct sc_error *err)
{
    if (open_readonly_handle(db, 0) != SQLITE_OK)
        return storage_fail(db, err, "cannot open read-only");
    int v = storage_schema_version(db);
    int code = sqlite3_extended_errcode(db->handle);
    if (v < 0 && (code == SQLITE_READONLY_DIRECTORY || code == SQLITE_READONLY_CANTINIT)) {
        struct strbuf wal = STRBUF_INIT;
        strbuf_addf(&wal, "%s-wal", db->path);
        int has_wal = wal.failed || access(wal.buf, F_OK) == 0;
        strbuf_release(&wal);
        if (!has_wal) {
            if (open_readonly_handle(db, 1) != SQLITE_OK)
                return storage_fail(db, err, "cannot open read-only");
            v = storage_schema_version(db);
        }
    }
    if (v < 0)
        return storage_fail(db, err, "cannot read it");
    if (v != version)
        return sc_fail(err, SC_ERUNTIME,
                       "database %s is read-only and has schema version %d, not %d: it cannot "
                       "be upgraded here",
                       db->path, v, version);
    return exec_sql(db, "PRAGMA foreign_keys = ON", err, "setting pragmas");
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
    int orc = sqlite3_open_v2(path, &db->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (orc != SQLITE_OK) {
        int rc = db->handle ? storage_fail(db, err, "cannot open")
                            : sc_fail(err, code_of(orc), "database %s: cannot open: %s", path,
                                      sqlite3_errstr(orc));
        storage_close(db);
        return rc;
    }
    sqlite3_busy_timeout(db->handle, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(db->handle, 1);
    /* journal_mode returns a row; sqlite3_exec ignores it. A file that is not a
     * database fails here with "file is not a database". */
    int rc = exec_sql(db, "PRAGMA journal_mode = WAL", err, "cannot use it");
    if (rc < 0 && ((sqlite3_errcode(db->handle) & 0xff) == SQLITE_READONLY ||
                   (sqlite3_errcode(db->handle) & 0xff) == SQLITE_CANTOPEN)) {
        rc = open_readonly(db, version, err);
    } else if (rc == SC_OK) {
        if (exec_sql(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL", err,
                     "setting pragmas") < 0)
            rc = db->error;
        else
            rc = migrate(db, version, err);
    }
    if (rc < 0) {
        storage_close(db);
        return rc;
    }
    *out = db;
    return SC_OK;
}

int storage_open(const char *path, struct storage **out, struct sc_error *err)
{
    return storage_open_at_version(path, storage_migration_count, out, err);
}

int storage_open_existing(const char *path, struct storage **out, struct sc_error *err)
{
    *out = NULL;
    if (access(path, F_OK) != 0)
        return sc_fail(err, SC_ENOTFOUND,
                       "no database at %s (spotcheck import FILE.csv creates it; --db names it)",
                       path);
    return storage_open(path, out, err);
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

/* A bind failed since the last storage_stmt in this thread (see internal.h). */
static _Thread_local int bind_failed;

sqlite3_stmt *storage_stmt(struct storage *db, const char *sql, struct sc_error *err)
{
    bind_failed = 0;
    for (struct stmt_cache_entry *e = db->stmts; e; e = e->next) {
        if (e->sql == sql) {
            sqlite3_reset(e->stmt);
            sqlite3_clear_bindings(e->stmt);
            return e->stmt;
        }
    }
    struct stmt_cache_entry *e = calloc(1, sizeof *e);
    if (!e) {
        db->error = sc_fail(err, SC_ENOMEM, "out of memory preparing a statement");
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
    int rc = s ? sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, idx);
    if (rc != SQLITE_OK)
        bind_failed = 1;
    return rc;
}

int storage_binds_ok(struct storage *db, struct sc_error *err)
{
    if (!bind_failed)
        return SC_OK;
    return db->error = sc_fail(err, SC_ENOMEM, "database %s: out of memory binding a value",
                               db->path);
}

int storage_exec_stmt(struct storage *db, sqlite3_stmt *st, struct sc_error *err,
                      const char *what)
{
    if (storage_binds_ok(db, err) < 0)
        return db->error;
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
    /* A transaction left open by a ROLLBACK that itself failed (out of memory) would refuse
     * every later write on this connection: end it first. No caller nests transactions. */
    if (!sqlite3_get_autocommit(db->handle) &&
        sqlite3_exec(db->handle, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
        return storage_fail(db, err, "ending a transaction left open");
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

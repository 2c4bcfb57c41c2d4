/* sites: applying registry imports and reading sites back (see sites.h). */
#include "storage/sites.h"
#include "common/clock.h"
#include "storage/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char SQL_INSERT_IMPORT[] =
    "INSERT INTO registry_imports(imported_at, source_name, source_sha256, encoding, "
    "rows_total, rows_imported, rows_skipped) VALUES(?,?,?,?,?,?,?)";
static const char SQL_FINISH_IMPORT[] =
    "UPDATE registry_imports SET sites_added=?, sites_updated=?, status_changes=?, "
    "sites_unlisted=? WHERE id=?";
static const char SQL_SELECT_SITE[] =
    "SELECT name, url, sponsor, region, level, type, status, contact, phone, email, listed "
    "FROM sites WHERE code=?";
static const char SQL_INSERT_SITE[] =
    "INSERT INTO sites(code, name, url, sponsor, region, level, type, status, contact, phone, "
    "email, listed, first_import_id, last_import_id, updated_at) "
    "VALUES(?,?,?,?,?,?,?,?,?,?,?,1,?,?,?)";
static const char SQL_UPDATE_SITE[] =
    "UPDATE sites SET name=?2, url=?3, sponsor=?4, region=?5, level=?6, type=?7, status=?8, "
    "contact=?9, phone=?10, email=?11, listed=1, last_import_id=?12, updated_at=?13 "
    "WHERE code=?1";
static const char SQL_TOUCH_SITE[] = "UPDATE sites SET last_import_id=?2 WHERE code=?1";
static const char SQL_INSERT_HISTORY[] =
    "INSERT INTO site_status_history(site_code, import_id, changed_at, old_status, new_status, "
    "old_listed, new_listed) VALUES(?,?,?,?,?,?,?)";
static const char SQL_HISTORY_UNLISTED[] =
    "INSERT INTO site_status_history(site_code, import_id, changed_at, old_status, new_status, "
    "old_listed, new_listed) SELECT code, ?1, ?2, status, status, 1, 0 FROM sites "
    "WHERE listed=1 AND last_import_id IS NOT ?1";
static const char SQL_UNLIST[] =
    "UPDATE sites SET listed=0, updated_at=?2 WHERE listed=1 AND last_import_id IS NOT ?1";

/* The registry fields in the order of SQL_UPDATE_SITE's ?2..?11. */
static const enum registry_field site_columns[] = {REG_NAME,   REG_URL,    REG_SPONSOR, REG_REGION,
                                                   REG_LEVEL,  REG_TYPE,   REG_STATUS,  REG_CONTACT,
                                                   REG_PHONE,  REG_EMAIL};
#define NSITE_COLUMNS (int)(sizeof site_columns / sizeof site_columns[0])

static int add_history(struct storage *db, const char *code, long import_id, const char *when,
                       const char *old_status, const char *new_status, int old_listed,
                       int new_listed, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_INSERT_HISTORY, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 1, code);
    sqlite3_bind_int64(st, 2, import_id);
    storage_bind_text(st, 3, when);
    storage_bind_text(st, 4, old_status);
    storage_bind_text(st, 5, new_status);
    if (old_listed < 0)
        sqlite3_bind_null(st, 6);
    else
        sqlite3_bind_int(st, 6, old_listed);
    sqlite3_bind_int(st, 7, new_listed);
    return storage_exec_stmt(db, st, err, "recording a status change");
}

/* Inserts or updates one site; counts into sum. */
static int apply_record(struct storage *db, const struct registry_record *rec, long import_id,
                        const char *when, struct import_summary *sum, struct sc_error *err)
{
    const char *code = rec->field[REG_CODE];
    sqlite3_stmt *st = storage_stmt(db, SQL_SELECT_SITE, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 1, code);
    if (storage_binds_ok(db, err) < 0)
        return db->error;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        st = storage_stmt(db, SQL_INSERT_SITE, err);
        if (!st)
            return SC_ERUNTIME;
        storage_bind_text(st, 1, code);
        for (int i = 0; i < NSITE_COLUMNS; i++)
            storage_bind_text(st, 2 + i, rec->field[site_columns[i]]);
        sqlite3_bind_int64(st, 12, import_id);
        sqlite3_bind_int64(st, 13, import_id);
        storage_bind_text(st, 14, when);
        if (storage_exec_stmt(db, st, err, "adding a site") < 0)
            return SC_ERUNTIME;
        sum->added++;
        return add_history(db, code, import_id, when, NULL, rec->field[REG_STATUS], -1, 1, err);
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return storage_fail(db, err, "reading a site");
    }
    int changed = 0;
    for (int i = 0; i < NSITE_COLUMNS; i++) {
        const char *old = (const char *)sqlite3_column_text(st, i);
        if (!old || strcmp(old, rec->field[site_columns[i]]) != 0)
            changed = 1;
    }
    char *old_status = storage_column_dup(st, 6, 1);
    int old_listed = sqlite3_column_int(st, 10);
    sqlite3_reset(st);
    if (!old_status)
        return db->error = sc_fail(err, SC_ENOMEM, "out of memory");
    int status_changed = strcmp(old_status, rec->field[REG_STATUS]) != 0 || !old_listed;
    st = storage_stmt(db, changed || !old_listed ? SQL_UPDATE_SITE : SQL_TOUCH_SITE, err);
    if (!st) {
        free(old_status);
        return SC_ERUNTIME;
    }
    storage_bind_text(st, 1, code);
    if (changed || !old_listed) {
        for (int i = 0; i < NSITE_COLUMNS; i++)
            storage_bind_text(st, 2 + i, rec->field[site_columns[i]]);
        sqlite3_bind_int64(st, 12, import_id);
        storage_bind_text(st, 13, when);
    } else {
        sqlite3_bind_int64(st, 2, import_id);
    }
    rc = storage_exec_stmt(db, st, err, "updating a site");
    if (rc == SC_OK && status_changed) {
        rc = add_history(db, code, import_id, when, old_status, rec->field[REG_STATUS],
                         old_listed, 1, err);
        sum->status_changes++;
    }
    free(old_status);
    if (changed)
        sum->updated++;
    else
        sum->unchanged++;
    return rc;
}

/* TEST ONLY (docs/database.md, "Crash-safety test hook"). With SPOTCHECK_TEST_PAUSE_IN_IMPORT
 * set to a number of milliseconds, an import halfway through its rows, inside its write
 * transaction, writes "spotcheck-test: in import transaction" to stderr and sleeps that long
 * (0: the line only), so tests/unit/test_storage.c can kill it there. Unset or not a number
 * (always, outside that test): nothing happens. */
static void test_pause_in_import(void)
{
    const char *v = getenv("SPOTCHECK_TEST_PAUSE_IN_IMPORT");
    char *end;
    if (!v || !*v)
        return;
    errno = 0;
    long ms = strtol(v, &end, 10);
    if (*end || errno || ms < 0)
        return;
    fputs("spotcheck-test: in import transaction\n", stderr);
    fflush(stderr);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

int storage_registry_apply(struct storage *db, const struct registry *reg,
                           const char *source_name, struct import_summary *sum,
                           struct sc_error *err)
{
    char when[32];
    sc_time_format(sc_clock_now(), when);
    memset(sum, 0, sizeof *sum);
    db->error = SC_ERUNTIME; /* what a failure below returns unless it names another code */
    if (storage_begin(db, err) < 0)
        return db->error;

    sqlite3_stmt *st = storage_stmt(db, SQL_INSERT_IMPORT, err);
    if (!st)
        goto fail;
    storage_bind_text(st, 1, when);
    storage_bind_text(st, 2, source_name);
    storage_bind_text(st, 3, reg->sha256);
    storage_bind_text(st, 4, strcmp(reg->encoding, "UTF-8") == 0 ? "UTF-8" : "GBK");
    sqlite3_bind_int64(st, 5, reg->rows_total);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)reg->nrecords);
    sqlite3_bind_int64(st, 7, reg->rows_total - (long)reg->nrecords);
    if (storage_exec_stmt(db, st, err, "recording the import") < 0)
        goto fail;
    sum->import_id = (long)sqlite3_last_insert_rowid(db->handle);

    for (size_t i = 0; i < reg->nrecords; i++) {
        if (apply_record(db, &reg->records[i], sum->import_id, when, sum, err) < 0)
            goto fail;
        if (i + 1 == (reg->nrecords + 1) / 2)
            test_pause_in_import(); /* test only: unset, does nothing */
    }

    /* Sites named by rows that were skipped as invalid are still in the export. */
    for (size_t i = 0; i < reg->nskipped_codes; i++) {
        st = storage_stmt(db, SQL_TOUCH_SITE, err);
        if (!st)
            goto fail;
        storage_bind_text(st, 1, reg->skipped_codes[i]);
        sqlite3_bind_int64(st, 2, sum->import_id);
        if (storage_exec_stmt(db, st, err, "keeping a skipped site listed") < 0)
            goto fail;
    }

    st = storage_stmt(db, SQL_HISTORY_UNLISTED, err);
    if (!st)
        goto fail;
    sqlite3_bind_int64(st, 1, sum->import_id);
    storage_bind_text(st, 2, when);
    if (storage_exec_stmt(db, st, err, "recording unlisted sites") < 0)
        goto fail;
    sum->unlisted = sqlite3_changes(db->handle);
    st = storage_stmt(db, SQL_UNLIST, err);
    if (!st)
        goto fail;
    sqlite3_bind_int64(st, 1, sum->import_id);
    storage_bind_text(st, 2, when);
    if (storage_exec_stmt(db, st, err, "marking unlisted sites") < 0)
        goto fail;

    st = storage_stmt(db, SQL_FINISH_IMPORT, err);
    if (!st)
        goto fail;
    sqlite3_bind_int64(st, 1, sum->added);
    sqlite3_bind_int64(st, 2, sum->updated);
    sqlite3_bind_int64(st, 3, sum->status_changes);
    sqlite3_bind_int64(st, 4, sum->unlisted);
    sqlite3_bind_int64(st, 5, sum->import_id);
    if (storage_exec_stmt(db, st, err, "recording the import's counts") < 0)
        goto fail;
    if (storage_commit(db, err) < 0)
        goto fail;
    return SC_OK;
fail:
    storage_rollback(db);
    return db->error;
}

int storage_sites_each(struct storage *db, const struct site_filter *filter,
                       int (*cb)(const struct site_row *row, void *ud), void *ud,
                       struct sc_error *err)
{
    static const char sql[] =
        "SELECT code, name, url, sponsor, region, level, type, status, contact, phone, email, "
        "updated_at, listed FROM sites WHERE (?1 IS NULL OR status=?1) AND (?2 IS NULL OR "
        "region=?2) AND (listed=1 OR ?3) ORDER BY code";
    sqlite3_stmt *st = storage_stmt(db, sql, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 1, filter ? filter->status : NULL);
    storage_bind_text(st, 2, filter ? filter->region : NULL);
    sqlite3_bind_int(st, 3, filter ? filter->include_unlisted : 0);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c[12];
        for (int i = 0; i < 12; i++) {
            c[i] = (const char *)sqlite3_column_text(st, i);
            if (!c[i])
                c[i] = "";
        }
        struct site_row row = {c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
                               c[8], c[9], c[10], c[11], sqlite3_column_int(st, 12)};
        int r = cb(&row, ud);
        if (r) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "listing sites");
}

int storage_status_history_each(struct storage *db, const char *code,
                                int (*cb)(const struct status_change *c, void *ud), void *ud,
                                struct sc_error *err)
{
    static const char sql[] =
        "SELECT site_code, changed_at, old_status, new_status, old_listed, new_listed, "
        "import_id FROM site_status_history WHERE ?1 IS NULL OR site_code=?1 ORDER BY id";
    sqlite3_stmt *st = storage_stmt(db, sql, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 1, code);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct status_change c = {
            (const char *)sqlite3_column_text(st, 0),
            (const char *)sqlite3_column_text(st, 1),
            (const char *)sqlite3_column_text(st, 2),
            (const char *)sqlite3_column_text(st, 3),
            sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 4),
            sqlite3_column_int(st, 5),
            (long)sqlite3_column_int64(st, 6),
        };
        int r = cb(&c, ud);
        if (r) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "reading status history");
}

long storage_sites_count(struct storage *db, int include_unlisted)
{
    static const char sql[] = "SELECT count(*) FROM sites WHERE listed=1 OR ?1";
    sqlite3_stmt *st = storage_stmt(db, sql, NULL);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, include_unlisted);
    long n = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return n;
}

static const char SQL_LATEST_IMPORT_SHA[] =
    "SELECT source_sha256 FROM registry_imports ORDER BY id DESC LIMIT 1";

int storage_latest_import_sha256(struct storage *db, char *hex, struct sc_error *err)
{
    hex[0] = '\0';
    sqlite3_stmt *st = storage_stmt(db, SQL_LATEST_IMPORT_SHA, err);
    if (!st)
        return SC_ERUNTIME;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(hex, 65, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return storage_fail(db, err, "reading the last import");
    return SC_OK;
}

/* verdicts: storing and loading a site's final verdict (see verdicts.h). */
#include "storage/verdicts.h"
#include "common/clock.h"
#include "storage/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_DELETE_FINAL[] = "DELETE FROM defects WHERE crawl_id=?1 AND stage='final'";
static const char SQL_INSERT_FINAL[] =
    "INSERT INTO defects (crawl_id, kind, severity, url, detail, points, stage, confirmed) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'final', ?7)";
static const char SQL_UPDATE_CRAWL[] =
    "UPDATE crawls SET final_score=?2, final_verdict=?3, finalised_at=?4, final_report_json=?5 "
    "WHERE id=?1";
static const char SQL_LOAD_CRAWL[] =
    "SELECT final_score, final_verdict, finalised_at FROM crawls WHERE id=?1 AND "
    "finalised_at IS NOT NULL";
static const char SQL_LOAD_FINAL[] =
    "SELECT kind, severity, url, detail, points FROM defects WHERE crawl_id=?1 AND "
    "stage='final' ORDER BY id";

static int save(struct storage *db, long crawl_id, const struct site_report *r,
                const char *report_json, time_t at, struct sc_error *err)
{
    char at_text[32];
    sc_time_format(at, at_text);
    sqlite3_stmt *st = storage_stmt(db, SQL_UPDATE_CRAWL, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    if (r->judged)
        sqlite3_bind_double(st, 2, r->score);
    storage_bind_text(st, 3, !r->judged ? NULL : r->verdict_pass ? "pass" : "fail");
    storage_bind_text(st, 4, at_text);
    storage_bind_text(st, 5, report_json);
    int rc = storage_exec_stmt(db, st, err, "storing a final verdict");
    if (rc < 0)
        return rc;
    if (sqlite3_changes(db->handle) == 0)
        return sc_fail(err, SC_ENOTFOUND, "no crawl with id %ld", crawl_id);
    if (!(st = storage_stmt(db, SQL_DELETE_FINAL, err)))
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    if ((rc = storage_exec_stmt(db, st, err, "replacing final defects")) < 0)
        return rc;
    for (size_t i = 0; i < r->ndefects; i++) {
        const struct defect_record *d = &r->defects[i];
        if (!d->kind)
            return sc_fail(err, SC_ERUNTIME, "a final defect has no kind");
        if (!(st = storage_stmt(db, SQL_INSERT_FINAL, err)))
            return SC_ERUNTIME;
        sqlite3_bind_int64(st, 1, crawl_id);
        storage_bind_text(st, 2, d->kind);
        storage_bind_text(st, 3, defect_severity_name(d->severity));
        storage_bind_text(st, 4, d->url);
        storage_bind_text(st, 5, d->detail);
        sqlite3_bind_double(st, 6, d->points);
        sqlite3_bind_int(st, 7, strcmp(d->kind, "suspected_link") != 0);
        if ((rc = storage_exec_stmt(db, st, err, "storing a final defect")) < 0)
            return rc;
    }
    return SC_OK;
}

int storage_verdict_save(struct storage *db, long crawl_id, const struct site_report *r,
                         const char *report_json, time_t at, struct sc_error *err)
{
    int rc = storage_begin(db, err);
    if (rc < 0)
        return rc;
    rc = save(db, crawl_id, r, report_json, at, err);
    if (rc == SC_OK)
        rc = storage_commit(db, err);
    if (rc < 0)
        storage_rollback(db);
    return rc;
}

static enum defect_severity severity_of(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (s && strcmp(s, defect_severity_name((enum defect_severity)i)) == 0)
            return (enum defect_severity)i;
    return SEVERITY_INFO;
}

int storage_verdict_load(struct storage *db, long crawl_id, struct site_report *r,
                         char *finalised_at, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_LOAD_CRAWL, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? 0 : storage_fail(db, err, "loading a final verdict");
    }
    int judged = sqlite3_column_type(st, 0) != SQLITE_NULL;
    double score = sqlite3_column_double(st, 0);
    const char *verdict = (const char *)sqlite3_column_text(st, 1);
    int pass = verdict && strcmp(verdict, "pass") == 0;
    if (finalised_at)
        snprintf(finalised_at, 32, "%s", (const char *)sqlite3_column_text(st, 2));
    sqlite3_reset(st);
    for (size_t i = 0; i < r->ndefects; i++) {
        free(r->defects[i].kind);
        free(r->defects[i].url);
        free(r->defects[i].detail);
    }
    r->ndefects = 0;
    r->judged = judged;
    r->score = score;
    r->verdict_pass = pass;
    if (!(st = storage_stmt(db, SQL_LOAD_FINAL, err)))
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct defect_record *d = site_report_add_defect(r);
        if (!d) {
            sqlite3_reset(st);
            return sc_fail(err, SC_ENOMEM, "out of memory");
        }
        d->kind = storage_column_dup(st, 0, 1);
        d->severity = severity_of((const char *)sqlite3_column_text(st, 1));
        d->url = storage_column_dup(st, 2, 0);
        d->detail = storage_column_dup(st, 3, 0);
        d->points = sqlite3_column_double(st, 4);
        if (!d->kind) {
            sqlite3_reset(st);
            return sc_fail(err, SC_ENOMEM, "out of memory");
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 1 : storage_fail(db, err, "loading final defects");
}

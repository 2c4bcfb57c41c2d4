/* rectifications: the stored re-checks after rectification deadlines (rectifications.h). */
#include "storage/rectifications.h"
#include "common/clock.h"
#include "storage/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_DELETE[] = "DELETE FROM rectifications WHERE crawl_id=?1";
static const char SQL_INSERT[] =
    "INSERT INTO rectifications(crawl_id, started_at, checked_at, reachable, pages_crawled,"
    " links_checked, score, verdict, rectified, report_json)"
    " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 WHERE EXISTS(SELECT 1 FROM crawls WHERE "
    "id=?1)";
static const char SQL_INSERT_ITEM[] =
    "INSERT INTO rectification_items(crawl_id, item, kind, severity, url, detail, points, fixed,"
    " found_detail) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_LOAD[] =
    "SELECT started_at, checked_at, reachable, pages_crawled, links_checked, score, verdict,"
    " rectified, published_at FROM rectifications WHERE crawl_id=?1";
static const char SQL_LOAD_ITEMS[] =
    "SELECT kind, severity, url, detail, points, fixed, found_detail FROM rectification_items"
    " WHERE crawl_id=?1 ORDER BY item";
static const char SQL_DUE[] =
    "SELECT c.id, c.round_id, r.quarter, r.number, c.site_code, s.url, s.type, c.finalised_at"
    " FROM crawls c JOIN rounds r ON r.id=c.round_id JOIN sites s ON s.code=c.site_code"
    " WHERE c.final_verdict='fail' AND r.state IN ('finalised','published')"
    " AND NOT EXISTS(SELECT 1 FROM rectifications x WHERE x.crawl_id=c.id) ORDER BY c.id";
static const char SQL_UNPUBLISHED[] =
    "SELECT count(*), max(checked_at) FROM rectifications WHERE published_at IS NULL";
static const char SQL_UNPUBLISHED_ROUNDS[] =
    "SELECT DISTINCT r.quarter, r.number FROM rectifications x JOIN crawls c ON c.id=x.crawl_id"
    " JOIN rounds r ON r.id=c.round_id WHERE x.published_at IS NULL ORDER BY 1, 2";
static const char SQL_MARK[] =
    "UPDATE rectifications SET published_at=?2 WHERE published_at IS NULL AND checked_at<=?1";
static const char SQL_ROUND[] = "SELECT c.finalised_at, x.crawl_id IS NOT NULL FROM crawls c"
                                " LEFT JOIN rectifications x ON x.crawl_id=c.id"
                                " WHERE c.round_id=?1 AND c.final_verdict='fail'";

void rectification_free(struct rectification *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nitems; i++) {
        free(r->items[i].kind);
        free(r->items[i].url);
        free(r->items[i].detail);
        free(r->items[i].found_detail);
    }
    free(r->items);
    memset(r, 0, sizeof *r);
}

static int save_items(struct storage *db, long crawl_id, const struct site_report *final,
                      const struct site_report *recheck, const struct rectify_item *items,
                      size_t nitems, struct sc_error *err)
{
    for (size_t i = 0; i < nitems; i++) {
        if (items[i].final_index >= final->ndefects)
            return sc_fail(err, SC_EINPUT, "a re-check item names no final defect");
        const struct defect_record *d = &final->defects[items[i].final_index];
        const struct defect_record *f =
            items[i].found_index >= 0 && (size_t)items[i].found_index < recheck->ndefects
                ? &recheck->defects[items[i].found_index]
                : NULL;
        sqlite3_stmt *st = storage_stmt(db, SQL_INSERT_ITEM, err);
        if (!st)
            return SC_ERUNTIME;
        sqlite3_bind_int64(st, 1, crawl_id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
        storage_bind_text(st, 3, d->kind ? d->kind : "");
        storage_bind_text(st, 4, defect_severity_name(d->severity));
        storage_bind_text(st, 5, d->url);
        storage_bind_text(st, 6, d->detail);
        sqlite3_bind_double(st, 7, d->points);
        sqlite3_bind_int(st, 8, items[i].fixed);
        storage_bind_text(st, 9, f ? (f->detail ? f->detail : f->kind) : NULL);
        int rc = storage_exec_stmt(db, st, err, "storing a re-check item");
        if (rc < 0)
            return rc;
    }
    return 0;
}

int storage_rectification_save(struct storage *db, long crawl_id, const struct site_report *final,
                               const struct site_report *recheck, const struct rectify_item *items,
                               size_t nitems, int rectified, const char *report_json,
                               time_t started, time_t checked, struct sc_error *err)
{
    char started_text[32], checked_text[32];
    sc_time_format(started, started_text);
    sc_time_format(checked, checked_text);
    int rc = storage_begin(db, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *st = storage_stmt(db, SQL_DELETE, err);
    if (!st)
        rc = SC_ERUNTIME;
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, crawl_id);
        rc = storage_exec_stmt(db, st, err, "replacing a re-check");
    }
    if (rc == 0 && !(st = storage_stmt(db, SQL_INSERT, err)))
        rc = SC_ERUNTIME;
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, crawl_id);
        storage_bind_text(st, 2, started_text);
        storage_bind_text(st, 3, checked_text);
        sqlite3_bind_int(st, 4, recheck->reachable != 0);
        sqlite3_bind_int(st, 5, recheck->pages_crawled);
        sqlite3_bind_int(st, 6, recheck->links_checked);
        if (recheck->judged)
            sqlite3_bind_double(st, 7, recheck->score);
        else
            sqlite3_bind_null(st, 7);
        storage_bind_text(st, 8, !recheck->judged ? NULL : recheck->verdict_pass ? "pass" : "fail");
        sqlite3_bind_int(st, 9, rectified != 0);
        storage_bind_text(st, 10, report_json);
        rc = storage_exec_stmt(db, st, err, "storing a re-check");
        if (rc == 0 && sqlite3_changes(db->handle) == 0)
            rc = sc_fail(err, SC_ENOTFOUND, "no crawl with id %ld", crawl_id);
    }
    if (rc == 0)
        rc = save_items(db, crawl_id, final, recheck, items, nitems, err);
    if (rc == 0)
        rc = storage_commit(db, err);
    if (rc < 0)
        storage_rollback(db);
    return rc;
}

static int copy_text(sqlite3_stmt *st, int col, char **out)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    *out = NULL;
    if (!s)
        return 0;
    *out = strdup((const char *)s);
    return *out ? 0 : SC_ENOMEM;
}

static void copy_fixed(sqlite3_stmt *st, int col, char *out, size_t n)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(out, n, "%s", s ? (const char *)s : "");
}

static enum defect_severity severity_of(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (s && strcmp(s, defect_severity_name((enum defect_severity)i)) == 0)
            return (enum defect_severity)i;
    return SEVERITY_INFO;
}

static int load_items(struct storage *db, long crawl_id, struct rectification *out,
                      struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_LOAD_ITEMS, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    int rc, mem = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && !mem) {
        struct rectification_item_row *items =
            realloc(out->items, (out->nitems + 1) * sizeof *items);
        if (!items) {
            mem = 1;
            break;
        }
        out->items = items;
        struct rectification_item_row *it = &items[out->nitems++];
        memset(it, 0, sizeof *it);
        mem = copy_text(st, 0, &it->kind) < 0 || copy_text(st, 2, &it->url) < 0 ||
              copy_text(st, 3, &it->detail) < 0 || copy_text(st, 6, &it->found_detail) < 0;
        it->severity = severity_of((const char *)sqlite3_column_text(st, 1));
        it->points = sqlite3_column_double(st, 4);
        it->fixed = sqlite3_column_int(st, 5);
        mem |= !it->kind;
    }
    sqlite3_reset(st);
    if (mem)
        return sc_fail(err, SC_ENOMEM, "out of memory loading a re-check");
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return storage_fail(db, err, "loading a re-check's items");
    return 0;
}

int storage_rectification_load(struct storage *db, long crawl_id, struct rectification *out,
                               struct sc_error *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = storage_stmt(db, SQL_LOAD, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return 0;
    }
    if (rc != SQLITE_ROW)
        return storage_fail(db, err, "loading a re-check");
    copy_fixed(st, 0, out->started_at, sizeof out->started_at);
    copy_fixed(st, 1, out->checked_at, sizeof out->checked_at);
    out->reachable = sqlite3_column_int(st, 2);
    out->pages_crawled = sqlite3_column_int(st, 3);
    out->links_checked = sqlite3_column_int(st, 4);
    out->judged = sqlite3_column_type(st, 5) != SQLITE_NULL;
    out->score = sqlite3_column_double(st, 5);
    const unsigned char *v = sqlite3_column_text(st, 6);
    out->verdict_pass = v && strcmp((const char *)v, "pass") == 0;
    out->rectified = sqlite3_column_int(st, 7);
    copy_fixed(st, 8, out->published_at, sizeof out->published_at);
    sqlite3_reset(st);
    rc = load_items(db, crawl_id, out, err);
    if (rc < 0) {
        rectification_free(out);
        return rc;
    }
    return 1;
}

/* The deadline's day and the re-check's moment from a final verdict's moment text. */
static int deadline_of(const char *finalised_at, int days, char deadline[11], time_t *due)
{
    int y, m, d;
    if (!finalised_at || sscanf(finalised_at, "%d-%d-%d", &y, &m, &d) != 3)
        return -1;
    long day = sc_days_from_civil(y, m, d) + days;
    sc_day_format(day, deadline);
    *due = sc_day_start(day + 1);
    return 0;
}

int storage_rectifications_due_each(struct storage *db, int days,
                                    int (*cb)(const struct rectification_due *due, void *ud),
                                    void *ud, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_DUE, err);
    if (!st)
        return SC_ERUNTIME;
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct rectification_due due;
        memset(&due, 0, sizeof due);
        due.crawl_id = (long)sqlite3_column_int64(st, 0);
        due.round_id = (long)sqlite3_column_int64(st, 1);
        due.quarter = (const char *)sqlite3_column_text(st, 2);
        due.round = sqlite3_column_int(st, 3);
        due.code = (const char *)sqlite3_column_text(st, 4);
        due.url = (const char *)sqlite3_column_text(st, 5);
        due.type = (const char *)sqlite3_column_text(st, 6);
        if (!due.quarter || !due.code || !due.url ||
            deadline_of((const char *)sqlite3_column_text(st, 7), days, due.deadline, &due.due) < 0)
            continue; /* a moment that cannot be read: never due */
        if (!due.type)
            due.type = "";
        stop = cb(&due, ud);
    }
    sqlite3_reset(st);
    if (stop)
        return stop;
    if (rc != SQLITE_DONE)
        return storage_fail(db, err, "listing the re-checks due");
    return 0;
}

long storage_rectifications_unpublished(struct storage *db, char *latest, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_UNPUBLISHED, err);
    if (!st)
        return -1;
    long n = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        n = (long)sqlite3_column_int64(st, 0);
        if (latest)
            copy_fixed(st, 1, latest, 32);
    } else
        storage_fail(db, err, "counting the re-checks not published");
    sqlite3_reset(st);
    return n;
}

int storage_rectifications_mark_published(struct storage *db, const char *upto, const char *at,
                                          struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_MARK, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 1, upto);
    storage_bind_text(st, 2, at);
    return storage_exec_stmt(db, st, err, "marking re-checks published");
}

int storage_round_rectifications(struct storage *db, long round_id, int days, time_t now,
                                 long *done, long *waiting, long *overdue, struct sc_error *err)
{
    *done = *waiting = *overdue = 0;
    sqlite3_stmt *st = storage_stmt(db, SQL_ROUND, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_int(st, 1)) {
            (*done)++;
            continue;
        }
        char deadline[11];
        time_t due = 0;
        (*waiting)++;
        if (deadline_of((const char *)sqlite3_column_text(st, 0), days, deadline, &due) == 0 &&
            due <= now)
            (*overdue)++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return storage_fail(db, err, "counting a round's re-checks");
    return 0;
}

int storage_rectifications_unpublished_rounds(struct storage *db, char (*quarters)[8], int *numbers,
                                              int max, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_UNPUBLISHED_ROUNDS, err);
    if (!st)
        return SC_ERUNTIME;
    int n = 0, rc;
    while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        copy_fixed(st, 0, quarters[n], 8);
        numbers[n++] = sqlite3_column_int(st, 1);
    }
    if (n < max && rc != SQLITE_DONE) {
        sqlite3_reset(st);
        return storage_fail(db, err, "listing the rounds of re-checks not published");
    }
    sqlite3_reset(st);
    return n;
}

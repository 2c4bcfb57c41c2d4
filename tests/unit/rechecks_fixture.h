/* rechecks_fixture: a database with two sites, three rounds and helpers to store crawls with
 * suspected links, for test_rechecks.c and test_recheck_loop.c (header-only). */
#ifndef SPOTCHECK_RECHECKS_FIXTURE_H
#define SPOTCHECK_RECHECKS_FIXTURE_H

#include "testutil.h"
#include "common/clock.h"
#include "common/registry.h"
#include "storage/crawls.h"
#include "storage/db.h"
#include "storage/rechecks.h"
#include "storage/sites.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FX_SITES                                                                                                                   \
    "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话," \
    "电子邮箱\n"                                                                                                               \
    "4300000001,甲,http://www.r.gov.cn/,,,,,正常运行,,,\n"                                                                    \
    "4300000002,乙,http://www.s.gov.cn/,,,,,正常运行,,,\n"

#define DAY (24L * 3600)

struct fixture {
    char *dir;
    char path[512];
    struct storage *db;
    time_t t0; /* when the crawls finish */
};

static sqlite3 *fx_raw_open(const char *path)
{
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 5000);
    return raw;
}

static void fx_exec(struct fixture *f, const char *sql)
{
    sqlite3 *raw = fx_raw_open(f->path);
    char *msg = NULL;
    int rc = sqlite3_exec(raw, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "%s: %s\n", sql, msg);
    sqlite3_free(msg);
    sqlite3_close(raw);
    assert_int_equal(rc, SQLITE_OK);
}

/* The first column of the first row of sql, an integer (-1 when NULL or no row). */
static long fx_long(struct fixture *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static long fx_long(struct fixture *f, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3 *raw = fx_raw_open(f->path);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &st, NULL), SQLITE_OK);
    long v = -1;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return v;
}

static int fx_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct sc_error err = {{0}};
    f->dir = test_tmpdir();
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    assert_int_equal(storage_open(f->path, &f->db, &err), SC_OK);
    struct registry reg;
    struct import_summary sum;
    assert_int_equal(registry_parse(FX_SITES, strlen(FX_SITES), &reg, &err), SC_OK);
    assert_int_equal(storage_registry_apply(f->db, &reg, "test.csv", &sum, &err), SC_OK);
    registry_free(&reg);
    /* 11 is being checked, 12 already judged, 13 published */
    fx_exec(f, "INSERT INTO rounds(id, quarter, number, draw_date, window_start, window_end, state)"
               " VALUES(11, '2026Q4', 1, '2026-10-01', '2026-10-01', '2026-11-11', 'checking'),"
               " (12, '2026Q3', 2, '2026-08-12', '2026-08-12', '2026-09-20', 'finalised'),"
               " (13, '2026Q3', 1, '2026-07-12', '2026-07-12', '2026-08-10', 'published')");
    assert_int_equal(sc_time_parse("2026-10-10T10:00:00", &f->t0), SC_OK);
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fixture *f = *state;
    storage_close(f->db);
    test_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static void fx_link(struct site_report *r, const char *url, const char *found_on,
                    enum link_result result, int status, const char *error)
{
    struct link_record *l = site_report_add_link(r);
    assert_non_null(l);
    l->url = strdup(url);
    l->found_on = strdup(found_on);
    l->anchor = strdup("");
    l->result = result;
    l->status = status;
    l->error = error ? strdup(error) : NULL;
}

/* Stores r as the crawl of site in round (0: none), started an hour before `finished` (0:
 * unknown, then started at t0); returns its id. */
static long fx_save(struct fixture *f, long round, const char *site, time_t finished,
                    struct site_report *r)
{
    struct sc_error err = {{0}};
    long id = 0;
    time_t started = finished ? finished - 3600 : f->t0;
    int rc = storage_crawl_save(f->db, round, site, started, finished, r, NULL, &id, &err);
    if (rc != SC_OK)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, SC_OK);
    return id;
}

/* The id of the newest stored link with url found on found_on (-1: none). */
static long fx_link_id(struct fixture *f, const char *url, const char *found_on)
{
    return fx_long(f, "SELECT max(id) FROM links WHERE url='%s' AND found_on='%s'", url, found_on);
}

/* What storage_rechecks_due_each listed. */
struct due_list {
    size_t n;
    long link_id[16];
    char url[16][128];
    int attempt[16];
    long round_id[16];
    char site_code[16][16];
    time_t due_at[16];
};

static int fx_due_cb(const struct recheck_due *d, void *ud)
{
    struct due_list *l = ud;
    assert_true(l->n < 16);
    l->link_id[l->n] = d->link_id;
    snprintf(l->url[l->n], sizeof l->url[0], "%s", d->url);
    l->attempt[l->n] = d->attempt;
    l->round_id[l->n] = d->round_id;
    snprintf(l->site_code[l->n], sizeof l->site_code[0], "%s", d->site_code);
    l->due_at[l->n] = d->due_at;
    l->n++;
    return 0;
}

static struct due_list fx_due(struct fixture *f, time_t now, int max_attempts)
{
    struct due_list l;
    struct sc_error err = {{0}};
    memset(&l, 0, sizeof l);
    assert_int_equal(storage_rechecks_due_each(f->db, now, DAY, max_attempts, fx_due_cb, &l, &err),
                     SC_OK);
    return l;
}

/* The attempt of link_id at `attempt` stored, as "result status error" ("" when none). */
static void fx_attempt_text(struct fixture *f, long link_id, int attempt, char *out, size_t n)
{
    sqlite3 *raw = fx_raw_open(f->path);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(raw,
                                        "SELECT result, coalesce(status, 0), coalesce(error, '-') "
                                        "FROM link_rechecks WHERE link_id=?1 AND attempt=?2",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, link_id);
    sqlite3_bind_int(st, 2, attempt);
    out[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, n, "%s %d %s", sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
                 sqlite3_column_text(st, 2));
    sqlite3_finalize(st);
    sqlite3_close(raw);
}

/* The link's recheck_state ("" for NULL). */
static void fx_state_text(struct fixture *f, long link_id, char *out, size_t n)
{
    sqlite3 *raw = fx_raw_open(f->path);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(raw,
                                        "SELECT coalesce(recheck_state, '') FROM links WHERE id=?1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, link_id);
    out[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, n, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(raw);
}

#endif

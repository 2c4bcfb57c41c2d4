/* oom_rechecks: re-checks stored and applied (storage/rechecks.c) with the n-th allocation
 * failing: the last failing attempt of one link (which confirms it), the first ok attempt of
 * another (which clears it), then the outcomes applied to the crawl's loaded report. Each
 * record must end in SC_ENOMEM with the database as it was, or stored whole; the apply must
 * end in SC_ENOMEM with every link either as loaded or as decided, or give the report the
 * stored outcomes say; redoing the records without failures must then reach the state of the
 * run without failures. */
#include "oom.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/testutil.h"
#include "common/clock.h"
#include "common/registry.h"
#include "common/strbuf.h"
#include "storage/crawls.h"
#include "storage/rechecks.h"
#include "storage/sites.h"

#define R "http://www.r.gov.cn/"
#define DAY (24L * 3600)

struct rechecks_case {
    char *dir;
    char template_db[512], db[512];
    long crawl, a, b;
    time_t t0;
    char *template_bytes;
    size_t template_len;
    struct strbuf expect_db; /* after both records */
};

/* link_rechecks and the links' states, as text. */
static void dump_db(const char *path, struct strbuf *out)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    strbuf_reset(out);
    assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        strbuf_addf(out, "integrity: %s\n", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_int_equal(
        sqlite3_prepare_v2(h,
                           "SELECT l.id, coalesce(l.recheck_state, '-'), "
                           "coalesce(k.attempt, 0), coalesce(k.result, '-'), "
                           "coalesce(k.status, 0), coalesce(k.error, '-') FROM links l "
                           "LEFT JOIN link_rechecks k ON k.link_id=l.id "
                           "ORDER BY l.id, k.attempt",
                           -1, &st, NULL),
        SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        strbuf_addf(out, "%s %s %s %s %s %s\n", sqlite3_column_text(st, 0),
                    sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
                    sqlite3_column_text(st, 3), sqlite3_column_text(st, 4),
                    sqlite3_column_text(st, 5));
    sqlite3_finalize(st);
    sqlite3_close(h);
}

static void link_text(const struct link_record *l, struct strbuf *out)
{
    strbuf_addf(out, "%s %s %d %s %s %zu\n", l->url, link_result_name(l->result), l->status,
                l->error ? l->error : "-", l->final_url ? l->final_url : "-", l->nredirects);
}

static int record_a(struct rechecks_case *c, struct storage *db, struct sc_error *err)
{
    struct recheck_attempt at = {c->a, c->crawl,      2,          c->t0 + 2 * DAY, LINK_SUSPECTED,
                                 502,  "http_status", R "a-final"};
    return storage_recheck_record(db, &at, 2, NULL, err);
}

static int record_b(struct rechecks_case *c, struct storage *db, struct sc_error *err)
{
    struct recheck_attempt at = {c->b, c->crawl, 1, c->t0 + DAY, LINK_OK, 200, NULL, R "b-final"};
    return storage_recheck_record(db, &at, 2, NULL, err);
}

/* The work database as the template holds it (no WAL left from the run before). */
static void fresh_copy(struct rechecks_case *c)
{
    char side[600];
    snprintf(side, sizeof side, "%s-wal", c->db);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", c->db);
    unlink(side);
    test_write_file(c->db, c->template_bytes, c->template_len);
}

static long rechecks_once(void *ud, long n, int persistent)
{
    struct rechecks_case *c = ud;
    struct sc_error err = {{0}};
    struct storage *db;
    struct site_report loaded, r;
    struct strbuf got = STRBUF_INIT, before = STRBUF_INIT, want = STRBUF_INIT;
    fresh_copy(c);
    assert_int_equal(storage_open(c->db, &db, &err), SC_OK);
    assert_int_equal(storage_crawl_load_id(db, c->crawl, &loaded, NULL, &err), SC_OK);
    assert_int_equal(storage_crawl_load_id(db, c->crawl, &r, NULL, &err), SC_OK);

    failmalloc_arm(n, persistent);
    int ra = record_a(c, db, &err);
    int rb = record_b(c, db, &err);
    int rp = storage_rechecks_apply(db, c->crawl, 2, &r, NULL, &err);
    long hit = failmalloc_disarm();

    if ((ra != SC_OK && ra != SC_ENOMEM) || (rb != SC_OK && rb != SC_ENOMEM) ||
        (rp != SC_OK && rp != SC_ENOMEM))
        oom_fail(n, persistent, "rechecks: %d %d %d, not 0 or SC_ENOMEM: %s", ra, rb, rp, err.msg);
    /* each record whole or not at all */
    dump_db(c->db, &got);
    if (strstr(got.buf, "integrity: ok\n") != got.buf)
        oom_fail(n, persistent, "rechecks: the database is damaged");
    char a_line[64], b_line[64];
    snprintf(a_line, sizeof a_line, "%ld confirmed 2 suspected 502 http_status\n", c->a);
    snprintf(b_line, sizeof b_line, "%ld cleared 1 ok 200 -\n", c->b);
    if ((ra == SC_OK) != (strstr(got.buf, a_line) != NULL))
        oom_fail(n, persistent, "rechecks: a's attempt stored %s its record said %d",
                 ra == SC_OK ? "not, though" : "although", ra);
    if ((rb == SC_OK) != (strstr(got.buf, b_line) != NULL))
        oom_fail(n, persistent, "rechecks: b's attempt stored %s its record said %d",
                 rb == SC_OK ? "not, though" : "although", rb);
    /* the report: each link as loaded or as decided (all decided when apply succeeded) */
    for (size_t i = 0; i < r.nlinks; i++) {
        const struct link_record *l = &r.links[i];
        int is_a = strcmp(l->url, R "a") == 0, is_b = strcmp(l->url, R "b") == 0;
        int decided = (is_a && ra == SC_OK) || (is_b && rb == SC_OK);
        strbuf_reset(&got);
        strbuf_reset(&before);
        strbuf_reset(&want);
        link_text(l, &got);
        link_text(&loaded.links[i], &before);
        if (decided && is_a)
            strbuf_adds(&want, R "a broken 502 http_status " R "a-final 0\n");
        else if (decided && is_b)
            strbuf_adds(&want, R "b ok 200 - " R "b-final 0\n");
        else
            strbuf_adds(&want, before.buf);
        int ok =
            strcmp(got.buf, want.buf) == 0 || (rp == SC_ENOMEM && strcmp(got.buf, before.buf) == 0);
        if (!ok) {
            oom_print_difference(got.buf, want.buf);
            oom_fail(n, persistent, "rechecks: apply (%d) left link %zu half-changed", rp, i);
        }
    }
    /* redone without failures: the state of the run without failures. On a new connection,
     * as oom_import does: under persistent failures sqlite3_exec("ROLLBACK") itself can fail
     * for want of memory, leaving the old connection inside the failed transaction. */
    storage_close(db);
    assert_int_equal(storage_open(c->db, &db, &err), SC_OK);
    if (record_a(c, db, &err) != SC_OK)
        oom_fail(n, persistent, "rechecks: the redo failed: %s", err.msg);
    assert_int_equal(record_b(c, db, &err), SC_OK);
    dump_db(c->db, &got);
    if (strcmp(got.buf, c->expect_db.buf) != 0) {
        oom_print_difference(got.buf, c->expect_db.buf);
        oom_fail(n, persistent, "rechecks: the redo did not reach the expected state");
    }
    site_report_free(&loaded);
    site_report_free(&r);
    storage_close(db);
    strbuf_release(&got);
    strbuf_release(&before);
    strbuf_release(&want);
    return hit;
}

static void make_template(struct rechecks_case *c)
{
    static const char sites[] =
        "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话,"
        "电子邮箱\n4300000001,甲,http://www.r.gov.cn/,,,,,正常运行,,,\n";
    struct sc_error err = {{0}};
    struct storage *db;
    struct registry reg;
    struct import_summary sum;
    assert_int_equal(storage_open(c->template_db, &db, &err), SC_OK);
    assert_int_equal(registry_parse(sites, strlen(sites), &reg, &err), SC_OK);
    assert_int_equal(storage_registry_apply(db, &reg, "t.csv", &sum, &err), SC_OK);
    registry_free(&reg);
    storage_close(db);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(c->template_db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h,
                                  "INSERT INTO rounds(id, quarter, number, draw_date, window_start,"
                                  " window_end, state) VALUES(11, '2026Q4', 1, '2026-10-01',"
                                  " '2026-10-01', '2026-11-11', 'checking')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(storage_open(c->template_db, &db, &err), SC_OK);
    struct site_report r;
    site_report_init(&r, R);
    static const char *const urls[] = {R "a", R "b", R "c"};
    for (int i = 0; i < 3; i++) {
        struct link_record *l = site_report_add_link(&r);
        l->url = strdup(urls[i]);
        l->found_on = strdup(R);
        l->anchor = strdup("");
        l->result = i < 2 ? LINK_SUSPECTED : LINK_BROKEN;
        l->status = i < 2 ? 0 : 404;
        l->error = strdup(i < 2 ? "timeout" : "http_status");
    }
    assert_int_equal(
        storage_crawl_save(db, 11, "4300000001", c->t0 - 3600, c->t0, &r, NULL, &c->crawl, &err),
        SC_OK);
    site_report_free(&r);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(c->template_db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT id FROM links WHERE url=?1", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, R "a", -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    c->a = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, R "b", -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    c->b = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    /* a has failed once already */
    struct recheck_attempt first = {c->a,           c->crawl, 1,         c->t0 + DAY,
                                    LINK_SUSPECTED, 0,        "timeout", NULL};
    assert_int_equal(storage_recheck_record(db, &first, 2, NULL, &err), SC_OK);
    storage_close(db);
    c->template_bytes = test_read_file(c->template_db, &c->template_len);
    assert_non_null(c->template_bytes);
}

void test_oom_rechecks(void **state)
{
    (void)state;
    struct rechecks_case c = {.expect_db = STRBUF_INIT};
    struct sc_error err = {{0}};
    c.dir = test_tmpdir();
    snprintf(c.template_db, sizeof c.template_db, "%s/template.db", c.dir);
    snprintf(c.db, sizeof c.db, "%s/work.db", c.dir);
    assert_int_equal(sc_time_parse("2026-10-10T10:00:00", &c.t0), SC_OK);
    make_template(&c);

    /* the run without failures */
    struct storage *db;
    fresh_copy(&c);
    assert_int_equal(storage_open(c.db, &db, &err), SC_OK);
    assert_int_equal(record_a(&c, db, &err), SC_OK);
    assert_int_equal(record_b(&c, db, &err), SC_OK);
    storage_close(db);
    dump_db(c.db, &c.expect_db);

    oom_loop("rechecks", rechecks_once, &c, NULL);

    free(c.template_bytes);
    strbuf_release(&c.expect_db);
    test_tmpdir_remove(c.dir);
}

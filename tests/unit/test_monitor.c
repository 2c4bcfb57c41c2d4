/* test_monitor: the availability monitoring of a round (docs/availability.md, "The monitoring
 * week in the daemon").
 *   - storage/monitor: idempotent probe saves, group judgements (a probe's own reason kept,
 *     judging twice changes nothing), reference failure sets, summary and coverage (a day
 *     without a conclusive probe counts 0), probes_done, the draw moment, the first secret;
 *   - avail_makeup_at: inside slot k+a, deterministic, no slot left, site-dependent;
 *   - verdict_final and storage/verdicts: re-judged without doubling, the availability veto
 *     at 5% and not at 4%, one veto for a site the crawl found down, save/load round trip
 *     beside the crawl's own defects;
 *   - daemon/monitor on a real libuv loop with the simulated clock against loopback servers:
 *     a drawn round of 4 sites over 2 days of 4 probes: down site conclusive while the
 *     reference is up, reference-inconclusive groups made up in the next slot, mass
 *     failure, no slot left, completion; a restart mid-week repeats no probe; closing with
 *     probes in flight stores nothing for them. */
#include "testutil.h"
#include "crawl_httpd.h"

#include "common/clock.h"
#include "common/registry.h"
#include "daemon/monitor.h"
#include "daemon/schedule.h"
#include "probes/net/avail_schedule.h"
#include "probes/verdict/rules.h"
#include "probes/verdict/site_report.h"
#include "probes/verdict/verdict_final.h"
#include "storage/crawls.h"
#include "storage/db.h"
#include "storage/monitor.h"
#include "storage/sites.h"
#include "storage/verdicts.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER                                                                                     \
    "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话," \
    "电子邮箱\n"
#define SITES                                                                                      \
    HEADER "4300000001,甲,http://a.hunan.gov.cn/,,,,,正常运行,,,\n"                           \
           "4300000002,乙,http://b.hunan.gov.cn/,,,,,正常运行,,,\n"                           \
           "4300000003,丙,http://c.hunan.gov.cn/,,,,,正常运行,,,\n"                           \
           "4300000004,丁,http://d.hunan.gov.cn/,,,,,正常运行,,,\n"

#define CODE_A "4300000001" /* always answers 200 */
#define CODE_B "4300000002" /* refuses connections */
#define CODE_C "4300000003" /* 200, but down with D in the mass-failure slot */
#define CODE_D "4300000004"

#define ROUND 11     /* drawn, sites A..D */
#define ROUND_UN 12  /* not drawn */
#define PER_DAY 4
#define DAYS 2

struct fixture {
    char *dir;
    char path[512];
    struct storage *db;
};

/* ---- raw SQL ---- */

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 5000);
    return raw;
}

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *raw = raw_open(path);
    char *msg = NULL;
    int rc = sqlite3_exec(raw, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "%s: %s\n", sql, msg);
    sqlite3_free(msg);
    sqlite3_close(raw);
    assert_int_equal(rc, SQLITE_OK);
}

static long raw_long(const char *path, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3 *raw = raw_open(path);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(raw, sql, -1, &st, NULL) != SQLITE_OK)
        fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(raw));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return v;
}

/* The text of the first column of the first row ("" for NULL or no row) into out. */
static void raw_text(const char *path, char *out, size_t n, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3 *raw = raw_open(path);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &st, NULL), SQLITE_OK);
    out[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(raw);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct sc_error err = {{0}};
    f->dir = test_tmpdir();
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    assert_int_equal(storage_open(f->path, &f->db, &err), SC_OK);
    struct registry reg;
    struct import_summary sum;
    assert_int_equal(registry_parse(SITES, strlen(SITES), &reg, &err), SC_OK);
    assert_int_equal(storage_registry_apply(f->db, &reg, "test.csv", &sum, &err), SC_OK);
    registry_free(&reg);
    raw_exec(f->path,
             "INSERT INTO rounds(id, quarter, number, draw_date, window_start, window_end, state)"
             " VALUES(11, '2026Q4', 1, '2026-10-01', '2026-10-01', '2026-11-11', 'drawn'),"
             " (12, '2026Q4', 2, '2026-11-12', '2026-11-12', '2026-12-20', 'planned');"
             "INSERT INTO draws(id, round_id, drawn_at, seed, seed_source, frame_hash, frame_size,"
             " rate, sample_size, repeats, stratified, active)"
             " VALUES(1, 11, '2026-10-01T00:00:00+08:00', 'aa', 'test', 'h', 4, 0.15, 4, 0, 0, 1);"
             "INSERT INTO samples(draw_id, site_code, rank) VALUES(1, '4300000001', 1),"
             " (1, '4300000002', 2), (1, '4300000003', 3), (1, '4300000004', 4);");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    storage_close(f->db);
    test_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* ---- 1. storage/monitor ---- */

static struct avail_result result(time_t at, int ok, const char *url)
{
    struct avail_result r;
    memset(&r, 0, sizeof r);
    r.url = url;
    r.final_url = url;
    r.at = at;
    r.outcome = ok ? AVAIL_OK : AVAIL_FAIL;
    r.status = ok ? 200 : 0;
    r.error = ok ? NULL : "connect";
    r.total_us = 12345;
    return r;
}

static void save_probe(struct storage *db, const char *code, int day, int slot, int attempt,
                       time_t at, int ok, int conclusive, const char *reason)
{
    struct sc_error err = {{0}};
    struct probe_key k = {ROUND, code, day, slot, attempt};
    struct avail_result r = result(at, ok, "http://x.hunan.gov.cn/");
    assert_int_equal(storage_probe_save(db, &k, at, &r, conclusive, reason, &err), SC_OK);
}

static void judge(struct storage *db, int day, int slot, int attempt, int conclusive,
                  const char *reason, int failed, time_t at)
{
    struct sc_error err = {{0}};
    struct group_verdict v = {ROUND, day, slot, attempt, conclusive, reason, 4, failed, at};
    assert_int_equal(storage_group_judge(db, &v, &err), SC_OK);
}

static void test_probe_save_idempotent(void **state)
{
    struct fixture *f = *state;
    time_t t = 1790000000;
    save_probe(f->db, CODE_A, 0, 3, 0, t, 1, -1, NULL);
    save_probe(f->db, CODE_A, 0, 3, 0, t + 5, 0, -1, NULL); /* the same key again */
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes"), 1);
    assert_int_equal(raw_long(f->path, "SELECT ok FROM availability_probes"), 1); /* the first */
    assert_int_equal(raw_long(f->path, "SELECT conclusive IS NULL FROM availability_probes"), 1);
    /* another attempt of the same slot is another probe */
    save_probe(f->db, CODE_A, 0, 3, 1, t + 60, 1, -1, NULL);
    save_probe(f->db, CODE_B, 0, 3, 0, t, 1, -1, NULL);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes"), 3);
}

static void test_group_judge(void **state)
{
    struct fixture *f = *state;
    time_t t = 1790000000;
    save_probe(f->db, CODE_A, 0, 0, 0, t, 1, -1, NULL);
    save_probe(f->db, CODE_B, 0, 0, 0, t, 0, -1, NULL);
    save_probe(f->db, CODE_C, 0, 0, 0, t, 0, 0, "monitor_error"); /* its own reason */
    save_probe(f->db, CODE_D, 0, 0, 0, t, 1, -1, "monitor_error"); /* a reason, not judged */
    save_probe(f->db, CODE_A, 0, 1, 0, t + 100, 1, -1, NULL);     /* another group */
    judge(f->db, 0, 0, 0, 1, NULL, 1, t + 3600);
    assert_int_equal(raw_long(f->path, "SELECT conclusive FROM availability_probes WHERE "
                                       "site_code='%s' AND slot=0", CODE_D), 0);
    assert_int_equal(raw_long(f->path, "SELECT conclusive FROM availability_probes WHERE "
                                       "site_code='%s' AND slot=0", CODE_A), 1);
    assert_int_equal(raw_long(f->path, "SELECT conclusive FROM availability_probes WHERE "
                                       "site_code='%s' AND slot=0", CODE_B), 1);
    assert_int_equal(raw_long(f->path, "SELECT conclusive FROM availability_probes WHERE "
                                       "site_code='%s' AND slot=0", CODE_C), 0);
    char text[64];
    raw_text(f->path, text, sizeof text, "SELECT inconclusive_reason FROM availability_probes "
                                         "WHERE site_code='%s' AND slot=0", CODE_C);
    assert_string_equal(text, "monitor_error");
    /* the other group is untouched */
    assert_int_equal(raw_long(f->path, "SELECT conclusive IS NULL FROM availability_probes "
                                       "WHERE slot=1"), 1);
    raw_text(f->path, text, sizeof text, "SELECT state FROM monitor_slots WHERE day=0 AND slot=0");
    assert_string_equal(text, "conclusive");

    /* inconclusive for everyone: the reason on the probes, own reasons kept */
    save_probe(f->db, CODE_B, 0, 1, 0, t + 200, 0, -1, NULL);
    save_probe(f->db, CODE_C, 0, 1, 0, t + 300, 0, 0, "monitor_error");
    judge(f->db, 0, 1, 0, 0, "reference", 2, t + 7200);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes WHERE slot=1 "
                                       "AND conclusive=0"), 3);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes WHERE slot=1 "
                                       "AND inconclusive_reason='reference'"), 2);
    raw_text(f->path, text, sizeof text, "SELECT inconclusive_reason FROM availability_probes "
                                         "WHERE site_code='%s' AND slot=1", CODE_C);
    assert_string_equal(text, "monitor_error");
    raw_text(f->path, text, sizeof text,
             "SELECT state || '/' || reason || '/' || sites || '/' || failed FROM monitor_slots "
             "WHERE day=0 AND slot=1 AND attempt=0");
    assert_string_equal(text, "inconclusive/reference/4/2");

    /* judging again, even differently, changes nothing */
    judge(f->db, 0, 0, 0, 0, "mass_failure", 3, t + 9000);
    judge(f->db, 0, 1, 0, 1, NULL, 0, t + 9000);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM monitor_slots"), 2);
    raw_text(f->path, text, sizeof text, "SELECT state FROM monitor_slots WHERE day=0 AND slot=0");
    assert_string_equal(text, "conclusive");
    raw_text(f->path, text, sizeof text, "SELECT state FROM monitor_slots WHERE day=0 AND slot=1");
    assert_string_equal(text, "inconclusive");
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes WHERE slot=0 "
                                       "AND conclusive=1 AND inconclusive_reason IS NULL"), 2);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes WHERE slot=0 "
                                       "AND conclusive=0 AND inconclusive_reason='monitor_error'"),
                     2);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes WHERE slot=1 "
                                       "AND conclusive=1"), 0);
    /* a missed group is recorded without touching probes */
    judge(f->db, 0, 3, 1, -1, "no_slot_left", 0, t + 9000);
    raw_text(f->path, text, sizeof text,
             "SELECT state || '/' || reason FROM monitor_slots WHERE day=0 AND slot=3 AND "
             "attempt=1");
    assert_string_equal(text, "missed/no_slot_left");
}

struct triple_list {
    int v[16][4];
    int n;
};

static int collect_ref(int day, int slot, int attempt, void *ud)
{
    struct triple_list *l = ud;
    assert_true(l->n < 16);
    l->v[l->n][0] = day;
    l->v[l->n][1] = slot;
    l->v[l->n][2] = attempt;
    l->n++;
    return 0;
}

static int collect_group(int day, int slot, int attempt, int conclusive, void *ud)
{
    struct triple_list *l = ud;
    assert_true(l->n < 16);
    l->v[l->n][0] = day;
    l->v[l->n][1] = slot;
    l->v[l->n][2] = attempt;
    l->v[l->n][3] = conclusive;
    l->n++;
    return 0;
}

static void save_ref(struct storage *db, int day, int slot, int attempt, time_t at, int ok,
                     const char *url)
{
    struct sc_error err = {{0}};
    struct avail_result r = result(at, ok, url);
    assert_int_equal(storage_reference_save(db, ROUND, day, slot, attempt, &r, &err), SC_OK);
}

static void test_reference_failures(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    time_t t = 1790000000;
    /* (0,0,0): both targets failed at one moment */
    save_ref(f->db, 0, 0, 0, t, 0, "http://r1/");
    save_ref(f->db, 0, 0, 0, t, 0, "http://r2/");
    /* (0,1,0): one target answered */
    save_ref(f->db, 0, 1, 0, t + 10, 0, "http://r1/");
    save_ref(f->db, 0, 1, 0, t + 10, 1, "http://r2/");
    /* (0,2,1): a set with a success, then a later set that all failed */
    save_ref(f->db, 0, 2, 1, t + 20, 1, "http://r1/");
    save_ref(f->db, 0, 2, 1, t + 20, 0, "http://r2/");
    save_ref(f->db, 0, 2, 1, t + 200, 0, "http://r1/");
    save_ref(f->db, 0, 2, 1, t + 200, 0, "http://r2/");
    /* (0,3,0): two sets, each with a success at a different target */
    save_ref(f->db, 0, 3, 0, t + 30, 1, "http://r1/");
    save_ref(f->db, 0, 3, 0, t + 30, 0, "http://r2/");
    save_ref(f->db, 0, 3, 0, t + 300, 0, "http://r1/");
    save_ref(f->db, 0, 3, 0, t + 300, 1, "http://r2/");
    /* another round's failures are not this round's */
    struct avail_result r = result(t, 0, "http://r1/");
    assert_int_equal(storage_reference_save(f->db, ROUND_UN, 1, 1, 0, &r, &err), SC_OK);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM monitor_reference_probes"), 13);

    struct triple_list l = {{{0}}, 0};
    assert_int_equal(storage_reference_failures_each(f->db, ROUND, collect_ref, &l, &err), SC_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.v[0][0], 0);
    assert_int_equal(l.v[0][1], 0);
    assert_int_equal(l.v[0][2], 0);
    assert_int_equal(l.v[1][0], 0);
    assert_int_equal(l.v[1][1], 2);
    assert_int_equal(l.v[1][2], 1);
}

static void test_groups_each(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    time_t t = 1790000000;
    judge(f->db, 1, 2, 0, 1, NULL, 0, t);
    judge(f->db, 0, 3, 0, 0, "reference", 1, t);
    judge(f->db, 0, 3, 1, -1, "no_slot_left", 0, t);
    struct triple_list l = {{{0}}, 0};
    assert_int_equal(storage_groups_each(f->db, ROUND, collect_group, &l, &err), SC_OK);
    assert_int_equal(l.n, 3);
    int want[3][4] = {{0, 3, 0, 0}, {0, 3, 1, -1}, {1, 2, 0, 1}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            assert_int_equal(l.v[i][j], want[i][j]);
}

static void test_summary_and_coverage(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    time_t t = 1790000000;
    /* day 0: two conclusive (one failed) and one inconclusive failure; day 1: only an
     * inconclusive probe; day 2: one conclusive success; day 3: nothing */
    save_probe(f->db, CODE_A, 0, 0, 0, t, 1, -1, NULL);
    save_probe(f->db, CODE_A, 0, 1, 0, t + 1, 0, -1, NULL);
    save_probe(f->db, CODE_A, 0, 2, 0, t + 2, 0, -1, NULL);
    save_probe(f->db, CODE_A, 1, 0, 0, t + 3, 0, -1, NULL);
    save_probe(f->db, CODE_A, 2, 0, 0, t + 4, 1, -1, NULL);
    save_probe(f->db, CODE_B, 0, 0, 0, t, 0, -1, NULL); /* another site */
    judge(f->db, 0, 0, 0, 1, NULL, 1, t);
    judge(f->db, 0, 1, 0, 1, NULL, 1, t);
    judge(f->db, 0, 2, 0, 0, "reference", 1, t);
    judge(f->db, 1, 0, 0, 0, "mass_failure", 1, t);
    judge(f->db, 2, 0, 0, 1, NULL, 0, t);

    struct avail_summary s;
    assert_int_equal(storage_avail_summary(f->db, ROUND, CODE_A, 3, &s, &err), SC_OK);
    assert_int_equal(s.days, 3);
    assert_int_equal(s.probes, 5);
    assert_int_equal(s.conclusive, 3);
    assert_int_equal(s.failures, 1);
    assert_int_equal(s.min_per_day, 0); /* day 1 had no conclusive probe */
    assert_true(s.failure_rate > 0.3333 && s.failure_rate < 0.3334);
    long cov[4] = {-1, -1, -1, -1};
    assert_int_equal(storage_avail_coverage(f->db, ROUND, CODE_A, 4, cov, &err), SC_OK);
    assert_int_equal(cov[0], 2);
    assert_int_equal(cov[1], 0);
    assert_int_equal(cov[2], 1);
    assert_int_equal(cov[3], 0);
    /* a week whose days all have a conclusive probe */
    assert_int_equal(storage_avail_summary(f->db, ROUND, CODE_A, 1, &s, &err), SC_OK);
    assert_int_equal(s.min_per_day, 2);
    /* B: one conclusive failure */
    assert_int_equal(storage_avail_summary(f->db, ROUND, CODE_B, 1, &s, &err), SC_OK);
    assert_int_equal(s.probes, 1);
    assert_int_equal(s.failures, 1);
    assert_true(s.failure_rate == 1.0);
    /* a site never probed */
    assert_int_equal(storage_avail_summary(f->db, ROUND, CODE_C, 3, &s, &err), SC_OK);
    assert_int_equal(s.probes, 0);
    assert_int_equal(s.min_per_day, 0);
    assert_true(s.failure_rate == 0.0);

    long done = -1;
    assert_int_equal(storage_probes_done(f->db, ROUND, &done, &err), SC_OK);
    assert_int_equal(done, 4); /* A's three and B's one */
    assert_int_equal(storage_probes_done(f->db, ROUND_UN, &done, &err), SC_OK);
    assert_int_equal(done, 0);
}

static void test_drawn_at_and_setup(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    time_t at = 0, want;
    assert_int_equal(storage_round_drawn_at(f->db, ROUND, &at, &err), SC_OK);
    assert_int_equal(sc_time_parse("2026-10-01T00:00:00", &want), 0);
    assert_int_equal(at, want);
    assert_int_equal(at, sc_day_start(sc_days_from_civil(2026, 10, 1)));
    /* a later draw of the round replaces it; an inactive one does not count */
    raw_exec(f->path,
             "UPDATE draws SET active=0 WHERE id=1;"
             "INSERT INTO draws(id, round_id, drawn_at, seed, seed_source, frame_hash, frame_size,"
             " rate, sample_size, repeats, stratified, active)"
             " VALUES(2, 11, '2026-10-03T13:45:10+08:00', 'bb', 'test', 'h', 4, 0.15, 4, 0, 0, 1),"
             " (3, 11, '2026-10-09T00:00:00+08:00', 'cc', 'test', 'h', 4, 0.15, 4, 0, 0, 0);");
    assert_int_equal(storage_round_drawn_at(f->db, ROUND, &at, &err), SC_OK);
    assert_int_equal(at, sc_day_start(sc_days_from_civil(2026, 10, 3)) + 13 * 3600 + 45 * 60 + 10);
    assert_int_equal(storage_round_drawn_at(f->db, ROUND_UN, &at, &err), SC_ENOTFOUND);

    char seed[65], from[11];
    assert_int_equal(storage_monitor_get(f->db, ROUND, seed, from, &err), SC_OK);
    assert_string_equal(seed, "");
    assert_string_equal(from, "");
    const char *s1 = "1111111111111111111111111111111111111111111111111111111111111111";
    const char *s2 = "2222222222222222222222222222222222222222222222222222222222222222";
    assert_int_equal(storage_monitor_setup(f->db, ROUND, s1, "2026-10-02", seed, from, &err),
                     SC_OK);
    assert_string_equal(seed, s1);
    assert_string_equal(from, "2026-10-02");
    assert_int_equal(storage_monitor_setup(f->db, ROUND, s2, "2026-10-05", seed, from, &err),
                     SC_OK);
    assert_string_equal(seed, s1); /* the first stays */
    assert_string_equal(from, "2026-10-02");
    assert_int_equal(storage_monitor_get(f->db, ROUND, seed, from, &err), SC_OK);
    assert_string_equal(seed, s1);
    assert_string_equal(from, "2026-10-02");
    /* the other round is untouched; a round that does not exist */
    assert_int_equal(storage_monitor_get(f->db, ROUND_UN, seed, from, &err), SC_OK);
    assert_string_equal(seed, "");
    assert_int_equal(storage_monitor_setup(f->db, 99, s1, "2026-10-02", seed, from, &err),
                     SC_ENOTFOUND);
}

/* ---- 2. avail_makeup_at ---- */

static void test_makeup_at(void **state)
{
    (void)state;
    struct sc_error err = {{0}};
    const char *seed = "00112233445566778899aabbccddeeff";
    time_t start = 1790000000;
    struct avail_schedule_params p = {seed, "4300000077", start, 7, 20, -1};
    for (int d = 0; d < 7; d++) {
        for (int k = 0; k < 20; k++) {
            for (int a = 1; a <= 3; a++) {
                time_t at = 0, again = 0;
                int rc = avail_makeup_at(&p, d, k, a, &at, &err);
                if (k + a >= 20) {
                    assert_int_equal(rc, SC_ENOTFOUND);
                    continue;
                }
                assert_int_equal(rc, 0);
                assert_int_equal(avail_makeup_at(&p, d, k, a, &again, &err), 0);
                assert_int_equal(at, again); /* deterministic */
                time_t day0 = start + (time_t)d * AVAIL_DAY_SECONDS;
                long lo = avail_slot_start(20, k + a), hi = avail_slot_start(20, k + a + 1);
                assert_true(at >= day0 + lo);
                /* never in the slot's last tenth, so the group is judged in the slot */
                assert_true(at < day0 + hi - (hi - lo) / 10);
            }
        }
    }
    time_t at;
    assert_int_equal(avail_makeup_at(&p, 0, 19, 1, &at, &err), SC_ENOTFOUND);
    assert_int_equal(avail_makeup_at(&p, 0, 18, 2, &at, &err), SC_ENOTFOUND);
    assert_int_equal(avail_makeup_at(&p, 0, 18, 1, &at, &err), 0);
    /* per_day 4: slot 1's first make-up is in slot 2 (12:00 .. 18:00) */
    struct avail_schedule_params q = {seed, "4300000077", start, 2, 4, -1};
    assert_int_equal(avail_makeup_at(&q, 1, 1, 1, &at, &err), 0);
    assert_true(at >= start + 86400 + 43200 && at < start + 86400 + 64800 - 2160);
    assert_int_equal(avail_makeup_at(&q, 1, 3, 1, &at, &err), SC_ENOTFOUND);
    /* different sites get different times; another seed too */
    int same = 0, same_seed = 0;
    time_t base;
    assert_int_equal(avail_makeup_at(&p, 2, 5, 1, &base, &err), 0);
    for (int i = 0; i < 40; i++) {
        char code[16];
        snprintf(code, sizeof code, "43%08d", 100 + i);
        struct avail_schedule_params o = p;
        o.code = code;
        time_t a1, a2;
        assert_int_equal(avail_makeup_at(&o, 2, 5, 1, &a1, &err), 0);
        same += a1 == base;
        o.seed = "00112233445566778899aabbccddeef0";
        assert_int_equal(avail_makeup_at(&o, 2, 5, 1, &a2, &err), 0);
        same_seed += a1 == a2;
    }
    assert_true(same <= 1);
    assert_true(same_seed <= 1);
    /* the make-up time is not the planned probe's time of that slot */
    struct avail_time plan[140];
    assert_int_equal(avail_schedule(&p, plan, &err), 0);
    int equal = 0;
    for (int k = 0; k + 1 < 20; k++) {
        assert_int_equal(avail_makeup_at(&p, 3, k, 1, &at, &err), 0);
        equal += at == plan[3 * 20 + k + 1].at;
    }
    assert_true(equal <= 1);
    /* bad input */
    struct avail_schedule_params bad = p;
    bad.code = "43/1";
    assert_int_equal(avail_makeup_at(&bad, 0, 0, 1, &at, &err), SC_EINPUT);
    assert_int_equal(avail_makeup_at(&p, 0, 0, 0, &at, &err), SC_ENOTFOUND);
}

/* ---- 3. verdict_final and storage/verdicts ---- */

#define HOME "http://www.example.gov.cn/"

/* A crawled report with one deduction (a broken homepage link), judged as the crawl does. */
static void crawl_report(struct site_report *r, int reachable)
{
    site_report_init(r, HOME);
    r->expected_code = strdup("4300000001");
    r->reachable = reachable;
    if (!reachable)
        r->unreachable_error = strdup("connect");
    r->pages_crawled = reachable ? 10 : 0;
    r->homepage_latest = SC_NO_DAY;
    r->identity.site_code_matches = -1;
    r->identity.has_party_badge = 1;
    r->identity.has_error_report = 1;
    r->identity.has_search = 1;
    if (reachable) {
        struct link_record *l = site_report_add_link(r);
        l->url = strdup(HOME "a.pdf");
        l->found_on = strdup(HOME);
        l->on_homepage = 1;
        l->result = LINK_BROKEN;
        l->status = 404;
        l->error = strdup("http_status");
    }
    assert_int_equal(rules_judge(NULL, r), 0);
}

static size_t count_kind(const struct site_report *r, const char *kind, int severity)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ndefects; i++)
        if (strcmp(r->defects[i].kind, kind) == 0 &&
            (severity < 0 || (int)r->defects[i].severity == severity))
            n++;
    return n;
}

static void test_verdict_final_rejudge(void **state)
{
    (void)state;
    struct rules rules;
    rules_default(&rules);
    struct site_report r;
    crawl_report(&r, 1);
    size_t crawl_defects = r.ndefects;
    double crawl_score = r.score;
    int crawl_pass = r.verdict_pass;
    assert_true(crawl_defects > 0);
    /* no monitoring: the crawl's verdict, judged again, not doubled */
    assert_int_equal(verdict_final(&rules, &r, NULL), 0);
    assert_int_equal(r.ndefects, crawl_defects);
    assert_int_equal(verdict_final(&rules, &r, NULL), 0);
    assert_int_equal(r.ndefects, crawl_defects);
    assert_true(r.judged);
    assert_true(r.score == crawl_score);
    assert_int_equal(r.verdict_pass, crawl_pass);
    assert_int_equal(count_kind(&r, "unreachable", -1), 0);
    /* monitored, 4% failed: no veto (rules table: veto.unavailable_percent 5) */
    struct availability_finding av = {1, 7, 140, 100, 4, 14};
    assert_int_equal(verdict_final(&rules, &r, &av), 0);
    assert_int_equal(r.ndefects, crawl_defects);
    assert_int_equal(count_kind(&r, "unreachable", -1), 0);
    assert_int_equal(r.verdict_pass, crawl_pass);
    /* 5%: the veto, once, with the figures; twice judged, still once */
    av.failures = 5;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(verdict_final(&rules, &r, &av), 0);
        assert_int_equal(r.ndefects, crawl_defects + 1);
        assert_int_equal(count_kind(&r, "unreachable", SEVERITY_VETO), 1);
        assert_int_equal(r.verdict_pass, 0);
        assert_true(r.judged);
    }
    const struct defect_record *d = &r.defects[r.ndefects - 1];
    assert_string_equal(d->kind, "unreachable");
    assert_string_equal(d->url, HOME);
    assert_non_null(d->detail);
    assert_non_null(strstr(d->detail, "5 of 100"));
    assert_non_null(strstr(d->detail, "5.0%"));
    assert_non_null(strstr(d->detail, "7 days"));
    assert_non_null(strstr(d->detail, "14 a day"));
    /* no monitoring week: no veto whatever the figures */
    av.monitored = 0;
    assert_int_equal(verdict_final(&rules, &r, &av), 0);
    assert_int_equal(count_kind(&r, "unreachable", -1), 0);
    assert_int_equal(r.verdict_pass, crawl_pass);
    /* the threshold is the rule table's */
    struct sc_error err = {{0}};
    assert_int_equal(rules_set(&rules, "veto.unavailable_percent", "4", &err), 0);
    av.monitored = 1;
    av.failures = 4;
    assert_int_equal(verdict_final(&rules, &r, &av), 0);
    assert_int_equal(count_kind(&r, "unreachable", SEVERITY_VETO), 1);
    site_report_free(&r);

    /* a site the crawl found down: one veto, not two */
    rules_default(&rules);
    crawl_report(&r, 0);
    assert_int_equal(count_kind(&r, "unreachable", SEVERITY_VETO), 1);
    size_t n = r.ndefects;
    av.failures = 50;
    assert_int_equal(verdict_final(&rules, &r, &av), 0);
    assert_int_equal(count_kind(&r, "unreachable", -1), 1);
    assert_int_equal(r.ndefects, n);
    assert_int_equal(r.verdict_pass, 0);
    site_report_free(&r);
}

static void test_verdict_save_load(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    struct rules rules;
    rules_default(&rules);
    struct site_report crawl;
    crawl_report(&crawl, 1);
    long id = 0;
    time_t t = sc_day_start(sc_days_from_civil(2026, 10, 5));
    assert_int_equal(storage_crawl_save(f->db, ROUND, CODE_A, t, t + 60, &crawl, NULL, &id, &err),
                     SC_OK);
    long crawl_rows = raw_long(f->path, "SELECT count(*) FROM defects WHERE crawl_id=%ld", id);
    assert_int_equal(crawl_rows, (long)crawl.ndefects);

    /* no final verdict yet */
    struct site_report r;
    site_report_init(&r, HOME);
    assert_int_equal(storage_verdict_load(f->db, id, &r, NULL, &err), 0);
    assert_int_equal(r.ndefects, 0);
    site_report_free(&r);

    struct site_report fin;
    assert_int_equal(storage_crawl_load_id(f->db, id, &fin, NULL, &err), SC_OK);
    struct availability_finding av = {1, 7, 140, 140, 7, 20};
    assert_int_equal(verdict_final(&rules, &fin, &av), 0);
    assert_int_equal(fin.verdict_pass, 0);
    assert_int_equal(storage_verdict_save(f->db, id, &fin, "{\"final\":1}", t + 86400 * 30, &err),
                     SC_OK);
    /* finalised again: replaced, not appended */
    assert_int_equal(storage_verdict_save(f->db, id, &fin, "{\"final\":2}", t + 86400 * 31, &err),
                     SC_OK);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM defects WHERE crawl_id=%ld AND "
                                       "stage='final'", id), (long)fin.ndefects);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM defects WHERE crawl_id=%ld AND "
                                       "stage='crawl'", id), crawl_rows);
    char text[64];
    raw_text(f->path, text, sizeof text, "SELECT final_verdict FROM crawls WHERE id=%ld", id);
    assert_string_equal(text, "fail");

    char when[32] = "";
    site_report_init(&r, HOME);
    assert_int_equal(storage_verdict_load(f->db, id, &r, when, &err), 1);
    char want[32];
    sc_time_format(t + 86400 * 31, want);
    assert_string_equal(when, want);
    assert_int_equal(r.ndefects, fin.ndefects);
    for (size_t i = 0; i < r.ndefects; i++) {
        assert_string_equal(r.defects[i].kind, fin.defects[i].kind);
        assert_int_equal(r.defects[i].severity, fin.defects[i].severity);
        assert_true(r.defects[i].points == fin.defects[i].points);
        if (fin.defects[i].detail)
            assert_string_equal(r.defects[i].detail, fin.defects[i].detail);
    }
    assert_int_equal(count_kind(&r, "unreachable", SEVERITY_VETO), 1);
    assert_true(r.judged);
    assert_true(r.score == fin.score);
    assert_int_equal(r.verdict_pass, 0);
    site_report_free(&r);

    /* the crawl as crawled is unchanged */
    struct site_report again;
    assert_int_equal(storage_crawl_load_id(f->db, id, &again, NULL, &err), SC_OK);
    assert_int_equal(again.ndefects, crawl.ndefects);
    for (size_t i = 0; i < again.ndefects; i++)
        assert_string_equal(again.defects[i].kind, crawl.defects[i].kind);
    assert_int_equal(count_kind(&again, "unreachable", -1), 0);
    assert_true(again.score == crawl.score);
    assert_int_equal(again.verdict_pass, crawl.verdict_pass);
    site_report_free(&again);
    /* a crawl that does not exist */
    assert_int_equal(storage_verdict_save(f->db, id + 100, &fin, NULL, t, &err), SC_ENOTFOUND);
    site_report_free(&fin);
    site_report_free(&crawl);
}

/* ---- 4. the monitor on a loop ---- */

/* What is down, set by the driver for the slot the clock is in. */
static atomic_int ref_down, cd_down, c_down, slow;

static void handler(const char *method, const char *host, const char *path, int count,
                    struct httpd_response *r)
{
    (void)method;
    (void)path;
    (void)count;
    if (atomic_load(&slow) || strcmp(host, "ref2.gov.cn") == 0)
        r->sleep_ms = 1500;
    if (strcmp(host, "ref.gov.cn") == 0 && atomic_load(&ref_down)) {
        r->status = 503;
        httpd_html(r, "down");
    } else if (((strcmp(host, "c.hunan.gov.cn") == 0 || strcmp(host, "d.hunan.gov.cn") == 0) &&
                atomic_load(&cd_down)) ||
               (strcmp(host, "c.hunan.gov.cn") == 0 && atomic_load(&c_down))) {
        r->close_without_answer = 1;
    } else {
        httpd_html(r, "<html><body>政府网站</body></html>");
    }
}

/* A port nothing listens on. */
static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

struct world {
    struct httpd *srv;
    char maps[6][128];
    char *map[6];
    char *refs[2];
    uv_loop_t loop;
    struct monitor_options o;
    struct schedule_round sr;
    time_t from; /* the week's first moment: 2026-10-02 00:00 CST */
};

static void world_start(struct world *w)
{
    memset(w, 0, sizeof *w);
    atomic_store(&ref_down, 0);
    atomic_store(&cd_down, 0);
    atomic_store(&c_down, 0);
    atomic_store(&slow, 0);
    w->srv = httpd_start(handler);
    int dead = closed_port();
    snprintf(w->maps[0], 128, "a.hunan.gov.cn:80:127.0.0.1:%d", w->srv->port);
    snprintf(w->maps[1], 128, "b.hunan.gov.cn:80:127.0.0.1:%d", dead);
    snprintf(w->maps[2], 128, "c.hunan.gov.cn:80:127.0.0.1:%d", w->srv->port);
    snprintf(w->maps[3], 128, "d.hunan.gov.cn:80:127.0.0.1:%d", w->srv->port);
    snprintf(w->maps[4], 128, "ref.gov.cn:80:127.0.0.1:%d", w->srv->port);
    snprintf(w->maps[5], 128, "ref2.gov.cn:80:127.0.0.1:%d", w->srv->port);
    for (int i = 0; i < 6; i++)
        w->map[i] = w->maps[i];
    w->refs[0] = "http://ref.gov.cn/";
    w->refs[1] = "http://ref2.gov.cn/"; /* answers 200 after 1.5 s; used when nreferences 2 */
    assert_int_equal(uv_loop_init(&w->loop), 0);
    avail_options_default(&w->o.probe);
    w->o.probe.timeout_ms = 5000;
    w->o.probe.allow_private = 1;
    w->o.probe.connect_to = w->map;
    w->o.probe.nconnect_to = 6;
    w->o.references = w->refs;
    w->o.nreferences = 1;
    w->o.days = DAYS;
    w->o.per_day = PER_DAY;
    w->sr.round_id = ROUND;
    w->sr.number = 1;
    snprintf(w->sr.quarter, sizeof w->sr.quarter, "2026Q4");
    snprintf(w->sr.state, sizeof w->sr.state, "drawn");
    w->sr.draw_day = sc_days_from_civil(2026, 10, 1);
    w->sr.window_start = sc_days_from_civil(2026, 10, 1);
    w->sr.window_end = sc_days_from_civil(2026, 11, 11);
    w->sr.drawn = 1;
    w->sr.sampled = 4;
    w->from = sc_day_start(sc_days_from_civil(2026, 10, 2));
    /* the daemon starts the morning of the draw */
    sc_clock_set(sc_day_start(sc_days_from_civil(2026, 10, 1)) + 8 * 3600);
}

static void world_stop(struct world *w)
{
    assert_int_equal(uv_loop_close(&w->loop), 0);
    httpd_stop(w->srv);
}

static void on_closed(void *user)
{
    (*(int *)user)++;
}

static void close_monitor(struct world *w, struct monitor *m)
{
    int closed = 0;
    monitor_close(m, on_closed, &closed);
    while (!closed)
        uv_run(&w->loop, UV_RUN_ONCE);
    assert_int_equal(closed, 1);
    uv_run(&w->loop, UV_RUN_DEFAULT); /* nothing of the monitor is left on the loop */
}

/* The scenario, by the slot the clock is in: day 0 slots 1 and 3 the reference target is
 * down; day 1 slot 0 C and D are down too (with B: 3 of 4 sites fail, a mass failure); day 1
 * slot 2 C is down (with B: 2 of 4, half, not more: conclusive). B is always down. */
static void conditions(const struct world *w, time_t now)
{
    long off = (long)(now - w->from);
    int day = off < 0 ? -1 : (int)(off / 86400);
    int slot = off < 0 ? -1 : (int)((off % 86400) / (86400 / PER_DAY));
    atomic_store(&ref_down, day == 0 && (slot == 1 || slot == 3));
    atomic_store(&cd_down, day == 1 && slot == 0);
    atomic_store(&c_down, day == 1 && slot == 2);
}

/* Drives the monitor until the week is complete or the clock reaches stop_at (when not 0);
 * returns 1 when complete. */
static int drive(struct world *w, struct monitor *m, time_t stop_at)
{
    struct sc_error err = {{0}};
    for (int guard = 0; guard < 1000; guard++) {
        time_t now = sc_clock_now();
        conditions(w, now);
        struct monitor_tick t = {0, 0};
        int rc = monitor_round_tick(m, &w->sr, now, &t, &err);
        if (rc < 0)
            fprintf(stderr, "tick: %s\n", err.msg);
        assert_int_equal(rc, 0);
        struct sc_error perr = {{0}};
        if (monitor_take_error(m, &perr))
            fail_msg("a probe's storage failed: %s", perr.msg);
        if (monitor_in_flight(m, 0) > 0) {
            while (monitor_in_flight(m, 0) > 0)
                uv_run(&w->loop, UV_RUN_ONCE);
            continue; /* tick again at the same moment */
        }
        if (t.complete)
            return 1;
        assert_true(t.next > now);
        if (stop_at && t.next >= stop_at) {
            sc_clock_advance(stop_at);
            return 0;
        }
        sc_clock_advance(t.next);
    }
    fail_msg("the monitoring did not complete");
    return 0;
}

static long slot_count(struct fixture *f, const char *state, const char *reason)
{
    return raw_long(f->path,
                    "SELECT count(*) FROM monitor_slots WHERE round_id=11 AND state='%s' AND "
                    "coalesce(reason, '')='%s'", state, reason ? reason : "");
}

static void check_group(struct fixture *f, int day, int slot, int attempt, const char *want)
{
    char text[64];
    raw_text(f->path, text, sizeof text,
             "SELECT state || '/' || coalesce(reason, '') FROM monitor_slots WHERE round_id=11 "
             "AND day=%d AND slot=%d AND attempt=%d", day, slot, attempt);
    if (strcmp(text, want) != 0)
        fail_msg("group (%d,%d,%d): '%s', want '%s'", day, slot, attempt, text, want);
}

/* Everything the full scenario must have stored. */
static void check_scenario(struct fixture *f, struct world *w)
{
    struct sc_error err = {{0}};
    char text[128];
    raw_text(f->path, text, sizeof text, "SELECT monitor_from FROM rounds WHERE id=11");
    assert_string_equal(text, "2026-10-02");
    raw_text(f->path, text, sizeof text, "SELECT monitor_seed FROM rounds WHERE id=11");
    assert_int_equal(strlen(text), 64);

    check_group(f, 0, 0, 0, "conclusive/");
    check_group(f, 0, 1, 0, "inconclusive/reference");
    check_group(f, 0, 1, 1, "conclusive/");
    check_group(f, 0, 2, 0, "conclusive/");
    check_group(f, 0, 3, 0, "inconclusive/reference");
    check_group(f, 0, 3, 1, "missed/no_slot_left");
    check_group(f, 1, 0, 0, "inconclusive/mass_failure");
    check_group(f, 1, 0, 1, "conclusive/");
    check_group(f, 1, 1, 0, "conclusive/");
    check_group(f, 1, 2, 0, "conclusive/");
    check_group(f, 1, 3, 0, "conclusive/");
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM monitor_slots"), 11);
    assert_int_equal(slot_count(f, "inconclusive", "reference"), 2);
    assert_int_equal(slot_count(f, "inconclusive", "mass_failure"), 1);
    assert_int_equal(slot_count(f, "missed", "no_slot_left"), 1);
    assert_int_equal(raw_long(f->path, "SELECT failed FROM monitor_slots WHERE day=1 AND slot=0 "
                                       "AND attempt=0"), 3);

    /* every site: 10 probes, the planned PER_DAY a day, no probe unjudged */
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes"), 40);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes WHERE "
                                       "conclusive IS NULL"), 0);
    const char *codes[4] = {CODE_A, CODE_B, CODE_C, CODE_D};
    for (int i = 0; i < 4; i++)
        for (int d = 0; d < DAYS; d++)
            assert_int_equal(raw_long(f->path,
                                      "SELECT count(*) FROM availability_probes WHERE "
                                      "site_code='%s' AND day=%d AND attempt=0",
                                      codes[i], d),
                             PER_DAY);
    /* each probe made at its planned moment, inside its group's slot */
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes WHERE "
                                       "planned_at <> probed_at"), 0);
    struct avail_schedule_params p = {NULL, NULL, w->from, DAYS, PER_DAY, -1};
    char seed[65], from[11];
    assert_int_equal(storage_monitor_get(f->db, ROUND, seed, from, &err), 0);
    p.seed = seed;
    for (int i = 0; i < 4; i++) {
        struct avail_time plan[DAYS * PER_DAY];
        p.code = codes[i];
        assert_int_equal(avail_schedule(&p, plan, &err), 0);
        for (int j = 0; j < DAYS * PER_DAY; j++) {
            char want[32];
            /* every day as the recipe gives it (day d hashed as d): not day 0's again */
            sc_time_format(plan[j].at, want);
            raw_text(f->path, text, sizeof text,
                     "SELECT planned_at FROM availability_probes WHERE site_code='%s' AND day=%d "
                     "AND slot=%d AND attempt=0", codes[i], plan[j].day, plan[j].slot);
            assert_string_equal(text, want);
        }
        /* the make-ups at avail_makeup_at's moments */
        time_t at;
        char want[32];
        assert_int_equal(avail_makeup_at(&p, 0, 1, 1, &at, &err), 0);
        sc_time_format(at, want);
        raw_text(f->path, text, sizeof text,
                 "SELECT planned_at FROM availability_probes WHERE site_code='%s' AND day=0 "
                 "AND slot=1 AND attempt=1", codes[i]);
        assert_string_equal(text, want);
    }

    /* B is down: its probes fail and count while the reference target answers */
    struct avail_summary s;
    assert_int_equal(storage_avail_summary(f->db, ROUND, CODE_B, DAYS, &s, &err), 0);
    assert_int_equal(s.probes, 10);
    assert_int_equal(s.conclusive, 7);
    assert_int_equal(s.failures, 7);
    assert_int_equal(s.min_per_day, 3); /* day 0 lost slot 3: no slot left to make it up */
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes WHERE "
                                       "site_code='%s' AND ok=1", CODE_B), 0);
    /* A: all up; C: its mass-failure probe does not count */
    assert_int_equal(storage_avail_summary(f->db, ROUND, CODE_A, DAYS, &s, &err), 0);
    assert_int_equal(s.conclusive, 7);
    assert_int_equal(s.failures, 0);
    assert_int_equal(storage_avail_summary(f->db, ROUND, CODE_C, DAYS, &s, &err), 0);
    assert_int_equal(s.probes, 10);
    assert_int_equal(s.conclusive, 7);
    assert_int_equal(s.failures, 1); /* day 1 slot 2: half the sites failed, it counts */
    assert_int_equal(raw_long(f->path, "SELECT failed FROM monitor_slots WHERE day=1 AND slot=2 "
                                       "AND attempt=0"), 2);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes WHERE "
                                       "site_code='%s' AND ok=0 AND inconclusive_reason="
                                       "'mass_failure'", CODE_C), 1);
    long cov[DAYS];
    assert_int_equal(storage_avail_coverage(f->db, ROUND, CODE_D, DAYS, cov, &err), 0);
    assert_int_equal(cov[0], 3);
    assert_int_equal(cov[1], PER_DAY);
    long done;
    assert_int_equal(storage_probes_done(f->db, ROUND, &done, &err), 0);
    assert_int_equal(done, 28);
    /* A answered exactly its 10 probes: none made twice */
    assert_int_equal(httpd_requests(w->srv, "GET", "a.hunan.gov.cn", "/"), 10);
    assert_int_equal(httpd_requests(w->srv, "GET", "c.hunan.gov.cn", "/"), 10);
    /* references were probed after B's failures, and every one was stored */
    long refs = raw_long(f->path, "SELECT count(*) FROM monitor_reference_probes");
    assert_true(refs >= 10);
    assert_int_equal(httpd_requests(w->srv, "GET", "ref.gov.cn", "/"), refs);
    /* the inconclusive groups by reference: every reference probe made then failed */
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM monitor_reference_probes WHERE "
                                       "day=0 AND slot IN (1, 3) AND attempt=0 AND ok=1"), 0);
    assert_true(raw_long(f->path, "SELECT count(*) FROM monitor_reference_probes WHERE "
                                  "day=0 AND slot=1 AND attempt=0") >= 1);
}

static void test_monitor_week(void **state)
{
    struct fixture *f = *state;
    struct world w;
    world_start(&w);
    struct monitor *m = NULL;
    struct sc_error err = {{0}};
    assert_int_equal(monitor_new(&w.loop, f->db, &w.o, &m, &err), 0);

    /* first sight: the week is set up, the first probe is next, nothing is probed yet */
    struct monitor_tick t = {0, 0};
    time_t now = sc_clock_now();
    assert_int_equal(monitor_round_tick(m, &w.sr, now, &t, &err), 0);
    assert_int_equal(t.complete, 0);
    assert_true(t.next >= w.from && t.next < w.from + 86400 / PER_DAY);
    assert_int_equal(monitor_in_flight(m, 0), 0);
    time_t from;
    int days;
    assert_int_equal(monitor_week(f->db, &w.sr, DAYS, &from, &days, &err), 0);
    assert_int_equal(from, w.from);
    assert_int_equal(days, DAYS);

    assert_int_equal(drive(&w, m, 0), 1);
    check_scenario(f, &w);
    /* complete stays complete, and nothing more is probed */
    sc_clock_advance(sc_clock_now() + 86400);
    assert_int_equal(monitor_round_tick(m, &w.sr, sc_clock_now(), &t, &err), 0);
    assert_int_equal(t.complete, 1);
    assert_int_equal(t.next, 0);
    assert_int_equal(monitor_in_flight(m, 0), 0);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes"), 40);
    close_monitor(&w, m);
    world_stop(&w);
}

/* Restarts mid-week store and probe exactly what an uninterrupted run does. */
static void test_monitor_restart(void **state)
{
    struct fixture *f = *state;
    struct world w;
    world_start(&w);
    struct sc_error err = {{0}};
    /* at the end of day 0's slot 1 (B failed, every reference failed, not judged yet), in
     * its slot 2 (a make-up pending), in day 1's slot 0 (the mass failure not judged) */
    time_t stops[] = {w.from + 43199, w.from + 2 * 21600 + 10800, w.from + 86400 + 14400, 0};
    int complete = 0;
    for (int i = 0; i < 4 && !complete; i++) {
        struct monitor *m = NULL;
        assert_int_equal(monitor_new(&w.loop, f->db, &w.o, &m, &err), 0);
        complete = drive(&w, m, stops[i]);
        if (stops[i])
            assert_int_equal(complete, 0);
        close_monitor(&w, m);
    }
    assert_int_equal(complete, 1);
    check_scenario(f, &w);
    world_stop(&w);
}

/* A daemon down for day 0: its groups are missed ("monitor_down"), nothing is probed late,
 * and day 1 goes as planned. */
static void test_monitor_down(void **state)
{
    struct fixture *f = *state;
    struct world w;
    world_start(&w);
    struct sc_error err = {{0}};
    struct monitor *m = NULL;
    assert_int_equal(monitor_new(&w.loop, f->db, &w.o, &m, &err), 0);
    struct monitor_tick t = {0, 0};
    assert_int_equal(monitor_round_tick(m, &w.sr, sc_clock_now(), &t, &err), 0);
    close_monitor(&w, m);
    sc_clock_advance(w.from + 86400); /* day 1 begins */
    assert_int_equal(monitor_new(&w.loop, f->db, &w.o, &m, &err), 0);
    assert_int_equal(drive(&w, m, 0), 1);
    close_monitor(&w, m);
    for (int k = 0; k < PER_DAY; k++)
        check_group(f, 0, k, 0, "missed/monitor_down");
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes WHERE day=0"),
                     0);
    check_group(f, 1, 0, 0, "inconclusive/mass_failure");
    check_group(f, 1, 0, 1, "conclusive/");
    check_group(f, 1, 3, 0, "conclusive/");
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM monitor_slots"), PER_DAY + 5);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes"), 4 * 5);
    assert_int_equal(httpd_requests(w.srv, "GET", "a.hunan.gov.cn", "/"), 5);
    struct avail_summary s;
    assert_int_equal(storage_avail_summary(f->db, ROUND, CODE_A, DAYS, &s, &err), 0);
    assert_int_equal(s.conclusive, PER_DAY);
    assert_int_equal(s.min_per_day, 0); /* day 0 had none */
    world_stop(&w);
}

/* A reference set cut short by a shutdown proves nothing: none of it is stored (a set is
 * stored only whole), so after a restart the group is judged as if the set had never been
 * made, not as a set whose stored probes all failed ("reference"). */
static void test_monitor_restart_partial_reference_set(void **state)
{
    struct fixture *f = *state;
    struct world w;
    world_start(&w);
    w.o.nreferences = 2; /* ref.gov.cn (down: 503 at once), ref2.gov.cn (200 after 1.5 s) */
    struct sc_error err = {{0}};
    struct monitor *m = NULL;
    assert_int_equal(monitor_new(&w.loop, f->db, &w.o, &m, &err), 0);
    struct monitor_tick t = {0, 0};
    assert_int_equal(monitor_round_tick(m, &w.sr, sc_clock_now(), &t, &err), 0);
    char seed[65], from[11];
    assert_int_equal(storage_monitor_get(f->db, ROUND, seed, from, &err), 0);
    struct avail_schedule_params p = {seed, CODE_B, w.from, DAYS, PER_DAY, -1};
    struct avail_time plan[DAYS * PER_DAY];
    assert_int_equal(avail_schedule(&p, plan, &err), 0);
    /* to B's first probe, the first reference down */
    sc_clock_advance(plan[0].at);
    atomic_store(&ref_down, 1);
    assert_int_equal(monitor_round_tick(m, &w.sr, sc_clock_now(), &t, &err), 0);
    /* B's probe fails, ref answers 503 at once; ref2 takes 1.5 s */
    uint64_t until = uv_hrtime() + 600 * 1000000ull;
    while (uv_hrtime() < until)
        uv_run(&w.loop, UV_RUN_NOWAIT);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes WHERE "
                                        "site_code='" CODE_B "' AND ok=0"),
                     1);
    /* a set is stored only whole: nothing of it yet */
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM monitor_reference_probes"), 0);
    assert_true(monitor_in_flight(m, 0) >= 1); /* ref2 still answering */
    close_monitor(&w, m);                      /* ref2 cancelled: the set proves nothing */
    atomic_store(&ref_down, 0);
    assert_int_equal(monitor_new(&w.loop, f->db, &w.o, &m, &err), 0);
    assert_int_equal(drive(&w, m, w.from + 21600 + 1), 0);
    close_monitor(&w, m);
    /* without the restart ref2 would have answered: the group is conclusive */
    check_group(f, 0, 0, 0, "conclusive/");
    usleep(1700 * 1000);
    world_stop(&w);
}

/* Closing with every site's probe in flight: nothing is stored for them, everything is
 * freed (LeakSanitizer), on_closed comes once. */
static void test_monitor_close_in_flight(void **state)
{
    struct fixture *f = *state;
    struct world w;
    world_start(&w);
    struct sc_error err = {{0}};
    struct monitor *m = NULL;
    assert_int_equal(monitor_new(&w.loop, f->db, &w.o, &m, &err), 0);
    struct monitor_tick t = {0, 0};
    assert_int_equal(monitor_round_tick(m, &w.sr, sc_clock_now(), &t, &err), 0);
    /* to the last of the four sites' first probes: all four are due at once */
    char seed[65], from[11];
    assert_int_equal(storage_monitor_get(f->db, ROUND, seed, from, &err), 0);
    struct avail_schedule_params p = {seed, NULL, w.from, DAYS, PER_DAY, -1};
    const char *codes[4] = {CODE_A, CODE_B, CODE_C, CODE_D};
    time_t last = 0;
    for (int i = 0; i < 4; i++) {
        struct avail_time plan[DAYS * PER_DAY];
        p.code = codes[i];
        assert_int_equal(avail_schedule(&p, plan, &err), 0);
        if (plan[0].at > last)
            last = plan[0].at;
    }
    sc_clock_advance(last);
    atomic_store(&slow, 1); /* the three served sites answer after 1.5 s */
    assert_int_equal(monitor_round_tick(m, &w.sr, sc_clock_now(), &t, &err), 0);
    assert_int_equal(monitor_in_flight(m, ROUND), 4);
    /* let the requests reach the server, and B's refused probe (plus its references) end */
    uint64_t until = uv_hrtime() + 300 * 1000000ull;
    while (uv_hrtime() < until)
        uv_run(&w.loop, UV_RUN_NOWAIT);
    size_t flying = monitor_in_flight(m, 0);
    assert_true(flying >= 3);
    long before = raw_long(f->path, "SELECT count(*) FROM availability_probes");
    assert_true(before <= 1); /* B's, at most */
    close_monitor(&w, m);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes"), before);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes WHERE "
                                       "site_code<>'%s'", CODE_B), 0);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM monitor_slots"), 0);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM monitor_reference_probes"), 0);
    /* closing at once after a tick: nothing stored either */
    atomic_store(&slow, 0);
    assert_int_equal(monitor_new(&w.loop, f->db, &w.o, &m, &err), 0);
    assert_int_equal(monitor_round_tick(m, &w.sr, sc_clock_now(), &t, &err), 0);
    long stored = raw_long(f->path, "SELECT count(*) FROM availability_probes");
    assert_int_equal(monitor_in_flight(m, 0), (size_t)(4 - stored));
    close_monitor(&w, m);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM availability_probes"), stored);
    usleep(1700 * 1000); /* the server's sleeping threads finish */
    world_stop(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_probe_save_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_judge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reference_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups_each, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_and_coverage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drawn_at_and_setup, setup, teardown),
        cmocka_unit_test(test_makeup_at),
        cmocka_unit_test(test_verdict_final_rejudge),
        cmocka_unit_test_setup_teardown(test_verdict_save_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monitor_week, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monitor_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monitor_down, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monitor_restart_partial_reference_set, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_monitor_close_in_flight, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

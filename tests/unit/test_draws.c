/* test_draws: draws in the database: the frame is the normally running listed sites of the
 * registry, a draw is stored whole or not at all, rounds are drawn once and in order, a redraw
 * keeps the old draw, and a stored draw whose sample or frame is altered no longer verifies. */
#include "testutil.h"
#include "common/clock.h"
#include "common/registry.h"
#include "common/strbuf.h"
#include "sampler/calendar.h"
#include "sampler/params.h"
#include "sampler/record.h"
#include "storage/db.h"
#include "storage/draws.h"
#include "storage/sites.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct env {
    char *dir;
    char path[512];
    struct storage *db;
};

static void env_open(struct env *e)
{
    struct sc_error err = {{0}};
    if (!e->dir)
        e->dir = test_tmpdir();
    snprintf(e->path, sizeof e->path, "%s/d.db", e->dir);
    assert_int_equal(storage_open(e->path, &e->db, &err), SC_OK);
}

static void env_close(struct env *e, int remove)
{
    if (e->db)
        storage_close(e->db);
    e->db = NULL;
    if (remove) {
        test_tmpdir_remove(e->dir);
        e->dir = NULL;
    }
}

static void import_text(struct storage *db, const char *text)
{
    struct registry reg;
    struct import_summary sum;
    struct sc_error err = {{0}};
    assert_int_equal(registry_parse(text, strlen(text), &reg, &err), SC_OK);
    assert_int_equal(reg.nproblems, 0);
    assert_int_equal(storage_registry_apply(db, &reg, "t.csv", &sum, &err), SC_OK);
    registry_free(&reg);
}

static const char *const statuses[] = {"normal",   "exempt",   "shutdown", "temporarily_closed",
                                       "moved_up", "migrated", "offline"};

/* A registry of n sites; site i's status is normal unless i % 5 == 3 (then another one). */
static void registry_text(struct strbuf *sb, int n, int first)
{
    strbuf_adds(sb, "code,name,url,region,type,status\n");
    for (int i = first; i < first + n; i++)
        strbuf_addf(sb, "43%08d,站点%d,http://s%d.hunan.gov.cn/,%s,%s,%s\n", i, i, i,
                    i % 3 ? "长沙市" : "株洲市", i % 4 ? "department" : "portal",
                    i % 5 == 3 ? statuses[1 + i % 6] : "normal");
}

static int draw(struct storage *db, const char *quarter, int round, const char *seed,
                const char *redraw, int stratify, long *id, struct sc_error *err)
{
    struct sampler_quarter q;
    struct sampler_round_plan plan[SAMPLER_ROUNDS_MAX];
    assert_int_equal(sampler_quarter_parse(quarter, &q, err), SC_OK);
    assert_int_equal(sampler_calendar(q, 2, plan, err), SC_OK);
    struct draw_request req = {quarter, round, plan, 2, seed, "office", 1500, stratify, redraw};
    return storage_draw_round(db, &req, id, err);
}

static long verify_differences(struct storage *db, long id)
{
    struct sampler_record rec;
    struct sampler_result re;
    struct sc_error err = {{0}};
    struct strbuf diff = STRBUF_INIT;
    assert_int_equal(storage_draw_load(db, id, &rec, &err), SC_OK);
    long n = 1;
    if (sampler_record_recompute(&rec, &re, &err) == SC_OK) {
        n = sampler_record_compare(&rec, &re, &diff);
        sampler_result_free(&re);
    }
    if (n)
        print_message("differences: %s%s\n", diff.buf, err.msg);
    strbuf_release(&diff);
    sampler_record_free(&rec);
    return n;
}

static int count_round(const struct round_row *row, void *ud)
{
    (*(int *)ud)++;
    return 0;
}

static void draw_takes_the_normal_listed_sites(void **state)
{
    struct env e = {0};
    struct sc_error err = {{0}};
    struct strbuf csv = STRBUF_INIT;
    env_open(&e);
    sc_clock_set(1790000000); /* 2026-09 */
    registry_text(&csv, 60, 100);
    import_text(e.db, csv.buf);
    /* re-import without the last five: they are no longer listed */
    strbuf_reset(&csv);
    registry_text(&csv, 55, 100);
    import_text(e.db, csv.buf);

    long id = 0;
    assert_int_equal(draw(e.db, "2026Q4", 1, "00112233aabbccdd", NULL, 1, &id, &err), SC_OK);
    struct sampler_record rec;
    assert_int_equal(storage_draw_load_active(e.db, "2026Q4", 1, &rec, &err), SC_OK);
    assert_int_equal(rec.id, id);
    assert_int_equal(rec.import_id, 2);
    assert_string_equal(rec.seed, "00112233aabbccdd");
    assert_string_equal(rec.seed_source, "office");
    assert_int_equal(rec.rate_bp, 1500);
    assert_true(rec.active);
    long normal = 0;
    for (int i = 100; i < 155; i++)
        normal += i % 5 != 3;
    assert_int_equal(rec.frame_size, normal);
    assert_int_equal((long)rec.nframe, normal);
    for (size_t i = 0; i < rec.nframe; i++) {
        int k = atoi(rec.frame[i].code + 2);
        assert_true(k >= 100 && k < 155 && k % 5 != 3);
    }
    assert_int_equal(rec.sample_size, sampler_sample_size(1500, normal));
    assert_int_equal((long)rec.npicks, rec.sample_size);
    for (size_t i = 0; i < rec.npicks; i++) {
        int k = atoi(rec.picks[i].code + 2);
        assert_true(k >= 100 && k < 155 && k % 5 != 3);
        assert_int_equal(rec.picks[i].rank, (long)i + 1);
        assert_non_null(strstr(rec.picks[i].url, ".hunan.gov.cn/"));
    }
    struct strbuf json = STRBUF_INIT;
    struct json_writer w;
    json_init(&w, &json, 0);
    sampler_record_json(&rec, &w);
    assert_non_null(strstr(json.buf, "\"quarter\":\"2026Q4\",\"round\":1,\"seed\":"));
    assert_non_null(strstr(json.buf, "\"frame_hash\":\""));
    assert_non_null(strstr(json.buf, "\"rate\":0.15,\"repeats\":0"));
    strbuf_release(&json);
    sampler_record_free(&rec);
    assert_int_equal(verify_differences(e.db, id), 0);

    int rounds = 0;
    assert_int_equal(storage_rounds_each(e.db, "2026Q4", count_round, &rounds, &err), SC_OK);
    assert_int_equal(rounds, 2);
    strbuf_release(&csv);
    env_close(&e, 1);
}

/* A round whose window closed undrawn was missed: it no longer blocks the next round (a
 * daemon started mid-quarter draws round 2), while an open one still does. */
static void a_missed_round_does_not_block_the_next(void **state)
{
    (void)state;
    struct env e = {0};
    struct sc_error err = {{0}};
    struct strbuf csv = STRBUF_INIT;
    env_open(&e);
    registry_text(&csv, 200, 1000);
    import_text(e.db, csv.buf);
    long id = 0;
    time_t t;
    assert_int_equal(sc_time_parse("2026-11-11T23:00", &t), 0); /* round 1's last day */
    sc_clock_set(t);
    assert_int_equal(draw(e.db, "2026Q4", 2, "1111111111", NULL, 1, &id, &err), SC_EINPUT);
    assert_non_null(strstr(err.msg, "round 1 of 2026Q4 is not drawn yet"));
    assert_int_equal(sc_time_parse("2026-11-12T00:00", &t), 0); /* its window has closed */
    sc_clock_set(t);
    assert_int_equal(draw(e.db, "2026Q4", 2, "1111111111", NULL, 1, &id, &err), SC_OK);
    assert_true(id > 0);
    sc_clock_set(1790000000);
    strbuf_release(&csv);
    env_close(&e, 1);
}

static void rounds_are_drawn_once_and_in_order(void **state)
{
    struct env e = {0};
    struct sc_error err = {{0}};
    struct strbuf csv = STRBUF_INIT;
    env_open(&e);
    registry_text(&csv, 200, 1000);
    import_text(e.db, csv.buf);
    long id1 = 0, id2 = 0, id3 = 0, none = 0;

    assert_int_equal(draw(e.db, "2026Q4", 2, "1111111111", NULL, 1, &none, &err), SC_EINPUT);
    assert_non_null(strstr(err.msg, "round 1 of 2026Q4 is not drawn yet"));
    assert_int_equal(draw(e.db, "2026Q4", 3, "1111111111", NULL, 1, &none, &err), SC_EINPUT);
    assert_non_null(strstr(err.msg, "no round 3"));
    assert_int_equal(draw(e.db, "2026Q4", 1, "1111111111", NULL, 1, &id1, &err), SC_OK);
    assert_int_equal(draw(e.db, "2026Q4", 1, "2222222222", NULL, 1, &none, &err), SC_EINPUT);
    assert_non_null(strstr(err.msg, "already drawn"));
    assert_int_equal(none, 0);

    assert_int_equal(draw(e.db, "2026Q4", 2, "3333333333", NULL, 1, &id2, &err), SC_OK);
    struct sampler_record r1, r2;
    assert_int_equal(storage_draw_load(e.db, id1, &r1, &err), SC_OK);
    assert_int_equal(storage_draw_load(e.db, id2, &r2, &err), SC_OK);
    assert_int_equal(r2.nprior, 1);
    assert_int_equal(r2.prior_ids[0], id1);
    assert_int_equal(r2.nearlier, r1.npicks);
    long repeats = 0;
    for (size_t i = 0; i < r2.npicks; i++)
        for (size_t j = 0; j < r1.npicks; j++)
            repeats += strcmp(r2.picks[i].code, r1.picks[j].code) == 0;
    assert_int_equal(repeats, r2.repeats);
    assert_true(repeats <= r2.sample_size / 10);
    sampler_record_free(&r1);
    sampler_record_free(&r2);

    /* round 1 cannot be redrawn under round 2; round 2 can, and the old draw stays */
    assert_int_equal(draw(e.db, "2026Q4", 1, "4444444444", "wrong frame", 1, &none, &err),
                     SC_EINPUT);
    assert_non_null(strstr(err.msg, "round 2 of 2026Q4 is already drawn"));
    assert_int_equal(
        draw(e.db, "2026Q4", 2, "5555555555", "the seed was read out wrong", 1, &id3, &err), SC_OK);
    struct sampler_record old, cur;
    assert_int_equal(storage_draw_load(e.db, id2, &old, &err), SC_OK);
    assert_int_equal(storage_draw_load_active(e.db, "2026Q4", 2, &cur, &err), SC_OK);
    assert_false(old.active);
    assert_int_equal(cur.id, id3);
    assert_string_equal(cur.redraw_reason, "the seed was read out wrong");
    assert_null(old.redraw_reason);
    sampler_record_free(&old);
    sampler_record_free(&cur);
    assert_int_equal(verify_differences(e.db, id1), 0);
    assert_int_equal(verify_differences(e.db, id2), 0);
    assert_int_equal(verify_differences(e.db, id3), 0);

    /* the quarter keeps its two rounds */
    struct sampler_quarter q4 = {2026, 4};
    struct sampler_round_plan plan3[SAMPLER_ROUNDS_MAX];
    assert_int_equal(sampler_calendar(q4, 3, plan3, &err), SC_OK);
    struct draw_request three = {"2026Q4", 3, plan3, 3, "1234567890", "office", 1500, 1, NULL};
    assert_int_equal(storage_draw_round(e.db, &three, &none, &err), SC_EINPUT);
    assert_non_null(strstr(err.msg, "planned with 2 rounds"));

    /* another quarter is independent */
    assert_int_equal(draw(e.db, "2027Q1", 1, "1111111111", NULL, 0, &none, &err), SC_OK);
    assert_int_equal(storage_draw_load_active(e.db, "2026Q3", 1, &cur, &err), SC_ENOTFOUND);
    strbuf_release(&csv);
    env_close(&e, 1);
}

static void an_empty_frame_stores_nothing(void **state)
{
    struct env e = {0};
    struct sc_error err = {{0}};
    env_open(&e);
    long id = 0;
    assert_int_equal(draw(e.db, "2026Q4", 1, "1111111111", NULL, 1, &id, &err), SC_EINPUT);
    assert_non_null(strstr(err.msg, "frame is empty"));
    int rounds = 0;
    assert_int_equal(storage_rounds_each(e.db, "2026Q4", count_round, &rounds, &err), SC_OK);
    assert_int_equal(rounds, 0); /* the round rows were rolled back with the rest */
    assert_int_equal(storage_latest_import_id(e.db), 0);
    env_close(&e, 1);
}

static void exec_raw(const char *path, const char *sql)
{
    sqlite3 *raw = NULL;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(raw, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        print_message("sqlite: %s\n", msg ? msg : "?");
    assert_int_equal(rc, SQLITE_OK);
    assert_true(sqlite3_changes(raw) > 0);
    sqlite3_free(msg);
    sqlite3_close(raw);
}

/* One site of the stored sample altered: verification fails and names the rank. The frame
 * altered: the frame hash no longer matches. */
static void altered_draws_fail_verification(void **state)
{
    struct env e = {0};
    struct sc_error err = {{0}};
    struct strbuf csv = STRBUF_INIT;
    env_open(&e);
    registry_text(&csv, 100, 5000);
    import_text(e.db, csv.buf);
    long id = 0;
    assert_int_equal(draw(e.db, "2026Q4", 1, "abcdef0123456789", NULL, 1, &id, &err), SC_OK);
    assert_int_equal(verify_differences(e.db, id), 0);
    env_close(&e, 0);

    /* swap the rank-2 site for a frame site that was not drawn */
    exec_raw(e.path, "UPDATE samples SET site_code=(SELECT site_code FROM draw_frame f WHERE "
                     "f.draw_id=1 AND f.site_code NOT IN (SELECT site_code FROM samples "
                     "WHERE draw_id=1) ORDER BY site_code LIMIT 1) WHERE draw_id=1 AND rank=2");
    env_open(&e);
    struct sampler_record rec;
    struct sampler_result re;
    struct strbuf diff = STRBUF_INIT;
    assert_int_equal(storage_draw_load(e.db, id, &rec, &err), SC_OK);
    assert_int_equal(sampler_record_recompute(&rec, &re, &err), SC_OK);
    assert_int_equal(sampler_record_compare(&rec, &re, &diff), 1);
    assert_non_null(strstr(diff.buf, "rank 2: stored"));
    strbuf_release(&diff);
    sampler_result_free(&re);
    sampler_record_free(&rec);
    env_close(&e, 0);

    /* a code that is no site at all; then a frame site dropped */
    exec_raw(e.path, "UPDATE samples SET site_code='x' WHERE draw_id=1 AND rank=2");
    env_open(&e);
    assert_true(verify_differences(e.db, id) > 0);
    env_close(&e, 0);
    exec_raw(e.path, "DELETE FROM draw_frame WHERE draw_id=1 AND site_code NOT IN "
                     "(SELECT site_code FROM samples WHERE draw_id=1) AND rowid IN "
                     "(SELECT rowid FROM draw_frame WHERE draw_id=1 LIMIT 1)");
    env_open(&e);
    struct sampler_record r2;
    assert_int_equal(storage_draw_load(e.db, id, &r2, &err), SC_OK);
    assert_int_equal(sampler_record_recompute(&r2, &re, &err), SC_OK);
    strbuf_init(&diff);
    assert_true(sampler_record_compare(&r2, &re, &diff) >= 2);
    assert_non_null(strstr(diff.buf, "frame hash"));
    assert_non_null(strstr(diff.buf, "frame size"));
    strbuf_release(&diff);
    sampler_result_free(&re);
    sampler_record_free(&r2);
    strbuf_release(&csv);
    env_close(&e, 1);
}

static unsigned long long rng;
static unsigned long long rng_next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Random registries through the database: only normal listed sites, at least 15%, repeats
 * within 10% (or a recorded reason), every draw verifies. */
static void random_registries_through_storage(void **state)
{
    rng = 88172645463325252ULL;
#define NEXT() rng_next()
    for (int trial = 0; trial < 40; trial++) {
        struct env e = {0};
        struct sc_error err = {{0}};
        struct strbuf csv = STRBUF_INIT;
        env_open(&e);
        int n = 1 + (int)(NEXT() % 250);
        char *status = malloc((size_t)n);
        strbuf_adds(&csv, "code,name,url,region,type,status\n");
        for (int i = 0; i < n; i++) {
            status[i] = NEXT() % 10 < 7 ? 0 : (char)(1 + NEXT() % 6);
            strbuf_addf(&csv, "43%08d,站%d,http://t%d.gov.cn/,R%d,%s,%s\n", i * 13 + trial, i, i,
                        (int)(NEXT() % 6), NEXT() % 2 ? "portal" : "department",
                        statuses[(int)status[i]]);
        }
        import_text(e.db, csv.buf);
        long normal = 0;
        for (int i = 0; i < n; i++)
            normal += status[i] == 0;
        int stratify = trial % 2;
        long id1 = 0, id2 = 0;
        char seed[32];
        snprintf(seed, sizeof seed, "%016llx", NEXT());
        int rc = draw(e.db, "2026Q4", 1, seed, NULL, stratify, &id1, &err);
        if (normal == 0) {
            assert_int_equal(rc, SC_EINPUT);
        } else {
            assert_int_equal(rc, SC_OK);
            snprintf(seed, sizeof seed, "%016llx", NEXT());
            assert_int_equal(draw(e.db, "2026Q4", 2, seed, NULL, stratify, &id2, &err), SC_OK);
            for (long id = id1; id <= id2; id++) {
                struct sampler_record r;
                assert_int_equal(storage_draw_load(e.db, id, &r, &err), SC_OK);
                assert_int_equal(r.frame_size, normal);
                assert_true(r.sample_size * 100 >= 15 * normal);
                assert_int_equal((long)r.npicks, r.sample_size);
                for (size_t i = 0; i < r.npicks; i++) {
                    int k = (atoi(r.picks[i].code + 2) - trial) / 13;
                    assert_int_equal(status[k], 0);
                }
                if (!r.note)
                    assert_true(r.repeats <= r.sample_size / 10);
                sampler_record_free(&r);
                assert_int_equal(verify_differences(e.db, id), 0);
            }
        }
        free(status);
        strbuf_release(&csv);
        env_close(&e, 1);
    }
#undef NEXT
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(draw_takes_the_normal_listed_sites),
        cmocka_unit_test(rounds_are_drawn_once_and_in_order),
        cmocka_unit_test(a_missed_round_does_not_block_the_next),
        cmocka_unit_test(an_empty_frame_stores_nothing),
        cmocka_unit_test(altered_draws_fail_verification),
        cmocka_unit_test(random_registries_through_storage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_schedule: what the daemon's schedule says is due, from a round's stored state and the
 * clock (daemon/schedule.h), and the rounds it looks at (daemon/schedule_load.h): stored
 * ones with their progress, and the calendar's for the clock's quarter and the next. */
#include "testutil.h"
#include "common/clock.h"
#include "daemon/config.h"
#include "daemon/schedule.h"
#include "daemon/schedule_load.h"
#include "storage/crawls.h"
#include "storage/draws.h"
#include "storage/rounds.h"
#include "storage/sites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static time_t at(const char *s)
{
    time_t t;
    assert_int_equal(sc_time_parse(s, &t), 0);
    return t;
}

static long day(const char *s)
{
    return sc_day_of(at(s));
}

/* Round 1 of 2026Q4 with the default calendar: drawn 10-01, window 10-01..11-11. */
static struct schedule_round round1(void)
{
    struct schedule_round r;
    memset(&r, 0, sizeof r);
    snprintf(r.quarter, sizeof r.quarter, "2026Q4");
    r.number = 1;
    r.draw_day = day("2026-10-01");
    r.window_start = day("2026-10-01");
    r.window_end = day("2026-11-11");
    snprintf(r.state, sizeof r.state, "planned");
    return r;
}

static void test_draw_due_on_its_day(void **state)
{
    (void)state;
    struct schedule_round r = round1();
    struct schedule_action a = schedule_round_action(&r, at("2026-09-30T23:59"));
    assert_int_equal(a.kind, SCHEDULE_DRAW);
    assert_true(a.at == at("2026-10-01")); /* not yet due: the next action */
    a = schedule_round_action(&r, at("2026-10-01T00:00"));
    assert_int_equal(a.kind, SCHEDULE_DRAW);
    assert_true(a.at <= at("2026-10-01T00:00"));
    /* late, but the window is open: still drawn */
    assert_int_equal(schedule_round_action(&r, at("2026-11-11T23:00")).kind, SCHEDULE_DRAW);
    /* the window closed undrawn: missed, nothing to do */
    assert_int_equal(schedule_round_action(&r, at("2026-11-12T00:00")).kind, SCHEDULE_NONE);
}

static void test_crawl_until_every_site_is_stored(void **state)
{
    (void)state;
    struct schedule_round r = round1();
    r.drawn = 1;
    r.round_id = 7;
    r.sampled = 8;
    r.crawled = 3;
    struct schedule_action a = schedule_round_action(&r, at("2026-10-05T10:00"));
    assert_int_equal(a.kind, SCHEDULE_CRAWL);
    /* the fourth crawl's slot: 42 days, the first 21 shared among 8 sites, 2.625 days each */
    assert_true(a.at == at("2026-10-08T21:00"));
    r.crawled = 8; /* all stored: the finalisation waits for the window's end */
    a = schedule_round_action(&r, at("2026-10-05T10:00"));
    assert_int_equal(a.kind, SCHEDULE_FINALISE);
    assert_true(a.at == at("2026-11-12"));
    /* not all crawled but the window closed: finalised all the same */
    r.crawled = 5;
    a = schedule_round_action(&r, at("2026-11-12T00:00"));
    assert_int_equal(a.kind, SCHEDULE_FINALISE);
    assert_true(a.at <= at("2026-11-12T00:00"));
    r.finalised = 1; /* done is done */
    assert_int_equal(schedule_round_action(&r, at("2026-11-12T00:00")).kind, SCHEDULE_NONE);
    assert_int_equal(schedule_round_action(&r, at("2027-06-01")).kind, SCHEDULE_NONE);
}

static void test_crawls_spread_over_half_the_window(void **state)
{
    (void)state;
    struct schedule_round r = round1();
    r.drawn = 1;
    r.sampled = 8;
    assert_true(schedule_crawl_slot(&r, 0) == at("2026-10-01"));
    assert_true(schedule_crawl_slot(&r, 1) == at("2026-10-03T15:00"));
    assert_true(schedule_crawl_slot(&r, 7) == at("2026-10-19T09:00"));
    assert_int_equal(schedule_crawls_allowed(&r, at("2026-09-30T23:59")), 0);
    assert_int_equal(schedule_crawls_allowed(&r, at("2026-10-01")), 1);
    assert_int_equal(schedule_crawls_allowed(&r, at("2026-10-03T14:59")), 1);
    assert_int_equal(schedule_crawls_allowed(&r, at("2026-10-03T15:00")), 2);
    assert_int_equal(schedule_crawls_allowed(&r, at("2026-10-19T09:00")), 8);
    assert_int_equal(schedule_crawls_allowed(&r, at("2026-11-30")), 8);
    /* every slot allows its own crawl exactly at its moment, whatever the sample size */
    for (long n = 1; n <= 500; n += 7) {
        r.sampled = n;
        for (long k = 0; k < n; k++) {
            assert_int_equal(schedule_crawls_allowed(&r, schedule_crawl_slot(&r, k)), k + 1);
            if (k > 0)
                assert_int_equal(schedule_crawls_allowed(&r, schedule_crawl_slot(&r, k) - 1), k);
        }
        assert_true(schedule_crawl_slot(&r, n - 1) < sc_day_start(r.window_end));
    }
    /* a daemon started late catches up at once */
    r.sampled = 8;
    r.crawled = 0;
    struct schedule_action a = schedule_round_action(&r, at("2026-11-01"));
    assert_int_equal(a.kind, SCHEDULE_CRAWL);
    assert_true(a.at == at("2026-10-01"));
    assert_int_equal(schedule_crawls_allowed(&r, at("2026-11-01")), 8);
}

static void test_first_action_in_time(void **state)
{
    (void)state;
    struct schedule_round r[2] = {round1(), round1()};
    r[0].drawn = 1;
    r[0].sampled = r[0].crawled = 4;
    r[1].number = 2;
    r[1].draw_day = r[1].window_start = day("2026-11-12");
    r[1].window_end = day("2026-12-31");
    size_t i = 99;
    /* round 1's finalisation and round 2's draw fall at the same moment: round 1 first */
    struct schedule_action a = schedule_first(r, 2, at("2026-10-20"), &i);
    assert_int_equal(a.kind, SCHEDULE_FINALISE);
    assert_int_equal(i, 0);
    r[0].finalised = 1;
    a = schedule_first(r, 2, at("2026-10-20"), &i);
    assert_int_equal(a.kind, SCHEDULE_DRAW);
    assert_int_equal(i, 1);
    assert_true(a.at == at("2026-11-12"));
    r[1].drawn = r[1].finalised = 1;
    assert_int_equal(schedule_first(r, 2, at("2026-10-20"), &i).kind, SCHEDULE_NONE);
    assert_string_equal(schedule_kind_name(SCHEDULE_FINALISE), "finalise");
}

/* ---- schedule_load: from a database ---- */

static const char REGISTRY[] = "code,name,url,sponsor,region,level,type,status\n"
                               "4300000001,A,http://a.gov.cn/,s,长沙市,province,portal,正常运行\n"
                               "4300000002,B,http://b.gov.cn/,s,长沙市,city,department,正常运行\n"
                               "4300000003,C,http://c.gov.cn/,s,株洲市,city,department,正常运行\n"
                               "4300000004,D,http://d.gov.cn/,s,株洲市,city,department,正常运行\n";

struct sample_codes {
    char code[2][16];
    int n;
};

static int collect(const struct sample_site *s, void *ud)
{
    struct sample_codes *c = ud;
    if (c->n < 2)
        snprintf(c->code[c->n++], 16, "%s", s->code);
    return 0;
}

static int find_round(const struct schedule_round *v, size_t n, const char *q, int number)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].quarter, q) == 0 && v[i].number == number)
            return (int)i;
    return -1;
}

static void test_load_from_state(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/s.db", dir);
    struct sc_error err = {{0}};
    struct storage *db;
    assert_int_equal(storage_open(path, &db, &err), 0);
    struct registry reg;
    assert_int_equal(registry_parse(REGISTRY, sizeof REGISTRY - 1, &reg, &err), 0);
    struct import_summary sum;
    sc_clock_set(at("2026-10-01T00:00"));
    assert_int_equal(storage_registry_apply(db, &reg, "r.csv", &sum, &err), 0);
    registry_free(&reg);

    struct config cfg;
    config_init(&cfg);
    struct schedule_round *v;
    size_t n;
    /* nothing stored: the calendar's rounds of 2026Q4 and 2027Q1, round 1 due now */
    assert_int_equal(schedule_load(db, &cfg, sc_clock_now(), &v, &n, &err), 0);
    assert_int_equal(n, 4);
    int i = find_round(v, n, "2026Q4", 1);
    assert_true(i >= 0 && v[i].round_id == 0 && !v[i].drawn);
    assert_string_equal(v[i].state, "planned");
    assert_true(find_round(v, n, "2027Q1", 2) >= 0);
    size_t first;
    struct schedule_action a = schedule_first(v, n, sc_clock_now(), &first);
    assert_int_equal(a.kind, SCHEDULE_DRAW);
    assert_int_equal((int)first, i);
    free(v);

    /* drawn: crawl due until each sampled site is stored */
    struct sampler_round_plan plan[2];
    assert_int_equal(sampler_calendar((struct sampler_quarter){2026, 4}, 2, plan, &err), 0);
    struct draw_request req = {"2026Q4", 1, plan, 2, "00112233", "office", 5000, 0, NULL};
    long draw_id;
    assert_int_equal(storage_draw_round(db, &req, &draw_id, &err), 0);
    assert_int_equal(schedule_load(db, &cfg, sc_clock_now(), &v, &n, &err), 0);
    i = find_round(v, n, "2026Q4", 1);
    assert_true(i >= 0 && v[i].round_id > 0 && v[i].drawn);
    assert_int_equal(v[i].sampled, 2); /* 50% of 4 */
    assert_int_equal(v[i].crawled, 0);
    assert_string_equal(v[i].state, "drawn");
    assert_int_equal(schedule_round_action(&v[i], sc_clock_now()).kind, SCHEDULE_CRAWL);
    long round_id = v[i].round_id;
    free(v);

    struct sample_codes codes = {{{0}}, 0};
    assert_int_equal(storage_round_sample_each(db, round_id, collect, &codes, &err), 0);
    assert_int_equal(codes.n, 2);
    for (int k = 0; k < 2; k++) {
        struct site_report r;
        memset(&r, 0, sizeof r);
        r.url = (char *)"http://x.gov.cn/";
        assert_int_equal(storage_crawl_save(db, round_id, codes.code[k], sc_clock_now(),
                                            sc_clock_now(), &r, NULL, NULL, &err),
                         0);
        /* saved twice (a crawl redone after a crash): counted once */
        assert_int_equal(storage_crawl_save(db, round_id, codes.code[k], sc_clock_now(),
                                            sc_clock_now(), &r, NULL, NULL, &err),
                         0);
    }
    assert_int_equal(schedule_load(db, &cfg, sc_clock_now(), &v, &n, &err), 0);
    i = find_round(v, n, "2026Q4", 1);
    assert_int_equal(v[i].crawled, 2);
    a = schedule_round_action(&v[i], sc_clock_now());
    assert_int_equal(a.kind, SCHEDULE_FINALISE);
    assert_true(a.at == at("2026-11-12"));
    free(v);

    assert_int_equal(storage_round_set_state(db, round_id, "finalised", &err), 0);
    assert_int_equal(schedule_load(db, &cfg, at("2026-11-12"), &v, &n, &err), 0);
    i = find_round(v, n, "2026Q4", 1);
    assert_true(v[i].finalised);
    a = schedule_first(v, n, at("2026-11-12"), &first);
    assert_int_equal(a.kind, SCHEDULE_DRAW);
    assert_int_equal(v[first].number, 2);
    free(v);
    assert_int_equal(storage_round_set_state(db, 9999, "finalised", &err), SC_ENOTFOUND);

    /* the daemon's row */
    struct daemon_state st;
    assert_int_equal(storage_daemon_state_load(db, &st, &err), SC_ENOTFOUND);
    assert_int_equal(storage_daemon_started(db, 42, "2026-10-01T00:00:00+08:00", "0.1.0", &err), 0);
    assert_int_equal(storage_daemon_next(db, "2026-10-01T00:00:00+08:00", "draw 2026Q4 2",
                                         "2026-11-12T00:00:00+08:00", &err),
                     0);
    assert_int_equal(storage_daemon_error(db, "boom", "2026-10-01T00:00:00+08:00", &err), 0);
    assert_int_equal(storage_daemon_state_load(db, &st, &err), 0);
    assert_int_equal(st.pid, 42);
    assert_string_equal(st.next_action, "draw 2026Q4 2");
    assert_string_equal(st.last_error, "boom");
    assert_int_equal(storage_daemon_stopped(db, &err), 0);
    assert_int_equal(storage_daemon_state_load(db, &st, &err), 0);
    assert_int_equal(st.pid, 0);

    config_release(&cfg);
    storage_close(db);
    test_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_draw_due_on_its_day),
        cmocka_unit_test(test_crawl_until_every_site_is_stored),
        cmocka_unit_test(test_crawls_spread_over_half_the_window),
        cmocka_unit_test(test_first_action_in_time),
        cmocka_unit_test(test_load_from_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_recheck_loop: the re-checks run on a libuv loop (daemon/recheck.c) against a local
 * HTTP server on loopback, in simulated time: a link that answers 500 every time is
 * confirmed after two runs a day apart with both attempts stored, one that answers 404 is
 * confirmed at once, one that recovers is cleared; a cancel mid-flight records nothing for
 * the check it cut (which stays due) while the answer that came before it was stored at
 * once; a database that refuses the attempts is reported through done, and the checks
 * are made once it takes them again; a run with nothing due still calls done once, later, never
 * from inside start. */
#include "rechecks_fixture.h"
#include "crawl_httpd.h"
#include "daemon/recheck.h"

#include <uv.h>

#define R "http://www.r.gov.cn/"

static int up; /* /flaky answers 200 once set (atomic: the server's threads read it) */

static void handler(const char *method, const char *host, const char *path, int count,
                    struct httpd_response *r)
{
    (void)method;
    (void)host;
    (void)count;
    if (strcmp(path, "/down") == 0)
        r->status = 500;
    else if (strcmp(path, "/gone") == 0)
        r->status = 404;
    else if (strcmp(path, "/flaky") == 0)
        r->status = __atomic_load_n(&up, __ATOMIC_SEQ_CST) ? 200 : 503;
    else if (strcmp(path, "/hang") == 0)
        r->sleep_ms = 1500;
    else
        httpd_html(r, "<title>ok</title>");
}

static struct httpd *srv;
static char map_all[128];
static char *maps[1] = {map_all};

static int group_setup(void **state)
{
    (void)state;
    srv = httpd_start(handler);
    snprintf(map_all, sizeof map_all, "::127.0.0.1:%d", srv->port);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    httpd_stop(srv);
    return 0;
}

static void options(struct fetch_options *o)
{
    fetch_options_default(o);
    o->connect_to = maps;
    o->nconnect_to = 1;
    o->no_dns = 1;
    o->delay_ms = 0;
    o->per_host = 8;
    o->max_retries = 0;
    o->retry_base_ms = 20;
    o->timeout_ms = 20000;
}

/* A crawl of site 1 in round 11, finished at t0, with a suspected link to each path. */
static long save_links(struct fixture *f, const char *const *paths, size_t n)
{
    struct site_report r;
    site_report_init(&r, R);
    for (size_t i = 0; i < n; i++) {
        char url[128];
        snprintf(url, sizeof url, R "%s", paths[i]);
        fx_link(&r, url, R, LINK_SUSPECTED, 503, "http_status");
    }
    long id = fx_save(f, 11, "4300000001", f->t0, &r);
    site_report_free(&r);
    return id;
}

/* What one run's done saw. */
struct run {
    struct fixture *f;
    struct recheck *handle;
    int in_start; /* set while recheck_start runs */
    int done;
    int done_in_start;
    int status;
    struct recheck_summary sum;
    char error[256];
    long down_rows_at_cancel; /* attempts of /down stored when the cancel came (-1: none) */
};

static void on_done(struct recheck *r, int status, const struct recheck_summary *sum, void *user)
{
    struct run *run = user;
    assert_ptr_equal(r, run->handle);
    run->done++;
    run->done_in_start += run->in_start;
    run->status = status;
    run->sum = *sum;
    snprintf(run->error, sizeof run->error, "%s", sum->error);
    run->sum.error = run->error;
}

/* Runs the re-checks due at the clock's now on a private loop until done. */
static struct run run_at(struct fixture *f, time_t now)
{
    uv_loop_t loop;
    struct fetch_options o;
    struct sc_error err = {{0}};
    struct run run = {.f = f, .down_rows_at_cancel = -1};
    sc_clock_set(now);
    options(&o);
    assert_int_equal(uv_loop_init(&loop), 0);
    run.in_start = 1;
    int rc = recheck_start(&loop, f->db, &o, now, DAY, 2, on_done, &run, &run.handle, &err);
    run.in_start = 0;
    if (rc != SC_OK)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, SC_OK);
    assert_int_equal(run.done, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    assert_int_equal(run.done, 1);
    assert_int_equal(run.done_in_start, 0);
    return run;
}

static void a_persistent_500_is_confirmed_after_two_attempts(void **state)
{
    struct fixture *f = *state;
    static const char *const paths[] = {"down", "gone"};
    save_links(f, paths, 2);
    long down = fx_link_id(f, R "down", R), gone = fx_link_id(f, R "gone", R);
    char text[128];
    int before = httpd_requests(srv, NULL, "www.r.gov.cn", "/down");

    /* not yet due: nothing fetched */
    struct run run = run_at(f, f->t0 + DAY - 1);
    assert_int_equal(run.status, SC_OK);
    assert_int_equal(run.sum.due, 0);
    assert_int_equal(httpd_requests(srv, NULL, "www.r.gov.cn", "/down"), before);

    /* a day after the crawl: attempt 1 of both; the 404 is confirmed at once */
    run = run_at(f, f->t0 + DAY);
    assert_int_equal(run.status, SC_OK);
    assert_string_equal(run.error, "");
    assert_int_equal(run.sum.due, 2);
    assert_int_equal(run.sum.recorded, 2);
    assert_int_equal(run.sum.confirmed, 1);
    assert_int_equal(run.sum.pending, 1);
    fx_attempt_text(f, gone, 1, text, sizeof text);
    assert_string_equal(text, "broken 404 http_status");
    fx_state_text(f, gone, text, sizeof text);
    assert_string_equal(text, "confirmed");
    fx_attempt_text(f, down, 1, text, sizeof text);
    assert_string_equal(text, "suspected 500 http_status");
    fx_state_text(f, down, text, sizeof text);
    assert_string_equal(text, "");
    /* stamped with the (simulated) clock */
    assert_int_equal(fx_long(f,
                             "SELECT count(*) FROM link_rechecks WHERE link_id=%ld AND "
                             "checked_at='2026-10-11T10:00:00+08:00'",
                             down),
                     1);
    int asked = httpd_requests(srv, NULL, "www.r.gov.cn", "/down");
    assert_true(asked > before);

    /* the same moment again: nothing is due, nothing fetched */
    run = run_at(f, f->t0 + DAY + 60);
    assert_int_equal(run.sum.due, 0);
    assert_int_equal(httpd_requests(srv, NULL, "www.r.gov.cn", "/down"), asked);
    time_t next;
    struct sc_error err = {{0}};
    assert_int_equal(storage_rechecks_next_due(f->db, DAY, 2, &next, &err), SC_OK);
    assert_int_equal(next, f->t0 + 2 * DAY);

    /* a day later: attempt 2 fails too, so the link is confirmed, both attempts kept */
    run = run_at(f, f->t0 + 2 * DAY);
    assert_int_equal(run.status, SC_OK);
    assert_int_equal(run.sum.due, 1);
    assert_int_equal(run.sum.recorded, 1);
    assert_int_equal(run.sum.confirmed, 1);
    fx_state_text(f, down, text, sizeof text);
    assert_string_equal(text, "confirmed");
    assert_int_equal(fx_long(f, "SELECT count(*) FROM link_rechecks WHERE link_id=%ld", down), 2);
    fx_attempt_text(f, down, 2, text, sizeof text);
    assert_string_equal(text, "suspected 500 http_status");
    assert_int_equal(storage_rechecks_next_due(f->db, DAY, 2, &next, &err), SC_ENOTFOUND);
    assert_int_equal(storage_round_rechecks_pending(f->db, 11, 2), 0);

    /* the final verdict's view: both broken */
    struct site_report rep;
    long crawl = fx_long(f, "SELECT crawl_id FROM links WHERE id=%ld", down);
    assert_int_equal(storage_crawl_load_id(f->db, crawl, &rep, NULL, &err), SC_OK);
    assert_int_equal(storage_rechecks_apply(f->db, crawl, 2, &rep, NULL, &err), SC_OK);
    assert_int_equal(rep.links[0].result, LINK_BROKEN);
    assert_int_equal(rep.links[0].status, 500);
    assert_int_equal(rep.links[1].result, LINK_BROKEN);
    assert_int_equal(rep.links[1].status, 404);
    site_report_free(&rep);
}

static void a_link_that_recovers_is_cleared(void **state)
{
    struct fixture *f = *state;
    static const char *const paths[] = {"flaky"};
    save_links(f, paths, 1);
    long flaky = fx_link_id(f, R "flaky", R);
    char text[128];
    __atomic_store_n(&up, 0, __ATOMIC_SEQ_CST);
    struct run run = run_at(f, f->t0 + DAY + 5);
    assert_int_equal(run.sum.pending, 1);
    fx_attempt_text(f, flaky, 1, text, sizeof text);
    assert_string_equal(text, "suspected 503 http_status");

    __atomic_store_n(&up, 1, __ATOMIC_SEQ_CST);
    run = run_at(f, f->t0 + 2 * DAY + 5);
    assert_int_equal(run.status, SC_OK);
    assert_int_equal(run.sum.recorded, 1);
    assert_int_equal(run.sum.cleared, 1);
    fx_state_text(f, flaky, text, sizeof text);
    assert_string_equal(text, "cleared");
    fx_attempt_text(f, flaky, 2, text, sizeof text);
    assert_string_equal(text, "ok 200 -");
    assert_int_equal(fx_long(f, "SELECT count(*) FROM link_rechecks WHERE link_id=%ld", flaky), 2);
    assert_int_equal(run_at(f, f->t0 + 9 * DAY).sum.due, 0);
    __atomic_store_n(&up, 0, __ATOMIC_SEQ_CST);
}

static void on_cancel_timer(uv_timer_t *t)
{
    struct run *run = t->data;
    long down = fx_link_id(run->f, R "down", R);
    /* the answer that came is already stored, before the run ends */
    run->down_rows_at_cancel =
        fx_long(run->f, "SELECT count(*) FROM link_rechecks WHERE link_id=%ld", down);
    run->in_start = 1; /* done must not come from inside cancel either */
    recheck_cancel(run->handle);
    recheck_cancel(run->handle); /* twice is fine */
    run->in_start = 0;
    uv_close((uv_handle_t *)t, NULL);
}

static void a_cancel_mid_flight_records_nothing_for_the_cut_check(void **state)
{
    struct fixture *f = *state;
    static const char *const paths[] = {"down", "hang"};
    save_links(f, paths, 2);
    long down = fx_link_id(f, R "down", R), hang = fx_link_id(f, R "hang", R);
    uv_loop_t loop;
    uv_timer_t timer;
    struct fetch_options o;
    struct sc_error err = {{0}};
    struct run run = {.f = f, .down_rows_at_cancel = -1};
    sc_clock_set(f->t0 + DAY);
    options(&o);
    assert_int_equal(uv_loop_init(&loop), 0);
    run.in_start = 1;
    assert_int_equal(
        recheck_start(&loop, f->db, &o, f->t0 + DAY, DAY, 2, on_done, &run, &run.handle, &err),
        SC_OK);
    run.in_start = 0;
    uv_timer_init(&loop, &timer);
    timer.data = &run;
    uv_timer_start(&timer, on_cancel_timer, 400, 0); /* /down has answered, /hang has not */
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);

    assert_int_equal(run.done, 1);
    assert_int_equal(run.done_in_start, 0);
    assert_int_equal(run.status, SC_ECANCELED);
    assert_int_equal(run.down_rows_at_cancel, 1);
    assert_int_equal(run.sum.due, 2);
    assert_int_equal(run.sum.recorded, 1);
    assert_int_equal(run.sum.not_recorded, 1);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM link_rechecks WHERE link_id=%ld", down), 1);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM link_rechecks WHERE link_id=%ld", hang), 0);
    /* the cut check is still due, as attempt 1 */
    struct due_list d = fx_due(f, f->t0 + DAY, 2);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.link_id[0], hang);
    assert_int_equal(d.attempt[0], 1);
}

static void a_failure_to_store_is_reported_not_fatal(void **state)
{
    struct fixture *f = *state;
    static const char *const paths[] = {"down", "gone"};
    save_links(f, paths, 2);
    long down = fx_link_id(f, R "down", R);
    /* the database refuses every attempt (as a full disk would) */
    fx_exec(f, "CREATE TRIGGER refuse BEFORE INSERT ON link_rechecks "
               "BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    struct run run = run_at(f, f->t0 + DAY);
    assert_int_equal(run.status, SC_ERUNTIME);
    assert_non_null(strstr(run.error, "disk says no"));
    assert_int_equal(run.sum.due, 2);
    assert_int_equal(run.sum.recorded, 0);
    assert_int_equal(run.sum.not_recorded, 2);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM link_rechecks"), 0);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM links WHERE recheck_state IS NOT NULL"), 0);
    /* nothing half-done: once the database takes them, both are made */
    fx_exec(f, "DROP TRIGGER refuse");
    run = run_at(f, f->t0 + DAY + 10);
    assert_int_equal(run.status, SC_OK);
    assert_int_equal(run.sum.recorded, 2);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM link_rechecks WHERE link_id=%ld", down), 1);
}

static void nothing_due_still_ends_once_later(void **state)
{
    struct fixture *f = *state;
    struct run run = run_at(f, f->t0);
    assert_int_equal(run.status, SC_OK);
    assert_int_equal(run.sum.due, 0);
    assert_int_equal(run.sum.recorded, 0);

    /* bad arguments: refused, no callback */
    uv_loop_t loop;
    struct fetch_options o;
    struct sc_error err = {{0}};
    struct recheck *h = (struct recheck *)&loop;
    options(&o);
    assert_int_equal(uv_loop_init(&loop), 0);
    assert_int_equal(recheck_start(&loop, f->db, &o, f->t0, -1, 2, on_done, &run, &h, &err),
                     SC_EINPUT);
    assert_null(h);
    assert_int_equal(recheck_start(&loop, f->db, &o, f->t0, DAY, 2, NULL, &run, &h, &err),
                     SC_EINPUT);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    assert_int_equal(run.done, 1); /* only the first run's */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_persistent_500_is_confirmed_after_two_attempts, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(a_link_that_recovers_is_cleared, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(a_cancel_mid_flight_records_nothing_for_the_cut_check,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(a_failure_to_store_is_reported_not_fatal, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(nothing_due_still_ends_once_later, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

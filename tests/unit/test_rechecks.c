/* test_rechecks: re-checks of suspected links in the database (storage/rechecks.c): when each
 * attempt is due (after the crawl's end, its start when the end is unknown, then after the
 * previous attempt), the attempts limit, a link cleared, confirmed on its last failing
 * attempt or at once on a 404, a record made twice changing nothing, rounds judged and
 * crawls outside rounds left alone, attempts going with a replaced crawl, the outcomes
 * applied to a loaded report, the evidence listed, and the refusals. */
#include "rechecks_fixture.h"

#define R "http://www.r.gov.cn/"

/* A crawl of site 1 in round 11 finished at t0: two suspected links, a broken one, an ok one
 * on the homepage. */
static long save_basic(struct fixture *f, long round)
{
    struct site_report r;
    site_report_init(&r, R);
    fx_link(&r, R "slow", R "news/", LINK_SUSPECTED, 0, "timeout");
    fx_link(&r, R "gone", R "news/", LINK_BROKEN, 404, "http_status");
    fx_link(&r, R "zwgk/", R, LINK_OK, 200, NULL);
    r.links[2].on_homepage = 1;
    fx_link(&r, R "busy", R "news/1.html", LINK_SUSPECTED, 503, "http_status");
    long id = fx_save(f, round, "4300000001", f->t0, &r);
    site_report_free(&r);
    return id;
}

static int record(struct fixture *f, long link, int attempt, time_t at, enum link_result res,
                  int status, const char *error, int max, enum recheck_state *state)
{
    struct sc_error err = {{0}};
    long crawl = fx_long(f, "SELECT crawl_id FROM links WHERE id=%ld", link);
    struct recheck_attempt a = {link, crawl, attempt, at, res, status, error, NULL};
    int rc = storage_recheck_record(f->db, &a, max, state, &err);
    if (rc < 0 && rc != SC_EINPUT && rc != SC_ENOTFOUND)
        fprintf(stderr, "%s\n", err.msg);
    return rc;
}

static void due_after_the_crawl_then_after_each_attempt(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    save_basic(f, 11);
    long slow = fx_link_id(f, R "slow", R "news/"), busy = fx_link_id(f, R "busy", R "news/1.html");

    /* nothing before a full day after the crawl's end; then both suspected links, not the
     * broken one */
    assert_int_equal(fx_due(f, f->t0 + DAY - 1, 2).n, 0);
    time_t next = 0;
    assert_int_equal(storage_rechecks_next_due(f->db, DAY, 2, &next, &err), SC_OK);
    assert_int_equal(next, f->t0 + DAY);
    struct due_list d = fx_due(f, f->t0 + DAY, 2);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.link_id[0], slow);
    assert_string_equal(d.url[0], R "slow");
    assert_int_equal(d.attempt[0], 1);
    assert_int_equal(d.round_id[0], 11);
    assert_string_equal(d.site_code[0], "4300000001");
    assert_int_equal(d.due_at[0], f->t0 + DAY);
    assert_int_equal(d.link_id[1], busy);
    assert_int_equal(storage_round_rechecks_pending(f->db, 11, 2), 2);

    /* attempt 1 of each, at different moments: attempt 2 is due a day after each */
    enum recheck_state s;
    assert_int_equal(record(f, slow, 1, f->t0 + DAY + 100, LINK_SUSPECTED, 0, "timeout", 2, &s),
                     SC_OK);
    assert_int_equal(s, RECHECK_PENDING);
    assert_int_equal(storage_rechecks_next_due(f->db, DAY, 2, &next, &err), SC_OK);
    assert_int_equal(next, f->t0 + DAY); /* busy is still due */
    assert_int_equal(
        record(f, busy, 1, f->t0 + DAY + 50, LINK_SUSPECTED, 503, "http_status", 2, &s), SC_OK);
    assert_int_equal(storage_rechecks_next_due(f->db, DAY, 2, &next, &err), SC_OK);
    assert_int_equal(next, f->t0 + 2 * DAY + 50);
    assert_int_equal(fx_due(f, f->t0 + 2 * DAY + 49, 2).n, 0);
    d = fx_due(f, f->t0 + 2 * DAY + 60, 2);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.link_id[0], busy);
    assert_int_equal(d.attempt[0], 2);
    d = fx_due(f, f->t0 + 2 * DAY + 100, 2);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.link_id[0], busy); /* earliest due first */
    assert_int_equal(d.link_id[1], slow);
    assert_int_equal(d.attempt[1], 2);
    assert_int_equal(d.due_at[1], f->t0 + 2 * DAY + 100);
    assert_int_equal(storage_round_rechecks_pending(f->db, 11, 2), 2);

    /* the after_seconds given is the one used */
    struct due_list l;
    memset(&l, 0, sizeof l);
    assert_int_equal(
        storage_rechecks_due_each(f->db, f->t0 + DAY + 3660, 3600, 2, fx_due_cb, &l, &err), SC_OK);
    assert_int_equal(l.n, 1); /* busy: checked at t0+DAY+50, due an hour later */
}

static void an_unknown_end_counts_from_the_start(void **state)
{
    struct fixture *f = *state;
    struct site_report r;
    site_report_init(&r, "http://www.s.gov.cn/");
    fx_link(&r, "http://www.s.gov.cn/x", "http://www.s.gov.cn/", LINK_SUSPECTED, 0, "reset");
    fx_save(f, 11, "4300000002", 0, &r); /* started at t0, end unknown */
    site_report_free(&r);
    assert_int_equal(fx_due(f, f->t0 + DAY - 1, 2).n, 0);
    assert_int_equal(fx_due(f, f->t0 + DAY, 2).n, 1);
}

static void the_last_failing_attempt_confirms(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    save_basic(f, 11);
    long slow = fx_link_id(f, R "slow", R "news/");
    enum recheck_state s;
    char text[128];
    assert_int_equal(record(f, slow, 1, f->t0 + DAY, LINK_SUSPECTED, 0, "timeout", 2, &s), SC_OK);
    assert_int_equal(s, RECHECK_PENDING);
    fx_state_text(f, slow, text, sizeof text);
    assert_string_equal(text, "");
    assert_int_equal(record(f, slow, 2, f->t0 + 2 * DAY, LINK_SUSPECTED, 502, "http_status", 2, &s),
                     SC_OK);
    assert_int_equal(s, RECHECK_CONFIRMED);
    fx_state_text(f, slow, text, sizeof text);
    assert_string_equal(text, "confirmed");
    /* both attempts kept as evidence */
    fx_attempt_text(f, slow, 1, text, sizeof text);
    assert_string_equal(text, "suspected 0 timeout");
    fx_attempt_text(f, slow, 2, text, sizeof text);
    assert_string_equal(text, "suspected 502 http_status");
    /* never due again, whatever the moment; the round's pending count drops */
    struct due_list d = fx_due(f, f->t0 + 100 * DAY, 2);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.url[0], R "busy");
    assert_int_equal(storage_round_rechecks_pending(f->db, 11, 2), 1);
    /* a decided link is not changed by a later attempt */
    assert_int_equal(record(f, slow, 3, f->t0 + 3 * DAY, LINK_OK, 200, NULL, 3, &s), SC_OK);
    assert_int_equal(s, RECHECK_CONFIRMED);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM link_rechecks WHERE link_id=%ld", slow), 2);
    (void)err;
}

static void the_attempts_limit_is_the_one_given(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    save_basic(f, 11);
    long slow = fx_link_id(f, R "slow", R "news/");
    enum recheck_state s;
    /* with 3 allowed, two failures leave it pending and attempt 3 due */
    assert_int_equal(record(f, slow, 1, f->t0 + DAY, LINK_SUSPECTED, 0, "timeout", 3, &s), SC_OK);
    assert_int_equal(record(f, slow, 2, f->t0 + 2 * DAY, LINK_SUSPECTED, 0, "timeout", 3, &s),
                     SC_OK);
    assert_int_equal(s, RECHECK_PENDING);
    struct due_list d = fx_due(f, f->t0 + 3 * DAY, 3);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.link_id[1], slow);
    assert_int_equal(d.attempt[1], 3);
    /* with 2 allowed (the limit lowered meanwhile) it is no longer due nor pending ... */
    d = fx_due(f, f->t0 + 3 * DAY, 2);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.url[0], R "busy");
    assert_int_equal(storage_round_rechecks_pending(f->db, 11, 2), 1);
    /* ... an attempt past the limit is refused ... */
    assert_int_equal(record(f, slow, 3, f->t0 + 3 * DAY, LINK_SUSPECTED, 0, "timeout", 2, &s),
                     SC_EINPUT);
    /* ... and with 0 allowed nothing is ever due */
    assert_int_equal(fx_due(f, f->t0 + 30 * DAY, 0).n, 0);
    time_t next;
    assert_int_equal(storage_rechecks_next_due(f->db, DAY, 0, &next, &err), SC_ENOTFOUND);
    assert_int_equal(storage_round_rechecks_pending(f->db, 11, 0), 0);
}

static void an_ok_attempt_clears(void **state)
{
    struct fixture *f = *state;
    save_basic(f, 11);
    long slow = fx_link_id(f, R "slow", R "news/");
    enum recheck_state s;
    char text[64];
    assert_int_equal(record(f, slow, 1, f->t0 + DAY, LINK_SUSPECTED, 0, "timeout", 2, &s), SC_OK);
    assert_int_equal(record(f, slow, 2, f->t0 + 2 * DAY, LINK_OK, 200, NULL, 2, &s), SC_OK);
    assert_int_equal(s, RECHECK_CLEARED);
    fx_state_text(f, slow, text, sizeof text);
    assert_string_equal(text, "cleared");
    fx_attempt_text(f, slow, 2, text, sizeof text);
    assert_string_equal(text, "ok 200 -");
    struct due_list d = fx_due(f, f->t0 + 10 * DAY, 2);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.url[0], R "busy");
    /* cleared at the first attempt too */
    long busy = fx_link_id(f, R "busy", R "news/1.html");
    assert_int_equal(record(f, busy, 1, f->t0 + DAY, LINK_OK, 200, NULL, 2, &s), SC_OK);
    assert_int_equal(s, RECHECK_CLEARED);
    assert_int_equal(fx_due(f, f->t0 + 10 * DAY, 2).n, 0);
    assert_int_equal(storage_round_rechecks_pending(f->db, 11, 2), 0);
}

static void a_404_confirms_at_once(void **state)
{
    struct fixture *f = *state;
    save_basic(f, 11);
    long busy = fx_link_id(f, R "busy", R "news/1.html");
    enum recheck_state s;
    char text[64];
    assert_int_equal(record(f, busy, 1, f->t0 + DAY, LINK_BROKEN, 404, "http_status", 2, &s),
                     SC_OK);
    assert_int_equal(s, RECHECK_CONFIRMED);
    fx_state_text(f, busy, text, sizeof text);
    assert_string_equal(text, "confirmed");
    assert_int_equal(fx_long(f, "SELECT count(*) FROM link_rechecks WHERE link_id=%ld", busy), 1);
    assert_int_equal(storage_round_rechecks_pending(f->db, 11, 2), 1);
}

static void recording_twice_changes_nothing(void **state)
{
    struct fixture *f = *state;
    save_basic(f, 11);
    long slow = fx_link_id(f, R "slow", R "news/");
    enum recheck_state s;
    char text[64];
    assert_int_equal(record(f, slow, 1, f->t0 + DAY, LINK_SUSPECTED, 0, "timeout", 2, &s), SC_OK);
    /* the same attempt again (a redo after a kill), even with another answer: no change */
    assert_int_equal(record(f, slow, 1, f->t0 + DAY + 5, LINK_SUSPECTED, 0, "timeout", 2, &s),
                     SC_OK);
    assert_int_equal(s, RECHECK_PENDING);
    assert_int_equal(record(f, slow, 1, f->t0 + DAY + 9, LINK_OK, 200, NULL, 2, &s), SC_OK);
    assert_int_equal(s, RECHECK_PENDING);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM link_rechecks WHERE link_id=%ld", slow), 1);
    fx_attempt_text(f, slow, 1, text, sizeof text);
    assert_string_equal(text, "suspected 0 timeout");
    fx_state_text(f, slow, text, sizeof text);
    assert_string_equal(text, "");
    /* and the decisive attempt twice */
    assert_int_equal(record(f, slow, 2, f->t0 + 2 * DAY, LINK_SUSPECTED, 0, "reset", 2, &s), SC_OK);
    assert_int_equal(s, RECHECK_CONFIRMED);
    assert_int_equal(record(f, slow, 2, f->t0 + 2 * DAY, LINK_SUSPECTED, 0, "reset", 2, &s), SC_OK);
    assert_int_equal(s, RECHECK_CONFIRMED);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM link_rechecks WHERE link_id=%ld", slow), 2);
}

static void judged_rounds_and_crawls_outside_rounds_are_left_alone(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    save_basic(f, 12); /* finalised */
    save_basic(f, 13); /* published */
    save_basic(f, 0);  /* `spotcheck check` */
    assert_int_equal(fx_long(f, "SELECT count(*) FROM links WHERE result='suspected'"), 6);
    assert_int_equal(fx_due(f, f->t0 + 30 * DAY, 2).n, 0);
    time_t next;
    assert_int_equal(storage_rechecks_next_due(f->db, DAY, 2, &next, &err), SC_ENOTFOUND);
    assert_int_equal(storage_round_rechecks_pending(f->db, 12, 2), 0);
    assert_int_equal(storage_round_rechecks_pending(f->db, 13, 2), 0);
    /* the same crawl in a round being checked is due; finalising the round stops it */
    save_basic(f, 11);
    assert_int_equal(fx_due(f, f->t0 + DAY, 2).n, 2);
    fx_exec(f, "UPDATE rounds SET state='finalised' WHERE id=11");
    assert_int_equal(fx_due(f, f->t0 + DAY, 2).n, 0);
    assert_int_equal(storage_round_rechecks_pending(f->db, 11, 2), 0);
}

static void a_replaced_crawl_takes_its_attempts_with_it(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    long old = save_basic(f, 11);
    long slow = fx_link_id(f, R "slow", R "news/"), busy = fx_link_id(f, R "busy", R "news/1.html");
    enum recheck_state s;
    assert_int_equal(record(f, slow, 1, f->t0 + DAY, LINK_SUSPECTED, 0, "timeout", 2, &s), SC_OK);
    assert_int_equal(record(f, busy, 1, f->t0 + DAY, LINK_OK, 200, NULL, 2, &s), SC_OK);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM link_rechecks"), 2);

    /* the site crawled again (a redo) three days later: its links start afresh */
    struct site_report r;
    site_report_init(&r, R);
    fx_link(&r, R "slow", R "news/", LINK_SUSPECTED, 0, "timeout");
    fx_link(&r, R "other", R "news/", LINK_SUSPECTED, 0, "timeout");
    long id = fx_save(f, 11, "4300000001", f->t0 + 3 * DAY, &r);
    site_report_free(&r);
    assert_true(id != old);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM link_rechecks"), 0);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM links WHERE crawl_id=%ld", old), 0);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM links WHERE recheck_state IS NOT NULL"), 0);
    long fresh = fx_link_id(f, R "slow", R "news/");
    assert_int_equal(fx_long(f, "SELECT crawl_id FROM links WHERE id=%ld", fresh), id);
    assert_int_equal(fx_due(f, f->t0 + 4 * DAY - 1, 2).n, 0);
    struct due_list d = fx_due(f, f->t0 + 4 * DAY, 2);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.link_id[0], fresh);
    assert_int_equal(d.attempt[0], 1);
    assert_int_equal(storage_round_rechecks_pending(f->db, 11, 2), 2);

    /* late answers for the old crawl's links are refused as gone, even where sqlite gave
     * the new links the old ids */
    struct recheck_attempt late[] = {
        {slow, old, 2, f->t0 + 2 * DAY, LINK_SUSPECTED, 0, "timeout", NULL},
        {busy, old, 1, f->t0 + 2 * DAY, LINK_SUSPECTED, 0, "timeout", NULL},
        {fresh, old, 1, f->t0 + 2 * DAY, LINK_SUSPECTED, 0, "timeout", NULL},
    };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(storage_recheck_record(f->db, &late[i], 2, &s, &err), SC_ENOTFOUND);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM link_rechecks"), 0);
}

static void outcomes_apply_to_a_loaded_report(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    struct site_report r;
    site_report_init(&r, R);
    fx_link(&r, R "a", R "news/", LINK_SUSPECTED, 0, "timeout");       /* confirmed, 2 attempts */
    fx_link(&r, R "b", R "news/", LINK_SUSPECTED, 503, "http_status"); /* cleared */
    fx_link(&r, R "c", R "news/", LINK_SUSPECTED, 0, "reset");         /* pending */
    fx_link(&r, R "d", R "news/", LINK_BROKEN, 404, "http_status");    /* not re-checked */
    fx_link(&r, R "e", R "p1.html", LINK_SUSPECTED, 0, "timeout");     /* same url, two pages */
    fx_link(&r, R "e", R "p2.html", LINK_SUSPECTED, 0, "timeout");
    fx_link(&r, R "f", R "news/", LINK_SUSPECTED, 0, "timeout"); /* 2 failures, limit 3 */
    struct link_record *l = &r.links[1];
    l->final_url = strdup(R "b2");
    l->redirects = calloc(1, sizeof *l->redirects);
    l->redirects[0] = strdup(R "b2");
    l->nredirects = 1;
    long crawl = fx_save(f, 11, "4300000001", f->t0, &r);
    site_report_free(&r);

    long a = fx_link_id(f, R "a", R "news/"), b = fx_link_id(f, R "b", R "news/");
    long e1 = fx_link_id(f, R "e", R "p1.html"), e2 = fx_link_id(f, R "e", R "p2.html");
    long fl = fx_link_id(f, R "f", R "news/");
    long c = fx_link_id(f, R "c", R "news/");
    struct recheck_attempt at[] = {
        {a, crawl, 1, f->t0 + DAY, LINK_SUSPECTED, 0, "timeout", NULL},
        {a, crawl, 2, f->t0 + 2 * DAY, LINK_SUSPECTED, 502, "http_status", R "a-final"},
        {b, crawl, 1, f->t0 + DAY, LINK_OK, 200, NULL, R "b3"},
        {c, crawl, 1, f->t0 + DAY, LINK_SUSPECTED, 0, "connect", NULL},
        {e1, crawl, 1, f->t0 + DAY, LINK_BROKEN, 404, "http_status", NULL},
        {e2, crawl, 1, f->t0 + DAY, LINK_OK, 200, NULL, NULL},
        {fl, crawl, 1, f->t0 + DAY, LINK_SUSPECTED, 0, "timeout", NULL},
        {fl, crawl, 2, f->t0 + 2 * DAY, LINK_SUSPECTED, 0, "timeout", NULL},
    };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
        assert_int_equal(
            storage_recheck_record(f->db, &at[i], at[i].link_id == fl ? 3 : 2, NULL, &err), SC_OK);

    struct site_report got;
    assert_int_equal(storage_crawl_load_id(f->db, crawl, &got, NULL, &err), SC_OK);
    assert_int_equal(got.nlinks, 7);
    size_t changed = 99;
    assert_int_equal(storage_rechecks_apply(f->db, crawl, 3, &got, &changed, &err), SC_OK);
    assert_int_equal(changed, 4); /* a, b, e1, e2 */
    assert_int_equal(got.links[0].result, LINK_BROKEN);
    assert_int_equal(got.links[0].status, 502);
    assert_string_equal(got.links[0].error, "http_status");
    assert_string_equal(got.links[0].final_url, R "a-final");
    assert_int_equal(got.links[1].result, LINK_OK);
    assert_int_equal(got.links[1].status, 200);
    assert_null(got.links[1].error);
    assert_string_equal(got.links[1].final_url, R "b3");
    assert_int_equal(got.links[1].nredirects, 0); /* the crawl's chain ended elsewhere */
    assert_int_equal(got.links[2].result, LINK_SUSPECTED);
    assert_string_equal(got.links[2].error, "reset");
    assert_int_equal(got.links[3].result, LINK_BROKEN);
    assert_int_equal(got.links[3].status, 404);
    assert_string_equal(got.links[4].found_on, R "p1.html");
    assert_int_equal(got.links[4].result, LINK_BROKEN);
    assert_int_equal(got.links[4].status, 404);
    assert_string_equal(got.links[5].found_on, R "p2.html");
    assert_int_equal(got.links[5].result, LINK_OK);
    assert_int_equal(got.links[6].result, LINK_SUSPECTED); /* 2 of 3 failed: not yet */
    /* applying again changes nothing */
    assert_int_equal(storage_rechecks_apply(f->db, crawl, 3, &got, &changed, &err), SC_OK);
    assert_int_equal(changed, 0);
    site_report_free(&got);

    /* with the limit lowered to 2, f's two failures confirm it */
    assert_int_equal(storage_crawl_load_id(f->db, crawl, &got, NULL, &err), SC_OK);
    assert_int_equal(storage_rechecks_apply(f->db, crawl, 2, &got, &changed, &err), SC_OK);
    assert_int_equal(changed, 5);
    assert_int_equal(got.links[6].result, LINK_BROKEN);
    assert_string_equal(got.links[6].error, "timeout");
    assert_int_equal(got.links[2].result, LINK_SUSPECTED); /* c: 1 of 2 */
    site_report_free(&got);

    /* a report whose links do not match is left as it is */
    site_report_init(&got, R);
    fx_link(&got, R "a", R "elsewhere.html", LINK_SUSPECTED, 0, "timeout");
    assert_int_equal(storage_rechecks_apply(f->db, crawl, 2, &got, &changed, &err), SC_OK);
    assert_int_equal(changed, 0);
    assert_int_equal(got.links[0].result, LINK_SUSPECTED);
    site_report_free(&got);
}

struct rows {
    int n;
    char text[8][160];
};

static int row_cb(const struct recheck_row *row, void *ud)
{
    struct rows *r = ud;
    assert_true(r->n < 8);
    snprintf(r->text[r->n++], sizeof r->text[0], "%s|%s|%s|%d|%s|%s|%d|%s|%s", row->url,
             row->found_on, row->state ? row->state : "-", row->attempt, row->checked_at,
             row->result, row->status, row->error ? row->error : "-",
             row->final_url ? row->final_url : "-");
    return 0;
}

static void attempts_are_listed_as_evidence(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    long crawl = save_basic(f, 11);
    long slow = fx_link_id(f, R "slow", R "news/"), busy = fx_link_id(f, R "busy", R "news/1.html");
    time_t t1;
    assert_int_equal(sc_time_parse("2026-10-11T10:00:00", &t1), SC_OK);
    struct recheck_attempt at[] = {
        {busy, crawl, 1, t1, LINK_SUSPECTED, 503, "http_status", NULL},
        {slow, crawl, 1, t1, LINK_SUSPECTED, 0, "timeout", NULL},
        {slow, crawl, 2, t1 + DAY, LINK_OK, 200, NULL, R "slow/"},
    };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(storage_recheck_record(f->db, &at[i], 2, NULL, &err), SC_OK);
    struct rows rows = {0};
    assert_int_equal(storage_rechecks_each(f->db, crawl, 0, row_cb, &rows, &err), SC_OK);
    assert_int_equal(rows.n, 3);
    assert_string_equal(rows.text[0], R "slow|" R "news/|cleared|1|2026-10-11T10:00:00+08:00|"
                                        "suspected|0|timeout|-");
    assert_string_equal(rows.text[1], R "slow|" R "news/|cleared|2|2026-10-12T10:00:00+08:00|"
                                        "ok|200|-|" R "slow/");
    assert_string_equal(rows.text[2], R "busy|" R "news/1.html|-|1|2026-10-11T10:00:00+08:00|"
                                        "suspected|503|http_status|-");
    memset(&rows, 0, sizeof rows);
    assert_int_equal(storage_rechecks_each(f->db, 0, busy, row_cb, &rows, &err), SC_OK);
    assert_int_equal(rows.n, 1);
    assert_string_equal(rows.text[0], R "busy|" R "news/1.html|-|1|2026-10-11T10:00:00+08:00|"
                                        "suspected|503|http_status|-");
}

static void bad_records_are_refused_and_change_nothing(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    save_basic(f, 11);
    long slow = fx_link_id(f, R "slow", R "news/"), gone = fx_link_id(f, R "gone", R "news/");
    enum recheck_state s;
    assert_int_equal(record(f, 999999, 1, f->t0, LINK_OK, 200, NULL, 2, &s), SC_ENOTFOUND);
    assert_int_equal(record(f, gone, 1, f->t0, LINK_OK, 200, NULL, 2, &s), SC_EINPUT);
    assert_int_equal(record(f, slow, 2, f->t0, LINK_OK, 200, NULL, 2, &s), SC_EINPUT); /* gap */
    assert_int_equal(record(f, slow, 0, f->t0, LINK_OK, 200, NULL, 2, &s), SC_EINPUT);
    assert_int_equal(record(f, slow, 1, f->t0, LINK_OK, 200, NULL, 0, &s), SC_EINPUT);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM link_rechecks"), 0);
    assert_int_equal(fx_long(f, "SELECT count(*) FROM links WHERE recheck_state IS NOT NULL"), 0);
    struct due_list l;
    assert_int_equal(storage_rechecks_due_each(f->db, f->t0, -1, 2, fx_due_cb, &l, &err),
                     SC_EINPUT);
    time_t next;
    assert_int_equal(storage_rechecks_next_due(f->db, DAY, -1, &next, &err), SC_EINPUT);
    assert_int_equal(storage_round_rechecks_pending(f->db, 11, -1), -1);
    /* the transaction of a refused record is gone: the next one works */
    assert_int_equal(record(f, slow, 1, f->t0, LINK_OK, 200, NULL, 2, &s), SC_OK);
    assert_int_equal(s, RECHECK_CLEARED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(due_after_the_crawl_then_after_each_attempt, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(an_unknown_end_counts_from_the_start, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(the_last_failing_attempt_confirms, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(the_attempts_limit_is_the_one_given, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(an_ok_attempt_clears, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(a_404_confirms_at_once, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(recording_twice_changes_nothing, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(judged_rounds_and_crawls_outside_rounds_are_left_alone,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(a_replaced_crawl_takes_its_attempts_with_it, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(outcomes_apply_to_a_loaded_report, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(attempts_are_listed_as_evidence, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(bad_records_are_refused_and_change_nothing, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

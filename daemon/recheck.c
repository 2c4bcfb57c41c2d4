/* recheck: running the re-checks due on the caller's loop (see recheck.h). */
#include "daemon/recheck.h"
#include "common/clock.h"
#include "probes/net/link_result.h"
#include "storage/rechecks.h"

#include <stdlib.h>
#include <string.h>

/* One re-check of the run. */
struct recheck_item {
    struct recheck *run;
    long link_id, crawl_id;
    char *url;
    int attempt;
    int in_flight; /* submitted, not yet answered */
};

struct recheck {
    uv_loop_t *loop;
    struct storage *db;
    struct fetch_engine *eng; /* NULL once closing */
    int max_attempts;
    struct recheck_item *items;
    size_t nitems, items_alloc;
    size_t in_flight;
    uv_timer_t kick; /* runs the ending outside every other callback */
    int cancelled;
    int cut;           /* a cancel left a check unanswered */
    int ending;        /* the engine is being closed */
    int engine_closed; /* ... and is gone */
    int status;        /* the first failure, 0 when none */
    struct sc_error err;
    struct recheck_summary sum;
    recheck_done_fn done;
    void *user;
};

static void fail_once(struct recheck *r, int code, const struct sc_error *e)
{
    if (r->status)
        return;
    r->status = code;
    memcpy(&r->err, e, sizeof r->err);
}

/* storage_rechecks_due_each's callback: copies one due re-check into the run. */
static int collect(const struct recheck_due *d, void *ud)
{
    struct recheck *r = ud;
    if (r->nitems == r->items_alloc) {
        size_t na = r->items_alloc ? r->items_alloc * 2 : 16;
        struct recheck_item *p = realloc(r->items, na * sizeof *p);
        if (!p)
            return SC_ENOMEM;
        r->items = p;
        r->items_alloc = na;
    }
    struct recheck_item *it = &r->items[r->nitems];
    memset(it, 0, sizeof *it);
    if (!(it->url = strdup(d->url)))
        return SC_ENOMEM;
    it->link_id = d->link_id;
    it->crawl_id = d->crawl_id;
    it->attempt = d->attempt;
    r->nitems++;
    return 0;
}

static void run_free(struct recheck *r)
{
    for (size_t i = 0; i < r->nitems; i++)
        free(r->items[i].url);
    free(r->items);
    free(r);
}

static void on_kick(uv_timer_t *t);

static void kick_soon(struct recheck *r)
{
    if (!uv_is_active((uv_handle_t *)&r->kick) && !uv_is_closing((uv_handle_t *)&r->kick))
        uv_timer_start(&r->kick, on_kick, 0, 0);
}

/* Stores what a check found. */
static void record(struct recheck *r, struct recheck_item *it, const struct fetch_result *res)
{
    struct recheck_attempt a = {
        .link_id = it->link_id,
        .crawl_id = it->crawl_id,
        .attempt = it->attempt,
        .checked_at = sc_clock_now(),
        .result = link_result_classify(res->status, res->error),
        .status = res->status,
        .error = res->error,
        .final_url = res->final_url && strcmp(res->final_url, it->url) != 0 ? res->final_url : NULL,
    };
    enum recheck_state state;
    struct sc_error e = {{0}};
    int rc = storage_recheck_record(r->db, &a, r->max_attempts, &state, &e);
    if (rc == SC_ENOTFOUND) {
        r->sum.gone++;
        return;
    }
    if (rc < 0) {
        r->sum.not_recorded++;
        fail_once(r, rc, &e);
        return;
    }
    r->sum.recorded++;
    if (state == RECHECK_CLEARED)
        r->sum.cleared++;
    else if (state == RECHECK_CONFIRMED)
        r->sum.confirmed++;
    else
        r->sum.pending++;
}

static void on_fetched(struct fetch_result *res, void *user)
{
    struct recheck_item *it = user;
    struct recheck *r = it->run;
    it->in_flight = 0;
    r->in_flight--;
    if (link_result_says_nothing(res->error)) { /* "cancelled" or "oom": not the link's doing */
        r->sum.not_recorded++;
        if (link_result_error_is_ours(res->error)) {
            struct sc_error e;
            sc_fail(&e, SC_ENOMEM, "re-check of %s: out of memory fetching it", it->url);
            fail_once(r, SC_ENOMEM, &e);
        } else if (r->cancelled) {
            r->cut = 1;
        }
    } else {
        record(r, it, res);
    }
    if (r->in_flight == 0)
        kick_soon(r);
}

static void on_kick_closed(uv_handle_t *h)
{
    struct recheck *r = h->data;
    int status = r->cut ? SC_ECANCELED : r->status;
    r->sum.error = r->status ? r->err.msg : "";
    if (r->done)
        r->done(r, status, &r->sum, r->user);
    run_free(r);
}

static void on_engine_closed(void *user)
{
    struct recheck *r = user;
    r->engine_closed = 1;
    kick_soon(r);
}

/* Runs outside every other callback: closes the engine once every check is answered (or
 * at once when cancelled: the unanswered ones then end "cancelled"), then the run. */
static void on_kick(uv_timer_t *t)
{
    struct recheck *r = t->data;
    if (!r->ending && (r->cancelled || r->in_flight == 0)) {
        struct fetch_engine *eng = r->eng;
        r->eng = NULL;
        r->ending = 1;
        fetch_engine_close(eng, on_engine_closed, r); /* delivers "cancelled" to on_fetched */
    } else if (r->engine_closed && !uv_is_closing((uv_handle_t *)&r->kick)) {
        uv_close((uv_handle_t *)&r->kick, on_kick_closed);
    }
}

int recheck_start(uv_loop_t *loop, struct storage *db, const struct fetch_options *fopt, time_t now,
                  long after_seconds, int max_attempts, recheck_done_fn done, void *user,
                  struct recheck **out, struct sc_error *err)
{
    if (out)
        *out = NULL;
    if (!loop || !db || !fopt || !done || after_seconds < 0 || max_attempts < 0)
        return sc_fail(err, SC_EINPUT,
                       "re-checks need a loop, a database, fetch options, a "
                       "done callback and non-negative limits");
    struct recheck *r = calloc(1, sizeof *r);
    if (!r)
        return sc_fail(err, SC_ENOMEM, "out of memory starting the re-checks");
    r->loop = loop;
    r->db = db;
    r->max_attempts = max_attempts;
    r->done = done;
    r->user = user;
    int rc = storage_rechecks_due_each(db, now, after_seconds, max_attempts, collect, r, err);
    if (rc == SC_ENOMEM)
        sc_fail(err, SC_ENOMEM, "out of memory listing the re-checks due");
    if (rc < 0)
        goto fail;
    if ((rc = fetch_engine_new(loop, fopt, &r->eng, err)) < 0)
        goto fail;
    uv_timer_init(loop, &r->kick);
    r->kick.data = r;
    r->sum.due = r->nitems;
    for (size_t i = 0; i < r->nitems; i++) {
        struct recheck_item *it = &r->items[i];
        /* a GET of the whole body: what failed at the crawl may be the body (a reset midway, a
         * body too large, a drip), which a HEAD would never see */
        struct fetch_request req = {it->url, FETCH_GET, 1};
        it->run = r; /* items no longer move */
        if (fetch_submit(r->eng, &req, on_fetched, it) < 0) {
            struct sc_error e;
            sc_fail(&e, SC_ENOMEM, "re-check of %s: out of memory queueing it", it->url);
            fail_once(r, SC_ENOMEM, &e);
            r->sum.not_recorded++;
            continue;
        }
        it->in_flight = 1;
        r->in_flight++;
    }
    if (r->in_flight == 0)
        kick_soon(r);
    if (out)
        *out = r;
    return SC_OK;
fail:
    run_free(r);
    return rc;
}

void recheck_cancel(struct recheck *r)
{
    if (!r || r->cancelled)
        return;
    r->cancelled = 1;
    kick_soon(r);
}

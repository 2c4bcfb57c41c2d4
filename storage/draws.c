/* draws: rounds, draws, frames and samples in the database (see draws.h). */
#include "storage/draws.h"
#include "common/clock.h"
#include "sampler/frame.h"
#include "sampler/params.h"
#include "storage/internal.h"
#include "storage/sites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_LATEST_IMPORT[] = "SELECT coalesce(max(id), 0) FROM registry_imports";
static const char SQL_ROUND_ENSURE[] =
    "INSERT OR IGNORE INTO rounds(quarter, number, draw_date, window_start, window_end) "
    "VALUES(?,?,?,?,?)";
static const char SQL_ROUND_COUNT[] = "SELECT count(*) FROM rounds WHERE quarter=?";
static const char SQL_ROUND_ID[] = "SELECT id FROM rounds WHERE quarter=? AND number=?";
static const char SQL_ACTIVE_DRAW[] =
    "SELECT d.id, d.drawn_at FROM draws d JOIN rounds r ON r.id=d.round_id "
    "WHERE r.quarter=? AND r.number=? AND d.active=1 ORDER BY d.id DESC LIMIT 1";
static const char SQL_LATER_DRAWN[] =
    "SELECT min(r.number) FROM draws d JOIN rounds r ON r.id=d.round_id "
    "WHERE r.quarter=?1 AND r.number>?2 AND d.active=1";
static const char SQL_EARLIER_ROUNDS[] =
    "SELECT r.number, (SELECT max(d.id) FROM draws d WHERE d.round_id=r.id AND d.active=1), "
    "r.window_end FROM rounds r WHERE r.quarter=?1 AND r.number<?2 ORDER BY r.number";
static const char SQL_SAMPLE_CODES[] =
    "SELECT site_code FROM samples WHERE draw_id=? ORDER BY rank, site_code";
static const char SQL_DEACTIVATE[] = "UPDATE draws SET active=0 WHERE round_id=? AND active=1";
static const char SQL_INSERT_DRAW[] =
    "INSERT INTO draws(round_id, drawn_at, seed, seed_source, import_id, frame_hash, "
    "frame_size, rate, sample_size, repeats, stratified, note, active, redraw_reason) "
    "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,1,?)";
static const char SQL_INSERT_FRAME[] =
    "INSERT INTO draw_frame(draw_id, site_code, region, type) VALUES(?,?,?,?)";
static const char SQL_INSERT_SAMPLE[] =
    "INSERT INTO samples(draw_id, site_code, rank, stratum, is_repeat) VALUES(?,?,?,?,?)";
static const char SQL_INSERT_PRIOR[] =
    "INSERT INTO draw_priors(draw_id, prior_draw_id) VALUES(?,?)";
static const char SQL_ROUND_DRAWN[] =
    "UPDATE rounds SET state='drawn' WHERE id=? AND state='planned'";
static const char SQL_LOAD_DRAW[] =
    "SELECT d.id, r.quarter, r.number, d.drawn_at, d.seed, d.seed_source, "
    "coalesce(d.import_id, 0), d.frame_hash, d.frame_size, d.rate, d.sample_size, d.repeats, "
    "d.stratified, d.note, d.active, d.redraw_reason FROM draws d "
    "JOIN rounds r ON r.id=d.round_id WHERE d.id=?";
static const char SQL_LOAD_SAMPLE[] =
    "SELECT s.site_code, coalesce(st.url, ''), s.rank, s.stratum, s.is_repeat FROM samples s "
    "LEFT JOIN sites st ON st.code=s.site_code WHERE s.draw_id=? ORDER BY s.rank, s.site_code";
static const char SQL_LOAD_FRAME[] =
    "SELECT f.site_code, f.region, f.type, coalesce(st.url, '') FROM draw_frame f "
    "LEFT JOIN sites st ON st.code=f.site_code WHERE f.draw_id=? ORDER BY f.site_code";
static const char SQL_LOAD_PRIORS[] =
    "SELECT prior_draw_id FROM draw_priors WHERE draw_id=? ORDER BY prior_draw_id";
static const char SQL_ROUNDS[] =
    "SELECT r.id, r.number, r.draw_date, r.window_start, r.window_end, r.state, "
    "(SELECT max(d.id) FROM draws d WHERE d.round_id=r.id AND d.active=1), "
    "(SELECT count(*) FROM draws d WHERE d.round_id=r.id AND d.active=0) "
    "FROM rounds r WHERE r.quarter=? ORDER BY r.number";

long storage_latest_import_id(struct storage *db)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_LATEST_IMPORT, NULL);
    if (!st)
        return -1;
    long id = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return id;
}

/* ---- reading a frame from the sites table ---- */

struct frame_acc {
    struct sampler_site *sites;
    size_t n, alloc;
};

static void frame_acc_free(struct frame_acc *f)
{
    sampler_sites_free(f->sites, f->n);
    memset(f, 0, sizeof *f);
}

/* Appends a site with copies of its strings; 0 or SC_ENOMEM. */
static int frame_acc_add(struct frame_acc *f, const char *code, const char *region,
                         const char *type, const char *url)
{
    if (f->n == f->alloc) {
        size_t na = f->alloc ? 2 * f->alloc : 64;
        struct sampler_site *p = realloc(f->sites, na * sizeof *p);
        if (!p)
            return SC_ENOMEM;
        f->sites = p;
        f->alloc = na;
    }
    struct sampler_site *s = &f->sites[f->n];
    s->code = strdup(code ? code : "");
    s->region = strdup(region ? region : "");
    s->type = strdup(type ? type : "");
    s->url = strdup(url ? url : "");
    f->n++; /* counted even when a copy failed, so frame_acc_free frees the rest */
    if (!s->code || !s->region || !s->type || !s->url)
        return SC_ENOMEM;
    return SC_OK;
}

static int frame_from_site(const struct site_row *row, void *ud)
{
    return frame_acc_add(ud, row->code, row->region, row->type, row->url);
}

/* ---- string lists ---- */

struct str_list {
    char **v;
    size_t n, alloc;
};

static int str_list_add(struct str_list *l, const char *s)
{
    if (l->n == l->alloc) {
        size_t na = l->alloc ? 2 * l->alloc : 32;
        char **p = realloc(l->v, na * sizeof *p);
        if (!p)
            return SC_ENOMEM;
        l->v = p;
        l->alloc = na;
    }
    if (!(l->v[l->n] = strdup(s ? s : "")))
        return SC_ENOMEM;
    l->n++;
    return SC_OK;
}

static void str_list_free(struct str_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Appends the sample codes of a draw to l. */
static int sample_codes(struct storage *db, long draw_id, struct str_list *l, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_SAMPLE_CODES, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, draw_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (str_list_add(l, (const char *)sqlite3_column_text(st, 0)) < 0) {
            sqlite3_reset(st);
            return sc_fail(err, SC_ENOMEM, "out of memory reading a sample");
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "reading a sample");
}

/* ---- drawing ---- */

static int ensure_rounds(struct storage *db, const struct draw_request *req, struct sc_error *err)
{
    /* A quarter keeps the number of rounds it was first drawn with: mixing two calendars
     * would give overlapping windows. */
    sqlite3_stmt *cs = storage_stmt(db, SQL_ROUND_COUNT, err);
    if (!cs)
        return SC_ERUNTIME;
    storage_bind_text(cs, 1, req->quarter);
    int rc = sqlite3_step(cs);
    long stored = rc == SQLITE_ROW ? (long)sqlite3_column_int64(cs, 0) : -1;
    sqlite3_reset(cs);
    if (stored < 0)
        return storage_fail(db, err, "counting the quarter's rounds");
    if (stored > 0 && stored != req->rounds)
        return sc_fail(err, SC_EINPUT,
                       "%s is planned with %ld rounds, not %d: a quarter keeps its calendar",
                       req->quarter, stored, req->rounds);
    for (int k = 0; k < req->rounds; k++) {
        char d[16], ws[16], we[16];
        sc_day_format(req->plan[k].draw_day, d);
        sc_day_format(req->plan[k].window_start, ws);
        sc_day_format(req->plan[k].window_end, we);
        sqlite3_stmt *st = storage_stmt(db, SQL_ROUND_ENSURE, err);
        if (!st)
            return SC_ERUNTIME;
        storage_bind_text(st, 1, req->quarter);
        sqlite3_bind_int(st, 2, req->plan[k].number);
        storage_bind_text(st, 3, d);
        storage_bind_text(st, 4, ws);
        storage_bind_text(st, 5, we);
        if (storage_exec_stmt(db, st, err, "creating a round") < 0)
            return SC_ERUNTIME;
    }
    return SC_OK;
}

/* Checks the round may be drawn now; sets *round_id and fills the earlier draws. */
static int check_drawable(struct storage *db, const struct draw_request *req, long *round_id,
                          struct str_list *earlier, long **prior_ids, size_t *nprior,
                          struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_ROUND_ID, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 1, req->quarter);
    sqlite3_bind_int(st, 2, req->round);
    int rc = sqlite3_step(st);
    *round_id = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return storage_fail(db, err, "finding the round");
    if (!*round_id)
        return sc_fail(err, SC_EINPUT, "%s has no round %d (it has %d rounds)", req->quarter,
                       req->round, req->rounds);

    if (!(st = storage_stmt(db, SQL_ACTIVE_DRAW, err)))
        return SC_ERUNTIME;
    storage_bind_text(st, 1, req->quarter);
    sqlite3_bind_int(st, 2, req->round);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW && !req->redraw_reason) {
        sc_fail(err, SC_EINPUT,
                "round %d of %s is already drawn (draw %lld, %s); a round is drawn once: "
                "use --redraw REASON to replace it, the old draw is kept",
                req->round, req->quarter, (long long)sqlite3_column_int64(st, 0),
                (const char *)sqlite3_column_text(st, 1));
        sqlite3_reset(st);
        return SC_EINPUT;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return storage_fail(db, err, "looking for an earlier draw");
    if (rc == SQLITE_DONE && req->redraw_reason)
        return sc_fail(err, SC_EINPUT,
                       "round %d of %s has not been drawn: --redraw replaces an existing "
                       "draw; draw it without --redraw",
                       req->round, req->quarter);

    if (!(st = storage_stmt(db, SQL_LATER_DRAWN, err)))
        return SC_ERUNTIME;
    storage_bind_text(st, 1, req->quarter);
    sqlite3_bind_int(st, 2, req->round);
    rc = sqlite3_step(st);
    int later = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL
                    ? sqlite3_column_int(st, 0)
                    : 0;
    sqlite3_reset(st);
    if (later)
        return sc_fail(err, SC_EINPUT,
                       "round %d of %s is already drawn, and its repeats were counted against "
                       "round %d as it stands: round %d cannot be drawn again now",
                       later, req->quarter, req->round, req->round);

    if (!(st = storage_stmt(db, SQL_EARLIER_ROUNDS, err)))
        return SC_ERUNTIME;
    storage_bind_text(st, 1, req->quarter);
    sqlite3_bind_int(st, 2, req->round);
    long ids[SAMPLER_ROUNDS_MAX * 4];
    size_t n = 0;
    int missing = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
            /* an earlier round not drawn blocks this one while its window is open; once its
             * window has closed it was missed, and the quarter goes on without it */
            const char *end = (const char *)sqlite3_column_text(st, 2);
            int y, m, d;
            int closed = end && sscanf(end, "%d-%d-%d", &y, &m, &d) == 3 &&
                         sc_days_from_civil(y, m, d) < sc_day_of(sc_clock_now());
            if (!missing && !closed)
                missing = sqlite3_column_int(st, 0);
        } else if (n < sizeof ids / sizeof ids[0]) {
            ids[n++] = (long)sqlite3_column_int64(st, 1);
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return storage_fail(db, err, "reading the quarter's earlier rounds");
    if (missing)
        return sc_fail(err, SC_EINPUT,
                       "round %d of %s is not drawn yet: the rounds of a quarter are drawn in "
                       "order (repeats are counted against the earlier rounds)",
                       missing, req->quarter);
    *prior_ids = malloc((n ? n : 1) * sizeof **prior_ids);
    if (!*prior_ids)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    memcpy(*prior_ids, ids, n * sizeof ids[0]);
    *nprior = n;
    for (size_t i = 0; i < n; i++)
        if ((rc = sample_codes(db, ids[i], earlier, err)) < 0)
            return rc;
    return SC_OK;
}

static int store_draw(struct storage *db, const struct draw_request *req, long round_id,
                      long import_id, const struct frame_acc *frame,
                      const struct sampler_result *res, const long *prior_ids, size_t nprior,
                      long *draw_id, struct sc_error *err)
{
    char now[32];
    sc_time_format(sc_clock_now(), now);
    sqlite3_stmt *st = storage_stmt(db, SQL_DEACTIVATE, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    if (storage_exec_stmt(db, st, err, "replacing the earlier draw") < 0)
        return SC_ERUNTIME;

    if (!(st = storage_stmt(db, SQL_INSERT_DRAW, err)))
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    storage_bind_text(st, 2, now);
    storage_bind_text(st, 3, req->seed);
    storage_bind_text(st, 4, req->seed_source);
    if (import_id > 0)
        sqlite3_bind_int64(st, 5, import_id);
    else
        sqlite3_bind_null(st, 5);
    storage_bind_text(st, 6, res->frame_hash);
    sqlite3_bind_int64(st, 7, res->frame_size);
    sqlite3_bind_double(st, 8, sampler_rate_value(req->rate_bp));
    sqlite3_bind_int64(st, 9, res->sample_size);
    sqlite3_bind_int64(st, 10, res->repeats);
    sqlite3_bind_int(st, 11, req->stratify ? 1 : 0);
    storage_bind_text(st, 12, res->note[0] ? res->note : NULL);
    storage_bind_text(st, 13, req->redraw_reason);
    if (storage_exec_stmt(db, st, err, "storing the draw") < 0)
        return SC_ERUNTIME;
    *draw_id = (long)sqlite3_last_insert_rowid(db->handle);

    for (size_t i = 0; i < frame->n; i++) {
        if (!(st = storage_stmt(db, SQL_INSERT_FRAME, err)))
            return SC_ERUNTIME;
        sqlite3_bind_int64(st, 1, *draw_id);
        storage_bind_text(st, 2, frame->sites[i].code);
        storage_bind_text(st, 3, frame->sites[i].region);
        storage_bind_text(st, 4, frame->sites[i].type);
        if (storage_exec_stmt(db, st, err, "storing the frame") < 0)
            return SC_ERUNTIME;
    }
    for (size_t i = 0; i < res->npicks; i++) {
        if (!(st = storage_stmt(db, SQL_INSERT_SAMPLE, err)))
            return SC_ERUNTIME;
        sqlite3_bind_int64(st, 1, *draw_id);
        storage_bind_text(st, 2, res->picks[i].code);
        sqlite3_bind_int64(st, 3, res->picks[i].rank);
        storage_bind_text(st, 4, res->picks[i].stratum);
        sqlite3_bind_int(st, 5, res->picks[i].is_repeat);
        if (storage_exec_stmt(db, st, err, "storing the sample") < 0)
            return SC_ERUNTIME;
    }
    for (size_t i = 0; i < nprior; i++) {
        if (!(st = storage_stmt(db, SQL_INSERT_PRIOR, err)))
            return SC_ERUNTIME;
        sqlite3_bind_int64(st, 1, *draw_id);
        sqlite3_bind_int64(st, 2, prior_ids[i]);
        if (storage_exec_stmt(db, st, err, "storing the earlier draws") < 0)
            return SC_ERUNTIME;
    }
    if (!(st = storage_stmt(db, SQL_ROUND_DRAWN, err)))
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    return storage_exec_stmt(db, st, err, "marking the round drawn");
}

int storage_draw_round(struct storage *db, const struct draw_request *req, long *draw_id,
                       struct sc_error *err)
{
    struct frame_acc frame = {0};
    struct str_list earlier = {0};
    struct sampler_result res = {0};
    long *prior_ids = NULL;
    size_t nprior = 0;
    long round_id = 0;

    if (storage_begin(db, err) < 0)
        return SC_ERUNTIME;
    int rc = ensure_rounds(db, req, err);
    if (rc == SC_OK)
        rc = check_drawable(db, req, &round_id, &earlier, &prior_ids, &nprior, err);
    if (rc < 0)
        goto fail;

    struct site_filter filter = {"normal", NULL, 0};
    rc = storage_sites_each(db, &filter, frame_from_site, &frame, err);
    if (rc == SC_ENOMEM)
        sc_fail(err, SC_ENOMEM, "out of memory reading the frame");
    if (rc < 0)
        goto fail;
    if (frame.n == 0) {
        rc = sc_fail(err, SC_EINPUT,
                     "the frame is empty: no listed site is normally running (import the "
                     "registry first: spotcheck import FILE.csv)");
        goto fail;
    }
    long import_id = storage_latest_import_id(db);
    struct sampler_params params = {req->seed, req->rate_bp, req->stratify};
    rc = sampler_draw(frame.sites, frame.n, (const char *const *)earlier.v, earlier.n, &params,
                      &res, err);
    if (rc < 0)
        goto fail;
    rc = store_draw(db, req, round_id, import_id, &frame, &res, prior_ids, nprior, draw_id, err);
    if (rc < 0)
        goto fail;
    rc = storage_commit(db, err);
    if (rc < 0)
        goto fail;
    goto done;
fail:
    storage_rollback(db);
done:
    sampler_result_free(&res);
    frame_acc_free(&frame);
    str_list_free(&earlier);
    free(prior_ids);
    return rc;
}

/* ---- loading ---- */

static char *dup_col(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : storage_column_dup(st, col, 1);
}

static int load_picks(struct storage *db, struct sampler_record *r, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_LOAD_SAMPLE, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, r->id);
    size_t alloc = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (r->npicks == alloc) {
            size_t na = alloc ? 2 * alloc : 32;
            struct sampler_pick *p = realloc(r->picks, na * sizeof *p);
            if (!p)
                goto oom;
            r->picks = p;
            alloc = na;
        }
        struct sampler_pick *p = &r->picks[r->npicks++];
        memset(p, 0, sizeof *p);
        p->code = storage_column_dup(st, 0, 1);
        p->url = storage_column_dup(st, 1, 1);
        p->rank = (long)sqlite3_column_int64(st, 2);
        p->stratum = storage_column_dup(st, 3, 1);
        p->is_repeat = sqlite3_column_int(st, 4);
        if (!p->code || !p->url || !p->stratum)
            goto oom;
        if (sampler_rank_key(r->seed, p->code, p->key, NULL) < 0)
            p->key[0] = '\0';
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "reading a sample");
oom:
    sqlite3_reset(st);
    return sc_fail(err, SC_ENOMEM, "out of memory reading a sample");
}

static int load_frame(struct storage *db, struct sampler_record *r, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_LOAD_FRAME, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, r->id);
    struct frame_acc f = {0};
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (frame_acc_add(&f, (const char *)sqlite3_column_text(st, 0),
                          (const char *)sqlite3_column_text(st, 1),
                          (const char *)sqlite3_column_text(st, 2),
                          (const char *)sqlite3_column_text(st, 3)) < 0) {
            sqlite3_reset(st);
            frame_acc_free(&f);
            return sc_fail(err, SC_ENOMEM, "out of memory reading a frame");
        }
    }
    sqlite3_reset(st);
    r->frame = f.sites;
    r->nframe = f.n;
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "reading a frame");
}

static int load_priors(struct storage *db, struct sampler_record *r, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_LOAD_PRIORS, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, r->id);
    long ids[SAMPLER_ROUNDS_MAX * 4];
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (n < sizeof ids / sizeof ids[0])
            ids[n++] = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return storage_fail(db, err, "reading the earlier draws");
    if (!(r->prior_ids = malloc((n ? n : 1) * sizeof *r->prior_ids)))
        return sc_fail(err, SC_ENOMEM, "out of memory");
    memcpy(r->prior_ids, ids, n * sizeof ids[0]);
    r->nprior = n;
    struct str_list l = {0};
    for (size_t i = 0; i < n; i++) {
        if ((rc = sample_codes(db, ids[i], &l, err)) < 0) {
            str_list_free(&l);
            return rc;
        }
    }
    r->earlier = l.v;
    r->nearlier = l.n;
    return SC_OK;
}

int storage_draw_load(struct storage *db, long draw_id, struct sampler_record *r,
                      struct sc_error *err)
{
    memset(r, 0, sizeof *r);
    sqlite3_stmt *st = storage_stmt(db, SQL_LOAD_DRAW, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, draw_id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        if (rc == SQLITE_DONE)
            return sc_fail(err, SC_ENOTFOUND, "there is no draw %ld", draw_id);
        return storage_fail(db, err, "reading a draw");
    }
    r->id = (long)sqlite3_column_int64(st, 0);
    snprintf(r->quarter, sizeof r->quarter, "%s", (const char *)sqlite3_column_text(st, 1));
    r->round = sqlite3_column_int(st, 2);
    r->drawn_at = storage_column_dup(st, 3, 1);
    r->seed = storage_column_dup(st, 4, 1);
    r->seed_source = storage_column_dup(st, 5, 1);
    r->import_id = (long)sqlite3_column_int64(st, 6);
    r->frame_hash = storage_column_dup(st, 7, 1);
    r->frame_size = (long)sqlite3_column_int64(st, 8);
    r->rate_bp = sampler_rate_bp(sqlite3_column_double(st, 9));
    r->sample_size = (long)sqlite3_column_int64(st, 10);
    r->repeats = (long)sqlite3_column_int64(st, 11);
    r->stratified = sqlite3_column_int(st, 12);
    r->note = dup_col(st, 13);
    r->active = sqlite3_column_int(st, 14);
    r->redraw_reason = dup_col(st, 15);
    sqlite3_reset(st);
    if (!r->drawn_at || !r->seed || !r->seed_source || !r->frame_hash) {
        sampler_record_free(r);
        return sc_fail(err, SC_ENOMEM, "out of memory reading a draw");
    }
    rc = load_picks(db, r, err);
    if (rc == SC_OK)
        rc = load_frame(db, r, err);
    if (rc == SC_OK)
        rc = load_priors(db, r, err);
    if (rc < 0)
        sampler_record_free(r);
    return rc;
}

int storage_draw_load_active(struct storage *db, const char *quarter, int round,
                             struct sampler_record *out, struct sc_error *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = storage_stmt(db, SQL_ACTIVE_DRAW, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 1, quarter);
    sqlite3_bind_int(st, 2, round);
    int rc = sqlite3_step(st);
    long id = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return storage_fail(db, err, "looking for a draw");
    if (!id)
        return sc_fail(err, SC_ENOTFOUND, "round %d of %s is not drawn", round, quarter);
    return storage_draw_load(db, id, out, err);
}

int storage_rounds_each(struct storage *db, const char *quarter,
                        int (*cb)(const struct round_row *row, void *ud), void *ud,
                        struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_ROUNDS, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 1, quarter);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct round_row row = {
            (long)sqlite3_column_int64(st, 0),        sqlite3_column_int(st, 1),
            (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
            (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
            (long)sqlite3_column_int64(st, 6),        (long)sqlite3_column_int64(st, 7),
        };
        int r = cb(&row, ud);
        if (r) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "listing rounds");
}

/* rechecks: re-checks of suspected links — due, recorded, counted and applied (see
 * rechecks.h). */
#include "storage/rechecks.h"
#include "common/clock.h"
#include "storage/internal.h"

#include <stdlib.h>
#include <string.h>

/* The pending re-checks: suspected links not yet decided, of crawls of a round not yet
 * judged, with n attempts stored and the moment the next is due (?1 = after_seconds). The
 * primary key (link_id, attempt) answers both subqueries; links_suspected finds the links. */
#define PENDING_SELECT                                                                             \
    "SELECT l.id AS id, l.url AS url, c.id AS crawl_id, c.round_id AS round_id, "                  \
    "c.site_code AS site_code, "                                                                   \
    "coalesce((SELECT max(k.attempt) FROM link_rechecks k WHERE k.link_id=l.id), 0) AS n, "        \
    "CAST(strftime('%s', coalesce((SELECT k.checked_at FROM link_rechecks k WHERE "                \
    "k.link_id=l.id ORDER BY k.attempt DESC LIMIT 1), c.finished_at, c.started_at)) AS INTEGER) "  \
    "+ ?1 AS due "                                                                                 \
    "FROM links l JOIN crawls c ON c.id=l.crawl_id JOIN rounds r ON r.id=c.round_id "              \
    "WHERE l.result='suspected' AND l.recheck_state IS NULL "                                      \
    "AND r.state NOT IN ('finalised', 'published')"

static const char SQL_DUE[] = "SELECT id, url, crawl_id, round_id, site_code, n, due FROM "
                              "(" PENDING_SELECT ") WHERE n < ?2 AND due <= ?3 ORDER BY due, id";
static const char SQL_NEXT_DUE[] =
    "SELECT min(due) FROM (" PENDING_SELECT ") WHERE n < ?2 AND due IS NOT NULL";
static const char SQL_ROUND_PENDING[] =
    "SELECT count(*) FROM (" PENDING_SELECT " AND c.round_id=?3) WHERE n < ?2";

static const char SQL_LINK_STATE[] =
    "SELECT l.result, l.recheck_state, "
    "coalesce((SELECT max(k.attempt) FROM link_rechecks k WHERE k.link_id=l.id), 0), "
    "EXISTS(SELECT 1 FROM link_rechecks k WHERE k.link_id=l.id AND k.attempt=?2) "
    "FROM links l WHERE l.id=?1 AND l.crawl_id=?3";
static const char SQL_INSERT_ATTEMPT[] =
    "INSERT INTO link_rechecks(link_id, attempt, checked_at, result, status, error, final_url) "
    "VALUES(?,?,?,?,?,?,?)";
static const char SQL_SET_STATE[] = "UPDATE links SET recheck_state=? WHERE id=?";

/* A crawl's suspected links with their outcome and last attempt, in the order they were
 * stored (the order storage_crawl_load_id gives them). */
static const char SQL_OUTCOMES[] =
    "SELECT l.url, l.found_on, l.recheck_state, k.attempt, k.status, k.error, k.final_url "
    "FROM links l LEFT JOIN link_rechecks k ON k.link_id=l.id AND k.attempt="
    "(SELECT max(j.attempt) FROM link_rechecks j WHERE j.link_id=l.id) "
    "WHERE l.crawl_id=?1 AND l.result='suspected' ORDER BY l.id";

#define ROWS_SELECT                                                                                \
    "SELECT l.id, l.url, l.found_on, l.recheck_state, k.attempt, k.checked_at, k.result, "         \
    "k.status, k.error, k.final_url FROM link_rechecks k JOIN links l ON l.id=k.link_id "
static const char SQL_ROWS_CRAWL[] = ROWS_SELECT "WHERE l.crawl_id=?1 ORDER BY l.id, k.attempt";
static const char SQL_ROWS_LINK[] = ROWS_SELECT "WHERE l.id=?1 ORDER BY k.attempt";

const char *recheck_state_name(enum recheck_state s)
{
    switch (s) {
    case RECHECK_CLEARED:
        return "cleared";
    case RECHECK_CONFIRMED:
        return "confirmed";
    default:
        return "pending";
    }
}

static enum recheck_state state_of(const char *text)
{
    if (text && strcmp(text, "cleared") == 0)
        return RECHECK_CLEARED;
    if (text && strcmp(text, "confirmed") == 0)
        return RECHECK_CONFIRMED;
    return RECHECK_PENDING;
}

static int bad_limits(long after_seconds, int max_attempts, struct sc_error *err)
{
    if (after_seconds < 0 || max_attempts < 0)
        return sc_fail(err, SC_EINPUT,
                       "re-checks: after_seconds (%ld) and max_attempts (%d) "
                       "must not be negative",
                       after_seconds, max_attempts);
    return SC_OK;
}

/* ---- what is due ---- */

int storage_rechecks_due_each(struct storage *db, time_t now, long after_seconds, int max_attempts,
                              int (*cb)(const struct recheck_due *d, void *ud), void *ud,
                              struct sc_error *err)
{
    int rc = bad_limits(after_seconds, max_attempts, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *st = storage_stmt(db, SQL_DUE, err);
    if (!st)
        return db->error ? db->error : SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, after_seconds);
    sqlite3_bind_int(st, 2, max_attempts);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct recheck_due d = {
            .link_id = (long)sqlite3_column_int64(st, 0),
            .url = (const char *)sqlite3_column_text(st, 1),
            .crawl_id = (long)sqlite3_column_int64(st, 2),
            .round_id = (long)sqlite3_column_int64(st, 3),
            .site_code = (const char *)sqlite3_column_text(st, 4),
            .attempt = sqlite3_column_int(st, 5) + 1,
            .due_at = (time_t)sqlite3_column_int64(st, 6),
        };
        if (!d.url || !d.site_code) { /* NOT NULL columns: only a failed copy gives NULL */
            sqlite3_reset(st);
            return sc_fail(err, SC_ENOMEM, "out of memory listing the re-checks due");
        }
        int r = cb(&d, ud);
        if (r) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "listing the re-checks due");
}

int storage_rechecks_next_due(struct storage *db, long after_seconds, int max_attempts, time_t *at,
                              struct sc_error *err)
{
    int rc = bad_limits(after_seconds, max_attempts, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *st = storage_stmt(db, SQL_NEXT_DUE, err);
    if (!st)
        return db->error ? db->error : SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, after_seconds);
    sqlite3_bind_int(st, 2, max_attempts);
    rc = sqlite3_step(st);
    int none = rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_NULL;
    if (rc == SQLITE_ROW && !none)
        *at = (time_t)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return storage_fail(db, err, "finding the next re-check due");
    if (none)
        return sc_fail(err, SC_ENOTFOUND, "no re-check is pending");
    return SC_OK;
}

long storage_round_rechecks_pending(struct storage *db, long round_id, int max_attempts)
{
    if (max_attempts < 0)
        return -1;
    sqlite3_stmt *st = storage_stmt(db, SQL_ROUND_PENDING, NULL);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, 0); /* the due moment plays no part */
    sqlite3_bind_int(st, 2, max_attempts);
    sqlite3_bind_int64(st, 3, round_id);
    long n = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return n;
}

/* ---- recording an attempt ---- */

/* Everything of storage_recheck_record inside its transaction. */
static int record(struct storage *db, const struct recheck_attempt *a, int max_attempts,
                  enum recheck_state *state, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_LINK_STATE, err);
    if (!st)
        return db->error ? db->error : SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, a->link_id);
    sqlite3_bind_int(st, 2, a->attempt);
    sqlite3_bind_int64(st, 3, a->crawl_id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        if (rc == SQLITE_DONE)
            return sc_fail(err, SC_ENOTFOUND,
                           "re-check of link %ld: no such link in crawl %ld (the crawl was "
                           "replaced?)",
                           a->link_id, a->crawl_id);
        return storage_fail(db, err, "reading a link's re-checks");
    }
    const char *result = (const char *)sqlite3_column_text(st, 0);
    int suspected = result && strcmp(result, "suspected") == 0;
    enum recheck_state now = state_of((const char *)sqlite3_column_text(st, 1));
    int decided = sqlite3_column_type(st, 1) != SQLITE_NULL;
    int stored = sqlite3_column_int(st, 2);
    int exists = sqlite3_column_int(st, 3);
    sqlite3_reset(st);
    *state = now;
    if (exists || (suspected && decided))
        return SC_OK; /* done before: a redo after a crash, or a late answer */
    if (!suspected)
        return sc_fail(err, SC_EINPUT, "re-check of link %ld: the link is not suspected",
                       a->link_id);
    if (a->attempt != stored + 1 || a->attempt > max_attempts)
        return sc_fail(err, SC_EINPUT,
                       "re-check of link %ld: attempt %d, but %d stored and at most %d allowed",
                       a->link_id, a->attempt, stored, max_attempts);

    char checked[32];
    sc_time_format(a->checked_at, checked);
    if (!(st = storage_stmt(db, SQL_INSERT_ATTEMPT, err)))
        return db->error ? db->error : SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, a->link_id);
    sqlite3_bind_int(st, 2, a->attempt);
    storage_bind_text(st, 3, checked);
    storage_bind_text(st, 4, link_result_name(a->result));
    if (a->status)
        sqlite3_bind_int(st, 5, a->status);
    storage_bind_text(st, 6, a->error);
    storage_bind_text(st, 7, a->final_url);
    if ((rc = storage_binds_ok(db, err)) < 0 ||
        (rc = storage_exec_stmt(db, st, err, "storing a re-check")) < 0)
        return rc;

    enum recheck_state next = RECHECK_PENDING;
    if (a->result == LINK_OK)
        next = RECHECK_CLEARED;
    else if (a->result == LINK_BROKEN || a->attempt >= max_attempts)
        next = RECHECK_CONFIRMED;
    if (next != RECHECK_PENDING) {
        if (!(st = storage_stmt(db, SQL_SET_STATE, err)))
            return db->error ? db->error : SC_ERUNTIME;
        storage_bind_text(st, 1, recheck_state_name(next));
        sqlite3_bind_int64(st, 2, a->link_id);
        if ((rc = storage_binds_ok(db, err)) < 0 ||
            (rc = storage_exec_stmt(db, st, err, "storing a link's re-check state")) < 0)
            return rc;
    }
    *state = next;
    return SC_OK;
}

int storage_recheck_record(struct storage *db, const struct recheck_attempt *a, int max_attempts,
                           enum recheck_state *state, struct sc_error *err)
{
    enum recheck_state ignored;
    if (!a || a->attempt < 1 || max_attempts < 1)
        return sc_fail(err, SC_EINPUT,
                       "recording a re-check needs an attempt >= 1 and "
                       "max_attempts >= 1");
    int rc = storage_begin(db, err);
    if (rc < 0)
        return rc;
    rc = record(db, a, max_attempts, state ? state : &ignored, err);
    if (rc == SC_OK)
        rc = storage_commit(db, err);
    if (rc < 0)
        storage_rollback(db);
    return rc;
}

/* ---- applying the outcomes to a report ---- */

static int same(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

/* The report's first suspected link not yet taken with this url and found_on, looking from
 * *cursor on and then from the start (the two lists are in the same order, so the first look
 * finds it at once); -1 when none. */
static long match_link(const struct site_report *r, const unsigned char *taken, size_t *cursor,
                       const char *url, const char *found_on)
{
    for (size_t k = 0; k < r->nlinks; k++) {
        size_t i = (*cursor + k) % r->nlinks;
        const struct link_record *l = &r->links[i];
        if (!taken[i] && l->result == LINK_SUSPECTED && same(l->url, url) &&
            same(l->found_on, found_on)) {
            *cursor = i + 1;
            return (long)i;
        }
    }
    return -1;
}

static char *dup_or_null(const char *s, int *failed)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *failed = 1;
    return d;
}

/* Gives link l the outcome of its last attempt: result, status, error, final URL (and drops
 * a redirect chain that no longer ends there). 0 or SC_ENOMEM with l unchanged. */
static int link_take(struct link_record *l, enum link_result result, int status, const char *error,
                     const char *final_url)
{
    int failed = 0;
    char *e = dup_or_null(error, &failed);
    char *f = dup_or_null(final_url, &failed);
    if (failed) {
        free(e);
        free(f);
        return SC_ENOMEM;
    }
    free(l->error);
    free(l->final_url);
    l->error = e;
    l->final_url = f;
    l->result = result;
    l->status = status;
    if (l->nredirects && !same(l->redirects[l->nredirects - 1], f)) {
        for (size_t i = 0; i < l->nredirects; i++)
            free(l->redirects[i]);
        free(l->redirects);
        l->redirects = NULL;
        l->nredirects = 0;
    }
    return SC_OK;
}

int storage_rechecks_apply(struct storage *db, long crawl_id, int max_attempts,
                           struct site_report *r, size_t *changed, struct sc_error *err)
{
    size_t nchanged = 0;
    if (changed)
        *changed = 0;
    unsigned char *taken = calloc(r->nlinks ? r->nlinks : 1, 1);
    if (!taken)
        return sc_fail(err, SC_ENOMEM, "out of memory applying the re-checks of crawl %ld",
                       crawl_id);
    sqlite3_stmt *st = storage_stmt(db, SQL_OUTCOMES, err);
    if (!st) {
        free(taken);
        return db->error ? db->error : SC_ERUNTIME;
    }
    sqlite3_bind_int64(st, 1, crawl_id);
    size_t cursor = 0;
    int rc = SC_OK, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        long i = r->nlinks ? match_link(r, taken, &cursor, (const char *)sqlite3_column_text(st, 0),
                                        (const char *)sqlite3_column_text(st, 1))
                           : -1;
        if (i < 0)
            continue;
        taken[i] = 1;
        enum recheck_state s = state_of((const char *)sqlite3_column_text(st, 2));
        int attempts = sqlite3_column_type(st, 3) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 3);
        if (s == RECHECK_PENDING && attempts > 0 && max_attempts > 0 && attempts >= max_attempts)
            s = RECHECK_CONFIRMED; /* every allowed attempt failed (the limit was lowered) */
        if (s == RECHECK_PENDING || attempts == 0)
            continue;
        rc = link_take(&r->links[i], s == RECHECK_CLEARED ? LINK_OK : LINK_BROKEN,
                       sqlite3_column_int(st, 4), (const char *)sqlite3_column_text(st, 5),
                       (const char *)sqlite3_column_text(st, 6));
        if (rc < 0)
            break;
        nchanged++;
    }
    sqlite3_reset(st);
    free(taken);
    if (changed)
        *changed = nchanged;
    if (rc < 0)
        return sc_fail(err, rc, "out of memory applying the re-checks of crawl %ld", crawl_id);
    if (step != SQLITE_DONE)
        return storage_fail(db, err, "reading a crawl's re-checks");
    return SC_OK;
}

/* ---- the evidence ---- */

int storage_rechecks_each(struct storage *db, long crawl_id, long link_id,
                          int (*cb)(const struct recheck_row *row, void *ud), void *ud,
                          struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, link_id ? SQL_ROWS_LINK : SQL_ROWS_CRAWL, err);
    if (!st)
        return db->error ? db->error : SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, link_id ? link_id : crawl_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct recheck_row row = {
            .link_id = (long)sqlite3_column_int64(st, 0),
            .url = (const char *)sqlite3_column_text(st, 1),
            .found_on = (const char *)sqlite3_column_text(st, 2),
            .state = (const char *)sqlite3_column_text(st, 3),
            .attempt = sqlite3_column_int(st, 4),
            .checked_at = (const char *)sqlite3_column_text(st, 5),
            .result = (const char *)sqlite3_column_text(st, 6),
            .status = sqlite3_column_int(st, 7),
            .error = (const char *)sqlite3_column_text(st, 8),
            .final_url = (const char *)sqlite3_column_text(st, 9),
        };
        int r = cb(&row, ud);
        if (r) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "listing a link's re-checks");
}

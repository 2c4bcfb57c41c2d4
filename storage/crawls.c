/* crawls: storing a site's crawl with everything its report found, and reading it back
 * (see crawls.h). */
#include "storage/crawls.h"
#include "common/clock.h"
#include "storage/crawl_guides.h"
#include "storage/evidence.h"
#include "storage/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_SITE_EXISTS[] = "SELECT 1 FROM sites WHERE code=?";
static const char SQL_ROUND_EXISTS[] = "SELECT 1 FROM rounds WHERE id=?";
/* The crawls table's partial unique index makes this the one crawl of the round and site;
 * its links, redirects, columns, sections and defects go with it (ON DELETE CASCADE). */
static const char SQL_DELETE_ROUND_CRAWL[] = "DELETE FROM crawls WHERE round_id=? AND site_code=?";
/* Taken before a replace deletes the old crawl, so its id is never given to another one (the
 * table's INTEGER PRIMARY KEY alone would reuse the largest id once deleted). */
static const char SQL_NEXT_CRAWL_ID[] = "SELECT coalesce(max(id), 0) + 1 FROM crawls";
static const char SQL_INSERT_CRAWL[] =
    "INSERT INTO crawls(id, round_id, site_code, started_at, finished_at, reachable, "
    "unreachable_error, pages_crawled, links_checked, homepage_analysed, homepage_latest, "
    "homepage_stale, d14, d90, d365, median_gap_days, url, expected_code, site_code_shown, "
    "site_code_matches, icp, police_record, sponsor, has_party_badge, has_error_report, "
    "has_search, score, verdict, report_json) "
    "VALUES(?29,?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,"
    "?24,?25,?26,?27,?28)";
static const char SQL_INSERT_LINK[] =
    "INSERT INTO links(crawl_id, url, found_on, anchor, on_homepage, result, status, error, "
    "final_url) VALUES(?,?,?,?,?,?,?,?,?)";
static const char SQL_INSERT_REDIRECT[] =
    "INSERT INTO link_redirects(link_id, hop, url) VALUES(?,?,?)";
static const char SQL_INSERT_COLUMN[] =
    "INSERT INTO column_observations(crawl_id, name, url, category, latest, items, "
    "undated_items, blank, stale, limit_days, d14, d90, d365, median_gap_days, found_in) "
    "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
static const char SQL_INSERT_SECTION[] =
    "INSERT INTO crawl_sections(crawl_id, name, present, url, required) VALUES(?,?,?,?,?)";
static const char SQL_INSERT_DEFECT[] =
    "INSERT INTO defects(crawl_id, kind, severity, url, detail, points) VALUES(?,?,?,?,?,?)";

/* the interaction probe's findings (migration 12) */
static const char SQL_SET_INTERACTION[] = "UPDATE crawls SET interaction_analysed=? WHERE id=?";
static const char SQL_INSERT_CHANNEL[] =
    "INSERT INTO crawl_channels(crawl_id, name, url, works, messages_seen, answered, "
    "median_response_days) VALUES(?,?,?,?,?,?,?)";
static const char SQL_INSERT_UNANSWERED[] =
    "INSERT INTO unanswered_messages(crawl_id, url, title, asked) VALUES(?,?,?,?)";
static const char SQL_SELECT_INTERACTION[] = "SELECT interaction_analysed FROM crawls WHERE id=?";
/* a navigation-only homepage and the page its newest item is on (migration 13) */
static const char SQL_SET_HOMEPAGE_MODE[] =
    "UPDATE crawls SET homepage_navigation=?, homepage_latest_url=? WHERE id=?";
static const char SQL_SELECT_HOMEPAGE_MODE[] =
    "SELECT homepage_navigation, homepage_latest_url FROM crawls WHERE id=?";
static const char SQL_SELECT_CHANNELS[] =
    "SELECT name, url, works, messages_seen, answered, median_response_days FROM crawl_channels "
    "WHERE crawl_id=? ORDER BY id";
static const char SQL_SELECT_UNANSWERED[] =
    "SELECT url, title, asked FROM unanswered_messages WHERE crawl_id=? ORDER BY id";

static const char SQL_FIND_ROUND[] = "SELECT id FROM crawls WHERE round_id=? AND site_code=?";
static const char SQL_FIND_NONE[] =
    "SELECT id FROM crawls WHERE round_id IS NULL AND site_code=? ORDER BY id DESC LIMIT 1";
static const char SQL_SELECT_CRAWL[] =
    "SELECT round_id, site_code, started_at, finished_at, reachable, unreachable_error, "
    "pages_crawled, links_checked, homepage_analysed, homepage_latest, homepage_stale, d14, d90, "
    "d365, median_gap_days, url, expected_code, site_code_shown, site_code_matches, icp, "
    "police_record, sponsor, has_party_badge, has_error_report, has_search, score, verdict, "
    "report_json FROM crawls WHERE id=?";
static const char SQL_SELECT_LINKS[] =
    "SELECT id, url, found_on, anchor, on_homepage, result, status, error, final_url "
    "FROM links WHERE crawl_id=? ORDER BY id";
static const char SQL_SELECT_REDIRECTS[] =
    "SELECT r.link_id, r.url FROM link_redirects r JOIN links l ON l.id=r.link_id "
    "WHERE l.crawl_id=? ORDER BY r.link_id, r.hop";
static const char SQL_SELECT_COLUMNS[] =
    "SELECT name, url, category, latest, items, undated_items, blank, stale, limit_days, d14, "
    "d90, d365, median_gap_days, found_in FROM column_observations WHERE crawl_id=? ORDER BY id";
static const char SQL_SELECT_SECTIONS[] =
    "SELECT name, present, url, required FROM crawl_sections WHERE crawl_id=? ORDER BY id";
static const char SQL_SELECT_DEFECTS[] = "SELECT kind, severity, url, detail, points FROM defects "
                                         "WHERE crawl_id=? AND stage='crawl' ORDER BY id";

/* Two of each: the partial unique index on (round_id, site_code) serves round_id=?, not
 * round_id IS ?. */
#define CRAWL_ROW_SELECT                                                                           \
    "SELECT c.id, c.site_code, c.started_at, c.finished_at, c.reachable, c.score, c.verdict, "     \
    "(SELECT count(*) FROM defects d WHERE d.crawl_id=c.id AND d.stage='crawl'), "                 \
    "(SELECT count(*) FROM defects d WHERE d.crawl_id=c.id AND d.stage='crawl' AND "               \
    "d.severity='veto') "                                                                          \
    "FROM crawls c "
static const char SQL_ROUND_CRAWLS[] =
    CRAWL_ROW_SELECT "WHERE c.round_id=?1 ORDER BY c.site_code, c.id";
static const char SQL_NONE_CRAWLS[] =
    CRAWL_ROW_SELECT "WHERE c.round_id IS NULL ORDER BY c.site_code, c.id";
static const char SQL_ROUND_COUNT[] = "SELECT count(*) FROM crawls WHERE round_id=?1";
static const char SQL_NONE_COUNT[] = "SELECT count(*) FROM crawls WHERE round_id IS NULL";

/* ---- values: the report's enums and days as the database's text ---- */

static void bind_day(sqlite3_stmt *st, int idx, long day)
{
    char text[16];
    if (day == SC_NO_DAY) {
        sqlite3_bind_null(st, idx);
        return;
    }
    sc_day_format(day, text);
    sqlite3_bind_text(st, idx, text, -1, SQLITE_TRANSIENT);
}

static void bind_updates(sqlite3_stmt *st, int idx, const struct column_updates *u)
{
    sqlite3_bind_int(st, idx, u->d14);
    sqlite3_bind_int(st, idx + 1, u->d90);
    sqlite3_bind_int(st, idx + 2, u->d365);
    if (u->median_gap_days < 0)
        sqlite3_bind_null(st, idx + 3);
    else
        sqlite3_bind_double(st, idx + 3, u->median_gap_days);
}

static void bind_int_or_null(sqlite3_stmt *st, int idx, int v, int null_value)
{
    if (v == null_value)
        sqlite3_bind_null(st, idx);
    else
        sqlite3_bind_int(st, idx, v);
}

/* A stored "YYYY-MM-DD" as a day number; NULL (or anything else) is SC_NO_DAY. */
static long column_day(sqlite3_stmt *st, int col)
{
    const char *text = (const char *)sqlite3_column_text(st, col);
    time_t t;
    if (!text || strlen(text) != 10 || sc_time_parse(text, &t) < 0)
        return SC_NO_DAY;
    return sc_day_of(t);
}

static void column_updates(sqlite3_stmt *st, int col, struct column_updates *u)
{
    u->d14 = sqlite3_column_int(st, col);
    u->d90 = sqlite3_column_int(st, col + 1);
    u->d365 = sqlite3_column_int(st, col + 2);
    u->median_gap_days =
        sqlite3_column_type(st, col + 3) == SQLITE_NULL ? -1 : sqlite3_column_double(st, col + 3);
}

/* The enum value whose name(i) is text, for i in [0, n); -1 when none is. */
static int enum_of(const char *text, int n, const char *(*name)(int))
{
    for (int i = 0; text && i < n; i++)
        if (strcmp(name(i), text) == 0)
            return i;
    return -1;
}
static const char *result_name(int i)
{
    return link_result_name((enum link_result)i);
}
static const char *category_name(int i)
{
    return column_category_name((enum column_category)i);
}
static const char *severity_name(int i)
{
    return defect_severity_name((enum defect_severity)i);
}

static int unknown_value(struct sc_error *err, long crawl_id, const char *what, const char *text)
{
    return sc_fail(err, SC_ERUNTIME, "crawl %ld: the database holds %s '%s', unknown to this build",
                   crawl_id, what, text ? text : "(null)");
}

/* ---- saving ---- */

int storage_crawl_keeps_link(const struct link_record *l)
{
    return l->result == LINK_BROKEN || l->result == LINK_SUSPECTED || l->on_homepage;
}

/* 1 when the row `sql` looks for with key exists, 0 when not, <0 on failure. */
static int row_exists(struct storage *db, const char *sql, const char *text_key, long int_key,
                      struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, sql, err);
    if (!st)
        return SC_ERUNTIME;
    if (text_key)
        storage_bind_text(st, 1, text_key);
    else
        sqlite3_bind_int64(st, 1, int_key);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : storage_fail(db, err, "looking up a crawl's site or round");
}

static int insert_crawl(struct storage *db, long id, long round_id, const char *site_code,
                        time_t started_at, time_t finished_at, const struct site_report *r,
                        const char *report_json, struct sc_error *err)
{
    char started[32], finished[32];
    sqlite3_stmt *st = storage_stmt(db, SQL_INSERT_CRAWL, err);
    if (!st)
        return SC_ERUNTIME;
    const struct site_identity *ident = &r->identity;
    sqlite3_bind_int64(st, 29, id);
    if (round_id)
        sqlite3_bind_int64(st, 1, round_id);
    storage_bind_text(st, 2, site_code);
    sc_time_format(started_at, started);
    storage_bind_text(st, 3, started);
    if (finished_at) {
        sc_time_format(finished_at, finished);
        storage_bind_text(st, 4, finished);
    }
    sqlite3_bind_int(st, 5, r->reachable);
    storage_bind_text(st, 6, r->unreachable_error);
    sqlite3_bind_int(st, 7, r->pages_crawled);
    sqlite3_bind_int(st, 8, r->links_checked);
    sqlite3_bind_int(st, 9, r->homepage_analysed);
    bind_day(st, 10, r->homepage_latest);
    sqlite3_bind_int(st, 11, r->homepage_stale);
    bind_updates(st, 12, &r->updates);
    storage_bind_text(st, 16, r->url);
    storage_bind_text(st, 17, r->expected_code);
    storage_bind_text(st, 18, ident->site_code);
    bind_int_or_null(st, 19, ident->site_code_matches, -1);
    storage_bind_text(st, 20, ident->icp);
    storage_bind_text(st, 21, ident->police_record);
    storage_bind_text(st, 22, ident->sponsor);
    sqlite3_bind_int(st, 23, ident->has_party_badge);
    sqlite3_bind_int(st, 24, ident->has_error_report);
    sqlite3_bind_int(st, 25, ident->has_search);
    if (r->judged) {
        sqlite3_bind_double(st, 26, r->score);
        storage_bind_text(st, 27, r->verdict_pass ? "pass" : "fail");
    }
    storage_bind_text(st, 28, report_json);
    return storage_exec_stmt(db, st, err, "storing a crawl");
}

static int insert_link(struct storage *db, long crawl_id, const struct link_record *l,
                       struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_INSERT_LINK, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    storage_bind_text(st, 2, l->url);
    storage_bind_text(st, 3, l->found_on);
    storage_bind_text(st, 4, l->anchor ? l->anchor : "");
    sqlite3_bind_int(st, 5, l->on_homepage);
    storage_bind_text(st, 6, link_result_name(l->result));
    bind_int_or_null(st, 7, l->status, 0);
    storage_bind_text(st, 8, l->error);
    storage_bind_text(st, 9, l->final_url);
    int rc = storage_exec_stmt(db, st, err, "storing a link");
    if (rc < 0)
        return rc;
    long link_id = (long)sqlite3_last_insert_rowid(db->handle);
    for (size_t k = 0; k < l->nredirects; k++) {
        if (!(st = storage_stmt(db, SQL_INSERT_REDIRECT, err)))
            return SC_ERUNTIME;
        sqlite3_bind_int64(st, 1, link_id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)k + 1);
        storage_bind_text(st, 3, l->redirects[k]);
        if ((rc = storage_exec_stmt(db, st, err, "storing a link's redirect")) < 0)
            return rc;
    }
    return SC_OK;
}

static int insert_column(struct storage *db, long crawl_id, const struct column_record *c,
                         struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_INSERT_COLUMN, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    storage_bind_text(st, 2, c->name);
    storage_bind_text(st, 3, c->url);
    storage_bind_text(st, 4, column_category_name(c->category));
    bind_day(st, 5, c->latest);
    sqlite3_bind_int(st, 6, c->items);
    sqlite3_bind_int(st, 7, c->undated_items);
    sqlite3_bind_int(st, 8, c->blank);
    sqlite3_bind_int(st, 9, c->stale);
    sqlite3_bind_int(st, 10, c->limit_days);
    bind_updates(st, 11, &c->updates);
    storage_bind_text(st, 15, column_found_in_name(c->found_in));
    return storage_exec_stmt(db, st, err, "storing a column");
}

static int insert_section(struct storage *db, long crawl_id, const struct section_record *s,
                          struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_INSERT_SECTION, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    storage_bind_text(st, 2, s->name);
    sqlite3_bind_int(st, 3, s->present);
    storage_bind_text(st, 4, s->url);
    sqlite3_bind_int(st, 5, s->required);
    return storage_exec_stmt(db, st, err, "storing a section");
}

static int insert_defect(struct storage *db, long crawl_id, const struct defect_record *d,
                         struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_INSERT_DEFECT, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    storage_bind_text(st, 2, d->kind);
    storage_bind_text(st, 3, defect_severity_name(d->severity));
    storage_bind_text(st, 4, d->url);
    storage_bind_text(st, 5, d->detail);
    sqlite3_bind_double(st, 6, d->points);
    return storage_exec_stmt(db, st, err, "storing a defect");
}

/* Whether the homepage was judged as a navigation entry, and where its newest item is. */
static int insert_homepage_mode(struct storage *db, long crawl_id, const struct site_report *r,
                                struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_SET_HOMEPAGE_MODE, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int(st, 1, r->homepage_navigation != 0);
    storage_bind_text(st, 2, r->homepage_latest_url);
    sqlite3_bind_int64(st, 3, crawl_id);
    return storage_exec_stmt(db, st, err, "storing the homepage's mode");
}

/* The interaction probe's findings: the flag, the channels, the unanswered messages. */
static int insert_interaction(struct storage *db, long crawl_id, const struct site_report *r,
                              struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_SET_INTERACTION, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int(st, 1, r->interaction_analysed);
    sqlite3_bind_int64(st, 2, crawl_id);
    int rc = storage_exec_stmt(db, st, err, "storing the interaction probe");
    for (size_t i = 0; rc >= 0 && i < r->nchannels; i++) {
        const struct interaction_channel *c = &r->channels[i];
        if (!(st = storage_stmt(db, SQL_INSERT_CHANNEL, err)))
            return SC_ERUNTIME;
        sqlite3_bind_int64(st, 1, crawl_id);
        storage_bind_text(st, 2, c->name);
        storage_bind_text(st, 3, c->url);
        bind_int_or_null(st, 4, c->works, -1);
        sqlite3_bind_int(st, 5, c->messages_seen);
        sqlite3_bind_int(st, 6, c->answered);
        if (c->median_response_days < 0)
            sqlite3_bind_null(st, 7);
        else
            sqlite3_bind_double(st, 7, c->median_response_days);
        rc = storage_exec_stmt(db, st, err, "storing a consultation channel");
    }
    for (size_t i = 0; rc >= 0 && i < r->nunanswered; i++) {
        const struct unanswered_message *m = &r->unanswered[i];
        if (!(st = storage_stmt(db, SQL_INSERT_UNANSWERED, err)))
            return SC_ERUNTIME;
        sqlite3_bind_int64(st, 1, crawl_id);
        storage_bind_text(st, 2, m->url);
        storage_bind_text(st, 3, m->title);
        bind_day(st, 4, m->asked);
        rc = storage_exec_stmt(db, st, err, "storing an unanswered message");
    }
    return rc < 0 ? rc : SC_OK;
}

/* Everything of storage_crawl_save inside its transaction. */
static int save(struct storage *db, long round_id, const char *site_code, time_t started_at,
                time_t finished_at, const struct site_report *r, const char *report_json,
                const struct crawl_evidence *ev, long *crawl_id, struct sc_error *err)
{
    /* Named errors for what the foreign keys would refuse with "FOREIGN KEY constraint
     * failed" (the keys stay the guarantee). */
    int rc = row_exists(db, SQL_SITE_EXISTS, site_code, 0, err);
    if (rc == 0)
        return sc_fail(err, SC_ENOTFOUND, "cannot store a crawl of site %s: not in the registry",
                       site_code);
    if (rc < 0)
        return rc;
    sqlite3_stmt *st = storage_stmt(db, SQL_NEXT_CRAWL_ID, err);
    if (!st)
        return SC_ERUNTIME;
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return storage_fail(db, err, "numbering a crawl");
    }
    long id = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (round_id) {
        rc = row_exists(db, SQL_ROUND_EXISTS, NULL, round_id, err);
        if (rc == 0)
            return sc_fail(err, SC_ENOTFOUND, "cannot store a crawl of site %s: no round %ld",
                           site_code, round_id);
        if (rc < 0)
            return rc;
        st = storage_stmt(db, SQL_DELETE_ROUND_CRAWL, err);
        if (!st)
            return SC_ERUNTIME;
        sqlite3_bind_int64(st, 1, round_id);
        storage_bind_text(st, 2, site_code);
        if ((rc = storage_exec_stmt(db, st, err, "replacing a crawl")) < 0)
            return rc;
    }
    rc = insert_crawl(db, id, round_id, site_code, started_at, finished_at, r, report_json, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < r->nlinks; i++)
        if (storage_crawl_keeps_link(&r->links[i]) &&
            (rc = insert_link(db, id, &r->links[i], err)) < 0)
            return rc;
    for (size_t i = 0; i < r->ncolumns; i++)
        if ((rc = insert_column(db, id, &r->columns[i], err)) < 0)
            return rc;
    for (size_t i = 0; i < r->nsections; i++)
        if ((rc = insert_section(db, id, &r->sections[i], err)) < 0)
            return rc;
    for (size_t i = 0; i < r->ndefects; i++)
        if ((rc = insert_defect(db, id, &r->defects[i], err)) < 0)
            return rc;
    if ((rc = storage_guides_insert(db, id, r, err)) < 0)
        return rc;
    if ((rc = insert_interaction(db, id, r, err)) < 0)
        return rc;
    if ((rc = insert_homepage_mode(db, id, r, err)) < 0)
        return rc;
    if (ev && (rc = storage_evidence_insert(db, id, ev, err)) < 0)
        return rc;
    if (crawl_id)
        *crawl_id = id;
    return SC_OK;
}

int storage_crawl_save_evidence(struct storage *db, long round_id, const char *site_code,
                                time_t started_at, time_t finished_at, const struct site_report *r,
                                const char *report_json, const struct crawl_evidence *ev,
                                long *crawl_id, struct sc_error *err)
{
    if (!site_code || !r)
        return sc_fail(err, SC_EINPUT, "storing a crawl needs a site code and a report");
    int rc = storage_begin(db, err);
    if (rc < 0)
        return rc;
    rc = save(db, round_id, site_code, started_at, finished_at, r, report_json, ev, crawl_id, err);
    if (rc == SC_OK)
        rc = storage_commit(db, err);
    if (rc < 0)
        storage_rollback(db);
    return rc;
}

int storage_crawl_save(struct storage *db, long round_id, const char *site_code, time_t started_at,
                       time_t finished_at, const struct site_report *r, const char *report_json,
                       long *crawl_id, struct sc_error *err)
{
    return storage_crawl_save_evidence(db, round_id, site_code, started_at, finished_at, r,
                                       report_json, NULL, crawl_id, err);
}

/* ---- finding and loading ---- */

int storage_crawl_find(struct storage *db, long round_id, const char *site_code, long *crawl_id,
                       struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, round_id ? SQL_FIND_ROUND : SQL_FIND_NONE, err);
    if (!st)
        return SC_ERUNTIME;
    if (round_id) {
        sqlite3_bind_int64(st, 1, round_id);
        storage_bind_text(st, 2, site_code);
    } else {
        storage_bind_text(st, 1, site_code);
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *crawl_id = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return SC_OK;
    if (rc != SQLITE_DONE)
        return storage_fail(db, err, "finding a crawl");
    if (round_id)
        return sc_fail(err, SC_ENOTFOUND, "no crawl of site %s stored for round %ld", site_code,
                       round_id);
    return sc_fail(err, SC_ENOTFOUND, "no crawl of site %s stored outside a round", site_code);
}

/* Heap copies of text columns into the report's strings; set when any copy failed. */
struct dup_state {
    sqlite3_stmt *st;
    int failed;
};

static char *dup_col(struct dup_state *d, int col)
{
    if (sqlite3_column_type(d->st, col) == SQLITE_NULL)
        return NULL;
    char *s = storage_column_dup(d->st, col, 0);
    if (!s)
        d->failed = 1;
    return s;
}

static void moment_of(const char *text, char *out, size_t outsize, time_t *t)
{
    char head[20];
    *t = 0;
    snprintf(out, outsize, "%s", text ? text : "");
    if (!text || strlen(text) < 19)
        return;
    memcpy(head, text, 19); /* "YYYY-MM-DDTHH:MM:SS"; the offset is always the province's */
    head[19] = '\0';
    if (sc_time_parse(head, t) < 0)
        *t = 0;
}

static int load_crawl_row(struct storage *db, long crawl_id, struct site_report *out,
                          struct crawl_meta *meta, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_SELECT_CRAWL, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        if (rc == SQLITE_DONE)
            return sc_fail(err, SC_ENOTFOUND, "no crawl %ld stored", crawl_id);
        return storage_fail(db, err, "loading a crawl");
    }
    struct dup_state d = {st, 0};
    struct site_identity *id = &out->identity;
    out->url = dup_col(&d, 15);
    out->expected_code = dup_col(&d, 16);
    out->reachable = sqlite3_column_int(st, 4);
    out->unreachable_error = dup_col(&d, 5);
    out->pages_crawled = sqlite3_column_int(st, 6);
    out->links_checked = sqlite3_column_int(st, 7);
    out->homepage_analysed = sqlite3_column_int(st, 8);
    out->homepage_latest = column_day(st, 9);
    out->homepage_stale = sqlite3_column_int(st, 10);
    column_updates(st, 11, &out->updates);
    id->site_code = dup_col(&d, 17);
    id->site_code_matches =
        sqlite3_column_type(st, 18) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 18);
    id->icp = dup_col(&d, 19);
    id->police_record = dup_col(&d, 20);
    id->sponsor = dup_col(&d, 21);
    id->has_party_badge = sqlite3_column_int(st, 22);
    id->has_error_report = sqlite3_column_int(st, 23);
    id->has_search = sqlite3_column_int(st, 24);
    const char *verdict = (const char *)sqlite3_column_text(st, 26);
    rc = SC_OK;
    if (verdict) {
        out->judged = 1;
        out->score = sqlite3_column_double(st, 25);
        out->verdict_pass = strcmp(verdict, "pass") == 0;
        if (!out->verdict_pass && strcmp(verdict, "fail") != 0)
            rc = unknown_value(err, crawl_id, "the verdict", verdict);
    }
    if (meta && rc == SC_OK) {
        meta->id = crawl_id;
        meta->round_id = (long)sqlite3_column_int64(st, 0);
        snprintf(meta->site_code, sizeof meta->site_code, "%s",
                 (const char *)sqlite3_column_text(st, 1));
        moment_of((const char *)sqlite3_column_text(st, 2), meta->started_at,
                  sizeof meta->started_at, &meta->started);
        moment_of((const char *)sqlite3_column_text(st, 3), meta->finished_at,
                  sizeof meta->finished_at, &meta->finished);
        meta->report_json = dup_col(&d, 27);
    }
    sqlite3_reset(st);
    if (d.failed)
        return sc_fail(err, SC_ENOMEM, "out of memory loading crawl %ld", crawl_id);
    return rc;
}

/* A crawl being loaded, for the readers of its rows. */
struct load {
    struct storage *db;
    long crawl_id;
    struct site_report *out;
    struct sc_error *err;
    long *link_ids; /* the loaded links' ids, in order, to hang the redirects on */
    size_t nlink_ids, link_ids_alloc;
    size_t redirect_at; /* where the redirects' walk is in link_ids */
};

static int out_of_memory(struct load *l)
{
    return sc_fail(l->err, SC_ENOMEM, "out of memory loading crawl %ld", l->crawl_id);
}

/* Reads the rows sql selects for the crawl (its ?1), each into the report by row(); strings
 * through d, whose failure is out of memory. */
static int load_rows(struct load *l, const char *sql, const char *what,
                     int (*row)(struct load *l, sqlite3_stmt *st, struct dup_state *d))
{
    sqlite3_stmt *st = storage_stmt(l->db, sql, l->err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, l->crawl_id);
    struct dup_state d = {st, 0};
    int rc = SC_OK, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = row(l, st, &d)) < 0 || d.failed)
            break;
    sqlite3_reset(st);
    if (rc == SC_OK && d.failed)
        return out_of_memory(l);
    if (rc == SC_OK && step != SQLITE_DONE && step != SQLITE_ROW)
        return storage_fail(l->db, l->err, what);
    return rc;
}

static int link_row(struct load *ld, sqlite3_stmt *st, struct dup_state *d)
{
    if (ld->nlink_ids == ld->link_ids_alloc) {
        size_t na = ld->link_ids_alloc ? ld->link_ids_alloc * 2 : 16;
        long *p = realloc(ld->link_ids, na * sizeof *p);
        if (!p)
            return out_of_memory(ld);
        ld->link_ids = p;
        ld->link_ids_alloc = na;
    }
    struct link_record *l = site_report_add_link(ld->out);
    if (!l)
        return out_of_memory(ld);
    ld->link_ids[ld->nlink_ids++] = (long)sqlite3_column_int64(st, 0);
    l->url = dup_col(d, 1);
    l->found_on = dup_col(d, 2);
    l->anchor = dup_col(d, 3);
    l->on_homepage = sqlite3_column_int(st, 4);
    const char *result = (const char *)sqlite3_column_text(st, 5);
    int v = enum_of(result, 4, result_name);
    if (v < 0)
        return unknown_value(ld->err, ld->crawl_id, "the link result", result);
    l->result = (enum link_result)v;
    l->status = sqlite3_column_int(st, 6);
    l->error = dup_col(d, 7);
    l->final_url = dup_col(d, 8);
    return SC_OK;
}

static int redirect_row(struct load *ld, sqlite3_stmt *st, struct dup_state *d)
{
    long link_id = (long)sqlite3_column_int64(st, 0);
    /* both walks are in link id order */
    while (ld->redirect_at < ld->nlink_ids && ld->link_ids[ld->redirect_at] != link_id)
        ld->redirect_at++;
    if (ld->redirect_at == ld->nlink_ids) /* cannot be: the join names this crawl's links */
        return sc_fail(ld->err, SC_ERUNTIME, "crawl %ld: a redirect of no link it has",
                       ld->crawl_id);
    struct link_record *l = &ld->out->links[ld->redirect_at];
    char **p = realloc(l->redirects, (l->nredirects + 1) * sizeof *p);
    if (!p)
        return out_of_memory(ld);
    l->redirects = p;
    char *url = dup_col(d, 1);
    if (url) /* hops are NOT NULL: no copy is out of memory (d says so) */
        l->redirects[l->nredirects++] = url;
    return SC_OK;
}

static int column_row(struct load *ld, sqlite3_stmt *st, struct dup_state *d)
{
    struct column_record *c = site_report_add_column(ld->out);
    if (!c)
        return out_of_memory(ld);
    c->name = dup_col(d, 0);
    c->url = dup_col(d, 1);
    const char *category = (const char *)sqlite3_column_text(st, 2);
    int v = enum_of(category, 6, category_name);
    if (v < 0)
        return unknown_value(ld->err, ld->crawl_id, "the column category", category);
    c->category = (enum column_category)v;
    c->latest = column_day(st, 3);
    c->items = sqlite3_column_int(st, 4);
    c->undated_items = sqlite3_column_int(st, 5);
    c->blank = sqlite3_column_int(st, 6);
    c->stale = sqlite3_column_int(st, 7);
    c->limit_days = sqlite3_column_int(st, 8);
    column_updates(st, 9, &c->updates);
    const char *found_in = (const char *)sqlite3_column_text(st, 13);
    v = column_found_in_parse(found_in);
    if (v < 0)
        return unknown_value(ld->err, ld->crawl_id, "where the column was found", found_in);
    c->found_in = (enum column_found_in)v;
    return SC_OK;
}

static int section_row(struct load *ld, sqlite3_stmt *st, struct dup_state *d)
{
    struct section_record *s = site_report_add_section(ld->out);
    if (!s)
        return out_of_memory(ld);
    s->name = dup_col(d, 0);
    s->present = sqlite3_column_int(st, 1);
    s->url = dup_col(d, 2);
    s->required = sqlite3_column_int(st, 3);
    return SC_OK;
}

static int defect_row(struct load *ld, sqlite3_stmt *st, struct dup_state *d)
{
    struct defect_record *x = site_report_add_defect(ld->out);
    if (!x)
        return out_of_memory(ld);
    x->kind = dup_col(d, 0);
    const char *severity = (const char *)sqlite3_column_text(st, 1);
    int v = enum_of(severity, 3, severity_name);
    if (v < 0)
        return unknown_value(ld->err, ld->crawl_id, "the defect severity", severity);
    x->severity = (enum defect_severity)v;
    x->url = dup_col(d, 2);
    x->detail = dup_col(d, 3);
    x->points = sqlite3_column_double(st, 4);
    return SC_OK;
}

static int interaction_row(struct load *ld, sqlite3_stmt *st, struct dup_state *d)
{
    (void)d;
    ld->out->interaction_analysed = sqlite3_column_int(st, 0);
    return SC_OK;
}

static int homepage_mode_row(struct load *ld, sqlite3_stmt *st, struct dup_state *d)
{
    ld->out->homepage_navigation = sqlite3_column_int(st, 0);
    free(ld->out->homepage_latest_url);
    ld->out->homepage_latest_url = dup_col(d, 1);
    return SC_OK;
}

static int channel_row(struct load *ld, sqlite3_stmt *st, struct dup_state *d)
{
    struct interaction_channel *c = site_report_add_channel(ld->out);
    if (!c)
        return out_of_memory(ld);
    c->name = dup_col(d, 0);
    c->url = dup_col(d, 1);
    c->works = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 2);
    c->messages_seen = sqlite3_column_int(st, 3);
    c->answered = sqlite3_column_int(st, 4);
    c->median_response_days =
        sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 5);
    return SC_OK;
}

static int unanswered_row(struct load *ld, sqlite3_stmt *st, struct dup_state *d)
{
    struct unanswered_message *m = site_report_add_unanswered(ld->out);
    if (!m)
        return out_of_memory(ld);
    m->url = dup_col(d, 0);
    m->title = dup_col(d, 1);
    m->asked = column_day(st, 2);
    return SC_OK;
}

int storage_crawl_load_id(struct storage *db, long crawl_id, struct site_report *out,
                          struct crawl_meta *meta, struct sc_error *err)
{
    site_report_init(out, NULL);
    if (meta)
        memset(meta, 0, sizeof *meta);
    /* One read transaction, so the parts are of one crawl even if a writer replaces it
     * meanwhile (WAL readers see a snapshot). */
    int own = sqlite3_get_autocommit(db->handle);
    if (own && sqlite3_exec(db->handle, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return storage_fail(db, err, "starting to read a crawl");
    struct load ld = {db, crawl_id, out, err, NULL, 0, 0, 0};
    int rc = load_crawl_row(db, crawl_id, out, meta, err);
    if (rc == SC_OK)
        rc = load_rows(&ld, SQL_SELECT_LINKS, "loading a crawl's links", link_row);
    if (rc == SC_OK)
        rc = load_rows(&ld, SQL_SELECT_REDIRECTS, "loading a crawl's redirects", redirect_row);
    if (rc == SC_OK)
        rc = load_rows(&ld, SQL_SELECT_COLUMNS, "loading a crawl's columns", column_row);
    if (rc == SC_OK)
        rc = load_rows(&ld, SQL_SELECT_SECTIONS, "loading a crawl's sections", section_row);
    if (rc == SC_OK)
        rc = load_rows(&ld, SQL_SELECT_DEFECTS, "loading a crawl's defects", defect_row);
    if (rc == SC_OK)
        rc = storage_guides_load(db, crawl_id, out, err);
    if (rc == SC_OK)
        rc = load_rows(&ld, SQL_SELECT_INTERACTION, "loading the interaction probe",
                       interaction_row);
    if (rc == SC_OK)
        rc = load_rows(&ld, SQL_SELECT_CHANNELS, "loading a crawl's channels", channel_row);
    if (rc == SC_OK)
        rc = load_rows(&ld, SQL_SELECT_UNANSWERED, "loading a crawl's unanswered messages",
                       unanswered_row);
    if (rc == SC_OK)
        rc = load_rows(&ld, SQL_SELECT_HOMEPAGE_MODE, "loading the homepage's mode",
                       homepage_mode_row);
    free(ld.link_ids);
    if (own)
        sqlite3_exec(db->handle, "COMMIT", NULL, NULL, NULL);
    if (rc < 0 && meta) {
        free(meta->report_json);
        meta->report_json = NULL;
    }
    return rc;
}

int storage_crawl_load(struct storage *db, long round_id, const char *site_code,
                       struct site_report *out, struct crawl_meta *meta, struct sc_error *err)
{
    long id;
    int rc = storage_crawl_find(db, round_id, site_code, &id, err);
    if (rc < 0) {
        site_report_init(out, NULL);
        if (meta)
            memset(meta, 0, sizeof *meta);
        return rc;
    }
    return storage_crawl_load_id(db, id, out, meta, err);
}

/* ---- a round's crawls ---- */

int storage_round_crawls_each(struct storage *db, long round_id,
                              int (*cb)(const struct crawl_row *row, void *ud), void *ud,
                              struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, round_id ? SQL_ROUND_CRAWLS : SQL_NONE_CRAWLS, err);
    if (!st)
        return SC_ERUNTIME;
    if (round_id)
        sqlite3_bind_int64(st, 1, round_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *verdict = (const char *)sqlite3_column_text(st, 6);
        struct crawl_row row = {
            (long)sqlite3_column_int64(st, 0),
            (const char *)sqlite3_column_text(st, 1),
            (const char *)sqlite3_column_text(st, 2),
            (const char *)sqlite3_column_text(st, 3),
            sqlite3_column_int(st, 4),
            verdict != NULL,
            sqlite3_column_double(st, 5),
            verdict && strcmp(verdict, "pass") == 0,
            (long)sqlite3_column_int64(st, 7),
            (long)sqlite3_column_int64(st, 8),
        };
        int r = cb(&row, ud);
        if (r) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SC_OK : storage_fail(db, err, "listing a round's crawls");
}

long storage_round_crawled_count(struct storage *db, long round_id)
{
    sqlite3_stmt *st = storage_stmt(db, round_id ? SQL_ROUND_COUNT : SQL_NONE_COUNT, NULL);
    if (!st)
        return -1;
    if (round_id)
        sqlite3_bind_int64(st, 1, round_id);
    long n = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return n;
}

/* test_crawl_storage: a site's crawl in the database (storage/crawls.c): a report saved and
 * loaded back field by field, which links are kept, a crawl of a round replaced without
 * orphans, saves that fail midway leaving the database exactly as it was, sites and rounds
 * that do not exist, arbitrary bytes kept byte for byte, and the upgrade of a version-4
 * database. */
#include "testutil.h"
#include "common/clock.h"
#include "common/registry.h"
#include "common/strbuf.h"
#include "probes/verdict/check_output.h"
#include "probes/verdict/rules.h"
#include "probes/verdict/verdict_final.h"
#include "storage/crawls.h"
#include "storage/db.h"
#include "storage/sites.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER                                                                                                                     \
    "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话," \
    "电子邮箱\n"
#define SITES                                                                                      \
    HEADER "4300000001,甲,http://a.hunan.gov.cn/,,,,,正常运行,,,\n"                           \
           "4300000002,乙,http://b.hunan.gov.cn/,,,,,正常运行,,,\n"

/* The tables a crawl writes. */
static const char *const tables[] = {
    "crawls", "links", "link_redirects", "column_observations", "crawl_sections", "defects"};
#define NTABLES (sizeof tables / sizeof tables[0])

struct fixture {
    char *dir;
    char path[512];
    struct storage *db;
    long round1, round2;
};

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

static long raw_long(const char *path, const char *sql)
{
    sqlite3 *raw = raw_open(path);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return v;
}

static void import_sites(struct storage *db)
{
    struct registry reg;
    struct import_summary sum;
    struct sc_error err = {{0}};
    assert_int_equal(registry_parse(SITES, strlen(SITES), &reg, &err), SC_OK);
    assert_int_equal(storage_registry_apply(db, &reg, "test.csv", &sum, &err), SC_OK);
    registry_free(&reg);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct sc_error err = {{0}};
    f->dir = test_tmpdir();
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    assert_int_equal(storage_open(f->path, &f->db, &err), SC_OK);
    import_sites(f->db);
    /* rounds are the draws' business; two plain rows are all a crawl refers to */
    raw_exec(f->path, "INSERT INTO rounds(id, quarter, number, draw_date, window_start, window_end)"
                      " VALUES(11, '2026Q4', 1, '2026-10-01', '2026-10-01', '2026-11-11'),"
                      " (12, '2026Q4', 2, '2026-11-12', '2026-11-12', '2026-12-20')");
    f->round1 = 11;
    f->round2 = 12;
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

/* ---- building and comparing reports ---- */

static char *dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static struct link_record *add_link(struct site_report *r, const char *url, const char *found_on,
                                    const char *anchor, int on_homepage, enum link_result result,
                                    int status, const char *error, const char *final_url)
{
    struct link_record *l = site_report_add_link(r);
    assert_non_null(l);
    l->url = dup(url);
    l->found_on = dup(found_on);
    l->anchor = dup(anchor);
    l->on_homepage = on_homepage;
    l->result = result;
    l->status = status;
    l->error = dup(error);
    l->final_url = dup(final_url);
    return l;
}

static void add_redirect(struct link_record *l, const char *url)
{
    l->redirects = realloc(l->redirects, (l->nredirects + 1) * sizeof *l->redirects);
    assert_non_null(l->redirects);
    l->redirects[l->nredirects++] = strdup(url);
}

static long day(int y, int m, int d)
{
    return sc_days_from_civil(y, m, d);
}

#define HOME "http://www.example.gov.cn/"

/* A full report. With the links a crawl does not keep (ok or skipped, off the homepage)
 * when `unkept`: the report as crawled; without: the report as it must load. */
static void full_report(struct site_report *r, int unkept)
{
    site_report_init(r, HOME);
    r->expected_code = strdup("4300000001");
    r->reachable = 1;
    r->pages_crawled = 120;
    r->links_checked = 3400;
    r->homepage_analysed = 1;
    r->homepage_latest = day(2026, 10, 8);
    r->homepage_stale = 0;
    /* a navigation-only homepage: its newest item is on a second-level page (migration 13) */
    r->homepage_navigation = 1;
    r->homepage_latest_url = strdup(HOME "xxgk/index.html");
    r->updates = (struct column_updates){2, 9, 40, 4.5};
    r->identity.site_code = strdup("4300000001");
    r->identity.site_code_matches = 1;
    r->identity.icp = strdup("湘ICP备05001234号-1");
    r->identity.police_record = strdup("湘公网安备 43010202000123号");
    r->identity.sponsor = strdup("湖南省人民政府办公厅");
    r->identity.has_party_badge = 1;
    r->identity.has_error_report = 1;
    r->identity.has_search = 0;

    add_link(r, HOME "a.pdf", HOME, "附件", 1, LINK_BROKEN, 404, "http_status", HOME "a.pdf");
    if (unkept)
        add_link(r, HOME "ok.html", HOME "news/", "新闻", 0, LINK_OK, 200, NULL, HOME "ok.html");
    add_link(r, HOME "slow", HOME "news/", "", 0, LINK_SUSPECTED, 0, "timeout", NULL);
    struct link_record *l = add_link(r, HOME "old", HOME "news/1.html", "旧址", 0, LINK_BROKEN, 404,
                                     "http_status", HOME "gone3");
    add_redirect(l, HOME "gone1");
    add_redirect(l, HOME "gone2");
    add_redirect(l, HOME "gone3");
    if (unkept)
        add_link(r, "mailto:a@example.gov.cn", HOME "about/", "信箱", 0, LINK_SKIPPED, 0, NULL,
                 NULL);
    l = add_link(r, "http://www.example.gov.cn/zwgk", HOME, "政务公开", 1, LINK_OK, 200, NULL,
                 "https://www.example.gov.cn/zwgk/");
    add_redirect(l, "https://www.example.gov.cn/zwgk/");
    add_link(r, "tel:0731-1234567", HOME, "电话", 1, LINK_SKIPPED, 0, NULL, NULL);
    /* no anchor at all is stored, and loads, as "" */
    add_link(r, HOME "busy", HOME "news/", unkept ? NULL : "", 0, LINK_SUSPECTED, 503,
             "http_status", NULL);

    struct column_record *c = site_report_add_column(r);
    c->name = strdup("通知公告");
    c->url = strdup(HOME "tzgg/");
    c->category = COLUMN_NOTICE;
    c->latest = day(2026, 10, 1);
    c->items = 20;
    c->undated_items = 2;
    c->limit_days = 183;
    c->updates = (struct column_updates){1, 3, 14, 21};
    c = site_report_add_column(r);
    c->name = strdup("人事信息");
    c->category = COLUMN_PERSONNEL;
    c->blank = 1;
    c->stale = 1;
    c->limit_days = 365;
    c->found_in = FOUND_NAVIGATION; /* a blank column only the navigation shows (issue 12) */
    c = site_report_add_column(r);
    c->name = strdup("公示公告");
    c->url = strdup(HOME "gsgg/index.html");
    c->category = COLUMN_NOTICE;
    c->blank = 1;
    c->stale = 1;
    c->limit_days = 183;
    c->found_in = FOUND_SECTION_INDEX;

    struct section_record *s = site_report_add_section(r);
    s->name = strdup("政府信息公开");
    s->present = 1;
    s->url = strdup(HOME "zfxxgk/");
    s->required = 1;
    s = site_report_add_section(r);
    s->name = strdup("互动交流");
    s->required = 0;

    struct defect_record *d = site_report_add_defect(r);
    d->kind = strdup("broken_link");
    d->severity = SEVERITY_DEDUCT;
    d->url = strdup(HOME "a.pdf");
    d->detail = strdup("404 on the homepage");
    d->points = 2.5;
    d = site_report_add_defect(r);
    d->kind = strdup("blank_column");
    d->severity = SEVERITY_VETO;
    d->url = strdup(HOME "rsxx/");
    d = site_report_add_defect(r);
    d->kind = strdup("suspected_link");
    d->severity = SEVERITY_INFO;

    r->judged = 1;
    r->score = 92.5;
    r->verdict_pass = 1;
}

static void assert_str(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_updates(const struct column_updates *a, const struct column_updates *b)
{
    assert_int_equal(a->d14, b->d14);
    assert_int_equal(a->d90, b->d90);
    assert_int_equal(a->d365, b->d365);
    assert_true(a->median_gap_days == b->median_gap_days);
}

static void assert_reports_equal(const struct site_report *a, const struct site_report *b)
{
    assert_str(a->url, b->url);
    assert_str(a->expected_code, b->expected_code);
    assert_int_equal(a->reachable, b->reachable);
    assert_str(a->unreachable_error, b->unreachable_error);
    assert_int_equal(a->pages_crawled, b->pages_crawled);
    assert_int_equal(a->links_checked, b->links_checked);
    assert_int_equal(a->homepage_latest, b->homepage_latest);
    assert_int_equal(a->homepage_stale, b->homepage_stale);
    assert_int_equal(a->homepage_analysed, b->homepage_analysed);
    assert_int_equal(a->homepage_navigation, b->homepage_navigation);
    assert_str(a->homepage_latest_url, b->homepage_latest_url);
    assert_updates(&a->updates, &b->updates);

    assert_str(a->identity.site_code, b->identity.site_code);
    assert_int_equal(a->identity.site_code_matches, b->identity.site_code_matches);
    assert_str(a->identity.icp, b->identity.icp);
    assert_str(a->identity.police_record, b->identity.police_record);
    assert_int_equal(a->identity.has_party_badge, b->identity.has_party_badge);
    assert_int_equal(a->identity.has_error_report, b->identity.has_error_report);
    assert_str(a->identity.sponsor, b->identity.sponsor);
    assert_int_equal(a->identity.has_search, b->identity.has_search);

    assert_int_equal(a->nlinks, b->nlinks);
    for (size_t i = 0; i < a->nlinks; i++) {
        const struct link_record *x = &a->links[i], *y = &b->links[i];
        assert_str(x->url, y->url);
        assert_str(x->found_on, y->found_on);
        assert_str(x->anchor, y->anchor);
        assert_int_equal(x->on_homepage, y->on_homepage);
        assert_int_equal(x->result, y->result);
        assert_int_equal(x->status, y->status);
        assert_str(x->error, y->error);
        assert_str(x->final_url, y->final_url);
        assert_int_equal(x->nredirects, y->nredirects);
        assert_true((x->redirects == NULL) == (y->redirects == NULL));
        for (size_t k = 0; k < x->nredirects; k++)
            assert_str(x->redirects[k], y->redirects[k]);
    }
    assert_int_equal(a->ncolumns, b->ncolumns);
    for (size_t i = 0; i < a->ncolumns; i++) {
        const struct column_record *x = &a->columns[i], *y = &b->columns[i];
        assert_str(x->name, y->name);
        assert_str(x->url, y->url);
        assert_int_equal(x->category, y->category);
        assert_int_equal(x->latest, y->latest);
        assert_int_equal(x->items, y->items);
        assert_int_equal(x->undated_items, y->undated_items);
        assert_int_equal(x->blank, y->blank);
        assert_int_equal(x->stale, y->stale);
        assert_int_equal(x->limit_days, y->limit_days);
        assert_updates(&x->updates, &y->updates);
        assert_int_equal(x->found_in, y->found_in);
    }
    assert_int_equal(a->nsections, b->nsections);
    for (size_t i = 0; i < a->nsections; i++) {
        const struct section_record *x = &a->sections[i], *y = &b->sections[i];
        assert_str(x->name, y->name);
        assert_int_equal(x->present, y->present);
        assert_str(x->url, y->url);
        assert_int_equal(x->required, y->required);
    }
    assert_int_equal(a->ndefects, b->ndefects);
    for (size_t i = 0; i < a->ndefects; i++) {
        const struct defect_record *x = &a->defects[i], *y = &b->defects[i];
        assert_str(x->kind, y->kind);
        assert_int_equal(x->severity, y->severity);
        assert_str(x->url, y->url);
        assert_str(x->detail, y->detail);
        assert_true(x->points == y->points);
    }
    assert_int_equal(a->judged, b->judged);
    if (a->judged) {
        assert_true(a->score == b->score);
        assert_int_equal(a->verdict_pass, b->verdict_pass);
    }
}

/* Loads the crawl of (round, code) and checks it equals want; returns nothing. */
static void assert_stored(struct storage *db, long round, const char *code,
                          const struct site_report *want)
{
    struct site_report got;
    struct sc_error err = {{0}};
    assert_int_equal(storage_crawl_load(db, round, code, &got, NULL, &err), SC_OK);
    assert_reports_equal(want, &got);
    site_report_free(&got);
}

/* ---- the database's state, to compare before and after ---- */

struct snapshot {
    long count[NTABLES];
    struct strbuf rows; /* every row of every table, quoted */
};

static void snapshot_take(const char *path, struct snapshot *s)
{
    sqlite3 *raw = raw_open(path);
    strbuf_init(&s->rows);
    for (size_t t = 0; t < NTABLES; t++) {
        char sql[128];
        sqlite3_stmt *st;
        snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1, 2", tables[t]);
        assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &st, NULL), SQLITE_OK);
        s->count[t] = 0;
        strbuf_addf(&s->rows, "%s:\n", tables[t]);
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                const unsigned char *v = sqlite3_column_text(st, c);
                strbuf_addf(&s->rows, "%s|", v ? (const char *)v : "<null>");
            }
            strbuf_addch(&s->rows, '\n');
            s->count[t]++;
        }
        sqlite3_finalize(st);
    }
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(raw, "PRAGMA foreign_key_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE); /* no row: no dangling reference */
    sqlite3_finalize(st);
    sqlite3_close(raw);
    assert_false(s->rows.failed);
}

static void snapshot_release(struct snapshot *s)
{
    strbuf_release(&s->rows);
}

static long table_count(const struct snapshot *s, const char *table)
{
    for (size_t t = 0; t < NTABLES; t++)
        if (strcmp(tables[t], table) == 0)
            return s->count[t];
    fail();
    return -1;
}

/* ---- tests ---- */

static void report_round_trips_field_by_field(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    struct site_report crawled, want, got;
    full_report(&crawled, 1);
    full_report(&want, 0);
    assert_true(crawled.nlinks > want.nlinks);

    time_t started, finished;
    assert_int_equal(sc_time_parse("2026-10-09T03:12:07", &started), SC_OK);
    assert_int_equal(sc_time_parse("2026-10-09T03:40", &finished), SC_OK);
    sc_clock_set(finished);
    struct strbuf json = STRBUF_INIT;
    assert_int_equal(check_output_json(&crawled, 1, &json), SC_OK);
    long id = 0;
    assert_int_equal(storage_crawl_save(f->db, f->round1, "4300000001", started, finished, &crawled,
                                        json.buf, &id, &err),
                     SC_OK);
    assert_true(id > 0);

    struct crawl_meta meta;
    assert_int_equal(storage_crawl_load(f->db, f->round1, "4300000001", &got, &meta, &err), SC_OK);
    assert_reports_equal(&want, &got);
    assert_int_equal(meta.id, id);
    assert_int_equal(meta.round_id, f->round1);
    assert_string_equal(meta.site_code, "4300000001");
    assert_string_equal(meta.started_at, "2026-10-09T03:12:07+08:00");
    assert_string_equal(meta.finished_at, "2026-10-09T03:40:00+08:00");
    assert_int_equal(meta.started, started);
    assert_int_equal(meta.finished, finished);
    assert_string_equal(meta.report_json, json.buf);
    free(meta.report_json);

    /* what the reports issue renders from storage is what check rendered from the crawl,
     * less the links not kept */
    struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    assert_int_equal(check_output_json(&want, 1, &a), SC_OK);
    assert_int_equal(check_output_json(&got, 1, &b), SC_OK);
    assert_string_equal(a.buf, b.buf);
    strbuf_release(&a);
    strbuf_release(&b);

    /* dates are the clock's text; unknown days and gaps are NULL */
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM crawls WHERE homepage_latest="
                                       "'2026-10-08' AND verdict='pass' AND score=92.5"),
                     1);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM column_observations WHERE "
                                       "latest IS NULL AND median_gap_days IS NULL"),
                     2);
    /* where each column was found, as its word (migration 11) */
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM column_observations WHERE "
                                       "found_in='section_index' AND name='公示公告'"),
                     1);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM column_observations WHERE "
                                       "found_in='homepage'"),
                     1);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM link_redirects"), 4);

    /* by id, too */
    struct site_report again;
    assert_int_equal(storage_crawl_load_id(f->db, id, &again, NULL, &err), SC_OK);
    assert_reports_equal(&want, &again);
    site_report_free(&again);

    /* a bare report: unreachable, nothing analysed, not judged, outside any round */
    struct site_report bare;
    site_report_init(&bare, "http://b.hunan.gov.cn/");
    bare.unreachable_error = strdup("dns");
    long bare_id;
    assert_int_equal(
        storage_crawl_save(f->db, 0, "4300000002", started, 0, &bare, NULL, &bare_id, &err), SC_OK);
    assert_int_equal(storage_crawl_load(f->db, 0, "4300000002", &again, &meta, &err), SC_OK);
    assert_reports_equal(&bare, &again);
    assert_int_equal(meta.round_id, 0);
    assert_string_equal(meta.finished_at, "");
    assert_int_equal(meta.finished, 0);
    assert_null(meta.report_json);
    site_report_free(&again);
    site_report_free(&bare);

    /* nothing stored: not found, and the report is still safe to free */
    assert_int_equal(storage_crawl_load(f->db, f->round2, "4300000001", &again, &meta, &err),
                     SC_ENOTFOUND);
    assert_non_null(strstr(err.msg, "4300000001"));
    site_report_free(&again);

    strbuf_release(&json);
    site_report_free(&crawled);
    site_report_free(&want);
    site_report_free(&got);
}

struct listed {
    struct strbuf text;
    int stop_after;
    int seen;
};

static int list_crawl(const struct crawl_row *row, void *ud)
{
    struct listed *l = ud;
    strbuf_addf(&l->text, "%s %s %s %d %d %.1f %d %ld/%ld\n", row->site_code, row->started_at,
                row->finished_at ? row->finished_at : "-", row->reachable, row->judged, row->score,
                row->verdict_pass, row->defects, row->veto_defects);
    return ++l->seen == l->stop_after ? 7 : 0;
}

static void a_round_lists_and_counts_its_crawls(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    struct site_report r, bare;
    full_report(&r, 1);
    site_report_init(&bare, "http://b.hunan.gov.cn/");
    time_t t;
    assert_int_equal(sc_time_parse("2026-10-09T03:12", &t), SC_OK);

    assert_int_equal(storage_round_crawled_count(f->db, f->round1), 0);
    assert_int_equal(
        storage_crawl_save(f->db, f->round1, "4300000002", t, t + 60, &bare, NULL, NULL, &err),
        SC_OK);
    assert_int_equal(storage_crawl_save(f->db, f->round1, "4300000001", t, 0, &r, "{}", NULL, &err),
                     SC_OK);
    assert_int_equal(storage_crawl_save(f->db, f->round2, "4300000001", t, 0, &r, "{}", NULL, &err),
                     SC_OK);
    assert_int_equal(storage_crawl_save(f->db, 0, "4300000001", t, 0, &r, "{}", NULL, &err), SC_OK);
    assert_int_equal(storage_round_crawled_count(f->db, f->round1), 2);
    assert_int_equal(storage_round_crawled_count(f->db, f->round2), 1);
    assert_int_equal(storage_round_crawled_count(f->db, 0), 1);

    struct listed l = {STRBUF_INIT, 0, 0};
    assert_int_equal(storage_round_crawls_each(f->db, f->round1, list_crawl, &l, &err), SC_OK);
    assert_string_equal(l.text.buf, "4300000001 2026-10-09T03:12:00+08:00 - 1 1 92.5 1 3/1\n"
                                    "4300000002 2026-10-09T03:12:00+08:00 "
                                    "2026-10-09T03:13:00+08:00 0 0 0.0 0 0/0\n");
    strbuf_release(&l.text);
    struct listed stop = {STRBUF_INIT, 1, 0};
    assert_int_equal(storage_round_crawls_each(f->db, f->round1, list_crawl, &stop, &err), 7);
    assert_int_equal(stop.seen, 1);
    strbuf_release(&stop.text);
    site_report_free(&r);
    site_report_free(&bare);
}

static void saving_a_round_crawl_again_replaces_it(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    struct site_report first, second, other;
    full_report(&first, 1);
    full_report(&other, 1);
    /* the redo found less: one kept link (no redirects), one column, no sections, one defect */
    site_report_init(&second, HOME);
    second.reachable = 1;
    add_link(&second, HOME "b.pdf", HOME, "文件", 1, LINK_BROKEN, 410, "http_status", NULL);
    struct column_record *c = site_report_add_column(&second);
    c->name = strdup("要闻");
    struct defect_record *d = site_report_add_defect(&second);
    d->kind = strdup("broken_link");
    d->severity = SEVERITY_DEDUCT;
    d->points = 1;
    second.judged = 1;
    second.score = 99;
    second.verdict_pass = 1;

    time_t t;
    assert_int_equal(sc_time_parse("2026-10-09T03:12", &t), SC_OK);
    long id1, id2, other_id;
    /* another site of the round, and the same site in another round, stay as they are */
    assert_int_equal(
        storage_crawl_save(f->db, f->round1, "4300000002", t, t, &other, "o", &other_id, &err),
        SC_OK);
    assert_int_equal(
        storage_crawl_save(f->db, f->round2, "4300000001", t, t, &other, "o", NULL, &err), SC_OK);
    struct snapshot only_others;
    snapshot_take(f->path, &only_others);

    assert_int_equal(
        storage_crawl_save(f->db, f->round1, "4300000001", t, t, &first, "1", &id1, &err), SC_OK);
    assert_int_equal(storage_crawl_save(f->db, f->round1, "4300000001", t + 3600, t + 7200, &second,
                                        "2", &id2, &err),
                     SC_OK);
    assert_true(id2 != id1);

    struct snapshot after;
    snapshot_take(f->path, &after);
    assert_int_equal(table_count(&after, "crawls"), table_count(&only_others, "crawls") + 1);
    assert_int_equal(table_count(&after, "links"), table_count(&only_others, "links") + 1);
    assert_int_equal(table_count(&after, "link_redirects"),
                     table_count(&only_others, "link_redirects"));
    assert_int_equal(table_count(&after, "column_observations"),
                     table_count(&only_others, "column_observations") + 1);
    assert_int_equal(table_count(&after, "crawl_sections"),
                     table_count(&only_others, "crawl_sections"));
    assert_int_equal(table_count(&after, "defects"), table_count(&only_others, "defects") + 1);
    /* no row anywhere still belongs to the first crawl */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT (SELECT count(*) FROM links WHERE crawl_id=%ld) + (SELECT count(*) FROM "
             "defects WHERE crawl_id=%ld) + (SELECT count(*) FROM column_observations WHERE "
             "crawl_id=%ld) + (SELECT count(*) FROM crawl_sections WHERE crawl_id=%ld)",
             id1, id1, id1, id1);
    assert_int_equal(raw_long(f->path, sql), 0);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM link_redirects WHERE link_id NOT IN "
                                       "(SELECT id FROM links)"),
                     0);
    assert_int_equal(storage_round_crawled_count(f->db, f->round1), 2);

    struct crawl_meta meta;
    struct site_report got;
    assert_int_equal(storage_crawl_load(f->db, f->round1, "4300000001", &got, &meta, &err), SC_OK);
    assert_reports_equal(&second, &got);
    assert_int_equal(meta.id, id2);
    assert_string_equal(meta.report_json, "2");
    free(meta.report_json);
    site_report_free(&got);
    full_report(&got, 0);
    assert_stored(f->db, f->round1, "4300000002", &got);
    assert_stored(f->db, f->round2, "4300000001", &got);
    site_report_free(&got);

    /* the unique index is what guarantees it, whoever writes */
    sqlite3 *raw = raw_open(f->path);
    assert_int_equal(sqlite3_exec(raw,
                                  "INSERT INTO crawls(round_id, site_code, started_at) VALUES(11, "
                                  "'4300000001', 'x')",
                                  NULL, NULL, NULL),
                     SQLITE_CONSTRAINT);
    sqlite3_close(raw);

    /* crawls outside a round are each kept; the newest is the one found */
    long a, b, found;
    assert_int_equal(storage_crawl_save(f->db, 0, "4300000001", t, t, &first, NULL, &a, &err),
                     SC_OK);
    assert_int_equal(storage_crawl_save(f->db, 0, "4300000001", t, t, &second, NULL, &b, &err),
                     SC_OK);
    assert_int_equal(storage_round_crawled_count(f->db, 0), 2);
    assert_int_equal(storage_crawl_find(f->db, 0, "4300000001", &found, &err), SC_OK);
    assert_int_equal(found, b);

    snapshot_release(&only_others);
    snapshot_release(&after);
    site_report_free(&first);
    site_report_free(&second);
    site_report_free(&other);
}

/* A save that fails at `how` must leave every table as it was, and the crawl it would have
 * replaced loadable as before. */
static void assert_failed_save_changes_nothing(struct fixture *f, const struct site_report *bad,
                                               const struct site_report *stored)
{
    struct sc_error err = {{0}};
    struct snapshot before, after;
    snapshot_take(f->path, &before);
    time_t t;
    assert_int_equal(sc_time_parse("2026-10-10", &t), SC_OK);
    long id = -1;
    int rc = storage_crawl_save(f->db, f->round1, "4300000001", t, t, bad, "bad", &id, &err);
    assert_int_equal(rc, SC_ERUNTIME);
    assert_non_null(strstr(err.msg, "NOT NULL constraint failed"));
    assert_int_equal(id, -1);
    snapshot_take(f->path, &after);
    for (size_t i = 0; i < NTABLES; i++)
        assert_int_equal(before.count[i], after.count[i]);
    assert_string_equal(before.rows.buf, after.rows.buf);
    assert_stored(f->db, f->round1, "4300000001", stored);
    /* the connection is usable again: no transaction was left open */
    struct site_report ok;
    site_report_init(&ok, HOME);
    assert_int_equal(
        storage_crawl_save(f->db, f->round2, "4300000002", t, t, &ok, NULL, NULL, &err), SC_OK);
    site_report_free(&ok);
    snapshot_release(&before);
    snapshot_release(&after);
}

static void a_save_that_fails_midway_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    struct site_report stored, want, bad;
    full_report(&stored, 1);
    full_report(&want, 0);
    time_t t;
    assert_int_equal(sc_time_parse("2026-10-09", &t), SC_OK);
    assert_int_equal(
        storage_crawl_save(f->db, f->round1, "4300000001", t, t, &stored, "{}", NULL, &err), SC_OK);

    /* midway: the old crawl deleted, the new one and two links written, then a link with
     * no page it was found on */
    full_report(&bad, 1);
    free(bad.links[3].found_on);
    bad.links[3].found_on = NULL;
    assert_failed_save_changes_nothing(f, &bad, &want);
    site_report_free(&bad);

    /* at the very end: the last defect has no kind */
    full_report(&bad, 1);
    free(bad.defects[bad.ndefects - 1].kind);
    bad.defects[bad.ndefects - 1].kind = NULL;
    assert_failed_save_changes_nothing(f, &bad, &want);
    site_report_free(&bad);

    /* a redirect hop with no URL */
    full_report(&bad, 1);
    free(bad.links[3].redirects[1]);
    bad.links[3].redirects[1] = NULL;
    assert_failed_save_changes_nothing(f, &bad, &want);
    site_report_free(&bad);

    site_report_free(&stored);
    site_report_free(&want);
}

/* 服务不实用: the services section and the guides checked (migration 10) come back as they
 * were, and the final verdict judges them again the same way; a replaced crawl's guides go
 * with it; a stored element name this build does not know is an error, not a guess. */
static void service_guides_round_trip_and_are_judged_again(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    struct site_report r, got;
    full_report(&r, 0);
    r.services_url = strdup("http://zwfw.hunan.gov.cn/portal/4300000001/");
    r.services_analysed = 1;
    static const struct {
        const char *url, *name;
        unsigned missing;
    } guides[] = {{"http://a.hunan.gov.cn/bsfw/g1.html", "结婚登记", 0},
                  {"http://zwfw.hunan.gov.cn/portal/g2.html", "", (1u << 1) | (1u << 7)},
                  {"http://a.hunan.gov.cn/bsfw/g3.html", "居民身份证\x01申领", 0xffu}};
    for (size_t i = 0; i < sizeof guides / sizeof *guides; i++) {
        struct guide_record *g = site_report_add_guide(&r);
        assert_non_null(g);
        g->url = strdup(guides[i].url);
        g->name = strdup(guides[i].name);
        g->missing = guides[i].missing;
    }
    struct rules rules;
    rules_default(&rules);
    assert_int_equal(rules_judge(&rules, &r), SC_OK);
    time_t t;
    assert_int_equal(sc_time_parse("2026-10-09", &t), SC_OK);
    assert_int_equal(storage_crawl_save(f->db, f->round1, "4300000001", t, t, &r, "{}", NULL, &err),
                     SC_OK);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM crawl_guides"), 3);
    assert_int_equal(
        raw_long(f->path, "SELECT count(*) FROM crawl_guides WHERE missing='办事依据,咨询电话'"), 1);
    assert_int_equal(storage_crawl_load(f->db, f->round1, "4300000001", &got, NULL, &err), SC_OK);
    assert_string_equal(got.services_url, r.services_url);
    assert_int_equal(got.services_analysed, 1);
    assert_int_equal(got.nguides, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(got.guides[i].url, guides[i].url);
        assert_string_equal(got.guides[i].name, guides[i].name);
        assert_int_equal(got.guides[i].missing, guides[i].missing);
    }
    /* judged again from storage: the same incomplete guides, points and score */
    assert_int_equal(verdict_final(&rules, &got, NULL), SC_OK);
    int before = 0, after = 0;
    for (size_t i = 0; i < r.ndefects; i++)
        before += strcmp(r.defects[i].kind, "incomplete_guide") == 0;
    for (size_t i = 0; i < got.ndefects; i++)
        after += strcmp(got.defects[i].kind, "incomplete_guide") == 0;
    assert_int_equal(before, 2);
    assert_int_equal(after, 2);
    assert_true(got.score == r.score);
    assert_int_equal(got.verdict_pass, r.verdict_pass);
    site_report_free(&got);

    /* a crawl with no services section stores none and loads none */
    struct site_report bare;
    site_report_init(&bare, HOME);
    assert_int_equal(storage_crawl_save(f->db, f->round1, "4300000002", t, t, &bare, NULL, NULL,
                                        &err),
                     SC_OK);
    assert_int_equal(storage_crawl_load(f->db, f->round1, "4300000002", &got, NULL, &err), SC_OK);
    assert_null(got.services_url);
    assert_int_equal(got.nguides, 0);
    site_report_free(&got);

    /* an unknown element name in the database */
    raw_exec(f->path, "UPDATE crawl_guides SET missing='办事依据,网上支付' WHERE missing<>''"
                      " AND missing NOT LIKE '%事项名称%'");
    assert_int_equal(storage_crawl_load(f->db, f->round1, "4300000001", &got, NULL, &err),
                     SC_ERUNTIME);
    assert_non_null(strstr(err.msg, "网上支付"));
    site_report_free(&got);

    /* replaced: the old crawl's guides go, the new one's (none) are stored */
    assert_int_equal(storage_crawl_save(f->db, f->round1, "4300000001", t, t, &bare, NULL, NULL,
                                        &err),
                     SC_OK);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM crawl_guides"), 0);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM crawl_services"), 0);

    /* a guide without a URL fails the save, which changes nothing */
    free(r.guides[1].url);
    r.guides[1].url = NULL;
    assert_int_equal(storage_crawl_save(f->db, f->round2, "4300000001", t, t, &r, NULL, NULL, &err),
                     SC_ERUNTIME);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM crawls WHERE round_id=%ld", f->round2);
    assert_int_equal(raw_long(f->path, sql), 0);
    site_report_free(&bare);
    site_report_free(&r);
}

static void a_crawl_of_an_unknown_site_or_round_is_refused(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    struct site_report r;
    full_report(&r, 1);
    struct snapshot before, after;
    snapshot_take(f->path, &before);
    long id = -1;
    assert_int_equal(storage_crawl_save(f->db, f->round1, "4399999999", 1, 2, &r, NULL, &id, &err),
                     SC_ENOTFOUND);
    assert_non_null(strstr(err.msg, "4399999999"));
    assert_non_null(strstr(err.msg, "not in the registry"));
    assert_int_equal(storage_crawl_save(f->db, 0, "4399999999", 1, 2, &r, NULL, &id, &err),
                     SC_ENOTFOUND);
    assert_int_equal(storage_crawl_save(f->db, 999, "4300000001", 1, 2, &r, NULL, &id, &err),
                     SC_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no round 999"));
    assert_int_equal(id, -1);
    snapshot_take(f->path, &after);
    assert_string_equal(before.rows.buf, after.rows.buf);
    assert_int_equal(table_count(&after, "crawls"), 0);

    /* the foreign key itself refuses a row that bypasses storage's check */
    sqlite3 *raw = raw_open(f->path);
    assert_int_equal(sqlite3_exec(raw, "PRAGMA foreign_keys=ON", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw,
                                  "INSERT INTO crawls(site_code, started_at) VALUES('4399999999', "
                                  "'x')",
                                  NULL, NULL, NULL),
                     SQLITE_CONSTRAINT);
    sqlite3_close(raw);
    snapshot_release(&before);
    snapshot_release(&after);
    site_report_free(&r);
}

static void arbitrary_bytes_are_stored_unchanged(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    /* control bytes, C1 controls, invalid UTF-8, quotes, backslashes, SQL, a 4-byte
     * character, a long string */
    static const char *const odd[] = {
        "\x01\x02\x1f\x7f\t\r\n",
        "\xc2\x85\xc2\x9f line",
        "\xff\xfe\xc0\x80 bad \xed\xa0\x80",
        "'; DROP TABLE crawls; -- \"quoted\" \\back\\slash %s %n",
        "𠮷野家 \xe2\x80\xae rtl",
    };
    struct strbuf big = STRBUF_INIT;
    for (int i = 0; i < 20000; i++)
        strbuf_adds(&big, odd[i % 5]);
    assert_false(big.failed);

    struct site_report r;
    site_report_init(&r, odd[0]);
    r.unreachable_error = strdup(odd[1]);
    r.identity.icp = strdup(odd[2]);
    r.identity.police_record = strdup(odd[3]);
    r.identity.sponsor = strdup(big.buf);
    r.identity.site_code = strdup(odd[4]);
    for (int i = 0; i < 5; i++) {
        struct link_record *l = add_link(&r, odd[i], odd[(i + 1) % 5], odd[(i + 2) % 5], 1,
                                         LINK_BROKEN, 404, odd[(i + 3) % 5], odd[(i + 4) % 5]);
        add_redirect(l, odd[(i + 2) % 5]);
        struct column_record *c = site_report_add_column(&r);
        c->name = strdup(odd[i]);
        c->url = strdup(odd[(i + 1) % 5]);
        struct section_record *s = site_report_add_section(&r);
        s->name = strdup(odd[i]);
        s->url = strdup(odd[(i + 3) % 5]);
        struct defect_record *d = site_report_add_defect(&r);
        d->kind = strdup(odd[i]);
        d->url = strdup(odd[(i + 2) % 5]);
        d->detail = strdup(i == 4 ? big.buf : odd[(i + 4) % 5]);
    }
    assert_int_equal(
        storage_crawl_save(f->db, f->round1, "4300000001", 1, 2, &r, big.buf, NULL, &err), SC_OK);
    struct site_report got;
    struct crawl_meta meta;
    assert_int_equal(storage_crawl_load(f->db, f->round1, "4300000001", &got, &meta, &err), SC_OK);
    assert_reports_equal(&r, &got);
    assert_string_equal(meta.report_json, big.buf);
    free(meta.report_json);
    site_report_free(&got);
    site_report_free(&r);
    strbuf_release(&big);
}

static void a_version_4_database_is_upgraded_in_place(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/v4.db", dir);
    struct storage *db = NULL;
    struct sc_error err = {{0}};
    assert_true(storage_schema_latest() >= 5);
    assert_int_equal(storage_open_at_version(path, 4, &db, &err), SC_OK);
    assert_int_equal(storage_schema_version(db), 4);
    import_sites(db);
    storage_close(db);
    /* what a version-4 database may hold: a round, and (by hand: nothing wrote crawls
     * before version 5) two crawls of one site in it, the older with a link */
    raw_exec(path,
             "PRAGMA foreign_keys=ON;"
             "INSERT INTO rounds(id, quarter, number, draw_date, window_start, window_end)"
             " VALUES(11, '2026Q4', 1, '2026-10-01', '2026-10-01', '2026-11-11');"
             "INSERT INTO crawls(id, round_id, site_code, started_at, reachable)"
             " VALUES(1, 11, '4300000001', '2026-10-02T00:00:00+08:00', 0),"
             " (2, 11, '4300000001', '2026-10-03T00:00:00+08:00', 1),"
             " (3, NULL, '4300000001', '2026-10-03T00:00:00+08:00', 1);"
             "INSERT INTO links(crawl_id, url, found_on, result) VALUES(1, 'u', 'p', 'broken');");
    assert_int_equal(raw_long(path, "SELECT count(*) FROM sqlite_master WHERE "
                                    "name IN ('link_redirects', 'crawl_sections')"),
                     0);

    assert_int_equal(storage_open(path, &db, &err), SC_OK);
    assert_int_equal(storage_schema_version(db), storage_schema_latest());
    assert_int_equal(storage_sites_count(db, 0), 2);
    /* the newest crawl of the round is kept, the older one and its link are gone */
    assert_int_equal(raw_long(path, "SELECT count(*) FROM crawls"), 2);
    assert_int_equal(raw_long(path, "SELECT count(*) FROM crawls WHERE id IN (2, 3)"), 2);
    assert_int_equal(raw_long(path, "SELECT count(*) FROM links"), 0);
    struct site_report got;
    struct crawl_meta meta;
    assert_int_equal(storage_crawl_load(db, 11, "4300000001", &got, &meta, &err), SC_OK);
    assert_int_equal(meta.id, 2);
    assert_int_equal(got.reachable, 1);
    assert_int_equal(got.identity.site_code_matches, -1);
    assert_int_equal(got.homepage_latest, SC_NO_DAY);
    assert_true(got.updates.median_gap_days < 0);
    site_report_free(&got);

    /* and it stores crawls like a new one */
    struct site_report r, want;
    full_report(&r, 1);
    full_report(&want, 0);
    assert_int_equal(storage_crawl_save(db, 11, "4300000001", 5, 6, &r, "{}", NULL, &err), SC_OK);
    assert_stored(db, 11, "4300000001", &want);
    assert_int_equal(storage_round_crawled_count(db, 11), 1);
    storage_close(db);
    struct snapshot s;
    snapshot_take(path, &s); /* integrity and foreign keys */
    snapshot_release(&s);
    site_report_free(&r);
    site_report_free(&want);
    test_tmpdir_remove(dir);
}

/* The interaction probe's findings (migration 11) come back as they were, and the final
 * verdict judged from storage gives the same interaction defects as the crawl's judge. */
static int count_kind(const struct site_report *r, const char *kind, enum defect_severity sev)
{
    int n = 0;
    for (size_t i = 0; i < r->ndefects; i++)
        n += strcmp(r->defects[i].kind, kind) == 0 && r->defects[i].severity == sev;
    return n;
}

static void interaction_round_trips_and_judges_again(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    struct site_report r, got;
    site_report_init(&r, "http://www.a.gov.cn/");
    r.reachable = 1;
    r.homepage_analysed = 1;
    r.homepage_latest = sc_days_from_civil(2026, 11, 30);
    r.interaction_analysed = 1;
    struct interaction_channel *c = site_report_add_channel(&r);
    c->name = strdup("市长信箱");
    c->url = strdup("http://www.a.gov.cn/szxx/");
    c->works = 0;
    c->messages_seen = 12;
    c->answered = 10;
    c->median_response_days = 6.5;
    c = site_report_add_channel(&r);
    c->name = strdup("12345热线");
    c->url = strdup("http://12345.b.gov.cn/");
    c->works = -1; /* stored as NULL, loaded back as not checked */
    struct unanswered_message *m = site_report_add_unanswered(&r);
    m->url = strdup("http://www.a.gov.cn/szxx/3.html");
    m->title = strdup("关于停水的咨询");
    m->asked = sc_days_from_civil(2026, 7, 15);
    assert_int_equal(rules_judge(NULL, &r), SC_OK);
    /* a channel not checked: no channel veto; the message: one */
    assert_int_equal(count_kind(&r, "no_interaction_channel", SEVERITY_VETO), 0);
    assert_int_equal(count_kind(&r, "unanswered_message", SEVERITY_VETO), 1);
    assert_false(r.verdict_pass);
    assert_int_equal(storage_crawl_save(f->db, f->round1, "4300000001", 1, 2, &r, NULL, NULL, &err),
                     SC_OK);
    assert_int_equal(storage_crawl_load(f->db, f->round1, "4300000001", &got, NULL, &err), SC_OK);
    assert_true(got.interaction_analysed);
    assert_int_equal(got.nchannels, 2);
    assert_string_equal(got.channels[0].name, "市长信箱");
    assert_string_equal(got.channels[0].url, "http://www.a.gov.cn/szxx/");
    assert_int_equal(got.channels[0].works, 0);
    assert_int_equal(got.channels[0].messages_seen, 12);
    assert_int_equal(got.channels[0].answered, 10);
    assert_true(got.channels[0].median_response_days == 6.5);
    assert_int_equal(got.channels[1].works, -1);
    assert_true(got.channels[1].median_response_days < 0);
    assert_int_equal(got.nunanswered, 1);
    assert_string_equal(got.unanswered[0].url, "http://www.a.gov.cn/szxx/3.html");
    assert_string_equal(got.unanswered[0].title, "关于停水的咨询");
    assert_int_equal(got.unanswered[0].asked, sc_days_from_civil(2026, 7, 15));
    assert_int_equal(verdict_final(NULL, &got, NULL), SC_OK);
    assert_int_equal(count_kind(&got, "unanswered_message", SEVERITY_VETO), 1);
    assert_int_equal(count_kind(&got, "no_interaction_channel", SEVERITY_VETO), 0);
    assert_false(got.verdict_pass);
    site_report_free(&got);
    /* without the unchecked channel, the stored channels alone give the channel veto */
    free(r.channels[1].name);
    free(r.channels[1].url);
    r.nchannels = 1;
    assert_int_equal(storage_crawl_save(f->db, f->round2, "4300000001", 1, 2, &r, NULL, NULL, &err),
                     SC_OK);
    assert_int_equal(storage_crawl_load(f->db, f->round2, "4300000001", &got, NULL, &err), SC_OK);
    assert_int_equal(verdict_final(NULL, &got, NULL), SC_OK);
    assert_int_equal(count_kind(&got, "no_interaction_channel", SEVERITY_VETO), 1);
    site_report_free(&got);
    /* a crawl from before the probe (the flag 0): no interaction defect at all */
    site_report_free(&r);
    site_report_init(&r, "http://www.a.gov.cn/");
    r.reachable = 1;
    r.homepage_analysed = 1;
    assert_int_equal(storage_crawl_save(f->db, 0, "4300000001", 1, 2, &r, NULL, NULL, &err), SC_OK);
    assert_int_equal(storage_crawl_load(f->db, 0, "4300000001", &got, NULL, &err), SC_OK);
    assert_false(got.interaction_analysed);
    assert_int_equal(verdict_final(NULL, &got, NULL), SC_OK);
    assert_int_equal(count_kind(&got, "no_interaction_channel", SEVERITY_VETO), 0);
    site_report_free(&got);
    site_report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(report_round_trips_field_by_field, setup, teardown),
        cmocka_unit_test_setup_teardown(a_round_lists_and_counts_its_crawls, setup, teardown),
        cmocka_unit_test_setup_teardown(saving_a_round_crawl_again_replaces_it, setup, teardown),
        cmocka_unit_test_setup_teardown(a_save_that_fails_midway_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(service_guides_round_trip_and_are_judged_again, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_crawl_of_an_unknown_site_or_round_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(arbitrary_bytes_are_stored_unchanged, setup, teardown),
        cmocka_unit_test(a_version_4_database_is_upgraded_in_place),
        cmocka_unit_test_setup_teardown(interaction_round_trips_and_judges_again, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

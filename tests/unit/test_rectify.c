/* test_rectify: the re-check after a rectification deadline (整改 复查): the item-by-item
 * comparison of probes/verdict/rectify_compare.h (fixed or still there, per kind of item: a
 * broken link by URL, a stale or blank column by URL or name, a missing section by name, the
 * unreachable veto, homepage stale and site-wide deductions by kind; an unreachable re-check
 * fixes nothing; a service guide and a message by URL or title, the guides' and the
 * no-channel vetoes by kind), and the storage round trip of storage/rectifications.h (save whole,
 * load, replace, the due list from the deadline, published marks, a round's counts). */
#include "testutil.h"
#include "common/clock.h"
#include "probes/verdict/rectify_compare.h"
#include "storage/db.h"
#include "storage/internal.h"
#include "storage/rectifications.h"
#include "reports/rectification_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add(struct site_report *r, const char *kind, enum defect_severity sev, const char *url,
                const char *detail, double points)
{
    struct defect_record *d = site_report_add_defect(r);
    assert_non_null(d);
    d->kind = strdup(kind);
    d->severity = sev;
    d->url = url ? strdup(url) : NULL;
    d->detail = detail ? strdup(detail) : NULL;
    d->points = points;
}

/* The final verdict of a failing site: one item of each kind the comparison tells apart. */
static void final_report(struct site_report *f)
{
    site_report_init(f, "http://a.gov.cn/");
    f->reachable = 1;
    add(f, "unreachable", SEVERITY_VETO, "http://a.gov.cn/", "14 of 140 probes failed", 0);
    add(f, "broken_link", SEVERITY_DEDUCT, "http://a.gov.cn/x.pdf", "http_status on /", 1);
    add(f, "broken_link", SEVERITY_DEDUCT, "http://a.gov.cn/y.html", "http_status on /", 1);
    add(f, "stale_column", SEVERITY_DEDUCT, "http://a.gov.cn/yw/",
        "要闻 (news): latest item "
        "2026-09-01, window 14 days",
        2);
    add(f, "missing_section", SEVERITY_VETO, NULL, "办事服务: no link found", 0);
    add(f, "missing_section", SEVERITY_DEDUCT, NULL, "政策解读: no link found", 2);
    add(f, "no_search", SEVERITY_DEDUCT, NULL, "no site search box", 1);
    add(f, "suspected_link", SEVERITY_INFO, "http://a.gov.cn/z", "timeout on /: re-check", 0);
}

static void test_compare_kinds(void **state)
{
    (void)state;
    struct site_report f, r;
    final_report(&f);
    site_report_init(&r, "http://a.gov.cn/");
    r.reachable = 1;
    r.judged = 1;
    /* still there: x.pdf broken again, the column stale with another date, 政策解读 missing
     * (by name, its detail changed), no search; y.html only suspected is not shown fixed */
    add(&r, "broken_link", SEVERITY_DEDUCT, "http://a.gov.cn/x.pdf", "http_status on /a", 1);
    add(&r, "suspected_link", SEVERITY_INFO, "http://a.gov.cn/y.html", "timeout", 0);
    add(&r, "stale_column", SEVERITY_DEDUCT, "http://a.gov.cn/yw/",
        "要闻 (news): latest item "
        "2026-10-01, window 14 days",
        2);
    add(&r, "missing_section", SEVERITY_DEDUCT, NULL, "政策解读: its page does not load", 2);
    add(&r, "no_search", SEVERITY_DEDUCT, NULL, "no site search box", 1);
    /* new defects do not count: another broken link, another column */
    add(&r, "broken_link", SEVERITY_DEDUCT, "http://a.gov.cn/new.html", "http_status", 1);
    add(&r, "stale_column", SEVERITY_DEDUCT, "http://a.gov.cn/other/", "其他: ...", 2);
    struct rectify_item *items = NULL;
    size_t n = 0;
    int rectified = -1;
    assert_int_equal(rectify_compare(&f, &r, &items, &n, &rectified), 0);
    assert_int_equal(n, 7); /* the info item is not a failed item */
    assert_int_equal(rectified, 0);
    int want_fixed[7] = {1, 0, 0, 0, 1, 0, 0};
    long want_found[7] = {-1, 0, 1, 2, -1, 3, 4};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(items[i].final_index, i);
        assert_int_equal(items[i].fixed, want_fixed[i]);
        assert_int_equal(items[i].found_index, want_found[i]);
    }
    free(items);
    site_report_free(&r);

    /* everything gone (a removed broken link counts as fixed): rectified */
    site_report_init(&r, "http://a.gov.cn/");
    r.reachable = 1;
    r.judged = 1;
    add(&r, "broken_link", SEVERITY_DEDUCT, "http://a.gov.cn/new.html", "http_status", 1);
    assert_int_equal(rectify_compare(&f, &r, &items, &n, &rectified), 0);
    assert_int_equal(n, 7);
    assert_int_equal(rectified, 1);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(items[i].fixed, 1);
    free(items);
    site_report_free(&r);

    /* the re-check could not open the site: nothing is fixed, the finding is its unreachable */
    site_report_init(&r, "http://a.gov.cn/");
    r.reachable = 0;
    r.judged = 1;
    add(&r, "unreachable", SEVERITY_VETO, "http://a.gov.cn/", "the homepage did not open", 0);
    assert_int_equal(rectify_compare(&f, &r, &items, &n, &rectified), 0);
    assert_int_equal(rectified, 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(items[i].fixed, 0);
        assert_int_equal(items[i].found_index, 0);
    }
    free(items);
    site_report_free(&r);
    site_report_free(&f);
}

static void test_same_item(void **state)
{
    (void)state;
    struct defect_record a = {"stale_column", SEVERITY_DEDUCT, NULL, "要闻 (news): x", 2};
    struct defect_record b = {"stale_column", SEVERITY_DEDUCT, NULL, "要闻 (news): y", 2};
    struct defect_record c = {"stale_column", SEVERITY_DEDUCT, NULL, "要闻二 (news): x", 2};
    struct defect_record d = {"homepage_stale", SEVERITY_VETO, "http://a/", "newest 09-01", 0};
    struct defect_record e = {"homepage_stale", SEVERITY_VETO, "http://b/", "newest 10-01", 0};
    struct defect_record u = {"stale_column", SEVERITY_DEDUCT, "http://a/yw/", "要闻 (news): x", 2};
    assert_true(rectify_same_item(&a, &b));  /* by name without a URL */
    assert_false(rectify_same_item(&a, &c)); /* another column */
    assert_true(rectify_same_item(&d, &e));  /* site-wide: by kind */
    assert_false(rectify_same_item(&a, &u)); /* one with a URL, one without */
    assert_false(rectify_same_item(&a, &d));
}

/* The new content defects: a guide and a message are located (by URL, or by title without
 * one); the guides' veto, the no-channel veto and a blank column found through the navigation
 * or a section's index (by its list page's URL) as before. */
static void test_content_kinds(void **state)
{
    (void)state;
    struct site_report f, r;
    site_report_init(&f, "http://a.gov.cn/");
    f.reachable = 1;
    add(&f, "incomplete_guide", SEVERITY_DEDUCT, "http://a.gov.cn/bsfw/grbs/g000.html",
        "结婚登记: missing 基本流程", 1);
    add(&f, "incomplete_guide", SEVERITY_DEDUCT, "http://zwfw.hunan.gov.cn/portal/1/frbs/g001.html",
        "户口迁移: missing 事项名称, 申请材料", 1);
    add(&f, "incomplete_guides", SEVERITY_VETO, NULL, "5 incomplete guides (veto at 5)", 0);
    add(&f, "unanswered_message", SEVERITY_VETO, "http://a.gov.cn/hd/wsly/m23.html",
        "关于路灯的反映: asked 2026-01-01, unanswered after 90 days", 0);
    add(&f, "unanswered_message", SEVERITY_VETO, NULL,
        "关于噪音的反映: asked 2026-02-01, unanswered after 90 days", 0);
    add(&f, "no_interaction_channel", SEVERITY_VETO, NULL, "no consultation channel found (0)", 0);
    add(&f, "blank_column", SEVERITY_DEDUCT, "http://a.gov.cn/jcdt/index.html",
        "基层动态: the column page shows no items", 2);
    site_report_init(&r, "http://a.gov.cn/");
    r.reachable = 1;
    r.judged = 1;
    /* g000 completed, but another guide incomplete; the platform's guide still incomplete;
     * m23 answered, another message unanswered; the titled one still there; the channel and
     * the guides' veto still there; the column filled, another column (nav) blank */
    add(&r, "incomplete_guide", SEVERITY_DEDUCT, "http://a.gov.cn/bsfw/grbs/g002.html",
        "结婚登记: missing 基本流程", 1);
    add(&r, "incomplete_guide", SEVERITY_DEDUCT, "http://zwfw.hunan.gov.cn/portal/1/frbs/g001.html",
        "户口迁移: missing 申请材料", 1);
    add(&r, "incomplete_guides", SEVERITY_VETO, NULL, "6 incomplete guides (veto at 5)", 0);
    add(&r, "unanswered_message", SEVERITY_VETO, "http://a.gov.cn/hd/wsly/m24.html",
        "关于路灯的反映: asked 2026-01-01, unanswered after 90 days", 0);
    add(&r, "unanswered_message", SEVERITY_VETO, NULL,
        "关于噪音的反映: asked 2026-02-01, unanswered after 90 days", 0);
    add(&r, "no_interaction_channel", SEVERITY_VETO, NULL, "2 consultation channels, none ...", 0);
    add(&r, "blank_column", SEVERITY_DEDUCT, "http://a.gov.cn/ztzl/index.html",
        "专题专栏: the column page shows no items", 2);
    struct rectify_item *items = NULL;
    size_t n = 0;
    int rectified = -1;
    assert_int_equal(rectify_compare(&f, &r, &items, &n, &rectified), 0);
    assert_int_equal(n, 7);
    assert_int_equal(rectified, 0);
    int want_fixed[7] = {1, 0, 0, 1, 0, 0, 1};
    long want_found[7] = {-1, 1, 2, -1, 4, 5, -1};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(items[i].fixed, want_fixed[i]);
        assert_int_equal(items[i].found_index, want_found[i]);
    }
    free(items);
    site_report_free(&r);

    /* everything fixed, new defects of the same kinds elsewhere aside from the site-wide ones */
    site_report_init(&r, "http://a.gov.cn/");
    r.reachable = 1;
    r.judged = 1;
    add(&r, "incomplete_guide", SEVERITY_DEDUCT, "http://a.gov.cn/bsfw/grbs/g005.html",
        "生育登记: missing 咨询电话", 1);
    add(&r, "unanswered_message", SEVERITY_VETO, "http://a.gov.cn/hd/zxzx/m2.html",
        "关于停水的咨询: asked 2026-09-01, unanswered after 90 days", 0);
    assert_int_equal(rectify_compare(&f, &r, &items, &n, &rectified), 0);
    assert_int_equal(rectified, 1);
    free(items);
    site_report_free(&r);
    site_report_free(&f);

    struct defect_record g = {"incomplete_guide", SEVERITY_DEDUCT, NULL,
                              "结婚登记: missing 事项名称", 1};
    struct defect_record h = {"incomplete_guide", SEVERITY_DEDUCT, NULL,
                              "结婚登记: missing 申请材料", 1};
    struct defect_record k = {"incomplete_guide", SEVERITY_DEDUCT, NULL,
                              "生育登记: missing 事项名称", 1};
    assert_true(rectify_same_item(&g, &h));  /* the same guide by its name */
    assert_false(rectify_same_item(&g, &k)); /* another guide */
}

/* A database with a failing final crawl 1 (finalised 2026-11-12) and a passing one 2. */
static struct storage *fixture_db(const char *path)
{
    struct storage *db = NULL;
    struct sc_error err = {{0}};
    assert_int_equal(storage_open(path, &db, &err), SC_OK);
    assert_int_equal(
        sqlite3_exec(db->handle,
                     "INSERT INTO sites(code, name, url, type, status, updated_at) VALUES"
                     " ('4300000001', 'A', 'http://a.gov.cn/', 'portal', 'normal', 'x'),"
                     " ('4300000002', 'B', 'http://b.gov.cn/', '', 'normal', 'x');"
                     "INSERT INTO rounds(id, quarter, number, draw_date, window_start, window_end,"
                     " state) VALUES (7, '2026Q4', 1, 'd', 's', 'e', 'finalised');"
                     "INSERT INTO crawls(id, round_id, site_code, started_at, finished_at,"
                     " final_verdict, finalised_at) VALUES"
                     " (1, 7, '4300000001', '2026-10-02T10:00:00+08:00',"
                     "  '2026-10-02T10:05:00+08:00', 'fail', '2026-11-12T00:00:00+08:00'),"
                     " (2, 7, '4300000002', '2026-10-02T10:00:00+08:00', NULL, 'pass',"
                     "  '2026-11-12T00:00:00+08:00');",
                     NULL, NULL, NULL),
        SQLITE_OK);
    return db;
}

struct due_seen {
    int n;
    struct rectification_due first;
    char code[16];
};

static int note_due(const struct rectification_due *due, void *ud)
{
    struct due_seen *s = ud;
    if (s->n++ == 0) {
        s->first = *due;
        snprintf(s->code, sizeof s->code, "%s", due->code);
    }
    return 0;
}

static void test_storage_round_trip(void **state)
{
    (void)state;
    char *dir = test_tmpdir(), path[512];
    snprintf(path, sizeof path, "%s/r.db", dir);
    struct storage *db = fixture_db(path);
    struct sc_error err = {{0}};

    /* due: the failing crawl only, the day after its deadline (11-12 + 15 = 11-27) */
    struct due_seen seen;
    memset(&seen, 0, sizeof seen);
    assert_int_equal(storage_rectifications_due_each(db, 15, note_due, &seen, &err), 0);
    assert_int_equal(seen.n, 1);
    assert_int_equal(seen.first.crawl_id, 1);
    assert_string_equal(seen.code, "4300000001");
    assert_string_equal(seen.first.deadline, "2026-11-27");
    time_t t28;
    assert_int_equal(sc_time_parse("2026-11-28", &t28), 0);
    assert_int_equal((long long)seen.first.due, (long long)t28);
    long done, waiting, overdue;
    assert_int_equal(
        storage_round_rectifications(db, 7, 15, t28 - 1, &done, &waiting, &overdue, &err), 0);
    assert_int_equal(done * 100 + waiting * 10 + overdue, 10);
    assert_int_equal(storage_round_rectifications(db, 7, 15, t28, &done, &waiting, &overdue, &err),
                     0);
    assert_int_equal(done * 100 + waiting * 10 + overdue, 11);

    /* save: the comparison's items with both checks' evidence */
    struct site_report f, r;
    final_report(&f);
    site_report_init(&r, "http://a.gov.cn/");
    r.reachable = 1;
    r.judged = 1;
    r.score = 97.5;
    r.verdict_pass = 1;
    r.pages_crawled = 40;
    r.links_checked = 55;
    add(&r, "no_search", SEVERITY_DEDUCT, NULL, "no site search box <b>", 1);
    struct rectify_item *items = NULL;
    size_t n = 0;
    int rectified = 0;
    assert_int_equal(rectify_compare(&f, &r, &items, &n, &rectified), 0);
    assert_int_equal(
        storage_rectification_save(db, 99, &f, &r, items, n, rectified, "{}", t28, t28 + 60, &err),
        SC_ENOTFOUND);
    assert_int_equal(
        storage_rectification_save(db, 1, &f, &r, items, n, rectified, "{}", t28, t28 + 60, &err),
        0);
    struct rectification rec;
    assert_int_equal(storage_rectification_load(db, 2, &rec, &err), 0);
    assert_int_equal(storage_rectification_load(db, 1, &rec, &err), 1);
    assert_string_equal(rec.started_at, "2026-11-28T00:00:00+08:00");
    assert_string_equal(rec.checked_at, "2026-11-28T00:01:00+08:00");
    assert_int_equal(rec.reachable, 1);
    assert_int_equal(rec.pages_crawled, 40);
    assert_int_equal(rec.links_checked, 55);
    assert_true(rec.judged && rec.verdict_pass);
    assert_true(rec.score > 97.4 && rec.score < 97.6);
    assert_int_equal(rec.rectified, 0);
    assert_string_equal(rec.published_at, "");
    assert_int_equal(rec.nitems, 7);
    assert_string_equal(rec.items[0].kind, "unreachable");
    assert_int_equal(rec.items[0].severity, SEVERITY_VETO);
    assert_int_equal(rec.items[0].fixed, 1);
    assert_null(rec.items[0].found_detail);
    assert_string_equal(rec.items[1].url, "http://a.gov.cn/x.pdf");
    assert_string_equal(rec.items[6].kind, "no_search");
    assert_int_equal(rec.items[6].fixed, 0);
    assert_string_equal(rec.items[6].detail, "no site search box");
    assert_string_equal(rec.items[6].found_detail, "no site search box <b>");
    assert_null(rec.items[4].url);
    assert_string_equal(rec.items[4].detail, "办事服务: no link found");
    rectification_free(&rec);
    free(items);

    /* done: no longer due; counted done */
    memset(&seen, 0, sizeof seen);
    assert_int_equal(storage_rectifications_due_each(db, 15, note_due, &seen, &err), 0);
    assert_int_equal(seen.n, 0);
    assert_int_equal(storage_round_rectifications(db, 7, 15, t28, &done, &waiting, &overdue, &err),
                     0);
    assert_int_equal(done * 100 + waiting * 10 + overdue, 100);

    /* published marks: only those checked up to the moment given */
    char quarters[2][8];
    int numbers[2];
    assert_int_equal(storage_rectifications_unpublished_rounds(db, quarters, numbers, 2, &err), 1);
    assert_string_equal(quarters[0], "2026Q4");
    assert_int_equal(numbers[0], 1);
    char latest[32];
    assert_int_equal(storage_rectifications_unpublished(db, latest, &err), 1);
    assert_string_equal(latest, "2026-11-28T00:01:00+08:00");
    assert_int_equal(storage_rectifications_mark_published(db, "2026-11-28T00:00:30+08:00",
                                                           "2026-11-28T00:02:00+08:00", &err),
                     0);
    assert_int_equal(storage_rectifications_unpublished(db, NULL, &err), 1);
    assert_int_equal(storage_rectifications_mark_published(db, "2026-11-28T00:01:00+08:00",
                                                           "2026-11-28T00:02:00+08:00", &err),
                     0);
    assert_int_equal(storage_rectifications_unpublished(db, latest, &err), 0);
    assert_string_equal(latest, "");
    assert_int_equal(storage_rectifications_unpublished_rounds(db, quarters, numbers, 2, &err), 0);

    /* saved again (all fixed now): replaced whole, not added to */
    site_report_free(&r);
    site_report_init(&r, "http://a.gov.cn/");
    r.reachable = 1;
    r.judged = 1;
    assert_int_equal(rectify_compare(&f, &r, &items, &n, &rectified), 0);
    assert_int_equal(rectified, 1);
    assert_int_equal(
        storage_rectification_save(db, 1, &f, &r, items, n, rectified, NULL, t28, t28 + 120, &err),
        0);
    free(items);
    storage_close(db);
    assert_int_equal(storage_open(path, &db, &err), SC_OK);
    assert_int_equal(storage_rectification_load(db, 1, &rec, &err), 1);
    assert_int_equal(rec.rectified, 1);
    assert_int_equal(rec.nitems, 7);
    for (size_t i = 0; i < rec.nitems; i++)
        assert_int_equal(rec.items[i].fixed, 1);
    rectification_free(&rec);
    /* the crawl replaced (a redo): its re-check goes with it */
    assert_int_equal(sqlite3_exec(db->handle,
                                  "PRAGMA foreign_keys=ON; DELETE FROM crawls WHERE id=1", NULL,
                                  NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(storage_rectification_load(db, 1, &rec, &err), 0);
    sqlite3_stmt *st = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(db->handle, "SELECT count(*) FROM rectification_items", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    site_report_free(&r);
    site_report_free(&f);
    storage_close(db);
    test_tmpdir_remove(dir);
}

/* How the reports show it: the states, and everything from a crawled page escaped. */
static void test_shown_escaped(void **state)
{
    (void)state;
    struct rectification_item_row items[2] = {
        {"missing_section", SEVERITY_VETO, "javascript:alert(1)", "<script>alert(1)</script>", 0, 0,
         "\"><img src=x onerror=alert(2)>"},
        {"broken_link", SEVERITY_DEDUCT, "http://a.gov.cn/x?a=1&b=<2>", "on / & <b>", 1, 1, NULL},
    };
    struct rectification rec;
    memset(&rec, 0, sizeof rec);
    snprintf(rec.checked_at, sizeof rec.checked_at, "2026-11-28T00:00:00+08:00");
    rec.reachable = 1;
    rec.items = items;
    rec.nitems = 2;
    struct rectification_view due = {"2026-11-27", 15, "2026-10-02T10:05:00+08:00", NULL};
    struct rectification_view done = {"2026-11-27", 15, "2026-10-02T10:05:00+08:00", &rec};
    assert_string_equal(rectification_state(&due), "due");
    assert_string_equal(rectification_state(&done), "not_rectified");
    struct strbuf out = STRBUF_INIT;
    rectification_html_items(&due, &out);
    assert_int_equal(out.len, 0); /* nothing to show while due */
    rectification_state_zh(&done, &out);
    assert_string_equal(out.buf, "未整改（2026-11-28 复查）");
    strbuf_reset(&out);
    rectification_html_items(&done, &out);
    assert_false(out.failed);
    assert_null(strstr(out.buf, "<script>"));
    assert_null(strstr(out.buf, "<img"));
    assert_null(strstr(out.buf, "href=\"javascript:"));
    assert_non_null(strstr(out.buf, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(out.buf, "仍存在：&quot;&gt;&lt;img"));
    assert_non_null(strstr(out.buf, "on / &amp; &lt;b&gt;"));
    assert_non_null(strstr(out.buf, "原检查（2026-10-02T10:05）"));
    assert_non_null(strstr(out.buf, "复查（2026-11-28T00:00）"));
    strbuf_reset(&out);
    struct json_writer w;
    json_init(&w, &out, 0);
    rectification_json(&w, &done);
    assert_false(out.failed);
    assert_non_null(strstr(out.buf, "\"state\":\"not_rectified\""));
    assert_non_null(strstr(out.buf, "\"rectified_on\":null"));
    assert_non_null(strstr(out.buf, "\"state\":\"still_there\""));
    assert_non_null(strstr(out.buf, "\"finding\":\"\\\"\\u003e\\u003cimg"));
    assert_non_null(strstr(out.buf, "\"original\":{\"checked_at\":\"2026-10-02T10:05\""));
    rec.rectified = 1;
    strbuf_reset(&out);
    json_init(&w, &out, 0);
    rectification_json(&w, &done);
    assert_non_null(strstr(out.buf, "\"state\":\"rectified\""));
    assert_non_null(strstr(out.buf, "\"rectified_on\":\"2026-11-28\""));
    strbuf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* clang-format off */
        cmocka_unit_test(test_compare_kinds),
        cmocka_unit_test(test_same_item),
        cmocka_unit_test(test_content_kinds),
        cmocka_unit_test(test_storage_round_trip),
        cmocka_unit_test(test_shown_escaped),
        /* clang-format on */
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_publish: the public results site (reports/publish*.c) built from a database whose
 * registry and crawls carry hostile text: <script>, quotes, apostrophes and ampersands in
 * site names, sponsors and regions, anchor texts, column names and defect details, and a
 * javascript: URL. Checks the layout of contract.md (only finalised rounds), that nothing
 * hostile reaches a page unescaped, the CSV (BOM, columns, quoting, formula guard), the JSON
 * (byte for byte `report --format json`), idempotence, that no staging directory is left,
 * that the rounds are marked published, and that a directory that is not a site is never
 * replaced.
 *
 * `test_publish --fixture DB` only builds that database (the integration tests
 * publish_site.sh and publish_browser.sh use it). */
#include "testutil.h"
#include "common/clock.h"
#include "common/registry.h"
#include "common/strbuf.h"
#include "probes/verdict/rules.h"
#include "reports/publish.h"
#include "reports/round_json.h"
#include "storage/crawls.h"
#include "storage/db.h"
#include "storage/rounds.h"
#include "storage/sites.h"
#include "storage/verdicts.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HOSTILE_NAME "<script>alert(\"名\")</script>"
#define HOSTILE_ANCHOR "<script>alert('锚')</script> & \"引\""
#define HOSTILE_COLUMN "栏目<script>x</script>&\"'"
#define HOSTILE_DETAIL "<img src=x onerror=alert(1)> & \"详\""

static const char registry_csv[] =
    "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话,"
    "电子邮箱\n"
    "4300000001,\"<script>alert(\"\"名\"\")</script>\",http://a.hunan.gov.cn/,"
    "\"A & B \"\"办公室\"\"\",长沙市,市级,门户网站,正常运行,,,\n"
    "4300000002,\"\"\"引号\"\" & 'apos' 网站\",http://b.hunan.gov.cn/,乙单位,"
    "株洲市 & <i>,县级,部门网站,正常运行,,,\n"
    "4300000003,\"=HYPERLINK(\"\"http://evil/\"\")\",http://c.hunan.gov.cn/,丙单位,长沙市,"
    "市级,部门网站,正常运行,,,\n"
    "4300000004,普通网站,http://d.hunan.gov.cn/,丁单位,湘潭市,市级,部门网站,正常运行,,,\n"
    "4300000005,关停网站,http://e.hunan.gov.cn/,戊单位,湘潭市,市级,部门网站,关停,,,\n";

static char *dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int find_round_id(const struct round_progress *p, void *ud)
{
    long *want = ud; /* in: number, out: id */
    if (p->number == (int)want[0]) {
        want[1] = p->id;
        return 1;
    }
    return 0;
}

static long round_id(struct storage *db, const char *quarter, int number)
{
    struct sc_error err = {{0}};
    long want[2] = {number, 0};
    assert_true(storage_rounds_progress_each(db, quarter, find_round_id, want, &err) >= 0);
    assert_true(want[1] > 0);
    return want[1];
}

/* One site's crawl of a round, with hostile evidence; judged and finalised unless pending. */
static void store_crawl(struct storage *db, long rid, const char *code, const char *url,
                        const char *day, int pass, int pending)
{
    struct sc_error err = {{0}};
    struct site_report r;
    site_report_init(&r, url);
    r.reachable = 1;
    r.pages_crawled = 12;
    r.links_checked = 40;
    r.homepage_latest = SC_NO_DAY;
    struct link_record *l = site_report_add_link(&r);
    assert_non_null(l);
    l->url = dup("http://a.hunan.gov.cn/x?a=1&b=\"2\"");
    l->found_on = dup(url);
    l->anchor = dup(HOSTILE_ANCHOR);
    l->on_homepage = 1;
    l->result = LINK_BROKEN;
    l->status = 404;
    l->error = dup("http_status");
    struct column_record *c = site_report_add_column(&r);
    assert_non_null(c);
    c->name = dup(HOSTILE_COLUMN);
    c->url = dup("http://a.hunan.gov.cn/col/?x=1&y=2");
    c->latest = SC_NO_DAY;
    c->blank = 1;
    c->limit_days = 183;
    struct {
        const char *kind;
        enum defect_severity sev;
        const char *url, *detail;
    } defs[] = {
        {"broken_link", SEVERITY_DEDUCT, "javascript:alert(1)", HOSTILE_DETAIL},
        {"blank_column", SEVERITY_DEDUCT, "http://a.hunan.gov.cn/col/?x=1&y=2", HOSTILE_COLUMN},
        {"homepage_stale", SEVERITY_VETO, url, "no dated item in 14 days"},
    };
    for (size_t i = 0; i < (pass ? 2 : 3); i++) {
        struct defect_record *d = site_report_add_defect(&r);
        assert_non_null(d);
        d->kind = dup(defs[i].kind);
        d->severity = defs[i].sev;
        d->url = dup(defs[i].url);
        d->detail = dup(defs[i].detail);
        d->points = defs[i].sev == SEVERITY_DEDUCT ? 2 : 0;
    }
    r.judged = 1;
    r.score = pass ? 96 : 88.5;
    r.verdict_pass = pass;
    char at[40];
    time_t started, finished;
    snprintf(at, sizeof at, "%sT10:00", day);
    assert_int_equal(sc_time_parse(at, &started), 0);
    finished = started + 1800;
    long crawl_id = 0;
    assert_int_equal(
        storage_crawl_save(db, rid, code, started, finished, &r, NULL, &crawl_id, &err), SC_OK);
    if (!pending)
        assert_int_equal(storage_verdict_save(db, crawl_id, &r, NULL, finished + 86400 * 20, &err),
                         SC_OK);
    site_report_free(&r);
}

struct sample_list {
    char codes[16][16], urls[16][64];
    int n;
};

static int list_sample(const struct sample_site *s, void *ud)
{
    struct sample_list *l = ud;
    snprintf(l->codes[l->n], sizeof l->codes[l->n], "%s", s->code);
    snprintf(l->urls[l->n], sizeof l->urls[l->n], "%s", s->url);
    l->n++;
    return 0;
}

static void store_round_crawls(struct storage *db, long rid, const char *day, const char *pending)
{
    struct sc_error err = {{0}};
    struct sample_list l;
    memset(&l, 0, sizeof l);
    assert_int_equal(storage_round_sample_each(db, rid, list_sample, &l, &err), 0);
    assert_true(l.n >= 4);
    for (int i = 0; i < l.n; i++) {
        int pass = !strcmp(l.codes[i], "4300000004") || !strcmp(l.codes[i], "4300000003");
        store_crawl(db, rid, l.codes[i], l.urls[i], day, pass,
                    pending && !strcmp(pending, l.codes[i]));
    }
}

/* The fixture: the registry above; 2026Q4 round 1 and 2027Q1 round 1 drawn (every normally
 * running site), crawled and finalised (in 2027Q1 one site has no final verdict: pending);
 * 2026Q4 round 2 drawn but not finalised, so never published. */
static void build_fixture(const char *dir, const char *db_path)
{
    char csv[600];
    snprintf(csv, sizeof csv, "%s/registry.csv", dir);
    test_write_file(csv, registry_csv, strlen(registry_csv));
    const char *draws[][3] = {{"2026-10-01", "2026Q4", "1"},
                              {"2026-11-12", "2026Q4", "2"},
                              {"2027-01-01", "2027Q1", "1"}};
    assert_int_equal(test_run(NULL, "'%s' -q --db '%s' --now 2026-10-01 import '%s' >/dev/null",
                              test_bin(), db_path, csv),
                     0);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(test_run(NULL,
                                  "'%s' -q --db '%s' --now %s draw %s %s --seed 5eed5eed5eed "
                                  "--rate 1 --no-stratify >/dev/null",
                                  test_bin(), db_path, draws[i][0], draws[i][1], draws[i][2]),
                         0);
    struct storage *db = NULL;
    struct sc_error err = {{0}};
    assert_int_equal(storage_open(db_path, &db, &err), SC_OK);
    long q4r1 = round_id(db, "2026Q4", 1), q1r1 = round_id(db, "2027Q1", 1);
    store_round_crawls(db, q4r1, "2026-10-05", NULL);
    store_round_crawls(db, q1r1, "2027-01-05", "4300000004");
    assert_int_equal(storage_round_set_state(db, q4r1, "finalised", &err), SC_OK);
    assert_int_equal(storage_round_set_state(db, q1r1, "finalised", &err), SC_OK);
    storage_close(db);
}

/* ---- the test ---- */

struct fixture {
    char *dir;
    char db[512], out[512];
    struct storage *db_handle;
    struct rules rules;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->dir = test_tmpdir();
    snprintf(f->db, sizeof f->db, "%s/t.db", f->dir);
    snprintf(f->out, sizeof f->out, "%s/pub/site", f->dir);
    build_fixture(f->dir, f->db);
    struct sc_error err = {{0}};
    assert_int_equal(storage_open(f->db, &f->db_handle, &err), SC_OK);
    rules_default(&f->rules);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    storage_close(f->db_handle);
    test_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static void publish(struct fixture *f, const char *out, int want)
{
    struct publish_request req = {out, "抽查 <结果> & \"公开\"", "http://results.example.test",
                                  &f->rules, 15};
    struct publish_summary sum;
    struct sc_error err = {{0}};
    int rc = publish_build(f->db_handle, &req, &sum, &err);
    if (rc != want)
        fprintf(stderr, "publish: %d %s\n", rc, err.msg);
    assert_int_equal(rc, want);
}

static char *read_in(const char *dir, const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char *s = test_read_file(path, NULL);
    if (!s)
        fprintf(stderr, "missing: %s\n", path);
    assert_non_null(s);
    return s;
}

static int exists_in(const char *dir, const char *rel)
{
    char path[1024];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return stat(path, &st) == 0;
}

/* Every file of the tree, "relpath\n" sorted, with its bytes (for comparing two builds). */
static void snapshot(const char *root, const char *rel, struct strbuf *out)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel);
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    assert_true(n >= 0);
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (strcmp(name, ".") && strcmp(name, "..")) {
            char sub[1024], full[2100];
            snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", name);
            snprintf(full, sizeof full, "%s/%s", root, sub);
            struct stat st;
            assert_int_equal(stat(full, &st), 0);
            if (S_ISDIR(st.st_mode)) {
                snapshot(root, sub, out);
            } else {
                size_t len;
                char *data = test_read_file(full, &len);
                strbuf_addf(out, "== %s %zu\n", sub, len);
                strbuf_add(out, data, len);
                free(data);
            }
        }
        free(names[i]);
    }
    free(names);
}

/* Nothing hostile reaches the page as markup. */
static void assert_escaped(const char *page, const char *what)
{
    const char *bad[] = {"<script", "<img", "<i>", "href=\"javascript:", "onerror=alert(1)>"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (strstr(page, bad[i])) {
            fprintf(stderr, "%s holds %s unescaped\n", what, bad[i]);
            fail();
        }
}

static void the_site_has_the_contract_layout_and_escapes_everything(void **state)
{
    struct fixture *f = *state;
    publish(f, f->out, 0);
    const char *files[] = {"index.html",
                           "method.html",
                           "feed.xml",
                           "2026Q4-1/index.html",
                           "2027Q1-1/index.html",
                           "sites/4300000001.html",
                           "sites/4300000002.html",
                           "sites/4300000003.html",
                           "sites/4300000004.html",
                           "data/2026Q4-1.csv",
                           "data/2026Q4-1.json",
                           "data/2027Q1-1.csv",
                           "data/2027Q1-1.json",
                           "data/latest.json",
                           "data/datapackage.json",
                           "data/2026Q4-1.frame.txt"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        assert_true(exists_in(f->out, files[i]));
    /* the round that is only drawn is not published; the closed site was never sampled */
    assert_false(exists_in(f->out, "2026Q4-2"));
    assert_false(exists_in(f->out, "data/2026Q4-2.csv"));
    assert_false(exists_in(f->out, "sites/4300000005.html"));

    const char *pages[] = {"index.html",
                           "method.html",
                           "2026Q4-1/index.html",
                           "2027Q1-1/index.html",
                           "sites/4300000001.html",
                           "sites/4300000002.html",
                           "feed.xml"};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        char *p = read_in(f->out, pages[i]);
        assert_escaped(p, pages[i]);
        if (strstr(pages[i], ".html")) {
            assert_non_null(strstr(p, "<html lang=\"zh-CN\">"));
            assert_non_null(strstr(p, "name=\"viewport\""));
            assert_null(strstr(p, "src=\"http")); /* nothing loaded from another host */
            assert_null(strstr(p, "<link rel=\"stylesheet\""));
        }
        /* the title from the configuration, escaped */
        assert_non_null(strstr(p, "抽查 &lt;结果&gt; &amp; &quot;公开&quot;"));
        free(p);
    }
    char *round = read_in(f->out, "2026Q4-1/index.html");
    assert_non_null(strstr(round, "&lt;script&gt;alert(&quot;名&quot;)&lt;/script&gt;"));
    assert_non_null(strstr(round, "&quot;引号&quot; &amp; &#39;apos&#39; 网站"));
    assert_non_null(strstr(round, "株洲市 &amp; &lt;i&gt;")); /* a region, charted */
    assert_non_null(strstr(round, "<svg"));
    assert_non_null(strstr(round, "role=\"img\""));
    assert_non_null(strstr(round, "<caption>"));
    assert_non_null(strstr(round, "5eed5eed5eed")); /* the proof of the draw */
    assert_non_null(strstr(round, "href=\"../sites/4300000001.html\""));
    free(round);
    char *site = read_in(f->out, "sites/4300000001.html");
    assert_non_null(
        strstr(site, "&lt;script&gt;alert(&#39;锚&#39;)&lt;/script&gt; &amp; &quot;引&quot;"));
    assert_non_null(strstr(site, "栏目&lt;script&gt;x&lt;/script&gt;&amp;&quot;&#39;"));
    assert_non_null(strstr(site, "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;详&quot;"));
    assert_non_null(strstr(site, "href=\"http://a.hunan.gov.cn/x?a=1&amp;b=&quot;2&quot;\""));
    assert_non_null(strstr(site, "A &amp; B &quot;办公室&quot;"));
    assert_non_null(strstr(site, "id=\"availability-")); /* the availability week's section */
    /* history: both rounds link back */
    assert_non_null(strstr(site, "href=\"../2026Q4-1/index.html\""));
    assert_non_null(strstr(site, "href=\"../2027Q1-1/index.html\""));
    free(site);
    char *feed = read_in(f->out, "feed.xml");
    assert_non_null(strstr(feed, "<id>http://results.example.test/2027Q1-1/</id>"));
    assert_non_null(strstr(feed, "href=\"http://results.example.test/2026Q4-1/index.html\""));
    free(feed);
}

static void the_open_data_is_the_report_and_a_guarded_csv(void **state)
{
    struct fixture *f = *state;
    publish(f, f->out, 0);
    /* the JSON is round_json's document, byte for byte */
    struct strbuf want = STRBUF_INIT;
    struct sc_error err = {{0}};
    assert_int_equal(round_json(f->db_handle, &f->rules, 15, "2026Q4", 1, &want, &err), 0);
    char *json = read_in(f->out, "data/2026Q4-1.json");
    assert_string_equal(json, want.buf);
    free(json);
    strbuf_reset(&want);
    assert_int_equal(round_json(f->db_handle, &f->rules, 15, "2027Q1", 1, &want, &err), 0);
    char *latest = read_in(f->out, "data/latest.json");
    assert_string_equal(latest, want.buf);
    free(latest);
    strbuf_release(&want);
    /* the CSV: a BOM, the columns, one row per sampled site, quoting, the formula guard */
    char *csv = read_in(f->out, "data/2027Q1-1.csv");
    assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
    static const char header[] =
        "quarter,round,rank,site_code,site_name,url,region,sponsor,verdict,score,"
        "crawled_at,availability_probes,availability_failures,"
        "availability_failure_rate,defects,veto_defects,broken_links,"
        "defect_kinds,rectification_deadline,rectification_state,rectified_on,"
        "rechecked_on\r\n";
    assert_true(strncmp(csv + 3, header, strlen(header)) == 0);
    int rows = 0;
    for (const char *p = csv; (p = strstr(p, "\r\n2027Q1,1,")); p++)
        rows++;
    assert_int_equal(rows, 4);
    assert_non_null(strstr(csv, ",\"<script>alert(\"\"名\"\")</script>\","));
    assert_non_null(strstr(csv, ",\"'=HYPERLINK(\"\"http://evil/\"\")\","));
    assert_non_null(strstr(csv, ",pending,,")); /* the site without a final verdict */
    assert_non_null(strstr(csv, "broken_link;blank_column;homepage_stale"));
    /* a failing site without a re-check yet is due: its deadline, then "due" and two empty
     * days; a passing site has all four empty */
    assert_non_null(strstr(csv, ",due,,\r\n"));
    assert_non_null(strstr(csv, ",,,,\r\n"));
    free(csv);
    /* the frame hashes to the published frame hash */
    char *frame = read_in(f->out, "data/2026Q4-1.frame.txt");
    assert_string_equal(frame, "4300000001\n4300000002\n4300000003\n4300000004\n");
    free(frame);
}

static void publishing_twice_gives_the_same_files_and_leaves_nothing_behind(void **state)
{
    struct fixture *f = *state;
    publish(f, f->out, 0);
    struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    snapshot(f->out, "", &a);
    publish(f, f->out, 0); /* the rounds are now published, not finalised: the same site */
    snapshot(f->out, "", &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.buf, b.buf, a.len);
    strbuf_release(&a);
    strbuf_release(&b);
    /* beside the site, nothing but the site */
    char parent[600];
    snprintf(parent, sizeof parent, "%s/pub", f->dir);
    struct dirent **names;
    int n = scandir(parent, &names, NULL, alphasort);
    assert_int_equal(n, 3); /* ".", "..", "site" */
    assert_string_equal(names[2]->d_name, "site");
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    /* the published rounds are marked; the drawn one is not */
    struct sc_error err = {{0}};
    char *states = NULL;
    assert_int_equal(test_run(&states,
                              "sqlite3 -batch '%s' \"SELECT quarter||number||state FROM "
                              "rounds WHERE state!='planned' ORDER BY quarter, number\" "
                              "2>/dev/null || echo nosqlite",
                              f->db),
                     0);
    if (strcmp(states, "nosqlite\n") != 0)
        assert_string_equal(states, "2026Q41published\n2026Q42drawn\n2027Q11published\n");
    free(states);
    (void)err;
}

static void a_directory_that_is_not_a_site_is_never_replaced(void **state)
{
    struct fixture *f = *state;
    char dir[600], keep[700];
    snprintf(dir, sizeof dir, "%s/home", f->dir);
    snprintf(keep, sizeof keep, "%s/precious.txt", dir);
    assert_int_equal(mkdir(dir, 0755), 0);
    test_write_file(keep, "x", 1);
    publish(f, dir, SC_EINPUT);
    assert_true(exists_in(dir, "precious.txt"));
    assert_false(exists_in(dir, "index.html"));
    /* an empty directory, and one holding an earlier site, are replaced */
    char empty[600];
    snprintf(empty, sizeof empty, "%s/empty/", f->dir);
    assert_int_equal(mkdir(empty, 0755), 0);
    publish(f, empty, 0);
    assert_true(exists_in(empty, "index.html"));
    publish(f, empty, 0);
    assert_true(exists_in(empty, "method.html"));
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--fixture") == 0) {
        /* the integration tests' database: build it beside the given path */
        char *dir = strdup(argv[2]), *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        else
            strcpy(dir, ".");
        build_fixture(dir, argv[2]);
        free(dir);
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_site_has_the_contract_layout_and_escapes_everything,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(the_open_data_is_the_report_and_a_guarded_csv, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            publishing_twice_gives_the_same_files_and_leaves_nothing_behind, setup, teardown),
        cmocka_unit_test_setup_teardown(a_directory_that_is_not_a_site_is_never_replaced, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

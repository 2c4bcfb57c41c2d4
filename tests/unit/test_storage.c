/* test_storage: the database: import semantics and status history, migrations from an older
 * schema, refusal of bad files, and crash safety of an import killed with SIGKILL. */
#include "testutil.h"
#include "common/clock.h"
#include "common/registry.h"
#include "common/strbuf.h"
#include "storage/db.h"
#include "storage/sites.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#define HEADER "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话,电子邮箱\n"

static struct storage *open_db(const char *dir)
{
    char path[512];
    struct storage *db = NULL;
    struct sc_error err = {{0}};
    snprintf(path, sizeof path, "%s/t.db", dir);
    assert_int_equal(storage_open(path, &db, &err), SC_OK);
    return db;
}

static void import_text(struct storage *db, const char *text, struct import_summary *sum)
{
    struct registry reg;
    struct sc_error err = {{0}};
    assert_int_equal(registry_parse(text, strlen(text), &reg, &err), SC_OK);
    assert_int_equal(storage_registry_apply(db, &reg, "test.csv", sum, &err), SC_OK);
    registry_free(&reg);
}

struct collected {
    struct strbuf text;
    long n;
};

static int collect_site(const struct site_row *s, void *ud)
{
    struct collected *c = ud;
    strbuf_addf(&c->text, "%s|%s|%s|%d\n", s->code, s->name, s->status, s->listed);
    c->n++;
    return 0;
}

static int collect_change(const struct status_change *ch, void *ud)
{
    struct collected *c = ud;
    strbuf_addf(&c->text, "%s:%s>%s:%d>%d@%.10s\n", ch->site_code,
                ch->old_status ? ch->old_status : "-", ch->new_status, ch->old_listed,
                ch->new_listed, ch->changed_at);
    c->n++;
    return 0;
}

static void reimport_updates_records_history_and_unlists(void **state)
{
    char *dir = test_tmpdir();
    struct storage *db = open_db(dir);
    struct import_summary sum;
    time_t t;
    sc_time_parse("2026-10-01", &t);
    sc_clock_set(t);
    import_text(db, HEADER "4300000001,甲,http://a.hunan.gov.cn/,,长沙市,,,正常运行,,,\n"
                           "4300000002,乙,http://b.hunan.gov.cn/,,长沙市,,,正常运行,,,\n"
                           "4300000003,丙,http://c.hunan.gov.cn/,,株洲市,,,正常运行,,,\n",
                &sum);
    assert_int_equal(sum.added, 3);
    assert_int_equal(storage_sites_count(db, 0), 3);

    sc_time_parse("2026-11-15", &t);
    sc_clock_advance(t);
    /* 1 unchanged, 2 renamed and shut down, 3 missing, 4 new */
    import_text(db, HEADER "4300000001,甲,http://a.hunan.gov.cn/,,长沙市,,,正常运行,,,\n"
                           "4300000002,乙局,http://b.hunan.gov.cn/,,长沙市,,,关停,,,\n"
                           "4300000004,丁,http://d.hunan.gov.cn/,,株洲市,,,正常运行,,,\n",
                &sum);
    assert_int_equal(sum.added, 1);
    assert_int_equal(sum.updated, 1);
    assert_int_equal(sum.unchanged, 1);
    assert_int_equal(sum.status_changes, 1);
    assert_int_equal(sum.unlisted, 1);
    assert_int_equal(storage_sites_count(db, 0), 3);
    assert_int_equal(storage_sites_count(db, 1), 4);

    struct collected c = {STRBUF_INIT, 0};
    struct sc_error err = {{0}};
    struct site_filter all = {.include_unlisted = 1};
    assert_int_equal(storage_sites_each(db, &all, collect_site, &c, &err), SC_OK);
    assert_string_equal(c.text.buf, "4300000001|甲|normal|1\n"
                                    "4300000002|乙局|shutdown|1\n"
                                    "4300000003|丙|normal|0\n"
                                    "4300000004|丁|normal|1\n");
    strbuf_reset(&c.text);
    struct site_filter normal = {.status = "normal"};
    assert_int_equal(storage_sites_each(db, &normal, collect_site, &c, &err), SC_OK);
    assert_string_equal(c.text.buf, "4300000001|甲|normal|1\n4300000004|丁|normal|1\n");
    strbuf_reset(&c.text);
    struct site_filter region = {.region = "株洲市", .include_unlisted = 1};
    assert_int_equal(storage_sites_each(db, &region, collect_site, &c, &err), SC_OK);
    assert_string_equal(c.text.buf, "4300000003|丙|normal|0\n4300000004|丁|normal|1\n");

    /* the site comes back: listed again, recorded */
    sc_time_parse("2026-12-01", &t);
    sc_clock_advance(t);
    import_text(db, HEADER "4300000003,丙,http://c.hunan.gov.cn/,,株洲市,,,临时关闭,,,\n", &sum);
    assert_int_equal(sum.status_changes, 1);
    assert_int_equal(sum.unlisted, 3);
    strbuf_reset(&c.text);
    assert_int_equal(storage_status_history_each(db, "4300000003", collect_change, &c, &err),
                     SC_OK);
    assert_string_equal(c.text.buf, "4300000003:->normal:-1>1@2026-10-01\n"
                                    "4300000003:normal>normal:1>0@2026-11-15\n"
                                    "4300000003:normal>temporarily_closed:0>1@2026-12-01\n");
    strbuf_reset(&c.text);
    assert_int_equal(storage_status_history_each(db, "4300000002", collect_change, &c, &err),
                     SC_OK);
    assert_non_null(strstr(c.text.buf, "4300000002:normal>shutdown:1>1@2026-11-15"));
    strbuf_release(&c.text);
    storage_close(db);
    test_tmpdir_remove(dir);
}

static void skipped_rows_do_not_unlist_their_sites(void **state)
{
    char *dir = test_tmpdir();
    struct storage *db = open_db(dir);
    struct import_summary sum;
    import_text(db, HEADER "4300000001,甲,http://a.hunan.gov.cn/,,,,,正常运行,,,\n"
                           "4300000002,乙,http://b.hunan.gov.cn/,,,,,正常运行,,,\n",
                &sum);
    /* second export: site 2's row is broken (bad status), imported with --skip-invalid */
    const char *text = HEADER "4300000001,甲,http://a.hunan.gov.cn/,,,,,正常运行,,,\n"
                              "4300000002,乙,http://b.hunan.gov.cn/,,,,,坏,,,\n";
    struct registry reg;
    struct sc_error err = {{0}};
    assert_int_equal(registry_parse(text, strlen(text), &reg, &err), SC_OK);
    assert_int_equal(reg.nproblems, 1);
    assert_int_equal(storage_registry_apply(db, &reg, "t.csv", &sum, &err), SC_OK);
    assert_int_equal(sum.unlisted, 0);
    assert_int_equal(storage_sites_count(db, 0), 2);
    registry_free(&reg);
    storage_close(db);
    test_tmpdir_remove(dir);
}

static void older_schema_is_upgraded_in_place(void **state)
{
    char *dir = test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/old.db", dir);
    struct storage *db = NULL;
    struct sc_error err = {{0}};
    assert_true(storage_schema_latest() >= 2);
    /* a database as the first release made it */
    assert_int_equal(storage_open_at_version(path, 1, &db, &err), SC_OK);
    assert_int_equal(storage_schema_version(db), 1);
    struct import_summary sum;
    import_text(db, HEADER "4300000001,甲,http://a.hunan.gov.cn/,,,,,正常运行,,,\n", &sum);
    storage_close(db);

    sqlite3 *raw;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(raw, "SELECT count(*) FROM sqlite_master WHERE name='draws'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    sqlite3_close(raw);

    db = open_db(dir); /* t.db: fresh */
    storage_close(db);
    assert_int_equal(storage_open(path, &db, &err), SC_OK);
    assert_int_equal(storage_schema_version(db), storage_schema_latest());
    assert_int_equal(storage_sites_count(db, 0), 1);
    storage_close(db);

    /* a database from a newer build is refused, not damaged */
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "PRAGMA user_version=999", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(storage_open(path, &db, &err), SC_ERUNTIME);
    assert_non_null(strstr(err.msg, "newer"));
    test_tmpdir_remove(dir);
}

static void a_file_that_is_not_a_database_is_refused(void **state)
{
    char *dir = test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/junk.db", dir);
    test_write_file(path, "this is not sqlite, just some text that is long enough to matter.....",
                    70);
    struct storage *db = NULL;
    struct sc_error err = {{0}};
    assert_int_equal(storage_open(path, &db, &err), SC_ERUNTIME);
    assert_null(db);
    assert_non_null(strstr(err.msg, "junk.db"));
    snprintf(path, sizeof path, "%s/no/such/dir/x.db", dir);
    assert_int_equal(storage_open(path, &db, &err), SC_ERUNTIME);
    test_tmpdir_remove(dir);
}

/* Writes a registry of n sites whose names all start with `tag`. */
static void write_big_registry(const char *path, int n, const char *tag, const char *status)
{
    struct strbuf text = STRBUF_INIT;
    strbuf_adds(&text, HEADER);
    for (int i = 0; i < n; i++)
        strbuf_addf(&text, "43%08d,%s站点%d,http://s%d.hunan.gov.cn/,单位%d,长沙市,县级,部门网站,%s,"
                           "联系人,0731-1234,s%d@hunan.gov.cn\n",
                    i, tag, i, i, i, status, i);
    test_write_file(path, text.buf, text.len);
    strbuf_release(&text);
}

struct tally {
    long old_names, new_names, total;
};

static int tally_site(const struct site_row *s, void *ud)
{
    struct tally *t = ud;
    t->total++;
    if (strncmp(s->name, "旧", 3) == 0)
        t->old_names++;
    if (strncmp(s->name, "新", 3) == 0)
        t->new_names++;
    return 0;
}

static void killed_import_leaves_old_or_new_never_a_mix(void **state)
{
    char *dir = test_tmpdir();
    char db_path[512], old_csv[512], new_csv[512];
    snprintf(db_path, sizeof db_path, "%s/crash.db", dir);
    snprintf(old_csv, sizeof old_csv, "%s/old.csv", dir);
    snprintf(new_csv, sizeof new_csv, "%s/new.csv", dir);
    const int n = 100000;
    write_big_registry(old_csv, n, "旧", "正常运行");
    write_big_registry(new_csv, n, "新", "关停");
    assert_int_equal(test_run(NULL, "'%s' -q --db '%s' import '%s'", test_bin(), db_path, old_csv),
                     0);

    int saw_old = 0, saw_new = 0;
    /* kill the second import at spread-out moments; the last attempts come late enough
     * that the import usually finishes */
    const int delays_ms[] = {5, 40, 120, 250, 400, 600, 900, 1500, 3000, 6000};
    for (size_t k = 0; k < sizeof delays_ms / sizeof delays_ms[0]; k++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            int devnull = open("/dev/null", 1);
            dup2(devnull, 1);
            dup2(devnull, 2);
            execl(test_bin(), test_bin(), "-q", "--db", db_path, "import", new_csv, (char *)NULL);
            _exit(127);
        }
        struct timespec ts = {delays_ms[k] / 1000, (delays_ms[k] % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);

        struct storage *db = NULL;
        struct sc_error err = {{0}};
        assert_int_equal(storage_open(db_path, &db, &err), SC_OK);
        struct tally t = {0};
        struct site_filter all = {.include_unlisted = 1};
        assert_int_equal(storage_sites_each(db, &all, tally_site, &t, &err), SC_OK);
        storage_close(db);
        assert_int_equal(t.total, n);
        /* all old or all new, never a mix */
        assert_true(t.old_names == n || t.new_names == n);
        saw_old |= t.old_names == n;
        saw_new |= t.new_names == n;
        if (saw_new)
            break;
    }
    assert_true(saw_old); /* the early kills must have hit a running import */
    /* and the database still takes an import afterwards */
    assert_int_equal(test_run(NULL, "'%s' -q --db '%s' import '%s'", test_bin(), db_path, new_csv),
                     0);
    test_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reimport_updates_records_history_and_unlists),
        cmocka_unit_test(skipped_rows_do_not_unlist_their_sites),
        cmocka_unit_test(older_schema_is_upgraded_in_place),
        cmocka_unit_test(a_file_that_is_not_a_database_is_refused),
        cmocka_unit_test(killed_import_leaves_old_or_new_never_a_mix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

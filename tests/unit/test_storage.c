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
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* ---- an import killed with SIGKILL leaves the old or the new registry, never a mix ----
 * The test runs the real binary on registries of KILL_SITES sites (old: names 旧…, normal;
 * new: names 新…, shut down) and kills it: (1) while it is paused inside its write
 * transaction (SPOTCHECK_TEST_PAUSE_IN_IMPORT, docs/database.md), which must keep the old
 * registry; (2) once it has committed, which must keep the new one; (3) at spread-out moments
 * over an import's run time, which must show both outcomes. After every kill the database
 * passes integrity_check, holds one registry exactly, and takes the next import. */
#define KILL_SITES 40000
#define IN_TXN_MARKER "spotcheck-test: in import transaction"

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

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0)
        ;
}

/* Every site's registry fields in code order, one line each, after checking the file with
 * PRAGMA integrity_check; *imports gets the number of recorded imports. Caller frees. */
static char *registry_snapshot(const char *db_path, long *imports)
{
    sqlite3 *raw;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(db_path, &raw, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(raw, "SELECT count(*) FROM registry_imports", -1, &st,
                                        NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    *imports = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(raw,
                                        "SELECT code, name, url, sponsor, region, level, type, "
                                        "status, contact, phone, email, listed FROM sites "
                                        "ORDER BY code",
                                        -1, &st, NULL),
                     SQLITE_OK);
    struct strbuf snap = STRBUF_INIT;
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < 12; i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            strbuf_adds(&snap, v ? v : "\\N");
            strbuf_addch(&snap, i < 11 ? '|' : '\n');
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return strbuf_detach(&snap);
}

/* A running `spotcheck import`, its stdout and stderr merged into one pipe we read. */
struct import_child {
    pid_t pid;
    int out;
    struct strbuf text;
};

static void import_start(struct import_child *c, const char *db_path, const char *csv,
                         const char *pause_ms)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    c->pid = fork();
    assert_true(c->pid >= 0);
    if (c->pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        setenv("SPOTCHECK_TEST_PAUSE_IN_IMPORT", pause_ms, 1);
        execl(test_bin(), test_bin(), "--db", db_path, "import", csv, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    c->out = fds[0];
    strbuf_init(&c->text);
}

/* Reads the child's output until it contains `line` (returns 1), or until end of file or
 * timeout_ms (returns 0). line NULL: reads to end of file. */
static int import_read(struct import_child *c, const char *line, long timeout_ms)
{
    long deadline = now_ms() + timeout_ms;
    while (!line || !strstr(c->text.buf, line)) {
        long left = deadline - now_ms();
        struct pollfd p = {c->out, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return 0;
        char buf[4096];
        ssize_t n = read(c->out, buf, sizeof buf);
        if (n <= 0)
            return 0;
        strbuf_add(&c->text, buf, (size_t)n);
    }
    return 1;
}

/* SIGKILLs the child (unless it has exited already), reaps it and reads the rest of its
 * output. Returns 1 when the kill ended it, 0 when it had exited by itself (with status 0). */
static int import_kill(struct import_child *c)
{
    int st;
    kill(c->pid, SIGKILL);
    assert_int_equal(waitpid(c->pid, &st, 0), c->pid);
    import_read(c, NULL, 10000);
    close(c->out);
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
        return 1;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("the import failed by itself: %s", c->text.buf);
    return 0;
}

struct kill_run {
    const char *db, *old_csv;
    char *old_snap, *new_snap; /* the registries as a fresh import stores them */
    long imports;              /* imports committed so far */
};

/* After a kill: the database passes integrity_check and holds exactly the old or exactly the
 * new registry, with an import recorded only for the new one; then the next import (the old
 * registry again) succeeds: no stale lock, the WAL recovered. Returns 1 for new, 0 for old. */
static int check_after_kill(struct kill_run *k, const char *what)
{
    long imports;
    char *snap = registry_snapshot(k->db, &imports);
    int is_new = strcmp(snap, k->new_snap) == 0;
    if (!is_new && strcmp(snap, k->old_snap) != 0)
        fail_msg("%s: the database holds neither the old nor the new registry", what);
    free(snap);
    if (imports != k->imports + is_new)
        fail_msg("%s: %ld imports recorded, want %ld", what, imports, k->imports + is_new);
    assert_int_equal(test_run(NULL, "'%s' -q --db '%s' import '%s'", test_bin(), k->db,
                              k->old_csv),
                     0);
    k->imports = imports + 1;
    return is_new;
}

static void killed_import_leaves_old_or_new_never_a_mix(void **state)
{
    char *dir = test_tmpdir();
    char db_path[512], fresh_new[512], old_csv[512], new_csv[512];
    snprintf(db_path, sizeof db_path, "%s/crash.db", dir);
    snprintf(fresh_new, sizeof fresh_new, "%s/new.db", dir);
    snprintf(old_csv, sizeof old_csv, "%s/old.csv", dir);
    snprintf(new_csv, sizeof new_csv, "%s/new.csv", dir);
    write_big_registry(old_csv, KILL_SITES, "旧", "正常运行");
    write_big_registry(new_csv, KILL_SITES, "新", "关停");
    struct kill_run k = {db_path, old_csv, NULL, NULL, 0};
    long imports;
    assert_int_equal(test_run(NULL, "'%s' -q --db '%s' import '%s'", test_bin(), fresh_new,
                              new_csv),
                     0);
    k.new_snap = registry_snapshot(fresh_new, &imports);
    assert_int_equal(test_run(NULL, "'%s' -q --db '%s' import '%s'", test_bin(), db_path,
                              old_csv),
                     0);
    k.old_snap = registry_snapshot(db_path, &k.imports);
    assert_int_equal(k.imports, 1);
    assert_string_not_equal(k.old_snap, k.new_snap);

    /* 1. killed inside the write transaction, half its rows written: the old registry. */
    struct import_child c;
    import_start(&c, db_path, new_csv, "600000"); /* paused far longer than we wait */
    if (!import_read(&c, IN_TXN_MARKER, 300000))
        fail_msg("the import never reached its transaction: %s", c.text.buf);
    sqlite3 *raw; /* proof that it is inside: it holds the write lock, no one else can write */
    assert_int_equal(sqlite3_open(db_path, &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 0);
    assert_int_equal(sqlite3_exec(raw, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_BUSY);
    sqlite3_close(raw);
    char wal[600];
    struct stat wal_st;
    snprintf(wal, sizeof wal, "%s-wal", db_path);
    printf("killed import: paused in its transaction, %lld bytes in the WAL; killing it\n",
           stat(wal, &wal_st) == 0 ? (long long)wal_st.st_size : -1LL);
    assert_int_equal(import_kill(&c), 1); /* still paused: the kill ended it */
    assert_int_equal(check_after_kill(&k, "killed inside the transaction"), 0);
    strbuf_release(&c.text);

    /* 2. killed once it has committed (it prints its summary only after COMMIT, at exit):
     *    the new registry. Its timing sets the moments of step 3. */
    long t0 = now_ms();
    import_start(&c, db_path, new_csv, "0");
    if (!import_read(&c, IN_TXN_MARKER, 300000))
        fail_msg("the import did not announce its transaction: %s", c.text.buf);
    long mark_ms = now_ms() - t0;
    if (!import_read(&c, "imported ", 300000))
        fail_msg("the import did not finish: %s", c.text.buf);
    long run_ms = now_ms() - t0;
    import_kill(&c);
    assert_int_equal(check_after_kill(&k, "killed after the commit"), 1);
    strbuf_release(&c.text);

    /* 3. killed at moments spread over its run time, and three between its announcement
     *    (half its rows written) and its end: both outcomes must be seen, else the moments
     *    missed the transaction. With the pause at 0 the import still announces itself, so
     *    an old outcome after the announcement is a kill that landed inside the transaction
     *    (counted and printed; when exactly the import gets there varies from run to run). */
    long moments[10];
    size_t nmoments = 0;
    const int tenths[] = {1, 3, 5, 7, 9, 12, 15};
    for (size_t i = 0; i < sizeof tenths / sizeof tenths[0]; i++)
        moments[nmoments++] = run_ms * tenths[i] / 10;
    for (int q = 1; q <= 3; q++)
        moments[nmoments++] = mark_ms + (run_ms - mark_ms) * q / 4;
    int old = 0, old_inside = 0, kept_new = 0;
    for (size_t i = 0; i < nmoments; i++) {
        char what[64];
        snprintf(what, sizeof what, "killed at %ld ms", moments[i]);
        import_start(&c, db_path, new_csv, "0");
        sleep_ms(moments[i]);
        import_kill(&c);
        int announced = strstr(c.text.buf, IN_TXN_MARKER) != NULL;
        if (check_after_kill(&k, what)) {
            kept_new++;
        } else {
            old++;
            old_inside += announced;
        }
        strbuf_release(&c.text);
    }
    printf("killed import: runs %ld ms, announces its transaction at %ld ms; %zu kills kept "
           "the old registry %d times (%d after the announcement), the new one %d times\n",
           run_ms, mark_ms, nmoments, old, old_inside, kept_new);
    if (!old || !kept_new)
        fail_msg("the spread-out kills saw only one outcome (old %d, new %d)", old, kept_new);
    free(k.old_snap);
    free(k.new_snap);
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

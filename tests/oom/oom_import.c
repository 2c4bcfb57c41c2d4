/* oom_import: a registry import (cmd_import's sequence with --skip-invalid: registry_parse,
 * storage_open, storage_registry_apply) with the n-th allocation failing. It must end in
 * SC_ENOMEM with the database holding exactly the previous registry (integrity_check ok)
 * and the next import succeeding, or in the result of the run without failures. Two
 * cases: an update of an existing registry, and the first import into a new file (the
 * schema migrations run under the failures too). */
#include "oom.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/testutil.h"
#include "common/clock.h"
#include "common/registry.h"
#include "common/strbuf.h"
#include "storage/sites.h"

static const char REGISTRY_A[] =
    "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话,电子邮箱\n"
    "4300000001,湖南省人民政府,http://www.hunan.gov.cn/,湖南省政府办公厅,湖南省,省级,政府门户网站,正常运行,张三,0731-1,a@hunan.gov.cn\n"
    "4300000002,长沙市人民政府,http://www.changsha.gov.cn,长沙市政府办公厅,长沙市,市级,政府门户网站,正常运行,李四,0731-2,\n"
    "4300000003,浏阳市人民政府,http://www.liuyang.gov.cn/,浏阳市政府办公室,浏阳市,县级,政府门户网站,正常运行,,,\n"
    "4300000004,湘潭市教育局,http://jyj.xiangtan.gov.cn/,湘潭市教育局,湘潭市,市级,部门网站,正常运行,,,\n"
    "4300000006,株洲市统计局,http://tjj.zhuzhou.gov.cn/,株洲市统计局,株洲市,市级,部门网站,正常运行,,,\n";

/* Against A: 1 unchanged, 2 renamed, 3 shut down, 4 gone (unlisted), 5 new, 6 invalid
 * (kept listed), a duplicate code, a bad e-mail, a quoted field with a comma. */
static const char REGISTRY_B[] =
    "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话,电子邮箱\n"
    "4300000001,湖南省人民政府,http://www.hunan.gov.cn/,湖南省政府办公厅,湖南省,省级,政府门户网站,正常运行,张三,0731-1,a@hunan.gov.cn\n"
    "4300000002,长沙市人民政府门户网站,HTTP://WWW.Changsha.gov.cn,长沙市政府办公厅,长沙市,市级,门户,正常,李四,0731-2,\n"
    "4300000003,浏阳市人民政府,http://www.liuyang.gov.cn/,浏阳市政府办公室,浏阳市,县级,政府门户网站,关停,,,\n"
    "4300000005,\"湘潭市人民政府,办公室\",https://www.xiangtan.gov.cn/index.html,湘潭市政府办公室,湘潭市,市级,政府门户网站,正常运行,王五,0731-5,w@xiangtan.gov.cn\n"
    "4300000006,株洲市统计局,http://tjj.zhuzhou.gov.cn/,株洲市统计局,株洲市,市级,部门网站,不知道,,,\n"
    "4300000005,重复,http://dup.gov.cn/,x,湘潭市,市级,部门网站,正常运行,,,\n"
    "4300000007,岳阳市统计局,http://tjj.yueyang.gov.cn/,岳阳市统计局,岳阳市,市级,部门网站,正常运行,,,bad-mail\n";

struct import_case {
    char *dir;
    char db[512], template_db[512];
    int fresh;            /* the previous state is "no database" */
    struct strbuf before; /* dump of the previous registry */
    struct strbuf after;  /* dump after importing B without failures */
    struct strbuf problems;
    struct import_summary sum;
};

/* The registry tables' rows and integrity_check, as text. A missing table dumps as empty and
 * a missing file as an empty database: a first import that failed may leave the file with
 * some of the migrations done (each is one transaction), and no registry in it. */
static void dump_db(const char *path, struct strbuf *out)
{
    static const char *const tables[] = {"registry_imports", "sites", "site_status_history"};
    sqlite3 *h = NULL;
    strbuf_reset(out);
    if (access(path, F_OK) != 0) {
        strbuf_adds(out, "integrity: ok\n");
        return;
    }
    assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        strbuf_addf(out, "integrity: %s\n", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY rowid", tables[t]);
        if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
            continue; /* not created yet */
        while (sqlite3_step(st) == SQLITE_ROW) {
            strbuf_addf(out, "%s:", tables[t]);
            for (int c = 0; c < sqlite3_column_count(st); c++)
                strbuf_addf(out, " %s", sqlite3_column_type(st, c) == SQLITE_NULL
                                            ? "NULL"
                                            : (const char *)sqlite3_column_text(st, c));
            strbuf_addch(out, '\n');
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    assert_false(out->failed);
}

static void remove_db(const char *path)
{
    char p[600];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

static void copy_file(const char *from, const char *to)
{
    size_t n;
    char *data = test_read_file(from, &n);
    assert_non_null(data);
    test_write_file(to, data, n);
    free(data);
}

/* cmd_import --skip-invalid, minus the printing. reg is left for the caller to read. */
static int import(const char *db_path, const char *csv, struct registry *reg,
                  struct import_summary *sum)
{
    struct sc_error err = {{0}};
    struct storage *db = NULL;
    int rc = registry_parse(csv, strlen(csv), reg, &err);
    if (rc == SC_OK && reg->nrecords == 0)
        rc = SC_EINPUT;
    if (rc == SC_OK)
        rc = storage_open(db_path, &db, &err);
    if (rc == SC_OK)
        rc = storage_registry_apply(db, reg, "b.csv", sum, &err);
    storage_close(db);
    return rc;
}

static void problems_text(const struct registry *reg, struct strbuf *out)
{
    strbuf_reset(out);
    strbuf_addf(out, "%zu records, %ld rows, sha %s\n", reg->nrecords, reg->rows_total,
                reg->sha256);
    for (size_t i = 0; i < reg->nrecords; i++)
        for (int f = 0; f < REG_NFIELDS; f++)
            strbuf_addf(out, "%s%s", reg->records[i].field[f] ? reg->records[i].field[f] : "(null)",
                        f + 1 < REG_NFIELDS ? "|" : "\n");
    for (size_t i = 0; i < reg->nproblems; i++)
        strbuf_addf(out, "%ld: %s\n", reg->problems[i].line, reg->problems[i].reason);
    for (size_t i = 0; i < reg->nskipped_codes; i++)
        strbuf_addf(out, "skipped %s\n", reg->skipped_codes[i]);
}

/* A scratch directory on tmpfs when there is one: thousands of imports, each with fsyncs. */
static char *scratch_dir(void)
{
    char tmpl[] = "/dev/shm/spotcheck-oom-XXXXXX";
    char *d = access("/dev/shm", W_OK) == 0 ? mkdtemp(tmpl) : NULL;
    return d ? strdup(d) : test_tmpdir();
}

static void reset_db(struct import_case *c)
{
    remove_db(c->db);
    if (!c->fresh)
        copy_file(c->template_db, c->db);
}

static long import_once(void *ud, long n, int persistent)
{
    struct import_case *c = ud;
    struct registry reg;
    struct import_summary sum;
    struct strbuf got = STRBUF_INIT;
    reset_db(c);
    memset(&sum, 0, sizeof sum);

    failmalloc_arm(n, persistent);
    int rc = import(c->db, REGISTRY_B, &reg, &sum);
    long hit = failmalloc_disarm();

    if (rc == SC_OK) {
        problems_text(&reg, &got);
        if (strcmp(got.buf, c->problems.buf) != 0) {
            oom_print_difference(got.buf, c->problems.buf);
            oom_fail(n, persistent, "import succeeded with a different parse");
        }
        if (memcmp(&sum, &c->sum, sizeof sum) != 0)
            oom_fail(n, persistent, "import succeeded with other counts (%ld added, %ld updated)",
                     sum.added, sum.updated);
        dump_db(c->db, &got);
        if (strcmp(got.buf, c->after.buf) != 0) {
            oom_print_difference(got.buf, c->after.buf);
            oom_fail(n, persistent, "import succeeded but the database differs");
        }
    } else {
        if (rc != SC_ENOMEM)
            oom_fail(n, persistent, "import failed with %d, not SC_ENOMEM", rc);
        dump_db(c->db, &got);
        if (strcmp(got.buf, c->before.buf) != 0) {
            oom_print_difference(got.buf, c->before.buf);
            oom_fail(n, persistent, "failed import changed the database");
        }
    }
    registry_free(&reg);
    if (rc != SC_OK) { /* the next import succeeds */
        rc = import(c->db, REGISTRY_B, &reg, &sum);
        if (rc != SC_OK)
            oom_fail(n, persistent, "the import after a failed one failed: %d", rc);
        registry_free(&reg);
        dump_db(c->db, &got);
        if (strcmp(got.buf, c->after.buf) != 0) {
            oom_print_difference(got.buf, c->after.buf);
            oom_fail(n, persistent, "the import after a failed one differs");
        }
    }
    strbuf_release(&got);
    return hit;
}

static void run_case(int fresh)
{
    struct import_case c;
    struct registry reg;
    memset(&c, 0, sizeof c);
    strbuf_init(&c.before);
    strbuf_init(&c.after);
    strbuf_init(&c.problems);
    c.fresh = fresh;
    c.dir = scratch_dir();
    snprintf(c.db, sizeof c.db, "%s/work.db", c.dir);
    snprintf(c.template_db, sizeof c.template_db, "%s/template.db", c.dir);
    sc_clock_set(1767225600); /* 2026-01-01: the dates recorded are the same every run */

    if (!fresh) {
        assert_int_equal(import(c.template_db, REGISTRY_A, &reg, &c.sum), SC_OK);
        registry_free(&reg);
    }
    reset_db(&c);
    dump_db(c.db, &c.before);
    assert_int_equal(import(c.db, REGISTRY_B, &reg, &c.sum), SC_OK);
    problems_text(&reg, &c.problems);
    registry_free(&reg);
    dump_db(c.db, &c.after);

    /* An update: every n transient (1..1772), every 4th persistent past 200. A new file:
     * most of its ~4900 allocations are SQLite compiling the migrations' CREATE
     * statements; every n up to 400 (opening, the first migration), then every 7th
     * transient and every 13th persistent. */
    static const struct oom_plan update = {{0, 200}, {1, 4}}, fresh_file = {{400, 400}, {7, 13}};
    oom_loop(fresh ? "import-fresh" : "import", import_once, &c, fresh ? &fresh_file : &update);

    strbuf_release(&c.before);
    strbuf_release(&c.after);
    strbuf_release(&c.problems);
    test_tmpdir_remove(c.dir);
}

void test_oom_import_existing(void **state)
{
    (void)state;
    run_case(0);
}

void test_oom_import_fresh(void **state)
{
    (void)state;
    run_case(1);
}

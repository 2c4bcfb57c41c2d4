/* test_registry_watch: the daemon re-imports [daemon] registry only when the file's bytes
 * change (daemon/registry_watch.h): a first look imports it, an unchanged file is not read
 * again, a watcher started afresh (a restarted daemon) does not import the same bytes twice,
 * a changed file is imported, a file with an invalid row is refused with FILE:LINE and
 * nothing changes. */
#include "testutil.h"
#include "daemon/registry_watch.h"
#include "storage/sites.h"

#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

static const char HEADER[] = "code,name,url,sponsor,region,level,type,status\n";

static void write_registry(const char *path, const char *rows, long mtime)
{
    char text[1024];
    snprintf(text, sizeof text, "%s%s", HEADER, rows);
    test_write_file(path, text, strlen(text));
    /* a distinct modification time for each version, whatever the file system's precision */
    struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

static void test_reimport_on_change_only(void **state)
{
    (void)state;
    char *dir = test_tmpdir();
    char db_path[512], csv[512];
    snprintf(db_path, sizeof db_path, "%s/w.db", dir);
    snprintf(csv, sizeof csv, "%s/registry.csv", dir);
    struct sc_error err = {{0}};
    struct storage *db;
    assert_int_equal(storage_open(db_path, &db, &err), 0);
    write_registry(csv, "4300000001,A,http://a.gov.cn/,s,长沙市,province,portal,正常运行\n",
                   1000000);

    struct registry_watch w;
    memset(&w, 0, sizeof w);
    struct import_summary sum;
    assert_int_equal(registry_watch_check(&w, db, csv, &sum, &err), 1);
    assert_int_equal(sum.added, 1);
    assert_int_equal(registry_watch_check(&w, db, csv, &sum, &err), 0);
    /* a restarted daemon: same bytes, not imported again */
    struct registry_watch fresh;
    memset(&fresh, 0, sizeof fresh);
    assert_int_equal(registry_watch_check(&fresh, db, csv, &sum, &err), 0);
    assert_int_equal(storage_sites_count(db, 1), 1);

    write_registry(csv,
                   "4300000001,A,http://a.gov.cn/,s,长沙市,province,portal,正常运行\n"
                   "4300000002,B,http://b.gov.cn/,s,长沙市,city,department,正常运行\n",
                   1000100);
    assert_int_equal(registry_watch_check(&w, db, csv, &sum, &err), 1);
    assert_int_equal(sum.added, 1);
    assert_int_equal(storage_sites_count(db, 1), 2);

    /* an invalid row: refused whole, named by FILE:LINE; not looked at again until it changes */
    write_registry(csv,
                   "4300000001,A,http://a.gov.cn/,s,长沙市,province,portal,正常运行\n"
                   "not-a-code,B,http://b.gov.cn/,s,长沙市,city,department,正常运行\n",
                   1000200);
    assert_int_equal(registry_watch_check(&w, db, csv, &sum, &err), SC_EINPUT);
    char where[600];
    snprintf(where, sizeof where, "%s:3:", csv);
    assert_non_null(strstr(err.msg, where));
    assert_int_equal(storage_sites_count(db, 1), 2);
    assert_int_equal(registry_watch_check(&w, db, csv, &sum, &err), 0);

    /* a missing file */
    assert_int_equal(remove(csv), 0);
    assert_int_equal(registry_watch_check(&w, db, csv, &sum, &err), SC_EINPUT);
    assert_non_null(strstr(err.msg, csv));

    storage_close(db);
    test_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reimport_on_change_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

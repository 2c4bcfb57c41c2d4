/* testutil: helpers shared by the cmocka unit tests (see testutil.h). */
#include "testutil.h"
#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

char *test_tmpdir(void)
{
    char tmpl[] = "/tmp/spotcheck-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

void test_tmpdir_remove(char *dir)
{
    char cmd[4200];
    if (!dir)
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
    free(dir);
}

void test_write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(f);
    if (len)
        *len = sb.len;
    return strbuf_detach(&sb);
}

int test_run(char **out, const char *fmt, ...)
{
    struct strbuf cmd = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd.buf, "r");
    strbuf_release(&cmd);
    if (!p)
        return -1;
    struct strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        strbuf_add(&sb, buf, n);
    int st = pclose(p);
    if (out)
        *out = strbuf_detach(&sb);
    else
        strbuf_release(&sb);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

const char *test_bin(void)
{
    const char *b = getenv("SPOTCHECK_BIN");
    return b ? b : "./spotcheck";
}

const char *test_src(void)
{
    const char *s = getenv("SPOTCHECK_SRC");
    return s ? s : ".";
}

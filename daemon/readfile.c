/* readfile: whole-file reads with a size limit (see readfile.h). */
#include "daemon/readfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int read_file_limited(const char *path, size_t max_bytes, struct strbuf *out,
                      struct sc_error *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return sc_fail(err, SC_EINPUT, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        if (!is_stdin)
            fclose(f);
        return sc_fail(err, SC_EINPUT, "%s is a directory", path);
    }
    char buf[65536];
    size_t n;
    int rc = SC_OK;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (out->len + n > max_bytes) {
            rc = sc_fail(err, SC_EINPUT, "%s is larger than %zu MB", path, max_bytes >> 20);
            break;
        }
        strbuf_add(out, buf, n);
        if (out->failed) {
            rc = sc_fail(err, SC_ENOMEM, "out of memory reading %s", path);
            break;
        }
    }
    if (rc == SC_OK && ferror(f))
        rc = sc_fail(err, SC_EINPUT, "cannot read %s: %s", path, strerror(errno));
    if (!is_stdin)
        fclose(f);
    return rc;
}

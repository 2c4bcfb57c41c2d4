/* registry_watch: re-import the registry export when it changes (registry_watch.h). */
#include "daemon/registry_watch.h"
#include "common/registry.h"
#include "common/sha256.h"
#include "common/strbuf.h"
#include "daemon/readfile.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#define REGISTRY_MAX_BYTES ((size_t)512 << 20)

int registry_watch_check(struct registry_watch *w, struct storage *db, const char *path,
                         struct import_summary *sum, struct sc_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return sc_fail(err, SC_EINPUT, "registry %s: %s", path, strerror(errno));
    if (w->seen && st.st_size == w->size && st.st_mtim.tv_sec == w->mtime &&
        st.st_mtim.tv_nsec == w->mtime_ns)
        return 0;
    w->seen = 1;
    w->size = st.st_size;
    w->mtime = st.st_mtim.tv_sec;
    w->mtime_ns = st.st_mtim.tv_nsec;

    struct strbuf data = STRBUF_INIT;
    struct registry reg;
    memset(&reg, 0, sizeof reg);
    char hex[65], last[65];
    int rc = read_file_limited(path, REGISTRY_MAX_BYTES, &data, err);
    if (rc == 0 && sc_sha256_hex(data.buf, data.len, hex) < 0)
        rc = sc_fail(err, SC_ERUNTIME, "cannot hash %s", path);
    if (rc == 0)
        rc = storage_latest_import_sha256(db, last, err);
    if (rc == 0 && strcmp(hex, last) == 0)
        goto out; /* imported already */
    struct sc_error why = {{0}};
    if (rc == 0 && (rc = registry_parse(data.buf, data.len, &reg, &why)) < 0)
        sc_fail(err, rc, "registry %s: %s; nothing imported", path, why.msg);
    if (rc == 0 && reg.nproblems)
        rc = sc_fail(err, SC_EINPUT, "%s:%ld: %s (and %zu invalid rows in all); nothing imported",
                     path, reg.problems[0].line, reg.problems[0].reason, reg.nproblems);
    if (rc == 0 && reg.nrecords == 0)
        rc = sc_fail(err, SC_EINPUT, "registry %s: no valid site row; nothing imported", path);
    if (rc == 0) {
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        rc = storage_registry_apply(db, &reg, base, sum, err);
        if (rc == 0)
            rc = 1;
    }
out:
    registry_free(&reg);
    strbuf_release(&data);
    return rc;
}

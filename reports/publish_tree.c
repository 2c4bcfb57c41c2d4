/* publish_tree: build a tree beside DIR and swap it in (publish_tree.h). */
#include "reports/publish_tree.h"
#include "common/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

int pub_tree_remove(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* mkdir -p */
static int make_dirs(char *path, mode_t mode)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, mode);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return mkdir(path, mode) == 0 || errno == EEXIST ? 0 : -1;
}

static void split(const char *dir, struct strbuf *parent, struct strbuf *base)
{
    const char *slash = strrchr(dir, '/');
    if (!slash) {
        strbuf_adds(parent, ".");
        strbuf_adds(base, dir);
    } else {
        if (slash == dir)
            strbuf_adds(parent, "/");
        else
            strbuf_add(parent, dir, (size_t)(slash - dir));
        strbuf_adds(base, slash + 1);
    }
}

/* Removes what a killed publish left beside DIR: entries of parent named
 * ".<base>.publish-*" or ".<base>.old-*", nothing else. The prefixes are built without
 * allocating, so an allocation failure can never widen them (an empty prefix would match
 * every entry, "." and ".." included). */
static void remove_leftovers(const char *parent, const char *base)
{
    char p1[512], p2[512];
    int n1 = snprintf(p1, sizeof p1, ".%s.publish-", base);
    int n2 = snprintf(p2, sizeof p2, ".%s.old-", base);
    if (n1 <= 10 || n2 <= 6 || (size_t)n1 >= sizeof p1 || (size_t)n2 >= sizeof p2)
        return;
    DIR *d = opendir(parent);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, p1, (size_t)n1) != 0 && strncmp(e->d_name, p2, (size_t)n2) != 0)
            continue;
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
        if (n > 0 && (size_t)n < sizeof path)
            pub_tree_remove(path);
    }
    closedir(d);
}

/* 1 when dir may be replaced: missing, empty, or holding index.html. */
static int replaceable(const char *dir, int *exists)
{
    struct stat st;
    *exists = 0;
    if (lstat(dir, &st) != 0)
        return errno == ENOENT;
    *exists = 1;
    if (!S_ISDIR(st.st_mode))
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int empty = 1, site = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        empty = 0;
        if (!strcmp(e->d_name, "index.html"))
            site = 1;
    }
    closedir(d);
    return empty || site;
}

int pub_tree_begin(struct pub_tree *t, const char *dir, struct sc_error *err)
{
    memset(t, 0, sizeof *t);
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n == 0 || (n == 1 && dir[0] == '/') || (n == 1 && dir[0] == '.') ||
        (n == 2 && dir[0] == '.' && dir[1] == '.'))
        return sc_fail(err, SC_EINPUT, "--out %s: give a directory of its own for the site", dir);
    t->dir = strndup(dir, n);
    if (!t->dir)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    int exists;
    if (!replaceable(t->dir, &exists)) {
        int rc = sc_fail(err, SC_EINPUT,
                         "%s exists and is not a published site (no index.html): not replacing it",
                         t->dir);
        pub_tree_abort(t);
        return rc;
    }
    struct strbuf parent = STRBUF_INIT, base = STRBUF_INIT, stage = STRBUF_INIT;
    split(t->dir, &parent, &base);
    int rc = 0;
    if (parent.failed || base.failed) {
        rc = sc_fail(err, SC_ENOMEM, "out of memory");
    } else if (make_dirs(parent.buf, 0755) != 0) {
        rc = sc_fail(err, SC_ERUNTIME, "cannot create %s: %s", parent.buf, strerror(errno));
    } else {
        remove_leftovers(parent.buf, base.buf);
        strbuf_addf(&stage, "%s/.%s.publish-XXXXXX", parent.buf, base.buf);
        if (stage.failed)
            rc = sc_fail(err, SC_ENOMEM, "out of memory");
        else if (!mkdtemp(stage.buf))
            rc = sc_fail(err, SC_ERUNTIME, "cannot create a directory beside %s: %s", t->dir,
                         strerror(errno));
        else if (chmod(stage.buf, 0755) != 0)
            rc = sc_fail(err, SC_ERUNTIME, "chmod %s: %s", stage.buf, strerror(errno));
        if (rc == 0 || (stage.len && access(stage.buf, F_OK) == 0))
            t->stage = strbuf_detach(&stage);
    }
    strbuf_release(&parent);
    strbuf_release(&base);
    strbuf_release(&stage);
    if (rc < 0)
        pub_tree_abort(t);
    return rc;
}

int pub_tree_write(struct pub_tree *t, const char *relpath, const char *data, size_t n,
                   struct sc_error *err)
{
    if (!*relpath || relpath[0] == '/' || strstr(relpath, ".."))
        return sc_fail(err, SC_EINPUT, "not a path inside the site: %s", relpath);
    struct strbuf path = STRBUF_INIT;
    strbuf_addf(&path, "%s/%s", t->stage, relpath);
    if (path.failed)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    int rc = 0;
    char *slash = strrchr(path.buf, '/');
    *slash = '\0';
    if (make_dirs(path.buf, 0755) != 0)
        rc = sc_fail(err, SC_ERUNTIME, "cannot create %s: %s", path.buf, strerror(errno));
    *slash = '/';
    if (rc == 0) {
        int fd = open(path.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            rc = sc_fail(err, SC_ERUNTIME, "cannot write %s: %s", path.buf, strerror(errno));
        } else {
            size_t off = 0;
            while (off < n) {
                ssize_t w = write(fd, data + off, n - off);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w <= 0) {
                    rc = sc_fail(err, SC_ERUNTIME, "writing %s: %s", path.buf, strerror(errno));
                    break;
                }
                off += (size_t)w;
            }
            if (close(fd) != 0 && rc == 0)
                rc = sc_fail(err, SC_ERUNTIME, "writing %s: %s", path.buf, strerror(errno));
        }
    }
    strbuf_release(&path);
    return rc;
}

int pub_tree_commit(struct pub_tree *t, struct sc_error *err)
{
    if (renameat2(AT_FDCWD, t->stage, AT_FDCWD, t->dir, RENAME_NOREPLACE) == 0) {
        free(t->stage);
        t->stage = NULL;
        return 0;
    }
    if (errno != EEXIST && errno != ENOTEMPTY && errno != EINVAL && errno != ENOSYS) {
        int rc = sc_fail(err, SC_ERUNTIME, "cannot rename %s to %s: %s", t->stage, t->dir,
                         strerror(errno));
        pub_tree_abort(t);
        return rc;
    }
    /* DIR exists: exchange the two in one step; the stage then holds the old site */
    if (renameat2(AT_FDCWD, t->stage, AT_FDCWD, t->dir, RENAME_EXCHANGE) == 0) {
        pub_tree_remove(t->stage);
        free(t->stage);
        t->stage = NULL;
        return 0;
    }
    /* a file system without RENAME_EXCHANGE: move the old one aside, then the new one in
     * (a reader may find DIR missing for that moment, never half-built) */
    struct strbuf old = STRBUF_INIT;
    strbuf_addf(&old, "%s", t->stage);
    char *mark = strstr(old.buf, ".publish-");
    int rc = 0;
    if (old.failed || !mark) {
        rc = sc_fail(err, SC_ENOMEM, "out of memory");
    } else {
        memcpy(mark, ".old-XXX", 8); /* ".publish-ABCDEF" → ".old-XXX-ABCDEF" */
        if (rename(t->dir, old.buf) != 0) {
            rc = sc_fail(err, SC_ERUNTIME, "cannot move %s aside: %s", t->dir, strerror(errno));
        } else if (rename(t->stage, t->dir) != 0) {
            rc = sc_fail(err, SC_ERUNTIME, "cannot rename %s to %s: %s", t->stage, t->dir,
                         strerror(errno));
            rename(old.buf, t->dir);
        } else {
            pub_tree_remove(old.buf);
            free(t->stage);
            t->stage = NULL;
        }
    }
    strbuf_release(&old);
    if (rc < 0)
        pub_tree_abort(t);
    return rc;
}

void pub_tree_abort(struct pub_tree *t)
{
    if (t->stage)
        pub_tree_remove(t->stage);
    free(t->stage);
    free(t->dir);
    t->stage = NULL;
    t->dir = NULL;
}

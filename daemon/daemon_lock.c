/* daemon_lock: one daemon per database, by a POSIX lock on DB.lock (daemon_lock.h). */
#include "daemon/daemon_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void daemon_lock_path(const char *db_path, struct strbuf *out)
{
    strbuf_adds(out, db_path);
    strbuf_adds(out, ".lock");
}

static struct flock whole_file(short type)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    return fl;
}

int daemon_lock_take(const char *db_path, int *fd, pid_t *holder, struct sc_error *err)
{
    struct strbuf path = STRBUF_INIT;
    daemon_lock_path(db_path, &path);
    if (path.failed) {
        strbuf_release(&path);
        return sc_fail(err, SC_ENOMEM, "out of memory");
    }
    int rc = SC_OK;
    int f = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (f < 0) {
        rc = sc_fail(err, SC_ERUNTIME, "%s: %s", path.buf, strerror(errno));
        goto out;
    }
    struct flock fl = whole_file(F_WRLCK);
    if (fcntl(f, F_SETLK, &fl) < 0) {
        int e = errno;
        struct flock who = whole_file(F_WRLCK);
        pid_t pid = fcntl(f, F_GETLK, &who) == 0 && who.l_type != F_UNLCK ? who.l_pid : 0;
        close(f);
        *holder = pid;
        if (e == EACCES || e == EAGAIN)
            rc = sc_fail(err, SC_EINPUT, "another daemon (pid %ld) runs on this database (%s)",
                         (long)pid, path.buf);
        else
            rc = sc_fail(err, SC_ERUNTIME, "%s: cannot lock: %s", path.buf, strerror(e));
        goto out;
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(f, 0) != 0 || pwrite(f, pid, (size_t)len, 0) != len) {
        rc = sc_fail(err, SC_ERUNTIME, "%s: cannot write: %s", path.buf, strerror(errno));
        close(f);
        goto out;
    }
    *fd = f;
out:
    strbuf_release(&path);
    return rc;
}

pid_t daemon_lock_holder(const char *db_path)
{
    struct strbuf path = STRBUF_INIT;
    daemon_lock_path(db_path, &path);
    int f = path.failed ? -1 : open(path.buf, O_RDONLY | O_CLOEXEC);
    strbuf_release(&path);
    if (f < 0)
        return 0;
    /* F_GETLK asks whether a write lock could be taken; a read-only descriptor may ask. */
    struct flock who = whole_file(F_WRLCK);
    pid_t pid = fcntl(f, F_GETLK, &who) == 0 && who.l_type != F_UNLCK ? who.l_pid : 0;
    close(f);
    return pid;
}

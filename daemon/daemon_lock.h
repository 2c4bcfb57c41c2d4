/* daemon_lock: one daemon per database. The daemon holds a POSIX write lock on the file
 * DB.lock beside the database (fcntl F_SETLK, holding the pid as text) for as long as it
 * runs; the kernel drops the lock when the process ends however it ends, so a crashed daemon
 * never blocks the next. `spotcheck status` asks who holds it (F_GETLK) without taking it. */
#ifndef SPOTCHECK_DAEMON_LOCK_H
#define SPOTCHECK_DAEMON_LOCK_H

#include <sys/types.h>

#include "common/error.h"
#include "common/strbuf.h"

/* The lock file's path for a database path. */
void daemon_lock_path(const char *db_path, struct strbuf *out);

/* Takes the lock for db_path; *fd gets the open lock file (close it to release). Returns 0;
 * SC_EINPUT when another process holds it (*holder gets its pid, err names it); SC_ERUNTIME
 * when the file cannot be opened or locked. */
int daemon_lock_take(const char *db_path, int *fd, pid_t *holder, struct sc_error *err);

/* The pid of the process holding the lock for db_path, or 0 when none does (or the lock
 * file does not exist). */
pid_t daemon_lock_holder(const char *db_path);

#endif

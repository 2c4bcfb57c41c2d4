/* registry_watch: the daemon re-imports the registry export named by [daemon] registry when
 * its bytes change, as `spotcheck import` would (without --skip-invalid: a file with an
 * invalid row, or without one valid row, is refused whole and nothing changes).
 *
 * The file is read and hashed only when its size or modification time changed since the last
 * look (the first look always reads it); its SHA-256 is compared with the latest import's, so
 * a restart does not import the same file twice. */
#ifndef SPOTCHECK_REGISTRY_WATCH_H
#define SPOTCHECK_REGISTRY_WATCH_H

#include <sys/types.h>
#include <time.h>

#include "common/error.h"
#include "storage/db.h"
#include "storage/sites.h"

struct registry_watch {
    int seen; /* looked at least once */
    off_t size;
    time_t mtime;
    long mtime_ns;
};

/* Looks at path. Returns 1 when it was imported (*sum says what changed), 0 when nothing
 * changed, or SC_EINPUT (unreadable or invalid file: err says why, with FILE:LINE for a bad
 * row), SC_ERUNTIME, SC_ENOMEM. A refused file is not looked at again until it changes. */
int registry_watch_check(struct registry_watch *w, struct storage *db, const char *path,
                         struct import_summary *sum, struct sc_error *err);

#endif

/* publish_tree: atomic publishing of a directory tree. The whole site is written into a new
 * directory beside DIR (".<name>.publish-XXXXXX" in DIR's parent), then swapped into place
 * with one rename (renameat2 RENAME_EXCHANGE when DIR exists), and the old tree removed, so
 * a reader sees the old site or the new one, never a half-built one.
 *
 * Leftovers of a publish killed mid-way (".<name>.publish-*", ".<name>.old-*") are removed
 * by the next pub_tree_begin; two publishes into the same DIR at once are not supported
 * (the later swap wins, and one may remove the other's staging directory). */
#ifndef SPOTCHECK_PUBLISH_TREE_H
#define SPOTCHECK_PUBLISH_TREE_H

#include <stddef.h>

#include "common/error.h"

struct pub_tree {
    char *dir;   /* DIR, without trailing slashes */
    char *stage; /* the staging directory */
};

/* Creates the staging directory (and DIR's parent when missing). Refuses (SC_EINPUT) a DIR
 * that exists and is neither empty nor a published site (it has no index.html), so a
 * mistyped --out never replaces someone's directory. Returns 0, SC_EINPUT, SC_ERUNTIME or
 * SC_ENOMEM. */
int pub_tree_begin(struct pub_tree *t, const char *dir, struct sc_error *err);
/* Writes data to relpath ("data/x.csv") inside the staging directory, creating its parent
 * directories. relpath must be relative without ".." (SC_EINPUT otherwise). */
int pub_tree_write(struct pub_tree *t, const char *relpath, const char *data, size_t n,
                   struct sc_error *err);
/* Swaps the staging directory in as DIR and removes the old tree. On failure DIR is as it
 * was and the staging directory is removed. */
int pub_tree_commit(struct pub_tree *t, struct sc_error *err);
/* Removes the staging directory (after a failure) and frees t. Safe after commit. */
void pub_tree_abort(struct pub_tree *t);

/* Removes a directory tree (no symlink is followed). 0 or -1. */
int pub_tree_remove(const char *path);

#endif

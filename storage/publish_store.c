/* publish_store: marking rounds published (publish_store.h). */
#include "storage/publish_store.h"
#include "storage/internal.h"

static const char SQL_STATE[] = "SELECT state FROM rounds WHERE id=?1";
static const char SQL_MARK[] =
    "UPDATE rounds SET state='published' WHERE id=?1 AND state='finalised'";

int storage_round_mark_published(struct storage *db, long round_id, struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_MARK, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    int rc = storage_exec_stmt(db, st, err, "marking a round published");
    if (rc < 0)
        return rc;
    if (sqlite3_changes(db->handle) > 0)
        return 1;
    st = storage_stmt(db, SQL_STATE, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return sc_fail(err, SC_ENOTFOUND, "no round with id %ld", round_id);
    }
    if (rc != SQLITE_ROW)
        return storage_fail(db, err, "reading a round's state");
    const char *state = (const char *)sqlite3_column_text(st, 0);
    int published = state && sqlite3_stricmp(state, "published") == 0;
    char copy[32];
    sqlite3_snprintf(sizeof copy, copy, "%s", state ? state : "");
    sqlite3_reset(st);
    if (published)
        return 0;
    return sc_fail(err, SC_EINPUT,
                   "round %ld is %s, not finalised: only finalised rounds are published", round_id,
                   copy);
}

/* internal: what the storage files share and nobody else sees: the sqlite3 handle and the
 * prepared-statement cache. */
#ifndef SPOTCHECK_STORAGE_INTERNAL_H
#define SPOTCHECK_STORAGE_INTERNAL_H

#include <sqlite3.h>

#include "common/error.h"
#include "storage/db.h"

struct stmt_cache_entry {
    const char *sql; /* identity: the address of a string literal */
    sqlite3_stmt *stmt;
    struct stmt_cache_entry *next;
};

struct storage {
    sqlite3 *handle;
    char *path;
    struct stmt_cache_entry *stmts;
    int error; /* the SC_E* code of the last failure storage_fail/storage_stmt reported */
};

/* A prepared statement for sql (a string literal, cached by address), reset and with its
 * bindings cleared, or NULL with err filled. */
sqlite3_stmt *storage_stmt(struct storage *db, const char *sql, struct sc_error *err);
/* Fills err with sqlite's message for the last failure and returns (and keeps in
 * db->error) SC_ENOMEM when sqlite ran out of memory, else SC_ERUNTIME. */
int storage_fail(struct storage *db, struct sc_error *err, const char *what);
/* Binds a UTF-8 string or NULL. sqlite copies the string, and when it cannot, leaves the
 * parameter NULL: a failed bind is remembered (per thread) until the next storage_stmt,
 * and storage_exec_stmt and storage_binds_ok then fail with SC_ENOMEM. */
int storage_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* 0, or SC_ENOMEM (err and db->error set) when a bind since the last storage_stmt failed:
 * call it before stepping a statement yourself. */
int storage_binds_ok(struct storage *db, struct sc_error *err);
/* Steps a statement that returns no rows (after storage_binds_ok); 0 or SC_ERUNTIME /
 * SC_ENOMEM. */
int storage_exec_stmt(struct storage *db, sqlite3_stmt *st, struct sc_error *err,
                      const char *what);
/* A heap copy of a text column, "" for NULL when empty_for_null, else NULL. */
char *storage_column_dup(sqlite3_stmt *st, int col, int empty_for_null);

#endif

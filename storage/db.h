/* db: opening the one SQLite database, its schema migrations, and transactions.
 *
 * The database runs in WAL mode with a busy timeout and foreign keys on. Its schema is
 * versioned by PRAGMA user_version: storage_open() upgrades an older database in place,
 * one migration at a time, each in its own transaction, and refuses a database made by a
 * newer build. Every write the program makes happens inside a transaction, so a process
 * killed at any moment leaves a database that opens and holds every committed row.
 * Only storage/ speaks SQL; everything else calls the functions declared here and in the
 * other storage/ headers. */
#ifndef SPOTCHECK_DB_H
#define SPOTCHECK_DB_H

#include "common/error.h"

struct storage;

/* The schema version this build writes. */
int storage_schema_latest(void);

/* Opens (creating if needed) and migrates the database at path. Returns 0, SC_ERUNTIME
 * (cannot open, not a database, newer schema) or SC_ENOMEM; err says which and why. */
int storage_open(const char *path, struct storage **out, struct sc_error *err);
/* As storage_open, for commands that only read: a database that does not exist is not
 * created but refused with SC_ENOTFOUND (a mistyped --db would otherwise answer from an
 * empty new database). */
int storage_open_existing(const char *path, struct storage **out, struct sc_error *err);
/* As storage_open, but migrates only up to `version` (for tests of the migrations). */
int storage_open_at_version(const char *path, int version, struct storage **out,
                            struct sc_error *err);
void storage_close(struct storage *db);
int storage_schema_version(struct storage *db);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Transactions do not nest. */
int storage_begin(struct storage *db, struct sc_error *err);
int storage_commit(struct storage *db, struct sc_error *err);
void storage_rollback(struct storage *db);

#endif

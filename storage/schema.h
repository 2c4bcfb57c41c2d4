/* schema: the ordered list of schema migrations (storage_migrations[i] makes version i+1). */
#ifndef SPOTCHECK_SCHEMA_H
#define SPOTCHECK_SCHEMA_H

extern const char *const storage_migrations[];
extern const int storage_migration_count;

#endif

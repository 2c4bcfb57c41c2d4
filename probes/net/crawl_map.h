/* crawl_map: a string-keyed hash map (open addressing, linear probing) used by the fetch
 * engine for its hosts and by the crawler for its URL table.
 *
 * The map stores pointers to the caller's keys and values and never frees either; the
 * caller keeps each key alive as long as its entry. Growth doubles the table when it is
 * 70% full, so insert and lookup are O(1) on average. */
#ifndef SPOTCHECK_CRAWL_MAP_H
#define SPOTCHECK_CRAWL_MAP_H

#include <stddef.h>

struct crawl_map_slot {
    const char *key;
    void *value;
    size_t hash;
};

struct crawl_map {
    struct crawl_map_slot *slots;
    size_t cap; /* a power of two, or 0 */
    size_t count;
};

void crawl_map_init(struct crawl_map *m);
/* Frees the table (not the keys or values). */
void crawl_map_release(struct crawl_map *m);
/* The value stored under key, or NULL. */
void *crawl_map_get(const struct crawl_map *m, const char *key);
/* Stores value under key (replacing an existing value). Returns 0 or SC_ENOMEM. */
int crawl_map_put(struct crawl_map *m, const char *key, void *value);
/* FNV-1a hash of a string. */
size_t crawl_map_hash(const char *s);

#endif

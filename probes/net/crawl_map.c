/* crawl_map: string-keyed open-addressing hash map (see crawl_map.h). */
#include "probes/net/crawl_map.h"
#include "common/error.h"

#include <stdlib.h>
#include <string.h>

void crawl_map_init(struct crawl_map *m)
{
    memset(m, 0, sizeof *m);
}

void crawl_map_release(struct crawl_map *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

size_t crawl_map_hash(const char *s)
{
    size_t h = (size_t)14695981039346656037ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= (size_t)1099511628211ULL;
    }
    return h;
}

static struct crawl_map_slot *slot_find(const struct crawl_map *m, const char *key, size_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct crawl_map_slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
            return s;
    }
}

void *crawl_map_get(const struct crawl_map *m, const char *key)
{
    if (!m->cap)
        return NULL;
    struct crawl_map_slot *s = slot_find(m, key, crawl_map_hash(key));
    return s->key ? s->value : NULL;
}

static int map_grow(struct crawl_map *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64;
    struct crawl_map_slot *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return SC_ENOMEM;
    struct crawl_map old = *m;
    m->slots = ns;
    m->cap = ncap;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key)
            *slot_find(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
    free(old.slots);
    return 0;
}

int crawl_map_put(struct crawl_map *m, const char *key, void *value)
{
    if ((m->count + 1) * 10 > m->cap * 7 && map_grow(m) < 0)
        return SC_ENOMEM;
    size_t h = crawl_map_hash(key);
    struct crawl_map_slot *s = slot_find(m, key, h);
    if (!s->key) {
        s->key = key;
        s->hash = h;
        m->count++;
    }
    s->value = value;
    return 0;
}

/* url_cache: per-thread memo of resolved references (see url_cache.h). */
#include "probes/net/url_cache.h"
#include "probes/net/crawl_map.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cache_slot {
    char *key; /* origin '\n' ref, or ref alone when absolute */
    char *url;
    size_t hash;
};

static _Thread_local struct cache_slot *slots; /* URL_CACHE_MAX * 2 slots */
static _Thread_local size_t count;

int url_cache_eligible(const char *ref)
{
    while (*ref == ' ' || *ref == '\t' || *ref == '\n' || *ref == '\r')
        ref++;
    if (ref[0] == '/')
        return ref[1] != '/' && ref[1] != '\\';
    return strncasecmp(ref, "http://", 7) == 0 || strncasecmp(ref, "https://", 8) == 0;
}

static int is_absolute(const char *ref)
{
    while (*ref == ' ' || *ref == '\t' || *ref == '\n' || *ref == '\r')
        ref++;
    return ref[0] != '/';
}

/* Writes the key into buf (URL_CACHE_KEY_MAX * 2 bytes); returns 0, or -1 when too long. */
static int key_make(char *buf, const char *origin, const char *ref)
{
    size_t rl = strlen(ref);
    if (rl > URL_CACHE_KEY_MAX)
        return -1;
    if (is_absolute(ref)) {
        memcpy(buf, ref, rl + 1);
        return 0;
    }
    size_t ol = strlen(origin);
    if (ol > URL_CACHE_KEY_MAX)
        return -1;
    memcpy(buf, origin, ol);
    buf[ol] = '\n';
    memcpy(buf + ol + 1, ref, rl + 1);
    return 0;
}

static struct cache_slot *slot_find(const char *key, size_t h)
{
    size_t mask = URL_CACHE_MAX * 2 - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct cache_slot *s = &slots[i];
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
            return s;
    }
}

const char *url_cache_get(const char *origin, const char *ref)
{
    char key[URL_CACHE_KEY_MAX * 2 + 2];
    if (!slots || key_make(key, origin, ref) < 0)
        return NULL;
    struct cache_slot *s = slot_find(key, crawl_map_hash(key));
    return s->key ? s->url : NULL;
}

static void cache_clear(void)
{
    for (size_t i = 0; i < URL_CACHE_MAX * 2; i++) {
        free(slots[i].key);
        free(slots[i].url);
        slots[i].key = slots[i].url = NULL;
    }
    count = 0;
}

void url_cache_put(const char *origin, const char *ref, const char *url)
{
    char key[URL_CACHE_KEY_MAX * 2 + 2];
    if (!url_cache_eligible(ref) || key_make(key, origin, ref) < 0)
        return;
    if (!slots && !(slots = calloc(URL_CACHE_MAX * 2, sizeof *slots)))
        return;
    if (count >= URL_CACHE_MAX)
        cache_clear();
    size_t h = crawl_map_hash(key);
    struct cache_slot *s = slot_find(key, h);
    if (s->key)
        return;
    s->key = strdup(key);
    s->url = strdup(url);
    if (!s->key || !s->url) {
        free(s->key);
        free(s->url);
        s->key = s->url = NULL;
        return;
    }
    s->hash = h;
    count++;
}

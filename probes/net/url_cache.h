/* url_cache: a per-thread memo of "reference as written → normal form" for the references
 * whose result depends only on the page's origin (an absolute path, "/p/1.html") or on
 * nothing (an absolute http(s) URL). Government sites repeat the same navigation links on
 * every page, so most links of a crawl resolve from here without a curl_url() parse.
 *
 * Bounded: at most URL_CACHE_MAX entries per thread, emptied when full. Only URL_OK results
 * are kept; references longer than URL_CACHE_KEY_MAX are not cached. */
#ifndef SPOTCHECK_URL_CACHE_H
#define SPOTCHECK_URL_CACHE_H

#define URL_CACHE_MAX 8192
#define URL_CACHE_KEY_MAX 512

/* The cached normal form of ref on origin ("http://host[:port]"), or NULL. origin is
 * ignored for an absolute ref. The string stays valid until the next url_cache_put. */
const char *url_cache_get(const char *origin, const char *ref);
/* Remembers url as the normal form of ref on origin (silently does nothing when out of
 * memory or when the reference is not cacheable). */
void url_cache_put(const char *origin, const char *ref, const char *url);
/* 1 when ref (as written, leading whitespace allowed) is of a cacheable kind. */
int url_cache_eligible(const char *ref);

#endif

/* failmalloc: the countdown and the allocator hooks (see failmalloc.h). */
#include "failmalloc.h"

#include <curl/curl.h>
#include <execinfo.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static atomic_long countdown; /* allocations left before the failing one; 0 = disarmed */
static atomic_int persistent_mode, failing;
static atomic_long failures, counted;
static int trace = -1; /* FAILMALLOC_TRACE set: print the stack of each failed allocation */

static void trace_failure(void)
{
    if (trace < 0)
        trace = getenv("FAILMALLOC_TRACE") != NULL;
    if (!trace)
        return;
    void *frames[32];
    int n = backtrace(frames, 32);
    fputs("failmalloc: failing this allocation:\n", stderr);
    backtrace_symbols_fd(frames, n, 2);
}

/* 1 when this allocation must fail. */
static int should_fail(void)
{
    atomic_fetch_add(&counted, 1);
    if (atomic_load(&failing)) {
        atomic_fetch_add(&failures, 1);
        return 1;
    }
    long c = atomic_load(&countdown);
    while (c > 0 && !atomic_compare_exchange_weak(&countdown, &c, c - 1))
        ;
    if (c != 1)
        return 0;
    atomic_fetch_add(&failures, 1);
    trace_failure();
    if (atomic_load(&persistent_mode))
        atomic_store(&failing, 1);
    return 1;
}

void failmalloc_arm(long n, int persistent)
{
    atomic_store(&failing, 0);
    atomic_store(&failures, 0);
    atomic_store(&counted, 0);
    atomic_store(&persistent_mode, persistent);
    atomic_store(&countdown, n);
}

long failmalloc_disarm(void)
{
    atomic_store(&countdown, 0);
    atomic_store(&failing, 0);
    return atomic_load(&failures);
}

long failmalloc_count(void)
{
    return atomic_load(&counted);
}

/* ---- our code: the --wrap'ed libc calls ---- */

void *__wrap_malloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    if (n && should_fail())
        return NULL;
    return __real_realloc(p, n);
}

char *__wrap_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = __wrap_malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

char *__wrap_strdup(const char *s)
{
    return __wrap_strndup(s, (size_t)-1);
}

/* ---- libcurl, libcrypto: plain counted functions ---- */

static void lib_free(void *p)
{
    free(p); /* not wrapped by name here: free is not counted */
}

/* libcurl's allocations, failed unless spared (failmalloc_spare_curl). */
static atomic_int curl_spared;

static void *curl_malloc_hook(size_t n)
{
    return atomic_load(&curl_spared) ? __real_malloc(n) : __wrap_malloc(n);
}

static void *curl_realloc_hook(void *p, size_t n)
{
    return atomic_load(&curl_spared) ? __real_realloc(p, n) : __wrap_realloc(p, n);
}

static void *curl_calloc_hook(size_t n, size_t size)
{
    return atomic_load(&curl_spared) ? __real_calloc(n, size) : __wrap_calloc(n, size);
}

static char *curl_strdup_hook(const char *s)
{
    if (!atomic_load(&curl_spared))
        return __wrap_strdup(s);
    size_t n = strlen(s) + 1;
    char *d = __real_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void failmalloc_spare_curl(int spare)
{
    atomic_store(&curl_spared, spare);
}

static void *crypto_malloc(size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return __wrap_malloc(n);
}

static void *crypto_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return __wrap_realloc(p, n);
}

static void crypto_free(void *p, const char *file, int line)
{
    (void)file;
    (void)line;
    free(p);
}

/* ---- SQLite: it asks an allocation's size back, so each carries a header ---- */

#define SQ_HEADER 16 /* keeps the 8-byte alignment SQLite needs */

static void *sq_malloc(int n)
{
    if (n <= 0 || should_fail())
        return NULL;
    char *p = __real_malloc((size_t)n + SQ_HEADER);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    return p + SQ_HEADER;
}

static void sq_free(void *p)
{
    if (p)
        free((char *)p - SQ_HEADER);
}

static int sq_size(void *p)
{
    int n = 0;
    if (p)
        memcpy(&n, (char *)p - SQ_HEADER, sizeof n);
    return n;
}

static void *sq_realloc(void *p, int n)
{
    if (n <= 0 || should_fail())
        return NULL;
    char *q = __real_realloc((char *)p - SQ_HEADER, (size_t)n + SQ_HEADER);
    if (!q)
        return NULL;
    memcpy(q, &n, sizeof n);
    return q + SQ_HEADER;
}

static int sq_roundup(int n)
{
    return (n + 7) & ~7;
}

static int sq_init(void *ud)
{
    (void)ud;
    return SQLITE_OK;
}

static void sq_shutdown(void *ud)
{
    (void)ud;
}

int failmalloc_install(void)
{
    static const sqlite3_mem_methods sq = {sq_malloc,   sq_free, sq_realloc, sq_size,
                                           sq_roundup, sq_init, sq_shutdown, NULL};
    int rc = 0;
    /* libcrypto first: libcurl's initialisation allocates through it */
    if (!CRYPTO_set_mem_functions(crypto_malloc, crypto_realloc, crypto_free)) {
        fputs("failmalloc: libcrypto already allocated; its allocations are not failed\n",
              stderr);
    }
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &sq) != SQLITE_OK) {
        fputs("failmalloc: SQLite is already initialised\n", stderr);
        rc = -1;
    }
    if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, curl_malloc_hook, lib_free, curl_realloc_hook,
                             curl_strdup_hook, curl_calloc_hook) != CURLE_OK) {
        fputs("failmalloc: curl_global_init_mem failed\n", stderr);
        rc = -1;
    }
    /* libuv is not hooked: it abort()s by design when some of its own allocations fail
     * (uv_loop_init's signal pipe, uv__io_start's watcher array), which no caller can
     * handle; our calls into it that can fail cleanly (uv_queue_work) are still tried. */
    return rc;
}

/* failmalloc: the allocation-failure injector of the OOM tests (SQLite's OOM-test habit).
 *
 * One countdown is shared by every allocator the program uses:
 *  - our own code's malloc, calloc, realloc, strdup and strndup, redirected here at link
 *    time (-Wl,--wrap=...; see CMakeLists.txt);
 *  - SQLite (SQLITE_CONFIG_MALLOC), libcurl (curl_global_init_mem) and libcrypto
 *    (CRYPTO_set_mem_functions), hooked by failmalloc_install(); not libuv, which abort()s
 *    by design when some of its own allocations fail;
 *  - gumbo allocates from html.c's arena, whose chunks come from the wrapped malloc.
 * Not covered: allocations glibc makes for itself (iconv_open, stdio buffers, getaddrinfo).
 *
 * failmalloc_arm(n, persistent) makes the n-th allocation from now fail (1 = the next one);
 * a persistent failure also fails every allocation after it, a transient one only that one.
 * Allocations are counted in every thread (the crawl parses pages on libuv's pool).
 * With FAILMALLOC_TRACE set in the environment, the stack of the failed allocation is
 * printed (pipe through addr2line, or read the symbols). */
#ifndef SPOTCHECK_FAILMALLOC_H
#define SPOTCHECK_FAILMALLOC_H

/* Routes the libraries through the countdown; call first thing in main, before any of
 * them is used. Returns 0, or -1 when a hook could not be installed (message on stderr). */
int failmalloc_install(void);
void failmalloc_arm(long n, int persistent);
/* Stops failing; returns how many allocations were failed since failmalloc_arm (0: the run
 * completed without reaching the n-th allocation). */
long failmalloc_disarm(void);
/* 1: libcurl's allocations are neither counted nor failed (the crawl scenario: libcurl
 * 7.88.1 itself dies of SIGFPE inside curl_multi_socket_action after one of its transfer
 * allocations fails); 0: they are, like every other. */
void failmalloc_spare_curl(int spare);
/* Allocations counted since failmalloc_arm (or since the start when never armed). */
long failmalloc_count(void);

#endif

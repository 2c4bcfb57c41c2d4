/* fetch: the HTTP engine. libcurl's multi interface driven by a libuv loop (curl socket
 * callbacks become uv_poll handles, its timer becomes a uv_timer), so one thread serves
 * many sites at once.
 *
 * What it guarantees:
 * - politeness: at most `concurrency` transfers at once, at most `per_host` per
 *   scheme://host:port, and at least `delay_ms` between two request starts to one host;
 * - redirects are followed here (not by curl), each hop re-checked against the rules below,
 *   the chain recorded, loops and overlong chains reported;
 * - transient failures (timeout, reset, refused connection, 429, 5xx) are retried with
 *   exponential backoff, honouring Retry-After up to a cap;
 * - a body larger than max_body (counted after decompression, so a gzip bomb too) aborts
 *   the transfer with error "too_large"; memory per transfer is bounded by max_body;
 * - HEAD that is refused or answers an error (any status >= 400) is retried once as GET;
 * - only http and https; a connection to a loopback, private or link-local address is
 *   refused (error "private_address") unless allow_private is set or a --connect-to entry
 *   maps the host (the address actually connected to is checked, on every hop);
 * - with no_dns, a host that no --connect-to entry maps and that is not an IP literal
 *   fails with error "dns" without any lookup.
 *
 * Threading: everything runs on the loop's thread; completion callbacks are never called
 * from inside fetch_submit(). */
#ifndef SPOTCHECK_FETCH_H
#define SPOTCHECK_FETCH_H

#include <stddef.h>
#include <sys/socket.h>
#include <uv.h>

#include "common/error.h"

#define FETCH_USER_AGENT                                                                           \
    "spotcheck/" SPOTCHECK_VERSION " (government website audit; "                                  \
    "+https://spotcheck.example.org/about-the-crawler)"

/* The largest response header block kept (fetch_result.headers). */
#define FETCH_HEADERS_MAX (64u << 10)

struct fetch_options {
    long timeout_ms;         /* whole transfer, per attempt */
    long connect_timeout_ms; /* connection set-up */
    long low_speed_s;        /* abort when below 1 byte/s for this long */
    size_t max_body;         /* bytes after decompression */
    int max_redirects;
    int max_retries;         /* extra attempts after a transient failure */
    long retry_base_ms;      /* first backoff; doubles each attempt */
    long retry_after_cap_ms; /* longest Retry-After honoured */
    int concurrency;         /* transfers at once, all hosts */
    int per_host;            /* transfers at once to one scheme://host:port */
    long delay_ms;           /* least time between two request starts to one host */
    int allow_private;
    int no_dns;
    char **connect_to; /* "HOST:PORT:ADDR:PORT" entries, curl's meaning */
    size_t nconnect_to;
    const char *user_agent; /* NULL: FETCH_USER_AGENT */
};

/* The polite defaults: 8 transfers, 2 per host, 250 ms between requests to one host,
 * 30 s timeout, 10 MB bodies, 5 redirects, 2 retries. */
void fetch_options_default(struct fetch_options *o);

enum fetch_method { FETCH_GET, FETCH_HEAD };

struct fetch_request {
    const char *url;          /* absolute http(s) URL, normal form (url.h) */
    enum fetch_method method; /* HEAD falls back to GET when refused */
    int keep_body;            /* 1: keep the body (up to max_body); 0: stop at the first byte */
};

struct fetch_result {
    const char *url;       /* as requested */
    const char *final_url; /* after redirects (== url when none) */
    int status;            /* last HTTP status, 0 when none was received */
    const char *error;     /* NULL, or an error word (docs/crawler.md): dns, connect, ... */
    int transient;         /* the error is of the kind that may go away (timeout, 5xx ...) */
    char *body;            /* NUL-terminated when kept; the callback may take it (set NULL) */
    size_t body_len;
    /* keep_body requests only (NULL otherwise, and nothing is allocated for them): the
     * final response's header block as received, status line first, each line with its
     * CRLF, the blank line that ends it included, NUL-terminated; an interim response (1xx)
     * is replaced by the one that follows. At most FETCH_HEADERS_MAX bytes, whole lines:
     * beyond that the lines are dropped and headers_truncated is 1. Given also when the
     * request ended in an error after a response began (a 404, a 503, too_large), NULL
     * when no header arrived. The callback may take it (set NULL). */
    char *headers;
    size_t headers_len;
    int headers_truncated;
    const char *content_type;     /* or NULL */
    const char *const *redirects; /* the URLs redirected to, in order */
    size_t nredirects;
    int attempts;             /* requests made, retries and HEAD→GET included */
    enum fetch_method method; /* the method that produced `status` */
};

struct fetch_engine;
typedef void (*fetch_done_fn)(struct fetch_result *res, void *user);

/* Creates an engine on loop. The options (and the strings they point to) are copied.
 * Returns 0, SC_EINPUT for a malformed connect_to entry, SC_ENOMEM or SC_ERUNTIME. */
int fetch_engine_new(uv_loop_t *loop, const struct fetch_options *opt, struct fetch_engine **out,
                     struct sc_error *err);
/* Queues a request; done is called exactly once, later, on the loop thread (also when
 * the engine is closed first: with error "cancelled"; a request submitted from a callback
 * that fetch_engine_close() delivers ends "cancelled" too). Returns 0, SC_ENOMEM, or
 * SC_ERUNTIME once fetch_engine_close() has returned (done will not be called). */
int fetch_submit(struct fetch_engine *e, const struct fetch_request *req, fetch_done_fn done,
                 void *user);
/* Transfers queued or running. */
size_t fetch_pending(const struct fetch_engine *e);
/* Cancels what is left (callbacks get "cancelled", delivered before this returns), closes
 * every handle and frees the engine once libuv has closed them, then calls on_closed(user)
 * (may be NULL) on the loop thread; keep running the loop until then. */
void fetch_engine_close(struct fetch_engine *e, void (*on_closed)(void *user), void *user);

/* 1 when sa is a loopback, private, link-local, unspecified, CGNAT or multicast address. */
int fetch_addr_is_private(const struct sockaddr *sa);
/* 1 when a --connect-to entry maps host:port (curl semantics: empty HOST or PORT match
 * anything, first match wins, an entry with empty ADDR does not map). */
int fetch_connect_to_maps(char *const *entries, size_t n, const char *host, int port);
/* 1 when s has the HOST:PORT:ADDR:PORT shape with numeric ports (each may be empty). */
int fetch_connect_to_valid(const char *s);

#endif

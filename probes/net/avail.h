/* avail: the availability probe (站点无法访问). One probe asks for a site's homepage the way
 * a first-time visitor would and records how it went; the daemon runs about twenty a day
 * per site at the times avail_schedule.h gives. Probes know nothing of rounds or storage.
 *
 * What one probe is (docs/availability.md):
 * - a fresh connection and fresh DNS: no connection is reused or kept (FRESH_CONNECT,
 *   FORBID_REUSE), no cached address is used (DNS cache timeout 0); each redirect hop
 *   connects anew too. --connect-to entries, the private-address rule and no_dns apply as
 *   in fetch.h, on every hop;
 * - GET; redirects (up to max_redirects, http and https only) are followed here, hop by
 *   hop, each hop on a new connection and re-checked like the first;
 * - it FAILS unless the whole homepage has arrived with a 2xx status within timeout_ms,
 *   which covers the whole chain (DNS, connects, TLS, redirects, body). No retries: a retry
 *   would hide exactly what is measured;
 * - the body is hashed as it arrives and never kept; more than max_body bytes after
 *   decompression (a gzip bomb too) is a fail, error "too_large".
 *
 * Timing is curl's own (CURLINFO_*_TIME_T, on curl's monotonic clock), never the loop's:
 * a timer that fires late or the wait between two hops is not counted. One limit remains:
 * curl stamps a phase when the loop hands it the socket's event, so a loop thread that is
 * stalled just as the answer arrives still adds its stall. Keeping that thread free
 * (architecture.md) keeps it small; bench/ is where it is measured under load.
 *
 * THE API, in the style of crawl.h: avail_probe_start() starts one probe on a loop the
 * caller owns and returns at once; done is called exactly once, later, on the loop thread
 * (never from inside avail_probe_start or avail_probe_cancel), also after
 * avail_probe_cancel() (outcome "cancelled"). Many probes at once share one engine
 * (avail_engine_new, then avail_engine_probe): one curl multi on the loop, no politeness
 * queue and no concurrency cap (the schedule spreads the probes; a probe must start when
 * it is due). */
#ifndef SPOTCHECK_AVAIL_H
#define SPOTCHECK_AVAIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <uv.h>

#include "common/error.h"

struct avail_options {
    long timeout_ms;   /* whole probe, redirects and body included (default 15000) */
    size_t max_body;   /* bytes after decompression (default 10 MiB) */
    int max_redirects; /* default 5 */
    int allow_private; /* as in fetch.h */
    int no_dns;        /* as in fetch.h: a host no --connect-to entry maps fails as "dns" */
    char **connect_to; /* "HOST:PORT:ADDR:PORT" entries, curl's meaning */
    size_t nconnect_to;
    const char *user_agent; /* NULL: FETCH_USER_AGENT */
};

/* 15 s (availability.timeout_seconds), 10 MiB, 5 redirects, public addresses only. */
void avail_options_default(struct avail_options *o);

enum avail_outcome { AVAIL_OK, AVAIL_FAIL, AVAIL_CANCELLED };

/* What one probe found. The strings live until the callback returns. Times are curl's, in
 * microseconds. The phase times (dns .. first_byte) are the last hop's, each counted from
 * that hop's start as curl counts them (so they grow: dns <= connect <= tls <=
 * first_byte); redirect_us is what the hops before it took, and total_us the whole chain
 * (redirect_us + the last hop's total). A phase that was not reached is 0. */
struct avail_result {
    const char *url;       /* as asked */
    const char *final_url; /* the last hop's URL (== url when there was no redirect) */
    time_t at;             /* sc_clock_now() when the probe was started */
    uint64_t start_ns;     /* uv_hrtime() when the probe was started (monotonic) */
    enum avail_outcome outcome;
    int status;            /* last HTTP status, 0 when none arrived */
    const char *error;     /* NULL when ok, else an error word of docs/crawler.md: dns, connect,
                              timeout, reset, tls, http_status, too_large, too_many_redirects,
                              bad_redirect, bad_url, bad_encoding, bad_response,
                              private_address, network, oom, cancelled */
    int64_t dns_us;        /* CURLINFO_NAMELOOKUP_TIME_T */
    int64_t connect_us;    /* CURLINFO_CONNECT_TIME_T: TCP connected */
    int64_t tls_us;        /* CURLINFO_APPCONNECT_TIME_T: TLS done (0 for http) */
    int64_t first_byte_us; /* CURLINFO_STARTTRANSFER_TIME_T */
    int64_t total_us;      /* the hops' CURLINFO_TOTAL_TIME_T added up: the whole chain */
    int64_t redirect_us;   /* the same for the hops before the last */
    int nredirects;
    uint64_t bytes;  /* body bytes after decompression (what the hash covers) */
    char ip[48];     /* CURLINFO_PRIMARY_IP of the last connection, "" when none */
    char sha256[65]; /* of the last hop's body, hex; "" unless it arrived whole (an error
                        page that arrived whole is hashed too) */
};

/* The outcome as a word: "ok", "fail" or "cancelled". */
const char *avail_outcome_word(enum avail_outcome o);

struct avail_engine;
struct avail_probe;
typedef void (*avail_done_fn)(const struct avail_result *res, void *user);

/* Creates an engine on loop for many probes at once. The options (and the strings they
 * point to) are copied. Returns 0, SC_EINPUT (bad connect_to entry, timeout or max_body
 * not positive), SC_ENOMEM or SC_ERUNTIME, with the message in err. */
int avail_engine_new(uv_loop_t *loop, const struct avail_options *opt, struct avail_engine **out,
                     struct sc_error *err);
/* Starts one probe of url (absolute http(s)) now. *out (may be NULL) receives its handle,
 * valid until done returns. A URL that is not http(s) is a result (fail, "bad_url"), not an
 * error. Returns 0 (done will come), or SC_ENOMEM / SC_ERUNTIME (engine closing) with no
 * callback to come. */
int avail_engine_probe(struct avail_engine *e, const char *url, avail_done_fn done, void *user,
                       struct avail_probe **out, struct sc_error *err);
/* Probes started and not yet called back. */
size_t avail_engine_pending(const struct avail_engine *e);
/* Cancels every probe still running (each gets "cancelled", on the loop, after this
 * returns), closes every handle, frees the engine once libuv has closed them and then calls
 * on_closed(user) (may be NULL); keep running the loop until then. A probe cannot be
 * started once this is called. */
void avail_engine_close(struct avail_engine *e, void (*on_closed)(void *user), void *user);

/* One probe on a private engine that closes itself after done returns (the loop then ends
 * with no handle of the probe left). Same returns as avail_engine_new/avail_engine_probe;
 * after an SC_ENOMEM the private engine still closes its handles on the loop, so run the
 * loop before closing it. */
int avail_probe_start(uv_loop_t *loop, const struct avail_options *opt, const char *url,
                      avail_done_fn done, void *user, struct avail_probe **out,
                      struct sc_error *err);
/* Stops a probe: done comes once, later, with outcome AVAIL_CANCELLED (unless the probe had
 * already finished and its callback is only waiting to be delivered: then it keeps its
 * real result). Safe more than once before done; not after done has returned. */
void avail_probe_cancel(struct avail_probe *p);

#endif

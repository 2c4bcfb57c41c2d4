/* evidence: the homepage as the crawler saw it, kept to prove a verdict (docs/evidence.md):
 * its final URL, status, moment, the response's header block and its raw body (the bytes
 * as received, before any charset decoding), cut at a bound, with the SHA-256 of what was
 * kept. content_run captures it (opt-in), storage/evidence.c stores it zlib-compressed with
 * the crawl, `spotcheck evidence` shows it. A plain struct shared by the three, like the
 * site report. */
#ifndef SPOTCHECK_EVIDENCE_H
#define SPOTCHECK_EVIDENCE_H

#include <stddef.h>
#include <time.h>

/* The bound on the kept body: a homepage larger than this is cut, body_truncated set. */
#define EVIDENCE_BODY_MAX ((size_t)2 << 20)

struct crawl_evidence {
    char *url;         /* the homepage's final URL (after redirects); NULL: nothing kept */
    int status;        /* the final response's HTTP status, 0 when none came */
    time_t fetched_at; /* when the response came back (the clock's moment), 0 unknown */
    char *headers;     /* the header block as received (fetch.h), NUL-terminated, or NULL */
    size_t headers_len;
    char *body;           /* the kept bytes, NUL-terminated (may hold NULs), or NULL */
    size_t body_len;      /* bytes kept: at most the bound */
    int body_truncated;   /* the body received was longer than what is kept */
    char body_sha256[65]; /* SHA-256 of the kept bytes, hex; "" when there is no body */
};

void crawl_evidence_init(struct crawl_evidence *ev);
/* Frees what ev holds and leaves it initialised. */
void crawl_evidence_free(struct crawl_evidence *ev);

/* Replaces what ev holds with copies: url (required), status, at, headers[0..hlen) (or
 * NULL), body[0..blen) (or NULL) cut at body_max bytes (0: EVIDENCE_BODY_MAX), and hashes
 * the kept bytes. Hashing runs on the caller's thread: about 1-5 ms for a 2 MiB body,
 * typically well under 1 ms for a homepage. Returns 0, SC_EINPUT (no url), SC_ENOMEM or
 * SC_ERUNTIME (libcrypto failed); on failure ev is left empty. */
int crawl_evidence_capture(struct crawl_evidence *ev, const char *url, int status, time_t at,
                           const char *headers, size_t hlen, const char *body, size_t blen,
                           size_t body_max);

#endif

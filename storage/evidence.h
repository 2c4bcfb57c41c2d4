/* evidence: what proves a verdict, in the database (docs/evidence.md): the homepage as
 * crawled (crawl_evidence, one row per crawl, stored in the crawl's own transaction by
 * storage_crawl_save_evidence, gone with the crawl by ON DELETE CASCADE) and a site's
 * failing availability probes of a round.
 *
 * Headers and body are stored zlib-compressed (compress2/uncompress; encoding 'zlib').
 * Loading is bounded: the body must inflate to exactly body_bytes (at most
 * EVIDENCE_LOAD_MAX) and hash to body_sha256, the headers to at most EVIDENCE_HEADERS_LOAD_MAX;
 * anything else is refused as corrupt (SC_ERUNTIME), never a crash or a huge allocation. */
#ifndef SPOTCHECK_STORAGE_EVIDENCE_H
#define SPOTCHECK_STORAGE_EVIDENCE_H

#include <stddef.h>

#include "common/error.h"
#include "probes/verdict/evidence.h"
#include "storage/db.h"

/* The largest body a stored row may claim (8 times the capture bound, for rows kept by a
 * build with a larger bound), and the largest header block inflated. */
#define EVIDENCE_LOAD_MAX ((size_t)16 << 20)
#define EVIDENCE_HEADERS_LOAD_MAX ((size_t)256 << 10)

/* zlib (compress2, level 6) of data[0..n) into a heap buffer *out (free() it) of *out_len
 * bytes. Returns 0, SC_ENOMEM, or SC_EINPUT when n is beyond what zlib takes at once. */
int storage_evidence_compress(const void *data, size_t n, unsigned char **out, size_t *out_len);
/* Inflates blob[0..n) into a NUL-terminated heap buffer *out (free() it) of *out_len
 * bytes. At most max bytes are accepted; expect (SIZE_MAX: any) is the exact length it
 * must have. Nothing larger than max + 1 bytes is ever allocated. Returns 0, SC_ENOMEM, or
 * SC_ERUNTIME with err saying why (not zlib data, cut short, longer than max, not expect
 * bytes); *out is then NULL. */
int storage_evidence_uncompress(const void *blob, size_t n, size_t expect, size_t max, char **out,
                                size_t *out_len, struct sc_error *err);

/* Stores ev for crawl_id. Must run inside the transaction that stores the crawl
 * (storage_crawl_save_evidence does). Returns 0, SC_EINPUT (ev->url NULL), SC_ENOMEM or
 * SC_ERUNTIME. */
int storage_evidence_insert(struct storage *db, long crawl_id, const struct crawl_evidence *ev,
                            struct sc_error *err);

/* Loads the evidence of crawl_id into out (initialised here; the caller frees it with
 * crawl_evidence_free, also on failure), decompressed and checked (see above): the body's
 * SHA-256 is recomputed and must match the stored one. Returns 0, SC_ENOTFOUND (no evidence
 * stored for the crawl), SC_ERUNTIME (the database failed, or the row is corrupt: err says
 * which part), or SC_ENOMEM. */
int storage_evidence_load(struct storage *db, long crawl_id, struct crawl_evidence *out,
                          struct sc_error *err);

/* One failing availability probe (ok = 0). Numbers unknown to the row are -1. */
struct probe_failure {
    long id;
    const char *probed_at; /* the clock's text */
    int status;            /* HTTP status, -1 when none stored */
    const char *error;     /* the error word, or NULL */
    int day, slot, attempt;
    int conclusive; /* 1 conclusive, 0 inconclusive (see inconclusive_reason), -1 slot open */
    const char *inconclusive_reason;
    const char *url, *final_url;
    int redirects;
    double dns_ms, connect_ms, tls_ms, first_byte_ms, total_ms;
    long long bytes;
    const char *ip, *sha256;
};

/* Calls cb for each failing probe of site_code in round_id, in the order they were made
 * (probed_at, then id); strings live until cb returns. A non-zero return from cb stops the
 * walk and is returned. Returns 0 or SC_ERUNTIME. */
int storage_probe_failures_each(struct storage *db, long round_id, const char *site_code,
                                int (*cb)(const struct probe_failure *p, void *ud), void *ud,
                                struct sc_error *err);

/* The id of round `number` of quarter ("2026Q4"). Returns 0, SC_ENOTFOUND or
 * SC_ERUNTIME. */
int storage_round_find(struct storage *db, const char *quarter, int number, long *round_id,
                       struct sc_error *err);

#endif

/* evidence: the homepage as crawled, zlib-compressed beside its crawl, and a site's failing
 * availability probes (see evidence.h). */
#include "storage/evidence.h"
#include "common/clock.h"
#include "common/sha256.h"
#include "storage/internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static const char SQL_INSERT[] =
    "INSERT INTO crawl_evidence(crawl_id, url, status, fetched_at, encoding, headers, body, "
    "body_bytes, body_truncated, body_sha256) VALUES(?,?,?,?,'zlib',?,?,?,?,?)";
static const char SQL_SELECT[] =
    "SELECT url, status, fetched_at, encoding, headers, body, body_bytes, body_truncated, "
    "body_sha256 FROM crawl_evidence WHERE crawl_id=?";
static const char SQL_FAILURES[] =
    "SELECT id, probed_at, status, error, day, slot, attempt, conclusive, inconclusive_reason, "
    "url, final_url, redirects, dns_ms, connect_ms, tls_ms, first_byte_ms, total_ms, bytes, ip, "
    "sha256 FROM availability_probes WHERE round_id=? AND site_code=? AND ok=0 "
    "ORDER BY probed_at, id";
static const char SQL_ROUND_FIND[] = "SELECT id FROM rounds WHERE quarter=? AND number=?";

/* ---- compression ---- */

int storage_evidence_compress(const void *data, size_t n, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (n > (size_t)UINT32_MAX / 2)
        return SC_EINPUT;
    uLongf len = compressBound((uLong)n);
    unsigned char *buf = malloc(len ? len : 1);
    if (!buf)
        return SC_ENOMEM;
    int zrc = compress2(buf, &len, (const Bytef *)(n ? data : ""), (uLong)n, 6);
    if (zrc != Z_OK) {
        free(buf);
        return zrc == Z_MEM_ERROR ? SC_ENOMEM : SC_EINPUT;
    }
    *out = buf;
    *out_len = len;
    return SC_OK;
}

int storage_evidence_uncompress(const void *blob, size_t n, size_t expect, size_t max, char **out,
                                size_t *out_len, struct sc_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (expect != SIZE_MAX && expect > max)
        return sc_fail(err, SC_ERUNTIME, "claims %zu bytes, more than the %zu accepted", expect,
                       max);
    if (expect != SIZE_MAX)
        max = expect;
    if (!blob || n == 0 || n > (size_t)UINT32_MAX || max > (size_t)UINT32_MAX - 2)
        return sc_fail(err, SC_ERUNTIME, "not zlib data");
    /* One byte of room past max: a blob that fills it inflates to more than accepted. */
    char *buf = malloc(max + 2);
    if (!buf)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    uLongf len = (uLongf)max + 1;
    int zrc = uncompress((Bytef *)buf, &len, (const Bytef *)blob, (uLong)n);
    const char *why = NULL;
    if (zrc == Z_MEM_ERROR) {
        free(buf);
        return sc_fail(err, SC_ENOMEM, "out of memory");
    }
    if (zrc == Z_BUF_ERROR && len == (uLongf)max + 1)
        why = "inflates to more than accepted";
    else if (zrc == Z_BUF_ERROR)
        why = "cut short";
    else if (zrc != Z_OK)
        why = "not zlib data";
    else if (len > max)
        why = "inflates to more than accepted";
    else if (expect != SIZE_MAX && len != expect)
        why = "inflates to another length than stored";
    if (why) {
        free(buf);
        return sc_fail(err, SC_ERUNTIME, "%s", why);
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return SC_OK;
}

/* ---- storing ---- */

/* Binds data[0..n) compressed at idx (NULL when data is NULL); *blob keeps the buffer until
 * the statement ran. */
static int bind_compressed(struct storage *db, sqlite3_stmt *st, int idx, const char *data,
                           size_t n, unsigned char **blob, struct sc_error *err, const char *what)
{
    if (!data)
        return sqlite3_bind_null(st, idx) == SQLITE_OK ? SC_OK
                                                       : storage_fail(db, err, "binding evidence");
    size_t len;
    int rc = storage_evidence_compress(data, n, blob, &len);
    if (rc == SC_ENOMEM)
        return sc_fail(err, rc, "out of memory compressing the homepage's %s", what);
    if (rc < 0)
        return sc_fail(err, SC_ERUNTIME, "the homepage's %s cannot be compressed (%zu bytes)", what,
                       n);
    if (len > INT32_MAX || sqlite3_bind_blob(st, idx, *blob, (int)len, SQLITE_STATIC) != SQLITE_OK)
        return sc_fail(err, SC_ERUNTIME, "the homepage's %s is too large to store", what);
    return SC_OK;
}

int storage_evidence_insert(struct storage *db, long crawl_id, const struct crawl_evidence *ev,
                            struct sc_error *err)
{
    if (!ev->url)
        return sc_fail(err, SC_EINPUT, "evidence of crawl %ld has no URL", crawl_id);
    sqlite3_stmt *st = storage_stmt(db, SQL_INSERT, err);
    if (!st)
        return SC_ERUNTIME;
    unsigned char *hblob = NULL, *bblob = NULL;
    char at[32];
    sqlite3_bind_int64(st, 1, crawl_id);
    storage_bind_text(st, 2, ev->url);
    if (ev->status > 0)
        sqlite3_bind_int(st, 3, ev->status);
    if (ev->fetched_at) {
        sc_time_format(ev->fetched_at, at);
        storage_bind_text(st, 4, at);
    }
    int rc = bind_compressed(db, st, 5, ev->headers, ev->headers_len, &hblob, err, "headers");
    if (rc == SC_OK)
        rc = bind_compressed(db, st, 6, ev->body, ev->body_len, &bblob, err, "body");
    if (rc == SC_OK) {
        sqlite3_bind_int64(st, 7, ev->body ? (sqlite3_int64)ev->body_len : 0);
        sqlite3_bind_int(st, 8, ev->body && ev->body_truncated);
        storage_bind_text(st, 9, ev->body && ev->body_sha256[0] ? ev->body_sha256 : NULL);
        rc = storage_exec_stmt(db, st, err, "storing the homepage's evidence");
    }
    sqlite3_clear_bindings(st); /* the blobs are bound SQLITE_STATIC: let go before freeing */
    sqlite3_reset(st);
    free(hblob);
    free(bblob);
    return rc;
}

/* ---- loading ---- */

static time_t moment_of(const char *text)
{
    char head[20];
    time_t t = 0;
    if (!text || strlen(text) < 19)
        return 0;
    memcpy(head, text, 19); /* "YYYY-MM-DDTHH:MM:SS"; the offset is always the province's */
    head[19] = '\0';
    if (sc_time_parse(head, &t) < 0)
        return 0;
    return t;
}

/* Inflates column col of st into *out (NULL when the column is NULL). */
static int load_blob(sqlite3_stmt *st, int col, size_t expect, size_t max, char **out, size_t *len,
                     long crawl_id, const char *what, struct sc_error *err)
{
    *out = NULL;
    *len = 0;
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return SC_OK;
    const void *blob = sqlite3_column_blob(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    struct sc_error why = {{0}};
    int rc = storage_evidence_uncompress(blob, n, expect, max, out, len, &why);
    if (rc < 0)
        return sc_fail(err, rc, "crawl %ld: the stored homepage's %s is corrupt: %s", crawl_id,
                       what, why.msg);
    return SC_OK;
}

int storage_evidence_load(struct storage *db, long crawl_id, struct crawl_evidence *out,
                          struct sc_error *err)
{
    crawl_evidence_init(out);
    sqlite3_stmt *st = storage_stmt(db, SQL_SELECT, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW) {
        sqlite3_reset(st);
        if (step == SQLITE_DONE)
            return sc_fail(err, SC_ENOTFOUND, "no homepage evidence stored for crawl %ld",
                           crawl_id);
        return storage_fail(db, err, "loading a crawl's evidence");
    }
    int rc = SC_OK;
    const char *enc = (const char *)sqlite3_column_text(st, 3);
    sqlite3_int64 bytes = sqlite3_column_int64(st, 6);
    const char *sha = (const char *)sqlite3_column_text(st, 8);
    out->url = storage_column_dup(st, 0, 0);
    out->status = sqlite3_column_type(st, 1) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 1);
    out->fetched_at = moment_of((const char *)sqlite3_column_text(st, 2));
    out->body_truncated = sqlite3_column_int(st, 7) != 0;
    if (!out->url)
        rc = sc_fail(err, SC_ENOMEM, "out of memory loading crawl %ld's evidence", crawl_id);
    else if (!enc || strcmp(enc, "zlib") != 0)
        rc = sc_fail(err, SC_ERUNTIME,
                     "crawl %ld: the homepage is stored in encoding '%s', which "
                     "this build does not read",
                     crawl_id, enc ? enc : "");
    else if (bytes < 0 || (sqlite3_uint64)bytes > EVIDENCE_LOAD_MAX)
        rc = sc_fail(err, SC_ERUNTIME,
                     "crawl %ld: the stored homepage's body claims %lld bytes, "
                     "more than the %zu accepted",
                     crawl_id, (long long)bytes, EVIDENCE_LOAD_MAX);
    else if (sqlite3_column_type(st, 5) == SQLITE_NULL && bytes > 0)
        rc =
            sc_fail(err, SC_ERUNTIME, "crawl %ld: the stored homepage's body is missing", crawl_id);
    if (rc == SC_OK)
        rc = load_blob(st, 4, SIZE_MAX, EVIDENCE_HEADERS_LOAD_MAX, &out->headers, &out->headers_len,
                       crawl_id, "header block", err);
    if (rc == SC_OK)
        rc = load_blob(st, 5, (size_t)bytes, EVIDENCE_LOAD_MAX, &out->body, &out->body_len,
                       crawl_id, "body", err);
    if (rc == SC_OK && out->body) {
        char hex[65];
        rc = sc_sha256_hex(out->body, out->body_len, hex);
        if (rc < 0)
            sc_fail(err, rc, "crawl %ld: cannot hash the stored homepage", crawl_id);
        else if (!sha || strcmp(sha, hex) != 0)
            rc = sc_fail(err, SC_ERUNTIME,
                         "crawl %ld: the stored homepage's body does not match "
                         "its SHA-256 (stored %s, computed %s)",
                         crawl_id, sha ? sha : "none", hex);
        else
            memcpy(out->body_sha256, hex, sizeof hex);
    }
    sqlite3_reset(st);
    if (rc < 0)
        crawl_evidence_free(out);
    return rc;
}

/* ---- failing probes ---- */

static double real_or(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? -1.0 : sqlite3_column_double(st, col);
}

static int int_or(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? -1 : sqlite3_column_int(st, col);
}

int storage_probe_failures_each(struct storage *db, long round_id, const char *site_code,
                                int (*cb)(const struct probe_failure *p, void *ud), void *ud,
                                struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_FAILURES, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, round_id);
    storage_bind_text(st, 2, site_code);
    int rc = storage_binds_ok(db, err);
    if (rc < 0)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        struct probe_failure p = {
            .id = (long)sqlite3_column_int64(st, 0),
            .probed_at = (const char *)sqlite3_column_text(st, 1),
            .status = int_or(st, 2),
            .error = (const char *)sqlite3_column_text(st, 3),
            .day = int_or(st, 4),
            .slot = int_or(st, 5),
            .attempt = int_or(st, 6),
            .conclusive =
                sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 7) != 0,
            .inconclusive_reason = (const char *)sqlite3_column_text(st, 8),
            .url = (const char *)sqlite3_column_text(st, 9),
            .final_url = (const char *)sqlite3_column_text(st, 10),
            .redirects = int_or(st, 11),
            .dns_ms = real_or(st, 12),
            .connect_ms = real_or(st, 13),
            .tls_ms = real_or(st, 14),
            .first_byte_ms = real_or(st, 15),
            .total_ms = real_or(st, 16),
            .bytes = sqlite3_column_type(st, 17) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 17),
            .ip = (const char *)sqlite3_column_text(st, 18),
            .sha256 = (const char *)sqlite3_column_text(st, 19),
        };
        int r = cb(&p, ud);
        if (r) {
            sqlite3_reset(st);
            return r;
        }
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? SC_OK : storage_fail(db, err, "listing a site's failing probes");
}

int storage_round_find(struct storage *db, const char *quarter, int number, long *round_id,
                       struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_ROUND_FIND, err);
    if (!st)
        return SC_ERUNTIME;
    storage_bind_text(st, 1, quarter);
    sqlite3_bind_int(st, 2, number);
    int rc = storage_binds_ok(db, err);
    if (rc < 0)
        return rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *round_id = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (step == SQLITE_ROW)
        return SC_OK;
    if (step != SQLITE_DONE)
        return storage_fail(db, err, "finding a round");
    return sc_fail(err, SC_ENOTFOUND, "no round %d of %s is stored", number, quarter);
}

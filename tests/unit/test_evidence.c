/* test_evidence: the evidence behind a verdict (docs/evidence.md): fetch's header block
 * (the final response's, bounded, none for requests that keep no body), the homepage as
 * crawled kept by content_run's opt-in (raw bytes, cut at the bound, hashed), zlib storage
 * (roundtrip of text, binary and GBK bodies; corrupt, short and oversized blobs refused),
 * evidence stored in the crawl's own transaction (a failing save keeps none, a replaced
 * crawl's goes by cascade), a site's failing availability probes, and
 * `spotcheck evidence` on a database prepared here. */
#include "testutil.h"
#include "crawl_httpd.h"
#include "common/registry.h"
#include "common/sha256.h"
#include "common/strbuf.h"
#include "probes/content/content_run.h"
#include "probes/net/fetch.h"
#include "probes/verdict/evidence.h"
#include "storage/crawls.h"
#include "storage/db.h"
#include "storage/evidence.h"
#include "storage/sites.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* "政府网站" in GBK, and a page declaring it */
#define GBK_WORDS "\xd5\xfe\xb8\xae\xcd\xf8\xd5\xbe"
#define GBK_PAGE                                                                                   \
    "<html><head><meta charset=\"gbk\"><title>" GBK_WORDS "</title></head><body><p>" GBK_WORDS     \
    "</p></body></html>"

/* ---- the loopback server ---- */

static struct httpd *srv;
static char map_a[128], map_b[128];
static char *maps[] = {map_a, map_b};

static void handler(const char *method, const char *host, const char *path, int count,
                    struct httpd_response *r)
{
    (void)method;
    (void)count;
    if (strcmp(host, "www.b.gov.cn") == 0 && strcmp(path, "/") == 0) {
        r->status = 503;
        strbuf_adds(&r->headers, "X-Down: for-maintenance\r\n");
        strbuf_adds(&r->body, "down");
    } else if (strcmp(path, "/") == 0 || strcmp(path, "/home") == 0) {
        strbuf_adds(&r->headers, "Content-Type: text/html; charset=gbk\r\nX-Evidence: kept\r\n");
        strbuf_adds(&r->body, GBK_PAGE);
    } else if (strcmp(path, "/start") == 0) {
        r->status = 302;
        strbuf_adds(&r->headers, "Location: /home\r\nX-Hop: first\r\n");
    } else if (strcmp(path, "/manyheaders") == 0) {
        for (int i = 0; i < 1000; i++) /* ~100 KiB of headers: more than kept */
            strbuf_addf(&r->headers, "X-Filler-%04d: %080d\r\n", i, i);
        httpd_html(r, "ok");
    } else {
        r->status = 404;
        httpd_html(r, "no such page");
    }
}

static int group_setup(void **state)
{
    (void)state;
    srv = httpd_start(handler);
    snprintf(map_a, sizeof map_a, "www.a.gov.cn:80:127.0.0.1:%d", srv->port);
    snprintf(map_b, sizeof map_b, "www.b.gov.cn:80:127.0.0.1:%d", srv->port);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    httpd_stop(srv);
    return 0;
}

/* ---- fetch: the header block ---- */

struct got {
    int done, status;
    char *headers;
    size_t headers_len;
    int headers_truncated;
    int body_kept;
};

static void on_done(struct fetch_result *res, void *user)
{
    struct got *g = user;
    g->done++;
    g->status = res->status;
    g->headers = res->headers; /* taken */
    res->headers = NULL;
    g->headers_len = res->headers_len;
    g->headers_truncated = res->headers_truncated;
    g->body_kept = res->body != NULL;
}

static void fetch_all(const char *const *urls, const int *keep, size_t n, struct got *g)
{
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct fetch_options o;
    fetch_options_default(&o);
    o.connect_to = maps;
    o.nconnect_to = 2;
    o.no_dns = 1;
    o.delay_ms = 0;
    o.max_retries = 0;
    struct fetch_engine *e = NULL;
    struct sc_error err;
    assert_int_equal(fetch_engine_new(&loop, &o, &e, &err), 0);
    for (size_t i = 0; i < n; i++) {
        memset(&g[i], 0, sizeof g[i]);
        struct fetch_request req = {urls[i], FETCH_GET, keep[i]};
        assert_int_equal(fetch_submit(e, &req, on_done, &g[i]), 0);
    }
    while (fetch_pending(e) > 0)
        uv_run(&loop, UV_RUN_ONCE);
    fetch_engine_close(e, NULL, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(g[i].done, 1);
}

static int ends_with_blank(const struct got *g)
{
    return g->headers_len >= 4 && memcmp(g->headers + g->headers_len - 4, "\r\n\r\n", 4) == 0;
}

static void fetch_keeps_final_headers(void **state)
{
    (void)state;
    const char *urls[] = {"http://www.a.gov.cn/home", "http://www.a.gov.cn/start",
                          "http://www.a.gov.cn/home", "http://www.b.gov.cn/",
                          "http://www.a.gov.cn/manyheaders"};
    int keep[] = {1, 1, 0, 1, 1};
    struct got g[5];
    fetch_all(urls, keep, 5, g);
    /* the block as received: status line first, the blank line last */
    assert_non_null(g[0].headers);
    assert_int_equal(strlen(g[0].headers), g[0].headers_len);
    assert_memory_equal(g[0].headers, "HTTP/1.1 200 X\r\n", 16);
    assert_non_null(strstr(g[0].headers, "\r\nX-Evidence: kept\r\n"));
    assert_true(ends_with_blank(&g[0]));
    assert_false(g[0].headers_truncated);
    /* after a redirect: the final response's, not the hop's */
    assert_int_equal(g[1].status, 200);
    assert_non_null(g[1].headers);
    assert_non_null(strstr(g[1].headers, "X-Evidence: kept"));
    assert_null(strstr(g[1].headers, "X-Hop"));
    assert_null(strstr(g[1].headers, "302"));
    /* a request that keeps no body keeps no headers */
    assert_null(g[2].headers);
    assert_int_equal(g[2].headers_len, 0);
    /* an error status still shows what the server said */
    assert_int_equal(g[3].status, 503);
    assert_non_null(g[3].headers);
    assert_non_null(strstr(g[3].headers, "X-Down: for-maintenance"));
    assert_false(g[3].body_kept);
    /* bounded: whole lines up to FETCH_HEADERS_MAX, the rest dropped and said so */
    assert_int_equal(g[4].status, 200);
    assert_true(g[4].body_kept);
    assert_true(g[4].headers_truncated);
    assert_true(g[4].headers_len <= FETCH_HEADERS_MAX);
    assert_true(g[4].headers_len > FETCH_HEADERS_MAX - 200);
    assert_int_equal(g[4].headers[g[4].headers_len - 1], '\n');
    assert_false(ends_with_blank(&g[4]));
    assert_int_equal(httpd_requests(srv, "GET", "www.a.gov.cn", "/manyheaders"), 1);
    for (int i = 0; i < 5; i++)
        free(g[i].headers);
}

/* ---- content_run: the homepage as crawled ---- */

static void crawl_with(int keep, size_t max, struct content_run *run, struct site_report *r,
                       const char *const *urls, size_t n)
{
    struct crawl_options o;
    crawl_options_default(&o);
    o.fetch.connect_to = maps;
    o.fetch.nconnect_to = 2;
    o.fetch.no_dns = 1;
    o.fetch.delay_ms = 0;
    o.fetch.per_host = 4;
    o.fetch.retry_base_ms = 20;
    struct crawl_hooks hooks;
    assert_int_equal(content_run_init(run, urls, n, r, 20400, NULL, &hooks), 0);
    run->keep_evidence = keep;
    run->evidence_max = max;
    struct sc_error err;
    assert_int_equal(crawl_run(urls, n, &o, &hooks, r, &err), 0);
}

static void content_run_keeps_homepage(void **state)
{
    (void)state;
    const char *urls[] = {"http://www.a.gov.cn/start", "http://www.b.gov.cn/"};
    struct site_report r[2];
    struct content_run run;
    crawl_with(1, 0, &run, r, urls, 2);
    const struct crawl_evidence *a = content_run_evidence(&run, 0);
    assert_non_null(a);
    assert_string_equal(a->url, "http://www.a.gov.cn/home"); /* the final URL */
    assert_int_equal(a->status, 200);
    assert_true(a->fetched_at > 0);
    assert_non_null(a->headers);
    assert_non_null(strstr(a->headers, "X-Evidence: kept"));
    /* the raw GBK bytes, not the UTF-8 the probes saw */
    assert_int_equal(a->body_len, strlen(GBK_PAGE));
    assert_memory_equal(a->body, GBK_PAGE, a->body_len);
    assert_false(a->body_truncated);
    char hex[65];
    assert_int_equal(sc_sha256_hex(GBK_PAGE, strlen(GBK_PAGE), hex), 0);
    assert_string_equal(a->body_sha256, hex);
    /* a homepage that failed: status and headers, no body */
    const struct crawl_evidence *b = content_run_evidence(&run, 1);
    assert_non_null(b);
    assert_int_equal(b->status, 503);
    assert_non_null(strstr(b->headers, "X-Down"));
    assert_null(b->body);
    assert_string_equal(b->body_sha256, "");
    assert_null(content_run_evidence(&run, 2));
    content_run_release(&run);
    for (int i = 0; i < 2; i++)
        site_report_free(&r[i]);

    /* the bound: the kept part, flagged, hashed as kept */
    crawl_with(1, 10, &run, r, urls, 1);
    a = content_run_evidence(&run, 0);
    assert_non_null(a);
    assert_int_equal(a->body_len, 10);
    assert_true(a->body_truncated);
    assert_memory_equal(a->body, GBK_PAGE, 10);
    assert_int_equal(sc_sha256_hex(GBK_PAGE, 10, hex), 0);
    assert_string_equal(a->body_sha256, hex);
    content_run_release(&run);
    site_report_free(&r[0]);

    /* off by default: `check` keeps nothing */
    crawl_with(0, 0, &run, r, urls, 1);
    assert_null(content_run_evidence(&run, 0));
    assert_null(run.evidence);
    assert_true(r[0].reachable);
    content_run_release(&run);
    site_report_free(&r[0]);
}

static void capture_bounds(void **state)
{
    (void)state;
    struct crawl_evidence ev;
    crawl_evidence_init(&ev);
    char big[3000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7);
    assert_int_equal(
        crawl_evidence_capture(&ev, "http://x/", 200, 5, "H", 1, big, sizeof big, 1000), 0);
    assert_int_equal(ev.body_len, 1000);
    assert_true(ev.body_truncated);
    char hex[65];
    sc_sha256_hex(big, 1000, hex);
    assert_string_equal(ev.body_sha256, hex);
    /* exactly at the bound: whole */
    assert_int_equal(crawl_evidence_capture(&ev, "http://x/", 200, 5, NULL, 0, big, 1000, 1000), 0);
    assert_false(ev.body_truncated);
    assert_null(ev.headers);
    /* the default bound */
    assert_int_equal(crawl_evidence_capture(&ev, "http://x/", 200, 5, NULL, 0, big, 10, 0), 0);
    assert_int_equal(ev.body_len, 10);
    assert_int_equal(crawl_evidence_capture(&ev, NULL, 200, 5, NULL, 0, big, 10, 0), SC_EINPUT);
    assert_null(ev.url);
    crawl_evidence_free(&ev);
}

/* ---- compression ---- */

static void roundtrip(const char *data, size_t n)
{
    unsigned char *blob;
    size_t blen;
    assert_int_equal(storage_evidence_compress(data, n, &blob, &blen), 0);
    char *back;
    size_t len;
    struct sc_error err;
    assert_int_equal(storage_evidence_uncompress(blob, blen, n, n, &back, &len, &err), 0);
    assert_int_equal(len, n);
    if (n)
        assert_memory_equal(back, data, n);
    assert_int_equal(back[n], '\0');
    free(back);
    assert_int_equal(storage_evidence_uncompress(blob, blen, SIZE_MAX, n + 5, &back, &len, &err),
                     0);
    assert_int_equal(len, n);
    free(back);
    free(blob);
}

static void compression_roundtrip(void **state)
{
    (void)state;
    roundtrip(GBK_PAGE, strlen(GBK_PAGE));
    roundtrip("", 0);
    char bin[70000];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof bin; i++) {
        x = x * 1103515245u + 12345u;
        bin[i] = (char)(x >> 24); /* NULs and every byte value */
    }
    bin[0] = '\0';
    roundtrip(bin, sizeof bin);
    struct strbuf big = STRBUF_INIT;
    for (int i = 0; i < 50000; i++)
        strbuf_adds(&big, "<li>" GBK_WORDS "</li>\n");
    roundtrip(big.buf, big.len);
    strbuf_release(&big);
}

static void corrupt_blobs_refused(void **state)
{
    (void)state;
    const char *text = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n";
    size_t n = strlen(text);
    unsigned char *blob;
    size_t blen;
    assert_int_equal(storage_evidence_compress(text, n, &blob, &blen), 0);
    char *out = (char *)1;
    size_t len;
    struct sc_error err;
    /* longer than accepted: refused without allocating more than the bound */
    assert_int_equal(storage_evidence_uncompress(blob, blen, SIZE_MAX, n - 1, &out, &len, &err),
                     SC_ERUNTIME);
    assert_null(out);
    assert_non_null(strstr(err.msg, "more than"));
    /* not the length stored */
    assert_int_equal(storage_evidence_uncompress(blob, blen, n + 1, n + 1, &out, &len, &err),
                     SC_ERUNTIME);
    assert_int_equal(storage_evidence_uncompress(blob, blen, n - 1, n, &out, &len, &err),
                     SC_ERUNTIME);
    /* a claimed length beyond the bound is refused before anything is allocated */
    assert_int_equal(storage_evidence_uncompress(blob, blen, 1000, 10, &out, &len, &err),
                     SC_ERUNTIME);
    /* cut short */
    assert_int_equal(storage_evidence_uncompress(blob, blen - 3, n, n, &out, &len, &err),
                     SC_ERUNTIME);
    /* damaged (the checksum catches it) and not zlib at all */
    blob[blen / 2] ^= 0x55;
    assert_int_equal(storage_evidence_uncompress(blob, blen, n, n, &out, &len, &err), SC_ERUNTIME);
    assert_int_equal(storage_evidence_uncompress("garbage!", 8, SIZE_MAX, 100, &out, &len, &err),
                     SC_ERUNTIME);
    assert_int_equal(storage_evidence_uncompress(NULL, 0, SIZE_MAX, 100, &out, &len, &err),
                     SC_ERUNTIME);
    /* a bomb: 8 MiB of zeros claimed as 8 MiB but accepted only up to 1 MiB */
    size_t zn = 8u << 20;
    char *zeros = calloc(1, zn);
    free(blob);
    assert_int_equal(storage_evidence_compress(zeros, zn, &blob, &blen), 0);
    free(zeros);
    assert_int_equal(storage_evidence_uncompress(blob, blen, SIZE_MAX, 1u << 20, &out, &len, &err),
                     SC_ERUNTIME);
    assert_null(out);
    free(blob);
}

/* ---- storage ---- */

#define SITES                                                                                                                      \
    "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话," \
    "电子邮箱\n"                                                                                                               \
    "4300000001,甲,http://www.a.gov.cn/,,,,,正常运行,,,\n"                                                                    \
    "4300000002,乙,http://www.b.gov.cn/,,,,,正常运行,,,\n"

struct fixture {
    char *dir;
    char path[512];
    struct storage *db;
};

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 5000);
    char *msg = NULL;
    int rc = sqlite3_exec(raw, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "%s: %s\n", sql, msg);
    sqlite3_free(msg);
    sqlite3_close(raw);
    assert_int_equal(rc, SQLITE_OK);
}

static long raw_long(const char *path, const char *sql)
{
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return v;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct sc_error err = {{0}};
    f->dir = test_tmpdir();
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    assert_int_equal(storage_open(f->path, &f->db, &err), SC_OK);
    struct registry reg;
    struct import_summary sum;
    assert_int_equal(registry_parse(SITES, strlen(SITES), &reg, &err), SC_OK);
    assert_int_equal(storage_registry_apply(f->db, &reg, "test.csv", &sum, &err), SC_OK);
    registry_free(&reg);
    raw_exec(f->path, "INSERT INTO rounds(id, quarter, number, draw_date, window_start, window_end)"
                      " VALUES(11, '2026Q4', 1, '2026-10-01', '2026-10-01', '2026-11-11'),"
                      " (12, '2026Q4', 2, '2026-11-12', '2026-11-12', '2026-12-20')");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    storage_close(f->db);
    test_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* A failed report with one veto defect. */
static void failed_report(struct site_report *r)
{
    site_report_init(r, "http://www.a.gov.cn/");
    r->reachable = 1;
    r->judged = 1;
    r->score = 0;
    r->verdict_pass = 0;
    struct defect_record *d = site_report_add_defect(r);
    d->kind = strdup("homepage_stale");
    d->severity = SEVERITY_VETO;
    d->url = strdup("http://www.a.gov.cn/home");
    d->detail = strdup("no update for 30 days");
}

static void gbk_evidence(struct crawl_evidence *ev)
{
    crawl_evidence_init(ev);
    const char *h = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=gbk\r\nX-Evidence: "
                    "kept\r\n\r\n";
    assert_int_equal(crawl_evidence_capture(ev, "http://www.a.gov.cn/home", 200, 1791500000, h,
                                            strlen(h), GBK_PAGE, strlen(GBK_PAGE), 0),
                     0);
}

static void storage_roundtrip_and_transaction(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    struct site_report r;
    failed_report(&r);
    struct crawl_evidence ev, back;
    gbk_evidence(&ev);
    long id = 0;
    assert_int_equal(storage_crawl_save_evidence(f->db, 11, "4300000001", 1791500000, 1791500100,
                                                 &r, NULL, &ev, &id, &err),
                     0);
    assert_int_equal(storage_evidence_load(f->db, id, &back, &err), 0);
    assert_string_equal(back.url, ev.url);
    assert_int_equal(back.status, 200);
    assert_int_equal(back.fetched_at, ev.fetched_at);
    assert_int_equal(back.headers_len, ev.headers_len);
    assert_memory_equal(back.headers, ev.headers, ev.headers_len);
    assert_int_equal(back.body_len, ev.body_len);
    assert_memory_equal(back.body, ev.body, ev.body_len);
    assert_false(back.body_truncated);
    assert_string_equal(back.body_sha256, ev.body_sha256);
    crawl_evidence_free(&back);
    /* compressed in the database: the blob is not the page */
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM crawl_evidence WHERE encoding='zlib'"
                                       " AND body IS NOT NULL AND instr(body, 'html')=0"),
                     1);

    /* the old function stores none */
    long id2 = 0;
    assert_int_equal(
        storage_crawl_save(f->db, 11, "4300000002", 1791500000, 0, &r, NULL, &id2, &err), 0);
    assert_int_equal(storage_evidence_load(f->db, id2, &back, &err), SC_ENOTFOUND);

    /* a save failing after the crawl's rows (a defect with no kind) keeps no evidence */
    struct site_report bad;
    failed_report(&bad);
    free(bad.defects[0].kind);
    bad.defects[0].kind = NULL;
    assert_int_equal(storage_crawl_save_evidence(f->db, 12, "4300000001", 1791500000, 0, &bad, NULL,
                                                 &ev, NULL, &err),
                     SC_ERUNTIME);
    site_report_free(&bad);
    /* evidence that cannot be stored fails the crawl's save too: one transaction */
    struct crawl_evidence nourl = ev;
    nourl.url = NULL;
    assert_true(storage_crawl_save_evidence(f->db, 12, "4300000001", 1791500000, 0, &r, NULL,
                                            &nourl, NULL, &err) < 0);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM crawls WHERE round_id=12"), 0);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM crawl_evidence"), 1);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM defects"), 2);

    /* a replaced crawl's evidence goes with it (cascade); the new one's is its own */
    long id3 = 0;
    assert_int_equal(
        storage_crawl_save(f->db, 11, "4300000001", 1791500000, 0, &r, NULL, &id3, &err), 0);
    assert_true(id3 != id);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM crawl_evidence"), 0);
    assert_int_equal(storage_crawl_save_evidence(f->db, 11, "4300000001", 1791500000, 0, &r, NULL,
                                                 &ev, &id, &err),
                     0);
    assert_int_equal(raw_long(f->path, "SELECT count(*) FROM crawl_evidence"), 1);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM crawl_evidence WHERE crawl_id=%ld", id);
    assert_int_equal(raw_long(f->path, sql), 1);

    /* a homepage that never answered: no headers, no body */
    struct crawl_evidence none;
    crawl_evidence_init(&none);
    assert_int_equal(
        crawl_evidence_capture(&none, "http://www.b.gov.cn/", 0, 0, NULL, 0, NULL, 0, 0), 0);
    assert_int_equal(storage_crawl_save_evidence(f->db, 12, "4300000002", 1791500000, 0, &r, NULL,
                                                 &none, &id2, &err),
                     0);
    assert_int_equal(storage_evidence_load(f->db, id2, &back, &err), 0);
    assert_int_equal(back.status, 0);
    assert_null(back.headers);
    assert_null(back.body);
    assert_int_equal(back.fetched_at, 0);
    crawl_evidence_free(&back);
    crawl_evidence_free(&none);
    crawl_evidence_free(&ev);
    site_report_free(&r);
}

static void expect_corrupt(struct fixture *f, long id, const char *sql, const char *why)
{
    struct crawl_evidence ev;
    struct sc_error err = {{0}};
    raw_exec(f->path, sql);
    assert_int_equal(storage_evidence_load(f->db, id, &ev, &err), SC_ERUNTIME);
    assert_null(ev.body);
    assert_null(ev.url);
    if (!strstr(err.msg, why))
        fail_msg("expected '%s' in: %s", why, err.msg);
}

static void storage_refuses_corrupt_rows(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    struct site_report r;
    failed_report(&r);
    struct crawl_evidence ev;
    gbk_evidence(&ev);
    long id = 0;
    assert_int_equal(storage_crawl_save_evidence(f->db, 11, "4300000001", 1791500000, 0, &r, NULL,
                                                 &ev, &id, &err),
                     0);
    raw_exec(f->path, "CREATE TABLE keep AS SELECT * FROM crawl_evidence");
    const char *restore =
        "DELETE FROM crawl_evidence; INSERT INTO crawl_evidence SELECT * FROM keep";
    expect_corrupt(f, id, "UPDATE crawl_evidence SET body=x'789c0011223344'", "body is corrupt");
    raw_exec(f->path, restore);
    expect_corrupt(f, id, "UPDATE crawl_evidence SET body=substr(body, 1, length(body) - 6)",
                   "body is corrupt");
    raw_exec(f->path, restore);
    expect_corrupt(f, id, "UPDATE crawl_evidence SET headers=x'00'", "header block is corrupt");
    raw_exec(f->path, restore);
    expect_corrupt(f, id, "UPDATE crawl_evidence SET body_bytes=body_bytes+1", "body is corrupt");
    raw_exec(f->path, restore);
    expect_corrupt(f, id, "UPDATE crawl_evidence SET body_bytes=1000000000000", "claims");
    raw_exec(f->path, restore);
    expect_corrupt(f, id, "UPDATE crawl_evidence SET body_sha256='00'", "SHA-256");
    raw_exec(f->path, restore);
    expect_corrupt(f, id, "UPDATE crawl_evidence SET encoding='lz4'", "encoding");
    raw_exec(f->path, restore);
    expect_corrupt(f, id, "UPDATE crawl_evidence SET body=NULL", "missing");
    raw_exec(f->path, restore);
    struct crawl_evidence back;
    assert_int_equal(storage_evidence_load(f->db, id, &back, &err), 0); /* restored: fine */
    crawl_evidence_free(&back);
    crawl_evidence_free(&ev);
    site_report_free(&r);
}

static int collect_probe(const struct probe_failure *p, void *ud)
{
    struct strbuf *sb = ud;
    strbuf_addf(sb, "%s|%d|%s|%d|%s|%.1f|%.1f|%lld;", p->probed_at, p->status,
                p->error ? p->error : "-", p->conclusive,
                p->inconclusive_reason ? p->inconclusive_reason : "-", p->dns_ms, p->total_ms,
                p->bytes);
    return 0;
}

static const char PROBES[] =
    "INSERT INTO availability_probes(round_id, site_code, probed_at, ok, status, error, day, slot,"
    " attempt, conclusive, inconclusive_reason, url, final_url, redirects, dns_ms, connect_ms,"
    " tls_ms, first_byte_ms, total_ms, bytes, ip, sha256) VALUES"
    " (11,'4300000001','2026-10-12T10:00:00+08:00',0,503,'http_status',1,4,0,1,NULL,"
    "  "
    "'http://www.a.gov.cn/','http://www.a.gov.cn/home',1,1.5,2.5,NULL,30.0,31.0,4,'1.2.3.4',NULL),"
    " (11,'4300000001','2026-10-12T09:00:00+08:00',0,NULL,'timeout',1,3,0,0,'monitor_down',"
    "  'http://www.a.gov.cn/',NULL,0,NULL,NULL,NULL,NULL,30000,NULL,NULL,NULL),"
    " (11,'4300000001','2026-10-12T11:00:00+08:00',1,200,NULL,1,5,0,1,NULL,"
    "  'http://www.a.gov.cn/',NULL,0,1,1,NULL,2,3,100,NULL,NULL),"
    " (12,'4300000001','2026-11-12T11:00:00+08:00',0,500,'http_status',1,5,0,1,NULL,"
    "  'http://www.a.gov.cn/',NULL,0,1,1,NULL,2,3,100,NULL,NULL),"
    " (11,'4300000002','2026-10-12T11:00:00+08:00',0,500,'http_status',1,5,0,NULL,NULL,"
    "  'http://www.b.gov.cn/',NULL,0,1,1,NULL,2,3,100,NULL,NULL)";

static void failing_probes_listed(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    raw_exec(f->path, PROBES);
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(storage_probe_failures_each(f->db, 11, "4300000001", collect_probe, &sb, &err),
                     0);
    assert_string_equal(sb.buf,
                        "2026-10-12T09:00:00+08:00|-1|timeout|0|monitor_down|-1.0|30000.0|-1;"
                        "2026-10-12T10:00:00+08:00|503|http_status|1|-|1.5|31.0|4;");
    strbuf_reset(&sb);
    assert_int_equal(storage_probe_failures_each(f->db, 11, "4300000002", collect_probe, &sb, &err),
                     0);
    assert_non_null(strstr(sb.buf, "|-1|-|")); /* conclusive NULL: the slot is open */
    strbuf_reset(&sb);
    assert_int_equal(storage_probe_failures_each(f->db, 12, "4300000002", collect_probe, &sb, &err),
                     0);
    assert_string_equal(sb.buf, "");
    strbuf_release(&sb);
    long rid = 0;
    assert_int_equal(storage_round_find(f->db, "2026Q4", 2, &rid, &err), 0);
    assert_int_equal(rid, 12);
    assert_int_equal(storage_round_find(f->db, "2026Q4", 3, &rid, &err), SC_ENOTFOUND);
}

/* ---- the command ---- */

static void cli_shows_evidence(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    struct site_report r;
    failed_report(&r);
    struct crawl_evidence ev;
    gbk_evidence(&ev);
    long id = 0;
    assert_int_equal(storage_crawl_save_evidence(f->db, 11, "4300000001", 1791500000, 1791500100,
                                                 &r, NULL, &ev, &id, &err),
                     0);
    assert_int_equal(
        storage_crawl_save(f->db, 11, "4300000002", 1791500000, 0, &r, NULL, NULL, &err), 0);
    raw_exec(f->path, PROBES);
    const char *bin = test_bin();
    char *out = NULL;

    int st = test_run(&out, "%s --db %s evidence 2026Q4 1 4300000001", bin, f->path);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "http://www.a.gov.cn/home"));
    assert_non_null(strstr(out, "status:  200"));
    assert_non_null(strstr(out, "    X-Evidence: kept\n"));
    assert_non_null(strstr(out, ev.body_sha256));
    assert_non_null(strstr(out, "(the whole page)"));
    assert_non_null(strstr(out, "veto homepage_stale"));
    assert_non_null(strstr(out, "inconclusive (monitor_down)"));
    assert_non_null(strstr(out, "status 503"));
    assert_non_null(strstr(out, "first byte 30.0 ms"));
    assert_null(strstr(out, "2026-10-12T11:00")); /* the probe that passed is not evidence */
    free(out);

    st = test_run(&out, "%s --db %s evidence 2026Q4 1 4300000001 --format json", bin, f->path);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "\"body_sha256\": \""));
    assert_non_null(strstr(out, "\"failing_probes\": ["));
    assert_non_null(strstr(out, "\"conclusive\": false"));
    assert_non_null(strstr(out, "\"kind\": \"homepage_stale\""));
    free(out);

    /* --body: the bytes as received, byte for byte */
    char body_path[600];
    snprintf(body_path, sizeof body_path, "%s/home.html", f->dir);
    st = test_run(&out, "%s --db %s evidence 2026Q4 1 4300000001 --body %s", bin, f->path,
                  body_path);
    free(out);
    assert_int_equal(st, 0);
    size_t len;
    char *body = test_read_file(body_path, &len);
    assert_non_null(body);
    assert_int_equal(len, strlen(GBK_PAGE));
    assert_memory_equal(body, GBK_PAGE, len);
    free(body);

    /* a crawl without evidence: said so; --body has nothing to write */
    st = test_run(&out, "%s --db %s evidence 2026Q4 1 4300000002", bin, f->path);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "no evidence stored"));
    free(out);
    st = test_run(&out, "%s --db %s evidence 2026Q4 1 4300000002 --body %s.2 2>/dev/null", bin,
                  f->path, body_path);
    free(out);
    assert_int_equal(st, 2);

    /* unknown round, unknown site, bad usage */
    st = test_run(&out, "%s --db %s evidence 2026Q4 3 4300000001 2>/dev/null", bin, f->path);
    free(out);
    assert_int_equal(st, 2);
    st = test_run(&out, "%s --db %s evidence 2026Q4 2 4300000001 2>/dev/null", bin, f->path);
    free(out);
    assert_int_equal(st, 2);
    st = test_run(&out, "%s --db %s evidence 2026Q4 1 9999999999 2>/dev/null", bin, f->path);
    free(out);
    assert_int_equal(st, 2);
    st = test_run(&out, "%s --db %s evidence 2026Q4 1 2>/dev/null", bin, f->path);
    free(out);
    assert_int_equal(st, 2);
    st = test_run(&out, "%s evidence --help", bin);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "usage: spotcheck evidence QUARTER ROUND CODE"));
    free(out);

    /* a corrupt blob: the rest is shown, the error said, exit 3, no crash */
    raw_exec(f->path, "UPDATE crawl_evidence SET body=x'789c00112233445566'");
    st = test_run(&out, "%s --db %s evidence 2026Q4 1 4300000001 2>/dev/null", bin, f->path);
    assert_int_equal(st, 3);
    assert_non_null(strstr(out, "cannot be read"));
    assert_non_null(strstr(out, "status 503"));
    free(out);
    st = test_run(&out, "%s --db %s evidence 2026Q4 1 4300000001 --body %s.3 2>/dev/null", bin,
                  f->path, body_path);
    free(out);
    assert_int_equal(st, 3);
    char p3[700];
    snprintf(p3, sizeof p3, "%s.3", body_path);
    assert_null(test_read_file(p3, &len));
    crawl_evidence_free(&ev);
    site_report_free(&r);
}

int main(void)
{
    const struct CMUnitTest net[] = {
        cmocka_unit_test(fetch_keeps_final_headers),
        cmocka_unit_test(content_run_keeps_homepage),
    };
    const struct CMUnitTest local[] = {
        cmocka_unit_test(capture_bounds),
        cmocka_unit_test(compression_roundtrip),
        cmocka_unit_test(corrupt_blobs_refused),
        cmocka_unit_test_setup_teardown(storage_roundtrip_and_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(storage_refuses_corrupt_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(failing_probes_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(cli_shows_evidence, setup, teardown),
    };
    int failed = cmocka_run_group_tests(net, group_setup, group_teardown);
    return failed + cmocka_run_group_tests(local, NULL, NULL);
}

/* cmd_evidence: `spotcheck evidence QUARTER ROUND CODE [--format json] [--body FILE]`: what
 * the auditor saw of a site in a round, read from the database (docs/evidence.md): the
 * crawl's moment and verdict with its veto defects, the homepage as crawled (URL, status,
 * header block, the body's size, SHA-256 and truncation) and the site's failing
 * availability probes. --body writes the stored body, decompressed, to FILE (a temporary
 * name, then renamed). Read-only: nothing in the database changes. */
#include "common/clock.h"
#include "common/json.h"
#include "common/strbuf.h"
#include "daemon/cli.h"
#include "daemon/config.h"
#include "sampler/calendar.h"
#include "storage/crawls.h"
#include "storage/db.h"
#include "storage/evidence.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_FORMAT = OPT_FIRST_COMMAND_OPTION, OPT_BODY };

static void evidence_usage(FILE *out)
{
    fputs("usage: spotcheck evidence QUARTER ROUND CODE [--format text|json] [--body FILE]\n\n"
          "Shows what the auditor saw of site CODE in a round, from the database: the crawl's\n"
          "moment, verdict and veto defects; the homepage as crawled (final URL, status, the\n"
          "response's header block, the body's size, SHA-256 and whether it was cut at the\n"
          "bound); and the site's failing availability probes of the round (conclusive or\n"
          "not, with their timings). docs/evidence.md says what is kept.\n\n"
          "Options:\n"
          "  --format FMT     text (default) or json\n"
          "  --body FILE      also write the homepage's stored body (the bytes as received,\n"
          "                   decompressed) to FILE\n\n"
          "Exit status: 2 for an unknown round or site (or no crawl of it in the round, or\n"
          "no body to write), 3 when the database cannot be read or the stored evidence is\n"
          "corrupt.\n",
          out);
    cli_print_common_options(out);
}

/* ---- writing the body ---- */

static int write_body(const char *path, const char *data, size_t n, struct sc_error *err)
{
    struct strbuf tmp = STRBUF_INIT;
    strbuf_addf(&tmp, "%s.tmp-%ld", path, (long)getpid());
    if (tmp.failed)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    FILE *f = fopen(tmp.buf, "wbx");
    int rc = SC_OK;
    if (!f) {
        rc = sc_fail(err, SC_ERUNTIME, "cannot create %s: %s", tmp.buf, strerror(errno));
        strbuf_release(&tmp);
        return rc;
    }
    int ok = (n == 0 || fwrite(data, 1, n, f) == n) && fflush(f) == 0 && fsync(fileno(f)) == 0;
    int saved = errno;
    if (fclose(f) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok && rename(tmp.buf, path) != 0) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        rc = sc_fail(err, SC_ERUNTIME, "cannot write %s: %s", path, strerror(saved));
        unlink(tmp.buf);
    }
    strbuf_release(&tmp);
    return rc;
}

/* ---- text ---- */

/* Appends the header block, a line at a time, indented; control bytes are shown as '?' so a
 * hostile server cannot drive the terminal. */
static void text_headers(struct strbuf *out, const char *h, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && h[end] != '\n')
            end++;
        size_t stop = end;
        if (stop > i && h[stop - 1] == '\r')
            stop--;
        if (stop > i) {
            strbuf_adds(out, "    ");
            for (size_t k = i; k < stop; k++) {
                unsigned char c = (unsigned char)h[k];
                strbuf_addch(out, (c < 0x20 && c != '\t') || c == 0x7f ? '?' : c);
            }
            strbuf_addch(out, '\n');
        }
        i = end + 1;
    }
}

static void text_ms(struct strbuf *out, const char *name, double ms)
{
    if (ms < 0)
        strbuf_addf(out, "%s -", name);
    else
        strbuf_addf(out, "%s %.1f ms", name, ms);
}

static int text_probe(const struct probe_failure *p, void *ud)
{
    struct strbuf *out = ud;
    strbuf_addf(out, "  %s", p->probed_at ? p->probed_at : "?");
    if (p->day >= 0)
        strbuf_addf(out, " day %d slot %d attempt %d", p->day, p->slot, p->attempt);
    if (p->conclusive == 1)
        strbuf_adds(out, ": conclusive");
    else if (p->conclusive == 0)
        strbuf_addf(out, ": inconclusive (%s)",
                    p->inconclusive_reason ? p->inconclusive_reason : "no reason stored");
    else
        strbuf_adds(out, ": slot still open");
    if (p->status > 0)
        strbuf_addf(out, "; status %d", p->status);
    if (p->error)
        strbuf_addf(out, "; error %s", p->error);
    strbuf_addch(out, '\n');
    if (p->url) {
        strbuf_addf(out, "      %s", p->url);
        if (p->final_url && strcmp(p->final_url, p->url) != 0)
            strbuf_addf(out, " -> %s", p->final_url);
        if (p->redirects > 0)
            strbuf_addf(out, " (%d redirect%s)", p->redirects, p->redirects == 1 ? "" : "s");
        if (p->ip)
            strbuf_addf(out, ", ip %s", p->ip);
        strbuf_addch(out, '\n');
    }
    strbuf_adds(out, "      ");
    text_ms(out, "dns", p->dns_ms);
    text_ms(out, ", connect", p->connect_ms);
    text_ms(out, ", tls", p->tls_ms);
    text_ms(out, ", first byte", p->first_byte_ms);
    text_ms(out, ", total", p->total_ms);
    if (p->bytes >= 0)
        strbuf_addf(out, ", %lld bytes", p->bytes);
    strbuf_addch(out, '\n');
    return 0;
}

/* ---- json ---- */

static void json_ms(struct json_writer *w, const char *key, double ms)
{
    json_key(w, key);
    if (ms < 0)
        json_null(w);
    else
        json_double(w, ms);
}

static void json_int_or_null(struct json_writer *w, const char *key, long long v)
{
    json_key(w, key);
    if (v < 0)
        json_null(w);
    else
        json_int(w, v);
}

static int json_probe(const struct probe_failure *p, void *ud)
{
    struct json_writer *w = ud;
    json_object_begin(w);
    json_kv_string(w, "probed_at", p->probed_at);
    json_int_or_null(w, "day", p->day);
    json_int_or_null(w, "slot", p->slot);
    json_int_or_null(w, "attempt", p->attempt);
    json_key(w, "conclusive");
    if (p->conclusive < 0)
        json_null(w);
    else
        json_bool(w, p->conclusive);
    json_kv_string(w, "inconclusive_reason", p->inconclusive_reason);
    json_int_or_null(w, "status", p->status);
    json_kv_string(w, "error", p->error);
    json_kv_string(w, "url", p->url);
    json_kv_string(w, "final_url", p->final_url);
    json_int_or_null(w, "redirects", p->redirects);
    json_kv_string(w, "ip", p->ip);
    json_ms(w, "dns_ms", p->dns_ms);
    json_ms(w, "connect_ms", p->connect_ms);
    json_ms(w, "tls_ms", p->tls_ms);
    json_ms(w, "first_byte_ms", p->first_byte_ms);
    json_ms(w, "total_ms", p->total_ms);
    json_int_or_null(w, "bytes", p->bytes);
    json_kv_string(w, "sha256", p->sha256);
    json_object_end(w);
    return 0;
}

/* ---- the command ---- */

struct shown {
    const char *quarter, *code;
    int round;
    const struct crawl_meta *meta;
    const struct site_report *report;
    const struct crawl_evidence *ev; /* NULL: none stored (or unreadable: ev_error) */
    const char *ev_error;            /* why the stored evidence could not be read, or NULL */
};

static int show_text(struct storage *db, const struct shown *s, struct strbuf *out,
                     struct sc_error *err)
{
    const struct site_report *r = s->report;
    strbuf_addf(out, "evidence of site %s in round %s %d (crawl %ld)\n", s->code, s->quarter,
                s->round, s->meta->id);
    strbuf_addf(out, "crawl:     %s to %s\n", s->meta->started_at,
                s->meta->finished_at[0] ? s->meta->finished_at : "(unknown)");
    if (r->judged)
        strbuf_addf(out, "verdict:   %s, score %.1f\n", r->verdict_pass ? "pass" : "fail",
                    r->score);
    else
        strbuf_adds(out, "verdict:   not judged\n");
    for (size_t i = 0; i < r->ndefects; i++) {
        const struct defect_record *d = &r->defects[i];
        if (d->severity != SEVERITY_VETO)
            continue;
        strbuf_addf(out, "  veto %s", d->kind ? d->kind : "?");
        if (d->url)
            strbuf_addf(out, " %s", d->url);
        if (d->detail)
            strbuf_addf(out, ": %s", d->detail);
        strbuf_addch(out, '\n');
    }
    const struct crawl_evidence *ev = s->ev;
    if (s->ev_error) {
        strbuf_addf(out, "homepage:  the stored evidence cannot be read: %s\n", s->ev_error);
    } else if (!ev) {
        strbuf_adds(out, "homepage:  no evidence stored with this crawl\n");
    } else {
        char at[32];
        strbuf_addf(out, "homepage:  %s\n", ev->url);
        if (ev->fetched_at) {
            sc_time_format(ev->fetched_at, at);
            strbuf_addf(out, "  fetched: %s\n", at);
        }
        if (ev->status > 0)
            strbuf_addf(out, "  status:  %d\n", ev->status);
        else
            strbuf_adds(out, "  status:  none (no response)\n");
        if (ev->body)
            strbuf_addf(out, "  body:    %zu bytes kept%s, sha256 %s\n", ev->body_len,
                        ev->body_truncated ? " (cut at the bound: the page was longer)"
                                           : " (the whole page)",
                        ev->body_sha256);
        else
            strbuf_adds(out, "  body:    none kept\n");
        if (ev->headers) {
            int whole = ev->headers_len >= 4 &&
                        memcmp(ev->headers + ev->headers_len - 4, "\r\n\r\n", 4) == 0;
            strbuf_addf(out, "  headers: %zu bytes%s\n", ev->headers_len,
                        whole ? "" : " (incomplete: cut at the bound or by the server)");
            text_headers(out, ev->headers, ev->headers_len);
        } else {
            strbuf_adds(out, "  headers: none kept\n");
        }
    }
    size_t mark = out->len;
    strbuf_adds(out, "failing availability probes:\n");
    size_t before = out->len;
    int rc = storage_probe_failures_each(db, s->meta->round_id, s->code, text_probe, out, err);
    if (rc == SC_OK && out->len == before) {
        strbuf_setlen(out, mark);
        strbuf_adds(out, "failing availability probes: none\n");
    }
    return rc;
}

static int show_json(struct storage *db, const struct shown *s, struct strbuf *out,
                     struct sc_error *err)
{
    const struct site_report *r = s->report;
    struct json_writer w;
    json_init(&w, out, 1);
    json_object_begin(&w);
    json_kv_string(&w, "quarter", s->quarter);
    json_kv_int(&w, "round", s->round);
    json_kv_string(&w, "site_code", s->code);
    json_kv_int(&w, "crawl_id", s->meta->id);
    json_kv_string(&w, "started_at", s->meta->started_at);
    json_kv_string(&w, "finished_at", s->meta->finished_at[0] ? s->meta->finished_at : NULL);
    json_key(&w, "verdict");
    if (r->judged)
        json_string(&w, r->verdict_pass ? "pass" : "fail");
    else
        json_null(&w);
    json_key(&w, "score");
    if (r->judged)
        json_double(&w, r->score);
    else
        json_null(&w);
    json_key(&w, "veto_defects");
    json_array_begin(&w);
    for (size_t i = 0; i < r->ndefects; i++) {
        const struct defect_record *d = &r->defects[i];
        if (d->severity != SEVERITY_VETO)
            continue;
        json_object_begin(&w);
        json_kv_string(&w, "kind", d->kind);
        json_kv_string(&w, "url", d->url);
        json_kv_string(&w, "detail", d->detail);
        json_object_end(&w);
    }
    json_array_end(&w);
    json_key(&w, "homepage");
    const struct crawl_evidence *ev = s->ev;
    if (!ev) {
        json_null(&w);
    } else {
        char at[32];
        json_object_begin(&w);
        json_kv_string(&w, "url", ev->url);
        json_int_or_null(&w, "status", ev->status > 0 ? ev->status : -1);
        if (ev->fetched_at)
            sc_time_format(ev->fetched_at, at);
        json_kv_string(&w, "fetched_at", ev->fetched_at ? at : NULL);
        json_kv_string(&w, "headers", ev->headers); /* invalid UTF-8 comes out as U+FFFD */
        json_int_or_null(&w, "headers_bytes", ev->headers ? (long long)ev->headers_len : -1);
        json_int_or_null(&w, "body_bytes", ev->body ? (long long)ev->body_len : -1);
        json_kv_bool(&w, "body_truncated", ev->body_truncated);
        json_kv_string(&w, "body_sha256", ev->body ? ev->body_sha256 : NULL);
        json_object_end(&w);
    }
    json_kv_string(&w, "homepage_error", s->ev_error);
    json_key(&w, "failing_probes");
    json_array_begin(&w);
    int rc = storage_probe_failures_each(db, s->meta->round_id, s->code, json_probe, &w, err);
    json_array_end(&w);
    json_object_end(&w);
    strbuf_addch(out, '\n');
    return rc;
}

int cmd_evidence(struct cli_context *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                             {"format", required_argument, NULL, OPT_FORMAT},
                                             {"body", required_argument, NULL, OPT_BODY},
                                             {NULL, 0, NULL, 0}};
    enum output_format format = FORMAT_TEXT;
    const char *body_path = NULL;
    int c;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (c == 'h') {
            evidence_usage(stdout);
            return EXIT_OK;
        }
        if (c == OPT_FORMAT) {
            if (cli_parse_format(optarg, &format, 0) < 0)
                return cli_usage_error("evidence", "--format must be text or json");
            continue;
        }
        if (c == OPT_BODY) {
            if (!*optarg)
                return cli_usage_error("evidence", "--body needs a file name");
            body_path = optarg;
            continue;
        }
        int r = cli_other_option(ctx, "evidence", c, optarg);
        if (r)
            return r;
    }
    if (argc - optind != 3)
        return cli_usage_error("evidence",
                               "give a quarter, a round and a site code, e.g. 2026Q4 1 4300000001");
    int status = cli_config_load(ctx, "evidence");
    if (status)
        return status;
    struct sc_error err = {{0}};
    struct sampler_quarter q;
    char quarter[8];
    int round;
    const char *code = argv[optind + 2];
    if (sampler_quarter_round_parse(argv[optind], argv[optind + 1], &q, quarter, &round, &err) < 0)
        return cli_usage_error("evidence", "%s", err.msg);

    struct storage *db = NULL;
    int rc = storage_open_existing(ctx->db_path, &db, &err);
    if (rc < 0)
        return cli_report_error("evidence", rc, err.msg);
    long round_id = 0, crawl_id = 0;
    struct site_report report;
    struct crawl_meta meta;
    struct crawl_evidence ev;
    struct sc_error ev_err = {{0}};
    struct strbuf out = STRBUF_INIT;
    int have_report = 0, ev_rc = SC_ENOTFOUND;
    crawl_evidence_init(&ev);
    rc = storage_round_find(db, quarter, round, &round_id, &err);
    if (rc == SC_OK) {
        rc = storage_crawl_find(db, round_id, code, &crawl_id, &err);
        if (rc == SC_ENOTFOUND)
            sc_fail(&err, rc, "no crawl of site %s is stored for round %s %d", code, quarter,
                    round);
    }
    if (rc == SC_OK) {
        rc = storage_crawl_load_id(db, crawl_id, &report, &meta, &err);
        have_report = 1;
    }
    if (rc == SC_OK) {
        ev_rc = storage_evidence_load(db, crawl_id, &ev, &ev_err);
        if (ev_rc == SC_ENOMEM)
            rc = sc_fail(&err, ev_rc, "%s", ev_err.msg);
    }
    int corrupt = rc == SC_OK && ev_rc < 0 && ev_rc != SC_ENOTFOUND;
    if (rc == SC_OK) {
        struct shown s = {quarter,
                          code,
                          round,
                          &meta,
                          &report,
                          ev_rc == SC_OK ? &ev : NULL,
                          corrupt ? ev_err.msg : NULL};
        rc = format == FORMAT_JSON ? show_json(db, &s, &out, &err) : show_text(db, &s, &out, &err);
    }
    if (rc == SC_OK && body_path) {
        if (corrupt)
            rc = sc_fail(&err, ev_rc, "%s", ev_err.msg);
        else if (ev_rc != SC_OK || !ev.body)
            rc = sc_fail(&err, SC_ENOTFOUND,
                         "no homepage body is stored for site %s in round "
                         "%s %d",
                         code, quarter, round);
        else
            rc = write_body(body_path, ev.body, ev.body_len, &err);
    }
    crawl_evidence_free(&ev);
    if (have_report) {
        site_report_free(&report);
        free(meta.report_json);
    }
    storage_close(db);
    if (rc < 0) {
        strbuf_release(&out);
        return cli_report_error("evidence", rc, err.msg);
    }
    status = cli_write_output("evidence", &out, EXIT_OK);
    if (status == EXIT_OK && corrupt)
        status = cli_report_error("evidence", ev_rc, ev_err.msg);
    return status;
}

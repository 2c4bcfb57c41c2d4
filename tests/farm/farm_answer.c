/* farm_answer: what the farm server answers to one request: a static file of the site (with
 * gzip where the site enables it), or the behaviour of a planted fault (error statuses, soft
 * 404, redirects, HEAD 405, 429 then success, stall, reset, huge body, gzip bomb, slow drip),
 * and whether a flaky site's homepage request fails. See docs/farm.md for the exact numbers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "tests/farm/farm_server.h"

static int bomb_build(struct farm_server *s)
{
    if (s->bomb)
        return 0;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    struct strbuf out = STRBUF_INIT;
    static char zeros[1 << 20];
    memset(zeros, ' ', sizeof zeros);
    memcpy(zeros, "<html><body>", 12);
    int rc = 0;
    for (size_t done = 0; done < BOMB_BYTES && !rc;) {
        z.next_in = (unsigned char *)zeros;
        z.avail_in = sizeof zeros;
        done += sizeof zeros;
        int flush = done >= BOMB_BYTES ? Z_FINISH : Z_NO_FLUSH;
        do {
            if (strbuf_grow(&out, CHUNK)) {
                rc = -1;
                break;
            }
            z.next_out = (unsigned char *)out.buf + out.len;
            z.avail_out = CHUNK;
            int zr = deflate(&z, flush);
            if (zr == Z_STREAM_ERROR) {
                rc = -1;
                break;
            }
            out.len += CHUNK - z.avail_out;
        } while (z.avail_out == 0 || (flush == Z_FINISH && z.avail_in > 0));
        memcpy(zeros, "            ", 12);
    }
    deflateEnd(&z);
    if (rc) {
        strbuf_release(&out);
        return -1;
    }
    s->bomb_len = out.len;
    s->bomb = strbuf_detach(&out);
    return s->bomb ? 0 : -1;
}

/* gzip of in[0..n) into a new heap buffer, or NULL. */
static char *gzip_body(const char *in, size_t n, size_t *outlen)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, (uLong)n) + 32;
    char *out = malloc(cap);
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)n;
    z.next_out = (unsigned char *)out;
    z.avail_out = (uInt)cap;
    int ok = out && deflate(&z, Z_FINISH) == Z_STREAM_END;
    *outlen = cap - z.avail_out;
    deflateEnd(&z);
    if (!ok) {
        free(out);
        return NULL;
    }
    return out;
}

void farm_answer_file(struct farm_conn *c, struct farm_vhost *v, int head_only, const char *path,
                      const char *query)
{
    struct strbuf full = STRBUF_INIT, type = STRBUF_INIT;
    strbuf_addf(&full, "%s%s", v->root, path);
    if (full.len && full.buf[full.len - 1] == '/')
        strbuf_adds(&full, "index.html");
    struct stat st;
    int fd = -1;
    if (full.failed || stat(full.buf, &st) != 0) {
        farm_conn_respond_status(c, head_only, 404, NULL);
    } else if (S_ISDIR(st.st_mode)) {
        struct strbuf loc = STRBUF_INIT;
        strbuf_addf(&loc, "Location: http://%s%s/%s%s\r\n", v->host, path, *query ? "?" : "",
                    query);
        farm_conn_respond_status(c, head_only, 301, loc.buf);
        strbuf_release(&loc);
    } else if (!S_ISREG(st.st_mode) || st.st_size > (off_t)MAX_FILE ||
               (fd = open(full.buf, O_RDONLY)) < 0) {
        farm_conn_respond_status(c, head_only, 403, NULL);
    } else {
        size_t n = (size_t)st.st_size, got = 0;
        farm_http_type(full.buf, v->header_charset, &type);
        int gz = v->gzip && c->gzip_ok && !strncmp(type.buf, "text/html", 9);
        char *body = head_only && !gz ? NULL : malloc(n ? n : 1);
        while (body && got < n) {
            ssize_t r = read(fd, body + got, n - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        if ((!head_only || gz) && (!body || got != n)) {
            free(body);
            farm_conn_respond_status(c, 0, 500, NULL);
        } else if (gz) {
            size_t zn = 0;
            char *zb = gzip_body(body, n, &zn);
            free(body);
            if (zb)
                farm_conn_respond(c, head_only, 200, type.buf,
                                  "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n", zb, zn, 1,
                                  zn, AFTER_DONE);
            else
                farm_conn_respond_status(c, head_only, 500, NULL);
        } else {
            farm_conn_respond(c, head_only, 200, type.buf, NULL, body, head_only ? 0 : n, 1, n,
                              AFTER_DONE);
        }
    }
    if (fd >= 0)
        close(fd);
    strbuf_release(&full);
    strbuf_release(&type);
}

void farm_answer_fault(struct farm_conn *c, struct farm_vhost *v, struct farm_fault *f,
                       int head_only, const char *path, const char *query)
{
    struct strbuf x = STRBUF_INIT;
    uint64_t now = uv_now(&c->srv->loop);
    switch (f->kind) {
    case FK_STATUS:
        farm_conn_respond_status(c, head_only, f->status, NULL);
        break;
    case FK_SOFT404:
        farm_conn_respond_page(c, head_only, 200, NULL, "页面不存在",
                               "对不起，您访问的页面不存在或已被删除！<a href=\"/\">返回首页</a>");
        break;
    case FK_REDIRECT:
        strbuf_addf(&x, "Location: http://%s%s\r\n", v->host, f->location);
        farm_conn_respond_status(c, head_only, f->status, x.buf);
        break;
    case FK_ENDLESS: {
        long k = 0;
        if (!strncmp(query, "n=", 2))
            k = strtol(query + 2, NULL, 10);
        if (k < 0 || k > 1000000000L) /* a hostile n never overflows */
            k = 0;
        strbuf_addf(&x, "Location: http://%s%s?n=%ld\r\n", v->host, path, k + 1);
        farm_conn_respond_status(c, head_only, 302, x.buf);
        break;
    }
    case FK_HEAD405:
        if (head_only)
            farm_conn_respond_status(c, 1, 405, "Allow: GET\r\n");
        else
            farm_answer_file(c, v, 0, path, query);
        break;
    case FK_RETRY429:
        /* 429 to a new client; success once it waited as told (>= 1 s, within 10 s) */
        if (f->last429 > 0 && now - (uint64_t)f->last429 >= 900 &&
            now - (uint64_t)f->last429 <= 10000) {
            farm_answer_file(c, v, head_only, path, query);
        } else {
            if (f->last429 <= 0 || now - (uint64_t)f->last429 > 10000)
                f->last429 = (double)now;
            farm_conn_respond_status(c, head_only, 429, "Retry-After: 1\r\n");
        }
        break;
    case FK_STALL:
        c->timer_mode = T_STALL;
        uv_timer_start(&c->timer, farm_conn_on_timer, (uint64_t)c->srv->conf.stall_seconds * 1000,
                       0);
        break;
    case FK_RESET:
        /* part of the announced body, then a TCP reset (HEAD: the headers, then the reset) */
        farm_conn_respond(c, head_only, 200, "text/html; charset=utf-8", NULL, farm_filler,
                          RESET_SENT, 0, RESET_LENGTH, AFTER_RESET);
        break;
    case FK_HUGE:
        c->remaining = head_only ? 0 : HUGE_BYTES;
        farm_conn_respond(c, head_only, 200, "text/html; charset=utf-8", NULL, NULL, 0, 0,
                          HUGE_BYTES, head_only ? AFTER_DONE : AFTER_MORE);
        break;
    case FK_GZIPBOMB:
        if (bomb_build(c->srv)) {
            farm_conn_respond_status(c, head_only, 500, NULL);
            break;
        }
        farm_conn_respond(c, head_only, 200, "text/html; charset=utf-8",
                          "Content-Encoding: gzip\r\n", c->srv->bomb, c->srv->bomb_len, 0,
                          c->srv->bomb_len, AFTER_DONE);
        break;
    case FK_DRIP:
        if (head_only) {
            farm_conn_respond(c, 1, 200, "text/html; charset=utf-8", NULL, NULL, 0, 0, DRIP_BYTES,
                              AFTER_DONE);
            break;
        }
        c->remaining = DRIP_BYTES;
        c->started = now;
        c->timer_mode = T_DRIP;
        farm_conn_respond(c, 0, 200, "text/html; charset=utf-8", NULL, NULL, 0, 0, DRIP_BYTES,
                          AFTER_NOTHING);
        uv_timer_start(&c->timer, farm_conn_on_timer, 1000, 1000);
        break;
    }
    strbuf_release(&x);
}

void farm_answer_slow(struct farm_conn *c, int head_only)
{
    c->slow_due_ns = uv_hrtime() + (uint64_t)c->srv->slow_ms * 1000000u;
    c->slow_head_only = head_only;
    c->timer_mode = T_SLOW;
    uv_update_time(&c->srv->loop); /* the timer counts from now, not from the loop's start */
    uv_timer_start(&c->timer, farm_conn_on_timer, (uint64_t)c->srv->slow_ms, 0);
}

void farm_answer_slow_due(struct farm_conn *c)
{
    uint64_t now = uv_hrtime();
    if (now < c->slow_due_ns) { /* the loop's millisecond clock fired a little early */
        uv_timer_start(&c->timer, farm_conn_on_timer, (c->slow_due_ns - now + 999999) / 1000000, 0);
        return;
    }
    c->timer_mode = T_IDLE;
    /* how late the answer leaves, for benches that must tell the server's lateness from
     * the client's (bench/probes) */
    fprintf(stderr, "farm: slow answer %llu us late\n",
            (unsigned long long)((now - c->slow_due_ns) / 1000u));
    farm_conn_respond_page(c, c->slow_head_only, 200, NULL, c->srv->slow_host,
                           "本页面在请求到达后按时应答。");
}

int farm_answer_flaky(struct farm_vhost *v)
{
    unsigned long n = v->home_requests++;
    return (unsigned long)((double)(n + 1) * v->flaky + 1e-9) >
           (unsigned long)((double)n * v->flaky + 1e-9);
}

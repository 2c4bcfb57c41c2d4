/* farm_serve: `farm serve`: every site of a generated farm on ONE loopback port (libuv).
 *
 * The site is chosen by the Host header. Static files come from DIR/sites/<host>/; the
 * paths listed in DIR/faults.json misbehave as planted (error statuses, soft 404, redirects,
 * HEAD 405, 429 then success, stalls, resets, huge and gzip-bomb bodies, slow drip); the
 * flaky sites fail a fixed fraction of homepage requests; a down site maps to a loopback
 * port where a socket is bound but never listens, so connections are refused.
 *
 * One connection handles one request at a time (HTTP/1.1 keep-alive, pipelined requests
 * wait in the input buffer). Every handle is closed before the loop ends; SIGINT and SIGTERM
 * stop the server cleanly. Nothing binds anything but 127.0.0.1. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>
#include <zlib.h>

#include "tests/farm/farm.h"

#define IDLE_MS 30000
#define MAX_FILE (64u << 20)
#define HUGE_BYTES (50u << 20)
#define BOMB_BYTES (100u << 20)
#define CHUNK 65536
#define DRIP_BYTES 4096
#define DRIP_STEP 16
#define RESET_LENGTH 100000
#define RESET_SENT 2000

enum timer_mode { T_IDLE, T_STALL, T_DRIP };
enum after { AFTER_DONE, AFTER_MORE, AFTER_RESET, AFTER_NOTHING };

struct server;

struct conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    struct server *srv;
    struct conn *prev, *next;
    struct strbuf in;
    int busy, closing, open_handles, keep_alive, timer_mode;
    int gzip_ok;      /* the current request accepts gzip */
    size_t remaining; /* bytes still to stream (huge, drip) */
    uint64_t started;
};

struct wreq {
    uv_write_t req;
    struct conn *c;
    char *head, *body; /* freed after the write */
    int after;
};

struct server {
    uv_loop_t loop;
    uv_tcp_t listener;
    uv_signal_t sigint, sigterm;
    struct farm_conf conf;
    int down_fd, down_port;
    struct conn *conns;
    char *bomb;
    size_t bomb_len;
    int stopping;
};

static char filler[CHUNK];

static void conn_closed(uv_handle_t *h)
{
    struct conn *c = h->data;
    if (--c->open_handles > 0)
        return;
    if (c->prev)
        c->prev->next = c->next;
    else
        c->srv->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    strbuf_release(&c->in);
    free(c);
}

static void conn_close(struct conn *c, int reset)
{
    if (c->closing)
        return;
    c->closing = 1;
    uv_read_stop((uv_stream_t *)&c->tcp);
    uv_timer_stop(&c->timer);
    uv_close((uv_handle_t *)&c->timer, conn_closed);
    if (!reset || uv_tcp_close_reset(&c->tcp, conn_closed) != 0)
        uv_close((uv_handle_t *)&c->tcp, conn_closed);
}

static void conn_process(struct conn *c);
static void stream_next(struct conn *c);

static void on_write(uv_write_t *req, int status)
{
    struct wreq *w = (struct wreq *)req;
    struct conn *c = w->c;
    int after = w->after;
    free(w->head);
    free(w->body);
    free(w);
    if (status < 0 || c->closing) {
        conn_close(c, 0);
        return;
    }
    switch (after) {
    case AFTER_DONE:
        c->busy = 0;
        if (!c->keep_alive || c->srv->stopping)
            conn_close(c, 0);
        else
            conn_process(c);
        break;
    case AFTER_MORE:
        stream_next(c);
        break;
    case AFTER_RESET:
        conn_close(c, 1);
        break;
    default:
        break;
    }
}

/* Writes head (heap, taken) and body (heap and taken when owned, else static). */
static void conn_write(struct conn *c, char *head, size_t hlen, const char *body, size_t blen,
                       int owned, int after)
{
    struct wreq *w = calloc(1, sizeof *w);
    if (!w) {
        free(head);
        if (owned)
            free((char *)body);
        conn_close(c, 0);
        return;
    }
    w->c = c;
    w->head = head;
    w->body = owned ? (char *)body : NULL;
    w->after = after;
    uv_buf_t bufs[2];
    int n = 0;
    if (hlen)
        bufs[n++] = uv_buf_init(head, (unsigned)hlen);
    if (blen)
        bufs[n++] = uv_buf_init((char *)body, (unsigned)blen);
    if (n == 0 || uv_write(&w->req, (uv_stream_t *)&c->tcp, bufs, (unsigned)n, on_write) != 0) {
        free(w->head);
        free(w->body);
        free(w);
        if (n == 0 && after == AFTER_DONE) { /* nothing to send: carry on */
            c->busy = 0;
            conn_process(c);
            return;
        }
        conn_close(c, 0);
    }
}

/* Sends a whole response. extra: more header lines (each ending in CRLF) or NULL;
 * length: the Content-Length to announce ((size_t)-1: blen). */
static void respond(struct conn *c, int head_only, int status, const char *ctype, const char *extra,
                    const char *body, size_t blen, int owned, size_t length, int after)
{
    struct strbuf h = STRBUF_INIT;
    strbuf_addf(&h, "HTTP/1.1 %d %s\r\nServer: farm\r\n", status, farm_http_reason(status));
    if (ctype)
        strbuf_addf(&h, "Content-Type: %s\r\n", ctype);
    strbuf_addf(&h, "Content-Length: %zu\r\n", length == (size_t)-1 ? blen : length);
    if (extra)
        strbuf_adds(&h, extra);
    strbuf_addf(&h, "Connection: %s\r\n\r\n", c->keep_alive ? "keep-alive" : "close");
    if (h.failed) {
        strbuf_release(&h);
        if (owned)
            free((char *)body);
        conn_close(c, 0);
        return;
    }
    size_t hlen = h.len;
    char *hb = strbuf_detach(&h);
    if (head_only) {
        if (owned)
            free((char *)body);
        body = NULL;
        blen = 0;
        owned = 0;
    }
    conn_write(c, hb, hlen, body, blen, owned, after);
}

static void respond_page(struct conn *c, int head_only, int status, const char *extra,
                         const char *title, const char *text)
{
    struct strbuf b = STRBUF_INIT;
    strbuf_addf(&b,
                "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n"
                "<body><h1>%s</h1><p>%s</p><hr><p>farm</p></body></html>\n",
                title, title, text);
    if (b.failed) {
        strbuf_release(&b);
        conn_close(c, 0);
        return;
    }
    size_t n = b.len;
    respond(c, head_only, status, "text/html; charset=utf-8", extra, strbuf_detach(&b), n, 1,
            (size_t)-1, AFTER_DONE);
}

static void respond_status(struct conn *c, int head_only, int status, const char *extra)
{
    char title[64];
    snprintf(title, sizeof title, "%d %s", status, farm_http_reason(status));
    respond_page(c, head_only, status, extra, title, "");
}

static void stream_next(struct conn *c)
{
    size_t n = c->remaining < CHUNK ? c->remaining : CHUNK;
    c->remaining -= n;
    if (n == 0) {
        c->busy = 0;
        conn_process(c);
        return;
    }
    conn_write(c, NULL, 0, filler, n, 0, c->remaining ? AFTER_MORE : AFTER_DONE);
}

static void on_timer(uv_timer_t *t)
{
    struct conn *c = t->data;
    if (c->timer_mode != T_DRIP) {
        conn_close(c, 0);
        return;
    }
    uint64_t elapsed = uv_now(&c->srv->loop) - c->started;
    if (elapsed >= (uint64_t)c->srv->conf.stall_seconds * 1000 || c->remaining == 0) {
        conn_close(c, 0);
        return;
    }
    size_t n = c->remaining < DRIP_STEP ? c->remaining : DRIP_STEP;
    c->remaining -= n;
    conn_write(c, NULL, 0, filler, n, 0, AFTER_NOTHING);
}

static int bomb_build(struct server *s)
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

static void serve_file(struct conn *c, struct farm_vhost *v, int head_only, const char *path,
                       const char *query)
{
    struct strbuf full = STRBUF_INIT, type = STRBUF_INIT;
    strbuf_addf(&full, "%s%s", v->root, path);
    if (full.len && full.buf[full.len - 1] == '/')
        strbuf_adds(&full, "index.html");
    struct stat st;
    int fd = -1;
    if (full.failed || stat(full.buf, &st) != 0) {
        respond_status(c, head_only, 404, NULL);
    } else if (S_ISDIR(st.st_mode)) {
        struct strbuf loc = STRBUF_INIT;
        strbuf_addf(&loc, "Location: http://%s%s/%s%s\r\n", v->host, path, *query ? "?" : "",
                    query);
        respond_status(c, head_only, 301, loc.buf);
        strbuf_release(&loc);
    } else if (!S_ISREG(st.st_mode) || st.st_size > (off_t)MAX_FILE ||
               (fd = open(full.buf, O_RDONLY)) < 0) {
        respond_status(c, head_only, 403, NULL);
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
            respond_status(c, 0, 500, NULL);
        } else if (gz) {
            size_t zn = 0;
            char *zb = gzip_body(body, n, &zn);
            free(body);
            if (zb)
                respond(c, head_only, 200, type.buf,
                        "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n", zb, zn, 1, zn,
                        AFTER_DONE);
            else
                respond_status(c, head_only, 500, NULL);
        } else {
            respond(c, head_only, 200, type.buf, NULL, body, head_only ? 0 : n, 1, n, AFTER_DONE);
        }
    }
    if (fd >= 0)
        close(fd);
    strbuf_release(&full);
    strbuf_release(&type);
}

static void serve_fault(struct conn *c, struct farm_vhost *v, struct farm_fault *f, int head_only,
                        const char *path, const char *query)
{
    struct strbuf x = STRBUF_INIT;
    uint64_t now = uv_now(&c->srv->loop);
    switch (f->kind) {
    case FK_STATUS:
        respond_status(c, head_only, f->status, NULL);
        break;
    case FK_SOFT404:
        respond_page(c, head_only, 200, NULL, "页面不存在",
                     "对不起，您访问的页面不存在或已被删除！<a href=\"/\">返回首页</a>");
        break;
    case FK_REDIRECT:
        strbuf_addf(&x, "Location: http://%s%s\r\n", v->host, f->location);
        respond_status(c, head_only, f->status, x.buf);
        break;
    case FK_ENDLESS: {
        long k = 0;
        if (!strncmp(query, "n=", 2))
            k = strtol(query + 2, NULL, 10);
        strbuf_addf(&x, "Location: http://%s%s?n=%ld\r\n", v->host, path, k + 1);
        respond_status(c, head_only, 302, x.buf);
        break;
    }
    case FK_HEAD405:
        if (head_only)
            respond_status(c, 1, 405, "Allow: GET\r\n");
        else
            serve_file(c, v, 0, path, query);
        break;
    case FK_RETRY429:
        /* 429 to a new client; success once it waited as told (>= 1 s, within 10 s) */
        if (f->last429 > 0 && now - (uint64_t)f->last429 >= 900 &&
            now - (uint64_t)f->last429 <= 10000) {
            serve_file(c, v, head_only, path, query);
        } else {
            if (f->last429 <= 0 || now - (uint64_t)f->last429 > 10000)
                f->last429 = (double)now;
            respond_status(c, head_only, 429, "Retry-After: 1\r\n");
        }
        break;
    case FK_STALL:
        c->timer_mode = T_STALL;
        uv_timer_start(&c->timer, on_timer, (uint64_t)c->srv->conf.stall_seconds * 1000, 0);
        break;
    case FK_RESET:
        /* part of the announced body, then a TCP reset (HEAD: the headers, then the reset) */
        respond(c, head_only, 200, "text/html; charset=utf-8", NULL, filler, RESET_SENT, 0,
                RESET_LENGTH, AFTER_RESET);
        break;
    case FK_HUGE:
        c->remaining = head_only ? 0 : HUGE_BYTES;
        respond(c, head_only, 200, "text/html; charset=utf-8", NULL, NULL, 0, 0, HUGE_BYTES,
                head_only ? AFTER_DONE : AFTER_MORE);
        break;
    case FK_GZIPBOMB:
        if (bomb_build(c->srv)) {
            respond_status(c, head_only, 500, NULL);
            break;
        }
        respond(c, head_only, 200, "text/html; charset=utf-8", "Content-Encoding: gzip\r\n",
                c->srv->bomb, c->srv->bomb_len, 0, c->srv->bomb_len, AFTER_DONE);
        break;
    case FK_DRIP:
        if (head_only) {
            respond(c, 1, 200, "text/html; charset=utf-8", NULL, NULL, 0, 0, DRIP_BYTES,
                    AFTER_DONE);
            break;
        }
        c->remaining = DRIP_BYTES;
        c->started = now;
        c->timer_mode = T_DRIP;
        respond(c, 0, 200, "text/html; charset=utf-8", NULL, NULL, 0, 0, DRIP_BYTES, AFTER_NOTHING);
        uv_timer_start(&c->timer, on_timer, 1000, 1000);
        break;
    }
    strbuf_release(&x);
}

static int flaky_fails(struct farm_vhost *v)
{
    unsigned long n = v->home_requests++;
    return (unsigned long)((double)(n + 1) * v->flaky + 1e-9) >
           (unsigned long)((double)n * v->flaky + 1e-9);
}

static void conn_handle(struct conn *c, const struct farm_request *req)
{
    int head_only = !strcmp(req->method, "HEAD");
    if (!head_only && strcmp(req->method, "GET")) {
        c->keep_alive = 0;
        respond_status(c, 0, 405, "Allow: GET, HEAD\r\n");
        return;
    }
    struct farm_vhost *v = farm_conf_host(&c->srv->conf, req->host);
    if (!v || v->mode == FARM_MODE_DOWN) {
        respond_page(c, head_only, 404, NULL, "404 Not Found", "no such site on this farm");
        return;
    }
    struct strbuf path = STRBUF_INIT, query = STRBUF_INIT;
    if (farm_http_target(req->target, &path, &query)) {
        respond_status(c, head_only, 400, NULL);
    } else if (v->mode == FARM_MODE_CATCHALL) {
        respond_page(c, head_only, 200, NULL, v->host, "本页面由站点农场提供。");
    } else if ((!strcmp(path.buf, "/") || !strcmp(path.buf, "/index.html")) && v->flaky > 0 &&
               flaky_fails(v)) {
        respond_status(c, head_only, 503, NULL);
    } else {
        struct farm_fault *f = NULL;
        for (int i = 0; i < v->nfaults && !f; i++)
            if (!strcmp(v->faults[i].path, path.buf))
                f = &v->faults[i];
        if (f)
            serve_fault(c, v, f, head_only, path.buf, query.buf);
        else
            serve_file(c, v, head_only, path.buf, query.buf);
    }
    strbuf_release(&path);
    strbuf_release(&query);
}

static void conn_process(struct conn *c)
{
    if (c->busy || c->closing)
        return;
    struct farm_request req;
    int rc = farm_http_parse(c->in.buf, c->in.len, &req);
    if (rc == 0) {
        c->timer_mode = T_IDLE;
        uv_timer_start(&c->timer, on_timer, IDLE_MS, 0);
        return;
    }
    uv_timer_stop(&c->timer);
    c->busy = 1;
    if (rc < 0) {
        c->keep_alive = 0;
        respond_status(c, 0, c->in.len > FARM_MAX_HEAD ? 431 : 400, NULL);
        return;
    }
    memmove(c->in.buf, c->in.buf + req.consumed, c->in.len - req.consumed);
    c->in.len -= req.consumed;
    c->in.buf[c->in.len] = 0;
    c->keep_alive = req.keep_alive && !c->srv->stopping;
    c->gzip_ok = req.gzip_ok;
    conn_handle(c, &req);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    (void)suggested;
    static char rbuf[CHUNK]; /* one loop thread: read callbacks copy out at once */
    *buf = uv_buf_init(rbuf, sizeof rbuf);
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
    struct conn *c = st->data;
    if (nread < 0) {
        conn_close(c, 0);
        return;
    }
    if (nread == 0)
        return;
    if (c->in.len + (size_t)nread > 4 * FARM_MAX_HEAD) { /* a flood while busy */
        conn_close(c, 0);
        return;
    }
    strbuf_add(&c->in, buf->base, (size_t)nread);
    if (c->in.failed) {
        conn_close(c, 0);
        return;
    }
    conn_process(c);
}

static void on_connection(uv_stream_t *l, int status)
{
    struct server *s = l->data;
    if (status < 0 || s->stopping)
        return;
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        return;
    c->srv = s;
    strbuf_init(&c->in);
    uv_tcp_init(&s->loop, &c->tcp);
    uv_timer_init(&s->loop, &c->timer);
    c->tcp.data = c;
    c->timer.data = c;
    c->open_handles = 2;
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    if (uv_accept(l, (uv_stream_t *)&c->tcp) != 0 ||
        uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0) {
        conn_close(c, 0);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    c->timer_mode = T_IDLE;
    uv_timer_start(&c->timer, on_timer, IDLE_MS, 0);
}

static void on_signal(uv_signal_t *sig, int signum)
{
    (void)signum;
    struct server *s = sig->data;
    if (s->stopping)
        return;
    s->stopping = 1;
    uv_close((uv_handle_t *)&s->listener, NULL);
    uv_close((uv_handle_t *)&s->sigint, NULL);
    uv_close((uv_handle_t *)&s->sigterm, NULL);
    for (struct conn *c = s->conns; c; c = c->next)
        conn_close(c, 0);
}

/* A loopback port where nothing ever listens: bound, so no one else takes it, but a
 * connection attempt is refused. */
static int down_port_open(struct server *s, struct sc_error *err)
{
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    s->down_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s->down_fd < 0)
        return sc_fail(err, SC_ERUNTIME, "socket: %s", strerror(errno));
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s->down_fd, (struct sockaddr *)&a, sizeof a) ||
        getsockname(s->down_fd, (struct sockaddr *)&a, &al))
        return sc_fail(err, SC_ERUNTIME, "bind: %s", strerror(errno));
    s->down_port = ntohs(a.sin_port);
    return 0;
}

static int port_file_write(const char *file, int port, struct sc_error *err)
{
    struct strbuf tmp = STRBUF_INIT;
    char text[16];
    int n = snprintf(text, sizeof text, "%d\n", port);
    strbuf_addf(&tmp, "%s.tmp", file);
    int rc = farm_write_file(tmp.buf, text, (size_t)n, err);
    if (!rc && rename(tmp.buf, file))
        rc = sc_fail(err, SC_ERUNTIME, "rename %s: %s", file, strerror(errno));
    strbuf_release(&tmp);
    return rc;
}

int farm_serve(const struct farm_serve_opts *o, struct sc_error *err)
{
    struct server *s = calloc(1, sizeof *s);
    if (!s)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    s->down_fd = -1;
    memset(filler, ' ', sizeof filler);
    memcpy(filler, "<html><body>", 12);
    int rc = farm_conf_load(o->dir, &s->conf, err);
    if (rc) {
        free(s);
        return rc;
    }
    signal(SIGPIPE, SIG_IGN);
    rc = down_port_open(s, err);
    int loop_ok = !rc && uv_loop_init(&s->loop) == 0;
    if (!rc && !loop_ok)
        rc = sc_fail(err, SC_ERUNTIME, "uv_loop_init failed");
    struct sockaddr_in addr;
    if (loop_ok) {
        uv_tcp_init(&s->loop, &s->listener);
        uv_signal_init(&s->loop, &s->sigint);
        uv_signal_init(&s->loop, &s->sigterm);
        s->listener.data = s->sigint.data = s->sigterm.data = s;
        uv_ip4_addr("127.0.0.1", o->port, &addr);
        int r = uv_tcp_bind(&s->listener, (const struct sockaddr *)&addr, 0);
        if (!r)
            r = uv_listen((uv_stream_t *)&s->listener, 1024, on_connection);
        if (r)
            rc = sc_fail(err, SC_ERUNTIME, "listen on 127.0.0.1:%d: %s", o->port, uv_strerror(r));
    }
    int port = 0;
    if (!rc) {
        int al = sizeof addr;
        uv_tcp_getsockname(&s->listener, (struct sockaddr *)&addr, &al);
        port = ntohs(addr.sin_port);
        uv_signal_start(&s->sigint, on_signal, SIGINT);
        uv_signal_start(&s->sigterm, on_signal, SIGTERM);
        if (o->port_file)
            rc = port_file_write(o->port_file, port, err);
    }
    if (!rc) {
        for (int i = 0; i < s->conf.nhosts; i++)
            printf("%s:80:127.0.0.1:%d\n", s->conf.hosts[i].host,
                   s->conf.hosts[i].mode == FARM_MODE_DOWN ? s->down_port : port);
        printf("ready\n");
        fflush(stdout);
        uv_run(&s->loop, UV_RUN_DEFAULT);
    } else if (loop_ok) {
        uv_close((uv_handle_t *)&s->listener, NULL);
        uv_close((uv_handle_t *)&s->sigint, NULL);
        uv_close((uv_handle_t *)&s->sigterm, NULL);
        uv_run(&s->loop, UV_RUN_DEFAULT);
    }
    if (loop_ok && uv_loop_close(&s->loop) != 0 && !rc)
        rc = sc_fail(err, SC_ERUNTIME, "event loop closed with handles still open");
    if (s->down_fd >= 0)
        close(s->down_fd);
    farm_conf_free(&s->conf);
    free(s->bomb);
    free(s);
    return rc;
}

/* farm_serve: `farm serve`: every site of a generated farm on ONE loopback port (libuv).
 *
 * The site is chosen by the Host header. Static files come from DIR/sites/<host>/; the
 * paths listed in DIR/faults.json misbehave as planted (farm_answer.c decides what to answer;
 * this file runs the loop, the connections and the writing); a down site maps to a loopback
 * port where a socket is bound but never listens, so connections are refused.
 *
 * One connection handles one request at a time (HTTP/1.1 keep-alive, pipelined requests
 * wait in the input buffer). Every handle is closed before the loop ends; SIGINT and SIGTERM
 * stop the server cleanly. Nothing binds anything but 127.0.0.1. */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "tests/farm/farm_server.h"

struct wreq {
    uv_write_t req;
    struct farm_conn *c;
    char *head, *body; /* freed after the write */
    int after;
};

char farm_filler[CHUNK];

static void conn_closed(uv_handle_t *h)
{
    struct farm_conn *c = h->data;
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

void farm_conn_close(struct farm_conn *c, int reset)
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

static void conn_process(struct farm_conn *c);
static void stream_next(struct farm_conn *c);

static void on_write(uv_write_t *req, int status)
{
    struct wreq *w = (struct wreq *)req;
    struct farm_conn *c = w->c;
    int after = w->after;
    free(w->head);
    free(w->body);
    free(w);
    if (status < 0 || c->closing) {
        farm_conn_close(c, 0);
        return;
    }
    switch (after) {
    case AFTER_DONE:
        c->busy = 0;
        if (!c->keep_alive || c->srv->stopping)
            farm_conn_close(c, 0);
        else
            conn_process(c);
        break;
    case AFTER_MORE:
        stream_next(c);
        break;
    case AFTER_RESET:
        farm_conn_close(c, 1);
        break;
    default:
        break;
    }
}

void farm_conn_write(struct farm_conn *c, char *head, size_t hlen, const char *body, size_t blen,
                     int owned, int after)
{
    struct wreq *w = calloc(1, sizeof *w);
    if (!w) {
        free(head);
        if (owned)
            free((char *)body);
        farm_conn_close(c, 0);
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
        farm_conn_close(c, 0);
    }
}

void farm_conn_respond(struct farm_conn *c, int head_only, int status, const char *ctype,
                       const char *extra, const char *body, size_t blen, int owned, size_t length,
                       int after)
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
        farm_conn_close(c, 0);
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
    farm_conn_write(c, hb, hlen, body, blen, owned, after);
}

void farm_conn_respond_page(struct farm_conn *c, int head_only, int status, const char *extra,
                            const char *title, const char *text)
{
    struct strbuf b = STRBUF_INIT;
    strbuf_addf(&b,
                "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n"
                "<body><h1>%s</h1><p>%s</p><hr><p>farm</p></body></html>\n",
                title, title, text);
    if (b.failed) {
        strbuf_release(&b);
        farm_conn_close(c, 0);
        return;
    }
    size_t n = b.len;
    farm_conn_respond(c, head_only, status, "text/html; charset=utf-8", extra, strbuf_detach(&b), n,
                      1, (size_t)-1, AFTER_DONE);
}

void farm_conn_respond_status(struct farm_conn *c, int head_only, int status, const char *extra)
{
    char title[64];
    snprintf(title, sizeof title, "%d %s", status, farm_http_reason(status));
    farm_conn_respond_page(c, head_only, status, extra, title, "");
}

static void stream_next(struct farm_conn *c)
{
    size_t n = c->remaining < CHUNK ? c->remaining : CHUNK;
    c->remaining -= n;
    if (n == 0) {
        c->busy = 0;
        conn_process(c);
        return;
    }
    farm_conn_write(c, NULL, 0, farm_filler, n, 0, c->remaining ? AFTER_MORE : AFTER_DONE);
}

void farm_conn_on_timer(uv_timer_t *t)
{
    struct farm_conn *c = t->data;
    if (c->timer_mode == T_SLOW) {
        farm_answer_slow_due(c);
        return;
    }
    if (c->timer_mode != T_DRIP) {
        farm_conn_close(c, 0);
        return;
    }
    uint64_t elapsed = uv_now(&c->srv->loop) - c->started;
    if (elapsed >= (uint64_t)c->srv->conf.stall_seconds * 1000 || c->remaining == 0) {
        farm_conn_close(c, 0);
        return;
    }
    size_t n = c->remaining < DRIP_STEP ? c->remaining : DRIP_STEP;
    c->remaining -= n;
    farm_conn_write(c, NULL, 0, farm_filler, n, 0, AFTER_NOTHING);
}

static void conn_handle(struct farm_conn *c, const struct farm_request *req)
{
    int head_only = !strcmp(req->method, "HEAD");
    if (c->srv->log) {
        fprintf(c->srv->log, "%s %s %s\n", req->method, req->host, req->target);
        fflush(c->srv->log);
    }
    if (!head_only && strcmp(req->method, "GET")) {
        c->keep_alive = 0;
        farm_conn_respond_status(c, 0, 405, "Allow: GET, HEAD\r\n");
        return;
    }
    if (c->srv->slow_host && !strcasecmp(req->host, c->srv->slow_host)) {
        farm_answer_slow(c, head_only);
        return;
    }
    struct farm_vhost *v = farm_conf_host(&c->srv->conf, req->host);
    if (!v || v->mode == FARM_MODE_DOWN) {
        farm_conn_respond_page(c, head_only, 404, NULL, "404 Not Found",
                               "no such site on this farm");
        return;
    }
    struct strbuf path = STRBUF_INIT, query = STRBUF_INIT;
    if (farm_http_target(req->target, &path, &query)) {
        farm_conn_respond_status(c, head_only, 400, NULL);
    } else if (v->mode == FARM_MODE_CATCHALL) {
        farm_conn_respond_page(c, head_only, 200, NULL, v->host, "本页面由站点农场提供。");
    } else if ((!strcmp(path.buf, "/") || !strcmp(path.buf, "/index.html")) && v->flaky > 0 &&
               farm_answer_flaky(v)) {
        farm_conn_respond_status(c, head_only, 503, NULL);
    } else {
        struct farm_fault *f = NULL;
        for (int i = 0; i < v->nfaults && !f; i++)
            if (!strcmp(v->faults[i].path, path.buf))
                f = &v->faults[i];
        if (f)
            farm_answer_fault(c, v, f, head_only, path.buf, query.buf);
        else
            farm_answer_file(c, v, head_only, path.buf, query.buf);
    }
    strbuf_release(&path);
    strbuf_release(&query);
}

static void conn_process(struct farm_conn *c)
{
    if (c->busy || c->closing)
        return;
    struct farm_request req;
    int rc = farm_http_parse(c->in.buf, c->in.len, &req);
    if (rc == 0 && c->eof) { /* no whole request left and none will come */
        farm_conn_close(c, 0);
        return;
    }
    if (rc == 0) {
        c->timer_mode = T_IDLE;
        uv_timer_start(&c->timer, farm_conn_on_timer, IDLE_MS, 0);
        return;
    }
    uv_timer_stop(&c->timer);
    c->busy = 1;
    if (rc < 0) {
        c->keep_alive = 0;
        farm_conn_respond_status(c, 0, c->in.len > FARM_MAX_HEAD ? 431 : 400, NULL);
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
    struct farm_conn *c = st->data;
    if (nread == UV_EOF) { /* a half-close: answer what was asked, then close */
        c->eof = 1;
        uv_read_stop(st);
        conn_process(c);
        return;
    }
    if (nread < 0) {
        farm_conn_close(c, 0);
        return;
    }
    if (nread == 0)
        return;
    if (c->in.len + (size_t)nread > 4 * FARM_MAX_HEAD) { /* a flood while busy */
        farm_conn_close(c, 0);
        return;
    }
    strbuf_add(&c->in, buf->base, (size_t)nread);
    if (c->in.failed) {
        farm_conn_close(c, 0);
        return;
    }
    conn_process(c);
}

static void on_connection(uv_stream_t *l, int status)
{
    struct farm_server *s = l->data;
    if (status < 0 || s->stopping)
        return;
    struct farm_conn *c = calloc(1, sizeof *c);
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
        farm_conn_close(c, 0);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    c->timer_mode = T_IDLE;
    uv_timer_start(&c->timer, farm_conn_on_timer, IDLE_MS, 0);
}

static void on_signal(uv_signal_t *sig, int signum)
{
    (void)signum;
    struct farm_server *s = sig->data;
    if (s->stopping)
        return;
    s->stopping = 1;
    uv_close((uv_handle_t *)&s->listener, NULL);
    uv_close((uv_handle_t *)&s->sigint, NULL);
    uv_close((uv_handle_t *)&s->sigterm, NULL);
    for (struct farm_conn *c = s->conns; c; c = c->next)
        farm_conn_close(c, 0);
}

/* A loopback port where nothing ever listens: bound, so no one else takes it, but a
 * connection attempt is refused. */
static int down_port_open(struct farm_server *s, struct sc_error *err)
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
    struct farm_server *s = calloc(1, sizeof *s);
    if (!s)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    s->down_fd = -1;
    s->slow_host = o->slow_host;
    s->slow_ms = o->slow_ms;
    memset(farm_filler, ' ', sizeof farm_filler);
    memcpy(farm_filler, "<html><body>", 12);
    int rc = farm_conf_load(o->dir, &s->conf, err);
    if (rc) {
        free(s);
        return rc;
    }
    signal(SIGPIPE, SIG_IGN);
    if (o->log && !(s->log = fopen(o->log, "a")))
        rc = sc_fail(err, SC_ERUNTIME, "%s: %s", o->log, strerror(errno));
    if (!rc)
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
        if (s->slow_host)
            printf("%s:80:127.0.0.1:%d\n", s->slow_host, port);
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
    if (s->log && fclose(s->log) && !rc)
        rc = sc_fail(err, SC_ERUNTIME, "%s: %s", o->log, strerror(errno));
    farm_conf_free(&s->conf);
    free(s->bomb);
    free(s);
    return rc;
}

/* crawl_httpd: a tiny threaded HTTP/1.1 server on 127.0.0.1 for the fetch and crawl unit
 * tests (header-only: included by test_fetch.c and test_crawl.c). One thread accepts; each
 * connection gets a thread that serves keep-alive requests through the test's handler.
 * The handler may ask to close without answering (a reset), to sleep, to send a raw
 * gzip body, and it sees a per-path request counter. `accepted` counts the connections
 * accepted (the availability probe's tests prove each probe opens a new one). */
#ifndef SPOTCHECK_CRAWL_HTTPD_H
#define SPOTCHECK_CRAWL_HTTPD_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/strbuf.h"

struct httpd_response {
    int status;
    struct strbuf headers; /* extra header lines, each ending in \r\n */
    struct strbuf body;
    int close_without_answer;
    int sleep_ms;
};

typedef void (*httpd_handler)(const char *method, const char *host, const char *path, int count,
                              struct httpd_response *r);

#define HTTPD_MAX_PATHS 512

struct httpd {
    int fd;
    int port;
    httpd_handler handler;
    pthread_t thread;
    pthread_mutex_t lock;
    char *paths[HTTPD_MAX_PATHS]; /* "METHOD host path" */
    int counts[HTTPD_MAX_PATHS];
    int total;
    int accepted; /* connections accepted so far (under lock) */
};

struct httpd_conn {
    struct httpd *h;
    int fd;
};

/* Counts a request and returns how many times "METHOD host path" was asked before + 1. */
static int httpd_count(struct httpd *h, const char *method, const char *host, const char *path)
{
    char key[2048];
    snprintf(key, sizeof key, "%s %s %s", method, host, path);
    pthread_mutex_lock(&h->lock);
    h->total++;
    int i;
    for (i = 0; i < HTTPD_MAX_PATHS && h->paths[i]; i++)
        if (strcmp(h->paths[i], key) == 0)
            break;
    int c = 0;
    if (i < HTTPD_MAX_PATHS) {
        if (!h->paths[i])
            h->paths[i] = strdup(key);
        c = ++h->counts[i];
    }
    pthread_mutex_unlock(&h->lock);
    return c;
}

/* Requests made so far for method ("GET", "HEAD" or NULL for both) host path. */
static int httpd_requests(struct httpd *h, const char *method, const char *host, const char *path)
{
    int n = 0;
    pthread_mutex_lock(&h->lock);
    for (int i = 0; i < HTTPD_MAX_PATHS && h->paths[i]; i++) {
        char m[16], ho[512], pa[1024];
        if (sscanf(h->paths[i], "%15s %511s %1023s", m, ho, pa) != 3)
            continue;
        if ((!method || strcmp(m, method) == 0) && strcmp(ho, host) == 0 && strcmp(pa, path) == 0)
            n += h->counts[i];
    }
    pthread_mutex_unlock(&h->lock);
    return n;
}

/* Connections accepted so far. */
static inline int httpd_accepted(struct httpd *h)
{
    pthread_mutex_lock(&h->lock);
    int n = h->accepted;
    pthread_mutex_unlock(&h->lock);
    return n;
}

static void *httpd_conn_main(void *arg)
{
    struct httpd_conn *c = arg;
    struct strbuf in = STRBUF_INIT;
    char buf[8192];
    for (;;) {
        char *end;
        while (!(end = strstr(in.buf, "\r\n\r\n"))) {
            ssize_t n = recv(c->fd, buf, sizeof buf, 0);
            if (n <= 0)
                goto done;
            strbuf_add(&in, buf, (size_t)n);
            if (in.buf[0] < 'A' || in.buf[0] > 'Z')
                goto done; /* not HTTP (a TLS ClientHello): hang up */
        }
        size_t head_len = (size_t)(end - in.buf) + 4;
        char method[16] = "", path[1024] = "", host[512] = "";
        sscanf(in.buf, "%15s %1023s", method, path);
        const char *hh = strcasestr(in.buf, "\r\nHost:");
        if (hh && hh < end)
            sscanf(hh + 7, " %511[^\r\n]", host);
        char *colon = strrchr(host, ':');
        if (colon)
            *colon = '\0';
        int count = httpd_count(c->h, method, host, path);
        struct httpd_response r = {200, STRBUF_INIT, STRBUF_INIT, 0, 0};
        c->h->handler(method, host, path, count, &r);
        if (r.sleep_ms)
            usleep((useconds_t)r.sleep_ms * 1000);
        if (r.close_without_answer) {
            strbuf_release(&r.headers);
            strbuf_release(&r.body);
            goto done;
        }
        struct strbuf out = STRBUF_INIT;
        strbuf_addf(&out, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n%s\r\n", r.status, r.body.len,
                    r.headers.buf);
        if (strcmp(method, "HEAD") != 0)
            strbuf_add(&out, r.body.buf, r.body.len);
        size_t off = 0;
        while (off < out.len) {
            ssize_t n = send(c->fd, out.buf + off, out.len - off, MSG_NOSIGNAL);
            if (n <= 0)
                break;
            off += (size_t)n;
        }
        strbuf_release(&out);
        strbuf_release(&r.headers);
        strbuf_release(&r.body);
        memmove(in.buf, in.buf + head_len, in.len - head_len + 1);
        in.len -= head_len;
    }
done:
    close(c->fd);
    strbuf_release(&in);
    free(c);
    return NULL;
}

static void *httpd_accept_main(void *arg)
{
    struct httpd *h = arg;
    for (;;) {
        int fd = accept(h->fd, NULL, NULL);
        if (fd < 0)
            return NULL; /* the listening socket was shut down */
        pthread_mutex_lock(&h->lock);
        h->accepted++;
        pthread_mutex_unlock(&h->lock);
        struct httpd_conn *c = malloc(sizeof *c);
        c->h = h;
        c->fd = fd;
        pthread_t t;
        pthread_create(&t, NULL, httpd_conn_main, c);
        pthread_detach(t);
    }
}

/* Starts a server on an ephemeral port of 127.0.0.1. */
static struct httpd *httpd_start(httpd_handler handler)
{
    struct httpd *h = calloc(1, sizeof *h);
    pthread_mutex_init(&h->lock, NULL);
    h->handler = handler;
    h->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(h->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(h->fd, 128) != 0)
        abort();
    socklen_t len = sizeof a;
    getsockname(h->fd, (struct sockaddr *)&a, &len);
    h->port = ntohs(a.sin_port);
    pthread_create(&h->thread, NULL, httpd_accept_main, h);
    return h;
}

/* Stops accepting; connection threads end when their clients close. */
static void httpd_stop(struct httpd *h)
{
    shutdown(h->fd, SHUT_RDWR);
    close(h->fd);
    pthread_join(h->thread, NULL);
    usleep(20000);
    for (int i = 0; i < HTTPD_MAX_PATHS && h->paths[i]; i++)
        free(h->paths[i]);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

/* Helpers for handlers. */
static void httpd_html(struct httpd_response *r, const char *body)
{
    strbuf_adds(&r->headers, "Content-Type: text/html; charset=utf-8\r\n");
    strbuf_adds(&r->body, body);
}

#endif

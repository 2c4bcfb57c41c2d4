/* fetch: libcurl multi + libuv HTTP engine with politeness, redirects, retries and limits
 * (see fetch.h; the libuv marriage is curl_uv.h's). */
#include "probes/net/fetch.h"
#include "common/strbuf.h"
#include "probes/net/crawl_map.h"
#include "probes/net/curl_uv.h"
#include "probes/net/url.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct fetch_host;

/* One request from submit to callback, across its redirects, retries and HEAD→GET. */
struct xfer {
    struct fetch_engine *eng;
    struct fetch_host *host; /* of the current hop */
    CURL *easy;              /* while running */
    char *url;               /* as requested */
    char *hop;               /* URL of the current hop */
    enum fetch_method method;
    int keep_body;
    int mapped; /* a --connect-to entry maps the current hop */
    struct strbuf body;
    struct strbuf headers; /* keep_body only: the current response's header block */
    int headers_truncated;
    char *content_type;
    char **chain; /* redirect targets */
    size_t nchain;
    int attempts, retries;
    int too_large, stopped, refused_private, oom;
    int status;
    const char *error;
    int transient;
    uint64_t not_before;              /* retry backoff: do not start before (uv_now ms) */
    struct xfer *next;                /* in a host queue, the delayed list or the done list */
    struct xfer *run_prev, *run_next; /* in the running list while curl has it */
    fetch_done_fn done;
    void *user;
};

struct fetch_host {
    char *key; /* scheme://host:port */
    char *name;
    int port;
    int mapped;
    int active;
    uint64_t next_start;
    struct xfer *head, *tail;         /* queued */
    struct fetch_host *rprev, *rnext; /* in the ready list while the queue is not empty */
    int in_ready;
    struct fetch_host *all_next;
};

struct fetch_engine {
    uv_loop_t *loop;
    struct fetch_options opt;
    struct curl_uv *cu;
    CURLM *multi; /* cu's */
    struct curl_slist *connect_to;
    uv_timer_t pump_timer; /* start queued transfers (politeness delay, submit) */
    uv_timer_t retry_timer;
    struct crawl_map hosts;
    struct fetch_host *all_hosts;
    struct fetch_host *ready; /* hosts with queued work */
    struct xfer *delayed;     /* waiting for a retry */
    struct xfer *done_head, *done_tail;
    struct xfer *running;
    size_t active, pending;
    CURL **pool; /* idle easy handles */
    size_t npool;
    int closing; /* fetch_engine_close() has begun: new submits end "cancelled" */
    int closed;  /* ... and delivered every callback: a submit now is refused */
    int open_handles; /* libuv handles not yet closed (the two timers, and cu as one) */
    void (*on_closed)(void *user);
    void *on_closed_user;
};

static const char *const private_error = "private_address";

void fetch_options_default(struct fetch_options *o)
{
    memset(o, 0, sizeof *o);
    o->timeout_ms = 30000;
    o->connect_timeout_ms = 10000;
    o->low_speed_s = 20;
    o->max_body = 10u << 20;
    o->max_redirects = 5;
    o->max_retries = 2;
    o->retry_base_ms = 500;
    o->retry_after_cap_ms = 30000;
    o->concurrency = 8;
    o->per_host = 2;
    o->delay_ms = 250;
}

/* ---- addresses and --connect-to ---- */

int fetch_addr_is_private(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        uint32_t a = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
        return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 ||
               (a >> 20) == (172u << 4 | 1) || (a >> 16) == (192u << 8 | 168) ||
               (a >> 16) == (169u << 8 | 254) || (a >> 22) == (100u << 2 | 1) || (a >> 28) == 14 ||
               a == 0xffffffffu;
    }
    if (sa->sa_family == AF_INET6) {
        const unsigned char *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        static const unsigned char zero[16];
        if (memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1))
            return 1; /* :: and ::1 */
        if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || b[0] == 0xff)
            return 1; /* fc00::/7, fe80::/10, multicast */
        if (memcmp(b, zero, 10) == 0 && b[10] == 0xff && b[11] == 0xff) {
            struct sockaddr_in v4;
            memset(&v4, 0, sizeof v4);
            v4.sin_family = AF_INET;
            memcpy(&v4.sin_addr, b + 12, 4);
            return fetch_addr_is_private((const struct sockaddr *)&v4);
        }
        return 0;
    }
    return 1; /* anything else is not for us */
}

/* Splits one HOST:PORT:ADDR:PORT field starting at *s into [start,end); a field may be a
 * bracketed IPv6 literal. Advances *s past the field and its ':' (if any). */
static void connect_field(const char **s, const char **start, size_t *len)
{
    const char *p = *s;
    *start = p;
    if (*p == '[') {
        const char *close = strchr(p, ']');
        p = close ? close + 1 : p + strlen(p);
    }
    while (*p && *p != ':')
        p++;
    *len = (size_t)(p - *start);
    *s = *p == ':' ? p + 1 : p;
}

static int port_field_ok(const char *s, size_t n)
{
    if (n > 5)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n == 0 || (atoi(s) >= 1 && atoi(s) <= 65535); /* port 0 is no port */
}

int fetch_connect_to_valid(const char *s)
{
    const char *f[4];
    size_t n[4];
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        if (i > 0 && p[-1] != ':')
            return 0;
        connect_field(&p, &f[i], &n[i]);
    }
    return *p == '\0' && p[-1] != ':' && port_field_ok(f[1], n[1]) && port_field_ok(f[3], n[3]);
}

int fetch_connect_to_maps(char *const *entries, size_t nentries, const char *host, int port)
{
    for (size_t i = 0; i < nentries; i++) {
        const char *f[4];
        size_t n[4];
        const char *p = entries[i];
        for (int k = 0; k < 4; k++)
            connect_field(&p, &f[k], &n[k]);
        if (n[0] && !(strlen(host) == n[0] && strncasecmp(host, f[0], n[0]) == 0))
            continue;
        if (n[1] && atoi(f[1]) != port)
            continue;
        return n[2] > 0 || n[3] > 0; /* first match wins; "h:p::" maps nothing */
    }
    return 0;
}

/* ---- hosts and queues ---- */

/* The host queue of url, made on first use: 0, SC_EINPUT for a URL with no usable host,
 * or SC_ENOMEM (never mistaken for a bad URL: the caller would call a good link broken). */
static int host_get(struct fetch_engine *e, const char *url, struct fetch_host **out)
{
    *out = NULL;
    char *key = url_origin(url);
    if (!key) { /* NULL for a bad URL and for no memory: tell which */
        char *name = NULL;
        int port, rc = url_host_port(url, &name, &port);
        free(name);
        return rc == 0 || rc == SC_ENOMEM ? SC_ENOMEM : SC_EINPUT;
    }
    struct fetch_host *h = crawl_map_get(&e->hosts, key);
    if (h) {
        free(key);
        *out = h;
        return 0;
    }
    h = calloc(1, sizeof *h);
    int rc = h ? url_host_port(url, &h->name, &h->port) : SC_ENOMEM;
    if (rc < 0) {
        free(h);
        free(key);
        return rc == SC_ENOMEM ? SC_ENOMEM : SC_EINPUT;
    }
    h->key = key;
    h->mapped = fetch_connect_to_maps(e->opt.connect_to, e->opt.nconnect_to, h->name, h->port);
    if (crawl_map_put(&e->hosts, h->key, h) < 0) {
        free(h->name);
        free(h->key);
        free(h);
        return SC_ENOMEM;
    }
    h->all_next = e->all_hosts;
    e->all_hosts = h;
    *out = h;
    return 0;
}

static void ready_add(struct fetch_engine *e, struct fetch_host *h)
{
    if (h->in_ready)
        return;
    h->in_ready = 1;
    h->rprev = NULL;
    h->rnext = e->ready;
    if (e->ready)
        e->ready->rprev = h;
    e->ready = h;
}

static void ready_remove(struct fetch_engine *e, struct fetch_host *h)
{
    if (!h->in_ready)
        return;
    if (h->rprev)
        h->rprev->rnext = h->rnext;
    else
        e->ready = h->rnext;
    if (h->rnext)
        h->rnext->rprev = h->rprev;
    h->in_ready = 0;
}

static void host_enqueue(struct fetch_engine *e, struct fetch_host *h, struct xfer *x, int front)
{
    x->host = h;
    if (front) {
        x->next = h->head;
        h->head = x;
        if (!h->tail)
            h->tail = x;
    } else {
        x->next = NULL;
        if (h->tail)
            h->tail->next = x;
        else
            h->head = x;
        h->tail = x;
    }
    ready_add(e, h);
}

static struct xfer *host_dequeue(struct fetch_engine *e, struct fetch_host *h)
{
    struct xfer *x = h->head;
    if (x) {
        h->head = x->next;
        if (!h->head) {
            h->tail = NULL;
            ready_remove(e, h);
        }
        x->next = NULL;
    }
    return x;
}

static void on_pump_timer(uv_timer_t *t);

static void pump_soon(struct fetch_engine *e, uint64_t ms)
{
    if (e->closing)
        return;
    if (uv_is_active((uv_handle_t *)&e->pump_timer) && uv_timer_get_due_in(&e->pump_timer) <= ms)
        return;
    uv_timer_start(&e->pump_timer, on_pump_timer, ms, 0);
}

/* ---- finishing ---- */

static void xfer_free(struct xfer *x)
{
    free(x->url);
    free(x->hop);
    strbuf_release(&x->body);
    strbuf_release(&x->headers);
    free(x->content_type);
    for (size_t i = 0; i < x->nchain; i++)
        free(x->chain[i]);
    free(x->chain);
    free(x);
}

/* Moves x to the done list; callbacks run from deliver_done(), never re-entrantly. */
static void xfer_finish(struct fetch_engine *e, struct xfer *x, const char *error, int transient)
{
    x->error = error;
    x->transient = transient;
    x->next = NULL;
    if (e->done_tail)
        e->done_tail->next = x;
    else
        e->done_head = x;
    e->done_tail = x;
}

static void deliver_done(struct fetch_engine *e)
{
    while (e->done_head) {
        struct xfer *x = e->done_head;
        e->done_head = x->next;
        if (!e->done_head)
            e->done_tail = NULL;
        e->pending--;
        struct fetch_result r;
        memset(&r, 0, sizeof r);
        r.url = x->url;
        r.final_url = x->hop ? x->hop : x->url;
        r.status = x->status;
        r.error = x->error;
        r.transient = x->transient;
        r.content_type = x->content_type;
        r.redirects = (const char *const *)x->chain;
        r.nredirects = x->nchain;
        r.attempts = x->attempts;
        r.method = x->method;
        if (x->keep_body && !x->error && !x->body.failed) {
            r.body_len = x->body.len;
            r.body = strbuf_detach(&x->body);
        }
        if (x->keep_body && x->headers.len && !x->headers.failed) {
            r.headers_len = x->headers.len;
            r.headers_truncated = x->headers_truncated;
            r.headers = strbuf_detach(&x->headers);
        }
        x->done(&r, x->user);
        free(r.body);
        free(r.headers);
        xfer_free(x);
    }
}

/* ---- starting transfers ---- */

static size_t on_write(char *p, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t total = size * n;
    if (!x->keep_body || x->method == FETCH_HEAD) {
        if (total == 0)
            return 0;
        x->stopped = 1; /* the status is known; the body is not wanted */
        return 0;
    }
    if (x->body.len == 0) { /* size the buffer once from Content-Length */
        curl_off_t cl = -1;
        curl_easy_getinfo(x->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
        if (cl > 0 && (size_t)cl <= x->eng->opt.max_body)
            strbuf_grow(&x->body, (size_t)cl);
    }
    if (x->body.len + total > x->eng->opt.max_body) {
        x->too_large = 1;
        return 0;
    }
    strbuf_add(&x->body, p, total);
    if (x->body.failed) {
        x->oom = 1;
        return 0;
    }
    return total;
}

/* keep_body requests: collects the response's header lines (curl hands them one by one,
 * each response's from its status line); a new status line starts a new block, so a 1xx
 * interim response gives way to the final one. Lines past FETCH_HEADERS_MAX are dropped. */
static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t total = size * n;
    if (total >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        strbuf_reset(&x->headers);
        x->headers_truncated = 0;
    }
    if (x->headers_truncated || x->headers.len + total > FETCH_HEADERS_MAX) {
        x->headers_truncated = 1;
        return total;
    }
    strbuf_add(&x->headers, p, total);
    if (x->headers.failed) {
        x->oom = 1;
        return 0;
    }
    return total;
}

static curl_socket_t on_opensocket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct xfer *x = ud;
    (void)purpose;
    if (!x->eng->opt.allow_private && !x->mapped && fetch_addr_is_private(&a->addr)) {
        x->refused_private = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

static CURL *easy_get(struct fetch_engine *e)
{
    if (e->npool) {
        CURL *c = e->pool[--e->npool];
        curl_easy_reset(c);
        return c;
    }
    return curl_easy_init();
}

static void easy_put(struct fetch_engine *e, CURL *c)
{
    if (e->npool < (size_t)e->opt.concurrency) {
        e->pool[e->npool++] = c;
        return;
    }
    curl_easy_cleanup(c);
}

static int xfer_start(struct fetch_engine *e, struct xfer *x)
{
    struct fetch_host *h = x->host;
    x->mapped = h->mapped;
    if (e->opt.no_dns && !h->mapped && !url_host_is_ip(h->name)) {
        xfer_finish(e, x, "dns", 0);
        return 0;
    }
    CURL *c = easy_get(e);
    if (!c) {
        xfer_finish(e, x, "oom", 0);
        return 0;
    }
    strbuf_reset(&x->body);
    strbuf_reset(&x->headers);
    x->headers_truncated = 0;
    x->too_large = x->stopped = x->refused_private = x->oom = 0;
    x->status = 0;
    free(x->content_type);
    x->content_type = NULL;
    curl_easy_setopt(c, CURLOPT_URL, x->hop);
    curl_easy_setopt(c, CURLOPT_PRIVATE, x);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    if (x->keep_body) {
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    }
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_opensocket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, x);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, e->opt.timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, e->opt.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, e->opt.low_speed_s);
    curl_easy_setopt(c, CURLOPT_USERAGENT,
                     e->opt.user_agent ? e->opt.user_agent : FETCH_USER_AGENT);
    if (e->connect_to)
        curl_easy_setopt(c, CURLOPT_CONNECT_TO, e->connect_to);
    if (x->method == FETCH_HEAD)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (x->keep_body)
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)e->opt.max_body);
    x->easy = c;
    x->attempts++;
    if (curl_multi_add_handle(e->multi, c) != CURLM_OK) {
        x->easy = NULL;
        easy_put(e, c);
        xfer_finish(e, x, "oom", 0);
        return 0;
    }
    h->active++;
    e->active++;
    x->run_prev = NULL;
    x->run_next = e->running;
    if (e->running)
        e->running->run_prev = x;
    e->running = x;
    return 0;
}

static void pump(struct fetch_engine *e)
{
    if (e->closing)
        return;
    uint64_t now = uv_now(e->loop);
    uint64_t wake = UINT64_MAX;
    struct fetch_host *h = e->ready;
    while (h && e->active < (size_t)e->opt.concurrency) {
        struct fetch_host *next = h->rnext;
        while (h->head && e->active < (size_t)e->opt.concurrency && h->active < e->opt.per_host) {
            if (now < h->next_start) {
                if (h->next_start < wake)
                    wake = h->next_start;
                break;
            }
            struct xfer *x = host_dequeue(e, h);
            h->next_start = now + (uint64_t)e->opt.delay_ms;
            xfer_start(e, x);
        }
        h = next;
    }
    /* Round robin: move the head of the ready list to its end so no host starves. */
    if (e->ready && e->ready->rnext) {
        struct fetch_host *first = e->ready;
        ready_remove(e, first);
        struct fetch_host *last = e->ready;
        while (last->rnext)
            last = last->rnext;
        first->in_ready = 1;
        first->rprev = last;
        first->rnext = NULL;
        last->rnext = first;
    }
    if (wake != UINT64_MAX)
        pump_soon(e, wake - now);
    deliver_done(e);
}

static void on_pump_timer(uv_timer_t *t)
{
    pump(t->data);
}

/* ---- retries and redirects ---- */

static void on_retry_timer(uv_timer_t *t)
{
    struct fetch_engine *e = t->data;
    uint64_t now = uv_now(e->loop), wake = UINT64_MAX;
    struct xfer **pp = &e->delayed;
    while (*pp) {
        struct xfer *x = *pp;
        if (x->not_before <= now) {
            *pp = x->next;
            host_enqueue(e, x->host, x, 1);
        } else {
            if (x->not_before < wake)
                wake = x->not_before;
            pp = &x->next;
        }
    }
    if (wake != UINT64_MAX)
        uv_timer_start(&e->retry_timer, on_retry_timer, wake - now, 0);
    pump(e);
}

static void xfer_delay(struct fetch_engine *e, struct xfer *x, uint64_t ms)
{
    x->not_before = uv_now(e->loop) + ms;
    x->next = e->delayed;
    e->delayed = x;
    if (!uv_is_active((uv_handle_t *)&e->retry_timer) || uv_timer_get_due_in(&e->retry_timer) > ms)
        uv_timer_start(&e->retry_timer, on_retry_timer, ms, 0);
}

/* Retries x after a backoff if it has retries left; else finishes it with error. */
static void xfer_retry_or_finish(struct fetch_engine *e, struct xfer *x, const char *error,
                                 long retry_after_s)
{
    if (x->retries >= e->opt.max_retries) {
        xfer_finish(e, x, error, 1);
        return;
    }
    uint64_t ms = (uint64_t)e->opt.retry_base_ms << x->retries;
    if (retry_after_s > 0) {
        uint64_t ra = (uint64_t)retry_after_s * 1000;
        ms = ra < (uint64_t)e->opt.retry_after_cap_ms ? ra : (uint64_t)e->opt.retry_after_cap_ms;
    }
    x->retries++;
    xfer_delay(e, x, ms);
}

static void xfer_redirect(struct fetch_engine *e, struct xfer *x, const char *location)
{
    char *next = NULL;
    int st = url_normalise(location, &next);
    if (st == SC_ENOMEM) {
        xfer_finish(e, x, "oom", 0);
        return;
    }
    if (st != URL_OK) {
        xfer_finish(e, x, "bad_redirect", 0);
        return;
    }
    int loop = strcmp(next, x->url) == 0 || strcmp(next, x->hop) == 0;
    for (size_t i = 0; i < x->nchain && !loop; i++)
        loop = strcmp(next, x->chain[i]) == 0;
    if (loop || (int)x->nchain >= e->opt.max_redirects) {
        free(next);
        xfer_finish(e, x, loop ? "redirect_loop" : "too_many_redirects", 0);
        return;
    }
    char **nc = realloc(x->chain, (x->nchain + 1) * sizeof *nc);
    char *hop = strdup(next);
    struct fetch_host *h = NULL;
    int hrc = host_get(e, next, &h);
    if (!nc || !hop || hrc < 0) {
        if (nc)
            x->chain = nc;
        free(hop);
        free(next);
        xfer_finish(e, x, hrc == SC_EINPUT && nc && hop ? "bad_redirect" : "oom", 0);
        return;
    }
    x->chain = nc;
    x->chain[x->nchain++] = next;
    free(x->hop);
    x->hop = hop;
    x->retries = 0;
    host_enqueue(e, h, x, 1);
}

/* A finished curl transfer: decide between done, retry, redirect and HEAD→GET. */
static void xfer_done(struct fetch_engine *e, struct xfer *x, CURLcode rc)
{
    CURL *c = x->easy;
    long status = 0;
    curl_off_t retry_after = 0;
    char *location = NULL, *ctype = NULL;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &retry_after);
    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ctype);
    x->status = (int)status;
    free(x->content_type); /* a redirect's or an earlier attempt's */
    x->content_type = ctype ? strdup(ctype) : NULL;
    char *loc = location ? strdup(location) : NULL;
    if ((ctype && !x->content_type) || (location && !loc))
        x->oom = 1; /* without them a page would pass for another kind, or a redirect for none */
    curl_multi_remove_handle(e->multi, c);
    if (x->run_prev)
        x->run_prev->run_next = x->run_next;
    else
        e->running = x->run_next;
    if (x->run_next)
        x->run_next->run_prev = x->run_prev;
    x->easy = NULL;
    easy_put(e, c);
    x->host->active--;
    e->active--;

    if (e->closing) {
        free(loc);
        xfer_finish(e, x, "cancelled", 0);
        return;
    }
    int transient = 0;
    const char *word = NULL;
    if (x->refused_private)
        word = private_error;
    else if (x->too_large)
        word = "too_large";
    else if (x->oom)
        word = "oom";
    else if (rc == CURLE_WRITE_ERROR && x->stopped)
        word = NULL;
    else if (rc != CURLE_OK)
        word = curl_uv_error_word(rc, &transient);

    if (word && transient)
        xfer_retry_or_finish(e, x, word, 0);
    else if (word)
        xfer_finish(e, x, word, 0);
    else if (status >= 300 && status < 400 && loc)
        xfer_redirect(e, x, loc);
    else if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
        xfer_finish(e, x, "bad_redirect", 0); /* a redirect with no (usable) Location */
    else if (x->method == FETCH_HEAD && (status >= 400 || status == 0)) {
        x->method = FETCH_GET; /* HEAD refused or lying: ask again with GET */
        host_enqueue(e, x->host, x, 1);
    } else if (status == 429 || status >= 500)
        xfer_retry_or_finish(e, x, "http_status", (long)retry_after);
    else
        xfer_finish(e, x, status >= 400 ? "http_status" : NULL, 0);
    free(loc);
}

/* curl_uv's callbacks: a transfer is finished; then the queues may move. */
/* curl could not go on (out of memory inside curl_multi_socket_action): a transfer it was
 * working on may never be reported done, so every running one ends "oom" now (delivered,
 * like every result, by the pump that follows). */
static void on_curl_failed(CURLMcode code, void *user)
{
    struct fetch_engine *e = user;
    (void)code;
    while (e->running)
        xfer_done(e, e->running, CURLE_OUT_OF_MEMORY);
}

static void on_curl_done(CURL *c, CURLcode rc, void *user)
{
    struct xfer *x = NULL;
    curl_easy_getinfo(c, CURLINFO_PRIVATE, (char **)&x);
    xfer_done(user, x, rc);
}

static void on_curl_after(void *user)
{
    pump(user);
}

/* A libuv handle of a closed engine is closed: free the engine after the last one and
 * tell its owner. */
static void engine_handle_gone(void *user)
{
    struct fetch_engine *e = user;
    if (--e->open_handles > 0)
        return;
    void (*cb)(void *) = e->on_closed;
    void *cb_user = e->on_closed_user;
    crawl_map_release(&e->hosts);
    free(e);
    if (cb)
        cb(cb_user);
}

static void on_handle_closed(uv_handle_t *h)
{
    engine_handle_gone(h->data);
}

/* ---- life cycle ---- */

int fetch_engine_new(uv_loop_t *loop, const struct fetch_options *opt, struct fetch_engine **out,
                     struct sc_error *err)
{
    *out = NULL;
    for (size_t i = 0; i < opt->nconnect_to; i++)
        if (!fetch_connect_to_valid(opt->connect_to[i]))
            return sc_fail(err, SC_EINPUT, "--connect-to '%s': expected HOST:PORT:ADDR:PORT",
                           opt->connect_to[i]);
    struct fetch_engine *e = calloc(1, sizeof *e);
    if (!e)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    e->loop = loop;
    e->opt = *opt;
    if (e->opt.concurrency < 1)
        e->opt.concurrency = 1;
    if (e->opt.per_host < 1)
        e->opt.per_host = 1;
    e->opt.connect_to = NULL;
    e->opt.nconnect_to = 0;
    e->opt.user_agent = NULL;
    crawl_map_init(&e->hosts);
    int rc = SC_ENOMEM;
    e->opt.connect_to = calloc(opt->nconnect_to + 1, sizeof(char *));
    e->pool = calloc((size_t)e->opt.concurrency, sizeof(CURL *));
    if (!e->opt.connect_to || !e->pool)
        goto err;
    for (size_t i = 0; i < opt->nconnect_to; i++) {
        struct curl_slist *l = curl_slist_append(e->connect_to, opt->connect_to[i]);
        if (l)
            e->connect_to = l; /* kept (and freed on error) before anything else can fail */
        e->opt.connect_to[i] = strdup(opt->connect_to[i]);
        if (e->opt.connect_to[i])
            e->opt.nconnect_to++;
        if (!l || !e->opt.connect_to[i])
            goto err;
    }
    if (opt->user_agent && !(e->opt.user_agent = strdup(opt->user_agent)))
        goto err;
    struct curl_uv_callbacks cbs = {on_curl_done, on_curl_after, e, on_curl_failed};
    if ((rc = curl_uv_new(loop, &cbs, &e->cu, err)) != 0)
        goto err;
    e->multi = curl_uv_multi(e->cu);
    curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)e->opt.per_host);
    curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)e->opt.concurrency * 2);
    uv_timer_init(loop, &e->pump_timer);
    uv_timer_init(loop, &e->retry_timer);
    e->pump_timer.data = e->retry_timer.data = e;
    e->open_handles = 3;
    *out = e;
    return 0;
err:
    curl_slist_free_all(e->connect_to);
    for (size_t i = 0; e->opt.connect_to && i < e->opt.nconnect_to; i++)
        free(e->opt.connect_to[i]);
    free(e->opt.connect_to);
    free((char *)e->opt.user_agent);
    free(e->pool);
    free(e);
    return rc == SC_ENOMEM ? sc_fail(err, rc, "out of memory") : rc; /* else curl_uv said why */
}

int fetch_submit(struct fetch_engine *e, const struct fetch_request *req, fetch_done_fn done,
                 void *user)
{
    if (e->closed)
        return SC_ERUNTIME; /* every callback was delivered: this one never would be */
    struct xfer *x = calloc(1, sizeof *x);
    if (!x)
        return SC_ENOMEM;
    strbuf_init(&x->body);
    strbuf_init(&x->headers);
    x->eng = e;
    x->url = strdup(req->url);
    x->hop = strdup(req->url);
    x->method = req->method;
    x->keep_body = req->keep_body;
    x->done = done;
    x->user = user;
    if (!x->url || !x->hop) {
        xfer_free(x);
        return SC_ENOMEM;
    }
    e->pending++;
    if (e->closing) {
        /* A callback delivered by fetch_engine_close() asked for more: it ends cancelled,
         * delivered by the same close, so its callback still runs exactly once. */
        xfer_finish(e, x, "cancelled", 0);
        return 0;
    }
    int http = strncasecmp(x->url, "http://", 7) == 0 || strncasecmp(x->url, "https://", 8) == 0;
    struct fetch_host *h = NULL;
    if (http && host_get(e, x->url, &h) == SC_ENOMEM) {
        e->pending--;
        xfer_free(x);
        return SC_ENOMEM;
    }
    if (!h) {
        xfer_finish(e, x, "bad_url", 0);
        pump_soon(e, 0);
        return 0;
    }
    host_enqueue(e, h, x, 0);
    pump_soon(e, 0);
    return 0;
}

size_t fetch_pending(const struct fetch_engine *e)
{
    return e->pending;
}

void fetch_engine_close(struct fetch_engine *e, void (*on_closed)(void *user), void *user)
{
    e->closing = 1;
    e->on_closed = on_closed;
    e->on_closed_user = user;
    /* Running transfers, queued ones and delayed ones all end as "cancelled". */
    for (struct fetch_host *h = e->all_hosts; h; h = h->all_next) {
        struct xfer *x;
        while ((x = host_dequeue(e, h)))
            xfer_finish(e, x, "cancelled", 0);
    }
    while (e->delayed) {
        struct xfer *x = e->delayed;
        e->delayed = x->next;
        xfer_finish(e, x, "cancelled", 0);
    }
    while (e->running)
        xfer_done(e, e->running, CURLE_ABORTED_BY_CALLBACK);
    deliver_done(e); /* also delivers what those callbacks submitted, as "cancelled" */
    e->closed = 1;
    for (size_t i = 0; i < e->npool; i++)
        curl_easy_cleanup(e->pool[i]);
    free(e->pool);
    curl_uv_close(e->cu, engine_handle_gone, e); /* cleans up the multi */
    e->multi = NULL;
    curl_slist_free_all(e->connect_to);
    for (size_t i = 0; i < e->opt.nconnect_to; i++)
        free(e->opt.connect_to[i]);
    free(e->opt.connect_to);
    free((char *)e->opt.user_agent);
    struct fetch_host *h = e->all_hosts;
    while (h) {
        struct fetch_host *next = h->all_next;
        free(h->key);
        free(h->name);
        free(h);
        h = next;
    }
    e->all_hosts = NULL;
    uv_close((uv_handle_t *)&e->pump_timer, on_handle_closed);
    uv_close((uv_handle_t *)&e->retry_timer, on_handle_closed);
}

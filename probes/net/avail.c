/* avail: the availability probe and the engine that runs many of them on one loop (see
 * avail.h; the probe's rules are in docs/availability.md). */
#include "probes/net/avail.h"
#include "common/clock.h"
#include "common/sha256.h"
#include "probes/net/curl_uv.h"
#include "probes/net/fetch.h"
#include "probes/net/url.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct avail_probe {
    struct avail_engine *eng;
    CURL *easy; /* while curl has it */
    char *url;
    char *hop;             /* the URL of the current hop */
    int mapped;            /* a --connect-to entry maps the current hop's host */
    struct sc_sha256 hash; /* of the current hop's body */
    uint64_t bytes;
    time_t at;
    uint64_t start_ns;
    int64_t spent_us; /* curl's total time of the hops before the current one */
    int too_large, refused_private, hash_failed;
    int queued; /* finished: waiting in the done queue for its callback */
    struct avail_result res;
    avail_done_fn done;
    void *user;
    struct avail_probe *prev, *next; /* running list, or (next only) the done queue */
};

struct avail_engine {
    uv_loop_t *loop;
    struct avail_options opt;
    struct curl_slist *connect_to;
    struct curl_uv *cu;
    uv_timer_t deliver; /* a zero timer: callbacks run from here, never from start/cancel */
    struct avail_probe *running;
    struct avail_probe *done_head, *done_tail;
    size_t pending;
    int oneshot;        /* avail_probe_start's private engine: close after its probe */
    int closing;        /* avail_engine_close() was called: no new probes */
    int handles_closed; /* the timer and curl_uv are being closed */
    int open_handles;
    void (*on_closed)(void *user);
    void *on_closed_user;
};

void avail_options_default(struct avail_options *o)
{
    memset(o, 0, sizeof *o);
    o->timeout_ms = 15000;
    o->max_body = 10u << 20;
    o->max_redirects = 5;
}

const char *avail_outcome_word(enum avail_outcome o)
{
    return o == AVAIL_OK ? "ok" : o == AVAIL_FAIL ? "fail" : "cancelled";
}

/* ---- finishing and delivering ---- */

static void on_deliver(uv_timer_t *t);

static void probe_free(struct avail_probe *p)
{
    sc_sha256_release(&p->hash);
    free(p->url);
    free(p->hop);
    free(p);
}

static void running_remove(struct avail_engine *e, struct avail_probe *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        e->running = p->next;
    if (p->next)
        p->next->prev = p->prev;
    p->prev = p->next = NULL;
}

/* Queues p's result for delivery from the zero timer. */
static void probe_queue(struct avail_engine *e, struct avail_probe *p, enum avail_outcome outcome,
                        const char *error)
{
    p->res.outcome = outcome;
    p->res.error = error;
    p->queued = 1;
    p->next = NULL;
    if (e->done_tail)
        e->done_tail->next = p;
    else
        e->done_head = p;
    e->done_tail = p;
    if (!e->handles_closed)
        uv_timer_start(&e->deliver, on_deliver, 0, 0);
}

/* One of curl's timers (microseconds), 0 when curl has none. */
static int64_t curl_time(CURL *c, CURLINFO info)
{
    curl_off_t t = 0;
    return curl_easy_getinfo(c, info, &t) == CURLE_OK ? (int64_t)t : 0;
}

/* Reads curl's figures for p's current hop and takes its easy handle off the multi. The
 * phase times are the hop's own (from its start); the total adds the hops before it. */
static void probe_collect(struct avail_engine *e, struct avail_probe *p)
{
    CURL *c = p->easy;
    long status = 0;
    char *ip = NULL;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    p->res.status = (int)status;
    p->res.dns_us = curl_time(c, CURLINFO_NAMELOOKUP_TIME_T);
    p->res.connect_us = curl_time(c, CURLINFO_CONNECT_TIME_T);
    p->res.tls_us = curl_time(c, CURLINFO_APPCONNECT_TIME_T);
    p->res.first_byte_us = curl_time(c, CURLINFO_STARTTRANSFER_TIME_T);
    p->res.redirect_us = p->spent_us;
    p->res.total_us = p->spent_us + curl_time(c, CURLINFO_TOTAL_TIME_T);
    p->res.ip[0] = '\0';
    if (curl_easy_getinfo(c, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip)
        snprintf(p->res.ip, sizeof p->res.ip, "%s", ip);
    curl_multi_remove_handle(curl_uv_multi(e->cu), c);
    curl_easy_cleanup(c);
    p->easy = NULL;
    running_remove(e, p);
}

static const char *hop_start(struct avail_engine *e, struct avail_probe *p);

/* A 3xx hop with a Location: on to the next hop, or the word that ends the probe. */
static const char *probe_redirect(struct avail_engine *e, struct avail_probe *p,
                                  const char *location)
{
    char *next = NULL;
    int st = url_resolve(p->hop, location, &next);
    if (st == SC_ENOMEM)
        return "oom";
    if (st != URL_OK) {
        free(next);
        return "bad_redirect"; /* empty, unparseable or not http(s) */
    }
    if (p->res.nredirects >= e->opt.max_redirects) {
        free(next);
        return "too_many_redirects";
    }
    if (p->res.total_us >= (int64_t)e->opt.timeout_ms * 1000) {
        free(next);
        return "timeout";
    }
    free(p->hop);
    p->hop = next;
    p->res.nredirects++;
    p->spent_us = p->res.total_us;
    return hop_start(e, p);
}

/* A hop curl has finished: classify it (docs/availability.md), follow a redirect, or queue
 * the result. */
/* curl could not go on (out of memory): a running probe may never finish by itself, so
 * each ends now as a failure of ours ("oom"), never as the site's. */
static void on_curl_failed(CURLMcode code, void *user)
{
    struct avail_engine *e = user;
    (void)code;
    while (e->running) {
        struct avail_probe *p = e->running;
        probe_collect(e, p);
        probe_queue(e, p, AVAIL_FAIL, "oom");
    }
}

static void on_curl_done(CURL *c, CURLcode rc, void *user)
{
    struct avail_engine *e = user;
    struct avail_probe *p = NULL;
    char *location = NULL;
    curl_easy_getinfo(c, CURLINFO_PRIVATE, (char **)&p);
    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
    char *loc = location ? strdup(location) : NULL;
    probe_collect(e, p);
    int status = p->res.status, transient;
    const char *word = NULL;
    if (p->refused_private)
        word = "private_address";
    else if (p->too_large)
        word = "too_large";
    else if (p->hash_failed || (location && !loc))
        word = "oom";
    else if (rc != CURLE_OK)
        word = curl_uv_error_word(rc, &transient);
    else if (status >= 300 && status < 400 && loc) {
        word = probe_redirect(e, p, loc);
        free(loc);
        if (!word)
            return; /* the next hop is under way */
        probe_queue(e, p, AVAIL_FAIL, word);
        return;
    } else if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
        word = "bad_redirect"; /* a redirect that names no target */
    else if (status < 200 || status > 299)
        word = "http_status";
    free(loc);
    if (rc == CURLE_OK && !word && sc_sha256_end_hex(&p->hash, p->res.sha256) != 0)
        word = "oom";
    else if (rc == CURLE_OK && word && !p->too_large && !p->hash_failed)
        sc_sha256_end_hex(&p->hash, p->res.sha256); /* an error page arrived whole: hashed */
    probe_queue(e, p, word ? AVAIL_FAIL : AVAIL_OK, word);
}

static void close_handles(struct avail_engine *e);

static void on_deliver(uv_timer_t *t)
{
    struct avail_engine *e = t->data;
    while (e->done_head) {
        struct avail_probe *p = e->done_head;
        e->done_head = p->next;
        if (!e->done_head)
            e->done_tail = NULL;
        e->pending--;
        p->res.url = p->url;
        p->res.final_url = p->hop;
        p->res.at = p->at;
        p->res.start_ns = p->start_ns;
        p->res.bytes = p->bytes;
        p->done(&p->res, p->user);
        probe_free(p);
    }
    if ((e->closing || (e->oneshot && e->pending == 0)) && !e->running && !e->handles_closed)
        close_handles(e);
}

/* ---- curl callbacks ---- */

static size_t on_write(char *data, size_t size, size_t n, void *ud)
{
    struct avail_probe *p = ud;
    size_t total = size * n;
    if (p->bytes + total > p->eng->opt.max_body) {
        p->too_large = 1;
        return 0;
    }
    if (sc_sha256_add(&p->hash, data, total) != 0) {
        p->hash_failed = 1;
        return 0;
    }
    p->bytes += total;
    return total;
}

static curl_socket_t on_opensocket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct avail_probe *p = ud;
    (void)purpose;
    if (!p->eng->opt.allow_private && !p->mapped && fetch_addr_is_private(&a->addr)) {
        p->refused_private = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

/* ---- starting ---- */

static CURL *probe_easy(struct avail_engine *e, struct avail_probe *p)
{
    const struct avail_options *o = &e->opt;
    CURL *c = curl_easy_init();
    if (!c)
        return NULL;
    curl_easy_setopt(c, CURLOPT_URL, p->hop);
    curl_easy_setopt(c, CURLOPT_PRIVATE, p);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, p);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_opensocket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, p);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* hop by hop, here */
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    /* One budget for the whole chain, on curl's clock: what the hops before took is spent.
     * (curl's own TIMEOUT restarts on every redirect it follows, so it cannot do this.) */
    long left_ms = o->timeout_ms - (long)(p->spent_us / 1000);
    if (left_ms < 1)
        left_ms = 1;
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, left_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, left_ms);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
    /* Fresh: a new connection for every hop, closed after it, no cached address, no TLS
     * session resumed. */
    curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(c, CURLOPT_DNS_CACHE_TIMEOUT, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_SESSIONID_CACHE, 0L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, o->user_agent ? o->user_agent : FETCH_USER_AGENT);
    if (e->connect_to)
        curl_easy_setopt(c, CURLOPT_CONNECT_TO, e->connect_to);
    return c;
}

/* Starts p's current hop on a new easy handle. Returns NULL, or the word that ends the probe
 * at once (bad_url, dns under no_dns, oom). */
static const char *hop_start(struct avail_engine *e, struct avail_probe *p)
{
    char *host = NULL;
    int port = 0;
    int http = strncasecmp(p->hop, "http://", 7) == 0 || strncasecmp(p->hop, "https://", 8) == 0;
    if (!http || url_host_port(p->hop, &host, &port) != 0)
        return "bad_url";
    p->mapped = fetch_connect_to_maps(e->opt.connect_to, e->opt.nconnect_to, host, port);
    int is_ip = url_host_is_ip(host);
    free(host);
    if (e->opt.no_dns && !p->mapped && !is_ip)
        return "dns"; /* a name nothing maps is never looked up */
    sc_sha256_release(&p->hash);
    p->bytes = 0;
    p->too_large = p->refused_private = p->hash_failed = 0;
    if (sc_sha256_begin(&p->hash) != 0)
        return "oom";
    p->easy = probe_easy(e, p);
    if (!p->easy || curl_multi_add_handle(curl_uv_multi(e->cu), p->easy) != CURLM_OK) {
        curl_easy_cleanup(p->easy); /* NULL is fine */
        p->easy = NULL;
        return "oom";
    }
    p->prev = NULL;
    p->next = e->running;
    if (e->running)
        e->running->prev = p;
    e->running = p;
    return NULL;
}

int avail_engine_probe(struct avail_engine *e, const char *url, avail_done_fn done, void *user,
                       struct avail_probe **out, struct sc_error *err)
{
    if (out)
        *out = NULL;
    if (e->closing)
        return sc_fail(err, SC_ERUNTIME, "availability engine closing: %s not probed", url);
    struct avail_probe *p = calloc(1, sizeof *p);
    if (!p)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    p->eng = e;
    p->done = done;
    p->user = user;
    p->at = sc_clock_now();
    p->start_ns = uv_hrtime();
    p->url = strdup(url);
    p->hop = strdup(url);
    if (!p->url || !p->hop) {
        probe_free(p);
        return sc_fail(err, SC_ENOMEM, "out of memory");
    }
    e->pending++;
    if (out)
        *out = p;
    const char *word = hop_start(e, p);
    if (word)
        probe_queue(e, p, AVAIL_FAIL, word);
    return 0;
}

void avail_probe_cancel(struct avail_probe *p)
{
    if (p->queued)
        return; /* finished (or cancelled) already: its callback is on its way */
    probe_collect(p->eng, p);
    probe_queue(p->eng, p, AVAIL_CANCELLED, "cancelled");
}

size_t avail_engine_pending(const struct avail_engine *e)
{
    return e->pending;
}

/* ---- life cycle ---- */

static void engine_free_options(struct avail_engine *e)
{
    curl_slist_free_all(e->connect_to);
    for (size_t i = 0; e->opt.connect_to && i < e->opt.nconnect_to; i++)
        free(e->opt.connect_to[i]);
    free(e->opt.connect_to);
    free((char *)e->opt.user_agent);
}

static void handle_gone(void *user)
{
    struct avail_engine *e = user;
    if (--e->open_handles > 0)
        return;
    void (*cb)(void *) = e->on_closed;
    void *cb_user = e->on_closed_user;
    engine_free_options(e);
    free(e);
    if (cb)
        cb(cb_user);
}

static void on_timer_closed(uv_handle_t *h)
{
    handle_gone(h->data);
}

static void close_handles(struct avail_engine *e)
{
    e->closing = 1;
    e->handles_closed = 1;
    curl_uv_close(e->cu, handle_gone, e);
    uv_close((uv_handle_t *)&e->deliver, on_timer_closed);
}

int avail_engine_new(uv_loop_t *loop, const struct avail_options *opt, struct avail_engine **out,
                     struct sc_error *err)
{
    *out = NULL;
    if (opt->timeout_ms <= 0 || opt->max_body == 0 || opt->max_redirects < 0)
        return sc_fail(err, SC_EINPUT,
                       "availability probe: timeout, body limit and redirects "
                       "must be positive");
    for (size_t i = 0; i < opt->nconnect_to; i++)
        if (!fetch_connect_to_valid(opt->connect_to[i]))
            return sc_fail(err, SC_EINPUT, "--connect-to '%s': expected HOST:PORT:ADDR:PORT",
                           opt->connect_to[i]);
    struct avail_engine *e = calloc(1, sizeof *e);
    if (!e)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    e->loop = loop;
    e->opt = *opt;
    e->opt.connect_to = calloc(opt->nconnect_to + 1, sizeof(char *));
    e->opt.nconnect_to = 0;
    e->opt.user_agent = NULL;
    if (!e->opt.connect_to)
        goto oom;
    for (size_t i = 0; i < opt->nconnect_to; i++) {
        struct curl_slist *l = curl_slist_append(e->connect_to, opt->connect_to[i]);
        if (l)
            e->connect_to = l;
        e->opt.connect_to[i] = strdup(opt->connect_to[i]);
        if (!l || !e->opt.connect_to[i])
            goto oom;
        e->opt.nconnect_to++;
    }
    if (opt->user_agent && !(e->opt.user_agent = strdup(opt->user_agent)))
        goto oom;
    struct curl_uv_callbacks cbs = {on_curl_done, NULL, e, on_curl_failed};
    int rc = curl_uv_new(loop, &cbs, &e->cu, err);
    if (rc != 0) {
        engine_free_options(e);
        free(e);
        return rc;
    }
    uv_timer_init(loop, &e->deliver);
    e->deliver.data = e;
    e->open_handles = 2; /* the timer and curl_uv */
    *out = e;
    return 0;
oom:
    engine_free_options(e);
    free(e);
    return sc_fail(err, SC_ENOMEM, "out of memory");
}

void avail_engine_close(struct avail_engine *e, void (*on_closed)(void *user), void *user)
{
    if (e->closing)
        return;
    e->closing = 1;
    e->on_closed = on_closed;
    e->on_closed_user = user;
    while (e->running) {
        struct avail_probe *p = e->running;
        probe_collect(e, p);
        probe_queue(e, p, AVAIL_CANCELLED, "cancelled");
    }
    uv_timer_start(&e->deliver, on_deliver, 0, 0); /* delivers, then closes the handles */
}

int avail_probe_start(uv_loop_t *loop, const struct avail_options *opt, const char *url,
                      avail_done_fn done, void *user, struct avail_probe **out,
                      struct sc_error *err)
{
    struct avail_engine *e;
    if (out)
        *out = NULL;
    int rc = avail_engine_new(loop, opt, &e, err);
    if (rc != 0)
        return rc;
    e->oneshot = 1;
    rc = avail_engine_probe(e, url, done, user, out, err);
    if (rc != 0)
        avail_engine_close(e, NULL, NULL); /* nothing to deliver: it only closes its handles */
    return rc;
}

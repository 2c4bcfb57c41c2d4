/* curl_uv: libcurl multi on a libuv loop (see curl_uv.h). */
#include "probes/net/curl_uv.h"

#include <stdlib.h>

struct curl_uv {
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer; /* curl's timeout */
    struct curl_uv_callbacks cbs;
    int closing;
    int open_handles; /* libuv handles not yet closed: the timer and every poll */
    void (*on_closed)(void *user);
    void *on_closed_user;
};

struct curl_uv_sock {
    uv_poll_t poll;
    curl_socket_t fd;
    struct curl_uv *cu;
};

static void handle_gone(struct curl_uv *cu)
{
    if (--cu->open_handles > 0)
        return;
    void (*cb)(void *) = cu->on_closed;
    void *user = cu->on_closed_user;
    free(cu);
    if (cb)
        cb(user);
}

static void on_timer_closed(uv_handle_t *h)
{
    handle_gone(h->data);
}

static void on_sock_closed(uv_handle_t *h)
{
    struct curl_uv_sock *s = h->data;
    struct curl_uv *cu = s->cu;
    free(s);
    handle_gone(cu);
}

/* Hands every finished transfer to its owner, then calls after(). */
static void drain(struct curl_uv *cu)
{
    CURLMsg *msg;
    int left;
    while (!cu->closing && (msg = curl_multi_info_read(cu->multi, &left)))
        if (msg->msg == CURLMSG_DONE)
            cu->cbs.done(msg->easy_handle, msg->data.result, cu->cbs.user);
    if (!cu->closing && cu->cbs.after)
        cu->cbs.after(cu->cbs.user);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
    struct curl_uv_sock *s = p->data;
    struct curl_uv *cu = s->cu;
    int flags = 0, running = 0;
    if (status < 0)
        flags = CURL_CSELECT_ERR;
    if (!status && (events & UV_READABLE))
        flags |= CURL_CSELECT_IN;
    if (!status && (events & UV_WRITABLE))
        flags |= CURL_CSELECT_OUT;
    CURLMcode mc = curl_multi_socket_action(cu->multi, s->fd, flags, &running);
    if (mc != CURLM_OK && !cu->closing && cu->cbs.failed)
        cu->cbs.failed(mc, cu->cbs.user);
    drain(cu);
}

static void on_timer(uv_timer_t *t)
{
    struct curl_uv *cu = t->data;
    int running = 0;
    CURLMcode mc = curl_multi_socket_action(cu->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    if (mc != CURLM_OK && !cu->closing && cu->cbs.failed)
        cu->cbs.failed(mc, cu->cbs.user);
    drain(cu);
}

static int on_curl_socket(CURL *c, curl_socket_t fd, int action, void *userp, void *socketp)
{
    struct curl_uv *cu = userp;
    struct curl_uv_sock *s = socketp;
    (void)c;
    if (action == CURL_POLL_REMOVE) {
        if (s) {
            uv_poll_stop(&s->poll);
            uv_close((uv_handle_t *)&s->poll, on_sock_closed);
            curl_multi_assign(cu->multi, fd, NULL);
        }
        return 0;
    }
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s)
            return -1;
        s->fd = fd;
        s->cu = cu;
        if (uv_poll_init_socket(cu->loop, &s->poll, fd) != 0) {
            free(s);
            return -1;
        }
        s->poll.data = s;
        cu->open_handles++;
        curl_multi_assign(cu->multi, fd, s);
    }
    int ev = 0;
    if (action == CURL_POLL_IN || action == CURL_POLL_INOUT)
        ev |= UV_READABLE;
    if (action == CURL_POLL_OUT || action == CURL_POLL_INOUT)
        ev |= UV_WRITABLE;
    uv_poll_start(&s->poll, ev, on_poll);
    return 0;
}

static int on_curl_timer(CURLM *m, long timeout_ms, void *userp)
{
    struct curl_uv *cu = userp;
    (void)m;
    if (timeout_ms < 0)
        uv_timer_stop(&cu->timer);
    else
        uv_timer_start(&cu->timer, on_timer, (uint64_t)timeout_ms, 0);
    return 0;
}

int curl_uv_new(uv_loop_t *loop, const struct curl_uv_callbacks *cbs, struct curl_uv **out,
                struct sc_error *err)
{
    *out = NULL;
    static int curl_ready;
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return sc_fail(err, SC_ERUNTIME, "libcurl failed to initialise");
        curl_ready = 1;
    }
    struct curl_uv *cu = calloc(1, sizeof *cu);
    if (!cu)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    cu->multi = curl_multi_init();
    if (!cu->multi) {
        free(cu);
        return sc_fail(err, SC_ENOMEM, "out of memory");
    }
    cu->loop = loop;
    cu->cbs = *cbs;
    curl_multi_setopt(cu->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
    curl_multi_setopt(cu->multi, CURLMOPT_SOCKETDATA, cu);
    curl_multi_setopt(cu->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(cu->multi, CURLMOPT_TIMERDATA, cu);
    uv_timer_init(loop, &cu->timer);
    cu->timer.data = cu;
    cu->open_handles = 1;
    *out = cu;
    return 0;
}

CURLM *curl_uv_multi(struct curl_uv *cu)
{
    return cu->multi;
}

void curl_uv_close(struct curl_uv *cu, void (*on_closed)(void *user), void *user)
{
    cu->closing = 1;
    cu->on_closed = on_closed;
    cu->on_closed_user = user;
    curl_multi_cleanup(cu->multi); /* may call on_curl_socket with CURL_POLL_REMOVE */
    cu->multi = NULL;
    uv_close((uv_handle_t *)&cu->timer, on_timer_closed);
}

const char *curl_uv_error_word(CURLcode rc, int *transient)
{
    *transient = 0;
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return "dns";
    case CURLE_COULDNT_CONNECT:
        *transient = 1;
        return "connect";
    case CURLE_OPERATION_TIMEDOUT:
        *transient = 1;
        return "timeout";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_USE_SSL_FAILED:
        return "tls";
    case CURLE_FILESIZE_EXCEEDED:
        return "too_large";
    case CURLE_TOO_MANY_REDIRECTS:
        return "too_many_redirects"; /* only when curl follows redirects itself */
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return "bad_url";
    case CURLE_BAD_CONTENT_ENCODING:
        return "bad_encoding";
    case CURLE_OUT_OF_MEMORY:
        return "oom";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        *transient = 1;
        return "reset";
    case CURLE_WEIRD_SERVER_REPLY:
        return "bad_response";
    default:
        *transient = 1;
        return "network";
    }
}

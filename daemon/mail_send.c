/* mail_send: one SMTP transaction with libcurl (mail_send.h). */
#include "daemon/mail_send.h"

#include <curl/curl.h>
#include <string.h>
#include <sys/socket.h>

struct upload {
    const struct strbuf *msg;
    size_t off;
    /* off == msg->len: the whole message was handed to curl (with the size known, curl
     * stops reading after the last byte and never asks for the end) */
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *ud)
{
    struct upload *u = ud;
    size_t room = size * nitems, left = u->msg->len - u->off;
    size_t n = left < room ? left : room;
    memcpy(buf, u->msg->buf + u->off, n);
    u->off += n;
    return n;
}

enum mail_outcome mail_send(const struct mail_server *srv, const char *from, const char *to,
                            const struct strbuf *msg, struct strbuf *why)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct upload u = {msg, 0};
    struct strbuf env_from = STRBUF_INIT, env_to = STRBUF_INIT;
    strbuf_addf(&env_from, "<%s>", from);
    strbuf_addf(&env_to, "<%s>", to);
    CURL *h = curl_easy_init();
    struct curl_slist *rcpt = env_to.failed ? NULL : curl_slist_append(NULL, env_to.buf);
    if (!h || !rcpt || env_from.failed) {
        if (why)
            strbuf_adds(why, "out of memory starting the SMTP transaction");
        curl_slist_free_all(rcpt);
        curl_easy_cleanup(h);
        strbuf_release(&env_from);
        strbuf_release(&env_to);
        return MAIL_REFUSED;
    }
    curl_easy_setopt(h, CURLOPT_URL, srv->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, env_from.buf);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
    curl_easy_setopt(h, CURLOPT_USE_SSL, srv->starttls == MAIL_STARTTLS_REQUIRED ? CURLUSESSL_ALL
                                         : srv->starttls == MAIL_STARTTLS_TRY   ? CURLUSESSL_TRY
                                                                                : CURLUSESSL_NONE);
    if (srv->username && *srv->username) {
        curl_easy_setopt(h, CURLOPT_USERNAME, srv->username);
        curl_easy_setopt(h, CURLOPT_PASSWORD, srv->password ? srv->password : "");
    }
    curl_easy_setopt(h, CURLOPT_TIMEOUT, srv->timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, srv->timeout < 30 ? srv->timeout : 30L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    enum mail_outcome out = MAIL_SENT;
    if (rc != CURLE_OK) {
        /* After the whole message went out, only a refusal the server stated (4xx/5xx to
         * the data) proves it was not accepted; a timeout or a dropped connection does not. */
        out = code >= 500 && code < 600                ? MAIL_REJECTED
              : u.off == msg->len && !(code >= 400 && code < 500) ? MAIL_UNKNOWN
                                                              : MAIL_REFUSED;
        if (why) {
            strbuf_addf(why, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
            if (code)
                strbuf_addf(why, " (server said %ld)", code);
        }
    }
    if (rc != CURLE_OK) {
        /* curl says QUIT when it closes the connection and waits for the answer: a server
         * that stopped answering would hold curl_easy_cleanup() for minutes. Cut it first. */
        curl_socket_t sock = CURL_SOCKET_BAD;
        if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &sock) == CURLE_OK &&
            sock != CURL_SOCKET_BAD)
            shutdown(sock, SHUT_RDWR);
    }
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    strbuf_release(&env_from);
    strbuf_release(&env_to);
    return out;
}

/* curl_uv: libcurl's multi interface driven by a libuv loop, the one place the two meet:
 * curl's socket callbacks become uv_poll handles and its timer a uv_timer (the pattern of
 * curl's docs/examples/multi-uv.c). The owner adds and removes easy handles on the multi
 * itself and hears about each finished transfer through `done`.
 *
 * Contract: everything runs on the loop's thread. done(easy, result, user) is called once
 * per finished transfer, from a poll or timer callback of the loop (never from
 * curl_uv_new or curl_uv_close); the owner normally removes the easy handle there. After
 * the finished transfers of one wake-up are handed over, after(user) is called (may be
 * NULL): the place to start queued work. */
#ifndef SPOTCHECK_CURL_UV_H
#define SPOTCHECK_CURL_UV_H

#include <curl/curl.h>
#include <uv.h>

#include "common/error.h"

struct curl_uv;

struct curl_uv_callbacks {
    void (*done)(CURL *easy, CURLcode result, void *user);
    void (*after)(void *user);
    void *user;
    /* Optional: curl could not go on with its transfers (curl_multi_socket_action failed,
     * out of memory): the running transfers may never finish by themselves, so the owner
     * should end them (remove their easy handles). Called before the wake-up's done calls. */
    void (*failed)(CURLMcode code, void *user);
};

/* Initialises libcurl once per process (not thread-safe: call from the main thread first)
 * and creates a multi handle on loop. Returns 0, SC_ENOMEM or SC_ERUNTIME (message in err). */
int curl_uv_new(uv_loop_t *loop, const struct curl_uv_callbacks *cbs, struct curl_uv **out,
                struct sc_error *err);
/* The multi handle, for curl_multi_add_handle/remove_handle and curl_multi_setopt. */
CURLM *curl_uv_multi(struct curl_uv *cu);
/* Cleans up the multi (the owner has removed every easy handle first), closes the timer
 * and every poll handle, and frees cu once libuv has closed them all; then calls
 * on_closed(user) (may be NULL) on the loop thread. No callback of cbs comes after this. */
void curl_uv_close(struct curl_uv *cu, void (*on_closed)(void *user), void *user);

/* The error word (docs/crawler.md) for a failed transfer's code, and whether that kind of
 * failure may go away by itself (*transient): dns, connect, timeout, tls, too_large,
 * too_many_redirects, bad_url, bad_encoding, oom, reset, bad_response, network. */
const char *curl_uv_error_word(CURLcode rc, int *transient);

#endif

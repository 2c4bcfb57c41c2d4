/* farm_server: what the farm server's two halves share: a connection, the server, and the
 * calls between farm_serve.c (event loop, connections, writing responses) and farm_answer.c
 * (what to answer: a static file or a planted fault). Private to tests/farm. */
#ifndef SPOTCHECK_FARM_SERVER_H
#define SPOTCHECK_FARM_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <uv.h>

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

enum timer_mode { T_IDLE, T_STALL, T_DRIP, T_SLOW };
enum after { AFTER_DONE, AFTER_MORE, AFTER_RESET, AFTER_NOTHING };

struct farm_conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    struct farm_server *srv;
    struct farm_conn *prev, *next;
    struct strbuf in;
    int busy, closing, open_handles, keep_alive, timer_mode;
    int gzip_ok;      /* the current request accepts gzip */
    int eof;          /* the client has finished sending */
    size_t remaining; /* bytes still to stream (huge, drip) */
    uint64_t started;
    uint64_t slow_due_ns; /* T_SLOW: uv_hrtime() when the slow answer is due */
    int slow_head_only;
};

struct farm_server {
    uv_loop_t loop;
    uv_tcp_t listener;
    uv_signal_t sigint, sigterm;
    struct farm_conf conf;
    int down_fd, down_port;
    struct farm_conn *conns;
    FILE *log; /* --log: one line per request, or NULL */
    char *bomb;
    size_t bomb_len;
    const char *slow_host; /* --slow-host, or NULL */
    int slow_ms;
    int stopping;
};

/* Filler bytes for streamed and partial bodies. */
extern char farm_filler[CHUNK];

/* Closes a connection (with a TCP reset when reset is set); safe to call twice. */
void farm_conn_close(struct farm_conn *c, int reset);
/* Writes head (heap, taken) and body (taken when owned, else static); after says what comes
 * next once written: the next request, more of a stream, a reset, or nothing. */
void farm_conn_write(struct farm_conn *c, char *head, size_t hlen, const char *body, size_t blen,
                     int owned, int after);
/* A whole response. extra: more header lines (each ending in CRLF) or NULL; length: the
 * Content-Length to announce ((size_t)-1: blen). */
void farm_conn_respond(struct farm_conn *c, int head_only, int status, const char *ctype,
                       const char *extra, const char *body, size_t blen, int owned, size_t length,
                       int after);
/* A small UTF-8 HTML page, and a status page. */
void farm_conn_respond_page(struct farm_conn *c, int head_only, int status, const char *extra,
                            const char *title, const char *text);
void farm_conn_respond_status(struct farm_conn *c, int head_only, int status, const char *extra);
/* The connection's timer: idle close, stall close, or drip tick (see timer_mode). */
void farm_conn_on_timer(uv_timer_t *t);

/* Answers with the static file at path of v (404, 301 for a directory, gzip when enabled). */
void farm_answer_file(struct farm_conn *c, struct farm_vhost *v, int head_only, const char *path,
                      const char *query);
/* Answers as the planted fault f says. */
void farm_answer_fault(struct farm_conn *c, struct farm_vhost *v, struct farm_fault *f,
                       int head_only, const char *path, const char *query);
/* The slow host: the whole answer (200, a small page) once slow_ms have passed since the
 * request arrived (now); farm_answer_slow_due sends it when the timer says it is due. */
void farm_answer_slow(struct farm_conn *c, int head_only);
void farm_answer_slow_due(struct farm_conn *c);
/* 1 when this homepage request of a flaky site must fail (counts the request). */
int farm_answer_flaky(struct farm_vhost *v);

#endif

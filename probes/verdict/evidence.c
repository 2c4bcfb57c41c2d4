/* evidence: capturing the homepage as crawled (see evidence.h). */
#include "probes/verdict/evidence.h"
#include "common/error.h"
#include "common/sha256.h"

#include <stdlib.h>
#include <string.h>

void crawl_evidence_init(struct crawl_evidence *ev)
{
    memset(ev, 0, sizeof *ev);
}

void crawl_evidence_free(struct crawl_evidence *ev)
{
    free(ev->url);
    free(ev->headers);
    free(ev->body);
    crawl_evidence_init(ev);
}

/* A NUL-terminated heap copy of n bytes (which may hold NULs). */
static char *copy_bytes(const char *p, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        if (n)
            memcpy(c, p, n);
        c[n] = '\0';
    }
    return c;
}

int crawl_evidence_capture(struct crawl_evidence *ev, const char *url, int status, time_t at,
                           const char *headers, size_t hlen, const char *body, size_t blen,
                           size_t body_max)
{
    crawl_evidence_free(ev);
    if (!url)
        return SC_EINPUT;
    if (!body_max)
        body_max = EVIDENCE_BODY_MAX;
    ev->status = status;
    ev->fetched_at = at;
    if (!(ev->url = strdup(url)))
        goto nomem;
    if (headers && !(ev->headers = copy_bytes(headers, hlen)))
        goto nomem;
    ev->headers_len = headers ? hlen : 0;
    if (body) {
        size_t keep = blen > body_max ? body_max : blen;
        if (!(ev->body = copy_bytes(body, keep)))
            goto nomem;
        ev->body_len = keep;
        ev->body_truncated = blen > keep;
        int rc = sc_sha256_hex(ev->body, keep, ev->body_sha256);
        if (rc < 0) {
            crawl_evidence_free(ev);
            return rc;
        }
    }
    return SC_OK;
nomem:
    crawl_evidence_free(ev);
    return SC_ENOMEM;
}

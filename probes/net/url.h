/* url: every URL the crawler touches is parsed, joined and normalised here, through
 * curl_url() only (no string surgery on URLs elsewhere).
 *
 * Normal form: scheme and host lower case, default port dropped, dot segments removed,
 * raw non-ASCII and spaces percent-encoded (CURLU_URLENCODE), percent escapes in one case
 * (lower-case hex, as curl writes them), empty path "/", fragment dropped. Two spellings of one
 * resource give one string, so the crawler's "fetch each URL once" table can compare strings. */
#ifndef SPOTCHECK_URL_H
#define SPOTCHECK_URL_H

#include "common/error.h"

/* The longest URL accepted (bytes, normal form); a longer one is URL_BAD. Far above any real
 * link (servers commonly refuse 8 KB), far below what makes curl fail the request. */
#define URL_MAX_LENGTH 65536

enum url_status {
    URL_OK = 0,        /* *out holds an http(s) URL in normal form */
    URL_SKIP = 1,      /* another scheme (mailto:, tel:, javascript:, data:, ftp: ...) */
    URL_SAME_PAGE = 2, /* empty or fragment-only reference: the page itself */
    URL_BAD = 3        /* not a URL curl can parse */
};

/* Resolves `ref` (as written in a page: may be relative, padded with whitespace, contain
 * raw Chinese) against `base` (an absolute URL, normally already normal) and writes the
 * normalised absolute URL to *out (malloc'd, caller frees) when the result is URL_OK.
 * base may be NULL when ref is absolute. Returns an enum url_status, or SC_ENOMEM. */
int url_resolve(const char *base, const char *ref, char **out);

/* A base URL parsed once for resolving many references (one page's links). */
struct url_base;
/* Returns URL_OK, URL_BAD or SC_ENOMEM; *out is freed with url_base_free. */
int url_base_new(const char *base, struct url_base **out);
void url_base_free(struct url_base *b);
/* url_resolve() against a parsed base. */
int url_resolve_base(const struct url_base *b, const char *ref, char **out);

/* Normalises an absolute URL; same returns as url_resolve. */
int url_normalise(const char *url, char **out);

/* Writes the lower-case host (malloc'd) and the port (default filled in) of a normal-form
 * URL. Returns 0, SC_EINPUT when the URL has no host, or SC_ENOMEM. */
int url_host_port(const char *url, char **host, int *port);

/* The scheme://host[:port] part of a normal-form URL (malloc'd), or NULL. */
char *url_origin(const char *url);

/* 1 when host is an IPv4 or IPv6 literal (with or without brackets). */
int url_host_is_ip(const char *host);

#endif

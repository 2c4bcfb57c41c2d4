/* link_result: how one fetch of a link becomes ok / broken / suspected / skipped — the one
 * classification shared by the crawler (crawl.c) and the re-checks of suspected links
 * (daemon/recheck.c), so a link is judged the same way whoever fetched it.
 *
 *   ok        no error and a status below 400 (2xx, or 3xx→2xx after redirects)
 *   broken    4xx (after HEAD→GET), soft_404, dns, redirect_loop, too_many_redirects,
 *             bad_url, bad_redirect, tls
 *   suspected 429 or 5xx (error http_status) and every other error: timeout, reset,
 *             connect, network, too_large, bad_response ...
 *   skipped   scheme, excluded, private_address, external, limit
 *
 * Two error words say nothing about the link and must never be recorded as its result:
 * "oom" (we ran out of memory) and "cancelled" (the engine closed before the answer). */
#ifndef SPOTCHECK_LINK_RESULT_H
#define SPOTCHECK_LINK_RESULT_H

#include "probes/verdict/site_report.h"

/* The result of a fetch that ended with HTTP status `status` (0: none) and error word
 * `error` (NULL: none), as above. */
enum link_result link_result_classify(int status, const char *error);

/* 1 when error is "oom": the fetch failed for want of memory on our side. */
int link_result_error_is_ours(const char *error);

/* 1 when error is "oom" or "cancelled": the fetch tells nothing about the link. */
int link_result_says_nothing(const char *error);

#endif

/* content_run: plugs the content probes and the rule table into a crawl (crawl.h hooks).
 *
 * For `spotcheck check` (and the daemon's crawls): one content_state per site, fed by the
 * crawler's page hook; the homepage's column list pages are asked for with
 * crawl_site_want(); when a site is done, content_finish() fills its report and
 * rules_judge() gives the defects, score and verdict. A hook that runs out of memory
 * returns SC_ENOMEM, which ends that site (crawl.h), not the others. */
#ifndef SPOTCHECK_CONTENT_RUN_H
#define SPOTCHECK_CONTENT_RUN_H

#include <stddef.h>

#include "probes/content/content.h"
#include "probes/net/crawl.h"
#include "probes/verdict/evidence.h"
#include "probes/verdict/rules.h"

struct content_run {
    const char *const *urls;     /* the sites as asked, urls[i] for reports[i] */
    struct site_report *reports; /* the array crawl_run fills */
    size_t n;
    struct content_state **states; /* one per site, made at its homepage */
    long as_of;                    /* the check day */
    struct rules rules;
    /* Optional, set after content_run_init by a caller that has the registry (the daemon):
     * portal[i] 1 portal, 0 department, -1 guess from the host; expected_codes[i] the
     * registry's site code, compared with the one the homepage shows (or NULL). */
    const int *portal;
    const char *const *expected_codes;
    /* Optional, off by default (`check` does not pay for it): set keep_evidence to 1 after
     * content_run_init to keep each site's homepage as crawled (its final URL, status,
     * moment by sc_clock_now(), header block and raw body cut at evidence_max bytes, 0:
     * EVIDENCE_BODY_MAX; evidence.h), for storage_crawl_save_evidence. Captured on the
     * loop thread when the homepage's response arrives (a copy and a hash of at most the
     * bound); kept until content_run_release. */
    int keep_evidence;
    size_t evidence_max;
    struct crawl_evidence *evidence; /* n of them, made at the first capture */
};

/* Prepares a run over reports[0..n) (the array later passed to crawl_run) and fills *hooks.
 * rules may be NULL for the defaults. Returns 0 or SC_ENOMEM. */
int content_run_init(struct content_run *run, const char *const *urls, size_t n,
                     struct site_report *reports, long as_of, const struct rules *rules,
                     struct crawl_hooks *hooks);
void content_run_release(struct content_run *run);

/* The evidence kept for site i (keep_evidence), or NULL when none was (not asked for, or
 * its homepage never came back: a cancelled or failed site). Valid until
 * content_run_release; the caller may take its buffers (then crawl_evidence_init it). */
struct crawl_evidence *content_run_evidence(struct content_run *run, size_t i);

#endif

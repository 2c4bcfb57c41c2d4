/* crawl: the breadth-first crawler and link auditor behind `spotcheck check` and the
 * daemon's site crawls. It fills the link part of struct site_report (links, reachable,
 * pages_crawled, links_checked) and lets the content probes see every page through a hook.
 *
 * Per site: first a random path that cannot exist is fetched (the soft-404 fingerprint),
 * then the homepage, then breadth first every on-site page (its host, the host the
 * homepage redirected to, and `extra_hosts`) up to max_depth and max_pages; every other
 * link (external, attachments, images, scripts, on-site pages beyond the limits) is
 * checked, not crawled: HEAD, falling back to GET. Each URL is fetched at most once per
 * run (marked when queued) and its result is shared by every site that links to it.
 * Pages are decoded and parsed on libuv's thread pool (uv_queue_work), so the loop thread
 * only moves bytes.
 *
 * Classification (docs/crawler.md):
 *   ok        2xx/3xx→2xx, not a soft 404
 *   broken    4xx (after HEAD→GET), soft_404, dns, redirect_loop, too_many_redirects,
 *             bad_url, bad_redirect, tls
 *   suspected transient and not recovered after the retries: timeout, reset, connect,
 *             network, 429/5xx (error http_status), too_large, bad_response
 *   skipped   mailto:/tel:/javascript:/data: (error "scheme"), excluded patterns
 *             ("excluded"), private addresses not allowed ("private_address"),
 *             external links when check_external is 0 ("external"), links past
 *             max_links ("limit")
 *
 * THE HOOK for content probes (dates, columns, sections, identity):
 *   hooks.page(page, report, user) is called for every fetched on-site HTML page that
 *   parsed (status 2xx, text/html or sniffed HTML, not a soft 404), the homepage first
 *   (page->is_homepage), then its pages one level below (depth 1: the column list pages)
 *   and so on. It runs ON THE LOOP THREAD, one call at a time, so it may write `report`
 *   (the site's struct site_report) freely; it must not keep page->html or page->doc
 *   after returning (both are freed), and must treat the tree as read-only (gumbo built it
 *   in an arena: never gumbo_destroy_output it). To have a page fetched and observed that the limits
 *   would skip (a column's "更多" list page deeper than max_depth, or past max_pages), call
 *   crawl_site_want(page->site, url) from inside the hook.
 *   hooks.site_done(report, user) is called once per site after every page and link of
 *   the run is done and report->links is filled, before anything is rendered: the place
 *   for the rule table to judge the site.
 *   Both may be NULL. */
#ifndef SPOTCHECK_CRAWL_H
#define SPOTCHECK_CRAWL_H

#include <gumbo.h>
#include <stddef.h>

#include "common/error.h"
#include "probes/net/fetch.h"
#include "probes/verdict/site_report.h"

struct crawl_options {
    struct fetch_options fetch;
    int max_pages;      /* pages crawled per site (default 500) */
    int max_depth;      /* link distance from the homepage (default 5) */
    char **extra_hosts; /* hosts also in scope */
    size_t nextra_hosts;
    char **excludes; /* URLs containing one of these substrings are skipped */
    size_t nexcludes;
    int max_links;      /* links checked per site besides its pages (default 50000); the
                           rest are skipped, error "limit": no page can make a crawl endless */
    int check_external; /* check links to other hosts (default 1) */
    int all_links;      /* report every link, not only broken and suspected ones */
    int progress;       /* a progress line on stderr */
};

void crawl_options_default(struct crawl_options *o);

struct crawl_site;

struct crawl_page {
    const char *url;           /* final URL, after redirects */
    const char *requested_url; /* the link that led here */
    int status;
    int depth; /* 0 for the homepage */
    int is_homepage;
    const char *html; /* decoded to UTF-8, NUL-terminated */
    size_t html_len;
    const GumboOutput *doc;
    struct crawl_site *site; /* for crawl_site_want() */
};

struct crawl_hooks {
    void (*page)(const struct crawl_page *page, struct site_report *report, void *user);
    void (*site_done)(struct site_report *report, void *user);
    void *user;
};

/* Crawls every site of urls[0..n) in one run on a private libuv loop and fills
 * reports[0..n) (initialised here; the caller frees them with site_report_free).
 * A site that cannot be reached is a finding (reachable = 0), not an error.
 * Returns 0, SC_EINPUT (bad options) or SC_ENOMEM / SC_ERUNTIME. */
int crawl_run(const char *const *urls, size_t n, const struct crawl_options *opt,
              const struct crawl_hooks *hooks, struct site_report *reports, struct sc_error *err);

/* From a page hook: fetch url (resolved against the site's homepage) as a page of the site
 * and observe it, even past max_pages or max_depth. A URL already fetched as a page is not
 * fetched again. Returns 0, SC_EINPUT for a URL that is not http(s), or SC_ENOMEM. */
int crawl_site_want(struct crawl_site *site, const char *url);

/* 1 when the URL's path ends in an attachment or media extension (.pdf, .doc, .jpg ...):
 * checked, never crawled. */
int crawl_url_is_attachment(const char *url);

/* The result a fetch outcome is classified as (see above). */
enum link_result crawl_classify(int status, const char *error);

#endif

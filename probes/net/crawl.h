/* crawl: the breadth-first crawler and link auditor behind `spotcheck check` and the
 * daemon's site crawls. It fills the link part of struct site_report (links, reachable,
 * pages_crawled, links_checked) and lets the content probes see every page through a hook.
 *
 * THE API, in the spirit of libuv: crawl_start() starts a crawl of some sites on a loop
 * the caller owns and returns at once; the caller keeps running its loop (with its own
 * timers, probes and signals on it). Each site, once every page and link of it is done,
 * is judged (hooks.site_done) and handed to callbacks.site_finished with its report and
 * a status; when every site has been handed over and every handle is closed,
 * callbacks.done is called, and the crawl frees itself right after it returns.
 * crawl_cancel() stops it at any moment: no new work is taken, transfers are cancelled,
 * parse jobs still queued on the thread pool are cancelled and running ones are waited
 * for; then every site not yet finished gets site_finished with SC_ECANCELED, and done
 * follows. Every callback is delivered exactly once, never from inside crawl_start() or
 * crawl_cancel(), always on the loop thread. crawl_run() is the blocking convenience:
 * a private loop, start, run until done (tests and tools).
 *
 * Per site: first a random path that cannot exist is fetched (the soft-404 fingerprint),
 * then the homepage, then breadth first every on-site page (its host, the host the
 * homepage redirected to, and `extra_hosts`) up to max_depth and max_pages; every other
 * link (external, attachments, images, scripts, on-site pages beyond the limits) is
 * checked, not crawled: HEAD, falling back to GET. A URL first queued as a check and then
 * found as a crawlable page is upgraded to a page once its check says it is fine. Each URL
 * is fetched at most once per crawl (marked when queued) and its result is shared by every
 * site of the crawl that links to it. Pages are decoded and parsed on libuv's thread pool
 * (uv_queue_work), so the loop thread only moves bytes and runs the hooks.
 *
 * Running out of memory while working on one site ends that site (status SC_ENOMEM, its
 * report incomplete and not judged), not the whole crawl.
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
 * THE HOOKS for content probes (dates, columns, sections, identity):
 *   hooks.page(page, report, user) is called for every fetched on-site HTML page that
 *   parsed (status 2xx, text/html or sniffed HTML, not a soft 404), the homepage first
 *   (page->is_homepage), then its pages one level below (depth 1: the column list pages)
 *   and so on. It runs ON THE LOOP THREAD, one call at a time, so it may write `report`
 *   (the site's struct site_report) freely; it must be quick (the loop's other users, such
 *   as availability probes, wait meanwhile: docs/crawler.md gives the measured stalls); it
 *   must not keep page->html or page->doc after returning (both are freed), and must treat
 *   the tree as read-only (gumbo built it in an arena: never gumbo_destroy_output it). To
 *   have a page fetched and observed that the limits would skip (a column's "更多" list
 *   page deeper than max_depth, or past max_pages), call crawl_site_want(page->site, url)
 *   from inside the hook. It returns 0, or SC_ENOMEM to end the site with that error.
 *   hooks.site_done(report, user) is called once per site after every page and link of
 *   the site is done and report->links is filled, before site_finished: the place for the
 *   rule table to judge the site. It returns 0 or SC_ENOMEM. It is not called for a site
 *   that failed or was cancelled.
 *   Both may be NULL. */
#ifndef SPOTCHECK_CRAWL_H
#define SPOTCHECK_CRAWL_H

#include <gumbo.h>
#include <stddef.h>
#include <uv.h>

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
    size_t site_index;       /* the site's place in the crawl's urls */
};

struct crawl_hooks {
    int (*page)(const struct crawl_page *page, struct site_report *report, void *user);
    int (*site_done)(struct site_report *report, void *user);
    void *user;
    /* Optional: the homepage's fetch as it came back, whatever its outcome (res->status 0
     * and res->error when nothing answered), called once per site on the loop thread
     * before the page is parsed: res->final_url, res->headers (the final response's header
     * block, fetch.h) and res->body (the raw bytes, before any charset decoding; NULL
     * unless a 2xx/3xx answer was kept whole). It must copy what it keeps and leave res
     * as it is. Returns 0, or SC_ENOMEM to end the site with that error. For content_run's
     * evidence (content_run.h); NULL costs nothing. */
    int (*homepage)(const struct fetch_result *res, struct site_report *report, void *user);
};

/* Counters for a progress display (crawl_callbacks.progress). */
struct crawl_progress {
    size_t pages;      /* pages crawled */
    size_t checks;     /* links checked */
    size_t urls;       /* unique URLs seen */
    size_t to_do;      /* fetches and parses queued or running */
    size_t sites_done; /* sites handed to site_finished */
    size_t sites;      /* sites in the crawl */
    double seconds;    /* since the start */
};

struct crawl;

struct crawl_callbacks {
    /* A site is finished: status 0 (report complete and judged), SC_ENOMEM (out of memory
     * on this site: the report is incomplete) or SC_ECANCELED. index is the site's place in
     * the urls given to crawl_start; report is &reports[index]. Called once per site. */
    void (*site_finished)(struct crawl *c, size_t index, struct site_report *report, int status,
                          void *user);
    /* The crawl is over: status 0, or SC_ECANCELED when crawl_cancel() stopped a site
     * before it finished. Called once, last;
     * the crawl is freed when it returns (the loop may then be closed). */
    void (*done)(struct crawl *c, int status, void *user);
    /* Optional: at most every 200 ms of loop time while work finishes. */
    void (*progress)(const struct crawl_progress *p, void *user);
    void *user;
};

/* Starts crawling the sites urls[0..n) on loop and returns at once. reports[0..n) are
 * initialised here and filled as the crawl goes; they belong to the caller and must stay
 * where they are until done is called (the caller frees them with site_report_free). The
 * options, URLs, hooks and callbacks are copied. A site URL that is not http(s) is a
 * finding (reachable = 0, error bad_url), not an error. Returns 0 (the callbacks will
 * come), or SC_EINPUT (bad options) / SC_ENOMEM / SC_ERUNTIME with nothing started and no
 * callback to come. */
int crawl_start(uv_loop_t *loop, const char *const *urls, size_t n, const struct crawl_options *opt,
                const struct crawl_hooks *hooks, const struct crawl_callbacks *cbs,
                struct site_report *reports, struct crawl **out, struct sc_error *err);

/* Stops the crawl (see above). Safe at any moment before done is called, also from inside
 * a hook or a callback of this crawl, and more than once. */
void crawl_cancel(struct crawl *c);

/* Crawls every site of urls[0..n) on a private libuv loop, blocking until all are done,
 * and fills reports[0..n) (initialised here; the caller frees them with site_report_free).
 * A site that cannot be reached is a finding (reachable = 0), not an error. Returns 0,
 * SC_EINPUT (bad options), SC_ENOMEM (some site ran out of memory: err names it; the other
 * reports are complete) or SC_ERUNTIME. */
int crawl_run(const char *const *urls, size_t n, const struct crawl_options *opt,
              const struct crawl_hooks *hooks, struct site_report *reports, struct sc_error *err);

/* From a page hook: fetch url (resolved against the site's homepage) as a page of the site
 * and observe it, even past max_pages or max_depth, and even on a host out of the site's
 * scope (the hook decides which hosts it asks for: content_run only the site's and the
 * service guides' *.gov.cn platform; that page's links are only checked, and it is not
 * counted in the report's pages_crawled). A URL already
 * fetched as a page is not fetched again. Returns 0, SC_EINPUT for a URL that is not http(s), or SC_ENOMEM. */
int crawl_site_want(struct crawl_site *site, const char *url);

/* 1 when the URL's path ends in an attachment or media extension (.pdf, .doc, .jpg ...):
 * checked, never crawled. */
int crawl_url_is_attachment(const char *url);

/* The result a fetch outcome is classified as (see above; probes/net/link_result.h, which
 * the re-checks share). */
enum link_result crawl_classify(int status, const char *error);

#endif

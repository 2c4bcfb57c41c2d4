/* content_run: the crawl hooks that run the content probes and judge each site
 * (see content_run.h). */
#include "probes/content/content_run.h"

#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/error.h"
#include "probes/net/url.h"

static struct content_state **state_for(struct content_run *run, const struct site_report *r,
                                        size_t *index)
{
    if (r < run->reports || r >= run->reports + run->n)
        return NULL;
    *index = (size_t)(r - run->reports);
    return &run->states[*index];
}

/* 1 when both URLs name the same host: list pages elsewhere (a national portal's feed)
 * are not the site's to be crawled. */
static int same_host(const char *a, const char *b)
{
    char *ha = NULL, *hb = NULL;
    int pa, pb;
    int same = url_host_port(a, &ha, &pa) == 0 && url_host_port(b, &hb, &pb) == 0 && ha && hb &&
               strcmp(ha, hb) == 0;
    free(ha);
    free(hb);
    return same;
}

static int on_page(const struct crawl_page *page, struct site_report *report, void *user)
{
    struct content_run *run = user;
    size_t i;
    struct content_state **st = state_for(run, report, &i);
    if (!st || (!*st && !page->is_homepage))
        return 0;
    if (!*st) {
        *st = content_state_new(run->urls[i] ? run->urls[i] : page->url, run->as_of);
        if (!*st)
            return SC_ENOMEM;
        if (run->portal && run->portal[i] >= 0)
            content_set_portal(*st, run->portal[i]);
        content_set_navigation(*st, run->rules.v[RULE_HOMEPAGE_NAVIGATION] != 0,
                               (int)run->rules.v[RULE_HOMEPAGE_SITEMAP_ROWS]);
        content_set_guide_sample(*st, (int)run->rules.v[RULE_SERVICES_GUIDE_SAMPLE]);
        content_set_extra_pages(*st, (int)run->rules.v[RULE_COLUMNS_EXTRA_PAGES]);
        content_set_interaction(*st, &run->rules);
    }
    if (content_observe_page(*st, page->url, page->is_homepage ? 0 : page->depth, page->doc) < 0)
        return SC_ENOMEM;
    size_t n;
    const char *const *wanted = content_take_wanted(*st, &n);
    for (size_t k = 0; k < n && page->site; k++) { /* a page handed without its crawl: none */
        /* off the site's host only where the service guides' trail goes (a *.gov.cn host
         * the 办事服务 section is on or links to): every other off-site URL is a link check */
        int go = same_host(page->url, wanted[k]) ? 1 : content_may_leave_site(*st, wanted[k]);
        if (go < 0 || (go && crawl_site_want(page->site, wanted[k]) == SC_ENOMEM))
            return SC_ENOMEM;
    }
    return 0;
}

/* A section's page loads unless the crawler recorded its link as broken; a suspected
 * (transient) failure is unknown. Links not listed were fine or not checked. */
static int link_status(void *user, const char *url)
{
    const struct site_report *r = user;
    for (size_t i = 0; i < r->nlinks; i++) {
        const struct link_record *l = &r->links[i];
        if (!l->url || strcmp(l->url, url) != 0)
            continue;
        if (l->result == LINK_BROKEN)
            return 0;
        if (l->result == LINK_SUSPECTED)
            return -1;
        return 1;
    }
    return 1;
}

static int on_site_done(struct site_report *report, void *user)
{
    struct content_run *run = user;
    size_t i;
    struct content_state **st = state_for(run, report, &i);
    if (st && run->expected_codes && run->expected_codes[i] && !report->expected_code) {
        report->expected_code = strdup(run->expected_codes[i]);
        if (!report->expected_code)
            return SC_ENOMEM;
    }
    if (st && *st && content_finish(*st, report, &run->rules, link_status, report) < 0)
        return SC_ENOMEM;
    int rc = rules_judge(&run->rules, report);
    /* The site's probe state is no longer needed: a long crawl frees it site by site. */
    if (st) {
        content_state_free(*st);
        *st = NULL;
    }
    return rc;
}

/* The homepage's response (crawl.h hooks.homepage): kept as evidence when asked for. */
static int on_homepage(const struct fetch_result *res, struct site_report *report, void *user)
{
    struct content_run *run = user;
    size_t i;
    if (!run->keep_evidence || !state_for(run, report, &i))
        return 0;
    if (!run->evidence) {
        run->evidence = calloc(run->n, sizeof *run->evidence);
        if (!run->evidence)
            return SC_ENOMEM;
    }
    int rc = crawl_evidence_capture(&run->evidence[i], res->final_url, res->status, sc_clock_now(),
                                    res->headers, res->headers_len, res->body, res->body_len,
                                    run->evidence_max);
    return rc == SC_ENOMEM ? SC_ENOMEM : 0; /* a hash libcrypto failed: no evidence, no harm */
}

struct crawl_evidence *content_run_evidence(struct content_run *run, size_t i)
{
    if (!run->evidence || i >= run->n || !run->evidence[i].url)
        return NULL;
    return &run->evidence[i];
}

int content_run_init(struct content_run *run, const char *const *urls, size_t n,
                     struct site_report *reports, long as_of, const struct rules *rules,
                     struct crawl_hooks *hooks)
{
    memset(run, 0, sizeof *run);
    run->urls = urls;
    run->reports = reports;
    run->n = n;
    run->as_of = as_of;
    if (rules)
        run->rules = *rules;
    else
        rules_default(&run->rules);
    run->states = calloc(n ? n : 1, sizeof *run->states);
    if (!run->states)
        return SC_ENOMEM;
    hooks->page = on_page;
    hooks->site_done = on_site_done;
    hooks->user = run;
    hooks->homepage = on_homepage;
    return 0;
}

void content_run_release(struct content_run *run)
{
    for (size_t i = 0; run->states && i < run->n; i++)
        content_state_free(run->states[i]);
    free(run->states);
    run->states = NULL;
    for (size_t i = 0; run->evidence && i < run->n; i++)
        crawl_evidence_free(&run->evidence[i]);
    free(run->evidence);
    run->evidence = NULL;
}

/* crawl: breadth-first crawling, link checking and classification for a run of sites
 * (see crawl.h for the contract and the content-probe hook). */
#include "probes/net/crawl.h"
#include "common/strbuf.h"
#include "probes/net/crawl_map.h"
#include "probes/net/crawl_soft404.h"
#include "probes/net/html.h"
#include "probes/net/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define TEXT_SIG_MAX (64 * 1024) /* bytes of page text the soft-404 signature covers */

/* One unique URL of the run, shared by every site that links to it. */
struct url_entry {
    char *url;
    char *final_url;
    int depth;
    unsigned page_requested : 1, check_requested : 1, done : 1;
    struct crawl_site *page_wanted_by; /* a site wants it crawled once its check says ok */
    int page_wanted_depth;
    int status;
    const char *error;
    enum link_result result;
    char **redirects; /* the chain of the fetch that gave final_url: the URLs redirected to */
    size_t nredirects;
};

/* A site's first sighting of a URL: where, with what anchor, and whether on the homepage. */
struct site_ref {
    struct url_entry *e;
    const char *found_on; /* an entry's URL string, alive for the run */
    char *anchor;
    int on_homepage;
};

struct crawl_run;

struct crawl_site {
    struct crawl_run *run;
    struct site_report *report;
    char *home_url;
    char **hosts; /* scope */
    size_t nhosts;
    struct soft404_fingerprint fp;
    struct url_entry *home;
    int pages_queued;
    int checks_queued;
    struct crawl_map refmap; /* url -> index+1 into refs */
    struct site_ref *refs;
    size_t nrefs, refs_alloc;
};

struct crawl_run {
    uv_loop_t loop;
    struct fetch_engine *eng;
    const struct crawl_options *opt;
    const struct crawl_hooks *hooks;
    struct crawl_map urls;
    struct url_entry **entries;
    size_t nentries, entries_alloc;
    struct crawl_site *sites;
    size_t nsites;
    size_t outstanding;
    struct page_wait *wait_head, *wait_tail; /* page fetches waiting for room */
    size_t pages_inflight;                   /* page fetches and parses running */
    size_t pages_inflight_max;
    int oom;
    uv_timer_t progress;
    int progress_on;
    uint64_t start_ms;
    size_t pages, checks;
};

enum fetch_mode { MODE_PROBE, MODE_PAGE, MODE_CHECK };

/* A page to fetch once fewer than pages_inflight_max pages are being fetched or parsed:
 * this bounds the bodies held in memory, whatever the size of the site, and keeps the
 * crawl breadth first. */
struct page_wait {
    struct crawl_site *site;
    struct url_entry *e;
    int depth;
    struct page_wait *next;
};

struct fetch_ctx {
    struct crawl_site *site;
    struct url_entry *e;
    enum fetch_mode mode;
    int depth;
};

/* A page (or the soft-404 probe) parsed on the thread pool. */
struct parse_job {
    uv_work_t work;
    struct crawl_site *site;
    struct url_entry *e;
    enum fetch_mode mode;
    int depth;
    int is_homepage;
    int keep_doc;
    int redirected;
    int status;
    char *body; /* in: raw bytes; freed by the worker */
    size_t body_len;
    char *content_type;
    char *final_url;
    /* out */
    struct strbuf html; /* the page converted to UTF-8, unless body already was */
    const char *text;   /* the UTF-8 page: body or html.buf */
    size_t text_len;
    struct html_doc *doc;
    struct html_links links;
    int soft404;
    uint64_t text_sig;
    int failed;
};

static void page_finished(struct crawl_run *run);

void crawl_options_default(struct crawl_options *o)
{
    memset(o, 0, sizeof *o);
    fetch_options_default(&o->fetch);
    o->max_pages = 500;
    o->max_depth = 5;
    o->max_links = 50000;
    o->check_external = 1;
}

int crawl_url_is_attachment(const char *url)
{
    static const char *const ext[] = {
        "pdf", "doc", "docx", "xls",  "xlsx", "ppt", "pptx", "wps",   "et",  "dps", "ofd", "zip",
        "rar", "7z",  "gz",   "tar",  "bz2",  "jpg", "jpeg", "png",   "gif", "bmp", "svg", "webp",
        "ico", "tif", "tiff", "mp3",  "mp4",  "avi", "flv",  "wmv",   "mov", "swf", "css", "js",
        "txt", "xml", "csv",  "json", "exe",  "apk", "woff", "woff2", "ttf", "eot", NULL};
    const char *end = url + strcspn(url, "?#");
    const char *p = end;
    while (p > url && p[-1] != '/' && p[-1] != '.')
        p--;
    if (p == url || p[-1] != '.')
        return 0;
    size_t n = (size_t)(end - p);
    for (int i = 0; ext[i]; i++)
        if (strlen(ext[i]) == n && strncasecmp(p, ext[i], n) == 0)
            return 1;
    return 0;
}

enum link_result crawl_classify(int status, const char *error)
{
    if (!error)
        return status >= 400 ? LINK_BROKEN : LINK_OK;
    if (strcmp(error, "http_status") == 0)
        return status == 429 || status >= 500 ? LINK_SUSPECTED : LINK_BROKEN;
    static const char *const broken[] = {
        "soft_404", "dns",          "redirect_loop", "too_many_redirects",
        "bad_url",  "bad_redirect", "tls",           NULL};
    for (int i = 0; broken[i]; i++)
        if (strcmp(error, broken[i]) == 0)
            return LINK_BROKEN;
    static const char *const skipped[] = {"scheme",   "excluded", "private_address",
                                          "external", "limit",    NULL};
    for (int i = 0; skipped[i]; i++)
        if (strcmp(error, skipped[i]) == 0)
            return LINK_SKIPPED;
    return LINK_SUSPECTED;
}

/* ---- URL table and site references ---- */

static struct url_entry *entry_get(struct crawl_run *run, const char *url, int *created)
{
    *created = 0;
    struct url_entry *e = crawl_map_get(&run->urls, url);
    if (e)
        return e;
    if (run->nentries == run->entries_alloc) {
        size_t na = run->entries_alloc ? run->entries_alloc * 2 : 256;
        struct url_entry **p = realloc(run->entries, na * sizeof *p);
        if (!p)
            return NULL;
        run->entries = p;
        run->entries_alloc = na;
    }
    e = calloc(1, sizeof *e);
    if (!e || !(e->url = strdup(url)) || crawl_map_put(&run->urls, e->url, e) < 0) {
        if (e)
            free(e->url);
        free(e);
        return NULL;
    }
    run->entries[run->nentries++] = e;
    *created = 1;
    return e;
}

static void entry_set(struct url_entry *e, int status, const char *error, const char *final_url)
{
    e->done = 1;
    e->status = status;
    e->error = error;
    e->result = crawl_classify(status, error);
    if (final_url && strcmp(final_url, e->url) != 0 && !e->final_url)
        e->final_url = strdup(final_url);
}

/* Copies the n URLs of a redirect chain into a new array at *dst, counting each in *ndst
 * once copied (so a partial copy frees cleanly). Returns 0 or SC_ENOMEM. */
static int chain_copy(char ***dst, size_t *ndst, const char *const *src, size_t n)
{
    *ndst = 0;
    if (n == 0)
        return 0;
    if (!(*dst = calloc(n, sizeof **dst)))
        return SC_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (!((*dst)[i] = strdup(src[i])))
            return SC_ENOMEM;
        (*ndst)++;
    }
    return 0;
}

static void entry_chain_free(struct url_entry *e)
{
    for (size_t i = 0; i < e->nredirects; i++)
        free(e->redirects[i]);
    free(e->redirects);
    e->redirects = NULL;
    e->nredirects = 0;
}

/* Records what a fetch of e's URL found. The final URL and the redirect chain are the
 * latest fetch's, like the status, so a record never mixes two fetches. Returns 0 or
 * SC_ENOMEM. */
static int entry_set_fetched(struct url_entry *e, const struct fetch_result *res)
{
    free(e->final_url);
    e->final_url = NULL;
    entry_chain_free(e);
    entry_set(e, res->status, res->error, res->final_url);
    if (res->final_url && strcmp(res->final_url, e->url) != 0 && !e->final_url)
        return SC_ENOMEM;
    return chain_copy(&e->redirects, &e->nredirects, res->redirects, res->nredirects);
}

static int site_ref_add(struct crawl_site *s, struct url_entry *e, const char *found_on,
                        const char *anchor, int on_homepage)
{
    size_t idx = (size_t)(uintptr_t)crawl_map_get(&s->refmap, e->url);
    if (idx) {
        s->refs[idx - 1].on_homepage |= on_homepage;
        return 0;
    }
    if (s->nrefs == s->refs_alloc) {
        size_t na = s->refs_alloc ? s->refs_alloc * 2 : 128;
        struct site_ref *p = realloc(s->refs, na * sizeof *p);
        if (!p)
            return SC_ENOMEM;
        s->refs = p;
        s->refs_alloc = na;
    }
    struct site_ref *r = &s->refs[s->nrefs];
    r->e = e;
    r->found_on = found_on;
    r->anchor = strdup(anchor ? anchor : "");
    r->on_homepage = on_homepage;
    if (!r->anchor || crawl_map_put(&s->refmap, e->url, (void *)(uintptr_t)(s->nrefs + 1)) < 0) {
        free(r->anchor);
        return SC_ENOMEM;
    }
    s->nrefs++;
    return 0;
}

static int site_in_scope(const struct crawl_site *s, const char *url)
{
    char *host = NULL;
    int port = 0, in = 0;
    if (url_host_port(url, &host, &port) < 0)
        return 0;
    for (size_t i = 0; i < s->nhosts && !in; i++)
        in = strcasecmp(s->hosts[i], host) == 0;
    free(host);
    return in;
}

static int site_scope_add(struct crawl_site *s, const char *host)
{
    for (size_t i = 0; i < s->nhosts; i++)
        if (strcasecmp(s->hosts[i], host) == 0)
            return 0;
    char **p = realloc(s->hosts, (s->nhosts + 1) * sizeof *p);
    if (!p)
        return SC_ENOMEM;
    s->hosts = p;
    if (!(s->hosts[s->nhosts] = strdup(host)))
        return SC_ENOMEM;
    s->nhosts++;
    return 0;
}

/* ---- fetching ---- */

static void run_maybe_finish(struct crawl_run *run);
static void on_fetched(struct fetch_result *res, void *user);

static void fetch_now(struct crawl_site *s, struct url_entry *e, enum fetch_mode mode, int depth);

/* Starts waiting page fetches while there is room. */
static void pages_pump(struct crawl_run *run)
{
    while (run->wait_head && run->pages_inflight < run->pages_inflight_max) {
        struct page_wait *w = run->wait_head;
        run->wait_head = w->next;
        if (!run->wait_head)
            run->wait_tail = NULL;
        run->pages_inflight++;
        run->outstanding--; /* fetch_now counts it again */
        fetch_now(w->site, w->e, MODE_PAGE, w->depth);
        free(w);
    }
}

static void page_finished(struct crawl_run *run)
{
    run->pages_inflight--;
    pages_pump(run);
}

static void submit(struct crawl_site *s, struct url_entry *e, enum fetch_mode mode, int depth)
{
    struct crawl_run *run = s->run;
    if (mode == MODE_PAGE) {
        struct page_wait *w = calloc(1, sizeof *w);
        if (!w) {
            run->oom = 1;
            return;
        }
        w->site = s;
        w->e = e;
        w->depth = depth;
        if (run->wait_tail)
            run->wait_tail->next = w;
        else
            run->wait_head = w;
        run->wait_tail = w;
        run->outstanding++;
        e->page_requested = 1;
        s->pages_queued++;
        pages_pump(run);
        return;
    }
    fetch_now(s, e, mode, depth);
}

static void fetch_now(struct crawl_site *s, struct url_entry *e, enum fetch_mode mode, int depth)
{
    struct crawl_run *run = s->run;
    struct fetch_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        run->oom = 1;
        if (mode == MODE_PAGE)
            run->pages_inflight--;
        return;
    }
    c->site = s;
    c->e = e;
    c->mode = mode;
    c->depth = depth;
    struct fetch_request req = {e->url, mode == MODE_CHECK ? FETCH_HEAD : FETCH_GET,
                                mode != MODE_CHECK};
    if (fetch_submit(run->eng, &req, on_fetched, c) < 0) {
        free(c);
        run->oom = 1;
        if (mode == MODE_PAGE)
            run->pages_inflight--;
        return;
    }
    run->outstanding++;
    if (mode == MODE_CHECK)
        e->check_requested = 1;
}

static int looks_like_html(const char *content_type, const char *body, size_t n)
{
    if (content_type)
        return strncasecmp(content_type, "text/html", 9) == 0 ||
               strncasecmp(content_type, "application/xhtml", 17) == 0;
    for (size_t i = 0; i < n && i < 512; i++)
        if (body[i] == '<')
            return strncasecmp(body + i, "<!doctype html", 14) == 0 ||
                   strncasecmp(body + i, "<html", 5) == 0 || strncasecmp(body + i, "<head", 5) == 0;
    return 0;
}

static void parse_work(uv_work_t *w)
{
    struct parse_job *j = w->data;
    if (html_decode_view(j->content_type, j->body, j->body_len, &j->html, &j->text, &j->text_len) <
        0) {
        j->failed = 1;
        return;
    }
    if (j->text != j->body) {
        free(j->body);
        j->body = NULL;
    }
    j->doc = html_parse(j->text, j->text_len);
    if (!j->doc) {
        j->failed = 1;
        return;
    }
    struct strbuf title = STRBUF_INIT, text = STRBUF_INIT;
    html_title(j->doc->out, &title);
    /* The whole text only when the site has a fingerprint to compare; else the short-page
     * phrase check needs no more than SOFT404_SHORT_PAGE bytes. */
    html_text(j->doc->out, &text,
              j->mode == MODE_PROBE || j->site->fp.active ? TEXT_SIG_MAX : SOFT404_SHORT_PAGE + 16);
    if (j->mode == MODE_PROBE) {
        j->text_sig = soft404_text_sig(text.buf, text.len);
    } else if (!j->is_homepage) {
        j->soft404 = soft404_page_match(&j->site->fp, j->final_url, j->redirected, title.buf,
                                        text.buf, text.len);
    }
    strbuf_release(&title);
    strbuf_release(&text);
    if (j->mode == MODE_PAGE && !j->soft404 &&
        html_links_extract(j->doc->out, j->final_url, &j->links) < 0)
        j->failed = 1;
    if (!j->keep_doc || j->soft404) {
        html_parse_free(j->doc);
        j->doc = NULL;
        strbuf_release(&j->html);
        free(j->body);
        j->body = NULL;
        j->text = NULL;
    }
}

static void site_links_add(struct crawl_site *s, struct url_entry *page, int depth, int on_home,
                           struct html_links *links);
static void site_start_home(struct crawl_site *s);

static void parse_job_free(struct parse_job *j)
{
    html_parse_free(j->doc);
    strbuf_release(&j->html);
    html_links_free(&j->links);
    free(j->body);
    free(j->content_type);
    free(j->final_url);
    free(j);
}

static void parse_done(uv_work_t *w, int status)
{
    struct parse_job *j = w->data;
    struct crawl_site *s = j->site;
    struct crawl_run *run = s->run;
    (void)status;
    if (j->failed)
        run->oom = 1;
    if (j->mode == MODE_PROBE) {
        s->fp.active = !j->failed;
        s->fp.text_sig = j->text_sig;
        site_start_home(s);
    } else {
        struct url_entry *e = j->e;
        if (j->soft404) {
            entry_set(e, j->status, "soft_404", NULL);
            e->result = LINK_BROKEN;
        }
        if (!j->soft404 && !j->failed) {
            s->report->pages_crawled++;
            run->pages++;
            if (run->hooks && run->hooks->page && j->doc) {
                struct crawl_page p = {j->final_url, e->url,         j->status,
                                       j->depth,     j->is_homepage, j->text,
                                       j->text_len,  j->doc->out,    s};
                run->hooks->page(&p, s->report, run->hooks->user);
            }
            site_links_add(s, e, j->depth, j->is_homepage, &j->links);
        }
    }
    int was_page = j->mode == MODE_PAGE;
    parse_job_free(j);
    run->outstanding--;
    if (was_page)
        page_finished(run);
    run_maybe_finish(run);
}

/* Hands the page to the thread pool; returns 1 when queued. */
static int queue_parse(struct crawl_site *s, struct fetch_ctx *c, struct fetch_result *res)
{
    struct crawl_run *run = s->run;
    struct parse_job *j = calloc(1, sizeof *j);
    if (!j) {
        run->oom = 1;
        return 0;
    }
    strbuf_init(&j->html);
    j->work.data = j;
    j->site = s;
    j->e = c->e;
    j->mode = c->mode;
    j->depth = c->depth;
    j->is_homepage = c->e == s->home;
    j->keep_doc = run->hooks && run->hooks->page;
    j->redirected = res->nredirects > 0;
    j->status = res->status;
    j->body = res->body;
    j->body_len = res->body_len;
    res->body = NULL;
    j->content_type = res->content_type ? strdup(res->content_type) : NULL;
    j->final_url = strdup(res->final_url);
    if (!j->final_url || uv_queue_work(&run->loop, &j->work, parse_work, parse_done) != 0) {
        run->oom = 1;
        parse_job_free(j);
        return 0;
    }
    run->outstanding++;
    return 1;
}

static void on_fetched(struct fetch_result *res, void *user)
{
    struct fetch_ctx *c = user;
    struct crawl_site *s = c->site;
    struct crawl_run *run = s->run;
    struct url_entry *e = c->e;
    int ok2xx = !res->error && res->status >= 200 && res->status < 300;

    if (c->mode == MODE_PROBE) {
        if (ok2xx && res->nredirects > 0)
            s->fp.landing = strdup(res->final_url);
        if (ok2xx && res->body && looks_like_html(res->content_type, res->body, res->body_len))
            queue_parse(s, c, res);
        else
            site_start_home(s);
    } else if (c->mode == MODE_CHECK) {
        if (!e->page_requested || !e->done) {
            if (entry_set_fetched(e, res) < 0)
                run->oom = 1;
            if (ok2xx && res->nredirects > 0 && s->fp.landing &&
                strcmp(res->final_url, s->fp.landing) == 0) {
                e->error = "soft_404";
                e->result = LINK_BROKEN;
            }
        }
        run->checks++;
        if (e->page_wanted_by && !e->page_requested && e->result == LINK_OK) {
            e->depth = e->page_wanted_depth;
            submit(e->page_wanted_by, e, MODE_PAGE, e->page_wanted_depth);
        }
    } else {
        if (entry_set_fetched(e, res) < 0)
            run->oom = 1;
        int is_home = e == s->home;
        if (is_home) {
            s->report->reachable = ok2xx;
            if (!ok2xx) {
                free(s->report->unreachable_error);
                s->report->unreachable_error = strdup(res->error ? res->error : "http_status");
            } else {
                char *host = NULL;
                int port;
                if (url_host_port(res->final_url, &host, &port) == 0)
                    site_scope_add(s, host);
                free(host);
            }
        }
        /* A redirect lands on a page that may be crawled on its own: parse it once. */
        int seen = 0;
        if (ok2xx && res->nredirects > 0) {
            int created;
            struct url_entry *fe = entry_get(run, res->final_url, &created);
            if (!fe)
                run->oom = 1;
            else if (fe != e && fe->page_requested)
                seen = 1;
            else if (fe != e) {
                fe->page_requested = 1;
                entry_set(fe, res->status, NULL, NULL);
            }
        }
        int parsing =
            ok2xx && !seen && res->body && (is_home || site_in_scope(s, res->final_url)) &&
            looks_like_html(res->content_type, res->body, res->body_len) && queue_parse(s, c, res);
        if (!parsing)
            page_finished(run);
    }
    free(c);
    run->outstanding--;
    run_maybe_finish(run);
}

static void site_start_home(struct crawl_site *s)
{
    int created;
    struct url_entry *e = entry_get(s->run, s->home_url, &created);
    if (!e) {
        s->run->oom = 1;
        return;
    }
    s->home = e;
    e->depth = 0;
    submit(s, e, MODE_PAGE, 0);
}

static int url_excluded(const struct crawl_options *o, const char *url)
{
    for (size_t i = 0; i < o->nexcludes; i++)
        if (strstr(url, o->excludes[i]))
            return 1;
    return 0;
}

static void site_link_add(struct crawl_site *s, struct url_entry *page, int depth, int on_home,
                          const struct html_link *l)
{
    struct crawl_run *run = s->run;
    const struct crawl_options *o = run->opt;
    int created;
    struct url_entry *e = entry_get(run, l->url, &created);
    if (!e) {
        run->oom = 1;
        return;
    }
    const char *found_on = page->final_url ? page->final_url : page->url;
    if (site_ref_add(s, e, found_on, l->anchor, on_home) < 0) {
        run->oom = 1;
        return;
    }
    if (created && l->status == URL_SKIP) {
        entry_set(e, 0, "scheme", NULL);
        return;
    }
    if (created && l->status != URL_OK) {
        entry_set(e, 0, "bad_url", NULL);
        return;
    }
    if (e->page_requested || (!created && e->done && !e->check_requested) ||
        (e->check_requested && !created && l->kind != HTML_LINK_PAGE) ||
        (e->check_requested && e->done && e->result != LINK_OK))
        return;
    int in_scope = site_in_scope(s, e->url);
    int crawlable = in_scope && l->kind == HTML_LINK_PAGE && !crawl_url_is_attachment(e->url) &&
                    depth <= o->max_depth && s->pages_queued < o->max_pages;
    if (created && url_excluded(o, e->url)) {
        entry_set(e, 0, "excluded", NULL);
        return;
    }
    if (crawlable && e->check_requested && !e->done) {
        if (!e->page_wanted_by) { /* decided when the check ends: no page fetch if broken */
            e->page_wanted_by = s;
            e->page_wanted_depth = depth;
        }
        return;
    }
    if (crawlable) {
        e->depth = depth;
        submit(s, e, MODE_PAGE, depth); /* upgrades a check to a page, too */
        return;
    }
    if (!created)
        return;
    if (!in_scope && !o->check_external) {
        entry_set(e, 0, "external", NULL);
        return;
    }
    if (o->max_links > 0 && s->checks_queued >= o->max_links) {
        entry_set(e, 0, "limit", NULL);
        return;
    }
    s->checks_queued++;
    e->depth = depth;
    submit(s, e, MODE_CHECK, depth);
}

static void site_links_add(struct crawl_site *s, struct url_entry *page, int depth, int on_home,
                           struct html_links *links)
{
    for (size_t i = 0; i < links->n && !s->run->oom; i++)
        site_link_add(s, page, depth + 1, on_home, &links->v[i]);
}

int crawl_site_want(struct crawl_site *s, const char *url)
{
    char *abs = NULL;
    int st = url_resolve(s->home_url, url, &abs);
    if (st < 0)
        return st;
    if (st != URL_OK)
        return SC_EINPUT;
    int created;
    struct url_entry *e = entry_get(s->run, abs, &created);
    free(abs);
    if (!e)
        return SC_ENOMEM;
    if (!e->page_requested) {
        if (created)
            e->depth = s->run->opt->max_depth;
        submit(s, e, MODE_PAGE, s->run->opt->max_depth);
    }
    return s->run->oom ? SC_ENOMEM : 0;
}

/* ---- the run ---- */

static void on_progress(uv_timer_t *t)
{
    struct crawl_run *run = t->data;
    double secs = (double)(uv_now(&run->loop) - run->start_ms) / 1000.0;
    fprintf(stderr,
            "\r\033[K%zu pages crawled, %zu links found, %zu checked, %.0f pages/s, %zu to do",
            run->pages, run->nentries, run->checks + run->pages,
            secs > 0 ? (double)run->pages / secs : 0.0, run->outstanding);
    fflush(stderr);
}

static void run_maybe_finish(struct crawl_run *run)
{
    if (run->outstanding > 0 || !run->eng)
        return;
    fetch_engine_close(run->eng);
    run->eng = NULL;
    if (run->progress_on) {
        uv_timer_stop(&run->progress);
        uv_close((uv_handle_t *)&run->progress, NULL);
        fprintf(stderr, "\r\033[K");
        run->progress_on = 0;
    }
}

static void site_probe_start(struct crawl_site *s)
{
    unsigned char rnd[8] = {0};
    if (getrandom(rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
        unsigned long v = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
        memcpy(rnd, &v, sizeof v < sizeof rnd ? sizeof v : sizeof rnd);
    }
    char path[64];
    snprintf(path, sizeof path, "/spotcheck-404-%02x%02x%02x%02x%02x%02x%02x%02x.html", rnd[0],
             rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    char *probe = NULL;
    if (url_resolve(s->home_url, path, &probe) != URL_OK) {
        site_start_home(s);
        return;
    }
    struct fetch_ctx *c = calloc(1, sizeof *c);
    struct fetch_request req = {probe, FETCH_GET, 1};
    if (!c || fetch_submit(s->run->eng, &req, on_fetched, c) < 0) {
        free(c);
        s->run->oom = 1;
    } else {
        c->site = s;
        c->mode = MODE_PROBE;
        s->run->outstanding++;
    }
    free(probe);
}

/* Moves what the run found into each site's report. */
static int site_report_fill(struct crawl_site *s, int all_links)
{
    struct site_report *r = s->report;
    r->links_checked = 0;
    for (size_t i = 0; i < s->nrefs; i++) {
        struct site_ref *ref = &s->refs[i];
        struct url_entry *e = ref->e;
        if (!e->done) /* never finished: the run was cut short */
            entry_set(e, e->status, "cancelled", NULL);
        if (e->result != LINK_SKIPPED)
            r->links_checked++;
        if (!all_links && e->result != LINK_BROKEN && e->result != LINK_SUSPECTED)
            continue;
        struct link_record *l = site_report_add_link(r);
        if (!l)
            return SC_ENOMEM;
        l->url = strdup(e->url);
        l->found_on = strdup(ref->found_on);
        l->anchor = ref->anchor;
        ref->anchor = NULL;
        l->on_homepage = ref->on_homepage;
        l->result = e->result;
        l->status = e->status;
        l->error = e->error ? strdup(e->error) : NULL;
        l->final_url = strdup(e->final_url ? e->final_url : e->url);
        if (!l->url || !l->found_on || !l->final_url || (e->error && !l->error))
            return SC_ENOMEM;
        if (chain_copy(&l->redirects, &l->nredirects, (const char *const *)e->redirects,
                       e->nredirects) < 0)
            return SC_ENOMEM;
    }
    return 0;
}

static void site_free(struct crawl_site *s)
{
    free(s->home_url);
    for (size_t i = 0; i < s->nhosts; i++)
        free(s->hosts[i]);
    free(s->hosts);
    soft404_fingerprint_free(&s->fp);
    for (size_t i = 0; i < s->nrefs; i++)
        free(s->refs[i].anchor);
    free(s->refs);
    crawl_map_release(&s->refmap);
}

int crawl_run(const char *const *urls, size_t n, const struct crawl_options *opt,
              const struct crawl_hooks *hooks, struct site_report *reports, struct sc_error *err)
{
    for (size_t i = 0; i < n; i++)
        site_report_init(&reports[i], urls[i]);
    struct crawl_run *run = calloc(1, sizeof *run);
    if (!run)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    int rc = 0;
    run->opt = opt;
    run->hooks = hooks;
    run->pages_inflight_max = (size_t)opt->fetch.concurrency + 8;
    crawl_map_init(&run->urls);
    if (uv_loop_init(&run->loop) != 0) {
        free(run);
        return sc_fail(err, SC_ERUNTIME, "cannot start the event loop");
    }
    rc = fetch_engine_new(&run->loop, &opt->fetch, &run->eng, err);
    run->sites = calloc(n ? n : 1, sizeof *run->sites);
    if (rc == 0 && !run->sites)
        rc = sc_fail(err, SC_ENOMEM, "out of memory");
    run->nsites = rc == 0 ? n : 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct crawl_site *s = &run->sites[i];
        s->run = run;
        s->report = &reports[i];
        crawl_map_init(&s->refmap);
        int st = url_normalise(urls[i], &s->home_url);
        char *host = NULL;
        int port;
        if (st == SC_ENOMEM) {
            rc = sc_fail(err, SC_ENOMEM, "out of memory");
            break;
        }
        if (st != URL_OK || url_host_port(s->home_url, &host, &port) < 0) {
            free(s->home_url);
            s->home_url = NULL;
            s->report->reachable = 0;
            s->report->unreachable_error = strdup("bad_url");
            continue;
        }
        site_scope_add(s, host);
        free(host);
        for (size_t k = 0; k < opt->nextra_hosts; k++)
            site_scope_add(s, opt->extra_hosts[k]);
        site_probe_start(s);
    }
    if (rc == 0) {
        run->start_ms = uv_now(&run->loop);
        if (opt->progress) {
            uv_timer_init(&run->loop, &run->progress);
            run->progress.data = run;
            uv_timer_start(&run->progress, on_progress, 500, 500);
            run->progress_on = 1;
        }
        run_maybe_finish(run); /* nothing to do at all (every URL bad) */
        uv_run(&run->loop, UV_RUN_DEFAULT);
        if (run->oom)
            rc = sc_fail(err, SC_ENOMEM, "out of memory while crawling");
    } else if (run->eng) {
        fetch_engine_close(run->eng);
        uv_run(&run->loop, UV_RUN_DEFAULT);
    }
    for (size_t i = 0; rc == 0 && i < run->nsites; i++)
        if (site_report_fill(&run->sites[i], opt->all_links) < 0)
            rc = sc_fail(err, SC_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && hooks && hooks->site_done && i < n; i++)
        hooks->site_done(&reports[i], hooks->user);
    for (size_t i = 0; i < run->nsites; i++)
        site_free(&run->sites[i]);
    free(run->sites);
    for (size_t i = 0; i < run->nentries; i++) {
        free(run->entries[i]->url);
        free(run->entries[i]->final_url);
        entry_chain_free(run->entries[i]);
        free(run->entries[i]);
    }
    free(run->entries);
    crawl_map_release(&run->urls);
    if (uv_loop_close(&run->loop) != 0 && rc == 0)
        rc = sc_fail(err, SC_ERUNTIME, "event loop still had open handles");
    free(run);
    return rc;
}

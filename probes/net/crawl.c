/* crawl: breadth-first crawling, link checking and classification for a crawl of some
 * sites on the caller's loop (see crawl.h for the API, the contract and the hooks). */
#include "probes/net/crawl.h"
#include "common/strbuf.h"
#include "probes/net/crawl_map.h"
#include "probes/net/crawl_soft404.h"
#include "probes/net/html.h"
#include "probes/net/link_result.h"
#include "probes/net/url.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define TEXT_SIG_MAX (64 * 1024) /* bytes of page text the soft-404 signature covers */
#define PROGRESS_EVERY_MS 200
#define PARSE_WORKER_NICE 10 /* the thread pool's priority while it parses (see parse_work) */

/* One unique URL of the crawl, shared by every site that links to it. */
struct url_entry {
    char *url;
    char *final_url;
    int depth;
    unsigned page_requested : 1, check_requested : 1, done : 1;
    /* a hook asked for it (crawl_site_want): parsed and observed even on another host */
    unsigned page_wanted : 1;
    int busy; /* fetches (checks, pages with their parse) queued or running for it */
    struct crawl_site *page_site;      /* the site its (latest) page fetch is for */
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
    const char *found_on; /* an entry's URL string, alive for the crawl */
    char *anchor;
    int on_homepage;
};

struct crawl_site {
    struct crawl *crawl;
    size_t index;
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
    size_t ref_cursor;  /* refs before it are done */
    size_t outstanding; /* this site's fetches, waiting pages and parse jobs */
    int status;         /* 0, or SC_ENOMEM once the site ran out of memory */
    unsigned finishing : 1, finished : 1, delivered : 1;
};

struct crawl {
    uv_loop_t *loop;
    struct fetch_engine *eng;
    struct crawl_options opt; /* excludes deep-copied; extra_hosts not kept */
    struct crawl_hooks hooks;
    struct crawl_callbacks cbs;
    struct crawl_map urls;
    struct url_entry **entries;
    size_t nentries, entries_alloc;
    struct crawl_site *sites;
    size_t nsites, sites_done, sites_cancelled;
    size_t outstanding;                      /* every site's, plus the shared parse jobs */
    struct page_wait *wait_head, *wait_tail; /* page fetches waiting for room */
    size_t pages_inflight;                   /* page fetches and parses running */
    size_t pages_inflight_max;
    struct parse_job *jobs; /* on the thread pool, for crawl_cancel() */
    uv_timer_t kick;        /* runs deliver() outside every other callback */
    int cancelled;
    int ending;        /* the engine is being closed */
    int engine_closed; /* ... and is gone: done comes at the next kick with nothing left */
    uint64_t start_ms, progress_ms;
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
    struct parse_job *prev, *next; /* in crawl->jobs */
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
    return link_result_classify(status, error);
}

/* ---- bookkeeping: the work of each site, and when it is finished ---- */

static void kick_soon(struct crawl *c);

/* Ends the site with an error (out of memory): it takes no new work; what it has in
 * flight finishes, then it is handed over with that status. */
static void site_fail(struct crawl_site *s, int code)
{
    if (!s->status)
        s->status = code;
}

/* 1 when the site may take new work. */
static int site_open(const struct crawl_site *s)
{
    return !s->status && !s->crawl->cancelled && !s->finishing;
}

static void op_begin(struct crawl_site *s)
{
    s->outstanding++;
    s->crawl->outstanding++;
}

static void op_end(struct crawl_site *s)
{
    s->outstanding--;
    s->crawl->outstanding--;
    if (s->outstanding == 0)
        kick_soon(s->crawl);
}

/* A fetch of e is over. When nothing else runs for it, the other sites that refer to it
 * may now be settled: look at them at the next kick, not when this site next goes idle. */
static void entry_op_end(struct crawl *c, struct url_entry *e)
{
    if (--e->busy == 0)
        kick_soon(c);
}

/* 1 when every URL the site refers to has its result, or never will (nothing in flight
 * for it: its fetch was refused or dropped; it is reported "cancelled"). */
static int site_refs_settled(struct crawl_site *s)
{
    while (s->ref_cursor < s->nrefs) {
        struct url_entry *e = s->refs[s->ref_cursor].e;
        if (!e->done && e->busy > 0)
            return 0;
        s->ref_cursor++;
    }
    return 1;
}
/* ---- URL table and site references ---- */

static struct url_entry *entry_get(struct crawl *c, const char *url, int *created)
{
    *created = 0;
    struct url_entry *e = crawl_map_get(&c->urls, url);
    if (e)
        return e;
    if (c->nentries == c->entries_alloc) {
        size_t na = c->entries_alloc ? c->entries_alloc * 2 : 256;
        struct url_entry **p = realloc(c->entries, na * sizeof *p);
        if (!p)
            return NULL;
        c->entries = p;
        c->entries_alloc = na;
    }
    e = calloc(1, sizeof *e);
    if (!e || !(e->url = strdup(url)) || crawl_map_put(&c->urls, e->url, e) < 0) {
        if (e)
            free(e->url);
        free(e);
        return NULL;
    }
    c->entries[c->nentries++] = e;
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

/* 1 when url's host is in the site's scope, 0 when not (or no host); out of memory ends
 * the site (an on-site page taken for an external link would be checked, not crawled). */
static int site_in_scope(struct crawl_site *s, const char *url)
{
    char *host = NULL;
    int port = 0, in = 0, rc = url_host_port(url, &host, &port);
    if (rc == SC_ENOMEM)
        site_fail(s, SC_ENOMEM);
    if (rc < 0)
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

static void on_fetched(struct fetch_result *res, void *user);
static void fetch_now(struct crawl_site *s, struct url_entry *e, enum fetch_mode mode, int depth);

static void maybe_progress(struct crawl *c)
{
    if (!c->cbs.progress)
        return;
    uint64_t now = uv_now(c->loop);
    if (now - c->progress_ms < PROGRESS_EVERY_MS)
        return;
    c->progress_ms = now;
    struct crawl_progress p = {c->pages,
                               c->checks,
                               c->nentries,
                               c->outstanding,
                               c->sites_done,
                               c->nsites,
                               (double)(now - c->start_ms) / 1000.0};
    c->cbs.progress(&p, c->cbs.user);
}

/* A page's work (its wait, fetch and parse) is over. */
static void page_op_end(struct crawl_site *s, struct url_entry *e)
{
    entry_op_end(s->crawl, e);
    op_end(s);
}

static int site_in_scope(struct crawl_site *s, const char *url);

/* For a page that a stopped site was going to fetch: an open site that refers to it, to
 * take it over (NULL: none, or the crawl is cancelled); one that has it in scope first
 * (*in_scope), else one for which it is a link to check. Without it the other site, which
 * found the page already requested (or wanted), would never get its result or its page. */
static struct crawl_site *page_heir(struct crawl *c, struct url_entry *e, int *in_scope)
{
    struct crawl_site *heir = NULL;
    *in_scope = 0;
    if (c->cancelled)
        return NULL;
    for (size_t i = 0; i < c->nsites && !*in_scope; i++) {
        struct crawl_site *o = &c->sites[i];
        if (site_open(o) && crawl_map_get(&o->refmap, e->url)) {
            *in_scope = site_in_scope(o, e->url);
            if (*in_scope || !heir)
                heir = o;
        }
    }
    return heir;
}

/* Starts waiting page fetches while there is room; drops those of sites that stopped,
 * unless another site takes them over. */
static void pages_pump(struct crawl *c)
{
    while (c->wait_head && c->pages_inflight < c->pages_inflight_max) {
        struct page_wait *w = c->wait_head;
        c->wait_head = w->next;
        if (!c->wait_head)
            c->wait_tail = NULL;
        int in_scope = 0;
        struct crawl_site *heir =
            site_open(w->site) || w->e->done ? NULL : page_heir(c, w->e, &in_scope);
        if (heir && !in_scope) { /* a link to check for it, once this wait is dropped */
            page_op_end(w->site, w->e);
            if (w->e->busy == 0) { /* else a fetch of it still runs */
                w->e->page_requested = 0;
                if (c->opt.check_external) {
                    heir->checks_queued++;
                    fetch_now(heir, w->e, MODE_CHECK, w->depth);
                } else {
                    entry_set(w->e, 0, "external", NULL);
                }
            }
            free(w);
            continue;
        }
        if (heir) {
            op_begin(heir);
            heir->pages_queued++;
            op_end(w->site);
            w->site = heir;
            w->e->page_site = heir;
        }
        if (site_open(w->site)) {
            c->pages_inflight++;
            /* the least depth it was found at while it waited (site_link_add lowers it) */
            fetch_now(w->site, w->e, MODE_PAGE, w->e->depth < w->depth ? w->e->depth : w->depth);
        } else {
            page_op_end(w->site, w->e);
            if (!w->e->done && w->e->busy == 0)
                w->e->page_requested = 0; /* a site that finds it later requests it anew */
        }
        free(w);
    }
}

/* A page fetch (and its parse, if any) is over: make room for the next. */
static void page_finished(struct crawl_site *s, struct url_entry *e)
{
    struct crawl *c = s->crawl;
    c->pages_inflight--;
    page_op_end(s, e);
    pages_pump(c);
}

static void submit(struct crawl_site *s, struct url_entry *e, enum fetch_mode mode, int depth)
{
    struct crawl *c = s->crawl;
    if (!site_open(s))
        return;
    if (mode == MODE_PAGE) {
        struct page_wait *w = calloc(1, sizeof *w);
        if (!w) {
            site_fail(s, SC_ENOMEM);
            return;
        }
        w->site = s;
        w->e = e;
        w->depth = depth;
        if (c->wait_tail)
            c->wait_tail->next = w;
        else
            c->wait_head = w;
        c->wait_tail = w;
        op_begin(s);
        e->busy++;
        e->page_requested = 1;
        e->page_site = s;
        s->pages_queued++;
        pages_pump(c);
        return;
    }
    fetch_now(s, e, mode, depth);
}

/* Hands the request to the engine. A page's wait already counts as its op (and its
 * pages_inflight place is taken); a check becomes an op here. */
static void fetch_now(struct crawl_site *s, struct url_entry *e, enum fetch_mode mode, int depth)
{
    struct crawl *c = s->crawl;
    struct fetch_ctx *x = calloc(1, sizeof *x);
    struct fetch_request req = {e->url, mode == MODE_CHECK ? FETCH_HEAD : FETCH_GET,
                                mode != MODE_CHECK};
    if (x) {
        x->site = s;
        x->e = e;
        x->mode = mode;
        x->depth = depth;
    }
    if (!x || !c->eng || fetch_submit(c->eng, &req, on_fetched, x) < 0) {
        free(x);
        site_fail(s, SC_ENOMEM);
        if (mode == MODE_PAGE)
            page_finished(s, e);
        return;
    }
    if (mode == MODE_CHECK) {
        op_begin(s);
        e->busy++;
        e->check_requested = 1;
    }
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

/* On the thread pool: decode, parse, fingerprint and extract links. Reads the site's
 * soft-404 fingerprint, which is written only before the site's first page is queued. */
/* The parse workers yield the CPU to the loop thread: on a machine with fewer cores than
 * busy threads, a loop that waits for its turn delays every timer and probe on it (the
 * stalls docs/crawler.md measures). Each pool thread lowers its own priority once;
 * lowering is always allowed. */
static void worker_yield_to_loop(void)
{
    static _Thread_local int done;
    if (!done) {
        done = 1;
        errno = 0;
        int nice_now = getpriority(PRIO_PROCESS, (id_t)gettid());
        if (errno == 0 && nice_now < PARSE_WORKER_NICE)
            setpriority(PRIO_PROCESS, (id_t)gettid(), PARSE_WORKER_NICE);
    }
}

static void parse_work(uv_work_t *w)
{
    struct parse_job *j = w->data;
    worker_yield_to_loop();
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
    if (title.failed || text.failed)
        j->failed = 1;
    else if (j->mode == MODE_PROBE)
        j->text_sig = soft404_text_sig(text.buf, text.len);
    else if (!j->is_homepage)
        j->soft404 = soft404_page_match(&j->site->fp, j->final_url, j->redirected, title.buf,
                                        text.buf, text.len);
    strbuf_release(&title);
    strbuf_release(&text);
    if (!j->failed && j->mode == MODE_PAGE && !j->soft404 &&
        html_links_extract(j->doc->out, j->final_url, &j->links) < 0)
        j->failed = 1;
    if (!j->keep_doc || j->soft404 || j->failed) {
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
    struct crawl *c = s->crawl;
    if (j->prev)
        j->prev->next = j->next;
    else
        c->jobs = j->next;
    if (j->next)
        j->next->prev = j->prev;
    int ran = status == 0; /* UV_ECANCELED: crawl_cancel() took it off the queue */
    if (ran && j->failed)
        site_fail(s, SC_ENOMEM);
    if (j->mode == MODE_PROBE) {
        if (ran && !j->failed) {
            s->fp.active = 1;
            s->fp.text_sig = j->text_sig;
        }
        site_start_home(s);
    } else if (ran) {
        struct url_entry *e = j->e;
        if (j->soft404) {
            entry_set(e, j->status, "soft_404", NULL);
            e->result = LINK_BROKEN;
        } else if (!j->failed && site_open(s)) {
            /* a page a hook wanted on another host (a service platform's guide) is read,
             * not counted as one of the site's */
            if (j->is_homepage || !e->page_wanted ||
                site_in_scope(s, j->final_url ? j->final_url : e->url))
                s->report->pages_crawled++;
            c->pages++;
            /* The page's own links first: a URL the hook then wants (crawl_site_want: a
             * column's list page) and the page also links is already queued at its true
             * depth. The other way round it was queued at max_depth, and a paged list's
             * further pages fell past the limit and were only checked. */
            site_links_add(s, e, j->depth, j->is_homepage, &j->links);
            if (c->hooks.page && j->doc && site_open(s)) {
                struct crawl_page p = {
                    j->final_url, e->url,      j->status,   j->depth, j->is_homepage,
                    j->text,      j->text_len, j->doc->out, s,        s->index};
                int rc = c->hooks.page(&p, s->report, c->hooks.user);
                if (rc < 0)
                    site_fail(s, rc);
            }
        }
    }
    int was_page = j->mode == MODE_PAGE;
    struct url_entry *e = j->e;
    parse_job_free(j); /* the fetch's op, which the job carried, ends here */
    if (was_page)
        page_finished(s, e);
    else
        op_end(s);
    maybe_progress(c);
}

/* Hands the page to the thread pool; returns 1 when queued (the fetch's op then lives on
 * in the job). */
static int queue_parse(struct crawl_site *s, struct fetch_ctx *x, struct fetch_result *res)
{
    struct crawl *c = s->crawl;
    struct parse_job *j = calloc(1, sizeof *j);
    if (!j) {
        site_fail(s, SC_ENOMEM);
        return 0;
    }
    strbuf_init(&j->html);
    j->work.data = j;
    j->site = s;
    j->e = x->e;
    j->mode = x->mode;
    j->depth = x->depth;
    j->is_homepage = x->e && x->e == s->home;
    j->keep_doc = c->hooks.page != NULL;
    j->redirected = res->nredirects > 0;
    j->status = res->status;
    j->body = res->body;
    j->body_len = res->body_len;
    res->body = NULL;
    j->content_type = res->content_type ? strdup(res->content_type) : NULL;
    j->final_url = strdup(res->final_url);
    if (!j->final_url || (res->content_type && !j->content_type) ||
        uv_queue_work(c->loop, &j->work, parse_work, parse_done) != 0) {
        site_fail(s, SC_ENOMEM);
        parse_job_free(j);
        return 0;
    }
    j->next = c->jobs;
    if (c->jobs)
        c->jobs->prev = j;
    c->jobs = j;
    return 1;
}

/* An error word that says we ran out of memory, not that the URL failed. */
static int fetch_error_is_ours(const struct fetch_result *res)
{
    return link_result_error_is_ours(res->error);
}

static void on_probe_fetched(struct crawl_site *s, struct fetch_ctx *x, struct fetch_result *res,
                             int ok2xx)
{
    if (fetch_error_is_ours(res)) /* without its fingerprint the site would be judged otherwise */
        site_fail(s, SC_ENOMEM);
    if (ok2xx && res->nredirects > 0 && !s->fp.landing && !(s->fp.landing = strdup(res->final_url)))
        site_fail(s, SC_ENOMEM);
    if (ok2xx && res->body && site_open(s) &&
        looks_like_html(res->content_type, res->body, res->body_len) && queue_parse(s, x, res))
        return; /* parse_done starts the homepage and ends the op */
    site_start_home(s);
    op_end(s);
}

static void on_check_fetched(struct crawl_site *s, struct url_entry *e, struct fetch_result *res,
                             int ok2xx)
{
    struct crawl *c = s->crawl;
    if (!e->page_requested || !e->done) {
        if (entry_set_fetched(e, res) < 0)
            site_fail(s, SC_ENOMEM);
        if (ok2xx && res->nredirects > 0 && s->fp.landing &&
            strcmp(res->final_url, s->fp.landing) == 0) {
            e->error = "soft_404";
            e->result = LINK_BROKEN;
        }
    }
    c->checks++;
    /* Found as a crawlable page while its check ran: now crawl it, if it is fine. */
    struct crawl_site *want = e->page_wanted_by;
    e->page_wanted_by = NULL;
    if (want && !site_open(want)) { /* it stopped: a site that has the page in scope crawls it */
        int in_scope;
        want = page_heir(c, e, &in_scope);
        if (!in_scope)
            want = NULL;
    }
    if (want && !e->page_requested && e->result == LINK_OK) {
        e->depth = e->page_wanted_depth;
        submit(want, e, MODE_PAGE, e->page_wanted_depth);
    }
    entry_op_end(c, e);
    op_end(s);
}

static void on_page_fetched(struct crawl_site *s, struct fetch_ctx *x, struct fetch_result *res,
                            int ok2xx)
{
    struct crawl *c = s->crawl;
    struct url_entry *e = x->e;
    if (entry_set_fetched(e, res) < 0)
        site_fail(s, SC_ENOMEM);
    int is_home = e == s->home;
    if (is_home && c->hooks.homepage && site_open(s)) {
        int rc = c->hooks.homepage(res, s->report, c->hooks.user);
        if (rc < 0)
            site_fail(s, rc);
    }
    if (is_home) {
        s->report->reachable = ok2xx;
        if (!ok2xx) {
            free(s->report->unreachable_error);
            s->report->unreachable_error = strdup(res->error ? res->error : "http_status");
            if (!s->report->unreachable_error)
                site_fail(s, SC_ENOMEM);
        } else {
            char *host = NULL;
            int port;
            if (url_host_port(res->final_url, &host, &port) < 0 || site_scope_add(s, host) < 0)
                site_fail(s, SC_ENOMEM);
            free(host);
        }
    }
    /* A redirect lands on a page that may be crawled on its own: parse it once. */
    int seen = 0;
    if (ok2xx && res->nredirects > 0) {
        int created;
        struct url_entry *fe = entry_get(c, res->final_url, &created);
        if (!fe)
            site_fail(s, SC_ENOMEM);
        else if (fe != e && fe->page_requested)
            seen = 1;
        else if (fe != e) {
            fe->page_requested = 1;
            entry_set(fe, res->status, NULL, NULL);
        }
    }
    int parsing = ok2xx && !seen && res->body && site_open(s) &&
                  (is_home || e->page_wanted || site_in_scope(s, res->final_url)) &&
                  looks_like_html(res->content_type, res->body, res->body_len) &&
                  queue_parse(s, x, res);
    if (!parsing)
        page_finished(s, e);
}

static void on_fetched(struct fetch_result *res, void *user)
{
    struct fetch_ctx *x = user;
    struct crawl_site *s = x->site;
    int ok2xx = !res->error && res->status >= 200 && res->status < 300;
    if (x->mode == MODE_PAGE && fetch_error_is_ours(res))
        site_fail(s, SC_ENOMEM); /* a page we could not fetch for want of memory */
    if (x->mode == MODE_PROBE)
        on_probe_fetched(s, x, res, ok2xx);
    else if (x->mode == MODE_CHECK)
        on_check_fetched(s, x->e, res, ok2xx);
    else
        on_page_fetched(s, x, res, ok2xx);
    free(x);
    maybe_progress(s->crawl);
}

static void site_start_home(struct crawl_site *s)
{
    int created;
    struct url_entry *e = entry_get(s->crawl, s->home_url, &created);
    if (!e) {
        site_fail(s, SC_ENOMEM);
        return;
    }
    s->home = e;
    if (created)
        e->depth = 0; /* an entry another site found keeps its depth: its wait uses it */
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
    struct crawl *c = s->crawl;
    const struct crawl_options *o = &c->opt;
    int created;
    struct url_entry *e = entry_get(c, l->url, &created);
    if (!e) {
        site_fail(s, SC_ENOMEM);
        return;
    }
    if (!created && !e->done && e->busy == 0) {
        /* An orphan: a site that stopped (out of memory, cancelled) found it and never had
         * it fetched, or its fetch was dropped. This site takes it over as new. */
        e->page_requested = e->check_requested = 0;
        created = 1;
    }
    const char *found_on = page->final_url ? page->final_url : page->url;
    if (site_ref_add(s, e, found_on, l->anchor, on_home) < 0) {
        site_fail(s, SC_ENOMEM);
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
    if (e->page_requested && !e->done && e->page_site == s && depth < e->depth)
        e->depth = depth; /* still waiting: it is fetched at the lesser depth (of its site) */
    if (e->page_wanted_by == s && depth < e->page_wanted_depth)
        e->page_wanted_depth = depth;
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
    if (!created && (e->page_requested || e->check_requested))
        return; /* else nobody asked for it (a site that stopped let it go): ask now */
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
    for (size_t i = 0; i < links->n && site_open(s); i++)
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
    struct url_entry *e = entry_get(s->crawl, abs, &created);
    free(abs);
    if (!e)
        return SC_ENOMEM;
    e->page_wanted = 1;
    if (!e->page_requested) {
        if (created)
            e->depth = s->crawl->opt.max_depth;
        submit(s, e, MODE_PAGE, s->crawl->opt.max_depth);
    }
    return s->status == SC_ENOMEM ? SC_ENOMEM : 0;
}

/* ---- a site's start and end ---- */

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
    int st = url_resolve(s->home_url, path, &probe);
    if (st != URL_OK) {
        if (st == SC_ENOMEM)
            site_fail(s, SC_ENOMEM);
        free(probe);
        site_start_home(s);
        return;
    }
    struct fetch_ctx *x = calloc(1, sizeof *x);
    struct fetch_request req = {probe, FETCH_GET, 1};
    if (x) {
        x->site = s;
        x->mode = MODE_PROBE;
    }
    if (!x || fetch_submit(s->crawl->eng, &req, on_fetched, x) < 0) {
        free(x);
        site_fail(s, SC_ENOMEM);
    } else {
        op_begin(s);
    }
    free(probe);
}

/* Moves what the crawl found into the site's report. */
static int site_report_fill(struct crawl_site *s, int all_links)
{
    struct site_report *r = s->report;
    r->links_checked = 0;
    for (size_t i = 0; i < s->nrefs; i++) {
        struct site_ref *ref = &s->refs[i];
        struct url_entry *e = ref->e;
        /* Never finished (the crawl was cut short, or the site that took it stopped): said
         * in this report only: the entry is shared, and another site may still be waiting
         * for its real result. */
        const char *error = e->done ? e->error : "cancelled";
        enum link_result result = e->done ? e->result : LINK_SUSPECTED;
        if (error && strcmp(error, "oom") == 0)
            return SC_ENOMEM; /* we ran out of memory, not the link: no result to report */
        if (result != LINK_SKIPPED)
            r->links_checked++;
        if (!all_links && result != LINK_BROKEN && result != LINK_SUSPECTED)
            continue;
        struct link_record *l = site_report_add_link(r);
        if (!l)
            return SC_ENOMEM;
        l->url = strdup(e->url);
        l->found_on = strdup(ref->found_on);
        l->anchor = ref->anchor;
        ref->anchor = NULL;
        l->on_homepage = ref->on_homepage;
        l->result = result;
        l->status = e->status;
        l->error = error ? strdup(error) : NULL;
        l->final_url = strdup(e->final_url ? e->final_url : e->url);
        if (!l->url || !l->found_on || !l->final_url || (error && !l->error))
            return SC_ENOMEM;
        if (chain_copy(&l->redirects, &l->nredirects, (const char *const *)e->redirects,
                       e->nredirects) < 0)
            return SC_ENOMEM;
    }
    return 0;
}

/* Frees what the site holds; its report stays. */
static void site_release(struct crawl_site *s)
{
    free(s->home_url);
    s->home_url = NULL;
    for (size_t i = 0; i < s->nhosts; i++)
        free(s->hosts[i]);
    free(s->hosts);
    s->hosts = NULL;
    s->nhosts = 0;
    soft404_fingerprint_free(&s->fp);
    for (size_t i = 0; i < s->nrefs; i++)
        free(s->refs[i].anchor);
    free(s->refs);
    s->refs = NULL;
    s->nrefs = s->refs_alloc = 0;
    crawl_map_release(&s->refmap);
}

/* The site has nothing in flight and every URL it refers to is settled (or it stopped):
 * fill its report, judge it and hand it over. */
static void site_finish(struct crawl_site *s)
{
    struct crawl *c = s->crawl;
    s->finishing = 1;
    int status = s->status;
    if (!status && c->cancelled)
        status = SC_ECANCELED;
    if (status == SC_ECANCELED)
        c->sites_cancelled++;
    if (site_report_fill(s, c->opt.all_links) < 0 && !status)
        status = SC_ENOMEM;
    if (!status && c->hooks.site_done) {
        int rc = c->hooks.site_done(s->report, c->hooks.user);
        if (rc < 0)
            status = rc;
    }
    site_release(s);
    s->finished = 1;
    c->sites_done++;
    if (c->cbs.site_finished)
        c->cbs.site_finished(c, s->index, s->report, status, c->cbs.user);
}

/* ---- the crawl's life cycle ---- */

static void on_kick(uv_timer_t *t);

static void kick_soon(struct crawl *c)
{
    if (!uv_is_active((uv_handle_t *)&c->kick) && !uv_is_closing((uv_handle_t *)&c->kick))
        uv_timer_start(&c->kick, on_kick, 0, 0);
}

static void crawl_free(struct crawl *c)
{
    for (size_t i = 0; i < c->nsites; i++)
        site_release(&c->sites[i]);
    free(c->sites);
    for (size_t i = 0; i < c->nentries; i++) {
        free(c->entries[i]->url);
        free(c->entries[i]->final_url);
        entry_chain_free(c->entries[i]);
        free(c->entries[i]);
    }
    free(c->entries);
    crawl_map_release(&c->urls);
    for (size_t i = 0; i < c->opt.nexcludes; i++)
        free(c->opt.excludes[i]);
    free(c->opt.excludes);
    free(c);
}

static void on_kick_closed(uv_handle_t *h)
{
    struct crawl *c = h->data;
    struct crawl_callbacks cbs = c->cbs;
    int status = c->sites_cancelled ? SC_ECANCELED : 0; /* a cancel after the last site: 0 */
    if (cbs.done)
        cbs.done(c, status, cbs.user);
    crawl_free(c);
}

static void on_engine_closed(void *user)
{
    struct crawl *c = user;
    c->engine_closed = 1;
    kick_soon(c);
}

/* Stops what can be stopped: waiting pages are dropped, queued parse jobs taken off the
 * thread pool (running ones finish), transfers cancelled by closing the engine. */
static void crawl_stop_work(struct crawl *c)
{
    while (c->wait_head) {
        struct page_wait *w = c->wait_head;
        c->wait_head = w->next;
        page_op_end(w->site, w->e);
        free(w);
    }
    c->wait_tail = NULL;
    for (struct parse_job *j = c->jobs; j; j = j->next)
        uv_cancel((uv_req_t *)&j->work); /* fails for a job already running: it finishes */
    if (c->eng && !c->ending) {
        struct fetch_engine *eng = c->eng;
        c->eng = NULL;
        c->ending = 1;
        fetch_engine_close(eng, on_engine_closed, c); /* delivers "cancelled" to on_fetched */
    }
}

/* Runs outside every other callback: hands over the sites that are finished, stops the
 * work of a cancelled crawl, and closes the crawl once nothing is left. */
static void on_kick(uv_timer_t *t)
{
    struct crawl *c = t->data;
    if (c->cancelled)
        crawl_stop_work(c);
    for (size_t i = 0; i < c->nsites; i++) {
        struct crawl_site *s = &c->sites[i];
        if (s->finishing || s->outstanding > 0)
            continue;
        if (s->status || c->cancelled || site_refs_settled(s))
            site_finish(s);
    }
    if (c->sites_done < c->nsites || c->outstanding > 0)
        return;
    if (!c->ending) {
        struct fetch_engine *eng = c->eng;
        c->eng = NULL;
        c->ending = 1;
        fetch_engine_close(eng, on_engine_closed, c);
    } else if (c->engine_closed && !uv_is_closing((uv_handle_t *)&c->kick)) {
        uv_close((uv_handle_t *)&c->kick, on_kick_closed);
    }
}

void crawl_cancel(struct crawl *c)
{
    if (c->cancelled)
        return;
    c->cancelled = 1;
    kick_soon(c);
}

/* Copies a list of strings; returns 0 or SC_ENOMEM (what was copied is counted in *nout). */
static int strings_copy(char ***out, size_t *nout, char *const *in, size_t n)
{
    *out = NULL;
    *nout = 0;
    if (n == 0)
        return 0;
    if (!(*out = calloc(n, sizeof **out)))
        return SC_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (!((*out)[i] = strdup(in[i])))
            return SC_ENOMEM;
        (*nout)++;
    }
    return 0;
}

/* Sets up site i; a URL that is not http(s) is a finding (bad_url), not an error. */
static int site_init(struct crawl *c, size_t i, const char *url, const struct crawl_options *opt)
{
    struct crawl_site *s = &c->sites[i];
    s->crawl = c;
    s->index = i;
    crawl_map_init(&s->refmap);
    int st = url_normalise(url, &s->home_url);
    if (st == SC_ENOMEM)
        return SC_ENOMEM;
    char *host = NULL;
    int port, hp = st == URL_OK ? url_host_port(s->home_url, &host, &port) : SC_EINPUT;
    if (hp == SC_ENOMEM)
        return SC_ENOMEM;
    if (hp < 0) {
        free(s->home_url);
        s->home_url = NULL;
        s->report->reachable = 0;
        if (!(s->report->unreachable_error = strdup("bad_url")))
            return SC_ENOMEM;
        return 0; /* nothing to fetch: judged and handed over at the first kick */
    }
    int rc = site_scope_add(s, host);
    free(host);
    for (size_t k = 0; rc == 0 && k < opt->nextra_hosts; k++)
        rc = site_scope_add(s, opt->extra_hosts[k]);
    return rc;
}

int crawl_start(uv_loop_t *loop, const char *const *urls, size_t n, const struct crawl_options *opt,
                const struct crawl_hooks *hooks, const struct crawl_callbacks *cbs,
                struct site_report *reports, struct crawl **out, struct sc_error *err)
{
    *out = NULL;
    int copied = 1;
    for (size_t i = 0; i < n; i++) {
        site_report_init(&reports[i], urls[i]);
        copied &= reports[i].url != NULL;
    }
    struct crawl *c = copied ? calloc(1, sizeof *c) : NULL;
    if (!c)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    c->loop = loop;
    c->opt = *opt;
    c->opt.extra_hosts = NULL;
    c->opt.nextra_hosts = 0;
    if (hooks)
        c->hooks = *hooks;
    if (cbs)
        c->cbs = *cbs;
    c->pages_inflight_max = (size_t)(opt->fetch.concurrency > 0 ? opt->fetch.concurrency : 1) + 8;
    crawl_map_init(&c->urls);
    int rc = strings_copy(&c->opt.excludes, &c->opt.nexcludes, opt->excludes, opt->nexcludes);
    c->sites = calloc(n ? n : 1, sizeof *c->sites);
    if (rc < 0 || !c->sites) {
        crawl_free(c);
        return sc_fail(err, SC_ENOMEM, "out of memory");
    }
    c->nsites = n;
    for (size_t i = 0; i < n; i++)
        c->sites[i].report = &reports[i];
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = site_init(c, i, urls[i], opt);
    if (rc < 0) {
        crawl_free(c);
        return sc_fail(err, rc, "out of memory");
    }
    rc = fetch_engine_new(loop, &opt->fetch, &c->eng, err);
    if (rc < 0) {
        crawl_free(c);
        return rc;
    }
    uv_timer_init(loop, &c->kick);
    c->kick.data = c;
    c->start_ms = c->progress_ms = uv_now(loop);
    for (size_t i = 0; i < n; i++)
        if (c->sites[i].home_url)
            site_probe_start(&c->sites[i]);
    kick_soon(c); /* sites with nothing to do (bad URLs, no memory) finish at once */
    *out = c;
    return 0;
}

/* ---- crawl_run: the blocking convenience ---- */

struct run_state {
    int status;
    size_t failed_index;
    int done;
};

static void run_site_finished(struct crawl *c, size_t index, struct site_report *r, int status,
                              void *user)
{
    struct run_state *st = user;
    if (status < 0 && st->status == 0) {
        st->status = status;
        st->failed_index = index;
    }
}

static void run_done(struct crawl *c, int status, void *user)
{
    struct run_state *st = user;
    st->done = 1;
    if (status < 0 && st->status == 0)
        st->status = status;
}

int crawl_run(const char *const *urls, size_t n, const struct crawl_options *opt,
              const struct crawl_hooks *hooks, struct site_report *reports, struct sc_error *err)
{
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) {
        for (size_t i = 0; i < n; i++)
            site_report_init(&reports[i], urls[i]);
        return sc_fail(err, SC_ERUNTIME, "cannot start the event loop");
    }
    struct run_state st = {0, 0, 0};
    struct crawl_callbacks cbs = {run_site_finished, run_done, NULL, &st};
    struct crawl *c;
    int rc = crawl_start(&loop, urls, n, opt, hooks, &cbs, reports, &c, err);
    if (rc == 0) {
        uv_run(&loop, UV_RUN_DEFAULT);
        if (st.status == SC_ENOMEM)
            rc = sc_fail(err, SC_ENOMEM, "out of memory while crawling %s", urls[st.failed_index]);
        else if (st.status < 0)
            rc = sc_fail(err, st.status, "the crawl of %s did not finish", urls[st.failed_index]);
    }
    if (uv_loop_close(&loop) != 0 && rc == 0)
        rc = sc_fail(err, SC_ERUNTIME, "event loop still had open handles");
    return rc;
}

/* html: charset detection, decoding, gumbo parsing and link extraction (see html.h). */
#include "probes/net/html.h"
#include "common/charset.h"
#include "common/error.h"
#include "common/utf8.h"
#include "probes/net/html_depth.h"
#include "probes/net/url.h"

#include <ctype.h>
#include <pthread.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- charset ---- */

/* Finds "charset" in s[0..n), skips spaces, '=' and a quote, and returns the canonical
 * name of the label that follows, or NULL. */
static const char *charset_after_word(const char *s, size_t n)
{
    for (size_t i = 0; i + 7 <= n; i++) {
        if (strncasecmp(s + i, "charset", 7) != 0)
            continue;
        size_t j = i + 7;
        while (j < n && (s[j] == ' ' || s[j] == '\t'))
            j++;
        if (j >= n || s[j] != '=')
            continue;
        j++;
        while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '"' || s[j] == '\''))
            j++;
        char label[48];
        size_t k = 0;
        while (j < n && k < sizeof label - 1 &&
               (isalnum((unsigned char)s[j]) || s[j] == '-' || s[j] == '_' || s[j] == '.' ||
                s[j] == ':'))
            label[k++] = s[j++];
        label[k] = '\0';
        return k ? charset_canonical(label) : NULL;
    }
    return NULL;
}

const char *html_charset_from_content_type(const char *content_type)
{
    return content_type ? charset_after_word(content_type, strlen(content_type)) : NULL;
}

const char *html_charset_from_meta(const char *body, size_t n)
{
    if (n > 1024)
        n = 1024;
    for (size_t i = 0; i + 5 <= n; i++) {
        if (body[i] != '<' || strncasecmp(body + i + 1, "meta", 4) != 0)
            continue;
        const char *end = memchr(body + i, '>', n - i);
        size_t len = end ? (size_t)(end - (body + i)) : n - i;
        const char *cs = charset_after_word(body + i, len);
        if (cs)
            return cs;
    }
    return NULL;
}

/* utf8_valid() with fast paths for ASCII runs (8 bytes at a time) and for the 3-byte
 * sequences of Chinese text; anything else goes through utf8_sequence_length(). Pages are
 * validated once each, so this is on the crawl's hot path. */
static int utf8_valid_fast(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        if (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (!(w & 0x8080808080808080ULL)) {
                p += 8;
                continue;
            }
        }
        if (*p < 0x80) {
            p++;
        } else if (end - p >= 3 && (p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 &&
                   (p[2] & 0xC0) == 0x80 && (p[0] != 0xE0 || p[1] >= 0xA0) &&
                   (p[0] != 0xED || p[1] < 0xA0)) {
            p += 3; /* U+0800..U+FFFF without overlongs and surrogates */
        } else {
            size_t len = utf8_sequence_length(p, (size_t)(end - p));
            if (!len)
                return 0;
            p += len;
        }
    }
    return 1;
}

/* The declared charset (header, then meta), skipping a UTF-8 declaration the bytes
 * contradict (a server that says utf-8 about GBK bytes, a real case: a reader must read
 * through it where a browser shows mojibake). *valid caches the UTF-8 validity (-1 unknown). */
static const char *charset_declared(const char *content_type, const char *body, size_t n,
                                    int *valid)
{
    const char *from[2] = {html_charset_from_content_type(content_type),
                           html_charset_from_meta(body, n)};
    for (int i = 0; i < 2; i++) {
        if (!from[i])
            continue;
        if (strcmp(from[i], "UTF-8") != 0)
            return from[i];
        if (*valid < 0)
            *valid = utf8_valid_fast(body, n);
        if (*valid)
            return from[i];
    }
    return NULL;
}

const char *html_charset_detect(const char *content_type, const char *body, size_t n,
                                size_t *bom_len)
{
    *bom_len = 0;
    const unsigned char *b = (const unsigned char *)body;
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        *bom_len = 3;
        return "UTF-8";
    }
    if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
        *bom_len = 2;
        return "UTF-16LE";
    }
    if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
        *bom_len = 2;
        return "UTF-16BE";
    }
    int valid = -1;
    const char *cs = charset_declared(content_type, body, n, &valid);
    if (cs)
        return cs;
    if (valid < 0)
        valid = utf8_valid_fast(body, n);
    return valid ? "UTF-8" : "GB18030";
}

int html_decode(const char *content_type, const char *body, size_t n, struct strbuf *out,
                const char **charset)
{
    size_t bom = 0;
    const char *cs = html_charset_detect(content_type, body, n, &bom);
    body += bom;
    n -= bom;
    if (charset)
        *charset = cs;
    if (strcmp(cs, "UTF-8") == 0 && utf8_valid(body, n)) {
        strbuf_add(out, body, n);
        return out->failed ? SC_ENOMEM : 0;
    }
    int rc = charset_to_utf8(cs, body, n, out, NULL);
    if (rc == SC_EINPUT) /* iconv lacks the charset: treat the bytes as UTF-8 */
        rc = charset_to_utf8("UTF-8", body, n, out, NULL);
    return rc;
}

int html_decode_view(const char *content_type, const char *body, size_t n, struct strbuf *out,
                     const char **text, size_t *text_len)
{
    size_t bom = 0;
    const char *cs = NULL;
    const unsigned char *b = (const unsigned char *)body;
    if (!(n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) &&
        !(n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)) {
        int valid = -1;
        cs = charset_declared(content_type, body, n, &valid);
        if (!cs || strcmp(cs, "UTF-8") == 0) {
            if (valid < 0)
                valid = utf8_valid_fast(body, n);
            if (valid) { /* one validation decides; no copy */
                *text = body;
                *text_len = n;
                return 0;
            }
            cs = "GB18030";
        }
    } else {
        cs = html_charset_detect(content_type, body, n, &bom);
    }
    int rc = charset_to_utf8(cs, body + bom, n - bom, out, NULL);
    if (rc == SC_EINPUT)
        rc = charset_to_utf8("UTF-8", body + bom, n - bom, out, NULL);
    *text = out->buf;
    *text_len = out->len;
    return rc;
}

/* ---- parsing ---- */

/* ---- the parse arena ---- */

#define ARENA_CHUNK (256 * 1024)
#define ARENA_CACHE 32 /* chunks kept for reuse across pages and threads */

struct html_arena_chunk {
    struct html_arena_chunk *next;
    size_t used, size;
    max_align_t data[]; /* size bytes */
};

static pthread_mutex_t arena_lock = PTHREAD_MUTEX_INITIALIZER;
static struct html_arena_chunk *arena_cache;
static int arena_cached;

static struct html_arena_chunk *chunk_get(size_t need)
{
    struct html_arena_chunk *c = NULL;
    if (need <= ARENA_CHUNK) {
        pthread_mutex_lock(&arena_lock);
        if ((c = arena_cache)) {
            arena_cache = c->next;
            arena_cached--;
        }
        pthread_mutex_unlock(&arena_lock);
        need = ARENA_CHUNK;
    }
    if (!c) {
        c = malloc(sizeof *c + need);
        if (!c)
            return NULL;
        c->size = need;
    }
    c->used = 0;
    c->next = NULL;
    return c;
}

static void chunks_put(struct html_arena_chunk *c)
{
    while (c) {
        struct html_arena_chunk *next = c->next;
        pthread_mutex_lock(&arena_lock);
        int keep = c->size == ARENA_CHUNK && arena_cached < ARENA_CACHE;
        if (keep) {
            c->next = arena_cache;
            arena_cache = c;
            arena_cached++;
        }
        pthread_mutex_unlock(&arena_lock);
        if (!keep)
            free(c);
        c = next;
    }
}

/* What gumbo's allocator hooks see: the document being built, and where to go when a chunk
 * cannot be had. Gumbo cannot fail an allocation, so the allocator leaves the parse with
 * longjmp: everything gumbo made is in the arena (it has no other resource) and is freed
 * as a whole with it. */
struct arena_parse {
    struct html_doc *doc;
    jmp_buf oom;
};

static void *arena_alloc(void *ud, size_t n)
{
    struct arena_parse *ap = ud;
    struct html_doc *d = ap->doc;
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    struct html_arena_chunk *c = d->chunks;
    if (!c || c->size - c->used < n) {
        c = chunk_get(n);
        if (!c)
            longjmp(ap->oom, 1);
        c->next = d->chunks;
        d->chunks = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

static void arena_free(void *ud, void *p)
{
    (void)ud;
    (void)p; /* the arena is freed as a whole */
}

/* gumbo_parse_with_options, or NULL when the arena ran out (see struct arena_parse). */
static GumboOutput *parse_guarded(struct arena_parse *ap, const GumboOptions *opt,
                                  const char *text, size_t n)
{
    if (setjmp(ap->oom))
        return NULL;
    return gumbo_parse_with_options(opt, text, n);
}

struct html_doc *html_parse(const char *utf8, size_t n)
{
    struct html_doc *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    /* Hostile nesting would make gumbo quadratic: flatten it first (html_depth.h). */
    struct strbuf flat = STRBUF_INIT;
    int rc = html_depth_limit(utf8, n, HTML_MAX_DEPTH, &flat);
    if (rc < 0) { /* flat may hold what was copied before the allocation that failed */
        strbuf_release(&flat);
        free(d);
        return NULL;
    }
    struct arena_parse ap = {.doc = d};
    GumboOptions opt = kGumboDefaultOptions;
    opt.max_errors = 0;
    opt.allocator = arena_alloc;
    opt.deallocator = arena_free;
    opt.userdata = &ap;
    /* the tree's original_* pieces point into the text parsed: the copy lives as long */
    d->flat_len = flat.len;
    d->flat = rc ? strbuf_detach(&flat) : NULL;
    strbuf_release(&flat);
    d->out = d->flat ? parse_guarded(&ap, &opt, d->flat, d->flat_len)
                     : parse_guarded(&ap, &opt, utf8, n);
    if (!d->out) {
        html_parse_free(d);
        return NULL;
    }
    return d;
}

void html_parse_free(struct html_doc *doc)
{
    if (doc) {
        chunks_put(doc->chunks);
        free(doc->flat);
        free(doc);
    }
}

/* ---- iterative tree walk ---- */

struct walk_frame {
    const GumboNode *node;
    unsigned idx;
};

#define WALK_LOCAL 64 /* frames on the C stack before the heap is needed */

struct walk {
    struct walk_frame *st;
    size_t n, alloc;
    int failed, on_heap;
};

static void walk_push(struct walk *w, const GumboNode *node)
{
    if (w->n == w->alloc) {
        size_t na = w->alloc * 2;
        struct walk_frame *p = w->on_heap ? realloc(w->st, na * sizeof *p) : malloc(na * sizeof *p);
        if (!p) {
            w->failed = 1;
            return;
        }
        if (!w->on_heap)
            memcpy(p, w->st, w->n * sizeof *p);
        w->st = p;
        w->alloc = na;
        w->on_heap = 1;
    }
    w->st[w->n].node = node;
    w->st[w->n].idx = 0;
    w->n++;
}

static const GumboVector *node_children(const GumboNode *n)
{
    if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
        return &n->v.element.children;
    if (n->type == GUMBO_NODE_DOCUMENT)
        return &n->v.document.children;
    return NULL;
}

/* Visits every node under root in document order; visit() returns 0 to descend, 1 to skip
 * the node's children. Returns 0 or SC_ENOMEM. */
static int walk_tree(const GumboNode *root, int (*visit)(const GumboNode *, void *), void *ud)
{
    struct walk_frame local[WALK_LOCAL];
    struct walk w = {local, 0, WALK_LOCAL, 0, 0};
    walk_push(&w, root);
    if (!w.failed && visit(root, ud))
        w.n = 0;
    while (w.n && !w.failed) {
        struct walk_frame *f = &w.st[w.n - 1];
        const GumboVector *ch = node_children(f->node);
        if (!ch || f->idx >= ch->length) {
            w.n--;
            continue;
        }
        const GumboNode *c = ch->data[f->idx++];
        if (!visit(c, ud))
            walk_push(&w, c);
    }
    if (w.on_heap)
        free(w.st);
    return w.failed ? SC_ENOMEM : 0;
}

/* ---- text ---- */

/* Appends text with runs of whitespace collapsed to one space (none at the start). */
static void text_add_collapsed(struct strbuf *out, const char *s, size_t max)
{
    for (; *s && out->len < max; s++) {
        size_t run = 0; /* copy a run of ordinary bytes at once */
        while (s[run] && s[run] != ' ' && s[run] != '\t' && s[run] != '\n' && s[run] != '\r' &&
               s[run] != '\f' && (unsigned char)s[run] != 0xE3)
            run++;
        if (run) {
            size_t room = max - out->len + 3; /* the caller cuts on a character boundary */
            if (run > room)
                run = room;
            strbuf_add(out, s, run);
            s += run - 1;
            continue;
        }
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            if (out->len && out->buf[out->len - 1] != ' ')
                strbuf_addch(out, ' ');
        } else if (c == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80) {
            if (out->len && out->buf[out->len - 1] != ' ') /* U+3000 ideographic space */
                strbuf_addch(out, ' ');
            s += 2;
        } else {
            strbuf_addch(out, (char)c);
        }
    }
}

/* Cuts out to at most max bytes on a UTF-8 boundary and trims trailing space. */
static void text_cut(struct strbuf *out, size_t max)
{
    if (out->len > max) {
        size_t n = max;
        while (n > 0 && ((unsigned char)out->buf[n] & 0xC0) == 0x80)
            n--;
        strbuf_setlen(out, n);
    }
    strbuf_trim(out);
}

struct text_ctx {
    struct strbuf *out;
    size_t max;
    int with_alt;
};

static int text_visit(const GumboNode *n, void *ud)
{
    struct text_ctx *t = ud;
    if (t->out->len >= t->max)
        return 1;
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
        text_add_collapsed(t->out, n->v.text.text, t->max + 4);
        return 1;
    }
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT &&
        n->type != GUMBO_NODE_TEMPLATE)
        return 1;
    if (n->type == GUMBO_NODE_ELEMENT) {
        GumboTag tag = n->v.element.tag;
        if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_NOSCRIPT ||
            tag == GUMBO_TAG_TEMPLATE || tag == GUMBO_TAG_HEAD)
            return 1;
        if (t->with_alt && tag == GUMBO_TAG_IMG) {
            GumboAttribute *alt = gumbo_get_attribute(&n->v.element.attributes, "alt");
            if (alt) {
                strbuf_addch(t->out, ' ');
                text_add_collapsed(t->out, alt->value, t->max + 4);
            }
        }
        if (tag == GUMBO_TAG_BR || tag == GUMBO_TAG_P || tag == GUMBO_TAG_DIV ||
            tag == GUMBO_TAG_LI || tag == GUMBO_TAG_TD)
            text_add_collapsed(t->out, " ", t->max + 4);
    }
    return 0;
}

/* A failed walk (its stack could not grow) marks out failed: the text would be cut short. */
static void node_text(const GumboNode *n, struct strbuf *out, size_t max, int with_alt)
{
    struct text_ctx t = {out, max, with_alt};
    if (walk_tree(n, text_visit, &t) < 0)
        out->failed = 1;
    text_cut(out, max);
}

struct find_ctx {
    GumboTag tag;
    const GumboNode *found;
};

static int find_visit(const GumboNode *n, void *ud)
{
    struct find_ctx *f = ud;
    if (f->found)
        return 1;
    if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == f->tag) {
        f->found = n;
        return 1;
    }
    return n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_DOCUMENT ||
                   n->type == GUMBO_NODE_TEMPLATE
               ? 0
               : 1;
}

/* The first `tag` element under root, or NULL; *failed set when the walk ran out of memory
 * (the element may then be there, unseen). */
static const GumboNode *find_first(const GumboNode *root, GumboTag tag, int *failed)
{
    struct find_ctx f = {tag, NULL};
    if (walk_tree(root, find_visit, &f) < 0)
        *failed = 1;
    return f.found;
}

/* The first `tag` element inside <head> (where gumbo puts <base> and <title>), so the
 * search does not walk the whole body. */
static const GumboNode *find_first_in_head(const GumboOutput *doc, GumboTag tag, int *failed)
{
    const GumboNode *head = NULL;
    const GumboNode *root = doc->root;
    if (root && root->type == GUMBO_NODE_ELEMENT) {
        const GumboVector *ch = &root->v.element.children;
        for (unsigned i = 0; i < ch->length && !head; i++) {
            const GumboNode *n = ch->data[i];
            if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == GUMBO_TAG_HEAD)
                head = n;
        }
    }
    return head ? find_first(head, tag, failed) : NULL;
}

void html_title(const GumboOutput *doc, struct strbuf *out)
{
    int failed = 0;
    const GumboNode *t = find_first_in_head(doc, GUMBO_TAG_TITLE, &failed);
    if (!t && !failed) /* a <title> written in the body stays there */
        t = find_first(doc->document, GUMBO_TAG_TITLE, &failed);
    if (failed)
        out->failed = 1;
    else if (t)
        node_text(t, out, 1024, 0);
}

void html_text(const GumboOutput *doc, struct strbuf *out, size_t max)
{
    int failed = 0;
    const GumboNode *body = find_first(doc->document, GUMBO_TAG_BODY, &failed);
    if (failed)
        out->failed = 1;
    else if (body)
        node_text(body, out, max, 0);
}

/* ---- links ---- */

struct link_ctx {
    struct html_links *out;
    struct url_base *base;
    int failed;
};

static void link_add(struct link_ctx *c, const char *ref, enum html_link_kind kind, const char *tag,
                     const GumboNode *n)
{
    char *url = NULL;
    int st = url_resolve_base(c->base, ref, &url);
    if (st == URL_SAME_PAGE)
        return;
    if (st < 0) {
        c->failed = 1;
        return;
    }
    if (st != URL_OK) {
        size_t len = strnlen(ref, 512);
        while (len > 0 && ((unsigned char)ref[len] & 0xC0) == 0x80)
            len--;
        url = strndup(ref, len);
    }
    struct strbuf anchor = STRBUF_INIT;
    GumboTag t = n->type == GUMBO_NODE_ELEMENT ? n->v.element.tag : GUMBO_TAG_UNKNOWN;
    const GumboVector *attrs = &n->v.element.attributes;
    if (t == GUMBO_TAG_A) {
        node_text(n, &anchor, HTML_ANCHOR_MAX, 1);
    }
    if (!anchor.len) {
        static const char *const names[] = {"alt", "title", "aria-label"};
        for (int i = 0; i < 3 && !anchor.len; i++) {
            GumboAttribute *a = gumbo_get_attribute(attrs, names[i]);
            if (a) {
                text_add_collapsed(&anchor, a->value, HTML_ANCHOR_MAX + 4);
                text_cut(&anchor, HTML_ANCHOR_MAX);
            }
        }
    }
    char *anchor_s = strbuf_detach(&anchor);
    struct html_links *L = c->out;
    if (!url || !anchor_s) {
        free(url);
        free(anchor_s);
        c->failed = 1;
        return;
    }
    if (L->n == L->alloc) {
        size_t na = L->alloc ? L->alloc * 2 : 64;
        struct html_link *p = realloc(L->v, na * sizeof *p);
        if (!p) {
            free(url);
            free(anchor_s);
            c->failed = 1;
            return;
        }
        L->v = p;
        L->alloc = na;
    }
    struct html_link *l = &L->v[L->n++];
    l->url = url;
    l->anchor = anchor_s;
    l->kind = kind;
    l->status = st;
    l->tag = tag;
}

/* srcset: comma-separated candidates "url [descriptor]". */
static void link_add_srcset(struct link_ctx *c, const char *v, const char *tag, const GumboNode *n)
{
    while (*v) {
        while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r' || *v == ',')
            v++;
        const char *start = v;
        while (*v && *v != ' ' && *v != '\t' && *v != '\n' && *v != '\r')
            v++;
        size_t len = (size_t)(v - start);
        while (len > 0 && start[len - 1] == ',') /* "a.png," without a descriptor */
            len--;
        if (len) {
            char *ref = strndup(start, len);
            if (!ref) {
                c->failed = 1;
                return;
            }
            link_add(c, ref, HTML_LINK_RESOURCE, tag, n);
            free(ref);
        }
        while (*v && *v != ',') /* skip the descriptor */
            v++;
    }
}

/* <meta http-equiv=refresh content="5; url=/x">: the URL part, or NULL. */
static const char *refresh_url(const char *content)
{
    const char *p = content;
    while (*p && *p != ';' && *p != ',')
        p++;
    if (!*p)
        return NULL;
    p++;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncasecmp(p, "url", 3) == 0) {
        const char *q = p + 3;
        while (*q == ' ')
            q++;
        if (*q == '=') {
            p = q + 1;
            while (*p == ' ')
                p++;
        }
    }
    if (*p == '"' || *p == '\'')
        p++;
    return *p ? p : NULL;
}

static const char *attr(const GumboNode *n, const char *name)
{
    GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, name);
    return a ? a->value : NULL;
}

static int link_visit(const GumboNode *n, void *ud)
{
    struct link_ctx *c = ud;
    if (c->failed)
        return 1;
    if (n->type == GUMBO_NODE_DOCUMENT || n->type == GUMBO_NODE_TEMPLATE)
        return 0;
    if (n->type != GUMBO_NODE_ELEMENT)
        return 1;
    const char *v;
    switch (n->v.element.tag) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_AREA:
        if ((v = attr(n, "href")))
            link_add(c, v, HTML_LINK_PAGE, n->v.element.tag == GUMBO_TAG_A ? "a" : "area", n);
        break;
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_FRAME:
        if ((v = attr(n, "src")))
            link_add(c, v, HTML_LINK_PAGE, "iframe", n);
        break;
    case GUMBO_TAG_IMG:
        if ((v = attr(n, "src")))
            link_add(c, v, HTML_LINK_RESOURCE, "img", n);
        if ((v = attr(n, "srcset")))
            link_add_srcset(c, v, "img", n);
        break;
    case GUMBO_TAG_SOURCE:
        if ((v = attr(n, "src")))
            link_add(c, v, HTML_LINK_RESOURCE, "source", n);
        if ((v = attr(n, "srcset")))
            link_add_srcset(c, v, "source", n);
        break;
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_AUDIO:
        if ((v = attr(n, "src")))
            link_add(c, v, HTML_LINK_RESOURCE,
                     n->v.element.tag == GUMBO_TAG_SCRIPT  ? "script"
                     : n->v.element.tag == GUMBO_TAG_EMBED ? "embed"
                                                           : "audio",
                     n);
        break;
    case GUMBO_TAG_VIDEO:
        if ((v = attr(n, "src")))
            link_add(c, v, HTML_LINK_RESOURCE, "video", n);
        if ((v = attr(n, "poster")))
            link_add(c, v, HTML_LINK_RESOURCE, "video", n);
        break;
    case GUMBO_TAG_OBJECT:
        if ((v = attr(n, "data")))
            link_add(c, v, HTML_LINK_RESOURCE, "object", n);
        break;
    case GUMBO_TAG_LINK: {
        const char *rel = attr(n, "rel");
        if (rel && (strcasestr(rel, "dns-prefetch") || strcasestr(rel, "preconnect")))
            break;
        if ((v = attr(n, "href")))
            link_add(c, v, HTML_LINK_RESOURCE, "link", n);
        break;
    }
    case GUMBO_TAG_META: {
        const char *he = attr(n, "http-equiv");
        const char *content = attr(n, "content");
        if (he && content && strcasecmp(he, "refresh") == 0 && (v = refresh_url(content))) {
            char *ref = strdup(v);
            if (!ref) {
                c->failed = 1;
                break;
            }
            size_t len = strlen(ref);
            if (len && (ref[len - 1] == '"' || ref[len - 1] == '\''))
                ref[len - 1] = '\0';
            link_add(c, ref, HTML_LINK_PAGE, "meta", n);
            free(ref);
        }
        break;
    }
    default:
        break;
    }
    return 0;
}

int html_links_extract(const GumboOutput *doc, const char *page_url, struct html_links *out)
{
    struct link_ctx c = {out, NULL, 0};
    char *base = NULL;
    int failed = 0;
    const GumboNode *b = find_first_in_head(doc, GUMBO_TAG_BASE, &failed);
    if (failed)
        return SC_ENOMEM;
    const char *href = b ? attr(b, "href") : NULL;
    int rc = href ? url_resolve(page_url, href, &base) : URL_BAD;
    if (rc == SC_ENOMEM)
        return SC_ENOMEM;
    if (rc == URL_OK)
        page_url = base;
    rc = url_base_new(page_url, &c.base);
    free(base);
    if (rc == SC_ENOMEM)
        return SC_ENOMEM;
    if (rc != URL_OK)
        return 0; /* no usable base: no links */
    rc = walk_tree(doc->document, link_visit, &c);
    url_base_free(c.base);
    return rc < 0 || c.failed ? SC_ENOMEM : 0;
}

void html_links_free(struct html_links *links)
{
    for (size_t i = 0; i < links->n; i++) {
        free(links->v[i].url);
        free(links->v[i].anchor);
    }
    free(links->v);
    memset(links, 0, sizeof *links);
}

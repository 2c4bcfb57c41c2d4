/* html: from the bytes of a fetched page to links a user or browser would follow.
 *
 * 1. Charset: a BOM, then the HTTP Content-Type charset, then a <meta> charset in the first
 *    1024 bytes, then a sniff (valid UTF-8 → UTF-8, else GB18030, the usual GBK). A UTF-8
 *    declaration that the bytes contradict is passed over (servers do say utf-8 about GBK).
 * 2. Decoding: iconv to UTF-8 (common/charset.h); invalid bytes become U+FFFD, never an
 *    error, so gumbo always sees valid UTF-8.
 * 3. Parsing with gumbo, and link extraction from a, area, img (src, srcset), script, link,
 *    iframe, frame, embed, object, source, video (src, poster), audio and meta refresh,
 *    honouring <base href>, with the anchor text or alt kept for the report.
 *
 * Every tree walk here is iterative: hostile nesting depth cannot overflow the stack. */
#ifndef SPOTCHECK_HTML_H
#define SPOTCHECK_HTML_H

#include <gumbo.h>
#include <stddef.h>

#include "common/strbuf.h"

#define HTML_ANCHOR_MAX 200 /* bytes of anchor text kept (cut on a UTF-8 boundary) */

/* The canonical iconv name of the page's charset (see above); *bom_len receives the number
 * of BOM bytes to skip. content_type may be NULL. */
const char *html_charset_detect(const char *content_type, const char *body, size_t n,
                                size_t *bom_len);
/* The charset named in a Content-Type value or a <meta> prescan of the first 1024 bytes,
 * canonical, or NULL when none is named or the label is unknown. */
const char *html_charset_from_content_type(const char *content_type);
const char *html_charset_from_meta(const char *body, size_t n);

/* Appends the page converted to UTF-8 to out; *charset (if not NULL) receives the charset
 * used. Returns 0 or SC_ENOMEM. */
int html_decode(const char *content_type, const char *body, size_t n, struct strbuf *out,
                const char **charset);

/* A parsed page. Gumbo allocates from an arena owned by the document (bump allocation
 * in 256 KB chunks recycled between pages), which makes parsing several times cheaper
 * than malloc/free per node; the tree is read-only for its users and freed as a whole. */
struct html_arena_chunk;
struct html_doc {
    GumboOutput *out;
    struct html_arena_chunk *chunks;
    char *flat; /* the text parsed when hostile nesting was flattened (html_depth.h), or NULL */
    size_t flat_len;
};

/* Like html_decode, but when the page already is valid UTF-8 without a BOM (declared so,
 * or undeclared and valid) *text points into body itself and nothing is copied; otherwise
 * the conversion is appended to out and *text points at out->buf. Returns 0 or SC_ENOMEM. */
int html_decode_view(const char *content_type, const char *body, size_t n, struct strbuf *out,
                     const char **text, size_t *text_len);

/* Parses UTF-8 HTML with gumbo (error recording off). NULL when out of memory (also when
 * gumbo's arena cannot grow mid-parse). */
struct html_doc *html_parse(const char *utf8, size_t n);
void html_parse_free(struct html_doc *doc);

enum html_link_kind {
    HTML_LINK_PAGE,    /* a, area, iframe, frame, meta refresh: a page a user opens */
    HTML_LINK_RESOURCE /* img, script, link, embed, object, source, video, audio */
};

struct html_link {
    char *url;    /* normalised absolute URL (URL_OK), or the reference as written */
    char *anchor; /* anchor text, alt or title, UTF-8, whitespace collapsed; never NULL */
    enum html_link_kind kind;
    int status;      /* enum url_status: URL_OK, URL_SKIP (mailto: ...) or URL_BAD */
    const char *tag; /* "a", "img", ... */
};

struct html_links {
    struct html_link *v;
    size_t n, alloc;
};

/* Appends every link of doc to out, in document order, resolved against <base href> or
 * page_url. Fragment-only and empty references are left out. Returns 0 or SC_ENOMEM. */
int html_links_extract(const GumboOutput *doc, const char *page_url, struct html_links *out);
void html_links_free(struct html_links *links);

/* The text of the first <title>, whitespace collapsed, appended to out. Out of memory,
 * out->failed is set (check it: the text may be missing or cut short). */
void html_title(const GumboOutput *doc, struct strbuf *out);
/* The visible text of the body (no script, style, noscript, template), whitespace
 * collapsed, at most max bytes, appended to out; out->failed set when out of memory. */
void html_text(const GumboOutput *doc, struct strbuf *out, size_t max);

#endif

/* html_depth: dropping the tags that nest deeper than a limit (see html_depth.h). */
#include "probes/net/html_depth.h"
#include "common/error.h"

#include <string.h>
#include <strings.h>

#define NAME_MAX_KEPT 16

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int in_list(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return 1;
    return 0;
}

/* Elements that never hold children, and elements the tree builder closes by itself
 * (a <p> or <li> before another, cells and rows, an <a> before another): neither makes a
 * page deeper, and links are never dropped. */
static const char *const uncounted[] = {
    "area",  "base",     "br",     "col",   "embed", "hr",       "img",      "input",    "link",
    "meta",  "param",    "source", "track", "wbr",   "keygen",   "basefont", "bgsound",  "frame",
    "image", "menuitem", "p",      "li",    "dt",    "dd",       "option",   "optgroup", "tr",
    "td",    "th",       "tbody",  "thead", "tfoot", "colgroup", "caption",  "rb",       "rt",
    "rtc",   "rp",       "html",   "head",  "body",  "a",        NULL};

/* Elements whose content is text up to their end tag, not tags. */
static const char *const rawtext[] = {"script", "style",   "textarea", "title", "xmp",
                                      "iframe", "noembed", "noframes", NULL};

/* Reads a tag name at html[i] (lower-cased, cut to NAME_MAX_KEPT - 1 bytes); returns the
 * index after it. */
static size_t name_read(const char *html, size_t n, size_t i, char *name)
{
    size_t k = 0;
    for (; i < n && html[i] != '>' && html[i] != '/' && html[i] != ' ' && html[i] != '\t' &&
           html[i] != '\n' && html[i] != '\r' && html[i] != '\f';
         i++)
        if (k < NAME_MAX_KEPT - 1)
            name[k++] = (char)(html[i] >= 'A' && html[i] <= 'Z' ? html[i] + 32 : html[i]);
    name[k] = '\0';
    return i;
}

/* From inside a tag, the index after its '>' (quoted attribute values may hold '>');
 * *self_closed tells whether it ended with "/>", *cut where its attribute number
 * HTML_MAX_ATTRIBUTES + 1 starts (0 when it has no more than that). */
static size_t tag_end(const char *html, size_t n, size_t i, int *self_closed, size_t *cut)
{
    enum { BEFORE_NAME, IN_NAME, AFTER_NAME, BEFORE_VALUE, UNQUOTED } st = BEFORE_NAME;
    char quote = 0, prev = 0;
    size_t count = 0;
    *cut = 0;
    for (; i < n; i++) {
        char c = html[i];
        int space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
        if (quote) {
            if (c == quote) {
                quote = 0;
                st = BEFORE_NAME;
            }
        } else if (c == '>') {
            *self_closed = prev == '/';
            return i + 1;
        } else if (st == BEFORE_VALUE && (c == '"' || c == '\'')) {
            quote = c;
        } else if (space) {
            if (st == IN_NAME)
                st = AFTER_NAME;
            else if (st == UNQUOTED)
                st = BEFORE_NAME;
        } else if (c == '=' && (st == IN_NAME || st == AFTER_NAME)) {
            st = BEFORE_VALUE;
        } else if (c == '/' && st != BEFORE_VALUE && st != UNQUOTED) {
            st = BEFORE_NAME;
        } else if (st == BEFORE_VALUE) {
            st = UNQUOTED;
        } else if (st == BEFORE_NAME || st == AFTER_NAME) {
            st = IN_NAME; /* an attribute's name starts */
            if (++count == HTML_MAX_ATTRIBUTES + 1)
                *cut = i;
        }
        prev = c;
    }
    *self_closed = 0;
    return n;
}

/* The index of "</name" (case-insensitive) at or after i, or n. */
static size_t rawtext_end(const char *html, size_t n, size_t i, const char *name)
{
    size_t len = strlen(name);
    for (; i + 2 + len <= n; i++) {
        const char *p = memchr(html + i, '<', n - i);
        if (!p)
            return n;
        i = (size_t)(p - html);
        if (i + 2 + len <= n && html[i + 1] == '/' && strncasecmp(html + i + 2, name, len) == 0)
            return i;
    }
    return n;
}

/* The index after the "-->" that ends a comment whose text starts at i, or n. */
static size_t comment_end(const char *html, size_t n, size_t i)
{
    while (i + 2 < n) {
        const char *q = memchr(html + i, '-', n - i - 2);
        if (!q)
            return n;
        i = (size_t)(q - html);
        if (html[i + 1] == '-' && html[i + 2] == '>')
            return i + 3;
        i++;
    }
    return n;
}

struct depth {
    const char *html;
    size_t copied; /* html[0..copied) has been dealt with in out */
    struct strbuf *out;
    int dropped_any;
    size_t cut_from, cut_to; /* attributes of the current tag to drop if the tag is kept */
};

static void drop(struct depth *d, size_t from, size_t to)
{
    d->cut_from = d->cut_to = 0; /* the tag goes whole, or its attribute cut is done */
    strbuf_add(d->out, d->html + d->copied, from - d->copied);
    d->copied = to;
    d->dropped_any = 1;
}

int html_depth_limit(const char *html, size_t n, size_t limit, struct strbuf *out)
{
    struct depth d = {html, 0, out, 0, 0, 0};
    size_t depth = 0, dropped = 0, foreign = 0, i = 0;
    size_t start_len = out->len;
    char name[NAME_MAX_KEPT];
    while (i < n) {
        if (d.cut_to) /* the previous tag was kept: drop its extra attributes */
            drop(&d, d.cut_from, d.cut_to);
        const char *p = memchr(html + i, '<', n - i);
        if (!p)
            break;
        size_t lt = (size_t)(p - html);
        i = lt + 1;
        if (i >= n)
            break;
        if (html[i] == '!' && i + 2 < n && html[i + 1] == '-' && html[i + 2] == '-') {
            i = comment_end(html, n, i + 3);
            continue;
        }
        int self_closed;
        size_t cut;
        if (html[i] == '!' || html[i] == '?') {
            i = tag_end(html, n, i, &self_closed, &cut);
            continue;
        }
        int closing = html[i] == '/';
        if (closing)
            i++;
        if (i >= n || !is_alpha(html[i]))
            continue; /* a '<' in text */
        i = name_read(html, n, i, name);
        i = tag_end(html, n, i, &self_closed, &cut);
        if (cut && html[i - 1] == '>') { /* gumbo checks each attribute against all before it */
            d.cut_from = cut;
            d.cut_to = i - 1;
        }
        int raw = in_list(name, rawtext);
        int counted = !raw && !in_list(name, uncounted) && strcmp(name, "plaintext") != 0;
        if (closing) {
            if (strcmp(name, "svg") == 0 || strcmp(name, "math") == 0)
                foreign -= foreign > 0;
            if (!counted)
                continue;
            if (dropped) {
                dropped--;
                drop(&d, lt, i);
            } else {
                depth -= depth > 0;
            }
            continue;
        }
        if (strcmp(name, "plaintext") == 0)
            break; /* everything after it is text */
        if (raw) {
            i = rawtext_end(html, n, i, name);
            continue;
        }
        int svg_math = strcmp(name, "svg") == 0 || strcmp(name, "math") == 0;
        if (!counted || (self_closed && (foreign || svg_math)))
            continue; /* foreign elements honour "/>" */
        if (depth >= limit) {
            dropped++;
            drop(&d, lt, i);
        } else {
            depth++;
            foreign += svg_math;
        }
    }
    if (d.cut_to)
        drop(&d, d.cut_from, d.cut_to);
    if (!d.dropped_any)
        return 0;
    strbuf_add(out, html + d.copied, n - d.copied);
    if (out->failed) {
        strbuf_setlen(out, start_len);
        return SC_ENOMEM;
    }
    return 1;
}

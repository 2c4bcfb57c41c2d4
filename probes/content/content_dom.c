/* content_dom: read-only helpers over a gumbo tree for the content probes (see content_dom.h). */
#include "probes/content/content_dom.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int dom_is(const GumboNode *n, GumboTag tag)
{
    return n && n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == tag;
}

const char *dom_attr(const GumboNode *n, const char *name)
{
    if (!n || n->type != GUMBO_NODE_ELEMENT)
        return NULL;
    const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, name);
    return a ? a->value : NULL;
}

const GumboVector *dom_children(const GumboNode *n)
{
    if (!n)
        return NULL;
    if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
        return &n->v.element.children;
    if (n->type == GUMBO_NODE_DOCUMENT)
        return &n->v.document.children;
    return NULL;
}

int dom_contains(const GumboNode *anc, const GumboNode *n)
{
    for (int depth = 0; n && depth < 10 * DOM_MAX_DEPTH; n = n->parent, depth++)
        if (n == anc)
            return 1;
    return 0;
}

/* Appends text with whitespace runs (ASCII, NBSP U+00A0, ideographic space U+3000)
 * squashed to a single space. */
static void add_squashed(struct strbuf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t ws = 0;
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
            ws = 1;
        else if (p[0] == 0xC2 && p[1] == 0xA0)
            ws = 2;
        else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
            ws = 3;
        if (ws) {
            if (out->len > 0 && out->buf[out->len - 1] != ' ')
                strbuf_addch(out, ' ');
            p += ws;
        } else {
            strbuf_addch(out, *p++);
        }
    }
}

static void text_walk(const GumboNode *n, struct strbuf *out, int flags, int depth)
{
    if (depth > DOM_MAX_DEPTH)
        return;
    switch (n->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
    case GUMBO_NODE_CDATA:
        if (!(flags & DOM_TEXT_COMMENTS))
            add_squashed(out, n->v.text.text);
        return;
    case GUMBO_NODE_COMMENT:
        if (flags & DOM_TEXT_COMMENTS) {
            add_squashed(out, n->v.text.text);
            strbuf_addch(out, ' ');
        }
        return;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE: {
        GumboTag t = n->v.element.tag;
        if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_NOSCRIPT)
            return;
        if (t == GUMBO_TAG_A && (flags & DOM_TEXT_SKIP_LINKS)) {
            if (out->len > 0 && out->buf[out->len - 1] != ' ')
                strbuf_addch(out, ' ');
            return;
        }
        break;
    }
    default:
        break;
    }
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++)
        text_walk(kids->data[i], out, flags, depth + 1);
}

void dom_text(const GumboNode *n, struct strbuf *out, int flags)
{
    if (n)
        text_walk(n, out, flags, 0);
}

void dom_text_trim(struct strbuf *sb)
{
    size_t start = 0;
    while (start < sb->len && sb->buf[start] == ' ')
        start++;
    size_t end = sb->len;
    while (end > start && sb->buf[end - 1] == ' ')
        end--;
    if (start > 0 && end > start)
        memmove(sb->buf, sb->buf + start, end - start);
    strbuf_setlen(sb, end > start ? end - start : 0);
}

size_t dom_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return n;
}

void dom_set_init(struct dom_set *s)
{
    memset(s, 0, sizeof *s);
}

void dom_set_free(struct dom_set *s)
{
    free(s->slot);
    memset(s, 0, sizeof *s);
}

static size_t ptr_hash(const void *p, size_t cap)
{
    uintptr_t v = (uintptr_t)p;
    v ^= v >> 17;
    v *= 0x9E3779B97F4A7C15ull;
    return (size_t)(v >> 7) & (cap - 1);
}

int dom_set_has(const struct dom_set *s, const void *p)
{
    if (!s->cap)
        return 0;
    for (size_t i = ptr_hash(p, s->cap);; i = (i + 1) & (s->cap - 1)) {
        if (!s->slot[i])
            return 0;
        if (s->slot[i] == p)
            return 1;
    }
}

int dom_set_add(struct dom_set *s, const void *p)
{
    if (!p || dom_set_has(s, p))
        return 0;
    if ((s->n + 1) * 2 > s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 64;
        const void **ns = calloc(ncap, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slot[i])
                continue;
            size_t j = ptr_hash(s->slot[i], ncap);
            while (ns[j])
                j = (j + 1) & (ncap - 1);
            ns[j] = s->slot[i];
        }
        free(s->slot);
        s->slot = ns;
        s->cap = ncap;
    }
    size_t i = ptr_hash(p, s->cap);
    while (s->slot[i])
        i = (i + 1) & (s->cap - 1);
    s->slot[i] = p;
    s->n++;
    return 0;
}

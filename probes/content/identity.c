/* identity: reading the footer's site identity from a parsed homepage (see identity.h).
 * Everything is read from the page's squashed visible text plus a few attributes, so it
 * does not matter whether the footer is a div, a table or a run of spans. */
#include "probes/content/identity.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "probes/content/content_dom.h"

int identity_code_valid(const char *c)
{
    if (!c)
        return 0;
    size_t n = strlen(c);
    if (n != 10)
        return 0;
    int digits = 0;
    for (size_t i = 0; i < n; i++)
        digits += isdigit((unsigned char)c[i]) != 0;
    if (digits == 10)
        return 1;
    if (c[0] == 'b' && c[1] == 'm' && digits == 8)
        return 1;
    return isdigit((unsigned char)c[0]) && isdigit((unsigned char)c[1]) && c[2] == 'B' &&
           c[3] == 'M' && digits == 8;
}

/* Reads a code-shaped token (letters and digits) starting at p, skipping a colon and spaces. */
/* A heap copy of s[0..n), or NULL with *failed set. */
static char *dup_n(const char *s, size_t n, int *failed)
{
    char *d = strndup(s, n);
    if (!d)
        *failed = 1;
    return d;
}

static char *code_after(const char *p, int *failed)
{
    for (;;) {
        if (*p == ' ' || *p == ':')
            p++;
        else if (strncmp(p, "：", 3) == 0)
            p += 3;
        else
            break;
    }
    char tok[16];
    size_t k = 0;
    while (isalnum((unsigned char)p[k]) && k < 11) {
        tok[k] = p[k];
        k++;
    }
    tok[k] = 0;
    return identity_code_valid(tok) ? dup_n(tok, k, failed) : NULL;
}

/* The start of the UTF-8 character before p (not before floor). */
static const char *char_before(const char *floor, const char *p)
{
    if (p <= floor)
        return floor;
    p--;
    while (p > floor && ((unsigned char)*p & 0xC0) == 0x80)
        p--;
    return p;
}

/* A record number such as 京ICP备05060933号-1 or 京公网安备 11010502030000号 around the
 * marker at m in text: the one province character before it, the marker, then digits,
 * spaces, 号 and a -N suffix. */
static char *record_around(const char *text, const char *m, size_t mlen, int *failed)
{
    const char *start = char_before(text, m);
    if (start == m || (unsigned char)*start < 0x80)
        start = m;
    const char *p = m + mlen;
    while (*p == ' ' || strncmp(p, "：", 3) == 0 || *p == ':')
        p += *p == ' ' || *p == ':' ? 1 : 3;
    const char *digits = p;
    while ((isdigit((unsigned char)*p) || *p == ' ') && p - digits < 32)
        p++;
    if (p == digits)
        return NULL;
    if (strncmp(p, "号", 3) == 0) {
        p += 3;
        if (*p == '-' && isdigit((unsigned char)p[1]))
            for (p++; isdigit((unsigned char)*p) && p - digits < 40; p++)
                ;
    }
    while (p > digits && p[-1] == ' ')
        p--;
    return dup_n(start, (size_t)(p - start), failed);
}

/* The sponsoring unit after 主办单位：/主办：, up to the next label or separator. */
static char *sponsor_after(const char *p, int *failed)
{
    while (*p == ' ' || *p == ':' || strncmp(p, "：", 3) == 0)
        p += (*p == ' ' || *p == ':') ? 1 : 3;
    static const char *const stops[] = {" ",    "　",   "|",    "｜",   "，",   ",",
                                        "承办", "联系", "地址", "电话", "邮编", "ICP",
                                        "网站", "技术", "运维", "备案", "（",   "("};
    const char *end = p;
    size_t chars = 0;
    while (*end && chars < 40) {
        int stop = 0;
        for (size_t i = 0; i < sizeof stops / sizeof *stops; i++)
            if (strncmp(end, stops[i], strlen(stops[i])) == 0)
                stop = 1;
        if (stop)
            break;
        end++;
        while (((unsigned char)*end & 0xC0) == 0x80)
            end++;
        chars++;
    }
    return end > p ? dup_n(p, (size_t)(end - p), failed) : NULL;
}

struct attr_scan {
    char *code_meta, *code_attr;
    int badge, error_report, search;
    int failed; /* a copy could not be made: identity_find returns SC_ENOMEM */
};

/* 1 when an attribute value names a search: search, keyword, sousuo, 搜索, 检索. */
static int says_search(const char *v)
{
    return v && (strcasestr(v, "search") || strcasestr(v, "keyword") || strcasestr(v, "sousuo") ||
                 strstr(v, "搜索") || strstr(v, "检索"));
}

static void scan_attrs(const GumboNode *n, struct attr_scan *s, int depth)
{
    if (depth > DOM_MAX_DEPTH || n->type != GUMBO_NODE_ELEMENT)
        return;
    GumboTag t = n->v.element.tag;
    if (t == GUMBO_TAG_META) {
        const char *name = dom_attr(n, "name"), *content = dom_attr(n, "content");
        if (name && content && strcasecmp(name, "SiteIDCode") == 0 && !s->code_meta) {
            char *c = code_after(content, &s->failed);
            s->code_meta = c;
        }
    }
    const char *sc = dom_attr(n, "sitecode");
    if (sc && !s->code_attr)
        s->code_attr = code_after(sc, &s->failed);
    const char *id = dom_attr(n, "id");
    const char *href = dom_attr(n, "href"), *src = dom_attr(n, "src"), *alt = dom_attr(n, "alt");
    if (id && strcmp(id, "_jiucuo_") == 0)
        s->error_report = 1;
    if ((href && strstr(href, "conac.cn")) || (src && strstr(src, "conac.cn")) ||
        (id && strcmp(id, "_ideConac") == 0) || (alt && strstr(alt, "党政机关")))
        s->badge = 1;
    if ((src && (strstr(src, "jiucuo") || strstr(src, "pucha.kaipuyun.cn"))) ||
        (href && (strstr(href, "zfwzgl.www.gov.cn") || strstr(href, "pucha.kaipuyun.cn"))) ||
        (alt && strstr(alt, "找错")))
        s->error_report = 1;
    if (t == GUMBO_TAG_FORM && says_search(dom_attr(n, "action")))
        s->search = 1;
    if (t == GUMBO_TAG_BUTTON) {
        struct strbuf sb = STRBUF_INIT;
        dom_text(n, &sb, 0);
        if (sb.len < 40 && says_search(sb.buf))
            s->search = 1;
        strbuf_release(&sb);
    }
    if (t == GUMBO_TAG_INPUT || t == GUMBO_TAG_BUTTON) {
        static const char *const attrs[] = {"name", "id", "class", "placeholder", "value", "alt"};
        for (size_t i = 0; i < sizeof attrs / sizeof *attrs; i++)
            if (says_search(dom_attr(n, attrs[i])))
                s->search = 1;
    }
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++)
        scan_attrs(kids->data[i], s, depth + 1);
}

static void set_str(char **field, char *value)
{
    free(*field);
    *field = value;
}

int identity_find(const GumboNode *root, struct site_identity *id)
{
    struct strbuf text = STRBUF_INIT;
    struct attr_scan s;
    memset(&s, 0, sizeof s);
    dom_text(root, &text, 0);
    if (text.failed) { /* it may hold what it had before the allocation that failed */
        strbuf_release(&text);
        return SC_ENOMEM;
    }
    scan_attrs(root, &s, 0);
    if (root->type == GUMBO_NODE_DOCUMENT) {
        const GumboVector *kids = dom_children(root);
        for (unsigned i = 0; kids && i < kids->length; i++)
            scan_attrs(kids->data[i], &s, 1);
    }

    char *code = NULL;
    for (const char *p = text.buf; !code && (p = strstr(p, "标识码")) != NULL; p += 9)
        code = code_after(p + 9, &s.failed);
    if (!code) {
        code = s.code_meta;
        s.code_meta = NULL;
    }
    if (!code) {
        code = s.code_attr;
        s.code_attr = NULL;
    }
    free(s.code_meta);
    free(s.code_attr);
    set_str(&id->site_code, code);

    const char *m = strstr(text.buf, "ICP备");
    if (!m)
        m = strstr(text.buf, "ICP证");
    set_str(&id->icp, m ? record_around(text.buf, m, strlen("ICP备"), &s.failed) : NULL);
    m = strstr(text.buf, "公网安备");
    set_str(&id->police_record,
            m ? record_around(text.buf, m, strlen("公网安备"), &s.failed) : NULL);
    id->has_party_badge = s.badge || strstr(text.buf, "党政机关") != NULL;
    id->has_error_report = s.error_report || strstr(text.buf, "找错") != NULL;
    id->has_search = s.search;
    m = strstr(text.buf, "主办单位");
    char *sponsor = NULL;
    if (m)
        sponsor = sponsor_after(m + strlen("主办单位"), &s.failed);
    else if ((m = strstr(text.buf, "主办：")) != NULL || (m = strstr(text.buf, "主办:")) != NULL)
        sponsor = sponsor_after(m + strlen("主办"), &s.failed);
    set_str(&id->sponsor, sponsor);
    strbuf_release(&text);
    /* a value that could not be copied reads as absent: the identity is incomplete */
    return s.failed ? SC_ENOMEM : 0;
}

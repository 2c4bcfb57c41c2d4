/* strbuf: the one growable string buffer (see strbuf.h for the invariants). */
#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char strbuf_empty[1];

void strbuf_init(struct strbuf *sb)
{
    sb->buf = strbuf_empty;
    sb->len = 0;
    sb->alloc = 0;
    sb->failed = 0;
}

void strbuf_release(struct strbuf *sb)
{
    if (sb->alloc)
        free(sb->buf);
    strbuf_init(sb);
}

void strbuf_reset(struct strbuf *sb)
{
    strbuf_setlen(sb, 0);
    sb->failed = 0;
}

int strbuf_grow(struct strbuf *sb, size_t extra)
{
    if (sb->failed)
        return -1;
    if (extra > ((size_t)-1) / 2 - sb->len) {
        sb->failed = 1;
        return -1;
    }
    size_t need = sb->len + extra + 1;
    if (need <= sb->alloc)
        return 0;
    size_t n = sb->alloc ? sb->alloc : 64;
    while (n < need)
        n = n / 2 * 3 + 16;
    char *p = realloc(sb->alloc ? sb->buf : NULL, n);
    if (!p) {
        sb->failed = 1;
        return -1;
    }
    if (!sb->alloc)
        p[0] = '\0';
    sb->buf = p;
    sb->alloc = n;
    return 0;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
    if (strbuf_grow(sb, n) < 0)
        return;
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
    if (strbuf_grow(sb, 1) < 0)
        return;
    sb->buf[sb->len++] = (char)c;
    sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0 || strbuf_grow(sb, (size_t)n) < 0)
        return;
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
    if (!sb->alloc)
        return;
    if (len > sb->len)
        len = sb->len;
    sb->len = len;
    sb->buf[len] = '\0';
}

char *strbuf_detach(struct strbuf *sb)
{
    char *res;
    if (sb->failed) {
        strbuf_release(sb);
        return NULL;
    }
    res = sb->alloc ? sb->buf : strdup("");
    strbuf_init(sb);
    return res;
}

void strbuf_trim(struct strbuf *sb)
{
    size_t b = 0, e = sb->len;
    while (b < e && (sb->buf[b] == ' ' || sb->buf[b] == '\t' || sb->buf[b] == '\r' ||
                     sb->buf[b] == '\n'))
        b++;
    while (e > b && (sb->buf[e - 1] == ' ' || sb->buf[e - 1] == '\t' || sb->buf[e - 1] == '\r' ||
                     sb->buf[e - 1] == '\n'))
        e--;
    if (!sb->alloc)
        return;
    memmove(sb->buf, sb->buf + b, e - b);
    sb->len = e - b;
    sb->buf[sb->len] = '\0';
}

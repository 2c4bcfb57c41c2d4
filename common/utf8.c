/* utf8: validating UTF-8 byte sequences (see utf8.h). */
#include "common/utf8.h"

#include <string.h>

size_t utf8_sequence_length(const unsigned char *p, size_t n)
{
    if (n == 0)
        return 0;
    unsigned c = p[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

int utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    while (n) {
        if (*p < 0x80) {
            p++;
            n--;
            continue;
        }
        size_t len = utf8_sequence_length(p, n);
        if (!len)
            return 0;
        p += len;
        n -= len;
    }
    return 1;
}

size_t utf8_length(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), count = 0;
    while (n) {
        size_t len = utf8_sequence_length(p, n);
        if (!len)
            len = 1;
        p += len;
        n -= len;
        count++;
    }
    return count;
}

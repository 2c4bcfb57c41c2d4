/* charset: labels, sniffing, and iconv conversion to UTF-8 (see charset.h). */
#include "common/charset.h"
#include "common/error.h"
#include "common/utf8.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *label;
    const char *canonical;
} charset_labels[] = {
    {"utf-8", "UTF-8"},       {"utf8", "UTF-8"},           {"unicode-1-1-utf-8", "UTF-8"},
    {"gb2312", "GB18030"},    {"gbk", "GB18030"},          {"gb18030", "GB18030"},
    {"x-gbk", "GB18030"},     {"cp936", "GB18030"},        {"windows-936", "GB18030"},
    {"csgb2312", "GB18030"},  {"chinese", "GB18030"},      {"iso-ir-58", "GB18030"},
    {"euc-cn", "GB18030"},    {"gb_2312-80", "GB18030"},   {"big5", "BIG5-HKSCS"},
    {"big5-hkscs", "BIG5-HKSCS"}, {"x-x-big5", "BIG5-HKSCS"}, {"cn-big5", "BIG5-HKSCS"},
    {"us-ascii", "UTF-8"},    {"ascii", "UTF-8"},          {"iso-8859-1", "WINDOWS-1252"},
    {"latin1", "WINDOWS-1252"}, {"windows-1252", "WINDOWS-1252"},
};

const char *charset_canonical(const char *label)
{
    char buf[64];
    size_t n = 0;
    if (!label)
        return NULL;
    while (*label == ' ' || *label == '"' || *label == '\'')
        label++;
    while (label[n] && n < sizeof buf - 1 && label[n] != ' ' && label[n] != '"' &&
           label[n] != '\'' && label[n] != ';') {
        buf[n] = label[n];
        n++;
    }
    buf[n] = '\0';
    for (size_t i = 0; i < sizeof charset_labels / sizeof charset_labels[0]; i++)
        if (strcasecmp(buf, charset_labels[i].label) == 0)
            return charset_labels[i].canonical;
    return NULL;
}

const char *charset_sniff_text(const char *in, size_t n, size_t *bom_len)
{
    *bom_len = 0;
    if (n >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0) {
        *bom_len = 3;
        return "UTF-8";
    }
    return utf8_valid(in, n) ? "UTF-8" : "GB18030";
}

int charset_to_utf8(const char *charset, const char *in, size_t n, struct strbuf *out,
                    size_t *replaced)
{
    size_t bad = 0;
    if (strcmp(charset, "UTF-8") == 0) {
        /* Validate and replace invalid bytes; no iconv needed. */
        const unsigned char *p = (const unsigned char *)in;
        while (n) {
            size_t len = utf8_sequence_length(p, n);
            if (!len) {
                strbuf_adds(out, "\xEF\xBF\xBD");
                bad++;
                len = 1;
            } else {
                strbuf_add(out, p, len);
            }
            p += len;
            n -= len;
        }
        if (replaced)
            *replaced = bad;
        return out->failed ? SC_ENOMEM : SC_OK;
    }
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1) /* an unknown charset, unless glibc could not allocate */
        return errno == ENOMEM ? SC_ENOMEM : SC_EINPUT;
    char *ip = (char *)in;
    size_t ileft = n;
    while (ileft > 0) {
        if (strbuf_grow(out, ileft * 2 + 16) < 0)
            break;
        char *op = out->buf + out->len;
        size_t oleft = out->alloc - out->len - 1;
        size_t r = iconv(cd, &ip, &ileft, &op, &oleft);
        out->len = (size_t)(op - out->buf);
        out->buf[out->len] = '\0';
        if (r == (size_t)-1) {
            if (errno == E2BIG)
                continue;
            /* EILSEQ or EINVAL (truncated at the end): replace one byte and go on. */
            strbuf_adds(out, "\xEF\xBF\xBD");
            bad++;
            ip++;
            ileft--;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
    }
    iconv_close(cd);
    if (replaced)
        *replaced = bad;
    return out->failed ? SC_ENOMEM : SC_OK;
}

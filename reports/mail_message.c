/* mail_message: building a report's Internet message (mail_message.h). */
#include "reports/mail_message.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/sha256.h"

#include <string.h>

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void mail_base64(const void *data, size_t n, int wrap, struct strbuf *out)
{
    const unsigned char *p = data;
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = {B64[(v >> 18) & 63], B64[(v >> 12) & 63],
                     i + 1 < n ? B64[(v >> 6) & 63] : '=', i + 2 < n ? B64[v & 63] : '='};
        strbuf_add(out, q, 4);
        col += 4;
        if (wrap && col == 76) {
            strbuf_add(out, "\r\n", 2);
            col = 0;
        }
    }
    if (wrap && col)
        strbuf_add(out, "\r\n", 2);
}

int mail_address_ok(const char *s)
{
    size_t n = strlen(s);
    const char *at = strchr(s, '@');
    if (n == 0 || n > 254 || !at || at == s || !at[1] || strchr(at + 1, '@'))
        return 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7f || strchr("\"<>(),;:[]\\", c))
            return 0;
    }
    return 1;
}

/* bytes of the UTF-8 sequence starting with c (1 for a stray byte) */
static size_t utf8_len(unsigned char c)
{
    if (c >= 0xf0 && c < 0xf8)
        return 4;
    if (c >= 0xe0)
        return c < 0xf0 ? 3 : 1;
    if (c >= 0xc0)
        return 2;
    return 1;
}

void mail_header_text(const char *name, const char *value, struct strbuf *out)
{
    struct strbuf v = STRBUF_INIT;
    int plain = 1;
    for (const char *p = value; *p; p++) {
        unsigned char c = (unsigned char)*p;
        strbuf_addch(&v, c < 0x20 || c == 0x7f ? ' ' : c);
        if (c >= 0x7f || (c == '=' && p[1] == '?'))
            plain = 0;
    }
    if (v.failed) {
        out->failed = 1;
        strbuf_release(&v);
        return;
    }
    strbuf_addf(out, "%s:", name);
    if (plain && strlen(name) + 2 + v.len <= 78) {
        strbuf_addf(out, " %s\r\n", v.len ? v.buf : "");
        strbuf_release(&v);
        return;
    }
    /* encoded-words on lines of at most 76 characters (RFC 2047 2): "=?UTF-8?B?" + base64
     * + "?=", 45 bytes of text on a continuation line (60 base64), fewer on the first one
     * after "Name: ", cut only between characters */
    size_t nl = strlen(name), i = 0, first = nl < 40 ? (76 - 12 - nl - 2) / 4 * 3 : 24;
    while (i < v.len) {
        size_t take = 0, room = i ? 45 : first;
        while (i + take < v.len) {
            size_t l = utf8_len((unsigned char)v.buf[i + take]);
            if (i + take + l > v.len)
                l = v.len - i - take;
            if (take + l > room)
                break;
            take += l;
        }
        strbuf_adds(out, i ? "\r\n =?UTF-8?B?" : " =?UTF-8?B?");
        mail_base64(v.buf + i, take, 0, out);
        strbuf_adds(out, "?=");
        i += take;
    }
    strbuf_adds(out, "\r\n");
    strbuf_release(&v);
}

int mail_message_id(const char *quarter, int round, const char *code, const char *address,
                    const char *from, struct strbuf *out)
{
    const char *at = strrchr(from, '@');
    if (!at || !at[1])
        return SC_EINPUT;
    struct strbuf key = STRBUF_INIT;
    strbuf_addf(&key, "%s\n%d\n%s\n%s", quarter, round, code, address);
    char hex[65];
    int rc = key.failed ? SC_ENOMEM : sc_sha256_hex(key.buf, key.len, hex);
    strbuf_release(&key);
    if (rc != 0)
        return SC_ENOMEM;
    strbuf_addf(out, "<spotcheck.%s-%d.", quarter, round);
    for (const char *p = code; *p && p - code < 64; p++)
        if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
            strbuf_addch(out, *p);
    strbuf_addf(out, ".%.16s@%s>", hex, at + 1);
    return out->failed ? SC_ENOMEM : 0;
}

void mail_date(time_t t, char *out, size_t n)
{
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t local = t + SC_TZ_OFFSET;
    struct tm tm;
    gmtime_r(&local, &tm);
    snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d +0800", wd[tm.tm_wday], tm.tm_mday,
             mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* 1 when s is a bare "<local@domain>" */
static int msgid_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 5 || n > 250 || s[0] != '<' || s[n - 1] != '>' || !strchr(s, '@'))
        return 0;
    for (size_t i = 1; i + 1 < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '<' ||
            s[i] == '>')
            return 0;
    return 1;
}

int mail_message_build(const struct mail_message *m, struct strbuf *out)
{
    if (!mail_address_ok(m->from) || !mail_address_ok(m->to) || !msgid_ok(m->message_id))
        return SC_EINPUT;
    for (const char *p = m->attach_name; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              *p == '.' || *p == '-' || *p == '_'))
            return SC_EINPUT;
    /* the boundary: "=_" cannot occur in base64, the hash ties it to the message */
    char hex[65], date[48];
    if (sc_sha256_hex(m->message_id, strlen(m->message_id), hex) != 0)
        return SC_ENOMEM;
    mail_date(m->date, date, sizeof date);
    strbuf_addf(out, "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nMessage-ID: %s\r\n", date, m->from,
                m->to, m->message_id);
    mail_header_text("Subject", m->subject, out);
    strbuf_addf(out,
                "MIME-Version: 1.0\r\n"
                "Content-Type: multipart/mixed; boundary=\"=_sc_%.24s\"\r\n"
                "Auto-Submitted: auto-generated\r\n"
                "\r\n"
                "This is a MIME message: a summary and the defect report as an attachment.\r\n"
                "\r\n--=_sc_%.24s\r\n"
                "Content-Type: text/plain; charset=UTF-8\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n",
                hex, hex);
    mail_base64(m->text, strlen(m->text), 1, out);
    strbuf_addf(out,
                "\r\n--=_sc_%.24s\r\n"
                "Content-Type: text/html; charset=UTF-8; name=\"%s\"\r\n"
                "Content-Disposition: attachment; filename=\"%s\"\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n",
                hex, m->attach_name, m->attach_name);
    mail_base64(m->attach, m->attach_len, 1, out);
    strbuf_addf(out, "\r\n--=_sc_%.24s--\r\n", hex);
    return out->failed ? SC_ENOMEM : 0;
}

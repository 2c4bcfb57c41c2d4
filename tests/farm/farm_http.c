/* farm_http: the small HTTP/1.1 pieces the farm's server needs: parsing a request head,
 * splitting and decoding a target, status reasons and content types.
 *
 * Only what a crawler sends is accepted: a request line, header lines, CRLF or LF line ends,
 * at most FARM_MAX_HEAD bytes. Bodies are not read (GET and HEAD only). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "tests/farm/farm.h"

static const char *find_head_end(const char *buf, size_t len, size_t *end)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (i + 1 < len && buf[i + 1] == '\n') {
            *end = i + 2;
            return buf;
        }
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
            *end = i + 3;
            return buf;
        }
    }
    return NULL;
}

int farm_http_parse(const char *buf, size_t len, struct farm_request *r)
{
    size_t end;
    memset(r, 0, sizeof *r);
    if (!find_head_end(buf, len, &end))
        return len > FARM_MAX_HEAD ? SC_EINPUT : 0;
    if (end > FARM_MAX_HEAD)
        return SC_EINPUT;
    r->consumed = end;
    /* request line */
    const char *p = buf, *eol = memchr(p, '\n', end);
    const char *sp1 = memchr(p, ' ', (size_t)(eol - p));
    if (!sp1 || sp1 == p || (size_t)(sp1 - p) >= sizeof r->method)
        return SC_EINPUT;
    memcpy(r->method, p, (size_t)(sp1 - p));
    const char *t = sp1 + 1, *sp2 = memchr(t, ' ', (size_t)(eol - t));
    if (!sp2 || sp2 == t || (size_t)(sp2 - t) >= sizeof r->target)
        return SC_EINPUT;
    memcpy(r->target, t, (size_t)(sp2 - t));
    /* no control bytes (NUL included: it would hide what follows): they could split a header */
    for (const char *q = t; q < sp2; q++)
        if ((unsigned char)*q < 0x21 || *q == 0x7f)
            return SC_EINPUT;
    const char *v = sp2 + 1;
    size_t vl = (size_t)(eol - v);
    if (vl && v[vl - 1] == '\r')
        vl--;
    if (vl == 8 && !memcmp(v, "HTTP/1.1", 8))
        r->keep_alive = 1;
    else if (!(vl == 8 && !memcmp(v, "HTTP/1.0", 8)))
        return SC_EINPUT;
    /* header lines */
    for (p = eol + 1; p < buf + end;) {
        eol = memchr(p, '\n', (size_t)(buf + end - p));
        size_t l = (size_t)(eol - p);
        if (l && p[l - 1] == '\r')
            l--;
        if (l == 0)
            break;
        const char *colon = memchr(p, ':', l);
        if (!colon)
            return SC_EINPUT;
        size_t nl = (size_t)(colon - p);
        const char *val = colon + 1;
        while (val < p + l && (*val == ' ' || *val == '\t'))
            val++;
        size_t valn = (size_t)(p + l - val);
        while (valn && (val[valn - 1] == ' ' || val[valn - 1] == '\t'))
            valn--;
        if (nl == 4 && !strncasecmp(p, "host", 4)) {
            if (valn >= sizeof r->host || memchr(val, '\0', valn))
                return SC_EINPUT;
            for (size_t i = 0; i < valn; i++)
                r->host[i] = (char)tolower((unsigned char)val[i]);
            r->host[valn] = 0;
            char *colon2 = strrchr(r->host, ':');
            if (colon2 && !strchr(colon2, ']'))
                *colon2 = 0;
        } else if (nl == 15 && !strncasecmp(p, "accept-encoding", 15)) {
            r->gzip_ok = memmem(val, valn, "gzip", 4) != NULL;
        } else if (nl == 10 && !strncasecmp(p, "connection", 10)) {
            if (valn == 5 && !strncasecmp(val, "close", 5))
                r->keep_alive = 0;
            else if (valn == 10 && !strncasecmp(val, "keep-alive", 10))
                r->keep_alive = 1;
        }
        p = eol + 1;
    }
    return 1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int farm_http_target(const char *target, struct strbuf *path, struct strbuf *query)
{
    const char *p = target;
    if (!strncasecmp(p, "http://", 7)) { /* absolute form: skip the authority */
        p = strchr(p + 7, '/');
        if (!p)
            p = "/";
    }
    if (*p != '/')
        return SC_EINPUT;
    size_t n = strcspn(p, "?#");
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)p[i];
        if (c == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
            c = hexval(p[i + 1]) * 16 + hexval(p[i + 2]);
            i += 2;
        }
        if (c == 0)
            return SC_EINPUT;
        strbuf_addch(path, c);
    }
    if (p[n] == '?')
        strbuf_add(query, p + n + 1, strcspn(p + n + 1, "#"));
    /* no ".." segment may climb out of the site's root */
    const char *s = path->buf;
    while ((s = strstr(s, "..")) != NULL) {
        if (s[-1] == '/' && (s[2] == '/' || s[2] == 0))
            return SC_EINPUT;
        s += 2;
    }
    return path->failed || query->failed ? SC_ENOMEM : 0;
}

const char *farm_http_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 410:
        return "Gone";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Unknown";
    }
}

void farm_http_type(const char *path, const char *charset, struct strbuf *out)
{
    static const char *const types[][2] = {
        {".html", "text/html"}, {".htm", "text/html"},
        {".css", "text/css"},   {".js", "application/javascript"},
        {".png", "image/png"},  {".jpg", "image/jpeg"},
        {".gif", "image/gif"},  {".pdf", "application/pdf"},
        {".jsp", "text/html"},  {".json", "application/json"}};
    const char *dot = strrchr(path, '.');
    const char *type = "application/octet-stream";
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (!strcasecmp(dot, types[i][0]))
                type = types[i][1];
    strbuf_adds(out, type);
    if (!strcmp(type, "text/html") && charset && *charset)
        strbuf_addf(out, "; charset=%s", charset);
}

/* json: streaming writer with escaping (see json.h). */
#include "common/json.h"
#include "common/utf8.h"

#include <math.h>
#include <string.h>

void json_init(struct json_writer *w, struct strbuf *out, int pretty)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->pretty = pretty;
}

static void newline(struct json_writer *w)
{
    if (!w->pretty)
        return;
    strbuf_addch(w->out, '\n');
    for (int i = 0; i < w->depth; i++)
        strbuf_add(w->out, "  ", 2);
}

/* Called before every value: writes the separating comma and indentation. */
static void before_value(struct json_writer *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->depth > 0) {
        if (w->count[w->depth]++)
            strbuf_addch(w->out, ',');
        newline(w);
    }
}

static void open(struct json_writer *w, char c)
{
    before_value(w);
    strbuf_addch(w->out, c);
    if (w->depth < JSON_MAX_DEPTH - 1)
        w->depth++;
    w->count[w->depth] = 0;
}

static void close_(struct json_writer *w, char c)
{
    int had = w->count[w->depth];
    if (w->depth > 0)
        w->depth--;
    if (had)
        newline(w);
    strbuf_addch(w->out, c);
}

void json_object_begin(struct json_writer *w)
{
    open(w, '{');
}
void json_object_end(struct json_writer *w)
{
    close_(w, '}');
}
void json_array_begin(struct json_writer *w)
{
    open(w, '[');
}
void json_array_end(struct json_writer *w)
{
    close_(w, ']');
}

void json_key(struct json_writer *w, const char *key)
{
    before_value(w);
    json_escape(w->out, key);
    strbuf_add(w->out, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
    w->after_key = 1;
}

void json_escape(struct strbuf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    strbuf_addch(out, '"');
    while (n) {
        unsigned c = *p;
        if (c < 0x80) {
            switch (c) {
            case '"':
                strbuf_add(out, "\\\"", 2);
                break;
            case '\\':
                strbuf_add(out, "\\\\", 2);
                break;
            case '\n':
                strbuf_add(out, "\\n", 2);
                break;
            case '\r':
                strbuf_add(out, "\\r", 2);
                break;
            case '\t':
                strbuf_add(out, "\\t", 2);
                break;
            default:
                if (c < 0x20 || c == 0x7f)
                    strbuf_addf(out, "\\u%04x", c);
                else if (c == '<' || c == '>' || c == '&')
                    strbuf_addf(out, "\\u%04x", c); /* safe to embed in HTML <script> */
                else
                    strbuf_addch(out, (int)c);
            }
            p++;
            n--;
            continue;
        }
        size_t len = utf8_sequence_length(p, n);
        if (len == 0) {
            strbuf_adds(out, "\xEF\xBF\xBD");
            p++;
            n--;
        } else {
            /* U+2028 and U+2029 break JavaScript string literals. */
            if (len == 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
                strbuf_addf(out, "\\u%04x", p[2] == 0xA8 ? 0x2028 : 0x2029);
            else
                strbuf_add(out, p, len);
            p += len;
            n -= len;
        }
    }
    strbuf_addch(out, '"');
}

void json_string(struct json_writer *w, const char *s)
{
    before_value(w);
    if (s)
        json_escape(w->out, s);
    else
        strbuf_add(w->out, "null", 4);
}

void json_int(struct json_writer *w, long long v)
{
    before_value(w);
    strbuf_addf(w->out, "%lld", v);
}

void json_double(struct json_writer *w, double v)
{
    before_value(w);
    if (!isfinite(v))
        strbuf_add(w->out, "null", 4);
    else if (fabs(v) < 1e15 && v == (double)(long long)v) /* the cast only when in range */
        strbuf_addf(w->out, "%lld", (long long)v);
    else
        strbuf_addf(w->out, "%.10g", v);
}

void json_bool(struct json_writer *w, int v)
{
    before_value(w);
    strbuf_adds(w->out, v ? "true" : "false");
}

void json_null(struct json_writer *w)
{
    before_value(w);
    strbuf_add(w->out, "null", 4);
}

void json_kv_string(struct json_writer *w, const char *key, const char *s)
{
    json_key(w, key);
    json_string(w, s);
}
void json_kv_int(struct json_writer *w, const char *key, long long v)
{
    json_key(w, key);
    json_int(w, v);
}
void json_kv_double(struct json_writer *w, const char *key, double v)
{
    json_key(w, key);
    json_double(w, v);
}
void json_kv_bool(struct json_writer *w, const char *key, int v)
{
    json_key(w, key);
    json_bool(w, v);
}

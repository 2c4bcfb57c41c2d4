/* json: a small streaming JSON writer onto a strbuf, with correct string escaping.
 *
 * The writer tracks nesting so commas and indentation come out right; keys and values are
 * written in call order. Strings must be UTF-8; invalid bytes are replaced by U+FFFD so
 * the output is always valid JSON whatever a crawled page contained. */
#ifndef SPOTCHECK_JSON_H
#define SPOTCHECK_JSON_H

#include "common/strbuf.h"

#define JSON_MAX_DEPTH 32

struct json_writer {
    struct strbuf *out;
    int pretty;
    int depth;
    int count[JSON_MAX_DEPTH]; /* values written at each depth */
    int after_key;
};

void json_init(struct json_writer *w, struct strbuf *out, int pretty);
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const char *s); /* NULL writes null */
void json_int(struct json_writer *w, long long v);
void json_double(struct json_writer *w, double v);
void json_bool(struct json_writer *w, int v);
void json_null(struct json_writer *w);
/* Key and value in one call. */
void json_kv_string(struct json_writer *w, const char *key, const char *s);
void json_kv_int(struct json_writer *w, const char *key, long long v);
void json_kv_double(struct json_writer *w, const char *key, double v);
void json_kv_bool(struct json_writer *w, const char *key, int v);
/* Appends s as a quoted, escaped JSON string. */
void json_escape(struct strbuf *out, const char *s);

#endif

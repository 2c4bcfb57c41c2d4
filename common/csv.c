/* csv: an RFC 4180 reader (see csv.h). */
#include "common/csv.h"
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void csv_init(struct csv_reader *r, const char *data, size_t n)
{
    memset(r, 0, sizeof *r);
    r->p = data;
    r->end = data + n;
    r->line = 1;
    for (int i = 0; i < CSV_MAX_FIELDS; i++)
        strbuf_init(&r->fields[i]);
}

void csv_release(struct csv_reader *r)
{
    for (int i = 0; i < CSV_MAX_FIELDS; i++)
        strbuf_release(&r->fields[i]);
}

static int csv_error(struct csv_reader *r, long line, char *msg, size_t msglen,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Records where the error is and formats "line N: ..." into msg; returns -1. */
static int csv_error(struct csv_reader *r, long line, char *msg, size_t msglen,
                     const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(msg, msglen, "line %ld: ", line);
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < msglen)
        vsnprintf(msg + n, msglen - (size_t)n, fmt, ap);
    va_end(ap);
    r->error_line = line;
    return -1;
}

/* Consumes a line end (CRLF, LF or lone CR) at p if there is one; returns 1 if it did. */
static int eat_newline(struct csv_reader *r)
{
    if (r->p < r->end && *r->p == '\r') {
        r->p++;
        if (r->p < r->end && *r->p == '\n')
            r->p++;
        r->line++;
        return 1;
    }
    if (r->p < r->end && *r->p == '\n') {
        r->p++;
        r->line++;
        return 1;
    }
    return 0;
}

int csv_next(struct csv_reader *r, char *msg, size_t msglen)
{
    while (eat_newline(r))
        ; /* skip empty lines */
    if (r->p >= r->end)
        return 0;
    r->record_line = r->line;
    r->nfields = 0;
    for (;;) {
        if (r->nfields == CSV_MAX_FIELDS) {
            return csv_error(r, r->record_line, msg, msglen, "more than %d fields", CSV_MAX_FIELDS);
        }
        struct strbuf *f = &r->fields[r->nfields++];
        strbuf_reset(f);
        /* leading blanks before an opening quote are allowed */
        const char *q = r->p;
        while (q < r->end && (*q == ' ' || *q == '\t'))
            q++;
        if (q < r->end && *q == '"') {
            long open_line = r->line;
            r->p = q + 1;
            for (;;) {
                if (r->p >= r->end) {
                    return csv_error(r, open_line, msg, msglen, "quoted field opened here is never closed");
                }
                char c = *r->p;
                if (c == '"') {
                    if (r->p + 1 < r->end && r->p[1] == '"') {
                        strbuf_addch(f, '"');
                        r->p += 2;
                        continue;
                    }
                    r->p++;
                    break;
                }
                if (c == '\n' || (c == '\r' && !(r->p + 1 < r->end && r->p[1] == '\n')))
                    r->line++;
                strbuf_addch(f, c);
                r->p++;
                if (f->len > CSV_MAX_FIELD) {
                    return csv_error(r, open_line, msg, msglen, "field longer than %d bytes", CSV_MAX_FIELD);
                }
            }
            while (r->p < r->end && (*r->p == ' ' || *r->p == '\t'))
                r->p++;
            if (r->p < r->end && *r->p != ',' && *r->p != '\r' && *r->p != '\n') {
                return csv_error(r, r->line, msg, msglen, "unexpected text after a closing quote");
            }
        } else {
            const char *start = r->p;
            while (r->p < r->end && *r->p != ',' && *r->p != '\r' && *r->p != '\n') {
                if (*r->p == '"') {
                    return csv_error(r, r->line, msg, msglen, "a quote inside an unquoted field");
                }
                r->p++;
            }
            if ((size_t)(r->p - start) > CSV_MAX_FIELD) {
                return csv_error(r, r->line, msg, msglen, "field longer than %d bytes", CSV_MAX_FIELD);
            }
            strbuf_add(f, start, (size_t)(r->p - start));
            strbuf_trim(f);
        }
        if (f->failed) {
            csv_error(r, r->record_line, msg, msglen, "out of memory");
            return SC_ENOMEM;
        }
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        eat_newline(r);
        return 1;
    }
}

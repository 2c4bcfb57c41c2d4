/* csv: an RFC 4180 reader over a UTF-8 buffer.
 *
 * Fields may be quoted; a quoted field may hold commas, doubled quotes and newlines
 * (CRLF or LF). Each record carries the line number it starts on, for error messages.
 * Limits bound hostile input: a field longer than CSV_MAX_FIELD bytes or a record with
 * more than CSV_MAX_FIELDS fields is an error, as is a quote left open at the end. */
#ifndef SPOTCHECK_CSV_H
#define SPOTCHECK_CSV_H

#include <stddef.h>

#include "common/strbuf.h"

#define CSV_MAX_FIELDS 64
#define CSV_MAX_FIELD (64 * 1024)

struct csv_reader {
    const char *p, *end;
    long line; /* line number of the next character */
    struct strbuf fields[CSV_MAX_FIELDS];
    int nfields;
    long record_line; /* line the last record started on */
    long error_line;  /* line of the last error */
};

void csv_init(struct csv_reader *r, const char *data, size_t n);
void csv_release(struct csv_reader *r);
/* Reads the next record into r->fields[0..nfields). Returns 1 for a record, 0 at the end,
 * -1 with a message in msg (of msglen bytes) naming the line, or SC_ENOMEM (common/error.h)
 * when a field could not be stored. Lines that are empty
 * (nothing but a line end) are skipped. Unquoted fields are trimmed of spaces and tabs. */
int csv_next(struct csv_reader *r, char *msg, size_t msglen);

#endif

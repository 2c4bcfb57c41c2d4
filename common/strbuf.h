/* strbuf: the one growable string buffer used wherever text is built.
 *
 * Invariants: buf is always NUL-terminated (it points at a static "" until the first
 * allocation); len is the length without the NUL. When an allocation fails the buffer
 * keeps what it had, sets `failed`, and ignores further appends, so callers may append
 * many times and check `failed` once at the end (the SQLite StrAccum habit). */
#ifndef SPOTCHECK_STRBUF_H
#define SPOTCHECK_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
    char *buf;
    size_t len;
    size_t alloc;
    int failed;
};

#define STRBUF_INIT {strbuf_empty, 0, 0, 0}
extern char strbuf_empty[];

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Empties the buffer but keeps its memory. */
void strbuf_reset(struct strbuf *sb);
/* Makes room for `extra` more bytes; returns 0 or -1 (and sets failed). */
int strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_setlen(struct strbuf *sb, size_t len);
/* Hands the heap string to the caller (who frees it) and resets the buffer.
 * Returns NULL if the buffer has failed. */
char *strbuf_detach(struct strbuf *sb);
/* Removes leading and trailing ASCII whitespace. */
void strbuf_trim(struct strbuf *sb);

#endif

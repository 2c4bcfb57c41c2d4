/* mail_message: a defect report as an Internet message (RFC 5322 + MIME), built from
 * strings only (no clock, no database, no network), so the same inputs give the same bytes.
 *
 * The message is multipart/mixed: a text/plain UTF-8 summary (base64) and the HTML report
 * as an attachment (text/html, base64). Non-ASCII header text (the subject) is RFC 2047
 * B-encoded in encoded-words of at most 75 characters, never splitting a UTF-8 character.
 * Lines end in CRLF and are at most 78 characters. docs/mail.md shows a message. */
#ifndef SPOTCHECK_MAIL_MESSAGE_H
#define SPOTCHECK_MAIL_MESSAGE_H

#include "common/strbuf.h"
#include "reports/sitereport.h"

#include <stddef.h>
#include <time.h>

struct mail_message {
    const char *from, *to;  /* bare addresses (mail_address_ok) */
    const char *subject;    /* UTF-8 */
    const char *message_id; /* "<...@...>" (mail_message_id) */
    time_t date;
    const char *text; /* the summary, UTF-8, "\n" line ends */
    const char *attach_name; /* ASCII file name, e.g. "4300000001.html" */
    const char *attach;
    size_t attach_len;
};

/* Appends the whole message to out. Returns 0, SC_EINPUT (an address or the Message-ID
 * is not fit for a header) or SC_ENOMEM. */
int mail_message_build(const struct mail_message *m, struct strbuf *out);

/* 1 when s is a plain mail address fit for a header and an SMTP envelope: local@domain,
 * printable ASCII without spaces, quotes, angle brackets, commas or semicolons, at most 254
 * characters. */
int mail_address_ok(const char *s);

/* Base64 (RFC 4648) of data; with wrap, CRLF after every 76 characters and at the end. */
void mail_base64(const void *data, size_t n, int wrap, struct strbuf *out);

/* Appends "Name: value" folded, value RFC 2047 B-encoded when it is not short printable
 * ASCII; control characters in value become spaces. Ends with CRLF. */
void mail_header_text(const char *name, const char *value, struct strbuf *out);

/* The Message-ID of a round's report to an address, the same on every run:
 * "<spotcheck.QUARTER-ROUND.CODE.HASH@DOMAIN>", HASH the first 16 hex digits of the SHA-256
 * of "QUARTER\nROUND\nCODE\nADDRESS", DOMAIN the sender's domain. Unsafe characters of
 * the code are dropped. Returns 0 or SC_ENOMEM / SC_EINPUT (from has no domain). */
int mail_message_id(const char *quarter, int round, const char *code, const char *address,
                    const char *from, struct strbuf *out);

/* An RFC 5322 date in China time: "Thu, 03 Dec 2026 09:20:00 +0800" (32 bytes suffice). */
void mail_date(time_t t, char *out, size_t n);

/* The subject and plain-text summary of a failing site's report (mail_summary.c): the
 * verdict, score, vetoes, the main deductions and the rectification deadline. Return 0 or
 * SC_ENOMEM. */
int mail_summary_subject(const struct sitereport *sr, struct strbuf *out);
int mail_summary_text(const struct sitereport *sr, struct strbuf *out);

#endif

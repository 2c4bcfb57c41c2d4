/* sitereport_csvcell: writing CSV cells (RFC 4180) for the reports' CSV files, which are
 * UTF-8 with a byte order mark (so Excel opens Chinese correctly) and CRLF line ends.
 *
 * A text cell is quoted when it holds a comma, quote, CR or LF (quotes doubled) or starts or
 * ends with a space. Text that came from a crawled page or the registry and starts with
 * = + - @ or a tab gets a leading apostrophe, so a spreadsheet shows it rather than
 * evaluating it as a formula (the OWASP "CSV injection" advice). */
#ifndef SPOTCHECK_SITEREPORT_CSVCELL_H
#define SPOTCHECK_SITEREPORT_CSVCELL_H

#include "common/strbuf.h"

#define CSV_BOM "\xEF\xBB\xBF"

/* Appends a cell holding s (NULL: empty) then ',' or, when last, "\r\n". */
void csvcell_text(struct strbuf *out, const char *s, int last);
/* A cell holding a number (printed with %g-like shortest form: 92.5, 3, 0.012). */
void csvcell_num(struct strbuf *out, double v, int last);
void csvcell_int(struct strbuf *out, long v, int last);
/* A header row from a NULL-terminated list of names. */
void csvcell_header(struct strbuf *out, const char *const *names);

#endif

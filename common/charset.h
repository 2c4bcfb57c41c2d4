/* charset: converting text in the encodings government data comes in to UTF-8.
 *
 * Registry exports and pages arrive as UTF-8, GBK/GB2312/GB18030 or Big5. Conversion goes
 * through glibc's iconv; a byte sequence the source charset cannot decode becomes U+FFFD
 * and is counted, so hostile or mislabelled input never stops a conversion. */
#ifndef SPOTCHECK_CHARSET_H
#define SPOTCHECK_CHARSET_H

#include <stddef.h>

#include "common/strbuf.h"

/* Canonical name of a charset label for iconv ("gb2312", "GBK", "x-gbk" → "GB18030";
 * "utf8" → "UTF-8"; "big5" → "BIG5"), or NULL when the label is unknown. GB2312 and GBK
 * are decoded as GB18030, their superset, as browsers do. */
const char *charset_canonical(const char *label);

/* Appends the UTF-8 conversion of in[0..n) from `charset` (a canonical name) to out.
 * Undecodable bytes become U+FFFD; *replaced (if not NULL) receives how many.
 * Returns 0, or SC_EINPUT if iconv does not know the charset, SC_ENOMEM. */
int charset_to_utf8(const char *charset, const char *in, size_t n, struct strbuf *out,
                    size_t *replaced);

/* Guesses the encoding of a text file with no declaration: "UTF-8" when it has a UTF-8
 * BOM or is valid UTF-8, else "GB18030" (the registry's usual GBK). *bom_len receives
 * the length of a BOM to skip. */
const char *charset_sniff_text(const char *in, size_t n, size_t *bom_len);

#endif

/* dispwidth: how many terminal columns a UTF-8 string takes, so text tables a person reads
 * line up when they hold Chinese (a CJK character is two columns wide).
 *
 * It does what wcwidth(3) does for the characters government registries hold, without a
 * locale: East Asian Wide and Fullwidth code points (CJK ideographs, kana, hangul, CJK and
 * fullwidth punctuation, the common emoji blocks) take 2, combining marks, zero-width
 * characters and C0/C1 controls take 0, everything else 1. An invalid byte takes 1 (a
 * terminal shows it as one replacement character). Ranges are the Unicode 15 EastAsianWidth
 * W/F ranges, merged where neighbours are also wide; rare wide symbols outside them count 1. */
#ifndef SPOTCHECK_DISPWIDTH_H
#define SPOTCHECK_DISPWIDTH_H

#include <stddef.h>

#include "common/strbuf.h"

/* Columns one code point takes: 0, 1 or 2. */
int dispwidth_codepoint(unsigned long cp);
/* Columns a NUL-terminated UTF-8 string takes (NULL takes 0). */
size_t dispwidth_utf8(const char *s);
/* Appends s (NULL as "") and then spaces until it took at least `width` columns (a string
 * wider than width is appended whole: a column then shifts rather than losing text). */
void dispwidth_pad(struct strbuf *sb, const char *s, size_t width);

#endif

/* utf8: validating UTF-8 byte sequences (no allocation). */
#ifndef SPOTCHECK_UTF8_H
#define SPOTCHECK_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if the bytes there are not one
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
size_t utf8_sequence_length(const unsigned char *p, size_t n);
/* 1 if all n bytes are valid UTF-8. */
int utf8_valid(const char *s, size_t n);
/* Number of code points in a valid UTF-8 string (invalid bytes count one each). */
size_t utf8_length(const char *s);

#endif

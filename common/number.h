/* number: strict decimal integers from the command line: an optional '-' and digits, nothing
 * else (no blanks, no '+', no trailing text), within a range. */
#ifndef SPOTCHECK_NUMBER_H
#define SPOTCHECK_NUMBER_H

/* Parses s into *out when it is a decimal integer within lo..hi; returns 0, or -1 (out
 * unchanged). */
int sc_int_parse(const char *s, int lo, int hi, int *out);

#endif

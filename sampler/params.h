/* params: the draw's settings as given by people: the seed (hex) and the sampling rate.
 *
 * A seed is 8..128 hexadecimal digits; its canonical form is lower case, and that text is
 * what the ranking hashes (see frame.h). A generated seed is 32 bytes from the kernel's
 * secure random source (getrandom), written as 64 lower-case hex digits.
 * The rate is kept in basis points (1/10000) so ceil(rate × N) is exact integer arithmetic;
 * it is written as a decimal with at most four places ("0.15") and must be at least
 * SAMPLER_RATE_MIN_BP (the rule's 15%) and at most 1. */
#ifndef SPOTCHECK_SAMPLER_PARAMS_H
#define SPOTCHECK_SAMPLER_PARAMS_H

#include "common/error.h"

#define SAMPLER_SEED_MIN_HEX 8
#define SAMPLER_SEED_MAX_HEX 128
#define SAMPLER_RATE_MIN_BP 1500
#define SAMPLER_RATE_MAX_BP 10000

/* Checks a seed and writes its canonical (lower-case) form into out (at least
 * SAMPLER_SEED_MAX_HEX + 1 bytes). 0 or SC_EINPUT. */
int sampler_seed_parse(const char *s, char *out, struct sc_error *err);
/* Writes a fresh 64-hex-digit seed from getrandom() into out (at least 65 bytes).
 * 0 or SC_ERUNTIME. */
int sampler_seed_generate(char *out, struct sc_error *err);

/* Parses a rate ("0.15", "0.2", "1") into basis points. Refuses anything below the rule's
 * 15%, above 1, or with more than four decimal places. 0 or SC_EINPUT. */
int sampler_rate_parse(const char *s, int *bp, struct sc_error *err);
/* The rate as a double (bp / 10000). */
double sampler_rate_value(int bp);
/* Basis points of a stored rate (rounded to the nearest). */
int sampler_rate_bp(double rate);
/* ceil(bp × n / 10000), exactly. */
long sampler_sample_size(int bp, long n);
/* floor(10% × n): the most sites of a later round's sample that may repeat. */
long sampler_repeat_limit(long sample_size);

#endif

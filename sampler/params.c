/* params: seed and rate parsing, seed generation (see params.h). */
#include "sampler/params.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/random.h>

int sampler_seed_parse(const char *s, char *out, struct sc_error *err)
{
    size_t n = strlen(s);
    if (n < SAMPLER_SEED_MIN_HEX || n > SAMPLER_SEED_MAX_HEX)
        return sc_fail(err, SC_EINPUT, "the seed must be %d to %d hexadecimal digits (got %zu)",
                       SAMPLER_SEED_MIN_HEX, SAMPLER_SEED_MAX_HEX, n);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return sc_fail(err, SC_EINPUT,
                           "the seed must be hexadecimal digits 0-9 a-f (bad character at %zu)",
                           i + 1);
        out[i] = c;
    }
    out[n] = '\0';
    return SC_OK;
}

int sampler_seed_generate(char *out, struct sc_error *err)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char bytes[32];
    size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t r = getrandom(bytes + got, sizeof bytes - got, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return sc_fail(err, SC_ERUNTIME, "cannot read the secure random source: %s",
                           strerror(errno));
        }
        got += (size_t)r;
    }
    for (size_t i = 0; i < sizeof bytes; i++) {
        out[2 * i] = hex[bytes[i] >> 4];
        out[2 * i + 1] = hex[bytes[i] & 15];
    }
    out[2 * sizeof bytes] = '\0';
    return SC_OK;
}

int sampler_rate_parse(const char *s, int *bp, struct sc_error *err)
{
    const char *p = s;
    long whole = 0;
    int frac = 0, places = 0;
    if (*p < '0' || *p > '9')
        goto bad;
    while (*p >= '0' && *p <= '9') {
        whole = whole * 10 + (*p++ - '0');
        if (whole > 1)
            return sc_fail(err, SC_EINPUT, "the rate %s is above 1 (it is a share, e.g. 0.15)", s);
    }
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            goto bad;
        while (*p >= '0' && *p <= '9') {
            if (places == 4) {
                if (*p != '0')
                    return sc_fail(err, SC_EINPUT, "the rate %s has more than four decimal places",
                                   s);
                p++;
                continue;
            }
            frac = frac * 10 + (*p++ - '0');
            places++;
        }
    }
    if (*p)
        goto bad;
    while (places < 4) {
        frac *= 10;
        places++;
    }
    long v = whole * 10000 + frac;
    if (v > SAMPLER_RATE_MAX_BP)
        return sc_fail(err, SC_EINPUT, "the rate %s is above 1", s);
    if (v < SAMPLER_RATE_MIN_BP)
        return sc_fail(err, SC_EINPUT,
                       "the rate %s is below the rule: each round must draw at least 15%% of "
                       "the normally running sites (--rate 0.15 or more)",
                       s);
    *bp = (int)v;
    return SC_OK;
bad:
    return sc_fail(err, SC_EINPUT, "'%s' is not a rate: write a decimal such as 0.15", s);
}

double sampler_rate_value(int bp)
{
    return bp / 10000.0;
}

int sampler_rate_bp(double rate)
{
    return (int)lround(rate * 10000.0);
}

long sampler_sample_size(int bp, long n)
{
    return (long)(((long long)bp * n + 9999) / 10000);
}

long sampler_repeat_limit(long sample_size)
{
    return sample_size / 10;
}

/* number: strict decimal integers (see number.h). */
#include "common/number.h"

int sc_int_parse(const char *s, int lo, int hi, int *out)
{
    const char *p = s;
    int neg = *p == '-';
    long long v = 0;
    if (neg)
        p++;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > 10000000000LL) /* far beyond any int: stop before overflowing */
            return -1;
    }
    if (*p)
        return -1;
    if (neg)
        v = -v;
    if (v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

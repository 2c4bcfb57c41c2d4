/* clock: the one clock (wall or simulated) and civil-date arithmetic, in UTC+8. */
#include "common/clock.h"
#include "common/error.h"

#include <stdio.h>
#include <string.h>

static int simulated;
static time_t simulated_now;

time_t sc_clock_now(void)
{
    return simulated ? simulated_now : time(NULL);
}

void sc_clock_set(time_t t)
{
    simulated = 1;
    simulated_now = t;
}

void sc_clock_advance(time_t t)
{
    if (simulated && t > simulated_now)
        simulated_now = t;
}

int sc_clock_is_simulated(void)
{
    return simulated;
}

/* Howard Hinnant's days_from_civil algorithm, restated. */
long sc_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void sc_civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long dd = doy - (153 * mp + 2) / 5 + 1;
    long mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

int sc_date_valid(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max = mdays[m - 1] + (m == 2 && leap);
    return d <= max;
}

long sc_day_of(time_t t)
{
    long long s = (long long)t + SC_TZ_OFFSET;
    long long day = s / 86400;
    if (s % 86400 < 0)
        day--;
    return (long)day;
}

time_t sc_day_start(long day)
{
    return (time_t)((long long)day * 86400 - SC_TZ_OFFSET);
}

void sc_day_format(long day, char *out)
{
    int y, m, d;
    sc_civil_from_days(day, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = 0;
    /* m and d are in range by construction; the masks only tell the compiler so. */
    snprintf(out, 11, "%04d-%02d-%02d", y, (m & 15) % 13, (d & 31) % 32);
}

void sc_time_format(time_t t, char *out)
{
    long day = sc_day_of(t);
    long long secs = ((long long)t + SC_TZ_OFFSET) - (long long)day * 86400;
    char date[11];
    sc_day_format(day, date);
    snprintf(out, 26, "%.10sT%02u:%02u:%02u+08:00", date, (unsigned)(secs / 3600) % 24u,
             (unsigned)(secs / 60 % 60) % 60u, (unsigned)(secs % 60) % 60u);
}

/* n decimal digits at s (no sign, no blank) as a number, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int sc_time_parse(const char *s, time_t *out)
{
    /* YYYY-MM-DD, then optionally [T ]HH:MM[:SS]; strictly digits where digits go. */
    if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
        return SC_EINPUT;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2), hh = 0, mm = 0, ss = 0;
    const char *rest = s + 10;
    if (*rest == 'T' || *rest == ' ') {
        if (strlen(rest) < 6 || rest[3] != ':')
            return SC_EINPUT;
        hh = digits(rest + 1, 2);
        mm = digits(rest + 4, 2);
        rest += 6;
        if (*rest == ':') {
            if (strlen(rest) < 3)
                return SC_EINPUT;
            ss = digits(rest + 1, 2);
            rest += 3;
        }
    }
    if (*rest || y < 0 || m < 0 || d < 0 || !sc_date_valid(y, m, d) || hh < 0 || hh > 23 ||
        mm < 0 || mm > 59 || ss < 0 || ss > 59)
        return SC_EINPUT;
    long long t = (long long)sc_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss -
                  SC_TZ_OFFSET;
    *out = (time_t)t;
    return SC_OK;
}

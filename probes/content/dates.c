/* dates: a small scanner for the publish dates on government list items (see dates.h).
 *
 * The scanner reads the text one character at a time through ch_at(), which folds the
 * full-width digits and separators into ASCII and 年/月/日/号 into private codes, so one
 * grammar covers every written form without first copying the text. */
#include "probes/content/dates.h"

#include <string.h>

#include "common/clock.h"

enum { CH_NONE = 0, CH_YEAR = 0x101, CH_MONTH, CH_DAY, CH_OTHER };

#define YEAR_MIN 1949
#define YEAR_MAX 2100

/* The character at text[i] folded for date reading; *len receives its byte length. */
static int ch_at(const char *text, size_t n, size_t i, size_t *len)
{
    const unsigned char *p = (const unsigned char *)text + i;
    size_t left = n - i;
    *len = 1;
    if (i >= n) {
        *len = 0;
        return CH_NONE;
    }
    if (p[0] < 0x80)
        return p[0];
    if (left >= 3) {
        *len = 3;
        if (p[0] == 0xEF && p[1] == 0xBC) {
            if (p[2] >= 0x90 && p[2] <= 0x99)
                return '0' + (p[2] - 0x90);
            if (p[2] == 0x8D)
                return '-';
            if (p[2] == 0x8F)
                return '/';
            if (p[2] == 0x8E)
                return '.';
            if (p[2] == 0xBB)
                return '[';
            if (p[2] == 0xBD)
                return ']';
        }
        if (p[0] == 0xE5 && p[1] == 0xB9 && p[2] == 0xB4)
            return CH_YEAR; /* 年 */
        if (p[0] == 0xE6 && p[1] == 0x9C && p[2] == 0x88)
            return CH_MONTH; /* 月 */
        if ((p[0] == 0xE6 && p[1] == 0x97 && p[2] == 0xA5) ||
            (p[0] == 0xE5 && p[1] == 0x8F && p[2] == 0xB7))
            return CH_DAY; /* 日, 号 */
        if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
            return ' '; /* ideographic space */
    }
    /* Any other non-ASCII character: step over its lead and continuation bytes. */
    size_t l = 1;
    while (l < left && l < 4 && (p[l] & 0xC0) == 0x80)
        l++;
    *len = l;
    return CH_OTHER;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* The folded character that ends just before byte `pos`; *start receives where it begins. */
static int prev_ch(const char *text, size_t n, size_t pos, size_t *start)
{
    size_t len;
    if (pos == 0) {
        *start = 0;
        return CH_NONE;
    }
    size_t k = pos - 1;
    while (k > 0 && pos - k < 4 && ((unsigned char)text[k] & 0xC0) == 0x80)
        k--;
    *start = k;
    return ch_at(text, n, k, &len);
}

/* Reads up to `max` digits at *i; returns how many were read (0 if none) into *value.
 * Fails (returns -1) when more than max digits follow. */
static int read_num(const char *text, size_t n, size_t *i, int max, int *value)
{
    int count = 0, v = 0;
    size_t len;
    int c;
    while (is_digit(c = ch_at(text, n, *i, &len))) {
        if (count == max)
            return -1;
        v = v * 10 + (c - '0');
        count++;
        *i += len;
    }
    *value = v;
    return count;
}

static void skip_spaces(const char *text, size_t n, size_t *i)
{
    size_t len;
    while (ch_at(text, n, *i, &len) == ' ')
        *i += len;
}

/* Sets *day to y-m-d's day number; returns 0 when the date is impossible or out of range. */
static int full_day(int y, int m, int d, long *day)
{
    if (y < YEAR_MIN || y > YEAR_MAX || !sc_date_valid(y, m, d))
        return 0;
    *day = sc_days_from_civil(y, m, d);
    return 1;
}

/* The latest m-d not after as_of (Feb 29 goes back to the last leap year). */
static int yearless_day(int m, int d, long as_of, long *day)
{
    int y, am, ad;
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return 0;
    sc_civil_from_days(as_of, &y, &am, &ad);
    for (int back = 0; back <= 8; back++) {
        if (!sc_date_valid(y - back, m, d))
            continue;
        long candidate = sc_days_from_civil(y - back, m, d);
        if (candidate <= as_of) {
            *day = candidate;
            return 1;
        }
    }
    return 0;
}

/* Tries to read a date starting at the digit at `start`; fills *m and returns 1, 0 when
 * there is none, or -1 when a dated shape is impossible (m->end then says where it ends). */
static int parse_at(const char *text, size_t n, size_t start, long as_of, struct date_match *m)
{
    size_t i = start, len;
    int a, b, d;
    int la = read_num(text, n, &i, 4, &a);
    if (la <= 0)
        return 0;
    int sep = ch_at(text, n, i, &len);
    if (la == 4) {
        if (sep == '-' || sep == '/' || sep == '.') {
            i += len;
            if (read_num(text, n, &i, 2, &b) <= 0 || ch_at(text, n, i, &len) != sep)
                return 0;
            i += len;
            if (read_num(text, n, &i, 2, &d) <= 0)
                return 0;
            if (!full_day(a, b, d, &m->day))
                goto impossible;
            m->form = DATE_FULL;
        } else if (sep == CH_YEAR) {
            i += len;
            skip_spaces(text, n, &i);
            if (read_num(text, n, &i, 2, &b) <= 0)
                return 0;
            skip_spaces(text, n, &i);
            if (ch_at(text, n, i, &len) != CH_MONTH)
                return 0;
            i += len;
            size_t month_end = i;
            skip_spaces(text, n, &i);
            int ld = read_num(text, n, &i, 2, &d);
            if (ld > 0) {
                if (!full_day(a, b, d, &m->day))
                    goto impossible;
                if (ch_at(text, n, i, &len) == CH_DAY)
                    i += len;
                m->form = DATE_FULL;
            } else {
                if (ld < 0)
                    return 0;
                if (!full_day(a, b, 1, &m->day))
                    goto impossible;
                i = month_end;
                m->form = DATE_MONTH_ONLY;
            }
        } else {
            return 0;
        }
    } else if (la <= 2) {
        /* A year-less date must not continue a longer number such as 3-11-20 or 2.11-20. */
        size_t before;
        int prev = prev_ch(text, n, start, &before);
        if ((prev == '-' || prev == '/' || prev == '.') &&
            is_digit(prev_ch(text, n, before, &before)))
            return 0;
        if (sep != '-' && sep != '/' && sep != CH_MONTH)
            return 0;
        i += len;
        if (read_num(text, n, &i, 2, &d) <= 0)
            return 0;
        int next = ch_at(text, n, i, &len);
        if (sep == CH_MONTH) {
            if (next == CH_DAY)
                i += len;
        } else if ((next == '-' || next == '/' || next == '.') &&
                   is_digit(ch_at(text, n, i + len, &len))) {
            return 0; /* 11-20-5, 1/2/3: not a month-day */
        }
        if (!yearless_day(a, d, as_of, &m->day))
            return 0;
        m->form = DATE_YEARLESS;
    } else {
        return 0;
    }
    if (is_digit(ch_at(text, n, i, &len)))
        return 0;
    m->start = start;
    m->end = i;
    return 1;
impossible:
    /* A whole date was written but the calendar has no such day: its tail (2月30日) must
     * not be read again as a year-less date. */
    m->start = start;
    m->end = i;
    return -1;
}

int dates_find(const char *text, size_t n, size_t from, long as_of, struct date_match *m)
{
    size_t i = from, len, before;
    if (!text || from > n)
        return 0;
    /* Starting inside a digit run would read a number's tail as a date. */
    int prev_digit = is_digit(prev_ch(text, n, from, &before));
    while (i < n) {
        int c = ch_at(text, n, i, &len);
        if (is_digit(c)) {
            int r = prev_digit ? 0 : parse_at(text, n, i, as_of, m);
            if (r > 0)
                return 1;
            if (r < 0) {
                i = m->end;
                prev_digit = 0;
                continue;
            }
            prev_digit = 1;
        } else {
            prev_digit = 0;
        }
        i += len ? len : 1;
    }
    return 0;
}

int dates_parse(const char *text, long as_of, long *day)
{
    struct date_match m;
    if (!text || !dates_find(text, strlen(text), 0, as_of, &m))
        return 0;
    *day = m.day;
    return 1;
}

/* Reads a run of ASCII digits at s; returns its length and value (first 9 digits). */
static size_t digit_run(const char *s, long *value)
{
    size_t k = 0;
    long v = 0;
    while (is_digit((unsigned char)s[k])) {
        if (k < 9)
            v = v * 10 + (s[k] - '0');
        k++;
    }
    *value = v;
    return k;
}

static int url_day_ok(long y, long mo, long d, long as_of, long *day)
{
    if (y < 1990 || y > YEAR_MAX || !sc_date_valid((int)y, (int)mo, (int)d))
        return 0;
    long dn = sc_days_from_civil((int)y, (int)mo, (int)d);
    if (dn > as_of + 1)
        return 0;
    *day = dn;
    return 1;
}

int dates_from_url(const char *url, long as_of, long *day)
{
    if (!url)
        return 0;
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : url;
    if (!p)
        return 0;
    for (; *p; p++) {
        if (!is_digit((unsigned char)*p) || (p > url && is_digit((unsigned char)p[-1])))
            continue;
        long v, v2, v3;
        size_t k = digit_run(p, &v);
        if (k == 8 && url_day_ok(v / 10000, v / 100 % 100, v % 100, as_of, day))
            return 1;
        const char *q = p + k;
        if ((k == 4 || k == 6) && (*q == '/' || *q == '-')) {
            size_t k2 = digit_run(q + 1, &v2);
            const char *r = q + 1 + k2;
            /* /2026/1120/ and /202611/20/ */
            if (k == 4 && k2 == 4 && (*r == '/' || *r == '_' || *r == '.') &&
                url_day_ok(v, v2 / 100, v2 % 100, as_of, day))
                return 1;
            if (k == 6 && k2 == 2 && (*r == '/' || *r == '_') &&
                url_day_ok(v / 100, v % 100, v2, as_of, day))
                return 1;
            /* /2026/11/20/ and /2026-11/20/ */
            if (k == 4 && k2 == 2 && (*r == '/' || *r == '-')) {
                size_t k3 = digit_run(r + 1, &v3);
                if (k3 == 2 && !is_digit((unsigned char)r[3]) && url_day_ok(v, v2, v3, as_of, day))
                    return 1;
            }
        }
        p += k - 1;
    }
    return 0;
}

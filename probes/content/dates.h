/* dates: finding the publish dates government pages put on list items.
 *
 * Forms recognised (digits may be full-width, ０-９, and the separators －／．too):
 *   2026-11-20  2026/11/20  2026.11.20  2026年11月20日 (also 号, spaces after 年/月)
 *   2026年11月 (a month: read as its first day)
 *   11-20  11/20  [11-20]  11月20日 (no year: the latest such day not after the check date)
 * Prefixes such as 发布时间：, 发布日期: or 时间： need no special case: the scanner finds a
 * date anywhere in a text. A time after the date ("2026-11-20 17:00") is ignored.
 * Impossible dates (2026-02-30, month 13) and years outside 1949..2100 are rejected.
 * Dates in URLs (/t20261120_123.html, /202611/20/, /2026-11/20/) are a separate,
 * fallback reader because CMSs name article files after their publish day.
 *
 * Days are day numbers as in common/clock.h (sc_days_from_civil). */
#ifndef SPOTCHECK_DATES_H
#define SPOTCHECK_DATES_H

#include <stddef.h>

/* How a found date was written; later kinds are weaker evidence. */
enum date_form {
    DATE_FULL,      /* year, month and day */
    DATE_YEARLESS,  /* month and day, year inferred */
    DATE_MONTH_ONLY /* year and month: the first of the month */
};

struct date_match {
    long day;
    enum date_form form;
    size_t start, end; /* byte offsets of the match in the text given */
};

/* Finds the first date in text[0..n) at or after byte `from`. as_of is the check day, used
 * to give year-less dates a year (never a day after as_of). Returns 1 and fills *m, or 0. */
int dates_find(const char *text, size_t n, size_t from, long as_of, struct date_match *m);

/* The first date in a NUL-terminated string, or SC_NO_DAY-like failure: returns 1 and sets
 * *day, or 0. Convenience over dates_find for whole short texts such as "[03-16]". */
int dates_parse(const char *text, long as_of, long *day);

/* A date written into a URL's path (not its host): 8-digit YYYYMMDD runs such as
 * t20261120_123.html or /20261120/, and /2026-11/20/, /202611/20/, /2026/11/20/.
 * Only days from 1990 up to as_of + 1 count. Returns 1 and sets *day, or 0. */
int dates_from_url(const char *url, long as_of, long *day);

#endif

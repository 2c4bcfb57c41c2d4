/* clock: the one clock of the program, and civil-date arithmetic in the province's time.
 *
 * Everything that asks "what time is it" calls sc_clock_now(). `--now` sets it, so a test,
 * a demo or a re-run can evaluate a whole quarter as of any moment; the daemon's simulated
 * mode advances it with sc_clock_advance(). Civil dates are China Standard Time (UTC+8, no
 * daylight saving), the time every government site and the rules speak in. */
#ifndef SPOTCHECK_CLOCK_H
#define SPOTCHECK_CLOCK_H

#include <time.h>

#define SC_TZ_OFFSET (8 * 3600)

/* The current moment: the wall clock, or the simulated one once set. */
time_t sc_clock_now(void);
/* Fixes the clock at t (simulated time); it then moves only by sc_clock_advance. */
void sc_clock_set(time_t t);
/* Moves a simulated clock forward to t (never backward); no-op on the wall clock. */
void sc_clock_advance(time_t t);
int sc_clock_is_simulated(void);

/* Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]" (also with a space), as province time.
 * Returns 0, or SC_EINPUT for anything else, including impossible dates. */
int sc_time_parse(const char *s, time_t *out);

/* Days since 1970-01-01 for a proleptic Gregorian civil date; no validation. */
long sc_days_from_civil(int y, int m, int d);
void sc_civil_from_days(long days, int *y, int *m, int *d);
/* 1 if y-m-d is a real calendar date. */
int sc_date_valid(int y, int m, int d);
/* The province-time day number of a moment. */
long sc_day_of(time_t t);
/* The first moment (00:00 province time) of a day number. */
time_t sc_day_start(long day);
/* Formats a day number as "YYYY-MM-DD" into out (at least 11 bytes). */
void sc_day_format(long day, char *out);
/* Formats a moment as "YYYY-MM-DDTHH:MM:SS+08:00" into out (at least 26 bytes). */
void sc_time_format(time_t t, char *out);

#endif

/* calendar: quarters ("2026Q4") and the default rounds of a quarter: when each is drawn and
 * the window in which its sites are checked.
 *
 * A quarter has SAMPLER_ROUNDS_MIN..SAMPLER_ROUNDS_MAX rounds (the rules ask for two; fewer is
 * refused). Round k of n is drawn floor((k-1) * 13 / n) weeks after the quarter's first day,
 * so two rounds are drawn on the quarter's first day (week 1) and 42 days later (week 7).
 * A round's check window runs from its draw day to the day before the next round's draw day;
 * the last round's window ends on the quarter's last day. With at most six rounds every
 * window is at least 14 days, room for the one-week availability monitoring and the crawl.
 * Days are province-time day numbers (common/clock.h). Pure functions, no I/O. */
#ifndef SPOTCHECK_SAMPLER_CALENDAR_H
#define SPOTCHECK_SAMPLER_CALENDAR_H

#include "common/error.h"

#define SAMPLER_ROUNDS_MIN 2
#define SAMPLER_ROUNDS_MAX 6
#define SAMPLER_ROUNDS_DEFAULT 2

struct sampler_quarter {
    int year; /* 1970..9999 */
    int q;    /* 1..4 */
};

struct sampler_round_plan {
    int number;        /* 1-based */
    long draw_day;     /* day number of the draw */
    long window_start; /* first day of the check window (the draw day) */
    long window_end;   /* last day of the check window, inclusive */
};

/* Parses "2026Q4" (a lower-case q is accepted). Returns 0 or SC_EINPUT with err set. */
int sampler_quarter_parse(const char *s, struct sampler_quarter *out, struct sc_error *err);
/* Writes "2026Q4" into out (at least 8 bytes). */
void sampler_quarter_format(struct sampler_quarter q, char *out);
/* The quarter holding a day. */
struct sampler_quarter sampler_quarter_of_day(long day);
long sampler_quarter_first_day(struct sampler_quarter q);
long sampler_quarter_last_day(struct sampler_quarter q);

/* Checks a rounds-per-quarter setting; 0 or SC_EINPUT with err saying why. */
int sampler_rounds_check(int rounds, struct sc_error *err);
/* Parses a rounds-per-quarter setting ("2") and checks it. 0 or SC_EINPUT. */
int sampler_rounds_parse(const char *s, int *rounds, struct sc_error *err);
/* Parses a round number (1..99; whether the quarter has it is for the caller). 0 or SC_EINPUT. */
int sampler_round_parse(const char *s, int *round, struct sc_error *err);
/* Parses a command's "QUARTER ROUND" arguments into *q, its canonical text ("2026Q4", into
 * quarter: at least 8 bytes) and the round number. 0 or SC_EINPUT with err set. */
int sampler_quarter_round_parse(const char *qs, const char *rs, struct sampler_quarter *q,
                                char *quarter, int *round, struct sc_error *err);
/* Fills plan[0..rounds-1] with the default calendar of a quarter. Returns 0 or SC_EINPUT
 * (rounds outside SAMPLER_ROUNDS_MIN..SAMPLER_ROUNDS_MAX). */
int sampler_calendar(struct sampler_quarter q, int rounds, struct sampler_round_plan *plan,
                     struct sc_error *err);

#endif

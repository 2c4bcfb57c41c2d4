/* calendar: quarters and the default round calendar (see calendar.h). */
#include "sampler/calendar.h"
#include "common/clock.h"
#include "common/number.h"

#include <stdio.h>
#include <stdlib.h>

int sampler_quarter_parse(const char *s, struct sampler_quarter *out, struct sc_error *err)
{
    int year = 0;
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            goto bad;
        year = year * 10 + (s[i] - '0');
    }
    if ((s[4] != 'Q' && s[4] != 'q') || s[5] < '1' || s[5] > '4' || s[6] != '\0')
        goto bad;
    if (year < 1970)
        return sc_fail(err, SC_EINPUT, "quarter '%s': the year must be 1970 or later", s);
    out->year = year;
    out->q = s[5] - '0';
    return SC_OK;
bad:
    return sc_fail(err, SC_EINPUT, "'%s' is not a quarter: write it as YYYYQn, e.g. 2026Q4", s);
}

void sampler_quarter_format(struct sampler_quarter q, char *out)
{
    snprintf(out, 8, "%04dQ%d", q.year % 10000, q.q);
}

struct sampler_quarter sampler_quarter_of_day(long day)
{
    int y, m, d;
    sc_civil_from_days(day, &y, &m, &d);
    struct sampler_quarter q = {y, (m - 1) / 3 + 1};
    return q;
}

long sampler_quarter_first_day(struct sampler_quarter q)
{
    return sc_days_from_civil(q.year, (q.q - 1) * 3 + 1, 1);
}

long sampler_quarter_last_day(struct sampler_quarter q)
{
    if (q.q == 4)
        return sc_days_from_civil(q.year + 1, 1, 1) - 1;
    return sc_days_from_civil(q.year, q.q * 3 + 1, 1) - 1;
}

int sampler_rounds_check(int rounds, struct sc_error *err)
{
    if (rounds < SAMPLER_ROUNDS_MIN)
        return sc_fail(err, SC_EINPUT,
                       "%d rounds a quarter is fewer than the rules allow: at least %d", rounds,
                       SAMPLER_ROUNDS_MIN);
    if (rounds > SAMPLER_ROUNDS_MAX)
        return sc_fail(err, SC_EINPUT,
                       "%d rounds a quarter leave no two-week check window: at most %d", rounds,
                       SAMPLER_ROUNDS_MAX);
    return SC_OK;
}

int sampler_rounds_parse(const char *s, int *rounds, struct sc_error *err)
{
    int v;
    if (sc_int_parse(s, -1000, 1000, &v) < 0)
        return sc_fail(err, SC_EINPUT, "'%s' is not a number of rounds", s);
    if (sampler_rounds_check(v, err) < 0)
        return SC_EINPUT;
    *rounds = v;
    return SC_OK;
}

int sampler_round_parse(const char *s, int *round, struct sc_error *err)
{
    if (sc_int_parse(s, 1, 99, round) < 0)
        return sc_fail(err, SC_EINPUT, "'%s' is not a round number (1, 2, ...)", s);
    return SC_OK;
}

int sampler_quarter_round_parse(const char *qs, const char *rs, struct sampler_quarter *q,
                                char *quarter, int *round, struct sc_error *err)
{
    if (sampler_quarter_parse(qs, q, err) < 0 || sampler_round_parse(rs, round, err) < 0)
        return SC_EINPUT;
    sampler_quarter_format(*q, quarter);
    return SC_OK;
}

int sampler_calendar(struct sampler_quarter q, int rounds, struct sampler_round_plan *plan,
                     struct sc_error *err)
{
    if (sampler_rounds_check(rounds, err) < 0)
        return SC_EINPUT;
    long first = sampler_quarter_first_day(q), last = sampler_quarter_last_day(q);
    for (int k = 0; k < rounds; k++) {
        plan[k].number = k + 1;
        plan[k].draw_day = first + 7L * ((k * 13) / rounds);
        plan[k].window_start = plan[k].draw_day;
    }
    for (int k = 0; k < rounds; k++)
        plan[k].window_end = k + 1 < rounds ? plan[k + 1].draw_day - 1 : last;
    return SC_OK;
}

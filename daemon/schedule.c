/* schedule: each round's pending action from its stored state and the clock (schedule.h). */
#include "daemon/schedule.h"
#include "common/clock.h"

struct schedule_action schedule_round_action(const struct schedule_round *r, time_t now)
{
    struct schedule_action a = {SCHEDULE_NONE, 0};
    int window_open = sc_day_of(now) <= r->window_end;
    if (!r->drawn) {
        if (window_open)
            a = (struct schedule_action){SCHEDULE_DRAW, sc_day_start(r->draw_day)};
    } else if (r->finalised) {
        /* done */
    } else if (r->crawled < r->sampled && window_open) {
        a = (struct schedule_action){SCHEDULE_CRAWL, schedule_crawl_slot(r, r->crawled)};
    } else {
        a = (struct schedule_action){SCHEDULE_FINALISE, sc_day_start(r->window_end + 1)};
    }
    return a;
}

/* Half the window shared out among the sampled sites, in whole seconds (at least 1), so a
 * slot and the count of crawls allowed agree exactly. */
static long long slot_spacing(const struct schedule_round *r)
{
    long long half = (long long)(r->window_end - r->window_start + 1) * 86400 / 2;
    long long s = r->sampled > 0 ? half / r->sampled : 1;
    return s > 0 ? s : 1;
}

time_t schedule_crawl_slot(const struct schedule_round *r, long k)
{
    return sc_day_start(r->window_start) + (time_t)((long long)k * slot_spacing(r));
}

long schedule_crawls_allowed(const struct schedule_round *r, time_t now)
{
    time_t start = sc_day_start(r->window_start);
    if (now < start || r->sampled <= 0)
        return 0;
    long long k = ((long long)now - (long long)start) / slot_spacing(r) + 1;
    return k < r->sampled ? (long)k : r->sampled;
}

struct schedule_action schedule_first(const struct schedule_round *rounds, size_t n, time_t now,
                                      size_t *index)
{
    struct schedule_action best = {SCHEDULE_NONE, 0};
    for (size_t i = 0; i < n; i++) {
        struct schedule_action a = schedule_round_action(&rounds[i], now);
        if (a.kind != SCHEDULE_NONE && (best.kind == SCHEDULE_NONE || a.at < best.at)) {
            best = a;
            if (index)
                *index = i;
        }
    }
    return best;
}

const char *schedule_kind_name(enum schedule_kind k)
{
    switch (k) {
    case SCHEDULE_DRAW:
        return "draw";
    case SCHEDULE_CRAWL:
        return "crawl";
    case SCHEDULE_FINALISE:
        return "finalise";
    case SCHEDULE_PROBE:
        return "probe";
    case SCHEDULE_RECHECK:
        return "recheck";
    default:
        return "none";
    }
}

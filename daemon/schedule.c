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
        a = (struct schedule_action){SCHEDULE_CRAWL, sc_day_start(r->window_start)};
    } else {
        a = (struct schedule_action){SCHEDULE_FINALISE, sc_day_start(r->window_end + 1)};
    }
    return a;
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
    default:
        return "none";
    }
}

/* schedule: what the daemon has to do for a round, worked out from what is stored and the
 * clock alone, so a restarted daemon recomputes the same and never repeats what was done.
 *
 * For each round, in order, its one pending action:
 *   draw      not drawn yet: due from the start of its draw day, while its window is open
 *             (a round whose window closed undrawn is missed: no action);
 *   crawl     drawn, some sampled site not crawled, window open: due at the slot of the
 *             next crawl (below; the daemon then crawls the sites not yet stored, as many
 *             as schedule_crawls_allowed says);
 *   finalise  drawn, not finalised: due from the day after its window (after the crawls,
 *             which end with the window).
 * The crawls are spread over the first half of the window, not started all at once: the k-th
 * crawl (from 0) of a round of n sampled sites has its slot at the window's start plus k
 * times half the window divided by n. The slots follow from the count of crawls stored, so a
 * restart recomputes them; a daemon that starts late catches up at once.
 * Pure functions, no I/O; days are province-time day numbers (common/clock.h). */
#ifndef SPOTCHECK_SCHEDULE_H
#define SPOTCHECK_SCHEDULE_H

#include <stddef.h>
#include <time.h>

/* SCHEDULE_PROBE (the monitoring's, daemon/monitor.h) and SCHEDULE_RECHECK (daemon/recheck.h)
 * are never a round's pending action. */
enum schedule_kind {
    SCHEDULE_NONE,
    SCHEDULE_DRAW,
    SCHEDULE_CRAWL,
    SCHEDULE_FINALISE,
    SCHEDULE_PROBE,
    SCHEDULE_RECHECK
};

/* What the schedule knows of a round: its calendar and its stored progress. */
struct schedule_round {
    char quarter[8];
    int number;
    long draw_day, window_start, window_end;
    long round_id;  /* 0: not stored yet (the calendar's) */
    char state[16]; /* the stored state, "planned" for a round not stored yet */
    int drawn;
    int finalised;
    long sampled, crawled;
};

struct schedule_action {
    enum schedule_kind kind;
    time_t at; /* from when it is due */
};

/* The round's pending action (kind SCHEDULE_NONE when it has none); due when at <= now. */
struct schedule_action schedule_round_action(const struct schedule_round *r, time_t now);

/* The first action of rounds[0..n) in time (the lowest `at`, the earlier round on a tie),
 * with its round's index in *index; SCHEDULE_NONE when no round has one. */
struct schedule_action schedule_first(const struct schedule_round *rounds, size_t n, time_t now,
                                      size_t *index);

/* The slot of the k-th crawl of a round (see above). */
time_t schedule_crawl_slot(const struct schedule_round *r, long k);
/* How many of the round's crawls may have started by now (their slots passed): 0..sampled. */
long schedule_crawls_allowed(const struct schedule_round *r, time_t now);

/* "draw", "crawl", "finalise" or "none". */
const char *schedule_kind_name(enum schedule_kind k);

#endif

/* draws: the calendar and the draws in the database: rounds, each draw with its frame, its
 * sample and the earlier draws it counted for repeats.
 *
 * storage_draw_round() is the one place a draw happens: in ONE transaction it creates the
 * quarter's round rows, checks the round may be drawn, reads the frame (listed sites whose
 * status is normal), runs the pure sampler and stores the draw, its frame, its sample and
 * its earlier draws; on any failure nothing is stored. A redraw keeps the old draw, marked
 * inactive. */
#ifndef SPOTCHECK_DRAWS_H
#define SPOTCHECK_DRAWS_H

#include "common/error.h"
#include "sampler/calendar.h"
#include "sampler/record.h"
#include "storage/db.h"

/* The id of the latest registry import, 0 when there was none, or -1 on error. */
long storage_latest_import_id(struct storage *db);

struct draw_request {
    const char *quarter; /* canonical, "2026Q4" */
    int round;
    const struct sampler_round_plan *plan; /* the quarter's calendar: rounds missing from */
    int rounds;                            /* the database are created from it */
    const char *seed;                      /* canonical seed text */
    const char *seed_source;               /* "office" (--seed) or "random" */
    int rate_bp;
    int stratify;
    const char *redraw_reason; /* NULL: refuse a round that is already drawn */
};

/* Draws and stores a round (see above). Refuses with SC_EINPUT: a rounds setting other than
 * the one the quarter was first drawn with, a round the quarter does not have, an earlier round not
 * drawn yet while its window is open (one whose window closed undrawn was missed: it does not
 * block), a round already drawn without a redraw reason, a redraw while a later round is drawn,
 * an empty frame. *draw_id gets the new draw's id. */
int storage_draw_round(struct storage *db, const struct draw_request *req, long *draw_id,
                       struct sc_error *err);

/* Loads a draw with its frame, sample (with the sites' current URLs) and earlier samples.
 * storage_draw_load_active: the active draw of a round, SC_ENOTFOUND when it has none. */
int storage_draw_load(struct storage *db, long draw_id, struct sampler_record *out,
                      struct sc_error *err);
int storage_draw_load_active(struct storage *db, const char *quarter, int round,
                             struct sampler_record *out, struct sc_error *err);

struct round_row {
    long id;
    int number;
    const char *draw_date, *window_start, *window_end, *state;
    long active_draw_id; /* 0: not drawn */
    long replaced;       /* draws of this round replaced by a redraw */
};
/* Calls cb for each stored round of a quarter in number order. */
int storage_rounds_each(struct storage *db, const char *quarter,
                        int (*cb)(const struct round_row *row, void *ud), void *ud,
                        struct sc_error *err);

#endif

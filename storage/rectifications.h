/* rectifications: the re-checks after failing sites' rectification deadlines (整改 复查,
 * docs/rectification.md; tables `rectifications` and `rectification_items`). A re-check
 * belongs to the round's crawl whose final verdict failed (its id is the key): one row with
 * what the re-check crawl found (reachable, pages, links, its own score and verdict, its JSON)
 * and whether the site is rectified, and one item per failed item of the final verdict, fixed
 * or still there with the re-check's finding. A re-check is stored whole, in one transaction,
 * or not at all: a daemon killed mid-re-check leaves nothing and does it again. */
#ifndef SPOTCHECK_RECTIFICATIONS_H
#define SPOTCHECK_RECTIFICATIONS_H

#include <time.h>

#include "common/error.h"
#include "probes/verdict/rectify_compare.h"
#include "probes/verdict/site_report.h"
#include "storage/db.h"

struct rectification_item_row {
    char *kind;
    enum defect_severity severity;
    char *url;    /* the final defect's, or NULL */
    char *detail; /* the final defect's evidence, or NULL */
    double points;
    int fixed;
    char *found_detail; /* the re-check's finding when still there, or NULL */
};

struct rectification {
    char started_at[32], checked_at[32]; /* sc_time_format text */
    int reachable, pages_crawled, links_checked;
    int judged; /* the re-check crawl was judged: score and verdict_pass hold */
    double score;
    int verdict_pass;
    int rectified;
    char published_at[32]; /* "" until the public site showed it */
    struct rectification_item_row *items;
    size_t nitems;
};

void rectification_free(struct rectification *r);

/* Stores the re-check of crawl_id (a failing final crawl): `final` is its final report (its
 * defects are the final verdict's), `recheck` the judged re-check report, items and rectified
 * from rectify_compare, report_json the re-check's JSON (may be NULL). Replaces an earlier
 * re-check of the crawl. One transaction. Returns 0, SC_ENOTFOUND (no such crawl),
 * SC_ERUNTIME or SC_ENOMEM. */
int storage_rectification_save(struct storage *db, long crawl_id, const struct site_report *final,
                               const struct site_report *recheck, const struct rectify_item *items,
                               size_t nitems, int rectified, const char *report_json,
                               time_t started, time_t checked, struct sc_error *err);

/* Loads the re-check of crawl_id into out (zeroed first; free with rectification_free).
 * Returns 1 (found), 0 (none yet) or SC_ERUNTIME / SC_ENOMEM. */
int storage_rectification_load(struct storage *db, long crawl_id, struct rectification *out,
                               struct sc_error *err);

/* A failing final crawl whose re-check is not stored yet. */
struct rectification_due {
    long crawl_id, round_id;
    const char *quarter; /* "2026Q4" */
    int round;
    const char *code, *url, *type; /* the site's, from the registry */
    char deadline[11];             /* the last day to rectify, YYYY-MM-DD */
    time_t due;                    /* the re-check's moment: the day after the deadline, 00:00 */
};

/* Calls cb for each failing final crawl of a finalised or published round without a stored
 * re-check, in crawl order, with its deadline `days` after the day of its final verdict
 * ([publish] rectification_days). Strings live until cb returns; a non-zero return stops the
 * walk and is returned. 0 or SC_ERUNTIME. */
int storage_rectifications_due_each(struct storage *db, int days,
                                    int (*cb)(const struct rectification_due *due, void *ud),
                                    void *ud, struct sc_error *err);

/* The re-checks not yet shown on the public site (published_at NULL): the count, or -1;
 * latest (32 bytes, may be NULL) gets the latest checked_at among them ("" when none), the
 * bound to mark published once they are shown (the clock may stand before it: a simulated
 * restart). */
long storage_rectifications_unpublished(struct storage *db, char *latest, struct sc_error *err);
/* The rounds (quarter "2026Q4", number) of the re-checks not yet published, at most max, in
 * quarter and number order, into quarters[i] (8 bytes each) and numbers[i]. Returns how many,
 * or SC_ERUNTIME. */
int storage_rectifications_unpublished_rounds(struct storage *db, char (*quarters)[8],
                                              int *numbers, int max, struct sc_error *err);
/* Marks the re-checks checked at or before `upto` published at `at`. 0 or SC_ERUNTIME. */
int storage_rectifications_mark_published(struct storage *db, const char *upto, const char *at,
                                          struct sc_error *err);

/* For `status`: a round's failing final crawls whose re-check is done, and those waiting
 * (their deadline not passed, or passed and the re-check not done yet: `overdue` of them
 * with the deadline passed at `now`). 0 or SC_ERUNTIME. */
int storage_round_rectifications(struct storage *db, long round_id, int days, time_t now,
                                 long *done, long *waiting, long *overdue, struct sc_error *err);

#endif

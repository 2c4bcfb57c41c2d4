/* publish_data: what the public results site shows, read from the database once: every
 * round that is finalised or published, with its draw's proof (seed, frame hash, the frame's
 * codes) and, for each sampled site in rank order, its final verdict, score, availability and
 * defects, and the round's contract JSON document (round_json.h, the open data's
 * data/<quarter>-<round>.json).
 *
 * The verdicts are the ones round_json writes: a site is pass or fail once its final verdict
 * is stored, pending otherwise. Rounds that are only planned, drawn or still checking are not
 * published. Every moment here comes from the data (draws, crawls, final verdicts), never
 * from the clock, so publishing the same data twice gives the same files. */
#ifndef SPOTCHECK_PUBLISH_DATA_H
#define SPOTCHECK_PUBLISH_DATA_H

#include <stddef.h>

#include "common/error.h"
#include "probes/verdict/rules.h"
#include "storage/db.h"
#include "storage/rectifications.h"

enum pub_verdict { PUB_PENDING, PUB_PASS, PUB_FAIL };

struct pub_defect {
    char *kind, *severity, *url, *detail;
};

/* A broken or suspected link, as the crawl found it. */
struct pub_link {
    char *url, *found_on, *anchor, *error;
    int status, suspected, on_homepage;
};

/* A column that is stale or blank. */
struct pub_column {
    char *name, *url;
    char latest[11]; /* "" when unknown */
    int blank, stale, limit_days;
};

/* One sampled site in one round. Strings are heap copies ("" rather than NULL). */
struct pub_result {
    char *code, *name, *url, *region, *sponsor;
    int rank;
    enum pub_verdict verdict;
    int has_score;
    double score;
    char crawled_at[17]; /* "YYYY-MM-DDTHH:MM" or "" */
    int has_avail;       /* the monitoring week's figures below mean something */
    long probes, failures;
    double failure_rate;
    int avail_veto;
    /* the week day by day (at most 31 days), for the chart: conclusive and failed probes */
    int avail_days;
    char avail_from[11]; /* "YYYY-MM-DD" of day 0 */
    long avail_per_day[31], avail_failed_per_day[31];
    char deadline[11]; /* rectification deadline of a failing site, or "" */
    int rectification_days;
    char checked_at[32]; /* when the round's crawl checked the site (clock text), or "" */
    int have_rect;       /* the re-check after the deadline is stored (复查) */
    struct rectification rect;
    struct pub_defect *defects;
    size_t ndefects;
    long broken_links, vetoes; /* counts among the defects */
    struct pub_link *links;    /* broken and suspected links */
    size_t nlinks;
    struct pub_column *columns; /* stale and blank columns */
    size_t ncolumns;
};

struct pub_round {
    long id;
    char quarter[8];
    int number;
    char state[16];
    char draw_date[11], window_start[11], window_end[11];
    char *drawn_at; /* the draw's moment (clock text) */
    char *seed, *frame_hash;
    long frame_size, sample_size, repeats;
    int rate_bp, stratified;
    char *frame_text; /* the frame's codes, sorted bytewise, one a line (hashes to frame_hash) */
    char updated[32]; /* the latest final verdict's moment, else the window's end */
    struct pub_result *sites;
    size_t nsites;
    long passed, failed, pending;
    char *json; /* round_json's document */
    double veto_percent; /* the rule table's, for the availability charts */
    long probes_per_day;
};

struct pub_data {
    struct pub_round *rounds; /* quarter then number order */
    size_t nrounds;
};

/* Loads every finalised or published round. Returns 0, SC_ERUNTIME or SC_ENOMEM (err says
 * why); out is freed with pub_data_free also on failure. */
int pub_data_load(struct storage *db, const struct rules *rules, int rectification_days,
                  struct pub_data *out, struct sc_error *err);
void pub_data_free(struct pub_data *d);

/* "2026Q4-1", the round's name in file names (at least 16 bytes). */
void pub_round_slug(const struct pub_round *r, char *out, size_t size);
/* 1 when code is safe as a file name (letters, digits, '-' and '_', 1..64 bytes). */
int pub_code_ok(const char *code);

#endif

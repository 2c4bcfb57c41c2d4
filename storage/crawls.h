/* crawls: a site's crawl in the database — everything its site report holds, stored so that
 * verdicts, `status` and the reports can be made from storage without crawling again.
 *
 * storage_crawl_save() stores one crawl in ONE transaction: the crawl row (reachability,
 * counts, homepage, identity, site-wide update figures, score, verdict, the report JSON),
 * the links worth keeping with their redirect chains, the columns, the sections and the
 * defects. A round holds at most one crawl per site (a unique index): saving a crawl of a
 * round and site already stored replaces it in the same transaction, under a new id (ids are
 * never reused), so a crawl redone after a crash or on request is never counted twice. On any
 * failure nothing changes.
 *
 * Not every link is kept: only those broken or suspected, and every link on the homepage
 * whatever its result. A crawl's links_checked still counts them all. Loading gives back
 * the kept links in the order they were in the report.
 *
 * Moments are stored as the clock's text (sc_time_format, "2026-10-09T03:12:00+08:00"),
 * days as "YYYY-MM-DD" or NULL when unknown. Strings are stored byte for byte: escaping is
 * the renderer's business. Tables: docs/database.md, "Crawls". */
#ifndef SPOTCHECK_CRAWLS_H
#define SPOTCHECK_CRAWLS_H

#include <time.h>

#include "common/error.h"
#include "probes/verdict/evidence.h"
#include "probes/verdict/site_report.h"
#include "storage/db.h"

/* 1 when a link of the report is stored (broken, suspected, or on the homepage). */
int storage_crawl_keeps_link(const struct link_record *l);

/* Stores the crawl of site_code (a code in `sites`) for round_id (a round's id, or 0 for a
 * crawl outside any round: such crawls are never replaced, each save adds one). finished_at
 * may be 0 (unknown). report_json (the rendered report) may be NULL. *crawl_id (may be
 * NULL) gets the new crawl's id.
 * Returns 0; SC_ENOTFOUND when the site or the round does not exist; SC_ERUNTIME when a
 * row cannot be stored (a required string of the report is NULL: a link's url or found_on,
 * a column's or section's name, a defect's kind; or the database failed); SC_ENOMEM. On
 * failure the database is as it was. Must not be called inside a transaction. */
int storage_crawl_save(struct storage *db, long round_id, const char *site_code, time_t started_at,
                       time_t finished_at, const struct site_report *r, const char *report_json,
                       long *crawl_id, struct sc_error *err);
/* storage_crawl_save, and with it, in the same transaction, ev (may be NULL: none) as the
 * crawl's evidence (storage/evidence.h: the homepage as crawled, compressed). A failure to
 * store the evidence fails the whole save, and nothing changes; a replaced crawl's
 * evidence goes with it. storage_crawl_save is this with ev NULL. */
int storage_crawl_save_evidence(struct storage *db, long round_id, const char *site_code,
                                time_t started_at, time_t finished_at, const struct site_report *r,
                                const char *report_json, const struct crawl_evidence *ev,
                                long *crawl_id, struct sc_error *err);

/* What the database knows about a stored crawl besides its report. */
struct crawl_meta {
    long id;
    long round_id;            /* 0: none */
    char site_code[64];       /* truncated if longer (codes are 10 digits) */
    char started_at[32];      /* the clock's text */
    char finished_at[32];     /* "" when unknown */
    time_t started, finished; /* the same as moments; finished 0 when unknown */
    char *report_json;        /* heap copy (free() it), NULL when none was stored */
};

/* The id of the crawl of site_code in round_id (for round_id 0: its newest crawl outside
 * any round). Returns 0, SC_ENOTFOUND when there is none, or SC_ERUNTIME. */
int storage_crawl_find(struct storage *db, long round_id, const char *site_code, long *crawl_id,
                       struct sc_error *err);

/* Loads a stored crawl into out (initialised here; the caller frees it with
 * site_report_free, also on failure) and, when meta is not NULL, its meta (the caller
 * frees meta->report_json). storage_crawl_load finds it as storage_crawl_find does.
 * Returns 0, SC_ENOTFOUND, SC_ERUNTIME (the database failed or holds a value this build does
 * not know) or SC_ENOMEM. */
int storage_crawl_load(struct storage *db, long round_id, const char *site_code,
                       struct site_report *out, struct crawl_meta *meta, struct sc_error *err);
int storage_crawl_load_id(struct storage *db, long crawl_id, struct site_report *out,
                          struct crawl_meta *meta, struct sc_error *err);

/* One stored crawl of a round, as storage_round_crawls_each lists it. */
struct crawl_row {
    long id;
    const char *site_code;
    const char *started_at, *finished_at; /* finished_at may be NULL */
    int reachable;
    int judged; /* score and verdict_pass mean something */
    double score;
    int verdict_pass;
    long defects;      /* defects stored with it */
    long veto_defects; /* of which severity veto */
};

/* Calls cb for each crawl stored for round_id (0: those outside any round), in site code
 * order; the row's strings live until cb returns. A non-zero return from cb stops the walk
 * and is returned. Returns 0 or SC_ERUNTIME. */
int storage_round_crawls_each(struct storage *db, long round_id,
                              int (*cb)(const struct crawl_row *row, void *ud), void *ud,
                              struct sc_error *err);
/* The number of crawls stored for round_id, which for a round is the number of its sites
 * crawled (0: crawls outside any round), or -1 on error. */
long storage_round_crawled_count(struct storage *db, long round_id);

#endif

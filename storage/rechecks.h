/* rechecks: re-checks of suspected links in the database — which are due and when, each
 * attempt kept as evidence, and the outcome a final verdict uses (docs/rechecks.md).
 *
 * A stored link whose result is 'suspected' (a timeout, reset, 429 or 5xx: not a proof) is
 * checked again, at most max_attempts times, each attempt after_seconds after the previous
 * one (the first after_seconds after its crawl finished, or started when the finish is not
 * known). Only links of crawls of a round whose state is neither 'finalised' nor
 * 'published' are re-checked: once a round is judged its evidence is frozen; crawls outside
 * any round (`spotcheck check`) are never re-checked.
 *
 * Invariants (links.recheck_state and the rows of link_rechecks):
 * - recheck_state is NULL (pending) until an attempt decides the link: 'cleared' when an
 *   attempt found it ok, 'confirmed' when an attempt found it broken (404, dns ...) or when
 *   the last allowed attempt failed too. A decided link is never re-checked nor changed.
 * - attempts of a link are numbered 1, 2, ... without gaps, one row each (link_id, attempt),
 *   never rewritten: recording an attempt already stored changes nothing, so a daemon killed
 *   between a fetch and its commit may redo it.
 * - the rows go with their link, and the link with its crawl (ON DELETE CASCADE): a crawl
 *   replaced by storage_crawl_save starts its re-checks afresh.
 *
 * Moments are stored as the clock's text (sc_time_format); due moments are computed by
 * SQLite from that text (a value it cannot parse leaves the link never due). Each write is
 * one BEGIN IMMEDIATE transaction: must not be called inside a transaction. */
#ifndef SPOTCHECK_RECHECKS_H
#define SPOTCHECK_RECHECKS_H

#include <time.h>

#include "common/error.h"
#include "probes/verdict/site_report.h"
#include "storage/db.h"

enum recheck_state { RECHECK_PENDING, RECHECK_CLEARED, RECHECK_CONFIRMED };

/* "pending", "cleared", "confirmed". */
const char *recheck_state_name(enum recheck_state s);

/* A re-check due, as storage_rechecks_due_each lists it; strings live until cb returns. */
struct recheck_due {
    long link_id;
    const char *url; /* the link to fetch */
    long crawl_id;
    long round_id;
    const char *site_code;
    int attempt;   /* the attempt to make: 1 .. max_attempts */
    time_t due_at; /* when it became due (<= now) */
};

/* Calls cb for each re-check due at `now` (attempt n+1 of a pending suspected link is due at
 * the moment of attempt n, or of its crawl's end, plus after_seconds, while n < max_attempts),
 * earliest first. cb must not write to the database (the listing's statement is open while
 * it runs): copy what it needs. A non-zero return from cb stops the walk and is returned.
 * Returns 0, SC_EINPUT (after_seconds or max_attempts negative) or SC_ERUNTIME / SC_ENOMEM. */
int storage_rechecks_due_each(struct storage *db, time_t now, long after_seconds, int max_attempts,
                              int (*cb)(const struct recheck_due *d, void *ud), void *ud,
                              struct sc_error *err);

/* The earliest moment any pending re-check is due (it may be in the past: it is due now),
 * for the daemon's schedule. Returns 0 with *at set, SC_ENOTFOUND when no re-check is
 * pending, SC_EINPUT or SC_ERUNTIME / SC_ENOMEM. */
int storage_rechecks_next_due(struct storage *db, long after_seconds, int max_attempts, time_t *at,
                              struct sc_error *err);

/* The number of pending re-checks of round_id (suspected links of its crawls not decided,
 * with fewer than max_attempts attempts; 0 once the round is finalised), for `spotcheck
 * status`'s rechecks_pending; -1 on error. */
long storage_round_rechecks_pending(struct storage *db, long round_id, int max_attempts);

/* One attempt: what a re-check of the link found. */
struct recheck_attempt {
    long link_id;
    long crawl_id; /* the link's crawl, as listed: link ids are reused once a crawl is replaced,
                      crawl ids never are, so a late answer never lands on another link */
    int attempt;   /* 1 .. max_attempts: the one storage_rechecks_due_each gave */
    time_t checked_at;
    enum link_result result; /* link_result_classify's: ok clears; broken confirms */
    int status;              /* HTTP status, 0 when none */
    const char *error;       /* error word or NULL */
    const char *final_url;   /* after redirects, or NULL */
};

/* Records an attempt and, in the same transaction, the link's state: RECHECK_CLEARED when
 * the attempt is ok, RECHECK_CONFIRMED when it is broken or when it is attempt max_attempts
 * and failed (suspected or skipped), else the link stays RECHECK_PENDING. Idempotent: when
 * this attempt of the link is already stored, or the link is already decided, nothing
 * changes. *state (may be NULL) gets the link's state afterwards.
 * Returns 0; SC_ENOTFOUND when the link no longer exists in that crawl (the crawl was
 * replaced: the re-check is moot); SC_EINPUT when the link is not suspected, max_attempts < 1, or
 * the attempt is not the next one (1 + those stored) or beyond max_attempts; SC_ERUNTIME or
 * SC_ENOMEM. On failure the database is as it was. */
int storage_recheck_record(struct storage *db, const struct recheck_attempt *a, int max_attempts,
                           enum recheck_state *state, struct sc_error *err);

/* Applies the re-checks' outcomes to r, the report of crawl crawl_id as loaded by
 * storage_crawl_load_id (for the final verdict): each suspected link the database says is
 * 'confirmed' becomes LINK_BROKEN, and one with max_attempts failed attempts still pending
 * (max_attempts lowered meanwhile) too; its status, error and final URL become its last
 * attempt's. One 'cleared' becomes LINK_OK with the clearing attempt's. Other links are left
 * as they are (still suspected: not re-checked enough yet). Stored links are matched to the
 * report's by url and found_on, in order, each at most once, and only while the report's
 * link is still suspected, so applying twice changes nothing more; a stored link the report
 * lacks is passed over. *changed (may be NULL) gets the number of links changed.
 * Returns 0, SC_ENOMEM (r keeps the links changed so far, each changed whole) or
 * SC_ERUNTIME. */
int storage_rechecks_apply(struct storage *db, long crawl_id, int max_attempts,
                           struct site_report *r, size_t *changed, struct sc_error *err);

/* One stored attempt, as storage_rechecks_each lists it; strings live until cb returns. */
struct recheck_row {
    long link_id;
    const char *url, *found_on;
    const char *state; /* the link's recheck_state: "cleared", "confirmed" or NULL */
    int attempt;
    const char *checked_at;        /* the clock's text */
    const char *result;            /* "ok", "broken", "suspected", "skipped" */
    int status;                    /* 0 when none */
    const char *error, *final_url; /* or NULL */
};

/* Calls cb for each stored attempt of crawl crawl_id's links (or, when link_id is not 0, of
 * that link only, whatever crawl_id), by link then attempt: the evidence for reports. A non-zero
 * return from cb stops the walk and is returned. Returns 0 or SC_ERUNTIME / SC_ENOMEM. */
int storage_rechecks_each(struct storage *db, long crawl_id, long link_id,
                          int (*cb)(const struct recheck_row *row, void *ud), void *ud,
                          struct sc_error *err);

#endif

/* deliveries: the record of every mail delivery of a round's defect reports (docs/mail.md,
 * table `deliveries`). One row per (round, site, address); its state moves
 *
 *     (none) --begin--> sending --sent--> sent
 *                         |  \--failed--> failed --begin (when due)--> sending ...
 *                         \--(found on a later run)--> unknown
 *
 * Invariant: a row is `sending` only while one process is inside the SMTP transaction of
 * that message, and the `sending` state is committed before the transaction starts. A row
 * found `sending` by a later run therefore belongs to a run that died mid-send: the message
 * may have been accepted, so it becomes `unknown` and is never sent again automatically.
 * `sent` and `unknown` rows are final for the program; only `failed` rows with a
 * `next_attempt_at` are retried. A `failed` row without one is final too: the server refused
 * it for good (a permanent 5xx) or the attempts ran out ([mail] attempts). Only the office
 * clears a final row for one more try (storage_delivery_resend, `mail --resend CODE`). */
#ifndef SPOTCHECK_DELIVERIES_H
#define SPOTCHECK_DELIVERIES_H

#include "common/error.h"
#include "common/strbuf.h"
#include "storage/db.h"

#include <time.h>

struct delivery {
    char state[16]; /* sending, sent, failed, unknown */
    int attempts;
    char message_id[256];
    char last_error[256];     /* "" when none */
    char next_attempt_at[32]; /* "" when none; sc_time_format text */
    char sent_at[32];         /* "" when not sent */
};

/* Reads the row of (round_id, site, address) into out. Returns 1 (found), 0 (none) or
 * SC_ERUNTIME. */
int storage_delivery_get(struct storage *db, long round_id, const char *site, const char *address,
                         struct delivery *out, struct sc_error *err);

/* Claims a delivery for sending: inserts the row as `sending` (attempts 1), or moves a
 * `failed` row to `sending` (attempts + 1). The change is committed when this returns.
 * Returns 1 when claimed, 0 when the row is in another state (sent, sending, unknown: do
 * not send), or SC_ERUNTIME / SC_ENOMEM. */
int storage_delivery_begin(struct storage *db, long round_id, const char *site,
                           const char *address, const char *message_id, const char *now,
                           struct sc_error *err);
/* sending -> sent at `now`. Returns 0, SC_ENOTFOUND (not sending) or SC_ERUNTIME. */
int storage_delivery_sent(struct storage *db, long round_id, const char *site,
                          const char *address, const char *now, struct sc_error *err);
/* sending -> failed with why and when to try again (NULL: never again, a final failure). Returns 0, SC_ENOTFOUND or SC_ERUNTIME. */
int storage_delivery_failed(struct storage *db, long round_id, const char *site,
                            const char *address, const char *why, const char *next_attempt_at,
                            const char *now, struct sc_error *err);
/* sending -> unknown with why (a crash mid-send, or a reply lost after the whole message
 * went out). Returns 0, SC_ENOTFOUND or SC_ERUNTIME. */
int storage_delivery_unknown(struct storage *db, long round_id, const char *site,
                             const char *address, const char *why, const char *now,
                             struct sc_error *err);

/* The office's resend of a site's delivery in a round (`spotcheck mail Q R --resend CODE`):
 * an `unknown` row, or a final `failed` one, becomes `failed` due at `now` with its attempts
 * counted afresh (0), last_error keeping why it was held. sent, sending and retrying rows are
 * left alone. Returns the rows changed (0: nothing to clear), or SC_ERUNTIME. */
int storage_delivery_resend(struct storage *db, long round_id, const char *site, const char *now,
                            struct sc_error *err);

/* The earliest retry due of a round that is finalised or published: its moment (from
 * next_attempt_at), quarter ("2026Q4") and round number, for the daemon to run `mail Q R`
 * then. Returns 0, SC_ENOTFOUND (no retry waits) or SC_ERUNTIME. */
int storage_deliveries_next_due(struct storage *db, time_t *at, char quarter[8], int *round,
                                struct sc_error *err);

/* The registry's contact address of a site (sites.email, trimmed) into out; "" when none.
 * Returns 0, SC_ENOTFOUND (no such site) or SC_ERUNTIME. */
int storage_site_email(struct storage *db, const char *code, struct strbuf *out,
                       struct sc_error *err);

#endif

/* round_json: a round's results as `spotcheck report QUARTER ROUND --format json` writes them
 * (contract.md, "The daemon, its status, and a round's results"), read from the database
 * only: the active draw's proof, and for each sampled site in rank order its crawl's verdict,
 * score, moment and defects.
 *
 * What is not built yet is written as such: a site without a stored, judged crawl is
 * `pending` with a null score and crawled_at; `availability` and `rectification` are null
 * (monitoring and re-checks come later in issue 10), so a verdict is the crawl's own. A
 * defect is `confirmed` unless it is a suspected link (re-checks would confirm or clear it);
 * its `first_seen` is the day the crawl that found it started. */
#ifndef SPOTCHECK_ROUND_JSON_H
#define SPOTCHECK_ROUND_JSON_H

#include "common/error.h"
#include "common/strbuf.h"
#include "probes/verdict/rules.h"
#include "storage/db.h"

/* Appends the document to out. Returns 0, SC_ENOTFOUND (the round is not stored or not
 * drawn), SC_ERUNTIME or SC_ENOMEM, with err saying why. */
/* rules: the rule table in effect (availability veto, week length); rectification_days: the
 * days a failing site has to rectify from its final verdict ([publish] rectification_days). */
int round_json(struct storage *db, const struct rules *rules, int rectification_days,
               const char *quarter, int round, struct strbuf *out, struct sc_error *err);

#endif

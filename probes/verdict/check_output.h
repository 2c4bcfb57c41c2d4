/* check_output: rendering the site reports of `spotcheck check` as the contract's JSON
 * document (contract.md) or as a text report a maintainer can act on.
 *
 * Both render whatever the struct holds: content-probe fields print as null or empty
 * arrays until the probes ran (homepage_analysed), and verdict/score are null until the
 * rule table judged the site (judged). Every string from a crawled page is escaped: JSON
 * escaping in JSON, control characters and invalid UTF-8 replaced in text. */
#ifndef SPOTCHECK_CHECK_OUTPUT_H
#define SPOTCHECK_CHECK_OUTPUT_H

#include <stddef.h>

#include "common/strbuf.h"
#include "probes/verdict/site_report.h"

/* Appends the JSON document for reports[0..n) to out; returns 0 or SC_ENOMEM. */
int check_output_json(const struct site_report *reports, size_t n, struct strbuf *out);
/* Appends the text report; returns 0 or SC_ENOMEM. */
int check_output_text(const struct site_report *reports, size_t n, struct strbuf *out);
/* 1 when a site fails: the rule table's verdict when judged, else unreachable or any
 * confirmed broken link. */
int check_site_failed(const struct site_report *r);

#endif

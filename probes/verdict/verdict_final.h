/* verdict_final: a site's final verdict when its round's window closes (issue 10, item 5):
 * the crawl's findings (with the outcome of the re-checks of its suspected links already
 * applied to its links by the caller), judged again by the one rule table, plus the
 * availability veto from the monitoring week. Pure: no I/O. */
#ifndef SPOTCHECK_VERDICT_FINAL_H
#define SPOTCHECK_VERDICT_FINAL_H

#include "probes/verdict/rules.h"
#include "probes/verdict/site_report.h"

/* What the monitoring week found for the site (storage/monitor.h's summary). */
struct availability_finding {
    int monitored; /* 0: no monitoring week (then no availability veto) */
    int days;
    long probes, conclusive, failures, min_per_day;
};

/* Replaces rep's defects, score and verdict by the final ones: rules_judge on the report as
 * it now stands, then the availability veto (kind "unreachable", severity veto) when
 * rules_availability_veto says so. Returns 0 or SC_ENOMEM. */
int verdict_final(const struct rules *rules, struct site_report *rep,
                  const struct availability_finding *av);

#endif

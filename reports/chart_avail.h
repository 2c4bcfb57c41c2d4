/* chart_avail: a site's availability week as an inline SVG bar chart — one bar per day,
 * its height the share of that day's conclusive probes that opened the page, with the
 * veto line — and the same figures as an HTML table, its text alternative.
 *
 * The SVG is self-contained (no scripts, fonts or anything from another host), carries
 * role="img" with a <title> and <desc> that say what it shows in words, and draws the same
 * for the same input, so a report rebuilt from the same data is byte for byte identical.
 * Any page that shows an availability week can use it (the defect report, the public site's
 * site page). */
#ifndef SPOTCHECK_CHART_AVAIL_H
#define SPOTCHECK_CHART_AVAIL_H

#include "common/strbuf.h"

struct chart_avail_opts {
    const char *first_day; /* "YYYY-MM-DD" of day 0, or NULL: days are labelled 1..days */
    double veto_percent;   /* failure share that vetoes (5): drawn as a line at 100-5 %; <=0 none */
    long min_probes_per_day; /* the rule's probes a day (20): a day below it is marked; 0 none */
    const char *id;          /* unique id prefix within the page for aria references ("av") */
};

/* Appends <svg>…</svg>. per_day_conclusive[d] conclusive probes on day d, per_day_failed[d]
 * of which failed (clamped to the conclusive count); days 1..31 (more are cut to 31).
 * opts may be NULL for the defaults. */
void chart_avail_svg(struct strbuf *out, const long *per_day_conclusive, const long *per_day_failed,
                     int days, const struct chart_avail_opts *opts);
/* Appends the text alternative: a <table> with caption, one row per day (date, conclusive
 * probes, failed, availability %). */
void chart_avail_table(struct strbuf *out, const long *per_day_conclusive,
                       const long *per_day_failed, int days, const struct chart_avail_opts *opts);

#endif

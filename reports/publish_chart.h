/* publish_chart: horizontal bar charts as inline SVG for the public results site, each with
 * its text alternative: the SVG is role="img" with a <title> and <desc> (aria-labelledby),
 * and the same figures follow as a table with a caption, so a screen reader, a text browser
 * and a reader who prefers numbers all get them.
 *
 * A bar may be stacked from up to PUB_CHART_SEGMENTS segments (e.g. pass, fail, pending),
 * each with its own colour and a legend. The drawing is 360 units wide, so on a 375-pixel
 * phone it is shown at about its own size and its text stays readable. */
#ifndef SPOTCHECK_PUBLISH_CHART_H
#define SPOTCHECK_PUBLISH_CHART_H

#include <stddef.h>

#include "common/strbuf.h"

#define PUB_CHART_SEGMENTS 3

struct pub_chart_bar {
    const char *label;              /* plain text (escaped here) */
    double seg[PUB_CHART_SEGMENTS]; /* segment values, >= 0 */
    const char *value_text;         /* shown after the bar and in the table, e.g. "3/5" */
};

struct pub_chart {
    const char *id;                            /* unique on the page, [a-z0-9-] */
    const char *title;                         /* the chart's title (figcaption, <title>) */
    const char *desc;                          /* one sentence saying what it shows (<desc>) */
    int nseg;                                  /* segments per bar, 1..PUB_CHART_SEGMENTS */
    const char *seg_names[PUB_CHART_SEGMENTS]; /* for the legend and the table's columns */
    const char *value_head; /* the table's heading for value_text, e.g. "合格率" */
    double max;             /* the scale's end; <= 0: the largest bar */
};

/* Appends <figure> with the SVG chart of bars[0..n) and its table. With n == 0 it appends
 * a sentence saying there is nothing to chart. */
void pub_chart_bars(struct strbuf *out, const struct pub_chart *c, const struct pub_chart_bar *bars,
                    size_t n);

#endif

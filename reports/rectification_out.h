/* rectification_out: how every report shows a failing site's rectification (整改) and the
 * re-check after its deadline (复查, docs/rectification.md): the state ("due" until the
 * re-check, then "rectified" on its day or "not_rectified"), and for each failed item of the
 * final verdict the evidence of both checks — the original defect with when the round's crawl
 * saw it, and the re-check's finding with when it was made. One JSON shape (round JSON, site
 * report JSON, bulletin JSON) and one HTML table (site report, bulletin, public pages); every
 * string from a crawled page is escaped (html.h). */
#ifndef SPOTCHECK_RECTIFICATION_OUT_H
#define SPOTCHECK_RECTIFICATION_OUT_H

#include "common/json.h"
#include "common/strbuf.h"
#include "storage/rectifications.h"

/* What a report knows of a failing site's rectification. */
struct rectification_view {
    const char *deadline;            /* YYYY-MM-DD, the last day to rectify */
    int days;                        /* [publish] rectification_days */
    const char *checked_at;          /* when the round's crawl checked the site (its moment text) */
    const struct rectification *rec; /* the re-check, or NULL while due */
};

/* "due", "rectified" or "not_rectified". */
const char *rectification_state(const struct rectification_view *v);
/* The state in Chinese for a table cell: 整改中，待复查 / 已整改（YYYY-MM-DD 复查） /
 * 未整改（...）. */
void rectification_state_zh(const struct rectification_view *v, struct strbuf *out);

/* Writes the rectification object (the value after a "rectification" key). */
void rectification_json(struct json_writer *w, const struct rectification_view *v);

/* The per-item table of both checks (nothing while due); heading level h2/h3 not included. */
void rectification_html_items(const struct rectification_view *v, struct strbuf *out);

#endif

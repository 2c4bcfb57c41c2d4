/* sitereport_write: `spotcheck report Q R --out DIR` — a round's reports as files:
 * DIR/<code>.html|csv|json per sampled site, DIR/round.json (the `--format json` document)
 * and DIR/bulletin.html|csv|json (docs/reports.md).
 *
 * Every file is written to a temporary name in DIR (".<name>.tmp.<pid>"), flushed to disk
 * and renamed over the old one, so a reader sees the old file or the new one, never half of
 * one; a file whose content did not change is left alone. Temporary files a killed run left
 * behind (their process is gone) are removed when the round is written again. The content depends only on the
 * database, so writing a round twice gives identical files. */
#ifndef SPOTCHECK_SITEREPORT_WRITE_H
#define SPOTCHECK_SITEREPORT_WRITE_H

#include "common/error.h"
#include "common/strbuf.h"
#include "probes/verdict/rules.h"
#include "storage/db.h"

/* Writes content to dir/name atomically (see above). *changed (may be NULL) is set to 1
 * when the file was (re)written, 0 when it already held content. Returns 0 or SC_ERUNTIME
 * with err naming the file and why. */
int sitereport_write_file(const char *dir, const char *name, const struct strbuf *content,
                          int *changed, struct sc_error *err);

struct sitereport_write_summary {
    long sites;   /* sites with a report */
    long files;   /* files written in all */
    long changed; /* of which rewritten because their content changed */
};

/* Writes the round's reports into dir, creating dir (not its parents) when missing.
 * Returns 0, SC_ENOTFOUND (no such round, or not drawn), SC_ERUNTIME or SC_ENOMEM. */
int sitereport_write_round(struct storage *db, const struct rules *rules, int rectification_days,
                           const char *quarter, int round, const char *dir,
                           struct sitereport_write_summary *sum, struct sc_error *err);

#endif

/* publish: `spotcheck publish`: the public results site built from the database
 * (contract.md, "The public results site"): DIR/index.html, DIR/<quarter>-<round>/index.html,
 * DIR/sites/<code>.html, DIR/method.html, DIR/feed.xml and the open data in DIR/data
 * (<quarter>-<round>.csv, .json and .frame.txt, latest.json, datapackage.json).
 *
 * Only finalised or published rounds are on the site. The site is built beside DIR and
 * swapped in (publish_tree.h); after the swap each finalised round it holds is marked
 * published. The same database gives the same files, byte for byte. */
#ifndef SPOTCHECK_PUBLISH_H
#define SPOTCHECK_PUBLISH_H

#include <stddef.h>

#include "common/error.h"
#include "probes/verdict/rules.h"
#include "storage/db.h"

struct publish_request {
    const char *out_dir;
    const char *title;    /* [publish] title */
    const char *base_url; /* [publish] base_url, "" or NULL for none */
    const struct rules *rules;
    int rectification_days;
};

struct publish_summary {
    size_t rounds, sites, files;
    size_t bytes;
    long marked; /* rounds that became published */
};

/* Builds and swaps in the site. Returns 0, SC_EINPUT (an --out that is not a site's
 * directory), SC_ERUNTIME or SC_ENOMEM with err saying why; on failure DIR is unchanged. */
int publish_build(struct storage *db, const struct publish_request *req,
                  struct publish_summary *sum, struct sc_error *err);

#endif

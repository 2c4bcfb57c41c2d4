/* rectify_compare: the re-check after a rectification deadline (整改 复查, docs/rectification.md)
 * compares a failing site's final defects item by item with what a new crawl of the site
 * found: each failed item (a veto or a deduction) is fixed or still there, and the site is
 * rectified when every one of them is fixed. Pure: no storage, no network. */
#ifndef SPOTCHECK_RECTIFY_COMPARE_H
#define SPOTCHECK_RECTIFY_COMPARE_H

#include <stddef.h>

#include "probes/verdict/site_report.h"

/* One failed item of the final verdict and the re-check's finding about it. */
struct rectify_item {
    size_t final_index; /* the item in the final report's defects */
    int fixed;          /* 1 fixed, 0 still there */
    /* the re-check's defect that shows it is still there (in the re-check report), or -1
     * when fixed, or when still there only because the re-check could not open the site */
    long found_index;
};

/* The item's identity for the comparison: its kind and, for the kinds located on a page of
 * the site (broken_link, blank_column, stale_column, missing_section), its URL or, without
 * one, its name (the detail's text before ':' or ' ('). Kinds that belong to the site as a
 * whole (unreachable, homepage_stale, identity, columns_not_updated ...) match by kind alone.
 * Returns 1 when the re-check's defect b is the final defect a, still there. */
int rectify_same_item(const struct defect_record *a, const struct defect_record *b);

/* Compares the final report (its defects: the final verdict's) with the re-check's judged
 * report. items (allocated here, the caller frees it; NULL when there is none) gets one entry
 * per final defect of severity veto or deduct, in the final report's order. *rectified is 1
 * when every item is fixed and the re-check could open the site, else 0. A broken link is
 * fixed when the re-check finds the URL neither broken nor suspected (removing the link
 * fixes it too). When the re-check could not open the homepage, nothing can be shown fixed:
 * every item is still there. Returns 0 or SC_ENOMEM (out of memory; nothing allocated). */
int rectify_compare(const struct site_report *final, const struct site_report *recheck,
                    struct rectify_item **items, size_t *nitems, int *rectified);

#endif

/* rectify_compare: fixed or still there, item by item (rectify_compare.h). */
#include "probes/verdict/rectify_compare.h"
#include "common/error.h"

#include <stdlib.h>
#include <string.h>

/* kinds located on one page of the site (a guide, a message are pages too): matched by URL,
 * or by name without one */
static int located_kind(const char *kind)
{
    static const char *const kinds[] = {"broken_link",      "blank_column",
                                        "stale_column",     "missing_section",
                                        "incomplete_guide", "unanswered_message"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return 1;
    return 0;
}

/* the length of the name at the start of a detail: up to ':' or " (" */
static size_t name_len(const char *detail)
{
    size_t n = 0;
    while (detail[n] && detail[n] != ':' && !(detail[n] == ' ' && detail[n + 1] == '('))
        n++;
    return n;
}

int rectify_same_item(const struct defect_record *a, const struct defect_record *b)
{
    if (!a->kind || !b->kind || strcmp(a->kind, b->kind) != 0)
        return 0;
    if (!located_kind(a->kind))
        return 1;
    if (a->url || b->url)
        return a->url && b->url && strcmp(a->url, b->url) == 0;
    const char *da = a->detail ? a->detail : "", *db = b->detail ? b->detail : "";
    size_t na = name_len(da), nb = name_len(db);
    return na == nb && memcmp(da, db, na) == 0;
}

/* a broken link the re-check found only suspected is not shown fixed */
static int still_suspected(const struct defect_record *a, const struct defect_record *b)
{
    return a->kind && b->kind && strcmp(a->kind, "broken_link") == 0 &&
           strcmp(b->kind, "suspected_link") == 0 && a->url && b->url &&
           strcmp(a->url, b->url) == 0;
}

int rectify_compare(const struct site_report *final, const struct site_report *recheck,
                    struct rectify_item **items, size_t *nitems, int *rectified)
{
    *items = NULL;
    *nitems = 0;
    *rectified = 0;
    size_t n = 0;
    for (size_t i = 0; i < final->ndefects; i++)
        n += final->defects[i].severity != SEVERITY_INFO;
    struct rectify_item *out = n ? calloc(n, sizeof *out) : NULL;
    if (n && !out)
        return SC_ENOMEM;
    size_t k = 0, fixed = 0;
    for (size_t i = 0; i < final->ndefects; i++) {
        const struct defect_record *a = &final->defects[i];
        if (a->severity == SEVERITY_INFO)
            continue;
        struct rectify_item *it = &out[k++];
        it->final_index = i;
        it->found_index = -1;
        if (!recheck->reachable) {
            /* the site did not open: its own unreachable defect is the finding, if any */
            for (size_t j = 0; j < recheck->ndefects && it->found_index < 0; j++)
                if (recheck->defects[j].kind &&
                    strcmp(recheck->defects[j].kind, "unreachable") == 0)
                    it->found_index = (long)j;
            continue;
        }
        for (size_t j = 0; j < recheck->ndefects && it->found_index < 0; j++) {
            const struct defect_record *b = &recheck->defects[j];
            if (rectify_same_item(a, b) || still_suspected(a, b))
                it->found_index = (long)j;
        }
        it->fixed = it->found_index < 0;
        fixed += (size_t)it->fixed;
    }
    *items = out;
    *nitems = n;
    *rectified = recheck->reachable && fixed == n;
    return 0;
}

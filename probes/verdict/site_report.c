/* site_report: construction, growth and freeing of a site's findings (see site_report.h). */
#include "probes/verdict/site_report.h"

#include <stdlib.h>
#include <string.h>

void site_report_init(struct site_report *r, const char *url)
{
    memset(r, 0, sizeof *r);
    r->url = url ? strdup(url) : NULL;
    r->homepage_latest = SC_NO_DAY;
    r->updates.median_gap_days = -1;
    r->identity.site_code_matches = -1;
}

/* Grows an array of elements of `size` bytes by one zeroed element. */
static void *array_add(void **base, size_t *n, size_t *alloc, size_t size)
{
    if (*n == *alloc) {
        size_t na = *alloc ? *alloc * 2 : 16;
        void *p = realloc(*base, na * size);
        if (!p)
            return NULL;
        *base = p;
        *alloc = na;
    }
    void *elem = (char *)*base + (*n)++ * size;
    memset(elem, 0, size);
    return elem;
}

struct link_record *site_report_add_link(struct site_report *r)
{
    return array_add((void **)&r->links, &r->nlinks, &r->links_alloc, sizeof *r->links);
}

struct column_record *site_report_add_column(struct site_report *r)
{
    struct column_record *c =
        array_add((void **)&r->columns, &r->ncolumns, &r->columns_alloc, sizeof *r->columns);
    if (c) {
        c->latest = SC_NO_DAY;
        c->updates.median_gap_days = -1;
    }
    return c;
}

struct section_record *site_report_add_section(struct site_report *r)
{
    return array_add((void **)&r->sections, &r->nsections, &r->sections_alloc,
                     sizeof *r->sections);
}

struct defect_record *site_report_add_defect(struct site_report *r)
{
    return array_add((void **)&r->defects, &r->ndefects, &r->defects_alloc, sizeof *r->defects);
}

struct guide_record *site_report_add_guide(struct site_report *r)
{
    return array_add((void **)&r->guides, &r->nguides, &r->guides_alloc, sizeof *r->guides);
}

struct interaction_channel *site_report_add_channel(struct site_report *r)
{
    struct interaction_channel *c =
        array_add((void **)&r->channels, &r->nchannels, &r->channels_alloc, sizeof *r->channels);
    if (c)
        c->median_response_days = -1;
    return c;
}

struct unanswered_message *site_report_add_unanswered(struct site_report *r)
{
    struct unanswered_message *m = array_add((void **)&r->unanswered, &r->nunanswered,
                                             &r->unanswered_alloc, sizeof *r->unanswered);
    if (m)
        m->asked = SC_NO_DAY;
    return m;
}

void site_report_free(struct site_report *r)
{
    for (size_t i = 0; i < r->nguides; i++) {
        free(r->guides[i].url);
        free(r->guides[i].name);
    }
    free(r->guides);
    free(r->services_url);
    for (size_t i = 0; i < r->nlinks; i++) {
        free(r->links[i].url);
        free(r->links[i].found_on);
        free(r->links[i].anchor);
        free(r->links[i].error);
        free(r->links[i].final_url);
        for (size_t k = 0; k < r->links[i].nredirects; k++)
            free(r->links[i].redirects[k]);
        free(r->links[i].redirects);
    }
    for (size_t i = 0; i < r->ncolumns; i++) {
        free(r->columns[i].name);
        free(r->columns[i].url);
    }
    for (size_t i = 0; i < r->nsections; i++) {
        free(r->sections[i].name);
        free(r->sections[i].url);
    }
    for (size_t i = 0; i < r->ndefects; i++) {
        free(r->defects[i].kind);
        free(r->defects[i].url);
        free(r->defects[i].detail);
    }
    free(r->links);
    free(r->columns);
    free(r->sections);
    free(r->defects);
    for (size_t i = 0; i < r->nchannels; i++) {
        free(r->channels[i].name);
        free(r->channels[i].url);
    }
    free(r->channels);
    for (size_t i = 0; i < r->nunanswered; i++) {
        free(r->unanswered[i].url);
        free(r->unanswered[i].title);
    }
    free(r->unanswered);
    free(r->url);
    free(r->homepage_latest_url);
    free(r->expected_code);
    free(r->unreachable_error);
    free(r->identity.site_code);
    free(r->identity.icp);
    free(r->identity.police_record);
    free(r->identity.sponsor);
    memset(r, 0, sizeof *r);
}

const char *link_result_name(enum link_result r)
{
    static const char *const names[] = {"ok", "broken", "suspected", "skipped"};
    return (unsigned)r < 4 ? names[r] : "unknown";
}

const char *column_category_name(enum column_category c)
{
    static const char *const names[] = {"news", "notice", "policy", "personnel", "plan", "other"};
    return (unsigned)c < 6 ? names[c] : "other";
}

const char *defect_severity_name(enum defect_severity s)
{
    static const char *const names[] = {"veto", "deduct", "info"};
    return (unsigned)s < 3 ? names[s] : "info";
}

const char *guide_element_name(int i)
{
    static const char *const names[GUIDE_ELEMENTS] = {"事项名称", "办事依据", "受理单位",
                                                      "基本流程", "申请材料", "收费标准",
                                                      "办理时限", "咨询电话"};
    return i >= 0 && i < GUIDE_ELEMENTS ? names[i] : NULL;
}

const char *column_found_in_name(enum column_found_in f)
{
    static const char *const names[] = {"homepage", "navigation", "section_index"};
    return (unsigned)f < 3 ? names[f] : "homepage";
}

int column_found_in_parse(const char *word)
{
    for (int f = FOUND_HOMEPAGE; word && f <= FOUND_SECTION_INDEX; f++)
        if (strcmp(word, column_found_in_name((enum column_found_in)f)) == 0)
            return f;
    return -1;
}

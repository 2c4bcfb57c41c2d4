/* site_report: what probing one site found — the struct `spotcheck check` prints as JSON
 * (contract.md) and the daemon stores. Probes fill it; the rule table judges it.
 *
 * Ownership: strings are heap copies owned by the report; site_report_free() frees all.
 * Arrays grow with the *_add helpers. Dates are day numbers (sc_days_from_civil) with
 * SC_NO_DAY for "unknown", printed as null. */
#ifndef SPOTCHECK_SITE_REPORT_H
#define SPOTCHECK_SITE_REPORT_H

#include <stddef.h>

#define SC_NO_DAY (-999999L)

/* The result of one link (contract.md `links[]`). */
enum link_result { LINK_OK, LINK_BROKEN, LINK_SUSPECTED, LINK_SKIPPED };

struct link_record {
    char *url;       /* normalised, fragment removed */
    char *found_on;  /* page the link was found on */
    char *anchor;    /* anchor text or alt, UTF-8, may be "" */
    int on_homepage; /* found on the homepage */
    enum link_result result;
    int status;      /* final HTTP status, 0 if none */
    char *error;     /* "http_status", "soft_404", "dns", ... or NULL when ok */
    char *final_url; /* after redirects, or NULL */
    /* The URLs redirected to, in order, not counting url (the last is final_url); NULL
     * when there was no redirect. */
    char **redirects;
    size_t nredirects;
};

enum column_category {
    COLUMN_NEWS,
    COLUMN_NOTICE,
    COLUMN_POLICY,
    COLUMN_PERSONNEL,
    COLUMN_PLAN,
    COLUMN_OTHER
};

enum column_found_in { FOUND_HOMEPAGE, FOUND_NAVIGATION, FOUND_SECTION_INDEX };

struct column_updates {
    int d14, d90, d365;     /* items dated within the last 14, 90, 365 days */
    double median_gap_days; /* median gap between consecutive dated items; <0 unknown */
};

struct column_record {
    char *name;
    char *url; /* list page ("更多"), or NULL */
    enum column_category category;
    long latest; /* day number or SC_NO_DAY */
    int items;
    int undated_items;
    int blank;
    int stale;
    int limit_days;
    struct column_updates updates;
    /* where the column was found (issue 12): its homepage block, the navigation's links or
     * a section's column index page */
    enum column_found_in found_in;
};

struct section_record {
    char *name;  /* e.g. "政府信息公开" */
    int present; /* found and its page loads */
    char *url;   /* the link found, or NULL */
    int required;
};

enum defect_severity { SEVERITY_VETO, SEVERITY_DEDUCT, SEVERITY_INFO };

struct defect_record {
    char *kind; /* "broken_link", "stale_column", ... (contract.md) */
    enum defect_severity severity;
    char *url;    /* where, or NULL */
    char *detail; /* human-readable evidence, UTF-8, or NULL */
    double points; /* points deducted (0 for veto/info) */
};

struct site_identity {
    char *site_code;        /* 网站标识码 shown on the site, or NULL */
    int site_code_matches;  /* -1 unknown (no registry), 0 no, 1 yes */
    char *icp;              /* ICP 备案号, or NULL */
    char *police_record;    /* 公安机关备案号, or NULL */
    int has_party_badge;    /* 党政机关 badge */
    int has_error_report;   /* 我为政府网站找错 */
    char *sponsor;          /* 主办单位 text, or NULL */
    int has_search;         /* a site search box or entry */
};

/* A service guide (办事指南) the guides probe checked (probes/content/guides.h): the key
 * elements of the province's plan are numbered 0..GUIDE_ELEMENTS-1 (guide_element_name). */
#define GUIDE_ELEMENTS 8
struct guide_record {
    char *url;
    char *name;       /* the 事项名称's value, else the page's title; "" when neither */
    unsigned missing; /* bit i set: element i is missing (no label, or no value) */
};

/* A consultation channel of 互动交流 (领导信箱, 网上留言, 12345 ...) and what its message
 * lists showed for the last year (interaction probe, probes/content/interaction.h). */
struct interaction_channel {
    char *name;    /* the link text, e.g. "市长信箱" */
    char *url;     /* its page */
    int works;     /* 1 its page loads and shows a way to write; 0 not; -1 not checked
                      (on another host) */
    int messages_seen;           /* messages asked within the window */
    int answered;                /* of those, answered */
    double median_response_days; /* over those with both dates; <0 unknown */
};

/* A message unanswered for longer than the rule allows, within the window. */
struct unanswered_message {
    char *url;   /* its page (or the list page when it has none) */
    char *title; /* as listed */
    long asked;  /* day number */
};

struct site_report {
    char *url;          /* as asked */
    char *expected_code; /* registry code, or NULL for `check` without a registry */
    int reachable;
    char *unreachable_error; /* error word when not reachable */
    int pages_crawled;
    int links_checked;

    long homepage_latest; /* day number or SC_NO_DAY */
    int homepage_stale;
    int homepage_analysed; /* content probes ran */
    /* 1 when the homepage is a navigation entry (no dated item of its own, or only a
     * sitemap-style list): homepage_latest is then the newest dated item of the second-level
     * pages, found on homepage_latest_url (NULL when none was dated). */
    int homepage_navigation;
    char *homepage_latest_url;
    struct column_updates updates; /* update frequency of the site as a whole (all columns) */

    struct site_identity identity;

    struct link_record *links;
    size_t nlinks, links_alloc;
    struct column_record *columns;
    size_t ncolumns, columns_alloc;
    struct section_record *sections;
    size_t nsections, sections_alloc;
    struct defect_record *defects;
    size_t ndefects, defects_alloc;

    int judged;      /* the rule table ran */
    double score;    /* out of 100 */
    int verdict_pass;

    /* 服务不实用 (probes/content/guides.c): the 办事服务 section's page was read
     * (services_url), and the service guides checked there, at most services.guide_sample */
    int services_analysed;
    char *services_url;
    struct guide_record *guides;
    size_t nguides, guides_alloc;
    /* interaction (互动回应差): 1 when the probe ran (the homepage was analysed) */
    int interaction_analysed;
    struct interaction_channel *channels;
    size_t nchannels, channels_alloc;
    struct unanswered_message *unanswered;
    size_t nunanswered, unanswered_alloc;
};

void site_report_init(struct site_report *r, const char *url);
void site_report_free(struct site_report *r);
/* Each returns a zeroed new element owned by the report, or NULL when out of memory. */
struct link_record *site_report_add_link(struct site_report *r);
struct column_record *site_report_add_column(struct site_report *r);
struct section_record *site_report_add_section(struct site_report *r);
struct defect_record *site_report_add_defect(struct site_report *r);
struct guide_record *site_report_add_guide(struct site_report *r);
struct interaction_channel *site_report_add_channel(struct site_report *r);
struct unanswered_message *site_report_add_unanswered(struct site_report *r);

const char *link_result_name(enum link_result r);
const char *column_category_name(enum column_category c);
const char *defect_severity_name(enum defect_severity s);
/* A guide element's name as the plan words it (事项名称, 办事依据 ...), i < GUIDE_ELEMENTS;
 * NULL otherwise. */
const char *guide_element_name(int i);
/* "homepage", "navigation", "section_index"; column_found_in_parse is the inverse (-1 when
 * the word is none of them). */
const char *column_found_in_name(enum column_found_in f);
int column_found_in_parse(const char *word);

#endif

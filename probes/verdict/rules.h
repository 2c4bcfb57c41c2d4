/* rules: THE rule table — every indicator of domain.md with its threshold, whether it vetoes
 * or deducts, and its point value — and the judge that turns a site's findings into
 * defects, a score out of 100 and a verdict. It is the only source of every verdict.
 *
 * Defaults follow domain.md (national indicators 2015/2019); where the rules give no number
 * (the point values) the default is the project's choice, documented in docs/rules.md.
 * The [rules] section of the configuration file overrides any entry by its key (rules_set;
 * daemon/config.h reads the file). */
#ifndef SPOTCHECK_RULES_H
#define SPOTCHECK_RULES_H

#include <stddef.h>

#include "common/error.h"
#include "probes/verdict/site_report.h"

enum rule_id {
    /* update windows, days (0 = the category is not judged) */
    RULE_WINDOW_HOMEPAGE,
    RULE_WINDOW_NEWS,
    RULE_WINDOW_NOTICE,
    RULE_WINDOW_POLICY,
    RULE_WINDOW_PERSONNEL,
    RULE_WINDOW_PLAN,
    RULE_WINDOW_OTHER,
    /* veto items: 1 on, 0 off, or a count threshold (0 = never) */
    RULE_VETO_UNREACHABLE,
    RULE_VETO_HOMEPAGE_STALE,
    RULE_VETO_STALE_NEWS_NOTICE, /* stale news + notice/policy columns, at least N */
    RULE_VETO_STALE_COLUMNS,     /* stale columns of any kind, at least N */
    RULE_VETO_BLANK_COLUMNS,     /* blank columns, at least N */
    RULE_VETO_NO_INTERACTION,    /* no working 互动交流 section */
    RULE_VETO_NO_SERVICES,       /* no working 办事服务 section */
    /* deductions, points each */
    RULE_POINTS_STALE_COLUMN,
    RULE_POINTS_BLANK_COLUMN,
    RULE_POINTS_BROKEN_LINK_HOME,
    RULE_POINTS_BROKEN_LINK_OTHER,
    RULE_POINTS_BROKEN_LINKS_MAX,
    RULE_POINTS_MISSING_SECTION,
    RULE_POINTS_MISSING_SITE_CODE,
    RULE_POINTS_WRONG_SITE_CODE,
    RULE_POINTS_MISSING_ICP,
    RULE_POINTS_MISSING_POLICE_RECORD,
    RULE_POINTS_MISSING_PARTY_BADGE,
    RULE_POINTS_MISSING_ERROR_REPORT,
    RULE_POINTS_MISSING_SPONSOR,
    RULE_POINTS_SPARSE_UPDATES, /* the site dated fewer than N items in 90 days */
    RULE_SPARSE_UPDATES_MIN_90D,
    RULE_PASS_SCORE,
    /* availability monitoring (站点无法访问): the daemon's probes, judged here */
    RULE_AVAIL_DAYS,
    RULE_AVAIL_PROBES_PER_DAY,
    RULE_AVAIL_TIMEOUT_SECONDS,
    RULE_VETO_UNAVAILABLE_PERCENT,
    /* design items */
    RULE_POINTS_NON_GOV_DOMAIN,
    RULE_POINTS_NO_SEARCH,
    /* required sections, by site type (1 required, 0 not) */
    RULE_REQUIRE_PORTAL_DISCLOSURE,
    RULE_REQUIRE_PORTAL_INTERPRETATION,
    RULE_REQUIRE_PORTAL_SERVICES,
    RULE_REQUIRE_PORTAL_INTERACTION,
    RULE_REQUIRE_PORTAL_DISCLOSURE_GUIDE,
    RULE_REQUIRE_PORTAL_DISCLOSURE_REPORT,
    RULE_REQUIRE_DEPARTMENT_DISCLOSURE,
    RULE_REQUIRE_DEPARTMENT_INTERPRETATION,
    RULE_REQUIRE_DEPARTMENT_SERVICES,
    RULE_REQUIRE_DEPARTMENT_INTERACTION,
    RULE_REQUIRE_DEPARTMENT_DISCLOSURE_GUIDE,
    RULE_REQUIRE_DEPARTMENT_DISCLOSURE_REPORT,
    /* a navigation-only homepage (首页仅为导航入口): judged by its second-level pages */
    RULE_HOMEPAGE_NAVIGATION,   /* 1: judge it so; 0: the homepage's own items only */
    RULE_HOMEPAGE_SITEMAP_ROWS, /* a homepage whose only dated list has >= N rows (0 = off) */
    /* sections hosted on another host (a provincial service platform zwfw.*.gov.cn) */
    RULE_SECTIONS_OTHER_HOST,
    /* 服务不实用, service guides missing key elements (probes/content/guides.h) */
    RULE_SERVICES_GUIDE_SAMPLE,        /* guides checked per site, at most (0 = none) */
    RULE_POINTS_INCOMPLETE_GUIDE,      /* per guide missing an element */
    RULE_POINTS_INCOMPLETE_GUIDES_MAX, /* cap on those deductions */
    RULE_VETO_INCOMPLETE_GUIDES,       /* incomplete guides, at least N: veto (0 = never) */
    /* blank columns wherever they are (issue 12): the candidate column pages (navigation
     * links, section index links) fetched per site beyond the homepage's columns */
    RULE_COLUMNS_EXTRA_PAGES,
    /* interaction (互动回应差, issue 12 item 2): consultation channels and their messages */
    RULE_VETO_NO_INTERACTION_CHANNEL, /* no consultation channel that loads and takes messages */
    RULE_VETO_UNANSWERED_MESSAGE,     /* a message unanswered too long within the window */
    RULE_INTERACTION_UNANSWERED_DAYS, /* "unanswered for more than 3 months": days */
    RULE_INTERACTION_WINDOW_DAYS,     /* "in the last year": days */
    RULE_INTERACTION_MAX_LIST_PAGES,  /* message list pages followed per channel */
    RULE_INTERACTION_MAX_MESSAGE_PAGES, /* message pages followed per site */
    RULE_COUNT
};

/* One entry of the table: its config key, default, allowed range and why. */
struct rule_def {
    const char *key; /* e.g. "window.news" */
    double def;
    double min, max;
    int integer; /* the value must be a whole number */
    const char *why;
};

struct rules {
    double v[RULE_COUNT];
};

/* The table itself (RULE_COUNT entries, indexed by enum rule_id). */
const struct rule_def *rules_table(void);
void rules_default(struct rules *r);
/* Sets one entry by key; SC_EINPUT with a message for an unknown key or a bad value
 * ("KEY: why"), r unchanged. */
int rules_set(struct rules *r, const char *key, const char *value, struct sc_error *err);

/* The update window of a column category in days (0 = not judged). */
int rules_window(const struct rules *r, enum column_category c);
/* 1 when a section (enum section_id) is required for a portal (portal=1) or department. */
int rules_section_required(const struct rules *r, int section, int portal);

/* The availability veto: 1 when `failures` of `probes` spaced homepage probes (each failing
 * when the page is not open within availability.timeout_seconds) reach
 * veto.unavailable_percent; 0 otherwise, also with no probes or the veto off. */
int rules_availability_veto(const struct rules *r, int probes, int failures);

/* Judges a report: appends defects, sets score, verdict_pass and judged. r may be NULL for
 * the defaults. Returns 0 or SC_ENOMEM. */
int rules_judge(const struct rules *r, struct site_report *rep);

#endif

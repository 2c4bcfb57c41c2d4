/* sitereport: one sampled site's defect report for its maintainers (issue 11, part 1),
 * built from the database only, and its three renderings: HTML (printable on A4), CSV and
 * JSON (docs/reports.md says what each holds).
 *
 * The model gathers what the renderers show: the site's final verdict and defects in the
 * order to fix them (vetoes first, then deductions by points, then notes), each with its
 * rule from the rule table; its broken and suspected links with their redirect chains; its
 * stale and blank columns; its missing sections and identity problems; the monitoring week
 * per day with every failed probe; what changed since the site's previous round; and the
 * rectification deadline, computed as round_json.c does ([publish] rectification_days from
 * the final verdict's day).
 *
 * Nothing in a report depends on when it was built, only on what is stored, so rebuilding
 * it from the same database gives the same bytes. */
#ifndef SPOTCHECK_SITEREPORT_H
#define SPOTCHECK_SITEREPORT_H

#include "common/error.h"
#include "common/strbuf.h"
#include "probes/verdict/rules.h"
#include "probes/verdict/site_report.h"
#include "reports/rectification_out.h"
#include "storage/crawls.h"
#include "storage/db.h"
#include "storage/monitor.h"

#define SITEREPORT_MAX_DAYS 31
#define SITEREPORT_MAX_EARLIER 64

/* A round as the reports see it (sitereport_round_find). */
struct sitereport_round {
    char quarter[8];
    int number;
    long id;
    int finalised;
    char window_start[11], window_end[11];
    int days;           /* of the monitoring week, 0 when it has none */
    char week_from[11]; /* its first day, "" when none */
    long prev_id;       /* the round before it (any quarter), 0 when none */
    char prev_quarter[8];
    int prev_number;
    /* the drawn rounds before it, latest first (at most SITEREPORT_MAX_EARLIER): where a
     * site's previous round is looked for */
    long earlier_id[SITEREPORT_MAX_EARLIER];
    char earlier_quarter[SITEREPORT_MAX_EARLIER][8];
    int earlier_number[SITEREPORT_MAX_EARLIER];
    int nearlier;
    const struct rules *rules;
    int rectification_days;
};

/* Finds round `number` of quarter and the round before it. Returns 0, SC_ENOTFOUND (not
 * stored) or SC_ERUNTIME. */
int sitereport_round_find(struct storage *db, const struct rules *rules, int rectification_days,
                          const char *quarter, int number, struct sitereport_round *out,
                          struct sc_error *err);

struct sitereport_probe {
    char *probed_at;
    int day, status, conclusive;
    char *error, *reason;
    long total_ms;
};

/* The rule behind a defect, from the rule table. */
struct sitereport_rule {
    int id;          /* enum rule_id, -1 when no rule of the table names it */
    const char *key; /* e.g. "points.broken_link_home", NULL when none */
    double value;    /* the rule's value in effect: a threshold, window or points */
    const char *why;
};

struct sitereport {
    const struct sitereport_round *round;
    char *code, *name, *url, *region;
    int rank;
    int crawled;          /* a crawl is stored */
    struct site_report r; /* the crawl, with the final verdict's defects when final */
    struct crawl_meta meta;
    int final; /* a final verdict is stored */
    char finalised_at[32];
    const char *verdict;              /* "pass", "fail" or "pending" */
    size_t *order;                    /* indices of r.defects, what to fix first first */
    struct sitereport_rule *rules_of; /* per defect of r (same index) */
    unsigned char *is_new;            /* per defect of r: not found in the previous round */
    /* the monitoring week */
    int have_avail;
    struct avail_summary av;
    int avail_veto;
    long per_day_conclusive[SITEREPORT_MAX_DAYS], per_day_failed[SITEREPORT_MAX_DAYS];
    struct sitereport_probe *probes;
    size_t nprobes;
    /* the site's previous round: the latest earlier round in which it was crawled */
    int have_prev;
    char prev_quarter[8];
    int prev_number;
    const char *prev_verdict;
    int prev_judged;
    double prev_score;
    struct site_report prev;
    size_t *fixed; /* indices of prev.defects no longer found */
    size_t nfixed;
    /* rectification */
    char deadline[11]; /* "" when the site does not fail */
    long crawl_id;     /* the round's crawl, 0 when none */
    int have_rect;     /* the re-check after the deadline is stored (rect) */
    struct rectification rect;
};

/* The site's rectification as the reports show it (rectification_out.h); only when the site
 * fails (deadline set). */
struct rectification_view sitereport_rectification(const struct sitereport *sr);

/* One site of a round's sample (from storage_round_sample_each). */
struct sample_site;
/* Loads site s of round rd into out (the caller frees it with sitereport_free, also on
 * failure). Returns 0, SC_ERUNTIME or SC_ENOMEM. */
int sitereport_load(struct storage *db, const struct sitereport_round *rd,
                    const struct sample_site *s, struct sitereport *out, struct sc_error *err);
void sitereport_free(struct sitereport *sr);

/* The rule behind a defect kind (and, for a deduction, its points). */
struct sitereport_rule sitereport_rule_of(const struct rules *rules, const struct defect_record *d);
/* The Chinese name of a defect kind ("broken_link" -> "失效链接"); the kind itself when
 * unknown. */
const char *sitereport_kind_label(const char *kind);

/* Renderings; each appends to out and returns 0 or SC_ENOMEM. */
int sitereport_html(const struct sitereport *sr, struct strbuf *out);
int sitereport_csv(const struct sitereport *sr, struct strbuf *out);
int sitereport_json(const struct sitereport *sr, struct strbuf *out);

#endif

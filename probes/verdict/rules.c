/* rules: the rule table, setting an entry by key, and the judge (see rules.h, docs/rules.md). */
#include "probes/verdict/rules.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/strbuf.h"
#include "probes/content/sections.h"
#include "probes/net/url.h"

#define ONOFF 0, 1, 1
#define DAYS 0, 3660, 1
#define COUNT 0, 1000, 1
#define POINTS 0, 100, 0

static const struct rule_def table[RULE_COUNT] = {
    [RULE_WINDOW_HOMEPAGE] = {"window.homepage", 14, DAYS,
                              "首页不更新: no new homepage item in 2 weeks (veto item)"},
    [RULE_WINDOW_NEWS] = {"window.news", 14, DAYS, "dynamic/news columns: 2 weeks (2015 edition)"},
    [RULE_WINDOW_NOTICE] = {"window.notice", 183, DAYS, "notices: 6 months (2015 edition)"},
    [RULE_WINDOW_POLICY] = {"window.policy", 183, DAYS,
                            "policy documents: 6 months (2015 edition)"},
    [RULE_WINDOW_PERSONNEL] = {"window.personnel", 365, DAYS, "personnel: 1 year (2015 edition)"},
    [RULE_WINDOW_PLAN] = {"window.plan", 365, DAYS, "plans: 1 year (2015 edition)"},
    [RULE_WINDOW_OTHER] = {"window.other", 0, DAYS,
                           "other columns: the rules give no window, so not judged (0)"},
    [RULE_VETO_UNREACHABLE] = {"veto.unreachable", 1, ONOFF,
                               "站点无法访问: the homepage does not open (veto item)"},
    [RULE_VETO_HOMEPAGE_STALE] = {"veto.homepage_stale", 1, ONOFF, "首页不更新 (veto item)"},
    [RULE_VETO_STALE_NEWS_NOTICE] = {"veto.stale_news_notice_columns", 5, COUNT,
                                     "栏目不更新 (1): >=5 stale news + notice/policy columns"},
    [RULE_VETO_STALE_COLUMNS] = {"veto.stale_columns", 10, COUNT,
                                 "栏目不更新 (2): >=10 columns gone long without update"},
    [RULE_VETO_BLANK_COLUMNS] = {"veto.blank_columns", 5, COUNT,
                                 "栏目不更新 (3): >=5 blank columns"},
    [RULE_VETO_NO_INTERACTION] = {"veto.no_interaction", 1, ONOFF,
                                  "互动回应差: no working consultation channel (veto item)"},
    [RULE_VETO_NO_SERVICES] = {"veto.no_services", 1, ONOFF,
                               "服务不实用: no 办事服务 section (veto item)"},
    [RULE_POINTS_STALE_COLUMN] = {"points.stale_column", 2, POINTS,
                                  "information updates: per stale column (project default)"},
    [RULE_POINTS_BLANK_COLUMN] = {"points.blank_column", 2, POINTS,
                                  "information updates: per blank column (project default)"},
    [RULE_POINTS_BROKEN_LINK_HOME] = {"points.broken_link_home", 1, POINTS,
                                      "broken link on the homepage, each (project default)"},
    [RULE_POINTS_BROKEN_LINK_OTHER] = {"points.broken_link_other", 0.5, POINTS,
                                       "broken link on other pages, each (project default)"},
    [RULE_POINTS_BROKEN_LINKS_MAX] = {"points.broken_links_max", 20, POINTS,
                                      "cap on all broken-link deductions (project default)"},
    [RULE_POINTS_MISSING_SECTION] = {"points.missing_section", 5, POINTS,
                                     "a required section that vetoes nothing is missing"},
    [RULE_POINTS_MISSING_SITE_CODE] = {"points.missing_site_code", 3, POINTS,
                                       "site identity: no 网站标识码 shown"},
    [RULE_POINTS_WRONG_SITE_CODE] = {"points.wrong_site_code", 3, POINTS,
                                     "site identity: code shown differs from the registry"},
    [RULE_POINTS_MISSING_ICP] = {"points.missing_icp", 1, POINTS, "no ICP 备案号 in the footer"},
    [RULE_POINTS_MISSING_POLICE_RECORD] = {"points.missing_police_record", 1, POINTS,
                                           "no 公安机关备案号 in the footer"},
    [RULE_POINTS_MISSING_PARTY_BADGE] = {"points.missing_party_badge", 1, POINTS,
                                         "no 党政机关网站标识 badge"},
    [RULE_POINTS_MISSING_ERROR_REPORT] = {"points.missing_error_report", 1, POINTS,
                                          "no 我为政府网站找错 entry"},
    [RULE_POINTS_MISSING_SPONSOR] = {"points.missing_sponsor", 1, POINTS, "no 主办单位 shown"},
    [RULE_POINTS_SPARSE_UPDATES] = {"points.sparse_updates", 0, POINTS,
                                    "few dated items in 90 days (off by default: info)"},
    [RULE_SPARSE_UPDATES_MIN_90D] = {"sparse_updates.min_items_90d", 6, COUNT,
                                     "items in 90 days under which updates are sparse"},
    [RULE_PASS_SCORE] = {"pass_score", 60, POINTS, "below 60 of 100 fails (national rule)"},
    [RULE_AVAIL_DAYS] = {"availability.days", 7, 1, 90, 1, "monitor the homepage for 1 week"},
    [RULE_AVAIL_PROBES_PER_DAY] = {"availability.probes_per_day", 20, 1, 1440, 1,
                                   ">=20 spaced probes a day"},
    [RULE_AVAIL_TIMEOUT_SECONDS] = {"availability.timeout_seconds", 15, 1, 300, 1,
                                    "a probe fails when the page is not open after 15 s"},
    [RULE_VETO_UNAVAILABLE_PERCENT] = {"veto.unavailable_percent", 5, 0, 100, 0,
                                       "veto when failures are >=5% of probes (0 = off)"},
    [RULE_POINTS_NON_GOV_DOMAIN] = {"points.non_gov_domain", 2, POINTS,
                                    "design: the site is not under .gov.cn or .政务"},
    [RULE_POINTS_NO_SEARCH] = {"points.no_search", 1, POINTS, "design: no site search box"},
    [RULE_REQUIRE_PORTAL_DISCLOSURE] = {"require.portal.disclosure", 1, ONOFF, "政府信息公开"},
    [RULE_REQUIRE_PORTAL_INTERPRETATION] = {"require.portal.interpretation", 1, ONOFF,
                                            "政策解读/解读回应"},
    [RULE_REQUIRE_PORTAL_SERVICES] = {"require.portal.services", 1, ONOFF, "办事服务"},
    [RULE_REQUIRE_PORTAL_INTERACTION] = {"require.portal.interaction", 1, ONOFF, "互动交流"},
    [RULE_REQUIRE_PORTAL_DISCLOSURE_GUIDE] = {"require.portal.disclosure_guide", 0, ONOFF,
                                              "政府信息公开指南 (often inside 信息公开)"},
    [RULE_REQUIRE_PORTAL_DISCLOSURE_REPORT] = {"require.portal.disclosure_report", 0, ONOFF,
                                               "政府信息公开年报 (often inside 信息公开)"},
    [RULE_REQUIRE_DEPARTMENT_DISCLOSURE] = {"require.department.disclosure", 1, ONOFF,
                                            "政府信息公开"},
    [RULE_REQUIRE_DEPARTMENT_INTERPRETATION] = {"require.department.interpretation", 1, ONOFF,
                                                "政策解读/解读回应"},
    [RULE_REQUIRE_DEPARTMENT_SERVICES] = {"require.department.services", 1, ONOFF, "办事服务"},
    [RULE_REQUIRE_DEPARTMENT_INTERACTION] = {"require.department.interaction", 1, ONOFF,
                                             "互动交流"},
    [RULE_REQUIRE_DEPARTMENT_DISCLOSURE_GUIDE] = {"require.department.disclosure_guide", 0, ONOFF,
                                                  "政府信息公开指南"},
    [RULE_REQUIRE_DEPARTMENT_DISCLOSURE_REPORT] = {"require.department.disclosure_report", 0, ONOFF,
                                                   "政府信息公开年报"},
    [RULE_HOMEPAGE_NAVIGATION] = {"homepage.navigation", 1, ONOFF,
                                  "首页仅为导航入口: a homepage with no dated item is judged by "
                                  "its second-level pages' newest item"},
    [RULE_HOMEPAGE_SITEMAP_ROWS] = {"homepage.sitemap_rows", 100, COUNT,
                                    "a homepage whose only dated list has >=100 rows is a "
                                    "sitemap-style navigation page (0 = off; project default)"},
    [RULE_SECTIONS_OTHER_HOST] = {"sections.other_host", 1, ONOFF,
                                  "a section linked on another host (zwfw.*.gov.cn) counts "
                                  "when its page loads"},
    [RULE_SERVICES_GUIDE_SAMPLE] = {"services.guide_sample", 20, 0, 200, 1,
                                    "service guides (办事指南) checked per site, at most: a "
                                    "bounded sample (0 = none; project default)"},
    [RULE_POINTS_INCOMPLETE_GUIDE] = {"points.incomplete_guide", 1, POINTS,
                                      "服务不实用: per guide missing a key element (project "
                                      "default)"},
    [RULE_POINTS_INCOMPLETE_GUIDES_MAX] = {"points.incomplete_guides_max", 10, POINTS,
                                           "cap on all incomplete-guide deductions (project "
                                           "default)"},
    [RULE_VETO_INCOMPLETE_GUIDES] = {"veto.incomplete_guides", 0, COUNT,
                                     "服务不实用: >=N incomplete guides veto (0 = off; project "
                                     "default)"},
    [RULE_COLUMNS_EXTRA_PAGES] = {"columns.extra_pages", 60, COUNT,
                                  "candidate column pages (navigation and section index links) "
                                  "fetched per site to find hidden blank columns (0 = none; "
                                  "project default)"},
    [RULE_VETO_NO_INTERACTION_CHANNEL] = {"veto.no_interaction_channel", 1, ONOFF,
                                          "互动回应差: no consultation channel (领导信箱, 网上留言, "
                                          "12345 ...) loads and shows a way to write (veto item)"},
    [RULE_VETO_UNANSWERED_MESSAGE] = {"veto.unanswered_message", 1, ONOFF,
                                      "互动回应差: a message of the last year unanswered for more "
                                      "than 3 months (veto item)"},
    [RULE_INTERACTION_UNANSWERED_DAYS] = {"interaction.unanswered_days", 90, 1, 3660, 1,
                                          "unanswered for more than 3 months (90 days)"},
    [RULE_INTERACTION_WINDOW_DAYS] = {"interaction.window_days", 365, 1, 3660, 1,
                                      "messages of the last year (365 days) are judged"},
    [RULE_INTERACTION_MAX_LIST_PAGES] = {"interaction.max_list_pages", 20, 1, 1000, 1,
                                         "message list pages followed per channel (project "
                                         "bound: a year of a busy 信箱 at 20 rows a page)"},
    [RULE_INTERACTION_MAX_MESSAGE_PAGES] = {"interaction.max_message_pages", 200, 0, 10000, 1,
                                            "message pages read per site when the list does "
                                            "not give the reply state (project bound)"},
};

const struct rule_def *rules_table(void)
{
    return table;
}

void rules_default(struct rules *r)
{
    for (int i = 0; i < RULE_COUNT; i++)
        r->v[i] = table[i].def;
}

int rules_set(struct rules *r, const char *key, const char *value, struct sc_error *err)
{
    int id;
    for (id = 0; id < RULE_COUNT; id++)
        if (strcmp(table[id].key, key) == 0)
            break;
    if (id == RULE_COUNT)
        return sc_fail(err, SC_EINPUT, "unknown rule key \"%s\"", key);
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == value || *end || errno || !isfinite(v))
        return sc_fail(err, SC_EINPUT, "%s: \"%s\" is not a number", key, value);
    if (v < table[id].min || v > table[id].max)
        return sc_fail(err, SC_EINPUT, "%s: %s is outside %g..%g", key, value, table[id].min,
                       table[id].max);
    if (table[id].integer && v != floor(v))
        return sc_fail(err, SC_EINPUT, "%s: %s must be a whole number", key, value);
    r->v[id] = v;
    return 0;
}

int rules_window(const struct rules *r, enum column_category c)
{
    static const enum rule_id w[] = {RULE_WINDOW_NEWS,      RULE_WINDOW_NOTICE, RULE_WINDOW_POLICY,
                                     RULE_WINDOW_PERSONNEL, RULE_WINDOW_PLAN,   RULE_WINDOW_OTHER};
    struct rules d;
    if (!r) {
        rules_default(&d);
        r = &d;
    }
    return (unsigned)c < 6 ? (int)r->v[w[c]] : (int)r->v[RULE_WINDOW_OTHER];
}

int rules_availability_veto(const struct rules *r, int probes, int failures)
{
    struct rules d;
    if (!r) {
        rules_default(&d);
        r = &d;
    }
    double pct = r->v[RULE_VETO_UNAVAILABLE_PERCENT];
    return probes > 0 && pct > 0 && failures >= 0 && 100.0 * failures >= pct * probes;
}

int rules_section_required(const struct rules *r, int section, int portal)
{
    struct rules d;
    if (!r) {
        rules_default(&d);
        r = &d;
    }
    if (section < 0 || section >= SECTION_COUNT)
        return 0;
    int base = portal ? RULE_REQUIRE_PORTAL_DISCLOSURE : RULE_REQUIRE_DEPARTMENT_DISCLOSURE;
    return r->v[base + section] != 0;
}

struct judge {
    const struct rules *r;
    struct site_report *rep;
    double deducted;
    int vetoes;
    int failed;
};

static void defect(struct judge *j, const char *kind, enum defect_severity sev, const char *url,
                   double points, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void defect(struct judge *j, const char *kind, enum defect_severity sev, const char *url,
                   double points, const char *fmt, ...)
{
    struct defect_record *d = site_report_add_defect(j->rep);
    if (!d) {
        j->failed = 1;
        return;
    }
    d->kind = strdup(kind);
    d->severity = sev;
    d->url = url ? strdup(url) : NULL;
    d->points = sev == SEVERITY_DEDUCT ? points : 0;
    if (fmt) {
        struct strbuf sb = STRBUF_INIT;
        va_list ap;
        va_start(ap, fmt);
        strbuf_vaddf(&sb, fmt, ap);
        va_end(ap);
        d->detail = strbuf_detach(&sb);
        if (!d->detail)
            j->failed = 1;
    }
    if (!d->kind || (url && !d->url))
        j->failed = 1;
    if (sev == SEVERITY_VETO)
        j->vetoes++;
    else if (sev == SEVERITY_DEDUCT)
        j->deducted += points;
}

static const char *day_str(long day, char *buf)
{
    if (day == SC_NO_DAY)
        return "none";
    sc_day_format(day, buf);
    return buf;
}

static void judge_columns(struct judge *j)
{
    const struct rules *r = j->r;
    struct site_report *rep = j->rep;
    int stale_nn = 0, stale_all = 0, blank = 0;
    char d[16];
    for (size_t i = 0; i < rep->ncolumns; i++) {
        const struct column_record *c = &rep->columns[i];
        if (c->blank) {
            blank++;
            defect(j, "blank_column", SEVERITY_DEDUCT, c->url, r->v[RULE_POINTS_BLANK_COLUMN],
                   "%s: the column page shows no items", c->name ? c->name : "");
        } else if (c->stale) {
            stale_all++;
            if (c->category == COLUMN_NEWS || c->category == COLUMN_NOTICE ||
                c->category == COLUMN_POLICY)
                stale_nn++;
            defect(j, "stale_column", SEVERITY_DEDUCT, c->url, r->v[RULE_POINTS_STALE_COLUMN],
                   "%s (%s): latest item %s, window %d days", c->name ? c->name : "",
                   column_category_name(c->category), day_str(c->latest, d), c->limit_days);
        }
    }
    int t1 = (int)r->v[RULE_VETO_STALE_NEWS_NOTICE], t2 = (int)r->v[RULE_VETO_STALE_COLUMNS];
    int t3 = (int)r->v[RULE_VETO_BLANK_COLUMNS];
    if (t1 > 0 && stale_nn >= t1)
        defect(j, "columns_not_updated", SEVERITY_VETO, NULL, 0,
               "%d news/notice/policy columns not updated in their windows (veto at %d)", stale_nn,
               t1);
    else if (t2 > 0 && stale_all >= t2)
        defect(j, "columns_not_updated", SEVERITY_VETO, NULL, 0,
               "%d columns not updated in their windows (veto at %d)", stale_all, t2);
    if (t3 > 0 && blank >= t3)
        defect(j, "blank_columns", SEVERITY_VETO, NULL, 0, "%d blank columns (veto at %d)", blank,
               t3);
}

static void judge_sections(struct judge *j)
{
    const struct rules *r = j->r;
    const struct section_def *defs = sections_table();
    for (size_t i = 0; i < j->rep->nsections; i++) {
        const struct section_record *s = &j->rep->sections[i];
        if (!s->required || s->present)
            continue;
        enum defect_severity sev = SEVERITY_DEDUCT;
        if (s->name && strcmp(s->name, defs[SECTION_INTERACTION].name) == 0 &&
            r->v[RULE_VETO_NO_INTERACTION] != 0)
            sev = SEVERITY_VETO;
        if (s->name && strcmp(s->name, defs[SECTION_SERVICES].name) == 0 &&
            r->v[RULE_VETO_NO_SERVICES] != 0)
            sev = SEVERITY_VETO;
        defect(j, "missing_section", sev, s->url, r->v[RULE_POINTS_MISSING_SECTION],
               s->url ? "%s: its page does not load" : "%s: no link found", s->name ? s->name : "");
    }
}

/* 服务不实用: each checked guide missing key elements deducts (capped); enough of them veto
 * when veto.incomplete_guides says so. */
static void judge_guides(struct judge *j)
{
    const struct rules *r = j->r;
    double budget = r->v[RULE_POINTS_INCOMPLETE_GUIDES_MAX];
    int incomplete = 0;
    for (size_t i = 0; i < j->rep->nguides; i++) {
        const struct guide_record *g = &j->rep->guides[i];
        if (!g->missing)
            continue;
        incomplete++;
        struct strbuf missing = STRBUF_INIT;
        for (int e = 0; e < GUIDE_ELEMENTS; e++)
            if (g->missing & (1u << e))
                strbuf_addf(&missing, "%s%s", missing.len ? ", " : "", guide_element_name(e));
        if (missing.failed)
            j->failed = 1;
        double pts = r->v[RULE_POINTS_INCOMPLETE_GUIDE];
        if (pts > budget)
            pts = budget;
        budget -= pts;
        defect(j, "incomplete_guide", SEVERITY_DEDUCT, g->url, pts, "%s: missing %s",
               g->name && *g->name ? g->name : "办事指南", missing.buf);
        strbuf_release(&missing);
    }
    int veto = (int)r->v[RULE_VETO_INCOMPLETE_GUIDES];
    if (veto > 0 && incomplete >= veto)
        defect(j, "incomplete_guides", SEVERITY_VETO, j->rep->services_url, 0,
               "%d of %zu service guides checked miss key elements (veto at %d)", incomplete,
               j->rep->nguides, veto);
}

static void judge_identity(struct judge *j)
{
    const struct rules *r = j->r;
    const struct site_identity *id = &j->rep->identity;
    if (!id->site_code)
        defect(j, "missing_site_code", SEVERITY_DEDUCT, NULL, r->v[RULE_POINTS_MISSING_SITE_CODE],
               "no 网站标识码 on the homepage");
    else if (id->site_code_matches == 0)
        defect(j, "wrong_site_code", SEVERITY_DEDUCT, NULL, r->v[RULE_POINTS_WRONG_SITE_CODE],
               "shown %s, registry %s", id->site_code,
               j->rep->expected_code ? j->rep->expected_code : "?");
    if (!id->icp)
        defect(j, "missing_icp", SEVERITY_DEDUCT, NULL, r->v[RULE_POINTS_MISSING_ICP],
               "no ICP 备案号");
    if (!id->police_record)
        defect(j, "missing_police_record", SEVERITY_DEDUCT, NULL,
               r->v[RULE_POINTS_MISSING_POLICE_RECORD], "no 公安机关备案号");
    if (!id->has_party_badge)
        defect(j, "missing_party_badge", SEVERITY_DEDUCT, NULL,
               r->v[RULE_POINTS_MISSING_PARTY_BADGE], "no 党政机关网站标识");
    if (!id->has_error_report)
        defect(j, "missing_error_report", SEVERITY_DEDUCT, NULL,
               r->v[RULE_POINTS_MISSING_ERROR_REPORT], "no 我为政府网站找错 entry");
    if (!id->sponsor)
        defect(j, "missing_sponsor", SEVERITY_DEDUCT, NULL, r->v[RULE_POINTS_MISSING_SPONSOR],
               "no 主办单位");
    if (!id->has_search)
        defect(j, "no_search", SEVERITY_DEDUCT, NULL, r->v[RULE_POINTS_NO_SEARCH],
               "no site search box");
}

/* 1 when the URL's host is under .gov.cn or .政务 (raw or as xn--zfr164b), 0 when not,
 * SC_ENOMEM when its host could not be read for want of memory. */
static int gov_domain(const char *url)
{
    char *host = NULL;
    int port, gov = 0;
    int rc = url ? url_host_port(url, &host, &port) : SC_EINPUT;
    if (rc == SC_ENOMEM)
        return SC_ENOMEM;
    if (rc == 0 && host) {
        static const char *const tlds[] = {".gov.cn", ".xn--zfr164b", ".政务"};
        size_t hl = strlen(host);
        for (size_t i = 0; i < sizeof tlds / sizeof *tlds; i++) {
            size_t tl = strlen(tlds[i]);
            if (hl > tl && strcmp(host + hl - tl, tlds[i]) == 0)
                gov = 1;
        }
    }
    free(host);
    return gov;
}

static void judge_links(struct judge *j)
{
    const struct rules *r = j->r;
    double budget = r->v[RULE_POINTS_BROKEN_LINKS_MAX];
    for (size_t i = 0; i < j->rep->nlinks; i++) {
        const struct link_record *l = &j->rep->links[i];
        if (l->result == LINK_BROKEN) {
            double pts = l->on_homepage ? r->v[RULE_POINTS_BROKEN_LINK_HOME]
                                        : r->v[RULE_POINTS_BROKEN_LINK_OTHER];
            if (pts > budget)
                pts = budget;
            budget -= pts;
            defect(j, "broken_link", SEVERITY_DEDUCT, l->url, pts, "%s on %s (%s)",
                   l->error ? l->error : "broken", l->found_on ? l->found_on : "?",
                   l->on_homepage ? "homepage" : "other page");
        } else if (l->result == LINK_SUSPECTED) {
            defect(j, "suspected_link", SEVERITY_INFO, l->url, 0, "%s on %s: re-check",
                   l->error ? l->error : "suspected", l->found_on ? l->found_on : "?");
        }
    }
}

/* 互动回应差: no working consultation channel, and every message unanswered too long. */
static void judge_interaction(struct judge *j)
{
    const struct rules *r = j->r;
    const struct site_report *rep = j->rep;
    if (!rep->interaction_analysed)
        return;
    int works = 0, unknown = 0;
    for (size_t i = 0; i < rep->nchannels; i++) {
        works += rep->channels[i].works == 1;
        unknown += rep->channels[i].works < 0;
    }
    if (works == 0 && unknown == 0)
        defect(j, "no_interaction_channel",
               r->v[RULE_VETO_NO_INTERACTION_CHANNEL] ? SEVERITY_VETO : SEVERITY_INFO, NULL, 0,
               rep->nchannels ? "%zu consultation channels, none loads with a way to write"
                              : "no consultation channel found (%zu)",
               rep->nchannels);
    char d[16];
    for (size_t i = 0; i < rep->nunanswered; i++) {
        const struct unanswered_message *m = &rep->unanswered[i];
        defect(j, "unanswered_message",
               r->v[RULE_VETO_UNANSWERED_MESSAGE] ? SEVERITY_VETO : SEVERITY_INFO, m->url, 0,
               "%s: asked %s, unanswered after %d days", m->title ? m->title : "",
               day_str(m->asked, d), (int)r->v[RULE_INTERACTION_UNANSWERED_DAYS]);
    }
}

int rules_judge(const struct rules *r, struct site_report *rep)
{
    struct rules d;
    if (!r) {
        rules_default(&d);
        r = &d;
    }
    struct judge j = {r, rep, 0, 0, 0};
    char day[16];
    if (!rep->reachable)
        defect(&j, "unreachable", r->v[RULE_VETO_UNREACHABLE] ? SEVERITY_VETO : SEVERITY_INFO,
               rep->url, 0, "the homepage did not open (%s)",
               rep->unreachable_error ? rep->unreachable_error : "error");
    if (rep->homepage_analysed) {
        if (rep->homepage_stale)
            defect(
                &j, "homepage_stale",
                r->v[RULE_VETO_HOMEPAGE_STALE] ? SEVERITY_VETO : SEVERITY_INFO, rep->url, 0,
                rep->homepage_navigation
                    ? "navigation-only homepage: newest second-level item %s (%s), window %d days"
                    : "newest homepage item %s%s, window %d days",
                day_str(rep->homepage_latest, day),
                rep->homepage_navigation
                    ? (rep->homepage_latest_url ? rep->homepage_latest_url : "none dated")
                    : "",
                (int)r->v[RULE_WINDOW_HOMEPAGE]);
        judge_columns(&j);
        judge_sections(&j);
        judge_guides(&j);
        judge_identity(&j);
        judge_interaction(&j);
        int gov = gov_domain(rep->url);
        if (gov < 0)
            j.failed = 1;
        else if (!gov)
            defect(&j, "non_gov_domain", SEVERITY_DEDUCT, rep->url,
                   r->v[RULE_POINTS_NON_GOV_DOMAIN], "the site is not under .gov.cn or .政务");
        int d90 = 0;
        for (size_t i = 0; i < rep->ncolumns; i++)
            d90 += rep->columns[i].updates.d90;
        if (rep->ncolumns > 0 && d90 < (int)r->v[RULE_SPARSE_UPDATES_MIN_90D])
            defect(&j, "sparse_updates",
                   r->v[RULE_POINTS_SPARSE_UPDATES] > 0 ? SEVERITY_DEDUCT : SEVERITY_INFO, NULL,
                   r->v[RULE_POINTS_SPARSE_UPDATES], "%d dated items in 90 days over %zu columns",
                   d90, rep->ncolumns);
    }
    judge_links(&j);
    double score = 100.0 - j.deducted;
    if (score < 0)
        score = 0;
    if (!rep->reachable)
        score = 0;
    rep->score = round(score * 10) / 10;
    rep->verdict_pass = j.vetoes == 0 && rep->score >= r->v[RULE_PASS_SCORE];
    rep->judged = 1;
    return j.failed ? SC_ENOMEM : 0;
}

/* test_rules: the rule table (defaults, every key settable, overrides by key with the reason
 * on errors) and the judge (vetoes, deductions, caps, score and verdict). */
#include "testutil.h"
#include "common/clock.h"
#include "probes/verdict/rules.h"
#include "probes/content/sections.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void rules_table_is_complete(void **state)
{
    const struct rule_def *t = rules_table();
    struct rules r;
    rules_default(&r);
    for (int i = 0; i < RULE_COUNT; i++) {
        assert_non_null(t[i].key);
        assert_non_null(t[i].why);
        assert_true(t[i].def >= t[i].min && t[i].def <= t[i].max);
        assert_true(r.v[i] == t[i].def);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(t[i].key, t[j].key);
        /* every key can be set to its default and to its minimum */
        char v[32];
        snprintf(v, sizeof v, "%g", t[i].min);
        assert_int_equal(rules_set(&r, t[i].key, v, NULL), 0);
        assert_true(r.v[i] == t[i].min);
    }
    rules_default(&r);
    /* the national numbers */
    assert_int_equal(rules_window(&r, COLUMN_NEWS), 14);
    assert_int_equal(rules_window(&r, COLUMN_NOTICE), 183);
    assert_int_equal(rules_window(&r, COLUMN_POLICY), 183);
    assert_int_equal(rules_window(&r, COLUMN_PERSONNEL), 365);
    assert_int_equal(rules_window(&r, COLUMN_PLAN), 365);
    assert_int_equal(rules_window(&r, COLUMN_OTHER), 0);
    assert_int_equal(rules_window(NULL, COLUMN_NEWS), 14);
    assert_true(r.v[RULE_WINDOW_HOMEPAGE] == 14);
    assert_true(r.v[RULE_VETO_STALE_NEWS_NOTICE] == 5);
    assert_true(r.v[RULE_VETO_STALE_COLUMNS] == 10);
    assert_true(r.v[RULE_VETO_BLANK_COLUMNS] == 5);
    assert_true(r.v[RULE_PASS_SCORE] == 60);
    assert_true(rules_section_required(&r, SECTION_SERVICES, 1));
    assert_true(rules_section_required(&r, SECTION_INTERACTION, 0));
    assert_false(rules_section_required(&r, SECTION_DISCLOSURE_GUIDE, 1));
    assert_false(rules_section_required(&r, 99, 1));
}

static void rules_set_overrides_and_errors(void **state)
{
    struct rules r;
    struct sc_error err;
    rules_default(&r);
    assert_int_equal(rules_set(&r, "window.news", "7", &err), 0);
    assert_int_equal(rules_set(&r, "points.broken_link_home", "2.5", &err), 0);
    assert_int_equal(rules_set(&r, "require.department.services", "0", &err), 0);
    assert_int_equal(rules_window(&r, COLUMN_NEWS), 7);
    assert_true(r.v[RULE_POINTS_BROKEN_LINK_HOME] == 2.5);
    assert_false(rules_section_required(&r, SECTION_SERVICES, 0));
    assert_true(rules_section_required(&r, SECTION_SERVICES, 1));

    /* the file's syntax, sections and line numbers are test_config's */
    static const struct {
        const char *key, *value, *want;
    } bad[] = {
        {"window.nwes", "3", "unknown rule key \"window.nwes\""},
        {"window.news", "seven", "window.news: \"seven\" is not a number"},
        {"window.news", "7.5", "window.news: 7.5 must be a whole number"},
        {"window.news", "-1", "window.news: -1 is outside 0..3660"},
        {"pass_score", "101", "pass_score: 101 is outside 0..100"},
        {"veto.homepage_stale", "2", "veto.homepage_stale: 2 is outside 0..1"},
        {"window.news", "", "window.news: \"\" is not a number"},
        {"window.news", "1e999", "window.news: \"1e999\" is not a number"},
        {"window.news", "nan", "window.news: \"nan\" is not a number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct rules before = r;
        assert_int_equal(rules_set(&r, bad[i].key, bad[i].value, &err), SC_EINPUT);
        assert_string_equal(err.msg, bad[i].want);
        assert_memory_equal(&before, &r, sizeof r); /* left as it was */
    }
}

/* A healthy site: reachable, fresh homepage, fresh columns, every section and footer item. */
static void healthy(struct site_report *r)
{
    site_report_init(r, "http://www.a.gov.cn/");
    r->reachable = 1;
    r->homepage_analysed = 1;
    r->homepage_latest = sc_days_from_civil(2026, 11, 20);
    const struct section_def *defs = sections_table();
    for (int i = 0; i < SECTION_COUNT; i++) {
        struct section_record *s = site_report_add_section(r);
        s->name = strdup(defs[i].name);
        s->url = strdup("http://www.a.gov.cn/x/");
        s->present = 1;
        s->required = i < SECTION_DISCLOSURE_GUIDE;
    }
    for (int i = 0; i < 3; i++) {
        struct column_record *c = site_report_add_column(r);
        c->name = strdup("要闻");
        c->category = COLUMN_NEWS;
        c->items = 10;
        c->updates.d90 = 10;
    }
    r->identity.site_code = strdup("4300000077");
    r->identity.icp = strdup("湘ICP备1号");
    r->identity.police_record = strdup("湘公网安备 1号");
    r->identity.has_party_badge = 1;
    r->identity.has_error_report = 1;
    r->identity.sponsor = strdup("某某办公室");
    r->identity.has_search = 1;
}

static int count_kind(const struct site_report *r, const char *kind, enum defect_severity sev)
{
    int n = 0;
    for (size_t i = 0; i < r->ndefects; i++)
        if (strcmp(r->defects[i].kind, kind) == 0 && r->defects[i].severity == sev)
            n++;
    return n;
}

static void add_link(struct site_report *r, enum link_result res, int home)
{
    struct link_record *l = site_report_add_link(r);
    l->url = strdup("http://www.a.gov.cn/bad");
    l->found_on = strdup("http://www.a.gov.cn/");
    l->result = res;
    l->on_homepage = home;
    l->error = strdup(res == LINK_BROKEN ? "http_status" : "timeout");
}

static void judge_healthy_site_passes(void **state)
{
    struct site_report r;
    healthy(&r);
    assert_int_equal(rules_judge(NULL, &r), 0);
    assert_true(r.judged);
    assert_true(r.verdict_pass);
    assert_true(r.score == 100);
    assert_int_equal(r.ndefects, 0);
    site_report_free(&r);
}

static void judge_vetoes(void **state)
{
    struct site_report r;
    /* unreachable */
    site_report_init(&r, "http://www.a.gov.cn/");
    r.reachable = 0;
    r.unreachable_error = strdup("connect");
    assert_int_equal(rules_judge(NULL, &r), 0);
    assert_false(r.verdict_pass);
    assert_true(r.score == 0);
    assert_int_equal(count_kind(&r, "unreachable", SEVERITY_VETO), 1);
    site_report_free(&r);

    /* stale homepage: a veto whatever the score */
    healthy(&r);
    r.homepage_stale = 1;
    assert_int_equal(rules_judge(NULL, &r), 0);
    assert_false(r.verdict_pass);
    assert_true(r.score == 100);
    assert_int_equal(count_kind(&r, "homepage_stale", SEVERITY_VETO), 1);
    site_report_free(&r);

    /* 4 stale news columns deduct; the 5th vetoes */
    for (int n = 4; n <= 5; n++) {
        healthy(&r);
        for (int i = 0; i < n; i++) {
            struct column_record *c = site_report_add_column(&r);
            c->name = strdup("动态");
            c->category = i % 2 ? COLUMN_NOTICE : COLUMN_NEWS;
            c->items = 3;
            c->stale = 1;
            c->latest = sc_days_from_civil(2026, 1, 1);
            c->limit_days = 14;
        }
        assert_int_equal(rules_judge(NULL, &r), 0);
        assert_int_equal(count_kind(&r, "stale_column", SEVERITY_DEDUCT), n);
        assert_true(r.score == 100 - 2 * n);
        assert_int_equal(r.verdict_pass, n < 5);
        assert_int_equal(count_kind(&r, "columns_not_updated", SEVERITY_VETO), n >= 5);
        site_report_free(&r);
    }
    /* 10 stale "personnel" columns veto by rule (2); 5 blank columns by rule (3) */
    healthy(&r);
    for (int i = 0; i < 10; i++) {
        struct column_record *c = site_report_add_column(&r);
        c->name = strdup("人事");
        c->category = COLUMN_PERSONNEL;
        c->stale = 1;
        c->items = 1;
    }
    for (int i = 0; i < 5; i++) {
        struct column_record *c = site_report_add_column(&r);
        c->name = strdup("空");
        c->category = COLUMN_PLAN;
        c->blank = 1;
        c->stale = 1; /* a blank column counts as blank, not twice */
    }
    assert_int_equal(rules_judge(NULL, &r), 0);
    assert_false(r.verdict_pass);
    assert_int_equal(count_kind(&r, "columns_not_updated", SEVERITY_VETO), 1);
    assert_int_equal(count_kind(&r, "blank_columns", SEVERITY_VETO), 1);
    assert_int_equal(count_kind(&r, "blank_column", SEVERITY_DEDUCT), 5);
    assert_int_equal(count_kind(&r, "stale_column", SEVERITY_DEDUCT), 10);
    assert_true(r.score == 100 - 20 - 10);
    site_report_free(&r);

    /* no interaction or services section: veto; no interpretation: deduct */
    healthy(&r);
    r.sections[SECTION_INTERACTION].present = 0;
    r.sections[SECTION_INTERPRETATION].present = 0;
    r.sections[SECTION_DISCLOSURE_GUIDE].present = 0; /* not required */
    assert_int_equal(rules_judge(NULL, &r), 0);
    assert_false(r.verdict_pass);
    assert_int_equal(count_kind(&r, "missing_section", SEVERITY_VETO), 1);
    assert_int_equal(count_kind(&r, "missing_section", SEVERITY_DEDUCT), 1);
    assert_true(r.score == 95);
    site_report_free(&r);
}

static void judge_deductions_and_threshold(void **state)
{
    struct site_report r;
    healthy(&r);
    for (int i = 0; i < 3; i++)
        add_link(&r, LINK_BROKEN, 1);
    for (int i = 0; i < 4; i++)
        add_link(&r, LINK_BROKEN, 0);
    for (int i = 0; i < 9; i++)
        add_link(&r, LINK_SUSPECTED, 1);
    free(r.identity.site_code);
    r.identity.site_code = NULL;
    free(r.identity.sponsor);
    r.identity.sponsor = NULL;
    r.identity.has_party_badge = 0;
    assert_int_equal(rules_judge(NULL, &r), 0);
    assert_int_equal(count_kind(&r, "broken_link", SEVERITY_DEDUCT), 7);
    assert_int_equal(count_kind(&r, "suspected_link", SEVERITY_INFO), 9);
    assert_int_equal(count_kind(&r, "missing_site_code", SEVERITY_DEDUCT), 1);
    assert_int_equal(count_kind(&r, "missing_sponsor", SEVERITY_DEDUCT), 1);
    assert_int_equal(count_kind(&r, "missing_party_badge", SEVERITY_DEDUCT), 1);
    /* 3 x 1 + 4 x 0.5 + 3 + 1 + 1 */
    assert_true(r.score == 100 - 3 - 2 - 3 - 1 - 1);
    assert_true(r.verdict_pass);
    site_report_free(&r);

    /* broken links are capped at 20 points; below 60 fails with no veto */
    healthy(&r);
    for (int i = 0; i < 100; i++)
        add_link(&r, LINK_BROKEN, 1);
    assert_int_equal(rules_judge(NULL, &r), 0);
    assert_true(r.score == 80);
    assert_true(r.verdict_pass);
    site_report_free(&r);
    struct rules rules;
    rules_default(&rules);
    assert_int_equal(rules_set(&rules, "points.broken_links_max", "45", NULL), 0);
    healthy(&r);
    for (int i = 0; i < 100; i++)
        add_link(&r, LINK_BROKEN, 1);
    assert_int_equal(rules_judge(&rules, &r), 0);
    assert_true(r.score == 55);
    assert_false(r.verdict_pass);
    for (size_t i = 0; i < r.ndefects; i++)
        assert_int_not_equal(r.defects[i].severity, SEVERITY_VETO);
    site_report_free(&r);

    /* a wrong site code; the veto switched off by config */
    healthy(&r);
    r.identity.site_code_matches = 0;
    r.expected_code = strdup("4300000088");
    r.homepage_stale = 1;
    assert_int_equal(rules_set(&rules, "veto.homepage_stale", "0", NULL), 0);
    assert_int_equal(rules_judge(&rules, &r), 0);
    assert_int_equal(count_kind(&r, "wrong_site_code", SEVERITY_DEDUCT), 1);
    assert_int_equal(count_kind(&r, "homepage_stale", SEVERITY_INFO), 1);
    assert_true(r.verdict_pass);
    site_report_free(&r);
}

/* docs/rules.md documents every key of the table with its default. */
static void rules_documented(void **state)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/docs/rules.md", test_src());
    char *doc = test_read_file(path, NULL);
    assert_non_null(doc);
    const struct rule_def *t = rules_table();
    for (int i = 0; i < RULE_COUNT; i++) {
        char row[160];
        snprintf(row, sizeof row, "| `%s` | %g |", t[i].key, t[i].def);
        if (!strstr(doc, row))
            fail_msg("docs/rules.md lacks the row %s", row);
    }
    free(doc);
}

static void judge_design_items_and_availability(void **state)
{
    struct site_report r;
    healthy(&r);
    r.identity.has_search = 0;
    free(r.url);
    r.url = strdup("http://www.example.com/");
    assert_int_equal(rules_judge(NULL, &r), 0);
    assert_int_equal(count_kind(&r, "no_search", SEVERITY_DEDUCT), 1);
    assert_int_equal(count_kind(&r, "non_gov_domain", SEVERITY_DEDUCT), 1);
    assert_true(r.score == 97);
    site_report_free(&r);
    static const char *const gov[] = {
        "http://www.hunan.gov.cn/", "http://jyj.zhuzhou.gov.cn:8080/x",
        "http://www.\xe6\xb9\x96\xe5\x8d\x97.\xe6\x94\xbf\xe5\x8a\xa1/"};
    for (size_t i = 0; i < 3; i++) {
        healthy(&r);
        free(r.url);
        r.url = strdup(gov[i]);
        assert_int_equal(rules_judge(NULL, &r), 0);
        assert_int_equal(count_kind(&r, "non_gov_domain", SEVERITY_DEDUCT), 0);
        site_report_free(&r);
    }
    /* 7 days x 20 probes = 140; 5% is 7 failures */
    assert_false(rules_availability_veto(NULL, 140, 6));
    assert_true(rules_availability_veto(NULL, 140, 7));
    assert_false(rules_availability_veto(NULL, 0, 0));
    struct rules rules;
    rules_default(&rules);
    assert_int_equal(rules_set(&rules, "veto.unavailable_percent", "0", NULL), 0);
    assert_false(rules_availability_veto(&rules, 140, 140));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rules_table_is_complete),
        cmocka_unit_test(rules_documented),
        cmocka_unit_test(rules_set_overrides_and_errors),
        cmocka_unit_test(judge_healthy_site_passes),
        cmocka_unit_test(judge_vetoes),
        cmocka_unit_test(judge_deductions_and_threshold),
        cmocka_unit_test(judge_design_items_and_availability),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

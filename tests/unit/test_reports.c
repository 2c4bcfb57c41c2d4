/* test_reports: the round's reports (reports/): a round prepared through the storage
 * functions, with <script>, quotes and ampersands planted in site names, anchor texts and
 * column names, gives escaped HTML and correctly quoted CSV; the problems come in the order
 * to fix them (vetoes first, then points); the bulletin's figures match the prepared rounds
 * (sampled, judged, pass rate, the previous round, kinds, failing sites, previous failures);
 * `report --out` writes every file, leaves no temporary file and rewrites nothing the second
 * time; the availability chart; and the display width that aligns terminal tables,
 * checked on `spotcheck sites` and `spotcheck report Q R`. */
#include "testutil.h"
#include "common/clock.h"
#include "common/dispwidth.h"
#include "common/registry.h"
#include "common/strbuf.h"
#include "reports/bulletin.h"
#include "reports/chart_avail.h"
#include "reports/sitereport.h"
#include "reports/sitereport_csvcell.h"
#include "reports/sitereport_write.h"
#include "sampler/calendar.h"
#include "storage/crawls.h"
#include "storage/db.h"
#include "storage/draws.h"
#include "storage/monitor.h"
#include "storage/rounds.h"
#include "storage/sites.h"
#include "storage/verdicts.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEADER                                                                                                                     \
    "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话," \
    "电子邮箱\n"
#define NAME1 "<script>alert(1)</script>人民政府"
#define NAME2 "A&B \"引号\" 'x', 局"
#define SITES                                                                                      \
    HEADER "4300000001,<script>alert(1)</script>人民政府,http://a.hunan.gov.cn/"               \
           ",,长沙市,,,正常运行,,,\n"                                                       \
           "4300000002,\"A&B \"\"引号\"\" 'x', "                                                 \
           "局\",http://b.hunan.gov.cn/,,湘西土家族苗族自治州,,,正常运行,,,\n"      \
           "4300000003,丙局,http://c.hunan.gov.cn/,,株洲市,,,正常运行,,,\n"
#define ANCHOR "<script>steal()</script> & \"附件\""
#define COLUMN "通知<b>公告</b> & \"动态\""

struct fixture {
    char *dir;
    char path[512];
    struct storage *db;
    struct rules rules;
    long q3, q4; /* round ids */
};

static char *sdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static long day(int y, int m, int d)
{
    return sc_days_from_civil(y, m, d);
}

static time_t at(int y, int m, int d, int hh)
{
    return sc_day_start(day(y, m, d)) + hh * 3600;
}

static void draw(struct storage *db, const char *quarter)
{
    struct sc_error err = {{0}};
    struct sampler_quarter q;
    assert_int_equal(sampler_quarter_parse(quarter, &q, &err), SC_OK);
    struct sampler_round_plan plan[SAMPLER_ROUNDS_MAX];
    assert_int_equal(sampler_calendar(q, 2, plan, &err), SC_OK);
    /* the whole frame, so every site is sampled */
    struct draw_request req = {quarter, 1, plan, 2, "1234567890", "office", 10000, 0, NULL};
    long id = 0;
    assert_int_equal(storage_draw_round(db, &req, &id, &err), SC_OK);
}

/* A crawl of a site. stale: the homepage is stale (a veto); broken: a broken homepage link
 * with planted anchor text and a redirect; a stale news column with a planted name. */
static void crawl(struct fixture *f, long round_id, const char *code, const char *url, int stale,
                  int broken, int blanks, time_t started)
{
    struct site_report r;
    site_report_init(&r, url);
    r.expected_code = strdup(code);
    r.reachable = 1;
    r.pages_crawled = 10;
    r.links_checked = 40;
    r.homepage_analysed = 1;
    r.homepage_stale = stale;
    r.homepage_latest = day(2026, 6, 1);
    r.identity.site_code = strdup(code);
    r.identity.site_code_matches = 1;
    r.identity.icp = strdup("湘ICP备000001号");
    r.identity.police_record = strdup("湘公网安备 43000002000001号");
    r.identity.has_party_badge = 1;
    r.identity.has_error_report = 1;
    r.identity.sponsor = strdup("主办单位");
    r.identity.has_search = 0; /* no_search: 1 point */
    struct column_record *c = site_report_add_column(&r);
    c->name = strdup(COLUMN);
    c->url = strdup("http://x.hunan.gov.cn/tzgg/?a=1&b=<2>");
    c->category = COLUMN_NEWS;
    c->found_in = FOUND_SECTION_INDEX;
    c->latest = day(2026, 5, 1);
    c->items = 20;
    c->stale = 1;
    c->limit_days = 14;
    c->updates.median_gap_days = -1;
    c->updates.d90 = 10;
    for (int b = 0; b < blanks; b++) { /* 5 blank columns: deductions, then a veto after them */
        struct column_record *e = site_report_add_column(&r);
        char name[32];
        snprintf(name, sizeof name, "空白栏目%d", b);
        e->name = strdup(name);
        e->category = COLUMN_OTHER;
        e->found_in = b == 0 ? FOUND_NAVIGATION : FOUND_HOMEPAGE;
        e->latest = SC_NO_DAY;
        e->blank = 1;
        e->updates.median_gap_days = -1;
    }
    if (broken) {
        struct link_record *l = site_report_add_link(&r);
        l->url = sdup("http://x.hunan.gov.cn/a.pdf?x=1&y=\"2\"");
        l->found_on = sdup(url);
        l->anchor = sdup(ANCHOR);
        l->on_homepage = 1;
        l->result = LINK_BROKEN;
        l->status = 404;
        l->error = sdup("http_status");
        l->final_url = sdup("http://x.hunan.gov.cn/gone/<a>.pdf");
        l->redirects = calloc(1, sizeof *l->redirects);
        l->redirects[0] = sdup("http://x.hunan.gov.cn/gone/<a>.pdf");
        l->nredirects = 1;
    }
    assert_int_equal(rules_judge(&f->rules, &r), SC_OK);
    struct sc_error err = {{0}};
    long crawl_id = 0;
    assert_int_equal(storage_crawl_save(f->db, round_id, code, started, started + 600, &r, NULL,
                                        &crawl_id, &err),
                     SC_OK);
    assert_int_equal(storage_verdict_save(f->db, crawl_id, &r, NULL, started + 86400 * 3, &err),
                     SC_OK);
    site_report_free(&r);
}

static void probe(struct fixture *f, const char *code, int d, int slot, int ok)
{
    struct avail_result res;
    memset(&res, 0, sizeof res);
    res.url = "http://a.hunan.gov.cn/";
    res.final_url = res.url;
    res.at = at(2026, 10, 2 + d, 1 + slot);
    res.outcome = ok ? AVAIL_OK : AVAIL_FAIL;
    res.status = ok ? 200 : 503;
    res.error = ok ? NULL : "http_status";
    res.total_us = 1234000;
    struct probe_key k = {f->q4, code, d, slot, 0};
    struct sc_error err = {{0}};
    assert_int_equal(storage_probe_save(f->db, &k, res.at, &res, -1, NULL, &err), SC_OK);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct sc_error err = {{0}};
    f->dir = test_tmpdir();
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    assert_int_equal(storage_open(f->path, &f->db, &err), SC_OK);
    rules_default(&f->rules);
    struct registry reg;
    struct import_summary sum;
    assert_int_equal(registry_parse(SITES, strlen(SITES), &reg, &err), SC_OK);
    assert_int_equal(storage_registry_apply(f->db, &reg, "test.csv", &sum, &err), SC_OK);
    registry_free(&reg);
    sc_clock_set(at(2026, 7, 1, 9));
    draw(f->db, "2026Q3");
    sc_clock_set(at(2026, 10, 1, 9));
    draw(f->db, "2026Q4");
    struct sitereport_round rd;
    assert_int_equal(sitereport_round_find(f->db, &f->rules, 15, "2026Q3", 1, &rd, &err), SC_OK);
    f->q3 = rd.id;
    assert_int_equal(sitereport_round_find(f->db, &f->rules, 15, "2026Q4", 1, &rd, &err), SC_OK);
    f->q4 = rd.id;
    assert_int_equal(rd.prev_id, f->q3);
    /* 2026Q3: site 1 fails (stale homepage) with a broken link; 2 and 3 pass */
    crawl(f, f->q3, "4300000001", "http://a.hunan.gov.cn/", 1, 1, 5, at(2026, 7, 5, 2));
    crawl(f, f->q3, "4300000002", "http://b.hunan.gov.cn/", 0, 0, 0, at(2026, 7, 5, 3));
    crawl(f, f->q3, "4300000003", "http://c.hunan.gov.cn/", 0, 0, 0, at(2026, 7, 5, 4));
    /* 2026Q4: site 1 fails again but fixed its link, site 2 now fails; 3 not crawled yet */
    crawl(f, f->q4, "4300000001", "http://a.hunan.gov.cn/", 1, 0, 0, at(2026, 10, 5, 2));
    crawl(f, f->q4, "4300000002", "http://b.hunan.gov.cn/", 1, 1, 0, at(2026, 10, 5, 3));
    /* the monitoring week of 2026Q4: site 1 fails one probe of three on its first day */
    char seed[65], from[11];
    assert_int_equal(storage_monitor_setup(f->db, f->q4, "abcd", "2026-10-02", seed, from, &err),
                     SC_OK);
    for (int slot = 0; slot < 3; slot++) {
        probe(f, "4300000001", 0, slot, slot != 1);
        struct group_verdict v = {f->q4, 0, slot, 0, 1, NULL, 1, slot == 1, at(2026, 10, 2, 5)};
        assert_int_equal(storage_group_judge(f->db, &v, &err), SC_OK);
    }
    assert_int_equal(storage_round_set_state(f->db, f->q3, "finalised", &err), SC_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    if (f->db)
        storage_close(f->db);
    test_tmpdir_remove(f->dir);
    free(f);
    return 0;
}

struct find_site {
    const char *code;
    struct sample_site copy;
    char code_buf[16], name[128], url[128], region[128];
};

static int find_site_cb(const struct sample_site *s, void *ud)
{
    struct find_site *fs = ud;
    if (strcmp(s->code, fs->code) != 0)
        return 0;
    fs->copy = *s;
    snprintf(fs->code_buf, sizeof fs->code_buf, "%s", s->code);
    snprintf(fs->name, sizeof fs->name, "%s", s->name);
    snprintf(fs->url, sizeof fs->url, "%s", s->url);
    snprintf(fs->region, sizeof fs->region, "%s", s->region ? s->region : "");
    fs->copy.code = fs->code_buf;
    fs->copy.name = fs->name;
    fs->copy.url = fs->url;
    fs->copy.region = fs->region;
    return 1;
}

static void load_site(struct fixture *f, const char *quarter, const char *code,
                      struct sitereport_round *rd, struct sitereport *sr)
{
    struct sc_error err = {{0}};
    assert_int_equal(sitereport_round_find(f->db, &f->rules, 15, quarter, 1, rd, &err), SC_OK);
    struct find_site fs;
    memset(&fs, 0, sizeof fs);
    fs.code = code;
    assert_int_equal(storage_round_sample_each(f->db, rd->id, find_site_cb, &fs, &err), 1);
    assert_int_equal(sitereport_load(f->db, rd, &fs.copy, sr, &err), SC_OK);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) {
        fprintf(stderr, "missing: %s\n", needle);
        fail();
    }
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle)) {
        fprintf(stderr, "present: %s\n", needle);
        fail();
    }
}

/* ---- escaping ---- */

static void planted_strings_are_escaped(void **state)
{
    struct fixture *f = *state;
    struct sitereport_round rd;
    struct sitereport sr;
    load_site(f, "2026Q3", "4300000001", &rd, &sr);
    struct strbuf html = STRBUF_INIT, csv = STRBUF_INIT, json = STRBUF_INIT;
    assert_int_equal(sitereport_html(&sr, &html), SC_OK);
    assert_int_equal(sitereport_csv(&sr, &csv), SC_OK);
    assert_int_equal(sitereport_json(&sr, &json), SC_OK);
    /* HTML: no markup of ours from the data, and no script at all */
    assert_lacks(html.buf, "<script");
    assert_lacks(html.buf, "<b>");
    assert_lacks(html.buf, "<a>");
    assert_contains(html.buf, "&lt;script&gt;alert(1)&lt;/script&gt;人民政府");
    assert_contains(html.buf, "&lt;script&gt;steal()&lt;/script&gt; &amp; &quot;附件&quot;");
    assert_contains(html.buf, "通知&lt;b&gt;公告&lt;/b&gt; &amp; &quot;动态&quot;");
    assert_contains(html.buf, "href=\"http://x.hunan.gov.cn/a.pdf?x=1&amp;y=&quot;2&quot;\"");
    assert_contains(html.buf, "http://x.hunan.gov.cn/gone/&lt;a&gt;.pdf");
    /* nothing from another host: no src=, no external stylesheet, no script */
    assert_lacks(html.buf, " src=");
    assert_lacks(html.buf, "<link");
    assert_contains(html.buf, "@page{size:A4");
    /* CSV: a BOM, quotes doubled inside quoted cells, a leading = neutralised */
    assert_memory_equal(csv.buf, "\xEF\xBB\xBF", 3);
    assert_contains(csv.buf, "\r\n");
    assert_contains(csv.buf, ",\"<script>steal()</script> & \"\"附件\"\"\",");
    assert_contains(csv.buf, ",\"通知<b>公告</b> & \"\"动态\"\"\",");
    assert_contains(csv.buf, ",<script>alert(1)</script>人民政府,");
    /* JSON: a valid string escape (common/json.c writes < > & as \u escapes) */
    assert_contains(json.buf, "\"anchor\": \"\\u003cscript\\u003esteal()\\u003c/script\\u003e "
                              "\\u0026 \\\"附件\\\"\"");
    strbuf_release(&html);
    strbuf_release(&csv);
    strbuf_release(&json);
    sitereport_free(&sr);

    /* the site whose name has quotes, an apostrophe, a comma and an ampersand */
    load_site(f, "2026Q4", "4300000002", &rd, &sr);
    assert_int_equal(sitereport_html(&sr, &html), SC_OK);
    assert_int_equal(sitereport_csv(&sr, &csv), SC_OK);
    assert_contains(html.buf, "A&amp;B &quot;引号&quot; &#39;x&#39;, 局");
    assert_lacks(html.buf, NAME2);
    assert_contains(csv.buf, ",\"A&B \"\"引号\"\" 'x', 局\",");
    strbuf_release(&html);
    strbuf_release(&csv);
    sitereport_free(&sr);
}

static void csv_cells_are_quoted_and_formulas_neutralised(void **state)
{
    (void)state;
    struct strbuf out = STRBUF_INIT;
    csvcell_text(&out, "plain", 0);
    csvcell_text(&out, "a,b", 0);
    csvcell_text(&out, "say \"hi\"", 0);
    csvcell_text(&out, "line\nbreak", 0);
    csvcell_text(&out, "=HYPERLINK(\"x\")", 0);
    csvcell_text(&out, NULL, 0);
    csvcell_num(&out, 92.5, 1);
    assert_string_equal(out.buf, "plain,\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\","
                                 "\"'=HYPERLINK(\"\"x\"\")\",,92.5\r\n");
    strbuf_release(&out);
}

/* ---- ordering ---- */

static void vetoes_come_first_then_points(void **state)
{
    struct fixture *f = *state;
    struct sitereport_round rd;
    struct sitereport sr;
    load_site(f, "2026Q3", "4300000001", &rd, &sr);
    assert_string_equal(sr.verdict, "fail");
    assert_true(sr.r.ndefects >= 4);
    /* the judge finds the blank_columns veto after the five blank_column deductions: the
     * order puts both vetoes first, then deductions by points, then notes */
    const struct defect_record *first = &sr.r.defects[sr.order[0]];
    assert_int_equal(first->severity, SEVERITY_VETO);
    assert_string_equal(first->kind, "homepage_stale");
    assert_int_equal(sr.r.defects[sr.order[1]].severity, SEVERITY_VETO);
    assert_string_equal(sr.r.defects[sr.order[1]].kind, "blank_columns");
    size_t judge_pos = 0;
    for (size_t i = 0; i < sr.r.ndefects; i++)
        if (strcmp(sr.r.defects[i].kind, "blank_columns") == 0)
            judge_pos = i;
    assert_true(judge_pos > 2); /* so the order above is the sort's doing */
    int seen_deduct = 0, seen_info = 0;
    double last = 1e9;
    for (size_t k = 0; k < sr.r.ndefects; k++) {
        const struct defect_record *d = &sr.r.defects[sr.order[k]];
        if (d->severity == SEVERITY_VETO)
            assert_false(seen_deduct || seen_info);
        if (d->severity == SEVERITY_DEDUCT) {
            assert_false(seen_info);
            seen_deduct = 1;
            assert_true(d->points <= last);
            last = d->points;
        }
        if (d->severity == SEVERITY_INFO)
            seen_info = 1;
    }
    /* the stale column (2 points) comes before the broken homepage link (1 point) even
     * though the judge found the link last and no_search (1 point) in between */
    struct strbuf html = STRBUF_INIT;
    assert_int_equal(sitereport_html(&sr, &html), SC_OK);
    const char *veto = strstr(html.buf, "window.homepage");
    const char *stale = strstr(html.buf, "points.stale_column");
    const char *link = strstr(html.buf, "points.broken_link_home");
    assert_non_null(veto);
    assert_non_null(stale);
    assert_non_null(link);
    const char *blank_veto = strstr(html.buf, "veto.blank_columns");
    assert_non_null(blank_veto);
    assert_true(veto < blank_veto && blank_veto < stale && stale < link);
    /* each rule with its value from the table */
    assert_contains(html.buf, "points.stale_column：2");
    assert_contains(html.buf, "points.broken_link_home：1");
    strbuf_release(&html);
    sitereport_free(&sr);
}

/* ---- the site's report: week, changes, deadline ---- */

static void report_holds_week_changes_and_deadline(void **state)
{
    struct fixture *f = *state;
    struct sitereport_round rd;
    struct sitereport sr;
    load_site(f, "2026Q4", "4300000001", &rd, &sr);
    assert_string_equal(sr.verdict, "fail");
    /* verdict at 2026-10-08 (started + 3 days) + 15 days */
    assert_string_equal(sr.deadline, "2026-10-23");
    assert_int_equal(rd.days, 7);
    assert_int_equal(sr.per_day_conclusive[0], 3);
    assert_int_equal(sr.per_day_failed[0], 1);
    assert_int_equal(sr.nprobes, 1);
    assert_int_equal(sr.probes[0].status, 503);
    assert_int_equal(sr.probes[0].total_ms, 1234);
    /* the previous round: it failed; the broken link and blank columns are fixed, nothing is new */
    assert_true(sr.have_prev);
    assert_string_equal(sr.prev_quarter, "2026Q3");
    assert_string_equal(sr.prev_verdict, "fail");
    /* fixed: the broken link, the five blank columns and their veto */
    assert_int_equal(sr.nfixed, 7);
    int link_fixed = 0;
    for (size_t k = 0; k < sr.nfixed; k++)
        link_fixed += strcmp(sr.prev.defects[sr.fixed[k]].kind, "broken_link") == 0;
    assert_int_equal(link_fixed, 1);
    for (size_t i = 0; i < sr.r.ndefects; i++)
        assert_false(sr.is_new[i]);
    struct strbuf html = STRBUF_INIT, json = STRBUF_INIT;
    assert_int_equal(sitereport_html(&sr, &html), SC_OK);
    assert_int_equal(sitereport_json(&sr, &json), SC_OK);
    assert_contains(html.buf, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
    assert_contains(html.buf, "每日可用性（图表的文字版）");
    assert_contains(html.buf, "HTTP 503 http_status");
    assert_contains(html.buf, "2026-10-23");
    assert_contains(json.buf, "\"deadline\": \"2026-10-23\"");
    assert_contains(json.buf, "\"fixed\": [");
    /* the news column, latest 2026-05-01, window 14 days: out of it from 2026-05-16 */
    assert_contains(json.buf, "\"stale_since\": \"2026-05-16\"");
    assert_contains(html.buf, "超期未更新（2026-05-16 起）");
    /* where each column was found, kept with the crawl: the news column on a section index
     * page, in Chinese in the HTML and as the word in CSV and JSON */
    assert_contains(html.buf, "<th scope=\"col\">发现位置</th>");
    assert_contains(html.buf, "</td><td>news</td><td>栏目索引页</td><td>");
    assert_contains(json.buf, "\"category\": \"news\",\n      \"found_in\": \"section_index\"");
    struct strbuf csv = STRBUF_INIT;
    assert_int_equal(sitereport_csv(&sr, &csv), SC_OK);
    assert_contains(csv.buf, ",new,detail,found_in\r\n");
    assert_contains(csv.buf, ",news,section_index\r\n");
    strbuf_release(&csv);
    strbuf_release(&html);
    strbuf_release(&json);
    sitereport_free(&sr);
    /* a site not crawled yet is pending, without a deadline */
    load_site(f, "2026Q4", "4300000003", &rd, &sr);
    assert_string_equal(sr.verdict, "pending");
    assert_string_equal(sr.deadline, "");
    sitereport_free(&sr);
}

/* ---- the bulletin ---- */

static void bulletin_figures_match_the_rounds(void **state)
{
    struct fixture *f = *state;
    struct sc_error err = {{0}};
    struct bulletin b;
    assert_int_equal(bulletin_load(f->db, &f->rules, 15, "2026Q4", 1, &b, &err), SC_OK);
    assert_int_equal(b.n.frame, 3);
    assert_int_equal(b.n.sampled, 3);
    assert_int_equal(b.n.judged, 2);
    assert_int_equal(b.n.passed, 0);
    assert_int_equal(b.n.failed, 2);
    assert_int_equal(b.n.pending, 1);
    assert_true(bulletin_pass_rate(&b.n) == 0.0);
    assert_true(b.have_prev);
    assert_int_equal(b.pn.passed, 2);
    assert_int_equal(b.pn.failed, 1);
    /* kinds: the veto first, on both failing sites, named */
    assert_true(b.nkinds >= 3);
    assert_string_equal(b.kinds[0].kind, "homepage_stale");
    assert_int_equal(b.kinds[0].sites, 2);
    assert_int_equal(b.kinds[0].nexamples, 2);
    int broken = 0;
    for (size_t i = 0; i < b.nkinds; i++)
        if (strcmp(b.kinds[i].kind, "broken_link") == 0) {
            broken = 1;
            assert_int_equal(b.kinds[i].sites, 1);
            assert_int_equal(b.kinds[i].defects, 1);
        }
    assert_true(broken);
    struct strbuf html = STRBUF_INIT, csv = STRBUF_INIT, json = STRBUF_INIT;
    assert_int_equal(bulletin_html(&b, &html), SC_OK);
    assert_int_equal(bulletin_csv(&b, &csv), SC_OK);
    assert_int_equal(bulletin_json(&b, &json), SC_OK);
    assert_contains(html.buf, "随机抽查 3 个，抽查比例 100.0%");
    assert_contains(html.buf, "合格 0 个、不合格 2 个，合格率 0.0%");
    assert_contains(html.buf, "另有 1 个网站检查尚未完成");
    assert_contains(html.buf, "合格率 66.7%；本轮合格率下降 66.7 个百分点");
    assert_contains(html.buf, "单项否决：首页不更新");
    assert_contains(html.buf, "spotcheck verify 2026Q4 1");
    assert_contains(html.buf, "docs/sampling.md");
    assert_lacks(html.buf, "<script");
    assert_contains(html.buf, "&lt;script&gt;alert(1)&lt;/script&gt;人民政府");
    assert_contains(html.buf, "A&amp;B &quot;引号&quot; &#39;x&#39;, 局");
    /* the previous round's failure and its state */
    assert_contains(html.buf, "上一轮（2026Q3 第1轮）不合格网站的整改情况");
    assert_memory_equal(csv.buf, "\xEF\xBB\xBF", 3);
    assert_contains(csv.buf, "summary,2026Q4,1,,,,,,,,,,3,3,0,2,1,0.0,,,\r\n");
    assert_contains(csv.buf, "previous_summary,2026Q3,1,,,,,,,,,,3,3,2,1,0,66.7,,,\r\n");
    assert_contains(csv.buf, "previous_failure,2026Q3,1,4300000001,");
    assert_contains(csv.buf, "\"A&B \"\"引号\"\" 'x', 局\"");
    assert_contains(json.buf, "\"pass_rate\": 0\n");
    assert_contains(json.buf, "\"pass_rate\": 0.667");
    assert_contains(json.buf, "\"seed\": \"1234567890\"");
    strbuf_release(&html);
    strbuf_release(&csv);
    strbuf_release(&json);
    bulletin_free(&b);
}

/* ---- report --out through the binary ---- */

static char *dir_snapshot(const char *dir, int *hidden)
{
    struct strbuf sb = STRBUF_INIT;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    char *names[256];
    int n = 0;
    *hidden = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (e->d_name[0] == '.')
            (*hidden)++;
        assert_true(n < 256);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    for (int i = 1; i < n; i++) /* sort names */
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    for (int i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t len = 0;
        char *data = test_read_file(path, &len);
        assert_non_null(data);
        strbuf_addf(&sb, "== %s %zu\n", names[i], len);
        strbuf_add(&sb, data, len);
        free(data);
        free(names[i]);
    }
    return strbuf_detach(&sb);
}

static void report_out_is_complete_atomic_and_idempotent(void **state)
{
    struct fixture *f = *state;
    storage_close(f->db);
    f->db = NULL;
    char out[600];
    snprintf(out, sizeof out, "%s/reports", f->dir);
    char *stdout1 = NULL;
    assert_int_equal(
        test_run(&stdout1, "'%s' --db '%s' report 2026Q4 1 --out '%s'", test_bin(), f->path, out),
        0);
    assert_contains(stdout1, "3 site reports");
    assert_contains(stdout1, "(13 files, 13 changed)");
    free(stdout1);
    int hidden = 0;
    char *first = dir_snapshot(out, &hidden);
    assert_int_equal(hidden, 0); /* no temporary file left behind */
    const char *want[] = {"4300000001.html", "4300000001.csv",  "4300000001.json",
                          "4300000002.html", "4300000003.json", "bulletin.html",
                          "bulletin.csv",    "bulletin.json",   "round.json"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char line[64];
        snprintf(line, sizeof line, "== %s ", want[i]);
        assert_contains(first, line);
    }
    /* round.json is the --format json document */
    char *doc = NULL, path[700];
    assert_int_equal(
        test_run(&doc, "'%s' --db '%s' report 2026Q4 1 --format json", test_bin(), f->path), 0);
    snprintf(path, sizeof path, "%s/round.json", out);
    char *file = test_read_file(path, NULL);
    assert_non_null(file);
    assert_string_equal(doc, file);
    free(doc);
    free(file);
    /* the second run changes nothing and gives the same bytes */
    char *stdout2 = NULL;
    assert_int_equal(
        test_run(&stdout2, "'%s' --db '%s' report 2026Q4 1 --out '%s'", test_bin(), f->path, out),
        0);
    assert_contains(stdout2, "(13 files, 0 changed)");
    free(stdout2);
    /* a file damaged is written again, the same as before, and what a killed run left
     * behind (a temporary file of a process that is gone) is removed */
    snprintf(path, sizeof path, "%s/bulletin.html", out);
    test_write_file(path, "x", 1);
    snprintf(path, sizeof path, "%s/.4300000001.html.tmp.999999999", out);
    test_write_file(path, "half", 4);
    snprintf(path, sizeof path, "%s/.notes.txt", out); /* not ours: left alone */
    test_write_file(path, "mine", 4);
    assert_int_equal(
        test_run(NULL, "'%s' --db '%s' report 2026Q4 1 --out '%s'", test_bin(), f->path, out), 0);
    snprintf(path, sizeof path, "%s/.notes.txt", out);
    assert_int_equal(unlink(path), 0);
    char *second = dir_snapshot(out, &hidden);
    assert_int_equal(hidden, 0);
    assert_string_equal(first, second);
    free(first);
    free(second);
    /* a round that is not drawn is bad usage; --out with --format json too */
    assert_int_equal(test_run(NULL, "'%s' --db '%s' report 2026Q4 2 --out '%s' 2>/dev/null",
                              test_bin(), f->path, out),
                     2);
    assert_int_equal(test_run(NULL,
                              "'%s' --db '%s' report 2026Q4 1 --out '%s' --format json "
                              "2>/dev/null",
                              test_bin(), f->path, out),
                     2);
}

/* ---- the availability chart ---- */

static void chart_is_deterministic_and_described(void **state)
{
    (void)state;
    long ok[7] = {20, 20, 20, 20, 20, 20, 0}, bad[7] = {0, 5, 0, 0, 0, 0, 0};
    struct chart_avail_opts o = {"2026-10-02", 5, 20, "w"};
    struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, t = STRBUF_INIT;
    chart_avail_svg(&a, ok, bad, 7, &o);
    chart_avail_svg(&b, ok, bad, 7, &o);
    assert_string_equal(a.buf, b.buf);
    assert_contains(a.buf, "role=\"img\" aria-labelledby=\"w-t w-d\"");
    assert_contains(a.buf, "<desc id=\"w-d\">监测7天，有效探测120次，失败5次，总体可用率95.8%");
    assert_contains(a.buf, "2026-10-03：75.0%（15/20）");
    assert_contains(a.buf, "无数据");
    assert_lacks(a.buf, "<script");
    chart_avail_table(&t, ok, bad, 7, &o);
    assert_contains(t.buf, "<th scope=\"row\">2026-10-03</th><td class=\"n\">20</td><td "
                           "class=\"n\">5</td><td class=\"n\">75.0%</td>");
    strbuf_release(&a);
    strbuf_release(&b);
    strbuf_release(&t);
}

/* ---- display width ---- */

static void display_width_counts_cjk_as_two(void **state)
{
    (void)state;
    assert_int_equal(dispwidth_utf8("abc"), 3);
    assert_int_equal(dispwidth_utf8("长沙市"), 6);
    assert_int_equal(dispwidth_utf8("正常运行"), 8);
    assert_int_equal(dispwidth_utf8("（全角）"), 8);
    assert_int_equal(dispwidth_utf8("e\xCC\x81"), 1); /* e + combining acute */
    assert_int_equal(dispwidth_utf8("\xFF"), 1);      /* an invalid byte */
    assert_int_equal(dispwidth_utf8(NULL), 0);
    struct strbuf sb = STRBUF_INIT;
    dispwidth_pad(&sb, "株洲市", 10);
    assert_string_equal(sb.buf, "株洲市    ");
    strbuf_reset(&sb);
    dispwidth_pad(&sb, "湘西土家族苗族自治州", 4);
    assert_string_equal(sb.buf, "湘西土家族苗族自治州");
    strbuf_release(&sb);
}

/* Every line of text holding a site code has `column` (the first match of any of marks) at
 * the same display column; returns the number of such lines. */
static int aligned_lines(char *text, const char *const *marks, size_t nmarks)
{
    long col = -1;
    int rows = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strstr(line, "43000000"))
            continue;
        char *at_mark = NULL;
        for (size_t i = 0; i < nmarks && !at_mark; i++)
            at_mark = strstr(line, marks[i]);
        assert_non_null(at_mark);
        char save = *at_mark;
        *at_mark = '\0';
        long w = (long)dispwidth_utf8(line);
        *at_mark = save;
        if (col < 0)
            col = w;
        if (w != col)
            fprintf(stderr, "misaligned: %s\n", line);
        assert_int_equal(w, col);
        rows++;
    }
    return rows;
}

static void terminal_tables_align_chinese(void **state)
{
    struct fixture *f = *state;
    storage_close(f->db);
    f->db = NULL;
    /* sites: the URL column, after the status label and a region of 3 or 10 CJK characters */
    char *text = NULL;
    assert_int_equal(test_run(&text, "'%s' --db '%s' sites", test_bin(), f->path), 0);
    const char *url[] = {"http://"};
    assert_int_equal(aligned_lines(text, url, 1), 3);
    free(text);
    /* report's text: the name column, after the region */
    assert_int_equal(test_run(&text, "'%s' --db '%s' report 2026Q4 1", test_bin(), f->path), 0);
    /* the rectification column: the failing site is due until its deadline (the re-check
     * after it is not done), the others "-"; the names after it still line up */
    assert_non_null(strstr(text, "  deadline    rectification         region"));
    assert_non_null(strstr(text, "2026-10-23  due until 2026-10-23  "));
    const char *names[] = {NAME1, NAME2, "丙局"};
    assert_int_equal(aligned_lines(text, names, 3), 3);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(planted_strings_are_escaped, setup, teardown),
        cmocka_unit_test(csv_cells_are_quoted_and_formulas_neutralised),
        cmocka_unit_test_setup_teardown(vetoes_come_first_then_points, setup, teardown),
        cmocka_unit_test_setup_teardown(report_holds_week_changes_and_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(bulletin_figures_match_the_rounds, setup, teardown),
        cmocka_unit_test_setup_teardown(report_out_is_complete_atomic_and_idempotent, setup,
                                        teardown),
        cmocka_unit_test(chart_is_deterministic_and_described),
        cmocka_unit_test(display_width_counts_cjk_as_two),
        cmocka_unit_test_setup_teardown(terminal_tables_align_chinese, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

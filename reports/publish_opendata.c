/* publish_opendata: the open data's CSV (one row per sampled site, UTF-8 with a BOM so Excel
 * opens Chinese correctly) and the Frictionless Data Package describing it. One table of
 * columns below is the source of both, so the package describes every column the CSV has,
 * in order. Column names are stable snake_case: a column may be added, never renamed. */
#include "common/json.h"
#include "common/utf8.h"
#include "reports/publish_pages.h"

#include <stdio.h>
#include <string.h>

struct column {
    const char *name, *type, *title, *description;
};

/* The columns whose values are one of a few words: Table Schema's enum constraint (the
 * missing value "" is allowed besides, missingValues). */
static const char *const verdicts[] = {"pass", "fail", "pending", NULL};
static const char *const rectification_states[] = {"due", "rectified", "not_rectified", NULL};
static const struct {
    const char *name;
    const char *const *values;
} enums[] = {{"verdict", verdicts}, {"rectification_state", rectification_states}};

static const char *const *enum_of(const char *name)
{
    for (size_t i = 0; i < sizeof enums / sizeof enums[0]; i++)
        if (strcmp(enums[i].name, name) == 0)
            return enums[i].values;
    return NULL;
}

static const struct column columns[] = {
    {"quarter", "string", "季度", "The quarter of the round, e.g. 2026Q4."},
    {"round", "integer", "轮次", "The round's number within the quarter (1, 2, ...)."},
    {"rank", "integer", "抽取顺序", "The site's place in the draw's ranking (1 = drawn first)."},
    {"site_code", "string", "网站标识码", "The site's code in the national registry."},
    {"site_name", "string", "网站名称", "The site's name in the registry."},
    {"url", "string", "首页网址", "The site's homepage URL in the registry."},
    {"region", "string", "地区", "The administrative region in the registry."},
    {"sponsor", "string", "主办单位", "The sponsoring unit in the registry."},
    {"verdict", "string", "结论",
     "pass (合格), fail (不合格), or pending when no final verdict is stored."},
    {"score", "number", "得分", "The final score out of 100; empty when pending."},
    {"crawled_at", "string", "检查时间",
     "When the site's crawl finished (YYYY-MM-DDTHH:MM, China time); empty if unknown."},
    {"availability_probes", "integer", "可用性有效探测次数",
     "Conclusive homepage probes of the monitoring week; empty without monitoring."},
    {"availability_failures", "integer", "可用性失败次数",
     "Of those, probes where the homepage did not open in time; empty without monitoring."},
    {"availability_failure_rate", "number", "可用性失败率",
     "availability_failures / availability_probes (0..1); empty without monitoring."},
    {"defects", "integer", "问题数", "Defects found (vetoes, deductions and notes)."},
    {"veto_defects", "integer", "单项否决问题数", "Of which veto items (any one fails the site)."},
    {"broken_links", "integer", "不可用链接数", "Of which confirmed broken links."},
    {"defect_kinds", "string", "问题类型",
     "The distinct defect kinds, separated by ';' (broken_link, stale_column, ...)."},
    {"rectification_deadline", "date", "整改期限",
     "The day a failing site must have rectified by (YYYY-MM-DD); empty if it passed."},
    {"rectification_state", "string", "整改状态",
     "A failing site's rectification: due (整改中, the re-check after the deadline not done "
     "yet), rectified (已整改) or not_rectified (未整改) by the re-check (复查); empty if it "
     "passed."},
    {"rectified_on", "date", "整改完成日期",
     "The day of the re-check that found the site rectified (YYYY-MM-DD); empty otherwise."},
    {"rechecked_on", "date", "复查日期",
     "The day of the re-check after the deadline (YYYY-MM-DD, China time), whatever its "
     "outcome; empty while due or if the site passed."},
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])

/* A CSV field, quoted when it holds a separator, a quote or a line end; invalid UTF-8 bytes
 * become U+FFFD; a text that a spreadsheet would run as a formula (=, +, -, @ first) gets a
 * leading apostrophe. */
static void field(struct strbuf *out, const char *s, int text)
{
    if (!s)
        s = "";
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    int formula = text && (*s == '=' || *s == '+' || *s == '-' || *s == '@');
    if (quote)
        strbuf_addch(out, '"');
    if (formula)
        strbuf_addch(out, '\'');
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        if (p[i] >= 0x80) {
            size_t len = utf8_sequence_length(p + i, n - i);
            if (!len) {
                strbuf_adds(out, "\xEF\xBF\xBD");
                i++;
            } else {
                strbuf_add(out, p + i, len);
                i += len;
            }
            continue;
        }
        if (p[i] == '"')
            strbuf_addch(out, '"');
        strbuf_addch(out, p[i]);
        i++;
    }
    if (quote)
        strbuf_addch(out, '"');
}

static void kinds(struct strbuf *out, const struct pub_result *s)
{
    struct strbuf k = STRBUF_INIT;
    for (size_t i = 0; i < s->ndefects; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(s->defects[j].kind, s->defects[i].kind) == 0;
        if (seen)
            continue;
        if (k.len)
            strbuf_addch(&k, ';');
        strbuf_adds(&k, s->defects[i].kind);
    }
    if (k.failed)
        out->failed = 1;
    field(out, k.buf, 1);
    strbuf_release(&k);
}

void pub_round_csv(struct strbuf *out, const struct pub_round *r)
{
    strbuf_adds(out, "\xEF\xBB\xBF");
    for (size_t i = 0; i < NCOLUMNS; i++) {
        if (i)
            strbuf_addch(out, ',');
        strbuf_adds(out, columns[i].name);
    }
    strbuf_adds(out, "\r\n");
    for (size_t i = 0; i < r->nsites; i++) {
        const struct pub_result *s = &r->sites[i];
        field(out, r->quarter, 1);
        strbuf_addf(out, ",%d,%d,", r->number, s->rank);
        field(out, s->code, 1);
        strbuf_addch(out, ',');
        field(out, s->name, 1);
        strbuf_addch(out, ',');
        field(out, s->url, 1);
        strbuf_addch(out, ',');
        field(out, s->region, 1);
        strbuf_addch(out, ',');
        field(out, s->sponsor, 1);
        strbuf_addf(out, ",%s,",
                    s->verdict == PUB_PASS   ? "pass"
                    : s->verdict == PUB_FAIL ? "fail"
                                             : "pending");
        if (s->has_score)
            strbuf_addf(out, "%.1f", s->score);
        strbuf_addch(out, ',');
        field(out, s->crawled_at, 1);
        if (s->has_avail)
            strbuf_addf(out, ",%ld,%ld,%.4f", s->probes, s->failures, s->failure_rate);
        else
            strbuf_adds(out, ",,,");
        strbuf_addf(out, ",%zu,%ld,%ld,", s->ndefects, s->vetoes, s->broken_links);
        kinds(out, s);
        strbuf_addch(out, ',');
        field(out, s->deadline, 1);
        /* the re-check after the deadline (整改 复查): state, then the days */
        if (*s->deadline) {
            struct rectification_view v = pub_rectification_view(s);
            const char *state = rectification_state(&v);
            char day[11] = "";
            if (v.rec)
                snprintf(day, sizeof day, "%.10s", v.rec->checked_at);
            strbuf_addf(out, ",%s,%s,%s", state, v.rec && v.rec->rectified ? day : "", day);
        } else {
            strbuf_adds(out, ",,,");
        }
        strbuf_adds(out, "\r\n");
    }
}

void pub_datapackage(struct strbuf *out, const struct pub_options *o, const struct pub_data *d)
{
    struct json_writer w;
    json_init(&w, out, 1);
    json_object_begin(&w);
    json_kv_string(&w, "profile", "tabular-data-package");
    json_kv_string(&w, "name", "spotcheck-results");
    json_kv_string(&w, "title", o->title);
    json_kv_string(&w, "description",
                   "Results of the government website spot checks: one CSV per round, one row "
                   "per sampled site; the same with each site's defects as JSON.");
    json_key(&w, "resources");
    json_array_begin(&w);
    for (size_t i = 0; i < d->nrounds; i++) {
        const struct pub_round *r = &d->rounds[i];
        char slug[32], name[32], path[48];
        pub_round_slug(r, slug, sizeof slug);
        /* resource names are lower-case: "2026q4-1" */
        for (size_t k = 0; k < sizeof name; k++)
            name[k] = (slug[k] >= 'A' && slug[k] <= 'Z') ? (char)(slug[k] - 'A' + 'a') : slug[k];
        json_object_begin(&w);
        json_kv_string(&w, "name", name);
        snprintf(path, sizeof path, "%s.csv", slug);
        json_kv_string(&w, "path", path);
        json_kv_string(&w, "profile", "tabular-data-resource");
        json_kv_string(&w, "format", "csv");
        json_kv_string(&w, "mediatype", "text/csv");
        json_kv_string(&w, "encoding", "utf-8"); /* with a BOM, which readers skip */
        json_key(&w, "dialect");
        json_object_begin(&w);
        json_kv_string(&w, "delimiter", ",");
        json_kv_string(&w, "lineTerminator", "\r\n");
        json_kv_bool(&w, "header", 1);
        json_object_end(&w);
        json_key(&w, "schema");
        json_object_begin(&w);
        json_key(&w, "fields");
        json_array_begin(&w);
        for (size_t c = 0; c < NCOLUMNS; c++) {
            json_object_begin(&w);
            json_kv_string(&w, "name", columns[c].name);
            json_kv_string(&w, "type", columns[c].type);
            json_kv_string(&w, "title", columns[c].title);
            json_kv_string(&w, "description", columns[c].description);
            const char *const *values = enum_of(columns[c].name);
            if (values) {
                json_key(&w, "constraints");
                json_object_begin(&w);
                json_key(&w, "enum");
                json_array_begin(&w);
                for (const char *const *v = values; *v; v++)
                    json_string(&w, *v);
                json_array_end(&w);
                json_object_end(&w);
            }
            json_object_end(&w);
        }
        json_array_end(&w);
        json_key(&w, "primaryKey");
        json_array_begin(&w);
        json_string(&w, "quarter");
        json_string(&w, "round");
        json_string(&w, "site_code");
        json_array_end(&w);
        json_key(&w, "missingValues");
        json_array_begin(&w);
        json_string(&w, "");
        json_array_end(&w);
        json_object_end(&w);
        json_object_end(&w);
    }
    json_array_end(&w);
    json_object_end(&w);
    strbuf_addch(out, '\n');
}

/* publish_round: a round's page of the public site (DIR/<quarter>-<round>/index.html): the
 * figures, the results per region and the defects by kind as charts, every sampled site with
 * its verdict, score and main defects, and the proof of the draw with how to verify it. */
#include "reports/publish_chart.h"
#include "reports/publish_html.h"
#include "reports/publish_pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GROUPS 256 /* regions or defect kinds charted; the rest are summed as 其他 */

struct group {
    const char *name;
    double v[3];
    long sites;
    char text[48];
};

static struct group *group_of(struct group *g, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(g[i].name, name) == 0)
            return &g[i];
    if (*n >= MAX_GROUPS - 1) { /* the last place sums the rest */
        if (*n == MAX_GROUPS - 1) {
            memset(&g[*n], 0, sizeof g[*n]);
            g[(*n)++].name = "其他";
        }
        return &g[MAX_GROUPS - 1];
    }
    memset(&g[*n], 0, sizeof g[*n]);
    g[*n].name = name;
    return &g[(*n)++];
}

static void region_chart(struct strbuf *out, const struct pub_round *r)
{
    struct group *g = calloc(MAX_GROUPS, sizeof *g);
    struct pub_chart_bar *bars = calloc(MAX_GROUPS, sizeof *bars);
    if (!g || !bars) {
        out->failed = 1;
        free(g);
        free(bars);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < r->nsites; i++) {
        const struct pub_result *s = &r->sites[i];
        struct group *e = group_of(g, &n, *s->region ? s->region : "未注明地区");
        e->v[s->verdict == PUB_PASS ? 0 : s->verdict == PUB_FAIL ? 1 : 2] += 1;
    }
    for (size_t i = 0; i < n; i++) {
        struct strbuf t = STRBUF_INIT;
        strbuf_addf(&t, "%.0f/%.0f 合格", g[i].v[0], g[i].v[0] + g[i].v[1] + g[i].v[2]);
        snprintf(g[i].text, sizeof g[i].text, "%s", t.buf);
        strbuf_release(&t);
        bars[i].label = g[i].name;
        memcpy(bars[i].seg, g[i].v, sizeof g[i].v);
        bars[i].value_text = g[i].text;
    }
    struct pub_chart c = {"chart-regions",
                          "各地区抽查结果",
                          "每个地区被抽查网站中合格、不合格和待定的数量。",
                          3,
                          {"合格", "不合格", "待定"},
                          "合格/抽查",
                          0};
    pub_chart_bars(out, &c, bars, n);
    free(g);
    free(bars);
}

static void defects_chart(struct strbuf *out, const struct pub_round *r)
{
    struct group *g = calloc(MAX_GROUPS, sizeof *g);
    struct pub_chart_bar *bars = calloc(MAX_GROUPS, sizeof *bars);
    if (!g || !bars) {
        out->failed = 1;
        free(g);
        free(bars);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < r->nsites; i++) {
        const struct pub_result *s = &r->sites[i];
        for (size_t j = 0; j < s->ndefects; j++) {
            const char *kind = s->defects[j].kind;
            if (strcmp(s->defects[j].severity, "info") == 0)
                continue; /* notes (suspected links) are not defects of the verdict */
            struct group *e = group_of(g, &n, pub_defect_kind_zh(kind));
            e->v[0] += 1;
            int first = 1; /* the site's first defect of this kind */
            for (size_t k = 0; k < j && first; k++)
                first = strcmp(s->defects[k].kind, kind) != 0;
            e->sites += first;
        }
    }
    /* most frequent first; equal counts by name, so the order is stable */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i;
             j > 0 && (g[j].v[0] > g[j - 1].v[0] ||
                       (g[j].v[0] == g[j - 1].v[0] && strcmp(g[j].name, g[j - 1].name) < 0));
             j--) {
            struct group t = g[j];
            g[j] = g[j - 1];
            g[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        snprintf(g[i].text, sizeof g[i].text, "%.0f处/%ld站", g[i].v[0], g[i].sites);
        bars[i].label = g[i].name;
        bars[i].seg[0] = g[i].v[0];
        bars[i].value_text = g[i].text;
    }
    struct pub_chart c = {"chart-defects",
                          "问题类型分布",
                          "本轮发现的各类问题的数量（处）及涉及的网站数（站）。",
                          1,
                          {"问题数量"},
                          "数量/网站",
                          0};
    pub_chart_bars(out, &c, bars, n);
    free(g);
    free(bars);
}

static void results_table(struct strbuf *out, const struct pub_round *r)
{
    strbuf_adds(out, "<h2 id=\"sample\">抽查网站及结果</h2>\n" PUB_TABLE_WIDE_BEGIN "\n<caption>");
    pub_round_name(out, r);
    strbuf_addf(out,
                "抽查的%zu个网站（按抽取顺序）</caption>\n"
                "<thead><tr><th scope=\"col\" class=\"num\">序号</th>"
                "<th scope=\"col\">网站名称</th><th scope=\"col\">网站标识码</th>"
                "<th scope=\"col\">地区</th><th scope=\"col\">结论</th>"
                "<th scope=\"col\" class=\"num\">得分</th><th scope=\"col\">主要问题</th>"
                "<th scope=\"col\">整改期限</th></tr></thead>\n<tbody>\n",
                r->nsites);
    for (size_t i = 0; i < r->nsites; i++) {
        const struct pub_result *s = &r->sites[i];
        strbuf_addf(out, "<tr><td class=\"num\">%d</td><th scope=\"row\">", s->rank);
        if (pub_code_ok(s->code)) {
            strbuf_addf(out, "<a href=\"../sites/%s.html\">", s->code);
            pub_escape(out, *s->name ? s->name : s->code);
            strbuf_adds(out, "</a>");
        } else {
            pub_escape(out, s->name);
        }
        strbuf_adds(out, "</th><td><code>");
        pub_escape(out, s->code);
        strbuf_adds(out, "</code></td><td>");
        pub_escape(out, s->region);
        strbuf_addf(out, "</td><td class=\"%s\">%s</td><td class=\"num\">",
                    pub_verdict_class(s->verdict), pub_verdict_zh(s->verdict));
        if (s->has_score)
            strbuf_addf(out, "%.1f", s->score);
        else
            strbuf_adds(out, "—");
        strbuf_adds(out, "</td><td>");
        pub_main_defects(out, s, 3);
        strbuf_adds(out, "</td><td class=\"date\">");
        pub_rectification_cell(out, s);
        strbuf_adds(out, "</td></tr>\n");
    }
    strbuf_adds(out, "</tbody>\n" PUB_TABLE_END);
}

static void proof(struct strbuf *out, const struct pub_round *r, const char *slug)
{
    strbuf_adds(out, "<h2 id=\"draw\">抽样的证明</h2>\n<p>本轮样本由公开的种子和抽样框"
                     "（当时正常运行的网站名单）计算得出，任何人都可以重新计算并核对。</p>\n<dl>\n"
                     "<dt>种子（seed）</dt><dd class=\"hash\">");
    pub_escape(out, r->seed);
    strbuf_adds(out, "</dd>\n<dt>抽样框哈希（frame_hash，SHA-256）</dt><dd class=\"hash\">");
    pub_escape(out, r->frame_hash);
    strbuf_addf(out,
                "</dd>\n<dt>抽样框</dt><dd>%ld个正常运行的网站，"
                "<a href=\"../data/%s.frame.txt\">下载网站标识码清单</a></dd>\n"
                "<dt>抽取数量</dt><dd>%ld个（比例 %.2f%%，向上取整），其中与本季度前几轮重复 %ld 个"
                "</dd>\n<dt>抽取时间</dt><dd>",
                r->frame_size, slug, r->sample_size, r->rate_bp / 100.0, r->repeats);
    pub_escape(out, r->drawn_at);
    strbuf_addf(out, "</dd>\n</dl>\n<p>核对方法（在 Linux 或 macOS 的终端中运行，"
                     "详见<a href=\"../method.html#verify\">检查方法</a>）：</p>\n<pre><code>"
                     "seed=");
    pub_escape(out, r->seed);
    strbuf_addf(out, "\nexport LC_ALL=C\nsha256sum &lt; %s.frame.txt   # 应等于 ", slug);
    pub_escape(out, r->frame_hash);
    strbuf_addf(out,
                "\nwhile read -r code; do\n"
                "  printf '%%s %%s\\n' \"$(printf '%%s%%s' \"$seed\" \"$code\" | sha256sum | "
                "cut -c1-64)\" \"$code\"\n"
                "done &lt; %s.frame.txt | sort &gt; ranked.txt\n"
                "head -n %ld ranked.txt | cut -d' ' -f2   # 第1轮且未分层时即为样本\n"
                "</code></pre>\n",
                slug, r->sample_size);
    if (r->number > 1 || r->stratified)
        strbuf_adds(out, "<p>本轮为季度内的后续轮次或分层抽样，排序相同，取样规则见"
                         "<a href=\"../method.html#verify\">检查方法</a>。</p>\n");
}

void pub_page_round(struct strbuf *out, const struct pub_options *o, const struct pub_round *r)
{
    char slug[32];
    pub_round_slug(r, slug, sizeof slug);
    struct strbuf title = STRBUF_INIT;
    strbuf_addf(&title, "%s 第%d轮抽查结果", r->quarter, r->number);
    pub_page_begin(out, "../", o->title, title.buf);
    strbuf_adds(out, "<h1>");
    pub_escape(out, title.buf);
    strbuf_release(&title);
    strbuf_adds(out, "</h1>\n<p>检查期：");
    pub_escape(out, r->window_start);
    strbuf_adds(out, " 至 ");
    pub_escape(out, r->window_end);
    strbuf_adds(out, "；抽取日期：");
    pub_escape(out, r->draw_date);
    strbuf_addf(out,
                "。</p>\n<ul class=\"kpi\" aria-label=\"本轮概况\">\n"
                "<li>抽查网站<strong>%zu</strong></li>\n<li>合格<strong>%ld</strong></li>\n"
                "<li>不合格<strong>%ld</strong></li>\n",
                r->nsites, r->passed, r->failed);
    if (r->pending)
        strbuf_addf(out, "<li>待定<strong>%ld</strong></li>\n", r->pending);
    strbuf_adds(out, "<li>合格率<strong>");
    pub_pass_rate(out, r->passed, r->failed);
    strbuf_addf(out, "</strong></li>\n<li>正常运行网站<strong>%ld</strong></li>\n</ul>\n",
                r->frame_size);
    strbuf_adds(out, "<h2 id=\"charts\">图表</h2>\n");
    region_chart(out, r);
    defects_chart(out, r);
    results_table(out, r);
    proof(out, r, slug);
    strbuf_addf(out,
                "<h2 id=\"data\">下载本轮数据</h2>\n<ul>\n"
                "<li><a href=\"../data/%s.csv\">CSV（UTF-8，Excel 可直接打开）</a></li>\n"
                "<li><a href=\"../data/%s.json\">JSON</a></li>\n"
                "<li><a href=\"../data/datapackage.json\">数据说明（Data Package）</a></li>\n"
                "</ul>\n",
                slug, slug);
    pub_page_end(out, "../");
}

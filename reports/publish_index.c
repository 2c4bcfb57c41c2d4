/* publish_index: the public site's front page (DIR/index.html): the pass rate of every
 * published round as a chart, then the quarters, newest first, each with its rounds. */
#include "reports/publish_chart.h"
#include "reports/publish_html.h"
#include "reports/publish_pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void pass_rate_chart(struct strbuf *out, const struct pub_data *d)
{
    struct pub_chart_bar *bars = calloc(d->nrounds ? d->nrounds : 1, sizeof *bars);
    char(*labels)[32] = calloc(d->nrounds ? d->nrounds : 1, sizeof *labels);
    char(*texts)[48] = calloc(d->nrounds ? d->nrounds : 1, sizeof *texts);
    if (!bars || !labels || !texts) {
        out->failed = 1;
    } else {
        for (size_t i = 0; i < d->nrounds; i++) {
            const struct pub_round *r = &d->rounds[i];
            long judged = r->passed + r->failed;
            snprintf(labels[i], sizeof labels[i], "%s 第%d轮", r->quarter, r->number);
            bars[i].label = labels[i];
            bars[i].seg[0] = judged ? 100.0 * (double)r->passed / (double)judged : 0;
            if (judged)
                snprintf(texts[i], sizeof texts[i], "%.1f%%（%ld/%ld）", bars[i].seg[0], r->passed,
                         judged);
            else
                snprintf(texts[i], sizeof texts[i], "—");
            bars[i].value_text = texts[i];
        }
        struct pub_chart c = {"chart-pass-rate",
                              "各轮合格率",
                              "每一轮抽查中合格网站占已评定网站的百分比。",
                              1,
                              {"合格率（%）"},
                              "合格率（合格/评定）",
                              100};
        pub_chart_bars(out, &c, bars, d->nrounds);
    }
    free(bars);
    free(labels);
    free(texts);
}

void pub_page_index(struct strbuf *out, const struct pub_options *o, const struct pub_data *d)
{
    pub_page_begin(out, "", o->title, "首页");
    strbuf_adds(out, "<h1>");
    pub_escape(out, o->title);
    strbuf_adds(out, "</h1>\n<p>按照政府网站抽查规则，每季度开展两轮随机抽查，每轮抽取不少于"
                     "15%的正常运行网站。下面是每一轮的抽查结果、抽样证明和开放数据；"
                     "<a href=\"method.html\">检查方法</a>说明了检查的项目和标准以及如何核对抽样。"
                     "</p>\n");
    if (d->nrounds == 0) {
        strbuf_adds(out, "<p>尚无已完成的抽查轮次。</p>\n");
        pub_page_end(out, "");
        return;
    }
    pass_rate_chart(out, d);
    /* quarters newest first; the rounds of a quarter in order */
    size_t end = d->nrounds;
    while (end > 0) {
        size_t begin = end - 1;
        while (begin > 0 && strcmp(d->rounds[begin - 1].quarter, d->rounds[end - 1].quarter) == 0)
            begin--;
        const char *q = d->rounds[begin].quarter;
        strbuf_adds(out, "<h2 id=\"q-");
        pub_escape(out, q);
        strbuf_adds(out, "\">");
        pub_escape(out, q);
        strbuf_adds(out, "</h2>\n" PUB_TABLE_BEGIN "\n<caption>");
        pub_escape(out, q);
        strbuf_adds(out,
                    "各轮抽查</caption>\n<thead><tr><th scope=\"col\">轮次</th>"
                    "<th scope=\"col\">抽取日期</th><th scope=\"col\" class=\"num\">抽查网站</th>"
                    "<th scope=\"col\" class=\"num\">合格</th>"
                    "<th scope=\"col\" class=\"num\">不合格</th>"
                    "<th scope=\"col\" class=\"num\">合格率</th><th scope=\"col\">数据</th>"
                    "</tr></thead>\n<tbody>\n");
        for (size_t i = begin; i < end; i++) {
            const struct pub_round *r = &d->rounds[i];
            char slug[32];
            pub_round_slug(r, slug, sizeof slug);
            strbuf_addf(out, "<tr><th scope=\"row\"><a href=\"%s/index.html\">", slug);
            pub_round_name(out, r);
            strbuf_adds(out, "</a></th><td>");
            pub_escape(out, r->draw_date);
            strbuf_addf(out,
                        "</td><td class=\"num\">%zu</td><td class=\"num\">%ld</td>"
                        "<td class=\"num\">%ld</td><td class=\"num\">",
                        r->nsites, r->passed, r->failed);
            pub_pass_rate(out, r->passed, r->failed);
            strbuf_addf(out,
                        "</td><td><a href=\"data/%s.csv\">CSV</a> "
                        "<a href=\"data/%s.json\">JSON</a></td></tr>\n",
                        slug, slug);
        }
        strbuf_adds(out, "</tbody>\n" PUB_TABLE_END);
        end = begin;
    }
    pub_page_end(out, "");
}

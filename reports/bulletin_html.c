/* bulletin_html: the round's bulletin (抽查情况通报) as a printable HTML page (bulletin.h).
 * Site names, URLs and regions come from the registry and defect details from crawled
 * pages: all are escaped (html.h). */
#include "reports/bulletin.h"
#include "reports/html.h"

#include <stdio.h>
#include <string.h>

static void rate(struct strbuf *out, double r)
{
    if (r < 0)
        strbuf_adds(out, "—（尚无最终结论）");
    else
        strbuf_addf(out, "%.1f%%", r);
}

static void overview(const struct bulletin *b, struct strbuf *out)
{
    const struct bulletin_counts *n = &b->n;
    strbuf_adds(out, "<section>\n<h2>一、总体情况</h2>\n<p>");
    strbuf_addf(out, "本轮从全省正常运行的 %ld 个政府网站中随机抽查 %ld 个，抽查比例 %.1f%%。",
                n->frame, n->sampled,
                n->frame ? 100.0 * (double)n->sampled / (double)n->frame : 0.0);
    strbuf_addf(out, "已作出最终结论 %ld 个，其中合格 %ld 个、不合格 %ld 个，合格率 ", n->judged,
                n->passed, n->failed);
    rate(out, bulletin_pass_rate(n));
    strbuf_adds(out, "。");
    if (n->pending)
        strbuf_addf(out, "另有 %ld 个网站检查尚未完成。", n->pending);
    strbuf_adds(out, "</p>\n");
    if (b->have_prev) {
        double now = bulletin_pass_rate(n), before = bulletin_pass_rate(&b->pn);
        strbuf_addf(out, "<p>上一轮（%s 第%d轮）抽查 %ld 个，合格 %ld 个、不合格 %ld 个，合格率 ",
                    b->prd.quarter, b->prd.number, b->pn.sampled, b->pn.passed, b->pn.failed);
        rate(out, before);
        if (now >= 0 && before >= 0) {
            double d = now - before;
            if (d > 0.05)
                strbuf_addf(out, "；本轮合格率上升 %.1f 个百分点", d);
            else if (d < -0.05)
                strbuf_addf(out, "；本轮合格率下降 %.1f 个百分点", -d);
            else
                strbuf_adds(out, "；本轮合格率持平");
        }
        strbuf_adds(out, "。</p>\n");
    } else {
        strbuf_adds(out, "<p>这是首轮抽查，没有可比较的上一轮。</p>\n");
    }
    strbuf_adds(out, "<table>\n<caption>抽查结果</caption>\n<thead><tr><th scope=\"col\">轮次</th>"
                     "<th scope=\"col\">正常运行网站</th><th scope=\"col\">抽查</th><th "
                     "scope=\"col\">合格</th><th scope=\"col\">不合格</th><th scope=\"col\">待定"
                     "</th><th scope=\"col\">合格率</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < 2; i++) {
        const struct bulletin_counts *c = i == 0 ? &b->n : &b->pn;
        const struct sitereport_round *r = i == 0 ? &b->rd : &b->prd;
        if (i == 1 && !b->have_prev)
            break;
        strbuf_addf(out,
                    "<tr><th scope=\"row\">%s 第%d轮%s</th><td class=\"n\">%ld</td><td "
                    "class=\"n\">%ld</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
                    "<td class=\"n\">%ld</td><td class=\"n\">",
                    r->quarter, r->number, i == 0 ? "（本轮）" : "（上一轮）", c->frame, c->sampled,
                    c->passed, c->failed, c->pending);
        rate(out, bulletin_pass_rate(c));
        strbuf_adds(out, "</td></tr>\n");
    }
    strbuf_adds(out, "</tbody>\n</table>\n</section>\n");
}

static void problems(const struct bulletin *b, struct strbuf *out)
{
    strbuf_adds(out, "<section>\n<h2>二、主要问题</h2>\n");
    if (b->nkinds == 0) {
        strbuf_adds(out, "<p>已作出结论的网站中未发现问题。</p>\n</section>\n");
        return;
    }
    strbuf_adds(out, "<table>\n<caption>问题类型统计（按涉及网站数排列）</caption>\n<thead><tr><th "
                     "scope=\"col\">问题</th><th scope=\"col\">性质</th><th scope=\"col\">涉及网站"
                     "</th><th scope=\"col\">问题数</th><th scope=\"col\">典型网站</th></tr>"
                     "</thead>\n<tbody>\n");
    for (size_t i = 0; i < b->nkinds; i++) {
        const struct bulletin_kind *k = &b->kinds[i];
        strbuf_adds(out, "<tr><td>");
        html_out_text(out, sitereport_kind_label(k->kind));
        strbuf_adds(out, "<br><span class=\"muted\">");
        html_out_text(out, k->kind);
        strbuf_addf(out,
                    "</span></td><td%s>%s</td><td class=\"n\">%ld</td><td class=\"n\">%ld"
                    "</td><td>",
                    k->veto ? " class=\"veto\"" : "", k->veto ? "单项否决" : "扣分/提示", k->sites,
                    k->defects);
        for (size_t e = 0; e < k->nexamples; e++) {
            if (e)
                strbuf_adds(out, "、");
            html_out_text(out, b->sites[k->examples[e]].name);
        }
        if (k->sites > (long)k->nexamples)
            strbuf_addf(out, " 等 %ld 个", k->sites);
        strbuf_adds(out, "</td></tr>\n");
    }
    strbuf_adds(out, "</tbody>\n</table>\n</section>\n");
}

static void failing(const struct bulletin *b, struct strbuf *out)
{
    strbuf_adds(out, "<section>\n<h2>三、问题网站名单</h2>\n");
    if (b->n.failed == 0) {
        strbuf_adds(out, "<p>本轮没有不合格网站。</p>\n</section>\n");
        return;
    }
    strbuf_addf(out,
                "<table>\n<caption>不合格网站（%ld 个）</caption>\n<thead><tr><th "
                "scope=\"col\">网站名称</th><th scope=\"col\">网站标识码</th><th "
                "scope=\"col\">地区</th><th scope=\"col\">得分</th><th scope=\"col\">"
                "不合格原因</th><th scope=\"col\">整改期限</th></tr></thead>\n<tbody>\n",
                b->n.failed);
    struct strbuf why = STRBUF_INIT;
    for (size_t i = 0; i < b->nsites; i++) {
        const struct sitereport *sr = &b->sites[i];
        if (strcmp(sr->verdict, "fail") != 0)
            continue;
        strbuf_adds(out, "<tr><td>");
        html_out_link(out, sr->url, sr->name);
        strbuf_adds(out, "</td><td>");
        html_out_text(out, sr->code);
        strbuf_adds(out, "</td><td>");
        html_out_text(out, sr->region);
        strbuf_addf(out, "</td><td class=\"n\">%.10g</td><td>", sr->r.score);
        strbuf_reset(&why);
        bulletin_reasons(sr, &why);
        html_out_text(out, why.buf);
        strbuf_addf(out, "</td><td>%s</td></tr>\n", sr->deadline);
    }
    strbuf_release(&why);
    strbuf_adds(out, "</tbody>\n</table>\n</section>\n");
}

static void rectification(const struct bulletin *b, struct strbuf *out)
{
    strbuf_adds(out, "<section>\n<h2>四、整改要求</h2>\n");
    if (b->n.failed)
        strbuf_addf(out,
                    "<p>请各不合格网站的主办单位自结论作出之日起 %d 天内完成整改（期限见上表），"
                    "并对照各网站的问题报告逐项整改扣分项。整改期满后将对不合格项进行复查，"
                    "复查结果在下一期通报中公布。</p>\n",
                    b->rd.rectification_days);
    else
        strbuf_adds(out, "<p>请各网站主办单位对照问题报告自行整改扣分项和提示项。</p>\n");
    if (!b->have_prev) {
        strbuf_adds(out, "<p>上一轮：无（本轮为首轮抽查）。</p>\n</section>\n");
        return;
    }
    if (b->pn.failed == 0) {
        strbuf_addf(out, "<p>上一轮（%s 第%d轮）没有不合格网站。</p>\n</section>\n", b->prd.quarter,
                    b->prd.number);
        return;
    }
    strbuf_addf(out,
                "<table>\n<caption>上一轮（%s 第%d轮）不合格网站的整改情况</caption>\n"
                "<thead><tr><th scope=\"col\">网站名称</th><th scope=\"col\">网站标识码</th>"
                "<th scope=\"col\">整改期限</th><th scope=\"col\">整改情况</th></tr></thead>"
                "\n<tbody>\n",
                b->prd.quarter, b->prd.number);
    for (size_t i = 0; i < b->nprev; i++) {
        const struct sitereport *sr = &b->prev_sites[i];
        if (strcmp(sr->verdict, "fail") != 0)
            continue;
        strbuf_adds(out, "<tr><td>");
        html_out_text(out, sr->name);
        strbuf_adds(out, "</td><td>");
        html_out_text(out, sr->code);
        struct rectification_view v = sitereport_rectification(sr);
        strbuf_addf(out, "</td><td>%s</td><td>", sr->deadline);
        rectification_state_zh(&v, out);
        strbuf_addf(out, "（%s）</td></tr>\n", rectification_state(&v));
    }
    strbuf_adds(out, "</tbody>\n</table>\n");
    /* the evidence of both checks, site by site */
    for (size_t i = 0; i < b->nprev; i++) {
        const struct sitereport *sr = &b->prev_sites[i];
        if (strcmp(sr->verdict, "fail") != 0 || !sr->have_rect)
            continue;
        struct rectification_view v = sitereport_rectification(sr);
        strbuf_adds(out, "<h3>");
        html_out_text(out, sr->name);
        strbuf_adds(out, "（");
        html_out_text(out, sr->code);
        strbuf_adds(out, "）：");
        rectification_state_zh(&v, out);
        strbuf_adds(out, "</h3>\n");
        rectification_html_items(&v, out);
    }
    strbuf_adds(out, "<p class=\"muted\">复查：整改期满次日对不合格项的再次检查（重新抓取网站，"
                     "逐项对照）；未到期的列为“待复查”。</p>\n</section>\n");
}

static void proof(const struct bulletin *b, struct strbuf *out)
{
    strbuf_adds(out, "<section>\n<h2>五、抽样的可验证性</h2>\n<p>本轮抽样由公开的随机种子和抽样框"
                     "（抽查时正常运行网站的名单）唯一确定，任何人都可以重新计算核对。</p>\n"
                     "<dl class=\"facts\">\n<dt>随机种子</dt><dd><code>");
    html_out_text(out, b->seed);
    strbuf_adds(out, "</code>（");
    html_out_text(out, b->seed_source);
    strbuf_adds(out, "）</dd>\n<dt>抽样框哈希（SHA-256）</dt><dd><code>");
    html_out_text(out, b->frame_hash);
    strbuf_addf(out,
                "</code></dd>\n<dt>抽样框</dt><dd>%ld 个正常运行网站</dd>\n<dt>样本</dt><dd>"
                "%ld 个，其中与本季度前一轮重复 %ld 个</dd>\n<dt>抽样时间</dt><dd>",
                b->n.frame, b->n.sampled, b->repeats);
    html_out_text(out, b->drawn_at);
    strbuf_adds(out, "</dd>\n</dl>\n<p>验证方法：在保存抽查数据库的机器上运行 <code>spotcheck "
                     "verify ");
    html_out_text(out, b->rd.quarter);
    strbuf_addf(out, " %d</code>，结果完全一致时退出码为 0；<code>spotcheck verify ", b->rd.number);
    html_out_text(out, b->rd.quarter);
    strbuf_addf(out,
                " %d --frame</code> 输出被哈希的抽样框，其 SHA-256 应等于上列哈希。"
                "算法说明见 docs/sampling.md。</p>\n</section>\n",
                b->rd.number);
}

int bulletin_html(const struct bulletin *b, struct strbuf *out)
{
    struct strbuf title = STRBUF_INIT;
    strbuf_addf(&title, "%s 第%d轮政府网站抽查情况通报", b->rd.quarter, b->rd.number);
    html_out_page_begin(out, title.buf);
    strbuf_adds(out, "<main>\n<header>\n<h1>");
    html_out_text(out, title.buf);
    strbuf_release(&title);
    strbuf_addf(out, "</h1>\n<p class=\"muted\">检查窗口 %s 至 %s%s</p>\n</header>\n",
                b->rd.window_start, b->rd.window_end,
                b->rd.finalised ? "" : "（本轮尚未结束，数字为截至目前的结果）");
    overview(b, out);
    problems(b, out);
    failing(b, out);
    rectification(b, out);
    proof(b, out);
    strbuf_adds(out, "</main>\n");
    html_out_page_end(out);
    return out->failed ? SC_ENOMEM : SC_OK;
}

/* sitereport_html: a site's defect report as a printable HTML page in Chinese (sitereport.h):
 * the verdict, the problems in the order to fix them with their rules, the broken links,
 * the stale and blank columns, missing sections and identity problems, the monitoring week
 * (inline SVG and its table) with the failed probes, the changes since the previous round,
 * and the rectification deadline. Every stored string is escaped (html.h). */
#include "reports/chart_avail.h"
#include "reports/html.h"
#include "reports/sitereport.h"
#include "common/clock.h"

#include <stdio.h>
#include <string.h>

static const char *verdict_zh(const char *v)
{
    return strcmp(v, "pass") == 0 ? "合格" : strcmp(v, "fail") == 0 ? "不合格" : "待定";
}

static const char *severity_zh(enum defect_severity s)
{
    return s == SEVERITY_VETO ? "单项否决" : s == SEVERITY_DEDUCT ? "扣分" : "提示";
}

static void moment(struct strbuf *out, const char *t)
{
    /* "2026-10-09T03:12:00+08:00" -> "2026-10-09 03:12" */
    char buf[17];
    snprintf(buf, sizeof buf, "%.16s", t ? t : "");
    char *T = strchr(buf, 'T');
    if (T)
        *T = ' ';
    html_out_text(out, buf);
}

static void day(struct strbuf *out, long d)
{
    char buf[16];
    if (d == SC_NO_DAY) {
        strbuf_adds(out, "无日期");
        return;
    }
    sc_day_format(d, buf);
    strbuf_adds(out, buf);
}

static void num(struct strbuf *out, double v)
{
    strbuf_addf(out, "%.10g", v);
}

static void header(const struct sitereport *sr, struct strbuf *out)
{
    const struct sitereport_round *rd = sr->round;
    strbuf_adds(out, "<header>\n<h1>网站问题报告：");
    html_out_text(out, sr->name);
    strbuf_adds(out, "</h1>\n<p class=\"muted\">");
    html_out_text(out, rd->quarter);
    strbuf_addf(out, " 第%d轮政府网站抽查 · 供网站主办单位整改使用</p>\n", rd->number);
    strbuf_adds(out, "<dl class=\"facts\">\n<dt>网站名称</dt><dd>");
    html_out_text(out, sr->name);
    strbuf_adds(out, "</dd>\n<dt>网站标识码</dt><dd>");
    html_out_text(out, sr->code);
    strbuf_adds(out, "</dd>\n<dt>首页</dt><dd>");
    html_out_link(out, sr->url, NULL);
    strbuf_adds(out, "</dd>\n<dt>所属地区</dt><dd>");
    html_out_text(out, sr->region);
    strbuf_adds(out, "</dd>\n<dt>检查时间</dt><dd>");
    if (sr->crawled) {
        moment(out, sr->meta.started_at);
        if (*sr->meta.finished_at) {
            strbuf_adds(out, " 至 ");
            moment(out, sr->meta.finished_at);
        }
    } else {
        strbuf_adds(out, "尚未检查");
    }
    strbuf_addf(out, "</dd>\n<dt>结论</dt><dd class=\"%s\">%s</dd>\n", sr->verdict,
                verdict_zh(sr->verdict));
    strbuf_adds(out, "<dt>得分</dt><dd>");
    if (strcmp(sr->verdict, "pending") != 0) {
        num(out, sr->r.score);
        strbuf_addf(out, " / 100（合格线 %g 分，且无单项否决）", rd->rules->v[RULE_PASS_SCORE]);
    } else {
        strbuf_adds(out, "待定");
    }
    strbuf_adds(out, "</dd>\n");
    if (*sr->deadline)
        strbuf_addf(out, "<dt>整改期限</dt><dd class=\"fail\">%s 前</dd>\n", sr->deadline);
    strbuf_adds(out, "</dl>\n</header>\n");
}

static void problems(const struct sitereport *sr, struct strbuf *out)
{
    strbuf_adds(out, "<section>\n<h2>一、需整改的问题（按整改先后排列）</h2>\n");
    if (sr->r.ndefects == 0) {
        strbuf_adds(out, strcmp(sr->verdict, "pending") == 0 ? "<p>本轮检查尚未完成。</p>\n"
                                                             : "<p>未发现问题。</p>\n");
        strbuf_adds(out, "</section>\n");
        return;
    }
    strbuf_adds(out, "<p>先整改单项否决项（任何一项即判为不合格），再按扣分多少整改扣分项。</p>\n"
                     "<table>\n<caption>问题清单</caption>\n<thead><tr><th scope=\"col\">序号"
                     "</th><th scope=\"col\">类别</th><th scope=\"col\">问题</th><th "
                     "scope=\"col\">规则（键：值）</th><th scope=\"col\">扣分</th><th "
                     "scope=\"col\">证据</th><th scope=\"col\">本轮新增</th></tr></thead>\n"
                     "<tbody>\n");
    for (size_t k = 0; k < sr->r.ndefects; k++) {
        size_t i = sr->order[k];
        const struct defect_record *d = &sr->r.defects[i];
        const struct sitereport_rule *ru = &sr->rules_of[i];
        strbuf_addf(out, "<tr><td class=\"n\">%zu</td><td%s>%s</td><td>", k + 1,
                    d->severity == SEVERITY_VETO ? " class=\"veto\"" : "",
                    severity_zh(d->severity));
        html_out_text(out, sitereport_kind_label(d->kind));
        strbuf_adds(out, "<br><span class=\"muted\">");
        html_out_text(out, d->kind);
        strbuf_adds(out, "</span></td><td>");
        if (ru->key) {
            html_out_text(out, ru->key);
            strbuf_adds(out, "：");
            num(out, ru->value);
            strbuf_adds(out, "<br><span class=\"muted\">");
            html_out_text(out, ru->why);
            strbuf_adds(out, "</span>");
        } else {
            strbuf_adds(out, "—");
        }
        strbuf_adds(out, "</td><td class=\"n\">");
        if (d->severity == SEVERITY_DEDUCT)
            num(out, d->points);
        else
            strbuf_adds(out, "—");
        strbuf_adds(out, "</td><td>");
        html_out_text(out, d->detail);
        if (d->url) {
            strbuf_adds(out, "<br>");
            html_out_link(out, d->url, NULL);
        }
        strbuf_addf(out, "</td><td>%s</td></tr>\n", sr->is_new[i] ? "是" : "否");
    }
    strbuf_adds(out, "</tbody>\n</table>\n</section>\n");
}

static void links(const struct sitereport *sr, struct strbuf *out)
{
    strbuf_adds(out, "<section>\n<h2>二、失效链接</h2>\n");
    size_t n = 0;
    for (size_t i = 0; i < sr->r.nlinks; i++)
        n += sr->r.links[i].result == LINK_BROKEN || sr->r.links[i].result == LINK_SUSPECTED;
    if (n == 0) {
        strbuf_adds(out, "<p>未发现失效链接。</p>\n</section>\n");
        return;
    }
    strbuf_addf(out,
                "<table>\n<caption>失效及疑似失效链接（%zu 个）</caption>\n<thead><tr>"
                "<th scope=\"col\">链接</th><th scope=\"col\">所在页面</th><th "
                "scope=\"col\">链接文字</th><th scope=\"col\">结果</th><th "
                "scope=\"col\">状态/错误</th><th scope=\"col\">检查时间</th><th "
                "scope=\"col\">跳转链</th></tr></thead>\n<tbody>\n",
                n);
    for (size_t i = 0; i < sr->r.nlinks; i++) {
        const struct link_record *l = &sr->r.links[i];
        if (l->result != LINK_BROKEN && l->result != LINK_SUSPECTED)
            continue;
        strbuf_adds(out, "<tr><td>");
        html_out_link(out, l->url, NULL);
        strbuf_adds(out, "</td><td>");
        html_out_link(out, l->found_on, NULL);
        if (l->on_homepage)
            strbuf_adds(out, "（首页）");
        strbuf_adds(out, "</td><td>");
        html_out_text(out, l->anchor);
        strbuf_addf(out, "</td><td>%s</td><td>",
                    l->result == LINK_BROKEN ? "失效" : "疑似失效（待复查）");
        if (l->status)
            strbuf_addf(out, "HTTP %d ", l->status);
        html_out_text(out, l->error);
        strbuf_adds(out, "</td><td>");
        moment(out, *sr->meta.finished_at ? sr->meta.finished_at : sr->meta.started_at);
        strbuf_adds(out, "</td><td>");
        if (l->nredirects == 0)
            strbuf_adds(out, "无");
        for (size_t k = 0; k < l->nredirects; k++) {
            strbuf_adds(out, k ? "<br>→ " : "→ ");
            html_out_text(out, l->redirects[k]);
        }
        strbuf_adds(out, "</td></tr>\n");
    }
    strbuf_adds(out, "</tbody>\n</table>\n</section>\n");
}

/* Where the crawl found a column, for a maintainer looking for it: 首页 (the homepage),
 * 导航栏 (the navigation) or 栏目索引页 (a section index page). */
static const char *found_in_zh(enum column_found_in f)
{
    switch (f) {
    case FOUND_NAVIGATION:
        return "导航栏";
    case FOUND_SECTION_INDEX:
        return "栏目索引页";
    case FOUND_HOMEPAGE:
        break;
    }
    return "首页";
}

static void columns(const struct sitereport *sr, struct strbuf *out)
{
    strbuf_adds(out, "<section>\n<h2>三、栏目不更新与空白栏目</h2>\n");
    size_t n = 0;
    for (size_t i = 0; i < sr->r.ncolumns; i++)
        n += sr->r.columns[i].stale || sr->r.columns[i].blank;
    if (n == 0) {
        strbuf_adds(out, "<p>未发现超期未更新或空白的栏目。</p>\n</section>\n");
        return;
    }
    strbuf_addf(out,
                "<table>\n<caption>问题栏目（%zu 个）</caption>\n<thead><tr><th "
                "scope=\"col\">栏目</th><th scope=\"col\">类别</th><th scope=\"col\">发现位置"
                "</th><th scope=\"col\">列表页</th><th scope=\"col\">最近更新</th><th scope=\"col\">更新期限</th><th "
                "scope=\"col\">问题</th></tr></thead>\n<tbody>\n",
                n);
    for (size_t i = 0; i < sr->r.ncolumns; i++) {
        const struct column_record *c = &sr->r.columns[i];
        if (!c->stale && !c->blank)
            continue;
        strbuf_adds(out, "<tr><td>");
        html_out_text(out, c->name);
        strbuf_adds(out, "</td><td>");
        html_out_text(out, column_category_name(c->category));
        strbuf_adds(out, "</td><td>");
        html_out_text(out, found_in_zh(c->found_in));
        strbuf_adds(out, "</td><td>");
        if (c->url)
            html_out_link(out, c->url, NULL);
        else
            strbuf_adds(out, "—");
        strbuf_adds(out, "</td><td>");
        day(out, c->latest);
        strbuf_addf(out, "</td><td class=\"n\">%d 天</td><td>", c->limit_days);
        if (c->blank) {
            strbuf_adds(out, "空白栏目");
        } else if (c->latest != SC_NO_DAY && c->limit_days > 0) {
            /* the window broke the day after latest + limit_days */
            strbuf_adds(out, "超期未更新（");
            day(out, c->latest + c->limit_days + 1);
            strbuf_adds(out, " 起）");
        } else {
            strbuf_adds(out, "超期未更新（无带日期的条目）");
        }
        strbuf_adds(out, "</td></tr>\n");
    }
    strbuf_adds(out, "</tbody>\n</table>\n</section>\n");
}

static void yes_no(struct strbuf *out, const char *what, int ok, const char *value)
{
    strbuf_adds(out, "<tr><th scope=\"row\">");
    strbuf_adds(out, what);
    strbuf_addf(out, "</th><td%s>", ok ? "" : " class=\"fail\"");
    if (value)
        html_out_text(out, value);
    else
        strbuf_adds(out, ok ? "有" : "未发现");
    strbuf_adds(out, "</td></tr>\n");
}

static void identity(const struct sitereport *sr, struct strbuf *out)
{
    strbuf_adds(out, "<section>\n<h2>四、必备栏目与网站标识</h2>\n");
    size_t missing = 0;
    for (size_t i = 0; i < sr->r.nsections; i++)
        missing += sr->r.sections[i].required && !sr->r.sections[i].present;
    if (!sr->crawled) {
        strbuf_adds(out, "<p>本轮检查尚未完成。</p>\n</section>\n");
        return;
    }
    if (missing == 0) {
        strbuf_adds(out, "<p>必备栏目齐全。</p>\n");
    } else {
        strbuf_adds(out, "<h3>缺少的必备栏目</h3>\n<ul>\n");
        for (size_t i = 0; i < sr->r.nsections; i++) {
            const struct section_record *s = &sr->r.sections[i];
            if (!s->required || s->present)
                continue;
            strbuf_adds(out, "<li>");
            html_out_text(out, s->name);
            if (s->url) {
                strbuf_adds(out, "：链接 ");
                html_out_link(out, s->url, NULL);
                strbuf_adds(out, " 无法打开");
            } else {
                strbuf_adds(out, "：首页未找到入口");
            }
            strbuf_adds(out, "</li>\n");
        }
        strbuf_adds(out, "</ul>\n");
    }
    const struct site_identity *id = &sr->r.identity;
    strbuf_adds(out, "<table>\n<caption>网站标识（页脚）</caption>\n<tbody>\n");
    const char *code_state = !id->site_code               ? NULL
                             : id->site_code_matches == 0 ? "与登记不符"
                                                          : NULL;
    strbuf_adds(out, "<tr><th scope=\"row\">网站标识码</th><td");
    strbuf_adds(out, !id->site_code || id->site_code_matches == 0 ? " class=\"fail\">" : ">");
    if (id->site_code)
        html_out_text(out, id->site_code);
    else
        strbuf_adds(out, "未发现");
    if (code_state) {
        strbuf_adds(out, "（");
        strbuf_adds(out, code_state);
        strbuf_adds(out, "，登记为 ");
        html_out_text(out, sr->code);
        strbuf_adds(out, "）");
    }
    strbuf_adds(out, "</td></tr>\n");
    yes_no(out, "ICP备案号", id->icp != NULL, id->icp);
    yes_no(out, "公安机关备案号", id->police_record != NULL, id->police_record);
    yes_no(out, "党政机关网站标识", id->has_party_badge, NULL);
    yes_no(out, "“我为政府网站找错”入口", id->has_error_report, NULL);
    yes_no(out, "主办单位", id->sponsor != NULL, id->sponsor);
    yes_no(out, "站内搜索", id->has_search, NULL);
    strbuf_adds(out, "</tbody>\n</table>\n</section>\n");
}

static void availability(const struct sitereport *sr, struct strbuf *out)
{
    const struct sitereport_round *rd = sr->round;
    strbuf_adds(out, "<section>\n<h2>五、首页可用性监测</h2>\n");
    if (!sr->have_avail) {
        strbuf_adds(out, "<p>本轮的可用性监测尚未开始。</p>\n</section>\n");
        return;
    }
    strbuf_addf(out,
                "<p>自 %s 起监测 %d 天：共探测 %ld 次，其中有效 %ld 次，失败 %ld 次，失败率 "
                "%.1f%%（否决线 %g%%，每天至少 %g 次）。结论：",
                rd->week_from, rd->days, sr->av.probes, sr->av.conclusive, sr->av.failures,
                100.0 * sr->av.failure_rate, rd->rules->v[RULE_VETO_UNAVAILABLE_PERCENT],
                rd->rules->v[RULE_AVAIL_PROBES_PER_DAY]);
    strbuf_adds(out, sr->avail_veto ? "<span class=\"veto\">单项否决（站点无法访问）</span>"
                                    : "未达否决线");
    strbuf_adds(out, "。</p>\n<figure>\n");
    struct chart_avail_opts o = {rd->week_from, rd->rules->v[RULE_VETO_UNAVAILABLE_PERCENT],
                                 (long)rd->rules->v[RULE_AVAIL_PROBES_PER_DAY], "avail"};
    chart_avail_svg(out, sr->per_day_conclusive, sr->per_day_failed, rd->days, &o);
    strbuf_adds(out, "<figcaption>每日可用率（柱高）；虚线为否决线。</figcaption>\n</figure>\n");
    chart_avail_table(out, sr->per_day_conclusive, sr->per_day_failed, rd->days, &o);
    if (sr->nprobes == 0) {
        strbuf_adds(out, "<p>监测期间没有失败的探测。</p>\n</section>\n");
        return;
    }
    strbuf_addf(out,
                "<table>\n<caption>失败的探测（%zu 次）</caption>\n<thead><tr><th "
                "scope=\"col\">时间</th><th scope=\"col\">状态/错误</th><th "
                "scope=\"col\">耗时</th><th scope=\"col\">计入</th></tr></thead>\n<tbody>\n",
                sr->nprobes);
    for (size_t i = 0; i < sr->nprobes; i++) {
        const struct sitereport_probe *p = &sr->probes[i];
        strbuf_adds(out, "<tr><td>");
        moment(out, p->probed_at);
        strbuf_adds(out, "</td><td>");
        if (p->status)
            strbuf_addf(out, "HTTP %d ", p->status);
        html_out_text(out, p->error);
        strbuf_adds(out, "</td><td class=\"n\">");
        if (p->total_ms >= 0)
            strbuf_addf(out, "%ld ms", p->total_ms);
        strbuf_adds(out, "</td><td>");
        if (p->conclusive == 1)
            strbuf_adds(out, "计入");
        else if (p->conclusive == 0) {
            strbuf_adds(out, "不计入（");
            html_out_text(out, p->reason ? p->reason : "inconclusive");
            strbuf_adds(out, "）");
        } else
            strbuf_adds(out, "待判定");
        strbuf_adds(out, "</td></tr>\n");
    }
    strbuf_adds(out, "</tbody>\n</table>\n</section>\n");
}

static void changes(const struct sitereport *sr, struct strbuf *out)
{
    strbuf_adds(out, "<section>\n<h2>六、与本网站上一次抽查相比</h2>\n");
    if (!sr->have_prev) {
        strbuf_adds(out, "<p>本网站此前未被抽查检查，没有可比较的上一次结果。</p>\n</section>\n");
        return;
    }
    strbuf_addf(out, "<p>上一次抽查（%s 第%d轮）结论：%s", sr->prev_quarter, sr->prev_number,
                verdict_zh(sr->prev_verdict));
    if (sr->prev_judged) {
        strbuf_adds(out, "，得分 ");
        num(out, sr->prev_score);
    }
    size_t nnew = 0;
    for (size_t i = 0; i < sr->r.ndefects; i++)
        nnew += sr->is_new[i];
    strbuf_addf(out, "。本轮新增问题 %zu 个，已整改（本轮未再发现）%zu 个。</p>\n", nnew,
                sr->nfixed);
    if (sr->nfixed) {
        strbuf_adds(out, "<table>\n<caption>上一轮发现、本轮未再发现的问题</caption>\n<thead><tr>"
                         "<th scope=\"col\">问题</th><th scope=\"col\">位置</th><th "
                         "scope=\"col\">证据</th></tr></thead>\n<tbody>\n");
        for (size_t k = 0; k < sr->nfixed; k++) {
            const struct defect_record *d = &sr->prev.defects[sr->fixed[k]];
            strbuf_adds(out, "<tr><td>");
            html_out_text(out, sitereport_kind_label(d->kind));
            strbuf_adds(out, "</td><td>");
            if (d->url)
                html_out_link(out, d->url, NULL);
            strbuf_adds(out, "</td><td>");
            html_out_text(out, d->detail);
            strbuf_adds(out, "</td></tr>\n");
        }
        strbuf_adds(out, "</tbody>\n</table>\n");
    }
    strbuf_adds(out, "</section>\n");
}

static void rectification(const struct sitereport *sr, struct strbuf *out)
{
    strbuf_adds(out, "<section>\n<h2>七、整改要求</h2>\n");
    if (*sr->deadline) {
        strbuf_addf(out,
                    "<p>本网站本轮检查不合格。请于 <strong>%s</strong> 前完成整改（自结论作出"
                    "之日起 %d 天），整改期满后将对不合格项进行复查。</p>\n",
                    sr->deadline, sr->round->rectification_days);
        struct rectification_view v = sitereport_rectification(sr);
        strbuf_adds(out, "<p>复查结果：<strong>");
        rectification_state_zh(&v, out);
        strbuf_adds(out, "</strong></p>\n");
        rectification_html_items(&v, out);
    } else if (strcmp(sr->verdict, "pass") == 0)
        strbuf_adds(out, "<p>本网站本轮检查合格。请对上列扣分项和提示项自行整改。</p>\n");
    else
        strbuf_adds(out, "<p>本轮结论尚未作出，整改期限待定。</p>\n");
    strbuf_adds(out, "</section>\n");
}

int sitereport_html(const struct sitereport *sr, struct strbuf *out)
{
    struct strbuf title = STRBUF_INIT;
    strbuf_addf(&title, "%s %s 第%d轮 网站问题报告", sr->name, sr->round->quarter,
                sr->round->number);
    html_out_page_begin(out, title.buf);
    strbuf_release(&title);
    strbuf_adds(out, "<main>\n");
    header(sr, out);
    problems(sr, out);
    links(sr, out);
    columns(sr, out);
    identity(sr, out);
    availability(sr, out);
    changes(sr, out);
    rectification(sr, out);
    strbuf_adds(out, "</main>\n<footer><p class=\"muted\">本报告由 spotcheck 根据数据库中保存的检查"
                     "结果生成；规则键与数值见检查规则表（docs/rules.md）。</p></footer>\n");
    html_out_page_end(out);
    return out->failed ? SC_ENOMEM : SC_OK;
}

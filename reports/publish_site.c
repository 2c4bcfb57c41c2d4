/* publish_site: a site's page of the public site (DIR/sites/<code>.html): what the registry
 * says of it, its results round by round, and for each round the evidence: defects, broken
 * links with their anchor text and page, stale and blank columns, and the availability week
 * (its chart is reports/chart_avail's, placed in the marked slot). */
#include "reports/chart_avail.h"
#include "reports/publish_html.h"
#include "reports/publish_pages.h"

#include <stdio.h>
#include <string.h>

static const struct pub_result *find(const struct pub_round *r, const char *code)
{
    for (size_t i = 0; i < r->nsites; i++)
        if (strcmp(r->sites[i].code, code) == 0)
            return &r->sites[i];
    return NULL;
}

/* A URL as a link when it is http(s), else as text; both escaped. */
static void url_cell(struct strbuf *out, const char *url)
{
    if (pub_href_ok(url)) {
        strbuf_adds(out, "<a href=\"");
        pub_escape(out, url);
        strbuf_adds(out, "\" rel=\"nofollow\">");
        pub_escape(out, url);
        strbuf_adds(out, "</a>");
    } else {
        pub_escape(out, url);
    }
}

static void history(struct strbuf *out, const struct pub_data *d, const char *code)
{
    strbuf_adds(out, "<h2 id=\"history\">历次抽查结果</h2>\n" PUB_TABLE_WIDE_BEGIN "\n"
                     "<caption>本网站在各轮抽查中的结果</caption>\n<thead><tr>"
                     "<th scope=\"col\">轮次</th><th scope=\"col\">结论</th>"
                     "<th scope=\"col\" class=\"num\">得分</th>"
                     "<th scope=\"col\">首页可用性（失败/监测次数）</th>"
                     "<th scope=\"col\">主要问题</th><th scope=\"col\">整改期限</th>"
                     "</tr></thead>\n<tbody>\n");
    for (size_t i = d->nrounds; i-- > 0;) {
        const struct pub_round *r = &d->rounds[i];
        const struct pub_result *s = find(r, code);
        if (!s)
            continue;
        char slug[32];
        pub_round_slug(r, slug, sizeof slug);
        strbuf_addf(out, "<tr><th scope=\"row\"><a href=\"../%s/index.html\">", slug);
        pub_round_name(out, r);
        strbuf_addf(out, "</a></th><td class=\"%s\">%s</td><td class=\"num\">",
                    pub_verdict_class(s->verdict), pub_verdict_zh(s->verdict));
        if (s->has_score)
            strbuf_addf(out, "%.1f", s->score);
        else
            strbuf_adds(out, "—");
        strbuf_adds(out, "</td><td>");
        if (s->has_avail)
            strbuf_addf(out, "%ld/%ld（%.1f%%）%s", s->failures, s->probes, 100.0 * s->failure_rate,
                        s->avail_veto ? " 否决" : "");
        else
            strbuf_adds(out, "—");
        strbuf_adds(out, "</td><td>");
        pub_main_defects(out, s, 5);
        strbuf_adds(out, "</td><td class=\"date\">");
        pub_rectification_cell(out, s);
        strbuf_adds(out, "</td></tr>\n");
    }
    strbuf_adds(out, "</tbody>\n" PUB_TABLE_END);
}

static void defects_table(struct strbuf *out, const struct pub_result *s, const char *slug)
{
    if (s->ndefects == 0) {
        strbuf_adds(out, "<p>未发现问题。</p>\n");
        return;
    }
    strbuf_addf(out,
                PUB_TABLE_WIDE_BEGIN
                "\n<caption>发现的问题（%s）</caption>\n<thead><tr>"
                "<th scope=\"col\">问题</th><th scope=\"col\">性质</th>"
                "<th scope=\"col\">位置</th><th scope=\"col\">说明</th></tr></thead>\n"
                "<tbody>\n",
                slug);
    for (int sev = 0; sev < 3; sev++) {
        static const char *const order[] = {"veto", "deduct", "info"};
        for (size_t i = 0; i < s->ndefects; i++) {
            const struct pub_defect *d = &s->defects[i];
            int known = !strcmp(d->severity, "veto") || !strcmp(d->severity, "deduct") ||
                        !strcmp(d->severity, "info");
            if (known ? strcmp(d->severity, order[sev]) != 0 : sev != 2)
                continue;
            strbuf_adds(out, "<tr><td>");
            pub_escape(out, pub_defect_kind_zh(d->kind));
            strbuf_adds(out, "</td><td>");
            pub_escape(out, pub_severity_zh(d->severity));
            strbuf_adds(out, "</td><td>");
            url_cell(out, d->url);
            strbuf_adds(out, "</td><td>");
            pub_escape(out, d->detail);
            strbuf_adds(out, "</td></tr>\n");
        }
    }
    strbuf_adds(out, "</tbody>\n" PUB_TABLE_END);
}

static void links_table(struct strbuf *out, const struct pub_result *s, const char *slug)
{
    if (s->nlinks == 0)
        return;
    strbuf_addf(out,
                PUB_TABLE_WIDE_BEGIN
                "\n<caption>不可用和疑似不可用的链接（%s）</caption>\n"
                "<thead><tr><th scope=\"col\">链接文字</th><th scope=\"col\">链接地址</th>"
                "<th scope=\"col\">所在页面</th><th scope=\"col\">结果</th></tr></thead>\n"
                "<tbody>\n",
                slug);
    for (size_t i = 0; i < s->nlinks; i++) {
        const struct pub_link *l = &s->links[i];
        strbuf_adds(out, "<tr><td>");
        pub_escape(out, *l->anchor ? l->anchor : "（无文字）");
        strbuf_adds(out, "</td><td>");
        url_cell(out, l->url);
        strbuf_adds(out, "</td><td>");
        url_cell(out, l->found_on);
        strbuf_addf(out, "%s</td><td>%s", l->on_homepage ? "（首页）" : "",
                    l->suspected ? "疑似不可用" : "不可用");
        if (l->status)
            strbuf_addf(out, "，HTTP %d", l->status);
        if (*l->error) {
            strbuf_adds(out, "，");
            pub_escape(out, l->error);
        }
        strbuf_adds(out, "</td></tr>\n");
    }
    strbuf_adds(out, "</tbody>\n" PUB_TABLE_END);
}

static void columns_table(struct strbuf *out, const struct pub_result *s, const char *slug)
{
    if (s->ncolumns == 0)
        return;
    strbuf_addf(out,
                PUB_TABLE_WIDE_BEGIN
                "\n<caption>未按时更新或空白的栏目（%s）</caption>\n"
                "<thead><tr><th scope=\"col\">栏目</th><th scope=\"col\">栏目页面</th>"
                "<th scope=\"col\">最近更新</th><th scope=\"col\">问题</th></tr></thead>\n"
                "<tbody>\n",
                slug);
    for (size_t i = 0; i < s->ncolumns; i++) {
        const struct pub_column *c = &s->columns[i];
        strbuf_adds(out, "<tr><td>");
        pub_escape(out, c->name);
        strbuf_adds(out, "</td><td>");
        url_cell(out, c->url);
        strbuf_addf(out, "</td><td>%s</td><td>", *c->latest ? c->latest : "未知");
        if (c->blank)
            strbuf_adds(out, "空白栏目");
        else
            strbuf_addf(out, "超过%d天未更新", c->limit_days);
        strbuf_adds(out, "</td></tr>\n");
    }
    strbuf_adds(out, "</tbody>\n" PUB_TABLE_END);
}

static void round_detail(struct strbuf *out, const struct pub_round *r, const struct pub_result *s)
{
    char slug[32];
    pub_round_slug(r, slug, sizeof slug);
    strbuf_addf(out, "<section aria-labelledby=\"r-%s\">\n<h2 id=\"r-%s\">", slug, slug);
    pub_round_name(out, r);
    strbuf_addf(out, "：<span class=\"%s\">%s</span>", pub_verdict_class(s->verdict),
                pub_verdict_zh(s->verdict));
    if (s->has_score)
        strbuf_addf(out, "，%.1f分", s->score);
    strbuf_adds(out, "</h2>\n");
    if (*s->crawled_at) {
        strbuf_adds(out, "<p>检查时间：");
        pub_escape(out, s->crawled_at);
        strbuf_adds(out, "。");
        if (*s->deadline)
            strbuf_addf(out, "整改期限：%s。", s->deadline);
        strbuf_adds(out, "</p>\n");
    }
    strbuf_addf(out,
                "<section id=\"availability-%s\" aria-labelledby=\"av-%s\">\n"
                "<h3 id=\"av-%s\">首页可用性监测</h3>\n",
                slug, slug, slug);
    if (s->has_avail && s->avail_days > 0) {
        char id[64];
        snprintf(id, sizeof id, "avc-%s", slug);
        struct chart_avail_opts o = {s->avail_from, r->veto_percent, r->probes_per_day, id};
        chart_avail_svg(out, s->avail_per_day, s->avail_failed_per_day, s->avail_days, &o);
        chart_avail_table(out, s->avail_per_day, s->avail_failed_per_day, s->avail_days, &o);
    }
    if (s->has_avail)
        strbuf_addf(out, "<p>监测期内有效探测%ld次，失败%ld次（%.1f%%）%s。</p>\n", s->probes,
                    s->failures, 100.0 * s->failure_rate,
                    s->avail_veto ? "，达到单项否决标准" : "，未达到单项否决标准");
    else
        strbuf_adds(out, "<p>本轮无可用性监测数据。</p>\n");
    strbuf_adds(out, "</section>\n");
    defects_table(out, s, slug);
    links_table(out, s, slug);
    columns_table(out, s, slug);
    if (*s->deadline) {
        /* 整改 and 复查: the outcome, and both checks item by item once re-checked */
        struct rectification_view v = pub_rectification_view(s);
        strbuf_addf(out, "<section id=\"rectification-%s\">\n<h3>整改与复查</h3>\n<p>整改期限：%s。"
                         "复查结果：",
                    slug, s->deadline);
        rectification_state_zh(&v, out);
        strbuf_adds(out, "。</p>\n");
        rectification_html_items(&v, out);
        strbuf_adds(out, "</section>\n");
    }
    strbuf_adds(out, "</section>\n");
}

void pub_page_site(struct strbuf *out, const struct pub_options *o, const struct pub_data *d,
                   const char *code)
{
    const struct pub_result *latest = NULL;
    for (size_t i = d->nrounds; i-- > 0 && !latest;)
        latest = find(&d->rounds[i], code);
    if (!latest)
        return;
    pub_page_begin(out, "../", o->title, *latest->name ? latest->name : code);
    strbuf_adds(out, "<h1>");
    pub_escape(out, *latest->name ? latest->name : code);
    strbuf_adds(out, "</h1>\n<dl>\n<dt>网站标识码</dt><dd><code>");
    pub_escape(out, code);
    strbuf_adds(out, "</code></dd>\n<dt>首页网址</dt><dd>");
    url_cell(out, latest->url);
    strbuf_adds(out, "</dd>\n<dt>主办单位</dt><dd>");
    pub_escape(out, *latest->sponsor ? latest->sponsor : "—");
    strbuf_adds(out, "</dd>\n<dt>地区</dt><dd>");
    pub_escape(out, *latest->region ? latest->region : "—");
    strbuf_adds(out, "</dd>\n</dl>\n");
    history(out, d, code);
    for (size_t i = d->nrounds; i-- > 0;) {
        const struct pub_result *s = find(&d->rounds[i], code);
        if (s)
            round_detail(out, &d->rounds[i], s);
    }
    pub_page_end(out, "../");
}

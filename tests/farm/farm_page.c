/* farm_page: renders the farm's pages (homepage, column list pages, articles, section pages)
 * as UTF-8 HTML from the model; farm_gen.c converts GBK sites afterwards.
 *
 * The markup varies the way real government sites do: div/ul blocks, old table layouts and
 * tabbed blocks; five date styles; the charset in a meta tag or not at all (the header then
 * carries it). Item titles are derived from (seed, host, column, item) alone, so the homepage,
 * the list page and the article always agree. */
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "tests/farm/farm.h"

static void esc(struct strbuf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            strbuf_adds(out, "&lt;");
            break;
        case '>':
            strbuf_adds(out, "&gt;");
            break;
        case '&':
            strbuf_adds(out, "&amp;");
            break;
        case '"':
            strbuf_adds(out, "&quot;");
            break;
        default:
            strbuf_addch(out, *s);
        }
    }
}

void farm_date_format(long day, int style, int home, char *out, size_t n)
{
    int y, m, d;
    sc_civil_from_days(day, &y, &m, &d);
    switch (style) {
    case FARM_D_SLASH:
        snprintf(out, n, "%04d/%02d/%02d", y, m, d);
        break;
    case FARM_D_CN:
        snprintf(out, n, "%04d年%02d月%02d日", y, m, d);
        break;
    case FARM_D_BRACKET:
        if (home)
            snprintf(out, n, "[%02d-%02d]", m, d);
        else
            snprintf(out, n, "[%04d-%02d-%02d]", y, m, d);
        break;
    case FARM_D_MMDD:
        if (home) {
            snprintf(out, n, "%02d-%02d", m, d);
            break;
        }
        /* fall through */
    default:
        snprintf(out, n, "%04d-%02d-%02d", y, m, d);
        break;
    }
}

static void item_title(const struct farm_model *m, const struct farm_site *s, int col, int i,
                       struct strbuf *out)
{
    char salt[160];
    struct farm_rng r;
    snprintf(salt, sizeof salt, "t/%s/%s/%d", s->host, s->cols[col].slug, s->cols[col].seq[i]);
    farm_rng_seed(&r, m->opts.seed, salt);
    farm_text_title(&r, s->place, s->cols[col].cat, out);
}

static void page_head(const struct farm_site *s, const char *title, struct strbuf *out)
{
    const char *mc = farm_meta_charset(s);
    if (s->layout == FARM_TABLE) {
        strbuf_adds(out, "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
                         "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
                         "<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n");
        if (mc)
            strbuf_addf(out,
                        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\" />\n",
                        mc);
    } else {
        strbuf_adds(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n");
        if (mc)
            strbuf_addf(out, "<meta charset=\"%s\">\n", mc);
    }
    strbuf_adds(out, "<title>");
    esc(out, title);
    strbuf_adds(out, "</title>\n<meta name=\"SiteName\" content=\"");
    esc(out, s->name);
    strbuf_addf(out, "\">\n<meta name=\"SiteDomain\" content=\"%s\">\n", s->host);
    if (s->code_shown && s->index % 2 == 0)
        strbuf_addf(out, "<meta name=\"SiteIDCode\" content=\"%s\">\n", s->code);
    strbuf_adds(out, "<link rel=\"stylesheet\" href=\"/css/style.css\">\n</head>\n<body>\n");
    strbuf_adds(out,
                "<div class=\"header\"><div class=\"logo\"><img src=\"/images/logo.png\" alt=\"");
    esc(out, s->name);
    strbuf_adds(out, "\"><span>");
    esc(out, s->name);
    strbuf_adds(out,
                "</span></div></div>\n<div class=\"nav\"><ul>\n<li><a href=\"/\">首页</a></li>\n");
    for (int i = 0; i < FARM_NSECTIONS; i++) {
        if (i == 1)
            strbuf_addf(out, "<li><a href=\"/%s/index.html\">新闻中心</a></li>\n", s->cols[0].slug);
        const struct farm_section *x = &s->sections[i];
        if (!x->present)
            continue;
        struct strbuf href = STRBUF_INIT;
        if (x->offsite)
            farm_section_url(s, i, &href);
        else
            strbuf_addf(&href, "/%s/", x->slug);
        if (x->style == FARM_SEC_IMAGE_ALT)
            strbuf_addf(out,
                        "<li><a href=\"%s\"><img src=\"/images/logo.png\" alt=\"%s\"></a></li>\n",
                        href.buf, x->label);
        else if (x->style == FARM_SEC_IMAGE_TITLE)
            strbuf_addf(out,
                        "<li><a href=\"%s\" title=\"%s\"><img src=\"/images/logo.png\"></a></li>\n",
                        href.buf, x->label);
        else
            strbuf_addf(out, "<li><a href=\"%s\">%s</a></li>\n", href.buf, x->label);
        strbuf_release(&href);
    }
    /* the columns shown only in the navigation: a nested drop-down menu */
    int nav_cols = 0;
    for (int i = 0; i < s->ncols; i++) {
        if (s->cols[i].where != FARM_AT_NAV)
            continue;
        if (nav_cols++ == 0)
            strbuf_adds(out, "<li class=\"drop\"><span>专题栏目</span><ul class=\"sub\">\n");
        strbuf_addf(out, "<li><a href=\"/%s/index.html\">%s</a></li>\n", s->cols[i].slug,
                    s->cols[i].name);
    }
    if (nav_cols)
        strbuf_adds(out, "</ul></li>\n");
    strbuf_adds(out, "</ul></div>\n");
}

static void page_foot(const struct farm_site *s, struct strbuf *out)
{
    strbuf_adds(out, "<div class=\"footer\">\n<div class=\"jc\">");
    strbuf_addf(out,
                "<a href=\"http://bszs.conac.cn/sitename?method=show&amp;id=%d\" "
                "target=\"_blank\"><img src=\"/images/dzjg.png\" alt=\"党政机关\"></a>\n",
                (int)(s->index * 7919 % 100000 + 100000));
    if (s->code_shown)
        strbuf_addf(out,
                    "<a href=\"http://zfwzzc.www.gov.cn/check_web/errorSubmit_index.action?"
                    "site_code=%s\" target=\"_blank\"><img src=\"/images/jiucuo.png\" "
                    "alt=\"我为政府网站找错\"></a>",
                    s->code);
    else
        strbuf_adds(out, "<a href=\"http://zfwzzc.www.gov.cn/check_web/errorSubmit_index.action\" "
                         "target=\"_blank\"><img src=\"/images/jiucuo.png\" "
                         "alt=\"我为政府网站找错\"></a>");
    strbuf_adds(out, "</div>\n<p>主办单位：");
    esc(out, s->sponsor);
    strbuf_addf(out, "　联系电话：%s</p>\n<p>", s->phone);
    if (s->code_shown)
        strbuf_addf(out, "网站标识码：%s　", s->code);
    strbuf_addf(out,
                "<a href=\"http://beian.miit.gov.cn/\" target=\"_blank\">%s</a>　"
                "<a href=\"http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=%.14s\" "
                "target=\"_blank\"><img src=\"/images/ga.png\" alt=\"\">%s</a></p>\n",
                s->icp, s->psb + strlen("湘公网安备 "), s->psb);
    if (s->decl == FARM_DECL_GB2312) /* characters GBK has and GB2312 lacks */
        strbuf_adds(out, "<p>技术支持：湖南堃喆信息技术有限公司</p>\n");
    strbuf_adds(out, "</div>\n</body>\n</html>\n");
}

static void planted_links(const struct farm_site *s, int on_home, struct strbuf *out)
{
    int any = 0;
    for (int i = 0; i < s->nlinks; i++) {
        const struct farm_link *l = &s->links[i];
        if (l->on_home != on_home)
            continue;
        if (!any)
            strbuf_adds(out, on_home ? "<div class=\"zt\"><h3>专题专栏</h3><ul>\n"
                                     : "<div class=\"xgfj\"><h4>相关链接</h4><ul>\n");
        any = 1;
        strbuf_adds(out, "<li>");
        if (l->image) {
            strbuf_adds(out, "<img src=\"");
            esc(out, l->href);
            strbuf_adds(out, "\" alt=\"");
            esc(out, l->anchor);
            strbuf_adds(out, "\">");
        } else {
            strbuf_adds(out, "<a href=\"");
            esc(out, l->href);
            strbuf_adds(out, "\" target=\"_blank\">");
            esc(out, l->anchor);
            strbuf_adds(out, "</a>");
        }
        strbuf_adds(out, "</li>\n");
    }
    if (any)
        strbuf_adds(out, "</ul></div>\n");
}

static void home_items(const struct farm_model *m, const struct farm_site *s, int col,
                       struct strbuf *out)
{
    const struct farm_column *c = &s->cols[col];
    char date[48];
    struct strbuf path = STRBUF_INIT, title = STRBUF_INIT;
    const char *none = c->home_form == FARM_HOME_ZANWU_NEIRONG ? "暂无内容" : "暂无信息";
    if (c->home_items == 0 && c->home_form != FARM_HOME_NO_ROWS) {
        if (s->layout == FARM_TABLE)
            strbuf_addf(out, "<tr><td colspan=\"2\">%s</td></tr>\n", none);
        else
            strbuf_addf(out, "<li class=\"empty\">%s</li>\n", none);
    }
    for (int i = 0; i < c->home_items; i++) {
        strbuf_reset(&path);
        strbuf_reset(&title);
        farm_article_path(c, i, &path);
        item_title(m, s, col, i, &title);
        farm_date_format(c->dates[i], s->date_style, 1, date, sizeof date);
        if (s->layout == FARM_TABLE)
            strbuf_addf(out,
                        "<tr><td class=\"bt\">·<a href=\"%s\" target=\"_blank\">%s</a></td>"
                        "<td class=\"rq\" align=\"right\">%s</td></tr>\n",
                        path.buf, title.buf, date);
        else
            strbuf_addf(out,
                        "<li><a href=\"%s\" title=\"%s\" target=\"_blank\">%s</a>"
                        "<span class=\"date\">%s</span></li>\n",
                        path.buf, title.buf, title.buf, date);
    }
    strbuf_release(&path);
    strbuf_release(&title);
}

void farm_page_home(const struct farm_model *m, const struct farm_site *s, struct strbuf *out)
{
    struct strbuf more = STRBUF_INIT;
    page_head(s, s->name, out);
    strbuf_adds(out, "<div class=\"main\">\n");
    if (s->nav_only) { /* a navigation entry: the columns' names, no item, no date */
        strbuf_adds(out, "<div class=\"entry\"><ul>\n");
        for (int i = 0; i < s->ncols; i++)
            strbuf_addf(out, "<li><a href=\"/%s/index.html\">%s</a></li>\n", s->cols[i].slug,
                        s->cols[i].name);
        strbuf_adds(out, "</ul></div>\n");
    }
    for (int i = 0; i < s->ncols && !s->nav_only; i++) {
        const struct farm_column *c = &s->cols[i];
        if (c->where != FARM_AT_HOME)
            continue; /* only in the navigation or on the column index pages */
        strbuf_reset(&more);
        strbuf_addf(&more, "/%s/index.html", c->slug);
        if (s->layout == FARM_TABLE) {
            strbuf_addf(out,
                        "<table width=\"100%%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\" "
                        "class=\"lm\">\n<tr><td class=\"lm-title\"><b>%s</b></td>"
                        "<td align=\"right\"><a href=\"%s\">更多&gt;&gt;</a></td></tr>\n",
                        c->name, more.buf);
            home_items(m, s, i, out);
            strbuf_adds(out, "</table>\n");
        } else if (s->layout == FARM_TABS) {
            int prev = i - 1, next = i + 1; /* the homepage's columns around this one */
            while (prev >= 0 && s->cols[prev].where != FARM_AT_HOME)
                prev--;
            while (next < s->ncols && s->cols[next].where != FARM_AT_HOME)
                next++;
            int first = prev < 0 || s->cols[prev].tab_group != c->tab_group;
            int last = next >= s->ncols || s->cols[next].tab_group != c->tab_group;
            if (first) {
                strbuf_addf(out, "<div class=\"tab-box\" id=\"tabs%d\">\n<ul class=\"tab-nav\">\n",
                            c->tab_group);
                for (int j = i, k = 0; j < s->ncols; j++) {
                    if (s->cols[j].where != FARM_AT_HOME)
                        continue;
                    if (s->cols[j].tab_group != c->tab_group)
                        break;
                    strbuf_addf(out,
                                "<li id=\"tab%d_%d\"%s onmouseover=\"showTab(%d,%d)\">%s</li>\n",
                                c->tab_group, k, j == i ? " class=\"on\"" : "", c->tab_group, k,
                                s->cols[j].name);
                    k++;
                }
                strbuf_adds(out, "</ul>\n");
            }
            strbuf_addf(out, "<div class=\"tab-con\" id=\"con_%s\"%s><ul>\n", c->slug,
                        first ? "" : " style=\"display:none\"");
            home_items(m, s, i, out);
            strbuf_addf(out, "</ul><div class=\"more\"><a href=\"%s\">更多</a></div></div>\n",
                        more.buf);
            if (last)
                strbuf_adds(out, "</div>\n");
        } else {
            strbuf_addf(
                out,
                "<div class=\"news-box\">\n<div class=\"box-hd\"><h3>%s</h3>"
                "<a class=\"more\" href=\"%s\">更多&gt;&gt;</a></div>\n<ul class=\"list\">\n",
                c->name, more.buf);
            home_items(m, s, i, out);
            strbuf_adds(out, "</ul>\n</div>\n");
        }
    }
    planted_links(s, 1, out);
    strbuf_adds(out, "</div>\n");
    if (s->layout == FARM_TABS)
        strbuf_adds(out, "<script>function showTab(g,i){var c=document.querySelectorAll("
                         "'#tabs'+g+' .tab-con');for(var k=0;k<c.length;k++)"
                         "c[k].style.display=k==i?'':'none';}</script>\n");
    page_foot(s, out);
    strbuf_release(&more);
}

void farm_page_list(const struct farm_model *m, const struct farm_site *s, int col, int page,
                    struct strbuf *out)
{
    const struct farm_column *c = &s->cols[col];
    int pages = farm_column_pages(c);
    struct strbuf path = STRBUF_INIT, title = STRBUF_INIT;
    char date[48];
    page_head(s, c->name, out);
    strbuf_addf(out,
                "<div class=\"position\">当前位置：<a href=\"/\">首页</a> &gt; "
                "<a href=\"/%s/index.html\">%s</a></div>\n<div class=\"list-main\">\n<h2>%s</h2>\n",
                c->slug, c->name, c->name);
    /* an empty list: a 暂无信息 message, an empty <ul>, or only the list's own pager */
    if (c->nitems == 0 && c->list_form == FARM_LIST_PAGER_ONLY)
        strbuf_addf(out,
                    "<div class=\"page\">共0条 共1页 当前第1页 <a href=\"/%s/index.html\">首页</a> "
                    "<a href=\"/%s/index.html\">上一页</a> <a href=\"/%s/index.html\">1</a> "
                    "<a href=\"/%s/index.html\">下一页</a> <a href=\"/%s/index.html\">尾页</a>"
                    "</div>\n",
                    c->slug, c->slug, c->slug, c->slug, c->slug);
    else
        strbuf_adds(out, "<ul class=\"list\">\n");
    if (c->nitems == 0 && c->list_form == FARM_LIST_ZANWU)
        strbuf_adds(out, "<li class=\"empty\">暂无信息</li>\n");
    for (int i = page * c->per_page; i < c->nitems && i < (page + 1) * c->per_page; i++) {
        strbuf_reset(&path);
        strbuf_reset(&title);
        farm_article_path(c, i, &path);
        item_title(m, s, col, i, &title);
        farm_date_format(c->dates[i], s->date_style, 0, date, sizeof date);
        strbuf_addf(out, "<li><a href=\"%s\" target=\"_blank\">%s</a><span>%s</span></li>\n",
                    path.buf, title.buf, date);
    }
    if (c->nitems > 0 || c->list_form != FARM_LIST_PAGER_ONLY)
        strbuf_adds(out, "</ul>\n");
    if (c->nitems > 0) {
        strbuf_addf(out, "<div class=\"page\">共%d条 共%d页 当前第%d页 ", c->nitems, pages,
                    page + 1);
        farm_pager(c, page, pages, out);
        strbuf_adds(out, "</div>\n");
    }
    strbuf_adds(out, "</div>\n");
    page_foot(s, out);
    strbuf_release(&path);
    strbuf_release(&title);
}

void farm_page_article(const struct farm_model *m, const struct farm_site *s, int col, int i,
                       struct strbuf *out)
{
    const struct farm_column *c = &s->cols[col];
    struct strbuf title = STRBUF_INIT, p = STRBUF_INIT, lp = STRBUF_INIT;
    char date[48], salt[160];
    item_title(m, s, col, i, &title);
    page_head(s, title.buf, out);
    int y, mo, d;
    sc_civil_from_days(c->dates[i], &y, &mo, &d);
    if (s->date_style == FARM_D_CN)
        snprintf(date, sizeof date, "%04d年%02d月%02d日", y, mo, d);
    else
        snprintf(date, sizeof date, "%04d-%02d-%02d %02d:%02d", y, mo, d, 8 + c->seq[i] % 10,
                 c->seq[i] * 7 % 60);
    strbuf_addf(out,
                "<div class=\"position\">当前位置：<a href=\"/\">首页</a> &gt; "
                "<a href=\"/%s/index.html\">%s</a></div>\n<div class=\"article\">\n<h1>%s</h1>\n"
                "<div class=\"info\">发布时间：%s　来源：",
                c->slug, c->name, title.buf, date);
    esc(out, s->sponsor);
    strbuf_addf(out, "　浏览次数：%d</div>\n<div class=\"content\">\n", c->seq[i] * 37 % 5000);
    struct farm_rng r;
    snprintf(salt, sizeof salt, "a/%s/%d", s->host, c->seq[i]);
    farm_rng_seed(&r, m->opts.seed, salt);
    farm_text_paragraphs(&r, s->place, farm_rng_range(&r, 150, 900), out);
    strbuf_adds(out, "</div>\n<div class=\"prevnext\">");
    if (i > 0) {
        farm_article_path(c, i - 1, &p);
        strbuf_addf(out, "<p>上一篇：<a href=\"%s\">上一篇</a></p>", p.buf);
    }
    if (i + 1 < c->nitems) {
        strbuf_reset(&p);
        farm_article_path(c, i + 1, &p);
        strbuf_addf(out, "<p>下一篇：<a href=\"%s\">下一篇</a></p>", p.buf);
    }
    strbuf_adds(out, "</div>\n");
    strbuf_reset(&p);
    farm_article_path(c, i, &p);
    farm_link_page_path(s, &lp);
    if (strcmp(p.buf, lp.buf) == 0)
        planted_links(s, 0, out);
    strbuf_adds(out, "</div>\n");
    page_foot(s, out);
    strbuf_release(&title);
    strbuf_release(&p);
    strbuf_release(&lp);
}

void farm_page_section(const struct farm_model *m, const struct farm_site *s, int sec,
                       struct strbuf *out)
{
    (void)m;
    const struct farm_section *x = &s->sections[sec];
    page_head(s, x->label, out);
    strbuf_addf(out, "<div class=\"section\"><h2>%s</h2>\n", x->label);
    if (sec == 2) /* 办事服务: its lists of 事项 first */
        farm_guides_section_links(s, out);
    strbuf_adds(out, "<ul>\n");
    for (int i = 0; i < s->ncols; i++)
        strbuf_addf(out, "<li><a href=\"/%s/index.html\">%s</a></li>\n", s->cols[i].slug,
                    s->cols[i].name);
    strbuf_adds(out, "</ul></div>\n");
    if (!strcmp(x->name, "互动交流"))
        farm_channel_links(s, out);
    page_foot(s, out);
}

void farm_page_simple(const struct farm_site *s, const char *title, const char *body,
                      struct strbuf *out)
{
    page_head(s, title, out);
    strbuf_addf(out, "<div class=\"main\"><h2>%s</h2>%s</div>\n", title, body);
    page_foot(s, out);
}

/* publish_html: escaping and the page frame of the public results site (publish_html.h). */
#include "reports/publish_html.h"
#include "common/utf8.h"

#include <string.h>

void pub_escape_n(struct strbuf *out, const char *s, size_t n)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end && *p) {
        unsigned char c = *p;
        if (c >= 0x80) {
            size_t len = utf8_sequence_length(p, (size_t)(end - p));
            if (len == 0) {
                strbuf_adds(out, "\xEF\xBF\xBD");
                p++;
            } else {
                strbuf_add(out, p, len);
                p += len;
            }
            continue;
        }
        switch (c) {
        case '&':
            strbuf_adds(out, "&amp;");
            break;
        case '<':
            strbuf_adds(out, "&lt;");
            break;
        case '>':
            strbuf_adds(out, "&gt;");
            break;
        case '"':
            strbuf_adds(out, "&quot;");
            break;
        case '\'':
            strbuf_adds(out, "&#39;");
            break;
        default:
            if (c >= 0x20 || c == '\t' || c == '\n')
                strbuf_addch(out, c);
            else if (c == '\r')
                strbuf_addch(out, ' ');
        }
        p++;
    }
}

void pub_escape(struct strbuf *out, const char *s)
{
    if (s)
        pub_escape_n(out, s, strlen(s));
}

int pub_href_ok(const char *url)
{
    return url && (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0);
}

/* Contrast: body text #1a1a1a, links #0b4f9c, pass #1b5e20, fail #a4161a and muted #555 all
 * reach at least 7:1 (or 4.5:1 for muted) on white. Tables scroll inside .scroll on a phone. */
static const char style[] =
    "<style>\n"
    ":root{color-scheme:light}\n"
    "body{margin:0;font-family:system-ui,\"PingFang SC\",\"Noto Sans CJK SC\",\"Microsoft YaHei\","
    "sans-serif;line-height:1.6;color:#1a1a1a;background:#fff;font-size:16px}\n"
    "header,main,footer{max-width:64rem;margin:0 auto;padding:0 1rem}\n"
    "header{border-bottom:3px solid #0b4f9c}\n"
    "header nav ul{list-style:none;margin:0;padding:.5rem 0;display:flex;flex-wrap:wrap;gap:.25rem "
    "1rem}\n"
    "a{color:#0b4f9c}a:focus{outline:3px solid #f0a500}\n"
    ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;"
    "padding:.25rem .5rem}\n"
    ".site-title{font-weight:bold}\n"
    "h1{font-size:1.5rem;line-height:1.3}h2{font-size:1.25rem;margin-top:2rem}\n"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}\n"
    "table{border-collapse:collapse;margin:.5rem 0 1rem;min-width:100%}\n"
    "caption{text-align:left;font-weight:bold;padding:.25rem 0}\n"
    "th,td{border:1px solid #8a8a8a;padding:.3rem .5rem;text-align:left;vertical-align:top}\n"
    "th{background:#e8eef6}\n"
    "td.num,th.num{text-align:right;white-space:nowrap}\n"
    "td.date,td code{white-space:nowrap}\n"
    "td{overflow-wrap:break-word}\n"
    "table.wide{min-width:44rem}\n"
    ".pass{color:#1b5e20;font-weight:bold}.fail{color:#a4161a;font-weight:bold}"
    ".pending{color:#555}\n"
    ".muted{color:#555}\n"
    "code,.hash{font-family:ui-monospace,monospace;overflow-wrap:anywhere;word-break:break-all}\n"
    "pre{background:#f3f3f3;padding:.5rem;overflow-x:auto;white-space:pre}\n"
    "figure{margin:1rem 0}figure svg{width:100%;max-width:32rem;height:auto;display:block}\n"
    "figcaption{font-weight:bold}\n"
    ".kpi{display:flex;flex-wrap:wrap;gap:1rem;padding:0;list-style:none}\n"
    ".kpi li{border:1px solid #8a8a8a;padding:.5rem .75rem;min-width:8rem}\n"
    ".kpi strong{display:block;font-size:1.4rem}\n"
    ".placeholder{border:2px dashed #8a8a8a;padding:.75rem}\n"
    "footer{border-top:1px solid #8a8a8a;margin-top:2rem;font-size:.9rem}\n"
    "</style>\n";

void pub_page_begin(struct strbuf *out, const char *rel, const char *site_title, const char *title)
{
    strbuf_adds(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<link rel=\"icon\" href=\"data:,\">\n"
                     "<title>");
    pub_escape(out, title);
    strbuf_adds(out, " - ");
    pub_escape(out, site_title);
    strbuf_adds(out, "</title>\n<link rel=\"alternate\" type=\"application/atom+xml\" href=\"");
    strbuf_adds(out, rel);
    strbuf_adds(out, "feed.xml\" title=\"");
    pub_escape(out, site_title);
    strbuf_adds(out, "\">\n");
    strbuf_adds(out, style);
    strbuf_adds(out,
                "</head>\n<body>\n<a class=\"skip\" href=\"#main\">跳到正文</a>\n<header>\n<nav "
                "aria-label=\"网站导航\"><ul>\n<li><a class="
                "\"site-title\" href=\"");
    strbuf_adds(out, rel);
    strbuf_adds(out, "index.html\">");
    pub_escape(out, site_title);
    strbuf_addf(out,
                "</a></li>\n<li><a href=\"%smethod.html\">检查方法</a></li>\n"
                "<li><a href=\"%sdata/latest.json\">开放数据</a></li>\n"
                "<li><a href=\"%sfeed.xml\">订阅（Atom）</a></li>\n</ul></nav>\n</header>\n"
                "<main id=\"main\">\n",
                rel, rel, rel);
}

void pub_page_end(struct strbuf *out, const char *rel)
{
    strbuf_addf(out,
                "</main>\n<footer>\n<p>本网站由 spotcheck 根据抽查数据库自动生成，"
                "不使用脚本，不加载其他网站的资源。数据可在<a href=\"%sdata/datapackage.json\">"
                "开放数据</a>中下载（CSV、JSON）。</p>\n</footer>\n</body>\n</html>\n",
                rel);
}

static const char *const kinds[][2] = {
    {"unreachable", "站点无法访问"},
    {"unavailable", "站点无法访问（监测）"},
    {"homepage_stale", "首页不更新"},
    {"columns_not_updated", "栏目不更新"},
    {"blank_columns", "空白栏目过多"},
    {"stale_column", "栏目长期未更新"},
    {"blank_column", "空白栏目"},
    {"missing_section", "缺少必备栏目"},
    {"missing_site_code", "未显示网站标识码"},
    {"wrong_site_code", "网站标识码不符"},
    {"missing_icp", "未显示ICP备案号"},
    {"missing_police_record", "未显示公安机关备案号"},
    {"missing_party_badge", "未显示党政机关网站标识"},
    {"missing_error_report", "缺少“我为政府网站找错”入口"},
    {"missing_sponsor", "未显示主办单位"},
    {"no_search", "缺少站内搜索"},
    {"non_gov_domain", "未使用政府网站域名"},
    {"sparse_updates", "信息更新量不足"},
    {"broken_link", "链接不可用"},
    {"suspected_link", "疑似不可用链接"},
    {"unanswered_message", "留言超期未答复"},
    {"no_interaction_channel", "无可用互动渠道"},
    {"incomplete_service_guide", "办事指南要素不全"},
};

const char *pub_defect_kind_zh(const char *kind)
{
    if (!kind)
        return "";
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i][0], kind) == 0)
            return kinds[i][1];
    return kind;
}

const char *pub_severity_zh(const char *severity)
{
    if (!severity)
        return "";
    if (strcmp(severity, "veto") == 0)
        return "单项否决";
    if (strcmp(severity, "deduct") == 0)
        return "扣分";
    if (strcmp(severity, "info") == 0)
        return "提示";
    return severity;
}

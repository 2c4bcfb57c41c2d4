/* publish_html: escaping and the page frame of the public results site (publish_html.h). */
#include "reports/publish_html.h"
#include "reports/html.h"
#include "reports/sitereport.h"

#include <string.h>

void pub_escape_n(struct strbuf *out, const char *s, size_t n)
{
    html_out_text_n(out, s, n);
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

/* The one table of the kinds' Chinese names is sitereport_rule.c's: a site's defect report,
 * the bulletin and the public site say the same thing. */
const char *pub_defect_kind_zh(const char *kind)
{
    return sitereport_kind_label(kind);
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

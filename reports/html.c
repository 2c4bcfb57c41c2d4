/* html: escaping and the shared page skeleton of the reports (html.h). */
#include "reports/html.h"
#include "common/utf8.h"

#include <string.h>
#include <strings.h>

void html_out_text_n(struct strbuf *out, const char *s, size_t len)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strnlen(s, len);
    while (left > 0) {
        size_t n = utf8_sequence_length(p, left);
        if (n == 0) {
            strbuf_adds(out, "\xEF\xBF\xBD");
            p++;
            left--;
            continue;
        }
        if (n == 1) {
            switch (*p) {
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
                if (*p >= 0x20 && *p != 0x7F)
                    strbuf_addch(out, *p);
                else if (*p == '\t' || *p == '\n')
                    strbuf_addch(out, *p);
                else if (*p == '\r')
                    strbuf_addch(out, ' ');
            }
        } else {
            strbuf_add(out, p, n);
        }
        p += n;
        left -= n;
    }
}

void html_out_text(struct strbuf *out, const char *s)
{
    if (s)
        html_out_text_n(out, s, strlen(s));
}

void html_out_attr(struct strbuf *out, const char *s)
{
    html_out_text(out, s);
}

void html_out_link(struct strbuf *out, const char *url, const char *text)
{
    if (url && (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0)) {
        strbuf_adds(out, "<a href=\"");
        html_out_attr(out, url);
        strbuf_adds(out, "\">");
        html_out_text(out, text ? text : url);
        strbuf_adds(out, "</a>");
    } else {
        html_out_text(out, text ? text : url);
    }
}

static const char style[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\","
    "\"PingFang SC\",sans-serif;color:#1a1a1a;background:#fff;margin:1.5em auto;"
    "max-width:60em;padding:0 1em;line-height:1.5;font-size:11pt}\n"
    "h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;border-bottom:1px solid #555;"
    "margin-top:1.4em}h3{font-size:1.05em}\n"
    "table{border-collapse:collapse;width:100%;margin:.5em 0}caption{text-align:left;"
    "font-weight:bold;padding:.2em 0}\n"
    "th,td{border:1px solid #888;padding:.2em .4em;vertical-align:top;text-align:left;"
    "overflow-wrap:break-word}th{background:#e8e8e8}\n"
    "td.n{text-align:right;white-space:nowrap}\n"
    ".veto{color:#8b0000;font-weight:bold}.pass{color:#0b5d1e;font-weight:bold}"
    ".fail{color:#8b0000;font-weight:bold}.muted{color:#555}\n"
    "dl.facts{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}"
    "dl.facts dt{font-weight:bold}dl.facts dd{margin:0}\n"
    "figure{margin:.5em 0}svg{max-width:100%;height:auto}\n"
    "a{color:#0645ad}\n"
    "@page{size:A4;margin:15mm 12mm}\n"
    "@media print{body{margin:0;max-width:none;padding:0;font-size:10pt}"
    "a{color:inherit;text-decoration:none}h2{break-after:avoid}"
    "tr,figure{break-inside:avoid}thead{display:table-header-group}}\n";

void html_out_page_begin(struct strbuf *out, const char *title)
{
    strbuf_adds(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                     "style-src 'unsafe-inline'; img-src data:\">\n"
                     "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    html_out_text(out, title);
    strbuf_adds(out, "</title>\n<style>\n");
    strbuf_adds(out, style);
    strbuf_adds(out, "</style>\n</head>\n<body>\n");
}

void html_out_page_end(struct strbuf *out)
{
    strbuf_adds(out, "</body>\n</html>\n");
}

/* publish_chart: inline SVG bar charts with a text alternative (publish_chart.h). */
#include "reports/publish_chart.h"
#include "common/utf8.h"
#include "reports/publish_html.h"

#include <string.h>

#define WIDTH 360
#define LABEL_W 112 /* the labels' column */
#define VALUE_W 100 /* the values' column */
#define BAR_H 18
#define ROW_H 28
#define TOP 8

/* Pass, fail, pending: dark enough for white text and distinct without colour vision
 * (the legend and the table say the same). */
static const char *const colours[PUB_CHART_SEGMENTS] = {"#1b5e20", "#a4161a", "#6b6b6b"};
static const char *const single_colour = "#0b4f9c";

/* A label cut to at most max columns (a CJK character is two, ASCII one; with "…"),
 * escaped. */
static void short_label(struct strbuf *out, const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), width = 0, i = 0;
    while (i < n) {
        size_t len = utf8_sequence_length(p + i, n - i);
        size_t w = len > 1 ? 2 : 1;
        if (width + w > max)
            break;
        width += w;
        i += len ? len : 1;
    }
    pub_escape_n(out, s, i);
    if (i < n)
        strbuf_adds(out, "…");
}

static void fmt_num(struct strbuf *out, double v)
{
    if (v == (double)(long)v)
        strbuf_addf(out, "%ld", (long)v);
    else
        strbuf_addf(out, "%.1f", v);
}

void pub_chart_bars(struct strbuf *out, const struct pub_chart *c, const struct pub_chart_bar *bars,
                    size_t n)
{
    strbuf_addf(out, "<figure id=\"%s\">\n<figcaption>", c->id);
    pub_escape(out, c->title);
    strbuf_adds(out, "</figcaption>\n");
    if (n == 0) {
        strbuf_adds(out, "<p>暂无数据。</p>\n</figure>\n");
        return;
    }
    int nseg = c->nseg < 1 ? 1 : c->nseg > PUB_CHART_SEGMENTS ? PUB_CHART_SEGMENTS : c->nseg;
    double max = c->max;
    if (max <= 0) {
        for (size_t i = 0; i < n; i++) {
            double t = 0;
            for (int s = 0; s < nseg; s++)
                t += bars[i].seg[s];
            if (t > max)
                max = t;
        }
    }
    if (max <= 0)
        max = 1;
    int legend = nseg > 1;
    int height = TOP + (int)n * ROW_H + (legend ? ROW_H : 0) + 4;
    strbuf_addf(out,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                "height=\"%d\" role=\"img\" aria-labelledby=\"%s-t %s-d\" "
                "font-size=\"12\" font-family=\"system-ui,sans-serif\">\n<title id=\"%s-t\">",
                WIDTH, height, WIDTH, height, c->id, c->id, c->id);
    pub_escape(out, c->title);
    strbuf_addf(out, "</title>\n<desc id=\"%s-d\">", c->id);
    pub_escape(out, c->desc);
    strbuf_adds(out, "</desc>\n");
    double span = WIDTH - LABEL_W - VALUE_W;
    for (size_t i = 0; i < n; i++) {
        int y = TOP + (int)i * ROW_H;
        strbuf_addf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#1a1a1a\">",
                    LABEL_W - 6, y + 13);
        short_label(out, bars[i].label ? bars[i].label : "", 16);
        strbuf_adds(out, "</text>\n");
        double x = LABEL_W;
        for (int s = 0; s < nseg; s++) {
            double w = bars[i].seg[s] / max * span;
            if (w <= 0)
                continue;
            strbuf_addf(out,
                        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", x,
                        y, w, BAR_H, nseg > 1 ? colours[s] : single_colour);
            x += w;
        }
        strbuf_addf(out, "<text x=\"%.1f\" y=\"%d\" fill=\"#1a1a1a\">", x + 4, y + 13);
        pub_escape(out, bars[i].value_text);
        strbuf_adds(out, "</text>\n");
    }
    if (legend) {
        int y = TOP + (int)n * ROW_H + 4, x = LABEL_W;
        for (int s = 0; s < nseg; s++) {
            strbuf_addf(out,
                        "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                        "<text x=\"%d\" y=\"%d\" fill=\"#1a1a1a\">",
                        x, y, colours[s], x + 16, y + 11);
            pub_escape(out, c->seg_names[s]);
            strbuf_adds(out, "</text>\n");
            x += 72;
        }
    }
    strbuf_adds(out, "</svg>\n");
    /* the same figures as a table */
    strbuf_adds(out, PUB_TABLE_BEGIN "\n<caption>");
    pub_escape(out, c->title);
    strbuf_adds(out, "（数据表）</caption>\n<thead><tr><th scope=\"col\">项目</th>");
    for (int s = 0; s < nseg; s++) {
        strbuf_adds(out, "<th scope=\"col\" class=\"num\">");
        pub_escape(out, c->seg_names[s] ? c->seg_names[s] : "数量");
        strbuf_adds(out, "</th>");
    }
    if (c->value_head) {
        strbuf_adds(out, "<th scope=\"col\" class=\"num\">");
        pub_escape(out, c->value_head);
        strbuf_adds(out, "</th>");
    }
    strbuf_adds(out, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        strbuf_adds(out, "<tr><th scope=\"row\">");
        pub_escape(out, bars[i].label);
        strbuf_adds(out, "</th>");
        for (int s = 0; s < nseg; s++) {
            strbuf_adds(out, "<td class=\"num\">");
            fmt_num(out, bars[i].seg[s]);
            strbuf_adds(out, "</td>");
        }
        if (c->value_head) {
            strbuf_adds(out, "<td class=\"num\">");
            pub_escape(out, bars[i].value_text);
            strbuf_adds(out, "</td>");
        }
        strbuf_adds(out, "</tr>\n");
    }
    strbuf_adds(out, "</tbody>\n" PUB_TABLE_END "</figure>\n");
}

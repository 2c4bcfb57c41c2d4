/* chart_avail: the availability week as inline SVG and as a table (chart_avail.h). */
#include "reports/chart_avail.h"
#include "common/clock.h"
#include "reports/html.h"

#include <stdio.h>

#define MAX_DAYS 31
#define W 640
#define H 240
#define LEFT 48
#define RIGHT 12
#define TOP 16
#define BOTTOM 40

static void day_label(const struct chart_avail_opts *o, int d, char *buf, size_t n, int full)
{
    int y, m, dd;
    if (o && o->first_day && sscanf(o->first_day, "%d-%d-%d", &y, &m, &dd) == 3 &&
        sc_date_valid(y, m, dd)) {
        char day[16];
        sc_day_format(sc_days_from_civil(y, m, dd) + d, day);
        snprintf(buf, n, "%s", full ? day : day + 5);
    } else {
        snprintf(buf, n, "第%d天", d + 1);
    }
}

/* availability of a day in percent, or -1 when it has no conclusive probe */
static double day_avail(long conclusive, long failed)
{
    if (conclusive <= 0)
        return -1;
    if (failed > conclusive)
        failed = conclusive;
    if (failed < 0)
        failed = 0;
    return 100.0 * (double)(conclusive - failed) / (double)conclusive;
}

void chart_avail_svg(struct strbuf *out, const long *per_day_conclusive, const long *per_day_failed,
                     int days, const struct chart_avail_opts *opts)
{
    if (days > MAX_DAYS)
        days = MAX_DAYS;
    if (days < 0)
        days = 0;
    const char *id = opts && opts->id ? opts->id : "av";
    long total = 0, failed = 0;
    for (int d = 0; d < days; d++) {
        total += per_day_conclusive[d];
        failed +=
            per_day_failed[d] < per_day_conclusive[d] ? per_day_failed[d] : per_day_conclusive[d];
    }
    strbuf_addf(out,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                "width=\"%d\" height=\"%d\" role=\"img\" aria-labelledby=\"",
                W, H, W, H);
    html_out_attr(out, id);
    strbuf_adds(out, "-t ");
    html_out_attr(out, id);
    strbuf_adds(out, "-d\"><title id=\"");
    html_out_attr(out, id);
    strbuf_addf(out, "-t\">每日可用率（%d天）</title><desc id=\"", days);
    html_out_attr(out, id);
    strbuf_addf(out, "-d\">监测%d天，有效探测%ld次，失败%ld次", days, total, failed);
    if (total > 0)
        strbuf_addf(out, "，总体可用率%.1f%%", 100.0 * (double)(total - failed) / (double)total);
    strbuf_adds(out, "。每根柱为一天的可用率");
    if (opts && opts->veto_percent > 0)
        strbuf_addf(out, "，虚线为否决线%.1f%%", 100.0 - opts->veto_percent);
    strbuf_adds(out, "。</desc>\n");
    int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
    /* axes and grid: 0, 50, 100 % */
    for (int g = 0; g <= 100; g += 25) {
        int y = TOP + ph - ph * g / 100;
        strbuf_addf(out,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\" "
                    "stroke-width=\"1\"/><text x=\"%d\" y=\"%d\" font-size=\"11\" "
                    "text-anchor=\"end\" fill=\"#333\">%d%%</text>\n",
                    LEFT, y, W - RIGHT, y, LEFT - 4, y + 4, g);
    }
    if (opts && opts->veto_percent > 0 && opts->veto_percent < 100) {
        double yv = TOP + ph - ph * (100.0 - opts->veto_percent) / 100.0;
        strbuf_addf(out,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#8b0000\" "
                    "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n",
                    LEFT, yv, W - RIGHT, yv);
    }
    for (int d = 0; d < days; d++) {
        double slot = (double)pw / days;
        double bw = slot * 0.7, x = LEFT + slot * d + (slot - bw) / 2;
        double a = day_avail(per_day_conclusive[d], per_day_failed[d]);
        char label[16], full[16];
        day_label(opts, d, label, sizeof label, 0);
        day_label(opts, d, full, sizeof full, 1);
        if (a < 0) {
            strbuf_addf(out,
                        "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" "
                        "fill=\"#8b0000\">无数据</text>\n",
                        x + bw / 2, TOP + ph - 4);
        } else {
            double bh = ph * a / 100.0;
            int short_day = opts && opts->min_probes_per_day > 0 &&
                            per_day_conclusive[d] < opts->min_probes_per_day;
            const char *fill =
                a >= 100.0 - (opts && opts->veto_percent > 0 ? opts->veto_percent : 5) ? "#2e7d32"
                                                                                       : "#c62828";
            strbuf_addf(out,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        "fill=\"%s\"%s><title>",
                        x, TOP + ph - bh, bw, bh, fill,
                        short_day ? " stroke=\"#000\" stroke-dasharray=\"3 2\"" : "");
            html_out_text(out, full);
            strbuf_addf(out, "：%.1f%%（%ld/%ld）</title></rect>\n", a,
                        per_day_conclusive[d] - (per_day_failed[d] < per_day_conclusive[d]
                                                     ? per_day_failed[d]
                                                     : per_day_conclusive[d]),
                        per_day_conclusive[d]);
        }
        strbuf_addf(out,
                    "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" "
                    "fill=\"#333\">",
                    x + bw / 2, H - BOTTOM + 16);
        html_out_text(out, label);
        strbuf_adds(out, "</text>\n");
    }
    strbuf_adds(out, "</svg>\n");
}

void chart_avail_table(struct strbuf *out, const long *per_day_conclusive,
                       const long *per_day_failed, int days, const struct chart_avail_opts *opts)
{
    if (days > MAX_DAYS)
        days = MAX_DAYS;
    strbuf_adds(out,
                "<table>\n<caption>每日可用性（图表的文字版）</caption>\n<thead><tr><th "
                "scope=\"col\">日期</th><th scope=\"col\">有效探测</th><th "
                "scope=\"col\">失败</th><th scope=\"col\">可用率</th></tr></thead>\n<tbody>\n");
    for (int d = 0; d < days; d++) {
        char full[16];
        day_label(opts, d, full, sizeof full, 1);
        long f =
            per_day_failed[d] < per_day_conclusive[d] ? per_day_failed[d] : per_day_conclusive[d];
        double a = day_avail(per_day_conclusive[d], per_day_failed[d]);
        strbuf_adds(out, "<tr><th scope=\"row\">");
        html_out_text(out, full);
        strbuf_addf(out, "</th><td class=\"n\">%ld</td><td class=\"n\">%ld</td><td class=\"n\">",
                    per_day_conclusive[d], f);
        if (a < 0)
            strbuf_adds(out, "无数据");
        else
            strbuf_addf(out, "%.1f%%", a);
        strbuf_adds(out, "</td></tr>\n");
    }
    strbuf_adds(out, "</tbody>\n</table>\n");
}

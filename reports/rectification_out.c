/* rectification_out: the rectification state and both checks' evidence in JSON and HTML
 * (rectification_out.h). */
#include "reports/rectification_out.h"
#include "reports/html.h"

#include <stdio.h>
#include <string.h>

const char *rectification_state(const struct rectification_view *v)
{
    if (!v->rec)
        return "due";
    return v->rec->rectified ? "rectified" : "not_rectified";
}

void rectification_state_zh(const struct rectification_view *v, struct strbuf *out)
{
    if (!v->rec)
        strbuf_adds(out, "整改中，待复查");
    else
        strbuf_addf(out, "%s（%.10s 复查）", v->rec->rectified ? "已整改" : "未整改",
                    v->rec->checked_at);
}

/* "2026-11-28T00:00:00+08:00" -> "2026-11-28T00:00", as crawled_at is shown */
static void minute(const char *moment, char out[17])
{
    snprintf(out, 17, "%.16s", moment ? moment : "");
}

void rectification_json(struct json_writer *w, const struct rectification_view *v)
{
    const struct rectification *rec = v->rec;
    char checked[17], rechecked[17];
    minute(v->checked_at, checked);
    minute(rec ? rec->checked_at : NULL, rechecked);
    json_object_begin(w);
    json_kv_string(w, "deadline", v->deadline);
    json_kv_int(w, "days", v->days);
    json_kv_string(w, "state", rectification_state(v));
    json_kv_string(w, "rechecked_at", rec ? rechecked : NULL);
    char day[11] = "";
    if (rec && rec->rectified)
        snprintf(day, sizeof day, "%.10s", rec->checked_at);
    json_kv_string(w, "rectified_on", *day ? day : NULL);
    json_key(w, "recheck");
    if (rec) {
        json_object_begin(w);
        json_kv_bool(w, "reachable", rec->reachable);
        json_kv_int(w, "pages_crawled", rec->pages_crawled);
        json_kv_int(w, "links_checked", rec->links_checked);
        json_key(w, "score");
        if (rec->judged)
            json_double(w, rec->score);
        else
            json_null(w);
        json_kv_string(w, "verdict", !rec->judged ? NULL : rec->verdict_pass ? "pass" : "fail");
        json_object_end(w);
    } else {
        json_null(w);
    }
    json_key(w, "items");
    if (rec) {
        json_array_begin(w);
        for (size_t i = 0; i < rec->nitems; i++) {
            const struct rectification_item_row *it = &rec->items[i];
            json_object_begin(w);
            json_kv_string(w, "kind", it->kind);
            json_kv_string(w, "severity", defect_severity_name(it->severity));
            json_kv_string(w, "url", it->url);
            json_kv_double(w, "points", it->points);
            json_kv_string(w, "state", it->fixed ? "fixed" : "still_there");
            json_key(w, "original");
            json_object_begin(w);
            json_kv_string(w, "checked_at", *checked ? checked : NULL);
            json_kv_string(w, "detail", it->detail);
            json_object_end(w);
            json_key(w, "recheck");
            json_object_begin(w);
            json_kv_string(w, "checked_at", rechecked);
            json_kv_string(w, "finding", it->fixed ? NULL : it->found_detail);
            json_object_end(w);
            json_object_end(w);
        }
        json_array_end(w);
    } else {
        json_null(w);
    }
    json_object_end(w);
}

void rectification_html_items(const struct rectification_view *v, struct strbuf *out)
{
    const struct rectification *rec = v->rec;
    if (!rec)
        return;
    char checked[17], rechecked[17];
    minute(v->checked_at, checked);
    minute(rec->checked_at, rechecked);
    strbuf_adds(out, "<table class=\"rectification\">\n<thead><tr><th scope=\"col\">问题</th>"
                     "<th scope=\"col\">原检查（");
    html_out_text(out, checked);
    strbuf_adds(out, "）</th><th scope=\"col\">复查（");
    html_out_text(out, rechecked);
    strbuf_adds(out, "）</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < rec->nitems; i++) {
        const struct rectification_item_row *it = &rec->items[i];
        strbuf_adds(out, "<tr><td>");
        html_out_text(out, it->kind);
        strbuf_adds(out, it->severity == SEVERITY_VETO ? "（单项否决）" : "");
        if (it->url) {
            strbuf_adds(out, "<br>");
            html_out_link(out, it->url, NULL);
        }
        strbuf_adds(out, "</td><td>");
        html_out_text(out, it->detail);
        strbuf_adds(out, "</td><td>");
        if (it->fixed) {
            strbuf_adds(out, "已整改（复查未再发现）");
        } else {
            strbuf_adds(out, "仍存在：");
            html_out_text(out, it->found_detail ? it->found_detail : "复查时网站无法打开");
        }
        strbuf_adds(out, "</td></tr>\n");
    }
    strbuf_addf(out, "</tbody>\n</table>\n<p>复查：%s，抓取 %d 个页面、检查 %d 个链接",
                rec->reachable ? "网站可以打开" : "网站无法打开", rec->pages_crawled,
                rec->links_checked);
    if (rec->judged)
        strbuf_addf(out, "，复查得分 %.1f", rec->score);
    strbuf_adds(out, "。</p>\n");
}

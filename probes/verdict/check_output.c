/* check_output: JSON and text rendering of `spotcheck check` results (see check_output.h). */
#include "probes/verdict/check_output.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"
#include "common/utf8.h"

#include <stdio.h>
#include <string.h>

int check_site_failed(const struct site_report *r)
{
    if (r->judged)
        return !r->verdict_pass;
    if (!r->reachable)
        return 1;
    for (size_t i = 0; i < r->nlinks; i++)
        if (r->links[i].result == LINK_BROKEN)
            return 1;
    return 0;
}

/* "updates": {d14, d90, d365, median_gap_days} of a column or the whole site. */
static void json_kv_updates(struct json_writer *w, const struct column_updates *u)
{
    json_key(w, "updates");
    json_object_begin(w);
    json_kv_int(w, "d14", u->d14);
    json_kv_int(w, "d90", u->d90);
    json_kv_int(w, "d365", u->d365);
    json_key(w, "median_gap_days");
    if (u->median_gap_days < 0)
        json_null(w);
    else
        json_double(w, u->median_gap_days);
    json_object_end(w);
}

static void json_kv_day(struct json_writer *w, const char *key, long day)
{
    json_key(w, key);
    if (day == SC_NO_DAY) {
        json_null(w);
    } else {
        char buf[16];
        sc_day_format(day, buf);
        json_string(w, buf);
    }
}

/* "services": the 办事服务 section's service guides checked (服务不实用), null when the site
 * has no section to follow. */
static void json_services(struct json_writer *w, const struct site_report *r)
{
    json_key(w, "services");
    if (!r->services_url) {
        json_null(w);
        return;
    }
    json_object_begin(w);
    json_kv_string(w, "url", r->services_url);
    json_kv_bool(w, "read", r->services_analysed);
    json_kv_int(w, "guides_checked", (long)r->nguides);
    int incomplete = 0;
    for (size_t i = 0; i < r->nguides; i++)
        incomplete += r->guides[i].missing != 0;
    json_kv_int(w, "guides_incomplete", incomplete);
    json_key(w, "guides");
    json_array_begin(w);
    for (size_t i = 0; i < r->nguides; i++) {
        const struct guide_record *g = &r->guides[i];
        json_object_begin(w);
        json_kv_string(w, "url", g->url);
        json_kv_string(w, "name", g->name ? g->name : "");
        json_key(w, "missing");
        json_array_begin(w);
        for (int e = 0; e < GUIDE_ELEMENTS; e++)
            if (g->missing & (1u << e))
                json_string(w, guide_element_name(e));
        json_array_end(w);
        json_object_end(w);
    }
    json_array_end(w);
    json_object_end(w);
}

/* The interaction probe's findings (互动回应差): channels and the unanswered messages;
 * null when the probe did not run. */
static void json_kv_interaction(struct json_writer *w, const struct site_report *r)
{
    json_key(w, "interaction");
    if (!r->interaction_analysed) {
        json_null(w);
        return;
    }
    json_object_begin(w);
    json_key(w, "channels");
    json_array_begin(w);
    for (size_t i = 0; i < r->nchannels; i++) {
        const struct interaction_channel *c = &r->channels[i];
        json_object_begin(w);
        json_kv_string(w, "name", c->name);
        json_kv_string(w, "url", c->url);
        json_key(w, "works");
        if (c->works < 0)
            json_null(w);
        else
            json_bool(w, c->works);
        json_kv_int(w, "messages_seen", c->messages_seen);
        json_kv_int(w, "answered", c->answered);
        json_key(w, "median_response_days");
        if (c->median_response_days < 0)
            json_null(w);
        else
            json_double(w, c->median_response_days);
        json_object_end(w);
    }
    json_array_end(w);
    json_key(w, "unanswered");
    json_array_begin(w);
    for (size_t i = 0; i < r->nunanswered; i++) {
        const struct unanswered_message *u = &r->unanswered[i];
        json_object_begin(w);
        json_kv_string(w, "url", u->url);
        json_kv_string(w, "title", u->title);
        json_kv_day(w, "asked", u->asked);
        json_object_end(w);
    }
    json_array_end(w);
    json_object_end(w);
}

static void json_site(struct json_writer *w, const struct site_report *r)
{
    json_object_begin(w);
    json_kv_string(w, "url", r->url);
    json_kv_bool(w, "reachable", r->reachable);
    if (!r->reachable)
        json_kv_string(w, "error", r->unreachable_error ? r->unreachable_error : "unknown");
    json_kv_int(w, "pages_crawled", r->pages_crawled);
    json_kv_int(w, "links_checked", r->links_checked);
    json_key(w, "verdict");
    if (r->judged)
        json_string(w, r->verdict_pass ? "pass" : "fail");
    else
        json_null(w);
    json_key(w, "score");
    if (r->judged)
        json_double(w, r->score);
    else
        json_null(w);

    json_key(w, "homepage");
    if (r->homepage_analysed) {
        json_object_begin(w);
        json_kv_day(w, "latest", r->homepage_latest);
        json_kv_bool(w, "stale", r->homepage_stale);
        json_kv_string(w, "mode", r->homepage_navigation ? "navigation" : "items");
        json_kv_string(w, "latest_from", r->homepage_navigation ? r->homepage_latest_url : NULL);
        json_object_end(w);
    } else {
        json_null(w);
    }
    json_kv_string(w, "site_code", r->identity.site_code);

    json_key(w, "sections");
    json_array_begin(w);
    for (size_t i = 0; i < r->nsections; i++) {
        const struct section_record *s = &r->sections[i];
        json_object_begin(w);
        json_kv_string(w, "name", s->name);
        json_kv_bool(w, "present", s->present);
        json_kv_string(w, "url", s->url);
        json_kv_bool(w, "required", s->required);
        json_object_end(w);
    }
    json_array_end(w);
    json_services(w, r);

    json_key(w, "columns");
    json_array_begin(w);
    for (size_t i = 0; i < r->ncolumns; i++) {
        const struct column_record *c = &r->columns[i];
        json_object_begin(w);
        json_kv_string(w, "name", c->name);
        json_kv_string(w, "url", c->url);
        json_kv_string(w, "category", column_category_name(c->category));
        json_kv_day(w, "latest", c->latest);
        json_kv_int(w, "items", c->items);
        json_kv_int(w, "undated_items", c->undated_items);
        json_kv_bool(w, "blank", c->blank);
        json_kv_bool(w, "stale", c->stale);
        json_kv_int(w, "limit_days", c->limit_days);
        json_kv_updates(w, &c->updates);
        json_kv_string(w, "found_in", column_found_in_name(c->found_in));
        json_object_end(w);
    }
    json_array_end(w);
    if (r->homepage_analysed)
        json_kv_updates(w, &r->updates);
    json_kv_interaction(w, r);

    json_key(w, "links");
    json_array_begin(w);
    for (size_t i = 0; i < r->nlinks; i++) {
        const struct link_record *l = &r->links[i];
        json_object_begin(w);
        json_kv_string(w, "url", l->url);
        json_kv_string(w, "found_on", l->found_on);
        json_kv_string(w, "anchor", l->anchor ? l->anchor : "");
        json_kv_bool(w, "on_homepage", l->on_homepage);
        json_kv_string(w, "result", link_result_name(l->result));
        json_key(w, "status");
        if (l->status)
            json_int(w, l->status);
        else
            json_null(w);
        json_kv_string(w, "error", l->error);
        json_kv_string(w, "final_url", l->final_url);
        if (l->nredirects) { /* only when redirected: the document only grows */
            json_key(w, "redirects");
            json_array_begin(w);
            for (size_t k = 0; k < l->nredirects; k++)
                json_string(w, l->redirects[k]);
            json_array_end(w);
        }
        json_object_end(w);
    }
    json_array_end(w);

    json_key(w, "defects");
    json_array_begin(w);
    for (size_t i = 0; i < r->ndefects; i++) {
        const struct defect_record *d = &r->defects[i];
        json_object_begin(w);
        json_kv_string(w, "kind", d->kind);
        json_kv_string(w, "severity", defect_severity_name(d->severity));
        json_kv_string(w, "url", d->url);
        if (d->detail)
            json_kv_string(w, "detail", d->detail);
        if (d->points > 0)
            json_kv_double(w, "points", d->points);
        json_object_end(w);
    }
    json_array_end(w);
    json_object_end(w);
}

int check_output_json(const struct site_report *reports, size_t n, struct strbuf *out)
{
    struct json_writer w;
    char day[16];
    sc_day_format(sc_day_of(sc_clock_now()), day);
    json_init(&w, out, 1);
    json_object_begin(&w);
    json_kv_string(&w, "spotcheck", SPOTCHECK_VERSION);
    json_kv_string(&w, "as_of", day);
    json_key(&w, "sites");
    json_array_begin(&w);
    for (size_t i = 0; i < n; i++)
        json_site(&w, &reports[i]);
    json_array_end(&w);
    json_object_end(&w);
    strbuf_addch(out, '\n');
    return out->failed ? SC_ENOMEM : 0;
}

/* ---- text ---- */

/* Appends s for a terminal: control characters become '?', invalid UTF-8 U+FFFD, and at
 * most max bytes (then "…"). */
static void text_safe(struct strbuf *out, const char *s, size_t max)
{
    if (!s) {
        strbuf_adds(out, "-");
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), done = 0;
    while (n) {
        if (done >= max) {
            strbuf_adds(out, "…");
            return;
        }
        size_t len = utf8_sequence_length(p, n);
        if (!len) {
            strbuf_adds(out, "\xEF\xBF\xBD");
            len = 1;
        } else if (len == 1 && (*p < 0x20 || *p == 0x7f)) {
            strbuf_addch(out, '?');
        } else if (len == 2 && p[0] == 0xC2 && p[1] < 0xA0) {
            strbuf_addch(out, '?'); /* C1 controls */
        } else {
            strbuf_add(out, p, len);
        }
        done += len;
        p += len;
        n -= len;
    }
}

/* Continuation lines of a link line up under its URL: 4 + status 4 + 1 + error 18 + 1. */
#define LINK_INDENT "                            "

static void text_links(struct strbuf *out, const struct site_report *r, enum link_result which,
                       const char *heading)
{
    size_t count = 0;
    for (size_t i = 0; i < r->nlinks; i++)
        count += r->links[i].result == which;
    if (!count)
        return;
    strbuf_addf(out, "  %s (%zu):\n", heading, count);
    for (size_t i = 0; i < r->nlinks; i++) {
        const struct link_record *l = &r->links[i];
        if (l->result != which)
            continue;
        char status[16] = "---";
        if (l->status)
            snprintf(status, sizeof status, "%d", l->status);
        strbuf_addf(out, "    %-4s %-18s ", status, l->error ? l->error : "");
        text_safe(out, l->url, 400);
        strbuf_adds(out, "\n" LINK_INDENT "on ");
        text_safe(out, l->found_on, 400);
        if (l->on_homepage)
            strbuf_adds(out, " (homepage)");
        if (l->anchor && *l->anchor) {
            strbuf_adds(out, " «");
            text_safe(out, l->anchor, 80);
            strbuf_adds(out, "»");
        }
        if (l->nredirects && (which == LINK_BROKEN || which == LINK_SUSPECTED)) {
            strbuf_adds(out, "\n" LINK_INDENT "via ");
            for (size_t k = 0; k < l->nredirects; k++) {
                if (k)
                    strbuf_adds(out, " → ");
                text_safe(out, l->redirects[k], 400);
            }
        } else if (l->final_url && l->url && strcmp(l->final_url, l->url) != 0) {
            strbuf_adds(out, "\n" LINK_INDENT "redirected to ");
            text_safe(out, l->final_url, 400);
        }
        strbuf_addch(out, '\n');
    }
}

static void text_site(struct strbuf *out, const struct site_report *r)
{
    text_safe(out, r->url, 400);
    if (!r->reachable) {
        strbuf_adds(out, ": UNREACHABLE (");
        text_safe(out, r->unreachable_error ? r->unreachable_error : "unknown", 40);
        strbuf_adds(out, ")\n");
    } else {
        strbuf_addf(out, ": %d pages crawled, %d links checked\n", r->pages_crawled,
                    r->links_checked);
    }
    if (r->judged)
        strbuf_addf(out, "  verdict: %s, score %.1f\n", r->verdict_pass ? "pass" : "FAIL",
                    r->score);
    if (r->homepage_analysed) {
        char day[16] = "unknown";
        if (r->homepage_latest != SC_NO_DAY)
            sc_day_format(r->homepage_latest, day);
        strbuf_addf(out, "  homepage: latest item %s%s\n", day,
                    r->homepage_stale ? " (STALE)" : "");
        if (r->homepage_navigation)
            strbuf_addf(out,
                        "  homepage: navigation only, judged by its second-level pages "
                        "(newest on %s)\n",
                        r->homepage_latest_url ? r->homepage_latest_url : "none dated");
    }
    if (r->identity.site_code) {
        strbuf_adds(out, "  site code: ");
        text_safe(out, r->identity.site_code, 40);
        strbuf_addch(out, '\n');
    }
    for (size_t i = 0; i < r->nsections; i++) {
        const struct section_record *s = &r->sections[i];
        if (s->present)
            continue;
        strbuf_adds(out, "  missing section: ");
        text_safe(out, s->name, 80);
        strbuf_addch(out, '\n');
    }
    if (r->services_url) {
        size_t incomplete = 0;
        for (size_t i = 0; i < r->nguides; i++)
            incomplete += r->guides[i].missing != 0;
        strbuf_addf(out, "  service guides: %zu checked, %zu incomplete, under ", r->nguides,
                    incomplete);
        text_safe(out, r->services_url, 400);
        strbuf_addch(out, '\n');
    }
    for (size_t i = 0; i < r->ncolumns; i++) {
        const struct column_record *c = &r->columns[i];
        if (!c->stale && !c->blank)
            continue;
        char day[16] = "never";
        if (c->latest != SC_NO_DAY)
            sc_day_format(c->latest, day);
        strbuf_adds(out, c->blank ? "  blank column: " : "  stale column: ");
        text_safe(out, c->name, 80);
        strbuf_addf(out, " (latest %s, limit %d days) ", day, c->limit_days);
        text_safe(out, c->url, 400);
        if (c->found_in != FOUND_HOMEPAGE)
            strbuf_addf(out, " (found in %s)", column_found_in_name(c->found_in));
        strbuf_addch(out, '\n');
    }
    for (size_t i = 0; r->interaction_analysed && i < r->nchannels; i++) {
        const struct interaction_channel *c = &r->channels[i];
        strbuf_adds(out, "  channel: ");
        text_safe(out, c->name, 80);
        strbuf_addf(out, " (%s; %d messages in the window, %d answered",
                    c->works > 0 ? "works" : c->works == 0 ? "does not work" : "not checked",
                    c->messages_seen, c->answered);
        if (c->median_response_days >= 0)
            strbuf_addf(out, ", median %.1f days", c->median_response_days);
        strbuf_adds(out, ") ");
        text_safe(out, c->url, 400);
        strbuf_addch(out, '\n');
    }
    text_links(out, r, LINK_BROKEN, "broken links");
    text_links(out, r, LINK_SUSPECTED, "suspected links (not confirmed after retries)");
    text_links(out, r, LINK_SKIPPED, "skipped links");
    text_links(out, r, LINK_OK, "working links");
    for (size_t i = 0; i < r->ndefects; i++) {
        const struct defect_record *d = &r->defects[i];
        strbuf_addf(out, "  defect %s [%s]", d->kind ? d->kind : "?",
                    defect_severity_name(d->severity));
        if (d->url) {
            strbuf_addch(out, ' ');
            text_safe(out, d->url, 400);
        }
        if (d->detail) {
            strbuf_adds(out, ": ");
            text_safe(out, d->detail, 200);
        }
        strbuf_addch(out, '\n');
    }
    strbuf_addf(out, "  => %s\n\n", check_site_failed(r) ? "FAIL" : "pass");
}

int check_output_text(const struct site_report *reports, size_t n, struct strbuf *out)
{
    for (size_t i = 0; i < n; i++)
        text_site(out, &reports[i]);
    return out->failed ? SC_ENOMEM : 0;
}

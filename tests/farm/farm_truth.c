/* farm_truth: writes DIR/truth.json (what is wrong with every site, see docs/farm.md) and
 * DIR/faults.json (what the server must do: hosts, how to declare charsets, faulty paths).
 *
 * Both come from the same model the pages were rendered from. faults.json is read back by
 * farm_conf.c, whose small parser accepts exactly the flat shape written here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/json.h"
#include "tests/farm/farm.h"

static const char *const layouts[] = {"div", "table", "tabs"};
static const char *const dstyles[] = {"iso", "slash", "cn", "bracket", "mmdd"};

static void day_value(struct json_writer *w, const char *key, long day)
{
    char buf[16];
    json_key(w, key);
    if (day < 0) {
        json_null(w);
        return;
    }
    sc_day_format(day, buf);
    json_string(w, buf);
}

static int site_pages(const struct farm_site *s)
{
    int n = 1;
    for (int i = 0; i < s->ncols; i++)
        n += farm_column_pages(&s->cols[i]) + s->cols[i].nitems;
    for (int i = 0; i < FARM_NSECTIONS; i++)
        n += s->sections[i].present && !s->sections[i].offsite;
    for (int g = 0; g < s->nguides; g++) /* the guides and their lists on the site */
        n += !farm_guide_on_platform(s, g);
    for (int l = 0; l < 2 && s->nguides; l++)
        n += !(s->sections[2].offsite || s->guide_list_platform[l]);
    for (int c = 0; c < s->nchannels; c++)
        n += farm_channel_pages(&s->channels[c]) + s->channels[c].nmsg;
    return n;
}

/* The veto items (domain.md, 单项否决) this site's planted facts trigger, and so its
 * verdict: an independent restatement of the national rules, not a call into the
 * project's rule table, so a test can hold the two against each other. Counting choices:
 * a blank column counts toward the blank-column veto only, not as a stale column; the
 * consultation channel is the 互动交流 section and the services channel 办事服务, required of
 * every site. Deductions are not modelled: the farm plants too few of them to bring a site
 * under 60 points, so a site with no veto passes. */
static void verdict_truth(const struct farm_model *m, const struct farm_site *s,
                          struct json_writer *w)
{
    const char *vetoes[8];
    int n = 0;
    if (s->down) {
        vetoes[n++] = "unreachable";
    } else {
        long hl = s->nav_only ? farm_site_second_latest(s, NULL) : farm_site_home_latest(s);
        if (hl < 0 || m->opts.as_of - hl > 14)
            vetoes[n++] = "homepage_stale";
        int stale_news_notice = 0, stale_all = 0, blank = 0;
        for (int i = 0; i < s->ncols; i++) {
            const struct farm_column *c = &s->cols[i];
            long latest = farm_column_latest(c);
            int lim = farm_cat_limit(c->cat);
            const char *cat = farm_cat_name(c->cat);
            if (c->nitems == 0) {
                blank++;
            } else if (lim > 0 && (latest < 0 || m->opts.as_of - latest > lim)) {
                stale_all++;
                stale_news_notice += !strcmp(cat, "news") || !strcmp(cat, "notice") ||
                                     !strcmp(cat, "policy");
            }
        }
        if (stale_news_notice >= 5 || stale_all >= 10)
            vetoes[n++] = "columns_not_updated";
        if (blank >= 5)
            vetoes[n++] = "blank_columns";
        for (int i = 0; i < FARM_NSECTIONS; i++) {
            if (s->sections[i].present)
                continue;
            if (!strcmp(s->sections[i].name, "办事服务"))
                vetoes[n++] = "no_services";
            if (!strcmp(s->sections[i].name, "互动交流"))
                vetoes[n++] = "no_interaction";
        }
        /* 互动回应差: no channel that takes messages; a message of the year unanswered >90 days */
        if (farm_site_no_channel(s))
            vetoes[n++] = "no_interaction_channel";
        int unanswered = 0;
        for (int c = 0; c < s->nchannels; c++)
            for (int k = 0; k < s->channels[c].nmsg; k++)
                unanswered += farm_message_unanswered(m, &s->channels[c].msgs[k]);
        if (unanswered)
            vetoes[n++] = "unanswered_message";
    }
    json_key(w, "vetoes");
    json_array_begin(w);
    for (int i = 0; i < n; i++)
        json_string(w, vetoes[i]);
    json_array_end(w);
    json_kv_string(w, "verdict", n ? "fail" : "pass");
}

/* 服务不实用: the 办事服务 section's guides in the section's order, each with the elements it
 * lacks and whether the probe checks it (the first FARM_GUIDE_SAMPLE); null without the
 * section. */
static void services_truth(const struct farm_site *s, struct json_writer *w)
{
    static const char *const forms[] = {"table", "blocks"};
    static const char *const hows[] = {"no_label", "empty", "none_yet"};
    json_key(w, "services");
    if (!s->sections[2].present || !s->nguides) {
        json_null(w);
        return;
    }
    struct strbuf u = STRBUF_INIT;
    json_object_begin(w);
    farm_section_url(s, 2, &u);
    json_kv_string(w, "url", u.buf);
    json_kv_int(w, "guides_total", s->nguides);
    json_kv_int(w, "sample", FARM_GUIDE_SAMPLE);
    json_key(w, "guides");
    json_array_begin(w);
    for (int g = 0; g < s->nguides; g++) {
        const struct farm_guide *x = &s->guides[g];
        json_object_begin(w);
        strbuf_reset(&u);
        farm_guide_url(s, g, &u);
        json_kv_string(w, "url", u.buf);
        json_kv_string(w, "name", x->name);
        json_kv_int(w, "list", x->list);
        json_kv_bool(w, "on_platform", farm_guide_on_platform(s, g));
        json_kv_string(w, "form", forms[x->form]);
        json_kv_int(w, "pairs_per_row", x->pairs);
        json_kv_bool(w, "fee_none", x->fee_none);
        json_kv_bool(w, "checked", g < FARM_GUIDE_SAMPLE);
        json_key(w, "missing");
        json_array_begin(w);
        for (int e = 0; e < FARM_GUIDE_ELEMENTS; e++)
            if (x->missing & (1u << e))
                json_string(w, farm_guide_element_name(e));
        json_array_end(w);
        json_key(w, "missing_how");
        json_array_begin(w);
        for (int e = 0; e < FARM_GUIDE_ELEMENTS; e++)
            if (x->missing & (1u << e))
                json_string(w, hows[x->how[e]]);
        json_array_end(w);
        json_object_end(w);
    }
    json_array_end(w);
    json_object_end(w);
    strbuf_release(&u);
}

/* The consultation channels under 互动交流: each with whether it works (loads and shows a
 * way to write), its messages of the last year, those answered and the median response in
 * days; and every message unanswered for more than 90 days within the last year. */
static void interaction_truth(const struct farm_model *m, const struct farm_site *s,
                              struct json_writer *w)
{
    char buf[300];
    struct strbuf p = STRBUF_INIT;
    json_key(w, "interaction");
    json_object_begin(w);
    json_key(w, "channels");
    json_array_begin(w);
    for (int c = 0; c < s->nchannels; c++) {
        const struct farm_channel *ch = &s->channels[c];
        long gaps[FARM_MAX_MESSAGES];
        int seen = 0, answered = 0, ngaps = 0;
        for (int k = 0; k < ch->nmsg; k++) {
            const struct farm_message *x = &ch->msgs[k];
            long age = m->opts.as_of - x->asked;
            if (age < 0 || age > 365)
                continue;
            seen++;
            if (x->replied >= 0) {
                answered++;
                long g = x->replied - x->asked; /* insertion sort: a few dozen at most */
                int at = ngaps++;
                while (at > 0 && gaps[at - 1] > g) {
                    gaps[at] = gaps[at - 1];
                    at--;
                }
                gaps[at] = g;
            }
        }
        json_object_begin(w);
        json_kv_string(w, "name", ch->name);
        strbuf_reset(&p);
        farm_channel_path(ch, 0, &p);
        snprintf(buf, sizeof buf, "http://%s%s", s->host, p.buf);
        json_kv_string(w, "url", buf);
        json_kv_bool(w, "works", ch->writable);
        json_kv_bool(w, "list_state", ch->list_state);
        json_kv_int(w, "messages_seen", seen);
        json_kv_int(w, "answered", answered);
        json_key(w, "median_response_days");
        if (ngaps == 0)
            json_null(w);
        else
            json_double(w, ngaps % 2 ? (double)gaps[ngaps / 2]
                                     : (gaps[ngaps / 2 - 1] + gaps[ngaps / 2]) / 2.0);
        json_object_end(w);
    }
    json_array_end(w);
    json_key(w, "unanswered");
    json_array_begin(w);
    for (int c = 0; c < s->nchannels; c++) {
        const struct farm_channel *ch = &s->channels[c];
        for (int k = 0; k < ch->nmsg; k++) {
            if (!farm_message_unanswered(m, &ch->msgs[k]))
                continue;
            json_object_begin(w);
            strbuf_reset(&p);
            farm_message_path(ch, k, &p);
            snprintf(buf, sizeof buf, "http://%s%s", s->host, p.buf);
            json_kv_string(w, "url", buf);
            strbuf_reset(&p);
            farm_message_title(s, ch, k, &p);
            json_kv_string(w, "title", p.buf);
            day_value(w, "asked", ch->msgs[k].asked);
            json_object_end(w);
        }
    }
    json_array_end(w);
    json_kv_bool(w, "no_channel", farm_site_no_channel(s));
    json_object_end(w);
    strbuf_release(&p);
}

static void site_truth(const struct farm_model *m, const struct farm_site *s, struct json_writer *w)
{
    char buf[300];
    json_object_begin(w);
    json_kv_string(w, "host", s->host);
    json_kv_string(w, "url", s->url);
    json_kv_string(w, "code", s->code);
    json_kv_string(w, "name", s->name);
    json_kv_string(w, "sponsor", s->sponsor);
    json_kv_string(w, "region", s->region);
    json_kv_string(w, "level", s->level);
    json_kv_string(w, "type", s->portal ? "portal" : "department");
    json_kv_string(w, "status", s->status);
    json_kv_bool(w, "served", s->served);
    json_kv_bool(w, "down", s->down);
    json_kv_double(w, "flaky", s->flaky);
    if (!s->served) {
        if (s->down)
            verdict_truth(m, s, w);
        json_object_end(w);
        return;
    }
    json_kv_string(w, "layout", layouts[s->layout]);
    json_kv_string(w, "charset", s->gbk ? "GBK" : "UTF-8");
    const char *hc = farm_header_charset(s), *mc = farm_meta_charset(s);
    json_kv_string(w, "charset_header", *hc ? hc : NULL);
    json_kv_string(w, "charset_meta", mc);
    json_kv_bool(w, "charset_declared_wrong", s->decl == FARM_DECL_WRONG);
    json_kv_string(w, "date_style", dstyles[s->date_style]);
    json_kv_bool(w, "gzip", s->gzip);
    json_kv_int(w, "pages", site_pages(s));
    json_kv_int(w, "reachable_pages", farm_site_reachable_pages(s));
    struct strbuf from = STRBUF_INIT;
    long hl = s->nav_only ? farm_site_second_latest(s, &from) : farm_site_home_latest(s);
    json_key(w, "homepage");
    json_object_begin(w);
    day_value(w, "latest", hl);
    json_kv_bool(w, "stale", hl < 0 || m->opts.as_of - hl > 14);
    /* a navigation-only homepage: judged by the newest item one click away, on this list page */
    json_kv_string(w, "mode", s->nav_only ? "navigation" : "items");
    if (s->nav_only) {
        snprintf(buf, sizeof buf, "http://%s%s", s->host, from.buf ? from.buf : "");
        json_kv_string(w, "latest_from", from.len ? buf : NULL);
    } else {
        json_kv_string(w, "latest_from", NULL);
    }
    strbuf_release(&from);
    json_object_end(w);
    json_kv_bool(w, "site_code_shown", s->code_shown);
    json_key(w, "sections");
    json_array_begin(w);
    for (int i = 0; i < FARM_NSECTIONS; i++) {
        json_object_begin(w);
        json_kv_string(w, "name", s->sections[i].name);
        json_kv_string(w, "label", s->sections[i].label);
        json_kv_bool(w, "present", s->sections[i].present);
        static const char *const styles[] = {"text", "image_alt", "image_title"};
        json_kv_string(w, "style", styles[s->sections[i].style]);
        struct strbuf su = STRBUF_INIT;
        farm_section_url(s, i, &su);
        json_kv_string(w, "url", s->sections[i].present ? su.buf : NULL);
        strbuf_release(&su);
        json_object_end(w);
    }
    json_array_end(w);
    services_truth(s, w);
    interaction_truth(m, s, w);
    json_key(w, "columns");
    json_array_begin(w);
    for (int i = 0; i < s->ncols; i++) {
        const struct farm_column *c = &s->cols[i];
        long latest = farm_column_latest(c);
        int lim = farm_cat_limit(c->cat);
        json_object_begin(w);
        json_kv_string(w, "name", c->name);
        snprintf(buf, sizeof buf, "http://%s/%s/index.html", s->host, c->slug);
        json_kv_string(w, "url", buf);
        json_kv_string(w, "category", farm_cat_name(c->cat));
        day_value(w, "latest", latest);
        json_kv_int(w, "items", c->nitems);
        json_kv_int(w, "home_items", c->home_items);
        json_kv_int(w, "list_pages", farm_column_pages(c));
        json_kv_bool(w, "blank", c->nitems == 0);
        json_kv_bool(w, "stale", lim > 0 && (latest < 0 || m->opts.as_of - latest > lim));
        json_key(w, "limit_days");
        if (lim)
            json_int(w, lim);
        else
            json_null(w);
        json_kv_bool(w, "tabbed", c->tab_group >= 0);
        json_kv_string(w, "found_in", farm_where_name(s, c));
        if (c->nitems == 0) { /* how the blank column shows it has nothing */
            static const char *const home[] = {"zanwu_xinxi", "no_rows", "zanwu_neirong"};
            static const char *const list[] = {"zanwu_xinxi", "empty_list", "pager_only"};
            json_kv_string(w, "blank_home_form",
                           c->where == FARM_AT_HOME && !s->nav_only ? home[c->home_form] : NULL);
            json_kv_string(w, "blank_list_form", list[c->list_form]);
        }
        json_object_end(w);
    }
    json_array_end(w);
    for (int pass = 0; pass < 2; pass++) {
        json_key(w, pass ? "traps" : "broken_links");
        json_array_begin(w);
        for (int i = 0; i < s->nlinks; i++) {
            const struct farm_link *l = &s->links[i];
            if (l->trap != pass)
                continue;
            json_object_begin(w);
            json_kv_string(w, "url", l->url);
            json_kv_string(w, "href", l->href);
            json_kv_string(w, "found_on", l->found_on);
            json_kv_bool(w, "on_homepage", l->on_home);
            json_kv_string(w, "anchor", l->anchor);
            json_kv_string(w, "tag", l->image ? "img" : "a");
            json_kv_string(w, pass ? "kind" : "reason", l->reason);
            if (!pass)
                json_kv_string(w, "expected_result", l->expected);
            json_object_end(w);
        }
        json_array_end(w);
    }
    verdict_truth(m, s, w);
    json_object_end(w);
}

static int json_save(const struct farm_model *m, const char *name, struct strbuf *sb,
                     struct sc_error *err)
{
    struct strbuf path = STRBUF_INIT;
    strbuf_addch(sb, '\n');
    strbuf_addf(&path, "%s/%s", m->opts.out, name);
    int rc = sb->failed || path.failed ? sc_fail(err, SC_ENOMEM, "out of memory")
                                       : farm_write_file(path.buf, sb->buf, sb->len, err);
    strbuf_release(&path);
    return rc;
}

int farm_truth_write(const struct farm_model *m, struct sc_error *err)
{
    struct strbuf sb = STRBUF_INIT;
    struct json_writer w;
    char day[16];
    json_init(&w, &sb, 1);
    json_object_begin(&w);
    json_kv_int(&w, "farm", 1);
    json_kv_string(&w, "seed", m->opts.seed);
    sc_day_format(m->opts.as_of, day);
    json_kv_string(&w, "as_of", day);
    json_kv_string(&w, "profile", m->opts.profile == FARM_PROFILE_TEST ? "test" : "demo");
    json_key(&w, "windows");
    json_object_begin(&w);
    json_kv_int(&w, "homepage", 14);
    for (int c = FARM_NEWS; c < FARM_OTHER; c++)
        json_kv_int(&w, farm_cat_name(c), farm_cat_limit(c));
    json_object_end(&w);
    json_key(&w, "aux_hosts");
    json_array_begin(&w);
    for (int i = 0; farm_aux_hosts[i]; i++)
        if (farm_aux_host_served(m, farm_aux_hosts[i]))
            json_string(&w, farm_aux_hosts[i]);
    json_array_end(&w);
    json_key(&w, "sites");
    json_array_begin(&w);
    for (int i = 0; i < m->nsites; i++)
        site_truth(m, &m->sites[i], &w);
    json_array_end(&w);
    json_object_end(&w);
    int rc = json_save(m, "truth.json", &sb, err);
    strbuf_release(&sb);
    return rc;
}

static void fault_entry(struct json_writer *w, const char *host, const char *path, const char *kind,
                        int status, const char *location)
{
    json_object_begin(w);
    json_kv_string(w, "host", host);
    json_kv_string(w, "path", path);
    json_kv_string(w, "kind", kind);
    if (status)
        json_kv_int(w, "status", status);
    if (location)
        json_kv_string(w, "location", location);
    json_object_end(w);
}

static void site_faults(const struct farm_site *s, struct json_writer *w)
{
    char path[256], other[300];
    for (int i = 0; i < s->nlinks; i++) {
        const struct farm_link *l = &s->links[i];
        if (!l->fault || l->href[0] != '/')
            continue;
        snprintf(path, sizeof path, "%s", l->href);
        path[strcspn(path, "?#")] = 0;
        char *slash = strrchr(path, '/');
        int dirlen = (int)(slash - path);
        if (!strcmp(l->reason, "redirect_loop")) {
            snprintf(other, sizeof other, "%.*s/b.html", dirlen, path);
            fault_entry(w, s->host, path, "redirect", 302, other);
            fault_entry(w, s->host, other, "redirect", 302, path);
        } else if (!strcmp(l->reason, "redirect_ok")) {
            snprintf(other, sizeof other, "%.*s/step2.html", dirlen, path);
            fault_entry(w, s->host, path, "redirect", 301, other);
            snprintf(path, sizeof path, "/%s/index.html", s->cols[0].slug);
            fault_entry(w, s->host, other, "redirect", 302, path);
        } else if (!strcmp(l->fault, "status")) {
            fault_entry(w, s->host, path, "status", atoi(l->reason + 5), NULL);
        } else {
            fault_entry(w, s->host, path, l->fault, 0, NULL);
        }
    }
}

int farm_faults_write(const struct farm_model *m, struct sc_error *err)
{
    struct strbuf sb = STRBUF_INIT, root = STRBUF_INIT;
    struct json_writer w;
    json_init(&w, &sb, 1);
    json_object_begin(&w);
    json_kv_int(&w, "farm", 1);
    json_kv_int(&w, "stall_seconds", 60);
    json_key(&w, "sites");
    json_array_begin(&w);
    for (int i = 0; i < m->nsites; i++) {
        const struct farm_site *s = &m->sites[i];
        if (!s->served && !s->down)
            continue;
        json_object_begin(&w);
        json_kv_string(&w, "host", s->host);
        json_kv_string(&w, "mode", s->down ? "down" : "static");
        strbuf_reset(&root);
        strbuf_addf(&root, "sites/%s", s->host);
        json_kv_string(&w, "root", s->down ? "" : root.buf);
        json_kv_string(&w, "header_charset", s->down ? "" : farm_header_charset(s));
        json_kv_double(&w, "flaky", s->flaky);
        json_kv_int(&w, "gzip", s->gzip);
        json_object_end(&w);
    }
    for (int i = 0; farm_aux_hosts[i]; i++) {
        if (!farm_aux_host_served(m, farm_aux_hosts[i]))
            continue;
        json_object_begin(&w);
        json_kv_string(&w, "host", farm_aux_hosts[i]);
        /* the service platform serves the sections and guides written under it */
        int platform = strcmp(farm_aux_hosts[i], FARM_SERVICE_HOST) == 0;
        json_kv_string(&w, "mode", platform ? "static" : "catchall");
        json_kv_string(&w, "root", platform ? "sites/" FARM_SERVICE_HOST : "");
        json_kv_string(&w, "header_charset", "utf-8");
        json_kv_double(&w, "flaky", 0);
        json_object_end(&w);
    }
    json_array_end(&w);
    json_key(&w, "faults");
    json_array_begin(&w);
    for (int i = 0; i < m->nsites; i++)
        if (m->sites[i].served)
            site_faults(&m->sites[i], &w);
    json_array_end(&w);
    json_object_end(&w);
    int rc = json_save(m, "faults.json", &sb, err);
    strbuf_release(&sb);
    strbuf_release(&root);
    return rc;
}

/* sections: matching a homepage's links against the mandatory-section synonym table
 * (see sections.h). For each section the best link wins: its text equal to a synonym,
 * then a short text containing one or equal to a short name (办事, 互动, 公开 ...), then an
 * entry-point URL such as /xxgk/ or /zcjd/index.html (or, for 办事服务, a provincial service
 * platform host zwfw.*.gov.cn); the first link in document order wins among equals. A link
 * with no text (an image button) is named by its title, then its images' alt and title. */
#include "probes/content/sections.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "probes/content/content_dom.h"
#include "probes/net/url.h"

static const char *const disclosure_words[] = {"政府信息公开", "信息公开",         "政务公开",
                                               "政府公开",     "政府信息公开专栏", NULL};
static const char *const disclosure_urls[] = {"xxgk", "zwgk", "zfxxgk", "gkml", NULL};
static const char *const interp_words[] = {"政策解读", "解读回应", "解读", "政策解读回应", NULL};
static const char *const interp_urls[] = {"zcjd", "jdhy", "jd", NULL};
static const char *const service_words[] = {"办事服务", "网上办事", "政务服务", "在线办事",
                                            "办事大厅", "网上服务", "便民服务", NULL};
static const char *const service_urls[] = {"bsfw", "wsbs", "zwfw", "bmfw", "bsdt", NULL};
static const char *const interact_words[] = {
    "互动交流", "政民互动", "公众参与", "互动",     "领导信箱", "市长信箱", "县长信箱",
    "局长信箱", "在线咨询", "咨询投诉", "意见征集", "征集调查", NULL};
static const char *const interact_urls[] = {"hdjl", "zmhd", "gzcy", "hudong", NULL};
static const char *const guide_words[] = {"政府信息公开指南", "信息公开指南", "公开指南", NULL};
static const char *const guide_urls[] = {"xxgkzn", "gkzn", NULL};
static const char *const report_words[] = {"政府信息公开年报",     "信息公开年报", "公开年报",
                                           "政府信息公开年度报告", "年度报告",     NULL};
static const char *const report_urls[] = {"xxgknb", "gknb", "ndbg", NULL};

/* Short names a navigation bar uses for a section: they count only as the whole link text
 * (公开 inside 公开指南, 办事 inside an article title, would be other things). */
static const char *const disclosure_short[] = {"公开", "政务公开", NULL};
static const char *const service_short[] = {"办事", "网上办事", "办事指南", "政务服务网", NULL};
static const char *const interact_short[] = {"互动",     "政民互动", "咨询留言",
                                             "留言咨询", "网上留言", NULL};
static const char *const no_short[] = {NULL};

static const struct section_def table[SECTION_COUNT] = {
    {"政府信息公开", disclosure_words, disclosure_urls, "disclosure", disclosure_short},
    {"政策解读", interp_words, interp_urls, "interpretation", no_short},
    {"办事服务", service_words, service_urls, "services", service_short},
    {"互动交流", interact_words, interact_urls, "interaction", interact_short},
    {"政府信息公开指南", guide_words, guide_urls, "disclosure_guide", no_short},
    {"政府信息公开年报", report_words, report_urls, "disclosure_report", no_short},
};

/* 1 when the URL's host is a provincial government service platform, zwfw.<...>.gov.cn
 * (the section 办事服务 hosted on another government host). */
static int url_is_service_platform(const char *url)
{
    const char *h = strstr(url, "://");
    if (!h)
        return 0;
    h += 3;
    size_t n = strcspn(h, "/:?#");
    if (n < 5 || strncasecmp(h, "zwfw.", 5) != 0)
        return 0;
    static const char tld[] = ".gov.cn";
    size_t tl = sizeof tld - 1;
    return n > 5 + tl && strncasecmp(h + n - tl, tld, tl) == 0;
}

const struct section_def *sections_table(void)
{
    return table;
}

/* 1 when the URL's path has `word` as a whole segment that ends the path or is followed
 * only by index.* / default.* (an entry page, not an article under it). */
static int url_is_entry(const char *url, const char *word)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : url;
    size_t wl = strlen(word);
    for (; p && *p; p = strchr(p + 1, '/')) {
        if (*p != '/' || strncasecmp(p + 1, word, wl) != 0)
            continue;
        const char *rest = p + 1 + wl;
        if (*rest == 0 || *rest == '?' ||
            (*rest == '/' && (rest[1] == 0 || strncasecmp(rest + 1, "index", 5) == 0 ||
                              strncasecmp(rest + 1, "default", 7) == 0)))
            return 1;
        if (*rest == '.' || (*rest == '/' && rest[1] == '?'))
            return 1;
    }
    return 0;
}

struct scan {
    const char *page_url;
    struct section_hit *hits;
    struct strbuf sb;
    int failed;
};

/* The alt and title of the images inside a link, into names[] (at most max). */
static void collect_image_names(const GumboNode *n, const char **names, size_t *nnames, size_t max,
                                int depth)
{
    if (depth > DOM_MAX_DEPTH || *nnames >= max)
        return;
    if (dom_is(n, GUMBO_TAG_IMG) || dom_is(n, GUMBO_TAG_INPUT)) {
        const char *alt = dom_attr(n, "alt"), *title = dom_attr(n, "title");
        if (alt && *alt && *nnames < max)
            names[(*nnames)++] = alt;
        if (title && *title && *nnames < max)
            names[(*nnames)++] = title;
        return;
    }
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++)
        collect_image_names(kids->data[i], names, nnames, max, depth + 1);
}

/* Scores one name of the link to abs against every section and keeps the better hits. A
 * name from an attribute (alt, title) is trimmed here. */
static void score_link(struct scan *s, const char *abs, const char *raw, int from_attr)
{
    char buf[256];
    const char *text = raw;
    if (from_attr) {
        while (*raw == ' ' || *raw == '\t' || *raw == '\n' || *raw == '\r')
            raw++;
        size_t n = strlen(raw);
        while (n > 0 && (raw[n - 1] == ' ' || raw[n - 1] == '\t' || raw[n - 1] == '\n' ||
                         raw[n - 1] == '\r'))
            n--;
        if (n >= sizeof buf)
            return; /* a long description is no button name */
        memcpy(buf, raw, n);
        buf[n] = 0;
        text = buf;
    }
    size_t chars = dom_chars(text);
    for (int i = 0; i < SECTION_COUNT; i++) {
        int score = 0;
        for (const char *const *w = table[i].words; *w && score < 3; w++) {
            if (strcmp(text, *w) == 0)
                score = 3;
            else if (chars <= 10 && strstr(text, *w) && score < 2)
                score = 2;
        }
        for (const char *const *w = table[i].short_words; *w && score < 2; w++)
            if (strcmp(text, *w) == 0)
                score = 2;
        for (const char *const *w = table[i].url_words; *w && score < 1; w++)
            if (url_is_entry(abs, *w) && chars <= 12)
                score = 1;
        if (score < 1 && i == SECTION_SERVICES && chars <= 12 && url_is_service_platform(abs))
            score = 1;
        if (score > s->hits[i].score) {
            char *copy = strdup(abs);
            if (!copy) {
                s->failed = 1;
                continue;
            }
            free(s->hits[i].url);
            s->hits[i].url = copy;
            s->hits[i].score = score;
        }
    }
}

static void consider(struct scan *s, const GumboNode *a)
{
    const char *href = dom_attr(a, "href");
    char *abs = NULL;
    int rc = href ? url_resolve(s->page_url, href, &abs) : URL_BAD;
    if (rc != URL_OK) {
        s->failed |= rc == SC_ENOMEM;
        free(abs);
        return;
    }
    /* The names a visitor sees: the link text; for an image button (no text), the link's
     * title, then each image's alt and title inside it. */
    const char *names[6];
    size_t nnames = 0;
    strbuf_reset(&s->sb);
    dom_text(a, &s->sb, 0);
    dom_text_trim(&s->sb);
    int has_text = s->sb.len > 0;
    if (!has_text) {
        const char *title = dom_attr(a, "title");
        if (title)
            names[nnames++] = title;
        collect_image_names(a, names, &nnames, 6, 0);
    }
    if (s->sb.failed) { /* strbuf_reset clears it: the next link would hide it */
        s->failed = 1;
        free(abs);
        return;
    }
    for (size_t k = 0; k < nnames; k++)
        score_link(s, abs, names[k], 1);
    score_link(s, abs, has_text ? s->sb.buf : "", 0);
    free(abs);
}

static void walk(struct scan *s, const GumboNode *n, int depth)
{
    if (depth > DOM_MAX_DEPTH || s->failed)
        return;
    if (dom_is(n, GUMBO_TAG_A)) {
        consider(s, n);
        return;
    }
    if (dom_is(n, GUMBO_TAG_SCRIPT) || dom_is(n, GUMBO_TAG_STYLE))
        return;
    const GumboVector *kids = dom_children(n);
    for (unsigned i = 0; kids && i < kids->length; i++)
        walk(s, kids->data[i], depth + 1);
}

int sections_find(const GumboNode *root, const char *page_url,
                  struct section_hit hits[SECTION_COUNT])
{
    struct scan s = {page_url, hits, STRBUF_INIT, 0};
    memset(hits, 0, SECTION_COUNT * sizeof *hits);
    walk(&s, root, 0);
    int failed = s.failed || s.sb.failed;
    strbuf_release(&s.sb);
    if (failed) {
        sections_hits_free(hits);
        return SC_ENOMEM;
    }
    return 0;
}

void sections_hits_free(struct section_hit hits[SECTION_COUNT])
{
    for (int i = 0; i < SECTION_COUNT; i++) {
        free(hits[i].url);
        hits[i].url = NULL;
        hits[i].score = 0;
    }
}

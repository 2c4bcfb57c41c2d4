/* publish_pages: each file of the public results site as text, from the loaded data
 * (publish_data.h). Each writer lives in its own file (publish_index.c, publish_round.c,
 * publish_site.c, publish_method.c, publish_feed.c, publish_opendata.c); they only append to
 * a strbuf (check `failed` once at the end), never touch the disk or the clock, so the same
 * data always gives the same bytes. */
#ifndef SPOTCHECK_PUBLISH_PAGES_H
#define SPOTCHECK_PUBLISH_PAGES_H

#include "reports/rectification_out.h"
#include <stddef.h>

#include "common/strbuf.h"
#include "probes/verdict/rules.h"
#include "reports/publish_data.h"

struct pub_options {
    const char *title;    /* [publish] title */
    const char *base_url; /* [publish] base_url ending in '/', or "" (the feed's links are
                             then relative and its ids URNs) */
    const struct rules *rules;
};

/* DIR/index.html: quarters and rounds, the pass rate per round. */
void pub_page_index(struct strbuf *out, const struct pub_options *o, const struct pub_data *d);
/* DIR/<quarter>-<round>/index.html */
void pub_page_round(struct strbuf *out, const struct pub_options *o, const struct pub_round *r);
/* DIR/sites/<code>.html: the site's history over every published round that sampled it. */
void pub_page_site(struct strbuf *out, const struct pub_options *o, const struct pub_data *d,
                   const char *code);
/* DIR/method.html */
void pub_page_method(struct strbuf *out, const struct pub_options *o);
/* DIR/feed.xml (Atom) */
void pub_feed(struct strbuf *out, const struct pub_options *o, const struct pub_data *d);

/* The open data: DIR/data/<slug>.csv (UTF-8 with a BOM), its Data Package, the frame. */
void pub_round_csv(struct strbuf *out, const struct pub_round *r);
void pub_datapackage(struct strbuf *out, const struct pub_options *o, const struct pub_data *d);

/* Shared by the pages: the pass rate text ("85.7%" or "—"), the verdict's word and class. */
void pub_pass_rate(struct strbuf *out, long passed, long failed);
const char *pub_verdict_zh(enum pub_verdict v);
const char *pub_verdict_class(enum pub_verdict v);
/* The site's main defects: distinct kinds, vetoes first, "链接不可用 ×3", at most max kinds
 * ("" when none), escaped. */
void pub_main_defects(struct strbuf *out, const struct pub_result *s, size_t max);
/* A failing site's rectification (the deadline cell): the deadline and, after the re-check
 * (复查), its outcome with the day; "—" for a site that does not fail. */
void pub_rectification_cell(struct strbuf *out, const struct pub_result *s);
/* The rectification's view for rectification_out.h. */
struct rectification_view pub_rectification_view(const struct pub_result *s);
/* The round's name for people: "2026Q4 第1轮". */
void pub_round_name(struct strbuf *out, const struct pub_round *r);

#endif

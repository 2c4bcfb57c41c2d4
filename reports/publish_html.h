/* publish_html: the public results site's HTML and XML building blocks: the escapers every
 * string from a crawled page or the registry goes through, and the page frame (head with the
 * inline style sheet, navigation, footer) every page of the site shares.
 *
 * The site works without JavaScript and loads nothing from other hosts: the style sheet is
 * inline, charts are inline SVG (publish_chart.h), links between pages are relative. */
#ifndef SPOTCHECK_PUBLISH_HTML_H
#define SPOTCHECK_PUBLISH_HTML_H

#include <stddef.h>

#include "common/strbuf.h"

/* Appends s escaped for HTML/XML text and attribute values by the reports' one escaper
 * (reports/html.h html_out_text: & < > " ' become entities; invalid UTF-8 bytes become
 * U+FFFD; control characters other than tab and newline are dropped, as XML 1.0 forbids
 * them, a carriage return becomes a space). NULL appends nothing. */
void pub_escape(struct strbuf *out, const char *s);
/* The same for at most n bytes of s. */
void pub_escape_n(struct strbuf *out, const char *s, size_t n);
/* Appends a URL for an href: only http: and https: URLs are linked (escaped); anything else
 * (javascript:, data:) gives 0 and appends nothing, so the caller prints it as text. */
int pub_href_ok(const char *url);

/* The page frame. rel is the path back to the site's root ("" or "../"); title is plain
 * text (escaped here); site_title is [publish] title. */
void pub_page_begin(struct strbuf *out, const char *rel, const char *site_title, const char *title);
void pub_page_end(struct strbuf *out, const char *rel);

/* A wide table goes inside this wrapper, which scrolls sideways on a narrow screen. */
#define PUB_TABLE_BEGIN "<div class=\"scroll\"><table>"
/* A table of many columns keeps a readable width and scrolls inside the wrapper. */
#define PUB_TABLE_WIDE_BEGIN "<div class=\"scroll\"><table class=\"wide\">"
#define PUB_TABLE_END "</table></div>\n"

/* Chinese name of a defect kind ("broken_link" → "链接不可用"); unknown kinds as they are. */
const char *pub_defect_kind_zh(const char *kind);
/* Chinese name of a severity ("veto" → "单项否决"). */
const char *pub_severity_zh(const char *severity);

#endif

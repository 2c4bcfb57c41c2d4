/* html_depth: a bound on how deep a page's elements nest, applied before gumbo sees it.
 *
 * Gumbo's tree builder does work proportional to the depth of its open-element stack for
 * many tags (the "p in button scope" check of every block start tag, rebuilding the active
 * formatting elements, looking for an end tag's element). A hostile page of two million
 * nested <div>s, or <b><i><u> repeated, made one page parse for hours. This pass estimates
 * the nesting with a linear scan of the tags (comments, raw text such as <script> skipped;
 * void elements, elements that close themselves such as <p> and <li>, and self-closed tags
 * inside <svg>/<math> not counted) and drops the start tags that would go deeper than the
 * limit, with as many end tags, as browsers flatten such pages. Links in the dropped tags'
 * content are kept; a page within the limit is passed through untouched. Attributes past
 * HTML_MAX_ATTRIBUTES in one tag are dropped the same way. */
#ifndef SPOTCHECK_HTML_DEPTH_H
#define SPOTCHECK_HTML_DEPTH_H

#include <stddef.h>

#include "common/strbuf.h"

#define HTML_MAX_DEPTH 512 /* like Chromium's parser */
/* Attributes kept in one tag: gumbo compares each with all before it (quadratic), and a tag
 * of 300,000 attributes parsed for minutes. */
#define HTML_MAX_ATTRIBUTES 256

/* Scans html[0..n). Returns 0 when no tag goes deeper than limit (out untouched), 1 when
 * out received a copy without the tags that did, or SC_ENOMEM. */
int html_depth_limit(const char *html, size_t n, size_t limit, struct strbuf *out);

#endif

/* html: the pieces every report page shares — escaping text for HTML, and the page's
 * skeleton: a printable (A4) Chinese page with its styles inline, no JavaScript and nothing
 * loaded from another host, so a report opens the same from a mail attachment, a disk or
 * a printer.
 *
 * Every string that came from a crawled page or the registry goes through html_out_text or
 * html_out_attr; nothing else is trusted. */
#ifndef SPOTCHECK_REPORTS_HTML_H
#define SPOTCHECK_REPORTS_HTML_H

#include "common/strbuf.h"

/* Appends s (NULL as "") with & < > " ' escaped; invalid UTF-8 bytes become U+FFFD, a
 * carriage return a space, and other control characters but tab and newline (and DEL) are
 * dropped. Safe in text and in a quoted attribute value. The one HTML escaper of every
 * report and of the public site (publish_html.c's pub_escape calls it). */
void html_out_text(struct strbuf *out, const char *s);
/* The same for the first len bytes of s (it stops early at a NUL). */
void html_out_text_n(struct strbuf *out, const char *s, size_t len);
/* The same, in a quoted attribute value (an alias kept for readability). */
void html_out_attr(struct strbuf *out, const char *s);
/* A link to url showing text (text NULL shows the url); only http(s) URLs become links,
 * anything else is shown as text. */
void html_out_link(struct strbuf *out, const char *url, const char *text);

/* <!DOCTYPE html> .. <body>, with title (escaped) and the shared print styles. */
void html_out_page_begin(struct strbuf *out, const char *title);
void html_out_page_end(struct strbuf *out);

#endif

/* content_dom: the few read-only questions the content probes ask of a gumbo tree —
 * an element's tag and attributes, its visible text squashed to single spaces, its
 * comments, and a set of node pointers. The tree belongs to the caller and is never changed.
 * Every walk is bounded in depth (DOM_MAX_DEPTH), so a hostile page cannot blow the stack. */
#ifndef SPOTCHECK_CONTENT_DOM_H
#define SPOTCHECK_CONTENT_DOM_H

#include <gumbo.h>
#include <stddef.h>

#include "common/strbuf.h"

#define DOM_MAX_DEPTH 200

enum {
    DOM_TEXT_SKIP_LINKS = 1, /* leave out the text inside <a> */
    DOM_TEXT_COMMENTS = 2    /* only the text of comments (dates hidden in <!-- -->) */
};

/* 1 when n is an element with this tag. */
int dom_is(const GumboNode *n, GumboTag tag);
/* An attribute's value, or NULL (also for non-elements). */
const char *dom_attr(const GumboNode *n, const char *name);
/* Appends n's text (script and style left out) to out, whitespace and &nbsp; runs squashed
 * to one space; call dom_text_trim afterwards for a trimmed string. */
void dom_text(const GumboNode *n, struct strbuf *out, int flags);
/* Trims spaces at both ends of sb. */
void dom_text_trim(struct strbuf *sb);
/* Number of Unicode code points in a UTF-8 string. */
size_t dom_chars(const char *s);
/* The element children of n, in order (a node's children vector, or NULL). */
const GumboVector *dom_children(const GumboNode *n);
/* 1 when anc is n or one of n's ancestors. */
int dom_contains(const GumboNode *anc, const GumboNode *n);

/* A set of node pointers (open addressing). */
struct dom_set {
    const void **slot;
    size_t cap, n;
};
void dom_set_init(struct dom_set *s);
void dom_set_free(struct dom_set *s);
/* Adds p; returns 0 or -1 when out of memory. */
int dom_set_add(struct dom_set *s, const void *p);
int dom_set_has(const struct dom_set *s, const void *p);

#endif

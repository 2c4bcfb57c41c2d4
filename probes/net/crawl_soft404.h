/* crawl_soft404: recognising a "page not found" that answers 200 (soft 404).
 *
 * Two signals: (1) the site's own answer to a random path that cannot exist (its
 * fingerprint: the non-ASCII text of the page, hashed, so an echoed path or a date does not
 * change it; or the page a not-found redirect lands on), and (2) phrases in the title, or in
 * the body of a short page, that say the page does not exist (页面不存在, 404, ...). */
#ifndef SPOTCHECK_CRAWL_SOFT404_H
#define SPOTCHECK_CRAWL_SOFT404_H

#include <stddef.h>
#include <stdint.h>

/* A page whose visible text is shorter than this may be judged by its body phrases. */
#define SOFT404_SHORT_PAGE 600

struct soft404_fingerprint {
    int active;        /* the random path answered 2xx: its look identifies a soft 404 */
    uint64_t text_sig; /* signature of the page text (see soft404_text_sig) */
    char *landing;     /* final URL when the random path was redirected, or NULL */
    char *title;       /* title of the not-found page, or NULL */
};

/* Signature of a page's visible text: a hash of its non-ASCII characters when there are at
 * least 8 bytes of them, else of its letters; 0 for an empty text. */
uint64_t soft404_text_sig(const char *text, size_t n);

/* 1 when the title or (for short pages) the body text says the page does not exist. */
int soft404_phrase_match(const char *title, const char *text, size_t text_len);

/* 1 when a page (status 2xx) is a soft 404 for the site with fingerprint fp. redirected
 * says the page's URL was redirected to final_url. */
int soft404_page_match(const struct soft404_fingerprint *fp, const char *final_url, int redirected,
                       const char *title, const char *text, size_t text_len);

void soft404_fingerprint_free(struct soft404_fingerprint *fp);

#endif

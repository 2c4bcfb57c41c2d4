/* sections: the sections every government site must have (development guideline 2017):
 * 政府信息公开 (with its 指南 and 年报), 政策解读/解读回应, 办事服务, 互动交流 — found by
 * link text (a synonym table) and by entry-point URL patterns (/xxgk/, /zcjd/ ...) in the
 * navigation and page body of a parsed homepage. Whether the page a section points to
 * loads is the caller's knowledge (the crawler checked every link): see content.h. */
#ifndef SPOTCHECK_SECTIONS_H
#define SPOTCHECK_SECTIONS_H

#include <gumbo.h>

enum section_id {
    SECTION_DISCLOSURE,        /* 政府信息公开 */
    SECTION_INTERPRETATION,    /* 政策解读 / 解读回应 */
    SECTION_SERVICES,          /* 办事服务 */
    SECTION_INTERACTION,       /* 互动交流 */
    SECTION_DISCLOSURE_GUIDE,  /* 政府信息公开指南 */
    SECTION_DISCLOSURE_REPORT, /* 政府信息公开年报 */
    SECTION_COUNT
};

struct section_def {
    const char *name;             /* canonical name as reported */
    const char *const *words;     /* link texts, best first; NULL-terminated */
    const char *const *url_words; /* URL path segments of the entry page */
    const char *key;              /* rule-table key suffix: "disclosure" ... */
    const char *const *short_words; /* short names that count only as the whole text */
};

/* The synonym table, indexed by enum section_id. */
const struct section_def *sections_table(void);

struct section_hit {
    char *url; /* absolute URL of the best link, or NULL when none was found */
    int score; /* 3 exact text, 2 text contains a synonym or is a short name, 1 URL pattern
                  (or a zwfw.*.gov.cn host for 办事服务), 0 none */
};

/* Finds each section's link on a parsed page; hits[] receives heap URLs (caller frees with
 * sections_hits_free). page_url (absolute) resolves relative links. Returns 0 or SC_ENOMEM. */
int sections_find(const GumboNode *root, const char *page_url,
                  struct section_hit hits[SECTION_COUNT]);
void sections_hits_free(struct section_hit hits[SECTION_COUNT]);

#endif

/* guides: the service-guide probe (服务不实用, domain.md): under the 办事服务 section, and on the
 * region's service platform when the section links there, it finds the service guides
 * (办事指南) and checks each for the key elements of the province's plan (事项名称, 办事依据,
 * 受理单位, 基本流程, 申请材料, 收费标准, 办理时限, 咨询电话; site_report.h numbers them).
 *
 * Two parts:
 *  - guides_read_page() reads one parsed page as a guide: which elements it labels, and
 *    which of those have a value (label/value table rows, 「label：value」 lines, a heading
 *    followed by its block, <dt>/<dd>);
 *  - the trail (struct guides_trail) follows the section: its page (level 0), the pages it
 *    links to (level 1: the lists of 事项, or guides), and the pages those link to (level 2:
 *    the guides), only on the site's host and the *.gov.cn hosts the section is on or its
 *    page links to. From the section's page it follows a link under the section's directory
 *    or whose text has a word of lists and guides (指南, 事项, 办事, 服务, 办理, 清单); from a
 *    level-1 page, any link. It only asks for pages (through a want callback; content.c passes
 *    content_want) and reads what the crawler hands back; it never fetches.
 *
 * Which guides are checked does not depend on the order the pages come back: each page of
 * the trail has a place (its parent's place, then the link's position on that page, the
 * least over all its parents), and the first services.guide_sample guides by place are the
 * sample. Every bound is fixed: at most GUIDES_LIST_PAGES level-1 pages are followed
 * further, and at most sample + GUIDES_SLACK links of any page are followed. */
#ifndef SPOTCHECK_GUIDES_H
#define SPOTCHECK_GUIDES_H

#include <gumbo.h>

#include "probes/verdict/site_report.h"

/* The elements, in site_report.h's order (guide_element_name). */
enum guide_element {
    GUIDE_E_NAME,       /* 事项名称 */
    GUIDE_E_BASIS,      /* 办事依据 */
    GUIDE_E_UNIT,       /* 受理单位 (受理机构, 实施主体) */
    GUIDE_E_PROCESS,    /* 基本流程 (办理流程) */
    GUIDE_E_MATERIALS,  /* 申请材料 */
    GUIDE_E_FEES,       /* 收费标准 (是否收费) */
    GUIDE_E_TIME_LIMIT, /* 办理时限 (承诺时限, 法定时限) */
    GUIDE_E_PHONE       /* 咨询电话 (咨询方式) */
};

/* Links followed from one page of the trail: the sample plus this many (navigation chrome). */
#define GUIDES_SLACK 10
/* Level-1 pages whose links are followed (the lists of 事项). */
#define GUIDES_LIST_PAGES 10
/* Pages the probe remembers as guides (read before the trail reached them), at most. */
#define GUIDES_MAX_SEEN 4096
/* Text read from one page, at most (bytes): a huge page is read up to here. */
#define GUIDES_MAX_TEXT (2u * 1024 * 1024)

/* What one page shows of the elements: bit i of labelled when element i's label is there
 * (outside links and column-header rows), bit i of present when a label of it has a value. */
struct guide_read {
    unsigned labelled, present;
    char *name; /* the 事项名称's value, else the page's <title>; NULL when neither */
};

/* Reads the page under root. Returns 0 or SC_ENOMEM (out then holds nothing to free). */
int guides_read_page(const GumboNode *root, struct guide_read *out);
void guide_read_free(struct guide_read *g);
/* 1 when the page reads as a service guide: it labels at least two elements. */
int guides_is_guide(const struct guide_read *g);

struct guides_trail;

/* Asks for url to be fetched and observed; 0 or SC_ENOMEM. */
typedef int (*guides_want_fn)(void *user, const char *url);

/* A trail for the site at home_url checking up to sample guides (0: none, nothing is asked
 * for). NULL when out of memory. */
struct guides_trail *guides_trail_new(const char *home_url, int sample);
void guides_trail_free(struct guides_trail *t);

/* The 办事服务 section's link, as found on the homepage (NULL: the site has none; the trail
 * then stays empty). Asks for the section's page. Returns 0 or SC_ENOMEM. */
int guides_trail_start(struct guides_trail *t, const char *section_url, guides_want_fn want,
                       void *user);

/* One parsed page of the site (url its final URL). A page of the trail has its links
 * followed (asked for through want) as the bounds allow; a page that reads as a guide is
 * remembered. Returns 0 or SC_ENOMEM. */
int guides_trail_observe(struct guides_trail *t, const char *url, const GumboNode *root,
                         guides_want_fn want, void *user);

/* 1 when the trail may have url fetched although it is not on the site's host: its host is
 * a government host (*.gov.cn) that the section is on or that the section's page links to;
 * 0 otherwise; SC_ENOMEM. */
int guides_trail_allows(const struct guides_trail *t, const char *url);

/* Fills rep's services_analysed, services_url and guides (the sample, in trail order).
 * Returns 0 or SC_ENOMEM. */
int guides_trail_finish(struct guides_trail *t, struct site_report *rep);

#endif

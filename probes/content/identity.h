/* identity: what a government homepage's footer must show (domain.md, guideline 2017):
 * the 网站标识码 (site code), the ICP 备案号, the 公安机关备案号, the 党政机关网站标识 badge,
 * the "我为政府网站找错" error-report entry and the sponsoring unit (主办单位); and the site
 * search box, one of the design items.
 *
 * The site code is read from the visible text (网站标识码：4300000077), from
 * <meta name="SiteIDCode">, or from a sitecode='…' attribute (the 找错 script's), in that
 * order; only well-formed codes count. A search box is a form whose action, or an input or
 * button whose name, id, class, placeholder or value, says search/keyword/搜索/检索. */
#ifndef SPOTCHECK_IDENTITY_H
#define SPOTCHECK_IDENTITY_H

#include <gumbo.h>

#include "probes/verdict/site_report.h"

/* Fills id from a parsed homepage (strings are heap copies; absent fields stay NULL/0).
 * Fields already set are freed and replaced. Returns 0 or SC_ENOMEM. */
int identity_find(const GumboNode *root, struct site_identity *id);

/* 1 when code is a well-formed site code: 10 digits (division code + sequence),
 * "bm" + 8 digits (State Council departments), or 2 digits + "BM" + 6 digits. */
int identity_code_valid(const char *code);

#endif

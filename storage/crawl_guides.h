/* crawl_guides: a crawl's service guides in the database (服务不实用, probes/content/guides.h):
 * the 办事服务 section the crawl followed (crawl_services) and each guide it checked with the
 * key elements it misses (crawl_guides), so that the daemon's final verdict judges them again
 * as the crawl did. storage/crawls.c calls these inside its save and load transactions.
 * Tables: docs/database.md, "Crawls". */
#ifndef SPOTCHECK_CRAWL_GUIDES_H
#define SPOTCHECK_CRAWL_GUIDES_H

#include "common/error.h"
#include "probes/verdict/site_report.h"
#include "storage/db.h"

/* Stores r's services_url, services_analysed and guides for crawl_id. Returns 0,
 * SC_ERUNTIME (a guide without a URL; the database failed) or SC_ENOMEM. */
int storage_guides_insert(struct storage *db, long crawl_id, const struct site_report *r,
                          struct sc_error *err);

/* Loads them back into out (guides in the order stored). Returns 0, SC_ERUNTIME (the database
 * failed, or holds an element name this build does not know) or SC_ENOMEM. */
int storage_guides_load(struct storage *db, long crawl_id, struct site_report *out,
                        struct sc_error *err);

#endif

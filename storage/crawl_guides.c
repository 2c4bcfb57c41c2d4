/* crawl_guides: storing and loading a crawl's service guides (see crawl_guides.h). The
 * missing elements are stored as their names (事项名称, 办事依据 ...) joined by ','. */
#include "storage/crawl_guides.h"

#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "storage/internal.h"

static const char SQL_INSERT_SERVICES[] =
    "INSERT INTO crawl_services(crawl_id, url, analysed) VALUES(?,?,?)";
static const char SQL_INSERT_GUIDE[] =
    "INSERT INTO crawl_guides(crawl_id, url, name, missing) VALUES(?,?,?,?)";
static const char SQL_SELECT_SERVICES[] =
    "SELECT url, analysed FROM crawl_services WHERE crawl_id=?";
static const char SQL_SELECT_GUIDES[] =
    "SELECT url, name, missing FROM crawl_guides WHERE crawl_id=? ORDER BY id";

int storage_guides_insert(struct storage *db, long crawl_id, const struct site_report *r,
                          struct sc_error *err)
{
    if (!r->services_url)
        return 0;
    sqlite3_stmt *st = storage_stmt(db, SQL_INSERT_SERVICES, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    storage_bind_text(st, 2, r->services_url);
    sqlite3_bind_int(st, 3, r->services_analysed);
    int rc = storage_exec_stmt(db, st, err, "storing a crawl's services section");
    struct strbuf missing = STRBUF_INIT;
    for (size_t i = 0; rc >= 0 && i < r->nguides; i++) {
        const struct guide_record *g = &r->guides[i];
        strbuf_reset(&missing);
        for (int e = 0; e < GUIDE_ELEMENTS; e++)
            if (g->missing & (1u << e))
                strbuf_addf(&missing, "%s%s", missing.len ? "," : "", guide_element_name(e));
        if (missing.failed) {
            rc = sc_fail(err, SC_ENOMEM, "out of memory storing a service guide");
            break;
        }
        if (!(st = storage_stmt(db, SQL_INSERT_GUIDE, err))) {
            rc = SC_ERUNTIME;
            break;
        }
        sqlite3_bind_int64(st, 1, crawl_id);
        storage_bind_text(st, 2, g->url);
        storage_bind_text(st, 3, g->name ? g->name : "");
        storage_bind_text(st, 4, missing.buf);
        rc = storage_exec_stmt(db, st, err, "storing a service guide");
    }
    strbuf_release(&missing);
    return rc < 0 ? rc : 0;
}

/* The element bits of a stored list of names; -1 when one is unknown. */
static long missing_of(const char *text)
{
    unsigned bits = 0;
    const char *p = text ? text : "";
    while (*p) {
        size_t n = strcspn(p, ",");
        int e;
        for (e = 0; e < GUIDE_ELEMENTS; e++) {
            const char *name = guide_element_name(e);
            if (strlen(name) == n && strncmp(p, name, n) == 0)
                break;
        }
        if (e == GUIDE_ELEMENTS)
            return -1;
        bits |= 1u << e;
        p += n;
        if (*p == ',')
            p++;
    }
    return bits;
}

int storage_guides_load(struct storage *db, long crawl_id, struct site_report *out,
                        struct sc_error *err)
{
    sqlite3_stmt *st = storage_stmt(db, SQL_SELECT_SERVICES, err);
    if (!st)
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        free(out->services_url);
        out->services_url = storage_column_dup(st, 0, 0);
        out->services_analysed = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return storage_fail(db, err, "loading a crawl's services section");
    if (step == SQLITE_ROW && !out->services_url)
        return sc_fail(err, SC_ENOMEM, "out of memory loading crawl %ld", crawl_id);
    if (!(st = storage_stmt(db, SQL_SELECT_GUIDES, err)))
        return SC_ERUNTIME;
    sqlite3_bind_int64(st, 1, crawl_id);
    int rc = 0;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 2);
        long bits = missing_of(text);
        if (bits < 0) {
            rc = sc_fail(err, SC_ERUNTIME, "crawl %ld: a guide's missing elements \"%s\" are "
                         "not known to this build", crawl_id, text ? text : "");
            break;
        }
        struct guide_record *g = site_report_add_guide(out);
        if (!g) {
            rc = sc_fail(err, SC_ENOMEM, "out of memory loading crawl %ld", crawl_id);
            break;
        }
        g->url = storage_column_dup(st, 0, 0);
        g->name = storage_column_dup(st, 1, 1);
        g->missing = (unsigned)bits;
        if (!g->url || !g->name)
            rc = sc_fail(err, SC_ENOMEM, "out of memory loading crawl %ld", crawl_id);
    }
    sqlite3_reset(st);
    if (rc == 0 && step != SQLITE_DONE)
        return storage_fail(db, err, "loading a crawl's service guides");
    return rc;
}

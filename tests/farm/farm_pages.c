/* farm_pages: which pages of a served site a crawler must reach: DIR/pages.txt, and their
 * number, truth.json's reachable_pages (see docs/farm.md).
 *
 * A reachable page is an on-site HTML page answering 2xx, linked from the homepage or from
 * another reachable page: the homepage, every list page of every column, every article, every
 * present section, the lists of 事项 and service guides of 办事服务 that are on the site, and
 * the 热点排行 page behind a retry_after_429 trap (200 once the client
 * waited). Not: soft 404s, the planted faults, redirects (their target is a list page, counted
 * once), attachments, other hosts. URLs are written as a careful client requests them. */
#include <string.h>

#include "tests/farm/farm.h"

/* Appends the site's reachable page URLs to out, one a line (when out is not NULL); returns
 * how many there are. */
static int site_urls(const struct farm_site *s, struct strbuf *out)
{
    struct strbuf path = STRBUF_INIT;
    int n = 1;
    if (out)
        strbuf_addf(out, "%s\n", s->url);
    for (int c = 0; c < s->ncols; c++) {
        const struct farm_column *col = &s->cols[c];
        for (int p = 0; p < farm_column_pages(col); p++, n++) {
            strbuf_reset(&path);
            farm_list_path(col, p, &path);
            if (out)
                strbuf_addf(out, "http://%s%s\n", s->host, path.buf);
        }
        for (int i = 0; i < col->nitems; i++, n++) {
            strbuf_reset(&path);
            farm_article_path(col, i, &path);
            if (out)
                strbuf_addf(out, "http://%s%s\n", s->host, path.buf);
        }
    }
    for (int i = 0; i < FARM_NSECTIONS; i++) {
        if (!s->sections[i].present || s->sections[i].offsite)
            continue;
        n++;
        if (out)
            strbuf_addf(out, "http://%s/%s/\n", s->host, s->sections[i].slug);
    }
    /* the lists of 事项 and the guides under 办事服务 that are on the site (farm_guides.c) */
    for (int k = 0; k < farm_guides_npages(s); k++) {
        struct strbuf url = STRBUF_INIT, html = STRBUF_INIT;
        if (!farm_guides_page(NULL, s, k, &url, &html)) {
            n++;
            if (out)
                strbuf_addf(out, "%s\n", url.buf);
        }
        strbuf_release(&url);
        strbuf_release(&html);
    }
    for (int c = 0; c < s->nchannels; c++) {
        const struct farm_channel *ch = &s->channels[c];
        for (int p = 0; p < farm_channel_pages(ch); p++, n++) {
            strbuf_reset(&path);
            farm_channel_path(ch, p, &path);
            if (out)
                strbuf_addf(out, "http://%s%s\n", s->host, path.buf);
        }
        for (int k = 0; k < ch->nmsg; k++, n++) {
            strbuf_reset(&path);
            farm_message_path(ch, k, &path);
            if (out)
                strbuf_addf(out, "http://%s%s\n", s->host, path.buf);
        }
    }
    for (int i = 0; i < s->nlinks; i++) {
        if (!s->links[i].trap || strcmp(s->links[i].reason, "retry_after_429"))
            continue;
        n++;
        if (out)
            strbuf_addf(out, "%s\n", s->links[i].url);
    }
    strbuf_release(&path);
    return n;
}

int farm_site_reachable_pages(const struct farm_site *s)
{
    return site_urls(s, NULL);
}

int farm_pages_write(const struct farm_model *m, struct sc_error *err)
{
    struct strbuf sb = STRBUF_INIT, path = STRBUF_INIT;
    for (int i = 0; i < m->nsites; i++)
        if (m->sites[i].served)
            site_urls(&m->sites[i], &sb);
    strbuf_addf(&path, "%s/pages.txt", m->opts.out);
    int rc = sb.failed || path.failed ? sc_fail(err, SC_ENOMEM, "out of memory")
                                      : farm_write_file(path.buf, sb.buf, sb.len, err);
    strbuf_release(&sb);
    strbuf_release(&path);
    return rc;
}

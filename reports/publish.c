/* publish: the public results site, from the database to DIR (publish.h). */
#include "reports/publish.h"
#include "reports/publish_data.h"
#include "reports/publish_pages.h"
#include "reports/publish_tree.h"
#include "storage/publish_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct builder {
    struct pub_tree tree;
    struct publish_summary *sum;
    struct strbuf buf;
    struct sc_error *err;
};

/* Writes b->buf to path and empties it. */
static int emit(struct builder *b, const char *path)
{
    if (b->buf.failed)
        return sc_fail(b->err, SC_ENOMEM, "out of memory writing %s", path);
    int rc = pub_tree_write(&b->tree, path, b->buf.buf, b->buf.len, b->err);
    if (rc == 0) {
        b->sum->files++;
        b->sum->bytes += b->buf.len;
    }
    strbuf_reset(&b->buf);
    return rc;
}

static int emit_text(struct builder *b, const char *path, const char *text)
{
    strbuf_adds(&b->buf, text ? text : "");
    return emit(b, path);
}

/* Each distinct site code of the rounds, once. */
static int write_sites(struct builder *b, const struct pub_options *o, const struct pub_data *d)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < d->nrounds; i++) {
        for (size_t j = 0; rc == 0 && j < d->rounds[i].nsites; j++) {
            const char *code = d->rounds[i].sites[j].code;
            if (!pub_code_ok(code))
                continue;
            int seen = 0; /* written for an earlier round or site? */
            for (size_t k = 0; k <= i && !seen; k++)
                for (size_t l = 0; l < (k == i ? j : d->rounds[k].nsites) && !seen; l++)
                    seen = strcmp(d->rounds[k].sites[l].code, code) == 0;
            if (seen)
                continue;
            char path[96];
            snprintf(path, sizeof path, "sites/%s.html", code);
            pub_page_site(&b->buf, o, d, code);
            rc = emit(b, path);
            b->sum->sites++;
        }
    }
    return rc;
}

static int write_all(struct builder *b, const struct pub_options *o, const struct pub_data *d)
{
    int rc;
    pub_page_index(&b->buf, o, d);
    if ((rc = emit(b, "index.html")) < 0)
        return rc;
    pub_page_method(&b->buf, o);
    if ((rc = emit(b, "method.html")) < 0)
        return rc;
    pub_feed(&b->buf, o, d);
    if ((rc = emit(b, "feed.xml")) < 0)
        return rc;
    for (size_t i = 0; i < d->nrounds; i++) {
        const struct pub_round *r = &d->rounds[i];
        char slug[32], path[64];
        pub_round_slug(r, slug, sizeof slug);
        pub_page_round(&b->buf, o, r);
        snprintf(path, sizeof path, "%s/index.html", slug);
        if ((rc = emit(b, path)) < 0)
            return rc;
        pub_round_csv(&b->buf, r);
        snprintf(path, sizeof path, "data/%s.csv", slug);
        if ((rc = emit(b, path)) < 0)
            return rc;
        snprintf(path, sizeof path, "data/%s.json", slug);
        if ((rc = emit_text(b, path, r->json)) < 0)
            return rc;
        snprintf(path, sizeof path, "data/%s.frame.txt", slug);
        if ((rc = emit_text(b, path, r->frame_text)) < 0)
            return rc;
    }
    /* latest.json: the newest round's document; without rounds, an empty one */
    if ((rc = emit_text(
             b, "data/latest.json",
             d->nrounds ? d->rounds[d->nrounds - 1].json
                        : "{\n  \"quarter\": null,\n  \"round\": null,\n  \"sites\": []\n}\n")) < 0)
        return rc;
    pub_datapackage(&b->buf, o, d);
    if ((rc = emit(b, "data/datapackage.json")) < 0)
        return rc;
    return write_sites(b, o, d);
}

int publish_build(struct storage *db, const struct publish_request *req,
                  struct publish_summary *sum, struct sc_error *err)
{
    memset(sum, 0, sizeof *sum);
    struct pub_data d;
    int rc = pub_data_load(db, req->rules, req->rectification_days, &d, err);
    if (rc < 0) {
        pub_data_free(&d);
        return rc;
    }
    struct strbuf base = STRBUF_INIT;
    if (req->base_url && *req->base_url) {
        strbuf_adds(&base, req->base_url);
        if (base.len && base.buf[base.len - 1] != '/')
            strbuf_addch(&base, '/');
    }
    struct pub_options o = {req->title && *req->title ? req->title : "政府网站抽查结果", base.buf,
                            req->rules};
    struct builder b = {.sum = sum, .buf = STRBUF_INIT, .err = err};
    rc = base.failed ? sc_fail(err, SC_ENOMEM, "out of memory") : 0;
    if (rc == 0)
        rc = pub_tree_begin(&b.tree, req->out_dir, err);
    if (rc == 0) {
        rc = write_all(&b, &o, &d);
        if (rc == 0)
            rc = pub_tree_commit(&b.tree, err);
        pub_tree_abort(&b.tree);
    }
    sum->rounds = d.nrounds;
    /* the rounds on the site are published (after the swap: a failed build marks nothing) */
    for (size_t i = 0; rc == 0 && i < d.nrounds; i++) {
        int m = storage_round_mark_published(db, d.rounds[i].id, err);
        if (m < 0)
            rc = m;
        else
            sum->marked += m;
    }
    strbuf_release(&b.buf);
    strbuf_release(&base);
    pub_data_free(&d);
    return rc;
}

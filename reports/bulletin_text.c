/* bulletin_text: the round at a glance for a terminal (bulletin.h): the overview, then one
 * line per sampled site — rank, code, verdict, score, deadline, rectification (整改: due until
 * the deadline, then rectified or not by the re-check after it), region, name — with the
 * columns padded by display width, since regions and names are Chinese. Text output is for
 * people and may change (contract.md). */
#include "common/dispwidth.h"
#include "reports/bulletin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void counts_line(struct strbuf *out, const char *what, const struct sitereport_round *r,
                        const struct bulletin_counts *c)
{
    strbuf_addf(out,
                "%s%s round %d: %ld of %ld normally running sites sampled (%.1f%%); %ld "
                "judged: %ld pass, %ld fail",
                what, r->quarter, r->number, c->sampled, c->frame,
                c->frame ? 100.0 * (double)c->sampled / (double)c->frame : 0.0, c->judged,
                c->passed, c->failed);
    if (c->pending)
        strbuf_addf(out, ", %ld pending", c->pending);
    double rate = bulletin_pass_rate(c);
    if (rate >= 0)
        strbuf_addf(out, "; pass rate %.1f%%", rate);
    strbuf_addch(out, '\n');
}

/* A failing site's rectification for the terminal: "due until 2026-11-27" until the re-check
 * after the deadline (复查), then "rectified on 2026-11-28" or "not rectified (2026-11-28)"
 * with the re-check's day; "-" for a site that does not fail. */
static void rectification_text(const struct sitereport *sr, struct strbuf *out)
{
    if (!*sr->deadline) {
        strbuf_addch(out, '-');
        return;
    }
    struct rectification_view v = sitereport_rectification(sr);
    if (!v.rec)
        strbuf_addf(out, "due until %s", sr->deadline);
    else if (v.rec->rectified)
        strbuf_addf(out, "rectified on %.10s", v.rec->checked_at);
    else
        strbuf_addf(out, "not rectified (%.10s)", v.rec->checked_at);
}

int bulletin_text(const struct bulletin *b, struct strbuf *out)
{
    counts_line(out, "", &b->rd, &b->n);
    if (b->have_prev)
        counts_line(out, "previous: ", &b->prd, &b->pn);
    strbuf_addf(out, "seed %s\nframe hash %s\n\n", b->seed, b->frame_hash);
    /* the region column as wide as its widest entry */
    size_t rw = dispwidth_utf8("region");
    for (size_t i = 0; i < b->nsites; i++) {
        size_t w = dispwidth_utf8(b->sites[i].region);
        if (w > rw)
            rw = w;
    }
    /* the rectification column as wide as its widest entry */
    struct strbuf *rect = calloc(b->nsites ? b->nsites : 1, sizeof *rect);
    if (!rect)
        return SC_ENOMEM;
    size_t xw = dispwidth_utf8("rectification");
    for (size_t i = 0; i < b->nsites; i++) {
        strbuf_init(&rect[i]);
        rectification_text(&b->sites[i], &rect[i]);
        if (rect[i].failed)
            out->failed = 1;
        size_t w = dispwidth_utf8(rect[i].buf);
        if (w > xw)
            xw = w;
    }
    strbuf_adds(out, "rank  code        verdict  score  deadline    ");
    dispwidth_pad(out, "rectification", xw);
    strbuf_adds(out, "  ");
    dispwidth_pad(out, "region", rw);
    strbuf_adds(out, "  name\n");
    for (size_t i = 0; i < b->nsites; i++) {
        const struct sitereport *sr = &b->sites[i];
        char score[16] = "-";
        if (strcmp(sr->verdict, "pending") != 0)
            snprintf(score, sizeof score, "%.1f", sr->r.score);
        strbuf_addf(out, "%4d  ", sr->rank);
        dispwidth_pad(out, sr->code, 10);
        strbuf_addf(out, "  %-7s  %5s  %-10s  ", sr->verdict, score,
                    *sr->deadline ? sr->deadline : "-");
        dispwidth_pad(out, rect[i].buf, xw);
        strbuf_adds(out, "  ");
        dispwidth_pad(out, sr->region, rw);
        strbuf_adds(out, "  ");
        strbuf_adds(out, sr->name);
        strbuf_addch(out, '\n');
    }
    for (size_t i = 0; i < b->nsites; i++)
        strbuf_release(&rect[i]);
    free(rect);
    return out->failed ? SC_ENOMEM : SC_OK;
}

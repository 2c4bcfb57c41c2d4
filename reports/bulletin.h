/* bulletin: the round's bulletin for the office (抽查情况通报, issue 11 part 3), in the shape
 * provincial bulletins use — 总体情况 (sampled of normally running, the share, the pass rate,
 * the previous round), 主要问题 (counts by defect kind with named examples), 问题网站名单
 * (failing sites and why), 整改要求 (deadlines; the previous round's failures and their
 * rectification state) and the proof of the draw (seed, frame hash, how to verify) — built
 * from the database only, as HTML (printable), CSV and JSON (docs/reports.md).
 *
 * The figures: `frame` is the draw's frame size (the sites normally running when it was
 * drawn), `sampled` its sample size, the share sampled/frame; the pass rate is passed of
 * judged (sites with a final verdict), null while none is judged. */
#ifndef SPOTCHECK_BULLETIN_H
#define SPOTCHECK_BULLETIN_H

#include "common/error.h"
#include "common/strbuf.h"
#include "reports/sitereport.h"

#define BULLETIN_EXAMPLES 3

struct bulletin_kind {
    const char *kind;                   /* points into a site's report */
    int veto;                           /* at least one is a veto */
    long defects, sites;                /* defects of the kind; sites with at least one */
    size_t examples[BULLETIN_EXAMPLES]; /* indices into sites */
    size_t nexamples;
};

struct bulletin_counts {
    long frame, sampled, judged, passed, failed, pending;
};

struct bulletin {
    struct sitereport_round rd;
    char *seed, *frame_hash, *seed_source, *drawn_at;
    long repeats;
    struct bulletin_counts n;
    struct sitereport *sites; /* the sample in rank order */
    size_t nsites;
    struct bulletin_kind *kinds; /* most sites first */
    size_t nkinds;
    /* the previous round */
    int have_prev;
    struct sitereport_round prd;
    struct bulletin_counts pn;
    struct sitereport *prev_sites;
    size_t nprev;
};

/* Loads the bulletin of round `number` of quarter (the caller frees it with bulletin_free,
 * also on failure). Returns 0, SC_ENOTFOUND (no such round, or not drawn), SC_ERUNTIME or
 * SC_ENOMEM. */
int bulletin_load(struct storage *db, const struct rules *rules, int rectification_days,
                  const char *quarter, int number, struct bulletin *out, struct sc_error *err);
void bulletin_free(struct bulletin *b);

/* Pass rate in percent of judged sites, or -1 when none is judged. */
double bulletin_pass_rate(const struct bulletin_counts *n);
/* Why a failing site fails, in Chinese ("单项否决：首页不更新；得分 52 低于 60 分"). */
void bulletin_reasons(const struct sitereport *sr, struct strbuf *out);

int bulletin_html(const struct bulletin *b, struct strbuf *out);
/* For a person at a terminal (`spotcheck report Q R`): the overview and one line per sampled
 * site, columns aligned by display width (common/dispwidth.h). */
int bulletin_text(const struct bulletin *b, struct strbuf *out);
int bulletin_csv(const struct bulletin *b, struct strbuf *out);
int bulletin_json(const struct bulletin *b, struct strbuf *out);

#endif

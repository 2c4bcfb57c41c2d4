/* cmd_plan: `spotcheck plan [QUARTER]`: a quarter's rounds, their draw dates and check
 * windows, and what is drawn and done. */
#include "common/clock.h"
#include "common/json.h"
#include "common/strbuf.h"
#include "daemon/cli.h"
#include "daemon/config.h"
#include "sampler/calendar.h"
#include "sampler/params.h"
#include "storage/draws.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: spotcheck plan [QUARTER] [--rounds N] [--format text|json]\n\n"
          "Shows the rounds of QUARTER (default: the quarter of today, or of --now): when\n"
          "each is drawn, its check window, and its draw if it has one (seed, frame hash,\n"
          "counts). Rounds not drawn yet follow the default calendar (docs/sampling.md):\n"
          "with two rounds, round 1 is drawn on the quarter's first day and round 2 six\n"
          "weeks later; a round's window lasts until the next round is drawn.\n\n"
          "Options:\n"
          "  --rounds N       rounds a quarter, 2 to 6 (default 2; a quarter already in the\n"
          "                   database keeps the number it was drawn with; also [sampling]\n"
          "                   rounds in the --config file, which the option overrides)\n"
          "  --format FMT     text (default) or json (each drawn round's draw in full)\n",
          out);
    cli_print_common_options(out);
}

struct plan_round {
    int number;
    char draw_date[16], window_start[16], window_end[16], state[32];
    long draw_id, replaced;
    int stored;                 /* the round is in the database */
    struct sampler_record draw; /* loaded when draw_id */
};

struct plan {
    struct plan_round rounds[SAMPLER_ROUNDS_MAX * 4];
    int n;
};

static struct plan_round *plan_round_get(struct plan *p, int number)
{
    for (int i = 0; i < p->n; i++)
        if (p->rounds[i].number == number)
            return &p->rounds[i];
    if (p->n == (int)(sizeof p->rounds / sizeof p->rounds[0]))
        return NULL;
    struct plan_round *r = &p->rounds[p->n++];
    memset(r, 0, sizeof *r);
    r->number = number;
    snprintf(r->state, sizeof r->state, "planned");
    return r;
}

static int add_stored(const struct round_row *row, void *ud)
{
    struct plan_round *r = plan_round_get(ud, row->number);
    if (!r)
        return 0;
    snprintf(r->draw_date, sizeof r->draw_date, "%s", row->draw_date ? row->draw_date : "");
    snprintf(r->window_start, sizeof r->window_start, "%s",
             row->window_start ? row->window_start : "");
    snprintf(r->window_end, sizeof r->window_end, "%s", row->window_end ? row->window_end : "");
    snprintf(r->state, sizeof r->state, "%s", row->state ? row->state : "");
    r->draw_id = row->active_draw_id;
    r->replaced = row->replaced;
    r->stored = 1;
    return 0;
}

static int cmp_round(const void *a, const void *b)
{
    return ((const struct plan_round *)a)->number - ((const struct plan_round *)b)->number;
}

/* Where today stands relative to a round: a word for people. */
static const char *timing(const struct plan_round *r, const char *today)
{
    if (strcmp(today, r->window_start) < 0)
        return "upcoming";
    if (strcmp(today, r->window_end) <= 0)
        return "window open";
    return "window closed";
}

static void write_text(const struct plan *p, const char *quarter, const char *today,
                       struct strbuf *out)
{
    strbuf_addf(out, "%s: %d rounds (today %s)\n", quarter, p->n, today);
    for (int i = 0; i < p->n; i++) {
        const struct plan_round *r = &p->rounds[i];
        strbuf_addf(out, "\nround %d  draw %s  window %s .. %s  %s  [%s]\n", r->number,
                    r->draw_date, r->window_start, r->window_end, timing(r, today), r->state);
        if (!r->draw_id) {
            strbuf_addf(out, "  not drawn%s\n",
                        strcmp(today, r->draw_date) >= 0 ? " (the draw is due)" : "");
            continue;
        }
        const struct sampler_record *d = &r->draw;
        strbuf_addf(out, "  drawn %s (draw %ld): %ld of %ld sites, %ld repeat%s, rate %g%s\n",
                    d->drawn_at, d->id, d->sample_size, d->frame_size, d->repeats,
                    d->repeats == 1 ? "" : "s", sampler_rate_value(d->rate_bp),
                    d->stratified ? ", stratified" : "");
        strbuf_addf(out, "  seed %s\n  frame hash %s\n", d->seed, d->frame_hash);
        if (d->note && *d->note)
            strbuf_addf(out, "  note: %s\n", d->note);
        if (r->replaced)
            strbuf_addf(out, "  %ld earlier draw%s replaced by a redraw\n", r->replaced,
                        r->replaced == 1 ? "" : "s");
    }
}

static void write_json(const struct plan *p, const char *quarter, const char *today,
                       struct strbuf *out)
{
    struct json_writer w;
    json_init(&w, out, 1);
    json_object_begin(&w);
    json_kv_string(&w, "quarter", quarter);
    json_kv_string(&w, "today", today);
    json_kv_int(&w, "rounds_per_quarter", p->n);
    json_key(&w, "rounds");
    json_array_begin(&w);
    for (int i = 0; i < p->n; i++) {
        const struct plan_round *r = &p->rounds[i];
        json_object_begin(&w);
        json_kv_int(&w, "round", r->number);
        json_kv_string(&w, "draw_date", r->draw_date);
        json_kv_string(&w, "window_start", r->window_start);
        json_kv_string(&w, "window_end", r->window_end);
        json_kv_string(&w, "state", r->state);
        json_kv_string(&w, "timing", timing(r, today));
        json_kv_int(&w, "replaced_draws", r->replaced);
        json_key(&w, "draw");
        if (r->draw_id)
            sampler_record_json(&r->draw, &w);
        else
            json_null(&w);
        json_object_end(&w);
    }
    json_array_end(&w);
    json_object_end(&w);
    strbuf_addch(out, '\n');
}

int cmd_plan(struct cli_context *ctx, int argc, char **argv)
{
    enum { OPT_FORMAT = OPT_FIRST_COMMAND_OPTION };
    static const struct option longopts[] = {{"rounds", required_argument, NULL, CFGOPT_ROUNDS},
                                             {"format", required_argument, NULL, OPT_FORMAT},
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    struct sc_error err = {{0}};
    enum output_format format = FORMAT_TEXT;
    int c;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case OPT_FORMAT:
            if (cli_parse_format(optarg, &format, 0) < 0)
                return cli_usage_error("plan", "--format must be text or json");
            break;
        default: {
            int r = cli_other_option(ctx, "plan", c, optarg);
            if (r)
                return r;
        }
        }
    }
    int status = cli_config_load(ctx, "plan");
    if (status)
        return status;
    /* A quarter already drawn keeps its rounds; only --rounds contradicting it is refused. */
    int rounds = (int)config_int(ctx->config, CFG_SAMPLING_ROUNDS);
    int rounds_given = config_origin_of(ctx->config, CFG_SAMPLING_ROUNDS) == CONFIG_COMMAND_LINE;
    long today_day = sc_day_of(sc_clock_now());
    struct sampler_quarter q = sampler_quarter_of_day(today_day);
    if (argc - optind > 1)
        return cli_usage_error("plan", "give at most one quarter, e.g. 2026Q4");
    if (argc - optind == 1 && sampler_quarter_parse(argv[optind], &q, &err) < 0)
        return cli_usage_error("plan", "%s", err.msg);
    char quarter[8], today[16];
    sampler_quarter_format(q, quarter);
    sc_day_format(today_day, today);

    struct sampler_round_plan cal[SAMPLER_ROUNDS_MAX];
    if (sampler_calendar(q, rounds, cal, &err) < 0)
        return cli_usage_error("plan", "%s", err.msg);
    struct plan *p = calloc(1, sizeof *p);
    if (!p)
        return cli_report_error("plan", SC_ENOMEM, "out of memory");
    for (int k = 0; k < rounds; k++) {
        struct plan_round *r = plan_round_get(p, cal[k].number);
        sc_day_format(cal[k].draw_day, r->draw_date);
        sc_day_format(cal[k].window_start, r->window_start);
        sc_day_format(cal[k].window_end, r->window_end);
    }

    struct storage *db = NULL;
    int rc = storage_open_existing(ctx->db_path, &db, &err);
    if (rc == SC_OK)
        rc = storage_rounds_each(db, quarter, add_stored, p, &err);
    /* A quarter in the database keeps the calendar it was first drawn with (as draw does):
     * the calendar's rounds it does not have are not shown, a contradicting --rounds is
     * refused. */
    int nstored = 0;
    for (int i = 0; i < p->n; i++)
        nstored += p->rounds[i].stored;
    if (rc == SC_OK && nstored > 0) {
        if (rounds_given && nstored != rounds) {
            rc = sc_fail(&err, SC_EINPUT,
                         "%s is planned with %d rounds, not %d: a quarter keeps its calendar",
                         quarter, nstored, rounds);
        } else {
            int k = 0;
            for (int i = 0; i < p->n; i++)
                if (p->rounds[i].stored)
                    p->rounds[k++] = p->rounds[i];
            p->n = k;
        }
    }
    qsort(p->rounds, (size_t)p->n, sizeof p->rounds[0], cmp_round);
    for (int i = 0; rc == SC_OK && i < p->n; i++)
        if (p->rounds[i].draw_id)
            rc = storage_draw_load(db, p->rounds[i].draw_id, &p->rounds[i].draw, &err);
    if (db)
        storage_close(db);
    if (rc < 0) {
        status = cli_report_error("plan", rc, err.msg);
    } else {
        struct strbuf out = STRBUF_INIT;
        if (format == FORMAT_JSON)
            write_json(p, quarter, today, &out);
        else
            write_text(p, quarter, today, &out);
        if (out.failed)
            status = cli_report_error("plan", SC_ENOMEM, "out of memory");
        else
            fwrite(out.buf, 1, out.len, stdout);
        strbuf_release(&out);
        if (fflush(stdout) != 0)
            status = EXIT_RUNTIME;
    }
    for (int i = 0; i < p->n; i++)
        sampler_record_free(&p->rounds[i].draw);
    free(p);
    return status;
}

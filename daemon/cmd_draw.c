/* cmd_draw: `spotcheck draw QUARTER ROUND`: draw a round's sample, store it with its frame in
 * one transaction, and print the sample and the proof (seed, frame hash, counts). */
#include "common/json.h"
#include "common/strbuf.h"
#include "daemon/cli.h"
#include "daemon/config.h"
#include "daemon/draw_round.h"
#include "sampler/calendar.h"
#include "sampler/params.h"
#include "storage/draws.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: spotcheck draw QUARTER ROUND [--seed HEX] [--rate R] [--rounds N]\n"
          "                      [--no-stratify] [--redraw REASON] [--format text|json]\n\n"
          "Draws round ROUND of QUARTER (e.g. 2026Q4 1) from the sites of the registry whose\n"
          "status is normally running, stores it and prints the sample and its proof. Every\n"
          "site is ranked by SHA-256(seed || site code) and the sample taken from the top,\n"
          "so anyone holding the seed and the frame can recompute it (docs/sampling.md).\n"
          "A later round of the quarter repeats at most 10% of its sample from earlier ones.\n"
          "A round is drawn once; --redraw replaces it, keeping the old draw on record.\n\n"
          "Options:\n"
          "  --seed HEX        the office's seed (8-128 hex digits); default: 32 random bytes\n"
          "  --rate R          share of the frame to draw, at least 0.15 (default 0.15)\n"
          "  --rounds N        rounds a quarter, at least 2 (default 2)\n"
          "  --no-stratify     one ranking over the whole frame instead of proportional\n"
          "                    allocation by region and site type\n"
          "                    (these four are also [sampling] seed, rate, rounds and stratify\n"
          "                    in the --config file; an option overrides the file)\n"
          "  --redraw REASON   replace the round's draw; the reason is recorded\n"
          "  --format FMT      text (default) or json\n",
          out);
    cli_print_common_options(out);
}

int cmd_draw(struct cli_context *ctx, int argc, char **argv)
{
    enum { OPT_REDRAW = OPT_FIRST_COMMAND_OPTION, OPT_FORMAT };
    static const struct option longopts[] = {CONFIG_SAMPLING_LONGOPTS,
                                             {"redraw", required_argument, NULL, OPT_REDRAW},
                                             {"format", required_argument, NULL, OPT_FORMAT},
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    struct sc_error err = {{0}};
    const char *redraw = NULL;
    int c;
    enum output_format format = FORMAT_TEXT;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case OPT_REDRAW:
            if (!*optarg)
                return cli_usage_error("draw", "--redraw needs a reason, it is recorded");
            redraw = optarg;
            break;
        case OPT_FORMAT:
            if (cli_parse_format(optarg, &format, 0) < 0)
                return cli_usage_error("draw", "--format must be text or json");
            break;
        default: {
            int r = cli_other_option(ctx, "draw", c, optarg);
            if (r)
                return r;
        }
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("draw", "give a quarter and a round, e.g. 2026Q4 1");
    int status = cli_config_load(ctx, "draw");
    if (status)
        return status;
    struct sampler_quarter q;
    char quarter[8];
    int round;
    if (sampler_quarter_round_parse(argv[optind], argv[optind + 1], &q, quarter, &round, &err) < 0)
        return cli_usage_error("draw", "%s", err.msg);
    /* [sampling]: the options, else the file, else the defaults (draw_round.h) */
    struct draw_round_prep prep;
    int rc = draw_round_prepare(ctx->config, q, round, redraw, &prep, &err);
    if (rc == SC_EINPUT)
        return cli_usage_error("draw", "%s", err.msg);
    if (rc < 0)
        return cli_report_error("draw", rc, err.msg);

    struct storage *db = NULL;
    rc = storage_open(ctx->db_path, &db, &err);
    if (rc < 0)
        return cli_report_error("draw", rc, err.msg);
    long draw_id = 0;
    struct sampler_record rec;
    memset(&rec, 0, sizeof rec);
    rc = storage_draw_round(db, &prep.req, &draw_id, &err);
    if (rc == SC_OK)
        rc = storage_draw_load(db, draw_id, &rec, &err);
    storage_close(db);
    if (rc < 0)
        return cli_report_error("draw", rc, err.msg);

    struct strbuf out = STRBUF_INIT;
    if (format == FORMAT_JSON) {
        struct json_writer w;
        json_init(&w, &out, 1);
        sampler_record_json(&rec, &w);
        strbuf_addch(&out, '\n');
    } else {
        sampler_record_text(&rec, &out);
    }
    if (rec.note && *rec.note && ctx->verbosity >= 0)
        fprintf(stderr, "spotcheck draw: note: %s\n", rec.note);
    sampler_record_free(&rec);
    if (out.failed)
        status = cli_report_error("draw", SC_ENOMEM, "out of memory writing the draw");
    else
        fwrite(out.buf, 1, out.len, stdout);
    strbuf_release(&out);
    if (fflush(stdout) != 0)
        status = EXIT_RUNTIME;
    return status;
}

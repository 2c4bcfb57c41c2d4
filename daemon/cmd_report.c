/* cmd_report: `spotcheck report QUARTER ROUND --format json`: a round's results from the
 * database (reports/round_json.h, contract.md). The reports written with --out (HTML, text,
 * per-site defect reports) come with the reports issue; until then only --format json is
 * built. */
#include "common/strbuf.h"
#include "daemon/cli.h"
#include "daemon/config.h"
#include "reports/round_json.h"
#include "sampler/calendar.h"
#include "storage/db.h"

#include <string.h>

enum { OPT_FORMAT = OPT_FIRST_COMMAND_OPTION, OPT_OUT };

static void report_usage(FILE *out)
{
    fputs("usage: spotcheck report QUARTER ROUND --format json\n\n"
          "Writes a round's results, read from the database, to standard output: the draw's\n"
          "proof and, for each sampled site in rank order, its verdict (pass, fail, or\n"
          "pending until its crawl is stored), score, crawl time and defects (contract.md).\n"
          "Availability and rectification are null until the daemon's monitoring and\n"
          "re-checks are built (docs/daemon.md).\n\n"
          "Options:\n"
          "  --format json    the round's results as JSON (the only form built yet)\n"
          "  --out DIR        the round's reports as files: not built yet\n",
          out);
    cli_print_common_options(out);
}

int cmd_report(struct cli_context *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                             {"format", required_argument, NULL, OPT_FORMAT},
                                             {"out", required_argument, NULL, OPT_OUT},
                                             {NULL, 0, NULL, 0}};
    enum output_format format = FORMAT_TEXT;
    int json = 0, want_out = 0, c;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (c == 'h') {
            report_usage(stdout);
            return EXIT_OK;
        }
        if (c == OPT_FORMAT) {
            if (cli_parse_format(optarg, &format, 0) < 0)
                return cli_usage_error("report", "--format must be json");
            json = format == FORMAT_JSON;
            continue;
        }
        if (c == OPT_OUT) {
            want_out = 1;
            continue;
        }
        int r = cli_other_option(ctx, "report", c, optarg);
        if (r)
            return r;
    }
    if (argc - optind != 2)
        return cli_usage_error("report", "give a quarter and a round, e.g. 2026Q4 1");
    int status = cli_config_load(ctx, "report");
    if (status)
        return status;
    struct sc_error err = {{0}};
    struct sampler_quarter q;
    char quarter[8];
    int round;
    if (sampler_quarter_round_parse(argv[optind], argv[optind + 1], &q, quarter, &round, &err) < 0)
        return cli_usage_error("report", "%s", err.msg);
    if (want_out || !json) {
        fprintf(stderr,
                "spotcheck report: the reports as files (--out) and as text are not built "
                "yet in spotcheck %s; use --format json (docs/status.md)\n",
                SPOTCHECK_VERSION);
        return EXIT_RUNTIME;
    }
    struct rules rules;
    if (config_rules(ctx->config, &rules, &err) < 0)
        return cli_usage_error("report", "%s", err.msg);
    struct storage *db = NULL;
    int rc = storage_open_existing(ctx->db_path, &db, &err);
    if (rc < 0)
        return cli_report_error("report", rc, err.msg);
    struct strbuf out = STRBUF_INIT;
    rc = round_json(db, &rules, (int)config_int(ctx->config, CFG_PUBLISH_RECTIFICATION_DAYS),
                    quarter, round, &out, &err);
    storage_close(db);
    if (rc < 0) {
        strbuf_release(&out);
        return rc == SC_ENOTFOUND ? cli_usage_error("report", "%s", err.msg)
                                  : cli_report_error("report", rc, err.msg);
    }
    return cli_write_output("report", &out, EXIT_OK);
}

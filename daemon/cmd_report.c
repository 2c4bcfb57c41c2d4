/* cmd_report: `spotcheck report QUARTER ROUND --format json`: a round's results from the
 * database (reports/round_json.h, contract.md); with --out DIR, the round's reports as files:
 * each sampled site's defect report, the bulletin and round.json
 * (reports/sitereport_write.h, docs/reports.md). */
#include "common/strbuf.h"
#include "daemon/cli.h"
#include "daemon/config.h"
#include "reports/bulletin.h"
#include "reports/round_json.h"
#include "reports/sitereport_write.h"
#include "sampler/calendar.h"
#include "storage/db.h"

#include <string.h>

enum { OPT_FORMAT = OPT_FIRST_COMMAND_OPTION, OPT_OUT };

static void report_usage(FILE *out)
{
    fputs("usage: spotcheck report QUARTER ROUND [--format text|json]\n"
          "       spotcheck report QUARTER ROUND --out DIR\n\n"
          "Builds a round's reports from the database (it never fetches).\n\n"
          "Without options it prints the round at a glance: the figures of the bulletin and\n"
          "one line per sampled site (verdict, score, deadline, region, name).\n\n"
          "--format json writes the round's results to standard output: the draw's proof\n"
          "and, for each sampled site in rank order, its verdict (pass, fail, or pending\n"
          "until its verdict is final), score, crawl time, availability, defects and\n"
          "rectification deadline (contract.md).\n\n"
          "--out DIR writes the round's reports into DIR (created if missing):\n"
          "  <code>.html, <code>.csv, <code>.json  each sampled site's defect report for\n"
          "      its maintainers: verdict and score, the problems in the order to fix them\n"
          "      with their rules, broken links, stale and blank columns, missing sections\n"
          "      and identity problems, the monitoring week, changes since the previous\n"
          "      round and the rectification deadline\n"
          "  bulletin.html, bulletin.csv, bulletin.json  the office's bulletin\n"
          "      (抽查情况通报): overview, main problems, failing sites, rectification, and\n"
          "      the proof of the draw\n"
          "  round.json  the --format json document\n"
          "Each file is written to a temporary name and renamed; files whose content is\n"
          "unchanged are left alone, so running it twice gives identical files.\n"
          "CSV files are UTF-8 with a byte order mark. See docs/reports.md.\n\n"
          "Options:\n"
          "  --format text    the round at a glance (the default)\n"
          "  --format json    the round's results as JSON on standard output\n"
          "  --out DIR        the round's reports as files in DIR\n",
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
    const char *out_dir = NULL;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (c == 'h') {
            report_usage(stdout);
            return EXIT_OK;
        }
        if (c == OPT_FORMAT) {
            if (cli_parse_format(optarg, &format, 0) < 0)
                return cli_usage_error("report", "--format must be text or json");
            json = format == FORMAT_JSON;
            continue;
        }
        if (c == OPT_OUT) {
            if (!*optarg)
                return cli_usage_error("report", "--out needs a directory");
            want_out = 1;
            out_dir = optarg;
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
    if (want_out && json)
        return cli_usage_error("report", "give --out DIR or --format json, not both");

    struct rules rules;
    if (config_rules(ctx->config, &rules, &err) < 0)
        return cli_usage_error("report", "%s", err.msg);
    struct storage *db = NULL;
    int rc = storage_open_existing(ctx->db_path, &db, &err);
    if (rc < 0)
        return cli_report_error("report", rc, err.msg);
    int rect_days = (int)config_int(ctx->config, CFG_PUBLISH_RECTIFICATION_DAYS);
    if (want_out) {
        struct sitereport_write_summary sum;
        rc = sitereport_write_round(db, &rules, rect_days, quarter, round, out_dir, &sum, &err);
        storage_close(db);
        if (rc < 0)
            return rc == SC_ENOTFOUND ? cli_usage_error("report", "%s", err.msg)
                                      : cli_report_error("report", rc, err.msg);
        printf("%s round %d: %ld site report%s, the bulletin and round.json in %s "
               "(%ld files, %ld changed)\n",
               quarter, round, sum.sites, sum.sites == 1 ? "" : "s", out_dir, sum.files,
               sum.changed);
        return EXIT_OK;
    }
    struct strbuf out = STRBUF_INIT;
    if (!json) { /* the round at a glance, for a person */
        struct bulletin b;
        rc = bulletin_load(db, &rules, rect_days, quarter, round, &b, &err);
        storage_close(db);
        if (rc == 0 && bulletin_text(&b, &out) < 0)
            rc = sc_fail(&err, SC_ENOMEM, "out of memory writing the round");
        bulletin_free(&b);
        if (rc < 0) {
            strbuf_release(&out);
            return rc == SC_ENOTFOUND ? cli_usage_error("report", "%s", err.msg)
                                      : cli_report_error("report", rc, err.msg);
        }
        return cli_write_output("report", &out, EXIT_OK);
    }
    rc = round_json(db, &rules, rect_days, quarter, round, &out, &err);
    storage_close(db);
    if (rc < 0) {
        strbuf_release(&out);
        return rc == SC_ENOTFOUND ? cli_usage_error("report", "%s", err.msg)
                                  : cli_report_error("report", rc, err.msg);
    }
    return cli_write_output("report", &out, EXIT_OK);
}

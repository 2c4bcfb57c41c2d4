/* cmd_publish: `spotcheck publish [--out DIR]`: (re)builds the public results site from the
 * database (reports/publish.h, contract.md "The public results site") into DIR, by default
 * [publish] out_dir, and marks the rounds it holds published. Idempotent: the same database
 * gives the same files. */
#include "daemon/cli.h"
#include "daemon/config.h"
#include "reports/publish.h"
#include "storage/db.h"

#include <string.h>

enum { OPT_OUT = OPT_FIRST_COMMAND_OPTION };

static void publish_usage(FILE *out)
{
    fputs("usage: spotcheck publish [--out DIR]\n\n"
          "Builds the public results site from the database: an index of the quarters and\n"
          "rounds, a page per finalised round (each sampled site's verdict, score and main\n"
          "defects, charts, the proof of the draw), a page per site across rounds, how we\n"
          "check, an Atom feed, and the open data (CSV, JSON, datapackage.json) in DIR/data.\n"
          "Only finalised rounds are published; they are then marked published. The site is\n"
          "built beside DIR and swapped in, so a reader never sees half of it. Its links in\n"
          "the feed are absolute under [publish] base_url; its title is [publish] title.\n\n"
          "Options:\n"
          "  --out DIR        where the site goes (default [publish] out_dir)\n",
          out);
    cli_print_common_options(out);
}

int cmd_publish(struct cli_context *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS, {"out", required_argument, NULL, OPT_OUT}, {NULL, 0, NULL, 0}};
    const char *out_dir = NULL;
    int c;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (c == 'h') {
            publish_usage(stdout);
            return EXIT_OK;
        }
        if (c == OPT_OUT) {
            out_dir = optarg;
            continue;
        }
        int r = cli_other_option(ctx, "publish", c, optarg);
        if (r)
            return r;
    }
    if (argc - optind != 0)
        return cli_usage_error("publish", "unexpected argument '%s'", argv[optind]);
    int status = cli_config_load(ctx, "publish");
    if (status)
        return status;
    if (!out_dir || !*out_dir)
        out_dir = config_get(ctx->config, CFG_PUBLISH_OUT_DIR);
    if (!out_dir || !*out_dir)
        return cli_usage_error("publish", "give --out DIR or set [publish] out_dir");
    struct sc_error err = {{0}};
    struct rules rules;
    if (config_rules(ctx->config, &rules, &err) < 0)
        return cli_usage_error("publish", "%s", err.msg);
    struct storage *db = NULL;
    int rc = storage_open_existing(ctx->db_path, &db, &err);
    if (rc < 0)
        return cli_report_error("publish", rc, err.msg);
    struct publish_request req = {out_dir, config_get(ctx->config, CFG_PUBLISH_TITLE),
                                  config_get(ctx->config, CFG_PUBLISH_BASE_URL), &rules,
                                  (int)config_int(ctx->config, CFG_PUBLISH_RECTIFICATION_DAYS)};
    struct publish_summary sum;
    rc = publish_build(db, &req, &sum, &err);
    storage_close(db);
    if (rc < 0)
        return rc == SC_EINPUT ? cli_usage_error("publish", "%s", err.msg)
                               : cli_report_error("publish", rc, err.msg);
    if (ctx->verbosity >= 0)
        printf("published %zu round%s and %zu site page%s to %s (%zu files, %zu bytes)%s\n",
               sum.rounds, sum.rounds == 1 ? "" : "s", sum.sites, sum.sites == 1 ? "" : "s",
               out_dir, sum.files, sum.bytes,
               sum.marked ? "; newly published rounds marked in the database" : "");
    return EXIT_OK;
}

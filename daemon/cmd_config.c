/* cmd_config: `spotcheck config`: the configuration in effect, every key with where its value
 * came from (default, file:FILE:LINE, command line), like `git config --list --show-origin`;
 * or the commented sample file (--sample). */
#include "common/strbuf.h"
#include "daemon/cli.h"
#include "daemon/config.h"
#include "probes/net/netopts.h"

static void usage(FILE *out)
{
    fputs("usage: spotcheck config [--format text|json] [--sample] [options]\n\n"
          "Prints every configuration key with its value and where the value comes from:\n"
          "'default', 'file:FILE:LINE' (the --config file) or 'command line' (an option,\n"
          "which overrides the file), one key a line as ORIGIN<TAB>SECTION.KEY=VALUE; a key\n"
          "that is a list prints one line per entry. The mail password is never shown (only\n"
          "password_file). A bad file is an error naming FILE:LINE (exit status 2).\n\n"
          "Options:\n"
          "  --format F       text (default) or json: [{section, key, value, origin}, ...]\n"
          "  --sample         print the commented sample file (docs/spotcheck.conf) instead\n"
          "  --seed HEX, --rate R, --rounds N, --no-stratify   the sampling options, as draw\n",
          out);
    netopts_print_help(out);
    cli_print_common_options(out);
}

int cmd_config(struct cli_context *ctx, int argc, char **argv)
{
    enum { OPT_FORMAT = OPT_FIRST_COMMAND_OPTION, OPT_SAMPLE };
    static const struct option longopts[] = {{"format", required_argument, NULL, OPT_FORMAT},
                                             {"sample", no_argument, NULL, OPT_SAMPLE},
                                             CONFIG_SAMPLING_LONGOPTS,
                                             NETOPTS_LONGOPTS,
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    enum output_format format = FORMAT_TEXT;
    int sample = 0, c;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case OPT_FORMAT:
            if (cli_parse_format(optarg, &format, 0) < 0)
                return cli_usage_error("config", "--format must be text or json");
            break;
        case OPT_SAMPLE:
            sample = 1;
            break;
        default: {
            int r = cli_other_option(ctx, "config", c, optarg);
            if (r)
                return r;
        }
        }
    }
    if (optind != argc)
        return cli_usage_error("config", "unexpected argument '%s'", argv[optind]);
    int status = cli_config_load(ctx, "config");
    if (status)
        return status;
    struct strbuf out = STRBUF_INIT;
    if (sample)
        config_write_sample(&out);
    else if (format == FORMAT_JSON)
        config_write_json(ctx->config, &out);
    else
        config_write_list(ctx->config, &out);
    return cli_write_output("config", &out, status);
}

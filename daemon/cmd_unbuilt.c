/* cmd_unbuilt: the subcommands that are not built yet say so clearly (exit status 3), after
 * reading their options and the --config file like every command (a bad file is exit 2).
 * Each moves into its own cmd_<name>.c when its issue is done. */
#include "daemon/cli.h"
#include "daemon/config.h"
#include "probes/net/netopts.h"

static int not_built(struct cli_context *ctx, const char *name, int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS, NETOPTS_LONGOPTS, CONFIG_SAMPLING_LONGOPTS, {NULL, 0, NULL, 0}};
    int c, r = 0, saved_opterr = opterr;
    opterr = 0; /* options of their own are not known yet: skipped */
    while (!r && (c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (c == 'h') {
            opterr = saved_opterr;
            printf("usage: spotcheck %s ...\n\nThis command is not built yet in spotcheck %s.\n"
                   "It will read the --config file (see 'spotcheck config').\n",
                   name, SPOTCHECK_VERSION);
            return EXIT_OK;
        }
        if (c != '?' && c != ':')
            r = cli_other_option(ctx, name, c, optarg);
    }
    opterr = saved_opterr;
    if (r || (r = cli_config_load(ctx, name)) != 0)
        return r;
    fprintf(stderr, "spotcheck %s: not built yet in spotcheck %s (see docs/status.md)\n", name,
            SPOTCHECK_VERSION);
    return EXIT_RUNTIME;
}

#define UNBUILT(name)                                                                              \
    int cmd_##name(struct cli_context *ctx, int argc, char **argv)                                 \
    {                                                                                              \
        return not_built(ctx, #name, argc, argv);                                                  \
    }

UNBUILT(publish)

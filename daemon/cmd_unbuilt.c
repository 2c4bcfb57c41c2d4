/* cmd_unbuilt: the subcommands that are not built yet say so clearly (exit status 3).
 * Each moves into its own cmd_<name>.c when its issue is done. */
#include "daemon/cli.h"

static int not_built(const char *name, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && (argv[i][1] == 'h' || (argv[i][1] == '-' && argv[i][2] == 'h'))) {
            printf("usage: spotcheck %s ...\n\nThis command is not built yet in spotcheck %s.\n",
                   name, SPOTCHECK_VERSION);
            return EXIT_OK;
        }
    }
    fprintf(stderr, "spotcheck %s: not built yet in spotcheck %s (see docs/status.md)\n", name,
            SPOTCHECK_VERSION);
    return EXIT_RUNTIME;
}

#define UNBUILT(name)                                                                          \
    int cmd_##name(struct cli_context *ctx, int argc, char **argv)                             \
    {                                                                                          \
        (void)ctx;                                                                             \
        return not_built(#name, argc, argv);                                                   \
    }

UNBUILT(daemon)
UNBUILT(status)
UNBUILT(report)
UNBUILT(publish)

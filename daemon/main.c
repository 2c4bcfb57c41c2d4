/* main: spotcheck's entry point: global options, then the subcommand. */
#include "daemon/cli.h"
#include "daemon/config.h"
#include "daemon/postround.h"
#include "storage/db.h"

#include <curl/curl.h>
#include <sqlite3.h> /* only sqlite3_libversion(): SQL itself stays in storage/ */
#include <uv.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static void print_usage(FILE *out)
{
    fprintf(out, "usage: spotcheck [--db FILE] [--config FILE] [--now TIME] COMMAND [ARGS]\n\n"
                 "Audits government websites by the national rules: draws quarterly samples,\n"
                 "crawls the sites, judges them and publishes the results.\n\nCommands:\n");
    for (const struct command *c = cli_commands; c->name; c++)
        fprintf(out, "  %-8s %s\n", c->name, c->summary);
    cli_print_common_options(out);
    fprintf(out, "  -V, --version    the version, the libraries' (libcurl, libuv, SQLite) and the\n"
                 "                   database schema version this build writes\n");
    fprintf(out, "\nRun 'spotcheck COMMAND --help' for a command's options. Exit status: 0 ok,\n"
                 "1 a checked site failed, 2 bad usage or input, 3 runtime failure.\n");
}

/* The versions of what runs, not of what was compiled against: the shared libraries the
 * dynamic linker loaded, and the schema storage_open() migrates a database to. */
static void print_version(FILE *out)
{
    const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);
    fprintf(out, "spotcheck %s\n", SPOTCHECK_VERSION);
    fprintf(out, "libcurl %s%s%s\n", curl->version, curl->ssl_version ? " " : "",
            curl->ssl_version ? curl->ssl_version : "");
    fprintf(out, "libuv %s\n", uv_version_string());
    fprintf(out, "SQLite %s\n", sqlite3_libversion());
    fprintf(out, "database schema %d\n", storage_schema_latest());
}

static int run(struct cli_context *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                              {"version", no_argument, NULL, 'V'},
                                              {NULL, 0, NULL, 0}};
    int c;
    /* Global options stop at the first non-option word: the command. */
    while ((c = getopt_long(argc, argv, "+" CLI_COMMON_SHORTOPTS "V", longopts, NULL)) != -1) {
        if (c == 'h') {
            print_usage(stdout);
            return EXIT_OK;
        }
        if (c == 'V') {
            print_version(stdout);
            return fflush(stdout) == 0 ? EXIT_OK : EXIT_RUNTIME;
        }
        int r = cli_common_option(ctx, c, optarg);
        if (r < 0)
            return EXIT_USAGE;
        if (r == 0) {
            print_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        print_usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[optind];
    for (const struct command *cmd = cli_commands; cmd->name; cmd++) {
        if (strcmp(cmd->name, name) == 0) {
            if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                fprintf(stderr, "spotcheck: cannot initialise libcurl\n");
                return EXIT_RUNTIME;
            }
            int first = optind;
            optind = 0; /* glibc: 0 reinitialises getopt for the command's own parse */
            int status = cmd->run(ctx, argc - first, argv + first);
            curl_global_cleanup();
            return status;
        }
    }
    fprintf(stderr, "spotcheck: '%s' is not a command. See 'spotcheck --help'.\n", name);
    return EXIT_USAGE;
}

/* A child the daemon started (daemon/postround.c) dies with it: a killed daemon leaves no
 * report or publication running on its own beside the one its restart starts. */
static void die_with_the_daemon(void)
{
    const char *parent = getenv(POSTROUND_PARENT_ENV);
    if (!parent || !*parent)
        return;
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if ((long)getppid() != strtol(parent, NULL, 10))
        _exit(EXIT_RUNTIME); /* the daemon died before the line above */
}

int main(int argc, char **argv)
{
    die_with_the_daemon();
    struct config config;
    config_init(&config);
    struct cli_context ctx = {.db_path = "spotcheck.db", .prog = "spotcheck", .config = &config};
    int status = run(&ctx, argc, argv);
    config_release(&config);
    return status;
}

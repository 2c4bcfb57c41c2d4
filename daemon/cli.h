/* cli: what every subcommand shares: the global options, the usage texts, and the table
 * of subcommands. Each subcommand lives in daemon/cmd_<name>.c and returns an exit status
 * (contract.md: 0 ok, 1 check found a failing site, 2 bad usage/input, 3 runtime). */
#ifndef SPOTCHECK_CLI_H
#define SPOTCHECK_CLI_H

#include <getopt.h>
#include <stdio.h>
#include <time.h>

enum { EXIT_OK = 0, EXIT_FAILED_CHECK = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3 };

struct config;

struct cli_context {
    const char *db_path;     /* [daemon] db or --db, default spotcheck.db (cli_config_load) */
    const char *config_path; /* --config, or NULL */
    int verbosity;           /* 0 normal, >0 -v, <0 -q */
    int now_set;             /* --now given (the clock is then simulated) */
    const char *prog;        /* "spotcheck" */
    struct config *config;   /* every setting and its origin (daemon/config.h) */
};

/* Long options every subcommand accepts; append them to a command's own table with
 * CLI_COMMON_LONGOPTS and hand unknown option codes to cli_common_option(). */
enum { OPT_DB = 1000, OPT_CONFIG, OPT_NOW, OPT_HELP, OPT_FIRST_COMMAND_OPTION = 1100 };
#define CLI_COMMON_LONGOPTS                                                                    \
    {"db", required_argument, NULL, OPT_DB}, {"config", required_argument, NULL, OPT_CONFIG},  \
        {"now", required_argument, NULL, OPT_NOW}, {"help", no_argument, NULL, 'h'},           \
        {"verbose", no_argument, NULL, 'v'}, {"quiet", no_argument, NULL, 'q'}
#define CLI_COMMON_SHORTOPTS "hvq"

/* Handles a common option code from getopt_long. Returns 1 if handled, 0 if the code is
 * not a common option, or -1 after printing an error (bad --now). 'h' is not handled.
 * --db goes into ctx->config with origin "command line". */
int cli_common_option(struct cli_context *ctx, int code, const char *arg);
/* The default branch of every command's option switch: handles a common option or an option
 * that sets a configuration key (a network or sampling option, config_option) and returns
 * 0, or returns the exit status for a bad or unknown one (after saying so). */
int cli_other_option(struct cli_context *ctx, const char *cmd, int code, const char *arg);
/* After a command's options: loads the --config file into ctx->config (options given on
 * the command line keep their values) and sets db_path from it. Returns 0, or the exit
 * status after printing the error ("FILE:LINE: why"). */
int cli_config_load(struct cli_context *ctx, const char *cmd);
/* Prints "spotcheck CMD: <message>" and a hint to use --help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the common options block used at the end of every command's --help. */
void cli_print_common_options(FILE *out);
/* Writes out to standard output and releases it. Returns status, or the exit status of a
 * failure (out of memory while building out, a write error) after saying so. */
struct strbuf;
int cli_write_output(const char *cmd, struct strbuf *out, int status);
/* Prints an error from a lower layer and returns the matching exit status. */
int cli_report_error(const char *cmd, int code, const char *msg);
/* Parses one of --format's values; returns 0 and sets *out, or -1. */
enum output_format { FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON };
int cli_parse_format(const char *s, enum output_format *out, int allow_csv);

struct command {
    const char *name;
    const char *summary;
    int (*run)(struct cli_context *ctx, int argc, char **argv);
};

int cmd_import(struct cli_context *ctx, int argc, char **argv);
int cmd_sites(struct cli_context *ctx, int argc, char **argv);
int cmd_plan(struct cli_context *ctx, int argc, char **argv);
int cmd_draw(struct cli_context *ctx, int argc, char **argv);
int cmd_verify(struct cli_context *ctx, int argc, char **argv);
int cmd_daemon(struct cli_context *ctx, int argc, char **argv);
int cmd_status(struct cli_context *ctx, int argc, char **argv);
int cmd_report(struct cli_context *ctx, int argc, char **argv);
int cmd_mail(struct cli_context *ctx, int argc, char **argv);
int cmd_evidence(struct cli_context *ctx, int argc, char **argv);
int cmd_publish(struct cli_context *ctx, int argc, char **argv);
int cmd_check(struct cli_context *ctx, int argc, char **argv);
int cmd_config(struct cli_context *ctx, int argc, char **argv);

extern const struct command cli_commands[];

#endif

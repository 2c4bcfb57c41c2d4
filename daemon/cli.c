/* cli: common options, error printing and the subcommand table (see cli.h). */
#include "daemon/cli.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "daemon/config.h"

#include <stdarg.h>
#include <string.h>

const struct command cli_commands[] = {
    {"import", "import or refresh the national site registry export (UTF-8 or GBK CSV)", cmd_import},
    {"sites", "list registered sites and their status", cmd_sites},
    {"plan", "show a quarter's rounds, their windows and what is drawn/done", cmd_plan},
    {"draw", "draw a round's sample; prints the sample and the proof", cmd_draw},
    {"verify", "recompute a published draw from its seed and frame", cmd_verify},
    {"daemon", "run the schedule: draws, probes, monitoring, verdicts, reports", cmd_daemon},
    {"status", "what the daemon is doing and what is due next", cmd_status},
    {"report", "(re)build a round's reports from the database", cmd_report},
    {"mail", "send each failing site's defect report to its contact address", cmd_mail},
    {"evidence", "what the auditor saw of a site in a round: homepage, failing probes", cmd_evidence},
    {"publish", "(re)build the public results site", cmd_publish},
    {"check", "check sites now, without a database or a schedule", cmd_check},
    {"config", "show the configuration in effect and where each value comes from", cmd_config},
    {NULL, NULL, NULL},
};

int cli_common_option(struct cli_context *ctx, int code, const char *arg)
{
    switch (code) {
    case OPT_DB: {
        struct sc_error err;
        ctx->db_path = arg;
        if (ctx->config && config_set(ctx->config, CFG_DAEMON_DB, arg, CONFIG_COMMAND_LINE, 0,
                                      &err) < 0) {
            fprintf(stderr, "%s: --db '%s': %s\n", ctx->prog, arg, err.msg);
            return -1;
        }
        return 1;
    }
    case OPT_CONFIG:
        ctx->config_path = arg;
        return 1;
    case OPT_NOW: {
        time_t t;
        if (sc_time_parse(arg, &t) != SC_OK) {
            fprintf(stderr, "%s: --now: '%s' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM\n", ctx->prog,
                    arg);
            return -1;
        }
        sc_clock_set(t);
        ctx->now_set = 1;
        return 1;
    }
    case 'v':
        ctx->verbosity++;
        return 1;
    case 'q':
        ctx->verbosity--;
        return 1;
    default:
        return 0;
    }
}

int cli_other_option(struct cli_context *ctx, const char *cmd, int code, const char *arg)
{
    int r = cli_common_option(ctx, code, arg);
    if (r > 0)
        return 0;
    if (r < 0)
        return EXIT_USAGE;
    struct sc_error err;
    r = ctx->config ? config_option(ctx->config, code, arg, &err) : 0;
    if (r > 0)
        return 0;
    if (r == SC_EINPUT)
        return cli_usage_error(cmd, "%s", err.msg);
    return r < 0 ? cli_report_error(cmd, r, err.msg) : cli_usage_error(cmd, "unknown option");
}

int cli_config_load(struct cli_context *ctx, const char *cmd)
{
    if (!ctx->config)
        return EXIT_OK;
    struct sc_error err;
    int rc = SC_OK;
    if (ctx->verbosity)
        rc = config_set(ctx->config, CFG_DAEMON_LOG_LEVEL, ctx->verbosity > 0 ? "debug" : "error",
                        CONFIG_COMMAND_LINE, 0, &err);
    if (rc == SC_OK && ctx->config_path)
        rc = config_load_file(ctx->config, ctx->config_path, &err);
    if (rc < 0) {
        fprintf(stderr, "spotcheck %s: %s\n", cmd, err.msg);
        return sc_exit_status(rc);
    }
    ctx->db_path = config_get(ctx->config, CFG_DAEMON_DB);
    return EXIT_OK;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "spotcheck %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'spotcheck %s --help'.\n", cmd);
    return EXIT_USAGE;
}

void cli_print_common_options(FILE *out)
{
    fputs("\nCommon options:\n"
          "  --db FILE        the database (default spotcheck.db)\n"
          "  --config FILE    the configuration file (INI: [network], [sampling], [rules],\n"
          "                   [daemon], [mail], [publish]); options given here override it.\n"
          "                   'spotcheck config' shows what is in effect (docs/configuration.md)\n"
          "  --now TIME       act as of YYYY-MM-DD[THH:MM] (China time) instead of now\n"
          "  -v, --verbose    say more;  -q, --quiet  say only errors\n"
          "  -h, --help       this help\n",
          out);
}

int cli_write_output(const char *cmd, struct strbuf *out, int status)
{
    if (out->failed)
        status = cli_report_error(cmd, SC_ENOMEM, "out of memory");
    else
        fwrite(out->buf, 1, out->len, stdout);
    strbuf_release(out);
    if (fflush(stdout) != 0)
        status = cli_report_error(cmd, SC_ERUNTIME, "cannot write the output");
    return status;
}

int cli_report_error(const char *cmd, int code, const char *msg)
{
    fprintf(stderr, "spotcheck %s: %s\n", cmd, msg && *msg ? msg : "failed");
    return sc_exit_status(code);
}

int cli_parse_format(const char *s, enum output_format *out, int allow_csv)
{
    if (strcmp(s, "text") == 0)
        *out = FORMAT_TEXT;
    else if (strcmp(s, "json") == 0)
        *out = FORMAT_JSON;
    else if (allow_csv && strcmp(s, "csv") == 0)
        *out = FORMAT_CSV;
    else
        return -1;
    return 0;
}

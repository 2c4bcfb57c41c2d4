/* cmd_daemon: `spotcheck daemon`: runs the schedule on one libuv loop: each round's draw on
 * its draw day, its sampled sites' crawls (content probes and rule table) within its window,
 * its availability monitoring week (daemon/monitor.h), the re-checks of suspected links
 * (daemon/recheck.h), and its finalisation when the window closes (daemon/schedule.h). Every action is worked
 * out from the database and the clock at each tick, so a restart recomputes what is due and
 * never repeats what was done; a crawl cut short by a stop or a crash is simply redone.
 *
 * Time: on the wall clock by default; with --now T0 --until T1 the clock is simulated: it
 * starts at T0 and, whenever nothing is in flight, jumps straight to the next due action;
 * the daemon exits 0 when the next action lies past T1. (--now alone: the clock starts at
 * T0 and runs with the wall clock.) SIGTERM/SIGINT cancel the work in flight, close every handle
 * and exit 0; SIGHUP reloads the configuration. One daemon per database (daemon_lock.h). */
#include "common/clock.h"
#include "common/strbuf.h"
#include "daemon/cli.h"
#include "daemon/config.h"
#include "daemon/daemon_lock.h"
#include "daemon/daemon_log.h"
#include "daemon/daemon_run.h"
#include "probes/net/crawl.h"
#include "probes/net/netopts.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_UNTIL = OPT_FIRST_COMMAND_OPTION };

static void daemon_usage(FILE *out)
{
    fputs("usage: spotcheck daemon [--now T0 [--until T1]] [network options]\n\n"
          "Runs the schedule in the foreground, logging to standard error: draws each round\n"
          "of the quarter on its draw day ([sampling] seed, or a random seed recorded with\n"
          "the draw); crawls every sampled site with the content probes and the rule table,\n"
          "spread over the first half of the round's window (at most [daemon]\n"
          "crawl_concurrency sites at once), and stores each crawl with the homepage as\n"
          "evidence; probes every sampled homepage [rules] availability.probes_per_day times a\n"
          "day for a week ([daemon] reference_targets tell the monitor's own outages);\n"
          "re-checks suspected links ([daemon] recheck_after_hours, recheck_attempts); and\n"
          "when the window closes, gives each site its final verdict (crawl, re-checks,\n"
          "availability veto). Everything is worked out from the database and the clock: a\n"
          "restart never repeats what was done. It re-imports [daemon] registry when that\n"
          "file changes. Once a round is final it rebuilds its reports, mails them ([mail]) and\n"
          "republishes the site ([publish] out_dir).\n\n"
          "Options:\n"
          "  --until T1       with --now T0: simulated time. The clock starts at T0 and jumps\n"
          "                   to the next due action whenever nothing is in flight (the network\n"
          "                   work is real); exit 0 once the next action lies past T1\n",
          out);
    netopts_print_help(out);
    fputs("  (the network options override [network] of the --config file)\n", out);
    cli_print_common_options(out);
    fputs(
        "\nSIGTERM or SIGINT: stop within seconds (crawls, probes and re-checks in flight\n"
        "cancelled, redone on restart), exit 0. Under systemd: sd_notify readiness and watchdog.\n"
        "SIGHUP: reload the --config file (a bad file is logged and the old one kept).\n"
        "Exit status: 0 stopped or --until reached, 2 bad usage or configuration, or another\n"
        "daemon runs on the database, 3 runtime failure.\n",
        out);
}

int cmd_daemon(struct cli_context *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                             NETOPTS_LONGOPTS,
                                             {"until", required_argument, NULL, OPT_UNTIL},
                                             {NULL, 0, NULL, 0}};
    struct daemon_run_options ro;
    memset(&ro, 0, sizeof ro);
    int c;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (c == 'h') {
            daemon_usage(stdout);
            return EXIT_OK;
        }
        if (c == OPT_UNTIL) {
            if (sc_time_parse(optarg, &ro.until) != SC_OK)
                return cli_usage_error("daemon",
                                       "--until: '%s' is not YYYY-MM-DD or "
                                       "YYYY-MM-DDTHH:MM",
                                       optarg);
            ro.has_until = 1;
            continue;
        }
        int r = cli_other_option(ctx, "daemon", c, optarg);
        if (r)
            return r;
    }
    if (optind < argc)
        return cli_usage_error("daemon", "unexpected argument '%s'", argv[optind]);
    if (ro.has_until && !ctx->now_set)
        return cli_usage_error("daemon", "--until needs --now (simulated time starts there)");
    if (ro.has_until && ro.until < sc_clock_now())
        return cli_usage_error("daemon", "--until is before --now");
    int status = cli_config_load(ctx, "daemon");
    if (status)
        return status;

    const char *level = config_get(ctx->config, CFG_DAEMON_LOG_LEVEL);
    daemon_log_set_level(level);
    if (ctx->verbosity > 0)
        daemon_log_set(LOG_DEBUG);
    else if (ctx->verbosity < 0)
        daemon_log_set(LOG_ERROR);

    struct sc_error err = {{0}};
    int lock_fd = -1;
    pid_t holder = 0;
    int rc = daemon_lock_take(ctx->db_path, &lock_fd, &holder, &err);
    if (rc < 0) {
        fprintf(stderr, "spotcheck daemon: %s\n", err.msg);
        return sc_exit_status(rc);
    }
    ro.follow_wall_clock = ctx->now_set && !ro.has_until;
    status = daemon_run(ctx->config, ctx->db_path, &ro);
    close(lock_fd); /* releases the lock; the file stays for the next daemon */
    return status;
}

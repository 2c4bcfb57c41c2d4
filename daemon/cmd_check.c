/* cmd_check: `spotcheck check URL...` — crawl sites now, without a database or a schedule,
 * and print what was found (contract.md). Exit 0 when every site passes, 1 when one fails,
 * 2 for bad usage, 3 for a runtime failure. */
#include "daemon/cli.h"
#include "daemon/config.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "common/clock.h"
#include "probes/verdict/check_output.h"
#include "probes/content/content_run.h"
#include "probes/net/crawl.h"
#include "probes/net/netopts.h"
#include "probes/net/url.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_FORMAT = OPT_FIRST_COMMAND_OPTION, OPT_ALL_LINKS, OPT_SCOPE_HOST, OPT_EXCLUDE };

static void check_usage(FILE *out)
{
    fputs("usage: spotcheck check URL... [--format json|text] [--all-links] [options]\n\n"
          "Crawls each site from its homepage, checks every link it finds, and reports the\n"
          "broken ones (and, as the content probes and rules land, stale columns, missing\n"
          "sections and a verdict). Nothing is stored.\n\n"
          "Options:\n"
          "  --format F       json (the contract's document) or text (default)\n"
          "  --all-links      list every link checked, not only broken and suspected ones\n"
          "  --scope-host H   also crawl pages on host H (repeatable)\n"
          "  --exclude S      skip URLs containing S (repeatable)\n",
          out);
    netopts_print_help(out);
    fputs("  (the network options are also keys of [network] in the --config file, whose\n"
          "  [rules] override the rule table; an option overrides the file)\n",
          out);
    cli_print_common_options(out);
    fputs("\nExit status: 0 every site passed, 1 a site failed (unreachable, or a confirmed\n"
          "broken link until the rule table judges), 2 bad usage, 3 runtime failure.\n",
          out);
}

/* The crawl on check's own loop: a progress line on a terminal, and every site's status. */
struct check_state {
    int progress_shown;
    int *site_status; /* per site: 0, or SC_ENOMEM when it could not be finished */
};

static void check_progress(const struct crawl_progress *p, void *user)
{
    struct check_state *st = user;
    fprintf(stderr,
            "\r\033[K%zu pages crawled, %zu links found, %zu checked, %.0f pages/s, %zu to do",
            p->pages, p->urls, p->checks + p->pages,
            p->seconds > 0 ? (double)p->pages / p->seconds : 0.0, p->to_do);
    fflush(stderr);
    st->progress_shown = 1;
}

static void check_site_finished(struct crawl *c, size_t index, struct site_report *r, int status,
                                void *user)
{
    struct check_state *st = user;
    st->site_status[index] = status;
}

/* Crawls the sites; site_status[i] tells which could not be finished (out of memory):
 * the others' reports are complete. */
static int check_crawl(const char *const *urls, size_t n, const struct crawl_options *opt,
                       const struct crawl_hooks *hooks, struct site_report *reports, int progress,
                       int *site_status, struct sc_error *err)
{
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0)
        return sc_fail(err, SC_ERUNTIME, "cannot start the event loop");
    struct check_state st = {0, site_status};
    struct crawl_callbacks cbs = {check_site_finished, NULL, progress ? check_progress : NULL,
                                  &st};
    struct crawl *c;
    int rc = crawl_start(&loop, urls, n, opt, hooks, &cbs, reports, &c, err);
    if (rc == 0) {
        uv_run(&loop, UV_RUN_DEFAULT);
        if (st.progress_shown)
            fprintf(stderr, "\r\033[K");
    }
    if (uv_loop_close(&loop) != 0 && rc == 0)
        rc = sc_fail(err, SC_ERUNTIME, "event loop still had open handles");
    return rc;
}

static int list_add(char ***list, size_t *n, const char *s)
{
    char **p = realloc(*list, (*n + 1) * sizeof *p);
    if (!p)
        return -1;
    *list = p;
    p[(*n)++] = (char *)s;
    return 0;
}

int cmd_check(struct cli_context *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        NETOPTS_LONGOPTS,
        {"format", required_argument, NULL, OPT_FORMAT},
        {"all-links", no_argument, NULL, OPT_ALL_LINKS},
        {"scope-host", required_argument, NULL, OPT_SCOPE_HOST},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {NULL, 0, NULL, 0}};
    struct crawl_options opt;
    crawl_options_default(&opt);
    enum output_format format = FORMAT_TEXT;
    struct sc_error err = {{0}};
    int status = EXIT_OK, c;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (c == 'h') {
            check_usage(stdout);
            goto out;
        }
        switch (c) {
        case OPT_FORMAT:
            if (cli_parse_format(optarg, &format, 0) < 0) {
                status = cli_usage_error("check", "--format '%s': expected json or text", optarg);
                goto out;
            }
            continue;
        case OPT_ALL_LINKS:
            opt.all_links = 1;
            continue;
        case OPT_SCOPE_HOST:
            if (list_add(&opt.extra_hosts, &opt.nextra_hosts, optarg) < 0) {
                status = cli_report_error("check", SC_ENOMEM, "out of memory");
                goto out;
            }
            continue;
        case OPT_EXCLUDE:
            if (list_add(&opt.excludes, &opt.nexcludes, optarg) < 0) {
                status = cli_report_error("check", SC_ENOMEM, "out of memory");
                goto out;
            }
            continue;
        default:
            if ((status = cli_other_option(ctx, "check", c, optarg)) != 0)
                goto out;
        }
    }
    if (optind >= argc) {
        status = cli_usage_error("check", "no URL given");
        goto out;
    }
    for (int i = optind; i < argc; i++) {
        char *norm = NULL;
        int st = url_normalise(argv[i], &norm);
        free(norm);
        if (st == SC_ENOMEM) {
            status = cli_report_error("check", SC_ENOMEM, "out of memory");
            goto out;
        }
        if (st != URL_OK) {
            status = cli_usage_error("check", "'%s' is not an http:// or https:// URL", argv[i]);
            goto out;
        }
    }
    /* [network] of the --config file under the network options (cli_other_option) */
    if ((status = cli_config_load(ctx, "check")) != 0)
        goto out;
    int rc = config_crawl_options(ctx->config, &opt, &err);
    if (rc < 0) {
        status = cli_report_error("check", rc, err.msg);
        goto out;
    }
    int progress = ctx->verbosity >= 0 && isatty(STDERR_FILENO);

    size_t n = (size_t)(argc - optind);
    struct site_report *reports = calloc(n, sizeof *reports);
    if (!reports) {
        status = cli_report_error("check", SC_ENOMEM, "out of memory");
        goto out;
    }
    /* content probes and the rule table (issue 5), with [rules] of the --config file */
    struct rules rules;
    struct crawl_hooks hooks;
    struct content_run run;
    rc = config_rules(ctx->config, &rules, &err);
    if (rc == 0)
        rc = content_run_init(&run, (const char *const *)(argv + optind), n, reports,
                              sc_day_of(sc_clock_now()), &rules, &hooks);
    else
        memset(&run, 0, sizeof run);
    int *site_status = calloc(n, sizeof *site_status);
    struct site_report *shown = calloc(n, sizeof *shown); /* the finished sites, in order */
    if (rc == 0 && (!site_status || !shown))
        rc = sc_fail(&err, SC_ENOMEM, "out of memory");
    if (rc == 0)
        rc = check_crawl((const char *const *)(argv + optind), n, &opt, &hooks, reports, progress,
                         site_status, &err);
    content_run_release(&run);
    if (rc < 0) {
        status = rc == SC_EINPUT ? cli_usage_error("check", "%s", err.msg)
                                 : cli_report_error("check", rc, err.msg);
    } else {
        /* A site that ran out of memory is left out and named; the others are printed. */
        size_t nshown = 0;
        for (size_t i = 0; i < n; i++)
            if (site_status[i] == 0)
                shown[nshown++] = reports[i];
        struct strbuf out = STRBUF_INIT;
        rc = format == FORMAT_JSON ? check_output_json(shown, nshown, &out)
                                   : check_output_text(shown, nshown, &out);
        if (rc < 0) {
            status = cli_report_error("check", rc, "out of memory");
        } else {
            fwrite(out.buf, 1, out.len, stdout);
            for (size_t i = 0; i < nshown; i++)
                if (check_site_failed(&shown[i]))
                    status = EXIT_FAILED_CHECK;
            if (fflush(stdout) != 0)
                status = cli_report_error("check", SC_ERUNTIME, "cannot write the output");
        }
        strbuf_release(&out);
        for (size_t i = 0; i < n; i++)
            if (site_status[i] < 0) {
                fprintf(stderr, "spotcheck check: %s: %s; its results are left out\n",
                        argv[optind + (int)i],
                        site_status[i] == SC_ENOMEM ? "out of memory while checking it"
                                                    : "its check did not finish");
                status = sc_exit_status(site_status[i]);
            }
    }
    free(site_status);
    free(shown);
    for (size_t i = 0; i < n; i++)
        site_report_free(&reports[i]);
    free(reports);
out:
    netopts_release(&opt);
    free(opt.extra_hosts);
    free(opt.excludes);
    return status;
}

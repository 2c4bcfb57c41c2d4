/* netopts: the network options every fetching command shares (contract.md): --connect-to,
 * --max-pages, --max-depth, --timeout, --concurrency, --per-host, --delay, --allow-private,
 * and --no-dns (never resolve a name: a host no --connect-to entry maps fails as "dns").
 *
 * A command appends NETOPTS_LONGOPTS to its getopt_long table and hands every option code
 * to netopts_option(); the values land in a struct crawl_options. */
#ifndef SPOTCHECK_NETOPTS_H
#define SPOTCHECK_NETOPTS_H

#include <getopt.h>
#include <stdio.h>

#include "common/error.h"
#include "probes/net/crawl.h"

enum {
    NETOPT_CONNECT_TO = 1200,
    NETOPT_MAX_PAGES,
    NETOPT_MAX_DEPTH,
    NETOPT_TIMEOUT,
    NETOPT_CONCURRENCY,
    NETOPT_PER_HOST,
    NETOPT_DELAY,
    NETOPT_ALLOW_PRIVATE,
    NETOPT_NO_DNS,
    NETOPT_RETRIES,
    NETOPT_MAX_BODY
};

#define NETOPTS_LONGOPTS                                                                           \
    {"connect-to", required_argument, NULL, NETOPT_CONNECT_TO},                                    \
        {"max-pages", required_argument, NULL, NETOPT_MAX_PAGES},                                  \
        {"max-depth", required_argument, NULL, NETOPT_MAX_DEPTH},                                  \
        {"timeout", required_argument, NULL, NETOPT_TIMEOUT},                                      \
        {"concurrency", required_argument, NULL, NETOPT_CONCURRENCY},                              \
        {"per-host", required_argument, NULL, NETOPT_PER_HOST},                                    \
        {"delay", required_argument, NULL, NETOPT_DELAY},                                          \
        {"allow-private", no_argument, NULL, NETOPT_ALLOW_PRIVATE},                                \
        {"no-dns", no_argument, NULL, NETOPT_NO_DNS},                                              \
        {"retries", required_argument, NULL, NETOPT_RETRIES},                                      \
    {                                                                                              \
        "max-body", required_argument, NULL, NETOPT_MAX_BODY                                       \
    }

/* Applies one option. Returns 1 when the code is a network option and was applied, 0 when
 * it is not a network option, SC_EINPUT (message in err) for a bad value, SC_ENOMEM. */
int netopts_option(struct crawl_options *o, int code, const char *arg, struct sc_error *err);
/* Frees what netopts_option allocated (the --connect-to list). */
void netopts_release(struct crawl_options *o);
/* The help text block describing the options. */
void netopts_print_help(FILE *out);

#endif

/* farm_main: the `farm` program: generate a farm, serve one, or both at once (`run`).
 *
 *   farm generate --seed S --sites N --out DIR [--as-of YYYY-MM-DD] [--profile demo|test|bench]
 *                 [--bench-pages P] [--flaky F] [--registry-only]
 *   farm serve --dir DIR [--port N] [--port-file F] [--log F] [--slow-host H [--slow-ms MS]]
 *   farm run [--seed S] [--sites N] [--as-of D] [--profile P] [--port N] [--port-file F]
 *
 * Exit status as spotcheck's: 0 ok, 2 bad usage or input, 3 runtime failure. */
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/number.h"
#include "tests/farm/farm.h"

static const char usage[] =
    "usage: farm generate --seed S --sites N --out DIR [--as-of YYYY-MM-DD]\n"
    "                     [--profile demo|test|bench] [--bench-pages P] [--flaky F]\n"
    "                     [--registry-only]\n"
    "       farm serve --dir DIR [--port N] [--port-file FILE] [--log FILE]\n"
    "                  [--slow-host HOST [--slow-ms MS]]\n"
    "       farm run [--seed S] [--sites N] [--as-of D] [--profile P] [--port N] [--port-file F]\n";

static int bad_usage(const char *msg)
{
    if (msg)
        fprintf(stderr, "farm: %s\n", msg);
    fputs(usage, stderr);
    return 2;
}

/* A day YYYY-MM-DD (no time), by the one date parser (common/clock.h). */
static int parse_day(const char *s, long *day)
{
    time_t t;
    if (strlen(s) != 10 || sc_time_parse(s, &t) != SC_OK)
        return -1;
    *day = sc_day_of(t);
    return 0;
}

static int report(int rc, const struct sc_error *err)
{
    if (rc)
        fprintf(stderr, "farm: %s\n", err->msg);
    return rc ? sc_exit_status(rc) : 0;
}

static const struct option longopts[] = {{"seed", required_argument, 0, 's'},
                                         {"sites", required_argument, 0, 'n'},
                                         {"out", required_argument, 0, 'o'},
                                         {"as-of", required_argument, 0, 'a'},
                                         {"profile", required_argument, 0, 'p'},
                                         {"bench-pages", required_argument, 0, 'b'},
                                         {"flaky", required_argument, 0, 'f'},
                                         {"dir", required_argument, 0, 'd'},
                                         {"port", required_argument, 0, 'P'},
                                         {"port-file", required_argument, 0, 'F'},
                                         {"registry-only", no_argument, 0, 'R'},
                                         {"log", required_argument, 0, 'L'},
                                         {"slow-host", required_argument, 0, 'S'},
                                         {"slow-ms", required_argument, 0, 'M'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return bad_usage(NULL);
    const char *cmd = argv[1];
    int is_gen = !strcmp(cmd, "generate"), is_serve = !strcmp(cmd, "serve"),
        is_run = !strcmp(cmd, "run");
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!is_gen && !is_serve && !is_run)
        return bad_usage("unknown command");
    struct farm_opts o = {.seed = NULL,
                          .nsites = 0,
                          .out = NULL,
                          .profile = FARM_PROFILE_DEMO,
                          .bench_pages = 5000,
                          .flaky = 0.1};
    parse_day("2026-11-22", &o.as_of);
    struct farm_serve_opts so = {
        .dir = NULL, .port = 0, .port_file = NULL, .log = NULL, .slow_host = NULL, .slow_ms = 3000};
    int c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            o.seed = optarg;
            break;
        case 'n':
            if (sc_int_parse(optarg, 1, 100000, &o.nsites))
                return bad_usage("--sites wants a positive number");
            break;
        case 'o':
            o.out = optarg;
            break;
        case 'a':
            if (parse_day(optarg, &o.as_of))
                return bad_usage("--as-of wants a date YYYY-MM-DD");
            break;
        case 'p':
            if (!strcmp(optarg, "demo"))
                o.profile = FARM_PROFILE_DEMO;
            else if (!strcmp(optarg, "test"))
                o.profile = FARM_PROFILE_TEST;
            else if (!strcmp(optarg, "bench"))
                o.profile = FARM_PROFILE_BENCH;
            else
                return bad_usage("--profile is demo, test or bench");
            break;
        case 'b':
            if (sc_int_parse(optarg, 1, 10000000, &o.bench_pages))
                return bad_usage("--bench-pages wants a positive number");
            break;
        case 'f': {
            char *end;
            o.flaky = strtod(optarg, &end);
            if (*end || !(o.flaky >= 0 && o.flaky <= 1))
                return bad_usage("--flaky wants a fraction between 0 and 1");
            break;
        }
        case 'd':
            so.dir = optarg;
            break;
        case 'P':
            if (sc_int_parse(optarg, 0, 65535, &so.port))
                return bad_usage("--port wants 0..65535");
            break;
        case 'R':
            o.registry_only = 1;
            break;
        case 'F':
            so.port_file = optarg;
            break;
        case 'L':
            so.log = optarg;
            break;
        case 'S':
            if (!*optarg || strlen(optarg) > 253 || strpbrk(optarg, ":/ \t"))
                return bad_usage("--slow-host wants a host name");
            so.slow_host = optarg;
            break;
        case 'M':
            if (sc_int_parse(optarg, 0, 600000, &so.slow_ms))
                return bad_usage("--slow-ms wants 0..600000");
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            return bad_usage(NULL);
        }
    }
    if (optind < argc)
        return bad_usage("unexpected argument");
    struct sc_error err = {""};
    if (!o.seed)
        o.seed = "demo";
    if (!o.nsites)
        o.nsites = o.profile == FARM_PROFILE_TEST ? 12 : 60;
    if (is_gen) {
        if (!o.out)
            return bad_usage("generate needs --out DIR");
        return report(farm_generate(&o, &err), &err);
    }
    if (is_serve) {
        if (!so.dir)
            return bad_usage("serve needs --dir DIR");
        return report(farm_serve(&so, &err), &err);
    }
    /* run: generate into a temporary directory, serve it, remove it */
    char tmpl[] = "/tmp/farm.XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir) {
        perror("farm: mkdtemp");
        return 3;
    }
    fprintf(stderr, "farm: generating %d sites into %s\n", o.nsites, dir);
    o.out = dir;
    int rc = farm_generate(&o, &err);
    if (!rc) {
        fprintf(stderr,
                "farm: truth in %s/truth.json, registry in %s/registry.csv (removed on exit)\n",
                dir, dir);
        so.dir = dir;
        rc = farm_serve(&so, &err);
    }
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return report(rc, &err);
}

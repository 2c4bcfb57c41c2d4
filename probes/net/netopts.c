/* netopts: parsing the shared network options into crawl options (see netopts.h). */
#include "probes/net/netopts.h"

#include "common/number.h"

#include <stdlib.h>
#include <string.h>

/* Parses a whole decimal number in [lo, hi] (strictly: no blank, no '+', nothing after). */
static int parse_long(const char *s, long lo, long hi, long *out)
{
    int v;
    if (sc_int_parse(s, (int)lo, (int)hi, &v) < 0)
        return -1;
    *out = v;
    return 0;
}

int netopts_option(struct crawl_options *o, int code, const char *arg, struct sc_error *err)
{
    long v;
    switch (code) {
    case NETOPT_CONNECT_TO: {
        if (!fetch_connect_to_valid(arg))
            return sc_fail(err, SC_EINPUT, "--connect-to '%s': expected HOST:PORT:ADDR:PORT", arg);
        char **p = realloc(o->fetch.connect_to, (o->fetch.nconnect_to + 1) * sizeof *p);
        if (!p)
            return sc_fail(err, SC_ENOMEM, "out of memory");
        o->fetch.connect_to = p;
        if (!(p[o->fetch.nconnect_to] = strdup(arg)))
            return sc_fail(err, SC_ENOMEM, "out of memory");
        o->fetch.nconnect_to++;
        return 1;
    }
    case NETOPT_MAX_PAGES:
        if (parse_long(arg, 1, 10000000, &v) < 0)
            return sc_fail(err, SC_EINPUT, "--max-pages '%s': expected a number >= 1", arg);
        o->max_pages = (int)v;
        return 1;
    case NETOPT_MAX_DEPTH:
        if (parse_long(arg, 0, 1000, &v) < 0)
            return sc_fail(err, SC_EINPUT, "--max-depth '%s': expected a number 0..1000", arg);
        o->max_depth = (int)v;
        return 1;
    case NETOPT_TIMEOUT:
        if (parse_long(arg, 1, 3600, &v) < 0)
            return sc_fail(err, SC_EINPUT, "--timeout '%s': expected seconds 1..3600", arg);
        o->fetch.timeout_ms = v * 1000;
        if (o->fetch.connect_timeout_ms > o->fetch.timeout_ms)
            o->fetch.connect_timeout_ms = o->fetch.timeout_ms;
        if (o->fetch.low_speed_s > v)
            o->fetch.low_speed_s = v;
        return 1;
    case NETOPT_CONCURRENCY:
        if (parse_long(arg, 1, 1024, &v) < 0)
            return sc_fail(err, SC_EINPUT, "--concurrency '%s': expected 1..1024", arg);
        o->fetch.concurrency = (int)v;
        return 1;
    case NETOPT_PER_HOST:
        if (parse_long(arg, 1, 256, &v) < 0)
            return sc_fail(err, SC_EINPUT, "--per-host '%s': expected 1..256", arg);
        o->fetch.per_host = (int)v;
        return 1;
    case NETOPT_DELAY:
        if (parse_long(arg, 0, 600000, &v) < 0)
            return sc_fail(err, SC_EINPUT, "--delay '%s': expected milliseconds 0..600000", arg);
        o->fetch.delay_ms = v;
        return 1;
    case NETOPT_ALLOW_PRIVATE:
        o->fetch.allow_private = 1;
        return 1;
    case NETOPT_NO_DNS:
        o->fetch.no_dns = 1;
        return 1;
    case NETOPT_RETRIES:
        if (parse_long(arg, 0, 10, &v) < 0)
            return sc_fail(err, SC_EINPUT, "--retries '%s': expected 0..10", arg);
        o->fetch.max_retries = (int)v;
        return 1;
    case NETOPT_MAX_BODY:
        if (parse_long(arg, 1024, 1L << 30, &v) < 0)
            return sc_fail(err, SC_EINPUT, "--max-body '%s': expected bytes 1024..2^30", arg);
        o->fetch.max_body = (size_t)v;
        return 1;
    default:
        return 0;
    }
}

void netopts_release(struct crawl_options *o)
{
    for (size_t i = 0; i < o->fetch.nconnect_to; i++)
        free(o->fetch.connect_to[i]);
    free(o->fetch.connect_to);
    o->fetch.connect_to = NULL;
    o->fetch.nconnect_to = 0;
}

void netopts_print_help(FILE *out)
{
    fputs("\nNetwork options:\n"
          "  --connect-to HOST:PORT:ADDR:PORT  connect to ADDR:PORT for HOST:PORT (repeatable,\n"
          "                   curl's meaning; an empty HOST or PORT matches any)\n"
          "  --max-pages N    pages crawled per site (default 500)\n"
          "  --max-depth N    link distance from the homepage (default 5)\n"
          "  --timeout S      seconds per request (default 30)\n"
          "  --concurrency N  requests at once (default 8)\n"
          "  --per-host N     requests at once to one host (default 2)\n"
          "  --delay MS       least time between two requests to one host (default 250)\n"
          "  --retries N      retries of a transient failure (default 2)\n"
          "  --max-body BYTES largest page read, after decompression (default 10 MB)\n"
          "  --allow-private  allow loopback, private and link-local addresses\n"
          "  --no-dns         never resolve a name: hosts not mapped by --connect-to fail (dns)\n",
          out);
}

/* config_keys: THE key table of the configuration, and how each key's values are checked
 * (see config.h). The [rules] keys are the rule table's own (probes/verdict/rules.c). */
#include "daemon/config.h"

#include "common/number.h"
#include "common/utf8.h"
#include "probes/net/fetch.h"
#include "probes/net/netopts.h"
#include "sampler/calendar.h"
#include "sampler/params.h"

#include <curl/curl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* In the table's order. */
const char *const config_sections[] = {"network", "sampling", "daemon", "mail",
                                       "publish", "rules",    NULL};

#define INT_KEY(sec, key, d, lo, hi, opt, code, h)                                             \
    {sec, key, CFG_INT, d, lo, hi, NULL, 0, opt, code, NULL, h}
#define KEY(sec, key, type, d, choices, flags, h)                                              \
    {sec, key, type, d, 0, 0, choices, flags, NULL, 0, NULL, h}

static struct config_key keys[CFG_COUNT] = {
    [CFG_NETWORK_CONNECT_TO] = {"network", "connect_to", CFG_CONNECT_TO, "", 0, 0, NULL,
                                CFG_REPEATABLE, "connect-to", NETOPT_CONNECT_TO, NULL,
                                "connect to ADDR:PORT instead of HOST:PORT (curl's meaning; "
                                "each line adds one, the first match wins)"},
    [CFG_NETWORK_MAX_PAGES] = INT_KEY("network", "max_pages", "500", 1, 10000000, "max-pages",
                                      NETOPT_MAX_PAGES, "pages crawled per site"),
    [CFG_NETWORK_MAX_DEPTH] = INT_KEY("network", "max_depth", "5", 0, 1000, "max-depth",
                                      NETOPT_MAX_DEPTH, "link distance from the homepage"),
    [CFG_NETWORK_TIMEOUT] = INT_KEY("network", "timeout", "30", 1, 3600, "timeout",
                                    NETOPT_TIMEOUT, "seconds per request"),
    [CFG_NETWORK_CONCURRENCY] = INT_KEY("network", "concurrency", "8", 1, 1024, "concurrency",
                                        NETOPT_CONCURRENCY, "requests at once, all hosts"),
    [CFG_NETWORK_PER_HOST] = INT_KEY("network", "per_host", "2", 1, 256, "per-host",
                                     NETOPT_PER_HOST, "requests at once to one host"),
    [CFG_NETWORK_DELAY] = INT_KEY("network", "delay", "250", 0, 600000, "delay", NETOPT_DELAY,
                                  "least milliseconds between two requests to one host "
                                  "(0 lifts it)"),
    [CFG_NETWORK_RETRIES] = INT_KEY("network", "retries", "2", 0, 10, "retries", NETOPT_RETRIES,
                                    "retries of a transient failure"),
    [CFG_NETWORK_MAX_BODY] = INT_KEY("network", "max_body", "10485760", 1024, 1L << 30,
                                     "max-body", NETOPT_MAX_BODY,
                                     "largest page read in bytes, after decompression"),
    [CFG_NETWORK_ALLOW_PRIVATE] = {"network", "allow_private", CFG_BOOL, "false", 0, 0, NULL, 0,
                                   "allow-private", NETOPT_ALLOW_PRIVATE, "true",
                                   "allow loopback, private and link-local addresses"},
    [CFG_NETWORK_NO_DNS] = {"network", "no_dns", CFG_BOOL, "false", 0, 0, NULL, 0, "no-dns",
                            NETOPT_NO_DNS, "true",
                            "never resolve a name: hosts no connect_to maps fail (dns)"},
    [CFG_SAMPLING_RATE] = {"sampling", "rate", CFG_RATE, "0.15", 0, 0, NULL, 0, "rate",
                           CFGOPT_RATE, NULL,
                           "share of the frame each round draws, at least 0.15 (the rule)"},
    [CFG_SAMPLING_ROUNDS] = INT_KEY("sampling", "rounds", "2", SAMPLER_ROUNDS_MIN,
                                    SAMPLER_ROUNDS_MAX, "rounds", CFGOPT_ROUNDS,
                                    "rounds a quarter (the rules ask for two)"),
    [CFG_SAMPLING_STRATIFY] = {"sampling", "stratify", CFG_BOOL, "true", 0, 0, NULL, 0,
                               "no-stratify", CFGOPT_NO_STRATIFY, "false",
                               "allocate the sample by region and site type"},
    [CFG_SAMPLING_SEED] = {"sampling", "seed", CFG_SEED, "", 0, 0, NULL, 0, "seed", CFGOPT_SEED,
                           NULL,
                           "the office's seed for draws (not set: 32 random bytes each draw)"},
    [CFG_DAEMON_REGISTRY] = KEY("daemon", "registry", CFG_PATH, "", NULL, 0,
                                "the registry export the daemon re-imports when it changes"),
    [CFG_DAEMON_STATE_DIR] = KEY("daemon", "state_dir", CFG_PATH, ".", NULL, 0,
                                 "the daemon's working directory (lock, files in progress)"),
    [CFG_DAEMON_DB] = {"daemon", "db", CFG_PATH, "spotcheck.db", 0, 0, NULL, 0, "db", 0, NULL,
                       "the database every command uses (relative: to where spotcheck runs)"},
    [CFG_DAEMON_LOG_LEVEL] = {"daemon", "log_level", CFG_CHOICE, "info", 0, 0,
                              "error|warn|info|debug", 0, NULL, 0, NULL,
                              "how much the daemon logs (-v: debug, -q: error)"},
    [CFG_DAEMON_REFERENCE_TARGETS] = KEY("daemon", "reference_targets", CFG_URL, "",
                                         "http|https", CFG_REPEATABLE,
                                         "URLs probed to tell the monitor's own outages from "
                                         "a site's (each line adds one)"),
    [CFG_DAEMON_RECHECK_AFTER_HOURS] = INT_KEY("daemon", "recheck_after_hours", "24", 1, 720,
                                               NULL, 0,
                                               "hours before a suspected link is checked again"),
    [CFG_DAEMON_RECHECK_ATTEMPTS] = INT_KEY("daemon", "recheck_attempts", "2", 0, 10, NULL, 0,
                                            "re-checks before a suspected link is confirmed"),
    [CFG_DAEMON_CRAWL_CONCURRENCY] = INT_KEY("daemon", "crawl_concurrency", "4", 1, 1024, NULL, 0,
                                             "sites crawled at once"),
    [CFG_MAIL_SMTP_URL] = KEY("mail", "smtp_url", CFG_URL, "", "smtp|smtps", 0,
                              "the mail server, smtp://HOST[:PORT] or smtps://... (not set: no "
                              "mail is sent)"),
    [CFG_MAIL_FROM] = KEY("mail", "from", CFG_EMAIL, "", NULL, 0, "the sender's address"),
    [CFG_MAIL_USERNAME] = KEY("mail", "username", CFG_TEXT, "", NULL, 0,
                              "the SMTP login (not set: no login)"),
    [CFG_MAIL_PASSWORD_FILE] = KEY("mail", "password_file", CFG_PATH, "", NULL, 0,
                                   "a file holding the SMTP password (never the password here)"),
    [CFG_MAIL_STARTTLS] = KEY("mail", "starttls", CFG_CHOICE, "required", "required|try|no", 0,
                              "STARTTLS on smtp://: required, try, or no"),
    [CFG_MAIL_TIMEOUT] = INT_KEY("mail", "timeout", "30", 1, 600, NULL, 0,
                                 "seconds to send one message"),
    [CFG_MAIL_ATTEMPTS] = INT_KEY("mail", "attempts", "5", 1, 20, NULL, 0,
                                  "attempts to deliver one report before giving up (retried "
                                  "after 10 min, 1 h, 6 h, then daily)"),
    [CFG_PUBLISH_OUT_DIR] = KEY("publish", "out_dir", CFG_PATH, "", NULL, 0,
                                "where the public results site is written (publish --out)"),
    [CFG_PUBLISH_BASE_URL] = KEY("publish", "base_url", CFG_URL, "", "http|https", 0,
                                 "the public site's address, for absolute links"),
    [CFG_PUBLISH_TITLE] = KEY("publish", "title", CFG_TEXT, "政府网站抽查结果", NULL, 0,
                              "the public site's title"),
    [CFG_PUBLISH_RECTIFICATION_DAYS] = INT_KEY("publish", "rectification_days", "15", 1, 365,
                                               NULL, 0,
                                               "days a failing site has to rectify, from the "
                                               "publication"),
};

/* The [rules] entries' defaults, written as a file would ("%g"). */
static char rule_defaults[RULE_COUNT][32];

const struct config_key *config_key(int id)
{
    if (!keys[CFG_RULES_FIRST].name) {
        const struct rule_def *t = rules_table();
        for (int i = 0; i < RULE_COUNT; i++) {
            snprintf(rule_defaults[i], sizeof rule_defaults[i], "%g", t[i].def);
            keys[CFG_RULES_FIRST + i] = (struct config_key){
                "rules", t[i].key, CFG_RULE, rule_defaults[i], 0, 0, NULL, 0, NULL, 0, NULL,
                t[i].why};
        }
    }
    return id >= 0 && id < CFG_COUNT ? &keys[id] : NULL;
}

int config_find(const char *section, const char *name)
{
    for (int id = 0; id < CFG_COUNT; id++) {
        const struct config_key *k = config_key(id);
        if (strcmp(k->section, section) == 0 && strcmp(k->name, name) == 0)
            return id;
    }
    return -1;
}

/* 1 when word is one of the '|'-separated choices. */
static int is_choice(const char *choices, const char *word, size_t n)
{
    for (const char *p = choices; *p;) {
        size_t len = strcspn(p, "|");
        if (len == n && strncmp(p, word, n) == 0)
            return 1;
        p += len + (p[len] == '|');
    }
    return 0;
}

static int check_url(const struct config_key *k, const char *value, struct sc_error *err)
{
    CURLU *u = curl_url();
    if (!u)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    char *scheme = NULL, *host = NULL;
    int rc = SC_OK;
    if (curl_url_set(u, CURLUPART_URL, value, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host)
        rc = sc_fail(err, SC_EINPUT, "'%s' is not a URL", value);
    else if (!is_choice(k->choices, scheme, strlen(scheme)))
        rc = sc_fail(err, SC_EINPUT, "'%s': the scheme must be %s", value, k->choices);
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

static int check_bool(const char *value, struct strbuf *canon, struct sc_error *err)
{
    static const char *const yes[] = {"true", "yes", "on", "1", NULL};
    static const char *const no[] = {"false", "no", "off", "0", NULL};
    for (int i = 0; yes[i]; i++) {
        if (strcasecmp(value, yes[i]) == 0) {
            strbuf_adds(canon, "true");
            return SC_OK;
        }
        if (strcasecmp(value, no[i]) == 0) {
            strbuf_adds(canon, "false");
            return SC_OK;
        }
    }
    return sc_fail(err, SC_EINPUT, "'%s' is not true or false", value);
}

static int check_email(const char *value, struct sc_error *err)
{
    const char *at = strchr(value, '@');
    if (!at || at == value || !at[1] || strchr(at + 1, '@') || strpbrk(value, " \t<>,;\"") ||
        !strchr(at + 1, '.'))
        return sc_fail(err, SC_EINPUT, "'%s' is not a mail address (name@example.gov.cn)",
                       value);
    return SC_OK;
}

int config_value_check(const struct config_key *k, const char *value, struct strbuf *canon,
                       struct sc_error *err)
{
    size_t n = strlen(value);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f)
            return sc_fail(err, SC_EINPUT, "a control character in the value");
    if (!utf8_valid(value, n))
        return sc_fail(err, SC_EINPUT, "the value is not UTF-8");
    if (!*value) {
        if (*k->def && !(k->flags & CFG_REPEATABLE))
            return sc_fail(err, SC_EINPUT, "needs a value (default %s)", k->def);
        return canon->failed ? sc_fail(err, SC_ENOMEM, "out of memory") : SC_OK;
    }
    int rc = SC_OK, v;
    char seed[SAMPLER_SEED_MAX_HEX + 1];
    switch (k->type) {
    case CFG_INT:
        if (sc_int_parse(value, (int)k->min, (int)k->max, &v) < 0)
            return sc_fail(err, SC_EINPUT, "'%s' is not a whole number %ld..%ld", value, k->min,
                           k->max);
        break;
    case CFG_BOOL:
        rc = check_bool(value, canon, err);
        return rc < 0 ? rc : canon->failed ? sc_fail(err, SC_ENOMEM, "out of memory") : SC_OK;
    case CFG_TEXT:
    case CFG_PATH:
        break;
    case CFG_URL:
        rc = check_url(k, value, err);
        break;
    case CFG_EMAIL:
        rc = check_email(value, err);
        break;
    case CFG_CHOICE:
        if (!is_choice(k->choices, value, n))
            return sc_fail(err, SC_EINPUT, "'%s' is not one of %s", value, k->choices);
        break;
    case CFG_RATE:
        rc = sampler_rate_parse(value, &v, err);
        break;
    case CFG_SEED:
        if ((rc = sampler_seed_parse(value, seed, err)) == SC_OK)
            value = seed; /* lower case */
        break;
    case CFG_CONNECT_TO:
        if (!fetch_connect_to_valid(value))
            return sc_fail(err, SC_EINPUT, "'%s' is not HOST:PORT:ADDR:PORT", value);
        break;
    case CFG_RULE: {
        struct rules scratch;
        struct sc_error e;
        rules_default(&scratch);
        if (rules_set(&scratch, k->name, value, &e) < 0) {
            /* rules_set says "KEY: why"; the caller names the key */
            const char *why = strncmp(e.msg, k->name, strlen(k->name)) == 0
                                  ? e.msg + strlen(k->name) + 2
                                  : e.msg;
            return sc_fail(err, SC_EINPUT, "%s", why);
        }
        break;
    }
    }
    if (rc < 0)
        return rc;
    strbuf_adds(canon, value);
    return canon->failed ? sc_fail(err, SC_ENOMEM, "out of memory") : SC_OK;
}

void config_key_range(const struct config_key *k, struct strbuf *out)
{
    switch (k->type) {
    case CFG_INT:
        strbuf_addf(out, "%ld..%ld", k->min, k->max);
        break;
    case CFG_BOOL:
        strbuf_adds(out, "true|false");
        break;
    case CFG_TEXT:
        strbuf_adds(out, "text");
        break;
    case CFG_PATH:
        strbuf_adds(out, "path");
        break;
    case CFG_URL:
        strbuf_addf(out, "%s URL", k->choices);
        break;
    case CFG_EMAIL:
        strbuf_adds(out, "mail address");
        break;
    case CFG_CHOICE:
        strbuf_adds(out, k->choices);
        break;
    case CFG_RATE:
        strbuf_adds(out, "0.15..1");
        break;
    case CFG_SEED:
        strbuf_addf(out, "%d-%d hex digits", SAMPLER_SEED_MIN_HEX, SAMPLER_SEED_MAX_HEX);
        break;
    case CFG_CONNECT_TO:
        strbuf_adds(out, "HOST:PORT:ADDR:PORT");
        break;
    case CFG_RULE: {
        const struct rule_def *d = &rules_table()[(k - keys) - CFG_RULES_FIRST];
        strbuf_addf(out, "%g..%g%s", d->min, d->max, d->integer ? ", whole" : "");
        break;
    }
    }
}

/* config: the one configuration of every command: a store holding each setting with where
 * its value came from (the default, FILE:LINE of the --config file, or the command line).
 *
 * Every key is defined once, in THE key table (config_keys.c: section, name, type, default,
 * range, the command-line option that also sets it, one line of help); the [rules] section
 * is the rule table of probes/verdict/rules.c, taken as it is. The parser, `spotcheck config`,
 * the sample file docs/spotcheck.conf and the docs test all read the table.
 *
 * The order of precedence: a command first writes its command-line options into the store
 * (origin "command line"), then loads the file (config_load_file), which never overrides a
 * value the command line set, then reads its values. A file with any bad line changes
 * nothing. */
#ifndef SPOTCHECK_CONFIG_H
#define SPOTCHECK_CONFIG_H

#include <getopt.h>
#include <stddef.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "probes/verdict/rules.h"

/* Every key, by section; the [rules] keys follow, one per enum rule_id. */
enum config_id {
    CFG_NETWORK_CONNECT_TO,
    CFG_NETWORK_MAX_PAGES,
    CFG_NETWORK_MAX_DEPTH,
    CFG_NETWORK_TIMEOUT,
    CFG_NETWORK_CONCURRENCY,
    CFG_NETWORK_PER_HOST,
    CFG_NETWORK_DELAY,
    CFG_NETWORK_RETRIES,
    CFG_NETWORK_MAX_BODY,
    CFG_NETWORK_ALLOW_PRIVATE,
    CFG_NETWORK_NO_DNS,
    CFG_SAMPLING_RATE,
    CFG_SAMPLING_ROUNDS,
    CFG_SAMPLING_STRATIFY,
    CFG_SAMPLING_SEED,
    CFG_DAEMON_REGISTRY,
    CFG_DAEMON_STATE_DIR,
    CFG_DAEMON_DB,
    CFG_DAEMON_LOG_LEVEL,
    CFG_DAEMON_REFERENCE_TARGETS,
    CFG_DAEMON_RECHECK_AFTER_HOURS,
    CFG_DAEMON_RECHECK_ATTEMPTS,
    CFG_DAEMON_CRAWL_CONCURRENCY,
    CFG_MAIL_SMTP_URL,
    CFG_MAIL_FROM,
    CFG_MAIL_USERNAME,
    CFG_MAIL_PASSWORD_FILE,
    CFG_MAIL_STARTTLS,
    CFG_MAIL_TIMEOUT,
    CFG_MAIL_ATTEMPTS,
    CFG_PUBLISH_OUT_DIR,
    CFG_PUBLISH_BASE_URL,
    CFG_PUBLISH_TITLE,
    CFG_PUBLISH_RECTIFICATION_DAYS,
    CFG_RULES_FIRST,
    CFG_COUNT = CFG_RULES_FIRST + RULE_COUNT
};

/* How a value is checked, and how `config --format json` writes it. */
enum config_type {
    CFG_INT,        /* a whole number in min..max (strict: digits only, common/number.h) */
    CFG_BOOL,       /* true/false, yes/no, on/off, 1/0; kept as "true" or "false" */
    CFG_TEXT,       /* one line of text */
    CFG_PATH,       /* a file or directory */
    CFG_URL,        /* a URL whose scheme is one of `choices` */
    CFG_EMAIL,      /* an address: local@domain */
    CFG_CHOICE,     /* one of `choices` */
    CFG_RATE,       /* a sampling rate (sampler_rate_parse: at least 0.15) */
    CFG_SEED,       /* a draw seed (sampler_seed_parse: 8..128 hex digits) */
    CFG_CONNECT_TO, /* HOST:PORT:ADDR:PORT (fetch_connect_to_valid) */
    CFG_RULE        /* a rule-table number (rules_set: range, whole or not) */
};

enum { CFG_REPEATABLE = 1 }; /* each line (or option) adds an entry to a list */

/* Option codes of the sampling options (the network options keep netopts.h's codes); a
 * command lists them in its getopt_long table and cli_other_option() stores them. */
enum { CFGOPT_SEED = 1300, CFGOPT_RATE, CFGOPT_ROUNDS, CFGOPT_NO_STRATIFY };
#define CONFIG_SAMPLING_LONGOPTS                                                                   \
    {"seed", required_argument, NULL, CFGOPT_SEED},                                                \
        {"rate", required_argument, NULL, CFGOPT_RATE},                                            \
        {"rounds", required_argument, NULL, CFGOPT_ROUNDS},                                        \
    {                                                                                              \
        "no-stratify", no_argument, NULL, CFGOPT_NO_STRATIFY                                       \
    }

struct config_key {
    const char *section, *name;
    enum config_type type;
    const char *def;        /* the default as a file would write it; "" = not set */
    long min, max;          /* CFG_INT */
    const char *choices;    /* CFG_CHOICE, CFG_URL's schemes: "a|b|c" */
    unsigned flags;         /* CFG_REPEATABLE */
    const char *option;     /* the command-line option that sets it ("max-pages"), or NULL */
    int opt_code;           /* its getopt code */
    const char *flag_value; /* an option without argument sets this value ("true") */
    const char *help;       /* one line */
};

enum config_origin { CONFIG_DEFAULT, CONFIG_FILE, CONFIG_COMMAND_LINE };

struct config_entry {
    char *value;
    enum config_origin origin;
    int line; /* CONFIG_FILE */
};

/* A key's entries: none means the default; a scalar key has at most one. */
struct config_slot {
    struct config_entry *e;
    size_t n;
};

struct config {
    struct config_slot slot[CFG_COUNT];
    char *file; /* the file loaded, as given (origins name it) */
};

/* ---- the key table (config_keys.c) ---- */
/* Key id (CFG_COUNT of them). The [rules] entries are made from rules_table() on the first
 * call, so call it once before threads start. */
const struct config_key *config_key(int id);
/* The id of section.name, or -1. */
int config_find(const char *section, const char *name);
/* The section names, in table order, NULL-terminated. */
extern const char *const config_sections[];
/* Checks a value for key k and appends its canonical form to canon. Returns 0 or SC_EINPUT
 * (err says why, without naming the key), SC_ENOMEM. An empty value is accepted only for a
 * key whose default is "not set" or a list (it then means "not set" / "no entries"). */
int config_value_check(const struct config_key *k, const char *value, struct strbuf *canon,
                       struct sc_error *err);
/* A short description of the values a key takes ("1..3600", "error|warn|info|debug"). */
void config_key_range(const struct config_key *k, struct strbuf *out);

/* ---- the store (config.c) ---- */
void config_init(struct config *c);
void config_release(struct config *c);
/* Sets key id (a list: adds an entry) after checking the value. SC_EINPUT (err: why),
 * SC_ENOMEM. */
int config_set(struct config *c, int id, const char *value, enum config_origin origin, int line,
               struct sc_error *err);
/* A scalar key's value (the default when not set); "" when not set at all. */
const char *config_get(const struct config *c, int id);
long config_int(const struct config *c, int id);
int config_bool(const struct config *c, int id);
/* A key's origin (a list's: its first entry's, the default when empty). */
enum config_origin config_origin_of(const struct config *c, int id);
/* Appends "default", "file:PATH:LINE" or "command line" for entry i of key id (i = 0 for a
 * scalar or an empty list). */
void config_origin_text(const struct config *c, int id, size_t i, struct strbuf *out);
/* A command-line option: when code is the getopt code of a key's option, sets the key
 * (origin command line) and returns 1; returns 0 for another code; SC_EINPUT (err says
 * "--OPTION 'ARG': why") or SC_ENOMEM. */
int config_option(struct config *c, int code, const char *arg, struct sc_error *err);

/* ---- the file (config_file.c) ---- */
#define CONFIG_MAX_BYTES ((size_t)1 << 20)
/* Loads an INI file: [network] [sampling] [rules] [daemon] [mail] [publish], `key = value`,
 * `#` or `;` comments (also after a blank at the end of a line). Refuses a file over
 * CONFIG_MAX_BYTES, and any unknown section or key, key outside a section, bad value, key
 * set twice, too long line or NUL byte, with "FILE:LINE: why" in err (SC_EINPUT); then c is
 * unchanged. Values the command line set are kept. */
int config_load_file(struct config *c, const char *path, struct sc_error *err);
/* The same for text in memory; origin names it in errors and origins. */
int config_load_text(struct config *c, const char *text, size_t len, const char *origin,
                     struct sc_error *err);

/* ---- using it (config_use.c) ---- */
struct crawl_options;
/* Applies the [network] values that are not defaults to o (from crawl_options_default). */
int config_crawl_options(const struct config *c, struct crawl_options *o, struct sc_error *err);
/* The rule table with the [rules] values applied. */
int config_rules(const struct config *c, struct rules *r, struct sc_error *err);
/* Reads the SMTP password from [mail] password_file (first line, without its newline);
 * SC_EINPUT when it is not set or cannot be read. */
int config_mail_password(const struct config *c, struct strbuf *out, struct sc_error *err);

/* ---- writing it (config_write.c) ---- */
/* Every key, one line each ("ORIGIN\tsection.key=value"), a list one line per entry. */
void config_write_list(const struct config *c, struct strbuf *out);
/* The same as a JSON array of {section, key, value, origin}. */
void config_write_json(const struct config *c, struct strbuf *out);
/* The commented sample file: every key, commented out with its default, and its help. */
void config_write_sample(struct strbuf *out);

#endif

/* test_config: the configuration store, its key table and the INI file: values and their
 * origins, the command line over the file, every error naming FILE:LINE with nothing
 * applied, the line and size limits, and the sample file and the docs against the table. */
#include "testutil.h"
#include "daemon/config.h"
#include "probes/net/crawl.h"
#include "probes/net/netopts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int load(struct config *c, const char *text, struct sc_error *err)
{
    return config_load_text(c, text, strlen(text), "t.conf", err);
}

/* The whole store as text, to prove a failed load changed nothing. */
static char *listing(const struct config *c)
{
    struct strbuf sb = STRBUF_INIT;
    config_write_list(c, &sb);
    return strbuf_detach(&sb);
}

static void table_is_sound(void **state)
{
    struct config c;
    config_init(&c);
    int section = 0;
    for (int id = 0; id < CFG_COUNT; id++) {
        const struct config_key *k = config_key(id);
        assert_non_null(k->name);
        assert_non_null(k->help);
        assert_non_null(k->def);
        /* sections come in config_sections' order, each in one run */
        if (strcmp(k->section, config_sections[section]) != 0) {
            section++;
            assert_non_null(config_sections[section]);
            assert_string_equal(k->section, config_sections[section]);
        }
        assert_int_equal(config_find(k->section, k->name), id);
        struct strbuf canon = STRBUF_INIT;
        struct sc_error err;
        assert_int_equal(config_value_check(k, k->def, &canon, &err), 0);
        assert_string_equal(canon.buf, k->def); /* defaults are written canonically */
        strbuf_release(&canon);
        assert_string_equal(config_get(&c, id), k->def);
        assert_int_equal(config_origin_of(&c, id), CONFIG_DEFAULT);
    }
    assert_null(config_sections[section + 1]);
    assert_int_equal(config_find("rules", "window.news"), CFG_RULES_FIRST + RULE_WINDOW_NEWS);
    assert_int_equal(config_find("network", "window.news"), -1);
    config_release(&c);
}

/* The [network] table and netopts agree: the defaults are crawl_options_default's and each
 * range's ends are what the option accepts, so the file and the option cannot drift. */
static void network_keys_match_the_options(void **state)
{
    struct crawl_options def, o;
    struct sc_error err;
    crawl_options_default(&def);
    crawl_options_default(&o);
    for (int id = CFG_NETWORK_CONNECT_TO; id <= CFG_NETWORK_NO_DNS; id++) {
        const struct config_key *k = config_key(id);
        assert_string_equal(k->section, "network");
        assert_non_null(k->option);
        if (k->type == CFG_INT) {
            assert_int_equal(netopts_option(&o, k->opt_code, k->def, &err), 1);
            char v[32];
            snprintf(v, sizeof v, "%ld", k->min);
            struct crawl_options scratch;
            crawl_options_default(&scratch);
            assert_int_equal(netopts_option(&scratch, k->opt_code, v, &err), 1);
            snprintf(v, sizeof v, "%ld", k->max);
            assert_int_equal(netopts_option(&scratch, k->opt_code, v, &err), 1);
            snprintf(v, sizeof v, "%ld", k->min - 1);
            assert_int_equal(netopts_option(&scratch, k->opt_code, v, &err), SC_EINPUT);
            snprintf(v, sizeof v, "%ld", k->max + 1);
            assert_int_equal(netopts_option(&scratch, k->opt_code, v, &err), SC_EINPUT);
        } else if (k->type == CFG_BOOL) {
            assert_string_equal(k->def, "false");
        }
    }
    assert_memory_equal(&def, &o, sizeof o);

    /* with nothing configured, check's options are exactly the defaults */
    struct config c;
    config_init(&c);
    crawl_options_default(&o);
    assert_int_equal(config_crawl_options(&c, &o, &err), 0);
    assert_memory_equal(&def, &o, sizeof o);
    struct rules r, rdef;
    rules_default(&rdef);
    assert_int_equal(config_rules(&c, &r, &err), 0);
    assert_memory_equal(&rdef, &r, sizeof r);
    config_release(&c);
}

static void file_values_and_origins(void **state)
{
    struct config c;
    struct sc_error err;
    config_init(&c);
    assert_int_equal(load(&c,
                          "\xEF\xBB\xBF# the office's settings\r\n"
                          "[network]\r\n"
                          "timeout = 7   # short\n"
                          "  connect_to = www.a.gov.cn:80:127.0.0.1:8080\n"
                          "connect_to = :443:127.0.0.1:8443 ; any host\n"
                          "allow_private = yes\n"
                          "\n"
                          "  [rules]\n"
                          "window.news=7\n"
                          "points.broken_link_home = 2.5\n"
                          "[sampling]\n"
                          "seed = ABCDEF01\n"
                          "[publish]\n"
                          "title = 湖南省政府网站抽查 #1 (a blank then # starts a comment)\n",
                          &err),
                     0);
    assert_int_equal(config_int(&c, CFG_NETWORK_TIMEOUT), 7);
    assert_int_equal(config_bool(&c, CFG_NETWORK_ALLOW_PRIVATE), 1);
    assert_string_equal(config_get(&c, CFG_NETWORK_ALLOW_PRIVATE), "true");
    assert_string_equal(config_get(&c, CFG_SAMPLING_SEED), "abcdef01"); /* canonical */
    assert_string_equal(config_get(&c, CFG_PUBLISH_TITLE), "湖南省政府网站抽查");
    assert_int_equal(c.slot[CFG_NETWORK_CONNECT_TO].n, 2);
    assert_string_equal(c.slot[CFG_NETWORK_CONNECT_TO].e[1].value, ":443:127.0.0.1:8443");
    struct strbuf o = STRBUF_INIT;
    config_origin_text(&c, CFG_NETWORK_TIMEOUT, 0, &o);
    config_origin_text(&c, CFG_NETWORK_CONNECT_TO, 1, &o);
    config_origin_text(&c, CFG_RULES_FIRST + RULE_WINDOW_NEWS, 0, &o);
    config_origin_text(&c, CFG_NETWORK_DELAY, 0, &o);
    assert_string_equal(o.buf, "file:t.conf:3file:t.conf:5file:t.conf:9default");
    strbuf_release(&o);

    /* what check runs with */
    struct crawl_options opt;
    crawl_options_default(&opt);
    assert_int_equal(config_crawl_options(&c, &opt, &err), 0);
    assert_int_equal(opt.fetch.timeout_ms, 7000);
    assert_int_equal(opt.fetch.allow_private, 1);
    assert_int_equal(opt.fetch.nconnect_to, 2);
    assert_string_equal(opt.fetch.connect_to[0], "www.a.gov.cn:80:127.0.0.1:8080");
    assert_int_equal(opt.fetch.delay_ms, 250);
    netopts_release(&opt);
    struct rules r;
    assert_int_equal(config_rules(&c, &r, &err), 0);
    assert_int_equal(rules_window(&r, COLUMN_NEWS), 7);
    assert_true(r.v[RULE_POINTS_BROKEN_LINK_HOME] == 2.5);
    assert_true(r.v[RULE_PASS_SCORE] == 60);

    /* the listing: one line a value, lists one line an entry */
    char *list = listing(&c);
    assert_non_null(strstr(list, "file:t.conf:3\tnetwork.timeout=7\n"));
    assert_non_null(
        strstr(list, "file:t.conf:4\tnetwork.connect_to=www.a.gov.cn:80:127.0.0.1:8080\n"));
    assert_non_null(strstr(list, "default\tnetwork.delay=250\n"));
    assert_non_null(strstr(list, "file:t.conf:9\trules.window.news=7\n"));
    assert_non_null(strstr(list, "default\tdaemon.reference_targets=\n"));
    free(list);
    config_release(&c);
}

static void command_line_wins(void **state)
{
    struct config c;
    struct sc_error err;
    config_init(&c);
    assert_int_equal(config_option(&c, NETOPT_TIMEOUT, "5", &err), 1);
    assert_int_equal(config_option(&c, NETOPT_CONNECT_TO, "x:80:127.0.0.1:1", &err), 1);
    assert_int_equal(config_option(&c, CFGOPT_NO_STRATIFY, NULL, &err), 1);
    assert_int_equal(config_option(&c, 'v', NULL, &err), 0); /* not a key's option */
    assert_int_equal(config_option(&c, NETOPT_TIMEOUT, "0", &err), SC_EINPUT);
    assert_string_equal(err.msg, "--timeout '0': '0' is not a whole number 1..3600");
    assert_int_equal(config_option(&c, CFGOPT_RATE, "0.1", &err), SC_EINPUT);
    assert_non_null(strstr(err.msg, "below the rule"));
    assert_int_equal(load(&c,
                          "[network]\ntimeout = 9\ndelay = 0\n"
                          "connect_to = y:80:127.0.0.1:2\n[sampling]\nstratify = true\n",
                          &err),
                     0);
    assert_int_equal(config_int(&c, CFG_NETWORK_TIMEOUT), 5);
    assert_int_equal(config_origin_of(&c, CFG_NETWORK_TIMEOUT), CONFIG_COMMAND_LINE);
    assert_int_equal(config_int(&c, CFG_NETWORK_DELAY), 0); /* the file, where no option */
    assert_int_equal(config_bool(&c, CFG_SAMPLING_STRATIFY), 0);
    /* a list given on the command line replaces the file's */
    assert_int_equal(c.slot[CFG_NETWORK_CONNECT_TO].n, 1);
    assert_string_equal(c.slot[CFG_NETWORK_CONNECT_TO].e[0].value, "x:80:127.0.0.1:1");
    char *list = listing(&c);
    assert_non_null(strstr(list, "command line\tnetwork.timeout=5\n"));
    assert_non_null(strstr(list, "file:t.conf:3\tnetwork.delay=0\n"));
    assert_non_null(strstr(list, "command line\tsampling.stratify=false\n"));
    free(list);
    config_release(&c);
}

static void errors_name_the_line_and_change_nothing(void **state)
{
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"window.news = 7\n", "t.conf:1: \"window.news\" is outside any section; put it under "
                              "[rules]"},
        {"nosuchkey = 7\n", "t.conf:1: \"nosuchkey\" is outside any section; put keys under a "
                            "section such as [rules] or [network]"},
        {"[rules]\nwindow.news = 7\nwindow.nwes = 3\n",
         "t.conf:3: unknown key \"window.nwes\" in [rules]"},
        {"[network]\n\nwindow.news = 3\n",
         "t.conf:3: unknown key \"window.news\" in [network]; it belongs in [rules]"},
        {"[rules]\n[netwrok]\ntimeout = 3\n",
         "t.conf:2: unknown section [netwrok]; the sections are [network], [sampling], "
         "[daemon], [mail], [publish] and [rules]"},
        {"[network\n", "t.conf:1: a section header needs its closing ']'"},
        {"[network] timeout = 3\n", "t.conf:1: text after a section header"},
        {"[network]\ntimeout 3\n", "t.conf:2: expected key = value, [section] or a comment"},
        {"[network]\n= 3\n", "t.conf:2: a value without a key"},
        {"[network]\ntimeout = 3\ntimeout = 4\n",
         "t.conf:3: [network] timeout: timeout is set twice (first on line 2)"},
        {"[network]\ntimeout = soon\n",
         "t.conf:2: [network] timeout: 'soon' is not a whole number 1..3600"},
        {"[network]\ntimeout = 05x\n",
         "t.conf:2: [network] timeout: '05x' is not a whole number 1..3600"},
        {"[network]\ntimeout =\n", "t.conf:2: [network] timeout: needs a value (default 30)"},
        {"[network]\nmax_pages = 0\n",
         "t.conf:2: [network] max_pages: '0' is not a whole number 1..10000000"},
        {"[network]\nallow_private = maybe\n",
         "t.conf:2: [network] allow_private: 'maybe' is not true or false"},
        {"[network]\nconnect_to = www.a.gov.cn:80:127.0.0.1:0\n",
         "t.conf:2: [network] connect_to: 'www.a.gov.cn:80:127.0.0.1:0' is not "
         "HOST:PORT:ADDR:PORT"},
        {"[sampling]\nrounds = 1\n", "t.conf:2: [sampling] rounds: '1' is not a whole number 2..6"},
        {"[sampling]\nseed = nothex00\n", "t.conf:2: [sampling] seed: the seed must be "
                                          "hexadecimal digits 0-9 a-f (bad character at 1)"},
        {"[rules]\npoints.broken_link_home = lots\n",
         "t.conf:2: [rules] points.broken_link_home: \"lots\" is not a number"},
        {"[rules]\nwindow.news = 7.5\n", "t.conf:2: [rules] window.news: 7.5 must be a whole "
                                         "number"},
        {"[daemon]\nlog_level = loud\n",
         "t.conf:2: [daemon] log_level: 'loud' is not one of error|warn|info|debug"},
        {"[daemon]\nreference_targets = ftp://www.a.gov.cn/\n",
         "t.conf:2: [daemon] reference_targets: 'ftp://www.a.gov.cn/': the scheme must be "
         "http|https"},
        {"[daemon]\nrecheck_after_hours = 0\n",
         "t.conf:2: [daemon] recheck_after_hours: '0' is not a whole number 1..720"},
        {"[mail]\nsmtp_url = http://mail.a.gov.cn/\n",
         "t.conf:2: [mail] smtp_url: 'http://mail.a.gov.cn/': the scheme must be smtp|smtps"},
        {"[mail]\nsmtp_url = not a url\n", "t.conf:2: [mail] smtp_url: 'not a url' is not a URL"},
        {"[mail]\nstarttls = sometimes\n",
         "t.conf:2: [mail] starttls: 'sometimes' is not one of required|try|no"},
        {"[mail]\nfrom = nobody\n",
         "t.conf:2: [mail] from: 'nobody' is not a mail address (name@example.gov.cn)"},
        {"[mail]\npassword = secret\n",
         "t.conf:2: no password in the configuration: put it in a file readable only by "
         "spotcheck and name that file with password_file"},
        {"[publish]\nrectification_days = 400\n",
         "t.conf:2: [publish] rectification_days: '400' is not a whole number 1..365"},
        {"[publish]\ntitle = a\x01b\n", "t.conf:2: [publish] title: a control character in "
                                        "the value"},
        {"[publish]\ntitle = \xff\xfe\n", "t.conf:2: [publish] title: the value is not UTF-8"},
    };
    struct config c;
    struct sc_error err;
    config_init(&c);
    assert_int_equal(config_option(&c, NETOPT_DELAY, "100", &err), 1);
    assert_int_equal(load(&c, "[network]\ntimeout = 11\n", &err), 0);
    char *before = listing(&c);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        /* good lines before the bad one are not applied either */
        struct strbuf text = STRBUF_INIT;
        strbuf_addf(&text, "%s", bad[i].text);
        assert_int_equal(load(&c, text.buf, &err), SC_EINPUT);
        assert_string_equal(err.msg, bad[i].want);
        char *after = listing(&c);
        assert_string_equal(before, after);
        free(after);
        strbuf_release(&text);
    }
    /* a NUL byte */
    assert_int_equal(config_load_text(&c, "[network]\ntime\0out = 3\n", 23, "t.conf", &err),
                     SC_EINPUT);
    assert_string_equal(err.msg, "t.conf:2: a NUL byte (this is not a text file)");
    free(before);
    config_release(&c);
}

static void line_length_limit(void **state)
{
    struct config c;
    struct sc_error err;
    config_init(&c);
    /* 199 bytes is the most libinih (INI_MAX_LINE 200) takes whole */
    char line[400];
    const char *head = "title = ";
    size_t fill = 199 - strlen(head);
    snprintf(line, sizeof line, "[publish]\n%s%.*s\n", head, (int)fill,
             "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
             "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
             "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    assert_int_equal(load(&c, line, &err), 0);
    assert_int_equal(strlen(config_get(&c, CFG_PUBLISH_TITLE)), fill);
    /* one more byte: an error with its line, never a value cut short */
    snprintf(line, sizeof line, "[publish]\n%s%.*sy\n", head, (int)fill,
             config_get(&c, CFG_PUBLISH_TITLE));
    struct config d;
    config_init(&d);
    assert_int_equal(load(&d, line, &err), SC_EINPUT);
    assert_string_equal(err.msg, "t.conf:2: the line is longer than 199 bytes");
    assert_string_equal(config_get(&d, CFG_PUBLISH_TITLE), config_key(CFG_PUBLISH_TITLE)->def);
    /* a long comment is fine */
    char comment[1000];
    memset(comment, '#', sizeof comment - 1);
    comment[sizeof comment - 1] = 0;
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s\n[rules]\n   %s\npass_score = 50\n", comment, comment);
    assert_int_equal(load(&d, sb.buf, &err), 0);
    assert_string_equal(config_get(&d, CFG_RULES_FIRST + RULE_PASS_SCORE), "50");
    strbuf_release(&sb);
    config_release(&d);
    config_release(&c);
}

/* Today's failure: a file over 1 MiB was read in part and a key at its end ignored. Now
 * such a file is refused whole, and one at the limit is read whole. */
static void size_limit(void **state)
{
    char *dir = test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/big.conf", dir);
    const char *tail = "[rules]\npass_score = 50\n";
    size_t n = CONFIG_MAX_BYTES;
    char *data = malloc(n + 1);
    assert_non_null(data);
    memset(data, '\n', n + 1);
    memcpy(data + n - strlen(tail), tail, strlen(tail));
    test_write_file(path, data, n); /* exactly 1 MiB, the key at its end */
    struct config c;
    struct sc_error err;
    config_init(&c);
    assert_int_equal(config_load_file(&c, path, &err), 0);
    assert_string_equal(config_get(&c, CFG_RULES_FIRST + RULE_PASS_SCORE), "50");
    config_release(&c);

    memmove(data + 1, data, n); /* one byte more, the key still at the end */
    test_write_file(path, data, n + 1);
    config_init(&c);
    assert_int_equal(config_load_file(&c, path, &err), SC_EINPUT);
    assert_non_null(strstr(err.msg, "refused"));
    assert_non_null(strstr(err.msg, "1048577"));
    assert_string_equal(config_get(&c, CFG_RULES_FIRST + RULE_PASS_SCORE), "60");
    /* missing, a directory */
    snprintf(path, sizeof path, "%s/missing.conf", dir);
    assert_int_equal(config_load_file(&c, path, &err), SC_EINPUT);
    assert_non_null(strstr(err.msg, "missing.conf"));
    assert_int_equal(config_load_file(&c, dir, &err), SC_EINPUT);
    assert_non_null(strstr(err.msg, "directory"));
    config_release(&c);
    free(data);
    test_tmpdir_remove(dir);
}

static void lists_and_empty_values(void **state)
{
    struct config c;
    struct sc_error err;
    config_init(&c);
    assert_int_equal(load(&c,
                          "[daemon]\nreference_targets = https://www.gov.cn/\n"
                          "reference_targets = http://www.hunan.gov.cn/\n"
                          "[sampling]\nseed =\n[network]\nconnect_to =\n",
                          &err),
                     0);
    assert_int_equal(c.slot[CFG_DAEMON_REFERENCE_TARGETS].n, 2);
    assert_int_equal(c.slot[CFG_NETWORK_CONNECT_TO].n, 0);
    assert_string_equal(config_get(&c, CFG_SAMPLING_SEED), "");
    /* an empty value after entries empties the list */
    assert_int_equal(load(&c,
                          "[daemon]\nreference_targets = https://www.gov.cn/\n"
                          "reference_targets =\n",
                          &err),
                     0);
    assert_int_equal(c.slot[CFG_DAEMON_REFERENCE_TARGETS].n, 0);
    config_release(&c);
}

static void mail_password_from_its_file(void **state)
{
    char *dir = test_tmpdir();
    char path[4096], text[4400];
    snprintf(path, sizeof path, "%s/smtp.pass", dir);
    test_write_file(path, "s3cret\n", 7);
    snprintf(text, sizeof text,
             "[mail]\nsmtp_url = smtps://mail.a.gov.cn:465\nfrom = check@a.gov.cn\n"
             "username = check\npassword_file = %s\nstarttls = no\n",
             path);
    struct config c;
    struct sc_error err;
    config_init(&c);
    struct strbuf pw = STRBUF_INIT;
    assert_int_equal(config_mail_password(&c, &pw, &err), SC_EINPUT); /* not set */
    assert_int_equal(load(&c, text, &err), 0);
    assert_int_equal(config_mail_password(&c, &pw, &err), 0);
    assert_string_equal(pw.buf, "s3cret");
    strbuf_release(&pw);
    char *list = listing(&c);
    assert_null(strstr(list, "s3cret")); /* the listing names the file only */
    assert_non_null(strstr(list, "mail.password_file="));
    free(list);
    struct strbuf json = STRBUF_INIT;
    config_write_json(&c, &json);
    assert_null(strstr(json.buf, "s3cret"));
    assert_non_null(strstr(json.buf, "\"origin\": \"file:t.conf:3\""));
    strbuf_release(&json);
    config_release(&c);
    test_tmpdir_remove(dir);
}

/* docs/spotcheck.conf lists exactly the table's keys, each with its default, and loading
 * it with every key uncommented gives the defaults; it is what `config --sample` writes. */
static void sample_file_is_the_table(void **state)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/docs/spotcheck.conf", test_src());
    size_t len;
    char *text = test_read_file(path, &len);
    assert_non_null(text);
    struct strbuf gen = STRBUF_INIT;
    config_write_sample(&gen);
    assert_string_equal(text, gen.buf);
    strbuf_release(&gen);

    int seen[CFG_COUNT] = {0};
    struct strbuf uncommented = STRBUF_INIT;
    char section[32] = "";
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        char key[128];
        if (line[0] == '[' && n < sizeof section + 2)
            snprintf(section, sizeof section, "%.*s", (int)n - 2, line + 1);
        if (line[0] == '#' && line[1] != ' ' && n > 1 && sscanf(line + 1, "%127s =", key) == 1) {
            int id = config_find(section, key);
            assert_true(id >= 0);
            assert_int_equal(seen[id], 0);
            seen[id] = 1;
            strbuf_add(&uncommented, line + 1, n - 1); /* the key uncommented */
        } else {
            strbuf_add(&uncommented, line, n);
        }
        strbuf_addch(&uncommented, '\n');
        line += n + (nl != NULL);
    }
    for (int id = 0; id < CFG_COUNT; id++)
        assert_int_equal(seen[id], 1);
    struct config c;
    struct sc_error err;
    config_init(&c);
    assert_int_equal(config_load_text(&c, uncommented.buf, uncommented.len, "sample", &err), 0);
    for (int id = 0; id < CFG_COUNT; id++) {
        assert_string_equal(config_get(&c, id), config_key(id)->def);
        if (!(config_key(id)->flags & CFG_REPEATABLE))
            assert_int_equal(config_origin_of(&c, id), CONFIG_FILE);
    }
    config_release(&c);
    strbuf_release(&uncommented);
    free(text);
}

/* docs/configuration.md documents every key of the other sections, docs/rules.md every
 * rule key. */
static void docs_name_every_key(void **state)
{
    char path[4096];
    size_t len;
    snprintf(path, sizeof path, "%s/docs/configuration.md", test_src());
    char *conf = test_read_file(path, &len);
    snprintf(path, sizeof path, "%s/docs/rules.md", test_src());
    char *rules = test_read_file(path, &len);
    assert_non_null(conf);
    assert_non_null(rules);
    for (int id = 0; id < CFG_COUNT; id++) {
        const struct config_key *k = config_key(id);
        char want[160];
        snprintf(want, sizeof want, "`%s`", k->name);
        if (!strstr(id >= CFG_RULES_FIRST ? rules : conf, want))
            fail_msg("%s.%s is not documented", k->section, k->name);
    }
    for (int i = 0; config_sections[i]; i++) {
        char want[64];
        snprintf(want, sizeof want, "[%s]", config_sections[i]);
        assert_non_null(strstr(conf, want));
    }
    free(conf);
    free(rules);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_is_sound),
        cmocka_unit_test(network_keys_match_the_options),
        cmocka_unit_test(file_values_and_origins),
        cmocka_unit_test(command_line_wins),
        cmocka_unit_test(errors_name_the_line_and_change_nothing),
        cmocka_unit_test(line_length_limit),
        cmocka_unit_test(size_limit),
        cmocka_unit_test(lists_and_empty_values),
        cmocka_unit_test(mail_password_from_its_file),
        cmocka_unit_test(sample_file_is_the_table),
        cmocka_unit_test(docs_name_every_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

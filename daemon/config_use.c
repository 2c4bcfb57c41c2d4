/* config_use: turning the store into what the commands run with: the crawl options, the rule
 * table, the SMTP password (see config.h). */
#include "daemon/config.h"
#include "daemon/readfile.h"
#include "probes/net/netopts.h"

#include <string.h>

int config_crawl_options(const struct config *c, struct crawl_options *o, struct sc_error *err)
{
    /* Only values that are not defaults are applied, through netopts_option (the options'
     * own code), so with nothing configured o stays crawl_options_default's. */
    for (int id = CFG_NETWORK_CONNECT_TO; id <= CFG_NETWORK_NO_DNS; id++) {
        const struct config_key *k = config_key(id);
        const struct config_slot *s = &c->slot[id];
        for (size_t i = 0; i < s->n; i++) {
            const char *v = s->e[i].value;
            if (k->type == CFG_BOOL && strcmp(v, "true") != 0)
                continue; /* false is the default of both switches */
            int rc = netopts_option(o, k->opt_code, k->type == CFG_BOOL ? NULL : v, err);
            if (rc < 0)
                return rc;
        }
    }
    return SC_OK;
}

int config_rules(const struct config *c, struct rules *r, struct sc_error *err)
{
    rules_default(r);
    for (int i = 0; i < RULE_COUNT; i++) {
        if (config_origin_of(c, CFG_RULES_FIRST + i) == CONFIG_DEFAULT)
            continue;
        int rc = rules_set(r, rules_table()[i].key, config_get(c, CFG_RULES_FIRST + i), err);
        if (rc < 0)
            return rc;
    }
    return SC_OK;
}

int config_mail_password(const struct config *c, struct strbuf *out, struct sc_error *err)
{
    const char *path = config_get(c, CFG_MAIL_PASSWORD_FILE);
    if (!*path)
        return sc_fail(err, SC_EINPUT, "[mail] password_file is not set");
    struct strbuf data = STRBUF_INIT;
    int rc = read_file_limited(path, 4096, &data, err);
    if (rc == SC_OK) {
        size_t n = strcspn(data.buf, "\r\n");
        if (n == 0)
            rc = sc_fail(err, SC_EINPUT, "[mail] password_file %s is empty", path);
        else
            strbuf_add(out, data.buf, n);
        if (out->failed)
            rc = sc_fail(err, SC_ENOMEM, "out of memory");
    }
    /* the password does not stay in freed memory longer than needed */
    if (data.alloc)
        memset(data.buf, 0, data.alloc);
    strbuf_release(&data);
    return rc;
}

/* config: the store of settings and their origins, and command-line options writing into it
 * (see config.h). */
#include "daemon/config.h"

#include <stdlib.h>
#include <string.h>

void config_init(struct config *c)
{
    memset(c, 0, sizeof *c);
    config_key(0); /* builds the [rules] part of the table now, before any thread */
}

static void slot_clear(struct config_slot *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->e[i].value);
    free(s->e);
    s->e = NULL;
    s->n = 0;
}

void config_release(struct config *c)
{
    for (int id = 0; id < CFG_COUNT; id++)
        slot_clear(&c->slot[id]);
    free(c->file);
    c->file = NULL;
}

int config_set(struct config *c, int id, const char *value, enum config_origin origin, int line,
               struct sc_error *err)
{
    const struct config_key *k = config_key(id);
    struct strbuf canon = STRBUF_INIT;
    int rc = config_value_check(k, value, &canon, err);
    if (rc < 0) {
        strbuf_release(&canon);
        return rc;
    }
    struct config_slot *s = &c->slot[id];
    char *v = strbuf_detach(&canon);
    struct config_entry *e = NULL;
    if (v && (k->flags & CFG_REPEATABLE) && s->n && s->e[0].origin != origin)
        slot_clear(s); /* entries from a stronger origin replace the list */
    if (v && (k->flags & CFG_REPEATABLE) && !*v) {
        slot_clear(s); /* an empty value: no entries */
        free(v);
        return SC_OK;
    }
    size_t n = (k->flags & CFG_REPEATABLE) ? s->n + 1 : 1;
    if (v)
        e = realloc(s->e, n * sizeof *e);
    if (!e) {
        free(v);
        return sc_fail(err, SC_ENOMEM, "out of memory");
    }
    s->e = e;
    if (n == 1 && s->n == 1)
        free(e[0].value);
    e[n - 1] = (struct config_entry){v, origin, line};
    s->n = n;
    return SC_OK;
}

const char *config_get(const struct config *c, int id)
{
    const struct config_slot *s = &c->slot[id];
    return s->n ? s->e[0].value : config_key(id)->def;
}

long config_int(const struct config *c, int id)
{
    return strtol(config_get(c, id), NULL, 10);
}

int config_bool(const struct config *c, int id)
{
    return strcmp(config_get(c, id), "true") == 0;
}

enum config_origin config_origin_of(const struct config *c, int id)
{
    return c->slot[id].n ? c->slot[id].e[0].origin : CONFIG_DEFAULT;
}

void config_origin_text(const struct config *c, int id, size_t i, struct strbuf *out)
{
    const struct config_slot *s = &c->slot[id];
    enum config_origin o = i < s->n ? s->e[i].origin : CONFIG_DEFAULT;
    if (o == CONFIG_FILE)
        strbuf_addf(out, "file:%s:%d", c->file ? c->file : "?", s->e[i].line);
    else
        strbuf_adds(out, o == CONFIG_COMMAND_LINE ? "command line" : "default");
}

int config_option(struct config *c, int code, const char *arg, struct sc_error *err)
{
    for (int id = 0; id < CFG_RULES_FIRST; id++) {
        const struct config_key *k = config_key(id);
        if (!k->option || k->opt_code != code || !code)
            continue;
        const char *value = k->flag_value ? k->flag_value : arg;
        struct sc_error why;
        int rc = config_set(c, id, value, CONFIG_COMMAND_LINE, 0, &why);
        if (rc == SC_EINPUT)
            return sc_fail(err, rc, "--%s '%s': %s", k->option, value, why.msg);
        return rc < 0 ? sc_fail(err, rc, "%s", why.msg) : 1;
    }
    return 0;
}

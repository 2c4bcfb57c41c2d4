/* config_write: the effective configuration as `spotcheck config` prints it (text, JSON) and
 * the commented sample file docs/spotcheck.conf, all from the key table (see config.h). */
#include "daemon/config.h"
#include "common/json.h"

#include <stdlib.h>
#include <string.h>

/* Calls fn for every value: a scalar's one, each entry of a list, an empty list once ("").
 * The password never is a value (only password_file, a path). */
static void each_value(const struct config *c,
                       void (*fn)(const struct config *c, int id, size_t i, const char *value,
                                  void *ud),
                       void *ud)
{
    for (int id = 0; id < CFG_COUNT; id++) {
        const struct config_slot *s = &c->slot[id];
        if (config_key(id)->flags & CFG_REPEATABLE && s->n) {
            for (size_t i = 0; i < s->n; i++)
                fn(c, id, i, s->e[i].value, ud);
        } else {
            fn(c, id, 0, config_get(c, id), ud);
        }
    }
}

static void list_line(const struct config *c, int id, size_t i, const char *value, void *ud)
{
    struct strbuf *out = ud;
    const struct config_key *k = config_key(id);
    config_origin_text(c, id, i, out);
    strbuf_addf(out, "\t%s.%s=%s\n", k->section, k->name, value);
}

void config_write_list(const struct config *c, struct strbuf *out)
{
    each_value(c, list_line, out);
}

static void json_entry(const struct config *c, int id, size_t i, const char *value, void *ud)
{
    struct json_writer *w = ud;
    const struct config_key *k = config_key(id);
    struct strbuf origin = STRBUF_INIT;
    config_origin_text(c, id, i, &origin);
    json_object_begin(w);
    json_kv_string(w, "section", k->section);
    json_kv_string(w, "key", k->name);
    json_key(w, "value");
    if (!*value)
        json_null(w);
    else if (k->type == CFG_INT)
        json_int(w, strtoll(value, NULL, 10));
    else if (k->type == CFG_RULE || k->type == CFG_RATE)
        json_double(w, strtod(value, NULL));
    else if (k->type == CFG_BOOL)
        json_bool(w, strcmp(value, "true") == 0);
    else
        json_string(w, value);
    json_kv_string(w, "origin", origin.buf);
    json_object_end(w);
    strbuf_release(&origin);
}

void config_write_json(const struct config *c, struct strbuf *out)
{
    struct json_writer w;
    json_init(&w, out, 1);
    json_array_begin(&w);
    each_value(c, json_entry, &w);
    json_array_end(&w);
    strbuf_addch(out, '\n');
}

void config_write_sample(struct strbuf *out)
{
    strbuf_adds(out,
                "# spotcheck.conf: the configuration every spotcheck command reads with\n"
                "# --config FILE (docs/configuration.md). Each key is shown commented out with\n"
                "# its default; remove the '#' to change it. An option on the command line\n"
                "# overrides the file. `spotcheck config` shows what is in effect and where\n"
                "# each value comes from. This file is `spotcheck config --sample`.\n"
                "# A line is at most 199 bytes; '#' or ';' starts a comment (after a blank\n"
                "# when it follows a value).\n");
    const char *section = "";
    for (int id = 0; id < CFG_COUNT; id++) {
        const struct config_key *k = config_key(id);
        if (strcmp(k->section, section) != 0) {
            section = k->section;
            strbuf_addf(out, "\n[%s]", section);
        }
        strbuf_addf(out, "\n# %s [", k->help);
        config_key_range(k, out);
        if (k->flags & CFG_REPEATABLE)
            strbuf_adds(out, ", repeatable");
        if (k->option)
            strbuf_addf(out, ", --%s", k->option);
        strbuf_addf(out, "]\n#%s =%s%s\n", k->name, *k->def ? " " : "", k->def);
    }
}

/* config_file: reading the configuration file with libinih (see config.h).
 *
 * libinih is handed one line at a time by our own reader (ini_parse_stream), because
 * Debian's build reports no line numbers to the handler (INI_HANDLER_LINENO is off) and cuts
 * a line longer than INI_MAX_LINE (200) into pieces without a word. The reader counts the
 * lines, refuses a line that would not fit whole and a NUL byte, checks section headers
 * (libinih does not call the handler for them), drops comment lines (so they may be any
 * length) and leading blanks (so an indented line is never read as the continuation of the
 * previous value). Values are checked as they come and staged; only a file without any
 * error is applied, so a bad file changes nothing. */
#include "daemon/config.h"
#include "daemon/readfile.h"

#include <ini.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

struct staged {
    int id;
    char *value;
    int line;
};

struct loader {
    const char *text, *origin;
    size_t len, pos;
    int line;    /* lines handed to libinih so far */
    int section; /* index in config_sections, -1 before the first header */
    int code;    /* the first error, its message in err */
    struct sc_error err;
    struct staged *st;
    size_t nst;
    int first_line[CFG_COUNT]; /* where a scalar key was set, for "set twice" */
};

static char *fail(struct loader *l, int code, const char *fmt, const char *arg)
{
    if (!l->code) {
        struct sc_error why;
        sc_fail(&why, code, fmt, arg);
        l->code = sc_fail(&l->err, code, "%s:%d: %s", l->origin, l->line, why.msg);
    }
    return NULL;
}

/* A section header "[name]" (then blanks or a comment): its index, or -1 after failing. */
static int header(struct loader *l, const char *s, size_t n)
{
    const char *close = memchr(s, ']', n);
    if (!close) {
        fail(l, SC_EINPUT, "%s", "a section header needs its closing ']'");
        return -1;
    }
    const char *rest = close + 1;
    while (rest < s + n && (*rest == ' ' || *rest == '\t'))
        rest++;
    if (rest < s + n && *rest != '#' && *rest != ';') {
        fail(l, SC_EINPUT, "%s", "text after a section header");
        return -1;
    }
    size_t len = (size_t)(close - s - 1);
    for (int i = 0; config_sections[i]; i++)
        if (strlen(config_sections[i]) == len && memcmp(config_sections[i], s + 1, len) == 0)
            return i;
    struct strbuf why = STRBUF_INIT;
    strbuf_addf(&why, "unknown section [%.*s]; the sections are", (int)(len < 40 ? len : 40),
                s + 1);
    for (int i = 0; config_sections[i]; i++)
        strbuf_addf(&why, "%s [%s]", i ? config_sections[i + 1] ? "," : " and" : "",
                    config_sections[i]);
    fail(l, why.failed ? SC_ENOMEM : SC_EINPUT, "%s", why.failed ? "out of memory" : why.buf);
    strbuf_release(&why);
    return -1;
}

/* libinih's reader: the next line into buf (num bytes), or NULL at the end or on error. */
static char *reader(char *buf, int num, void *stream)
{
    struct loader *l = stream;
    if (l->code || l->pos >= l->len)
        return NULL;
    const char *s = l->text + l->pos;
    const char *nl = memchr(s, '\n', l->len - l->pos);
    size_t n = nl ? (size_t)(nl - s) : l->len - l->pos;
    l->pos += n + (nl != NULL);
    l->line++;
    if (memchr(s, '\0', n))
        return fail(l, SC_EINPUT, "%s", "a NUL byte (this is not a text file)");
    if (l->line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3; /* a UTF-8 byte order mark */
        n -= 3;
    }
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n && (*s == '#' || *s == ';'))
        n = 0;
    if (n > (size_t)num - 1) {
        char limit[32];
        snprintf(limit, sizeof limit, "%d", num - 1);
        return fail(l, SC_EINPUT, "the line is longer than %s bytes", limit);
    }
    if (n && *s == '[' && (l->section = header(l, s, n)) < 0)
        return NULL;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

/* The section a key belongs in, for a hint; NULL when no section has it. */
static const char *home_of(const char *name)
{
    for (int id = 0; id < CFG_COUNT; id++)
        if (strcmp(config_key(id)->name, name) == 0)
            return config_key(id)->section;
    return NULL;
}

static int handler(void *user, const char *section_unused, const char *name, const char *value)
{
    (void)section_unused; /* the reader checked the header: l->section */
    struct loader *l = user;
    if (l->code)
        return 0;
    if (!*name)
        return !fail(l, SC_EINPUT, "%s", "a value without a key");
    if (l->section < 0) {
        const char *home = home_of(name);
        if (home) {
            struct sc_error why;
            sc_fail(&why, SC_EINPUT, "\"%s\" is outside any section; put it under [%s]", name,
                    home);
            return !fail(l, SC_EINPUT, "%s", why.msg);
        }
        return !fail(l, SC_EINPUT,
                     "\"%s\" is outside any section; put keys under a section "
                     "such as [rules] or [network]",
                     name);
    }
    const char *section = config_sections[l->section];
    int id = config_find(section, name);
    struct sc_error why;
    if (id < 0) {
        const char *home = home_of(name);
        if (home)
            sc_fail(&why, SC_EINPUT, "unknown key \"%s\" in [%s]; it belongs in [%s]", name,
                    section, home);
        else if (strcmp(name, "password") == 0)
            sc_fail(&why, SC_EINPUT,
                    "no password in the configuration: put it in a file "
                    "readable only by spotcheck and name that file with password_file");
        else
            sc_fail(&why, SC_EINPUT, "unknown key \"%s\" in [%s]", name, section);
        return !fail(l, SC_EINPUT, "%s", why.msg);
    }
    const struct config_key *k = config_key(id);
    /* a blank then # or ; ends the value (libinih itself only knows ';') */
    struct strbuf v = STRBUF_INIT, canon = STRBUF_INIT;
    strbuf_adds(&v, value);
    for (size_t i = 1; i < v.len; i++)
        if (v.buf[i] == '#' && (v.buf[i - 1] == ' ' || v.buf[i - 1] == '\t')) {
            strbuf_setlen(&v, i);
            break;
        }
    strbuf_trim(&v);
    int rc = v.failed ? sc_fail(&why, SC_ENOMEM, "out of memory")
                      : config_value_check(k, v.buf, &canon, &why);
    strbuf_release(&v);
    if (rc == SC_OK && !(k->flags & CFG_REPEATABLE) && l->first_line[id]) {
        char first[16];
        snprintf(first, sizeof first, "%d", l->first_line[id]);
        rc = sc_fail(&why, SC_EINPUT, "%s is set twice (first on line %s)", name, first);
    }
    struct staged *st = rc == SC_OK ? realloc(l->st, (l->nst + 1) * sizeof *st) : NULL;
    if (rc == SC_OK && !st)
        rc = sc_fail(&why, SC_ENOMEM, "out of memory");
    if (rc < 0) {
        strbuf_release(&canon);
        if (rc == SC_ENOMEM)
            return !fail(l, rc, "%s", why.msg);
        struct sc_error msg;
        sc_fail(&msg, rc, "[%s] %s: %s", section, name, why.msg);
        return !fail(l, rc, "%s", msg.msg);
    }
    l->st = st;
    l->st[l->nst++] = (struct staged){id, strbuf_detach(&canon), l->line};
    l->first_line[id] = l->line;
    return 1;
}

/* Applies the staged values (all checked) to c, skipping keys the command line set. The new
 * entries are built aside first, so running out of memory changes nothing either. */
static int apply(struct config *c, struct loader *l, const char *origin, struct sc_error *err)
{
    struct config work;
    unsigned char touched[CFG_COUNT] = {0};
    memset(&work, 0, sizeof work);
    int rc = SC_OK;
    for (size_t i = 0; rc == SC_OK && i < l->nst; i++) {
        int id = l->st[i].id;
        if (config_origin_of(c, id) == CONFIG_COMMAND_LINE)
            continue;
        touched[id] = 1;
        rc = config_set(&work, id, l->st[i].value, CONFIG_FILE, l->st[i].line, err);
    }
    work.file = rc == SC_OK ? strdup(origin) : NULL;
    if (rc == SC_OK && !work.file)
        rc = sc_fail(err, SC_ENOMEM, "out of memory");
    if (rc == SC_OK) {
        for (int id = 0; id < CFG_COUNT; id++) {
            if (!touched[id])
                continue;
            struct config_slot old = c->slot[id];
            c->slot[id] = work.slot[id];
            work.slot[id] = old;
        }
        char *old_file = c->file;
        c->file = work.file;
        work.file = old_file;
    }
    config_release(&work); /* what was replaced, or all of it after an error */
    return rc;
}

int config_load_text(struct config *c, const char *text, size_t len, const char *origin,
                     struct sc_error *err)
{
    struct loader *l = calloc(1, sizeof *l);
    if (!l)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    l->text = text;
    l->len = len;
    l->origin = origin;
    l->section = -1;
    int r = ini_parse_stream(reader, l, handler, l);
    int rc = SC_OK;
    /* libinih's r: the first line it could not parse or whose handler failed (ours). */
    if (r > 0 && (!l->code || r < l->line)) {
        rc = sc_fail(err, SC_EINPUT, "%s:%d: expected key = value, [section] or a comment", origin,
                     r);
    } else if (l->code) {
        rc = sc_fail(err, l->code, "%s", l->err.msg);
    } else if (r < 0) {
        rc = sc_fail(err, SC_ENOMEM, "out of memory parsing %s", origin);
    } else {
        rc = apply(c, l, origin, err);
    }
    for (size_t i = 0; i < l->nst; i++)
        free(l->st[i].value);
    free(l->st);
    free(l);
    return rc;
}

int config_load_file(struct config *c, const char *path, struct sc_error *err)
{
    /* A configuration is a few kilobytes: a bigger file is a mistake, refused whole rather
     * than read in part (read_file_limited also stops a pipe at the limit). */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > CONFIG_MAX_BYTES)
        return sc_fail(err, SC_EINPUT,
                       "%s: refused: a configuration file is at most %zu bytes (1 MiB), this "
                       "one has %lld; nothing of it is applied",
                       path, CONFIG_MAX_BYTES, (long long)st.st_size);
    struct strbuf data = STRBUF_INIT;
    struct sc_error why;
    int rc = read_file_limited(path, CONFIG_MAX_BYTES, &data, &why);
    if (rc < 0)
        rc = sc_fail(err, rc, "configuration file: %s", why.msg);
    else
        rc = config_load_text(c, data.buf, data.len, path, err);
    strbuf_release(&data);
    return rc;
}

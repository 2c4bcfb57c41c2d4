/* farm_conf: reads DIR/faults.json (written by farm_truth.c) into the server's host table.
 *
 * A small JSON reader builds a tree (objects, arrays, strings, numbers, literals; \uXXXX
 * escapes decoded to UTF-8), bounded in depth, then the host and fault lists are picked out
 * of it. Any malformed input is a clear SC_EINPUT error, never a crash. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tests/farm/farm.h"

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
    int type;
    char *key;
    char *str;
    double num;
    struct jnode *child, *next;
};

struct jparser {
    const char *p, *end;
    int depth;
    const char *err;
};

static void jfree(struct jnode *n)
{
    while (n) {
        struct jnode *next = n->next;
        jfree(n->child);
        free(n->key);
        free(n->str);
        free(n);
        n = next;
    }
}

static void jskip(struct jparser *jp)
{
    while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\n' || *jp->p == '\r' || *jp->p == '\t'))
        jp->p++;
}

static char *jstring(struct jparser *jp)
{
    struct strbuf sb = STRBUF_INIT;
    jp->p++; /* opening quote */
    while (jp->p < jp->end && *jp->p != '"') {
        unsigned char c = (unsigned char)*jp->p++;
        if (c < 0x20) {
            jp->err = "control character in string";
            break;
        }
        if (c != '\\') {
            strbuf_addch(&sb, c);
            continue;
        }
        if (jp->p >= jp->end)
            break;
        c = (unsigned char)*jp->p++;
        switch (c) {
        case '"':
        case '\\':
        case '/':
            strbuf_addch(&sb, c);
            continue;
        case 'b':
            strbuf_addch(&sb, '\b');
            continue;
        case 'f':
            strbuf_addch(&sb, '\f');
            continue;
        case 'n':
            strbuf_addch(&sb, '\n');
            continue;
        case 'r':
            strbuf_addch(&sb, '\r');
            continue;
        case 't':
            strbuf_addch(&sb, '\t');
            continue;
        case 'u':
            break;
        default:
            jp->err = "bad escape";
            break;
        }
        if (jp->err)
            break;
        unsigned v = 0;
        for (int i = 0; i < 4; i++) {
            char h = jp->p < jp->end ? *jp->p : 0;
            if (!h || !strchr("0123456789abcdefABCDEF", h)) {
                jp->err = "bad \\u escape";
                break;
            }
            jp->p++;
            v = v * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
        }
        if (jp->err)
            break;
        if (v == 0) {
            jp->err = "NUL in string";
            break;
        }
        if (v < 0x80) {
            strbuf_addch(&sb, (int)v);
        } else if (v < 0x800) {
            strbuf_addch(&sb, (int)(0xc0 | v >> 6));
            strbuf_addch(&sb, (int)(0x80 | (v & 0x3f)));
        } else {
            strbuf_addch(&sb, (int)(0xe0 | v >> 12));
            strbuf_addch(&sb, (int)(0x80 | ((v >> 6) & 0x3f)));
            strbuf_addch(&sb, (int)(0x80 | (v & 0x3f)));
        }
    }
    if (!jp->err && jp->p >= jp->end)
        jp->err = "unterminated string";
    if (jp->err || sb.failed) {
        if (!jp->err)
            jp->err = "out of memory";
        strbuf_release(&sb);
        return NULL;
    }
    jp->p++; /* closing quote */
    char *s = strbuf_detach(&sb);
    if (!s)
        s = calloc(1, 1);
    return s;
}

static struct jnode *jvalue(struct jparser *jp)
{
    jskip(jp);
    if (jp->p >= jp->end) {
        jp->err = "unexpected end";
        return NULL;
    }
    struct jnode *n = calloc(1, sizeof *n);
    if (!n) {
        jp->err = "out of memory";
        return NULL;
    }
    char c = *jp->p;
    if (c == '{' || c == '[') {
        if (++jp->depth > 16) {
            jp->err = "nested too deep";
            free(n);
            return NULL;
        }
        n->type = c == '{' ? J_OBJ : J_ARR;
        char close = c == '{' ? '}' : ']';
        jp->p++;
        struct jnode **tail = &n->child;
        jskip(jp);
        if (jp->p < jp->end && *jp->p == close) {
            jp->p++;
            jp->depth--;
            return n;
        }
        for (;;) {
            char *key = NULL;
            jskip(jp);
            if (n->type == J_OBJ) {
                if (jp->p >= jp->end || *jp->p != '"') {
                    jp->err = "expected a key";
                    break;
                }
                if (!(key = jstring(jp)))
                    break;
                jskip(jp);
                if (jp->p >= jp->end || *jp->p != ':') {
                    jp->err = "expected ':'";
                    free(key);
                    break;
                }
                jp->p++;
            }
            struct jnode *v = jvalue(jp);
            if (!v) {
                free(key);
                break;
            }
            v->key = key;
            *tail = v;
            tail = &v->next;
            jskip(jp);
            if (jp->p < jp->end && *jp->p == ',') {
                jp->p++;
                continue;
            }
            if (jp->p < jp->end && *jp->p == close) {
                jp->p++;
                jp->depth--;
                return n;
            }
            jp->err = "expected ',' or a closing bracket";
            break;
        }
        jfree(n);
        return NULL;
    }
    if (c == '"') {
        n->type = J_STR;
        if (!(n->str = jstring(jp))) {
            free(n);
            return NULL;
        }
        return n;
    }
    static const char *const lits[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t l = strlen(lits[i]);
        if ((size_t)(jp->end - jp->p) >= l && !memcmp(jp->p, lits[i], l)) {
            jp->p += l;
            n->type = i == 2 ? J_NULL : J_BOOL;
            n->num = i == 0;
            return n;
        }
    }
    char buf[64];
    size_t l = 0;
    while (jp->p + l < jp->end && l < sizeof buf - 1 && strchr("+-0123456789.eE", jp->p[l]) &&
           jp->p[l])
        l++;
    memcpy(buf, jp->p, l);
    buf[l] = 0;
    char *endp;
    errno = 0;
    n->num = strtod(buf, &endp);
    if (l == 0 || *endp || errno) {
        jp->err = "bad value";
        free(n);
        return NULL;
    }
    n->type = J_NUM;
    jp->p += l;
    return n;
}

static const struct jnode *jget(const struct jnode *obj, const char *key)
{
    for (const struct jnode *c = obj ? obj->child : NULL; c; c = c->next)
        if (c->key && !strcmp(c->key, key))
            return c;
    return NULL;
}

static const char *jstr(const struct jnode *obj, const char *key)
{
    const struct jnode *n = jget(obj, key);
    return n && n->type == J_STR ? n->str : NULL;
}

static double jnum(const struct jnode *obj, const char *key, double dflt)
{
    const struct jnode *n = jget(obj, key);
    return n && n->type == J_NUM ? n->num : dflt;
}

struct farm_vhost *farm_conf_host(struct farm_conf *c, const char *host)
{
    for (int i = 0; i < c->nhosts; i++)
        if (!strcasecmp(c->hosts[i].host, host))
            return &c->hosts[i];
    return NULL;
}

static int fault_kind(const char *k)
{
    static const char *const names[] = {"status",   "soft_404",  "redirect", "endless",
                                        "head_405", "retry_429", "stall",    "reset",
                                        "huge",     "gzip_bomb", "drip"};
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (!strcmp(k, names[i]))
            return i;
    return -1;
}

static int conf_build(const char *dir, const struct jnode *root, struct farm_conf *c,
                      struct sc_error *err)
{
    const struct jnode *sites = jget(root, "sites"), *faults = jget(root, "faults");
    if (!sites || sites->type != J_ARR || (faults && faults->type != J_ARR))
        return sc_fail(err, SC_EINPUT, "faults.json: no \"sites\" array");
    c->stall_seconds = (int)jnum(root, "stall_seconds", 60);
    if (c->stall_seconds < 1 || c->stall_seconds > 600)
        c->stall_seconds = 60;
    int n = 0;
    for (const struct jnode *s = sites->child; s; s = s->next)
        n++;
    c->hosts = calloc((size_t)n + 1, sizeof *c->hosts);
    if (!c->hosts)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    for (const struct jnode *s = sites->child; s; s = s->next) {
        const char *host = jstr(s, "host"), *mode = jstr(s, "mode"), *root_dir = jstr(s, "root");
        const char *hc = jstr(s, "header_charset");
        if (!host || !*host || !mode || strlen(host) > 253 || strchr(host, '/'))
            return sc_fail(err, SC_EINPUT, "faults.json: a site without a valid host or mode");
        struct farm_vhost *v = &c->hosts[c->nhosts++];
        v->host = strdup(host);
        v->mode = !strcmp(mode, "down")       ? FARM_MODE_DOWN
                  : !strcmp(mode, "catchall") ? FARM_MODE_CATCHALL
                                              : FARM_MODE_STATIC;
        if (v->mode == FARM_MODE_STATIC && (!root_dir || !*root_dir || strstr(root_dir, "..")))
            return sc_fail(err, SC_EINPUT, "faults.json: site %s has no valid root", host);
        struct strbuf r = STRBUF_INIT;
        if (root_dir && *root_dir)
            strbuf_addf(&r, "%s/%s", dir, root_dir);
        v->root = strbuf_detach(&r);
        v->header_charset = strdup(hc ? hc : "");
        v->flaky = jnum(s, "flaky", 0);
        v->gzip = jnum(s, "gzip", 0) != 0;
        if (!v->host || !v->root || !v->header_charset)
            return sc_fail(err, SC_ENOMEM, "out of memory");
    }
    for (const struct jnode *f = faults ? faults->child : NULL; f; f = f->next) {
        const char *host = jstr(f, "host"), *path = jstr(f, "path"), *kind = jstr(f, "kind");
        const char *loc = jstr(f, "location");
        struct farm_vhost *v = host ? farm_conf_host(c, host) : NULL;
        int k = kind ? fault_kind(kind) : -1;
        if (!v || !path || path[0] != '/' || k < 0)
            return sc_fail(err, SC_EINPUT, "faults.json: bad fault entry (%s %s %s)",
                           host ? host : "?", path ? path : "?", kind ? kind : "?");
        if (k == FK_REDIRECT && (!loc || loc[0] != '/'))
            return sc_fail(err, SC_EINPUT, "faults.json: redirect %s without a location", path);
        struct farm_fault *nf = realloc(v->faults, (size_t)(v->nfaults + 1) * sizeof *nf);
        if (!nf)
            return sc_fail(err, SC_ENOMEM, "out of memory");
        v->faults = nf;
        struct farm_fault *x = &v->faults[v->nfaults++];
        memset(x, 0, sizeof *x);
        x->path = strdup(path);
        x->kind = k;
        x->status = (int)jnum(f, "status", 0);
        x->location = loc ? strdup(loc) : NULL;
        if (!x->path || (loc && !x->location))
            return sc_fail(err, SC_ENOMEM, "out of memory");
        if (k == FK_STATUS && (x->status < 400 || x->status > 599))
            return sc_fail(err, SC_EINPUT, "faults.json: status fault %s wants 400..599", path);
        if (k == FK_REDIRECT && (x->status < 300 || x->status > 399))
            return sc_fail(err, SC_EINPUT, "faults.json: redirect %s wants 3xx", path);
    }
    return 0;
}

int farm_conf_load(const char *dir, struct farm_conf *c, struct sc_error *err)
{
    memset(c, 0, sizeof *c);
    struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    strbuf_addf(&path, "%s/faults.json", dir);
    FILE *f = fopen(path.buf, "rb");
    if (!f) {
        int rc = sc_fail(err, SC_EINPUT, "%s: %s", path.buf, strerror(errno));
        strbuf_release(&path);
        return rc;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0 && text.len < 64u << 20)
        strbuf_add(&text, buf, n);
    fclose(f);
    struct jparser jp = {text.buf, text.buf + text.len, 0, NULL};
    struct jnode *root = text.failed ? NULL : jvalue(&jp);
    if (root) {
        jskip(&jp);
        if (jp.p != jp.end)
            jp.err = "trailing characters";
    }
    int rc;
    if (!root || jp.err || root->type != J_OBJ)
        rc = sc_fail(err, SC_EINPUT, "%s: not valid JSON (%s at byte %ld)", path.buf,
                     jp.err ? jp.err : "not an object", (long)(jp.p - text.buf));
    else
        rc = conf_build(dir, root, c, err);
    jfree(root);
    strbuf_release(&path);
    strbuf_release(&text);
    if (rc)
        farm_conf_free(c);
    return rc;
}

void farm_conf_free(struct farm_conf *c)
{
    for (int i = 0; i < c->nhosts; i++) {
        struct farm_vhost *v = &c->hosts[i];
        for (int j = 0; j < v->nfaults; j++) {
            free(v->faults[j].path);
            free(v->faults[j].location);
        }
        free(v->faults);
        free(v->host);
        free(v->root);
        free(v->header_charset);
    }
    free(c->hosts);
    memset(c, 0, sizeof *c);
}

/* registry: parsing and validating the national registry export (see registry.h). */
#include "common/registry.h"
#include "common/charset.h"
#include "common/csv.h"
#include "common/sha256.h"

#include <ctype.h>
#include <stdarg.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Header names accepted for each field; the first is what the national export uses. */
static const char *const header_names[REG_NFIELDS][6] = {
    [REG_CODE] = {"网站标识码", "标识码", "code", "site_code", NULL},
    [REG_NAME] = {"网站名称", "name", "site_name", NULL},
    [REG_URL] = {"首页网址", "网站地址", "网址", "url", "homepage", NULL},
    [REG_SPONSOR] = {"主办单位", "sponsor", NULL},
    [REG_REGION] = {"所属地区", "行政区划", "所属地区/行政区划", "region", NULL},
    [REG_LEVEL] = {"级别", "网站级别", "level", NULL},
    [REG_TYPE] = {"网站类型", "type", "site_type", NULL},
    [REG_STATUS] = {"运行状态", "状态", "status", NULL},
    [REG_CONTACT] = {"联系人", "contact", NULL},
    [REG_PHONE] = {"联系电话", "phone", NULL},
    [REG_EMAIL] = {"电子邮箱", "邮箱", "email", "e-mail", NULL},
};
static const int field_required[REG_NFIELDS] = {[REG_CODE] = 1, [REG_NAME] = 1, [REG_URL] = 1,
                                                [REG_STATUS] = 1};

struct vocab {
    const char *label;
    const char *canonical;
};

static const struct vocab status_vocab[] = {
    {"正常运行", "normal"},
    {"正常", "normal"},
    {"normal", "normal"},
    {"例外", "exempt"},
    {"exempt", "exempt"},
    {"关停", "shutdown"},
    {"shutdown", "shutdown"},
    {"临时关闭", "temporarily_closed"},
    {"暂时关停", "temporarily_closed"},
    {"temporarily_closed", "temporarily_closed"},
    {"上移", "moved_up"},
    {"关停上移", "moved_up"},
    {"moved_up", "moved_up"},
    {"迁移", "migrated"},
    {"migrated", "migrated"},
    {"永久下线", "offline"},
    {"offline", "offline"},
    {NULL, NULL},
};

static const struct vocab level_vocab[] = {
    {"省级", "province"}, {"省", "province"},   {"province", "province"}, {"市级", "city"},
    {"地市级", "city"},   {"市", "city"},       {"city", "city"},         {"县级", "county"},
    {"区县级", "county"}, {"县", "county"},     {"county", "county"},     {NULL, NULL},
};

static const struct vocab type_vocab[] = {
    {"政府门户网站", "portal"}, {"门户网站", "portal"},       {"门户", "portal"},
    {"portal", "portal"},       {"部门网站", "department"},   {"部门", "department"},
    {"department", "department"}, {NULL, NULL},
};

static const char *vocab_lookup(const struct vocab *v, const char *label)
{
    for (; v->label; v++)
        if (strcasecmp(v->label, label) == 0)
            return v->canonical;
    return NULL;
}

const char *registry_status_canonical(const char *label)
{
    return vocab_lookup(status_vocab, label);
}
const char *registry_level_canonical(const char *label)
{
    return vocab_lookup(level_vocab, label);
}
const char *registry_type_canonical(const char *label)
{
    return vocab_lookup(type_vocab, label);
}

const char *registry_status_label(const char *status)
{
    /* the first entry of each canonical word is its official Chinese label */
    for (const struct vocab *v = status_vocab; v->label; v++)
        if (strcmp(v->canonical, status) == 0)
            return v->label;
    return status;
}

/* Province-level division codes (GB/T 2260), the first two digits of a local site code. */
static int province_code_valid(int p)
{
    static const int codes[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41,
                                42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71,
                                81, 82};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i] == p)
            return 1;
    return 0;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

const char *registry_check_code(const char *code)
{
    size_t n = strlen(code);
    if (n == 0)
        return "the site code is empty";
    if (n != 10)
        return "the site code must be 10 characters (e.g. 4300000077, bm55000001, 11BM010009)";
    if (code[0] == 'b' && code[1] == 'm')
        return all_digits(code + 2, 8) ? NULL : "a bm site code must be 'bm' and 8 digits";
    if (code[2] == 'B' && code[3] == 'M') {
        if (!all_digits(code, 2) || !all_digits(code + 4, 6))
            return "a branch site code must be 2 digits, 'BM' and 6 digits";
        return province_code_valid((code[0] - '0') * 10 + code[1] - '0')
                   ? NULL
                   : "the site code's first two digits are not a province code";
    }
    if (!all_digits(code, 10))
        return "the site code must be 10 digits, 'bm' + 8 digits, or 2 digits + 'BM' + 6 digits";
    if (!province_code_valid((code[0] - '0') * 10 + code[1] - '0'))
        return "the site code's first two digits are not a province code";
    return NULL;
}

const char *registry_check_email(const char *email)
{
    const char *at = strchr(email, '@');
    if (!at || at == email || strchr(at + 1, '@'))
        return "the e-mail address must have one '@' with a name before it";
    const char *dot = strchr(at + 1, '.');
    if (!dot || dot == at + 1 || dot[1] == '\0' || email[strlen(email) - 1] == '.')
        return "the e-mail address has no valid domain";
    for (const char *p = email; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == ',' || *p == ';' || *p == '<' || *p == '>')
            return "the e-mail address contains a space or separator";
    return NULL;
}

/* Host names compare case-insensitively; the registry keeps them in lower case. */
static CURLUcode lower_host(CURLU *u, char *host)
{
    for (char *p = host; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return curl_url_set(u, CURLUPART_HOST, host, 0);
}

/* Passes a curl URL API result on, noting in *oom when it ran out of memory. */
static CURLUcode note_oom(CURLUcode rc, int *oom)
{
    if (rc == CURLUE_OUT_OF_MEMORY)
        *oom = 1;
    return rc;
}

const char *registry_normalise_url(const char *url, struct strbuf *out)
{
    const char *reason = NULL;
    char *scheme = NULL, *host = NULL, *full = NULL;
    int oom = 0;
    CURLU *u = curl_url();
    if (!u) {
        out->failed = 1;
        return "out of memory";
    }
    if (!*url)
        reason = "the homepage URL is empty";
    else if (note_oom(curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME), &oom) !=
             CURLUE_OK)
        reason = "the homepage URL is not a valid URL (it needs http:// or https://)";
    else if (note_oom(curl_url_get(u, CURLUPART_SCHEME, &scheme, 0), &oom) != CURLUE_OK ||
             (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0))
        reason = "the homepage URL must use http or https";
    else if (note_oom(curl_url_get(u, CURLUPART_USER, &full, 0), &oom) != CURLUE_NO_USER)
        reason = "the homepage URL must not carry a user name or password";
    else if (note_oom(curl_url_get(u, CURLUPART_HOST, &host, 0), &oom) != CURLUE_OK ||
             !strchr(host, '.'))
        reason = "the homepage URL has no proper host name";
    else if (note_oom(lower_host(u, host), &oom) != CURLUE_OK)
        reason = "the homepage URL's host name is not valid";
    else if (note_oom(curl_url_get(u, CURLUPART_URL, &full, 0), &oom) != CURLUE_OK)
        reason = "the homepage URL cannot be normalised";
    else
        strbuf_adds(out, full);
    curl_free(scheme);
    curl_free(host);
    curl_free(full);
    curl_url_cleanup(u);
    if (oom || out->failed) {
        out->failed = 1;
        return "out of memory";
    }
    return reason;
}

static void add_problem(struct registry *reg, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_problem(struct registry *reg, long line, const char *fmt, ...)
{
    if (reg->nproblems == reg->problems_alloc) {
        size_t na = reg->problems_alloc ? reg->problems_alloc * 2 : 16;
        void *p = realloc(reg->problems, na * sizeof *reg->problems);
        if (!p) {
            reg->failed = 1;
            return;
        }
        reg->problems = p;
        reg->problems_alloc = na;
    }
    struct strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    /* the reasons quote values from the file: no control byte reaches a terminal */
    for (size_t i = 0; i < sb.len; i++)
        if ((unsigned char)sb.buf[i] < 0x20 || sb.buf[i] == 0x7f)
            sb.buf[i] = '?';
    char *reason = strbuf_detach(&sb);
    if (!reason) {
        reg->failed = 1;
        return;
    }
    reg->problems[reg->nproblems].line = line;
    reg->problems[reg->nproblems].reason = reason;
    reg->nproblems++;
}

static struct registry_record *add_record(struct registry *reg)
{
    if (reg->nrecords == reg->records_alloc) {
        size_t na = reg->records_alloc ? reg->records_alloc * 2 : 64;
        void *p = realloc(reg->records, na * sizeof *reg->records);
        if (!p)
            return NULL;
        reg->records = p;
        reg->records_alloc = na;
    }
    struct registry_record *rec = &reg->records[reg->nrecords++];
    memset(rec, 0, sizeof *rec);
    return rec;
}

static void add_skipped_code(struct registry *reg, const char *code)
{
    if (reg->nskipped_codes == reg->skipped_codes_alloc) {
        size_t na = reg->skipped_codes_alloc ? reg->skipped_codes_alloc * 2 : 16;
        void *p = realloc(reg->skipped_codes, na * sizeof *reg->skipped_codes);
        if (!p) {
            reg->failed = 1;
            return;
        }
        reg->skipped_codes = p;
        reg->skipped_codes_alloc = na;
    }
    char *c = strdup(code);
    if (c)
        reg->skipped_codes[reg->nskipped_codes++] = c;
    else
        reg->failed = 1;
}

static void record_free(struct registry_record *rec)
{
    for (int i = 0; i < REG_NFIELDS; i++)
        free(rec->field[i]);
}

/* An open-addressing set of strings → line numbers, to find duplicate codes and URLs. It
 * grows as keys are added (never more than half full), so no guess of the row count from
 * the text can leave it full and a lookup probing forever. */
struct seen_set {
    const char **keys; /* borrowed: heap strings owned by the records */
    long *lines;
    size_t cap, count;
};

static unsigned long hash_str(const char *s)
{
    unsigned long h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static size_t seen_slot(const char *const *keys, size_t cap, const char *key)
{
    size_t i = hash_str(key) & (cap - 1);
    while (keys[i] && strcmp(keys[i], key) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

/* The line a key was first seen on, or 0 if it was not. */
static long seen_find(const struct seen_set *set, const char *key)
{
    if (!set->cap)
        return 0;
    size_t i = seen_slot(set->keys, set->cap, key);
    return set->keys[i] ? set->lines[i] : 0;
}

/* Adds a key not in the set; 0 or SC_ENOMEM. */
static int seen_add(struct seen_set *set, const char *key, long line)
{
    if ((set->count + 1) * 2 > set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        const char **keys = calloc(cap, sizeof *keys);
        long *lines = calloc(cap, sizeof *lines);
        if (!keys || !lines) {
            free(keys);
            free(lines);
            return SC_ENOMEM;
        }
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->keys[i])
                continue;
            size_t j = seen_slot(keys, cap, set->keys[i]);
            keys[j] = set->keys[i];
            lines[j] = set->lines[i];
        }
        free(set->keys);
        free(set->lines);
        set->keys = keys;
        set->lines = lines;
        set->cap = cap;
    }
    size_t i = seen_slot(set->keys, set->cap, key);
    set->keys[i] = key;
    set->lines[i] = line;
    set->count++;
    return SC_OK;
}

static int map_header(struct csv_reader *csv, int column_of[REG_NFIELDS], struct registry *reg,
                      struct sc_error *err)
{
    for (int f = 0; f < REG_NFIELDS; f++)
        column_of[f] = -1;
    for (int c = 0; c < csv->nfields; c++) {
        const char *h = csv->fields[c].buf;
        for (int f = 0; f < REG_NFIELDS; f++) {
            for (int k = 0; header_names[f][k]; k++) {
                if (strcasecmp(h, header_names[f][k]) != 0)
                    continue;
                if (column_of[f] >= 0) {
                    add_problem(reg, csv->record_line, "column '%s' appears twice in the header",
                                h);
                    return sc_fail(err, SC_EINPUT, "line %ld: column '%s' appears twice",
                                   csv->record_line, h);
                }
                column_of[f] = c;
            }
        }
    }
    for (int f = 0; f < REG_NFIELDS; f++) {
        if (field_required[f] && column_of[f] < 0) {
            add_problem(reg, csv->record_line, "the header has no '%s' (%s) column",
                        header_names[f][0], header_names[f][1]);
            return sc_fail(err, SC_EINPUT,
                           "line %ld: the header has no '%s' column; is this the registry "
                           "export?",
                           csv->record_line, header_names[f][0]);
        }
    }
    return SC_OK;
}

/* Validates and normalises one row into rec; returns 0, -1 after adding a problem, or
 * SC_ENOMEM. */
static int validate_row(struct registry *reg, struct csv_reader *csv,
                        const int column_of[REG_NFIELDS], int header_fields,
                        struct registry_record *rec)
{
    long line = csv->record_line;
    const char *reason;
    int bad = 0;
    if (csv->nfields != header_fields) {
        add_problem(reg, line, "the row has %d fields but the header has %d", csv->nfields,
                    header_fields);
        return -1;
    }
    for (int f = 0; f < REG_NFIELDS; f++) {
        const char *v = column_of[f] >= 0 ? csv->fields[column_of[f]].buf : "";
        rec->field[f] = strdup(v);
    }
    rec->line = line;
    for (int f = 0; f < REG_NFIELDS; f++)
        if (!rec->field[f])
            return SC_ENOMEM;
    /* charset_to_utf8 wrote U+FFFD for bytes it could not decode: the value is damaged; a
     * control byte (ESC, a line end inside quotes) has no place in a registry value and
     * would reach a terminal through `spotcheck sites` */
    for (int f = 0; f < REG_NFIELDS; f++) {
        for (const unsigned char *p = (const unsigned char *)rec->field[f]; p && *p; p++) {
            if (*p < 0x20 || *p == 0x7f) {
                add_problem(reg, line, "the %s holds a control character (byte 0x%02x)",
                            header_names[f][0], *p);
                bad = 1;
                break;
            }
        }
        if (rec->field[f] && strstr(rec->field[f], "\xEF\xBF\xBD")) {
            add_problem(reg, line,
                        "the %s holds bytes that are neither UTF-8 nor GBK (shown as U+FFFD): "
                        "'%s'",
                        header_names[f][0], rec->field[f]);
            bad = 1;
        }
    }
    if ((reason = registry_check_code(rec->field[REG_CODE]))) {
        add_problem(reg, line, "%s (got '%s')", reason, rec->field[REG_CODE]);
        bad = 1;
    }
    if (!*rec->field[REG_NAME]) {
        add_problem(reg, line, "the site name is empty");
        bad = 1;
    }
    struct strbuf url = STRBUF_INIT;
    if ((reason = registry_normalise_url(rec->field[REG_URL], &url)) && url.failed) {
        return SC_ENOMEM;
    } else if (reason) {
        add_problem(reg, line, "%s (got '%s')", reason, rec->field[REG_URL]);
        bad = 1;
    } else {
        free(rec->field[REG_URL]);
        rec->field[REG_URL] = strbuf_detach(&url);
    }
    strbuf_release(&url);
    static const struct {
        enum registry_field f;
        const char *(*canon)(const char *);
        const char *what;
        int required;
    } vocabularies[] = {
        {REG_STATUS, registry_status_canonical,
         "status (正常运行, 例外, 关停, 临时关闭, 关停上移, 迁移, 永久下线)", 1},
        {REG_LEVEL, registry_level_canonical, "level (省级, 市级, 县级)", 0},
        {REG_TYPE, registry_type_canonical, "site type (政府门户网站, 部门网站)", 0},
    };
    for (size_t i = 0; i < sizeof vocabularies / sizeof vocabularies[0]; i++) {
        char **v = &rec->field[vocabularies[i].f];
        if (!**v && !vocabularies[i].required)
            continue;
        const char *c = vocabularies[i].canon(*v);
        if (!c) {
            add_problem(reg, line, "unknown %s '%s'", vocabularies[i].what, *v);
            bad = 1;
        } else {
            char *canonical = strdup(c);
            if (!canonical)
                return SC_ENOMEM;
            free(*v);
            *v = canonical;
        }
    }
    if (*rec->field[REG_EMAIL] && (reason = registry_check_email(rec->field[REG_EMAIL]))) {
        add_problem(reg, line, "%s (got '%s')", reason, rec->field[REG_EMAIL]);
        bad = 1;
    }
    return reg->failed ? SC_ENOMEM : bad ? -1 : 0;
}

int registry_parse(const char *data, size_t n, struct registry *reg, struct sc_error *err)
{
    memset(reg, 0, sizeof *reg);
    if (sc_sha256_hex(data, n, reg->sha256) < 0)
        return sc_fail(err, SC_ENOMEM, "SHA-256 failed in libcrypto: out of memory");
    size_t bom = 0;
    reg->encoding = charset_sniff_text(data, n, &bom);
    struct strbuf text = STRBUF_INIT;
    if (charset_to_utf8(reg->encoding, data + bom, n - bom, &text, NULL) < 0) {
        strbuf_release(&text);
        return sc_fail(err, SC_ENOMEM, "out of memory converting the file");
    }
    if (memchr(text.buf, '\0', text.len)) {
        strbuf_release(&text);
        add_problem(reg, 1, "the file contains NUL bytes; it is not a CSV text file");
        return sc_fail(err, SC_EINPUT, "the file contains NUL bytes; it is not a CSV text file");
    }

    struct csv_reader csv;
    char msg[256];
    int column_of[REG_NFIELDS];
    int rc = SC_OK, header_fields = 0;
    struct seen_set codes = {0}, urls = {0};
    csv_init(&csv, text.buf, text.len);

    int r = csv_next(&csv, msg, sizeof msg);
    if (r == SC_ENOMEM) {
        rc = sc_fail(err, SC_ENOMEM, "out of memory");
        goto out;
    }
    if (r <= 0) {
        rc = sc_fail(err, SC_EINPUT, "%s", r == 0 ? "the file is empty" : msg);
        add_problem(reg, r == 0 ? 1 : csv.error_line, "%s", r == 0 ? "the file is empty" : msg);
        goto out;
    }
    if ((rc = map_header(&csv, column_of, reg, err)) < 0)
        goto out;
    header_fields = csv.nfields;

    while ((r = csv_next(&csv, msg, sizeof msg)) > 0) {
        reg->rows_total++;
        struct registry_record *rec = add_record(reg);
        if (!rec) {
            rc = sc_fail(err, SC_ENOMEM, "out of memory");
            goto out;
        }
        int v = validate_row(reg, &csv, column_of, header_fields, rec);
        if (v == SC_ENOMEM) {
            rc = sc_fail(err, SC_ENOMEM, "out of memory");
            goto out;
        }
        if (v < 0) {
            if (rec->field[REG_CODE] && !registry_check_code(rec->field[REG_CODE]))
                add_skipped_code(reg, rec->field[REG_CODE]);
            record_free(rec);
            reg->nrecords--;
            continue;
        }
        long first = seen_find(&codes, rec->field[REG_CODE]);
        long first_url = first ? 0 : seen_find(&urls, rec->field[REG_URL]);
        if (!first && !first_url) {
            if (seen_add(&codes, rec->field[REG_CODE], rec->line) < 0 ||
                seen_add(&urls, rec->field[REG_URL], rec->line) < 0) {
                rc = sc_fail(err, SC_ENOMEM, "out of memory");
                goto out;
            }
        } else {
            if (first)
                add_problem(reg, rec->line, "site code %s is already on line %ld",
                            rec->field[REG_CODE], first);
            else
                add_problem(reg, rec->line, "homepage %s is already listed on line %ld",
                            rec->field[REG_URL], first_url);
            record_free(rec);
            reg->nrecords--;
        }
    }
    if (r == SC_ENOMEM) {
        rc = sc_fail(err, SC_ENOMEM, "out of memory");
    } else if (r < 0) {
        add_problem(reg, csv.error_line, "%s", msg);
        rc = sc_fail(err, SC_EINPUT, "%s", msg);
    }
    if (reg->failed) /* a problem or a skipped code could not be recorded */
        rc = sc_fail(err, SC_ENOMEM, "out of memory");
out:
    /* The sets' keys point at heap strings owned by the records (not into the records
     * array, which realloc may move), so they stayed valid for the whole loop. */
    free(codes.keys);
    free(codes.lines);
    free(urls.keys);
    free(urls.lines);
    csv_release(&csv);
    strbuf_release(&text);
    return rc;
}

void registry_free(struct registry *reg)
{
    for (size_t i = 0; i < reg->nrecords; i++)
        record_free(&reg->records[i]);
    for (size_t i = 0; i < reg->nproblems; i++)
        free(reg->problems[i].reason);
    for (size_t i = 0; i < reg->nskipped_codes; i++)
        free(reg->skipped_codes[i]);
    free(reg->skipped_codes);
    free(reg->records);
    free(reg->problems);
    memset(reg, 0, sizeof *reg);
}

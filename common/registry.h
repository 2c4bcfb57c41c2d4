/* registry: reading the national site registry export (全国政府网站信息报送系统) into
 * validated records.
 *
 * The export is CSV in UTF-8 or GBK with a header row naming the columns in Chinese
 * (网站标识码, 网站名称, 首页网址, 主办单位, 所属地区/行政区划, 级别, 网站类型, 运行状态, 联系人,
 * 联系电话, 电子邮箱) or English (code, name, url, sponsor, region, level, type, status,
 * contact, phone, email). Values are normalised to one vocabulary: status normal, exempt,
 * shutdown, temporarily_closed, moved_up, migrated, offline; level province, city, county;
 * type portal, department. Every invalid row is reported with its line number and reason;
 * no storage happens here (storage/sites.h applies a parsed registry). */
#ifndef SPOTCHECK_REGISTRY_H
#define SPOTCHECK_REGISTRY_H

#include <stddef.h>

#include "common/error.h"
#include "common/strbuf.h"

enum registry_field {
    REG_CODE,
    REG_NAME,
    REG_URL,
    REG_SPONSOR,
    REG_REGION,
    REG_LEVEL,
    REG_TYPE,
    REG_STATUS,
    REG_CONTACT,
    REG_PHONE,
    REG_EMAIL,
    REG_NFIELDS
};

struct registry_record {
    long line; /* where the record starts in the file */
    char *field[REG_NFIELDS];
};

struct registry_problem {
    long line;
    char *reason;
};

struct registry {
    const char *encoding; /* "UTF-8" or "GB18030" (GBK) as detected */
    char sha256[65];      /* of the file's bytes, hex */
    long rows_total;
    struct registry_record *records;
    size_t nrecords, records_alloc;
    struct registry_problem *problems;
    size_t nproblems, problems_alloc;
    /* site codes named by rows that were invalid for another reason (their sites are
     * still in the export, so an import must not mark them unlisted) */
    char **skipped_codes;
    size_t nskipped_codes, skipped_codes_alloc;
    int failed; /* an allocation failed while parsing (registry_parse returns SC_ENOMEM) */
};

/* Parses and validates a whole export held in memory. Returns 0 when the file could be
 * read as a registry at all (rows with problems are listed in reg->problems, valid rows
 * in reg->records), SC_EINPUT with err set when it cannot (no header, a required
 * column missing, broken CSV structure — in which case problems lists the line too), or
 * SC_ENOMEM when any allocation failed (records and problems are then incomplete: a row
 * is never dropped or called invalid for want of memory). */
int registry_parse(const char *data, size_t n, struct registry *reg, struct sc_error *err);
void registry_free(struct registry *reg);

/* Validators, exposed for tests and other inputs. Each returns NULL when the value is
 * acceptable, or a static reason. */
const char *registry_check_code(const char *code);
const char *registry_check_email(const char *email);
/* Normalises a homepage URL (scheme and host lower case, "/" path when empty) into out;
 * returns NULL or a reason. Out of memory, it returns a reason and sets out->failed. */
const char *registry_normalise_url(const char *url, struct strbuf *out);
/* Maps a status, level or type label (Chinese or English) to the canonical word, or NULL. */
const char *registry_status_canonical(const char *label);
const char *registry_level_canonical(const char *label);
const char *registry_type_canonical(const char *label);
/* The Chinese label of a canonical status ("normal" → "正常运行"). */
const char *registry_status_label(const char *status);

#endif

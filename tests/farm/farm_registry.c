/* farm_registry: writes the farm's registry export, the CSV `spotcheck import` reads.
 *
 * The same rows twice: DIR/registry.csv in UTF-8 and DIR/registry-gbk.csv in GBK, the way
 * real exports from 全国政府网站信息报送系统 often arrive. RFC 4180 quoting, CRLF line ends. */
#include <stdio.h>
#include <string.h>

#include "tests/farm/farm.h"

static void csv_field(struct strbuf *out, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        strbuf_addch(out, '"');
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                strbuf_addch(out, '"');
            strbuf_addch(out, *p);
        }
        strbuf_addch(out, '"');
    } else {
        strbuf_adds(out, s);
    }
    strbuf_adds(out, last ? "\r\n" : ",");
}

int farm_registry_write(const struct farm_model *m, struct sc_error *err)
{
    struct strbuf csv = STRBUF_INIT, gbk = STRBUF_INIT, path = STRBUF_INIT;
    strbuf_adds(&csv, "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,"
                      "联系人,联系电话,电子邮箱\r\n");
    for (int i = 0; i < m->nsites; i++) {
        const struct farm_site *s = &m->sites[i];
        csv_field(&csv, s->code, 0);
        csv_field(&csv, s->name, 0);
        csv_field(&csv, s->url, 0);
        csv_field(&csv, s->sponsor, 0);
        csv_field(&csv, s->region, 0);
        csv_field(&csv, s->level, 0);
        csv_field(&csv, s->portal ? "政府门户网站" : "部门网站", 0);
        csv_field(&csv, s->status, 0);
        csv_field(&csv, s->contact, 0);
        csv_field(&csv, s->phone, 0);
        csv_field(&csv, s->email, 1);
    }
    int rc = csv.failed ? sc_fail(err, SC_ENOMEM, "out of memory") : 0;
    if (!rc) {
        strbuf_addf(&path, "%s/registry.csv", m->opts.out);
        rc = farm_write_file(path.buf, csv.buf, csv.len, err);
    }
    if (!rc)
        rc = farm_to_gbk(csv.buf, csv.len, &gbk, err);
    if (!rc) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/registry-gbk.csv", m->opts.out);
        rc = farm_write_file(path.buf, gbk.buf, gbk.len, err);
    }
    strbuf_release(&csv);
    strbuf_release(&gbk);
    strbuf_release(&path);
    return rc;
}

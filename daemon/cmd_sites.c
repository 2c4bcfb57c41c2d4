/* cmd_sites: `spotcheck sites`: list registered sites (text, CSV that re-imports, JSON),
 * and a site's status history. */
#include "common/dispwidth.h"
#include "common/json.h"
#include "common/registry.h"
#include "common/strbuf.h"
#include "daemon/cli.h"
#include "storage/sites.h"

#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: spotcheck sites [--status S] [--region R] [--all] [--format text|csv|json]\n"
          "       spotcheck sites --history CODE\n\n"
          "Lists the registered sites. --status takes a registry status (正常运行 or normal,\n"
          "例外/exempt, 关停/shutdown, 临时关闭/temporarily_closed, 关停上移/moved_up,\n"
          "迁移/migrated, 永久下线/offline). --all includes sites no longer in the registry.\n"
          "--format csv writes the registry's own columns, so the output imports again.\n"
          "--history CODE shows the recorded status changes of one site.\n",
          out);
    cli_print_common_options(out);
}

struct listing {
    enum output_format format;
    struct json_writer json;
    struct strbuf out;
    long count;
};

static void csv_field(struct strbuf *out, const char *s, int last)
{
    size_t n = strlen(s);
    /* quoted when it holds a separator, a quote or a line end, or begins or ends with a
     * blank (the importer trims unquoted fields) */
    if (strpbrk(s, ",\"\r\n") || (n && (strchr(" \t", s[0]) || strchr(" \t", s[n - 1])))) {
        strbuf_addch(out, '"');
        for (; *s; s++) {
            if (*s == '"')
                strbuf_addch(out, '"');
            strbuf_addch(out, *s);
        }
        strbuf_addch(out, '"');
    } else {
        strbuf_adds(out, s);
    }
    strbuf_addch(out, last ? '\n' : ',');
}

static int print_site(const struct site_row *s, void *ud)
{
    struct listing *l = ud;
    l->count++;
    switch (l->format) {
    case FORMAT_JSON: {
        struct json_writer *w = &l->json;
        json_object_begin(w);
        json_kv_string(w, "code", s->code);
        json_kv_string(w, "name", s->name);
        json_kv_string(w, "url", s->url);
        json_kv_string(w, "sponsor", s->sponsor);
        json_kv_string(w, "region", s->region);
        json_kv_string(w, "level", s->level);
        json_kv_string(w, "type", s->type);
        json_kv_string(w, "status", s->status);
        json_kv_string(w, "status_label", registry_status_label(s->status));
        json_kv_string(w, "contact", s->contact);
        json_kv_string(w, "phone", s->phone);
        json_kv_string(w, "email", s->email);
        json_kv_bool(w, "listed", s->listed);
        json_kv_string(w, "updated_at", s->updated_at);
        json_object_end(w);
        break;
    }
    case FORMAT_CSV: {
        const char *f[] = {s->code,   s->name,   s->url,     s->sponsor, s->region, s->level,
                           s->type,   s->status, s->contact, s->phone,   s->email};
        for (int i = 0; i < 11; i++)
            csv_field(&l->out, f[i], i == 10);
        break;
    }
    case FORMAT_TEXT:
        /* padded by display width: labels and regions are Chinese (common/dispwidth.h) */
        dispwidth_pad(&l->out, s->code, 10);
        strbuf_adds(&l->out, "  ");
        dispwidth_pad(&l->out, registry_status_label(s->status), 18);
        strbuf_adds(&l->out, "  ");
        dispwidth_pad(&l->out, s->region, 20); /* 湘西土家族苗族自治州 */
        strbuf_addf(&l->out, "  %s  %s%s\n", s->url, s->name,
                    s->listed ? "" : "  (no longer listed)");
        break;
    }
    /* flush as we go so a large registry does not sit in memory */
    if (l->out.len > 65536) {
        fwrite(l->out.buf, 1, l->out.len, stdout);
        strbuf_reset(&l->out);
    }
    return 0;
}

static int print_change(const struct status_change *c, void *ud)
{
    (void)ud;
    if (c->old_listed < 0)
        printf("%s  %s  added as %s (import #%ld)\n", c->changed_at, c->site_code,
               registry_status_label(c->new_status), c->import_id);
    else if (c->old_listed && !c->new_listed)
        printf("%s  %s  no longer listed in the registry (import #%ld)\n", c->changed_at,
               c->site_code, c->import_id);
    else if (!c->old_listed && c->new_listed)
        printf("%s  %s  listed again as %s (import #%ld)\n", c->changed_at, c->site_code,
               registry_status_label(c->new_status), c->import_id);
    else
        printf("%s  %s  %s -> %s (import #%ld)\n", c->changed_at, c->site_code,
               registry_status_label(c->old_status ? c->old_status : ""),
               registry_status_label(c->new_status), c->import_id);
    return 0;
}

int cmd_sites(struct cli_context *ctx, int argc, char **argv)
{
    enum { OPT_STATUS = OPT_FIRST_COMMAND_OPTION, OPT_REGION, OPT_FORMAT, OPT_ALL, OPT_HISTORY };
    static const struct option longopts[] = {{"status", required_argument, NULL, OPT_STATUS},
                                              {"region", required_argument, NULL, OPT_REGION},
                                              {"format", required_argument, NULL, OPT_FORMAT},
                                              {"all", no_argument, NULL, OPT_ALL},
                                              {"history", required_argument, NULL, OPT_HISTORY},
                                              CLI_COMMON_LONGOPTS,
                                              {NULL, 0, NULL, 0}};
    struct site_filter filter = {0};
    struct listing l = {.format = FORMAT_TEXT};
    const char *history = NULL;
    int c;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case OPT_STATUS:
            if (!(filter.status = registry_status_canonical(optarg)))
                return cli_usage_error("sites", "unknown status '%s'", optarg);
            break;
        case OPT_REGION:
            filter.region = optarg;
            break;
        case OPT_ALL:
            filter.include_unlisted = 1;
            break;
        case OPT_HISTORY:
            history = optarg;
            break;
        case OPT_FORMAT:
            if (cli_parse_format(optarg, &l.format, 1) < 0)
                return cli_usage_error("sites", "--format must be text, csv or json");
            break;
        default: {
            int r = cli_other_option(ctx, "sites", c, optarg);
            if (r)
                return r;
        }
        }
    }
    if (optind != argc)
        return cli_usage_error("sites", "unexpected argument '%s'", argv[optind]);
    int loaded = cli_config_load(ctx, "sites");
    if (loaded)
        return loaded;

    struct sc_error err = {{0}};
    struct storage *db = NULL;
    int rc = storage_open_existing(ctx->db_path, &db, &err);
    if (rc < 0)
        return cli_report_error("sites", rc, err.msg);
    if (history) {
        rc = storage_status_history_each(db, history, print_change, NULL, &err);
        storage_close(db);
        return rc < 0 ? cli_report_error("sites", rc, err.msg) : EXIT_OK;
    }
    strbuf_init(&l.out);
    if (l.format == FORMAT_JSON) {
        json_init(&l.json, &l.out, 1);
        json_object_begin(&l.json);
        json_key(&l.json, "sites");
        json_array_begin(&l.json);
    } else if (l.format == FORMAT_CSV) {
        strbuf_adds(&l.out, "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,"
                            "运行状态,联系人,联系电话,电子邮箱\n");
    }
    rc = storage_sites_each(db, &filter, print_site, &l, &err);
    if (l.format == FORMAT_JSON) {
        json_array_end(&l.json);
        json_kv_int(&l.json, "count", l.count);
        json_object_end(&l.json);
        strbuf_addch(&l.out, '\n');
    }
    storage_close(db);
    if (rc < 0) {
        strbuf_release(&l.out);
        return cli_report_error("sites", rc, err.msg);
    }
    fwrite(l.out.buf, 1, l.out.len, stdout);
    if (l.format == FORMAT_TEXT && ctx->verbosity >= 0)
        fprintf(stderr, "%ld site%s\n", l.count, l.count == 1 ? "" : "s");
    strbuf_release(&l.out);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_RUNTIME;
}

/* cmd_import: `spotcheck import FILE.csv`: validate a registry export and apply it. */
#include "common/registry.h"
#include "daemon/cli.h"
#include "daemon/readfile.h"
#include "storage/sites.h"

#include <string.h>

#define MAX_REGISTRY_BYTES ((size_t)512 << 20)

static void usage(FILE *out)
{
    fputs("usage: spotcheck import [--skip-invalid] [--dry-run] FILE.csv\n\n"
          "Imports or refreshes the national site registry export (CSV, UTF-8 or GBK,\n"
          "detected). The header names the columns in Chinese or English: 网站标识码/code,\n"
          "网站名称/name, 首页网址/url, 运行状态/status (required), 主办单位/sponsor,\n"
          "所属地区/region, 级别/level, 网站类型/type, 联系人/contact, 联系电话/phone,\n"
          "电子邮箱/email. A file with any invalid row imports nothing and lists every bad\n"
          "row with its line number. Re-importing updates changed sites, records status\n"
          "changes, and marks sites missing from the file as no longer listed. A file\n"
          "without one valid row is refused.\n\n"
          "Options:\n"
          "  --skip-invalid   import the valid rows, report the others\n"
          "  --dry-run        validate only; change nothing\n",
          out);
    cli_print_common_options(out);
}

int cmd_import(struct cli_context *ctx, int argc, char **argv)
{
    enum { OPT_SKIP = OPT_FIRST_COMMAND_OPTION, OPT_DRY };
    static const struct option longopts[] = {{"skip-invalid", no_argument, NULL, OPT_SKIP},
                                             {"dry-run", no_argument, NULL, OPT_DRY},
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    int skip_invalid = 0, dry_run = 0, c;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return EXIT_OK;
        } else if (c == OPT_SKIP) {
            skip_invalid = 1;
        } else if (c == OPT_DRY) {
            dry_run = 1;
        } else {
            int r = cli_other_option(ctx, "import", c, optarg);
            if (r)
                return r;
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("import", "give exactly one registry file");
    int loaded = cli_config_load(ctx, "import");
    if (loaded)
        return loaded;
    const char *path = argv[optind];

    struct sc_error err = {{0}};
    struct strbuf data = STRBUF_INIT;
    struct registry reg;
    struct storage *db = NULL;
    int status = EXIT_OK;
    memset(&reg, 0, sizeof reg);

    int rc = read_file_limited(path, MAX_REGISTRY_BYTES, &data, &err);
    if (rc < 0) {
        status = cli_report_error("import", rc, err.msg);
        goto out;
    }
    rc = registry_parse(data.buf, data.len, &reg, &err);
    for (size_t i = 0; i < reg.nproblems; i++)
        fprintf(stderr, "%s:%ld: %s\n", path, reg.problems[i].line, reg.problems[i].reason);
    if (rc < 0) {
        fprintf(stderr, "spotcheck import: %s: %s; nothing imported\n", path, err.msg);
        status = sc_exit_status(rc);
        goto out;
    }
    if (reg.nrecords == 0) {
        /* An import marks every site missing from the file as no longer listed: a file
         * without one valid row (a truncated export) would unlist the whole registry. */
        fprintf(stderr, "spotcheck import: %s: no valid site row%s; nothing imported\n", path,
                reg.rows_total ? " (every row is invalid)" : " (only a header)");
        status = EXIT_USAGE;
        goto out;
    }
    if (reg.nproblems && !skip_invalid) {
        fprintf(stderr,
                "spotcheck import: %s: %zu invalid row%s; nothing imported "
                "(--skip-invalid imports the %zu valid rows)\n",
                path, reg.nproblems, reg.nproblems == 1 ? "" : "s", reg.nrecords);
        status = EXIT_USAGE;
        goto out;
    }
    if (dry_run) {
        printf("%s: %zu valid sites (%s)%s; dry run, nothing imported\n", path, reg.nrecords,
               strcmp(reg.encoding, "UTF-8") == 0 ? "UTF-8" : "GBK",
               reg.nproblems ? ", some rows invalid" : "");
        goto out;
    }
    if ((rc = storage_open(ctx->db_path, &db, &err)) < 0) {
        status = cli_report_error("import", rc, err.msg);
        goto out;
    }
    struct import_summary sum;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if ((rc = storage_registry_apply(db, &reg, base, &sum, &err)) < 0) {
        status = cli_report_error("import", rc, err.msg);
        goto out;
    }
    if (ctx->verbosity >= 0)
        printf("imported %zu sites from %s (%s) as import #%ld: %ld added, %ld updated, "
               "%ld status changes, %ld no longer listed%s\n",
               reg.nrecords, base, strcmp(reg.encoding, "UTF-8") == 0 ? "UTF-8" : "GBK",
               sum.import_id, sum.added, sum.updated, sum.status_changes, sum.unlisted,
               reg.nproblems ? "; invalid rows skipped" : "");
out:
    storage_close(db);
    registry_free(&reg);
    strbuf_release(&data);
    return status;
}

/* cmd_verify: `spotcheck verify QUARTER ROUND`: recompute a stored draw from its own frame and
 * seed and say whether it is identical (exit 0) or what differs (exit 1, as a failed check). */
#include "common/json.h"
#include "common/number.h"
#include "common/strbuf.h"
#include "daemon/cli.h"
#include "sampler/calendar.h"
#include "storage/draws.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: spotcheck verify QUARTER ROUND [--draw ID] [--frame] [--format text|json]\n\n"
          "Recomputes the round's draw from the frame and seed stored with it (and the\n"
          "samples of the earlier rounds it counted repeats against) and compares it with\n"
          "the stored draw: the frame hash, the counts and every site of the sample in rank\n"
          "order. Exit status 0: identical; 1: something differs (each difference is\n"
          "printed); 2: no such draw; 3: runtime failure.\n\n"
          "Options:\n"
          "  --draw ID        check that draw of the round (e.g. one replaced by a redraw)\n"
          "                   instead of the active one\n"
          "  --frame          print the stored frame in its canonical form (the bytes the\n"
          "                   frame hash is taken of) instead of verifying\n"
          "  --format FMT     text (default) or json\n",
          out);
    cli_print_common_options(out);
}

static void write_json(const struct sampler_record *r, const struct sampler_result *re,
                       const char *problem, const struct strbuf *diff, long ndiff,
                       struct strbuf *out)
{
    struct json_writer w;
    json_init(&w, out, 1);
    json_object_begin(&w);
    json_kv_string(&w, "quarter", r->quarter);
    json_kv_int(&w, "round", r->round);
    json_kv_int(&w, "draw_id", r->id);
    json_kv_bool(&w, "verified", ndiff == 0);
    json_kv_string(&w, "seed", r->seed);
    json_kv_string(&w, "frame_hash", r->frame_hash);
    json_kv_string(&w, "recomputed_frame_hash", problem ? NULL : re->frame_hash);
    json_kv_int(&w, "frame_size", r->frame_size);
    json_kv_int(&w, "sample_size", r->sample_size);
    json_key(&w, "differences");
    json_array_begin(&w);
    if (problem)
        json_string(&w, problem);
    for (const char *p = diff->buf; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        struct strbuf line = STRBUF_INIT;
        strbuf_add(&line, p, len);
        json_string(&w, line.buf);
        strbuf_release(&line);
        p += len + (nl ? 1 : 0);
    }
    json_array_end(&w);
    json_object_end(&w);
    strbuf_addch(out, '\n');
}

int cmd_verify(struct cli_context *ctx, int argc, char **argv)
{
    enum { OPT_DRAW = OPT_FIRST_COMMAND_OPTION, OPT_FRAME, OPT_FORMAT };
    static const struct option longopts[] = {{"draw", required_argument, NULL, OPT_DRAW},
                                             {"frame", no_argument, NULL, OPT_FRAME},
                                             {"format", required_argument, NULL, OPT_FORMAT},
                                             CLI_COMMON_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    struct sc_error err = {{0}};
    enum output_format format = FORMAT_TEXT;
    long draw_id = 0;
    int show_frame = 0, c;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case OPT_DRAW: {
            int id;
            if (sc_int_parse(optarg, 1, INT_MAX, &id) < 0)
                return cli_usage_error("verify", "--draw: '%s' is not a draw id", optarg);
            draw_id = id;
            break;
        }
        case OPT_FRAME:
            show_frame = 1;
            break;
        case OPT_FORMAT:
            if (cli_parse_format(optarg, &format, 0) < 0)
                return cli_usage_error("verify", "--format must be text or json");
            break;
        default: {
            int r = cli_other_option(ctx, "verify", c, optarg);
            if (r)
                return r;
        }
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("verify", "give a quarter and a round, e.g. 2026Q4 1");
    int loaded = cli_config_load(ctx, "verify");
    if (loaded)
        return loaded;
    struct sampler_quarter q;
    char quarter[8];
    int round;
    if (sampler_quarter_round_parse(argv[optind], argv[optind + 1], &q, quarter, &round, &err) < 0)
        return cli_usage_error("verify", "%s", err.msg);

    struct storage *db = NULL;
    int rc = storage_open_existing(ctx->db_path, &db, &err);
    if (rc < 0)
        return cli_report_error("verify", rc, err.msg);
    struct sampler_record rec;
    memset(&rec, 0, sizeof rec);
    if (draw_id) {
        rc = storage_draw_load(db, draw_id, &rec, &err);
        if (rc == SC_OK && (strcmp(rec.quarter, quarter) != 0 || rec.round != round)) {
            rc = sc_fail(&err, SC_ENOTFOUND, "draw %ld is of %s round %d, not %s round %d", draw_id,
                         rec.quarter, rec.round, quarter, round);
            sampler_record_free(&rec);
        }
    } else {
        rc = storage_draw_load_active(db, quarter, round, &rec, &err);
    }
    storage_close(db);
    if (rc < 0)
        return cli_report_error("verify", rc, err.msg);

    struct strbuf out = STRBUF_INIT, diff = STRBUF_INIT;
    int status = EXIT_OK;
    if (show_frame) {
        rc = sampler_frame_canonical(rec.frame, rec.nframe, &out, &err);
        if (rc < 0)
            status = cli_report_error("verify", rc, err.msg);
        goto print;
    }
    struct sampler_result re;
    rc = sampler_record_recompute(&rec, &re, &err);
    if (rc == SC_ENOMEM || rc == SC_ERUNTIME) {
        status = cli_report_error("verify", rc, err.msg);
        goto done;
    }
    /* A stored draw that cannot even be recomputed (a broken seed or frame) fails the check. */
    const char *problem = rc < 0 ? err.msg : NULL;
    long ndiff = problem ? 1 : sampler_record_compare(&rec, &re, &diff);
    if (format == FORMAT_JSON) {
        write_json(&rec, &re, problem, &diff, ndiff, &out);
    } else if (ndiff == 0) {
        strbuf_addf(&out,
                    "verified: draw %ld of %s round %d is what its seed and frame give\n"
                    "  seed %s\n  frame hash %s (%ld sites)\n  sample %ld sites, %ld repeats\n",
                    rec.id, rec.quarter, rec.round, rec.seed, rec.frame_hash, rec.frame_size,
                    rec.sample_size, rec.repeats);
    } else {
        strbuf_addf(&out, "MISMATCH: draw %ld of %s round %d differs from its recomputation:\n",
                    rec.id, rec.quarter, rec.round);
        if (problem)
            strbuf_addf(&out, "  cannot recompute: %s\n", problem);
        for (const char *p = diff.buf; *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            strbuf_adds(&out, "  ");
            strbuf_add(&out, p, len);
            strbuf_addch(&out, '\n');
            p += len + (nl ? 1 : 0);
        }
    }
    if (!problem)
        sampler_result_free(&re);
    status = ndiff == 0 ? EXIT_OK : EXIT_FAILED_CHECK;
print:
    if (out.failed)
        status = cli_report_error("verify", SC_ENOMEM, "out of memory");
    else
        fwrite(out.buf, 1, out.len, stdout);
    if (fflush(stdout) != 0)
        status = EXIT_RUNTIME;
done:
    sampler_record_free(&rec);
    strbuf_release(&out);
    strbuf_release(&diff);
    return status;
}

/* test_registry: the CSV reader and the registry's parsing and validation, error paths first. */
#include "testutil.h"
#include "common/csv.h"
#include "common/registry.h"
#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话,电子邮箱\n"

static int parse(const char *text, struct registry *reg)
{
    struct sc_error err = {{0}};
    return registry_parse(text, strlen(text), reg, &err);
}

/* The line of problem i, or -1. */
static long problem_line(const struct registry *reg, size_t i)
{
    return i < reg->nproblems ? reg->problems[i].line : -1;
}

static int has_problem(const struct registry *reg, long line, const char *needle)
{
    for (size_t i = 0; i < reg->nproblems; i++)
        if (reg->problems[i].line == line && strstr(reg->problems[i].reason, needle))
            return 1;
    return 0;
}

static void csv_quotes_commas_newlines_crlf(void **state)
{
    const char *text = "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
                       "\r\n"
                       "\"multi\nline\",  spaced  ,\r\n"
                       "last,\"x\"";
    struct csv_reader r;
    char msg[256];
    csv_init(&r, text, strlen(text));
    assert_int_equal(csv_next(&r, msg, sizeof msg), 1);
    assert_int_equal(r.nfields, 3);
    assert_string_equal(r.fields[1].buf, "b,c");
    assert_string_equal(r.fields[2].buf, "say \"hi\"");
    assert_int_equal(r.record_line, 1);
    assert_int_equal(csv_next(&r, msg, sizeof msg), 1);
    assert_int_equal(r.record_line, 3);
    assert_int_equal(r.nfields, 3);
    assert_string_equal(r.fields[0].buf, "multi\nline");
    assert_string_equal(r.fields[1].buf, "spaced");
    assert_string_equal(r.fields[2].buf, "");
    assert_int_equal(csv_next(&r, msg, sizeof msg), 1);
    assert_int_equal(r.record_line, 5);
    assert_string_equal(r.fields[1].buf, "x");
    assert_int_equal(csv_next(&r, msg, sizeof msg), 0);
    csv_release(&r);
}

static void csv_errors_name_their_line(void **state)
{
    struct csv_reader r;
    char msg[256];
    const char *open = "a,b\nc,\"never closed\nmore\n";
    csv_init(&r, open, strlen(open));
    assert_int_equal(csv_next(&r, msg, sizeof msg), 1);
    assert_int_equal(csv_next(&r, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "line 2"));
    assert_non_null(strstr(msg, "never closed"));
    csv_release(&r);

    const char *stray = "a,b\"c\n";
    csv_init(&r, stray, strlen(stray));
    assert_int_equal(csv_next(&r, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "line 1"));
    csv_release(&r);

    const char *after = "\"a\"b,c\n";
    csv_init(&r, after, strlen(after));
    assert_int_equal(csv_next(&r, msg, sizeof msg), -1);
    csv_release(&r);

    struct strbuf many = STRBUF_INIT;
    for (int i = 0; i < CSV_MAX_FIELDS + 5; i++)
        strbuf_adds(&many, "x,");
    csv_init(&r, many.buf, many.len);
    assert_int_equal(csv_next(&r, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "fields"));
    csv_release(&r);
    strbuf_release(&many);

    struct strbuf huge = STRBUF_INIT;
    strbuf_addch(&huge, '"');
    for (int i = 0; i < CSV_MAX_FIELD + 10; i++)
        strbuf_addch(&huge, 'x');
    strbuf_adds(&huge, "\"\n");
    csv_init(&r, huge.buf, huge.len);
    assert_int_equal(csv_next(&r, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "longer"));
    csv_release(&r);
    strbuf_release(&huge);
}

static void site_codes_follow_the_national_format(void **state)
{
    assert_null(registry_check_code("4300000077"));
    assert_null(registry_check_code("3406000012"));
    assert_null(registry_check_code("bm55000001"));
    assert_null(registry_check_code("11BM010009"));
    assert_non_null(registry_check_code(""));
    assert_non_null(registry_check_code("430000007"));   /* 9 chars */
    assert_non_null(registry_check_code("43000000777")); /* 11 chars */
    assert_non_null(registry_check_code("9900000077"));  /* no province 99 */
    assert_non_null(registry_check_code("43000A0077"));
    assert_non_null(registry_check_code("bm5500000x"));
    assert_non_null(registry_check_code("BM55000001"));
    assert_non_null(registry_check_code("99BM010009"));
    assert_non_null(registry_check_code("11bm010009"));
    assert_null(registry_check_email("ban@hunan.gov.cn"));
    assert_non_null(registry_check_email("no-at.gov.cn"));
    assert_non_null(registry_check_email("a@b"));
    assert_non_null(registry_check_email("a@@b.cn"));
    assert_non_null(registry_check_email("a b@c.cn"));
    struct strbuf u = STRBUF_INIT;
    assert_null(registry_normalise_url("HTTP://WWW.Hunan.GOV.cn", &u));
    assert_string_equal(u.buf, "http://www.hunan.gov.cn/");
    strbuf_reset(&u);
    assert_non_null(registry_normalise_url("ftp://www.hunan.gov.cn/", &u));
    assert_non_null(registry_normalise_url("www.hunan.gov.cn", &u));
    assert_non_null(registry_normalise_url("http://localhost/", &u));
    assert_non_null(registry_normalise_url("", &u));
    /* Regression: a user name and password in the homepage were accepted and stored (and
     * would be sent with every probe) */
    assert_non_null(registry_normalise_url("http://user:pw@www.hunan.gov.cn/", &u));
    assert_non_null(registry_normalise_url("http://user@www.hunan.gov.cn/", &u));
    strbuf_release(&u);
    assert_string_equal(registry_status_canonical("正常运行"), "normal");
    assert_string_equal(registry_status_canonical("关停上移"), "moved_up");
    assert_string_equal(registry_status_canonical("暂时关停"), "temporarily_closed");
    assert_null(registry_status_canonical("running"));
    assert_string_equal(registry_status_label("normal"), "正常运行");
    assert_string_equal(registry_level_canonical("县级"), "county");
    assert_string_equal(registry_type_canonical("政府门户网站"), "portal");
}

static void valid_registry_parses_with_bom_and_english_header(void **state)
{
    struct registry reg;
    const char *text = "\xEF\xBB\xBF" "code,name,url,status,region,type,level,email,extra\r\n"
                       "4300000077,湖南省人民政府,http://www.hunan.gov.cn,正常运行,湖南省,portal,"
                       "province,ban@hunan.gov.cn,ignored\r\n"
                       "4301000001,\"长沙市人民政府, 门户\",http://www.changsha.gov.cn/,normal,"
                       "长沙市,政府门户网站,市级,,x\r\n";
    assert_int_equal(parse(text, &reg), SC_OK);
    assert_int_equal(reg.nproblems, 0);
    assert_int_equal(reg.nrecords, 2);
    assert_string_equal(reg.encoding, "UTF-8");
    assert_string_equal(reg.records[0].field[REG_URL], "http://www.hunan.gov.cn/");
    assert_string_equal(reg.records[0].field[REG_STATUS], "normal");
    assert_string_equal(reg.records[0].field[REG_LEVEL], "province");
    assert_string_equal(reg.records[1].field[REG_NAME], "长沙市人民政府, 门户");
    assert_string_equal(reg.records[1].field[REG_TYPE], "portal");
    assert_string_equal(reg.records[1].field[REG_SPONSOR], "");
    assert_int_equal(reg.records[1].line, 3);
    assert_int_equal(strlen(reg.sha256), 64);
    registry_free(&reg);
}

static void gbk_registry_is_detected_and_converted(void **state)
{
    struct strbuf gbk = STRBUF_INIT;
    /* 网站标识码,网站名称,首页网址,运行状态 / 4300000077,政府,http://www.hunan.gov.cn/,正常运行 */
    strbuf_adds(&gbk, "\xcd\xf8\xd5\xbe\xb1\xea\xca\xb6\xc2\xeb,\xcd\xf8\xd5\xbe\xc3\xfb\xb3\xc6,"
                      "\xca\xd7\xd2\xb3\xcd\xf8\xd6\xb7,\xd4\xcb\xd0\xd0\xd7\xb4\xcc\xac\r\n");
    strbuf_adds(&gbk, "4300000077,\xd5\xfe\xb8\xae,http://www.hunan.gov.cn/,"
                      "\xd5\xfd\xb3\xa3\xd4\xcb\xd0\xd0\r\n");
    struct registry reg;
    struct sc_error err = {{0}};
    assert_int_equal(registry_parse(gbk.buf, gbk.len, &reg, &err), SC_OK);
    assert_string_equal(reg.encoding, "GB18030");
    assert_int_equal(reg.nproblems, 0);
    assert_int_equal(reg.nrecords, 1);
    assert_string_equal(reg.records[0].field[REG_NAME], "政府");
    assert_string_equal(reg.records[0].field[REG_STATUS], "normal");
    registry_free(&reg);
    strbuf_release(&gbk);
}

static void every_validation_error_is_reported_with_its_line(void **state)
{
    struct registry reg;
    const char *text = HEADER
        "4300000077,省政府,http://www.hunan.gov.cn/,,,省级,政府门户网站,正常运行,,,\n" /* 2 ok */
        "430000007,短码,http://a.hunan.gov.cn/,,,,,正常运行,,,\n"                      /* 3 */
        "4300000078,,http://b.hunan.gov.cn/,,,,,正常运行,,,\n"                          /* 4 */
        "4300000079,坏网址,ftp://c.hunan.gov.cn/,,,,,正常运行,,,\n"                     /* 5 */
        "4300000080,坏状态,http://d.hunan.gov.cn/,,,,,运行中,,,\n"                      /* 6 */
        "4300000081,坏级别,http://e.hunan.gov.cn/,,,乡级,,正常运行,,,\n"                /* 7 */
        "4300000082,坏类型,http://f.hunan.gov.cn/,,,,网店,正常运行,,,\n"                /* 8 */
        "4300000083,坏邮箱,http://g.hunan.gov.cn/,,,,,正常运行,,,nobody\n"              /* 9 */
        "4300000077,重复,http://h.hunan.gov.cn/,,,,,正常运行,,,\n"                      /* 10 */
        "4300000084,重复网址,http://www.hunan.gov.cn,,,,,正常运行,,,\n"                 /* 11 */
        "4300000085,少字段,http://i.hunan.gov.cn/\n"                                    /* 12 */
        "\n"
        "4300000086,好的,http://j.hunan.gov.cn/,,,,,关停,,,\n"; /* 14 ok */
    assert_int_equal(parse(text, &reg), SC_OK);
    assert_int_equal(reg.nrecords, 2);
    assert_string_equal(reg.records[1].field[REG_CODE], "4300000086");
    assert_int_equal(reg.rows_total, 12);
    assert_true(has_problem(&reg, 3, "10 characters"));
    assert_true(has_problem(&reg, 4, "name is empty"));
    assert_true(has_problem(&reg, 5, "http or https"));
    assert_true(has_problem(&reg, 6, "unknown status"));
    assert_true(has_problem(&reg, 7, "unknown level"));
    assert_true(has_problem(&reg, 8, "unknown site type"));
    assert_true(has_problem(&reg, 9, "e-mail"));
    assert_true(has_problem(&reg, 10, "already on line 2"));
    assert_true(has_problem(&reg, 11, "already listed on line 2"));
    assert_true(has_problem(&reg, 12, "fields"));
    assert_int_equal(reg.nproblems, 10);
    /* rows that were invalid but named a well-formed code keep that site listed */
    int found = 0;
    for (size_t i = 0; i < reg.nskipped_codes; i++)
        found |= strcmp(reg.skipped_codes[i], "4300000080") == 0;
    assert_true(found);
    registry_free(&reg);
}

static void unreadable_files_are_refused_whole(void **state)
{
    struct registry reg;
    struct sc_error err = {{0}};
    assert_int_equal(registry_parse("", 0, &reg, &err), SC_EINPUT);
    assert_non_null(strstr(err.msg, "empty"));
    registry_free(&reg);
    assert_int_equal(parse("name,url,status\nx,http://a.gov.cn/,normal\n", &reg), SC_EINPUT);
    assert_int_equal(problem_line(&reg, 0), 1);
    registry_free(&reg);
    assert_int_equal(parse("code,code,name,url,status\n", &reg), SC_EINPUT);
    registry_free(&reg);
    assert_int_equal(parse(HEADER "4300000077,\"open,http://a.gov.cn/,,,,,正常运行,,,\n", &reg),
                     SC_EINPUT);
    assert_true(has_problem(&reg, 2, "never closed"));
    registry_free(&reg);
    assert_int_equal(registry_parse("code\0,name", 10, &reg, &err), SC_EINPUT);
    registry_free(&reg);
}

static void hundred_thousand_rows_parse(void **state)
{
    struct strbuf text = STRBUF_INIT;
    strbuf_adds(&text, HEADER);
    for (int i = 0; i < 100000; i++)
        strbuf_addf(&text, "43%02d%02d%04d,站点%d,http://s%d.hunan.gov.cn/,\"单位, %d\",长沙市,县级,"
                           "部门网站,正常运行,张三,0731-1234,s%d@hunan.gov.cn\r\n",
                    i / 10000 % 100, i / 100 % 100, i % 10000 / 100 * 100 + i % 100, i, i, i, i);
    struct registry reg;
    assert_int_equal(parse(text.buf, &reg), SC_OK);
    assert_int_equal(reg.nproblems, 0);
    assert_int_equal(reg.nrecords, 100000);
    assert_int_equal(reg.records[99999].line, 100001);
    registry_free(&reg);
    strbuf_release(&text);
}

/* Regression: the duplicate sets were sized by counting '\n', so an export with old Mac
 * line ends (a lone CR, which the CSV reader accepts) and more than a few dozen rows
 * filled them and the next lookup probed forever: `spotcheck import` hung. */
static void cr_only_line_ends_parse(void **state)
{
    struct strbuf text = STRBUF_INIT;
    strbuf_adds(&text, "code,name,url,status\r");
    for (int i = 0; i < 1000; i++)
        strbuf_addf(&text, "43%08d,站点%d,http://s%d.hunan.gov.cn/,normal\r", i, i, i);
    strbuf_adds(&text, "4300000007,重复,http://dup.hunan.gov.cn/,normal\r");
    struct registry reg;
    assert_int_equal(parse(text.buf, &reg), SC_OK);
    assert_int_equal(reg.nrecords, 1000);
    assert_int_equal(reg.records[999].line, 1001);
    assert_int_equal(reg.nproblems, 1);
    assert_true(has_problem(&reg, 1002, "already on line 9"));
    registry_free(&reg);
    strbuf_release(&text);
}

/* Regression: bytes that are neither UTF-8 nor GBK were replaced by U+FFFD and the row was
 * imported with a damaged name ("\xEF\xBF\xBD 省人民政府"), silently. Such a row is invalid. */
static void undecodable_bytes_make_a_row_invalid(void **state)
{
    struct registry reg;
    struct sc_error err = {{0}};
    /* GBK: header, a good row, a row whose name holds 0x81 0x20 (no GBK character) */
    const char *gbk = "\xcd\xf8\xd5\xbe\xb1\xea\xca\xb6\xc2\xeb,\xcd\xf8\xd5\xbe\xc3\xfb\xb3\xc6,"
                      "\xca\xd7\xd2\xb3\xcd\xf8\xd6\xb7,\xd4\xcb\xd0\xd0\xd7\xb4\xcc\xac\r\n"
                      "4300000001,\xba\xfe\xc4\xcf,http://a.hunan.gov.cn/,\xd5\xfd\xb3\xa3\r\n"
                      "4300000002,\x81\x20\xc4\xcf,http://b.hunan.gov.cn/,\xd5\xfd\xb3\xa3\r\n";
    assert_int_equal(registry_parse(gbk, strlen(gbk), &reg, &err), SC_OK);
    assert_string_equal(reg.encoding, "GB18030");
    assert_int_equal(reg.nrecords, 1);
    assert_string_equal(reg.records[0].field[REG_NAME], "湖南");
    assert_true(has_problem(&reg, 3, "neither UTF-8 nor GBK"));
    registry_free(&reg);
}

/* Regression: control bytes (ESC, a line end inside quotes) were accepted in any value, so a
 * hostile export could put terminal escape sequences into `spotcheck sites` output. */
static void control_characters_make_a_row_invalid(void **state)
{
    struct registry reg;
    const char *text = "code,name,url,status,sponsor\n"
                       "4300000001,ok,http://a.hunan.gov.cn/,normal,\"a, b\"\n"
                       "4300000002,\"\x1b]0;owned\x07x\",http://b.hunan.gov.cn/,normal,\n"
                       "4300000003,c,http://c.hunan.gov.cn/,normal,\"two\nlines\"\n"
                       "4300000004,d\x7f,http://d.hunan.gov.cn/,normal,\n";
    assert_int_equal(parse(text, &reg), SC_OK);
    assert_int_equal(reg.nrecords, 1);
    assert_true(has_problem(&reg, 3, "control character"));
    assert_true(has_problem(&reg, 4, "control character"));
    assert_true(has_problem(&reg, 6, "control character"));
    registry_free(&reg);
    /* and the reasons, which quote values, carry none to the terminal either */
    assert_int_equal(parse("code,name,url,status\n4300000009,n,http://e.hunan.gov.cn/,\x1b[2J\n",
                           &reg),
                     SC_OK);
    assert_true(reg.nproblems >= 1);
    for (size_t i = 0; i < reg.nproblems; i++)
        assert_null(strchr(reg.problems[i].reason, '\x1b'));
    registry_free(&reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_quotes_commas_newlines_crlf),
        cmocka_unit_test(csv_errors_name_their_line),
        cmocka_unit_test(site_codes_follow_the_national_format),
        cmocka_unit_test(valid_registry_parses_with_bom_and_english_header),
        cmocka_unit_test(gbk_registry_is_detected_and_converted),
        cmocka_unit_test(every_validation_error_is_reported_with_its_line),
        cmocka_unit_test(unreadable_files_are_refused_whole),
        cmocka_unit_test(hundred_thousand_rows_parse),
        cmocka_unit_test(cr_only_line_ends_parse),
        cmocka_unit_test(undecodable_bytes_make_a_row_invalid),
        cmocka_unit_test(control_characters_make_a_row_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

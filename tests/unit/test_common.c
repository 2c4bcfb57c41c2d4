/* test_common: strbuf, json escaping, utf8 validation, charset conversion and the clock. */
#include "testutil.h"
#include "common/charset.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"
#include "common/strbuf.h"
#include "common/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void strbuf_grows_and_formats(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    assert_string_equal(sb.buf, "");
    for (int i = 0; i < 10000; i++)
        strbuf_addf(&sb, "%d,", i);
    assert_false(sb.failed);
    assert_int_equal(strlen(sb.buf), sb.len);
    assert_memory_equal(sb.buf, "0,1,2,", 6);
    strbuf_reset(&sb);
    strbuf_adds(&sb, "  x y \r\n");
    strbuf_trim(&sb);
    assert_string_equal(sb.buf, "x y");
    char *d = strbuf_detach(&sb);
    assert_string_equal(d, "x y");
    assert_string_equal(sb.buf, "");
    free(d);
    strbuf_release(&sb);
}

static void strbuf_refuses_absurd_growth(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "abc");
    assert_int_equal(strbuf_grow(&sb, (size_t)-1 / 2), -1);
    assert_true(sb.failed);
    strbuf_adds(&sb, "more"); /* ignored once failed */
    assert_string_equal(sb.buf, "abc");
    assert_null(strbuf_detach(&sb));
}

static void json_escapes_everything_hostile(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    struct json_writer w;
    json_init(&w, &sb, 0);
    json_object_begin(&w);
    json_kv_string(&w, "a", "q\"b\\n\n<script>\x01");
    json_kv_string(&w, "bad", "\xff\xfe ok \xe4\xb8");
    json_kv_string(&w, "cn", "通知公告");
    json_key(&w, "list");
    json_array_begin(&w);
    json_int(&w, 1);
    json_null(&w);
    json_double(&w, 92.5);
    json_array_end(&w);
    json_kv_bool(&w, "t", 1);
    json_object_end(&w);
    assert_string_equal(sb.buf, "{\"a\":\"q\\\"b\\\\n\\n\\u003cscript\\u003e\\u0001\","
                                "\"bad\":\"\xEF\xBF\xBD\xEF\xBF\xBD ok \xEF\xBF\xBD\xEF\xBF\xBD\","
                                "\"cn\":\"通知公告\",\"list\":[1,null,92.5],\"t\":true}");
    assert_true(utf8_valid(sb.buf, sb.len));
    /* Regression: json_double cast a double outside long long's range before checking its
     * size (undefined; clang -fsanitize=float-cast-overflow stops on 1e300). */
    strbuf_reset(&sb);
    json_init(&w, &sb, 0);
    json_array_begin(&w);
    json_double(&w, 1e300);
    json_double(&w, -1e19);
    json_double(&w, 3);
    json_double(&w, HUGE_VAL);
    json_array_end(&w);
    assert_string_equal(sb.buf, "[1e+300,-1e+19,3,null]");
    strbuf_release(&sb);
}

static void utf8_rejects_overlong_and_surrogates(void **state)
{
    assert_true(utf8_valid("政府 abc", strlen("政府 abc")));
    assert_false(utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
    assert_false(utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    assert_false(utf8_valid("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(utf8_valid("\xE4\xB8", 2));         /* truncated */
    assert_int_equal(utf8_length("政府ab"), 4);
}

static void charset_converts_gbk_and_replaces_garbage(void **state)
{
    /* "政府网站" in GBK */
    const char gbk[] = "\xd5\xfe\xb8\xae\xcd\xf8\xd5\xbe";
    struct strbuf out = STRBUF_INIT;
    size_t bad = 99;
    assert_string_equal(charset_canonical("gb2312"), "GB18030");
    assert_string_equal(charset_canonical(" GBK;"), "GB18030");
    assert_string_equal(charset_canonical("UTF8"), "UTF-8");
    assert_null(charset_canonical("klingon"));
    assert_int_equal(charset_to_utf8("GB18030", gbk, 8, &out, &bad), SC_OK);
    assert_string_equal(out.buf, "政府网站");
    assert_int_equal(bad, 0);
    strbuf_reset(&out);
    /* a lone lead byte in the middle and a truncated one at the end */
    assert_int_equal(charset_to_utf8("GB18030", "\xd5\xfe\x81 \xd5", 5, &out, &bad), SC_OK);
    assert_true(utf8_valid(out.buf, out.len));
    assert_true(bad >= 2);
    assert_non_null(strstr(out.buf, "政"));
    strbuf_reset(&out);
    assert_int_equal(charset_to_utf8("NO-SUCH-CHARSET", "x", 1, &out, NULL), SC_EINPUT);
    size_t bom;
    assert_string_equal(charset_sniff_text("\xEF\xBB\xBFok", 5, &bom), "UTF-8");
    assert_int_equal(bom, 3);
    assert_string_equal(charset_sniff_text(gbk, 8, &bom), "GB18030");
    assert_int_equal(bom, 0);
    strbuf_release(&out);
}

static void clock_parses_and_formats_china_time(void **state)
{
    time_t t;
    char buf[32];
    assert_int_equal(sc_time_parse("2026-11-22", &t), SC_OK);
    assert_int_equal((long long)t, 1795305600LL - 8 * 3600);
    sc_day_format(sc_day_of(t), buf);
    assert_string_equal(buf, "2026-11-22");
    assert_int_equal(sc_time_parse("2026-11-22T23:59", &t), SC_OK);
    sc_day_format(sc_day_of(t), buf);
    assert_string_equal(buf, "2026-11-22");
    sc_time_format(t, buf);
    assert_string_equal(buf, "2026-11-22T23:59:00+08:00");
    assert_int_equal(sc_time_parse("2026-02-29", &t), SC_EINPUT);
    assert_int_equal(sc_time_parse("2024-02-29", &t), SC_OK);
    assert_int_equal(sc_time_parse("2026-13-01", &t), SC_EINPUT);
    assert_int_equal(sc_time_parse("2026-11-22T24:00", &t), SC_EINPUT);
    assert_int_equal(sc_time_parse("2026-11-22x", &t), SC_EINPUT);
    assert_int_equal(sc_time_parse("", &t), SC_EINPUT);
    /* Regression: sscanf's %d took signs and blanks, so a bogus --now such as these was
     * accepted as a date (2026-01-22, 01:05). Every digit must be a digit. */
    assert_int_equal(sc_time_parse("2026-+1-22", &t), SC_EINPUT);
    assert_int_equal(sc_time_parse("2026- 1-22", &t), SC_EINPUT);
    assert_int_equal(sc_time_parse("2026-11-+2", &t), SC_EINPUT);
    assert_int_equal(sc_time_parse(" 2026-1-22", &t), SC_EINPUT);
    assert_int_equal(sc_time_parse("2026-11-22T+1:05", &t), SC_EINPUT);
    assert_int_equal(sc_time_parse("2026-11-22T 1:05", &t), SC_EINPUT);
    assert_int_equal(sc_time_parse("2026-11-22T01:05:+1", &t), SC_EINPUT);
    assert_int_equal(sc_time_parse("2026-11-22T01:05", &t), SC_OK);
    assert_int_equal(sc_time_parse("2026-11-22 01:05:09", &t), SC_OK);
    sc_time_format(t, buf);
    assert_string_equal(buf, "2026-11-22T01:05:09+08:00");
    for (long d = -1000; d < 30000; d += 7) {
        int y, m, dd;
        sc_civil_from_days(d, &y, &m, &dd);
        assert_int_equal(sc_days_from_civil(y, m, dd), d);
    }
    sc_clock_set(12345);
    assert_int_equal((long long)sc_clock_now(), 12345);
    sc_clock_advance(100);
    assert_int_equal((long long)sc_clock_now(), 12345);
    sc_clock_advance(20000);
    assert_int_equal((long long)sc_clock_now(), 20000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strbuf_grows_and_formats),
        cmocka_unit_test(strbuf_refuses_absurd_growth),
        cmocka_unit_test(json_escapes_everything_hostile),
        cmocka_unit_test(utf8_rejects_overlong_and_surrogates),
        cmocka_unit_test(charset_converts_gbk_and_replaces_garbage),
        cmocka_unit_test(clock_parses_and_formats_china_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

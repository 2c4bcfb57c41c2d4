/* test_dates: the publish-date scanner, by a hand table of tricky texts and by generated
 * cases over thousands of days in every written form (ASCII and full-width digits,
 * prefixes, brackets, trailing times), year inference and impossible dates. */
#include "testutil.h"
#include "common/clock.h"
#include "common/strbuf.h"
#include "probes/content/dates.h"

#include <stdio.h>
#include <string.h>

#define NO_DATE NULL

struct text_case {
    const char *as_of;
    const char *text;
    const char *want; /* YYYY-MM-DD, or NULL for "no date" */
};

static long day_of(const char *ymd)
{
    int y, m, d;
    assert_int_equal(sscanf(ymd, "%d-%d-%d", &y, &m, &d), 3);
    assert_true(sc_date_valid(y, m, d));
    return sc_days_from_civil(y, m, d);
}

static const struct text_case text_cases[] = {
    {"2026-11-22", "2026-11-20", "2026-11-20"},
    {"2026-11-22", "2026/11/20", "2026-11-20"},
    {"2026-11-22", "2026.11.20", "2026-11-20"},
    {"2026-11-22", "2026年11月20日", "2026-11-20"},
    {"2026-11-22", "2026年11月20号", "2026-11-20"},
    {"2026-11-22", "2026年 11月 20日", "2026-11-20"},
    {"2026-11-22", "2026年1月2日", "2026-01-02"},
    {"2026-11-22", "2026-1-2", "2026-01-02"},
    {"2026-11-22", "2026年11月", "2026-11-01"},
    {"2026-11-22", "2026年11月份工作安排", "2026-11-01"},
    {"2026-11-22", "[11-20]", "2026-11-20"},
    {"2026-11-22", "11-20", "2026-11-20"},
    {"2026-11-22", "11/20", "2026-11-20"},
    {"2026-11-22", "11月20日", "2026-11-20"},
    {"2026-11-22", "[11-22]", "2026-11-22"},
    {"2026-11-22", "[11-23]", "2025-11-23"},
    {"2026-11-22", "[12-31]", "2025-12-31"},
    {"2026-11-22", "[01-01]", "2026-01-01"},
    {"2026-03-01", "02-29", "2024-02-29"},
    {"2028-03-01", "02-29", "2028-02-29"},
    {"2018-03-31", "[03-16]", "2018-03-16"},
    {"2018-03-31", "[12-28]", "2017-12-28"},
    {"2018-03-31", "[04-01]", "2017-04-01"},
    {"2026-11-22", "发布时间：2026-11-20", "2026-11-20"},
    {"2026-11-22", "发布日期:2026-11-20", "2026-11-20"},
    {"2026-11-22", "时间：2026年11月20日", "2026-11-20"},
    {"2026-11-22", "发布时间： 2026-11-20 17:30:00", "2026-11-20"},
    {"2026-11-22", "2026-11-20 17:30", "2026-11-20"},
    {"2026-11-22", "（2026-11-20）", "2026-11-20"},
    {"2026-11-22", "关于做好冬季防火工作的通知 2026-11-20", "2026-11-20"},
    {"2026-11-22", "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x96-11-20", "2026-11-20"},
    {"2026-11-22", "２０２６－１１－２０", "2026-11-20"},
    {"2026-11-22", "２０２６／１１／２０", "2026-11-20"},
    {"2026-11-22", "２０２６年１１月２０日", "2026-11-20"},
    {"2026-11-22", "［１１－２０］", "2026-11-20"},
    {"2026-11-22", "　2026-11-20　", "2026-11-20"},
    /* impossible or out-of-range dates */
    {"2026-11-22", "2026-02-30", NO_DATE},
    {"2026-11-22", "2026-13-01", NO_DATE},
    {"2026-11-22", "2026-00-10", NO_DATE},
    {"2026-11-22", "2026-11-00", NO_DATE},
    {"2026-11-22", "2026-11-31", NO_DATE},
    {"2026-11-22", "2025-02-29", NO_DATE},
    {"2026-11-22", "1900-01-01", NO_DATE},
    {"2026-11-22", "2999-01-01", NO_DATE},
    {"2026-11-22", "2026年13月", NO_DATE},
    {"2026-11-22", "13-20", NO_DATE},
    {"2026-11-22", "[02-30]", NO_DATE},
    {"2026-11-22", "11-32", NO_DATE},
    /* things that are not dates */
    {"2026-11-22", "", NO_DATE},
    {"2026-11-22", "通知公告", NO_DATE},
    {"2026-11-22", "2026", NO_DATE},
    {"2026-11-22", "2026年工作要点", NO_DATE},
    {"2026-11-22", "电话：0731-12345678", NO_DATE},
    {"2026-11-22", "010-65094114", NO_DATE},
    {"2026-11-22", "20261120", NO_DATE},
    {"2026-11-22", "2026-11", NO_DATE},
    {"2026-11-22", "2026/11", NO_DATE},
    {"2026-11-22", "3.14", NO_DATE},
    {"2026-11-22", "11-20-2026", NO_DATE},
    {"2026-11-22", "1/2/3", NO_DATE},
    {"2026-11-22", "120-11", NO_DATE},
    {"2026-11-22", "12026-11-20", NO_DATE},
    {"2026-11-22", "2026-11-200", NO_DATE},
    {"2026-11-22", "2026-11/20", NO_DATE},
    {"2026-11-22", "17:30", NO_DATE},
    {"2026-11-22", "\xff\xfe\xe4\xb8", NO_DATE},
    {"2026-11-22", "年月日", NO_DATE},
    /* the first date wins */
    {"2026-11-22", "2026-11-19 至 2026-11-21", "2026-11-19"},
    {"2026-11-22", "第3期 2026-10-01", "2026-10-01"},
    {"2026-11-22", "编号 1234-56-78 日期 2026-10-01", "2026-10-01"},
};

static void dates_hand_table(void **state)
{
    char got[16];
    for (size_t i = 0; i < sizeof text_cases / sizeof *text_cases; i++) {
        const struct text_case *c = &text_cases[i];
        long day = 0;
        int found = dates_parse(c->text, day_of(c->as_of), &day);
        if (c->want == NO_DATE) {
            if (found) {
                sc_day_format(day, got);
                fail_msg("case %zu \"%s\": want no date, got %s", i, c->text, got);
            }
        } else {
            if (!found)
                fail_msg("case %zu \"%s\": want %s, got none", i, c->text, c->want);
            sc_day_format(day, got);
            if (strcmp(got, c->want) != 0)
                fail_msg("case %zu \"%s\": want %s, got %s", i, c->text, c->want, got);
        }
    }
}

/* Writes the ASCII digits of s as full-width digits into sb. */
static void add_fullwidth(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            char fw[4] = {(char)0xEF, (char)0xBC, (char)(0x90 + (*s - '0')), 0};
            strbuf_adds(sb, fw);
        } else {
            strbuf_addch(sb, *s);
        }
    }
}

/* Every day from 2015 to 2027 in every full form, with and without full-width digits,
 * prefixes, brackets and trailing times: all must read back as that day. */
static void dates_generated_full_forms(void **state)
{
    static const char *const forms[] = {"%04d-%02d-%02d",     "%04d/%02d/%02d", "%04d.%02d.%02d",
                                        "%04d年%02d月%02d日", "%04d年%d月%d日", "%04d-%d-%d"};
    static const char *const wraps[] = {
        "%s", "[%s]", "发布时间：%s", "发布日期:%s", "时间：%s 09:30", "标题文字 %s", "(%s)"};
    long as_of = sc_days_from_civil(2027, 12, 31);
    long checked = 0;
    for (long day = sc_days_from_civil(2015, 1, 1); day <= as_of; day += 3) {
        int y, m, d;
        sc_civil_from_days(day, &y, &m, &d);
        for (size_t f = 0; f < sizeof forms / sizeof *forms; f++) {
            char date[64], text[128];
            snprintf(date, sizeof date, forms[f], y, m, d);
            size_t w = (size_t)(day + (long)f) % (sizeof wraps / sizeof *wraps);
            snprintf(text, sizeof text, wraps[w], date);
            for (int fw = 0; fw < 2; fw++) {
                struct strbuf sb = STRBUF_INIT;
                if (fw)
                    add_fullwidth(&sb, text);
                else
                    strbuf_adds(&sb, text);
                struct date_match mt;
                if (!dates_find(sb.buf, sb.len, 0, as_of, &mt))
                    fail_msg("no date in \"%s\"", sb.buf);
                if (mt.day != day)
                    fail_msg("\"%s\": wrong day", sb.buf);
                assert_int_equal(mt.form, DATE_FULL);
                strbuf_release(&sb);
                checked++;
            }
        }
    }
    assert_true(checked > 10000);
}

/* Year-less dates over many check days: always the latest such day not after the check. */
static void dates_generated_yearless(void **state)
{
    for (long as_of = sc_days_from_civil(2023, 1, 1); as_of < sc_days_from_civil(2027, 1, 1);
         as_of += 17) {
        for (long back = 0; back < 365; back += 5) {
            long day = as_of - back;
            int y, m, d;
            sc_civil_from_days(day, &y, &m, &d);
            char text[96];
            snprintf(text, sizeof text, (back % 2) ? "[%02d-%02d]" : "%d月%d日", m, d);
            long got;
            assert_true(dates_parse(text, as_of, &got));
            if (m == 2 && d == 29)
                assert_true(got <= as_of);
            else if (got != day)
                fail_msg("\"%s\" as of day %ld: got %ld want %ld", text, as_of, got, day);
        }
        /* a day just after the check day is last year's */
        int y, m, d;
        sc_civil_from_days(as_of + 1, &y, &m, &d);
        char text[96];
        snprintf(text, sizeof text, "%02d/%02d", m, d);
        long got;
        assert_true(dates_parse(text, as_of, &got));
        assert_true(got <= as_of);
        assert_true(got > as_of - 366);
    }
}

/* Every (month, day) pair 0..13 x 0..32: found exactly when the calendar has it. */
static void dates_generated_impossible(void **state)
{
    long as_of = sc_days_from_civil(2026, 11, 22);
    for (int y = 2019; y <= 2026; y++) {
        for (int m = 0; m <= 13; m++) {
            for (int d = 0; d <= 32; d++) {
                char text[96];
                long got;
                snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
                int want = sc_date_valid(y, m, d);
                assert_int_equal(dates_parse(text, as_of, &got), want);
                if (want)
                    assert_int_equal(got, sc_days_from_civil(y, m, d));
                snprintf(text, sizeof text, "%04d年%d月%d日", y, m, d);
                if (dates_parse(text, as_of, &got) != want)
                    fail_msg("\"%s\": want %s", text, want ? "a date" : "none");
            }
        }
    }
}

static void dates_find_reports_offsets_and_continues(void **state)
{
    const char *t = "a 2026-11-01 b [11-05] c 2026年10月3日";
    long as_of = sc_days_from_civil(2026, 11, 22);
    struct date_match m;
    size_t from = 0;
    const char *want[] = {"2026-11-01", "2026-11-05", "2026-10-03"};
    for (int k = 0; k < 3; k++) {
        assert_true(dates_find(t, strlen(t), from, as_of, &m));
        char got[16];
        sc_day_format(m.day, got);
        assert_string_equal(got, want[k]);
        assert_true(m.end > m.start);
        from = m.end;
    }
    assert_false(dates_find(t, strlen(t), from, as_of, &m));
    assert_false(dates_find(t, strlen(t), strlen(t) + 5, as_of, &m));
    assert_false(dates_find(NULL, 0, 0, as_of, &m));
    /* starting inside a number does not read its tail */
    assert_false(dates_find("12026-11-20", 11, 1, as_of, &m));
    /* truncated input never reads past n */
    assert_false(dates_find("2026-11-2", 8, 0, as_of, &m));
}

struct url_case {
    const char *url;
    const char *want;
};

static const struct url_case url_cases[] = {
    {"http://www.example.gov.cn/xxgk/tzgg/202611/t20261120_123.html", "2026-11-20"},
    {"http://www.example.gov.cn/a/t20261120_123.html", "2026-11-20"},
    {"/xwzx/20261120/abc.html", "2026-11-20"},
    {"http://x.gov.cn/news/2026-11/20/content_42.htm", "2026-11-20"},
    {"http://x.gov.cn/news/2026/11/20/42.htm", "2026-11-20"},
    {"http://x.gov.cn/news/202611/20/42.htm", "2026-11-20"},
    {"http://x.gov.cn/news/2026/1120/42.htm", "2026-11-20"},
    {"./xxgk/zcjd/201801/t20180123_4567.html", "2018-01-23"},
    {"http://20261120.gov.cn/index.html", NO_DATE},
    {"http://x.gov.cn/a/t20261131_1.html", NO_DATE},
    {"http://x.gov.cn/a/t20991120_1.html", NO_DATE}, /* after the check day */
    {"http://x.gov.cn/a/t19801120_1.html", NO_DATE},
    {"http://x.gov.cn/art/2026/12345.html", NO_DATE},
    {"http://x.gov.cn/col/col1575/index.html?number=A0209", NO_DATE},
    {"http://x.gov.cn/a/123456789.html", NO_DATE},
    {"", NO_DATE},
};

static void dates_in_urls(void **state)
{
    long as_of = sc_days_from_civil(2026, 11, 22);
    for (size_t i = 0; i < sizeof url_cases / sizeof *url_cases; i++) {
        long day;
        int found = dates_from_url(url_cases[i].url, as_of, &day);
        if (!url_cases[i].want) {
            if (found)
                fail_msg("url %s: want none", url_cases[i].url);
            continue;
        }
        if (!found)
            fail_msg("url %s: want %s", url_cases[i].url, url_cases[i].want);
        assert_int_equal(day, day_of(url_cases[i].want));
    }
    assert_false(dates_from_url(NULL, as_of, NULL));
    /* generated: t<YYYYMMDD>_n.html over many days */
    for (long day = sc_days_from_civil(2012, 1, 1); day <= as_of; day += 7) {
        int y, m, d;
        sc_civil_from_days(day, &y, &m, &d);
        char url[128];
        long got;
        snprintf(url, sizeof url, "http://x.gov.cn/%04d%02d/t%04d%02d%02d_%ld.html", y, m, y, m, d,
                 day);
        assert_true(dates_from_url(url, as_of, &got));
        assert_int_equal(got, day);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dates_hand_table),
        cmocka_unit_test(dates_generated_full_forms),
        cmocka_unit_test(dates_generated_yearless),
        cmocka_unit_test(dates_generated_impossible),
        cmocka_unit_test(dates_find_reports_offsets_and_continues),
        cmocka_unit_test(dates_in_urls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_mail: building a report's message (reports/mail_message.h): base64, RFC 2047 subjects
 * cut between characters on short lines, the deterministic Message-ID, the date in China
 * time, address checks and the MIME layout; and the delivery record (storage/deliveries.h):
 * claim, sent, failed and retried, a sending row becoming unknown, never claimed twice; a
 * final failure, the office's resend and the daemon's next due retry. */
#include "testutil.h"
#include "common/clock.h"
#include "common/strbuf.h"
#include "reports/mail_message.h"
#include "storage/db.h"
#include "storage/deliveries.h"
#include "storage/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_base64(void **state)
{
    static const struct {
        const char *in, *out;
    } v[] = {{"", ""},          {"f", "Zg=="},         {"fo", "Zm8="},
             {"foo", "Zm9v"},   {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
             {"foobar", "Zm9vYmFy"}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        struct strbuf sb = STRBUF_INIT;
        mail_base64(v[i].in, strlen(v[i].in), 0, &sb);
        assert_string_equal(sb.len ? sb.buf : "", v[i].out);
        strbuf_release(&sb);
    }
    char big[200];
    memset(big, 'x', sizeof big);
    struct strbuf sb = STRBUF_INIT;
    mail_base64(big, sizeof big, 1, &sb);
    /* 200 bytes -> 268 characters: 3 lines of 76 and one of 40, each with CRLF */
    assert_int_equal(sb.len, 268 + 4 * 2);
    assert_memory_equal(sb.buf + 76, "\r\n", 2);
    assert_memory_equal(sb.buf + sb.len - 2, "\r\n", 2);
    strbuf_release(&sb);
}

static void test_header_encoding(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    mail_header_text("Subject", "plain ascii", &sb);
    assert_string_equal(sb.buf, "Subject: plain ascii\r\n");
    strbuf_reset(&sb);
    /* a long Chinese subject: encoded-words, lines of at most 76, no character cut */
    const char *subj = "网站抽查结果：湖南省人民政府门户网站（2026Q4 第1轮）不合格，请在十五日内整改";
    mail_header_text("Subject", subj, &sb);
    assert_true(sb.len > 0 && !sb.failed);
    struct strbuf decoded = STRBUF_INIT;
    char *save = NULL, *copy = strdup(sb.buf);
    int lines = 0;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t n = strlen(line);
        assert_true(n > 0 && line[n - 1] == '\r');
        assert_true(n - 1 <= 76);
        lines++;
        char *w = strstr(line, "=?UTF-8?B?");
        assert_non_null(w);
        char *end = strstr(w + 10, "?=");
        assert_non_null(end);
        /* decode the word on its own: it must be whole UTF-8 characters */
        char cmd[512];
        snprintf(cmd, sizeof cmd, "printf %%s '%.*s' | base64 -d", (int)(end - w - 10), w + 10);
        char *out = NULL;
        assert_int_equal(test_run(&out, "%s", cmd), 0);
        size_t on = strlen(out);
        assert_true(on > 0);
        /* no cut character: the first byte is not a continuation byte, and the last
         * sequence is complete (iconv accepts the word alone) */
        assert_true(((unsigned char)out[0] & 0xc0) != 0x80);
        char *chk = NULL;
        char cmd2[640];
        snprintf(cmd2, sizeof cmd2, "%s | iconv -f UTF-8 -t UTF-8 >/dev/null && echo ok", cmd);
        assert_int_equal(test_run(&chk, "%s", cmd2), 0);
        assert_non_null(strstr(chk, "ok"));
        free(chk);
        strbuf_adds(&decoded, out);
        free(out);
    }
    assert_true(lines >= 2);
    assert_string_equal(decoded.buf, subj);
    free(copy);
    strbuf_release(&decoded);
    /* control characters never break the header */
    strbuf_reset(&sb);
    mail_header_text("Subject", "a\r\nBcc: x@y", &sb);
    assert_string_equal(sb.buf, "Subject: a  Bcc: x@y\r\n");
    strbuf_release(&sb);
}

static void test_addresses_and_ids(void **state)
{
    assert_true(mail_address_ok("web@hunan.gov.cn"));
    assert_false(mail_address_ok(""));
    assert_false(mail_address_ok("no-at"));
    assert_false(mail_address_ok("a@b@c"));
    assert_false(mail_address_ok("a b@c"));
    assert_false(mail_address_ok("a@c\r\nRCPT TO:<x@y>"));
    assert_false(mail_address_ok("<a@c>"));
    assert_false(mail_address_ok("张@c"));
    struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
    assert_int_equal(mail_message_id("2026Q4", 1, "4300000001", "w@x.cn", "au@of.cn", &a), 0);
    assert_int_equal(mail_message_id("2026Q4", 1, "4300000001", "w@x.cn", "au@of.cn", &b), 0);
    assert_int_equal(mail_message_id("2026Q4", 1, "4300000001", "v@x.cn", "au@of.cn", &c), 0);
    assert_string_equal(a.buf, b.buf); /* the same on every run */
    assert_string_not_equal(a.buf, c.buf);
    assert_true(strncmp(a.buf, "<spotcheck.2026Q4-1.4300000001.", 31) == 0);
    assert_non_null(strstr(a.buf, "@of.cn>"));
    strbuf_reset(&c);
    assert_int_equal(mail_message_id("2026Q4", 1, "4300<\">1", "v@x.cn", "au@of.cn", &c), 0);
    assert_null(strpbrk(c.buf + 1, "<\"") ); /* unsafe code characters dropped */
    assert_int_equal(mail_message_id("2026Q4", 1, "1", "v@x.cn", "nodomain", &c), SC_EINPUT);
    strbuf_release(&a);
    strbuf_release(&b);
    strbuf_release(&c);
    char date[48];
    time_t t;
    assert_int_equal(sc_time_parse("2026-12-03T09:20", &t), 0);
    mail_date(t, date, sizeof date);
    assert_string_equal(date, "Thu, 03 Dec 2026 09:20:00 +0800");
}

static void test_message_layout(void **state)
{
    time_t t;
    assert_int_equal(sc_time_parse("2026-12-03T09:20", &t), 0);
    struct mail_message m = {"au@office.cn", "web@site.cn", "结果：不合格", "<id.1@office.cn>",
                             t, "摘要\n第二行\n", "4300000001.html", "<html>报告</html>", 19};
    struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    assert_int_equal(mail_message_build(&m, &a), 0);
    assert_int_equal(mail_message_build(&m, &b), 0);
    assert_string_equal(a.buf, b.buf); /* pure: the same bytes */
    assert_true(strncmp(a.buf, "Date: Thu, 03 Dec 2026 09:20:00 +0800\r\nFrom: <au@office.cn>\r\n"
                               "To: <web@site.cn>\r\nMessage-ID: <id.1@office.cn>\r\n"
                               "Subject: =?UTF-8?B?",
                        113) == 0);
    assert_non_null(strstr(a.buf, "MIME-Version: 1.0\r\n"));
    assert_non_null(strstr(a.buf, "Content-Type: multipart/mixed; boundary=\"=_sc_"));
    assert_non_null(strstr(a.buf, "Content-Type: text/plain; charset=UTF-8\r\n"));
    assert_non_null(strstr(a.buf, "Content-Disposition: attachment; filename=\"4300000001.html\""));
    struct strbuf enc = STRBUF_INIT;
    mail_base64("<html>报告</html>", 19, 1, &enc);
    assert_non_null(strstr(a.buf, enc.buf));
    assert_non_null(strstr(a.buf, "--\r\n")); /* the closing boundary */
    for (const char *p = a.buf; *p; p++) /* 7-bit, CRLF only */
        assert_true((unsigned char)*p < 0x80 && (*p != '\n' || (p > a.buf && p[-1] == '\r')));
    strbuf_release(&enc);
    /* refusals: header injection through an address, an attachment name */
    struct mail_message bad = m;
    bad.to = "web@site.cn\r\nBcc: all@x.cn";
    strbuf_reset(&b);
    assert_int_equal(mail_message_build(&bad, &b), SC_EINPUT);
    bad = m;
    bad.attach_name = "../x\".html";
    assert_int_equal(mail_message_build(&bad, &b), SC_EINPUT);
    bad = m;
    bad.message_id = "id-without-brackets";
    assert_int_equal(mail_message_build(&bad, &b), SC_EINPUT);
    strbuf_release(&a);
    strbuf_release(&b);
}

static void test_deliveries(void **state)
{
    char *dir = test_tmpdir(), path[512];
    snprintf(path, sizeof path, "%s/d.db", dir);
    struct storage *db = NULL;
    struct sc_error err = {{0}};
    assert_int_equal(storage_open(path, &db, &err), SC_OK);
    assert_int_equal(sqlite3_exec(db->handle,
                                  "PRAGMA foreign_keys=OFF;"
                                  "INSERT INTO sites(code, name, url, email, status, updated_at) VALUES"
                                  " ('4300000001', 'n', 'http://a/', ' w@x.cn ', 'normal', 'x');",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    struct strbuf email = STRBUF_INIT;
    assert_int_equal(storage_site_email(db, "4300000001", &email, &err), 0);
    assert_string_equal(email.buf, "w@x.cn");
    assert_int_equal(storage_site_email(db, "nope", &email, &err), SC_ENOTFOUND);
    strbuf_release(&email);

    struct delivery d;
    const char *now = "2026-12-03T09:00:00+08:00";
    assert_int_equal(storage_delivery_get(db, 7, "S", "w@x.cn", &d, &err), 0);
    assert_int_equal(storage_delivery_begin(db, 7, "S", "w@x.cn", "<m@x>", now, &err), 1);
    /* a second claim while sending, or after, is refused */
    assert_int_equal(storage_delivery_begin(db, 7, "S", "w@x.cn", "<m@x>", now, &err), 0);
    assert_int_equal(storage_delivery_failed(db, 7, "S", "w@x.cn", "451 busy",
                                             "2026-12-03T09:05:00+08:00", now, &err),
                     0);
    assert_int_equal(storage_delivery_get(db, 7, "S", "w@x.cn", &d, &err), 1);
    assert_string_equal(d.state, "failed");
    assert_int_equal(d.attempts, 1);
    assert_string_equal(d.last_error, "451 busy");
    assert_string_equal(d.next_attempt_at, "2026-12-03T09:05:00+08:00");
    /* failed is claimed again: attempts 2; then sent, final */
    assert_int_equal(storage_delivery_begin(db, 7, "S", "w@x.cn", "<m@x>", now, &err), 1);
    assert_int_equal(storage_delivery_sent(db, 7, "S", "w@x.cn", now, &err), 0);
    assert_int_equal(storage_delivery_get(db, 7, "S", "w@x.cn", &d, &err), 1);
    assert_string_equal(d.state, "sent");
    assert_int_equal(d.attempts, 2);
    assert_string_equal(d.sent_at, now);
    assert_string_equal(d.last_error, "");
    assert_int_equal(storage_delivery_begin(db, 7, "S", "w@x.cn", "<m@x>", now, &err), 0);
    assert_int_equal(storage_delivery_sent(db, 7, "S", "w@x.cn", now, &err), SC_ENOTFOUND);
    /* another address of the same site is its own delivery */
    assert_int_equal(storage_delivery_begin(db, 7, "S", "v@x.cn", "<n@x>", now, &err), 1);
    /* a crash: the sending row found later becomes unknown and is never claimed again */
    assert_int_equal(storage_delivery_unknown(db, 7, "S", "v@x.cn", "crash", now, &err), 0);
    assert_int_equal(storage_delivery_get(db, 7, "S", "v@x.cn", &d, &err), 1);
    assert_string_equal(d.state, "unknown");
    assert_int_equal(storage_delivery_begin(db, 7, "S", "v@x.cn", "<n@x>", now, &err), 0);
    assert_int_equal(storage_delivery_unknown(db, 7, "S", "v@x.cn", "x", now, &err),
                     SC_ENOTFOUND);
    storage_close(db);
    /* the state survives closing: what a crash leaves is what the next run reads */
    assert_int_equal(storage_open(path, &db, &err), SC_OK);
    assert_int_equal(storage_delivery_get(db, 7, "S", "w@x.cn", &d, &err), 1);
    assert_string_equal(d.state, "sent");
    storage_close(db);
    test_tmpdir_remove(dir);
}

/* The retry schedule's record: a final failure (no next attempt) is not claimed, the office's
 * resend clears it or an unknown one, and the daemon's next due retry is the earliest waiting
 * row of a finalised or published round. */
static void test_delivery_retries(void **state)
{
    (void)state;
    char *dir = test_tmpdir(), path[512];
    snprintf(path, sizeof path, "%s/r.db", dir);
    struct storage *db = NULL;
    struct sc_error err = {{0}};
    assert_int_equal(storage_open(path, &db, &err), SC_OK);
    assert_int_equal(sqlite3_exec(db->handle,
                                  "INSERT INTO rounds(id, quarter, number, draw_date, window_start,"
                                  " window_end, state) VALUES"
                                  " (7, '2026Q4', 1, 'd', 's', 'e', 'published'),"
                                  " (8, '2026Q4', 2, 'd', 's', 'e', 'drawn');",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    const char *now = "2026-12-03T09:00:00+08:00";
    time_t t_now = 0;
    assert_int_equal(sc_time_parse("2026-12-03T09:00:00", &t_now), 0); /* province time */
    time_t at = 0;
    char quarter[8] = "";
    int round = 0;
    assert_int_equal(storage_deliveries_next_due(db, &at, quarter, &round, &err), SC_ENOTFOUND);
    /* a permanent refusal: failed with no next attempt, never claimed, not due */
    assert_int_equal(storage_delivery_begin(db, 7, "A", "a@x.cn", "<a@x>", now, &err), 1);
    assert_int_equal(storage_delivery_failed(db, 7, "A", "a@x.cn", "refused for good: 550",
                                             NULL, now, &err),
                     0);
    struct delivery d;
    assert_int_equal(storage_delivery_get(db, 7, "A", "a@x.cn", &d, &err), 1);
    assert_string_equal(d.state, "failed");
    assert_string_equal(d.next_attempt_at, "");
    assert_int_equal(storage_delivery_begin(db, 7, "A", "a@x.cn", "<a@x>", now, &err), 0);
    assert_int_equal(storage_deliveries_next_due(db, &at, quarter, &round, &err), SC_ENOTFOUND);
    /* waiting retries: the earliest of a final round; a drawn round's row is not the daemon's */
    assert_int_equal(storage_delivery_begin(db, 8, "B", "b@x.cn", "<b@x>", now, &err), 1);
    assert_int_equal(storage_delivery_failed(db, 8, "B", "b@x.cn", "451", "2026-12-03T09:01:00+08:00",
                                             now, &err),
                     0);
    assert_int_equal(storage_delivery_begin(db, 7, "C", "c@x.cn", "<c@x>", now, &err), 1);
    assert_int_equal(storage_delivery_failed(db, 7, "C", "c@x.cn", "451", "2026-12-03T10:00:00+08:00",
                                             now, &err),
                     0);
    assert_int_equal(storage_deliveries_next_due(db, &at, quarter, &round, &err), SC_OK);
    assert_int_equal((long long)at, (long long)t_now + 3600);
    assert_string_equal(quarter, "2026Q4");
    assert_int_equal(round, 1);
    /* resend: a waiting or sent row is left alone; a final or unknown one is due now, afresh */
    assert_int_equal(storage_delivery_resend(db, 7, "C", now, &err), 0);
    assert_int_equal(storage_delivery_resend(db, 7, "A", now, &err), 1);
    assert_int_equal(storage_delivery_get(db, 7, "A", "a@x.cn", &d, &err), 1);
    assert_string_equal(d.state, "failed");
    assert_int_equal(d.attempts, 0);
    assert_string_equal(d.next_attempt_at, now);
    assert_string_equal(d.last_error, "cleared for a resend by the office: refused for good: 550");
    assert_int_equal(storage_deliveries_next_due(db, &at, quarter, &round, &err), SC_OK);
    assert_int_equal((long long)at, (long long)t_now);
    assert_int_equal(storage_delivery_begin(db, 7, "A", "a@x.cn", "<a@x>", now, &err), 1);
    assert_int_equal(storage_delivery_unknown(db, 7, "A", "a@x.cn", "no reply", now, &err), 0);
    assert_int_equal(storage_delivery_resend(db, 7, "A", now, &err), 1);
    assert_int_equal(storage_delivery_get(db, 7, "A", "a@x.cn", &d, &err), 1);
    assert_string_equal(d.state, "failed");
    assert_int_equal(storage_delivery_begin(db, 7, "A", "a@x.cn", "<a@x>", now, &err), 1);
    assert_int_equal(storage_delivery_sent(db, 7, "A", "a@x.cn", now, &err), 0);
    assert_int_equal(storage_delivery_resend(db, 7, "A", now, &err), 0);
    storage_close(db);
    test_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_header_encoding),
        cmocka_unit_test(test_addresses_and_ids),
        cmocka_unit_test(test_message_layout),
        cmocka_unit_test(test_deliveries),
        cmocka_unit_test(test_delivery_retries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* cmd_mail: `spotcheck mail QUARTER ROUND`: sends each failing site's defect report of a
 * finalised round to the registry's contact address (docs/mail.md), records every delivery
 * (storage/deliveries.h) and never sends the same report twice to the same address: a
 * delivery found mid-send (`sending`) by a later run becomes `unknown` for a person to
 * check, and is not resent until the office clears it (--resend CODE). Failures are retried
 * with backoff (the daemon runs this command when one is due) up to [mail] attempts; a
 * permanent 5xx refusal is final at once. */
#include "common/clock.h"
#include "common/strbuf.h"
#include "daemon/cli.h"
#include "daemon/config.h"
#include "daemon/mail_send.h"
#include "reports/bulletin.h"
#include "reports/mail_message.h"
#include "sampler/calendar.h"
#include "storage/db.h"
#include "storage/deliveries.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* Seconds from the n-th failed attempt to the next: 10 minutes, 1 hour, 6 hours, then a
 * day each time ([mail] attempts bounds how many are made). */
static const long mail_backoff[] = {600, 3600, 21600, 86400};
enum { OPT_RESEND = 1000 };

static void mail_usage(FILE *out)
{
    fputs("usage: spotcheck mail QUARTER ROUND [--resend CODE]\n\n"
          "Sends each failing site's defect report of a finalised round to the site's\n"
          "contact address in the registry, over SMTP ([mail] smtp_url, from, username,\n"
          "password_file, starttls, timeout). Each message holds a plain-text summary\n"
          "(verdict, score, vetoes, main deductions, rectification deadline) and the HTML\n"
          "report as an attachment.\n\n"
          "Every delivery is recorded in the database. A report is never sent twice to the\n"
          "same address: a delivery that a killed run left in the middle of sending is\n"
          "marked 'unknown' (it may have arrived) and is not resent; a person checks it.\n"
          "A refused delivery (no connection, a 4xx reply) is retried by a later run (the\n"
          "daemon runs one when it is due) 10 minutes later, then 1 hour, 6 hours, then daily,\n"
          "until [mail] attempts were made; a permanent refusal (a 5xx reply) is not retried.\n"
          "Each run sends what is due now and exits. See docs/mail.md.\n\n"
          "  --resend CODE  the office clears the site's 'unknown' delivery (checked in the\n"
          "                 mail server's log: it did not arrive) or its final failure, and\n"
          "                 this run sends it again, with the same Message-ID\n\n"
          "Exit status: 0 when every report is sent or waiting for its retry, 3 when a\n"
          "delivery failed or became unknown in this run, 2 on bad usage or configuration\n"
          "(including a round that is not finalised).\n",
          out);
    cli_print_common_options(out);
}

struct mail_run {
    struct storage *db;
    struct mail_server srv;
    const char *from;
    const char *quarter;
    int round;
    long round_id;
    time_t now;
    char now_text[32];
    int max_attempts; /* [mail] attempts */
    long sent, failed, unknown, waiting, done, no_address, held;
};

/* The next attempt's moment after `attempts` failed ones, or "" when none is left. */
static void backoff_text(time_t now, int attempts, int max_attempts, char *out)
{
    *out = '\0';
    if (attempts >= max_attempts)
        return;
    size_t n = sizeof mail_backoff / sizeof mail_backoff[0];
    size_t i = attempts < 1 ? 0 : (size_t)attempts - 1;
    sc_time_format(now + mail_backoff[i < n ? i : n - 1], out);
}

/* Builds the site's message into msg. 0 or SC_E*. */
static int build(struct mail_run *run, const struct sitereport *sr, const char *to,
                 struct strbuf *msgid, struct strbuf *msg, struct sc_error *err)
{
    struct strbuf subject = STRBUF_INIT, text = STRBUF_INIT, html = STRBUF_INIT;
    char attach_name[64];
    snprintf(attach_name, sizeof attach_name, "%.40s.html", sr->code);
    int rc = mail_message_id(run->quarter, run->round, sr->code, to, run->from, msgid);
    if (rc == 0)
        rc = mail_summary_subject(sr, &subject);
    if (rc == 0)
        rc = mail_summary_text(sr, &text);
    if (rc == 0)
        rc = sitereport_html(sr, &html) < 0 || html.failed ? SC_ENOMEM : 0;
    if (rc == 0) {
        struct mail_message m = {run->from,   to,          subject.buf, msgid->buf, run->now,
                                 text.buf,    attach_name, html.buf,    html.len};
        rc = mail_message_build(&m, msg);
    }
    if (rc < 0)
        sc_fail(err, rc, "cannot build the message for %s: %s", sr->code,
                rc == SC_EINPUT ? "an address or the site code is not fit for mail"
                                : "out of memory");
    strbuf_release(&subject);
    strbuf_release(&text);
    strbuf_release(&html);
    return rc;
}

/* Delivers one failing site's report when due. Returns 0 or a storage/memory error (which
 * stops the run); delivery failures are counted, not returned. */
static int mail_site(struct mail_run *run, const struct sitereport *sr, struct sc_error *err)
{
    struct strbuf to = STRBUF_INIT, msgid = STRBUF_INIT, msg = STRBUF_INIT, why = STRBUF_INIT;
    struct delivery d;
    int rc = storage_site_email(run->db, sr->code, &to, err);
    if (rc == SC_ENOTFOUND || (rc == 0 && !mail_address_ok(to.buf))) {
        printf("%s  no mail address%s%s%s: not sent\n", sr->code, to.len ? " (" : "",
               to.len ? to.buf : "", to.len ? " is not one)" : " in the registry");
        run->no_address++;
        rc = 0;
        goto out;
    }
    if (rc < 0)
        goto out;
    rc = storage_delivery_get(run->db, run->round_id, sr->code, to.buf, &d, err);
    if (rc < 0)
        goto out;
    if (rc == 1 && strcmp(d.state, "sent") == 0) {
        run->done++;
        rc = 0;
        goto out;
    }
    if (rc == 1 && strcmp(d.state, "unknown") == 0) {
        printf("%s  %s  unknown since an earlier run: not resent (check the server's log, "
               "then --resend %s; docs/mail.md)\n",
               sr->code, to.buf, sr->code);
        run->held++;
        rc = 0;
        goto out;
    }
    if (rc == 1 && strcmp(d.state, "failed") == 0 && !*d.next_attempt_at) {
        printf("%s  %s  not sent, final after %d attempt%s: %s (--resend %s to try again)\n",
               sr->code, to.buf, d.attempts, d.attempts == 1 ? "" : "s", d.last_error,
               sr->code);
        run->held++;
        rc = 0;
        goto out;
    }
    if (rc == 1 && strcmp(d.state, "sending") == 0) {
        /* the run that was sending it died: it may have been delivered */
        rc = storage_delivery_unknown(run->db, run->round_id, sr->code, to.buf,
                                      "an earlier run stopped while sending it: it may have "
                                      "been delivered; check the server's log",
                                      run->now_text, err);
        if (rc < 0)
            goto out;
        printf("%s  %s  UNKNOWN: an earlier run stopped while sending it; not resent\n",
               sr->code, to.buf);
        run->unknown++;
        goto out;
    }
    if (rc == 1 && *d.next_attempt_at && strcmp(d.next_attempt_at, run->now_text) > 0) {
        printf("%s  %s  failed %d time%s, next attempt at %s\n", sr->code, to.buf, d.attempts,
               d.attempts == 1 ? "" : "s", d.next_attempt_at);
        run->waiting++;
        rc = 0;
        goto out;
    }
    rc = build(run, sr, to.buf, &msgid, &msg, err);
    if (rc < 0)
        goto out;
    rc = storage_delivery_begin(run->db, run->round_id, sr->code, to.buf, msgid.buf,
                                run->now_text, err);
    if (rc <= 0)
        goto out; /* 0: its state changed under us; leave it */
    enum mail_outcome o = mail_send(&run->srv, run->from, to.buf, &msg, &why);
    if (why.failed)
        strbuf_reset(&why);
    if (o == MAIL_SENT) {
        rc = storage_delivery_sent(run->db, run->round_id, sr->code, to.buf, run->now_text, err);
        if (rc == 0)
            printf("%s  %s  sent %s\n", sr->code, to.buf, msgid.buf);
        run->sent += rc == 0;
    } else if (o == MAIL_UNKNOWN) {
        rc = storage_delivery_unknown(run->db, run->round_id, sr->code, to.buf,
                                      why.len ? why.buf : "no reply", run->now_text, err);
        printf("%s  %s  UNKNOWN: the message went out but no reply came (%s); not resent\n",
               sr->code, to.buf, why.len ? why.buf : "no reply");
        run->unknown++;
    } else {
        rc = storage_delivery_get(run->db, run->round_id, sr->code, to.buf, &d, err);
        char next[32] = "";
        if (o == MAIL_REFUSED)
            backoff_text(run->now, rc == 1 ? d.attempts : 1, run->max_attempts, next);
        struct strbuf what = STRBUF_INIT;
        strbuf_addf(&what, "%s%s", o == MAIL_REJECTED ? "refused for good: " : "",
                    why.len ? why.buf : "refused");
        if (what.failed)
            strbuf_reset(&what);
        const char *text = what.len ? what.buf : "refused";
        rc = rc < 0 ? rc
                    : storage_delivery_failed(run->db, run->round_id, sr->code, to.buf, text,
                                              *next ? next : NULL, run->now_text, err);
        if (*next)
            printf("%s  %s  FAILED: %s; next attempt at %s\n", sr->code, to.buf, text, next);
        else
            printf("%s  %s  FAILED: %s; not retried (%s; --resend %s to try again)\n", sr->code,
                   to.buf, text, o == MAIL_REJECTED ? "a permanent refusal" : "no attempt left",
                   sr->code);
        strbuf_release(&what);
        run->failed++;
    }
out:
    strbuf_release(&to);
    strbuf_release(&msgid);
    strbuf_release(&msg);
    strbuf_release(&why);
    return rc < 0 ? rc : 0;
}

/* --resend CODE: clears the site's held delivery of the round so that this run sends it. */
static int resend_site(struct mail_run *run, const struct bulletin *b, const char *code,
                       struct sc_error *err)
{
    int failing = 0;
    for (size_t i = 0; i < b->nsites; i++)
        failing |= b->sites[i].final && strcmp(b->sites[i].verdict, "fail") == 0 &&
                   strcmp(b->sites[i].code, code) == 0;
    if (!failing)
        return sc_fail(err, SC_EINPUT, "--resend %s: not a failing site of %s round %d", code,
                       run->quarter, run->round);
    int rc = storage_delivery_resend(run->db, run->round_id, code, run->now_text, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return sc_fail(err, SC_EINPUT,
                       "--resend %s: its delivery is not unknown or finally failed (sent, "
                       "waiting for a retry, or never tried): nothing to clear",
                       code);
    printf("%s  cleared for a resend by the office\n", code);
    return 0;
}

/* The mail server from the configuration; the password is read into pw. */
static int mail_server_config(const struct config *c, struct mail_server *srv, struct strbuf *pw,
                              struct sc_error *err)
{
    srv->url = config_get(c, CFG_MAIL_SMTP_URL);
    if (!*srv->url)
        return sc_fail(err, SC_EINPUT, "[mail] smtp_url is not set: no mail can be sent");
    if (!*config_get(c, CFG_MAIL_FROM))
        return sc_fail(err, SC_EINPUT, "[mail] from is not set");
    srv->username = config_get(c, CFG_MAIL_USERNAME);
    srv->password = "";
    if (*srv->username) {
        int rc = config_mail_password(c, pw, err);
        if (rc < 0)
            return rc;
        srv->password = pw->buf;
    }
    const char *tls = config_get(c, CFG_MAIL_STARTTLS);
    srv->starttls = strcmp(tls, "no") == 0    ? MAIL_STARTTLS_NO
                    : strcmp(tls, "try") == 0 ? MAIL_STARTTLS_TRY
                                              : MAIL_STARTTLS_REQUIRED;
    srv->timeout = config_int(c, CFG_MAIL_TIMEOUT);
    return 0;
}

/* One run at a time per database: another run's `sending` row is not a crash. */
static int mail_lock(const char *db_path, struct sc_error *err)
{
    struct strbuf p = STRBUF_INIT;
    strbuf_addf(&p, "%s.mail-lock", db_path);
    int fd = p.failed ? -1 : open(p.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        sc_fail(err, SC_ERUNTIME, "cannot open %s: %s", p.failed ? "the lock" : p.buf,
                strerror(errno));
        strbuf_release(&p);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        sc_fail(err, SC_ERUNTIME, "another 'spotcheck mail' is running on %s", db_path);
        close(fd);
        fd = -1;
    }
    strbuf_release(&p);
    return fd;
}

int cmd_mail(struct cli_context *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS, {"resend", required_argument, NULL, OPT_RESEND}, {NULL, 0, NULL, 0}};
    const char *resend = NULL;
    int c;
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (c == 'h') {
            mail_usage(stdout);
            return EXIT_OK;
        }
        if (c == OPT_RESEND) {
            resend = optarg;
            continue;
        }
        int r = cli_other_option(ctx, "mail", c, optarg);
        if (r)
            return r;
    }
    if (argc - optind != 2)
        return cli_usage_error("mail", "give a quarter and a round, e.g. 2026Q4 1");
    int status = cli_config_load(ctx, "mail");
    if (status)
        return status;
    struct sc_error err = {{0}};
    struct sampler_quarter q;
    struct mail_run run;
    memset(&run, 0, sizeof run);
    char quarter[8];
    if (sampler_quarter_round_parse(argv[optind], argv[optind + 1], &q, quarter, &run.round,
                                    &err) < 0)
        return cli_usage_error("mail", "%s", err.msg);
    run.quarter = quarter;
    struct rules rules;
    if (config_rules(ctx->config, &rules, &err) < 0)
        return cli_usage_error("mail", "%s", err.msg);
    struct strbuf pw = STRBUF_INIT;
    int rc = mail_server_config(ctx->config, &run.srv, &pw, &err);
    run.from = config_get(ctx->config, CFG_MAIL_FROM);
    if (rc == 0 && !mail_address_ok(run.from))
        rc = sc_fail(&err, SC_EINPUT, "[mail] from '%s' is not a plain mail address", run.from);
    if (rc < 0) {
        strbuf_release(&pw);
        return rc == SC_EINPUT ? cli_usage_error("mail", "%s", err.msg)
                               : cli_report_error("mail", rc, err.msg);
    }
    int lock = mail_lock(ctx->db_path, &err);
    if (lock < 0) {
        strbuf_release(&pw);
        return cli_report_error("mail", SC_ERUNTIME, err.msg);
    }
    rc = storage_open_existing(ctx->db_path, &run.db, &err);
    struct bulletin b;
    memset(&b, 0, sizeof b);
    if (rc == 0)
        rc = bulletin_load(run.db, &rules,
                           (int)config_int(ctx->config, CFG_PUBLISH_RECTIFICATION_DAYS), quarter,
                           run.round, &b, &err);
    if (rc == 0 && !b.rd.finalised)
        rc = sc_fail(&err, SC_EINPUT, "%s round %d is not finalised: its verdicts may change",
                     quarter, run.round);
    if (rc == 0) {
        run.round_id = b.rd.id;
        run.now = sc_clock_now();
        sc_time_format(run.now, run.now_text);
        run.max_attempts = (int)config_int(ctx->config, CFG_MAIL_ATTEMPTS);
        if (resend)
            rc = resend_site(&run, &b, resend, &err);
        for (size_t i = 0; i < b.nsites && rc == 0; i++)
            if (b.sites[i].final && strcmp(b.sites[i].verdict, "fail") == 0)
                rc = mail_site(&run, &b.sites[i], &err);
    }
    bulletin_free(&b);
    if (run.db)
        storage_close(run.db);
    close(lock);
    if (pw.alloc)
        memset(pw.buf, 0, pw.alloc);
    strbuf_release(&pw);
    if (rc < 0)
        return rc == SC_EINPUT || rc == SC_ENOTFOUND ? cli_usage_error("mail", "%s", err.msg)
                                                     : cli_report_error("mail", rc, err.msg);
    printf("%s round %d: %ld sent now, %ld sent before, %ld waiting to retry, %ld failed now, "
           "%ld unknown now, %ld without an address, %ld held for the office\n",
           quarter, run.round, run.sent, run.done, run.waiting, run.failed, run.unknown,
           run.no_address, run.held);
    fflush(stdout);
    return run.failed || run.unknown ? EXIT_RUNTIME : EXIT_OK;
}

/* mail_send: hands one message to an SMTP server with libcurl's easy interface (smtp:// or
 * smtps://, STARTTLS, login, a time limit), and says whether the server can have accepted
 * it when it did not say so: the basis of the never-twice rule (docs/mail.md). Blocking;
 * `spotcheck mail` is a short command, not part of the daemon's loop. */
#ifndef SPOTCHECK_MAIL_SEND_H
#define SPOTCHECK_MAIL_SEND_H

#include "common/strbuf.h"

enum mail_starttls { MAIL_STARTTLS_NO, MAIL_STARTTLS_TRY, MAIL_STARTTLS_REQUIRED };

struct mail_server {
    const char *url;      /* smtp://HOST[:PORT] or smtps://... */
    const char *username; /* "" or NULL: no login */
    const char *password;
    enum mail_starttls starttls;
    long timeout; /* seconds for the whole transaction */
};

enum mail_outcome {
    MAIL_SENT,    /* the server accepted the message (250 after the data) */
    MAIL_REFUSED, /* not accepted, certainly: no connection, a transient refusal (4xx)
                     before or after the data, or the data never fully went out */
    MAIL_UNKNOWN, /* the whole message went out but no reply came: it may have been accepted */
    MAIL_REJECTED /* not accepted, for good: the server's last reply was a permanent 5xx (to
                     the login, the sender, the recipient or the data); retrying cannot help */
};

/* Sends msg from `from` to `to`. Returns the outcome; why (may be NULL) gets the error. */
enum mail_outcome mail_send(const struct mail_server *srv, const char *from, const char *to,
                            const struct strbuf *msg, struct strbuf *why);

#endif

/* error: the status codes every function returns, and the caller's error buffer.
 *
 * Functions below daemon/ return 0 or a negative SC_E* code and, on failure, write what
 * went wrong, where and why into a `struct sc_error` the caller owns. Only daemon/ turns
 * a code into a message on stderr and an exit status (contract.md: 2 bad input, 3 runtime). */
#ifndef SPOTCHECK_ERROR_H
#define SPOTCHECK_ERROR_H

enum {
    SC_OK = 0,
    SC_EINPUT = -2,   /* bad usage, configuration or input: exit status 2 */
    SC_ERUNTIME = -3, /* database, disk, network stack: exit status 3 */
    SC_ENOMEM = -4,   /* out of memory: exit status 3 */
    SC_ENOTFOUND = -5, /* the thing asked for does not exist */
    SC_ECANCELED = -6  /* the work was cancelled before it finished (a crawl, a fetch) */
};

struct sc_error {
    char msg[1024];
};

/* Formats into err (if not NULL) and returns code, so callers can `return sc_fail(...)`. */
int sc_fail(struct sc_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The exit status contract.md gives for a status code. */
int sc_exit_status(int code);

#endif

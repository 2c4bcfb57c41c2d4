/* error: formatting into the caller's error buffer, and codes to exit statuses. */
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>

int sc_fail(struct sc_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

int sc_exit_status(int code)
{
    switch (code) {
    case SC_OK:
        return 0;
    case SC_EINPUT:
    case SC_ENOTFOUND:
        return 2;
    default:
        return 3;
    }
}

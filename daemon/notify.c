/* notify: sd_notify messages to systemd (see notify.h). */
#include "daemon/notify.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>

int notify_enabled(void)
{
    const char *s = getenv("NOTIFY_SOCKET");
    return s && *s;
}

/* Sends one message; 1 sent, 0 nobody listens, <0 -errno. */
static int notify_send(const char *msg)
{
    if (!notify_enabled())
        return 0;
    int r = sd_notify(0, msg);
    return r > 0 ? 1 : r;
}

int notify_ready(void)
{
    return notify_send("READY=1");
}

int notify_stopping(void)
{
    return notify_send("STOPPING=1");
}

int notify_reloading(void)
{
    if (!notify_enabled())
        return 0;
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return notify_send("RELOADING=1");
    char msg[64];
    snprintf(msg, sizeof msg, "RELOADING=1\nMONOTONIC_USEC=%llu",
             (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000);
    return notify_send(msg);
}

int notify_status(const char *fmt, ...)
{
    if (!notify_enabled())
        return 0;
    char msg[7 + 256] = "STATUS=";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + 7, sizeof msg - 7, fmt, ap);
    va_end(ap);
    msg[strcspn(msg, "\n")] = '\0'; /* one line: a newline would start another assignment */
    return notify_send(msg);
}

unsigned long notify_watchdog_interval_ms(void)
{
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
        return 0;
    unsigned long ms = (unsigned long)(usec / 2000);
    return ms ? ms : 1;
}

int notify_watchdog(void)
{
    return notify_send("WATCHDOG=1");
}

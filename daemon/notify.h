/* notify: tells systemd how the daemon is doing (sd_notify(3) through Debian's libsystemd):
 * ready, a one-line status, reloading, stopping, and the watchdog's keep-alive.
 *
 * Every function is a cheap no-op when the process does not run under a unit of
 * Type=notify (NOTIFY_SOCKET unset): it returns 0 without formatting or sending anything.
 * Otherwise it returns 1 when the message was sent, or a negative errno when sending
 * failed; the daemon never stops for a failed notification (log it at most).
 * Nothing here keeps state; the functions may be called from the loop thread at any time.
 *
 * The order systemd expects (systemd.service(5), sd_notify(3)):
 *   start:  notify_ready() once the database is open and the loop is about to run;
 *   SIGHUP: notify_reloading() before reading the file, notify_ready() after it (also when
 *           the new file was refused and the old configuration kept);
 *   stop:   notify_stopping() when SIGTERM/SIGINT starts the clean stop;
 *   always: notify_watchdog() every notify_watchdog_interval_ms() from a loop timer, so a
 *           stalled loop is what the watchdog catches (not a thread that pings regardless). */
#ifndef SPOTCHECK_NOTIFY_H
#define SPOTCHECK_NOTIFY_H

/* 1 when NOTIFY_SOCKET is set (systemd listens), else 0. */
int notify_enabled(void);

/* READY=1: startup (or a reload) is finished. */
int notify_ready(void);
/* STATUS=...: one line shown by `systemctl status`; printf-style, at most 255 bytes kept,
 * a newline in the text ends it. */
int notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* STOPPING=1: the clean stop has begun. */
int notify_stopping(void);
/* RELOADING=1 (with MONOTONIC_USEC, which Type=notify-reload needs from systemd 253);
 * follow it with notify_ready() when the reload is done. */
int notify_reloading(void);

/* Half the unit's WatchdogSec= in milliseconds (from WATCHDOG_USEC, when WATCHDOG_PID is
 * unset or this process), at least 1; 0 when the watchdog is off. Ping at this interval. */
unsigned long notify_watchdog_interval_ms(void);
/* WATCHDOG=1: the loop is alive. */
int notify_watchdog(void);

#endif

/* daemon_log: the daemon's log: one event a line on standard error, with the wall-clock
 * time (UTC), the level and, when the clock is simulated, the simulated moment:
 *   2026-12-02T21:30:01Z info [2026-10-01T00:00:00+08:00] drew 2026Q4 1: 8 of 52 sites
 * Levels as [daemon] log_level: error, warn, info, debug. */
#ifndef SPOTCHECK_DAEMON_LOG_H
#define SPOTCHECK_DAEMON_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Sets the least important level written; -1 when name is not a level. */
int daemon_log_set_level(const char *name);
void daemon_log_set(enum log_level level);
void daemon_log(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

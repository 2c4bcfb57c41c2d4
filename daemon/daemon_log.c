/* daemon_log: one event a line on stderr, with time and level (daemon_log.h). */
#include "daemon/daemon_log.h"
#include "common/clock.h"
#include "common/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level threshold = LOG_INFO;
static const char *const level_names[] = {"error", "warn", "info", "debug"};

int daemon_log_set_level(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0) {
            threshold = (enum log_level)i;
            return 0;
        }
    return -1;
}

void daemon_log_set(enum log_level level)
{
    threshold = level;
}

void daemon_log(enum log_level level, const char *fmt, ...)
{
    if (level > threshold)
        return;
    time_t wall = time(NULL);
    struct tm tm;
    char stamp[32] = "";
    if (gmtime_r(&wall, &tm))
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    struct strbuf line = STRBUF_INIT;
    strbuf_addf(&line, "%s %s ", stamp, level_names[level]);
    if (sc_clock_is_simulated()) {
        char now[32];
        sc_time_format(sc_clock_now(), now);
        strbuf_addf(&line, "[%s] ", now);
    }
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&line, fmt, ap);
    va_end(ap);
    /* one event, one line: a newline inside a message (a page's text) is flattened */
    for (size_t i = 0; i < line.len; i++)
        if (line.buf[i] == '\n' || line.buf[i] == '\r')
            line.buf[i] = ' ';
    strbuf_addch(&line, '\n');
    if (!line.failed)
        fputs(line.buf, stderr);
    else
        fprintf(stderr, "%s %s (out of memory formatting a log line)\n", stamp, level_names[level]);
    fflush(stderr);
    strbuf_release(&line);
}

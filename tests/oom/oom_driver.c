/* oom_driver: the n loop of the allocation-failure tests (see oom.h). */
#include "oom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#define LEAK_CHECK() __lsan_do_recoverable_leak_check()
#else
#define LEAK_CHECK() 0
#endif

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void oom_print_difference(const char *got, const char *expect)
{
    int line = 1;
    while (*got && *got == *expect) {
        if (*got == '\n')
            line++;
        got++;
        expect++;
    }
    while (line > 1 && got[-1] != '\n') /* back to the start of the line */
        got--, expect--;
    print_error("first difference, line %d:\n  got:      %.*s\n  expected: %.*s\n", line,
                (int)strcspn(got, "\n"), got, (int)strcspn(expect, "\n"), expect);
}

/* Runs between two leak checks: LeakSanitizer scans the whole heap (tens of ms under
 * ASan), so it runs every OOM_LEAK_EVERY runs (default 64; 1 pins a leak to its n) and
 * after the last one. A leak is reported with the range of n since the previous check. */
static long leak_every(void)
{
    const char *e = getenv("OOM_LEAK_EVERY");
    long v = e ? atol(e) : 64;
    return v > 0 ? v : 1;
}

long oom_loop(const char *name, oom_once_fn once, void *ud, const struct oom_plan *plan)
{
    long last = 0, every = leak_every();
    for (int persistent = 0; persistent <= 1; persistent++) {
        double t0 = now_s();
        long n = 1, runs = 0, checked = 0; /* n of the last leak check */
        for (;;) {
            long hit = once(ud, n, persistent);
            runs++;
            if ((runs % every == 0 || !hit) && LEAK_CHECK())
                oom_fail(n, persistent,
                         "%s: LeakSanitizer found a leak in a run with n in %ld..%ld (report "
                         "above; OOM_LEAK_EVERY=1 names the n)",
                         name, checked + 1, n);
            if (runs % every == 0)
                checked = n;
            if (!hit)
                break;
            n += plan && plan->step[persistent] > 1 && n >= plan->dense[persistent]
                     ? plan->step[persistent]
                     : 1;
        }
        printf("oom %-16s %-10s n=1..%ld (%ld runs) %.1fs\n", name,
               persistent ? "persistent" : "transient", n, runs, now_s() - t0);
        fflush(stdout);
        last = n;
    }
    return last;
}

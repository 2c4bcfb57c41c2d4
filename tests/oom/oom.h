/* oom: the driver shared by the allocation-failure scenarios of test_oom (see failmalloc.h).
 *
 * A scenario is one operation run with the n-th allocation failing. Its `once` function
 * arms the injector (failmalloc_arm), runs the operation, disarms, and then checks the
 * outcome itself — a clean SC_ENOMEM with nothing half-done, or the result of the run
 * without failures — failing the cmocka test (naming n) otherwise. It returns what
 * failmalloc_disarm returned. oom_loop runs it for n = 1, 2, ... in the transient mode and
 * then in the persistent mode, each until a run completes without reaching the n-th
 * allocation, and (in ASan builds) runs LeakSanitizer after every run. */
#ifndef SPOTCHECK_OOM_H
#define SPOTCHECK_OOM_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "failmalloc.h"

typedef long (*oom_once_fn)(void *ud, long n, int persistent);

/* The n values tried, per mode ([0] transient, [1] persistent): every n up to dense, then
 * every step-th (step > 1 only for big runs, to keep the Sanitize build's run short; the
 * loop still ends at the first n that completes without a failure). NULL: every n. */
struct oom_plan {
    long dense[2];
    long step[2];
};

/* Runs the scenario for both modes; returns the number of allocations of a run without
 * failures (the last n tried). Prints a summary line naming the scenario. */
long oom_loop(const char *name, oom_once_fn once, void *ud, const struct oom_plan *plan);

/* Fails the test with the scenario, n and mode in the message. */
#define oom_fail(n, persistent, ...)                                                         \
    do {                                                                                     \
        print_error("n=%ld (%s): ", (long)(n), (persistent) ? "persistent" : "transient");  \
        fail_msg(__VA_ARGS__);                                                               \
    } while (0)

/* Prints the first line where got and expect differ (both, with the line number). */
void oom_print_difference(const char *got, const char *expect);

/* The scenarios (one file each). */
void test_oom_import_existing(void **state);
void test_oom_import_fresh(void **state);
void test_oom_html(void **state);
void test_oom_judge(void **state);
void test_oom_crawl(void **state);
void test_oom_rechecks(void **state);
void test_oom_publish(void **state);
void test_oom_guides(void **state);

#endif

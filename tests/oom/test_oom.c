/* test_oom: allocation-failure injection (issue 9, item 6c). Each scenario runs an
 * operation with the n-th allocation failing, for every n until one run completes (see
 * oom.h and failmalloc.h): a registry import (into an existing registry and into a new
 * file), an HTML parse, a judgement, a crawl of two sites with the content probes, and
 * re-checks of suspected links stored and applied, and publishing the public site. */
#include "oom.h"

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    /* One pool thread: the crawl scenario's pages are parsed, and reported, in one order. */
    setenv("UV_THREADPOOL_SIZE", "1", 1);
    if (failmalloc_install() < 0)
        return 1;
    if (getenv("OOM_ONLY")) /* e.g. OOM_ONLY='test_oom_html' (a cmocka filter pattern) */
        cmocka_set_test_filter(getenv("OOM_ONLY"));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oom_import_existing),
        cmocka_unit_test(test_oom_import_fresh),
        cmocka_unit_test(test_oom_html),
        cmocka_unit_test(test_oom_judge),
        cmocka_unit_test(test_oom_crawl),
        cmocka_unit_test(test_oom_rechecks),
        cmocka_unit_test(test_oom_publish),
        cmocka_unit_test(test_oom_guides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

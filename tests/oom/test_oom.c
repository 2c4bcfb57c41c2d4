/* test_oom: allocation-failure injection (issue 9, item 6c). Each scenario runs an
 * operation with the n-th allocation failing, for every n until one run completes (see
 * oom.h and failmalloc.h): a registry import (into an existing registry and into a new
 * file), an HTML parse, and a judgement. The crawl scenario (crawl_run with the content
 * hooks) is still to come: crawl.c, fetch.c and content_run.c are being rewritten. */
#include "oom.h"

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    if (failmalloc_install() < 0)
        return 1;
    if (getenv("OOM_ONLY")) /* e.g. OOM_ONLY='test_oom_html' (a cmocka filter pattern) */
        cmocka_set_test_filter(getenv("OOM_ONLY"));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oom_import_existing),
        cmocka_unit_test(test_oom_import_fresh),
        cmocka_unit_test(test_oom_html),
        cmocka_unit_test(test_oom_judge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

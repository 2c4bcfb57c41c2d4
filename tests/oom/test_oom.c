/* test_oom: allocation-failure injection (issue 9, item 6c). Each scenario runs an
 * operation with the n-th allocation failing, for every n until one run completes (see
 * oom.h and failmalloc.h): a registry import, an HTML parse, a crawl with the content
 * probes, and a judgement. */
#include "oom.h"

#include <stdio.h>

int main(void)
{
    if (failmalloc_install() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oom_import_existing),
        cmocka_unit_test(test_oom_import_fresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

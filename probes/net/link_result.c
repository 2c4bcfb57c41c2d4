/* link_result: the classification of a link's fetch (see link_result.h). */
#include "probes/net/link_result.h"

#include <string.h>

enum link_result link_result_classify(int status, const char *error)
{
    if (!error)
        return status >= 400 ? LINK_BROKEN : LINK_OK;
    if (strcmp(error, "http_status") == 0)
        return status == 429 || status >= 500 ? LINK_SUSPECTED : LINK_BROKEN;
    static const char *const broken[] = {
        "soft_404", "dns",          "redirect_loop", "too_many_redirects",
        "bad_url",  "bad_redirect", "tls",           NULL};
    for (int i = 0; broken[i]; i++)
        if (strcmp(error, broken[i]) == 0)
            return LINK_BROKEN;
    static const char *const skipped[] = {"scheme",   "excluded", "private_address",
                                          "external", "limit",    NULL};
    for (int i = 0; skipped[i]; i++)
        if (strcmp(error, skipped[i]) == 0)
            return LINK_SKIPPED;
    return LINK_SUSPECTED;
}

int link_result_error_is_ours(const char *error)
{
    return error && strcmp(error, "oom") == 0;
}

int link_result_says_nothing(const char *error)
{
    return error && (strcmp(error, "oom") == 0 || strcmp(error, "cancelled") == 0);
}

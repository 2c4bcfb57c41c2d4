/* crawl_soft404: soft-404 fingerprints and phrases (see crawl_soft404.h). */
#include "probes/net/crawl_soft404.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

uint64_t soft404_text_sig(const char *text, size_t n)
{
    uint64_t h = 14695981039346656037ULL, hl = h;
    size_t non_ascii = 0, letters = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x80) {
            h = (h ^ c) * 1099511628211ULL;
            non_ascii++;
        } else if (isalpha(c)) {
            hl = (hl ^ (unsigned char)tolower(c)) * 1099511628211ULL;
            letters++;
        }
    }
    if (non_ascii >= 8)
        return h;
    return letters ? hl : 0;
}

static const char *const title_phrases[] = {"页面不存在", "页面未找到", "找不到页面", "找不到网页",
                                            "找不到该页", "404",        "not found",  "无法找到",
                                            "错误页面",   NULL};
static const char *const body_phrases[] = {
    "您访问的页面不存在", "页面不存在",    "页面未找到",     "找不到页面",   "找不到您要的页面",
    "页面已删除",         "404 not found", "page not found", "无法找到该页", NULL};

/* Case-insensitive for ASCII, byte-exact otherwise. "404" must not be part of a number. */
static int contains(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        if (strncasecmp(hay + i, needle, m) != 0)
            continue;
        if (isdigit((unsigned char)needle[0]) &&
            ((i > 0 && isdigit((unsigned char)hay[i - 1])) ||
             (i + m < n && isdigit((unsigned char)hay[i + m]))))
            continue;
        return 1;
    }
    return 0;
}

int soft404_phrase_match(const char *title, const char *text, size_t text_len)
{
    if (title) {
        size_t tn = strlen(title);
        for (int i = 0; title_phrases[i]; i++)
            if (contains(title, tn, title_phrases[i]))
                return 1;
    }
    /* Only a short page: an article may well quote "页面不存在". */
    if (text && text_len < SOFT404_SHORT_PAGE) {
        for (int i = 0; body_phrases[i]; i++)
            if (contains(text, text_len, body_phrases[i]))
                return 1;
    }
    return 0;
}

int soft404_page_match(const struct soft404_fingerprint *fp, const char *final_url, int redirected,
                       const char *title, const char *text, size_t text_len)
{
    if (fp && fp->landing && redirected && final_url && strcmp(final_url, fp->landing) == 0)
        return 1;
    if (fp && fp->active) {
        uint64_t sig = soft404_text_sig(text, text_len);
        if (sig && sig == fp->text_sig)
            return 1;
    }
    return soft404_phrase_match(title, text, text_len);
}

void soft404_fingerprint_free(struct soft404_fingerprint *fp)
{
    free(fp->landing);
    free(fp->title);
    memset(fp, 0, sizeof *fp);
}

/* fuzz_links: libFuzzer target for decoding, gumbo parsing and link extraction of a page
 * (probes/net/html.c) and the soft-404 text checks: any bytes must give valid output, no crash,
 * no leak, every link a normalised http(s) URL or a reference marked skipped/bad. */
#include "probes/net/crawl_soft404.h"
#include "probes/net/html.h"
#include "probes/net/url.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strbuf html = STRBUF_INIT;
    if (html_decode(NULL, (const char *)data, size, &html, NULL) != 0) {
        strbuf_release(&html);
        return 0;
    }
    struct html_doc *doc = html_parse(html.buf, html.len);
    if (doc) {
        struct html_links links = {0};
        if (html_links_extract(doc->out, "http://www.fuzz.gov.cn/a/b.html", &links) == 0) {
            for (size_t i = 0; i < links.n; i++) {
                if (links.v[i].status == URL_OK && strncmp(links.v[i].url, "http", 4) != 0)
                    abort();
                if (strlen(links.v[i].anchor) > HTML_ANCHOR_MAX)
                    abort();
            }
        }
        html_links_free(&links);
        struct strbuf title = STRBUF_INIT, text = STRBUF_INIT;
        html_title(doc->out, &title);
        html_text(doc->out, &text, 4096);
        soft404_phrase_match(title.buf, text.buf, text.len);
        soft404_text_sig(text.buf, text.len);
        strbuf_release(&title);
        strbuf_release(&text);
        html_parse_free(doc);
    }
    strbuf_release(&html);
    return 0;
}

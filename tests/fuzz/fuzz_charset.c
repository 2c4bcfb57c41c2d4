/* fuzz_charset: libFuzzer target for charset detection (BOM, Content-Type, <meta>, sniff) and
 * conversion to UTF-8: the first line of the input is used as the Content-Type header, the
 * rest as the body; the output must always be valid UTF-8. */
#include "common/utf8.h"
#include "probes/net/html.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size < 200 ? size : 200);
    char *ctype = NULL;
    const char *body = (const char *)data;
    size_t n = size;
    if (nl) {
        ctype = strndup((const char *)data, (size_t)(nl - (const char *)data));
        body = nl + 1;
        n = size - (size_t)(body - (const char *)data);
    }
    size_t bom;
    const char *cs = html_charset_detect(ctype, body, n, &bom);
    if (!cs || bom > n)
        abort();
    struct strbuf out = STRBUF_INIT;
    const char *used = NULL;
    if (html_decode(ctype, body, n, &out, &used) == 0 && !utf8_valid(out.buf, out.len))
        abort();
    /* The no-copy view gives valid UTF-8 too, and the same text as html_decode. */
    struct strbuf view = STRBUF_INIT;
    const char *text = NULL;
    size_t text_len = 0;
    if (html_decode_view(ctype, body, n, &view, &text, &text_len) == 0) {
        if (!utf8_valid(text, text_len))
            abort();
        if (!out.failed && (text_len != out.len || memcmp(text, out.buf, text_len) != 0))
            abort();
    }
    strbuf_release(&view);
    strbuf_release(&out);
    free(ctype);
    return 0;
}

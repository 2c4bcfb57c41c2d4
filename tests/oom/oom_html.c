/* oom_html: decoding and parsing pages (html_decode_view, html_parse with its nesting bound,
 * html_links_extract, html_title, html_text) with the n-th allocation failing. Each step
 * must report SC_ENOMEM (NULL from html_parse, `failed` on a strbuf) or give exactly what
 * the run without failures gives. The pages: UTF-8 (decoded in place) and GBK (converted),
 * with <base href>, every kind of link and nesting past HTML_MAX_DEPTH (flattened; the tree
 * walks need the heap). html.c keeps up to 32 arena chunks for reuse; each run first takes
 * them all (by holding parsed dummy pages), so the parse must malloc its chunks. */
#include "oom.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "probes/net/html.h"
#include "probes/net/html_depth.h"

struct html_case {
    const char *name;
    struct strbuf page;
    const char *content_type;
    struct strbuf expect;
};

static void build_page(struct strbuf *p)
{
    strbuf_adds(p, "<!DOCTYPE html><html><head><meta charset=\"gbk\">"
                   "<title>  湖南省人民政府\n门户网站 </title>"
                   "<base href=\"http://www.hunan.gov.cn/sub/\">"
                   "<link rel=\"stylesheet\" href=\"/css/a.css\">"
                   "<meta http-equiv=\"refresh\" content=\"30; url='next.html'\">"
                   "<script src=\"js/x.js\"></script></head><body>"
                   "<a href=\"news/1.html\">新闻　动态</a> <a href=\"#top\">顶部</a>"
                   "<a href=\"mailto:a@hunan.gov.cn\">信箱</a>"
                   "<a href=\"http://[bad\">坏</a>"
                   "<img src=\"i.png\" srcset=\"a.png 1x, b.png 2x,c.png\" alt=\"图\">"
                   "<iframe src=\"/frame.html\"></iframe><area href=\"map.html\" title=\"地图\">"
                   "<video src=\"v.mp4\" poster=\"p.jpg\"></video><object data=\"o.swf\"></object>"
                   "<p>政务公开<br>办事服务</p>");
    for (int i = 0; i < HTML_MAX_DEPTH + 40; i++)
        strbuf_addf(p, "<div class=d%d>", i % 7);
    strbuf_adds(p, "<a href=\"deep.html\">深处<img src=\"deep.png\" alt=\"深图\"></a>");
    for (int i = 0; i < HTML_MAX_DEPTH + 40; i++)
        strbuf_adds(p, "</div>");
    strbuf_adds(p, "<p>结尾 <b>文字</b></p></body></html>");
    assert_false(p->failed);
}

static void to_gbk(struct strbuf *p)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    struct strbuf out = STRBUF_INIT;
    assert_int_equal(strbuf_grow(&out, p->len * 2), 0);
    char *ip = p->buf, *op = out.buf;
    size_t il = p->len, ol = out.alloc - 1;
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    iconv_close(cd);
    out.len = (size_t)(op - out.buf);
    out.buf[out.len] = '\0';
    strbuf_release(p);
    *p = out;
}

/* Everything the page gives, as text, or SC_ENOMEM. Allocation failures happen in here. */
static int read_page(const struct html_case *c, struct strbuf *res)
{
    struct strbuf decoded = STRBUF_INIT, title = STRBUF_INIT, text = STRBUF_INIT;
    struct html_links links = {0};
    struct html_doc *doc = NULL;
    const char *utf8;
    size_t len;
    int rc = html_decode_view(c->content_type, c->page.buf, c->page.len, &decoded, &utf8, &len);
    if (rc == SC_OK && !(doc = html_parse(utf8, len)))
        rc = SC_ENOMEM;
    if (rc == SC_OK)
        rc = html_links_extract(doc->out, "http://www.hunan.gov.cn/index.html", &links);
    if (rc == SC_OK) {
        html_title(doc->out, &title);
        html_text(doc->out, &text, 1 << 20);
        if (title.failed || text.failed)
            rc = SC_ENOMEM;
    }
    if (rc == SC_OK) {
        failmalloc_disarm(); /* the rest is the test's own bookkeeping */
        strbuf_addf(res, "title: %s\ntext: %zu bytes: %.200s ... %s\n", title.buf, text.len,
                    text.buf, text.len > 40 ? text.buf + text.len - 40 : "");
        for (size_t i = 0; i < links.n; i++)
            strbuf_addf(res, "%s %d %d %s [%s]\n", links.v[i].tag, links.v[i].kind,
                        links.v[i].status, links.v[i].url, links.v[i].anchor);
    }
    html_links_free(&links);
    html_parse_free(doc);
    strbuf_release(&decoded);
    strbuf_release(&title);
    strbuf_release(&text);
    return rc;
}

#define ARENA_DRAIN 33 /* more than html.c's ARENA_CACHE */

static long html_once(void *ud, long n, int persistent)
{
    struct html_case *c = ud;
    struct strbuf res = STRBUF_INIT;
    struct html_doc *held[ARENA_DRAIN];
    for (int i = 0; i < ARENA_DRAIN; i++)
        assert_non_null(held[i] = html_parse("<p>x", 4));
    failmalloc_arm(n, persistent);
    int rc = read_page(c, &res);
    long hit = failmalloc_disarm();
    for (int i = 0; i < ARENA_DRAIN; i++)
        html_parse_free(held[i]);
    if (rc != SC_OK && rc != SC_ENOMEM)
        oom_fail(n, persistent, "%s: failed with %d, not SC_ENOMEM", c->name, rc);
    if (rc == SC_OK && strcmp(res.buf, c->expect.buf) != 0) {
        oom_print_difference(res.buf, c->expect.buf);
        oom_fail(n, persistent, "%s: succeeded with another result", c->name);
    }
    strbuf_release(&res);
    return hit;
}

static void run_case(const char *name, int gbk)
{
    struct html_case c = {name, STRBUF_INIT, NULL, STRBUF_INIT};
    build_page(&c.page);
    if (gbk) {
        to_gbk(&c.page);
        c.content_type = "text/html; charset=GBK";
    } else {
        c.content_type = "text/html; charset=utf-8";
    }
    assert_int_equal(read_page(&c, &c.expect), SC_OK);
    assert_non_null(strstr(c.expect.buf, "deep.html")); /* the flattened nesting kept it */
    oom_loop(name, html_once, &c, NULL);
    strbuf_release(&c.page);
    strbuf_release(&c.expect);
}

void test_oom_html(void **state)
{
    (void)state;
    run_case("html-utf8", 0);
    run_case("html-gbk", 1);
}

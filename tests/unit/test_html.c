/* test_html: charset detection and decoding, gumbo parsing, link extraction, soft-404
 * phrases and text signatures (probes/net/html.h, probes/net/crawl_soft404.h). */
#include "testutil.h"

#include "probes/net/crawl_soft404.h"
#include "probes/net/html.h"
#include "probes/net/html_depth.h"
#include "probes/net/url.h"

#include <stdlib.h>
#include <string.h>

static void test_charset_detection(void **state)
{
    (void)state;
    size_t bom;
    const char *gbk = "<html><head><meta charset=\"gb2312\"></head><body>\xD6\xD0\xCE\xC4</body>";
    assert_string_equal(html_charset_detect(NULL, "\xEF\xBB\xBFhi", 5, &bom), "UTF-8");
    assert_int_equal(bom, 3);
    /* BOM beats the header, the header beats meta, meta beats the sniff. */
    assert_string_equal(html_charset_detect("text/html; charset=gbk", "\xEF\xBB\xBFhi", 5, &bom),
                        "UTF-8");
    assert_string_equal(html_charset_detect("text/html; charset=\"Big5\"", gbk, strlen(gbk), &bom),
                        "BIG5-HKSCS");
    assert_string_equal(html_charset_detect("text/html", gbk, strlen(gbk), &bom), "GB18030");
    const char *http_equiv =
        "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=GBK\">x";
    assert_string_equal(html_charset_detect(NULL, http_equiv, strlen(http_equiv), &bom), "GB18030");
    /* An unknown label falls through to the sniff. */
    const char *odd = "<meta charset=klingon>\xE4\xB8\xAD";
    assert_string_equal(html_charset_detect("text/html; charset=nope", odd, strlen(odd), &bom),
                        "UTF-8");
    const char *raw_gbk = "<p>\xD6\xD0\xCE\xC4</p>";
    assert_string_equal(html_charset_detect(NULL, raw_gbk, strlen(raw_gbk), &bom), "GB18030");
    /* A header saying utf-8 about GBK bytes is passed over for the meta, then the sniff. */
    const char *wrong = "<meta charset=\"gbk\"><p>\xD6\xD0\xCE\xC4</p>";
    assert_string_equal(html_charset_detect("text/html; charset=utf-8", wrong, strlen(wrong), &bom),
                        "GB18030");
    assert_string_equal(
        html_charset_detect("text/html; charset=utf-8", raw_gbk, strlen(raw_gbk), &bom), "GB18030");
    /* ... but honoured when the bytes are UTF-8. */
    const char *utf = "<meta charset=gbk><p>\xE4\xB8\xAD</p>";
    assert_string_equal(html_charset_detect("text/html; charset=utf-8", utf, strlen(utf), &bom),
                        "UTF-8");
    /* A meta past the first 1024 bytes is not seen. */
    char late[1200];
    memset(late, ' ', sizeof late);
    memcpy(late + 1100, "<meta charset=gbk>", 18);
    late[1118] = '\0';
    assert_null(html_charset_from_meta(late, strlen(late)));
}

static void test_decode(void **state)
{
    (void)state;
    struct strbuf out = STRBUF_INIT;
    const char *gbk = "<meta charset=gbk><p>\xD6\xD0\xCE\xC4\xB9\xFA</p>";
    const char *cs = NULL;
    assert_int_equal(html_decode(NULL, gbk, strlen(gbk), &out, &cs), 0);
    assert_string_equal(cs, "GB18030");
    assert_non_null(strstr(out.buf, "中文国"));
    /* Invalid bytes survive as U+FFFD. */
    strbuf_reset(&out);
    const char *bad = "<p>ok \xFF\xFE\x81 end</p>";
    assert_int_equal(html_decode("text/html; charset=utf-8", bad, strlen(bad), &out, &cs), 0);
    assert_non_null(strstr(out.buf, "\xEF\xBF\xBD"));
    assert_non_null(strstr(out.buf, "end"));
    strbuf_reset(&out);
    const char *big5 = "<p>\xA4\xA4\xA4\xE5</p>"; /* 中文 in Big5 */
    assert_int_equal(html_decode("text/html;charset=big5", big5, strlen(big5), &out, &cs), 0);
    assert_non_null(strstr(out.buf, "中文"));
    /* The no-copy view: UTF-8 in place, a wrong utf-8 header read through as GBK. */
    strbuf_reset(&out);
    const char *text = NULL;
    size_t len = 0;
    const char *utf = "<p>\xE4\xB8\xAD</p>";
    assert_int_equal(
        html_decode_view("text/html; charset=utf-8", utf, strlen(utf), &out, &text, &len), 0);
    assert_ptr_equal(text, utf);
    assert_int_equal(out.len, 0);
    const char *wrong = "<meta charset=gbk><p>\xD6\xD0\xCE\xC4</p>";
    assert_int_equal(
        html_decode_view("text/html; charset=utf-8", wrong, strlen(wrong), &out, &text, &len), 0);
    assert_ptr_equal(text, out.buf);
    assert_non_null(strstr(text, "中文"));
    strbuf_release(&out);
}

static const char page[] =
    "<html><head><base href=\"http://www.a.gov.cn/xxgk/\">"
    "<link rel=stylesheet href=\"/css/a.css\"><link rel=preconnect href=\"//cdn.x.com\">"
    "<meta http-equiv=\"refresh\" content=\"30; URL='later.html'\">"
    "<script src=\"js/app.js\"></script><title> 通知公告 - 某市人民政府 </title></head><body>"
    "<a href=\"tzgg/1.html\">  关于  <b>开展</b>\n检查的通知 </a>"
    "<a href=\"#top\">top</a><a href=\"\">empty</a>"
    "<a href=\"mailto:x@a.gov.cn\">mail</a><a href=\"javascript:void(0)\">js</a>"
    "<a href=\"/新闻/2026.html\"><img src=\"/img/n.png\" alt=\"新闻图片\"></a>"
    "<img src=\"a.jpg\" srcset=\"a-1x.jpg 1x, a-2x.jpg 2x,a-3x.jpg\">"
    "<iframe src=\"//video.example.com/embed\"></iframe>"
    "<map><area href=\"/map/1.html\" alt=\"区域\"></map>"
    "<object data=\"files/doc.pdf\"></object><embed src=\"files/movie.swf\">"
    "<video src=\"v.mp4\" poster=\"v.jpg\"><source src=\"v.webm\"></video>"
    "<audio src=\"a.mp3\"></audio>"
    "<a href=\"http://a b/\">bad</a>"
    "<script>var x = '<a href=\"/not-a-link\">';</script>"
    "</body></html>";

static const struct html_link *find(const struct html_links *L, const char *url)
{
    for (size_t i = 0; i < L->n; i++)
        if (strcmp(L->v[i].url, url) == 0)
            return &L->v[i];
    return NULL;
}

static void test_links(void **state)
{
    (void)state;
    struct html_doc *doc = html_parse(page, strlen(page));
    assert_non_null(doc);
    struct html_links L = {0};
    assert_int_equal(html_links_extract(doc->out, "http://www.a.gov.cn/index.html", &L), 0);
    const char *want[] = {"http://www.a.gov.cn/css/a.css",
                          "http://www.a.gov.cn/xxgk/later.html",
                          "http://www.a.gov.cn/xxgk/js/app.js",
                          "http://www.a.gov.cn/xxgk/tzgg/1.html",
                          "http://www.a.gov.cn/%e6%96%b0%e9%97%bb/2026.html",
                          "http://www.a.gov.cn/img/n.png",
                          "http://www.a.gov.cn/xxgk/a.jpg",
                          "http://www.a.gov.cn/xxgk/a-1x.jpg",
                          "http://www.a.gov.cn/xxgk/a-2x.jpg",
                          "http://www.a.gov.cn/xxgk/a-3x.jpg",
                          "http://video.example.com/embed",
                          "http://www.a.gov.cn/map/1.html",
                          "http://www.a.gov.cn/xxgk/files/doc.pdf",
                          "http://www.a.gov.cn/xxgk/files/movie.swf",
                          "http://www.a.gov.cn/xxgk/v.mp4",
                          "http://www.a.gov.cn/xxgk/v.jpg",
                          "http://www.a.gov.cn/xxgk/v.webm",
                          "http://www.a.gov.cn/xxgk/a.mp3"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!find(&L, want[i]))
            fail_msg("link %s not extracted", want[i]);
    const struct html_link *l = find(&L, "http://www.a.gov.cn/xxgk/tzgg/1.html");
    assert_string_equal(l->anchor, "关于 开展 检查的通知");
    assert_int_equal(l->kind, HTML_LINK_PAGE);
    l = find(&L, "http://www.a.gov.cn/%e6%96%b0%e9%97%bb/2026.html");
    assert_string_equal(l->anchor, "新闻图片"); /* the image's alt */
    assert_string_equal(find(&L, "http://www.a.gov.cn/map/1.html")->anchor, "区域");
    assert_int_equal(find(&L, "http://www.a.gov.cn/img/n.png")->kind, HTML_LINK_RESOURCE);
    assert_int_equal(find(&L, "mailto:x@a.gov.cn")->status, URL_SKIP);
    assert_int_equal(find(&L, "javascript:void(0)")->status, URL_SKIP);
    assert_int_equal(find(&L, "http://a b/")->status, URL_BAD);
    assert_null(find(&L, "http://cdn.x.com/"));
    assert_null(find(&L, "http://www.a.gov.cn/not-a-link"));
    for (size_t i = 0; i < L.n; i++) /* fragment-only and empty hrefs are left out */
        assert_null(strchr(L.v[i].url, '#'));
    size_t expected = sizeof want / sizeof *want + 3;
    assert_int_equal(L.n, expected);

    struct strbuf t = STRBUF_INIT;
    html_title(doc->out, &t);
    assert_string_equal(t.buf, "通知公告 - 某市人民政府");
    strbuf_reset(&t);
    html_text(doc->out, &t, 4096);
    assert_non_null(strstr(t.buf, "检查的通知"));
    assert_null(strstr(t.buf, "var x")); /* script text is not visible text */
    strbuf_release(&t);
    html_links_free(&L);
    html_parse_free(doc);
}

static void test_hostile_input(void **state)
{
    (void)state;
    /* Deep nesting must not overflow the stack in our walks. */
    size_t depth = 100000;
    struct strbuf h = STRBUF_INIT;
    for (size_t i = 0; i < depth; i++)
        strbuf_adds(&h, "<span>");
    strbuf_adds(&h, "<a href=\"/deep.html\">deep</a>");
    struct html_doc *doc = html_parse(h.buf, h.len);
    assert_non_null(doc);
    struct html_links L = {0};
    assert_int_equal(html_links_extract(doc->out, "http://www.a.gov.cn/", &L), 0);
    assert_int_equal(L.n, 1);
    assert_string_equal(L.v[0].anchor, "deep");
    html_links_free(&L);
    struct strbuf t = STRBUF_INIT;
    html_text(doc->out, &t, 100);
    strbuf_release(&t);
    html_parse_free(doc);
    strbuf_release(&h);
    /* Anchor text is cut on a character boundary. */
    struct strbuf a = STRBUF_INIT;
    strbuf_adds(&a, "<a href=/x>");
    for (int i = 0; i < 300; i++)
        strbuf_adds(&a, "长");
    strbuf_adds(&a, "</a>");
    doc = html_parse(a.buf, a.len);
    assert_int_equal(html_links_extract(doc->out, "http://www.a.gov.cn/", &L), 0);
    assert_true(strlen(L.v[0].anchor) <= HTML_ANCHOR_MAX);
    assert_int_equal(strlen(L.v[0].anchor) % 3, 0);
    html_links_free(&L);
    html_parse_free(doc);
    strbuf_release(&a);
}

/* The depth of the deepest element of a tree (iteratively: the tree may be deep). */
static size_t tree_depth(const GumboNode *root)
{
    size_t max = 0, n = 0, alloc = 1024;
    struct {
        const GumboNode *node;
        size_t depth;
    } *st = malloc(alloc * sizeof *st);
    assert_non_null(st);
    st[n].node = root;
    st[n++].depth = 1;
    while (n) {
        const GumboNode *node = st[--n].node;
        size_t depth = st[n].depth;
        if (depth > max)
            max = depth;
        if (node->type != GUMBO_NODE_ELEMENT)
            continue;
        const GumboVector *kids = &node->v.element.children;
        for (unsigned i = 0; i < kids->length; i++) {
            if (n == alloc) {
                alloc *= 2;
                st = realloc(st, alloc * sizeof *st);
                assert_non_null(st);
            }
            st[n].node = kids->data[i];
            st[n++].depth = depth + 1;
        }
    }
    free(st);
    return max;
}

/* Hostile nesting is flattened to HTML_MAX_DEPTH before gumbo, whose tree builder is
 * quadratic in it: two million nested <div>s, or <b><i><u> repeated, took hours to parse. */
static void test_hostile_depth(void **state)
{
    (void)state;
    const char *patterns[] = {"<div>", "<b><i><u>", "<span/>", "<table><tr><td>", "<x-y>"};
    for (size_t k = 0; k < sizeof patterns / sizeof *patterns; k++) {
        struct strbuf h = STRBUF_INIT;
        for (size_t i = 0; i < 30000; i++)
            strbuf_adds(&h, patterns[k]);
        strbuf_adds(&h, "<a href=\"/deep.html\">deep</a>");
        struct html_doc *doc = html_parse(h.buf, h.len);
        assert_non_null(doc);
        size_t depth = tree_depth(doc->out->root);
        if (depth > 4 * HTML_MAX_DEPTH + 8) /* table, tbody, tr, td: one counted */
            fail_msg("'%s' x 30000 parsed %zu deep", patterns[k], depth);
        struct html_links L = {0};
        assert_int_equal(html_links_extract(doc->out, "http://www.a.gov.cn/", &L), 0);
        assert_int_equal(L.n, 1); /* the link inside is still found */
        assert_string_equal(L.v[0].url, "http://www.a.gov.cn/deep.html");
        html_links_free(&L);
        html_parse_free(doc);
        strbuf_release(&h);
    }
    /* Pages within the limit, or deep only in what is not nested markup, are untouched. */
    struct strbuf text = STRBUF_INIT, out = STRBUF_INIT;
    strbuf_adds(&text, "<html><body><div><svg>");
    for (int i = 0; i < 2000; i++)
        strbuf_adds(&text, "<path d='M0 0'/>");
    strbuf_adds(&text, "</svg><script>var s = '");
    for (int i = 0; i < 2000; i++)
        strbuf_adds(&text, "<div>");
    strbuf_adds(&text, "';</script><!--");
    for (int i = 0; i < 2000; i++)
        strbuf_adds(&text, "<div>");
    strbuf_adds(&text, "--><ul>");
    for (int i = 0; i < 2000; i++)
        strbuf_adds(&text, "<li><p>item <a href='/x'>x</a><br><img src=a.png>");
    strbuf_adds(&text, "</ul><textarea><div><div></textarea>");
    for (int i = 0; i < HTML_MAX_DEPTH - 1; i++)
        strbuf_adds(&text, "<span title='>'>");
    strbuf_adds(&text, "</div></body></html>");
    assert_int_equal(html_depth_limit(text.buf, text.len, HTML_MAX_DEPTH, &out), 0);
    assert_int_equal(out.len, 0);
    /* One more level: that start tag goes, with one end tag, and nothing else. */
    strbuf_reset(&text);
    for (int i = 0; i < 3; i++)
        strbuf_adds(&text, "<div class='a>b'>");
    strbuf_adds(&text, "<em>x<a href=/y>y</a></em></div>tail</div></div>");
    assert_int_equal(html_depth_limit(text.buf, text.len, 3, &out), 1);
    assert_string_equal(out.buf,
                        "<div class='a>b'><div class='a>b'><div class='a>b'>x<a href=/y>y</a>"
                        "</div>tail</div></div>");
    /* A tag of 30,000 attributes keeps HTML_MAX_ATTRIBUTES (gumbo compares each attribute
     * with all before it: 300,000 kept check parsing one page for minutes). */
    strbuf_reset(&text);
    strbuf_adds(&text, "<div");
    for (int i = 0; i < 30000; i++)
        strbuf_addf(&text, i % 3 ? " a%d" : " a%d = 'x>y'", i);
    strbuf_adds(&text, "><a href=\"/q.html\">q</a></div>");
    struct html_doc *doc = html_parse(text.buf, text.len);
    assert_non_null(doc);
    const GumboNode *body = doc->out->root->v.element.children.data[1];
    const GumboNode *div = body->v.element.children.data[0];
    assert_int_equal(div->v.element.tag, GUMBO_TAG_DIV);
    assert_int_equal(div->v.element.attributes.length, HTML_MAX_ATTRIBUTES);
    struct html_links L = {0};
    assert_int_equal(html_links_extract(doc->out, "http://www.a.gov.cn/", &L), 0);
    assert_int_equal(L.n, 1);
    html_links_free(&L);
    html_parse_free(doc);
    /* A tag both too deep and too long goes whole; the one kept loses its extra attributes. */
    strbuf_reset(&text);
    strbuf_reset(&out);
    for (int k = 0; k < 2; k++) {
        strbuf_adds(&text, "<p><div");
        for (int i = 0; i < HTML_MAX_ATTRIBUTES + 2; i++)
            strbuf_adds(&text, " b");
        strbuf_adds(&text, ">");
    }
    assert_int_equal(html_depth_limit(text.buf, text.len, 1, &out), 1);
    /* "<p><div b b ... b >" (the blank before the first dropped one stays), then "<p>" */
    assert_int_equal(out.len, strlen("<p><div") + 2 * HTML_MAX_ATTRIBUTES + strlen(" ><p>"));
    strbuf_release(&text);
    strbuf_release(&out);
}

static void test_soft404(void **state)
{
    (void)state;
    assert_true(soft404_phrase_match("404 Not Found", "", 0));
    assert_true(soft404_phrase_match("页面不存在", "", 0));
    const char *body = "对不起，您访问的页面不存在！ 返回首页";
    assert_true(soft404_phrase_match("某市人民政府", body, strlen(body)));
    assert_false(soft404_phrase_match("国发〔2026〕4041号", "", 0)); /* a number, not 404 */
    assert_false(soft404_phrase_match("关于开展检查的通知", "正文内容", strlen("正文内容")));
    /* A long article quoting the phrase is not a soft 404. */
    struct strbuf longtext = STRBUF_INIT;
    for (int i = 0; i < 100; i++)
        strbuf_adds(&longtext, "正文内容很长。");
    strbuf_adds(&longtext, "页面不存在");
    assert_false(soft404_phrase_match("通知", longtext.buf, longtext.len));
    strbuf_release(&longtext);

    /* Signatures ignore echoed paths and numbers. */
    const char *a = "抱歉，找不到您访问的内容 /spotcheck-404-abc.html 2026-11-22";
    const char *b = "抱歉，找不到您访问的内容 /xxgk/old/123.html 2026-11-23";
    assert_int_equal(soft404_text_sig(a, strlen(a)), soft404_text_sig(b, strlen(b)));
    const char *c = "关于开展检查的通知 正文";
    assert_int_not_equal(soft404_text_sig(a, strlen(a)), soft404_text_sig(c, strlen(c)));
    assert_int_equal(soft404_text_sig("", 0), 0);

    struct soft404_fingerprint fp = {0};
    fp.active = 1;
    fp.text_sig = soft404_text_sig(a, strlen(a));
    assert_true(soft404_page_match(&fp, "http://x/", 0, "某市", b, strlen(b)));
    assert_false(soft404_page_match(&fp, "http://x/", 0, "某市", c, strlen(c)));
    fp.landing = strdup("http://x/404.html");
    assert_true(soft404_page_match(&fp, "http://x/404.html", 1, "某市", c, strlen(c)));
    assert_false(soft404_page_match(&fp, "http://x/404.html", 0, "某市", c, strlen(c)));
    soft404_fingerprint_free(&fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_charset_detection),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_hostile_input),
        cmocka_unit_test(test_hostile_depth),
        cmocka_unit_test(test_soft404),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

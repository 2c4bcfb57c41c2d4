/* test_identity: reading the footer identity (site code, ICP, 公安备案, badge, 找错, 主办单位)
 * from the regression footer page and from the other places a site code hides. */
#include "testutil.h"
#include "probes/content/identity.h"

#include <gumbo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void read_identity(const char *html, struct site_identity *id)
{
    GumboOutput *doc = gumbo_parse(html);
    memset(id, 0, sizeof *id);
    assert_int_equal(identity_find(doc->document, id), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
}

static void identity_clear(struct site_identity *id)
{
    free(id->site_code);
    free(id->icp);
    free(id->police_record);
    free(id->sponsor);
    memset(id, 0, sizeof *id);
}

static void identity_full_footer(void **state)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/pages/footer.html", test_src());
    char *text = test_read_file(path, NULL);
    assert_non_null(text);
    struct site_identity id;
    read_identity(text, &id);
    assert_string_equal(id.site_code, "4300000077"); /* the visible code beats the meta */
    assert_string_equal(id.icp, "湘ICP备05001234号-1");
    assert_string_equal(id.police_record, "湘公网安备 43010202000123号");
    assert_true(id.has_party_badge);
    assert_true(id.has_error_report);
    assert_string_equal(id.sponsor, "测试市人民政府办公室");
    identity_clear(&id);
    free(text);
}

static void identity_other_code_places(void **state)
{
    struct site_identity id;
    read_identity("<html><head><meta name='siteidcode' content='bm55000001'></head>"
                  "<body>主办：某某部办公厅</body></html>",
                  &id);
    assert_string_equal(id.site_code, "bm55000001");
    assert_string_equal(id.sponsor, "某某部办公厅");
    assert_null(id.icp);
    assert_null(id.police_record);
    assert_false(id.has_party_badge);
    assert_false(id.has_error_report);
    identity_clear(&id);

    read_identity("<body><script id='_jiucuo_' sitecode='11BM010009' src='/j.js'></script>"
                  "</body>",
                  &id);
    assert_string_equal(id.site_code, "11BM010009");
    assert_true(id.has_error_report);
    identity_clear(&id);

    /* empty meta (zibo), malformed codes, a code only in a number elsewhere */
    read_identity("<head><meta name='SiteIDCode' content=''></head><body>网站标识码：12345 "
                  "电话 4300000077</body>",
                  &id);
    assert_null(id.site_code);
    identity_clear(&id);
    read_identity("<body>网站标识码4412000025 粤ICP备15000266号-1</body>", &id);
    assert_string_equal(id.site_code, "4412000025");
    assert_string_equal(id.icp, "粤ICP备15000266号-1");
    identity_clear(&id);
    /* an absurd record number is cut, not copied whole */
    char big[4096] = "京ICP备";
    memset(big + strlen(big), '1', 3000);
    read_identity(big, &id);
    assert_non_null(id.icp);
    assert_true(strlen(id.icp) < 64);
    identity_clear(&id);
    read_identity("", &id);
    assert_null(id.site_code);
    assert_null(id.sponsor);
    identity_clear(&id);
}

static void identity_search_box(void **state)
{
    static const struct {
        const char *html;
        int search;
    } cases[] = {
        {"<form action='/jsearch/search.do'><input name='q'></form>", 1},
        {"<input type='text' name='searchword'>", 1},
        {"<input type='text' placeholder='请输入关键词搜索'>", 1},
        {"<button class='btn'>检索</button>", 1},
        {"<input type='image' src='go.gif' alt='搜索'>", 1},
        {"<form action='/login'><input name='user'></form>", 0},
        {"<p>搜索引擎优化</p>", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct site_identity id;
        read_identity(cases[i].html, &id);
        if (id.has_search != cases[i].search)
            fail_msg("case %zu: search %d", i, id.has_search);
        identity_clear(&id);
    }
}

static void identity_code_shapes(void **state)
{
    static const struct {
        const char *code;
        int valid;
    } cases[] = {
        {"4300000077", 1}, {"3406000012", 1}, {"bm55000001", 1},
        {"11BM010009", 1}, {"430000007", 0},  {"43000000777", 0},
        {"BM55000001", 0}, {"11bm010009", 0}, {"4300O00077", 0},
        {"", 0},           {NULL, 0},         {"1BM0100091", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(identity_code_valid(cases[i].code), cases[i].valid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identity_full_footer),
        cmocka_unit_test(identity_other_code_places),
        cmocka_unit_test(identity_code_shapes),
        cmocka_unit_test(identity_search_box),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

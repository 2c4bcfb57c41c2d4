/* farm_bench: `farm generate --profile bench`: ONE large plain site, www.bench.gov.cn, for
 * the crawler benchmark (served by nginx or by `farm serve`, so a plain static tree).
 *
 * P pages (index.html and p/<n>.html), each about 25 KB of Chinese text with about 85
 * links: a fixed navigation bar and 75 links to pseudo-random other pages, so the crawl
 * graph is connected (page n always links to n+1) and has many duplicate discoveries. */
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "tests/farm/farm.h"

#define BENCH_HOST "www.bench.gov.cn"
#define BENCH_LINKS 75

static void bench_page(const struct farm_opts *o, int n, int total, struct strbuf *out)
{
    struct farm_rng r;
    char salt[32];
    snprintf(salt, sizeof salt, "bench/%d", n);
    farm_rng_seed(&r, o->seed, salt);
    struct strbuf title = STRBUF_INIT;
    farm_text_title(&r, "测试", n % 6, &title);
    strbuf_addf(out,
                "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<title>%s</title>\n</head>\n<body>\n<div class=\"nav\"><ul>\n"
                "<li><a href=\"/\">首页</a></li>\n",
                title.buf);
    static const char *const nav[] = {"政府信息公开", "政策解读", "办事服务",
                                      "互动交流",     "新闻中心", "数据发布",
                                      "走进测试",     "专题专栏", "网站地图"};
    for (int i = 0; i < 9; i++)
        strbuf_addf(out, "<li><a href=\"/p/%d.html\">%s</a></li>\n", (i * 131 + 1) % total, nav[i]);
    strbuf_addf(out, "</ul></div>\n<h1>%s</h1>\n<div class=\"content\">\n", title.buf);
    farm_text_paragraphs(&r, "测试市", 6000, out);
    strbuf_adds(out, "</div>\n<ul class=\"related\">\n");
    for (int k = 0; k < BENCH_LINKS; k++) {
        int t = k == 0 ? (n + 1) % total : farm_rng_range(&r, 0, total - 1);
        strbuf_reset(&title);
        farm_text_title(&r, "测试", k % 6, &title);
        if (t == 0)
            strbuf_addf(out, "<li><a href=\"/\">%s</a></li>\n", title.buf);
        else
            strbuf_addf(out, "<li><a href=\"/p/%d.html\">%s</a></li>\n", t, title.buf);
    }
    strbuf_adds(out, "</ul>\n<div class=\"footer\">主办单位：测试市人民政府办公室　"
                     "网站标识码：4399000001</div>\n</body>\n</html>\n");
    strbuf_release(&title);
}

int farm_bench_generate(const struct farm_opts *o, struct sc_error *err)
{
    int total = o->bench_pages > 0 ? o->bench_pages : 5000;
    struct strbuf page = STRBUF_INIT, path = STRBUF_INIT;
    int rc = 0;
    for (int n = 0; !rc && n < total; n++) {
        strbuf_reset(&page);
        strbuf_reset(&path);
        bench_page(o, n, total, &page);
        if (n == 0)
            strbuf_addf(&path, "%s/sites/%s/index.html", o->out, BENCH_HOST);
        else
            strbuf_addf(&path, "%s/sites/%s/p/%d.html", o->out, BENCH_HOST, n);
        rc = page.failed || path.failed ? sc_fail(err, SC_ENOMEM, "out of memory")
                                        : farm_write_file(path.buf, page.buf, page.len, err);
    }
    /* the registry, truth and fault table of a one-site farm */
    struct farm_model m;
    struct farm_site site;
    memset(&m, 0, sizeof m);
    memset(&site, 0, sizeof site);
    m.opts = *o;
    m.sites = &site;
    m.nsites = 1;
    snprintf(site.host, sizeof site.host, BENCH_HOST);
    snprintf(site.url, sizeof site.url, "http://" BENCH_HOST "/");
    snprintf(site.code, sizeof site.code, "4399000001");
    snprintf(site.name, sizeof site.name, "测试市人民政府");
    snprintf(site.sponsor, sizeof site.sponsor, "测试市人民政府办公室");
    snprintf(site.region, sizeof site.region, "测试市");
    snprintf(site.contact, sizeof site.contact, "王建国");
    snprintf(site.phone, sizeof site.phone, "0731-88888888");
    snprintf(site.email, sizeof site.email, "webmaster@bench.gov.cn");
    site.level = "市级";
    site.portal = 1;
    site.status = "正常运行";
    site.served = 1;
    if (!rc)
        rc = farm_registry_write(&m, err);
    if (!rc)
        rc = farm_faults_write(&m, err);
    if (!rc) {
        struct json_writer w;
        strbuf_reset(&page);
        json_init(&w, &page, 1);
        json_object_begin(&w);
        json_kv_int(&w, "farm", 1);
        json_kv_string(&w, "seed", o->seed);
        json_kv_string(&w, "profile", "bench");
        json_kv_int(&w, "pages", total);
        json_kv_int(&w, "links_per_page", BENCH_LINKS + 10);
        json_key(&w, "sites");
        json_array_begin(&w);
        json_object_begin(&w);
        json_kv_string(&w, "host", BENCH_HOST);
        json_kv_string(&w, "url", site.url);
        json_kv_string(&w, "code", site.code);
        json_kv_bool(&w, "served", 1);
        json_kv_int(&w, "pages", total);
        json_object_end(&w);
        json_array_end(&w);
        json_object_end(&w);
        strbuf_addch(&page, '\n');
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/truth.json", o->out);
        rc = farm_write_file(path.buf, page.buf, page.len, err);
    }
    strbuf_release(&page);
    strbuf_release(&path);
    return rc;
}

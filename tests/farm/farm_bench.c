/* farm_bench: `farm generate --profile bench`: ONE large plain site, www.bench.gov.cn, for
 * the crawler benchmark (served by nginx or by `farm serve`, so a plain static tree).
 *
 * P pages in the shape of a CMS portal: the homepage (a block per column: its 8 newest items,
 * dated, and a 更多 link to its list), up to 9 columns whose lists are paged
 * (`/c<k>/index.html`, `index_1.html` …, 20 items a page, each page's pager linking 首页, 上一页,
 * a window of five numbers, 下一页 and 尾页: farm_pager), and articles `p/<n>.html` of about
 * 25 KB of Chinese text with 85 links (10 navigation links, the next article and 74 random
 * others). Articles are reached many ways; a list page past the fifth only through other
 * list pages, so a crawler that does not follow the pager misses them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "tests/farm/farm.h"

#define BENCH_HOST "www.bench.gov.cn"
#define BENCH_LINKS 75
#define BENCH_COLS 9
#define BENCH_HOME_ITEMS 8

static const char *const nav[BENCH_COLS] = {"政府信息公开", "政策解读", "办事服务",
                                            "互动交流",     "新闻中心", "数据发布",
                                            "走进测试",     "专题专栏", "网站地图"};

/* The site's shape: columns of consecutive articles 1..narticles. */
struct bench_site {
    int ncols, narticles;
    struct farm_column cols[BENCH_COLS];
    int first[BENCH_COLS]; /* number of each column's first article */
};

/* Splits P pages into 1 homepage, L list pages and A articles (A + L + 1 = P exactly): L is
 * the fewest list pages of 20 items that hold the articles; each column's article count is
 * then trimmed so it needs exactly its share of list pages. */
static void bench_shape(int total, struct bench_site *b)
{
    memset(b, 0, sizeof *b);
    int lists = (total - 1 + FARM_PER_LIST_PAGE) / (FARM_PER_LIST_PAGE + 1);
    b->narticles = total - 1 - lists;
    b->ncols = lists < BENCH_COLS ? lists : BENCH_COLS;
    int spare = lists * FARM_PER_LIST_PAGE - b->narticles; /* 0..20 */
    for (int c = 0, next = 1; c < b->ncols; c++) {
        struct farm_column *col = &b->cols[c];
        int l = lists / b->ncols + (c < lists % b->ncols);
        int cap = l == 1 ? FARM_PER_LIST_PAGE : FARM_PER_LIST_PAGE - 1; /* keeps l pages */
        int trim = spare < cap ? spare : cap;
        spare -= trim;
        snprintf(col->slug, sizeof col->slug, "c%d", c);
        snprintf(col->name, sizeof col->name, "%s", nav[c]);
        col->nitems = l * FARM_PER_LIST_PAGE - trim;
        col->per_page = FARM_PER_LIST_PAGE;
        b->first[c] = next;
        next += col->nitems;
    }
}

static void bench_head(const struct bench_site *b, const char *title, struct strbuf *out)
{
    strbuf_addf(out,
                "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<title>%s</title>\n</head>\n<body>\n<div class=\"nav\"><ul>\n"
                "<li><a href=\"/\">首页</a></li>\n",
                title);
    for (int i = 0; i < BENCH_COLS; i++) {
        if (b->ncols)
            strbuf_addf(out, "<li><a href=\"/c%d/index.html\">%s</a></li>\n", i % b->ncols, nav[i]);
        else
            strbuf_addf(out, "<li><a href=\"/\">%s</a></li>\n", nav[i]);
    }
    strbuf_adds(out, "</ul></div>\n");
}

static const char bench_foot[] = "<div class=\"footer\">主办单位：测试市人民政府办公室　"
                                 "网站标识码：4399000001</div>\n</body>\n</html>\n";

static void article_title(const struct farm_opts *o, int n, struct strbuf *out)
{
    struct farm_rng r;
    char salt[32];
    snprintf(salt, sizeof salt, "bench/%d", n);
    farm_rng_seed(&r, o->seed, salt);
    farm_text_title(&r, "测试", n % 6, out);
}

/* An item of column c: article i of the column (0 = the newest), dated one day apart from
 * as-of back, as a homepage block or a list page shows it. */
static void column_item(const struct farm_opts *o, const struct bench_site *b, int c, int i,
                        struct strbuf *out)
{
    struct strbuf title = STRBUF_INIT;
    char date[32];
    article_title(o, b->first[c] + i, &title);
    farm_date_format(o->as_of - i, FARM_D_ISO, 0, date, sizeof date);
    strbuf_addf(
        out,
        "<li><a href=\"/p/%d.html\" target=\"_blank\">%s</a><span class=\"date\">%s</span></li>\n",
        b->first[c] + i, title.buf, date);
    strbuf_release(&title);
}

/* The homepage (n = 0: text, then a block per column) or article n (text, then 75 related
 * links). */
static void bench_article(const struct farm_opts *o, const struct bench_site *b, int n,
                          struct strbuf *out)
{
    struct farm_rng r;
    char salt[32];
    snprintf(salt, sizeof salt, "bench/%d", n);
    farm_rng_seed(&r, o->seed, salt);
    struct strbuf title = STRBUF_INIT;
    farm_text_title(&r, "测试", n % 6, &title);
    bench_head(b, n ? title.buf : "测试市人民政府", out);
    strbuf_addf(out, "<h1>%s</h1>\n<div class=\"content\">\n", title.buf);
    farm_text_paragraphs(&r, "测试市", 6000, out);
    strbuf_adds(out, "</div>\n");
    if (n == 0) { /* the homepage: a block per column, its newest items and 更多 */
        for (int c = 0; c < b->ncols; c++) {
            strbuf_addf(out,
                        "<div class=\"news-box\">\n<div class=\"box-hd\"><h3>%s</h3>"
                        "<a class=\"more\" href=\"/c%d/index.html\">更多&gt;&gt;</a></div>\n"
                        "<ul class=\"list\">\n",
                        b->cols[c].name, c);
            for (int i = 0; i < b->cols[c].nitems && i < BENCH_HOME_ITEMS; i++)
                column_item(o, b, c, i, out);
            strbuf_adds(out, "</ul>\n</div>\n");
        }
    } else {
        strbuf_adds(out, "<ul class=\"related\">\n");
        for (int k = 0; k < BENCH_LINKS; k++) {
            int t = k == 0 ? n % b->narticles + 1 : farm_rng_range(&r, 0, b->narticles);
            strbuf_reset(&title);
            farm_text_title(&r, "测试", k % 6, &title);
            if (t == 0)
                strbuf_addf(out, "<li><a href=\"/\">%s</a></li>\n", title.buf);
            else
                strbuf_addf(out, "<li><a href=\"/p/%d.html\">%s</a></li>\n", t, title.buf);
        }
        strbuf_adds(out, "</ul>\n");
    }
    strbuf_adds(out, bench_foot);
    strbuf_release(&title);
}

/* List page p of column c: its 20 items and the pager. */
static void bench_list(const struct farm_opts *o, const struct bench_site *b, int c, int p,
                       struct strbuf *out)
{
    const struct farm_column *col = &b->cols[c];
    bench_head(b, col->name, out);
    strbuf_addf(out, "<h2>%s</h2>\n<ul class=\"list\">\n", col->name);
    for (int i = p * col->per_page; i < col->nitems && i < (p + 1) * col->per_page; i++)
        column_item(o, b, c, i, out);
    int pages = farm_column_pages(col);
    strbuf_addf(out, "</ul>\n<div class=\"page\">共%d条 共%d页 当前第%d页 ", col->nitems, pages,
                p + 1);
    farm_pager(col, p, pages, out);
    strbuf_adds(out, "</div>\n");
    strbuf_adds(out, bench_foot);
}

static long count_links(const struct strbuf *page)
{
    long n = 0;
    for (const char *p = page->buf; (p = strstr(p, "href=\"")); p++)
        n++;
    return n;
}

static int bench_write(const struct farm_opts *o, const char *path, const struct strbuf *page,
                       struct strbuf *urls, struct sc_error *err)
{
    struct strbuf file = STRBUF_INIT;
    strbuf_addf(&file, "%s/sites/%s%s", o->out, BENCH_HOST, path);
    strbuf_addf(urls, "http://%s%s\n", BENCH_HOST, strcmp(path, "/index.html") ? path : "/");
    int rc = page->failed || file.failed || urls->failed
                 ? sc_fail(err, SC_ENOMEM, "out of memory")
                 : farm_write_file(file.buf, page->buf, page->len, err);
    strbuf_release(&file);
    return rc;
}

/* Every page of the site into DIR/sites/<host>/, their URLs into urls; *links counts the
 * link occurrences (href) over all pages. */
static int bench_pages(const struct farm_opts *o, const struct bench_site *b, struct strbuf *urls,
                       long *links, struct sc_error *err)
{
    struct strbuf page = STRBUF_INIT, path = STRBUF_INIT;
    int rc = 0;
    *links = 0;
    bench_article(o, b, 0, &page);
    *links += count_links(&page);
    rc = bench_write(o, "/index.html", &page, urls, err);
    for (int c = 0; !rc && c < b->ncols; c++)
        for (int p = 0; !rc && p < farm_column_pages(&b->cols[c]); p++) {
            strbuf_reset(&page);
            strbuf_reset(&path);
            bench_list(o, b, c, p, &page);
            farm_list_path(&b->cols[c], p, &path);
            *links += count_links(&page);
            rc = bench_write(o, path.buf, &page, urls, err);
        }
    for (int n = 1; !rc && n <= b->narticles; n++) {
        strbuf_reset(&page);
        strbuf_reset(&path);
        bench_article(o, b, n, &page);
        strbuf_addf(&path, "/p/%d.html", n);
        *links += count_links(&page);
        rc = bench_write(o, path.buf, &page, urls, err);
    }
    strbuf_release(&page);
    strbuf_release(&path);
    return rc;
}

static int bench_truth(const struct farm_opts *o, const struct bench_site *b, int total, long links,
                       struct sc_error *err)
{
    struct strbuf sb = STRBUF_INIT, path = STRBUF_INIT;
    struct json_writer w;
    json_init(&w, &sb, 1);
    json_object_begin(&w);
    json_kv_int(&w, "farm", 1);
    json_kv_string(&w, "seed", o->seed);
    json_kv_string(&w, "profile", "bench");
    json_kv_int(&w, "pages", total);
    json_kv_int(&w, "list_pages", total - 1 - b->narticles);
    json_kv_int(&w, "articles", b->narticles);
    json_kv_int(&w, "links", links);
    json_kv_int(&w, "links_per_page", (links + total / 2) / total);
    json_key(&w, "sites");
    json_array_begin(&w);
    json_object_begin(&w);
    json_kv_string(&w, "host", BENCH_HOST);
    json_kv_string(&w, "url", "http://" BENCH_HOST "/");
    json_kv_string(&w, "code", "4399000001");
    json_kv_bool(&w, "served", 1);
    json_kv_int(&w, "pages", total);
    json_kv_int(&w, "reachable_pages", total);
    json_object_end(&w);
    json_array_end(&w);
    json_object_end(&w);
    strbuf_addch(&sb, '\n');
    strbuf_addf(&path, "%s/truth.json", o->out);
    int rc = sb.failed || path.failed ? sc_fail(err, SC_ENOMEM, "out of memory")
                                      : farm_write_file(path.buf, sb.buf, sb.len, err);
    strbuf_release(&sb);
    strbuf_release(&path);
    return rc;
}

int farm_bench_generate(const struct farm_opts *o, struct sc_error *err)
{
    int total = o->bench_pages > 0 ? o->bench_pages : 5000;
    struct bench_site b;
    bench_shape(total, &b);
    struct strbuf urls = STRBUF_INIT, path = STRBUF_INIT;
    long links = 0;
    int rc = bench_pages(o, &b, &urls, &links, err);
    if (!rc) {
        strbuf_addf(&path, "%s/pages.txt", o->out);
        rc = path.failed ? sc_fail(err, SC_ENOMEM, "out of memory")
                         : farm_write_file(path.buf, urls.buf, urls.len, err);
    }
    strbuf_release(&urls);
    strbuf_release(&path);
    /* the registry and fault table of a one-site farm */
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
    if (!rc)
        rc = bench_truth(o, &b, total, links, err);
    return rc;
}

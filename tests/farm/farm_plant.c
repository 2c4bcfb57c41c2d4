/* farm_plant: plants the broken links and the traps of the farm (see docs/farm.md).
 *
 * Every kind goes at least once onto the plain served sites (running, not flaky), round robin,
 * half on a homepage and half on the newest article of the site's first non-blank column; then
 * some extra 404s and soft 404s at random. A link records what the server must do at its path
 * (farm_link.fault), so faults.json is written from the same place as truth.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/farm/farm.h"

static struct farm_link *link_add(struct farm_site *s)
{
    if (s->nlinks == s->alinks) {
        int na = s->alinks ? s->alinks * 2 : 16;
        struct farm_link *nl = realloc(s->links, (size_t)na * sizeof *nl);
        if (!nl)
            return NULL;
        s->links = nl;
        s->alinks = na;
    }
    struct farm_link *l = &s->links[s->nlinks++];
    memset(l, 0, sizeof *l);
    return l;
}

enum plant {
    P_404,
    P_SOFT404,
    P_410,
    P_500,
    P_503,
    P_LOOP,
    P_TOOMANY,
    P_DNS,
    P_STALL,
    P_RESET,
    P_HUGE,
    P_GZIP,
    P_DRIP,
    P_CONNECT,
    P_NBROKEN,
    T_REDIRECT = P_NBROKEN,
    T_HEAD405,
    T_429,
    T_FRAGMENT,
    T_DOTS,
    T_CHINESE,
    T_EXTERNAL,
    P_NALL
};

/* What each planted kind looks like. In path, {n} stands for a random number and {col} for
 * the slug of the site's first column; a NULL path means an absolute URL chosen in plant(). */
struct plant_spec {
    const char *path, *anchor, *reason, *expected, *fault;
};
static const struct plant_spec plant_specs[P_NALL] = {
    [P_404] = {"/{col}/201905/t20190512_{n}.html", "关于开展2019年度政务公开工作的通知", "http_404",
               "broken", "status"},
    [P_SOFT404] = {"/xxgk/old/{n}.html", "政府信息公开年报（旧版）", "soft_404", "broken",
                   "soft_404"},
    [P_410] = {"/zt/2018zt{n}/index.html", "2018年专题专栏", "http_410", "broken", "status"},
    [P_500] = {"/cms/search{n}.jsp?keyword=", "站内搜索", "http_500", "suspected", "status"},
    [P_503] = {"/interact/mailbox{n}.jsp", "领导信箱", "http_503", "suspected", "status"},
    [P_LOOP] = {"/loop{n}/a.html", "在线访谈", "redirect_loop", "broken", "redirect"},
    [P_TOOMANY] = {"/jump{n}/go.html", "网上调查", "too_many_redirects", "broken", "endless"},
    [P_DNS] = {NULL, "原政府网站（旧版）", "dns", "broken", NULL},
    [P_STALL] = {"/data/export{n}.jsp", "数据开放", "timeout", "suspected", "stall"},
    [P_RESET] = {"/files/report{n}.html", "工作报告全文", "reset", "suspected", "reset"},
    [P_HUGE] = {"/files/archive{n}.html", "历史档案汇编", "too_large", "suspected", "huge"},
    [P_GZIP] = {"/files/compressed{n}.html", "统计年鉴", "too_large", "suspected", "gzip_bomb"},
    [P_DRIP] = {"/files/slow{n}.html", "视频点播", "timeout", "suspected", "drip"},
    [P_CONNECT] = {NULL, "相关单位网站", "connect", "suspected", NULL},
    [T_REDIRECT] = {"/old{n}/index.html", "旧版栏目", "redirect_ok", NULL, "redirect"},
    [T_HEAD405] = {"/uploads/guide{n}.pdf", "办事指南下载", "head_405", NULL, "head_405"},
    [T_429] = {"/api/hot{n}.html", "热点排行", "retry_after_429", NULL, "retry_429"},
    [T_FRAGMENT] = {"/{col}/index.html#content", "跳转到正文", "fragment", NULL, NULL},
    [T_DOTS] = {"/a/../{col}/./index.html", "栏目首页", "dot_segments", NULL, NULL},
    [T_CHINESE] = {"/附件/办事指南{n}.pdf", "办事指南（中文路径）", "chinese_path", NULL, NULL},
    [T_EXTERNAL] = {NULL, "兄弟单位网站", "external_ok", NULL, NULL}};

/* Expands {n} and {col} of a plant_spec path. */
static void plant_path(const char *tmpl, int n, const char *col, char *out, size_t size)
{
    struct strbuf sb = STRBUF_INIT;
    for (const char *p = tmpl; *p; p++) {
        if (!strncmp(p, "{n}", 3)) {
            strbuf_addf(&sb, "%d", n);
            p += 2;
        } else if (!strncmp(p, "{col}", 5)) {
            strbuf_adds(&sb, col);
            p += 4;
        } else {
            strbuf_addch(&sb, *p);
        }
    }
    snprintf(out, size, "%s", sb.buf);
    strbuf_release(&sb);
}

/* The URL a careful client requests for an on-site href: dot segments removed, no fragment,
 * a Chinese path percent-encoded as UTF-8. */
static void plant_url(const struct farm_site *s, int kind, const char *path, char *out, size_t size)
{
    struct strbuf u = STRBUF_INIT;
    strbuf_addf(&u, "http://%s", s->host);
    if (kind == T_DOTS || kind == T_FRAGMENT)
        strbuf_addf(&u, "/%s/index.html", s->cols[0].slug);
    else
        for (const unsigned char *p = (const unsigned char *)path; *p; p++)
            if (*p >= 0x80)
                strbuf_addf(&u, "%%%02X", *p);
            else
                strbuf_addch(&u, *p);
    snprintf(out, size, "%s", u.buf);
    strbuf_release(&u);
}

static int plant(struct farm_site *s, int kind, int on_home, struct farm_rng *r,
                 const char *down_url, const char *other_url)
{
    const struct plant_spec *spec = &plant_specs[kind];
    struct strbuf page = STRBUF_INIT;
    if (on_home)
        strbuf_adds(&page, "/");
    else
        farm_link_page_path(s, &page);
    struct farm_link *l = link_add(s);
    if (!l) {
        strbuf_release(&page);
        return SC_ENOMEM;
    }
    l->on_home = !strcmp(page.buf, "/");
    snprintf(l->found_on, sizeof l->found_on, "http://%s%s", s->host, page.buf);
    strbuf_release(&page);
    int n = farm_rng_range(r, 100, 999);
    l->reason = spec->reason;
    l->expected = spec->expected;
    l->fault = spec->fault;
    l->trap = kind >= P_NBROKEN;
    snprintf(l->anchor, sizeof l->anchor, "%s", spec->anchor);
    if (!spec->path) {
        const char *abs = kind == P_DNS       ? (n % 2 ? "http://www.oldsite-nosuch.gov.cn/"
                                                       : "http://bbs.nosuch-forum.gov.cn/")
                          : kind == P_CONNECT ? down_url
                                              : other_url;
        snprintf(l->href, sizeof l->href, "%s", abs);
        snprintf(l->url, sizeof l->url, "%s", abs);
        return 0;
    }
    const char *tmpl = spec->path;
    if (kind == P_404 && n % 5 < 2) { /* a missing image or attachment instead of a page */
        tmpl = n % 5 ? "/uploads/2019/fj{n}.pdf" : "/images/banner_{n}.jpg";
        l->image = n % 5 == 0;
        snprintf(l->anchor, sizeof l->anchor, "%s", l->image ? "专题图片" : "附件：申报表.pdf");
    }
    plant_path(tmpl, n, s->cols[0].slug, l->href, sizeof l->href);
    plant_url(s, kind, l->href, l->url, sizeof l->url);
    return 0;
}

static int site_plant_extra(struct farm_site *s, struct farm_rng *r)
{
    int rc = 0;
    if (farm_rng_chance(r, 0.5))
        rc = plant(s, P_404, farm_rng_chance(r, 0.5), r, NULL, NULL);
    if (!rc && farm_rng_chance(r, 0.3))
        rc = plant(s, P_SOFT404, farm_rng_chance(r, 0.5), r, NULL, NULL);
    return rc;
}

int farm_plant_links(struct farm_model *m, const char *down_url, struct farm_rng *r)
{
    int plain[256], np = 0;
    for (int i = 0; i < m->nsites && np < 256; i++)
        if (m->sites[i].served && m->sites[i].flaky == 0 && !strcmp(m->sites[i].status, "正常运行"))
            plain[np++] = i;
    for (int k = 0; np > 0 && k < P_NALL; k++) {
        if (k == P_CONNECT && !down_url)
            continue;
        struct farm_site *s = &m->sites[plain[(k * 7) % np]];
        const char *other = m->sites[plain[(k * 7 + 1) % np]].url;
        int rc = plant(s, k, k % 2 == 0, r, down_url, other);
        if (rc)
            return rc;
    }
    for (int i = 0; i < np; i++) {
        int rc = site_plant_extra(&m->sites[plain[i]], r);
        if (rc)
            return rc;
    }
    return 0;
}

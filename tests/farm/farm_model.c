/* farm_model: builds the in-memory model of the farm from the options and the seed.
 *
 * Which sites exist (one province, Hunan: the provincial portal, city and county portals,
 * department sites), their registry record, their look (layout, charset, date style), their
 * columns with dated items, the content defects (stale and blank columns, stale homepages,
 * missing sections and site codes); farm_plant.c adds the broken links and traps. The
 * renderer, the truth and the fault table are all written from this one model, so they
 * cannot disagree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "tests/farm/farm.h"

struct region {
    const char *code, *full, *place, *pinyin, *level, *parent;
};

static const struct region province = {"430000", "湖南省", "湖南", "hunan", "省级", "湖南省"};
static const struct region cities[] = {
    {"430100", "长沙市", "长沙", "changsha", "市级", "长沙市"},
    {"430200", "株洲市", "株洲", "zhuzhou", "市级", "株洲市"},
    {"430300", "湘潭市", "湘潭", "xiangtan", "市级", "湘潭市"},
    {"430400", "衡阳市", "衡阳", "hengyang", "市级", "衡阳市"},
    {"430500", "邵阳市", "邵阳", "shaoyang", "市级", "邵阳市"},
    {"430600", "岳阳市", "岳阳", "yueyang", "市级", "岳阳市"},
    {"430700", "常德市", "常德", "changde", "市级", "常德市"},
    {"430800", "张家界市", "张家界", "zjj", "市级", "张家界市"},
    {"430900", "益阳市", "益阳", "yiyang", "市级", "益阳市"},
    {"431000", "郴州市", "郴州", "czs", "市级", "郴州市"},
    {"431100", "永州市", "永州", "yzcity", "市级", "永州市"},
    {"431200", "怀化市", "怀化", "huaihua", "市级", "怀化市"},
    {"431300", "娄底市", "娄底", "hnloudi", "市级", "娄底市"},
    {"433100", "湘西土家族苗族自治州", "湘西州", "xxz", "市级", "湘西土家族苗族自治州"}};
static const struct region counties[] = {
    {"430121", "长沙县", "长沙县", "csx", "县级", "长沙市"},
    {"430181", "浏阳市", "浏阳", "liuyang", "县级", "长沙市"},
    {"430182", "宁乡市", "宁乡", "ningxiang", "县级", "长沙市"},
    {"430281", "醴陵市", "醴陵", "liling", "县级", "株洲市"},
    {"430223", "攸县", "攸县", "youxian", "县级", "株洲市"},
    {"430382", "韶山市", "韶山", "shaoshan", "县级", "湘潭市"},
    {"430481", "耒阳市", "耒阳", "leiyang", "县级", "衡阳市"},
    {"430681", "汨罗市", "汨罗", "miluo", "县级", "岳阳市"},
    {"430725", "桃源县", "桃源", "taoyuan", "县级", "常德市"},
    {"430821", "慈利县", "慈利", "cili", "县级", "张家界市"},
    {"431081", "资兴市", "资兴", "zixing", "县级", "郴州市"},
    {"433101", "吉首市", "吉首", "jishou", "县级", "湘西土家族苗族自治州"},
    {"431382", "涟源市", "涟源", "lianyuan", "县级", "娄底市"},
    {"431281", "洪江市", "洪江", "hongjiang", "县级", "怀化市"}};

struct dept {
    const char *slug, *name;
};
static const struct dept prov_depts[] = {
    {"jyt", "教育厅"},     {"wjw", "卫生健康委员会"},       {"fgw", "发展和改革委员会"},
    {"czt", "财政厅"},     {"rst", "人力资源和社会保障厅"}, {"zjt", "住房和城乡建设厅"},
    {"jtt", "交通运输厅"}, {"sthjt", "生态环境厅"}};
static const struct dept city_depts[] = {{"jyj", "教育局"},
                                         {"wjw", "卫生健康委员会"},
                                         {"fgw", "发展和改革委员会"},
                                         {"czj", "财政局"},
                                         {"rsj", "人力资源和社会保障局"},
                                         {"zjj", "住房和城乡建设局"},
                                         {"scjgj", "市场监督管理局"},
                                         {"mzj", "民政局"},
                                         {"tjj", "统计局"},
                                         {"yjj", "应急管理局"}};

/* The big province (more than the 177 sites above, for bench/round): each city and county
 * also has the sites of these departments and towns, in a stream of their own appended after
 * the sites above, so a farm of up to 177 sites is what it always was. */
static const struct dept more_depts[] = {
    {"gaj", "公安局"},           {"sfj", "司法局"},
    {"zrzyj", "自然资源局"},     {"nyncj", "农业农村局"},
    {"slj", "水利局"},           {"swj", "商务局"},
    {"wlj", "文化旅游广电局"},   {"tyjrj", "退役军人事务局"},
    {"sjj", "审计局"},           {"lyj", "林业局"},
    {"ybj", "医疗保障局"},       {"cgj", "城市管理局"},
    {"jtj", "交通运输局"},       {"kjj", "科学技术局"},
    {"gxj", "工业和信息化局"},   {"mzzjj", "民族宗教事务局"},
    {"xfj", "信访局"},           {"rfb", "人民防空办公室"},
    {"qxj", "气象局"},           {"dag", "档案馆"},
    {"xzspj", "行政审批服务局"}, {"jgswj", "机关事务管理局"},
    {"lsj", "粮食和物资储备局"}, {"tyj", "体育局"},
    {"sjzyj", "数据资源局"},     {"gzw", "国有资产监督管理委员会"},
    {"xmj", "畜牧水产局"},       {"jyjcj", "就业服务局"},
    {"zfcgzx", "政府采购中心"},  {"ggzy", "公共资源交易中心"},
    {"sthjj", "生态环境局"},     {"hbj", "海关办事处"},
    {"tjdd", "统计调查队"},      {"xcb", "乡村振兴局"},
    {"lyfzw", "旅游发展委员会"}, {"zgj", "招商合作局"},
    {"ylbz", "医疗救助中心"},    {"fpb", "扶贫开发办公室"},
    {"wsjd", "卫生监督所"},      {"gxs", "供销合作社"}};
static const struct dept towns[] = {
    {"cgz", "城关镇"}, {"bsz", "白沙镇"}, {"qsz", "青山镇"}, {"smz", "石门镇"}, {"ltz", "龙潭镇"},
    {"jjz", "金井镇"}, {"clx", "长乐乡"}, {"xhx", "新华乡"}, {"dpx", "大坪乡"}, {"htz", "黄土镇"},
    {"hsz", "花山镇"}, {"yhz", "永和镇"}, {"tpz", "太平镇"}, {"dfz", "东风镇"}, {"xsz", "西山镇"},
    {"nyz", "南岳镇"}, {"bhz", "北湖镇"}, {"jlx", "江口乡"}, {"hkz", "河口镇"}, {"sqz", "双桥镇"},
    {"lqz", "柳桥镇"}, {"tsx", "桃树乡"}, {"yxz", "杨溪镇"}, {"zjz", "朱家镇"}, {"wjz", "王家镇"},
    {"ljx", "李家乡"}, {"zqz", "张桥镇"}, {"czz", "陈庄镇"}, {"hpz", "和平镇"}, {"xyz", "兴隆镇"},
    {"fxz", "丰溪镇"}, {"gtz", "高塘镇"}, {"shz", "沙河镇"}, {"mtz", "马头镇"}, {"ypx", "鱼坪乡"},
    {"stz", "三塘镇"}, {"wlz", "五里镇"}, {"qlz", "七里镇"}, {"jxz", "九溪镇"}, {"bzz", "宝庄镇"}};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *const farm_aux_hosts[] = {"bszs.conac.cn",    "zfwzzc.www.gov.cn", "beian.miit.gov.cn",
                                      "www.beian.gov.cn", FARM_SERVICE_HOST,   NULL};

int farm_aux_host_served(const struct farm_model *m, const char *host)
{
    /* the bench profile's output stays as it was before the service platform was added */
    return m->opts.profile != FARM_PROFILE_BENCH || strcmp(host, FARM_SERVICE_HOST) != 0;
}

const char *farm_cat_name(int cat)
{
    static const char *const n[] = {"news", "notice", "policy", "personnel", "plan", "other"};
    return n[cat];
}

int farm_cat_limit(int cat)
{
    static const int lim[] = {14, 183, 183, 365, 365, 0};
    return lim[cat];
}

long farm_column_latest(const struct farm_column *c)
{
    return c->nitems ? c->dates[0] : -1;
}

long farm_site_home_latest(const struct farm_site *s)
{
    long best = -1;
    for (int i = 0; i < s->ncols; i++)
        if (s->cols[i].home_items > 0 && s->cols[i].dates[0] > best)
            best = s->cols[i].dates[0];
    return best;
}

long farm_site_second_latest(const struct farm_site *s, struct strbuf *out)
{
    long best = -1;
    int col = -1;
    for (int i = 0; i < s->ncols; i++)
        if (s->cols[i].nitems > 0 && s->cols[i].dates[0] > best) {
            best = s->cols[i].dates[0];
            col = i;
        }
    if (out && col >= 0)
        farm_list_path(&s->cols[col], 0, out);
    return best;
}

void farm_section_url(const struct farm_site *s, int sec, struct strbuf *out)
{
    if (s->sections[sec].offsite)
        strbuf_addf(out, "http://%s/portal/%s/", FARM_SERVICE_HOST, s->code);
    else
        strbuf_addf(out, "http://%s/%s/", s->host, s->sections[sec].slug);
}

int farm_column_pages(const struct farm_column *c)
{
    int p = (c->nitems + c->per_page - 1) / c->per_page;
    return p < 1 ? 1 : p;
}

void farm_pager(const struct farm_column *c, int page, int pages, struct strbuf *out)
{
    struct strbuf p = STRBUF_INIT;
    int first = page - FARM_PAGER_NUMBERS / 2; /* the window, slid back inside 0..pages-1 */
    if (first > pages - FARM_PAGER_NUMBERS)
        first = pages - FARM_PAGER_NUMBERS;
    if (first < 0)
        first = 0;
    /* k: 0 首页, 1 上一页, 2.. the numbers, then 下一页 and 尾页 */
    for (int k = 0; k < FARM_PAGER_NUMBERS + 4; k++) {
        int num = k - 2 + first, target;
        const char *name = NULL;
        char label[16];
        if (k == 0)
            target = 0, name = "首页";
        else if (k == 1)
            target = page - 1, name = "上一页";
        else if (k == FARM_PAGER_NUMBERS + 2)
            target = page + 1, name = "下一页";
        else if (k == FARM_PAGER_NUMBERS + 3)
            target = pages - 1, name = "尾页";
        else if (num < pages)
            target = num;
        else
            continue; /* fewer pages than the window */
        if (!name) {
            snprintf(label, sizeof label, "%d", target + 1);
            name = label;
        }
        if (target < 0 || target >= pages || target == page) {
            strbuf_addf(out, "<span%s>%s</span> ", name == label ? " class=\"current\"" : "", name);
            continue;
        }
        strbuf_reset(&p);
        farm_list_path(c, target, &p);
        strbuf_addf(out, "<a href=\"%s\">%s</a> ", p.buf, name);
    }
    strbuf_release(&p);
}

void farm_list_path(const struct farm_column *c, int p, struct strbuf *out)
{
    if (p == 0)
        strbuf_addf(out, "/%s/index.html", c->slug);
    else
        strbuf_addf(out, "/%s/index_%d.html", c->slug, p);
}

void farm_article_path(const struct farm_column *c, int i, struct strbuf *out)
{
    int y, mo, d;
    sc_civil_from_days(c->dates[i], &y, &mo, &d);
    strbuf_addf(out, "/%s/%04d%02d/t%04d%02d%02d_%d.html", c->slug, y, mo, y, mo, d, c->seq[i]);
}

void farm_link_page_path(const struct farm_site *s, struct strbuf *out)
{
    for (int i = 0; i < s->ncols; i++)
        if (s->cols[i].nitems > 0) {
            farm_article_path(&s->cols[i], 0, out);
            return;
        }
    strbuf_adds(out, "/");
}

const char *farm_header_charset(const struct farm_site *s)
{
    switch (s->decl) {
    case FARM_DECL_META:
    case FARM_DECL_GB2312:
        return "";
    case FARM_DECL_WRONG:
        return "utf-8";
    default:
        return s->gbk ? "gbk" : "utf-8";
    }
}

const char *farm_meta_charset(const struct farm_site *s)
{
    switch (s->decl) {
    case FARM_DECL_HEADER:
        return NULL;
    case FARM_DECL_GB2312:
        return "gb2312";
    default:
        return s->gbk ? "gbk" : "utf-8";
    }
}

/* ---- choosing the sites ---- */

struct candidate {
    const struct region *r;
    const struct dept *d; /* NULL for a portal */
    int town;             /* d is a town (a portal of its own) */
};

static void site_fill(struct farm_site *s, const struct candidate *c, struct farm_rng *r)
{
    const struct region *g = c->r;
    s->portal = c->d == NULL || c->town;
    s->level = g->level;
    snprintf(s->region, sizeof s->region, "%s", g->parent);
    snprintf(s->place, sizeof s->place, "%s", g->place);
    if (c->town) {
        snprintf(s->host, sizeof s->host, "%s.%s.gov.cn", c->d->slug, g->pinyin);
        snprintf(s->name, sizeof s->name, "%s%s人民政府", g->full, c->d->name);
        snprintf(s->sponsor, sizeof s->sponsor, "%s%s人民政府", g->full, c->d->name);
    } else if (s->portal) {
        snprintf(s->host, sizeof s->host, "www.%s.gov.cn", g->pinyin);
        snprintf(s->name, sizeof s->name, "%s人民政府", g->full);
        snprintf(s->sponsor, sizeof s->sponsor, "%s人民政府办公%s", g->full,
                 strcmp(g->level, "县级") ? "厅" : "室");
    } else {
        snprintf(s->host, sizeof s->host, "%s.%s.gov.cn", c->d->slug, g->pinyin);
        snprintf(s->name, sizeof s->name, "%s%s", g->full, c->d->name);
        snprintf(s->sponsor, sizeof s->sponsor, "%s", s->name);
    }
    snprintf(s->url, sizeof s->url, "http://%s/", s->host);
    struct strbuf sb = STRBUF_INIT;
    farm_text_person(r, &sb);
    snprintf(s->contact, sizeof s->contact, "%s", sb.buf);
    strbuf_release(&sb);
    snprintf(s->phone, sizeof s->phone, "0731-%d", farm_rng_range(r, 82000000, 89999999));
    if (farm_rng_chance(r, 0.7))
        snprintf(s->email, sizeof s->email, "webmaster@%s", s->host + (s->portal ? 4 : 0));
    else
        snprintf(s->email, sizeof s->email, "%s%d@163.com", g->pinyin, farm_rng_range(r, 10, 99));
    snprintf(s->icp, sizeof s->icp, "湘ICP备%08d号", farm_rng_range(r, 1000000, 19999999));
    snprintf(s->psb, sizeof s->psb, "湘公网安备 %s02%09d号", g->code,
             farm_rng_range(r, 1000000, 99999999));
}

/* A small number naming a region, for the per-division sequence counters. */
static int region_index(const struct region *g)
{
    for (int i = 0; i < NELEM(cities); i++)
        if (g == &cities[i])
            return 1 + i;
    for (int i = 0; i < NELEM(counties); i++)
        if (g == &counties[i])
            return 100 + i;
    return 0;
}

static void candidates_shuffle(struct candidate *c, int n, struct farm_rng *r)
{
    for (int i = n - 1; i > 0; i--) {
        int j = farm_rng_range(r, 0, i);
        struct candidate t = c[i];
        c[i] = c[j];
        c[j] = t;
    }
}

static int cmp_sites(const void *a, const void *b)
{
    const struct farm_site *x = a, *y = b;
    return strcmp(x->code, y->code);
}

/* ---- columns ---- */

struct colspec {
    const char *name, *slug;
    int cat;
};
static const struct colspec portal_cols[] = {
    {"*要闻", "yw", FARM_NEWS},           {"政务动态", "zwdt", FARM_NEWS},
    {"部门动态", "bmdt", FARM_NEWS},      {"县区动态", "xqdt", FARM_NEWS},
    {"公示公告", "gsgg", FARM_NOTICE},    {"政策文件", "zcwj", FARM_POLICY},
    {"规范性文件", "gfxwj", FARM_POLICY}, {"人事信息", "rsxx", FARM_PERSONNEL},
    {"规划计划", "ghjh", FARM_PLAN},      {"统计信息", "tjxx", FARM_OTHER},
    {"财政资金", "czzj", FARM_OTHER}};
static const struct colspec dept_cols[] = {
    {"工作动态", "gzdt", FARM_NEWS},      {"基层动态", "jcdt", FARM_NEWS},
    {"公示公告", "gsgg", FARM_NOTICE},    {"政策法规", "zcfg", FARM_POLICY},
    {"规范性文件", "gfxwj", FARM_POLICY}, {"人事信息", "rsxx", FARM_PERSONNEL},
    {"规划计划", "ghjh", FARM_PLAN},      {"统计信息", "tjxx", FARM_OTHER},
    {"财政资金", "czzj", FARM_OTHER}};

static int item_gap(struct farm_rng *r, int cat)
{
    static const int lo[] = {0, 3, 5, 10, 30, 7}, hi[] = {4, 20, 40, 60, 120, 45};
    return farm_rng_range(r, lo[cat], hi[cat]);
}

/* state: 0 fresh, 1 stale, 2 blank; forced_min_age > 0 makes every column at least that old. */
static int column_fill(struct farm_column *c, struct farm_site *s, const struct farm_opts *o,
                       struct farm_rng *r, int state, int min_age, int large)
{
    int yearless = s->date_style == FARM_D_BRACKET || s->date_style == FARM_D_MMDD;
    c->per_page = FARM_PER_LIST_PAGE;
    int lim = farm_cat_limit(c->cat) ? farm_cat_limit(c->cat) : 60;
    int age = 0;
    if (state == 1) {
        age = lim + 3 + farm_rng_range(r, 0, lim);
        if (yearless && age > 300)
            age = 300;
        if (age <= lim + 2)
            state = 0; /* a yearless homepage cannot show it stale: keep it fresh */
    }
    if (state == 0) /* a yearless homepage shows no date older than 330 days */
        age = farm_rng_range(r, 0,
                             c->cat == FARM_NEWS     ? 10
                             : yearless && lim > 300 ? 300
                                                     : lim - 2);
    if (state == 0 && age < min_age)
        age = min_age;
    if (state == 2) {
        c->nitems = 0;
        c->home_items = 0;
        return 0;
    }
    int n;
    if (large)
        n = farm_rng_range(r, 250, 400);
    else if (o->profile == FARM_PROFILE_TEST)
        n = farm_rng_range(r, 3, 15);
    else
        n = farm_rng_range(r, 5, c->cat == FARM_NEWS ? 80 : 45);
    c->dates = calloc((size_t)n, sizeof *c->dates);
    c->seq = calloc((size_t)n, sizeof *c->seq);
    if (!c->dates || !c->seq)
        return SC_ENOMEM;
    c->nitems = n;
    long d = o->as_of - age;
    for (int i = 0; i < n; i++) {
        c->dates[i] = d;
        c->seq[i] = ++s->next_seq;
        d -= item_gap(r, c->cat);
    }
    int show = farm_rng_range(r, 5, 8);
    if (show > n)
        show = n;
    if (yearless) /* a date without a year must stay unambiguous under the year rule */
        while (show > 1 && o->as_of - c->dates[show - 1] > 330)
            show--;
    c->home_items = show;
    return 0;
}

/* How the navigation shows the sections, the way people meet them: image buttons named only
 * by their alt or the link's title, short names, 办事服务 on the provincial service platform.
 * A stream of its own (adding it changed no other choice of the farm); the provincial portal
 * always shows every variant, so every farm has each. */
static void sections_as_found(struct farm_model *m, const struct farm_opts *o)
{
    static const char *const shorts[FARM_NSECTIONS][3] = {{"公开", "公开", "公开"},
                                                          {NULL, NULL, NULL},
                                                          {"办事", "网上办事", "办事指南"},
                                                          {"互动", "政民互动", "咨询留言"}};
    static const char *const cms[FARM_NSECTIONS] = {"col/col1001", "col/col1002", "col/col1003",
                                                    "col/col1004"};
    for (int i = 0; i < m->nsites; i++) {
        struct farm_site *s = &m->sites[i];
        if (!s->served)
            continue;
        struct farm_rng r;
        char salt[160];
        snprintf(salt, sizeof salt, "sections/%s", s->host);
        farm_rng_seed(&r, o->seed, salt);
        for (int j = 0; j < FARM_NSECTIONS; j++) {
            struct farm_section *x = &s->sections[j];
            int k = farm_rng_range(&r, 0, 2);
            if (farm_rng_chance(&r, 0.25) && shorts[j][k])
                x->label = shorts[j][k];
            int st = farm_rng_range(&r, 0, 9);
            x->style = st < 2 ? FARM_SEC_IMAGE_ALT : st < 3 ? FARM_SEC_IMAGE_TITLE : FARM_SEC_TEXT;
            x->offsite = j == 2 && farm_rng_chance(&r, 0.1);
            /* a name only a visitor reads: at a CMS path that names nothing, so no URL
             * pattern finds it */
            if (x->style != FARM_SEC_TEXT || x->label == shorts[j][k])
                x->slug = cms[j];
        }
    }
    struct farm_section *p = m->sites[0].sections;
    if (!m->sites[0].served)
        return;
    p[0].style = FARM_SEC_IMAGE_ALT;
    p[0].slug = cms[0];
    p[1].style = FARM_SEC_IMAGE_TITLE;
    p[1].slug = cms[1];
    p[2].label = "网上办事";
    p[2].style = FARM_SEC_TEXT;
    p[2].offsite = 1;
    p[3].label = "咨询留言";
    p[3].style = FARM_SEC_TEXT;
    p[3].slug = cms[3];
}

static int site_columns(struct farm_site *s, const struct farm_opts *o, struct farm_rng *r,
                        int nblank, int home_stale, int large, int fresh)
{
    const struct colspec *spec = s->portal ? portal_cols : dept_cols;
    int nspec = s->portal ? NELEM(portal_cols) : NELEM(dept_cols);
    int order[16];
    for (int i = 0; i < nspec; i++)
        order[i] = i;
    for (int i = nspec - 1; i > 1; i--) { /* keep the first (news) in front; 通知公告 is added */
        int j = farm_rng_range(r, 1, i);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    int n = farm_rng_range(r, 4, FARM_MAX_COLS);
    if (nblank && n < nblank + 3)
        n = nblank + 3;
    s->ncols = n;
    for (int i = 0; i < n; i++) {
        struct farm_column *c = &s->cols[i];
        const struct colspec *cs;
        struct colspec tz = {"通知公告", "tzgg", FARM_NOTICE};
        cs = i == 1 ? &tz : &spec[order[i == 0 ? 0 : i - 1]];
        if (cs->name[0] == '*')
            snprintf(c->name, sizeof c->name, "%s要闻", s->place);
        else
            snprintf(c->name, sizeof c->name, "%s", cs->name);
        snprintf(c->slug, sizeof c->slug, "%s", cs->slug);
        c->cat = cs->cat;
        c->tab_group = s->layout == FARM_TABS ? i / 3 : -1;
        int state = farm_rng_chance(r, 0.2) ? 1 : farm_rng_chance(r, 0.06) ? 2 : 0;
        if (i == 0 && !home_stale)
            state = 0; /* the first news column keeps an ordinary homepage fresh */
        if (nblank)
            state = (i >= n - nblank) ? 2 : state;
        if (fresh)
            state = 0; /* a navigation-only site: its columns are not what it is there for */
        int rc = column_fill(c, s, o, r, state, home_stale ? 17 : 0, large && i < 8);
        if (rc)
            return rc;
    }
    return 0;
}

/* Blank columns wherever they are (issue 12): in the test and demo profiles, from a stream of
 * its own (so no other choice of the farm changed), some columns leave the homepage for the
 * navigation or the sections' column index pages, and the blank columns take every form of
 * an empty homepage block and an empty list page. The blank-column site (blanky) shows only
 * two of its five blank columns on the homepage: it reaches the veto only through the hidden
 * ones. The first column (news) always stays on the homepage. */
static void hide_columns(struct farm_site *s, const struct farm_opts *o, int blanky)
{
    if (o->profile == FARM_PROFILE_BENCH || !s->served || s->nav_only)
        return;
    struct farm_rng r;
    char salt[160];
    snprintf(salt, sizeof salt, "hidden/%s", s->host);
    farm_rng_seed(&r, o->seed, salt);
    int index_ok = 0; /* a section page on the site lists the columns */
    for (int j = 0; j < FARM_NSECTIONS; j++)
        index_ok |= s->sections[j].present && !s->sections[j].offsite;
    int nblank = 0;
    for (int i = 0; i < s->ncols; i++) {
        struct farm_column *c = &s->cols[i];
        int k = farm_rng_range(&r, 0, 99);
        c->where = i == 0 ? FARM_AT_HOME : k < 15 ? FARM_AT_NAV : k < 30 ? FARM_AT_INDEX
                                                                          : FARM_AT_HOME;
        c->home_form = farm_rng_range(&r, 0, 2);
        c->list_form = farm_rng_range(&r, 0, 2);
        if (s->index == blanky && c->nitems == 0) {
            static const int where[5] = {FARM_AT_HOME, FARM_AT_HOME, FARM_AT_NAV, FARM_AT_INDEX,
                                         FARM_AT_NAV};
            c->where = where[nblank];
            c->home_form = nblank == 1 ? FARM_HOME_NO_ROWS : FARM_HOME_ZANWU;
            c->list_form = nblank == 2 ? FARM_LIST_PAGER_ONLY : nblank % 2 ? FARM_LIST_EMPTY_UL
                                                                            : FARM_LIST_ZANWU;
            nblank++;
        }
        if (c->where == FARM_AT_INDEX && !index_ok)
            c->where = FARM_AT_NAV;
        /* a tab's panel shows its emptiness by a message: a tab with no rows at all has no
         * block of its own to find; an old table layout's heading table with nothing below
         * is told from a heading table above a list only by the next block (columns_hidden.c),
         * so the farm keeps the no-rows form to the div layout's empty <ul> */
        if (s->layout != FARM_DIV && c->home_form == FARM_HOME_NO_ROWS)
            c->home_form = FARM_HOME_ZANWU_NEIRONG;
        if (c->where != FARM_AT_HOME) {
            c->home_items = 0;
            c->tab_group = -1;
        }
    }
    if (s->layout == FARM_TABS) { /* the homepage's tab groups of three, a lone tab joining */
        int n = 0;
        for (int i = 0; i < s->ncols; i++)
            if (s->cols[i].where == FARM_AT_HOME)
                s->cols[i].tab_group = n++ / 3;
        if (n > 3 && n % 3 == 1)
            for (int i = 0; i < s->ncols; i++)
                if (s->cols[i].tab_group == (n - 1) / 3)
                    s->cols[i].tab_group--;
    }
}

const char *farm_where_name(const struct farm_site *s, const struct farm_column *c)
{
    if (s->nav_only || c->where == FARM_AT_NAV)
        return "navigation";
    return c->where == FARM_AT_INDEX ? "section_index" : "homepage";
}

/* The test profile's provincial portal pages its first column (news, never blank there)
 * the way CMS column lists are paged: FARM_PAGED_MIN_PAGES to +8 list pages of 10 items,
 * each page linking first, previous, a window of numbers, next and last, so most list pages
 * are reached only through other list pages. The extra, older items come from a stream of
 * their own, so adding them changed no other choice of the farm. */
static int column_page_long(struct farm_site *s, const struct farm_opts *o)
{
    struct farm_column *c = &s->cols[0];
    char salt[128];
    struct farm_rng r;
    if (c->nitems == 0)
        return 0;
    snprintf(salt, sizeof salt, "paged/%s", s->host);
    farm_rng_seed(&r, o->seed, salt);
    c->per_page = 10;
    int pages = farm_rng_range(&r, FARM_PAGED_MIN_PAGES, FARM_PAGED_MIN_PAGES + 8);
    int n = (pages - 1) * c->per_page + farm_rng_range(&r, 1, c->per_page);
    long *dates = realloc(c->dates, (size_t)n * sizeof *dates);
    if (dates)
        c->dates = dates;
    int *seq = realloc(c->seq, (size_t)n * sizeof *seq);
    if (seq)
        c->seq = seq;
    if (!dates || !seq)
        return SC_ENOMEM;
    for (int i = c->nitems; i < n; i++) {
        c->dates[i] = c->dates[i - 1] - item_gap(&r, c->cat);
        c->seq[i] = ++s->next_seq;
    }
    c->nitems = n;
    return 0;
}

int farm_model_build(const struct farm_opts *o, struct farm_model *m, struct sc_error *err)
{
    memset(m, 0, sizeof *m);
    m->opts = *o;
    struct farm_rng r;
    farm_rng_seed(&r, o->seed, "sites");

    /* every possible site, then the provincial portal plus a random choice of the rest:
     * portals and department sites shuffled apart and interleaved two to three */
    struct candidate portals[64], depts[256], *cand;
    int np = 0, nd = 0, nc = 0;
    int nmore = (NELEM(cities) + NELEM(counties)) * (NELEM(more_depts) + NELEM(towns)) +
                NELEM(counties) * NELEM(city_depts);
    cand = calloc((size_t)(320 + nmore), sizeof *cand);
    if (!cand)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    for (int i = 0; i < NELEM(cities); i++)
        portals[np++] = (struct candidate){&cities[i], NULL, 0};
    for (int i = 0; i < NELEM(counties); i++)
        portals[np++] = (struct candidate){&counties[i], NULL, 0};
    for (int i = 0; i < NELEM(prov_depts); i++)
        depts[nd++] = (struct candidate){&province, &prov_depts[i], 0};
    for (int i = 0; i < NELEM(cities); i++)
        for (int j = 0; j < NELEM(city_depts); j++)
            depts[nd++] = (struct candidate){&cities[i], &city_depts[j], 0};
    candidates_shuffle(portals, np, &r);
    candidates_shuffle(depts, nd, &r);
    for (int ip = 0, id = 0; ip < np || id < nd; nc++)
        cand[nc] = (ip < np && (nc % 5 < 2 || id >= nd)) ? portals[ip++] : depts[id++];
    if (o->nsites > nc + 1) { /* the big province: its own stream, after the sites above */
        struct farm_rng rm;
        farm_rng_seed(&rm, o->seed, "more-sites");
        int first = nc;
        for (int i = 0; i < NELEM(counties); i++)
            for (int j = 0; j < NELEM(city_depts); j++)
                cand[nc++] = (struct candidate){&counties[i], &city_depts[j], 0};
        for (int k = 0; k < NELEM(cities) + NELEM(counties); k++) {
            const struct region *g = k < NELEM(cities) ? &cities[k] : &counties[k - NELEM(cities)];
            for (int j = 0; j < NELEM(more_depts); j++)
                cand[nc++] = (struct candidate){g, &more_depts[j], 0};
            for (int j = 0; j < NELEM(towns); j++)
                cand[nc++] = (struct candidate){g, &towns[j], 1};
        }
        candidates_shuffle(cand + first, nc - first, &rm);
    }
    if (o->nsites < 1 || o->nsites > nc + 1) {
        free(cand);
        return sc_fail(err, SC_EINPUT, "--sites must be between 1 and %d", nc + 1);
    }
    m->nsites = o->nsites;
    m->sites = calloc((size_t)m->nsites, sizeof *m->sites);
    int *elig = calloc((size_t)m->nsites, sizeof *elig);
    if (!m->sites || !elig) {
        free(cand);
        free(elig);
        return sc_fail(err, SC_ENOMEM, "out of memory");
    }
    struct candidate prov = {&province, NULL, 0};
    int seqs[256] = {0};
    for (int i = 0; i < m->nsites; i++) {
        struct candidate *c = i == 0 ? &prov : &cand[i - 1];
        struct farm_site *s = &m->sites[i];
        site_fill(s, c, &r);
        /* site code: the division code and a per-division sequence */
        int k = region_index(c->r);
        seqs[k] = seqs[k] ? seqs[k] + farm_rng_range(&r, 1, 9) : farm_rng_range(&r, 1, 80);
        snprintf(s->code, sizeof s->code, "%s%04d", c->r->code, seqs[k]);
    }
    free(cand);
    qsort(m->sites, (size_t)m->nsites, sizeof *m->sites, cmp_sites);
    for (int i = 0; i < m->nsites; i++) {
        struct farm_site *s = &m->sites[i];
        s->index = i;
        s->status = "正常运行";
        s->served = 1;
        s->layout = farm_rng_range(&r, 0, 3) == 3   ? FARM_TABS
                    : farm_rng_range(&r, 0, 2) == 2 ? FARM_TABLE
                                                    : FARM_DIV;
        s->gbk = farm_rng_chance(&r, 0.4);
        int d = farm_rng_range(&r, 0, 9);
        s->decl = s->gbk ? (d < 4   ? FARM_DECL_BOTH
                            : d < 6 ? FARM_DECL_HEADER
                            : d < 8 ? FARM_DECL_META
                                    : FARM_DECL_GB2312)
                         : (d < 5   ? FARM_DECL_BOTH
                            : d < 8 ? FARM_DECL_HEADER
                                    : FARM_DECL_META);
        s->date_style = farm_rng_range(&r, 0, 4);
        s->code_shown = farm_rng_chance(&r, 0.85);
        struct farm_rng gz; /* a separate stream, so adding it changed no other choice */
        farm_rng_seed(&gz, o->seed, s->host);
        s->gzip = farm_rng_chance(&gz, 0.3);
        static const char *const labels[FARM_NSECTIONS][2] = {{"政府信息公开", "信息公开"},
                                                              {"政策解读", "解读回应"},
                                                              {"办事服务", "网上办事"},
                                                              {"互动交流", "政民互动"}};
        static const char *const names[] = {"政府信息公开", "政策解读", "办事服务", "互动交流"};
        static const char *const slugs[] = {"zfxxgk", "zcjd", "bsfw", "hdjl"};
        for (int j = 0; j < FARM_NSECTIONS; j++) {
            s->sections[j].name = names[j];
            s->sections[j].label = labels[j][farm_rng_chance(&r, 0.3)];
            s->sections[j].slug = slugs[j];
            s->sections[j].present = !farm_rng_chance(&r, 0.1);
        }
    }
    /* registry statuses that are not "normally running": never the provincial portal */
    static const char *const other_status[] = {"例外",     "关停", "临时关闭",
                                               "关停上移", "迁移", "永久下线"};
    int nspecial = m->nsites >= 4 ? (m->nsites + 7) / 8 : 0;
    for (int k = 0; k < nspecial; k++) {
        int i = m->nsites - 1 - k * 3 % (m->nsites - 1);
        if (i <= 0 || strcmp(m->sites[i].status, "正常运行"))
            continue;
        m->sites[i].status = other_status[k % NELEM(other_status)];
        m->sites[i].served = strcmp(m->sites[i].status, "例外") == 0;
    }
    /* special sites chosen among the running, served, non-provincial ones */
    int ne = 0;
    for (int i = 1; i < m->nsites; i++)
        if (m->sites[i].served && !strcmp(m->sites[i].status, "正常运行"))
            elig[ne++] = i;
    int down = -1, flaky = -1, flaky2 = -1, blanky = -1, stale1 = -1, stale2 = -1, wrong = -1,
        large = -1;
    if (ne >= 3) {
        down = elig[ne - 1];
        flaky = elig[ne - 2];
        ne -= 2;
    }
    if (m->nsites >= 20 && ne > 1)
        flaky2 = elig[--ne];
    if (ne >= 1)
        blanky = elig[ne / 2];
    if (ne >= 3)
        stale1 = elig[ne / 3];
    if (m->nsites >= 20 && ne >= 6)
        stale2 = elig[ne / 6];
    if (ne >= 4)
        wrong = elig[ne / 4];
    if (o->profile == FARM_PROFILE_DEMO && ne >= 5)
        large = elig[1];
    if (down >= 0) {
        m->sites[down].served = 0;
        m->sites[down].down = 1;
    }
    if (flaky >= 0)
        m->sites[flaky].flaky = o->flaky;
    if (flaky2 >= 0)
        m->sites[flaky2].flaky = 0.02;
    if (wrong >= 0) {
        m->sites[wrong].gbk = 1;
        m->sites[wrong].decl = FARM_DECL_WRONG;
    }
    if (m->nsites >= 3) { /* sections missing on at least one site each */
        m->sites[1].sections[2].present = 0;
        m->sites[2].sections[3].present = 0;
    }
    /* a navigation-only homepage, on a site no other special plan touches */
    int navsite = -1;
    if (ne >= 5 && o->profile != FARM_PROFILE_BENCH) {
        navsite = elig[ne * 2 / 3];
        if (navsite == blanky || navsite == stale1 || navsite == stale2 || navsite == wrong ||
            navsite == large)
            navsite = -1;
    }
    free(elig);
    if (navsite >= 0)
        m->sites[navsite].nav_only = 1;
    sections_as_found(m, o);
    if (blanky >= 0)
        m->sites[blanky].code_shown = 0;
    for (int i = 0; i < m->nsites; i++) {
        struct farm_site *s = &m->sites[i];
        int hs = i == stale1 || i == stale2;
        s->home_stale_planted = hs;
        int rc = site_columns(s, o, &r, i == blanky ? 5 : 0, hs, i == large, i == navsite);
        if (!rc && i == 0 && o->profile == FARM_PROFILE_TEST)
            rc = column_page_long(s, o);
        if (rc) {
            farm_model_free(m);
            return sc_fail(err, rc, "out of memory");
        }
    }
    /* 服务不实用: service guides under every 办事服务 (farm_guides.c) */
    if (farm_guides_plan(m, o)) {
        farm_model_free(m);
        return sc_fail(err, SC_ENOMEM, "out of memory");
    }
    for (int i = 0; i < m->nsites; i++)
        hide_columns(&m->sites[i], o, blanky);
    /* planted links: every kind at least once, round robin over the plain served sites */
    if (farm_plant_links(m, down >= 0 ? m->sites[down].url : NULL, &r)) {
        farm_model_free(m);
        return sc_fail(err, SC_ENOMEM, "out of memory");
    }
    /* the consultation channels: a stream of their own, after the planted links (the chosen
     * sites avoid a homepage whose suspected 领导信箱 link would leave nothing to judge) */
    farm_interaction_plan(m, o);
    /* the odd sponsor names that test CSV quoting */
    if (m->nsites >= 3)
        snprintf(m->sites[m->nsites - 2].sponsor + strlen(m->sites[m->nsites - 2].sponsor),
                 sizeof m->sites[0].sponsor - strlen(m->sites[m->nsites - 2].sponsor),
                 ",%s政务服务中心", m->sites[m->nsites - 2].place);
    if (m->nsites >= 5) {
        struct farm_site *s = &m->sites[m->nsites - 4];
        snprintf(s->sponsor, sizeof s->sponsor, "%s\"互联网+政务服务\"管理办公室", s->place);
    }
    return 0;
}

void farm_model_free(struct farm_model *m)
{
    for (int i = 0; i < m->nsites; i++) {
        for (int j = 0; j < m->sites[i].ncols; j++) {
            free(m->sites[i].cols[j].dates);
            free(m->sites[i].cols[j].seq);
        }
        free(m->sites[i].links);
        free(m->sites[i].guides);
    }
    free(m->sites);
    memset(m, 0, sizeof *m);
}

/* farm_guides: the service guides (办事指南) planted under each site's 办事服务 section, for the
 * 服务不实用 probe (docs/farm.md): two lists of 事项 (个人办事, 法人办事) linked from the
 * section's page, each with its guides; guides as label/value tables (one or two pairs to a
 * row) or as headed blocks; some lacking key elements, each lacking one in one of three ways
 * (no label at all, a label with an empty value, a label with 暂无); 收费标准 sometimes 无
 * (a value: no fee). A section on the provincial platform (FARM_SERVICE_HOST) has its lists
 * and guides there; a section on the site sometimes has its second list there. A few sites have
 * more guides than the probe's default sample (FARM_GUIDE_SAMPLE).
 *
 * The plan is a random stream of its own ("guides/<host>"), so adding it changed no other
 * choice of the farm. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/farm/farm.h"

/* The farm's own wording of each element (the plan's order), first the plan's word, then the
 * synonyms guides use. */
static const char *const farm_labels[FARM_GUIDE_ELEMENTS][3] = {
    {"事项名称", NULL, NULL},       {"办事依据", "设定依据", NULL},
    {"受理单位", "受理机构", "实施主体"}, {"基本流程", "办理流程", NULL},
    {"申请材料", NULL, NULL},       {"收费标准", "是否收费", NULL},
    {"办理时限", "承诺时限", "法定时限"}, {"咨询电话", "咨询方式", NULL}};
static const char *const plan_names[FARM_GUIDE_ELEMENTS] = {
    "事项名称", "办事依据", "受理单位", "基本流程", "申请材料", "收费标准", "办理时限", "咨询电话"};
static const char *const list_names[2] = {"个人办事", "法人办事"};
static const char *const list_slugs[2] = {"grbs", "frbs"};
static const char *const items[] = {
    "居民身份证申领",   "结婚登记",         "生育登记",         "老年人优待证办理",
    "个体工商户设立登记", "食品经营许可",     "建设工程规划许可", "医师执业注册",
    "残疾人证办理",     "最低生活保障审批", "户口迁移",         "社会保障卡申领",
    "道路运输经营许可", "药品零售许可",     "排水许可",         "就业失业登记",
    "临时救助申请",     "特困人员认定",     "企业名称变更登记", "出版物零售许可",
    "林木采伐许可",     "取水许可",         "民办学校设立",     "养老机构备案",
    "律师执业核准",     "公共场所卫生许可", "农药经营许可",     "燃气经营许可"};

const char *farm_guide_element_name(int e)
{
    return e >= 0 && e < FARM_GUIDE_ELEMENTS ? plan_names[e] : NULL;
}

static int list_on_platform(const struct farm_site *s, int list)
{
    return s->sections[2].offsite || s->guide_list_platform[list];
}

void farm_guides_list_url(const struct farm_site *s, int list, struct strbuf *out)
{
    if (list_on_platform(s, list))
        strbuf_addf(out, "http://%s/portal/%s/%s/", FARM_SERVICE_HOST, s->code, list_slugs[list]);
    else
        strbuf_addf(out, "http://%s/%s/%s/", s->host, s->sections[2].slug, list_slugs[list]);
}

void farm_guide_url(const struct farm_site *s, int g, struct strbuf *out)
{
    farm_guides_list_url(s, s->guides[g].list, out);
    strbuf_addf(out, "g%03d.html", g);
}

int farm_guide_on_platform(const struct farm_site *s, int g)
{
    return list_on_platform(s, s->guides[g].list);
}

static int plan_site(struct farm_site *s, const struct farm_opts *o, int many)
{
    struct farm_rng r;
    char salt[160];
    snprintf(salt, sizeof salt, "guides/%s", s->host);
    farm_rng_seed(&r, o->seed, salt);
    int n = many ? farm_rng_range(&r, FARM_GUIDE_SAMPLE + 2, FARM_GUIDE_SAMPLE + 8)
                 : farm_rng_range(&r, 3, 9);
    s->guides = calloc((size_t)n, sizeof *s->guides);
    if (!s->guides)
        return SC_ENOMEM;
    s->nguides = n;
    s->guide_list_platform[1] = !s->sections[2].offsite && farm_rng_chance(&r, 0.3);
    int first = farm_rng_range(&r, 0, (int)(sizeof items / sizeof *items) - 1);
    for (int i = 0; i < n; i++) {
        struct farm_guide *g = &s->guides[i];
        g->list = i >= (n + 1) / 2;
        snprintf(g->name, sizeof g->name, "%s", items[(first + i) % (sizeof items / sizeof *items)]);
        g->form = farm_rng_range(&r, 0, 1);
        g->pairs = g->form == FARM_GUIDE_TABLE && farm_rng_chance(&r, 0.4) ? 2 : 1;
        g->fee_none = farm_rng_chance(&r, 0.3);
        for (int e = 0; e < FARM_GUIDE_ELEMENTS; e++) {
            int nsyn = farm_labels[e][2] ? 3 : farm_labels[e][1] ? 2 : 1;
            g->label[e] = farm_rng_range(&r, 0, nsyn - 1);
        }
        if (farm_rng_chance(&r, 0.4)) { /* incomplete: one element missing, or two */
            int k = farm_rng_chance(&r, 0.3) ? 2 : 1;
            while (k > 0) {
                int e = farm_rng_range(&r, 0, FARM_GUIDE_ELEMENTS - 1);
                if (g->missing & (1u << e))
                    continue;
                g->missing |= 1u << e;
                g->how[e] = farm_rng_range(&r, FARM_GUIDE_NO_LABEL, FARM_GUIDE_NONE_YET);
                k--;
            }
        }
    }
    return 0;
}

int farm_guides_plan(struct farm_model *m, const struct farm_opts *o)
{
    int many_left = 2; /* besides the provincial portal, two sites with more than the sample */
    for (int i = 0; i < m->nsites; i++) {
        struct farm_site *s = &m->sites[i];
        if (!s->served || !s->sections[2].present)
            continue;
        int many = i == 0 || (many_left > 0 && i % 7 == 3);
        many_left -= many && i != 0;
        if (plan_site(s, o, many))
            return SC_ENOMEM;
    }
    return 0;
}

/* The value of element e of guide g, as HTML. */
static void value_html(const struct farm_site *s, const struct farm_guide *g, int e,
                       struct strbuf *out)
{
    switch (e) {
    case 0: strbuf_adds(out, g->name); break;
    case 1: strbuf_adds(out, "《中华人民共和国行政许可法》第二十九条、第三十二条"); break;
    case 2: strbuf_addf(out, "%s政务服务中心", s->place); break;
    case 3: strbuf_adds(out, "申请—受理—审查—决定—送达"); break;
    case 4: strbuf_adds(out, "<ol><li>申请书（原件1份）</li><li>申请人身份证明（复印件1份）</li></ol>"); break;
    case 5: strbuf_adds(out, g->fee_none ? "无" : "不收费"); break;
    case 6: strbuf_adds(out, "5个工作日"); break;
    default: strbuf_addf(out, "%s", s->phone); break;
    }
}

static void guide_body(const struct farm_site *s, const struct farm_guide *g, struct strbuf *out)
{
    static const char *const numerals[] = {"一", "二", "三", "四", "五", "六", "七", "八"};
    int shown = 0;
    if (g->form == FARM_GUIDE_TABLE) {
        strbuf_adds(out, "<table class=\"bszn\" border=\"1\" cellspacing=\"0\">\n");
        for (int e = 0; e < FARM_GUIDE_ELEMENTS; e++) {
            int how = g->missing & (1u << e) ? g->how[e] : -1;
            if (how == FARM_GUIDE_NO_LABEL)
                continue;
            if (shown % g->pairs == 0)
                strbuf_adds(out, "<tr>");
            strbuf_addf(out, "<td class=\"label\">%s</td><td>", farm_labels[e][g->label[e]]);
            if (how == FARM_GUIDE_NONE_YET)
                strbuf_adds(out, "暂无");
            else if (how < 0)
                value_html(s, g, e, out);
            strbuf_adds(out, "</td>");
            if (++shown % g->pairs == 0)
                strbuf_adds(out, "</tr>\n");
        }
        if (shown % g->pairs)
            strbuf_adds(out, "<td></td><td></td></tr>\n");
        strbuf_adds(out, "</table>\n");
        return;
    }
    for (int e = 0; e < FARM_GUIDE_ELEMENTS; e++) {
        int how = g->missing & (1u << e) ? g->how[e] : -1;
        if (how == FARM_GUIDE_NO_LABEL)
            continue;
        strbuf_addf(out, "<div class=\"item\"><h3>%s、%s</h3><div class=\"content\">",
                    numerals[shown++], farm_labels[e][g->label[e]]);
        if (how == FARM_GUIDE_NONE_YET)
            strbuf_adds(out, "<p>暂无</p>");
        else if (how < 0) {
            strbuf_adds(out, "<p>");
            value_html(s, g, e, out);
            strbuf_adds(out, "</p>");
        }
        strbuf_adds(out, "</div></div>\n");
    }
}

/* A page of the platform (UTF-8, its own frame). */
static void platform_page(const char *title, const char *body, struct strbuf *out)
{
    strbuf_addf(out,
                "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<title>%s</title>\n</head>\n<body>\n<div class=\"top\">湖南省政务服务平台</div>\n"
                "<div class=\"main\"><h2>%s</h2>\n%s</div>\n<div class=\"foot\">主办：湖南省人民政府办公厅"
                "</div>\n</body>\n</html>\n",
                title, title, body);
}

void farm_guides_section_links(const struct farm_site *s, struct strbuf *out)
{
    if (!s->nguides)
        return;
    struct strbuf u = STRBUF_INIT;
    strbuf_adds(out, "<div class=\"bszn\"><h3>办事指南</h3><ul>\n");
    for (int l = 0; l < 2; l++) {
        strbuf_reset(&u);
        farm_guides_list_url(s, l, &u);
        strbuf_addf(out, "<li><a href=\"%s\">%s</a></li>\n", u.buf, list_names[l]);
    }
    strbuf_adds(out, "</ul></div>\n");
    strbuf_release(&u);
}

int farm_guides_npages(const struct farm_site *s)
{
    if (!s->nguides)
        return 0;
    return (s->sections[2].offsite ? 1 : 0) + 2 + s->nguides;
}

int farm_guides_page(const struct farm_model *m, const struct farm_site *s, int k,
                     struct strbuf *url, struct strbuf *html)
{
    (void)m;
    struct strbuf body = STRBUF_INIT, u = STRBUF_INIT;
    int platform;
    if (s->sections[2].offsite && k-- == 0) { /* the section's page on the platform */
        strbuf_addf(url, "http://%s/portal/%s/", FARM_SERVICE_HOST, s->code);
        farm_guides_section_links(s, &body);
        platform_page(s->name, body.buf, html);
        platform = 1;
    } else if (k < 2) { /* a list of 事项 */
        farm_guides_list_url(s, k, url);
        strbuf_adds(&body, "<ul class=\"sxlist\">\n");
        for (int g = 0; g < s->nguides; g++) {
            if (s->guides[g].list != k)
                continue;
            strbuf_reset(&u);
            farm_guide_url(s, g, &u);
            /* on the platform relative to the list, on the site from its root */
            const char *href = list_on_platform(s, k) ? strrchr(u.buf, '/') + 1
                                                      : strchr(u.buf + strlen("http://"), '/');
            strbuf_addf(&body, "<li><a href=\"%s\">%s</a></li>\n", href, s->guides[g].name);
        }
        strbuf_adds(&body, "</ul>\n");
        platform = list_on_platform(s, k);
        if (platform)
            platform_page(list_names[k], body.buf, html);
        else
            farm_page_simple(s, list_names[k], body.buf, html);
    } else { /* a guide */
        int g = k - 2;
        farm_guide_url(s, g, url);
        guide_body(s, &s->guides[g], &body);
        platform = farm_guide_on_platform(s, g);
        if (platform)
            platform_page(s->guides[g].name, body.buf, html);
        else
            farm_page_simple(s, s->guides[g].name, body.buf, html);
    }
    strbuf_release(&body);
    strbuf_release(&u);
    return platform;
}

/* sitereport_rule: the rule of the table behind each defect kind, and the kinds' Chinese
 * names, for the reports (sitereport.h). A kind the table gives no entry to (a note such as
 * a suspected link) has no rule. */
#include "reports/sitereport.h"

#include <stdio.h>
#include <string.h>

struct kind_def {
    const char *kind, *label;
    int veto_rule, deduct_rule; /* enum rule_id or -1 */
};

static const struct kind_def kinds[] = {
    {"unreachable", "站点无法访问", RULE_VETO_UNAVAILABLE_PERCENT, -1},
    {"homepage_stale", "首页不更新", RULE_WINDOW_HOMEPAGE, -1},
    {"columns_not_updated", "栏目不更新", RULE_VETO_STALE_NEWS_NOTICE, -1},
    {"blank_columns", "空白栏目过多", RULE_VETO_BLANK_COLUMNS, -1},
    {"stale_column", "栏目未按期更新", -1, RULE_POINTS_STALE_COLUMN},
    {"blank_column", "空白栏目", -1, RULE_POINTS_BLANK_COLUMN},
    {"missing_section", "缺少必备栏目", RULE_VETO_NO_SERVICES, RULE_POINTS_MISSING_SECTION},
    {"missing_site_code", "未展示网站标识码", -1, RULE_POINTS_MISSING_SITE_CODE},
    {"wrong_site_code", "网站标识码不符", -1, RULE_POINTS_WRONG_SITE_CODE},
    {"missing_icp", "未展示ICP备案号", -1, RULE_POINTS_MISSING_ICP},
    {"missing_police_record", "未展示公安机关备案号", -1, RULE_POINTS_MISSING_POLICE_RECORD},
    {"missing_party_badge", "未展示党政机关网站标识", -1, RULE_POINTS_MISSING_PARTY_BADGE},
    {"missing_error_report", "缺少“我为政府网站找错”入口", -1, RULE_POINTS_MISSING_ERROR_REPORT},
    {"missing_sponsor", "未展示主办单位", -1, RULE_POINTS_MISSING_SPONSOR},
    {"no_search", "缺少站内搜索", -1, RULE_POINTS_NO_SEARCH},
    {"non_gov_domain", "未使用政府网站域名", -1, RULE_POINTS_NON_GOV_DOMAIN},
    {"sparse_updates", "信息更新量少", -1, RULE_POINTS_SPARSE_UPDATES},
    {"broken_link", "失效链接", -1, RULE_POINTS_BROKEN_LINK_OTHER},
    {"suspected_link", "疑似失效链接（待复查）", -1, -1},
    {"unanswered_message", "留言超期未回复", RULE_VETO_UNANSWERED_MESSAGE, -1},
    {"no_interaction_channel", "无可用互动渠道", RULE_VETO_NO_INTERACTION_CHANNEL, -1},
    {"incomplete_guide", "办事指南要素缺失", -1, RULE_POINTS_INCOMPLETE_GUIDE},
    {"incomplete_guides", "办事指南要素缺失过多", RULE_VETO_INCOMPLETE_GUIDES, -1},
};

static const struct kind_def *kind_find(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].kind, kind) == 0)
            return &kinds[i];
    return NULL;
}

const char *sitereport_kind_label(const char *kind)
{
    const struct kind_def *k = kind_find(kind);
    return k ? k->label : kind ? kind : "";
}

struct sitereport_rule sitereport_rule_of(const struct rules *rules, const struct defect_record *d)
{
    struct sitereport_rule out = {-1, NULL, 0, NULL};
    const struct kind_def *k = kind_find(d->kind);
    if (!k)
        return out;
    int id = d->severity == SEVERITY_VETO ? k->veto_rule : k->deduct_rule;
    if (id < 0)
        id = k->veto_rule >= 0 ? k->veto_rule : k->deduct_rule;
    /* the cases where one kind has two rules */
    if (strcmp(d->kind, "missing_section") == 0 && d->severity == SEVERITY_VETO && d->detail &&
        strstr(d->detail, "互动交流"))
        id = RULE_VETO_NO_INTERACTION;
    if (strcmp(d->kind, "broken_link") == 0 && d->detail && strstr(d->detail, "(homepage)"))
        id = RULE_POINTS_BROKEN_LINK_HOME; /* the judge's detail says where (rules.c) */
    if (strcmp(d->kind, "columns_not_updated") == 0 && d->detail &&
        strncmp(d->detail + strspn(d->detail, "0123456789"), " columns", 8) == 0)
        id = RULE_VETO_STALE_COLUMNS;
    if (id < 0)
        return out;
    const struct rule_def *t = rules_table();
    out.id = id;
    out.key = t[id].key;
    out.value = rules ? rules->v[id] : t[id].def;
    out.why = t[id].why;
    return out;
}

/* publish_method: the "how we check" page (DIR/method.html): the sampling rule, every entry
 * of the rule table in effect (thresholds, veto items, point values; probes/verdict/rules.h)
 * and the recipe for recomputing a draw outside the program (docs/sampling.md). */
#include "reports/publish_html.h"
#include "reports/publish_pages.h"

#include <string.h>

/* The rule table's families: a key's prefix and its Chinese heading ("" ends the list and
 * takes every key no prefix before it took). */
static const char *const families[][2] = {
    {"window.", "更新时限（天，0 表示不评定）"},
    {"veto.", "单项否决（1 开启，0 关闭；或达到的数量）"},
    {"points.", "扣分（分）"},
    {"availability.", "首页可用性监测"},
    {"require.", "必备栏目（1 必须具备）"},
    {"", "其他"},
};
#define NFAMILIES (sizeof families / sizeof families[0])

static size_t family_of(const char *key)
{
    for (size_t f = 0; f + 1 < NFAMILIES; f++)
        if (strncmp(key, families[f][0], strlen(families[f][0])) == 0)
            return f;
    return NFAMILIES - 1;
}

static void fmt_value(struct strbuf *out, double v)
{
    if (v == (double)(long)v)
        strbuf_addf(out, "%ld", (long)v);
    else
        strbuf_addf(out, "%g", v);
}

static void rules_section(struct strbuf *out, const struct pub_options *o)
{
    const struct rule_def *t = rules_table();
    strbuf_adds(out, "<h2 id=\"rules\">检查项目和标准</h2>\n<p>每个被抽查网站都按下表检查。"
                     "任何一项单项否决即判定为不合格；否则从100分中扣分，低于");
    fmt_value(out, o->rules->v[RULE_PASS_SCORE]);
    strbuf_addf(out,
                "分为不合格。首页可用性监测连续%d天、每天不少于%d次，单次超过%d秒未打开记为失败，"
                "失败次数达到有效探测的",
                (int)o->rules->v[RULE_AVAIL_DAYS], (int)o->rules->v[RULE_AVAIL_PROBES_PER_DAY],
                (int)o->rules->v[RULE_AVAIL_TIMEOUT_SECONDS]);
    fmt_value(out, o->rules->v[RULE_VETO_UNAVAILABLE_PERCENT]);
    strbuf_adds(
        out, "%即单项否决。“疑似不可用”的链接（超时、连接中断、5xx）至少间隔24小时复查，"
             "复查仍失败才计为不可用。</p>\n" PUB_TABLE_WIDE_BEGIN
             "\n<caption>规则表（本次发布时生效的取值）</caption>\n<thead><tr>"
             "<th scope=\"col\">规则键</th>"
             "<th scope=\"col\" class=\"num\">取值</th><th scope=\"col\" class=\"num\">默认值</th>"
             "<th scope=\"col\">说明</th></tr></thead>\n");
    for (size_t f = 0; f < NFAMILIES; f++) {
        int any = 0;
        for (int i = 0; i < RULE_COUNT; i++) {
            if (family_of(t[i].key) != f)
                continue;
            if (!any++) {
                strbuf_adds(out, "<tbody>\n<tr><th colspan=\"4\" scope=\"colgroup\">");
                pub_escape(out, families[f][1]);
                strbuf_adds(out, "</th></tr>\n");
            }
            strbuf_adds(out, "<tr><td><code>");
            pub_escape(out, t[i].key);
            strbuf_adds(out, "</code></td><td class=\"num\">");
            fmt_value(out, o->rules->v[i]);
            strbuf_adds(out, "</td><td class=\"num\">");
            fmt_value(out, t[i].def);
            strbuf_adds(out, "</td><td>");
            pub_escape(out, t[i].why);
            strbuf_adds(out, "</td></tr>\n");
        }
        if (any)
            strbuf_adds(out, "</tbody>\n");
    }
    strbuf_adds(out, PUB_TABLE_END);
}

void pub_page_method(struct strbuf *out, const struct pub_options *o)
{
    pub_page_begin(out, "", o->title, "检查方法");
    strbuf_adds(out, "<h1>检查方法</h1>\n"
                     "<h2 id=\"sampling\">如何抽取</h2>\n<ul>\n"
                     "<li>抽样框是全国政府网站信息报送系统中状态为“正常运行”的全部网站。</li>\n"
                     "<li>每季度两轮，每轮随机抽取不少于15%的正常运行网站（向上取整）。</li>\n"
                     "<li>同一季度后一轮中，与前几轮重复的网站不超过10%。</li>\n"
                     "<li>抽取前公布种子；样本由种子和抽样框唯一确定，任何人都可以重新计算。</li>\n"
                     "</ul>\n");
    rules_section(out, o);
    strbuf_adds(
        out,
        "<h2 id=\"verify\">如何核对抽样</h2>\n"
        "<p>每一轮的页面公布了种子（seed）、抽样框的 SHA-256 哈希（frame_hash）和抽样框本身"
        "（网站标识码清单，<code>data/&lt;季度&gt;-&lt;轮次&gt;.frame.txt</code>）。"
        "抽样框的规范形式是：网站标识码按字节序排序（<code>LC_ALL=C sort</code>），每行一个，"
        "每行以换行符结尾。</p>\n<ol>\n"
        "<li>核对抽样框：<code>sha256sum &lt; frame.txt</code> 的结果应等于公布的 "
        "frame_hash。</li>\n"
        "<li>为每个网站计算排序键：种子文本与网站标识码直接拼接后的 SHA-256（小写十六进制），"
        "按排序键从小到大排列。</li>\n"
        "<li>第1轮（未分层）：取前 n 个，n = ⌈比例 × 抽样框网站数⌉。</li>\n"
        "<li>后续轮次：按同样的顺序依次取，前几轮已抽中的网站最多取 ⌊n/10⌋ 个，之后跳过。</li>\n"
        "<li>分层抽样：先按各层网站数分配名额，再在每层的排序中取前若干个。</li>\n"
        "</ol>\n<pre><code>export LC_ALL=C\n"
        "sha256sum &lt; frame.txt                                   # 应等于 frame_hash\n"
        "while read -r code; do\n"
        "  printf '%s %s\\n' \"$(printf '%s%s' \"$seed\" \"$code\" | sha256sum | cut -c1-64)\" "
        "\"$code\"\n"
        "done &lt; frame.txt | sort &gt; ranked.txt\n"
        "head -n \"$n\" ranked.txt | cut -d' ' -f2                 # 未分层的第1轮\n"
        "</code></pre>\n"
        "<p>也可以用 spotcheck 本身核对：<code>spotcheck verify 季度 轮次</code> "
        "从数据库中的抽样框和种子重新计算并逐项比较。</p>\n"
        "<h2 id=\"data\">开放数据</h2>\n<p>每轮的结果以 CSV（UTF-8，带 BOM，Excel 可直接打开）"
        "和 JSON 提供，<a href=\"data/datapackage.json\">datapackage.json</a> "
        "按 Frictionless Data Package 规范说明每个 CSV 字段；"
        "<a href=\"data/latest.json\">latest.json</a> 是最近一轮的结果。</p>\n");
    pub_page_end(out, "");
}

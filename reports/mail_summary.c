/* mail_summary: the subject and plain-text body of a failing site's report mail
 * (mail_message.h). The text is for the site's maintainers: what failed, what to fix first
 * (the order of the HTML report: vetoes, then deductions by points), and by when. */
#include "reports/mail_message.h"
#include "common/error.h"

#include <stdio.h>

#define MAIL_SUMMARY_MAX_DEDUCTIONS 10

int mail_summary_subject(const struct sitereport *sr, struct strbuf *out)
{
    strbuf_addf(out, "网站抽查结果：%s（%s 第%d轮）%s", sr->name ? sr->name : sr->code,
                sr->round->quarter, sr->round->number,
                sr->final && !sr->r.verdict_pass ? "不合格" : "");
    return out->failed ? SC_ENOMEM : 0;
}

static void defect_line(const struct defect_record *d, struct strbuf *out)
{
    strbuf_addf(out, "  - %s", sitereport_kind_label(d->kind));
    if (d->severity == SEVERITY_DEDUCT)
        strbuf_addf(out, "（扣 %g 分）", d->points);
    if (d->detail && *d->detail)
        strbuf_addf(out, "：%s", d->detail);
    if (d->url && *d->url)
        strbuf_addf(out, "\n    %s", d->url);
    strbuf_addch(out, '\n');
}

int mail_summary_text(const struct sitereport *sr, struct strbuf *out)
{
    const struct sitereport_round *rd = sr->round;
    strbuf_addf(out, "%s（网站标识码 %s）\n%s\n\n", sr->name ? sr->name : "", sr->code,
                sr->url ? sr->url : "");
    strbuf_addf(out, "%s 第%d轮政府网站抽查结果：%s，得分 %.1f（满分 100）。\n", rd->quarter,
                rd->number, sr->final && !sr->r.verdict_pass ? "不合格" : "合格", sr->r.score);
    if (*sr->deadline)
        strbuf_addf(out, "整改期限：%s 前（%d 天）。\n", sr->deadline, rd->rectification_days);
    size_t nveto = 0, nded = 0, more = 0;
    for (size_t i = 0; i < sr->r.ndefects; i++) {
        const struct defect_record *d = &sr->r.defects[sr->order ? sr->order[i] : i];
        if (d->severity == SEVERITY_VETO) {
            if (!nveto++)
                strbuf_adds(out, "\n单项否决（任一项即不合格）：\n");
            defect_line(d, out);
        }
    }
    for (size_t i = 0; i < sr->r.ndefects; i++) {
        const struct defect_record *d = &sr->r.defects[sr->order ? sr->order[i] : i];
        if (d->severity != SEVERITY_DEDUCT)
            continue;
        if (nded >= MAIL_SUMMARY_MAX_DEDUCTIONS) {
            more++;
            continue;
        }
        if (!nded++)
            strbuf_adds(out, "\n主要扣分项：\n");
        defect_line(d, out);
    }
    if (more)
        strbuf_addf(out, "  - 另有 %zu 项扣分，见附件。\n", more);
    strbuf_addf(out,
                "\n完整的问题清单、证据与整改顺序见附件 %s.html（可打印）。\n"
                "本邮件由 spotcheck 自动发送，请勿直接回复。\n",
                sr->code);
    return out->failed ? SC_ENOMEM : 0;
}

/* publish_common: small pieces the public site's pages share (publish_pages.h). */
#include "reports/publish_html.h"
#include "reports/publish_pages.h"

#include <string.h>

void pub_pass_rate(struct strbuf *out, long passed, long failed)
{
    if (passed + failed <= 0) {
        strbuf_adds(out, "—");
        return;
    }
    strbuf_addf(out, "%.1f%%", 100.0 * (double)passed / (double)(passed + failed));
}

const char *pub_verdict_zh(enum pub_verdict v)
{
    return v == PUB_PASS ? "合格" : v == PUB_FAIL ? "不合格" : "待定";
}

const char *pub_verdict_class(enum pub_verdict v)
{
    return v == PUB_PASS ? "pass" : v == PUB_FAIL ? "fail" : "pending";
}

static int severity_rank(const char *s)
{
    return strcmp(s, "veto") == 0 ? 0 : strcmp(s, "deduct") == 0 ? 1 : 2;
}

void pub_main_defects(struct strbuf *out, const struct pub_result *s, size_t max)
{
    size_t shown = 0;
    /* by severity, then in the order found; each kind once with its count */
    for (int sev = 0; sev < 3 && shown < max; sev++) {
        for (size_t i = 0; i < s->ndefects && shown < max; i++) {
            const struct pub_defect *d = &s->defects[i];
            if (severity_rank(d->severity) != sev)
                continue;
            int seen = 0;
            for (size_t j = 0; j < i && !seen; j++)
                seen = strcmp(s->defects[j].kind, d->kind) == 0;
            if (seen)
                continue;
            long count = 0;
            for (size_t j = i; j < s->ndefects; j++)
                count += strcmp(s->defects[j].kind, d->kind) == 0;
            if (shown++)
                strbuf_adds(out, "；");
            pub_escape(out, pub_defect_kind_zh(d->kind));
            if (sev == 0)
                strbuf_adds(out, "（否决）");
            if (count > 1)
                strbuf_addf(out, " ×%ld", count);
        }
    }
}

void pub_round_name(struct strbuf *out, const struct pub_round *r)
{
    pub_escape(out, r->quarter);
    strbuf_addf(out, " 第%d轮", r->number);
}

struct rectification_view pub_rectification_view(const struct pub_result *s)
{
    struct rectification_view v = {s->deadline, s->rectification_days, s->checked_at,
                                   s->have_rect ? &s->rect : NULL};
    return v;
}

void pub_rectification_cell(struct strbuf *out, const struct pub_result *s)
{
    if (!*s->deadline) {
        strbuf_adds(out, "—");
        return;
    }
    struct rectification_view v = pub_rectification_view(s);
    strbuf_addf(out, "%s<br><span class=\"rect-%s\">", s->deadline, rectification_state(&v));
    rectification_state_zh(&v, out);
    strbuf_adds(out, "</span>");
}

/* farm_interact: the farm's consultation channels under 互动交流 (issue 12 item 2) — the plan
 * (which site has which 信箱 or 留言 board, its messages, their questions' and replies' days),
 * the pages (a channel's message list with its pager, each message's page, the links on the
 * 互动交流 page) and the facts the truth states about them (see farm.h, docs/farm.md).
 *
 * A list either gives each row's state and dates (已回复 2026-11-20 …) or only the question's
 * day, leaving the reply to the message's page (来信时间 / 回复时间). Days are always written
 * with their year: a year-less day of a message older than a year could not be placed. */
#include <stdio.h>
#include <string.h>

#include "tests/farm/farm.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *name, *slug;
} channel_kinds[] = {{"书记信箱", "sjxx"}, {"网上留言", "wsly"}, {"咨询投诉", "zxts"},
                     {"在线咨询", "zxzx"}, {"局长信箱", "jzxx"}};
static const char *const topics[] = {
    "小区停车难的问题", "道路破损何时维修", "社保转移手续咨询", "反映夜间噪音扰民",
    "公交线路调整的建议", "学校招生政策咨询", "农村危房改造申请", "供暖费收取标准",
    "户籍迁移需要哪些材料", "路灯长期不亮的反映", "菜市场环境卫生问题", "医保报销比例咨询"};
static const char *const answered_words[] = {"已回复", "已答复", "已办结"};
static const char *const unanswered_words[] = {"未回复", "待回复", "办理中"};

static long age_of(const struct farm_model *m, long day)
{
    return m->opts.as_of - day;
}

/* A message older than 90 days (and not older than 365) with no reply. */
int farm_message_unanswered(const struct farm_model *m, const struct farm_message *x)
{
    long age = age_of(m, x->asked);
    return x->replied < 0 && age > 90 && age <= 365;
}

/* 1 when the homepage carries the planted 领导信箱 link that answers 503 (a suspected link):
 * a channel the probe cannot check. */
static int suspected_channel_link(const struct farm_site *s)
{
    for (int i = 0; i < s->nlinks; i++) {
        const struct farm_link *l = &s->links[i];
        if (l->on_home && !l->trap && l->expected && !strcmp(l->expected, "suspected") &&
            strstr(l->anchor, "信箱"))
            return 1;
    }
    return 0;
}

/* No channel works; but a channel that could not be checked vetoes nothing: the probe
 * cannot tell. */
int farm_site_no_channel(const struct farm_site *s)
{
    for (int i = 0; i < s->nchannels; i++)
        if (s->channels[i].writable)
            return 0;
    return !suspected_channel_link(s);
}

/* Messages newest first over about 14 months, never within 5 days of the 90- and 365-day
 * edges (the rules' limits are the probe's business, not the farm's to blur). */
static void plan_messages(struct farm_channel *c, long as_of, struct farm_rng *r)
{
    c->nmsg = farm_rng_range(r, 14, FARM_MAX_MESSAGES);
    long day = as_of - farm_rng_range(r, 0, 2);
    for (int k = 0; k < c->nmsg; k++) {
        long age = as_of - day;
        if ((age >= 85 && age <= 95) || (age >= 360 && age <= 370)) {
            day -= 12;
            age += 12;
        }
        struct farm_message *x = &c->msgs[k];
        x->asked = day;
        x->replied = -1;
        if (age < 85) {
            if (age >= 2 && !farm_rng_chance(r, 0.25)) /* else still fresh and pending */
                x->replied = day + farm_rng_range(r, 1, age < 20 ? (int)age : 20);
        } else if (age < 360) {
            if (age > 100 && farm_rng_chance(r, 0.15)) /* slow: answered after 3 months */
                x->replied = day + farm_rng_range(r, 95, age < 150 ? (int)age : 150);
            else
                x->replied = day + farm_rng_range(r, 1, 30);
        } else if (!farm_rng_chance(r, 0.35)) { /* beyond the year: some never answered */
            x->replied = day + farm_rng_range(r, 1, 30);
        }
        day -= farm_rng_range(r, 8, 30);
    }
}

/* The first message of c aged 95..360 days made unanswered; 1 when there was one. */
static int plant_unanswered(struct farm_channel *c, long as_of)
{
    for (int k = 0; k < c->nmsg; k++) {
        long age = as_of - c->msgs[k].asked;
        if (age > 100 && age < 355) {
            c->msgs[k].replied = -1;
            return 1;
        }
    }
    return 0;
}

void farm_interaction_plan(struct farm_model *m, const struct farm_opts *o)
{
    if (o->profile == FARM_PROFILE_BENCH)
        return;
    int special = 0; /* 0, 1: an unanswered message; 2: no way to write; 3: no channel */
    for (int i = 0; i < m->nsites; i++) {
        struct farm_site *s = &m->sites[i];
        s->nchannels = 0;
        if (!s->served || !s->sections[3].present)
            continue;
        struct farm_rng r;
        char salt[160];
        snprintf(salt, sizeof salt, "interaction/%s", s->host);
        farm_rng_seed(&r, o->seed, salt);
        int n = farm_rng_range(&r, 1, FARM_MAX_CHANNELS);
        int first = farm_rng_range(&r, 0, (int)NELEM(channel_kinds) - 1);
        for (int c = 0; c < n; c++) {
            struct farm_channel *ch = &s->channels[c];
            int kind = (first + c * 2) % (int)NELEM(channel_kinds);
            snprintf(ch->name, sizeof ch->name, "%s", channel_kinds[kind].name);
            snprintf(ch->slug, sizeof ch->slug, "%s", channel_kinds[kind].slug);
            ch->writable = 1;
            ch->list_state = farm_rng_chance(&r, 0.5);
            plan_messages(ch, o->as_of, &r);
        }
        s->nchannels = n;
        /* the chosen sites: the first eligible ones after the provincial portal */
        if (i == 0 || special > 3 || (special >= 2 && suspected_channel_link(s)))
            continue;
        if (special == 0 || special == 1) {
            s->channels[0].list_state = special == 0; /* the row says it; then only the page */
            if (plant_unanswered(&s->channels[0], o->as_of))
                special++;
        } else if (special == 2) {
            for (int c = 0; c < n; c++)
                s->channels[c].writable = 0;
            special++;
        } else {
            s->nchannels = 0; /* a 互动交流 page that lists no channel */
            special++;
        }
    }
}

int farm_channel_pages(const struct farm_channel *c)
{
    int p = (c->nmsg + FARM_MESSAGES_PER_PAGE - 1) / FARM_MESSAGES_PER_PAGE;
    return p > 0 ? p : 1;
}

void farm_channel_path(const struct farm_channel *c, int page, struct strbuf *out)
{
    if (page == 0)
        strbuf_addf(out, "/hd/%s/index.html", c->slug);
    else
        strbuf_addf(out, "/hd/%s/index_%d.html", c->slug, page);
}

void farm_message_path(const struct farm_channel *c, int k, struct strbuf *out)
{
    strbuf_addf(out, "/hd/%s/m%d.html", c->slug, k + 1);
}

void farm_message_title(const struct farm_site *s, const struct farm_channel *c, int k,
                        struct strbuf *out)
{
    strbuf_addf(out, "关于%s%s", s->place,
                topics[(size_t)(k * 7 + c->slug[0]) % NELEM(topics)]);
}

/* Days always with their year (see the top comment). */
static void day_text(const struct farm_site *s, long day, char *out, size_t n)
{
    int style = s->date_style;
    if (style == FARM_D_MMDD)
        style = FARM_D_ISO;
    farm_date_format(day, style, 0, out, n);
}

void farm_channel_links(const struct farm_site *s, struct strbuf *out)
{
    if (s->nchannels == 0)
        return;
    strbuf_adds(out, "<div class=\"hdqd\"><h3>咨询渠道</h3><ul>\n");
    struct strbuf path = STRBUF_INIT;
    for (int c = 0; c < s->nchannels; c++) {
        strbuf_reset(&path);
        farm_channel_path(&s->channels[c], 0, &path);
        strbuf_addf(out, "<li><a href=\"%s\">%s</a></li>\n", path.buf, s->channels[c].name);
    }
    strbuf_release(&path);
    strbuf_adds(out, "</ul></div>\n");
}

void farm_page_channel(const struct farm_site *s, int ch, int page, struct strbuf *out)
{
    const struct farm_channel *c = &s->channels[ch];
    struct strbuf body = STRBUF_INIT, path = STRBUF_INIT, title = STRBUF_INIT;
    if (c->writable && (s->index + ch) % 2)
        strbuf_addf(&body, "<form class=\"xx-form\" action=\"/hd/%s/submit.jsp\" method=\"post\">"
                           "<input name=\"title\"><textarea name=\"content\"></textarea>"
                           "<input type=\"submit\" value=\"提交\"></form>\n",
                    c->slug);
    else if (c->writable)
        strbuf_adds(&body, "<p><button type=\"button\" class=\"xx-btn\">我要写信</button></p>\n");
    int table = s->layout == FARM_TABLE;
    strbuf_adds(&body, table ? "<table class=\"xx-list\">\n<tr><th>标题</th><th>来信时间</th>"
                               "<th>状态</th><th>回复时间</th></tr>\n"
                             : "<ul class=\"xx-list\">\n");
    char asked[48], replied[48];
    for (int k = page * FARM_MESSAGES_PER_PAGE;
         k < c->nmsg && k < (page + 1) * FARM_MESSAGES_PER_PAGE; k++) {
        const struct farm_message *x = &c->msgs[k];
        strbuf_reset(&path);
        strbuf_reset(&title);
        farm_message_path(c, k, &path);
        farm_message_title(s, c, k, &title);
        day_text(s, x->asked, asked, sizeof asked);
        const char *word = x->replied >= 0 ? answered_words[k % 3] : unanswered_words[k % 3];
        if (x->replied >= 0)
            day_text(s, x->replied, replied, sizeof replied);
        else
            snprintf(replied, sizeof replied, "-");
        if (!c->list_state && table)
            strbuf_addf(&body, "<tr><td><a href=\"%s\">%s</a></td><td>%s</td></tr>\n", path.buf,
                        title.buf, asked);
        else if (!c->list_state)
            strbuf_addf(&body, "<li><a href=\"%s\">%s</a><span class=\"date\">%s</span></li>\n",
                        path.buf, title.buf, asked);
        else if (table)
            strbuf_addf(&body,
                        "<tr><td><a href=\"%s\">%s</a></td><td>%s</td><td>%s</td><td>%s</td>"
                        "</tr>\n",
                        path.buf, title.buf, asked, word, replied);
        else
            strbuf_addf(&body,
                        "<li><a href=\"%s\">%s</a><span class=\"date\">%s</span>"
                        "<span class=\"state\">%s</span>%s%s%s</li>\n",
                        path.buf, title.buf, asked, word,
                        x->replied >= 0 ? "<span class=\"date\">" : "",
                        x->replied >= 0 ? replied : "", x->replied >= 0 ? "</span>" : "");
    }
    strbuf_adds(&body, table ? "</table>\n" : "</ul>\n");
    int pages = farm_channel_pages(c);
    strbuf_addf(&body, "<div class=\"page\">共%d条 当前第%d页 ", c->nmsg, page + 1);
    if (page + 1 < pages) {
        strbuf_reset(&path);
        farm_channel_path(c, page + 1, &path);
        strbuf_addf(&body, "<a href=\"%s\">下一页</a>", path.buf);
    }
    strbuf_adds(&body, "</div>\n");
    farm_page_simple(s, c->name, body.buf, out);
    strbuf_release(&body);
    strbuf_release(&path);
    strbuf_release(&title);
}

void farm_page_message(const struct farm_site *s, int ch, int k, struct strbuf *out)
{
    const struct farm_channel *c = &s->channels[ch];
    const struct farm_message *x = &c->msgs[k];
    struct strbuf body = STRBUF_INIT, title = STRBUF_INIT;
    char asked[48], replied[48];
    int alt = (s->index + k) % 2; /* the two labellings CMSs use */
    farm_message_title(s, c, k, &title);
    day_text(s, x->asked, asked, sizeof asked);
    strbuf_addf(&body,
                "<table class=\"xx-detail\"><tr><td>标题：</td><td>%s</td></tr>\n"
                "<tr><td>%s</td><td>%s</td></tr>\n"
                "<tr><td>%s</td><td>请问这个问题应当怎样解决？谢谢。</td></tr>\n",
                title.buf, alt ? "留言时间：" : "来信时间：", asked,
                alt ? "留言内容：" : "来信内容：");
    if (x->replied >= 0) {
        day_text(s, x->replied, replied, sizeof replied);
        strbuf_addf(&body,
                    "<tr><td>回复单位：</td><td>%s</td></tr>\n<tr><td>%s</td><td>%s</td></tr>\n"
                    "<tr><td>%s</td><td>您好，您反映的问题已转交相关部门，感谢您的关注。</td>"
                    "</tr>\n",
                    s->sponsor, alt ? "答复时间：" : "回复时间：", replied,
                    alt ? "答复内容：" : "回复内容：");
    } else {
        strbuf_adds(&body, "<tr><td>状态：</td><td>待回复</td></tr>\n");
    }
    strbuf_adds(&body, "</table>\n");
    farm_page_simple(s, c->name, body.buf, out);
    strbuf_release(&body);
    strbuf_release(&title);
}

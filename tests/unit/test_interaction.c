/* test_interaction: the 互动回应差 probe (probes/content/interaction.h) — message list rows with
 * every state and date form (tests/data/pages/interaction_*.html), message pages, the way to
 * write, the median, the whole probe through content.h (channels from the homepage and the
 * 互动交流 page, paging, following message pages, the bounds), the judge's two vetoes, hostile
 * pages (a date in a title, missing dates, a huge list, deep nesting) and out of memory at
 * every allocation of a whole site's run (malloc wrapped at link time, tests/CMakeLists.txt). */
#include "testutil.h"
#include "common/clock.h"
#include "common/strbuf.h"
#include "probes/content/content.h"
#include "probes/content/content_dom.h"
#include "probes/content/interaction.h"
#include "probes/verdict/check_output.h"
#include "probes/verdict/rules.h"
#include "reports/sitereport.h"

#include <gumbo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- allocation failure injection: the n-th allocation from our code fails ---- */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
static long countdown; /* 0: off */
static int failed_one;
static int must_fail(void)
{
    if (countdown > 0 && --countdown == 0) {
        failed_one = 1;
        return 1;
    }
    return 0;
}
void *__wrap_malloc(size_t n)
{
    return must_fail() ? NULL : __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t size)
{
    return must_fail() ? NULL : __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t n)
{
    return must_fail() ? NULL : __real_realloc(p, n);
}
char *__wrap_strdup(const char *s)
{
    return must_fail() ? NULL : __real_strdup(s);
}

#define AS_OF_Y 2026
static long ymd(int y, int m, int d)
{
    return sc_days_from_civil(y, m, d);
}
static long as_of(void)
{
    return ymd(AS_OF_Y, 12, 1);
}

static char *page_text(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/pages/%s", test_src(), name);
    char *text = test_read_file(path, NULL);
    assert_non_null(text);
    return text;
}

static const struct interaction_row *row_titled(const struct interaction_list *l, const char *t)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->rows[i].title, t) == 0)
            return &l->rows[i];
    fail_msg("no row titled %s among %zu", t, l->n);
    return NULL;
}

static void test_list_rows(void **state)
{
    (void)state;
    char *text = page_text("interaction_list.html");
    GumboOutput *doc = gumbo_parse(text);
    struct interaction_list l;
    assert_int_equal(
        interaction_read_list(doc->root, "http://www.test.gov.cn/hdjl/szxx/", as_of(), &l), 0);
    assert_int_equal(l.n, 7); /* the navigation and footer rows are not messages */
    assert_true(l.writable);  /* 我要写信 */
    assert_string_equal(l.next_url, "http://www.test.gov.cn/hdjl/szxx/index_1.html");
    const struct interaction_row *r = row_titled(&l, "关于小区停车难的问题");
    assert_string_equal(r->url, "http://www.test.gov.cn/hdjl/szxx/1.html");
    assert_int_equal(r->asked, ymd(2026, 11, 20));
    assert_int_equal(r->replied, ymd(2026, 11, 25));
    assert_int_equal(r->state, IA_ANSWERED);
    r = row_titled(&l, "道路破损何时维修"); /* 已答复, no reply date */
    assert_int_equal(r->asked, ymd(2026, 10, 8));
    assert_int_equal(r->replied, SC_NO_DAY);
    assert_int_equal(r->state, IA_ANSWERED);
    r = row_titled(&l, "关于2025年3月1日停水的咨询"); /* the title's date is not the question's */
    assert_int_equal(r->asked, ymd(2026, 7, 15));
    assert_int_equal(r->state, IA_UNANSWERED);
    r = row_titled(&l, "学校招生政策咨询"); /* [06-02] and 办理中 */
    assert_int_equal(r->asked, ymd(2026, 6, 2));
    assert_int_equal(r->state, IA_UNANSWERED);
    r = row_titled(&l, "噪音扰民投诉"); /* 已办结 with a reply date */
    assert_int_equal(r->asked, ymd(2026, 9, 1));
    assert_int_equal(r->replied, ymd(2026, 12, 1));
    assert_int_equal(r->state, IA_ANSWERED);
    r = row_titled(&l, "公交线路调整建议"); /* 待回复 and no date at all */
    assert_int_equal(r->asked, SC_NO_DAY);
    assert_int_equal(r->state, IA_UNANSWERED);
    r = row_titled(&l, "社保转移咨询"); /* a date and no state: the page must say */
    assert_int_equal(r->asked, ymd(2026, 8, 3));
    assert_int_equal(r->state, IA_UNKNOWN);
    interaction_list_free(&l);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    free(text);
}

static void test_table_rows(void **state)
{
    (void)state;
    char *text = page_text("interaction_table.html");
    GumboOutput *doc = gumbo_parse(text);
    struct interaction_list l;
    assert_int_equal(interaction_read_list(doc->root, "http://www.test.gov.cn/wsly/", as_of(), &l),
                     0);
    assert_int_equal(l.n, 3); /* not the header row */
    assert_true(l.writable);  /* a form with a textarea */
    assert_null(l.next_url);
    assert_int_equal(row_titled(&l, "供暖费收取标准")->state, IA_ANSWERED);
    assert_int_equal(row_titled(&l, "农村危房改造申请")->asked, ymd(2025, 6, 1));
    assert_int_equal(row_titled(&l, "户籍迁移手续")->state, IA_UNANSWERED);
    assert_string_equal(row_titled(&l, "户籍迁移手续")->url, "http://www.test.gov.cn/wsly/msg/c.html");
    interaction_list_free(&l);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    free(text);
}

static void read_message(const char *name, int expect_rc, long asked, long replied, int st)
{
    char *text = page_text(name);
    GumboOutput *doc = gumbo_parse(text);
    long a, r;
    int s;
    assert_int_equal(interaction_read_message(doc->root, as_of(), &a, &r, &s), expect_rc);
    assert_int_equal(a, asked);
    assert_int_equal(r, replied);
    assert_int_equal(s, st);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    free(text);
}

static void test_message_pages(void **state)
{
    (void)state;
    /* the dates in the question's text (2019年1月1日) are not the labelled ones */
    read_message("interaction_msg_answered.html", 1, ymd(2026, 8, 3), ymd(2026, 8, 13),
                 IA_ANSWERED);
    read_message("interaction_msg_unanswered.html", 1, ymd(2026, 3, 9), SC_NO_DAY, IA_UNANSWERED);
    read_message("interaction_msg_block.html", 1, ymd(2026, 10, 10), SC_NO_DAY, IA_ANSWERED);
    /* a news article that speaks of 回复 and 留言 is no message page */
    read_message("interaction_article.html", 0, SC_NO_DAY, SC_NO_DAY, IA_UNKNOWN);
}

static void test_writable(void **state)
{
    (void)state;
    static const struct {
        const char *html;
        int writable;
    } cases[] = {
        {"<form><textarea></textarea></form>", 1},
        {"<a href='w.html'>我要留言</a>", 1},
        {"<button>我要咨询</button>", 1},
        {"<input type=button value='我要写信'>", 1},
        {"<a href='w.html'><img src='x.png' alt='我要写信'></a>", 1},
        {"<form><input name=q><input type=submit value='搜索'></form>", 0}, /* a search box */
        {"<textarea></textarea>", 0},                                      /* no form */
        {"<p>请点击我要写信按钮</p>", 0},                                  /* text only */
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        GumboOutput *doc = gumbo_parse(cases[i].html);
        if (interaction_page_writable(doc->root) != cases[i].writable)
            fail_msg("case %zu: %s", i, cases[i].html);
        gumbo_destroy_output(&kGumboDefaultOptions, doc);
    }
}

static void test_median(void **state)
{
    (void)state;
    long a[] = {10, 2, 7};
    assert_true(interaction_median(a, 3) == 7);
    long b[] = {4, 1, 9, 2};
    assert_true(interaction_median(b, 4) == 3);
    long c[] = {5};
    assert_true(interaction_median(c, 1) == 5);
    assert_true(interaction_median(NULL, 0) < 0);
}

/* ---- the whole probe over a small site ---- */

struct site_page {
    const char *url;
    const char *html; /* inline, or NULL with file */
    const char *file;
};

#define H "http://www.test.gov.cn"
static const char home_html[] =
    "<html><body><div class=nav><a href='/'>首页</a><a href='/hdjl/'>互动交流</a></div>"
    "<div><a href='/szxx/'>市长信箱</a><a href='http://12345.other.gov.cn/'>12345热线</a>"
    "<a href='/news/1.html'>关于开通网上留言功能的公告内容较长的一则新闻标题</a></div>"
    "<ul><li><a href='/news/2.html'>12345热线工作会议</a><span>2026-11-30</span></li></ul>"
    "</body></html>";
static const char section_html[] =
    "<html><body><h2>互动交流</h2><ul><li><a href='/wsly/'>网上留言</a></li>"
    "<li><a href='/szxx/index.html'>市长信箱</a></li><li><a href='/zxft/'>在线访谈</a></li>"
    "<li><a href='/ldxx/'>局长信箱</a></li></ul></body></html>";
/* 市长信箱 page 2: older messages, one beyond the window */
static const char szxx2_html[] =
    "<html><body><ul><li><a href='/hdjl/szxx/8.html'>旧留言</a><span>2026-01-05</span>"
    "<span>已回复</span><span>2026-06-01</span></li>"
    "<li><a href='/hdjl/szxx/9.html'>更旧的留言</a><span>2025-10-01</span><span>未回复</span>"
    "</li></ul><a href='/szxx/index_2.html'>下一页</a></body></html>";
/* 局长信箱: loads, lists, but gives no way to write */
static const char ldxx_html[] =
    "<html><body><ul><li><a href='/ldxx/1.html'>咨询</a><span>2026-11-01</span>"
    "<span>已回复</span><span>2026-11-03</span></li></ul></body></html>";

static const struct site_page site[] = {
    {H "/", home_html, NULL},
    {H "/hdjl/", section_html, NULL},
    {H "/szxx/", NULL, "interaction_list.html"},
    {H "/hdjl/szxx/index_1.html", szxx2_html, NULL},
    {H "/wsly/", NULL, "interaction_table.html"},
    {H "/ldxx/", ldxx_html, NULL},
    {H "/hdjl/szxx/7.html", NULL, "interaction_msg_answered.html"},
    {H "/hdjl/szxx/6.html", NULL, "interaction_msg_unanswered.html"},
    {H "/hdjl/szxx/2.html", NULL, "interaction_msg_block.html"},
};

static const struct site_page *page_for(const char *url)
{
    for (size_t i = 0; i < sizeof site / sizeof *site; i++)
        if (strcmp(site[i].url, url) == 0)
            return &site[i];
    return NULL; /* not on the site: a broken link, never observed */
}

/* The files' texts, read once before any allocation is made to fail. */
static char *file_texts[sizeof site / sizeof *site];

static void load_site(void)
{
    for (size_t i = 0; i < sizeof site / sizeof *site; i++)
        if (!file_texts[i] && site[i].file)
            file_texts[i] = page_text(site[i].file);
}

static int observe(struct content_state *s, const char *url, int depth)
{
    const struct site_page *p = page_for(url);
    if (!p)
        return 0;
    GumboOutput *doc = gumbo_parse(p->html ? p->html : file_texts[p - site]);
    int rc = content_observe_page(s, url, depth, doc);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    return rc;
}

static int free_site(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof site / sizeof *site; i++) {
        free(file_texts[i]);
        file_texts[i] = NULL;
    }
    return 0;
}

/* Crawls the little site as content_run would (the wanted pages after each page), fills rep
 * and judges it. Returns 0 or SC_ENOMEM. *fetched gets the pages asked for. */
static int run_site(const struct rules *rules, struct site_report *rep, int *fetched)
{
    load_site();
    site_report_init(rep, H "/");
    if (!rep->url)
        return SC_ENOMEM;
    rep->reachable = 1;
    struct content_state *s = content_state_new(H "/", as_of());
    if (!s)
        return SC_ENOMEM;
    content_set_interaction(s, rules);
    int rc = observe(s, H "/", 0);
    *fetched = 0;
    /* a queue of wanted URLs, breadth first */
    char *queue[256];
    size_t nq = 0, at = 0;
    while (rc == 0) {
        size_t n;
        const char *const *w = content_take_wanted(s, &n);
        for (size_t k = 0; k < n && nq < 256 && rc == 0; k++)
            if (!(queue[nq++] = strdup(w[k])))
                rc = SC_ENOMEM;
        if (rc || at == nq)
            break;
        (*fetched)++;
        rc = observe(s, queue[at++], 1);
    }
    for (size_t i = 0; i < nq; i++)
        free(queue[i]);
    if (rc == 0)
        rc = content_finish(s, rep, rules, NULL, NULL);
    content_state_free(s);
    if (rc == 0)
        rc = rules_judge(rules, rep);
    return rc;
}

static const struct interaction_channel *channel_named(const struct site_report *r,
                                                       const char *name)
{
    for (size_t i = 0; i < r->nchannels; i++)
        if (strcmp(r->channels[i].name, name) == 0)
            return &r->channels[i];
    fail_msg("no channel %s among %zu", name, r->nchannels);
    return NULL;
}

static int defects_of(const struct site_report *r, const char *kind, enum defect_severity sev)
{
    int n = 0;
    for (size_t i = 0; i < r->ndefects; i++)
        n += strcmp(r->defects[i].kind, kind) == 0 && r->defects[i].severity == sev;
    return n;
}

static int unanswered_has(const struct site_report *r, const char *url)
{
    for (size_t i = 0; i < r->nunanswered; i++)
        if (strcmp(r->unanswered[i].url, url) == 0)
            return 1;
    return 0;
}

static void test_probe_site(void **state)
{
    (void)state;
    struct rules rules;
    rules_default(&rules);
    struct site_report rep;
    int fetched;
    assert_int_equal(run_site(&rules, &rep, &fetched), 0);
    assert_true(rep.interaction_analysed);
    /* 市长信箱 12345热线 网上留言 局长信箱; not 在线访谈, not the news titles (a long one, and
     * a short one in a dated row) */
    assert_int_equal(rep.nchannels, 4);
    const struct interaction_channel *c = channel_named(&rep, "市长信箱");
    assert_int_equal(c->works, 1);
    /* page 1: 7 rows; page 2: 2 rows of which one is beyond the window; the row without a
     * date (6.html) got its date from its page */
    assert_int_equal(c->messages_seen, 8);
    /* answered: 1 (row), 2 (row; page gives no date), 5 (row), 7 (page), 8 (row) */
    assert_int_equal(c->answered, 5);
    /* response days: 1: 5; 5: 91; 7: 10; 8: 147 -> median (10+91)/2 */
    assert_true(c->median_response_days == 50.5);
    assert_int_equal(channel_named(&rep, "12345热线")->works, -1); /* another host: unchecked */
    assert_int_equal(channel_named(&rep, "局长信箱")->works, 0);   /* no way to write */
    const struct interaction_channel *t = channel_named(&rep, "网上留言");
    assert_int_equal(t->works, 1);
    assert_int_equal(t->messages_seen, 2); /* 2025-06-01 is beyond the year */
    /* unanswered > 90 days within the year: 3 (07-15), 4 (06-02), 6 (03-09), c (02-10);
     * not 9 (2025-10-01: beyond the window), not b (2025-06-01) */
    assert_int_equal(rep.nunanswered, 4);
    assert_true(unanswered_has(&rep, H "/hdjl/szxx/3.html"));
    assert_true(unanswered_has(&rep, H "/hdjl/szxx/4.html"));
    assert_true(unanswered_has(&rep, H "/hdjl/szxx/6.html"));
    assert_true(unanswered_has(&rep, H "/wsly/msg/c.html"));
    assert_int_equal(defects_of(&rep, "unanswered_message", SEVERITY_VETO), 4);
    assert_int_equal(defects_of(&rep, "no_interaction_channel", SEVERITY_VETO), 0);
    assert_false(rep.verdict_pass);
    /* the check output: the JSON object and the text lines */
    struct strbuf out = STRBUF_INIT;
    assert_int_equal(check_output_json(&rep, 1, &out), 0);
    assert_non_null(strstr(out.buf, "\"interaction\""));
    assert_non_null(strstr(out.buf, "\"median_response_days\": 50.5"));
    assert_non_null(strstr(out.buf, "\"asked\": \"2026-07-15\""));
    assert_non_null(strstr(out.buf, "\"works\": null"));
    strbuf_reset(&out);
    assert_int_equal(check_output_text(&rep, 1, &out), 0);
    assert_non_null(strstr(out.buf, "channel: 市长信箱 (works; 8 messages in the window, 5 "
                                    "answered, median 50.5 days)"));
    assert_non_null(strstr(out.buf, "channel: 12345热线 (not checked;"));
    strbuf_release(&out);
    site_report_free(&rep);

    /* the veto off: the same findings are information; a longer limit forgives all four */
    assert_int_equal(rules_set(&rules, "veto.unanswered_message", "0", NULL), 0);
    assert_int_equal(run_site(&rules, &rep, &fetched), 0);
    assert_int_equal(defects_of(&rep, "unanswered_message", SEVERITY_INFO), 4);
    site_report_free(&rep);
    assert_int_equal(rules_set(&rules, "interaction.unanswered_days", "400", NULL), 0);
    assert_int_equal(run_site(&rules, &rep, &fetched), 0);
    assert_int_equal(rep.nunanswered, 0);
    site_report_free(&rep);
}

static void test_probe_bounds(void **state)
{
    (void)state;
    struct rules rules;
    rules_default(&rules);
    struct site_report rep;
    int all, fewer;
    assert_int_equal(run_site(&rules, &rep, &all), 0);
    site_report_free(&rep);
    /* no message pages, one list page per channel: the page-2 rows and the pages are not read */
    assert_int_equal(rules_set(&rules, "interaction.max_message_pages", "0", NULL), 0);
    assert_int_equal(rules_set(&rules, "interaction.max_list_pages", "1", NULL), 0);
    assert_int_equal(run_site(&rules, &rep, &fewer), 0);
    /* index_1 and four message pages: 2, 6, 7 and the table's a.html (answered, no reply
     * date; not on the site, so never observed) */
    assert_int_equal(all - fewer, 5);
    const struct interaction_channel *c = channel_named(&rep, "市长信箱");
    assert_int_equal(c->messages_seen, 6); /* 6.html has no date without its page */
    assert_int_equal(c->answered, 3);      /* 7.html unknown without its page */
    assert_false(unanswered_has(&rep, H "/hdjl/szxx/6.html"));
    site_report_free(&rep);
}

/* A homepage with no channel, a section page that lists none: the channel veto. */
static void test_no_channel(void **state)
{
    (void)state;
    struct content_state *s = content_state_new(H "/", as_of());
    GumboOutput *doc = gumbo_parse("<a href='/hdjl/'>互动交流</a><a href='/zxft/'>在线访谈</a>");
    assert_int_equal(content_observe_page(s, H "/", 0, doc), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    size_t n;
    const char *const *w = content_take_wanted(s, &n);
    assert_true(n >= 1); /* the 互动交流 page first, then candidate column pages (columns_hidden) */
    assert_string_equal(w[0], H "/hdjl/");
    doc = gumbo_parse("<ul><li><a href='/zxft/'>在线访谈</a></li><li><a href='/myzj/'>民意征集</a>"
                      "</li></ul>");
    assert_int_equal(content_observe_page(s, H "/hdjl/", 1, doc), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    struct site_report rep;
    site_report_init(&rep, H "/");
    rep.reachable = 1;
    assert_int_equal(content_finish(s, &rep, NULL, NULL, NULL), 0);
    content_state_free(s);
    assert_int_equal(rules_judge(NULL, &rep), 0);
    assert_int_equal(rep.nchannels, 0);
    assert_int_equal(defects_of(&rep, "no_interaction_channel", SEVERITY_VETO), 1);
    site_report_free(&rep);

    /* the section page is itself the message board: it is the channel */
    s = content_state_new(H "/", as_of());
    doc = gumbo_parse("<a href='/hdjl/'>政民互动</a>");
    assert_int_equal(content_observe_page(s, H "/", 0, doc), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    doc = gumbo_parse("<ul><li><a href='/hdjl/1.html'>问</a><span>2026-11-11</span>已回复</li></ul>"
                      "<a href='/hdjl/write.html'>我要留言</a>");
    assert_int_equal(content_observe_page(s, H "/hdjl/index.html", 1, doc), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    site_report_init(&rep, H "/");
    rep.reachable = 1;
    assert_int_equal(content_finish(s, &rep, NULL, NULL, NULL), 0);
    content_state_free(s);
    assert_int_equal(rules_judge(NULL, &rep), 0);
    assert_int_equal(rep.nchannels, 1);
    assert_int_equal(rep.channels[0].works, 1);
    assert_int_equal(rep.channels[0].messages_seen, 1);
    assert_int_equal(defects_of(&rep, "no_interaction_channel", SEVERITY_VETO), 0);
    site_report_free(&rep);
}

/* The section sections_find picks may be a 领导信箱 link (an exact synonym); a homepage link
 * named like the section (咨询留言) is read as a 互动交流 page as well, never as a channel. */
static void test_section_named_links(void **state)
{
    (void)state;
    struct content_state *s = content_state_new(H "/", as_of());
    GumboOutput *doc = gumbo_parse("<div class=nav><a href='/col/1004/'>咨询留言</a></div>"
                                   "<div><a href='/ldxx/'>领导信箱</a></div>");
    assert_int_equal(content_observe_page(s, H "/", 0, doc), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    size_t n;
    const char *const *w = content_take_wanted(s, &n);
    int section = 0, mailbox = 0;
    for (size_t i = 0; i < n; i++) {
        section += strcmp(w[i], H "/col/1004/") == 0;
        mailbox += strcmp(w[i], H "/ldxx/") == 0;
    }
    assert_int_equal(section, 1);
    assert_int_equal(mailbox, 1);
    doc = gumbo_parse("<ul><li><a href='/hd/wsly/'>网上留言</a></li></ul>");
    assert_int_equal(content_observe_page(s, H "/col/1004/index.html", 1, doc), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    doc = gumbo_parse("<form><textarea></textarea></form>");
    assert_int_equal(content_observe_page(s, H "/hd/wsly/", 2, doc), 0);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    struct site_report rep;
    site_report_init(&rep, H "/");
    rep.reachable = 1;
    assert_int_equal(content_finish(s, &rep, NULL, NULL, NULL), 0);
    content_state_free(s);
    assert_int_equal(rep.nchannels, 2); /* 领导信箱 (never came: broken) and 网上留言 */
    assert_int_equal(channel_named(&rep, "网上留言")->works, 1);
    assert_int_equal(channel_named(&rep, "领导信箱")->works, 0);
    site_report_free(&rep);
}

/* The site reports name the rule behind each interaction defect: its own key, not the
 * 互动交流 section's. */
static void test_report_rules(void **state)
{
    (void)state;
    struct defect_record d = {.kind = "unanswered_message", .severity = SEVERITY_VETO};
    assert_string_equal(sitereport_rule_of(NULL, &d).key, "veto.unanswered_message");
    d.kind = "no_interaction_channel";
    assert_string_equal(sitereport_rule_of(NULL, &d).key, "veto.no_interaction_channel");
    assert_string_equal(sitereport_kind_label("no_interaction_channel"), "无可用互动渠道");
}

static int status_suspected(void *user, const char *url)
{
    (void)url;
    return *(int *)user;
}

/* A channel whose page never came: broken (it does not work) or suspected (not checked). */
static void test_channel_not_read(void **state)
{
    (void)state;
    for (int status = -1; status <= 0; status++) {
        struct content_state *s = content_state_new(H "/", as_of());
        GumboOutput *doc = gumbo_parse("<div><a href='/ldxx/'>领导信箱</a></div>");
        assert_int_equal(content_observe_page(s, H "/", 0, doc), 0);
        gumbo_destroy_output(&kGumboDefaultOptions, doc);
        struct site_report rep;
        site_report_init(&rep, H "/");
        rep.reachable = 1;
        assert_int_equal(content_finish(s, &rep, NULL, status_suspected, &status), 0);
        content_state_free(s);
        assert_int_equal(rules_judge(NULL, &rep), 0);
        assert_int_equal(rep.nchannels, 1);
        assert_int_equal(rep.channels[0].works, status);
        assert_int_equal(defects_of(&rep, "no_interaction_channel", SEVERITY_VETO), status == 0);
        site_report_free(&rep);
    }
}

/* Hostile lists: a huge one (rows read are bounded), deep nesting, rows without dates. */
static void test_hostile(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "<ul>");
    for (int i = 0; i < 5000; i++)
        strbuf_addf(&sb, "<li><a href='/m/%d.html'>留言%d 2026-01-01</a> 2026-11-%02d 未回复</li>",
                    i, i, i % 28 + 1);
    strbuf_adds(&sb, "</ul>");
    for (int i = 0; i < 3 * DOM_MAX_DEPTH; i++)
        strbuf_adds(&sb, "<div>");
    strbuf_adds(&sb, "<li><a href='/deep.html'>深</a>2026-11-01 未回复</li>");
    assert_false(sb.failed);
    GumboOutput *doc = gumbo_parse(sb.buf);
    struct interaction_list l;
    assert_int_equal(interaction_read_list(doc->root, H "/", as_of(), &l), 0);
    assert_int_equal(l.n, INTERACTION_MAX_ROWS);
    assert_int_equal(l.rows[0].asked, ymd(2026, 11, 1)); /* not the title's 2026-01-01 */
    interaction_list_free(&l);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    strbuf_release(&sb);
    /* rows with nothing but links, and links without href */
    doc = gumbo_parse("<ul><li><a>无链接</a> 2026-11-01 已回复</li><li><a href='x'>x</a></li>"
                      "<li>2026-11-01 未回复</li></ul>");
    assert_int_equal(interaction_read_list(doc->root, H "/", as_of(), &l), 0);
    assert_int_equal(l.n, 0);
    interaction_list_free(&l);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
    /* a message page with a label but no date, and a reply label far from any date */
    long a, r;
    int st;
    doc = gumbo_parse("<p>来信时间：不详</p><p>回复时间：</p><p>很长很长很长很长很长很长很长很长很长很长很长"
                      "很长很长的文字 2026-01-01</p>");
    assert_int_equal(interaction_read_message(doc->root, as_of(), &a, &r, &st), 1);
    assert_int_equal(a, SC_NO_DAY);
    assert_int_equal(r, SC_NO_DAY);
    gumbo_destroy_output(&kGumboDefaultOptions, doc);
}

/* Out of memory at every allocation of a whole site's run: SC_ENOMEM or the full result,
 * never a crash or a leak (ASan in the Sanitize build). */
static void test_oom(void **state)
{
    (void)state;
    struct rules rules;
    rules_default(&rules);
    struct site_report ref;
    int fetched;
    assert_int_equal(run_site(&rules, &ref, &fetched), 0);
    long n;
    for (n = 1;; n++) {
        struct site_report rep;
        failed_one = 0;
        countdown = n;
        int rc = run_site(&rules, &rep, &fetched);
        countdown = 0;
        if (!failed_one) {
            assert_int_equal(rc, 0);
            site_report_free(&rep);
            break;
        }
        if (rc != SC_ENOMEM) { /* a failure the probe absorbed must leave the same result */
            assert_int_equal(rc, 0);
            assert_int_equal(rep.nunanswered, ref.nunanswered);
            assert_int_equal(rep.nchannels, ref.nchannels);
        }
        site_report_free(&rep);
    }
    assert_true(n > 100);
    /* the JSON output of the interaction object */
    struct strbuf want = STRBUF_INIT;
    assert_int_equal(check_output_json(&ref, 1, &want), 0);
    for (n = 1;; n++) {
        struct strbuf out = STRBUF_INIT;
        failed_one = 0;
        countdown = n;
        int rc = check_output_json(&ref, 1, &out);
        countdown = 0;
        if (rc == 0) /* a run that did not fail wrote the whole document */
            assert_int_equal(out.len, want.len);
        else
            assert_int_equal(rc, SC_ENOMEM);
        strbuf_release(&out);
        if (!failed_one)
            break;
    }
    strbuf_release(&want);
    site_report_free(&ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_rows),    cmocka_unit_test(test_table_rows),
        cmocka_unit_test(test_message_pages), cmocka_unit_test(test_writable),
        cmocka_unit_test(test_median),        cmocka_unit_test(test_probe_site),
        cmocka_unit_test(test_probe_bounds),  cmocka_unit_test(test_no_channel),
        cmocka_unit_test(test_hostile),       cmocka_unit_test(test_oom),
        cmocka_unit_test(test_channel_not_read), cmocka_unit_test(test_section_named_links),
        cmocka_unit_test(test_report_rules),
    };
    return cmocka_run_group_tests(tests, NULL, free_site);
}

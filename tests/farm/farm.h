/* farm: the local farm of synthetic Chinese government websites (shared declarations).
 *
 * The generator builds an in-memory model of N sites from a seed (farm_model.c), renders it
 * to static files (farm_page.c, farm_gen.c), and writes the ground truth, the server's fault
 * table and the registry CSV (farm_truth.c, farm_registry.c). The server (farm_serve.c)
 * reads DIR/faults.json back (farm_conf.c) and serves every site on one loopback port.
 * Everything the generator writes depends only on its arguments: no clock, no hash order. */
#ifndef SPOTCHECK_FARM_H
#define SPOTCHECK_FARM_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/strbuf.h"

/* ---- deterministic random numbers (farm_rng.c) ---- */
struct farm_rng {
    uint64_t s;
};
void farm_rng_seed(struct farm_rng *r, const char *seed, const char *salt);
uint64_t farm_rng_next(struct farm_rng *r);
/* Uniform integer in [lo, hi] (inclusive). */
int farm_rng_range(struct farm_rng *r, int lo, int hi);
/* 1 with probability p. */
int farm_rng_chance(struct farm_rng *r, double p);
/* A random element of a NULL-terminated or counted table. */
#define FARM_PICK(r, arr) ((arr)[farm_rng_range((r), 0, (int)(sizeof(arr) / sizeof((arr)[0])) - 1)])

/* ---- words and text (farm_words.c) ---- */
void farm_text_title(struct farm_rng *r, const char *place, int cat, struct strbuf *out);
void farm_text_paragraphs(struct farm_rng *r, const char *place, int nchars, struct strbuf *out);
void farm_text_person(struct farm_rng *r, struct strbuf *out);

/* ---- the model (farm_model.c) ---- */
enum farm_cat { FARM_NEWS, FARM_NOTICE, FARM_POLICY, FARM_PERSONNEL, FARM_PLAN, FARM_OTHER };
enum farm_layout { FARM_DIV, FARM_TABLE, FARM_TABS };
enum farm_datestyle { FARM_D_ISO, FARM_D_SLASH, FARM_D_CN, FARM_D_BRACKET, FARM_D_MMDD };
/* How the charset is declared: header and meta; header only; meta only; gb2312 declared
 * for GBK text (benign); header contradicting the meta and the bytes. */
enum farm_decl {
    FARM_DECL_BOTH,
    FARM_DECL_HEADER,
    FARM_DECL_META,
    FARM_DECL_GB2312,
    FARM_DECL_WRONG
};
enum farm_profile { FARM_PROFILE_DEMO, FARM_PROFILE_TEST, FARM_PROFILE_BENCH };

#define FARM_MAX_COLS 10
#define FARM_NSECTIONS 4
#define FARM_PER_LIST_PAGE 20
/* A list page's pager shows the numbers of this many pages, a window sliding with the
 * current one (首页 上一页 1 2 3 4 5 下一页 尾页). */
#define FARM_PAGER_NUMBERS 5
/* The test profile's paged column (farm_model.c): at least this many list pages. */
#define FARM_PAGED_MIN_PAGES 32

struct farm_column {
    char name[64];
    char slug[16];
    int cat;
    int nitems;     /* total items over all list pages; 0 = blank column */
    int per_page;   /* items a list page */
    int home_items; /* items shown on the homepage block */
    long *dates;    /* nitems day numbers, newest first */
    int *seq;       /* article sequence numbers */
    int tab_group;  /* tabbed layout: index of the tab group, else -1 */
    /* Blank columns wherever they are (issue 12): where the column is shown (FARM_AT_HOME a
     * homepage block, FARM_AT_NAV only a link in the navigation, FARM_AT_INDEX only a link on
     * the sections' column index pages) and, for a blank column, how its homepage block and
     * its list page show that it has nothing. */
    int where;
    int home_form; /* FARM_HOME_ZANWU 暂无信息 row, FARM_HOME_NO_ROWS, FARM_HOME_ZANWU_NEIRONG */
    int list_form; /* FARM_LIST_ZANWU 暂无信息, FARM_LIST_EMPTY_UL, FARM_LIST_PAGER_ONLY */
};
enum { FARM_AT_HOME, FARM_AT_NAV, FARM_AT_INDEX };
enum { FARM_HOME_ZANWU, FARM_HOME_NO_ROWS, FARM_HOME_ZANWU_NEIRONG };
enum { FARM_LIST_ZANWU, FARM_LIST_EMPTY_UL, FARM_LIST_PAGER_ONLY };

struct farm_section {
    const char *name;  /* canonical: 政府信息公开, 政策解读, 办事服务, 互动交流 */
    const char *label; /* as shown in the navigation bar */
    const char *slug;
    int present;
    int style;   /* FARM_SEC_TEXT, or an image button named by its alt or the link's title */
    int offsite; /* hosted on the provincial service platform (FARM_SERVICE_HOST) */
};
enum { FARM_SEC_TEXT, FARM_SEC_IMAGE_ALT, FARM_SEC_IMAGE_TITLE };
/* The provincial government service platform, an auxiliary host: a site's 办事服务 may be
 * there, at http://FARM_SERVICE_HOST/portal/<site code>/. */
#define FARM_SERVICE_HOST "zwfw.hunan.gov.cn"

/* A link planted on a page: a broken one, a risky-looking but fine one (trap), or neither. */
struct farm_link {
    char url[256];      /* absolute URL */
    char href[256];     /* as written in the page */
    char found_on[256]; /* absolute URL of the page it is on */
    char anchor[96];
    const char *reason;   /* broken: http_404 ...; trap: kind */
    const char *expected; /* "broken", "suspected", or NULL for a trap */
    int trap;
    int on_home;       /* else on the first article of the first non-blank column */
    int image;         /* written as <img src> */
    const char *fault; /* what the server does at this path (faults.json kind), or NULL */
};

/* 服务不实用: a service guide (办事指南) under a site's 办事服务 (farm_guides.c). */
#define FARM_GUIDE_ELEMENTS 8
/* The probe's default sample (rule services.guide_sample): the first this many guides, in the
 * section's order, are the ones checked. */
#define FARM_GUIDE_SAMPLE 20
enum { FARM_GUIDE_TABLE, FARM_GUIDE_BLOCKS };
/* How a missing element is missing. */
enum { FARM_GUIDE_NO_LABEL, FARM_GUIDE_EMPTY, FARM_GUIDE_NONE_YET };
struct farm_guide {
    char name[64];
    int list;                      /* 0 个人办事, 1 法人办事 */
    int form;                      /* FARM_GUIDE_TABLE or FARM_GUIDE_BLOCKS */
    int pairs;                     /* a table's label/value pairs to a row: 1 or 2 */
    unsigned missing;              /* bit e: element e (the plan's order) is missing */
    int how[FARM_GUIDE_ELEMENTS];  /* for a missing element: FARM_GUIDE_NO_LABEL ... */
    int label[FARM_GUIDE_ELEMENTS]; /* which wording of the label (a synonym) */
    int fee_none;                  /* 收费标准 shown as 无 (a value: no fee) */
};

/* 互动交流's consultation channels (farm_interact.c): a 信箱 or 留言 board with its messages. */
#define FARM_MAX_CHANNELS 3
#define FARM_MAX_MESSAGES 32
#define FARM_MESSAGES_PER_PAGE 10
struct farm_message {
    long asked;   /* day number */
    long replied; /* day number, or -1: unanswered */
};
struct farm_channel {
    char name[32];
    char slug[16];
    int writable;   /* shows a way to write (a form, or a 我要写信 button) */
    int list_state; /* its list shows the reply state and dates; else only the message page */
    int nmsg;
    struct farm_message msgs[FARM_MAX_MESSAGES]; /* newest first */
};

struct farm_site {
    int index;
    char host[96];
    char url[128];
    char code[12];
    char name[96];
    char sponsor[128];
    char region[48];
    char place[48]; /* short Chinese place name used in titles */
    const char *level;
    int portal;
    const char *status;
    int served; /* has content on the farm */
    int down;   /* in the registry as running, but connections are refused */
    double flaky;
    char contact[32], phone[32], email[96];
    char icp[48], psb[64];
    int layout, gbk, decl, date_style, code_shown;
    int gzip; /* the server gzips its HTML for clients that accept it */
    struct farm_section sections[FARM_NSECTIONS];
    struct farm_column cols[FARM_MAX_COLS];
    int ncols;
    struct farm_link *links;
    int nlinks, alinks;
    int next_seq;
    int home_stale_planted;
    /* The homepage is only a navigation entry: no dated item, links to the column list
     * pages; its second-level pages (the list pages) carry the updates. */
    int nav_only;
    /* 服务不实用: the guides under 办事服务 (none when the section is missing), and whether a
     * list of 事项 is on the platform FARM_SERVICE_HOST although the section is on the site */
    struct farm_guide *guides;
    int nguides;
    int guide_list_platform[2];
    /* the consultation channels under 互动交流 (none when the section is missing) */
    struct farm_channel channels[FARM_MAX_CHANNELS];
    int nchannels;
};

struct farm_opts {
    const char *seed;
    int nsites;
    const char *out;
    long as_of; /* day number */
    int profile;
    int bench_pages;
    int registry_only; /* write only registry.csv and registry-gbk.csv */
    double flaky;
};

struct farm_model {
    struct farm_opts opts;
    struct farm_site *sites;
    int nsites;
};

/* The word truth.json uses for a column's place: "homepage", "navigation", "section_index". */
const char *farm_where_name(const struct farm_site *s, const struct farm_column *c);

int farm_model_build(const struct farm_opts *o, struct farm_model *m, struct sc_error *err);
void farm_model_free(struct farm_model *m);
/* Plants every broken link and trap (farm_plant.c); down_url is the down site's URL or NULL.
 * Returns 0 or SC_ENOMEM. */
int farm_plant_links(struct farm_model *m, const char *down_url, struct farm_rng *r);
/* Category word ("news"...) and update window in days (0 = no rule). */
const char *farm_cat_name(int cat);
int farm_cat_limit(int cat);
/* Latest date of a column, or -1 when blank; the homepage's latest over all columns. */
long farm_column_latest(const struct farm_column *c);
long farm_site_home_latest(const struct farm_site *s);
/* The newest item of the pages one click from the homepage (the column list pages): what
 * a navigation-only homepage is judged by; the list page's path into out (may be NULL). */
long farm_site_second_latest(const struct farm_site *s, struct strbuf *out);
/* The absolute URL of a present section, into out. */
void farm_section_url(const struct farm_site *s, int sec, struct strbuf *out);
/* Number of list pages of a column (at least 1). */
int farm_column_pages(const struct farm_column *c);
/* The pager of list page `page` of `pages` (0-based), links rendered by farm_list_path:
 * 首页, 上一页, a window of FARM_PAGER_NUMBERS page numbers, 下一页, 尾页; the current page and
 * the links that would lead nowhere are plain text. Appends HTML to out. */
void farm_pager(const struct farm_column *c, int page, int pages, struct strbuf *out);
/* Path of a column's list page p (0 = index.html) and of an article, into out. */
void farm_list_path(const struct farm_column *c, int p, struct strbuf *out);
void farm_article_path(const struct farm_column *c, int i, struct strbuf *out);
/* The page that carries the non-homepage planted links: the first non-blank column's newest
 * article, or the homepage when every column is blank. Path into out. */
void farm_link_page_path(const struct farm_site *s, struct strbuf *out);
extern const char *const farm_aux_hosts[];
/* 1 when the farm of model m serves this auxiliary host (the bench profile: not the service
 * platform FARM_SERVICE_HOST, so its output is what it was). */
int farm_aux_host_served(const struct farm_model *m, const char *host);
/* How a site declares its charset: in the Content-Type header ("" for none) and in a meta
 * tag (NULL for none). */
const char *farm_header_charset(const struct farm_site *s);
const char *farm_meta_charset(const struct farm_site *s);

/* ---- service guides (farm_guides.c) ---- */
int farm_guides_plan(struct farm_model *m, const struct farm_opts *o);
const char *farm_guide_element_name(int e);
/* The absolute URL of a list of 事项 (its directory) and of guide g. */
void farm_guides_list_url(const struct farm_site *s, int list, struct strbuf *out);
void farm_guide_url(const struct farm_site *s, int g, struct strbuf *out);
int farm_guide_on_platform(const struct farm_site *s, int g);
/* The links to the lists, for the section's page. */
void farm_guides_section_links(const struct farm_site *s, struct strbuf *out);
/* The guides' pages: the section's page when it is on the platform, the two lists, the
 * guides. farm_guides_page renders page k (0 <= k < npages) and its absolute URL as linked (a
 * directory's ends in '/': the file is its index.html); returns 1
 * when it is on the platform (UTF-8, written under sites/FARM_SERVICE_HOST), 0 on the site. */
int farm_guides_npages(const struct farm_site *s);
int farm_guides_page(const struct farm_model *m, const struct farm_site *s, int k,
                     struct strbuf *url, struct strbuf *html);
/* ---- interaction (farm_interact.c): channels, message lists, message pages ---- */
/* Plans every served site's channels and messages (a stream of its own, so no other choice
 * of the farm changed): answered, slow (answered after >90 days), fresh unanswered, and
 * unanswered beyond the year everywhere; an unanswered message of the year, a channel with no
 * way to write and a 互动交流 page with no channel on a few chosen sites. */
void farm_interaction_plan(struct farm_model *m, const struct farm_opts *o);
int farm_channel_pages(const struct farm_channel *c);
void farm_channel_path(const struct farm_channel *c, int page, struct strbuf *out);
void farm_message_path(const struct farm_channel *c, int k, struct strbuf *out);
void farm_message_title(const struct farm_site *s, const struct farm_channel *c, int k,
                        struct strbuf *out);
void farm_page_channel(const struct farm_site *s, int ch, int page, struct strbuf *out);
void farm_page_message(const struct farm_site *s, int ch, int k, struct strbuf *out);
/* The channel links of the 互动交流 page (appended to out). */
void farm_channel_links(const struct farm_site *s, struct strbuf *out);
/* Truth: 1 when message k is unanswered for more than 90 days within the last year. */
int farm_message_unanswered(const struct farm_model *m, const struct farm_message *x);
/* Truth: 1 when the site has no working channel. */
int farm_site_no_channel(const struct farm_site *s);

/* ---- rendering (farm_page.c): pages as UTF-8 HTML ---- */
void farm_page_home(const struct farm_model *m, const struct farm_site *s, struct strbuf *out);
void farm_page_list(const struct farm_model *m, const struct farm_site *s, int col, int page,
                    struct strbuf *out);
void farm_page_article(const struct farm_model *m, const struct farm_site *s, int col, int i,
                       struct strbuf *out);
void farm_page_section(const struct farm_model *m, const struct farm_site *s, int sec,
                       struct strbuf *out);
void farm_page_simple(const struct farm_site *s, const char *title, const char *body,
                      struct strbuf *out);
/* Formats day as the site's homepage style (home=1) or its list/article style. */
void farm_date_format(long day, int style, int home, char *out, size_t n);

/* ---- output (farm_gen.c, farm_truth.c, farm_registry.c, farm_bench.c) ---- */
int farm_generate(const struct farm_opts *o, struct sc_error *err);
int farm_write_file(const char *path, const char *data, size_t n, struct sc_error *err);
int farm_mkdirs(const char *path, struct sc_error *err);
/* Converts UTF-8 to GBK; SC_EINPUT when a character has no GBK form. */
int farm_to_gbk(const char *in, size_t n, struct strbuf *out, struct sc_error *err);
int farm_truth_write(const struct farm_model *m, struct sc_error *err);
int farm_faults_write(const struct farm_model *m, struct sc_error *err);
int farm_registry_write(const struct farm_model *m, struct sc_error *err);
/* DIR/pages.txt: the URL of every reachable on-site HTML page of every served site (2xx,
 * not a soft 404, on the site's host), one a line; the count is truth's reachable_pages. */
int farm_pages_write(const struct farm_model *m, struct sc_error *err);
int farm_site_reachable_pages(const struct farm_site *s);
int farm_bench_generate(const struct farm_opts *o, struct sc_error *err);

/* ---- the server (farm_conf.c, farm_serve.c) ---- */
enum farm_site_mode { FARM_MODE_STATIC, FARM_MODE_DOWN, FARM_MODE_CATCHALL };
enum farm_fault_kind {
    FK_STATUS,   /* a fixed error status */
    FK_SOFT404,  /* 200 with a 页面不存在 page */
    FK_REDIRECT, /* status + Location */
    FK_ENDLESS,  /* redirect to the same path with ?n=k+1, for ever */
    FK_HEAD405,  /* HEAD answers 405, GET serves the file */
    FK_RETRY429, /* 429 + Retry-After: 1 until the client waited, then the file */
    FK_STALL,    /* read the request, answer nothing, close after stall_seconds */
    FK_RESET,    /* headers and part of the body, then a TCP reset */
    FK_HUGE,     /* a 50 MB body, streamed */
    FK_GZIPBOMB, /* small gzip body that inflates to 100 MB */
    FK_DRIP      /* one small piece a second until stall_seconds */
};

struct farm_fault {
    char *path;
    int kind;
    int status;
    char *location;
    double last429; /* server state: when the last 429 was sent (0 = never) */
};

struct farm_vhost {
    char *host;
    char *root; /* absolute directory of the static files */
    int mode;
    char *header_charset; /* "" = no charset in Content-Type for HTML */
    double flaky;
    int gzip;
    unsigned long home_requests; /* server state for flakiness */
    struct farm_fault *faults;
    int nfaults;
};

struct farm_conf {
    struct farm_vhost *hosts;
    int nhosts;
    int stall_seconds;
};

int farm_conf_load(const char *dir, struct farm_conf *c, struct sc_error *err);
void farm_conf_free(struct farm_conf *c);
struct farm_vhost *farm_conf_host(struct farm_conf *c, const char *host);

/* ---- HTTP/1.1 request heads and response pieces (farm_http.c) ---- */
#define FARM_MAX_HEAD 16384
struct farm_request {
    char method[16];
    char target[4096];
    char host[256]; /* lower case, without the port */
    int keep_alive;
    int gzip_ok;     /* Accept-Encoding names gzip */
    size_t consumed; /* bytes of the request head */
};
/* 1 and *r filled when buf holds a whole request head, 0 when more bytes are needed,
 * SC_EINPUT when it is malformed or longer than FARM_MAX_HEAD. */
int farm_http_parse(const char *buf, size_t len, struct farm_request *r);
/* Splits a request target (origin or absolute form) into the percent-decoded path and the
 * raw query. SC_EINPUT for a path that is not absolute, has a NUL or a ".." segment. */
int farm_http_target(const char *target, struct strbuf *path, struct strbuf *query);
const char *farm_http_reason(int status);
/* Content-Type for a file name; HTML gets "; charset=X" when charset is not empty. */
void farm_http_type(const char *path, const char *charset, struct strbuf *out);

struct farm_serve_opts {
    const char *dir;
    int port;
    const char *port_file;
    const char *log;       /* a file to append "METHOD HOST TARGET" to for every request, or NULL */
    const char *slow_host; /* a host answering every request after exactly slow_ms, or NULL */
    int slow_ms;
};
int farm_serve(const struct farm_serve_opts *o, struct sc_error *err);

#endif

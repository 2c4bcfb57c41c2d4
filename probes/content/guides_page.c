/* guides_page: reads one parsed page as a service guide (办事指南): which key elements it
 * labels and which of those labels have a value (see guides.h).
 *
 * The page's visible text is cut into chunks at block elements (p, div, li, headings, table
 * cells, dt/dd, br). A chunk is a label when it is an element's label (a synonym from the
 * table below, after any numbering such as 一、 or （1）, and an optional ： or *), or when it
 * starts with one followed by ： or : and the value. A label's value is the rest of its chunk,
 * else the next chunk: the next cell of its row, the block under its heading, the <dd> after
 * its <dt>. An empty cell, 暂无 or another label right after it is no value. Text inside links
 * (a navigation menu) is never a label, and a table row holding two labels side by side is a
 * column-header row (a list of 事项), whose labels do not count. */
#include "probes/content/guides.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "probes/content/content_dom.h"

/* The labels of each element (site_report.h's order), as guides word them. */
static const char *const labels[GUIDE_ELEMENTS][8] = {
    {"事项名称", "服务事项名称", "办理事项名称", "服务名称", NULL},
    {"办事依据", "设定依据", "法律依据", "办理依据", "实施依据", "受理依据", NULL},
    {"受理单位", "受理机构", "实施主体", "实施机构", "受理部门", "办理机构", "办理部门", NULL},
    {"基本流程", "办理流程", "办事流程", "办理程序", NULL},
    {"申请材料", "申报材料", "所需材料", "提交材料", NULL},
    {"收费标准", "是否收费", "收费依据及标准", "收费情况", NULL},
    {"办理时限", "承诺时限", "法定时限", "承诺办结时限", "法定办结时限", "办结时限", NULL},
    {"咨询电话", "咨询方式", "咨询渠道", NULL},
};

/* Values that say there is none. 无 is a value for 收费标准 (no fee), nowhere else. */
static const char *const no_values[] = {"暂无", "暂无信息", "暂无内容", "暂无数据", "无",
                                        "-",    "--",       "—",       "/",       "空"};

#define NAME_MAX_BYTES 240

struct reader {
    struct strbuf chunk, text;
    int chunk_plain;  /* the chunk has text outside links */
    int chunk_img;    /* the chunk has an image (a flow chart is a value) */
    int in_link;
    const GumboNode *row, *chunk_row; /* the <tr> being read, and the chunk's */
    int pending;                      /* a label waiting for its value, or -1 */
    const GumboNode *pending_row;
    const GumboNode *block;         /* the innermost block element being read */
    const GumboNode *pending_scope; /* leaving it, the waiting label has no value */
    const GumboNode *header_row; /* a column-header row: its labels do not count */
    size_t read;                 /* text bytes read */
    unsigned labelled, present;
    char *name;
    char *title;
    int failed;
};

static int is_space_at(const char *p, size_t *len)
{
    const unsigned char *u = (const unsigned char *)p;
    if (*u == ' ' || *u == '\t' || *u == '\n' || *u == '\r' || *u == '\f' || *u == '\v') {
        *len = 1;
        return 1;
    }
    if (u[0] == 0xc2 && u[1] == 0xa0) { /* no-break space */
        *len = 2;
        return 1;
    }
    if (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80) { /* ideographic space */
        *len = 3;
        return 1;
    }
    return 0;
}

/* Copies in to out with every run of spaces one ASCII space, trimmed at both ends. */
static void squash(const char *in, struct strbuf *out)
{
    int space = 0;
    size_t len;
    for (const char *p = in; *p;) {
        if (is_space_at(p, &len)) {
            space = out->len > 0;
            p += len;
            continue;
        }
        /* the run up to the next space in one copy (a space's lead byte is never inside a
         * UTF-8 sequence, so stepping by bytes cannot split one) */
        const char *run = p;
        while (*p && !is_space_at(p, &len))
            p++;
        if (space)
            strbuf_addch(out, ' ');
        space = 0;
        strbuf_add(out, run, (size_t)(p - run));
    }
}

static const char *skip_spaces(const char *p)
{
    size_t len;
    while (*p && is_space_at(p, &len))
        p += len;
    return p;
}

/* Skips what may come before a label: bullets, brackets and numbering (一、 1. （1） 第一条). */
static const char *skip_numbering(const char *p)
{
    static const char *const marks[] = {"*", "★", "●", "◆", "■", "·", "【", "[", "<", "《"};
    static const char *const digits[] = {"一", "二", "三", "四", "五", "六", "七", "八",
                                         "九", "十", "0",  "1",  "2",  "3",  "4",  "5",
                                         "6",  "7",  "8",  "9"};
    static const char *const opens[] = {"（", "("};
    static const char *const closes[] = {"）", ")", "、", ".", "．", "：", ":"};
    for (int again = 1; again;) {
        again = 0;
        p = skip_spaces(p);
        for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
            if (strncmp(p, marks[i], strlen(marks[i])) == 0) {
                p += strlen(marks[i]);
                again = 1;
            }
        const char *q = p;
        int opened = 0;
        for (size_t i = 0; i < sizeof opens / sizeof *opens; i++)
            if (strncmp(q, opens[i], strlen(opens[i])) == 0) {
                q += strlen(opens[i]);
                opened = 1;
                break;
            }
        int ndigits = 0;
        for (int more = 1; more && ndigits < 4;) {
            more = 0;
            for (size_t i = 0; i < sizeof digits / sizeof *digits; i++)
                if (strncmp(q, digits[i], strlen(digits[i])) == 0) {
                    q += strlen(digits[i]);
                    ndigits++;
                    more = 1;
                    break;
                }
        }
        if (ndigits == 0)
            continue;
        for (size_t i = 0; i < sizeof closes / sizeof *closes; i++)
            if (strncmp(q, closes[i], strlen(closes[i])) == 0) {
                if (!opened && i == 0)
                    break;
                p = q + strlen(closes[i]);
                again = 1;
                break;
            }
    }
    return p;
}

/* The element text labels, or -1; *rest is set to what follows the label's colon ("" for a
 * label alone). "办理时限说明" is no label; "办理时限：5个工作日" is one with its value. */
static int label_of(const char *text, const char **rest)
{
    const char *p = skip_numbering(text);
    int best = -1;
    size_t best_len = 0;
    for (int e = 0; e < GUIDE_ELEMENTS; e++)
        for (int k = 0; labels[e][k]; k++) {
            size_t n = strlen(labels[e][k]);
            if (n > best_len && strncmp(p, labels[e][k], n) == 0) {
                best = e;
                best_len = n;
            }
        }
    if (best < 0)
        return -1;
    const char *q = skip_spaces(p + best_len);
    static const char *const after[] = {"】", "]", ">", "》", "*"};
    for (size_t i = 0; i < sizeof after / sizeof *after; i++)
        if (strncmp(q, after[i], strlen(after[i])) == 0)
            q = skip_spaces(q + strlen(after[i]));
    if (*q == 0) {
        *rest = q;
        return best;
    }
    if (strncmp(q, "：", 3) == 0)
        q += 3;
    else if (*q == ':')
        q++;
    else
        return -1;
    *rest = skip_spaces(q);
    return best;
}

/* 1 when value (squashed) is a value of element e. */
static int has_value(int e, const char *value)
{
    /* punctuation alone is no value */
    static const char *const stops[] = {"。", "；", ";", ".", "，", ","};
    char buf[64];
    size_t n = strlen(value);
    for (int trimmed = 1; trimmed && n > 0;) {
        trimmed = 0;
        for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
            size_t s = strlen(stops[i]);
            if (n >= s && strncmp(value + n - s, stops[i], s) == 0) {
                n -= s;
                trimmed = 1;
            }
        }
        while (n > 0 && value[n - 1] == ' ') {
            n--;
            trimmed = 1;
        }
    }
    if (n == 0)
        return 0;
    if (n >= sizeof buf)
        return 1;
    memcpy(buf, value, n);
    buf[n] = 0;
    for (size_t i = 0; i < sizeof no_values / sizeof *no_values; i++)
        if (strcmp(buf, no_values[i]) == 0)
            return e == GUIDE_E_FEES && strcmp(buf, "无") == 0;
    return 1;
}

/* The first bytes of s, cut at a character boundary. */
static char *dup_bounded(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    return strndup(s, n);
}

static void value_of(struct reader *r, int e, const char *value)
{
    r->labelled |= 1u << e;
    if (!has_value(e, value))
        return;
    r->present |= 1u << e;
    if (e == 0 && !r->name && !(r->name = dup_bounded(value, NAME_MAX_BYTES)))
        r->failed = 1;
}

static int is_block(GumboTag t);

/* The block element around a chunk's block: the label's value must come before it ends (the
 * heading's item, the cell's row, the dt's dl). */
static const GumboNode *scope_of(const GumboNode *block)
{
    const GumboNode *p = block ? block->parent : NULL;
    while (p && !(p->type == GUMBO_NODE_ELEMENT && is_block(p->v.element.tag)))
        p = p->parent;
    return p;
}

static void chunk_done(struct reader *r, const char *text, int cell)
{
    const char *rest = NULL;
    int e = r->chunk_plain ? label_of(text, &rest) : -1;
    const GumboNode *row = r->chunk_row;
    if (e >= 0) {
        if (row && row == r->header_row)
            return;
        if (row && r->pending >= 0 && r->pending_row == row && !*rest) {
            r->header_row = row; /* two labels side by side: a list's column headers */
            r->pending = -1;
            return;
        }
        if (r->pending >= 0)
            value_of(r, r->pending, "");
        r->pending = -1;
        if (*rest) {
            value_of(r, e, rest);
        } else {
            r->pending = e;
            r->pending_row = row;
            r->pending_scope = scope_of(r->block);
        }
        return;
    }
    if (r->pending >= 0) {
        value_of(r, r->pending, *text || !r->chunk_img ? text : "图");
        r->pending = -1;
    }
    (void)cell;
}

/* Ends the chunk being read; an empty one counts only when it is a cell (an empty value). */
static void flush(struct reader *r, int cell)
{
    if (r->chunk.failed || r->text.failed) {
        r->failed = 1;
        return;
    }
    strbuf_reset(&r->text);
    squash(r->chunk.buf, &r->text);
    if (r->text.failed) {
        r->failed = 1;
        return;
    }
    if (r->text.len > 0 || r->chunk_img || cell)
        chunk_done(r, r->text.buf, cell);
    strbuf_reset(&r->chunk);
    r->chunk_plain = 0;
    r->chunk_img = 0;
    r->chunk_row = r->row;
}

static int is_block(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_LI: case GUMBO_TAG_UL:
    case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY: case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_BR: case GUMBO_TAG_HR:
    case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM: case GUMBO_TAG_PRE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY: case GUMBO_TAG_MAIN: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FIELDSET:
        return 1;
    default:
        return 0;
    }
}

static void walk(struct reader *r, const GumboNode *n, int depth)
{
    if (r->failed || r->read > GUIDES_MAX_TEXT || depth > DOM_MAX_DEPTH)
        return;
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
        const char *t = n->v.text.text;
        size_t len = strlen(t);
        r->read += len;
        strbuf_add(&r->chunk, t, len);
        if (!r->in_link && n->type != GUMBO_NODE_WHITESPACE)
            r->chunk_plain = 1;
        return;
    }
    if (n->type != GUMBO_NODE_ELEMENT)
        return;
    GumboTag tag = n->v.element.tag;
    switch (tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_NAV: case GUMBO_TAG_SELECT: case GUMBO_TAG_TEMPLATE:
        return;
    case GUMBO_TAG_TITLE:
        if (!r->title) {
            struct strbuf t = STRBUF_INIT;
            dom_text(n, &t, 0);
            dom_text_trim(&t);
            if (t.failed)
                r->failed = 1;
            else if (t.len && !(r->title = dup_bounded(t.buf, NAME_MAX_BYTES)))
                r->failed = 1;
            strbuf_release(&t);
        }
        return;
    case GUMBO_TAG_IMG:
        r->chunk_img = 1;
        return;
    default:
        break;
    }
    int block = is_block(tag);
    int cell = tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH || tag == GUMBO_TAG_DD;
    const GumboNode *outer = r->block;
    if (block) {
        flush(r, 0);
        r->block = n;
    }
    const GumboNode *row = r->row;
    if (tag == GUMBO_TAG_TR)
        r->row = r->chunk_row = n;
    if (tag == GUMBO_TAG_A)
        r->in_link++;
    const GumboVector *kids = &n->v.element.children;
    for (unsigned i = 0; i < kids->length; i++)
        walk(r, kids->data[i], depth + 1);
    if (tag == GUMBO_TAG_A)
        r->in_link--;
    if (block) {
        flush(r, cell);
        r->block = outer;
        if (r->pending >= 0 && r->pending_scope == n) { /* its item ended: no value */
            value_of(r, r->pending, "");
            r->pending = -1;
        }
    }
    if (tag == GUMBO_TAG_TR)
        r->row = r->chunk_row = row;
}

int guides_read_page(const GumboNode *root, struct guide_read *out)
{
    memset(out, 0, sizeof *out);
    struct reader r;
    memset(&r, 0, sizeof r);
    strbuf_init(&r.chunk);
    strbuf_init(&r.text);
    r.pending = -1;
    if (root)
        walk(&r, root, 0);
    flush(&r, 0);
    if (r.pending >= 0)
        value_of(&r, r.pending, "");
    strbuf_release(&r.chunk);
    strbuf_release(&r.text);
    if (r.failed) {
        free(r.name);
        free(r.title);
        return SC_ENOMEM;
    }
    out->labelled = r.labelled;
    out->present = r.present;
    if (r.name) {
        out->name = r.name;
        free(r.title);
    } else {
        out->name = r.title;
    }
    return 0;
}

void guide_read_free(struct guide_read *g)
{
    free(g->name);
    g->name = NULL;
}

int guides_is_guide(const struct guide_read *g)
{
    int n = 0;
    for (int e = 0; e < GUIDE_ELEMENTS; e++)
        n += (g->labelled >> e) & 1;
    return n >= 2;
}

/* publish_feed: the Atom feed of published rounds (DIR/feed.xml, RFC 4287), newest first.
 * Links are absolute under [publish] base_url; without it they are relative to the feed and
 * the ids are URNs. Every moment comes from the data (publish_data.h), never the clock. */
#include "reports/publish_html.h"
#include "reports/publish_pages.h"

#include <string.h>

void pub_feed(struct strbuf *out, const struct pub_options *o, const struct pub_data *d)
{
    const char *base = o->base_url ? o->base_url : "";
    /* the newest round's moment; a feed without rounds keeps a fixed one */
    const char *updated = d->nrounds ? d->rounds[0].updated : "2000-01-01T00:00:00Z";
    for (size_t i = 1; i < d->nrounds; i++)
        if (strcmp(d->rounds[i].updated, updated) > 0)
            updated = d->rounds[i].updated;
    strbuf_adds(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                     "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n<title>");
    pub_escape(out, o->title);
    strbuf_adds(out, "</title>\n<subtitle>政府网站抽查各轮结果</subtitle>\n<id>");
    if (*base) {
        pub_escape(out, base);
        strbuf_adds(out, "feed.xml");
    } else {
        strbuf_adds(out, "urn:spotcheck:feed");
    }
    strbuf_adds(out, "</id>\n<updated>");
    pub_escape(out, updated);
    strbuf_adds(out, "</updated>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
    pub_escape(out, base);
    strbuf_adds(out, "feed.xml\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    pub_escape(out, base);
    strbuf_adds(out, "index.html\"/>\n<author><name>");
    pub_escape(out, o->title);
    strbuf_adds(out, "</name></author>\n<generator>spotcheck</generator>\n");
    for (size_t i = d->nrounds; i-- > 0;) {
        const struct pub_round *r = &d->rounds[i];
        char slug[32];
        pub_round_slug(r, slug, sizeof slug);
        strbuf_adds(out, "<entry>\n<title>");
        pub_round_name(out, r);
        strbuf_adds(out, "抽查结果</title>\n<id>");
        if (*base) {
            pub_escape(out, base);
            strbuf_addf(out, "%s/", slug);
        } else {
            strbuf_addf(out, "urn:spotcheck:round:%s", slug);
        }
        strbuf_adds(out, "</id>\n<updated>");
        pub_escape(out, r->updated);
        strbuf_adds(out, "</updated>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
        pub_escape(out, base);
        strbuf_addf(out, "%s/index.html\"/>\n<link rel=\"enclosure\" type=\"text/csv\" href=\"",
                    slug);
        pub_escape(out, base);
        strbuf_addf(out, "data/%s.csv\"/>\n<summary>抽查%zu个网站，合格%ld个，不合格%ld个，合格率",
                    slug, r->nsites, r->passed, r->failed);
        pub_pass_rate(out, r->passed, r->failed);
        strbuf_adds(out, "。种子 ");
        pub_escape(out, r->seed);
        strbuf_adds(out, "，抽样框哈希 ");
        pub_escape(out, r->frame_hash);
        strbuf_adds(out, "。</summary>\n</entry>\n");
    }
    strbuf_adds(out, "</feed>\n");
}

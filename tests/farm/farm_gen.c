/* farm_gen: `farm generate`: renders the model into DIR/sites/<host>/..., then writes the
 * truth, the server's fault table and the registry (UTF-8 and GBK).
 *
 * Output depends only on the options. DIR must be empty or absent, so a rerun never mixes
 * two farms; GBK sites are converted page by page (every generated character is in GBK). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/farm/farm.h"

int farm_mkdirs(const char *path, struct sc_error *err)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST)
        return 0;
    if (errno != ENOENT)
        return sc_fail(err, SC_ERUNTIME, "mkdir %s: %s", path, strerror(errno));
    char parent[4096]; /* the parent is missing too: make it first */
    if (snprintf(parent, sizeof parent, "%s", path) >= (int)sizeof parent)
        return sc_fail(err, SC_EINPUT, "path too long: %s", path);
    char *slash = strrchr(parent, '/');
    if (!slash || slash == parent)
        return sc_fail(err, SC_ERUNTIME, "mkdir %s: %s", path, strerror(ENOENT));
    *slash = 0;
    int rc = farm_mkdirs(parent, err);
    if (rc)
        return rc;
    if (mkdir(path, 0755) && errno != EEXIST)
        return sc_fail(err, SC_ERUNTIME, "mkdir %s: %s", path, strerror(errno));
    return 0;
}

int farm_write_file(const char *path, const char *data, size_t n, struct sc_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 && errno == ENOENT) { /* make the directories only when they are missing */
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            *slash = 0;
            int rc = farm_mkdirs(dir, err);
            if (rc)
                return rc;
        }
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    if (fd < 0)
        return sc_fail(err, SC_ERUNTIME, "open %s: %s", path, strerror(errno));
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, data + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            return sc_fail(err, SC_ERUNTIME, "write %s: %s", path, strerror(errno));
        }
        off += (size_t)w;
    }
    if (close(fd))
        return sc_fail(err, SC_ERUNTIME, "close %s: %s", path, strerror(errno));
    return 0;
}

int farm_to_gbk(const char *in, size_t n, struct strbuf *out, struct sc_error *err)
{
    iconv_t cd = iconv_open("GBK", "UTF-8");
    if (cd == (iconv_t)-1)
        return sc_fail(err, SC_ERUNTIME, "iconv: no UTF-8 to GBK conversion");
    char *ip = (char *)in;
    size_t il = n;
    int rc = 0;
    while (il > 0 && !rc) {
        if (strbuf_grow(out, il * 2 + 16)) {
            rc = sc_fail(err, SC_ENOMEM, "out of memory");
            break;
        }
        char *op = out->buf + out->len;
        size_t ol = out->alloc - out->len - 1;
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        out->len = (size_t)(op - out->buf); /* strbuf_setlen only shrinks */
        out->buf[out->len] = '\0';
        if (r == (size_t)-1 && errno != E2BIG)
            rc = sc_fail(err, SC_EINPUT, "text has no GBK form at byte %zu", (size_t)(ip - in));
    }
    iconv_close(cd);
    return rc;
}

/* A 1x1 transparent PNG, for the logo and badge images. */
static const unsigned char png1x1[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
    0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9c, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

static const char css[] = "body{font:14px/1.6 \"Microsoft YaHei\",SimSun,sans-serif;margin:0}\n"
                          ".nav ul,.list{list-style:none;margin:0;padding:0}\n"
                          ".nav li{display:inline-block;padding:0 12px}\n"
                          ".date,.rq{float:right;color:#999}\n"
                          ".footer{text-align:center;border-top:2px solid #c00}\n";

static const char fake_pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/* Writes one page of a site: converts to GBK when the site is GBK. */
static int site_write(const struct farm_model *m, const struct farm_site *s, const char *path,
                      struct strbuf *html, int is_html, struct sc_error *err)
{
    struct strbuf full = STRBUF_INIT, gbk = STRBUF_INIT;
    strbuf_addf(&full, "%s/sites/%s%s", m->opts.out, s->host, path);
    int rc = 0;
    if (html->failed || full.failed)
        rc = sc_fail(err, SC_ENOMEM, "out of memory");
    else if (is_html && s->gbk && !(rc = farm_to_gbk(html->buf, html->len, &gbk, err)))
        rc = farm_write_file(full.buf, gbk.buf, gbk.len, err);
    else if (!rc)
        rc = farm_write_file(full.buf, html->buf, html->len, err);
    strbuf_release(&full);
    strbuf_release(&gbk);
    return rc;
}

static int site_generate(const struct farm_model *m, const struct farm_site *s,
                         struct sc_error *err)
{
    struct strbuf page = STRBUF_INIT, path = STRBUF_INIT;
    int rc;
    farm_page_home(m, s, &page);
    rc = site_write(m, s, "/index.html", &page, 1, err);
    for (int c = 0; !rc && c < s->ncols; c++) {
        for (int p = 0; !rc && p < farm_column_pages(&s->cols[c]); p++) {
            strbuf_reset(&page);
            strbuf_reset(&path);
            farm_list_path(&s->cols[c], p, &path);
            farm_page_list(m, s, c, p, &page);
            rc = site_write(m, s, path.buf, &page, 1, err);
        }
        for (int i = 0; !rc && i < s->cols[c].nitems; i++) {
            strbuf_reset(&page);
            strbuf_reset(&path);
            farm_article_path(&s->cols[c], i, &path);
            farm_page_article(m, s, c, i, &page);
            rc = site_write(m, s, path.buf, &page, 1, err);
        }
    }
    for (int i = 0; !rc && i < FARM_NSECTIONS; i++) {
        if (!s->sections[i].present || s->sections[i].offsite)
            continue;
        strbuf_reset(&page);
        strbuf_reset(&path);
        strbuf_addf(&path, "/%s/index.html", s->sections[i].slug);
        farm_page_section(m, s, i, &page);
        rc = site_write(m, s, path.buf, &page, 1, err);
    }
    /* 服务不实用: the lists of 事项 and the guides, on the site or on the platform */
    for (int k = 0; !rc && k < farm_guides_npages(s); k++) {
        struct strbuf url = STRBUF_INIT;
        strbuf_reset(&page);
        strbuf_reset(&path);
        int platform = farm_guides_page(m, s, k, &url, &page);
        const char *host_end = strchr(url.buf + strlen("http://"), '/');
        strbuf_adds(&path, host_end ? host_end : "/");
        if (path.len && path.buf[path.len - 1] == '/')
            strbuf_adds(&path, "index.html");
        if (platform) {
            struct strbuf full = STRBUF_INIT;
            strbuf_addf(&full, "%s/sites/%s%s", m->opts.out, FARM_SERVICE_HOST, path.buf);
            rc = full.failed || page.failed ? sc_fail(err, SC_ENOMEM, "out of memory")
                                            : farm_write_file(full.buf, page.buf, page.len, err);
            strbuf_release(&full);
        } else {
            rc = site_write(m, s, path.buf, &page, 1, err);
        }
        strbuf_release(&url);
    }
    for (int c = 0; !rc && c < s->nchannels; c++) { /* 互动交流's channels and messages */
        for (int p = 0; !rc && p < farm_channel_pages(&s->channels[c]); p++) {
            strbuf_reset(&page);
            strbuf_reset(&path);
            farm_channel_path(&s->channels[c], p, &path);
            farm_page_channel(s, c, p, &page);
            rc = site_write(m, s, path.buf, &page, 1, err);
        }
        for (int k = 0; !rc && k < s->channels[c].nmsg; k++) {
            strbuf_reset(&page);
            strbuf_reset(&path);
            farm_message_path(&s->channels[c], k, &path);
            farm_page_message(s, c, k, &page);
            rc = site_write(m, s, path.buf, &page, 1, err);
        }
    }
    static const char *const imgs[] = {"/images/logo.png", "/images/dzjg.png", "/images/jiucuo.png",
                                       "/images/ga.png"};
    for (int i = 0; !rc && i < 4; i++) {
        strbuf_reset(&page);
        strbuf_add(&page, png1x1, sizeof png1x1);
        rc = site_write(m, s, imgs[i], &page, 0, err);
    }
    if (!rc) {
        strbuf_reset(&page);
        strbuf_adds(&page, css);
        rc = site_write(m, s, "/css/style.css", &page, 0, err);
    }
    /* the files behind traps that must work */
    for (int i = 0; !rc && i < s->nlinks; i++) {
        const struct farm_link *l = &s->links[i];
        if (!l->trap || l->href[0] != '/')
            continue;
        strbuf_reset(&page);
        if (!strcmp(l->reason, "head_405") || !strcmp(l->reason, "chinese_path")) {
            strbuf_adds(&page, fake_pdf);
            rc = site_write(m, s, l->href, &page, 0, err);
        } else if (!strcmp(l->reason, "retry_after_429")) {
            farm_page_simple(s, "热点排行", "<p>本周热点信息排行。</p>", &page);
            rc = site_write(m, s, l->href, &page, 1, err);
        }
    }
    strbuf_release(&page);
    strbuf_release(&path);
    return rc;
}

static int dir_check_empty(const char *dir, struct sc_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? farm_mkdirs(dir, err)
                               : sc_fail(err, SC_ERUNTIME, "%s: %s", dir, strerror(errno));
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    if (n)
        return sc_fail(err, SC_EINPUT, "%s is not empty; generate into a new directory", dir);
    return 0;
}

int farm_generate(const struct farm_opts *o, struct sc_error *err)
{
    int rc = dir_check_empty(o->out, err);
    if (rc)
        return rc;
    if (o->profile == FARM_PROFILE_BENCH)
        return farm_bench_generate(o, err);
    struct farm_model m;
    rc = farm_model_build(o, &m, err);
    if (rc)
        return rc;
    if (o->registry_only) {
        rc = farm_registry_write(&m, err);
        farm_model_free(&m);
        return rc;
    }
    for (int i = 0; !rc && i < m.nsites; i++)
        if (m.sites[i].served)
            rc = site_generate(&m, &m.sites[i], err);
    if (!rc)
        rc = farm_truth_write(&m, err);
    if (!rc)
        rc = farm_pages_write(&m, err);
    if (!rc)
        rc = farm_faults_write(&m, err);
    if (!rc)
        rc = farm_registry_write(&m, err);
    farm_model_free(&m);
    return rc;
}

/* sitereport_write: a round's reports as files, each written atomically
 * (sitereport_write.h). */
#include "reports/sitereport_write.h"
#include "reports/bulletin.h"
#include "reports/round_json.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 1 when path holds exactly content */
static int same_content(const char *path, const struct strbuf *content)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char buf[65536];
    size_t off = 0, n;
    int same = 1;
    while (same && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (off + n > content->len || memcmp(content->buf + off, buf, n) != 0)
            same = 0;
        off += n;
    }
    if (ferror(f))
        same = 0;
    fclose(f);
    return same && off == content->len;
}

int sitereport_write_file(const char *dir, const char *name, const struct strbuf *content,
                          int *changed, struct sc_error *err)
{
    if (changed)
        *changed = 0;
    struct strbuf path = STRBUF_INIT, tmp = STRBUF_INIT;
    strbuf_addf(&path, "%s/%s", dir, name);
    strbuf_addf(&tmp, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
    int rc = SC_OK;
    if (path.failed || tmp.failed) {
        rc = sc_fail(err, SC_ENOMEM, "out of memory naming %s", name);
        goto out;
    }
    if (same_content(path.buf, content))
        goto out;
    int fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = sc_fail(err, SC_ERUNTIME, "cannot create %s: %s", tmp.buf, strerror(errno));
        goto out;
    }
    size_t off = 0;
    while (off < content->len) {
        ssize_t w = write(fd, content->buf + off, content->len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = sc_fail(err, SC_ERUNTIME, "cannot write %s: %s", tmp.buf,
                         w < 0 ? strerror(errno) : "no space written");
            break;
        }
        off += (size_t)w;
    }
    if (rc == SC_OK && fsync(fd) < 0)
        rc = sc_fail(err, SC_ERUNTIME, "cannot flush %s: %s", tmp.buf, strerror(errno));
    if (close(fd) < 0 && rc == SC_OK)
        rc = sc_fail(err, SC_ERUNTIME, "cannot close %s: %s", tmp.buf, strerror(errno));
    if (rc == SC_OK && rename(tmp.buf, path.buf) < 0)
        rc = sc_fail(err, SC_ERUNTIME, "cannot rename %s to %s: %s", tmp.buf, path.buf,
                     strerror(errno));
    if (rc != SC_OK)
        unlink(tmp.buf);
    else if (changed)
        *changed = 1;
out:
    strbuf_release(&path);
    strbuf_release(&tmp);
    return rc;
}

/* 1 when a site code is safe as a file name: letters and digits, 1..32 of them */
static int code_is_safe(const char *code)
{
    size_t n = 0;
    for (const char *p = code; *p; p++, n++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            return 0;
    return n >= 1 && n <= 32;
}

/* 1 when name is one of the files a round's reports are made of */
static int report_name(const char *name, size_t n)
{
    static const char *const exts[] = {".html", ".csv", ".json"};
    if (n == 10 && memcmp(name, "round.json", 10) == 0)
        return 1;
    for (size_t i = 0; i < 3; i++) {
        size_t el = strlen(exts[i]);
        if (n > el && memcmp(name + n - el, exts[i], el) == 0) {
            char stem[40];
            if (n - el >= sizeof stem)
                return 0;
            memcpy(stem, name, n - el);
            stem[n - el] = '\0';
            return strcmp(stem, "bulletin") == 0 || code_is_safe(stem);
        }
    }
    return 0;
}

/* Removes what a run killed mid-write left behind: ".<report file>.tmp.<pid>" whose process
 * is gone (a live one may be another run writing the same directory right now). */
static void remove_stale_temps(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name, *tmp = name[0] == '.' ? strstr(name, ".tmp.") : NULL;
        if (!tmp || !report_name(name + 1, (size_t)(tmp - name - 1)))
            continue;
        char *end;
        long pid = strtol(tmp + 5, &end, 10);
        if (*end || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno == EPERM))
            continue;
        struct strbuf path = STRBUF_INIT;
        strbuf_addf(&path, "%s/%s", dir, name);
        if (!path.failed)
            unlink(path.buf);
        strbuf_release(&path);
    }
    closedir(d);
}

static int put(const char *dir, const char *name, struct strbuf *content, int render_rc,
               struct sitereport_write_summary *sum, struct sc_error *err)
{
    if (render_rc < 0 || content->failed)
        return sc_fail(err, SC_ENOMEM, "out of memory rendering %s", name);
    int changed = 0;
    int rc = sitereport_write_file(dir, name, content, &changed, err);
    if (rc < 0)
        return rc;
    sum->files++;
    sum->changed += changed;
    strbuf_reset(content);
    return 0;
}

int sitereport_write_round(struct storage *db, const struct rules *rules, int rectification_days,
                           const char *quarter, int round, const char *dir,
                           struct sitereport_write_summary *sum, struct sc_error *err)
{
    memset(sum, 0, sizeof *sum);
    struct bulletin b;
    int rc = bulletin_load(db, rules, rectification_days, quarter, round, &b, err);
    if (rc < 0) {
        bulletin_free(&b);
        return rc;
    }
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        bulletin_free(&b);
        return sc_fail(err, SC_ERUNTIME, "cannot create %s: %s", dir, strerror(errno));
    }
    remove_stale_temps(dir);
    struct strbuf out = STRBUF_INIT;
    char name[64];
    for (size_t i = 0; i < b.nsites && rc == 0; i++) {
        const struct sitereport *sr = &b.sites[i];
        if (!code_is_safe(sr->code)) {
            rc = sc_fail(err, SC_ERUNTIME, "site code \"%s\" cannot name a file", sr->code);
            break;
        }
        snprintf(name, sizeof name, "%s.html", sr->code);
        rc = put(dir, name, &out, sitereport_html(sr, &out), sum, err);
        if (rc == 0) {
            snprintf(name, sizeof name, "%s.csv", sr->code);
            rc = put(dir, name, &out, sitereport_csv(sr, &out), sum, err);
        }
        if (rc == 0) {
            snprintf(name, sizeof name, "%s.json", sr->code);
            rc = put(dir, name, &out, sitereport_json(sr, &out), sum, err);
        }
        if (rc == 0)
            sum->sites++;
    }
    if (rc == 0)
        rc = put(dir, "bulletin.html", &out, bulletin_html(&b, &out), sum, err);
    if (rc == 0)
        rc = put(dir, "bulletin.csv", &out, bulletin_csv(&b, &out), sum, err);
    if (rc == 0)
        rc = put(dir, "bulletin.json", &out, bulletin_json(&b, &out), sum, err);
    bulletin_free(&b);
    if (rc == 0) {
        rc = round_json(db, rules, rectification_days, quarter, round, &out, err);
        if (rc == 0)
            rc = put(dir, "round.json", &out, 0, sum, err);
    }
    strbuf_release(&out);
    return rc;
}

/* postround: a round's reports and publication rebuilt by child processes (see postround.h). */
#include "daemon/postround.h"
#include "common/strbuf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_ARGS = 16 };

struct postround {
    uv_loop_t *loop;
    uv_process_t proc;
    char *exe;
    char *common[7]; /* --db DB [--config F] [--now T] */
    int ncommon;
    char *steps[8][8];
    int may_fail[8];
    int nsteps, step;
    int cancelled, running;
    int status;
    struct strbuf msg;
    postround_done_fn done;
    void *user;
};

static void postround_free(struct postround *p)
{
    free(p->exe);
    for (int i = 0; i < p->ncommon; i++)
        free(p->common[i]);
    for (int s = 0; s < p->nsteps; s++)
        for (int i = 0; i < 8; i++)
            free(p->steps[s][i]);
    strbuf_release(&p->msg);
    free(p);
}

static void finish(struct postround *p)
{
    postround_done_fn done = p->done;
    void *user = p->user;
    int status = p->status;
    struct strbuf msg = p->msg;
    p->msg = (struct strbuf)STRBUF_INIT;
    postround_free(p);
    done(status, msg.buf ? msg.buf : "", user);
    strbuf_release(&msg);
}

static void run_step(struct postround *p);

static void on_closed(uv_handle_t *h)
{
    struct postround *p = h->data;
    p->running = 0;
    if (p->status == 0 && !p->cancelled && ++p->step < p->nsteps)
        run_step(p);
    else
        finish(p);
}

static void on_exit_cb(uv_process_t *proc, int64_t exit_status, int term_signal)
{
    struct postround *p = proc->data;
    if (p->cancelled) {
        p->status = SC_ECANCELED;
    } else if (exit_status != 0 || term_signal != 0) {
        if (p->may_fail[p->step]) {
            strbuf_addf(&p->msg, "%s`spotcheck %s` exited %d (carried on)", p->msg.len ? "; " : "",
                        p->steps[p->step][0], term_signal ? 128 + term_signal : (int)exit_status);
            uv_close((uv_handle_t *)proc, on_closed);
            return;
        }
        p->status = SC_ERUNTIME;
        strbuf_addf(&p->msg, "`spotcheck %s` %s %d", p->steps[p->step][0],
                    term_signal ? "was killed by signal" : "exited", term_signal ? term_signal
                                                                                : (int)exit_status);
    }
    uv_close((uv_handle_t *)proc, on_closed);
}

static void run_step(struct postround *p)
{
    char *argv[MAX_ARGS + 1];
    int n = 0;
    argv[n++] = p->exe;
    for (int i = 0; i < p->ncommon; i++)
        argv[n++] = p->common[i];
    for (int i = 0; i < 8 && p->steps[p->step][i] && n < MAX_ARGS; i++)
        argv[n++] = p->steps[p->step][i];
    argv[n] = NULL;
    uv_stdio_container_t stdio[3];
    stdio[0].flags = UV_IGNORE;
    stdio[1].flags = UV_INHERIT_FD; /* what the command prints goes to the daemon's log */
    stdio[1].data.fd = 2;
    stdio[2].flags = UV_INHERIT_FD;
    stdio[2].data.fd = 2;
    /* the environment, plus the daemon's pid for the child to die with it */
    extern char **environ;
    size_t nenv = 0;
    while (environ[nenv])
        nenv++;
    char **env = calloc(nenv + 2, sizeof *env);
    char parent[64];
    snprintf(parent, sizeof parent, "%s=%ld", POSTROUND_PARENT_ENV, (long)getpid());
    if (env) {
        size_t k = 0;
        for (size_t i = 0; i < nenv; i++)
            if (strncmp(environ[i], POSTROUND_PARENT_ENV "=", sizeof POSTROUND_PARENT_ENV) != 0)
                env[k++] = environ[i];
        env[k++] = parent;
        env[k] = NULL;
    }
    uv_process_options_t o;
    memset(&o, 0, sizeof o);
    o.env = env; /* NULL (out of memory): the daemon's environment as it is */
    o.file = "/proc/self/exe"; /* this very binary, even if the file was replaced since */
    o.args = argv;
    o.exit_cb = on_exit_cb;
    o.stdio = stdio;
    o.stdio_count = 3;
    p->proc.data = p;
    int rc = uv_spawn(p->loop, &p->proc, &o);
    free(env);
    if (rc == 0) {
        p->running = 1;
        return;
    }
    p->status = SC_ERUNTIME;
    strbuf_addf(&p->msg, "cannot start `spotcheck %s`: %s", p->steps[p->step][0], uv_strerror(rc));
    /* libuv wants a failed process handle closed too */
    uv_close((uv_handle_t *)&p->proc, on_closed);
}

int postround_start(uv_loop_t *loop, const struct postround_request *req, postround_done_fn done,
                    void *user, struct postround **out, struct sc_error *err)
{
    if (req->nsteps < 1 || req->nsteps > 8)
        return sc_fail(err, SC_EINPUT, "post-round work: %d steps", req->nsteps);
    struct postround *p = calloc(1, sizeof *p);
    if (!p)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    p->loop = loop;
    p->done = done;
    p->user = user;
    strbuf_init(&p->msg);
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0) {
        postround_free(p);
        return sc_fail(err, SC_ERUNTIME, "cannot find the spotcheck binary (/proc/self/exe)");
    }
    exe[len] = '\0'; /* argv[0], for ps and the logs */
    int ok = (p->exe = strdup(exe)) != NULL;
    const char *common[6] = {"--db", req->db_path, NULL, NULL, NULL, NULL};
    int nc = 2;
    if (req->config_path) {
        common[nc++] = "--config";
        common[nc++] = req->config_path;
    }
    if (req->now) {
        common[nc++] = "--now";
        common[nc++] = req->now;
    }
    for (int i = 0; i < nc && ok; i++)
        ok = (p->common[p->ncommon++] = strdup(common[i])) != NULL;
    for (int s = 0; s < req->nsteps; s++)
        p->may_fail[s] = req->steps[s].may_fail;
    for (int s = 0; s < req->nsteps && ok; s++, p->nsteps++)
        for (int i = 0; i < 7 && req->steps[s].argv[i] && ok; i++)
            ok = (p->steps[s][i] = strdup(req->steps[s].argv[i])) != NULL;
    if (!ok) {
        postround_free(p);
        return sc_fail(err, SC_ENOMEM, "out of memory");
    }
    if (out)
        *out = p;
    run_step(p);
    return 0;
}

void postround_cancel(struct postround *p)
{
    if (p->cancelled)
        return;
    p->cancelled = 1;
    if (p->running)
        uv_process_kill(&p->proc, SIGTERM);
}

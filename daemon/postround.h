/* postround: what the daemon does once a round is final (issue 11, item 7): it rebuilds the
 * round's reports (`spotcheck report Q R --out DIR`) and republishes the public site
 * (`spotcheck publish --out DIR`), each as a child process of its own binary, one after the
 * other, on the daemon's loop (uv_spawn). A child keeps the daemon's loop free of the work and
 * of any crash in it; the commands are idempotent, so a run cut short by a stop or a crash is
 * simply run again. The child gets the same --db, --config and, in simulated time, --now as
 * the daemon, so its files carry the simulated moments. Its standard error is the daemon's. */
#ifndef SPOTCHECK_POSTROUND_H
#define SPOTCHECK_POSTROUND_H

#include <uv.h>

#include "common/error.h"

/* Set in a child's environment to the daemon's pid: the child asks the kernel to end it when
 * the daemon dies (daemon/main.c), so a killed daemon leaves no child publishing beside the
 * one its restart starts. */
#define POSTROUND_PARENT_ENV "SPOTCHECK_DAEMON_PID"

struct postround;

/* One step: the command's arguments after the common options (e.g. "publish", "--out",
 * DIR), at most 8. */
struct postround_step {
    const char *argv[8];
    int may_fail; /* a failure is reported (in done's msg) and the next steps still run */
};

struct postround_request {
    const char *db_path;
    const char *config_path; /* NULL: none */
    const char *now;         /* --now text, or NULL for the wall clock */
    const struct postround_step *steps;
    int nsteps;
};

/* status: 0 when every step exited 0 or may fail (msg then says which failed, else ""); 
 * SC_ECANCELED after postround_cancel; else SC_ERUNTIME with the failed step's words in msg
 * (the later steps are not run). */
typedef void (*postround_done_fn)(int status, const char *msg, void *user);

/* Starts the steps, 1 to 8 (the request's strings are copied). done comes once, later, on the
 * loop. Returns 0, SC_EINPUT (no step or too many), SC_ENOMEM or SC_ERUNTIME (the binary
 * cannot be found), with no callback to come. */
int postround_start(uv_loop_t *loop, const struct postround_request *req, postround_done_fn done,
                    void *user, struct postround **out, struct sc_error *err);
/* Sends SIGTERM to the running step; done follows with SC_ECANCELED once it exited. */
void postround_cancel(struct postround *p);

#endif

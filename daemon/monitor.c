/* monitor: the daemon's availability monitoring, group by group (see monitor.h). */
#include "daemon/monitor.h"
#include "common/clock.h"
#include "probes/net/avail_schedule.h"
#include "sampler/params.h"
#include "storage/monitor.h"
#include "storage/rounds.h"

#include <stdlib.h>
#include <string.h>

/* A site's state in a group. */
enum { P_TODO, P_FLYING, P_OK, P_FAILED };

/* Reference probes made at one moment for a group; the group is inconclusive when all fail. */
enum { REFERENCE_REUSE_SECONDS = 60, MASS_FAILURE_MIN_SITES = 3 };
/* An inconclusive group is made up at most this many times (a monitor down all day would
 * otherwise make up every slot into every later one). */
enum { MAX_MAKEUPS = 3 };

struct mon_round;

struct mon_group {
    int day, slot, attempt;
    time_t start, end; /* the span: slot slot+attempt of the day */
    unsigned char *state; /* per site */
    time_t *at;           /* per site: when its probe is due */
    int flying, refs_flying;
    int ref_failed;
    time_t last_ref; /* when references were last probed for it, 0 never */
    int judged;
    int judged_conclusive; /* as loaded from the database */
};

struct mon_site {
    char *code, *url;
    time_t *times; /* its planned probes: days*per_day, day by day (avail_schedule) */
};

struct mon_round {
    struct monitor *m;
    struct mon_round *next;
    long round_id;
    char seed[65];
    time_t from;
    int days, per_day;
    struct mon_site *sites;
    size_t nsites;
    struct avail_schedule_params params; /* seed, start, per_day; code set per site */
    struct mon_group **groups; /* sorted by start, then day, slot, attempt; judged ones freed */
    size_t ngroups, cap;
    long next_base; /* d*per_day+k of the next base group not created yet */
    unsigned char *last_up; /* per site: its state in the latest conclusive base group, P_TODO
                               when none; a site that failed there is down already and does
                               not count towards a mass failure */
    int complete;
};

struct monitor {
    uv_loop_t *loop;
    struct storage *db;
    struct avail_engine *engine;
    char **refs;
    size_t nrefs;
    int days, per_day;
    void (*wake)(void *);
    void *user;
    struct mon_round *rounds;
    size_t flying;
    int closing;
    void (*on_closed)(void *);
    void *closed_user;
    char last_error[sizeof(struct sc_error)];
};

/* One probe in flight: a site's, or a reference target's for a group. */
struct probe_ctx {
    struct mon_round *r;
    struct mon_group *g;
    size_t site;         /* the site's index, or (size_t)-1 for a reference probe */
    struct ref_set *set; /* reference probes: the set it belongs to */
    const char *url;     /* reference probes: the target (the monitor's copy) */
};

/* The reference probes made at one moment for a group. They are stored together once all
 * have answered, and not at all when one was cancelled: a part of a set would read, after a
 * restart, as a set that failed. */
struct ref_answer {
    const char *url; /* the monitor's copy */
    time_t at;
    int ok, status;
    char error[32];
    int64_t total_us;
};

struct ref_set {
    size_t pending, n;
    int any_ok, cancelled;
    struct ref_answer *answers; /* one per target */
};

static void note_error(struct monitor *m, const char *msg)
{
    snprintf(m->last_error, sizeof m->last_error, "%s", msg);
}

int monitor_take_error(struct monitor *m, struct sc_error *out)
{
    if (!m->last_error[0])
        return 0;
    snprintf(out->msg, sizeof out->msg, "%s", m->last_error);
    m->last_error[0] = '\0';
    return 1;
}

static void remember_up(struct mon_round *r, const struct mon_group *g);

/* ---- groups ---- */

static void group_free(struct mon_group *g)
{
    if (g) {
        free(g->state);
        free(g->at);
        free(g);
    }
}

static int group_before(const struct mon_group *a, const struct mon_group *b)
{
    if (a->start != b->start)
        return a->start < b->start;
    if (a->day != b->day)
        return a->day < b->day;
    if (a->slot != b->slot)
        return a->slot < b->slot;
    return a->attempt < b->attempt;
}

static struct mon_group *group_find(struct mon_round *r, int day, int slot, int attempt)
{
    for (size_t i = 0; i < r->ngroups; i++) {
        struct mon_group *g = r->groups[i];
        if (g->day == day && g->slot == slot && g->attempt == attempt)
            return g;
    }
    return NULL;
}

/* Creates group (day, slot, attempt) with each site's moment, sorted into r->groups.
 * Returns it, or NULL with err (SC_ENOTFOUND for a make-up the day has no slot for). */
static struct mon_group *group_add(struct mon_round *r, int day, int slot, int attempt,
                                   const time_t *base_times, struct sc_error *err)
{
    int k = slot + attempt;
    if (k >= r->per_day) {
        sc_fail(err, SC_ENOTFOUND, "no slot left");
        return NULL;
    }
    struct mon_group *g = calloc(1, sizeof *g);
    if (g) {
        g->state = calloc(r->nsites ? r->nsites : 1, 1);
        g->at = calloc(r->nsites ? r->nsites : 1, sizeof *g->at);
    }
    if (r->ngroups == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        struct mon_group **v = realloc(r->groups, cap * sizeof *v);
        if (v) {
            r->groups = v;
            r->cap = cap;
        }
    }
    if (!g || !g->state || !g->at || r->ngroups == r->cap) {
        group_free(g);
        sc_fail(err, SC_ENOMEM, "out of memory");
        return NULL;
    }
    g->day = day;
    g->slot = slot;
    g->attempt = attempt;
    time_t day0 = r->from + (time_t)day * AVAIL_DAY_SECONDS;
    g->start = day0 + avail_slot_start(r->per_day, k);
    g->end = day0 + avail_slot_start(r->per_day, k + 1);
    for (size_t i = 0; i < r->nsites; i++) {
        if (base_times) {
            g->at[i] = base_times[i];
            continue;
        }
        r->params.code = r->sites[i].code;
        int rc = avail_makeup_at(&r->params, day, slot, attempt, &g->at[i], err);
        if (rc < 0) {
            group_free(g);
            return NULL;
        }
    }
    size_t pos = r->ngroups;
    while (pos > 0 && group_before(g, r->groups[pos - 1]))
        pos--;
    memmove(&r->groups[pos + 1], &r->groups[pos], (r->ngroups - pos) * sizeof *r->groups);
    r->groups[pos] = g;
    r->ngroups++;
    return g;
}

/* Creates the next base group (slot next_base of the week). */
static struct mon_group *base_add(struct mon_round *r, struct sc_error *err)
{
    int day = (int)(r->next_base / r->per_day), slot = (int)(r->next_base % r->per_day);
    time_t *times = calloc(r->nsites ? r->nsites : 1, sizeof *times);
    if (!times)
        return sc_fail(err, SC_ENOMEM, "out of memory"), NULL;
    for (size_t i = 0; i < r->nsites; i++)
        times[i] = r->sites[i].times[r->next_base];
    struct mon_group *g = group_add(r, day, slot, 0, times, err);
    free(times);
    if (g)
        r->next_base++;
    return g;
}

/* ---- a round ---- */

static void round_free(struct mon_round *r)
{
    for (size_t i = 0; i < r->ngroups; i++)
        group_free(r->groups[i]);
    free(r->groups);
    for (size_t i = 0; i < r->nsites; i++) {
        free(r->sites[i].code);
        free(r->sites[i].url);
        free(r->sites[i].times);
    }
    free(r->sites);
    free(r->last_up);
    free(r);
}

static int add_site(const struct sample_site *s, void *ud)
{
    struct mon_round *r = ud;
    struct mon_site *v = realloc(r->sites, (r->nsites + 1) * sizeof *v);
    if (!v)
        return SC_ENOMEM;
    r->sites = v;
    struct mon_site *site = &v[r->nsites];
    site->code = strdup(s->code);
    site->url = strdup(s->url);
    site->times = NULL;
    if (!site->code || !site->url) {
        free(site->code);
        free(site->url);
        return SC_ENOMEM;
    }
    r->nsites++;
    return 0;
}

static long site_index(const struct mon_round *r, const char *code)
{
    for (size_t i = 0; i < r->nsites; i++)
        if (strcmp(r->sites[i].code, code) == 0)
            return (long)i;
    return -1;
}

/* Creates base groups up to the one holding `until` (and those of stored probes). */
static int bases_until(struct mon_round *r, time_t until, struct sc_error *err)
{
    long total = (long)r->days * r->per_day;
    while (r->next_base < total) {
        int day = (int)(r->next_base / r->per_day), slot = (int)(r->next_base % r->per_day);
        time_t start = r->from + (time_t)day * AVAIL_DAY_SECONDS + avail_slot_start(r->per_day, slot);
        if (start > until)
            break;
        if (!base_add(r, err))
            return SC_ENOMEM;
    }
    return 0;
}

struct load_ctx {
    struct mon_round *r;
    struct sc_error *err;
    int rc;
};

static int load_group(int day, int slot, int attempt, int conclusive, void *ud)
{
    struct load_ctx *c = ud;
    struct mon_round *r = c->r;
    if (day < 0 || day >= r->days || slot < 0 || slot >= r->per_day)
        return 0;
    time_t at = r->from + (time_t)day * AVAIL_DAY_SECONDS + avail_slot_start(r->per_day, slot);
    if ((c->rc = bases_until(r, at, c->err)) < 0)
        return 1;
    struct mon_group *g = group_find(r, day, slot, attempt);
    if (!g)
        return 0; /* a missed make-up: nothing to rebuild */
    g->judged = 1;
    g->judged_conclusive = conclusive == 1;
    if (conclusive == 0 && attempt < MAX_MAKEUPS && slot + attempt + 1 < r->per_day &&
        !group_add(r, day, slot, attempt + 1, NULL, c->err)) {
        c->rc = SC_ENOMEM;
        return 1;
    }
    return 0;
}

static int load_probe(const struct probe_row *row, void *ud)
{
    struct load_ctx *c = ud;
    struct mon_round *r = c->r;
    if (row->day < 0 || row->day >= r->days || row->slot < 0 || row->slot >= r->per_day)
        return 0;
    time_t at = r->from + (time_t)row->day * AVAIL_DAY_SECONDS +
                avail_slot_start(r->per_day, row->slot);
    if ((c->rc = bases_until(r, at, c->err)) < 0)
        return 1;
    struct mon_group *g = group_find(r, row->day, row->slot, row->attempt);
    long i = site_index(r, row->code);
    if (g && i >= 0)
        g->state[i] = row->ok ? P_OK : P_FAILED;
    return 0;
}

static int load_reference(int day, int slot, int attempt, void *ud)
{
    struct load_ctx *c = ud;
    struct mon_group *g = group_find(c->r, day, slot, attempt);
    if (g)
        g->ref_failed = 1;
    return 0;
}

/* Drops the judged groups at the front. */
static void drop_judged(struct mon_round *r)
{
    size_t n = 0;
    while (n < r->ngroups && r->groups[n]->judged)
        group_free(r->groups[n++]);
    if (n) {
        memmove(r->groups, r->groups + n, (r->ngroups - n) * sizeof *r->groups);
        r->ngroups -= n;
    }
}

int monitor_week(struct storage *db, const struct schedule_round *sr, int days_rule, time_t *from,
                 int *days, struct sc_error *err)
{
    char seed[65], first[11];
    *days = 0;
    *from = 0;
    int rc = storage_monitor_get(db, sr->round_id, seed, first, err);
    if (rc < 0 || !*first)
        return rc;
    int y, mo, d;
    if (sscanf(first, "%d-%d-%d", &y, &mo, &d) != 3 || !sc_date_valid(y, mo, d))
        return sc_fail(err, SC_ERUNTIME, "round %ld: bad monitoring day '%s'", sr->round_id, first);
    long day = sc_days_from_civil(y, mo, d);
    long last = day + days_rule - 1;
    if (last > sr->window_end)
        last = sr->window_end;
    *from = sc_day_start(day);
    *days = last >= day ? (int)(last - day + 1) : 0;
    return 0;
}

/* Finds or builds the in-memory state of a round; NULL with err on failure, or with *none
 * set when the round has no monitoring (no day left in its window). */
static struct mon_round *round_get(struct monitor *m, const struct schedule_round *sr, time_t now,
                                   int *none, struct sc_error *err)
{
    *none = 0;
    for (struct mon_round *r = m->rounds; r; r = r->next)
        if (r->round_id == sr->round_id)
            return r;
    char seed[65], first[11];
    int rc = storage_monitor_get(m->db, sr->round_id, seed, first, err);
    if (rc == 0 && !*first) {
        /* first sight: a secret of its own (the draw's seed is public) and the next day */
        char fresh[65], day_text[11];
        time_t drawn;
        rc = storage_round_drawn_at(m->db, sr->round_id, &drawn, err);
        if (rc < 0)
            return NULL;
        long day = sc_day_of(drawn) + 1;
        if (day < sr->window_start)
            day = sr->window_start;
        sc_day_format(day, day_text);
        rc = sampler_seed_generate(fresh, err);
        if (rc == 0)
            rc = storage_monitor_setup(m->db, sr->round_id, fresh, day_text, seed, first, err);
    }
    time_t from;
    int days;
    if (rc == 0)
        rc = monitor_week(m->db, sr, m->days, &from, &days, err);
    if (rc < 0)
        return NULL;
    struct mon_round *r = calloc(1, sizeof *r);
    if (!r)
        return sc_fail(err, SC_ENOMEM, "out of memory"), NULL;
    r->m = m;
    r->round_id = sr->round_id;
    snprintf(r->seed, sizeof r->seed, "%s", seed);
    r->from = from;
    r->days = days;
    r->per_day = m->per_day;
    r->params = (struct avail_schedule_params){r->seed, NULL, from, days, m->per_day, -1};
    rc = storage_round_sample_each(m->db, sr->round_id, add_site, r, err);
    if (rc == SC_ENOMEM)
        sc_fail(err, rc, "out of memory");
    if (rc == 0 && !(r->last_up = calloc(r->nsites ? r->nsites : 1, 1)))
        rc = sc_fail(err, SC_ENOMEM, "out of memory");
    /* each site's probes over the whole week, as docs/availability.md's recipe gives them */
    if (rc == 0 && days > 0) {
        struct avail_time *week = calloc((size_t)days * (size_t)r->per_day, sizeof *week);
        struct avail_schedule_params p = {r->seed, NULL, from, days, r->per_day, -1};
        if (!week)
            rc = sc_fail(err, SC_ENOMEM, "out of memory");
        for (size_t i = 0; i < r->nsites && rc == 0; i++) {
            p.code = r->sites[i].code;
            rc = avail_schedule(&p, week, err);
            r->sites[i].times = rc == 0 ? calloc((size_t)days * (size_t)r->per_day,
                                                  sizeof *r->sites[i].times)
                                        : NULL;
            if (rc == 0 && !r->sites[i].times)
                rc = sc_fail(err, SC_ENOMEM, "out of memory");
            for (long k = 0; rc == 0 && k < (long)days * r->per_day; k++)
                r->sites[i].times[k] = week[k].at;
        }
        free(week);
    }
    struct load_ctx c = {r, err, 0};
    if (rc == 0 && days > 0) {
        rc = bases_until(r, now, err);
        if (rc == 0)
            rc = storage_groups_each(m->db, r->round_id, load_group, &c, err);
        if (rc == 0)
            rc = storage_probes_each(m->db, r->round_id, load_probe, &c, err);
        if (rc == 0)
            rc = storage_reference_failures_each(m->db, r->round_id, load_reference, &c, err);
        if (rc > 0)
            rc = c.rc;
    }
    if (rc < 0) {
        round_free(r);
        return NULL;
    }
    if (days <= 0 || r->nsites == 0)
        *none = 1;
    /* who was up: the sites' states in the latest conclusive base group stored */
    for (size_t i = 0; i < r->ngroups; i++)
        if (r->groups[i]->judged && r->groups[i]->judged_conclusive && r->groups[i]->attempt == 0)
            remember_up(r, r->groups[i]);
    drop_judged(r);
    r->next = m->rounds;
    m->rounds = r;
    return r;
}

/* ---- probes ---- */

static void probe_done(const struct avail_result *res, void *user);

static int probe_start(struct mon_round *r, struct mon_group *g, size_t site, const char *url,
                       struct ref_set *set, struct sc_error *err)
{
    struct probe_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    *ctx = (struct probe_ctx){r, g, site, set, url};
    int rc = avail_engine_probe(r->m->engine, url, probe_done, ctx, NULL, err);
    if (rc < 0) {
        free(ctx);
        return rc;
    }
    r->m->flying++;
    if (set)
        g->refs_flying++;
    else {
        g->flying++;
        g->state[site] = P_FLYING;
    }
    return 0;
}

static void references_start(struct mon_round *r, struct mon_group *g, time_t now)
{
    struct monitor *m = r->m;
    if (m->nrefs == 0 || m->closing || (g->last_ref && now - g->last_ref < REFERENCE_REUSE_SECONDS))
        return;
    struct ref_set *set = calloc(1, sizeof *set);
    if (set)
        set->answers = calloc(m->nrefs, sizeof *set->answers);
    if (!set || !set->answers) {
        free(set);
        note_error(m, "out of memory probing the reference targets");
        return;
    }
    g->last_ref = now;
    struct sc_error err = {{0}};
    for (size_t i = 0; i < m->nrefs; i++)
        if (probe_start(r, g, (size_t)-1, m->refs[i], set, &err) == 0)
            set->pending++;
    if (set->pending == 0) {
        note_error(m, err.msg);
        free(set->answers);
        free(set);
    }
}

static void probe_done(const struct avail_result *res, void *user)
{
    struct probe_ctx *ctx = user;
    struct mon_round *r = ctx->r;
    struct mon_group *g = ctx->g;
    struct monitor *m = r->m;
    struct sc_error err = {{0}};
    m->flying--;
    if (ctx->set) {
        struct ref_set *set = ctx->set;
        g->refs_flying--;
        if (res->outcome == AVAIL_CANCELLED) {
            set->cancelled = 1; /* an unfinished set proves nothing and is not stored */
        } else {
            struct ref_answer *a = &set->answers[set->n++];
            a->url = ctx->url;
            a->at = res->at;
            a->ok = res->outcome == AVAIL_OK;
            a->status = res->status;
            snprintf(a->error, sizeof a->error, "%s", res->error ? res->error : "");
            a->total_us = res->total_us;
            set->any_ok |= a->ok;
        }
        if (--set->pending == 0) {
            for (size_t i = 0; i < set->n && !set->cancelled; i++) {
                struct ref_answer *a = &set->answers[i];
                struct avail_result one = {.url = a->url,
                                           .at = a->at,
                                           .outcome = a->ok ? AVAIL_OK : AVAIL_FAIL,
                                           .status = a->status,
                                           .error = *a->error ? a->error : NULL,
                                           .total_us = a->total_us};
                if (storage_reference_save(m->db, r->round_id, g->day, g->slot, g->attempt, &one,
                                           &err) < 0)
                    note_error(m, err.msg);
            }
            if (!set->any_ok && !set->cancelled)
                g->ref_failed = 1;
            free(set->answers);
            free(set);
        }
    } else {
        g->flying--;
        g->state[ctx->site] = P_TODO;
        if (res->outcome != AVAIL_CANCELLED) {
            int own = res->error && strcmp(res->error, "oom") == 0; /* the monitor's failure */
            struct probe_key k = {r->round_id, r->sites[ctx->site].code, g->day, g->slot,
                                  g->attempt};
            if (storage_probe_save(m->db, &k, g->at[ctx->site], res, own ? 0 : -1,
                                   own ? "monitor_error" : NULL, &err) < 0) {
                note_error(m, err.msg); /* made again while its slot lasts */
            } else {
                g->state[ctx->site] = res->outcome == AVAIL_OK ? P_OK : P_FAILED;
                if (res->outcome != AVAIL_OK && !own)
                    references_start(r, g, sc_clock_now());
            }
        }
    }
    free(ctx);
    if (!m->closing && m->wake)
        m->wake(m->user);
}

/* ---- judging ---- */

/* More than half of the sites that were up fail in the group: the monitor's own outage, not
 * theirs. "Up" is a site that did not fail in the latest conclusive base group: a site that is
 * down already (or failing) says nothing of the monitor, and with it in the count one more
 * failure of a flaky site would look like a mass failure and never be counted. At least
 * MASS_FAILURE_MIN_SITES sites up are needed. */
static int mass_failure(const struct mon_round *r, const struct mon_group *g)
{
    size_t up = 0, failed = 0;
    for (size_t i = 0; i < r->nsites; i++) {
        if (r->last_up[i] == P_FAILED)
            continue;
        up++;
        failed += g->state[i] == P_FAILED;
    }
    return up >= MASS_FAILURE_MIN_SITES && failed * 2 > up;
}

static void remember_up(struct mon_round *r, const struct mon_group *g)
{
    for (size_t i = 0; i < r->nsites; i++)
        if (g->state[i] == P_OK || g->state[i] == P_FAILED)
            r->last_up[i] = g->state[i];
}

static int group_judge(struct mon_round *r, struct mon_group *g, time_t now, struct sc_error *err)
{
    int failed = 0, probed = 0;
    for (size_t i = 0; i < r->nsites; i++) {
        failed += g->state[i] == P_FAILED;
        probed += g->state[i] == P_OK || g->state[i] == P_FAILED;
    }
    struct group_verdict v = {r->round_id, g->day, g->slot, g->attempt, 1, NULL, (int)r->nsites,
                              failed, now};
    if (probed == 0) {
        v.conclusive = -1;
        v.reason = "monitor_down";
    } else if (g->ref_failed) {
        v.conclusive = 0;
        v.reason = "reference";
    } else if (mass_failure(r, g)) {
        v.conclusive = 0;
        v.reason = "mass_failure";
    }
    int rc = storage_group_judge(r->m->db, &v, err);
    if (rc < 0)
        return rc;
    g->judged = 1;
    if (v.conclusive == 1 && g->attempt == 0)
        remember_up(r, g);
    if (v.conclusive == 0) {
        if (g->attempt < MAX_MAKEUPS && g->slot + g->attempt + 1 < r->per_day) {
            if (!group_add(r, g->day, g->slot, g->attempt + 1, NULL, err))
                return SC_ENOMEM;
        } else {
            const char *why = g->attempt >= MAX_MAKEUPS ? "makeups_exhausted" : "no_slot_left";
            struct group_verdict missed = {r->round_id, g->day, g->slot, g->attempt + 1, -1, why,
                                           0,           0,      now};
            rc = storage_group_judge(r->m->db, &missed, err);
        }
    }
    return rc;
}

int monitor_round_tick(struct monitor *m, const struct schedule_round *sr, time_t now,
                       struct monitor_tick *out, struct sc_error *err)
{
    out->next = 0;
    out->complete = 0;
    int none;
    struct mon_round *r = round_get(m, sr, now, &none, err);
    if (!r)
        return SC_ERUNTIME;
    if (none) {
        out->complete = 1;
        return 0;
    }
    int rc = bases_until(r, now, err);
    long total = (long)r->days * r->per_day;
    /* the first base group still to come, so its first probe is known (once) */
    int ahead = r->ngroups > 0 && r->groups[r->ngroups - 1]->start > now;
    if (rc == 0 && !ahead && r->next_base < total && !base_add(r, err))
        rc = SC_ENOMEM;
    time_t next = 0;
#define WANT(t) (next = (next == 0 || (t) < next) ? (t) : next)
    for (size_t gi = 0; gi < r->ngroups && rc == 0; gi++) {
        struct mon_group *g = r->groups[gi];
        if (g->judged)
            continue;
        for (size_t i = 0; i < r->nsites && rc == 0; i++) {
            if (g->state[i] != P_TODO)
                continue;
            if (g->at[i] > now)
                WANT(g->at[i]);
            else if (now < g->end && !m->closing)
                rc = probe_start(r, g, i, r->sites[i].url, NULL, err);
        }
        if (rc < 0)
            break;
        if (now >= g->end && g->flying == 0 && g->refs_flying == 0)
            rc = group_judge(r, g, now, err);
        else if (now < g->end)
            WANT(g->end);
        if (g->start > now)
            break; /* later groups start later still */
    }
#undef WANT
    drop_judged(r);
    out->next = next;
    r->complete = r->next_base >= total && r->ngroups == 0;
    out->complete = r->complete;
    return rc;
}

size_t monitor_in_flight(const struct monitor *m, long round_id)
{
    if (round_id == 0)
        return m->flying;
    size_t n = 0;
    for (const struct mon_round *r = m->rounds; r; r = r->next)
        if (r->round_id == round_id)
            for (size_t i = 0; i < r->ngroups; i++)
                n += (size_t)(r->groups[i]->flying + r->groups[i]->refs_flying);
    return n;
}

void monitor_round_drop(struct monitor *m, long round_id)
{
    for (struct mon_round **p = &m->rounds; *p; p = &(*p)->next)
        if ((*p)->round_id == round_id) {
            struct mon_round *r = *p;
            *p = r->next;
            round_free(r);
            return;
        }
}

/* ---- life ---- */

int monitor_new(uv_loop_t *loop, struct storage *db, const struct monitor_options *o,
                struct monitor **out, struct sc_error *err)
{
    if (o->per_day < 1 || o->per_day > AVAIL_MAX_PER_DAY || o->days < 1 ||
        o->days > AVAIL_MAX_DAYS)
        return sc_fail(err, SC_EINPUT, "monitoring: %d days of %d probes is out of range",
                       o->days, o->per_day);
    struct monitor *m = calloc(1, sizeof *m);
    if (!m)
        return sc_fail(err, SC_ENOMEM, "out of memory");
    m->loop = loop;
    m->db = db;
    m->days = o->days;
    m->per_day = o->per_day;
    m->wake = o->wake;
    m->user = o->user;
    if (o->nreferences) {
        m->refs = calloc(o->nreferences, sizeof *m->refs);
        for (size_t i = 0; m->refs && i < o->nreferences; i++)
            if ((m->refs[m->nrefs] = strdup(o->references[i])))
                m->nrefs++;
        if (m->nrefs != o->nreferences) {
            for (size_t i = 0; i < m->nrefs; i++)
                free(m->refs[i]);
            free(m->refs);
            free(m);
            return sc_fail(err, SC_ENOMEM, "out of memory");
        }
    }
    int rc = avail_engine_new(loop, &o->probe, &m->engine, err);
    if (rc < 0) {
        for (size_t i = 0; i < m->nrefs; i++)
            free(m->refs[i]);
        free(m->refs);
        free(m);
        return rc;
    }
    *out = m;
    return 0;
}

static void engine_closed(void *user)
{
    struct monitor *m = user;
    while (m->rounds) {
        struct mon_round *r = m->rounds;
        m->rounds = r->next;
        round_free(r);
    }
    for (size_t i = 0; i < m->nrefs; i++)
        free(m->refs[i]);
    free(m->refs);
    void (*cb)(void *) = m->on_closed;
    void *cu = m->closed_user;
    free(m);
    if (cb)
        cb(cu);
}

void monitor_close(struct monitor *m, void (*on_closed)(void *user), void *user)
{
    if (m->closing)
        return;
    m->closing = 1;
    m->on_closed = on_closed;
    m->closed_user = user;
    /* the engine cancels what is in flight (each cancelled probe stores nothing), then frees
     * itself and calls engine_closed */
    avail_engine_close(m->engine, engine_closed, m);
}

/* schedule_load: stored rounds plus the calendar's (see schedule_load.h). */
#include "daemon/schedule_load.h"
#include "common/clock.h"
#include "daemon/draw_round.h"
#include "storage/rounds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct round_list {
    struct schedule_round *v;
    size_t n, cap;
};

static struct schedule_round *list_push(struct round_list *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct schedule_round *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return NULL;
        l->v = v;
        l->cap = cap;
    }
    struct schedule_round *r = &l->v[l->n++];
    memset(r, 0, sizeof *r);
    return r;
}

static long day_of_text(const char *s)
{
    time_t t;
    return s && sc_time_parse(s, &t) == 0 ? sc_day_of(t) : 0;
}

static int add_stored(const struct round_progress *p, void *ud)
{
    struct schedule_round *r = list_push(ud);
    if (!r)
        return SC_ENOMEM;
    snprintf(r->quarter, sizeof r->quarter, "%s", p->quarter ? p->quarter : "");
    snprintf(r->state, sizeof r->state, "%s", p->state ? p->state : "");
    r->number = p->number;
    r->draw_day = day_of_text(p->draw_date);
    r->window_start = day_of_text(p->window_start);
    r->window_end = day_of_text(p->window_end);
    r->round_id = p->id;
    r->drawn = p->draw_id != 0;
    r->finalised = strcmp(r->state, "finalised") == 0 || strcmp(r->state, "published") == 0;
    r->sampled = p->sampled;
    r->crawled = p->crawled;
    return 0;
}

static int stored_already(const struct round_list *l, const char *quarter)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].quarter, quarter) == 0)
            return 1;
    return 0;
}

static int add_calendar(struct round_list *l, const struct config *c, struct sampler_quarter q,
                        struct sc_error *err)
{
    char quarter[8];
    sampler_quarter_format(q, quarter);
    if (stored_already(l, quarter))
        return 0;
    struct sampler_round_plan plan[SAMPLER_ROUNDS_MAX];
    int rounds = draw_round_calendar(c, q, plan, err);
    if (rounds < 0)
        return rounds;
    for (int k = 0; k < rounds; k++) {
        struct schedule_round *r = list_push(l);
        if (!r)
            return sc_fail(err, SC_ENOMEM, "out of memory");
        snprintf(r->quarter, sizeof r->quarter, "%s", quarter);
        snprintf(r->state, sizeof r->state, "planned");
        r->number = plan[k].number;
        r->draw_day = plan[k].draw_day;
        r->window_start = plan[k].window_start;
        r->window_end = plan[k].window_end;
    }
    return 0;
}

int schedule_load(struct storage *db, const struct config *c, time_t now,
                  struct schedule_round **out, size_t *n, struct sc_error *err)
{
    struct round_list l = {0};
    int rc = storage_rounds_progress_each(db, NULL, add_stored, &l, err);
    if (rc == SC_ENOMEM)
        sc_fail(err, rc, "out of memory");
    struct sampler_quarter q = sampler_quarter_of_day(sc_day_of(now));
    struct sampler_quarter next = q.q == 4 ? (struct sampler_quarter){q.year + 1, 1}
                                           : (struct sampler_quarter){q.year, q.q + 1};
    if (rc == 0)
        rc = add_calendar(&l, c, q, err);
    if (rc == 0)
        rc = add_calendar(&l, c, next, err);
    if (rc < 0) {
        free(l.v);
        return rc;
    }
    *out = l.v;
    *n = l.n;
    return 0;
}

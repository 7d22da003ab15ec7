/*
 * schedule.c — critical path method over the plan's tasks (see schedule.h).
 * Topological order by Kahn's algorithm (ties: plan order); then twice — on
 * the planned dates and on the forecast dates — a forward pass for earliest
 * dates and a backward pass for latest dates; each critical path is walked
 * from the first zero-slack task without a zero-slack predecessor through
 * zero-slack successors that start the day after.
 */
#include "schedule.h"

#include <stdlib.h>
#include <string.h>

static size_t find_task(const sp_plan *p, const char *id)
{
    for (size_t i = 0; i < p->ntasks; i++)
        if (str_eq(p->tasks[i].id, id)) return i;
    return (size_t)-1;
}

/* The task graph: dependency indexes and a topological order. */
typedef struct graph {
    size_t n;
    size_t **deps;                   /* deps[i][0..ndeps[i]) */
    size_t *ndeps;
    size_t *order;
} graph;

static void graph_free(graph *g)
{
    for (size_t i = 0; i < g->n; i++) free(g->deps[i]);
    free(g->deps);
    free(g->ndeps);
    free(g->order);
}

/* graph_build: dependency indexes and Kahn's order (ties: plan order);
 * false with err on an unknown dependency or a cycle. */
static bool graph_build(const sp_plan *p, graph *g, sp_err *err)
{
    size_t n = p->ntasks;
    g->n = n;
    g->deps = xcalloc(n, sizeof *g->deps);
    g->ndeps = xcalloc(n, sizeof *g->ndeps);
    g->order = xcalloc(n, sizeof *g->order);
    size_t *indeg = xcalloc(n, sizeof *indeg);
    bool *placed_v = xcalloc(n, sizeof *placed_v);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        const sp_task *t = &p->tasks[i];
        g->deps[i] = xcalloc(t->ndepends_on ? t->ndepends_on : 1, sizeof **g->deps);
        for (size_t k = 0; k < t->ndepends_on; k++) {
            size_t j = find_task(p, t->depends_on[k]);
            if (j == (size_t)-1) {
                err_set(err, SP_EINVAL, "task '%s' depends on unknown task '%s'", t->id, t->depends_on[k]);
                ok = false;
                break;
            }
            g->deps[i][g->ndeps[i]++] = j;
        }
        indeg[i] = g->ndeps[i];
    }
    size_t placed = 0;
    while (ok && placed < n) {
        size_t pick = (size_t)-1;
        for (size_t i = 0; i < n && pick == (size_t)-1; i++)
            if (!placed_v[i] && indeg[i] == 0) pick = i;
        if (pick == (size_t)-1) {
            err_set(err, SP_EINVAL, "%s", "the task dependencies form a cycle");
            ok = false;
            break;
        }
        placed_v[pick] = true;
        g->order[placed++] = pick;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < g->ndeps[i]; k++)
                if (g->deps[i][k] == pick) indeg[i]--;
    }
    free(indeg);
    free(placed_v);
    return ok;
}

/* backward: given es/ef of one pass (get picks it from a task), the latest
 * dates against that pass's end (max ef), slack, critical, and its critical
 * path into path (path->idx allocated). skip_done (the forecast): a done
 * task constrains none of its dependencies (it no longer waits for them)
 * and is never critical (it can no longer slip). */
static void backward(const graph *g, sp_sched_task *t, sp_cpm *(*get)(sp_sched_task *), bool skip_done,
                     sp_path *path)
{
    size_t n = g->n;
    path->end = SP_DAY_NONE;
    for (size_t i = 0; i < n; i++)
        if (path->end == SP_DAY_NONE || get(&t[i])->ef > path->end) path->end = get(&t[i])->ef;
    for (size_t i = 0; i < n; i++) get(&t[i])->lf = path->end;
    for (size_t o = n; o-- > 0;) {
        size_t i = g->order[o];
        sp_cpm *c = get(&t[i]);
        int32_t dur = c->ef - c->es + 1;
        c->ls = c->lf - dur + 1;
        if (skip_done && t[i].done) continue;
        for (size_t k = 0; k < g->ndeps[i]; k++) {
            sp_cpm *d = get(&t[g->deps[i][k]]);
            if (c->ls - 1 < d->lf) d->lf = c->ls - 1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        sp_cpm *c = get(&t[i]);
        c->slack = c->ls - c->es;
        c->critical = c->slack == 0 && !(skip_done && t[i].done);
    }
    /* the path: the earliest critical task (topological order) with no
     * critical predecessor finishing the day before; then critical
     * successors that start the day after (ties: plan order) */
    path->idx = xcalloc(n ? n : 1, sizeof *path->idx);
    path->n = 0;
    size_t cur = (size_t)-1;
    for (size_t o = 0; o < n && cur == (size_t)-1; o++) {
        size_t i = g->order[o];
        if (!get(&t[i])->critical) continue;
        bool has_pred = false;
        for (size_t k = 0; k < g->ndeps[i]; k++) {
            const sp_cpm *d = get(&t[g->deps[i][k]]);
            if (d->critical && d->ef + 1 == get(&t[i])->es) has_pred = true;
        }
        if (!has_pred) cur = i;
    }
    while (cur != (size_t)-1 && path->n < n) {
        path->idx[path->n++] = cur;
        size_t next = (size_t)-1;
        for (size_t i = 0; i < n && next == (size_t)-1; i++) {
            if (!get(&t[i])->critical) continue;
            for (size_t k = 0; k < g->ndeps[i]; k++)
                if (g->deps[i][k] == cur && get(&t[i])->es == get(&t[cur])->ef + 1) next = i;
        }
        cur = next;
    }
}

static sp_cpm *get_plan(sp_sched_task *t) { return &t->plan; }
static sp_cpm *get_fc(sp_sched_task *t) { return &t->fc; }

static const sp_task_state *find_state(const sp_task_state *v, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (str_eq(v[i].task_id, id)) return &v[i];
    return NULL;
}

bool schedule_compute(const sp_plan *p, const sp_task_state *states, size_t nstates, sp_day as_of, sp_schedule *s,
                      sp_err *err)
{
    size_t n = p->ntasks;
    s->n = n;
    s->t = xcalloc(n ? n : 1, sizeof *s->t);
    s->as_of = as_of;
    s->plan.end = s->fc.end = SP_DAY_NONE;
    for (size_t i = 0; i < n; i++) s->t[i].task = &p->tasks[i];
    if (n == 0) return true;
    graph g = {0};
    if (!graph_build(p, &g, err)) {
        graph_free(&g);
        return false;
    }
    for (size_t o = 0; o < n; o++) {
        size_t i = g.order[o];
        sp_sched_task *st = &s->t[i];
        const sp_task *t = st->task;
        int32_t dur = t->due >= t->start ? t->due - t->start + 1 : 1;
        /* planned */
        sp_day es = t->start;
        for (size_t k = 0; k < g.ndeps[i]; k++) {
            sp_day after = s->t[g.deps[i][k]].plan.ef + 1;
            if (after > es) es = after;
        }
        st->plan.es = es;
        st->plan.ef = es + dur - 1;
        st->late_start = es > t->start;
        /* forecast */
        const sp_task_state *ts = find_state(states, nstates, t->id);
        int progress = ts ? ts->progress : 0;
        if (progress < 0) progress = 0;
        if (progress > 100) progress = 100;
        st->done = ts && ts->status == TASK_DONE;
        if (st->done) {
            st->fc.es = st->plan.es;
            st->fc.ef = st->plan.ef;
        } else {
            sp_day fs = t->start;
            for (size_t k = 0; k < g.ndeps[i]; k++) {
                sp_day after = s->t[g.deps[i][k]].fc.ef + 1;
                if (after > fs) fs = after;
            }
            sp_day ff = fs + dur - 1;
            st->late = as_of != SP_DAY_NONE && t->due != SP_DAY_NONE && t->due < as_of;
            if (st->late) {
                int64_t left = ((int64_t)dur * (100 - progress) + 99) / 100;
                if (left < 1) left = 1;
                sp_day floor_ef = as_of + (int32_t)left - 1;
                if (floor_ef > ff) ff = floor_ef;
            }
            st->fc.es = fs;
            st->fc.ef = ff;
        }
        st->pushed = st->fc.es > st->plan.es;
        st->delay = st->fc.ef > st->plan.ef ? st->fc.ef - st->plan.ef : 0;
    }
    backward(&g, s->t, get_plan, false, &s->plan);
    backward(&g, s->t, get_fc, true, &s->fc);
    graph_free(&g);
    return true;
}

void schedule_free(sp_schedule *s)
{
    free(s->t);
    free(s->plan.idx);
    free(s->fc.idx);
    memset(s, 0, sizeof *s);
}

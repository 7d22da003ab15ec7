/*
 * schedule.c — critical path method over the plan's tasks (see schedule.h).
 * Topological order by Kahn's algorithm (ties: plan order), a forward pass
 * for earliest dates, a backward pass for latest dates; the critical path is
 * walked from the first zero-slack task without a zero-slack predecessor
 * through zero-slack successors that start the day after.
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

bool schedule_compute(const sp_plan *p, sp_schedule *s, sp_err *err)
{
    size_t n = p->ntasks;
    s->n = n;
    s->t = xcalloc(n, sizeof *s->t);
    s->end = SP_DAY_NONE;
    if (n == 0) return true;
    /* dependency index lists */
    size_t **deps = xcalloc(n, sizeof *deps);
    size_t *indeg = xcalloc(n, sizeof *indeg);
    size_t *order = xcalloc(n, sizeof *order);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        const sp_task *t = &p->tasks[i];
        s->t[i].task = t;
        deps[i] = xcalloc(t->ndepends_on ? t->ndepends_on : 1, sizeof **deps);
        for (size_t k = 0; k < t->ndepends_on; k++) {
            size_t j = find_task(p, t->depends_on[k]);
            if (j == (size_t)-1) {
                err_set(err, SP_EINVAL, "task '%s' depends on unknown task '%s'", t->id, t->depends_on[k]);
                ok = false;
                break;
            }
            deps[i][k] = j;
        }
        indeg[i] = t->ndepends_on;
    }
    /* Kahn: repeatedly take the first task (plan order) whose deps are placed */
    size_t placed = 0;
    bool *done = xcalloc(n, sizeof *done);
    while (ok && placed < n) {
        size_t pick = (size_t)-1;
        for (size_t i = 0; i < n && pick == (size_t)-1; i++)
            if (!done[i] && indeg[i] == 0) pick = i;
        if (pick == (size_t)-1) {
            err_set(err, SP_EINVAL, "%s", "the task dependencies form a cycle");
            ok = false;
            break;
        }
        done[pick] = true;
        order[placed++] = pick;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < p->tasks[i].ndepends_on; k++)
                if (deps[i][k] == pick) indeg[i]--;
    }
    if (ok) {
        /* forward pass */
        for (size_t o = 0; o < n; o++) {
            size_t i = order[o];
            const sp_task *t = &p->tasks[i];
            int32_t dur = t->due >= t->start ? t->due - t->start + 1 : 1;
            sp_day es = t->start;
            for (size_t k = 0; k < t->ndepends_on; k++) {
                sp_day after = s->t[deps[i][k]].ef + 1;
                if (after > es) es = after;
            }
            s->t[i].es = es;
            s->t[i].ef = es + dur - 1;
            s->t[i].late_start = es > t->start;
            if (s->end == SP_DAY_NONE || s->t[i].ef > s->end) s->end = s->t[i].ef;
        }
        /* backward pass */
        for (size_t i = 0; i < n; i++) s->t[i].lf = s->end;
        for (size_t o = n; o-- > 0;) {
            size_t i = order[o];
            const sp_task *t = &p->tasks[i];
            int32_t dur = s->t[i].ef - s->t[i].es + 1;
            s->t[i].ls = s->t[i].lf - dur + 1;
            for (size_t k = 0; k < t->ndepends_on; k++) {
                sp_sched_task *d = &s->t[deps[i][k]];
                if (s->t[i].ls - 1 < d->lf) d->lf = s->t[i].ls - 1;
            }
        }
        for (size_t i = 0; i < n; i++) {
            s->t[i].slack = s->t[i].ls - s->t[i].es;
            s->t[i].critical = s->t[i].slack == 0;
        }
        /* the critical path: start at the earliest critical task with no
         * critical predecessor finishing the day before; follow critical
         * successors that start the day after (ties: plan order) */
        s->critical = xcalloc(n, sizeof *s->critical);
        size_t cur = (size_t)-1;
        for (size_t o = 0; o < n && cur == (size_t)-1; o++) {
            size_t i = order[o];
            if (!s->t[i].critical) continue;
            bool has_pred = false;
            for (size_t k = 0; k < p->tasks[i].ndepends_on; k++) {
                const sp_sched_task *d = &s->t[deps[i][k]];
                if (d->critical && d->ef + 1 == s->t[i].es) has_pred = true;
            }
            if (!has_pred) cur = i;
        }
        while (cur != (size_t)-1 && s->ncritical < n) {
            s->critical[s->ncritical++] = cur;
            size_t next = (size_t)-1;
            for (size_t i = 0; i < n && next == (size_t)-1; i++) {
                if (!s->t[i].critical) continue;
                for (size_t k = 0; k < p->tasks[i].ndepends_on; k++)
                    if (deps[i][k] == cur && s->t[i].es == s->t[cur].ef + 1) next = i;
            }
            cur = next;
        }
    }
    for (size_t i = 0; i < n; i++) free(deps[i]);
    free(deps);
    free(indeg);
    free(order);
    free(done);
    return ok;
}

void schedule_free(sp_schedule *s)
{
    free(s->t);
    free(s->critical);
    memset(s, 0, sizeof *s);
}

/*
 * app_tasks.c — the tasks verbs: the plan's tasks with their stored states,
 * the planned and forecast schedule (core/schedule.c), overdue days and
 * each person's load per ISO week; setting a task's status. Their JSON
 * shapes (2-space indented, through jansson).
 *
 * Owns: joining plan + schedule + states into rows, which tasks the caller
 * may see (owned or collaborated on by someone in the scope). Prints
 * nothing.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app_int.h"

static bool is_collaborator(const sp_task *t, const char *who)
{
    for (size_t i = 0; i < t->ncollaborators; i++)
        if (str_eq(t->collaborators[i], who)) return true;
    return false;
}

/* task_in_scope: t is owned or collaborated on by someone in scope. */
static bool task_in_scope(const sp_scope *scope, const sp_plan *plan, const sp_task *t)
{
    if (scope->kind == SCOPE_ALL) return true;
    if (t->owner && app_scope_has_rep(scope, plan, NULL, t->owner)) return true;
    for (size_t i = 0; i < t->ncollaborators; i++)
        if (app_scope_has_rep(scope, plan, NULL, t->collaborators[i])) return true;
    return false;
}

bool app_tasks(const sp_tasks_req *rq, sp_tasks_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    sp_store *st = rq->r.st;
    bool ok = false;
    if (!app_load_plan(st, rq->r.plan_id, true, &res->plan, err)) goto done;
    const sp_plan *plan = res->plan;
    res->as_of = app_as_of(&rq->r, plan);
    if (!st->ops->task_states(st, plan->id, &res->states, &res->nstates, err) ||
        !schedule_compute(plan, res->states, res->nstates, res->as_of, &res->sched, err))
        goto done;
    const sp_schedule *s = &res->sched;
    res->visible = xcalloc(s->n ? s->n : 1, sizeof *res->visible);
    for (size_t i = 0; i < s->n; i++) res->visible[i] = task_in_scope(&rq->r.scope, plan, s->t[i].task);
    /* rows: plan order, or the critical path's order */
    size_t nsel = rq->only_critical ? s->fc.n : s->n;
    res->rows = xcalloc(nsel ? nsel : 1, sizeof *res->rows);
    for (size_t k = 0; k < nsel; k++) {
        size_t ix = rq->only_critical ? s->fc.idx[k] : k;
        if (!res->visible[ix]) continue;
        const sp_sched_task *sk = &s->t[ix];
        sp_task_row r = {sk->task, sk, TASK_TODO, 0, false, 0};
        for (size_t j = 0; j < res->nstates; j++)
            if (str_eq(res->states[j].task_id, r.t->id))
                r.status = res->states[j].status, r.progress = res->states[j].progress;
        if (r.status != TASK_DONE && r.t->due != SP_DAY_NONE && r.t->due < res->as_of) {
            r.overdue = true;
            r.days_overdue = res->as_of - r.t->due;
        }
        if (rq->only_overdue && !r.overdue) continue;
        /* owner: owned, or collaborated on (the load view filters people instead) */
        if (rq->owner && !rq->keep_people && !str_eq(r.t->owner, rq->owner) && !is_collaborator(r.t, rq->owner))
            continue;
        res->rows[res->n++] = r;
    }
    ok = true;
done:
    app_lang_leave(lang);
    return ok;
}

void app_tasks_free(sp_tasks_res *res)
{
    free(res->rows);
    free(res->visible);
    task_states_free(res->states, res->nstates);
    schedule_free(&res->sched);
    plan_free(res->plan);
    memset(res, 0, sizeof *res);
}

/* ---- JSON ---- */

static json_t *json_strings(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *json_day(sp_day d)
{
    char b[16];
    return d == SP_DAY_NONE ? json_null() : json_string(day_format(d, b));
}

static void json_emit(json_t *root, buf_t *out)
{
    char *txt = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    buf_printf(out, "%s\n", txt);
    free(txt);
    json_decref(root);
}

static json_t *json_path(const sp_tasks_res *res, const sp_path *p)
{
    json_t *a = json_array();
    for (size_t i = 0; i < p->n; i++)
        if (!res->visible || res->visible[p->idx[i]])
            json_array_append_new(a, json_string(res->sched.t[p->idx[i]].task->id));
    return a;
}

void app_tasks_json(const sp_tasks_res *res, buf_t *out)
{
    const sp_schedule *s = &res->sched;
    json_t *arr = json_array();
    for (size_t i = 0; i < res->n; i++) {
        const sp_task_row *r = &res->rows[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(r->t->id));
        json_object_set_new(o, "name", r->t->name ? json_string(r->t->name) : json_null());
        json_object_set_new(o, "owner", r->t->owner ? json_string(r->t->owner) : json_null());
        json_object_set_new(o, "collaborators", json_strings(r->t->collaborators, r->t->ncollaborators));
        json_object_set_new(o, "strategy", r->t->strategy ? json_string(r->t->strategy) : json_null());
        json_object_set_new(o, "start", json_day(r->t->start));
        json_object_set_new(o, "due", json_day(r->t->due));
        json_object_set_new(o, "scheduled_start", json_day(r->s->plan.es));
        json_object_set_new(o, "scheduled_finish", json_day(r->s->plan.ef));
        json_object_set_new(o, "forecast_start", json_day(r->s->fc.es));
        json_object_set_new(o, "forecast_finish", json_day(r->s->fc.ef));
        json_object_set_new(o, "status", json_string(task_status_name(r->status)));
        json_object_set_new(o, "progress", json_integer(r->progress));
        json_object_set_new(o, "overdue", json_boolean(r->overdue));
        json_object_set_new(o, "days_overdue", json_integer(r->days_overdue));
        json_object_set_new(o, "slack", json_integer(r->s->fc.slack));
        json_object_set_new(o, "critical", json_boolean(r->s->fc.critical));
        json_object_set_new(o, "planned_slack", json_integer(r->s->plan.slack));
        json_object_set_new(o, "planned_critical", json_boolean(r->s->plan.critical));
        json_object_set_new(o, "late_start", json_boolean(r->s->late_start));
        json_object_set_new(o, "pushed", json_boolean(r->s->pushed));
        json_object_set_new(o, "delay_days", json_integer(r->s->delay));
        json_object_set_new(o, "milestone", json_boolean(r->t->milestone));
        json_object_set_new(o, "depends_on", json_strings(r->t->depends_on, r->t->ndepends_on));
        json_array_append_new(arr, o);
    }
    json_t *root = json_object();
    json_object_set_new(root, "plan", json_string(res->plan->id));
    json_object_set_new(root, "as_of", json_day(res->as_of));
    json_object_set_new(root, "tasks", arr);
    json_object_set_new(root, "critical_path", json_path(res, &s->fc));
    json_object_set_new(root, "planned_critical_path", json_path(res, &s->plan));
    json_object_set_new(root, "planned_end", json_day(s->plan.end));
    json_object_set_new(root, "forecast_end", json_day(s->fc.end));
    json_emit(root, out);
}

/* ---- load per person and ISO week ---- */

static int str_ptr_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

sp_load_cell *app_tasks_load(const sp_tasks_res *res, const char *only, size_t *nout)
{
    const sp_task_row *rows = res->rows;
    size_t n = res->n;
    *nout = 0;
    if (n == 0) return NULL;
    const char **people = NULL;
    size_t np = 0, capp = 0;
    sp_day lo = rows[0].s->plan.es, hi = rows[0].s->plan.ef;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].s->plan.es < lo) lo = rows[i].s->plan.es;
        if (rows[i].s->plan.ef > hi) hi = rows[i].s->plan.ef;
        for (size_t k = 0; k <= rows[i].t->ncollaborators; k++) {
            const char *who = k == 0 ? rows[i].t->owner : rows[i].t->collaborators[k - 1];
            if (!who || (only && strcmp(who, only) != 0)) continue;
            bool seen = false;
            for (size_t j = 0; j < np && !seen; j++) seen = strcmp(people[j], who) == 0;
            if (seen) continue;
            if (np == capp) {
                capp = capp ? capp * 2 : 8;
                people = xreallocarray(people, capp, sizeof *people);
            }
            people[np++] = who;
        }
    }
    if (np) qsort(people, np, sizeof *people, str_ptr_cmp);
    sp_load_cell *v = NULL;
    size_t cap = 0;
    sp_period first = grain_bucket(GRAIN_WEEK, lo);
    for (size_t p = 0; p < np; p++) {
        for (sp_day w = first.first; w <= hi; w += 7) {
            sp_load_cell cell = {people[p], w, 0, 0};
            for (size_t i = 0; i < n; i++) {
                if (rows[i].s->plan.es > w + 6 || rows[i].s->plan.ef < w) continue;
                if (str_eq(rows[i].t->owner, people[p])) cell.owned++;
                else if (is_collaborator(rows[i].t, people[p])) cell.collab++;
            }
            if (!cell.owned && !cell.collab) continue;
            if (*nout == cap) {
                cap = cap ? cap * 2 : 32;
                v = xreallocarray(v, cap, sizeof *v);
            }
            v[(*nout)++] = cell;
        }
    }
    free(people);
    return v;
}

void app_tasks_load_json(const sp_tasks_res *res, const sp_load_cell *v, size_t n, buf_t *out)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char wk[16];
        const sp_member *m = plan_find_member(res->plan, v[i].who, NULL);
        json_t *o = json_object();
        json_object_set_new(o, "owner", json_string(v[i].who));
        json_object_set_new(o, "name", m && m->name ? json_string(m->name) : json_null());
        json_object_set_new(o, "week", json_string(grain_label(GRAIN_WEEK, v[i].week, wk)));
        json_object_set_new(o, "week_start", json_day(v[i].week));
        json_object_set_new(o, "tasks", json_integer(v[i].owned));
        json_object_set_new(o, "collaborating", json_integer(v[i].collab));
        json_object_set_new(o, "overloaded", json_boolean(v[i].owned > APP_LOAD_LIMIT));
        json_array_append_new(arr, o);
    }
    json_t *root = json_object();
    json_object_set_new(root, "plan", json_string(res->plan->id));
    json_object_set_new(root, "as_of", json_day(res->as_of));
    json_object_set_new(root, "limit", json_integer(APP_LOAD_LIMIT));
    json_object_set_new(root, "load", arr);
    json_emit(root, out);
}

/* ---- task set ---- */

bool app_task_set(const sp_task_set_req *rq, sp_task_set_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    sp_store *st = rq->r.st;
    bool ok = false;
    if (!app_load_plan(st, rq->r.plan_id, true, &res->plan, err)) goto done;
    const sp_plan *plan = res->plan;
    const sp_task *task = NULL;
    for (size_t i = 0; i < plan->ntasks && !task; i++)
        if (str_eq(plan->tasks[i].id, rq->task_id)) task = &plan->tasks[i];
    if (!task || !task_in_scope(&rq->r.scope, plan, task)) {
        err_set(err, SP_ENOTFOUND, _("the current version of plan %s has no task '%s'"), plan->id,
                rq->task_id ? rq->task_id : "");
        goto done;
    }
    if ((int)rq->status < 0 || rq->status >= TASK_STATUS_COUNT || rq->progress > 100) {
        err_set(err, SP_EUSAGE, "%s", _("--status is required (todo, doing, done, blocked)"));
        goto done;
    }
    res->progress = rq->progress >= 0 ? rq->progress : rq->status == TASK_DONE ? 100 : 0;
    if (!st->ops->begin(st, err) || !st->ops->task_set(st, plan->id, task->id, rq->status, res->progress, err) ||
        !st->ops->commit(st, err)) {
        st->ops->rollback(st);
        goto done;
    }
    ok = true;
done:
    app_lang_leave(lang);
    return ok;
}

void app_task_set_free(sp_task_set_res *res)
{
    plan_free(res->plan);
    memset(res, 0, sizeof *res);
}

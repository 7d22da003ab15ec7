/*
 * app_actual.c — the verbs that record what happened: the actual of a
 * manual goal on a day, and an activity (a visit, call, e-mail, meeting)
 * with a customer — what a rep logs after a visit, which answers the stale
 * follow-up alert.
 *
 * Owns: checking the goal, the customer, the rep and the day against the
 * plan, the data and the caller's scope before the one write transaction.
 * Prints nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "app.h"
#include "app_int.h"

/* ---- manual actuals ---- */

bool app_actual_set(const sp_actual_req *rq, sp_actual_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    sp_store *st = rq->r.st;
    bool ok = false;
    sp_plan *plan = NULL;
    if (!app_load_plan(st, rq->r.plan_id, true, &plan, err)) goto done;
    const sp_goal *g = plan_find_goal(plan, rq->goal_id);
    if (!g || !app_goal_in_scope(&rq->r.scope, plan, g)) {
        err_set(err, SP_ENOTFOUND, _("plan %s has no goal '%s'"), plan->id, rq->goal_id ? rq->goal_id : "");
        goto done;
    }
    if (g->metric != MET_MANUAL) {
        err_set(err, SP_EINVAL,
                _("goal '%s' has metric %s: its actual is computed from the imported data; only goals with metric "
                  "manual take entered actuals"),
                rq->goal_id, sp_metrics[g->metric].name);
        goto done;
    }
    if (!period_contains(plan->period, rq->on) && !period_contains(g->period, rq->on)) {
        char db[16];
        app_notes_add(&res->notes, true, 0, 0, _("%s is outside the goal's period %s"), day_format(rq->on, db),
                      g->period_text ? g->period_text : "");
    }
    if (!st->ops->begin(st, err) || !st->ops->actual_set(st, plan->id, g->id, rq->on, rq->value, err) ||
        !st->ops->commit(st, err)) {
        st->ops->rollback(st);
        goto done;
    }
    ok = true;
done:
    plan_free(plan);
    app_lang_leave(lang);
    return ok;
}

void app_actual_free(sp_actual_res *res) { app_notes_free(&res->notes); }

/* ---- activities ---- */

static bool rep_known(const sp_plan *plan, const sp_dataset *ds, const char *id)
{
    for (size_t i = 0; i < ds->reps.n; i++)
        if (str_eq(ds->rep_rows[i].id, id)) return true;
    return plan && plan_find_member(plan, id, NULL) != NULL;
}

/* new_id: "act-CUSTOMER-YYYYMMDD-XXXXXXXX" (8 random hex digits), unique
 * in practice without reading the table, so two writers never pick the
 * same id. */
static char *new_id(const char *customer, sp_day on)
{
    uint32_t r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        r = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec * 2654435761u;
    }
    char db[16];
    day_format(on, db);
    char ymd[9] = {db[0], db[1], db[2], db[3], db[5], db[6], db[8], db[9], 0};
    return xasprintf("act-%s-%s-%08x", customer, ymd, r);
}

bool app_activity_add(const sp_activity_add_req *rq, sp_activity_add_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    sp_store *st = rq->r.st;
    const sp_scope *scope = &rq->r.scope;
    bool ok = false;
    sp_plan *plan = NULL;
    sp_dataset *ds = NULL;
    if (!rq->customer_id || !*rq->customer_id) {
        err_set(err, SP_EUSAGE, "%s", _("expects a CUSTOMER id"));
        res->bad_param = true;
        goto done;
    }
    if ((unsigned)rq->kind >= ACT_KIND_COUNT) {
        err_set(err, SP_EUSAGE, _("unknown activity kind '%d'"), (int)rq->kind);
        res->bad_param = true;
        goto done;
    }
    if (!app_load_plan(st, rq->r.plan_id, false, &plan, err)) goto done;
    sp_day today = rq->r.today != SP_DAY_NONE ? rq->r.today : app_today(plan ? plan->timezone : NULL, (int64_t)time(NULL));
    res->on = rq->on != SP_DAY_NONE ? rq->on : app_as_of(&rq->r, plan);
    if (res->on > today) {
        char a[16], b[16];
        err_set(err, SP_EUSAGE, _("the day %s is after today (%s): log what happened"), day_format(res->on, a),
                day_format(today, b));
        res->bad_param = true;
        goto done;
    }
    sp_load_spec spec;
    load_spec_init(&spec);
    load_spec_want(&spec, TBL_CUSTOMERS, SP_DAY_MIN, SP_DAY_MAX);
    load_spec_want(&spec, TBL_REPS, SP_DAY_MIN, SP_DAY_MAX);
    ds = dataset_new();
    if (!st->ops->load(st, &spec, ds, err)) goto done;
    sp_customer c;
    bool found = false;
    /* customer ids are not interned: one pass over the loaded customers */
    for (size_t i = 0; i < ds->customers.n && !found; i++) {
        c = customer_at(ds, i);
        found = str_eq(c.id, rq->customer_id);
    }
    /* a customer outside the scope is answered as one that does not exist */
    if (!found ||
        (scope->kind != SCOPE_ALL && !app_scope_has_rep(scope, plan, ds, c.owner))) {
        err_set(err, SP_ENOTFOUND, _("no customer '%s'"), rq->customer_id);
        goto done;
    }
    const char *rep = rq->rep;
    if (!rep) rep = scope->kind == SCOPE_REP ? scope->rep : c.owner;
    if (!rep || !*rep) {
        err_set(err, SP_EUSAGE, _("customer %s has no owner: name the rep"), rq->customer_id);
        res->bad_param = true;
        goto done;
    }
    if (!app_scope_has_rep(scope, plan, ds, rep)) {
        err_set(err, SP_EFORBIDDEN, _("%s '%s' is outside what you may see"), "rep", rep);
        goto done;
    }
    if (!rep_known(plan, ds, rep)) {
        err_set(err, SP_EUSAGE, _("unknown rep '%s'"), rep);
        res->bad_param = true;
        goto done;
    }
    res->rep = xstrdup(rep);
    res->id = rq->id && *rq->id ? xstrdup(rq->id) : new_id(rq->customer_id, res->on);
    sp_activity a = {res->id, res->rep, rq->customer_id, res->on, rq->kind};
    if (!st->ops->begin(st, err) || !st->ops->upsert(st, TBL_ACTIVITIES, &a, err) || !st->ops->commit(st, err)) {
        st->ops->rollback(st);
        goto done;
    }
    ok = true;
done:
    dataset_free(ds);
    plan_free(plan);
    app_lang_leave(lang);
    return ok;
}

void app_activity_add_free(sp_activity_add_res *res)
{
    free(res->id);
    free(res->rep);
    memset(res, 0, sizeof *res);
}

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

/* app_activity_add: one record through app_records_upsert (the checks and
 * the write of every face's activities, one or a batch). */
bool app_activity_add(const sp_activity_add_req *rq, sp_activity_add_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    bool ok = false;
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
    const char *keys[5], *vals[5];
    char day[16];
    size_t n = 0;
    keys[n] = "customer_id", vals[n++] = rq->customer_id;
    keys[n] = "kind", vals[n++] = actkind_name(rq->kind);
    if (rq->on != SP_DAY_NONE) keys[n] = "occurred_on", vals[n++] = day_format(rq->on, day);
    if (rq->rep) keys[n] = "rep_id", vals[n++] = rq->rep;
    if (rq->id && *rq->id) keys[n] = "activity_id", vals[n++] = rq->id;
    sp_record_in rec = {keys, vals, n};
    sp_records_req rr = {.r = rq->r, .table = TBL_ACTIVITIES, .recs = &rec, .n = 1};
    sp_records_res out;
    memset(&out, 0, sizeof out);
    sp_err e = SP_ERR_INIT;
    if (app_records_upsert(&rr, &out, &e)) {
        const sp_activity *a = &out.recs[0].activity;
        res->id = xstrdup(a->id);
        res->rep = xstrdup(a->rep);
        res->on = a->occurred_on;
        ok = true;
    } else if (out.nerrors) {
        /* the first problem, as `activity add` says it (without "record 1: field:") */
        const sp_record_msg *m = &out.errors[0];
        sp_errclass cls = m->cls == SP_EINVAL ? SP_EUSAGE : m->cls;
        res->bad_param = cls == SP_EUSAGE;
        if (cls == SP_EUSAGE && m->field && !str_eq(m->field, "customer_id") && !str_eq(m->field, "rep_id") &&
            !str_eq(m->field, "occurred_on"))
            err_set(err, cls, "%s: %s", m->field, m->text);
        else err_set(err, cls, "%s", m->text);
    } else {
        err_set(err, e.cls, "%s", buf_cstr(&e.msg));
    }
    err_free(&e);
    app_records_free(&out);
done:
    app_lang_leave(lang);
    return ok;
}

void app_activity_add_free(sp_activity_add_res *res)
{
    free(res->id);
    free(res->rep);
    memset(res, 0, sizeof *res);
}

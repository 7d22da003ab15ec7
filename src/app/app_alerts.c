/*
 * app_alerts.c — the alerts verb (SPEC §8): stale follow-ups, overdue
 * tasks, goals off pace, budget overruns, strategic reviews due, narrowed
 * to the caller's scope, and their one JSON shape.
 *
 * Owns: the load sequence of alerts (plan → task states → manual actuals →
 * one dataset load serving the alerts and the pace of every goal → goal
 * statuses → alerts_compute) and which alerts the caller may see. Prints
 * nothing: a goal engine failure is a note, the other alerts still come.
 */
#include <stdlib.h>
#include <string.h>

#include "../io/out.h"
#include "app.h"
#include "app_int.h"

/* app_goal_statuses: the status of every goal of the plan from the pace engine
 * (core/pace.h) over ds (loaded with pace_load_spec merged in). *out is
 * malloc'ed (caller frees); its strings are borrowed from the plan or
 * static. false with err when the engine fails. */
bool app_goal_statuses(const sp_plan *plan, const sp_dataset *ds, const sp_actual *manual, size_t nmanual,
                       sp_day as_of, sp_goal_status_in **out, size_t *n, sp_err *err)
{
    sp_tier_level *tiers = NULL;
    size_t ntiers = 0, np = 0;
    tiers_from_plan(plan, &tiers, &ntiers);
    sp_goal_pace *v = NULL;
    sp_pace_ctx ctx = {plan, ds, tiers, ntiers, manual, nmanual, as_of};
    *out = NULL;
    *n = 0;
    bool ok = pace_evaluate(&ctx, &v, &np, err);
    if (ok) {
        *out = xcalloc(np ? np : 1, sizeof **out);
        for (size_t i = 0; i < np; i++) {
            sp_goal_status_in *g = &(*out)[(*n)++];
            g->goal_id = v[i].goal->id;
            g->owner = app_goal_owner(v[i].goal);
            g->status = goal_status_name(v[i].status);
            g->has_attainment = !v[i].attainment.null && v[i].attainment.den != 0;
            if (g->has_attainment) g->attainment = (double)v[i].attainment.num / (double)v[i].attainment.den;
        }
    }
    goal_paces_free(v, np);
    free(tiers);
    return ok;
}

static bool rep_known(const sp_plan *plan, const sp_dataset *ds, const char *id)
{
    for (size_t i = 0; i < ds->reps.n; i++)
        if (str_eq(ds->rep_rows[i].id, id)) return true;
    return plan && plan_find_member(plan, id, NULL) != NULL;
}

/* keep_in_scope: drops the alerts whose owner is outside the caller's
 * scope (those without an owner unless SCOPE_ALL) and recounts. */
static void keep_in_scope(const sp_scope *scope, const sp_plan *plan, const sp_dataset *ds, sp_alerts_result *r)
{
    if (scope->kind == SCOPE_ALL) return;
    size_t w = 0;
    memset(r->count, 0, sizeof r->count);
    for (size_t i = 0; i < r->n; i++) {
        sp_alert x = r->v[i];
        if (!x.owner || !app_scope_has_rep(scope, plan, ds, x.owner)) {
            free(x.folded);
            continue;
        }
        r->count[x.kind]++;
        r->v[w++] = x;
    }
    r->n = w;
    /* a rep sees no budget: the kind is not theirs */
    if (scope->kind == SCOPE_REP) r->enabled[ALERT_BUDGET_OVERRUN] = false;
}

bool app_alerts(const sp_alerts_req *rq, sp_alerts_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    sp_store *st = rq->r.st;
    bool ok = false;
    if (!app_load_plan(st, rq->r.plan_id, false, &res->plan, err)) goto done;
    const sp_plan *plan = res->plan;
    sp_err werr = SP_ERR_INIT;
    if (!app_goal_filter_notes(st, plan, &res->notes, &werr)) app_notes_from_err(&res->notes, &werr);
    err_free(&werr);
    res->as_of = app_as_of(&rq->r, plan);
    sp_alerts_input in;
    memset(&in, 0, sizeof in);
    in.plan = plan;
    in.as_of = res->as_of;
    in.rep = rq->rep;
    in.kinds = rq->kinds & ((1u << ALERT_KIND_COUNT) - 1);
    unsigned en = alerts_enabled(plan) & (in.kinds ? in.kinds : ~0u);
    res->ds = dataset_new();
    if (plan && (en & (1u << ALERT_TASK_OVERDUE)) &&
        !st->ops->task_states(st, plan->id, &res->states, &res->nstates, err))
        goto done;
    bool want_goals = plan && (en & (1u << ALERT_GOAL_OFF_PACE));
    sp_load_spec spec;
    alerts_load_spec(plan, res->as_of, in.kinds, &spec);
    if (want_goals) {
        /* one load serves the alerts and the pace of every goal */
        sp_tier_level *tiers = NULL;
        size_t ntiers = 0;
        tiers_from_plan(plan, &tiers, &ntiers);
        sp_load_spec pspec;
        pace_load_spec(plan, tiers, ntiers, res->as_of, &pspec);
        pace_spec_union(&spec, &pspec);
        free(tiers);
        if (!st->ops->actual_list(st, plan->id, NULL, &res->manual, &res->nmanual, err)) goto done;
    }
    if (!st->ops->load(st, &spec, res->ds, err)) goto done;
    if (want_goals && !app_goal_statuses(plan, res->ds, res->manual, res->nmanual, res->as_of, &res->goal_in,
                                     &res->ngoal_in, &werr)) {
        /* the other alerts still matter: say why goals are missing, go on */
        app_notes_add(&res->notes, false, 0, 0, "%s",
                      _("goal statuses could not be computed; goal_off_pace is skipped:"));
        app_notes_from_err(&res->notes, &werr);
        err_free(&werr);
    }
    in.states = res->states;
    in.nstates = res->nstates;
    in.goals = res->goal_in;
    in.ngoals = res->ngoal_in;
    if (rq->rep && (!rep_known(plan, res->ds, rq->rep) || !app_scope_has_rep(&rq->r.scope, plan, res->ds, rq->rep))) {
        err_set(err, SP_EUSAGE, _("unknown rep '%s'"), rq->rep);
        res->bad_param = true;
        goto done;
    }
    in.ds = res->ds;
    alerts_compute(&in, &res->alerts);
    keep_in_scope(&rq->r.scope, plan, res->ds, &res->alerts);
    ok = true;
done:
    app_lang_leave(lang);
    return ok;
}

void app_alerts_free(sp_alerts_res *res)
{
    alerts_result_free(&res->alerts);
    dataset_free(res->ds);
    task_states_free(res->states, res->nstates);
    free(res->goal_in);
    actuals_free(res->manual, res->nmanual);
    app_notes_free(&res->notes);
    plan_free(res->plan);
    memset(res, 0, sizeof *res);
}

static void json_to(buf_t *out, const sp_alert *x)
{
    buf_puts(out, ", \"to\": [");
    if (x->owner) out_json_string(out, x->owner);
    if (x->escalated && x->leader) {
        if (x->owner) buf_puts(out, ", ");
        out_json_string(out, x->leader);
    }
    buf_putc(out, ']');
}

void app_alerts_json(const sp_alerts_res *res, buf_t *out) { app_alerts_json_to(res, out, NULL, NULL); }

void app_alerts_json_to(const sp_alerts_res *res, buf_t *out, void (*flush)(buf_t *out, void *ctx), void *ctx)
{
    const sp_alerts_result *r = &res->alerts;
    buf_puts(out, "{\"as_of\": ");
    out_json_day(out, res->as_of);
    buf_puts(out, ", \"counts\": {");
    bool first = true;
    for (int k = 0; k < ALERT_KIND_COUNT; k++) {
        if (!r->enabled[k]) continue;
        if (!first) buf_puts(out, ", ");
        first = false;
        out_json_string(out, alert_kind_name((sp_alert_kind)k));
        buf_printf(out, ": %zu", r->count[k]);
    }
    buf_puts(out, "}, \"alerts\": [");
    for (size_t i = 0; i < r->n; i++) {
        const sp_alert *x = &r->v[i];
        buf_puts(out, i ? ",\n  " : "\n  ");
        buf_puts(out, "{\"kind\": ");
        out_json_string(out, alert_kind_name(x->kind));
        buf_puts(out, ", \"owner\": ");
        out_json_string(out, x->owner);
        switch (x->kind) {
        case ALERT_STALE_FOLLOWUP:
        case ALERT_TIER_REVIEW_DUE:
            buf_puts(out, ", \"customer_id\": ");
            out_json_string(out, x->customer_id);
            buf_puts(out, ", \"last_touch\": ");
            out_json_day(out, x->last_touch);
            if (x->days < 0) buf_puts(out, ", \"days\": null");
            else buf_printf(out, ", \"days\": %d", (int)x->days);
            buf_puts(out, ", \"tier\": ");
            out_json_string(out, x->tier);
            if (x->kind == ALERT_STALE_FOLLOWUP)
                buf_printf(out, ", \"escalated\": %s", x->escalated ? "true" : "false");
            break;
        case ALERT_TASK_OVERDUE:
            buf_puts(out, ", \"task_id\": ");
            out_json_string(out, x->task_id);
            buf_puts(out, ", \"due\": ");
            out_json_day(out, x->due);
            buf_printf(out, ", \"days\": %d, \"status\": ", (int)x->days);
            out_json_string(out, x->status);
            break;
        case ALERT_GOAL_OFF_PACE:
            buf_puts(out, ", \"goal_id\": ");
            out_json_string(out, x->goal_id);
            buf_puts(out, ", \"status\": ");
            out_json_string(out, x->status);
            if (x->has_attainment) buf_printf(out, ", \"attainment\": %.6g", x->attainment);
            else buf_puts(out, ", \"attainment\": null");
            buf_puts(out, ", \"also_off_pace\": [");
            for (size_t k = 0; k < x->nfolded; k++) {
                if (k) buf_puts(out, ", ");
                out_json_string(out, x->folded[k]);
            }
            buf_putc(out, ']');
            break;
        case ALERT_BUDGET_OVERRUN:
            buf_puts(out, ", \"category\": ");
            out_json_string(out, x->category);
            buf_puts(out, ", \"allocated\": ");
            out_json_money(out, x->allocated);
            buf_puts(out, ", \"spent\": ");
            out_json_money(out, x->spent);
            break;
        default: break;
        }
        json_to(out, x);
        buf_putc(out, '}');
        if (flush && out->len >= 65536) flush(out, ctx);
    }
    buf_puts(out, r->n ? "\n]}\n" : "]}\n");
}

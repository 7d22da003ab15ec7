/*
 * app_status.c — the status verb: every goal of the plan with target,
 * actual, expected to date, projection, attainment, status and pacing
 * (core/pace.c), and its one JSON shape.
 *
 * Owns: the load sequence of status (plan → manual actuals → one dataset
 * load for every goal) and which goals the caller may see. Prints nothing.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../io/out.h"
#include "app.h"
#include "app_int.h"

bool app_status(const sp_status_req *rq, sp_status_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    sp_store *st = rq->r.st;
    bool ok = false;
    sp_tier_level *tiers = NULL;
    size_t ntiers = 0;
    sp_actual *manual = NULL;
    size_t nmanual = 0;
    sp_dataset *ds = NULL;
    res->root = SIZE_MAX;
    if (!app_load_plan(st, rq->r.plan_id, true, &res->plan, err)) goto done;
    sp_plan *plan = res->plan;
    /* a filter that matches nothing: said as a note */
    sp_err werr = SP_ERR_INIT;
    if (!app_goal_filter_notes(st, plan, &res->notes, &werr)) app_notes_from_err(&res->notes, &werr);
    err_free(&werr);
    res->as_of = app_as_of(&rq->r, plan);
    const sp_goal *want = rq->goal_id ? plan_find_goal(plan, rq->goal_id) : NULL;
    if (rq->goal_id && (!want || !app_goal_in_scope(&rq->r.scope, plan, want))) {
        err_set(err, SP_EUSAGE, _("no goal '%s' in plan %s"), rq->goal_id, plan->id);
        res->bad_param = true;
        goto done;
    }
    tiers_from_plan(plan, &tiers, &ntiers);
    ds = dataset_new();
    sp_load_spec spec;
    pace_load_columns(plan, tiers, ntiers, res->as_of, &spec); /* status reads only what pace_evaluate does */
    if (!st->ops->actual_list(st, plan->id, NULL, &manual, &nmanual, err) || !st->ops->load(st, &spec, ds, err))
        goto done;
    sp_pace_ctx ctx = {plan, ds, tiers, ntiers, manual, nmanual, res->as_of};
    if (!pace_evaluate(&ctx, &res->goals, &res->n, err)) goto done;
    for (size_t i = 0; rq->goal_id && i < res->n; i++)
        if (strcmp(res->goals[i].goal->id, rq->goal_id) == 0) res->root = i;
    res->shown = xcalloc(res->n ? res->n : 1, sizeof *res->shown);
    for (size_t i = 0; i < res->n; i++) res->shown[i] = app_goal_in_scope(&rq->r.scope, plan, res->goals[i].goal);
    ok = true;
done:
    dataset_free(ds);
    actuals_free(manual, nmanual);
    free(tiers);
    app_lang_leave(lang);
    return ok;
}

void app_status_free(sp_status_res *res)
{
    goal_paces_free(res->goals, res->n);
    free(res->shown);
    app_notes_free(&res->notes);
    plan_free(res->plan);
    memset(res, 0, sizeof *res);
    res->root = SIZE_MAX;
}

bool app_status_visible(const sp_status_res *res, size_t i)
{
    if (res->shown && !res->shown[i]) return false;
    if (res->root == SIZE_MAX) return true;
    for (size_t k = i; k != SIZE_MAX; k = res->goals[k].parent)
        if (k == res->root) return true;
    return false;
}

/* shown_parent: the nearest visible ancestor of goal i, SIZE_MAX when none. */
static size_t shown_parent(const sp_status_res *res, size_t i)
{
    for (size_t k = res->goals[i].parent; k != SIZE_MAX; k = res->goals[k].parent)
        if (app_status_visible(res, k)) return k;
    return SIZE_MAX;
}

/* ---- JSON ---- */

/* num_machine: q in unit u ("" when null): money "1234.50", counts
 * integers, ratios as fractions, days / count-per-month / manual as
 * decimals. */
static void num_machine(sp_unit u, sp_qty q, buf_t *out)
{
    char b[64];
    if (q.null) return;
    switch (u) {
    case UNIT_MONEY: buf_puts(out, money_format(qty_round(q), b)); break;
    case UNIT_COUNT: buf_printf(out, "%" PRId64, qty_round(q)); break;
    case UNIT_RATIO: buf_puts(out, qty_decimal(q, SP_RATIO_ONE, 6, true, b)); break;
    default: buf_puts(out, qty_decimal(q, 100, 2, true, b)); break;
    }
}

static void json_num(buf_t *out, const char *key, sp_unit u, sp_qty q)
{
    buf_printf(out, ", \"%s\": ", key);
    if (q.null) buf_puts(out, "null");
    else num_machine(u, q, out);
}

static void json_frac(buf_t *out, const char *key, sp_qty q)
{
    char b[64];
    buf_printf(out, ", \"%s\": ", key);
    if (q.null) buf_puts(out, "null");
    else buf_puts(out, qty_decimal(q, 1, 4, true, b));
}

static void json_goal(const sp_status_res *res, size_t i, buf_t *out)
{
    const sp_goal_pace *gp = &res->goals[i];
    const sp_goal *g = gp->goal;
    sp_unit u = sp_metrics[g->metric].unit;
    char b[64];
    buf_puts(out, "{\"id\": ");
    out_json_text(out, g->id);
    buf_puts(out, ", \"name\": ");
    out_json_text(out, g->name);
    buf_puts(out, ", \"metric\": ");
    out_json_text(out, sp_metrics[g->metric].name);
    buf_puts(out, ", \"unit\": ");
    out_json_text(out, unit_name(u));
    buf_puts(out, ", \"period\": ");
    out_json_text(out, g->period_text);
    buf_puts(out, ", \"direction\": ");
    out_json_text(out, g->direction == DIR_AT_MOST ? "at_most" : "at_least");
    json_num(out, "target", u, gp->target);
    json_num(out, "actual", u, gp->actual);
    json_num(out, "expected", u, gp->expected);
    json_num(out, "projection", u, gp->projection);
    json_frac(out, "attainment", gp->attainment);
    buf_puts(out, ", \"status\": ");
    out_json_text(out, goal_status_name(gp->status));
    buf_puts(out, ", \"pacing\": ");
    out_json_text(out, gp->pacing == PACING_SEASONAL ? "seasonal" : "linear");
    if (gp->is_revenue) {
        json_num(out, "pipeline", UNIT_MONEY, gp->pipeline);
        json_frac(out, "pipeline_coverage", gp->pipeline_coverage);
        json_num(out, "forecast", UNIT_MONEY, gp->forecast);
    }
    if (g->per_month) {
        buf_puts(out, ", \"current_month\": ");
        out_json_text(out, grain_label(GRAIN_MONTH, gp->current.first, b));
        buf_puts(out, ", \"months\": [");
        for (size_t k = 0; k < gp->nmonths; k++) {
            const sp_month_pace *m = &gp->months[k];
            buf_puts(out, k ? ", {\"month\": " : "{\"month\": ");
            out_json_text(out, grain_label(GRAIN_MONTH, m->month.first, b));
            json_num(out, "actual", u, m->actual);
            buf_printf(out, ", \"met\": %s}", m->met < 0 ? "null" : (m->met ? "true" : "false"));
        }
        buf_printf(out, "], \"months_met\": %d", gp->months_met);
    }
    if (g->split_by) { /* a child of one of the parent's further splits */
        buf_puts(out, ", \"split\": ");
        out_json_text(out, g->split_by);
    }
    buf_puts(out, ", \"children\": [");
    bool first = true;
    for (size_t k = i + 1; k < res->n; k++) {
        if (!app_status_visible(res, k) || shown_parent(res, k) != i) continue;
        if (!first) buf_puts(out, ", ");
        first = false;
        json_goal(res, k, out);
    }
    buf_puts(out, "]}");
}

void app_status_json(const sp_status_res *res, buf_t *out)
{
    char db[16];
    buf_puts(out, "{\"plan\": ");
    out_json_text(out, res->plan ? res->plan->id : NULL);
    buf_puts(out, ", \"as_of\": ");
    out_json_text(out, day_format(res->as_of, db));
    buf_puts(out, ", \"goals\": [");
    bool first = true;
    for (size_t i = 0; i < res->n; i++) {
        if (!app_status_visible(res, i) || shown_parent(res, i) != SIZE_MAX) continue;
        if (!first) buf_puts(out, ", ");
        first = false;
        json_goal(res, i, out);
    }
    buf_puts(out, "]}\n");
}

/*
 * app_tiers.c — the tiers and budget verbs: customers and trailing-12-month
 * revenue per tier with movements and strategic reviews due (core/alerts.c
 * tiers_compute), the budget per category (core/budget.c), and their JSON
 * shapes. Both are whole-company figures: only the SCOPE_ALL caller gets
 * them.
 *
 * Prints nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "../io/out.h"
#include "app.h"
#include "app_int.h"

static bool whole_company(const sp_app_req *rq, sp_err *err)
{
    if (rq->scope.kind == SCOPE_ALL) return true;
    err_set(err, SP_EFORBIDDEN, "%s", _("these are whole-company figures: your role does not see them"));
    return false;
}

bool app_tiers(const sp_tiers_req *rq, sp_tiers_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    sp_store *st = rq->r.st;
    bool ok = false;
    res->lang = rq->r.lang;
    if (!whole_company(&rq->r, err)) goto done;
    if (!app_load_plan(st, rq->r.plan_id, false, &res->plan, err)) goto done;
    sp_day as_of = app_as_of(&rq->r, res->plan);
    if (rq->since != SP_DAY_NONE && rq->since > as_of) {
        char a[16], b[16];
        err_set(err, SP_EUSAGE, _("--since %s is after the as-of date %s"), day_format(rq->since, a),
                day_format(as_of, b));
        res->bad_param = true;
        goto done;
    }
    tiers_from_plan(res->plan, &res->levels, &res->nlevels);
    alerts_review_rule(res->plan, &res->rule);
    res->ds = dataset_new();
    sp_load_spec spec;
    tiers_load_spec(as_of, rq->since, &spec);
    if (!st->ops->load(st, &spec, res->ds, err)) goto done;
    tiers_compute(res->ds, res->levels, res->nlevels, &res->rule, as_of, rq->since, &res->rep);
    if (res->rep.overflow) {
        err_set(err, SP_EINVAL, "%s", _("tiers: a T12M sum is beyond the range of amounts (±92,233,720,368,547,758.07)"));
        goto done;
    }
    ok = true;
done:
    app_lang_leave(lang);
    return ok;
}

void app_tiers_free(sp_tiers_res *res)
{
    tiers_report_free(&res->rep);
    dataset_free(res->ds);
    free(res->levels);
    plan_free(res->plan);
    memset(res, 0, sizeof *res);
}

/* share: part / whole as a fraction; false when whole is 0. */
static bool share(sp_money part, sp_money whole, double *out)
{
    if (whole == 0) return false;
    *out = (double)part / (double)whole;
    return true;
}

void app_tiers_json(const sp_tiers_res *res, buf_t *out)
{
    const sp_tiers_report *r = &res->rep;
    buf_puts(out, "{\"as_of\": ");
    out_json_day(out, r->as_of);
    buf_puts(out, ", \"since\": ");
    out_json_day(out, r->since);
    buf_puts(out, ", \"tiers\": [");
    for (size_t i = 0; i < r->nrows; i++) {
        const sp_tier_row *x = &r->rows[i];
        double s;
        buf_puts(out, i ? ",\n  " : "\n  ");
        buf_puts(out, "{\"tier\": ");
        out_json_string(out, x->tier);
        buf_puts(out, ", \"name\": ");
        out_json_string(out, x->tier ? app_tier_name(res->plan, x->tier, res->lang) : NULL);
        buf_puts(out, ", \"min\": ");
        if (x->tier) out_json_money(out, x->min);
        else buf_puts(out, "null");
        buf_printf(out, ", \"customers\": %zu, \"t12m_revenue\": ", x->customers);
        out_json_money(out, x->t12m);
        if (share(x->t12m, r->t12m_total, &s)) buf_printf(out, ", \"share\": %.6g}", s);
        else buf_puts(out, ", \"share\": null}");
    }
    buf_printf(out, "\n], \"total\": {\"customers\": %zu, \"t12m_revenue\": ", r->customers);
    out_json_money(out, r->t12m_total);
    buf_puts(out, "}, \"movements\": ");
    if (r->since == SP_DAY_NONE) {
        buf_puts(out, "null");
    } else {
        buf_printf(out, "{\"upgrades\": %zu, \"downgrades\": %zu, \"pairs\": [", r->nupgrades, r->ndowngrades);
        for (size_t i = 0; i < r->npairs; i++) {
            buf_puts(out, i ? ", " : "");
            buf_puts(out, "{\"from\": ");
            out_json_string(out, r->pairs[i].from);
            buf_puts(out, ", \"to\": ");
            out_json_string(out, r->pairs[i].to);
            buf_printf(out, ", \"count\": %zu}", r->pairs[i].count);
        }
        buf_puts(out, "], \"changes\": [");
        for (size_t i = 0; i < r->nmoves; i++) {
            const sp_tier_move *m = &r->moves[i];
            buf_puts(out, i ? ",\n  " : "\n  ");
            buf_puts(out, "{\"customer_id\": ");
            out_json_string(out, m->customer_id);
            buf_printf(out, ", \"change\": \"%s\", \"from\": ", m->upgrade ? "upgrade" : "downgrade");
            out_json_string(out, m->from);
            buf_puts(out, ", \"to\": ");
            out_json_string(out, m->to);
            buf_puts(out, ", \"t12m_since\": ");
            out_json_money(out, m->t12m_since);
            buf_puts(out, ", \"t12m_now\": ");
            out_json_money(out, m->t12m_now);
            buf_putc(out, '}');
        }
        buf_puts(out, "]}");
    }
    buf_puts(out, ", \"reviews_due\": {\"tier\": ");
    out_json_string(out, res->rule.tier);
    buf_printf(out, ", \"review_every_days\": %d, \"customers\": [", res->rule.every_days);
    for (size_t i = 0; i < r->nreviews; i++) {
        const sp_alert *x = &r->reviews[i];
        buf_puts(out, i ? ",\n  " : "\n  ");
        buf_puts(out, "{\"customer_id\": ");
        out_json_string(out, x->customer_id);
        buf_puts(out, ", \"owner\": ");
        out_json_string(out, x->owner);
        buf_puts(out, ", \"last_touch\": ");
        out_json_day(out, x->last_touch);
        if (x->days < 0) buf_puts(out, ", \"days\": null}");
        else buf_printf(out, ", \"days\": %d}", (int)x->days);
    }
    buf_puts(out, "]}}\n");
}

/* ---- budget ---- */

bool app_budget(const sp_budget_req *rq, sp_budget_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    sp_store *st = rq->r.st;
    bool ok = false;
    sp_dataset *ds = NULL;
    if (!whole_company(&rq->r, err)) goto done;
    if (!app_load_plan(st, rq->r.plan_id, true, &res->plan, err)) goto done;
    if (!res->plan->has_budget) {
        err_set(err, SP_ENOTFOUND, "%s", _("the plan has no budget section (budget: total and categories)"));
        goto done;
    }
    sp_day as_of = app_as_of(&rq->r, res->plan);
    ds = dataset_new();
    sp_load_spec spec;
    budget_load_spec(res->plan, as_of, &spec);
    if (!st->ops->load(st, &spec, ds, err)) goto done;
    budget_compute(res->plan, ds, as_of, &res->rep);
    ok = budget_check(&res->rep, err);
done:
    res->ds = ds; /* the report borrows unplanned categories and strategies from it */
    app_lang_leave(lang);
    return ok;
}

void app_budget_free(sp_budget_res *res)
{
    budget_report_free(&res->rep);
    dataset_free(res->ds);
    plan_free(res->plan);
    memset(res, 0, sizeof *res);
}

static void json_line(buf_t *out, const sp_budget_line *l)
{
    double u;
    buf_printf(out, "\"share\": %.6g, \"allocated\": ", (double)l->share / SP_RATIO_ONE);
    out_json_money(out, l->allocated);
    buf_puts(out, ", \"committed\": ");
    out_json_money(out, l->committed);
    buf_puts(out, ", \"spent\": ");
    out_json_money(out, l->spent);
    buf_puts(out, ", \"remaining\": ");
    out_json_money(out, l->remaining);
    if (budget_used(l->spent, l->allocated, &u)) buf_printf(out, ", \"used\": %.6g", u);
    else buf_puts(out, ", \"used\": null");
    buf_printf(out, ", \"overrun\": %s", l->overrun ? "true" : "false");
}

void app_budget_json(const sp_budget_res *res, buf_t *out)
{
    const sp_budget_report *r = &res->rep;
    const sp_plan *plan = res->plan;
    char b[16];
    buf_puts(out, "{\"plan\": ");
    out_json_string(out, plan->id);
    buf_puts(out, ", \"as_of\": ");
    out_json_string(out, day_format(r->as_of, b));
    buf_puts(out, ", \"period\": ");
    out_json_string(out, plan->period_text);
    buf_puts(out, ", \"total\": ");
    out_json_money(out, r->total);
    buf_printf(out, ", \"overrun_above\": %.6g, \"categories\": [", (double)plan->alerts.budget_overrun_above / SP_RATIO_ONE);
    for (size_t i = 0; i < r->nlines; i++) {
        const sp_budget_line *l = &r->lines[i];
        buf_puts(out, i ? ",\n  " : "\n  ");
        buf_puts(out, "{\"category\": ");
        out_json_string(out, l->category);
        buf_puts(out, ", \"name\": ");
        out_json_string(out, l->name);
        buf_printf(out, ", \"planned\": %s, ", l->planned ? "true" : "false");
        json_line(out, l);
        buf_putc(out, '}');
    }
    buf_puts(out, "\n], \"totals\": {");
    json_line(out, &r->totals);
    buf_puts(out, "}, \"strategies\": [");
    for (size_t i = 0; i < r->nstrategies; i++) {
        const sp_budget_strategy *s = &r->strategies[i];
        buf_puts(out, i ? ", " : "");
        buf_puts(out, "{\"strategy\": ");
        out_json_string(out, s->strategy);
        buf_puts(out, ", \"name\": ");
        out_json_string(out, s->name);
        buf_puts(out, ", \"spent\": ");
        out_json_money(out, s->spent);
        buf_putc(out, '}');
    }
    buf_puts(out, "]}\n");
}

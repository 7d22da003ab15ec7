/*
 * app_kpi.c — the kpi verb: any metric of SPEC §6 for a period, filter and
 * breakdown, narrowed to the caller's scope, and its one JSON shape
 * (kpi_to_json in io/kpi_out.c).
 *
 * Owns: the load sequence of kpi (plan for its fiscal year, tiers and time
 * zone → filter values checked and names made ids → the caller's scope →
 * load spec → dataset → kpi_compute). Prints nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "../io/out.h"
#include "app.h"
#include "app_int.h"

/* filter_copy: a deep copy of f (NULL: empty). */
static sp_filter filter_copy(const sp_filter *f)
{
    sp_filter c = {NULL, 0};
    if (!f || !f->n) return c;
    c.kv = xcalloc(f->n, sizeof *c.kv);
    for (size_t i = 0; i < f->n; i++) {
        c.kv[i] = f->kv[i];
        c.kv[i].value = f->kv[i].value ? xstrdup(f->kv[i].value) : NULL;
    }
    c.n = f->n;
    return c;
}

bool app_kpi(const sp_kpi_req *rq, sp_kpi_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    sp_store *st = rq->r.st;
    bool ok = false;
    sp_kpi_query *q = &res->q;
    q->metric = rq->metric;
    q->period_text = rq->period;
    q->explain = rq->explain;
    q->nby = rq->nby <= KPI_MAX_BY ? rq->nby : KPI_MAX_BY;
    memcpy(q->by, rq->by, q->nby * sizeof q->by[0]);
    q->where = filter_copy(rq->where);
    if (!app_load_plan(st, rq->r.plan_id, false, &res->plan, err)) goto done;
    const sp_plan *plan = res->plan;
    const char *why = NULL;
    if (!rq->period || !period_parse(rq->period, plan ? plan->fiscal_year_start : 1, &q->period, &why)) {
        if (rq->period) err_set(err, SP_EUSAGE, _("bad period '%s': %s"), rq->period, _(why));
        else err_set(err, SP_EUSAGE, "%s", _("--period is required (e.g. --period 2026-Q3)"));
        res->bad_param = true;
        goto done;
    }
    /* a value that matches nothing is an error, not a silent 0 */
    if (!app_resolve_where(st, plan, &q->where, err)) {
        res->bad_param = err->cls == SP_EUSAGE;
        goto done;
    }
    if (!app_scope_filter(&rq->r.scope, plan, &q->where, err)) goto done;
    size_t ntiers = 0;
    tiers_from_plan(plan, &res->tiers, &ntiers);
    q->tiers = res->tiers;
    q->ntiers = ntiers;
    q->as_of = app_as_of(&rq->r, plan);
    if (!kpi_query_check(q, err)) {
        res->bad_param = true;
        goto done;
    }
    sp_load_spec spec;
    kpi_load_spec(q, &spec);
    kpi_load_columns(q, &spec); /* only kpi_compute reads this dataset */
    res->ds = dataset_new();
    if (!st->ops->load(st, &spec, res->ds, err) || !kpi_compute(res->ds, q, &res->res, err)) goto done;
    if (rq->limit < res->res.nexplain) res->res.nexplain = rq->limit;
    ok = true;
done:
    app_lang_leave(lang);
    return ok;
}

void app_kpi_free(sp_kpi_res *res)
{
    kpi_result_free(&res->res);
    dataset_free(res->ds);
    for (size_t i = 0; i < res->q.where.n; i++) free(res->q.where.kv[i].value);
    free(res->q.where.kv);
    free(res->tiers);
    plan_free(res->plan);
    memset(res, 0, sizeof *res);
}

void app_kpi_json(const sp_kpi_res *res, buf_t *out) { kpi_to_json(&res->q, &res->res, out); }

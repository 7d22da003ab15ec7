/*
 * budget.c — allocation, commitment and spend per budget category and spend
 * per strategy (see budget.h). Pure: no I/O, no clock.
 *
 * Every sum saturates at the int64 range and sets the report's overflow
 * flag (budget_check turns it into an error; an overrun stays an overrun).
 *
 * One pass over the spend rows; category and strategy ids are resolved once
 * per distinct interned pointer (a ptrmap cache), so the cost is
 * O(spend + distinct ids × plan entries).
 */
#include "budget.h"

#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"

/* alloc128: total × share / 10^6 rounded half away from zero, in 128 bits. */
static __int128 alloc128(sp_money total, sp_ratio share)
{
    __int128 p = (__int128)total * share;
    __int128 q = p / SP_RATIO_ONE, r = p % SP_RATIO_ONE;
    if (r < 0) r = -r;
    if (2 * r >= SP_RATIO_ONE) q += p < 0 ? -1 : 1;
    return q;
}

/* sat64: x clamped to the int64 range; *overflow set when it had to be. */
static sp_money sat64(__int128 x, bool *overflow)
{
    if (x > INT64_MAX) {
        *overflow = true;
        return INT64_MAX;
    }
    if (x < INT64_MIN) {
        *overflow = true;
        return INT64_MIN;
    }
    return (sp_money)x;
}

/* add_sat: *acc += v, saturating; *overflow set when it saturates. */
static void add_sat(sp_money *acc, sp_money v, bool *overflow)
{
    if (__builtin_add_overflow(*acc, v, acc)) {
        *overflow = true;
        *acc = v < 0 ? INT64_MIN : INT64_MAX;
    }
}

sp_money budget_allocation(sp_money total, sp_ratio share)
{
    bool ovf = false;
    return sat64(alloc128(total, share), &ovf);
}

bool budget_check(const sp_budget_report *r, sp_err *err)
{
    if (!r->overflow) return true;
    err_set(err, SP_EINVAL, "%s", _("budget: a sum is beyond the range of amounts (±92,233,720,368,547,758.07)"));
    return false;
}

bool budget_over(sp_money spent, sp_money allocated, sp_ratio threshold)
{
    return (__int128)spent * SP_RATIO_ONE > (__int128)allocated * threshold;
}

bool budget_used(sp_money spent, sp_money allocated, double *out)
{
    if (allocated == 0) return false;
    *out = (double)spent / (double)allocated;
    return true;
}

void budget_load_spec(const sp_plan *plan, sp_day as_of, sp_load_spec *spec)
{
    load_spec_init(spec);
    sp_day from = plan ? plan->period.first : SP_DAY_MIN;
    sp_day to = as_of;
    if (plan && plan->period.last < to) to = plan->period.last;
    if (to < from) to = from; /* nothing counts; load an empty range */
    load_spec_want(spec, TBL_SPEND, from, to);
}

static int cmp_line_id(const void *a, const void *b)
{
    const sp_budget_line *x = a, *y = b;
    return strcmp(x->category, y->category);
}

static int cmp_strategy_id(const void *a, const void *b)
{
    const sp_budget_strategy *x = a, *y = b;
    if (!x->strategy || !y->strategy) return (x->strategy == NULL) - (y->strategy == NULL);
    return strcmp(x->strategy, y->strategy);
}

/* resolve_line: the index in out->lines of category cat (interned), adding
 * an unplanned line the first time an unknown id is seen. cache maps the
 * interned pointer to the index. */
static size_t resolve_line(sp_budget_report *out, size_t *cap, sp_ptrmap *cache, const sp_plan *plan,
                           const char *cat)
{
    size_t idx;
    if (ptrmap_get(cache, cat, &idx)) return idx;
    for (size_t i = 0; i < plan->nbudget_cats; i++)
        if (strcmp(plan->budget_cats[i].id, cat) == 0) {
            ptrmap_put(cache, cat, i);
            return i;
        }
    if (out->nlines == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        out->lines = xreallocarray(out->lines, *cap, sizeof *out->lines);
    }
    idx = out->nlines++;
    memset(&out->lines[idx], 0, sizeof out->lines[idx]);
    out->lines[idx].category = cat;
    ptrmap_put(cache, cat, idx);
    return idx;
}

/* resolve_strategy: the same for strategies (NULL id has its own slot). */
static size_t resolve_strategy(sp_budget_report *out, size_t *cap, sp_ptrmap *cache, const sp_plan *plan,
                               const char *id, size_t *none_slot)
{
    size_t idx;
    if (!id) {
        if (*none_slot != (size_t)-1) return *none_slot;
    } else {
        if (ptrmap_get(cache, id, &idx)) return idx;
        for (size_t i = 0; i < plan->nstrategies; i++)
            if (strcmp(plan->strategies[i].id, id) == 0) {
                ptrmap_put(cache, id, i);
                return i;
            }
    }
    if (out->nstrategies == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        out->strategies = xreallocarray(out->strategies, *cap, sizeof *out->strategies);
    }
    idx = out->nstrategies++;
    memset(&out->strategies[idx], 0, sizeof out->strategies[idx]);
    out->strategies[idx].strategy = id;
    if (id) ptrmap_put(cache, id, idx);
    else *none_slot = idx;
    return idx;
}

/* budget_compute: see budget.h. Allocates out->lines and out->strategies. */
void budget_compute(const sp_plan *plan, const sp_dataset *ds, sp_day as_of, sp_budget_report *out)
{
    memset(out, 0, sizeof *out);
    out->as_of = as_of;
    out->period = plan->period;
    out->total = plan->has_budget ? plan->budget_total : 0;

    size_t lcap = plan->nbudget_cats, scap = plan->nstrategies;
    out->nlines = plan->nbudget_cats;
    out->lines = xcalloc(lcap ? lcap : 1, sizeof *out->lines);
    for (size_t i = 0; i < plan->nbudget_cats; i++) {
        sp_budget_line *l = &out->lines[i];
        l->category = plan->budget_cats[i].id;
        l->name = plan->budget_cats[i].name;
        l->planned = true;
        l->share = plan->budget_cats[i].share;
        l->allocated = sat64(alloc128(out->total, l->share), &out->overflow);
    }
    /* committed: task budgets (categories the plan lacks are check errors;
     * they are ignored here) */
    for (size_t t = 0; t < plan->ntasks; t++) {
        const sp_task *tk = &plan->tasks[t];
        if (!tk->has_budget || !tk->budget_category) continue;
        for (size_t i = 0; i < plan->nbudget_cats; i++)
            if (strcmp(plan->budget_cats[i].id, tk->budget_category) == 0) {
                add_sat(&out->lines[i].committed, tk->budget_amount, &out->overflow);
                break;
            }
    }
    out->nstrategies = plan->nstrategies;
    out->strategies = xcalloc(scap ? scap : 1, sizeof *out->strategies);
    for (size_t i = 0; i < plan->nstrategies; i++) {
        out->strategies[i].strategy = plan->strategies[i].id;
        out->strategies[i].name = plan->strategies[i].name;
    }

    sp_ptrmap *cats = ptrmap_new(16), *strats = ptrmap_new(16);
    size_t none_slot = (size_t)-1;
    for (size_t i = 0; i < ds->spend.n; i++) {
        const sp_spend s_row = spend_at(ds, i), *s = &s_row;
        if (s->spent_on == SP_DAY_NONE || s->spent_on > as_of || !period_contains(plan->period, s->spent_on))
            continue;
        /* resolve first: it may move the arrays */
        if (s->category) {
            size_t li = resolve_line(out, &lcap, cats, plan, s->category);
            add_sat(&out->lines[li].spent, s->amount, &out->overflow);
        }
        size_t si = resolve_strategy(out, &scap, strats, plan, s->strategy_id, &none_slot);
        add_sat(&out->strategies[si].spent, s->amount, &out->overflow);
    }
    ptrmap_free(cats);
    ptrmap_free(strats);

    /* unplanned categories by id; unplanned strategies by id, none last */
    if (out->nlines > plan->nbudget_cats)
        qsort(out->lines + plan->nbudget_cats, out->nlines - plan->nbudget_cats, sizeof *out->lines, cmp_line_id);
    if (out->nstrategies > plan->nstrategies)
        qsort(out->strategies + plan->nstrategies, out->nstrategies - plan->nstrategies,
              sizeof *out->strategies, cmp_strategy_id);

    sp_ratio thr = plan->alerts.budget_overrun_above;
    sp_budget_line *tot = &out->totals;
    for (size_t i = 0; i < out->nlines; i++) {
        sp_budget_line *l = &out->lines[i];
        l->remaining = sat64((__int128)l->allocated - l->spent, &out->overflow);
        l->overrun = budget_over(l->spent, l->allocated, thr);
        add_sat(&tot->share, l->share, &out->overflow);
        add_sat(&tot->allocated, l->allocated, &out->overflow);
        add_sat(&tot->committed, l->committed, &out->overflow);
        add_sat(&tot->spent, l->spent, &out->overflow);
    }
    tot->remaining = sat64((__int128)tot->allocated - tot->spent, &out->overflow);
    tot->overrun = budget_over(tot->spent, tot->allocated, thr);
    tot->planned = true;
}

void budget_report_free(sp_budget_report *r)
{
    if (!r) return;
    free(r->lines);
    free(r->strategies);
    memset(r, 0, sizeof *r);
}

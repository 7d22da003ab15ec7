/*
 * budget.h — the budget of a plan against its spend (`salesplan budget`,
 * and the budget_overrun alert of SPEC §8).
 *
 * Pure: the caller loads the spend (budget_load_spec) and passes the as-of
 * date. Money is exact fen throughout; an allocation is total × share
 * rounded half away from zero to whole fen.
 *
 * Spend counts when spent_on lies in the plan's period and on or before the
 * as-of date (a 2026 budget is not charged with 2025 spend).
 */
#ifndef SP_BUDGET_H
#define SP_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan.h"
#include "records.h"
#include "value.h"

typedef struct sp_budget_line {
    const char *category;              /* borrowed (plan or dataset pool) */
    const char *name;                  /* the plan's name; NULL when unplanned */
    bool planned;                      /* a category of the plan */
    sp_ratio share;                    /* ppm; 0 when unplanned */
    sp_money allocated;                /* total × share */
    sp_money committed;                /* Σ task budgets of the category */
    sp_money spent;                    /* Σ spend of the category */
    sp_money remaining;                /* allocated − spent (negative when over) */
    bool overrun;                      /* spent > allocated × budget_overrun_above */
} sp_budget_line;

typedef struct sp_budget_strategy {
    const char *strategy;              /* NULL: spend without a strategy */
    const char *name;                  /* the plan's name, NULL when unknown */
    sp_money spent;
} sp_budget_strategy;

typedef struct sp_budget_report {
    sp_day as_of;
    sp_period period;                  /* the plan's period */
    sp_money total;                    /* the plan's budget total */
    sp_budget_line *lines;             /* plan categories in plan order, then
                                        * unplanned categories with spend, by id */
    size_t nlines;
    sp_budget_line totals;             /* sums; category/name NULL; overrun
                                        * when the total spend is over */
    sp_budget_strategy *strategies;    /* plan strategies in plan order (those
                                        * with spend), then others by id, then
                                        * spend without a strategy */
    size_t nstrategies;
    bool overflow;                     /* a sum left the int64 range (saturated) */
} sp_budget_report;

/* budget_allocation: total × share (ppm), rounded half away from zero,
 * saturated at the int64 range (budget_compute flags that as overflow). */
sp_money budget_allocation(sp_money total, sp_ratio share);
/* budget_over: spent > allocated × threshold (ppm), exactly. */
bool budget_over(sp_money spent, sp_money allocated, sp_ratio threshold);
/* budget_used: spent / allocated as a fraction; false when allocated is 0. */
bool budget_used(sp_money spent, sp_money allocated, double *out);

/* budget_load_spec: spend of the plan's period up to as_of. */
void budget_load_spec(const sp_plan *plan, sp_day as_of, sp_load_spec *spec);
/* budget_compute: the report for plan over ds->spend. out zeroed by the
 * caller; free with budget_report_free (the lines, not the strings). */
void budget_compute(const sp_plan *plan, const sp_dataset *ds, sp_day as_of, sp_budget_report *out);
void budget_report_free(sp_budget_report *r);
/* budget_check: false with an SP_EINVAL error when a sum of r left the
 * int64 range (the figures then saturate: never shown as if exact). */
bool budget_check(const sp_budget_report *r, sp_err *err);

#endif

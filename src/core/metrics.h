/*
 * metrics.h — the metric engine of SPEC §6: every metric, filter and
 * breakdown, computed over a dataset for a period and an as-of date.
 *
 * Pure: the caller loads the dataset (store->load with the spec from
 * kpi_load_spec) and passes the as-of date; no clock is read here.
 */
#ifndef SP_METRICS_H
#define SP_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan.h"
#include "records.h"
#include "value.h"

#define KPI_MAX_BY 3

/* A breakdown key: a time grain or a dimension. */
typedef enum sp_bykey {
    BY_MONTH, BY_QUARTER, BY_WEEK, BY_YEAR, BY_DAY,
    BY_REGION, BY_INDUSTRY, BY_SIZE, BY_TEAM, BY_REP, BY_PRODUCT, BY_SOURCE, BY_TIER,
    BY_CATEGORY, BY_STRATEGY,
    BY_COUNT
} sp_bykey;
const char *bykey_name(sp_bykey k);
int bykey_from_name(const char *name);      /* -1 when unknown */

/* Tier levels in force (from the plan, or the defaults of SPEC §6). */
typedef struct sp_tier_level {
    const char *id;                          /* borrowed */
    sp_money min;
} sp_tier_level;

typedef struct sp_kpi_query {
    sp_metric metric;
    sp_period period;
    const char *period_text;                 /* as given, echoed in output */
    sp_day as_of;
    sp_filter where;                         /* borrowed */
    sp_bykey by[KPI_MAX_BY];
    size_t nby;
    const sp_tier_level *tiers;              /* sorted by min descending */
    size_t ntiers;
    bool explain;                            /* collect the records behind */
} sp_kpi_query;

/* One computed value. Money and counts are exact integers (ival: fen or
 * count); ratios, days and count/month are num/den. null when a denominator
 * is zero. */
typedef struct sp_kpi_value {
    bool null;
    int64_t ival;                            /* money (fen) or count */
    double num, den;                         /* ratio-like units */
} sp_kpi_value;

/* kpi_value_double: the value in display units (major units for money). */
double kpi_value_double(sp_metric m, const sp_kpi_value *v);

typedef struct sp_kpi_row {
    const char *key[KPI_MAX_BY];             /* labels, owned by the result pool */
    sp_kpi_value value;
} sp_kpi_row;

/* One record behind a number (for --explain). */
typedef struct sp_explain_row {
    const char *table;                       /* "deals" */
    const char *id;
    sp_day date;
    sp_money amount;                         /* 0 when the record has none */
    const char *note;                        /* e.g. "won", "first won deal" */
} sp_explain_row;

typedef struct sp_kpi_result {
    sp_metric metric;
    sp_kpi_value total;                      /* over the whole filter/period */
    sp_kpi_row *rows;                        /* sorted by the by keys */
    size_t nrows;
    sp_explain_row *explain;
    size_t nexplain;
    strpool_t *pool;
    size_t nexplain_total;                   /* records behind the number (explain holds at most 1000) */
} sp_kpi_result;

/* kpi_load_spec: what the dataset must hold for q. */
void kpi_load_spec(const sp_kpi_query *q, sp_load_spec *spec);
/* kpi_load_columns: narrows spec (from kpi_load_spec(q)) to the columns
 * kpi_compute reads for q (sp_load_spec.cols). */
void kpi_load_columns(const sp_kpi_query *q, sp_load_spec *spec);
/* kpi_compute: computes q over ds into res (zeroed by the caller; freed by
 * kpi_result_free). ds must be indexed. Errors (bad filter value for the
 * metric) go to err (SP_EUSAGE); a sum beyond the int64 range is an
 * SP_EINVAL error naming the metric, never a wrapped value. */
bool kpi_compute(const sp_dataset *ds, const sp_kpi_query *q, sp_kpi_result *res, sp_err *err);
void kpi_result_free(sp_kpi_result *res);
/* kpi_query_check: validates q before any data is loaded: a computable
 * metric, filter keys that apply to it (product: deal metrics; source: lead
 * metrics; category/strategy: spend only), known size and tier values,
 * --by keys that apply (one time key at most). tier_customers and
 * tier_revenue_share take --by tier (every level), --where tier=ID or
 * neither (all customers / 1). Problems go to err (SP_EUSAGE). */
bool kpi_query_check(const sp_kpi_query *q, sp_err *err);

/* Several questions in one pass over the deals: revenue, deals_won,
 * avg_deal_size, win_rate, pipeline and weighted_pipeline without --by or
 * --explain, filtered by region, industry, size, rep or product (the
 * questions of a plan's goals). closing: the weighted pipeline of only the
 * deals open on D that close in the period (pace.c's forecast: an expected
 * close date in it, or none and the period running on D). A job the pass
 * cannot answer (another metric or filter, an invalid query, a sum beyond
 * the int64 range, an as-of date other than the first job's) is left with
 * done false: the caller asks kpi_compute, which gives the same value or
 * the error. The values equal kpi_compute's total. */
typedef struct sp_kpi_job {
    sp_kpi_query q;
    bool closing;
    sp_kpi_value value;
    bool done;
} sp_kpi_job;
void kpi_compute_jobs(const sp_dataset *ds, sp_kpi_job *jobs, size_t n);

/* T12M and tiers (SPEC §6) */
/* customer_t12m: won revenue of each customer with d − 1 year < closed_on <= d;
 * out[i] for ds->customers.v[i]; deals of customers absent from ds->customers
 * are ignored. out has ds->customers.n elements. */
void customer_t12m(const sp_dataset *ds, sp_day d, sp_money *out);
/* tier_of: the level with the highest min <= t12m; NULL when none. */
const char *tier_of(const sp_tier_level *tiers, size_t ntiers, sp_money t12m);
/* tiers_from_plan: levels from the plan (or defaults when plan is NULL or
 * has none), sorted by min descending; *out malloc'ed, ids borrowed. */
void tiers_from_plan(const sp_plan *p, sp_tier_level **out, size_t *n);

#endif

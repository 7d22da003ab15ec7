/*
 * pace.h — pace, projection and status of goals (SPEC §7).
 *
 * Pure: no I/O, no SQL, no clock. The caller loads a dataset big enough for
 * every goal (pace_load_spec), the manual actuals (store->actual_list) and
 * passes the as-of date; pace_evaluate computes, for every goal of a plan in
 * pre-order, the actual (metric engine), the elapsed weight (linear or
 * seasonal), expected, projection, attainment, status, the months of
 * `per: month` goals and, for revenue goals, pipeline coverage and forecast.
 *
 * Quantities are exact rationals in the goal's target unit (see sp_goal:
 * money fen, counts, ratios ppm, days and count/month hundredths, manual
 * hundredths); comparisons for status are exact (128-bit cross products).
 */
#ifndef SP_PACE_H
#define SP_PACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "plan.h"
#include "records.h"
#include "tracking.h"
#include "value.h"

typedef enum sp_goal_status {
    GOAL_NOT_STARTED,
    GOAL_ON_TRACK,
    GOAL_AT_RISK,
    GOAL_OFF_TRACK,
    GOAL_ACHIEVED,
    GOAL_MISSED,
    GOAL_STATUS_COUNT
} sp_goal_status;
/* goal_status_name: "not_started" … "missed". */
const char *goal_status_name(sp_goal_status s);
/* goal_status_label: the status for people ("not started" … "missed"), an
 * English static string to translate with _(). */
const char *goal_status_label(sp_goal_status s);

/* An exact quantity: num / den (den > 0), or null when undefined. */
typedef struct sp_qty {
    bool null;
    int64_t num, den;
} sp_qty;

sp_qty qty_int(int64_t v);
sp_qty qty_null(void);
/* qty_make: num/den reduced (den must be non-zero; sign moved to num). */
sp_qty qty_make(int64_t num, int64_t den);
/* qty_round: the nearest integer, halves away from zero (0 when null). */
int64_t qty_round(sp_qty q);
/* qty_cmp: -1, 0, 1 (exact); nulls compare below everything. */
int qty_cmp(sp_qty a, sp_qty b);
/* qty_from_kpi: an engine value in the goal's target unit of metric m
 * (money fen, count, ratio ppm, days / count-per-month hundredths). */
sp_qty qty_from_kpi(sp_metric m, const sp_kpi_value *v);
/* qty_ratio: a / b exact (null when either is null, b is zero or the
 * result leaves the int64 range). */
sp_qty qty_ratio(sp_qty a, sp_qty b);
/* qty_decimal: q / div as a decimal with `decimals` digits (rounded half away
 * from zero), trailing zeros trimmed when trim ("0.4", "12.5"); "" for null.
 * Exact (no floating point). buf >= 48 bytes. Returns buf. */
char *qty_decimal(sp_qty q, int64_t div, int decimals, bool trim, char *buf);
/* qty_display: appends q in unit u as people read it (the status table,
 * the review pack): "—" when null, money grouped ("1,234,567.89"), counts
 * whole, ratios (ppm) as percentages with one decimal ("12.5%"), days,
 * count-per-month and manual hundredths as decimals, trailing zeros
 * trimmed. Exact. */
void qty_display(sp_unit u, sp_qty q, buf_t *out);
/* qty_pct_display: appends a plain fraction (attainment, coverage) as a
 * percentage with one decimal ("87.3%"; "—" when null). Exact. */
void qty_pct_display(sp_qty q, buf_t *out);

/* The elapsed weight w = num / den, 0 <= w <= 1. */
typedef struct sp_weight {
    int64_t num, den;
} sp_weight;

/* pace_linear_weight: share of p's days up to d (0 before p, 1 after). */
sp_weight pace_linear_weight(sp_period p, sp_day d);
/* pace_seasonal_weight: last year's to-date / last year's total, clamped to
 * [0, 1]; false (w untouched) when the total is null or <= 0 (no history:
 * the caller falls back to linear). */
bool pace_seasonal_weight(sp_qty ly_to_date, sp_qty ly_total, sp_weight *w);

/* The pace of one target over one period. */
typedef struct sp_pace_calc {
    sp_qty expected, projection;
    sp_qty attainment;               /* actual / target, a plain fraction */
    sp_goal_status status;
} sp_pace_calc;

/* pace_compute: expected = T × w (additive metrics; T for the others),
 * projection = actual / w (additive; null when w = 0) or actual,
 * attainment = actual / T, and the status of SPEC §7:
 *   d < p.first: not_started; d > p.last: achieved when actual meets T,
 *   else missed (also when actual is null);
 *   inside p: on_track when the projection meets T; at_risk when
 *   projection >= T × off_pace_below (at_most: projection × off_pace_below
 *   <= T, i.e. the pace ratio T / projection is within the threshold);
 *   off_track otherwise. "Meets" is >= T (at_least) or <= T (at_most), both
 *   inclusive. With w = 0 (seasonal: nothing expected yet) the status is
 *   on_track unless an at_most actual already exceeds T (off_track). A null
 *   actual inside p is at_risk (the pace cannot be confirmed). */
void pace_compute(int64_t target, sp_direction dir, bool additive, sp_period p, sp_day d, sp_weight w,
                  sp_qty actual, sp_ratio off_pace_below, sp_pace_calc *out);

/* One month of a `per: month` goal. */
typedef struct sp_month_pace {
    sp_period month;                 /* the calendar month clipped to the goal's period */
    sp_qty actual;
    int met;                         /* 1 met, 0 not met, -1 undecided (month in progress) */
} sp_month_pace;

/* The evaluation of one goal. */
typedef struct sp_goal_pace {
    const sp_goal *goal;             /* borrowed from the plan */
    size_t parent;                   /* index in the same array; SIZE_MAX for top level */
    int depth;                       /* 0 for top level */
    sp_qty target, actual, expected, projection, attainment;
    sp_goal_status status;
    sp_pacing pacing;                /* the pacing actually used */
    sp_weight w;
    /* revenue goals */
    bool is_revenue;
    sp_qty pipeline, weighted_pipeline, pipeline_coverage, forecast; /* weighted: of the deals closing in P (pace.c) */
    /* per: month goals: months of the period that started by as-of */
    sp_month_pace *months;
    size_t nmonths;
    int months_met;
    sp_period current;               /* the month the top-level numbers describe */
} sp_goal_pace;

typedef struct sp_pace_ctx {
    const sp_plan *plan;
    const sp_dataset *ds;            /* indexed, loaded with pace_load_spec */
    const sp_tier_level *tiers;      /* tiers_from_plan */
    size_t ntiers;
    const sp_actual *manual;         /* manual actuals of the plan, by day */
    size_t nmanual;
    sp_day as_of;
} sp_pace_ctx;

/* pace_load_spec: what the dataset must hold to evaluate every goal of plan
 * as of as_of (the union of the engine's needs over all goals, last year's
 * periods for seasonal pacing, months of per-month goals, pipelines). */
void pace_load_spec(const sp_plan *plan, const sp_tier_level *tiers, size_t ntiers, sp_day as_of,
                    sp_load_spec *spec);
/* pace_load_columns: the same, narrowed to the columns pace_evaluate reads
 * (sp_load_spec.cols: the engine's columns of each question, every column
 * of the deals): for a caller that reads nothing else from the dataset
 * (app_status). */
void pace_load_columns(const sp_plan *plan, const sp_tier_level *tiers, size_t ntiers, sp_day as_of,
                       sp_load_spec *spec);
/* pace_evaluate: every goal of c->plan in pre-order (parents first) into
 * *out (malloc'ed, *n entries; free with goal_paces_free). false with err
 * when the engine rejects a goal's query. */
bool pace_evaluate(const sp_pace_ctx *c, sp_goal_pace **out, size_t *n, sp_err *err);
void goal_paces_free(sp_goal_pace *v, size_t n);

/* pace_goal_actual: the actual of goal g over period p as of as_of (manual
 * goals: the latest manual actual on or before min(p.last, as_of) and not
 * before p.first). false with err on an engine error. */
bool pace_goal_actual(const sp_pace_ctx *c, const sp_goal *g, sp_period p, sp_day as_of, sp_qty *out,
                      sp_err *err);

/* pace_spec_union: widen dst so that it also covers src. */
void pace_spec_union(sp_load_spec *dst, const sp_load_spec *src);

/* pace_months_in: Σ over calendar months of (days of the month inside p /
 * days of the month), as a double (0 for an empty p). */
double pace_months_in(sp_period p);

#endif

/*
 * funnel.h — the reverse funnel of SPEC §7: from a revenue goal's remaining
 * target and the trailing 12 months' history, what is needed each month
 * (deals won, opportunities closed, leads, qualified leads, visits), and how
 * that compares with the plan's process goals and the team's visit capacity.
 *
 * Pure: no I/O, no SQL, no clock. funnel_gather reads the history from a
 * dataset the caller loaded (funnel_load_spec) through the metric engine and
 * the plan side from the plan; funnel_compute is plain arithmetic and says
 * which inputs are missing instead of dividing by zero.
 */
#ifndef SP_FUNNEL_H
#define SP_FUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "plan.h"
#include "records.h"
#include "value.h"

/* What the funnel starts from. Counts are whole numbers over the trailing
 * 12 months ending at the as-of date, with the goal's filter. */
typedef struct sp_funnel_in {
    sp_money target, actual;         /* the revenue goal's target and actual to date */
    double months_left;              /* months of the goal's period after as-of */
    int64_t won_deals, lost_deals;   /* deals closed won / lost */
    sp_money won_amount;             /* Σ amount of the won deals */
    int64_t leads, leads_with_opp;   /* leads created; those with an opportunity_id */
    int64_t qualified_leads;         /* leads created that are qualified */
    int64_t visits;                  /* activities of kind visit */
    /* plan side (per month; has_ = the plan states it) */
    bool has_qualified_goal;
    double qualified_goal;           /* qualified leads per month the plan asks for */
    bool has_visits_goal;
    double visits_goal;              /* team visits per month the plan asks for */
    double visit_capacity;           /* Σ visits_per_month of the plan's reps (default 8 each) */
} sp_funnel_in;

/* Inputs that may be missing (bit flags in sp_funnel_out.missing). */
enum {
    FUNNEL_NO_WON = 1u << 0,         /* no won deal: no average deal size */
    FUNNEL_NO_CLOSED = 1u << 1,      /* no won or lost deal: no win rate */
    FUNNEL_NO_LEADS = 1u << 2,       /* no lead: no conversion */
    FUNNEL_NO_CONVERSION = 1u << 3,  /* leads but none became an opportunity */
    FUNNEL_NO_VISITS = 1u << 4,      /* no visit (or no won deal) : no visits per won deal */
    FUNNEL_PERIOD_OVER = 1u << 5,    /* no month left in the goal's period */
};

typedef struct sp_funnel_out {
    sp_money remaining;              /* max(target − actual, 0) */
    double months_left;
    unsigned missing;                /* FUNNEL_* flags */
    /* derived rates (valid unless the matching flag is set) */
    sp_money avg_deal_size;          /* fen, rounded */
    double win_rate, conversion, qualified_share, visits_per_won;
    /* needed per month; has_ false when an input on the way is missing */
    bool has_deals, has_opportunities, has_leads, has_qualified, has_visits;
    double deals, opportunities, leads, qualified_leads, visits;
    /* comparisons (need − plan; > 0 means the plan asks for too little) */
    bool has_qualified_gap, has_visits_gap, has_capacity_gap;
    double qualified_gap, visits_gap, capacity_gap;
} sp_funnel_out;

/* funnel_compute:
 *   remaining = max(T − actual, 0); months = max(months_left, 1) while the
 *   period is not over;
 *   avg deal size = won_amount / won_deals; win rate = won / (won + lost);
 *   conversion = leads_with_opp / leads; qualified share = qualified / leads;
 *   visits per won deal = visits / won_deals;
 *   deals = remaining / avg / months; opportunities = deals / win rate;
 *   leads = opportunities / conversion; qualified leads = leads × qualified
 *   share; visits = deals × visits per won deal;
 *   gaps: qualified leads − the plan's goal, visits − the plan's goal,
 *   visits − capacity. With nothing remaining every need is 0. */
void funnel_compute(const sp_funnel_in *in, sp_funnel_out *out);

/* funnel_goal_filter: the keys of filter f that apply to metric m over
 * period p as of d (the others are dropped: `product` does not apply to
 * visits). out->kv is a new array of entries borrowed from f (caller frees
 * out->kv). */
void funnel_goal_filter(const sp_filter *f, sp_metric m, sp_period p, sp_day d, sp_filter *out);

/* funnel_load_spec: what the dataset must hold for funnel_gather of revenue
 * goal g as of as_of (g's actual over its period; deals won and lost, won
 * amount, leads, conversions, qualified leads and visits over the trailing
 * 12 months ending at as_of, each with the part of g's filter that applies);
 * tiers are the levels in force (tiers_from_plan). Fills *spec. */
void funnel_load_spec(const sp_goal *g, sp_day as_of, const sp_tier_level *tiers, size_t ntiers,
                      sp_load_spec *spec);

/* funnel_gather: the inputs of funnel_compute for revenue goal g of plan as
 * of as_of, from ds (loaded with funnel_load_spec, same tiers): target and
 * actual (0 before g's period), the months left (0 after the period, all of
 * it before, at least 1 inside), the trailing 12 months' history, the
 * plan's qualified-lead and visit goals per month (top-level goals; those
 * that support g's top-level goal when any does; visits_per_rep × reps) and
 * the reps' visit capacity (8 a month when not stated). *in is overwritten.
 * false with err when the metric engine rejects a query. Allocates nothing
 * that outlives the call. */
bool funnel_gather(const sp_plan *plan, const sp_dataset *ds, const sp_goal *g, sp_day as_of,
                   const sp_tier_level *tiers, size_t ntiers, sp_funnel_in *in, sp_err *err);

/* ---- what-if (`funnel --what-if RATE=CHANGE`) ---- */

/* The rates a what-if may change. */
typedef enum sp_funnel_rate { FRATE_WIN_RATE, FRATE_AVG_DEAL_SIZE, FRATE_LEAD_CONVERSION, FRATE_COUNT } sp_funnel_rate;
/* funnel_rate_name: "win_rate", "avg_deal_size", "lead_conversion_rate". */
const char *funnel_rate_name(sp_funnel_rate r);

typedef enum sp_whatif_kind {
    WHATIF_ABS,                      /* the rate becomes value (ratio ppm, or money fen) */
    WHATIF_REL,                      /* the rate × (1 + value / 10^6) */
    WHATIF_PP,                       /* a ratio + value ppm (percentage points) */
} sp_whatif_kind;

typedef struct sp_funnel_whatif {
    bool set[FRATE_COUNT];
    sp_whatif_kind kind[FRATE_COUNT];
    int64_t value[FRATE_COUNT];
    const char *text[FRATE_COUNT];   /* the change as written (borrowed) */
    size_t n;                        /* how many are set */
} sp_funnel_whatif;

/* funnel_whatif_add: parses one "RATE=CHANGE" into w (CHANGE: "+5pp" /
 * "-3pp" for the ratios; "+10%" / "-10%" relative; "30%" / "0.3" an
 * absolute ratio; an absolute amount such as "200000" or "20万" for
 * avg_deal_size). The same rate twice, an unknown rate or a bad change is
 * an SP_EUSAGE error. text must outlive w. */
bool funnel_whatif_add(sp_funnel_whatif *w, const char *text, sp_err *err);

/* funnel_whatif: the funnel with w's rates in place of the history's:
 * starts from cur (funnel_compute's result for in), changes the rates and
 * recomputes every need and gap into *out. A rate the history lacks can
 * only be set absolutely (a relative change of nothing stays missing). A
 * ratio that leaves [0, 1] or an amount that leaves (0, int64 range) is an
 * SP_EINVAL error naming the rate. */
bool funnel_whatif(const sp_funnel_in *in, const sp_funnel_out *cur, const sp_funnel_whatif *w, sp_funnel_out *out,
                   sp_err *err);

/* One row of the "needed per month" table, as `salesplan funnel` and the
 * review pack print it: what the funnel needs, the plan's goal and the gap
 * (has_ false: no value, printed "—"). The capacity row has no plan cell
 * at all (no_plan_cell). */
typedef struct sp_funnel_row {
    const char *label;               /* English static string (N_), translate with _() */
    bool has_need, has_plan, has_gap, no_plan_cell;
    double need, plan, gap;
} sp_funnel_row;

enum { FUNNEL_NROWS = 6 };

/* funnel_rows: the rows deals won, opportunities closed, leads, qualified
 * leads, visits, visit capacity (need = the capacity, gap = visits −
 * capacity) into rows[FUNNEL_NROWS]. */
void funnel_rows(const sp_funnel_in *in, const sp_funnel_out *o, sp_funnel_row *rows);

/* funnel_summary: appends the translated line "target T, actual A,
 * remaining R over M months" (money grouped, newline-terminated). */
void funnel_summary(const sp_funnel_in *in, const sp_funnel_out *o, buf_t *out);

/* funnel_notes: appends the translated warnings, one a line: the plan asks
 * for too few qualified leads, the visits needed exceed capacity, then
 * every missing input (funnel_missing_text) in flag order. */
void funnel_notes(const sp_funnel_out *o, buf_t *out);

/* funnel_missing_text: the plain English sentence for one FUNNEL_* flag
 * (a static string, to be translated with _()). */
const char *funnel_missing_text(unsigned flag);

#endif

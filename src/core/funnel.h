/*
 * funnel.h — the reverse funnel of SPEC §7: from a revenue goal's remaining
 * target and the trailing 12 months' history, what is needed each month
 * (deals won, opportunities closed, leads, qualified leads, visits), and how
 * that compares with the plan's process goals and the team's visit capacity.
 *
 * Pure arithmetic: the caller gathers the history (metric engine) and the
 * plan side; funnel_compute says which inputs are missing instead of
 * dividing by zero.
 */
#ifndef SP_FUNNEL_H
#define SP_FUNNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "plan.h"
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

/* funnel_missing_text: the plain English sentence for one FUNNEL_* flag
 * (a static string, to be translated with _()). */
const char *funnel_missing_text(unsigned flag);

#endif

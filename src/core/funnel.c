/*
 * funnel.c — the reverse funnel arithmetic (SPEC §7, step 1 of the method:
 * derive process goals from a result goal). Owns the chain remaining revenue
 * → deals → opportunities → leads → qualified leads, visits, and the
 * comparison with the plan and the team's capacity. Must not touch I/O or
 * the metric engine: inputs are plain numbers.
 */
#include "funnel.h"

#include <string.h>

#include "../util/i18n.h"

const char *funnel_missing_text(unsigned flag)
{
    switch (flag) {
    case FUNNEL_NO_WON: return N_("no won deals in the last 12 months: cannot derive the average deal size");
    case FUNNEL_NO_CLOSED: return N_("no closed deals in the last 12 months: cannot derive the win rate");
    case FUNNEL_NO_LEADS: return N_("no leads in the last 12 months: cannot derive the lead conversion");
    case FUNNEL_NO_CONVERSION:
        return N_("no lead became an opportunity in the last 12 months: cannot derive the lead conversion");
    case FUNNEL_NO_VISITS:
        return N_("no visits or no won deals in the last 12 months: cannot derive the visits per won deal");
    case FUNNEL_PERIOD_OVER: return N_("the goal's period is over: nothing is left to plan");
    default: return "";
    }
}

void funnel_compute(const sp_funnel_in *in, sp_funnel_out *out)
{
    memset(out, 0, sizeof *out);
    sp_money rem = in->target - in->actual;
    out->remaining = rem > 0 ? rem : 0;
    double months = in->months_left;
    if (months <= 0) {
        out->missing |= FUNNEL_PERIOD_OVER;
        months = 0;
    } else if (months < 1) {
        months = 1;
    }
    out->months_left = months;

    if (in->won_deals <= 0) out->missing |= FUNNEL_NO_WON;
    else {
        /* rounded half away from zero, exact in integers */
        sp_money q = in->won_amount / in->won_deals, r = in->won_amount % in->won_deals;
        if (r < 0) r = -r;
        if (2 * r >= in->won_deals) q += in->won_amount < 0 ? -1 : 1;
        out->avg_deal_size = q;
    }
    if (in->won_deals + in->lost_deals <= 0) out->missing |= FUNNEL_NO_CLOSED;
    else out->win_rate = (double)in->won_deals / (double)(in->won_deals + in->lost_deals);
    if (in->leads <= 0) out->missing |= FUNNEL_NO_LEADS;
    else {
        out->conversion = (double)in->leads_with_opp / (double)in->leads;
        out->qualified_share = (double)in->qualified_leads / (double)in->leads;
        if (in->leads_with_opp <= 0) out->missing |= FUNNEL_NO_CONVERSION;
    }
    if (in->won_deals <= 0 || in->visits <= 0) out->missing |= FUNNEL_NO_VISITS;
    else out->visits_per_won = (double)in->visits / (double)in->won_deals;

    if (out->missing & FUNNEL_PERIOD_OVER) return;
    bool nothing = out->remaining == 0;
    /* with nothing remaining, nothing is needed whatever the history says */
    if (nothing || !(out->missing & FUNNEL_NO_WON)) {
        out->has_deals = true;
        out->deals = nothing ? 0 : (double)out->remaining / (double)out->avg_deal_size / months;
        if (!nothing && out->avg_deal_size <= 0) out->has_deals = false;
    }
    if (out->has_deals && (nothing || (!(out->missing & FUNNEL_NO_CLOSED) && out->win_rate > 0))) {
        out->has_opportunities = true;
        out->opportunities = nothing ? 0 : out->deals / out->win_rate;
    }
    if (out->has_opportunities && (nothing || !(out->missing & (FUNNEL_NO_LEADS | FUNNEL_NO_CONVERSION)))) {
        out->has_leads = out->has_qualified = true;
        out->leads = nothing ? 0 : out->opportunities / out->conversion;
        out->qualified_leads = nothing ? 0 : out->leads * out->qualified_share;
    }
    if (out->has_deals && (nothing || !(out->missing & FUNNEL_NO_VISITS))) {
        out->has_visits = true;
        out->visits = nothing ? 0 : out->deals * out->visits_per_won;
    }
    if (out->has_qualified && in->has_qualified_goal) {
        out->has_qualified_gap = true;
        out->qualified_gap = out->qualified_leads - in->qualified_goal;
    }
    if (out->has_visits && in->has_visits_goal) {
        out->has_visits_gap = true;
        out->visits_gap = out->visits - in->visits_goal;
    }
    if (out->has_visits) {
        out->has_capacity_gap = true;
        out->capacity_gap = out->visits - in->visit_capacity;
    }
}

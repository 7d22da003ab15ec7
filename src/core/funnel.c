/*
 * funnel.c — the reverse funnel (SPEC §7, step 1 of the method: derive
 * process goals from a result goal). Owns gathering its inputs (the queries
 * run through the metric engine on a dataset the caller loaded, the plan's
 * process goals per month, the reps' visit capacity: one rule shared by
 * `salesplan funnel` and the review pack), the chain remaining revenue →
 * deals → opportunities → leads → qualified leads, visits, and the
 * comparison with the plan and the team's capacity. Must not touch I/O,
 * SQL or the clock.
 */
#include "funnel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"
#include "pace.h"

#define DEFAULT_VISITS_PER_MONTH 8

/* ---- gathering ---- */

void funnel_goal_filter(const sp_filter *f, sp_metric m, sp_period p, sp_day d, sp_filter *out)
{
    out->kv = xcalloc(f->n ? f->n : 1, sizeof *out->kv);
    out->n = 0;
    for (size_t i = 0; i < f->n; i++) {
        sp_kpi_query q;
        memset(&q, 0, sizeof q);
        q.metric = m;
        q.period = p;
        q.as_of = d;
        q.where.kv = &f->kv[i];
        q.where.n = 1;
        sp_err e = SP_ERR_INIT;
        if (kpi_query_check(&q, &e)) out->kv[out->n++] = f->kv[i];
        err_free(&e);
    }
}

/* The queries behind the inputs: the goal's actual over its period, the
 * rest over the trailing 12 months. */
enum { FQ_ACTUAL, FQ_WON, FQ_WON_AMOUNT, FQ_WIN_RATE, FQ_LEADS, FQ_CONVERSION, FQ_QUALIFIED, FQ_VISITS, FQ_COUNT };
static const sp_metric fq_metric[FQ_COUNT] = {MET_REVENUE, MET_DEALS_WON, MET_REVENUE, MET_WIN_RATE,
                                              MET_LEADS, MET_LEAD_CONVERSION_RATE, MET_QUALIFIED_LEADS, MET_VISITS};

typedef struct funnel_queries {
    sp_kpi_query q[FQ_COUNT];
    sp_filter filt[FQ_COUNT];
} funnel_queries;

/* queries_init: every query of goal g as of as_of; allocates the filter
 * arrays (queries_free). */
static void queries_init(funnel_queries *fq, const sp_goal *g, sp_day as_of, const sp_tier_level *tiers,
                         size_t ntiers)
{
    memset(fq, 0, sizeof *fq);
    sp_period t12 = {day_minus_year(as_of) + 1, as_of};
    for (int i = 0; i < FQ_COUNT; i++) {
        sp_period p = i == FQ_ACTUAL ? g->period : t12;
        funnel_goal_filter(&g->filter, fq_metric[i], p, as_of, &fq->filt[i]);
        fq->q[i].metric = fq_metric[i];
        fq->q[i].period = p;
        fq->q[i].as_of = as_of;
        fq->q[i].where = fq->filt[i];
        fq->q[i].tiers = tiers;
        fq->q[i].ntiers = ntiers;
    }
}

static void queries_free(funnel_queries *fq)
{
    for (int i = 0; i < FQ_COUNT; i++) free(fq->filt[i].kv);
}

void funnel_load_spec(const sp_goal *g, sp_day as_of, const sp_tier_level *tiers, size_t ntiers,
                      sp_load_spec *spec)
{
    funnel_queries fq;
    queries_init(&fq, g, as_of, tiers, ntiers);
    load_spec_init(spec);
    for (int i = 0; i < FQ_COUNT; i++) {
        sp_load_spec s;
        kpi_load_spec(&fq.q[i], &s);
        pace_spec_union(spec, &s);
    }
    queries_free(&fq);
}

/* plan_reps: the plan's members of role rep that goal g is asked of: its
 * filter's rep (a member id) and team (a group id or name) when it has
 * them, else every rep (the rule of check's capacity test). */
static size_t plan_reps(const sp_plan *p, const sp_goal *g)
{
    const char *rep = NULL, *team = NULL;
    for (size_t i = 0; i < g->filter.n; i++) {
        if (g->filter.kv[i].dim == DIM_REP) rep = g->filter.kv[i].value;
        if (g->filter.kv[i].dim == DIM_TEAM) team = g->filter.kv[i].value;
    }
    size_t n = 0;
    for (size_t gi = 0; gi < p->ngroups; gi++) {
        const sp_group *gr = &p->groups[gi];
        if (team && !str_eq(gr->id, team) && !str_eq(gr->name, team)) continue;
        for (size_t mi = 0; mi < gr->nmembers; mi++)
            if (gr->members[mi].role == ROLE_REP && (!rep || str_eq(gr->members[mi].id, rep))) n++;
    }
    return n;
}

/* plan_per_month: the plan's top-level goals of metric m, per month (per:
 * month targets as is, others divided by their months; visits_per_rep,
 * a monthly rate already, hundredths × the reps it is asked of); goals that support root_id are preferred
 * when any does. Returns false when the plan has none. */
static bool plan_per_month(const sp_plan *p, sp_metric m, const char *root_id, double *out)
{
    bool any_support = false, found = false;
    for (size_t i = 0; i < p->ngoals; i++) {
        const sp_goal *g = &p->goals[i];
        if (g->metric != m) continue;
        for (size_t k = 0; k < g->nsupports; k++)
            if (str_eq(g->supports[k], root_id)) any_support = true;
    }
    *out = 0;
    for (size_t i = 0; i < p->ngoals; i++) {
        const sp_goal *g = &p->goals[i];
        if (g->metric != m) continue;
        bool sup = false;
        for (size_t k = 0; k < g->nsupports; k++)
            if (str_eq(g->supports[k], root_id)) sup = true;
        if (any_support && !sup) continue;
        double months = pace_months_in(g->period);
        double v = (double)g->target;
        if (m == MET_VISITS_PER_REP) {
            /* already a rate per rep and month (hundredths): never spread
             * over the period's months; × the reps it is asked of */
            v = v / 100.0 * (double)plan_reps(p, g);
        } else if (!g->per_month && months > 0) {
            v /= months; /* a target over the period: its monthly share */
        }
        *out += v;
        found = true;
    }
    return found;
}

/* visit_capacity: Σ visits_per_month of the plan's reps (8 when unstated). */
static double visit_capacity(const sp_plan *p)
{
    double c = 0;
    for (size_t gi = 0; gi < p->ngroups; gi++)
        for (size_t mi = 0; mi < p->groups[gi].nmembers; mi++) {
            const sp_member *m = &p->groups[gi].members[mi];
            if (m->role != ROLE_REP) continue;
            c += m->has_visits_capacity ? (double)m->visits_per_month : DEFAULT_VISITS_PER_MONTH;
        }
    return c;
}

bool funnel_gather(const sp_plan *plan, const sp_dataset *ds, const sp_goal *g, sp_day as_of,
                   const sp_tier_level *tiers, size_t ntiers, sp_funnel_in *in, sp_err *err)
{
    funnel_queries fq;
    queries_init(&fq, g, as_of, tiers, ntiers);
    sp_kpi_value val[FQ_COUNT];
    memset(val, 0, sizeof val);
    bool ok = true;
    /* the deal questions in one pass over the deals (kpi_compute_jobs, the
     * same values); the others, and any it cannot answer, one by one */
    sp_kpi_job jobs[FQ_COUNT];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < FQ_COUNT; i++) jobs[i].q = fq.q[i];
    kpi_compute_jobs(ds, jobs, FQ_COUNT);
    for (int i = 0; i < FQ_COUNT && ok; i++) {
        if (jobs[i].done) {
            val[i] = jobs[i].value;
            continue;
        }
        sp_kpi_result r;
        memset(&r, 0, sizeof r);
        ok = kpi_compute(ds, &fq.q[i], &r, err);
        if (ok) val[i] = r.total;
        kpi_result_free(&r);
    }
    queries_free(&fq);
    if (!ok) return false;

    memset(in, 0, sizeof *in);
    in->target = g->target;
    in->actual = as_of < g->period.first ? 0 : val[FQ_ACTUAL].ival;
    if (as_of > g->period.last) in->months_left = 0;
    else if (as_of < g->period.first) in->months_left = pace_months_in(g->period);
    else {
        sp_period rest = {as_of + 1, g->period.last};
        in->months_left = rest.first <= rest.last ? pace_months_in(rest) : 0;
        if (in->months_left < 1) in->months_left = 1;
    }
    in->won_deals = val[FQ_WON].ival;
    in->won_amount = val[FQ_WON_AMOUNT].ival;
    int64_t closed = (int64_t)val[FQ_WIN_RATE].den;
    in->lost_deals = closed - (int64_t)val[FQ_WIN_RATE].num;
    if (in->lost_deals < 0) in->lost_deals = 0;
    in->leads = val[FQ_LEADS].ival;
    in->leads_with_opp = val[FQ_CONVERSION].null ? 0 : (int64_t)val[FQ_CONVERSION].num;
    in->qualified_leads = val[FQ_QUALIFIED].ival;
    in->visits = val[FQ_VISITS].ival;
    const char *root_id = g->id;
    for (const sp_goal *r = g; r; r = r->parent) root_id = r->id;
    in->has_qualified_goal = plan_per_month(plan, MET_QUALIFIED_LEADS, root_id, &in->qualified_goal);
    double v1 = 0, v2 = 0;
    bool h1 = plan_per_month(plan, MET_VISITS, root_id, &v1);
    bool h2 = plan_per_month(plan, MET_VISITS_PER_REP, root_id, &v2);
    in->has_visits_goal = h1 || h2;
    in->visits_goal = v1 + v2;
    in->visit_capacity = visit_capacity(plan);
    return true;
}

/* ---- the shared text of the funnel ---- */

void funnel_rows(const sp_funnel_in *in, const sp_funnel_out *o, sp_funnel_row *rows)
{
    const sp_funnel_row r[FUNNEL_NROWS] = {
        {N_("deals won"), o->has_deals, false, false, false, o->deals, 0, 0},
        {N_("opportunities closed"), o->has_opportunities, false, false, false, o->opportunities, 0, 0},
        {N_("leads"), o->has_leads, false, false, false, o->leads, 0, 0},
        {N_("qualified leads"), o->has_qualified, in->has_qualified_goal, o->has_qualified_gap, false,
         o->qualified_leads, in->qualified_goal, o->qualified_gap},
        {N_("visits"), o->has_visits, in->has_visits_goal, o->has_visits_gap, false, o->visits, in->visits_goal,
         o->visits_gap},
        {N_("visit capacity"), true, false, o->has_capacity_gap, true, in->visit_capacity, 0, o->capacity_gap},
    };
    memcpy(rows, r, sizeof r);
}

void funnel_summary(const sp_funnel_in *in, const sp_funnel_out *o, buf_t *out)
{
    char a[48], b[48], c[48];
    buf_printf(out, _("target %s, actual %s, remaining %s over %.1f months\n"), money_format_grouped(in->target, a),
               money_format_grouped(in->actual, b), money_format_grouped(o->remaining, c), o->months_left);
}

void funnel_notes(const sp_funnel_out *o, buf_t *out)
{
    if (o->has_qualified_gap && o->qualified_gap > 0)
        buf_printf(out, _("the plan asks for %.1f fewer qualified leads a month than the funnel needs\n"),
                   o->qualified_gap);
    if (o->has_capacity_gap && o->capacity_gap > 0)
        buf_printf(out, _("the visits needed exceed the team's capacity by %.1f a month\n"), o->capacity_gap);
    for (unsigned f = 1; f <= FUNNEL_PERIOD_OVER; f <<= 1)
        if (o->missing & f) buf_printf(out, "%s\n", _(funnel_missing_text(f)));
}

/* ---- arithmetic ---- */

static void funnel_chain(const sp_funnel_in *in, sp_funnel_out *out);

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
    sp_money rem;
    if (__builtin_sub_overflow(in->target, in->actual, &rem)) rem = in->actual < 0 ? INT64_MAX : 0;
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
        if (r >= in->won_deals - r) q += in->won_amount < 0 ? -1 : 1;
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

    funnel_chain(in, out);
}

/* funnel_chain: the needs per month and the gaps from out's remaining,
 * months and rates (and missing flags), as funnel_compute describes. */
static void funnel_chain(const sp_funnel_in *in, sp_funnel_out *out)
{
    double months = out->months_left;
    out->has_deals = out->has_opportunities = out->has_leads = out->has_qualified = out->has_visits = false;
    out->has_qualified_gap = out->has_visits_gap = out->has_capacity_gap = false;
    out->deals = out->opportunities = out->leads = out->qualified_leads = out->visits = 0;
    out->qualified_gap = out->visits_gap = out->capacity_gap = 0;
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

/* ---- what-if ---- */

static const char *const rate_names[FRATE_COUNT] = {"win_rate", "avg_deal_size", "lead_conversion_rate"};

const char *funnel_rate_name(sp_funnel_rate r) { return (unsigned)r < FRATE_COUNT ? rate_names[r] : "?"; }

/* ends_with: whether s ends with suffix; *len is then s's length without it. */
static bool ends_with(const char *s, const char *suffix, size_t *len)
{
    size_t n = strlen(s), k = strlen(suffix);
    if (n < k || strcmp(s + n - k, suffix) != 0) return false;
    *len = n - k;
    return true;
}

bool funnel_whatif_add(sp_funnel_whatif *w, const char *text, sp_err *err)
{
    const char *eq = strchr(text, '=');
    if (!eq) {
        err_set(err, SP_EUSAGE, _("--what-if '%s': expected RATE=CHANGE (e.g. win_rate=+5pp)"), text);
        return false;
    }
    int r = -1;
    for (int i = 0; i < FRATE_COUNT; i++)
        if (strlen(rate_names[i]) == (size_t)(eq - text) && strncmp(text, rate_names[i], (size_t)(eq - text)) == 0) r = i;
    if (r < 0) {
        err_set(err, SP_EUSAGE, _("--what-if '%s': unknown rate (rates: win_rate, avg_deal_size, lead_conversion_rate)"),
                text);
        return false;
    }
    if (w->set[r]) {
        err_set(err, SP_EUSAGE, _("--what-if: %s is changed twice ('%s' and '%s')"), rate_names[r], w->text[r], eq + 1);
        return false;
    }
    const char *v = eq + 1;
    bool ratio = r != FRATE_AVG_DEAL_SIZE, signed_ = *v == '+' || *v == '-';
    size_t len;
    char num[64];
    const char *why = NULL;
    sp_whatif_kind kind;
    int64_t value;
    bool ok;
    if (signed_ && ends_with(v, "pp", &len)) {
        /* percentage points: "+5pp" = +5 % of one */
        if (!ratio || len + 2 > sizeof num) {
            err_set(err, SP_EUSAGE, _("--what-if '%s': percentage points (pp) apply to a rate, not to an amount"),
                    text);
            return false;
        }
        memcpy(num, v, len);
        num[len] = '%';
        num[len + 1] = '\0';
        kind = WHATIF_PP;
        ok = ratio_parse(num, &value, &why);
    } else if (signed_ && ends_with(v, "%", &len)) {
        kind = WHATIF_REL;
        ok = ratio_parse(v, &value, &why);
    } else if (signed_) {
        err_set(err, SP_EUSAGE,
                _("--what-if '%s': a change needs a unit: +5pp (points) or +10%% (relative); without a sign the "
                  "value is the new rate"),
                text);
        return false;
    } else {
        kind = WHATIF_ABS;
        ok = ratio ? ratio_parse(v, &value, &why) : money_parse(v, &value, &why);
    }
    if (!ok) {
        err_set(err, SP_EUSAGE, _("--what-if '%s': %s"), text, _(why));
        return false;
    }
    if (kind == WHATIF_ABS && (ratio ? (value < 0 || value > SP_RATIO_ONE) : value <= 0)) {
        err_set(err, SP_EUSAGE,
                ratio ? _("--what-if '%s': a rate lies between 0%% and 100%%") : _("--what-if '%s': the average deal size must be above 0"),
                text);
        return false;
    }
    w->set[r] = true;
    w->kind[r] = kind;
    w->value[r] = value;
    w->text[r] = v;
    w->n++;
    return true;
}

/* whatif_ratio: a ratio changed by kind/value; false when it leaves [0, 1]. */
static bool whatif_ratio(double cur, sp_whatif_kind kind, int64_t value, double *out)
{
    double v = (double)value / SP_RATIO_ONE;
    double x = kind == WHATIF_ABS ? v : kind == WHATIF_PP ? cur + v : cur * (1.0 + v);
    if (!(x >= -1e-12 && x <= 1.0 + 1e-12)) return false;
    *out = x < 0 ? 0 : x > 1 ? 1 : x;
    return true;
}

bool funnel_whatif(const sp_funnel_in *in, const sp_funnel_out *cur, const sp_funnel_whatif *w, sp_funnel_out *out,
                   sp_err *err)
{
    *out = *cur;
    char b[48];
    if (w->set[FRATE_AVG_DEAL_SIZE]) {
        int64_t v = w->value[FRATE_AVG_DEAL_SIZE];
        if (w->kind[FRATE_AVG_DEAL_SIZE] == WHATIF_ABS) {
            out->avg_deal_size = v;
            out->missing &= ~(unsigned)FUNNEL_NO_WON;
        } else if (!(cur->missing & FUNNEL_NO_WON)) {
            /* avg × (10^6 + v) / 10^6, rounded half away from zero, checked */
            __int128 p = (__int128)cur->avg_deal_size * (SP_RATIO_ONE + v);
            __int128 q = p / SP_RATIO_ONE, r = p % SP_RATIO_ONE;
            if (r < 0) r = -r;
            if (2 * r >= SP_RATIO_ONE) q += p < 0 ? -1 : 1;
            if (q > INT64_MAX || q <= 0) {
                err_set(err, SP_EINVAL, _("what-if: %s %s gives an average deal size out of range"),
                        rate_names[FRATE_AVG_DEAL_SIZE], w->text[FRATE_AVG_DEAL_SIZE]);
                return false;
            }
            out->avg_deal_size = (sp_money)q;
        }
    }
    static const sp_funnel_rate ratios[2] = {FRATE_WIN_RATE, FRATE_LEAD_CONVERSION};
    for (int k = 0; k < 2; k++) {
        sp_funnel_rate r = ratios[k];
        if (!w->set[r]) continue;
        unsigned flag = r == FRATE_WIN_RATE ? FUNNEL_NO_CLOSED : (FUNNEL_NO_LEADS | FUNNEL_NO_CONVERSION);
        double *rate = r == FRATE_WIN_RATE ? &out->win_rate : &out->conversion;
        if ((cur->missing & flag) && w->kind[r] != WHATIF_ABS) continue; /* nothing to change */
        if (!whatif_ratio((cur->missing & flag) ? 0 : *rate, w->kind[r], w->value[r], rate)) {
            err_set(err, SP_EINVAL, _("what-if: %s %s leaves the range 0%%..100%% (now %s%%)"), rate_names[r],
                    w->text[r], qty_decimal(qty_make((int64_t)llround(*rate * 1e6), 10000), 1, 1, false, b));
            return false;
        }
        if (w->kind[r] == WHATIF_ABS) out->missing &= ~flag;
        /* no lead becomes an opportunity: no lead count can be derived */
        if (r == FRATE_LEAD_CONVERSION && *rate <= 0) out->missing |= FUNNEL_NO_CONVERSION;
    }
    funnel_chain(in, out);
    return true;
}

/*
 * report.c — the review pack of a period (SPEC §10): gathering and
 * rendering. Nothing after the period's last day is counted: the as-of
 * date is capped there.
 *
 * Owns: one dataset load covering every section, the calls into the core
 * engines (pace for goal status, metrics for the team breakdown, the
 * monthly revenue line and T12M tiers, funnel, alerts, budget), the task
 * and review records from the store, and two renderings of the same
 * gathered data: Markdown (pipe tables) and a self-contained HTML page
 * (inline CSS, SVG charts drawn here, no scripts, no outside references).
 * Money is printed from integer fen; doubles only place SVG shapes.
 * Every text that reaches HTML goes through html_escape().
 */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alerts.h"
#include "../core/budget.h"
#include "../core/funnel.h"
#include "../core/metrics.h"
#include "../core/pace.h"
#include "../core/tracking.h"
#include "../util/i18n.h"
#include "xlsx_write.h"

/* ---- escaping ---- */

void html_escape(buf_t *out, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&': buf_puts(out, "&amp;"); break;
        case '<': buf_puts(out, "&lt;"); break;
        case '>': buf_puts(out, "&gt;"); break;
        case '"': buf_puts(out, "&quot;"); break;
        case '\'': buf_puts(out, "&#39;"); break;
        default: buf_putc(out, *p);
        }
    }
}

void md_cell(buf_t *out, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '|': buf_puts(out, "\\|"); break;
        case '<': buf_puts(out, "\\<"); break; /* no raw HTML when rendered */
        case '\\': buf_puts(out, "\\\\"); break;
        case '\r': break;
        case '\n': buf_putc(out, ' '); break;
        default: buf_putc(out, *p);
        }
    }
}

/* ---- number text ---- */

/* pct_of: part / whole as a percentage with one decimal ("—" when whole is 0). */
static void pct_of(int64_t part, int64_t whole, buf_t *out)
{
    if (whole == 0) buf_puts(out, "—");
    else qty_pct_display(qty_make(part, whole), out);
}

/* money_display: an amount for the reader: in Chinese, 万 from 1万 up
 * ("4,036万", "4,520.55万"); else yuan with cents. */
static void money_display(sp_money m, buf_t *out)
{
    char b[48];
    bool wan = i18n_lang() == LANG_ZH && (m >= 1000000 || m <= -1000000);
    buf_puts(out, wan ? money_shown(m, MONEY_WAN, b) : money_format_grouped(m, b));
}

/* qty_shown: qty_display, with money as money_display. */
static void qty_shown(sp_unit u, sp_qty q, buf_t *out)
{
    if (u == UNIT_MONEY && !q.null) money_display(qty_round(q), out);
    else qty_display(u, q, out);
}

static double qty_double(sp_qty q) { return q.null || q.den == 0 ? 0.0 : (double)q.num / (double)q.den; }

/* ---- labels ---- */

static const char *const alert_labels[ALERT_KIND_COUNT] = {
    N_("stale follow-ups"), N_("overdue tasks"), N_("goals off pace"), N_("budget overruns"),
    N_("strategic reviews due"),
};

static const char *const task_labels[TASK_STATUS_COUNT] = {N_("to do"), N_("doing"), N_("done"), N_("blocked")};

/* ---- gathered data ---- */

typedef struct team_row {
    const char *team;                /* borrowed from a kpi result pool; "" = none */
    sp_money revenue;
    int64_t deals;
} team_row;

typedef struct month_pt {
    sp_day first, upto;              /* the month's first day, its last counted day */
    sp_money actual, cum_actual, cum_target;
} month_pt;

typedef struct tier_line {
    const char *id, *name;           /* NULL id: customers in no tier */
    size_t customers;
    sp_money t12m;
} tier_line;

typedef struct overdue_task {
    const sp_task *task;
    sp_task_status status;
    int progress;
    int32_t days;
} overdue_task;

/* A goal's own figures in the pack's period P (P ∩ the goal's period). */
typedef struct goal_in_p goal_in_p;

/* One rep's week: leads created and visits in P and in the week before,
 * and the rep's stale follow-ups as of D (stalest first). */
typedef struct week_rep {
    const char *rep, *name, *team;   /* borrowed from the dataset */
    int64_t leads, leads_prev, visits, visits_prev;
    size_t nstale;
    const sp_alert **stale;          /* borrowed from the alerts result */
} week_rep;

/* The sections a weekly pack (P one ISO week, Monday..Sunday) adds. */
typedef struct week_data {
    bool on;
    sp_period prev;                  /* the week before P */
    sp_day prev_as_of;               /* its figures as of min(D, its last day): the whole week */
    goal_in_p *goals_prev;           /* per goal: the week before's figures */
    size_t *won, *created, *lost;    /* deal rows, largest amount first */
    size_t nwon, ncreated, nlost;
    sp_money won_sum, created_sum, lost_sum;
    week_rep *reps;
    size_t nreps;
    const sp_task **next;            /* tasks not done due in the week after P */
    sp_task_status *next_status;
    size_t nnext;
} week_data;

struct goal_in_p {
    bool in;                         /* P and the goal's period overlap */
    sp_qty target, actual, attainment;
};

typedef struct report_data {
    const sp_plan *plan;
    const sp_report_opts *o;         /* as_of already capped at the period's end */
    sp_goal_pace *goals;             /* to date: the goal's period up to as-of */
    size_t ngoals;
    goal_in_p *goals_p;              /* per goal: P's own figures */
    sp_kpi_result spend_p;           /* spend in P by category */
    sp_kpi_result team_rev, team_deals;
    team_row *teams;
    size_t nteams;
    sp_money teams_revenue;
    int64_t teams_deals;
    const sp_goal *rev_goal;         /* the first top-level revenue goal, or NULL */
    sp_funnel_in fin;
    sp_funnel_out fout;
    month_pt *months;
    size_t nmonths;                  /* months of the revenue goal's period started by as-of */
    size_t nmonths_all;              /* every month of its period */
    tier_line *tiers;
    size_t ntiers;
    size_t customers;
    sp_money t12m_total;
    sp_alerts_result alerts;
    overdue_task *overdue;
    size_t noverdue;
    sp_budget_report budget;
    sp_review *reviews;
    size_t nreviews;
    sp_dataset *ds;                  /* kept: results borrow its strings */
    week_data wk;                    /* the weekly pack's sections (wk.on) */
} report_data;

static void data_free(report_data *d)
{
    goal_paces_free(d->goals, d->ngoals);
    free(d->goals_p);
    kpi_result_free(&d->spend_p);
    kpi_result_free(&d->team_rev);
    kpi_result_free(&d->team_deals);
    free(d->teams);
    free(d->months);
    free(d->tiers);
    alerts_result_free(&d->alerts);
    free(d->overdue);
    budget_report_free(&d->budget);
    reviews_free(d->reviews, d->nreviews);
    free(d->wk.goals_prev);
    free(d->wk.won);
    free(d->wk.created);
    free(d->wk.lost);
    for (size_t i = 0; i < d->wk.nreps; i++) free(d->wk.reps[i].stale);
    free(d->wk.reps);
    free(d->wk.next);
    free(d->wk.next_status);
    dataset_free(d->ds);
}

/* ---- gathering helpers ---- */

static const char *goal_owner(const sp_goal *g)
{
    for (; g; g = g->parent)
        if (g->owner) return g->owner;
    return NULL;
}

/* The queries the pack runs through the metric engine (besides pace and
 * the funnel). */
typedef struct report_queries {
    sp_kpi_query team_rev, team_deals, monthly, spend_p;
    sp_filter mfilt;
} report_queries;

static void queries_free(report_queries *q) { free(q->mfilt.kv); }

/* queries_init: fills every query for plan, period and as-of; tiers are the
 * levels in force. */
static void queries_init(report_queries *q, const report_data *d, const sp_tier_level *tiers, size_t ntiers)
{
    const sp_report_opts *o = d->o;
    memset(q, 0, sizeof *q);
    sp_kpi_query *t[2] = {&q->team_rev, &q->team_deals};
    for (int i = 0; i < 2; i++) {
        t[i]->metric = i == 0 ? MET_REVENUE : MET_DEALS_WON;
        t[i]->period = o->period;
        t[i]->period_text = o->period_text;
        t[i]->as_of = o->as_of;
        t[i]->by[0] = BY_TEAM;
        t[i]->nby = 1;
        t[i]->tiers = tiers;
        t[i]->ntiers = ntiers;
    }
    q->spend_p.metric = MET_SPEND;
    q->spend_p.period = o->period;
    q->spend_p.period_text = o->period_text;
    q->spend_p.as_of = o->as_of;
    q->spend_p.by[0] = BY_CATEGORY;
    q->spend_p.nby = 1;
    q->spend_p.tiers = tiers;
    q->spend_p.ntiers = ntiers;
    const sp_goal *g = d->rev_goal;
    if (!g) return;
    q->monthly.metric = MET_REVENUE;
    q->monthly.period = g->period;
    q->monthly.period_text = g->period_text;
    q->monthly.as_of = o->as_of;
    funnel_goal_filter(&g->filter, MET_REVENUE, g->period, o->as_of, &q->mfilt);
    q->monthly.where = q->mfilt;
    q->monthly.by[0] = BY_MONTH;
    q->monthly.nby = 1;
    q->monthly.tiers = tiers;
    q->monthly.ntiers = ntiers;
}

static void spec_add_query(sp_load_spec *spec, const sp_kpi_query *q)
{
    sp_load_spec s;
    kpi_load_spec(q, &s);
    pace_spec_union(spec, &s);
}

static int team_cmp(const void *a, const void *b)
{
    const char *x = ((const team_row *)a)->team, *y = ((const team_row *)b)->team;
    x = x ? x : "";
    y = y ? y : "";
    if (!*x || !*y) return (*x == 0) - (*y == 0);   /* no team last */
    return strcmp(x, y);
}

/* gather_teams: merges the revenue and deals_won rows by team into d->teams,
 * adds the reps' teams without a deal (zeros) and sorts by team (none last). */
static void gather_teams(report_data *d, const sp_dataset *ds)
{
    size_t cap = size_add(d->team_rev.nrows + d->team_deals.nrows, ds->reps.n);
    d->teams = xcalloc(cap ? cap : 1, sizeof *d->teams);
    for (size_t i = 0; i < d->team_rev.nrows; i++) {
        team_row *t = &d->teams[d->nteams++];
        t->team = d->team_rev.rows[i].key[0];
        t->revenue = d->team_rev.rows[i].value.ival;
    }
    for (size_t i = 0; i < d->team_deals.nrows; i++) {
        const char *k = d->team_deals.rows[i].key[0];
        size_t j = 0;
        while (j < d->nteams && !str_eq(d->teams[j].team ? d->teams[j].team : "", k ? k : "")) j++;
        if (j == d->nteams) d->teams[d->nteams++].team = k;
        d->teams[j].deals = d->team_deals.rows[i].value.ival;
    }
    for (size_t i = 0; i < ds->reps.n; i++) {
        const char *k = ds->rep_rows[i].team;
        if (!k || !*k) continue;
        size_t j = 0;
        while (j < d->nteams && !str_eq(d->teams[j].team, k)) j++;
        if (j == d->nteams) d->teams[d->nteams++].team = k;
    }
    qsort(d->teams, d->nteams, sizeof *d->teams, team_cmp);
    d->teams_revenue = d->team_rev.total.ival;
    d->teams_deals = d->team_deals.total.ival;
}

/* mul_div_round: a × b / c rounded half away from zero (c > 0). */
static int64_t mul_div_round(int64_t a, int64_t b, int64_t c)
{
    __int128 n = (__int128)a * b;
    __int128 q = n / c, r = n % c;
    if (r < 0) r = -r;
    if (2 * r >= c) q += n < 0 ? -1 : 1;
    return (int64_t)q;
}

/* gather_months: the revenue goal's months started by as-of, with the
 * month's actual, the cumulative actual and the cumulative linear target
 * up to the month's last counted day (the as-of date in the current month).
 * false when the cumulative actual leaves the int64 range. */
static bool gather_months(report_data *d, const sp_kpi_result *mr)
{
    const sp_goal *g = d->rev_goal;
    sp_day as_of = d->o->as_of;
    size_t all = 0;
    for (sp_day m = g->period.first; m <= g->period.last; m = grain_bucket(GRAIN_MONTH, m).last + 1) all++;
    d->nmonths_all = all;
    d->months = xcalloc(all ? all : 1, sizeof *d->months);
    sp_money cum = 0;
    for (sp_day m = g->period.first; m <= g->period.last && m <= as_of; m = grain_bucket(GRAIN_MONTH, m).last + 1) {
        month_pt *pt = &d->months[d->nmonths++];
        sp_period b = grain_bucket(GRAIN_MONTH, m);
        pt->first = m;
        pt->upto = b.last < g->period.last ? b.last : g->period.last;
        if (pt->upto > as_of) pt->upto = as_of;
        char lab[16];
        grain_label(GRAIN_MONTH, m, lab);
        for (size_t i = 0; i < mr->nrows; i++)
            if (mr->rows[i].key[0] && strcmp(mr->rows[i].key[0], lab) == 0) pt->actual = mr->rows[i].value.ival;
        if (__builtin_add_overflow(cum, pt->actual, &cum)) return false;
        pt->cum_actual = cum;
        sp_weight w = pace_linear_weight(g->period, pt->upto);
        pt->cum_target = w.den > 0 ? mul_div_round(g->target, w.num, w.den) : 0;
    }
    return true;
}

/* gather_tiers: customers and T12M revenue per tier level as of D, from
 * tiers_compute (the customers that exist on D); false when a sum leaves
 * the int64 range. */
static bool gather_tiers(report_data *d, const sp_dataset *ds, const sp_tier_level *levels, size_t nlevels)
{
    sp_tiers_report tr;
    tiers_compute(ds, levels, nlevels, NULL, d->o->as_of, SP_DAY_NONE, &tr);
    bool ok = !tr.overflow;
    d->tiers = xcalloc(nlevels + 1, sizeof *d->tiers);
    d->ntiers = tr.nrows;
    for (size_t i = 0; i < tr.nrows && i <= nlevels; i++) {
        d->tiers[i].id = tr.rows[i].tier;
        d->tiers[i].customers = tr.rows[i].customers;
        d->tiers[i].t12m = tr.rows[i].t12m;
        for (size_t k = 0; tr.rows[i].tier && k < d->plan->ntiers; k++)
            if (str_eq(d->plan->tiers[k].id, tr.rows[i].tier)) d->tiers[i].name = d->plan->tiers[k].name;
    }
    d->customers = tr.customers;
    d->t12m_total = tr.t12m_total;
    tiers_report_free(&tr);
    return ok;
}

/* goals_in_period: the own figures of every goal in P (P ∩ the goal's
 * period as of as_of) into out (one per goal, zeroed): the actual there, and the target of that part: the whole target
 * for metrics that do not add up (ratios, averages, manual actuals); for
 * additive `per: month` goals the target for each month P covers whole
 * and its day share for a month P covers in part (a week); for other
 * additive goals the linear share T × days(P ∩ period) / days(period).
 * false with err on an engine error or an overflow. */
static bool goals_in_period(const report_data *d, const sp_pace_ctx *ctx, sp_period P, sp_day as_of, goal_in_p *out,
                            sp_err *err)
{
    for (size_t i = 0; i < d->ngoals; i++) {
        const sp_goal *g = d->goals[i].goal;
        goal_in_p *gp = &out[i];
        sp_period x = {P.first > g->period.first ? P.first : g->period.first,
                       P.last < g->period.last ? P.last : g->period.last};
        if (x.first > x.last) continue;
        gp->in = true;
        bool additive = g->metric != MET_MANUAL && sp_metrics[g->metric].additive;
        if (!additive) {
            gp->target = qty_int(g->target);
        } else if (g->per_month) {
            /* T for each month x covers whole, its day share of T for a
             * month x covers in part (a week): Σ T × days(x ∩ m) / days(m) */
            __int128 num = 0, den = 1;
            for (sp_day m = x.first; m <= x.last; m = grain_bucket(GRAIN_MONTH, m).last + 1) {
                sp_period mb = grain_bucket(GRAIN_MONTH, m);
                int64_t in = (int64_t)(mb.last < x.last ? mb.last : x.last) - m + 1, all = period_days(mb);
                if (in == all) num += (__int128)g->target * den;
                else {
                    num = num * all + (__int128)g->target * in * den;
                    den *= all;
                }
                if (num > INT64_MAX || num < INT64_MIN || den > INT64_MAX) goto overflow;
            }
            gp->target = qty_make((int64_t)num, (int64_t)den);
        } else {
            int64_t days = (int64_t)x.last - x.first + 1, all = (int64_t)g->period.last - g->period.first + 1, num;
            gp->target = __builtin_mul_overflow(g->target, days, &num) ? qty_int(mul_div_round(g->target, days, all))
                                                                       : qty_make(num, all);
        }
        if (!pace_goal_actual(ctx, g, x, as_of, &gp->actual, err)) return false;
        gp->attainment = qty_ratio(gp->actual, gp->target);
        if (!gp->actual.null && !gp->target.null && gp->target.num != 0 && gp->attainment.null) goto overflow;
        continue;
    overflow:
        err_set(err, SP_EINVAL, _("goal %s (%s): the pace is beyond the range of amounts (±92,233,720,368,547,758.07)"),
                g->id, g->metric == MET_MANUAL ? "manual" : sp_metrics[g->metric].name);
        return false;
    }
    return true;
}

static bool gather_goals_p(report_data *d, const sp_pace_ctx *ctx, sp_err *err)
{
    d->goals_p = xcalloc(d->ngoals ? d->ngoals : 1, sizeof *d->goals_p);
    return goals_in_period(d, ctx, d->o->period, d->o->as_of, d->goals_p, err);
}

static int overdue_cmp(const void *a, const void *b)
{
    const overdue_task *x = a, *y = b;
    if (x->days != y->days) return x->days > y->days ? -1 : 1;
    return strcmp(x->task->id, y->task->id);
}

/* gather_overdue: tasks not done with due < D, most overdue first. */
static void gather_overdue(report_data *d, const sp_task_state *states, size_t nstates)
{
    const sp_plan *p = d->plan;
    d->overdue = xcalloc(p->ntasks ? p->ntasks : 1, sizeof *d->overdue);
    for (size_t i = 0; i < p->ntasks; i++) {
        const sp_task *t = &p->tasks[i];
        sp_task_status s = TASK_TODO;
        int progress = 0;
        for (size_t k = 0; k < nstates; k++)
            if (str_eq(states[k].task_id, t->id)) {
                s = states[k].status;
                progress = states[k].progress;
            }
        if (s == TASK_DONE || t->due == SP_DAY_NONE || t->due >= d->o->as_of) continue;
        overdue_task *ov = &d->overdue[d->noverdue++];
        ov->task = t;
        ov->status = s;
        ov->progress = progress;
        ov->days = d->o->as_of - t->due;
    }
    qsort(d->overdue, d->noverdue, sizeof *d->overdue, overdue_cmp);
}

/* ---- the weekly pack ---- */

/* is_week: P is one ISO week (Monday..Sunday). */
static bool is_week(sp_period p) { return period_days(p) == 7 && day_weekday(p.first) == 1; }

typedef struct deal_pick {
    size_t row;
    sp_money amount;
} deal_pick;

static int deal_pick_cmp(const void *a, const void *b)
{
    const deal_pick *x = a, *y = b;
    if (x->amount != y->amount) return x->amount > y->amount ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* pick_sorted: the rows of picks (n) into a new array, largest first. */
static size_t *pick_sorted(deal_pick *picks, size_t n)
{
    qsort(picks, n, sizeof *picks, deal_pick_cmp);
    size_t *rows = xcalloc(n ? n : 1, sizeof *rows);
    for (size_t i = 0; i < n; i++) rows[i] = picks[i].row;
    return rows;
}

static int week_rep_id_cmp(const void *a, const void *b)
{
    return strcmp(((const week_rep *)a)->rep, ((const week_rep *)b)->rep);
}

static week_rep *week_rep_find(week_data *w, const char *id)
{
    if (!id || !w->nreps) return NULL;
    week_rep key = {.rep = id};
    return bsearch(&key, w->reps, w->nreps, sizeof *w->reps, week_rep_id_cmp);
}

/* rep_label: a rep's name (its id when it has none or is unknown). */
static const char *rep_label(const sp_dataset *ds, const char *id)
{
    if (!id || !*id) return "—";
    for (size_t i = 0; i < ds->reps.n; i++)
        if (str_eq(ds->rep_rows[i].id, id)) return ds->rep_rows[i].name && *ds->rep_rows[i].name ? ds->rep_rows[i].name : id;
    return id;
}

/* customer_label: a customer's name (its id when it has none or is unknown). */
static const char *customer_label(const sp_dataset *ds, const char *id)
{
    if (!id || !*id) return "—";
    sp_str code = dataset_code(ds, id);
    if (!code) return id;
    size_t r = dataset_customer_row(ds, ds_str(ds, code));
    if (r == SP_NOROW) return id;
    sp_customer c = customer_at(ds, r);
    return c.name && *c.name ? c.name : id;
}

typedef struct week_queries {
    sp_kpi_query q[4];               /* leads P, leads prev, visits P, visits prev: by rep */
} week_queries;

static void week_queries_init(week_queries *wq, const report_data *d, const sp_period prev, sp_day prev_as_of,
                              const sp_tier_level *tiers, size_t ntiers)
{
    memset(wq, 0, sizeof *wq);
    for (int i = 0; i < 4; i++) {
        sp_kpi_query *q = &wq->q[i];
        q->metric = i < 2 ? MET_LEADS : MET_VISITS;
        bool cur = i % 2 == 0;
        q->period = cur ? d->o->period : prev;
        q->as_of = cur ? d->o->as_of : prev_as_of;
        q->by[0] = BY_REP;
        q->nby = 1;
        q->tiers = tiers;
        q->ntiers = ntiers;
    }
}

/* week_count_into: adds the per-rep counts of res into the reps' field at
 * offset off (reps unknown to the dataset are added to it). */
static void week_count_into(week_data *w, const sp_kpi_result *res, size_t off)
{
    for (size_t i = 0; i < res->nrows; i++) {
        week_rep *r = week_rep_find(w, res->rows[i].key[0]);
        if (r) *(int64_t *)((char *)r + off) = res->rows[i].value.ival;
    }
}

/* shown by team (none last), then name, then id */
static int week_rep_show_cmp(const void *a, const void *b)
{
    const week_rep *x = a, *y = b;
    const char *tx = x->team ? x->team : "", *ty = y->team ? y->team : "";
    if (!*tx != !*ty) return *tx ? -1 : 1;
    int c = strcmp(tx, ty);
    if (c) return c;
    c = strcmp(x->name ? x->name : x->rep, y->name ? y->name : y->rep);
    return c ? c : strcmp(x->rep, y->rep);
}

/* gather_week: the weekly pack's own sections (P is an ISO week):
 * the week before's goal figures, the deals won, created and lost in P,
 * leads and visits per rep in P and the week before, each rep's stale
 * follow-ups (from the alerts) and the tasks due in the week after P. */
static bool gather_week(report_data *d, const sp_pace_ctx *ctx, const week_queries *wq,
                        const sp_task_state *states, size_t nstates, sp_err *err)
{
    week_data *w = &d->wk;
    const sp_dataset *ds = d->ds;
    sp_period P = d->o->period;
    sp_day D = d->o->as_of;
    /* 1. the whole week before (as of min(D, its last day)) */
    w->goals_prev = xcalloc(d->ngoals ? d->ngoals : 1, sizeof *w->goals_prev);
    if (!goals_in_period(d, ctx, w->prev, w->prev_as_of, w->goals_prev, err)) return false;
    /* 2. deals of P, known by D */
    deal_pick *won = xcalloc(ds->deals.n ? ds->deals.n : 1, sizeof *won);
    deal_pick *created = xcalloc(ds->deals.n ? ds->deals.n : 1, sizeof *created);
    deal_pick *lost = xcalloc(ds->deals.n ? ds->deals.n : 1, sizeof *lost);
    bool over = false;
    for (size_t i = 0; i < ds->deals.n; i++) {
        sp_deal x = deal_at(ds, i);
        if (x.created_on != SP_DAY_NONE && x.created_on <= D && period_contains(P, x.created_on)) {
            created[w->ncreated++] = (deal_pick){i, x.amount};
            over |= __builtin_add_overflow(w->created_sum, x.amount, &w->created_sum);
        }
        if (x.closed_on == SP_DAY_NONE || x.closed_on > D || !period_contains(P, x.closed_on)) continue;
        if (x.stage == STAGE_WON) {
            won[w->nwon++] = (deal_pick){i, x.amount};
            over |= __builtin_add_overflow(w->won_sum, x.amount, &w->won_sum);
        } else if (x.stage == STAGE_LOST) {
            lost[w->nlost++] = (deal_pick){i, x.amount};
            over |= __builtin_add_overflow(w->lost_sum, x.amount, &w->lost_sum);
        }
    }
    w->won = pick_sorted(won, w->nwon);
    w->created = pick_sorted(created, w->ncreated);
    w->lost = pick_sorted(lost, w->nlost);
    free(won);
    free(created);
    free(lost);
    if (over) {
        err_set(err, SP_EINVAL, "%s", _("deals of the week: a sum is beyond the range of amounts (±92,233,720,368,547,758.07)"));
        return false;
    }
    /* 3. per rep: every rep of the data, by id for the lookups */
    w->reps = xcalloc(ds->reps.n ? ds->reps.n : 1, sizeof *w->reps);
    for (size_t i = 0; i < ds->reps.n; i++)
        if (ds->rep_rows[i].id && *ds->rep_rows[i].id) {
            week_rep *r = &w->reps[w->nreps++];
            r->rep = ds->rep_rows[i].id;
            r->name = ds->rep_rows[i].name && *ds->rep_rows[i].name ? ds->rep_rows[i].name : NULL;
            r->team = ds->rep_rows[i].team;
        }
    qsort(w->reps, w->nreps, sizeof *w->reps, week_rep_id_cmp);
    size_t offs[4] = {offsetof(week_rep, leads), offsetof(week_rep, leads_prev), offsetof(week_rep, visits),
                      offsetof(week_rep, visits_prev)};
    for (int k = 0; k < 4; k++) {
        sp_kpi_result r;
        memset(&r, 0, sizeof r);
        if (!kpi_compute(ds, &wq->q[k], &r, err)) return false;
        week_count_into(w, &r, offs[k]);
        kpi_result_free(&r);
    }
    for (size_t i = 0; i < d->alerts.n; i++) {
        const sp_alert *a = &d->alerts.v[i];
        if (a->kind != ALERT_STALE_FOLLOWUP) continue;
        week_rep *r = week_rep_find(w, a->owner);
        if (!r) continue;
        r->stale = xreallocarray(r->stale, r->nstale + 1, sizeof *r->stale);
        r->stale[r->nstale++] = a;
    }
    qsort(w->reps, w->nreps, sizeof *w->reps, week_rep_show_cmp);
    /* 4. tasks due in the week after P, not done */
    const sp_plan *p = d->plan;
    w->next = xcalloc(p->ntasks ? p->ntasks : 1, sizeof *w->next);
    w->next_status = xcalloc(p->ntasks ? p->ntasks : 1, sizeof *w->next_status);
    for (size_t i = 0; i < p->ntasks; i++) {
        const sp_task *t = &p->tasks[i];
        sp_task_status st = TASK_TODO;
        for (size_t k = 0; k < nstates; k++)
            if (str_eq(states[k].task_id, t->id)) st = states[k].status;
        if (st == TASK_DONE || t->due == SP_DAY_NONE || t->due <= P.last || t->due > P.last + 7) continue;
        /* by due date, then id (insertion: a plan has few tasks) */
        size_t j = w->nnext++;
        while (j > 0 && (w->next[j - 1]->due > t->due || (w->next[j - 1]->due == t->due && strcmp(w->next[j - 1]->id, t->id) > 0))) {
            w->next[j] = w->next[j - 1];
            w->next_status[j] = w->next_status[j - 1];
            j--;
        }
        w->next[j] = t;
        w->next_status[j] = st;
    }
    return true;
}

typedef struct goal_spec_walk {
    const sp_report_opts *o;
    const sp_tier_level *tiers;
    size_t ntiers;
    sp_load_spec *spec;
} goal_spec_walk;

static void goal_spec_one(const sp_goal *g, void *ctx)
{
    goal_spec_walk *w = ctx;
    sp_period P = w->o->period;
    sp_period x = {P.first > g->period.first ? P.first : g->period.first,
                   P.last < g->period.last ? P.last : g->period.last};
    if (x.first > x.last || g->metric == MET_MANUAL) return;
    sp_kpi_query q;
    memset(&q, 0, sizeof q);
    q.metric = g->metric;
    q.period = x;
    q.as_of = w->o->as_of;
    q.where = g->filter;
    q.tiers = w->tiers;
    q.ntiers = w->ntiers;
    spec_add_query(w->spec, &q);
}

/* report_goal_spec: what P's own figures of goal g and its children need
 * (spec initialised here). */
static void report_goal_spec(const sp_goal *g, const sp_report_opts *o, const sp_tier_level *tiers, size_t ntiers,
                             sp_load_spec *spec)
{
    load_spec_init(spec);
    goal_spec_walk w = {o, tiers, ntiers, spec};
    goal_spec_one(g, &w);
    for (size_t i = 0; i < g->nchildren; i++) {
        sp_load_spec c;
        report_goal_spec(&g->children[i], o, tiers, ntiers, &c);
        pace_spec_union(spec, &c);
    }
}

/* gather: every number of the pack into d (one dataset load). */
static bool gather(sp_store *st, report_data *d, sp_err *err)
{
    const sp_plan *plan = d->plan;
    sp_day as_of = d->o->as_of;
    bool ok = false;
    sp_tier_level *levels = NULL;
    size_t nlevels = 0, nmanual = 0, nstates = 0;
    sp_actual *manual = NULL;
    sp_task_state *states = NULL;
    sp_goal_status_in *gin = NULL;
    sp_dataset *ds = d->ds = dataset_new();
    report_queries q;
    tiers_from_plan(plan, &levels, &nlevels);
    for (size_t i = 0; i < plan->ngoals && !d->rev_goal; i++)
        if (plan->goals[i].metric == MET_REVENUE) d->rev_goal = &plan->goals[i];
    queries_init(&q, d, levels, nlevels);

    week_queries wq;
    d->wk.on = is_week(d->o->period);
    if (d->wk.on) {
        d->wk.prev = (sp_period){d->o->period.first - 7, d->o->period.last - 7};
        d->wk.prev_as_of = as_of < d->wk.prev.last ? as_of : d->wk.prev.last;
        week_queries_init(&wq, d, d->wk.prev, d->wk.prev_as_of, levels, nlevels);
    }

    sp_load_spec spec, s;
    pace_load_spec(plan, levels, nlevels, as_of, &spec);
    alerts_load_spec(plan, as_of, 0, &s);
    pace_spec_union(&spec, &s);
    budget_load_spec(plan, as_of, &s);
    pace_spec_union(&spec, &s);
    spec_add_query(&spec, &q.team_rev);
    spec_add_query(&spec, &q.team_deals);
    spec_add_query(&spec, &q.spend_p);
    /* P's own figures of every goal (P ∩ its period) */
    for (size_t gi = 0; gi < plan->ngoals; gi++) {
        sp_load_spec one;
        report_goal_spec(&plan->goals[gi], d->o, levels, nlevels, &one);
        pace_spec_union(&spec, &one);
    }
    if (d->rev_goal) {
        spec_add_query(&spec, &q.monthly);
        funnel_load_spec(d->rev_goal, as_of, levels, nlevels, &s);
        pace_spec_union(&spec, &s);
    }
    load_spec_want(&spec, TBL_CUSTOMERS, SP_DAY_MIN, SP_DAY_MAX);
    load_spec_want(&spec, TBL_DEALS, day_minus_year(as_of) + 1, as_of);
    if (d->wk.on) {
        for (int k = 0; k < 4; k++) spec_add_query(&spec, &wq.q[k]);
        for (size_t gi = 0; gi < plan->ngoals; gi++) {
            sp_load_spec one;
            sp_report_opts po = *d->o;
            po.period = d->wk.prev;
            po.as_of = d->wk.prev_as_of;
            report_goal_spec(&plan->goals[gi], &po, levels, nlevels, &one);
            pace_spec_union(&spec, &one);
        }
        /* the deals created, won or lost in P (open ones too) */
        load_spec_init(&s);
        load_spec_want(&s, TBL_DEALS, d->o->period.first, as_of);
        pace_spec_union(&spec, &s);
    }

    if (!st->ops->actual_list(st, plan->id, NULL, &manual, &nmanual, err)) goto done;
    if (!st->ops->task_states(st, plan->id, &states, &nstates, err)) goto done;
    if (!st->ops->review_list(st, plan->id, d->o->period_text, &d->reviews, &d->nreviews, err)) goto done;
    if (!st->ops->load(st, &spec, ds, err)) goto done;

    /* 1. goals */
    sp_pace_ctx ctx = {plan, ds, levels, nlevels, manual, nmanual, as_of};
    if (!pace_evaluate(&ctx, &d->goals, &d->ngoals, err)) goto done;
    if (!gather_goals_p(d, &ctx, err)) goto done;
    /* 2. teams */
    if (!kpi_compute(ds, &q.team_rev, &d->team_rev, err) || !kpi_compute(ds, &q.team_deals, &d->team_deals, err))
        goto done;
    gather_teams(d, ds);
    /* 3. funnel and the monthly line */
    if (d->rev_goal) {
        if (!funnel_gather(plan, ds, d->rev_goal, as_of, levels, nlevels, &d->fin, err)) goto done;
        funnel_compute(&d->fin, &d->fout);
        sp_kpi_result mr;
        memset(&mr, 0, sizeof mr);
        bool mok = kpi_compute(ds, &q.monthly, &mr, err);
        if (mok && !gather_months(d, &mr)) {
            err_set(err, SP_EINVAL, "%s",
                    _("revenue: the cumulative sum is beyond the range of amounts (±92,233,720,368,547,758.07)"));
            mok = false;
        }
        kpi_result_free(&mr);
        if (!mok) goto done;
    }
    /* 4. tiers */
    if (!gather_tiers(d, ds, levels, nlevels)) {
        err_set(err, SP_EINVAL, "%s", _("tiers: a T12M sum is beyond the range of amounts (±92,233,720,368,547,758.07)"));
        goto done;
    }
    /* 5. alerts (goal statuses from the pace engine above) */
    gin = xcalloc(d->ngoals ? d->ngoals : 1, sizeof *gin);
    for (size_t i = 0; i < d->ngoals; i++) {
        gin[i].goal_id = d->goals[i].goal->id;
        gin[i].owner = goal_owner(d->goals[i].goal);
        gin[i].status = goal_status_name(d->goals[i].status);
        gin[i].has_attainment = !d->goals[i].attainment.null && d->goals[i].attainment.den != 0;
        if (gin[i].has_attainment) gin[i].attainment = qty_double(d->goals[i].attainment);
    }
    sp_alerts_input ain;
    memset(&ain, 0, sizeof ain);
    ain.ds = ds;
    ain.plan = plan;
    ain.as_of = as_of;
    ain.states = states;
    ain.nstates = nstates;
    ain.goals = gin;
    ain.ngoals = d->ngoals;
    alerts_compute(&ain, &d->alerts);
    /* 6. overdue tasks */
    gather_overdue(d, states, nstates);
    /* 7. budget */
    budget_compute(plan, ds, as_of, &d->budget);
    if (!budget_check(&d->budget, err)) goto done;
    if (!kpi_compute(ds, &q.spend_p, &d->spend_p, err)) goto done;
    /* 8. the weekly pack's sections */
    if (d->wk.on && !gather_week(d, &ctx, &wq, states, nstates, err)) goto done;
    ok = true;
done:
    free(gin);
    queries_free(&q);
    task_states_free(states, nstates);
    actuals_free(manual, nmanual);
    free(levels);
    return ok;
}

/* ---- shared text ---- */

static sp_unit goal_unit(const sp_goal *g) { return sp_metrics[g->metric].unit; }

/* goal_period_text: the period, and the month shown for per-month goals. */
static void goal_period_text(const sp_goal_pace *gp, buf_t *out)
{
    char b[16];
    buf_puts(out, gp->goal->period_text ? gp->goal->period_text : "");
    if (gp->goal->per_month)
        buf_printf(out, " (%s %s)", _("per month"), grain_label(GRAIN_MONTH, gp->current.first, b));
}

static const char *team_label(const char *t) { return t && *t ? t : _("(no team)"); }

static const char *tier_label(const tier_line *t)
{
    if (!t->id) return _("(no tier)");
    return t->name ? t->name : t->id;
}

/* A rendered table: header and rows of owned cell strings. The numeric
 * flags right-align columns in both renderings. */
typedef struct rtable {
    size_t ncols, nrows;
    char **cells;                    /* (nrows + 1) × ncols, header first */
    const bool *numeric;
    size_t indent_col;               /* SIZE_MAX: none */
    int *indent;                     /* per row (children of splits) */
} rtable;

static rtable *rt_new(size_t ncols, const char *const *head, const bool *numeric)
{
    rtable *t = xcalloc(1, sizeof *t);
    t->ncols = ncols;
    t->numeric = numeric;
    t->indent_col = SIZE_MAX;
    t->cells = xcalloc(ncols, sizeof *t->cells);
    t->indent = xcalloc(1, sizeof *t->indent);
    for (size_t c = 0; c < ncols; c++) t->cells[c] = xstrdup(head[c]);
    return t;
}

/* rt_row: adds a row; the cells are taken from bufs (each then cleared). */
static void rt_row(rtable *t, buf_t *bufs, int indent)
{
    t->nrows++;
    t->cells = xreallocarray(t->cells, size_add(t->nrows, 1) * t->ncols, sizeof *t->cells);
    t->indent = xreallocarray(t->indent, size_add(t->nrows, 1), sizeof *t->indent);
    t->indent[t->nrows] = indent;
    for (size_t c = 0; c < t->ncols; c++) {
        t->cells[t->nrows * t->ncols + c] = xstrdup(buf_cstr(&bufs[c]));
        buf_clear(&bufs[c]);
    }
}

static void rt_free(rtable *t)
{
    for (size_t i = 0; i < (t->nrows + 1) * t->ncols; i++) free(t->cells[i]);
    free(t->cells);
    free(t->indent);
    free(t);
}

static void rt_md(const rtable *t, buf_t *out)
{
    for (size_t r = 0; r <= t->nrows; r++) {
        buf_putc(out, '|');
        for (size_t c = 0; c < t->ncols; c++) {
            buf_putc(out, ' ');
            if (r > 0 && c == t->indent_col)
                for (int k = 0; k < t->indent[r]; k++) buf_puts(out, "↳ ");
            md_cell(out, t->cells[r * t->ncols + c]);
            buf_puts(out, " |");
        }
        buf_putc(out, '\n');
        if (r == 0) {
            buf_putc(out, '|');
            for (size_t c = 0; c < t->ncols; c++) buf_puts(out, t->numeric && t->numeric[c] ? "---:|" : "---|");
            buf_putc(out, '\n');
        }
    }
    buf_putc(out, '\n');
}

static void rt_html(const rtable *t, buf_t *out)
{
    buf_puts(out, "<table>\n<thead><tr>");
    for (size_t c = 0; c < t->ncols; c++) {
        buf_puts(out, t->numeric && t->numeric[c] ? "<th class=\"n\">" : "<th>");
        html_escape(out, t->cells[c]);
        buf_puts(out, "</th>");
    }
    buf_puts(out, "</tr></thead>\n<tbody>\n");
    for (size_t r = 1; r <= t->nrows; r++) {
        buf_puts(out, "<tr>");
        for (size_t c = 0; c < t->ncols; c++) {
            buf_puts(out, t->numeric && t->numeric[c] ? "<td class=\"n\">" : "<td>");
            if (c == t->indent_col && t->indent[r] > 0) buf_printf(out, "<span class=\"ind%d\"></span>", t->indent[r] > 3 ? 3 : t->indent[r]);
            html_escape(out, t->cells[r * t->ncols + c]);
            buf_puts(out, "</td>");
        }
        buf_puts(out, "</tr>\n");
    }
    buf_puts(out, "</tbody>\n</table>\n");
}

/* ---- the sections as tables (shared by both renderings) ---- */

/* goals_table: every goal with P's own figures (target share, actual,
 * attainment; "—" when the goal's period does not meet P) and, beside
 * them, the goal's figures to date (its period up to as-of) and status. */
static rtable *goals_table(const report_data *d)
{
    enum { NC = 10 };
    static const bool num[NC] = {false, false, false, true, true, true, true, true, true, false};
    char db[16];
    buf_t h[4] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
    buf_printf(&h[0], _("target %s"), d->o->period_text);
    buf_printf(&h[1], _("actual %s"), d->o->period_text);
    buf_printf(&h[2], _("attainment %s"), d->o->period_text);
    buf_printf(&h[3], _("actual to %s"), day_format(d->o->as_of, db));
    const char *head[NC] = {_("goal"),         _("name"),         _("period"),        _("target"),
                            buf_cstr(&h[0]),   buf_cstr(&h[1]),   buf_cstr(&h[2]),    buf_cstr(&h[3]),
                            _("attainment to date"), _("status")};
    rtable *t = rt_new(NC, head, num);
    for (int k = 0; k < 4; k++) buf_free(&h[k]);
    t->indent_col = 0;
    buf_t c[NC];
    memset(c, 0, sizeof c);
    for (size_t i = 0; i < d->ngoals; i++) {
        const sp_goal_pace *gp = &d->goals[i];
        const goal_in_p *pp = &d->goals_p[i];
        sp_unit u = goal_unit(gp->goal);
        buf_puts(&c[0], gp->goal->id);
        buf_puts(&c[1], gp->goal->name ? gp->goal->name : "");
        goal_period_text(gp, &c[2]);
        qty_shown(u, gp->target, &c[3]);
        if (pp->in) {
            qty_shown(u, pp->target, &c[4]);
            qty_shown(u, pp->actual, &c[5]);
            qty_pct_display(pp->attainment, &c[6]);
        } else {
            for (int k = 4; k <= 6; k++) buf_puts(&c[k], "—");
        }
        qty_shown(u, gp->actual, &c[7]);
        qty_pct_display(gp->attainment, &c[8]);
        buf_puts(&c[9], _(goal_status_label(gp->status)));
        rt_row(t, c, gp->depth);
    }
    for (size_t k = 0; k < NC; k++) buf_free(&c[k]);
    return t;
}

/* ---- the weekly pack's tables ---- */

/* qty_change: b − a in unit u ("—" when either is null), signed. */
static void qty_change(sp_unit u, sp_qty a, sp_qty b, buf_t *out)
{
    if (a.null || b.null || a.den == 0 || b.den == 0) {
        buf_puts(out, "—");
        return;
    }
    /* a and b as rationals: b.num/b.den − a.num/a.den over a common denominator */
    __int128 n = (__int128)b.num * a.den - (__int128)a.num * b.den, den = (__int128)a.den * b.den;
    if (n > INT64_MAX || n < INT64_MIN || den > INT64_MAX) {
        buf_puts(out, "—");
        return;
    }
    sp_qty dq = qty_make((int64_t)n, (int64_t)den);
    if (n > 0) buf_putc(out, '+');
    qty_shown(u, dq, out);
}

/* week_goals_table: every goal in this week and the week before, with the
 * attainment to date and status beside them. */
static rtable *week_goals_table(const report_data *d)
{
    enum { NC = 8 };
    static const bool num[NC] = {false, false, true, true, true, true, true, false};
    char pb[16];
    buf_t h[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
    buf_printf(&h[0], _("target %s"), d->o->period_text);
    buf_printf(&h[1], _("actual %s"), d->o->period_text);
    buf_printf(&h[2], _("actual %s"), grain_label(GRAIN_WEEK, d->wk.prev.first, pb));
    const char *head[NC] = {_("goal"), _("name"), buf_cstr(&h[0]), buf_cstr(&h[1]), buf_cstr(&h[2]),
                            _("change"), _("attainment to date"), _("status")};
    rtable *t = rt_new(NC, head, num);
    for (int k = 0; k < 3; k++) buf_free(&h[k]);
    t->indent_col = 0;
    buf_t c[NC];
    memset(c, 0, sizeof c);
    for (size_t i = 0; i < d->ngoals; i++) {
        const sp_goal_pace *gp = &d->goals[i];
        const goal_in_p *cur = &d->goals_p[i], *prev = &d->wk.goals_prev[i];
        sp_unit u = goal_unit(gp->goal);
        buf_puts(&c[0], gp->goal->id);
        buf_puts(&c[1], gp->goal->name ? gp->goal->name : "");
        if (cur->in) {
            qty_shown(u, cur->target, &c[2]);
            qty_shown(u, cur->actual, &c[3]);
        } else {
            buf_puts(&c[2], "—");
            buf_puts(&c[3], "—");
        }
        if (prev->in) qty_shown(u, prev->actual, &c[4]);
        else buf_puts(&c[4], "—");
        if (cur->in && prev->in) qty_change(u, prev->actual, cur->actual, &c[5]);
        else buf_puts(&c[5], "—");
        qty_pct_display(gp->attainment, &c[6]);
        buf_puts(&c[7], _(goal_status_label(gp->status)));
        rt_row(t, c, gp->depth);
    }
    for (size_t k = 0; k < NC; k++) buf_free(&c[k]);
    return t;
}

#define WEEK_LIST_MAX 20             /* deals listed per kind; the rest summed */

/* week_deals_table: the deals of one kind (rows, largest first). */
static rtable *week_deals_table(const report_data *d, const size_t *rows, size_t n, sp_money sum, bool by_created)
{
    enum { NC = 5 };
    static const bool num[NC] = {false, false, false, false, true};
    const char *head[NC] = {by_created ? _("created") : _("closed"), _("customer"), _("owner"), _("product"),
                            _("amount")};
    rtable *t = rt_new(NC, head, num);
    buf_t c[NC];
    memset(c, 0, sizeof c);
    char b[16];
    const sp_dataset *ds = d->ds;
    size_t shown = n < WEEK_LIST_MAX ? n : WEEK_LIST_MAX;
    sp_money rest = sum;
    for (size_t i = 0; i < shown; i++) {
        sp_deal x = deal_at(ds, rows[i]);
        buf_puts(&c[0], day_format(by_created ? x.created_on : x.closed_on, b));
        buf_puts(&c[1], customer_label(ds, x.customer_id));
        buf_puts(&c[2], rep_label(ds, x.owner));
        buf_puts(&c[3], x.product && *x.product ? x.product : "—");
        money_display(x.amount, &c[4]);
        rest -= x.amount;            /* no overflow: the parts of a sum that fits */
        rt_row(t, c, 0);
    }
    if (n > shown) {
        buf_printf(&c[1], _("… and %zu more"), n - shown);
        money_display(rest, &c[4]);
        rt_row(t, c, 0);
    }
    buf_puts(&c[0], _("Total"));
    buf_printf(&c[1], _("%zu deals"), n);
    money_display(sum, &c[4]);
    rt_row(t, c, 0);
    for (size_t k = 0; k < NC; k++) buf_free(&c[k]);
    return t;
}

/* week_reps_table: leads and visits per rep, this week and the week before,
 * with the rep's stale follow-ups. */
static rtable *week_reps_table(const report_data *d)
{
    enum { NC = 7 };
    static const bool num[NC] = {false, false, true, true, true, true, true};
    char pb[16];
    const char *pw = grain_label(GRAIN_WEEK, d->wk.prev.first, pb);
    buf_t h[4] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
    buf_printf(&h[0], _("leads %s"), d->o->period_text);
    buf_printf(&h[1], _("leads %s"), pw);
    buf_printf(&h[2], _("visits %s"), d->o->period_text);
    buf_printf(&h[3], _("visits %s"), pw);
    const char *head[NC] = {_("rep"), _("team"), buf_cstr(&h[0]), buf_cstr(&h[1]), buf_cstr(&h[2]), buf_cstr(&h[3]),
                            _("stale follow-ups")};
    rtable *t = rt_new(NC, head, num);
    for (int k = 0; k < 4; k++) buf_free(&h[k]);
    buf_t c[NC];
    memset(c, 0, sizeof c);
    int64_t tot[4] = {0, 0, 0, 0};
    size_t stale = 0;
    for (size_t i = 0; i < d->wk.nreps; i++) {
        const week_rep *r = &d->wk.reps[i];
        buf_puts(&c[0], r->name ? r->name : r->rep);
        const char *tn = plan_team_name(d->plan, r->team);
        buf_puts(&c[1], tn ? tn : team_label(r->team));
        buf_printf(&c[2], "%" PRId64, r->leads);
        buf_printf(&c[3], "%" PRId64, r->leads_prev);
        buf_printf(&c[4], "%" PRId64, r->visits);
        buf_printf(&c[5], "%" PRId64, r->visits_prev);
        buf_printf(&c[6], "%zu", r->nstale);
        tot[0] += r->leads;
        tot[1] += r->leads_prev;
        tot[2] += r->visits;
        tot[3] += r->visits_prev;
        stale += r->nstale;
        rt_row(t, c, 0);
    }
    buf_puts(&c[0], _("Total"));
    for (int k = 0; k < 4; k++) buf_printf(&c[2 + k], "%" PRId64, tot[k]);
    buf_printf(&c[6], "%zu", stale);
    rt_row(t, c, 0);
    for (size_t k = 0; k < NC; k++) buf_free(&c[k]);
    return t;
}

#define WEEK_STALE_NAMES 5           /* customers named per rep; the rest counted */

static int stale_rep_cmp(const void *a, const void *b)
{
    const week_rep *x = *(const week_rep *const *)a, *y = *(const week_rep *const *)b;
    if (x->nstale != y->nstale) return x->nstale > y->nstale ? -1 : 1;
    int dx = x->nstale ? x->stale[0]->days : 0, dy = y->nstale ? y->stale[0]->days : 0;
    if (dx != dy) return dx > dy ? -1 : 1;
    return strcmp(x->rep, y->rep);
}

/* week_stale_table: the reps with stale follow-ups (most first), each with
 * their stalest customers by name and the days since the last touch. */
static rtable *week_stale_table(const report_data *d)
{
    enum { NC = 4 };
    static const bool num[NC] = {false, true, true, false};
    const char *head[NC] = {_("rep"), _("stale follow-ups"), _("stalest (days)"), _("customers (days since the last touch)")};
    rtable *t = rt_new(NC, head, num);
    const week_rep **v = xcalloc(d->wk.nreps ? d->wk.nreps : 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < d->wk.nreps; i++)
        if (d->wk.reps[i].nstale) v[n++] = &d->wk.reps[i];
    qsort(v, n, sizeof *v, stale_rep_cmp);
    buf_t c[NC];
    memset(c, 0, sizeof c);
    for (size_t i = 0; i < n; i++) {
        const week_rep *r = v[i];
        buf_puts(&c[0], r->name ? r->name : r->rep);
        buf_printf(&c[1], "%zu", r->nstale);
        buf_printf(&c[2], "%d", (int)r->stale[0]->days);
        for (size_t k = 0; k < r->nstale && k < WEEK_STALE_NAMES; k++) {
            if (k) buf_puts(&c[3], _(", "));
            buf_printf(&c[3], _("%s (%d days)"), customer_label(d->ds, r->stale[k]->customer_id), (int)r->stale[k]->days);
        }
        if (r->nstale > WEEK_STALE_NAMES) {
            buf_puts(&c[3], _(", "));
            buf_printf(&c[3], _("… and %zu more"), r->nstale - WEEK_STALE_NAMES);
        }
        rt_row(t, c, 0);
    }
    free(v);
    for (size_t k = 0; k < NC; k++) buf_free(&c[k]);
    return t;
}

static rtable *week_next_table(const report_data *d)
{
    enum { NC = 5 };
    const char *head[NC] = {_("task"), _("name"), _("owner"), _("due"), _("status")};
    rtable *t = rt_new(NC, head, NULL);
    buf_t c[NC];
    memset(c, 0, sizeof c);
    char b[16];
    for (size_t i = 0; i < d->wk.nnext; i++) {
        const sp_task *k = d->wk.next[i];
        buf_puts(&c[0], k->id);
        buf_puts(&c[1], k->name ? k->name : "");
        buf_puts(&c[2], k->owner ? rep_label(d->ds, k->owner) : "—");
        buf_puts(&c[3], day_format(k->due, b));
        buf_puts(&c[4], _(task_labels[d->wk.next_status[i]]));
        rt_row(t, c, 0);
    }
    for (size_t k = 0; k < NC; k++) buf_free(&c[k]);
    return t;
}

/* The weekly sections, rendered by the same callbacks for both formats. */
typedef struct week_render {
    void (*heading)(buf_t *out, int level, const char *text);
    void (*table)(const rtable *t, buf_t *out);
    void (*para)(buf_t *out, const char *text);
    void (*close)(buf_t *out);       /* ends a level-2 section (HTML) or nothing */
} week_render;

static void week_table(const week_render *r, rtable *t, buf_t *out)
{
    r->table(t, out);
    rt_free(t);
}

/* render_week_top: "This week against last week" (before the goals). */
static void render_week_top(const report_data *d, const week_render *r, buf_t *out)
{
    char pb[16];
    buf_t t = BUF_INIT;
    buf_printf(&t, _("This week against last week (%s / %s)"), d->o->period_text,
               grain_label(GRAIN_WEEK, d->wk.prev.first, pb));
    r->heading(out, 2, buf_cstr(&t));
    week_table(r, week_goals_table(d), out);
    r->close(out);
    buf_clear(&t);
    buf_printf(&t, _("Deals of the week (%s)"), d->o->period_text);
    r->heading(out, 2, buf_cstr(&t));
    const struct {
        const char *title, *none;
        const size_t *rows;
        size_t n;
        sp_money sum;
        bool created;
    } kinds[3] = {
        {N_("Won"), N_("No deal won this week."), d->wk.won, d->wk.nwon, d->wk.won_sum, false},
        {N_("New"), N_("No new deal this week."), d->wk.created, d->wk.ncreated, d->wk.created_sum, true},
        {N_("Lost"), N_("No deal lost this week."), d->wk.lost, d->wk.nlost, d->wk.lost_sum, false},
    };
    for (int k = 0; k < 3; k++) {
        r->heading(out, 3, _(kinds[k].title));
        if (kinds[k].n == 0) r->para(out, _(kinds[k].none));
        else week_table(r, week_deals_table(d, kinds[k].rows, kinds[k].n, kinds[k].sum, kinds[k].created), out);
    }
    r->close(out);
    buf_clear(&t);
    buf_printf(&t, _("Leads and visits per rep (%s / %s)"), d->o->period_text, grain_label(GRAIN_WEEK, d->wk.prev.first, pb));
    r->heading(out, 2, buf_cstr(&t));
    if (d->wk.nreps == 0) r->para(out, _("No reps in the data."));
    else week_table(r, week_reps_table(d), out);
    r->close(out);
    buf_clear(&t);
    char db[16];
    buf_printf(&t, _("Stale follow-ups per rep (as of %s)"), day_format(d->o->as_of, db));
    r->heading(out, 2, buf_cstr(&t));
    bool any = false;
    for (size_t i = 0; i < d->wk.nreps && !any; i++) any = d->wk.reps[i].nstale > 0;
    if (!d->alerts.enabled[ALERT_STALE_FOLLOWUP]) r->para(out, _("Stale follow-up alerts are off in the plan."));
    else if (!any) r->para(out, _("No stale follow-ups."));
    else week_table(r, week_stale_table(d), out);
    r->close(out);
    buf_clear(&t);
    char nb[16], ne[16];
    buf_printf(&t, _("Tasks due next week (%s..%s)"), day_format(d->o->period.last + 1, nb), day_format(d->o->period.last + 7, ne));
    r->heading(out, 2, buf_cstr(&t));
    if (d->wk.nnext == 0) r->para(out, _("No tasks due next week."));
    else week_table(r, week_next_table(d), out);
    r->close(out);
    buf_free(&t);
}

static rtable *teams_table(const report_data *d)
{
    enum { NC = 3 };
    static const bool num[NC] = {false, true, true};
    const char *head[NC] = {_("team"), _("revenue"), _("deals won")};
    rtable *t = rt_new(NC, head, num);
    buf_t c[NC];
    memset(c, 0, sizeof c);
    for (size_t i = 0; i < d->nteams; i++) {
        const char *tn = plan_team_name(d->plan, d->teams[i].team);
        buf_puts(&c[0], tn ? tn : team_label(d->teams[i].team));
        money_display(d->teams[i].revenue, &c[1]);
        buf_printf(&c[2], "%" PRId64, d->teams[i].deals);
        rt_row(t, c, 0);
    }
    buf_puts(&c[0], _("Total"));
    money_display(d->teams_revenue, &c[1]);
    buf_printf(&c[2], "%" PRId64, d->teams_deals);
    rt_row(t, c, 0);
    for (size_t k = 0; k < NC; k++) buf_free(&c[k]);
    return t;
}

static void cell_dbl(buf_t *b, bool has, double v)
{
    if (has) buf_printf(b, "%.1f", v);
    else buf_puts(b, "—");
}

static rtable *funnel_table(const report_data *d)
{
    enum { NC = 4 };
    static const bool num[NC] = {false, true, true, true};
    const char *head[NC] = {_("needed per month"), _("need"), _("plan"), _("gap")};
    rtable *t = rt_new(NC, head, num);
    sp_funnel_row rows[FUNNEL_NROWS];
    funnel_rows(&d->fin, &d->fout, rows);
    buf_t c[NC];
    memset(c, 0, sizeof c);
    for (size_t i = 0; i < FUNNEL_NROWS; i++) {
        buf_puts(&c[0], _(rows[i].label));
        cell_dbl(&c[1], rows[i].has_need, rows[i].need);
        if (!rows[i].no_plan_cell) cell_dbl(&c[2], rows[i].has_plan, rows[i].plan);
        cell_dbl(&c[3], rows[i].has_gap, rows[i].gap);
        rt_row(t, c, 0);
    }
    for (size_t k = 0; k < NC; k++) buf_free(&c[k]);
    return t;
}

static rtable *months_table(const report_data *d)
{
    enum { NC = 4 };
    static const bool num[NC] = {false, true, true, true};
    const char *head[NC] = {_("month"), _("revenue"), _("cumulative actual"), _("cumulative target")};
    rtable *t = rt_new(NC, head, num);
    buf_t c[NC];
    memset(c, 0, sizeof c);
    char b[16], e[16];
    for (size_t i = 0; i < d->nmonths; i++) {
        const month_pt *m = &d->months[i];
        if (m->upto != grain_bucket(GRAIN_MONTH, m->first).last)
            buf_printf(&c[0], _("%s (up to %s)"), grain_label(GRAIN_MONTH, m->first, b), day_format(m->upto, e));
        else buf_puts(&c[0], grain_label(GRAIN_MONTH, m->first, b));
        money_display(m->actual, &c[1]);
        money_display(m->cum_actual, &c[2]);
        money_display(m->cum_target, &c[3]);
        rt_row(t, c, 0);
    }
    for (size_t k = 0; k < NC; k++) buf_free(&c[k]);
    return t;
}

static rtable *tiers_table(const report_data *d)
{
    enum { NC = 4 };
    static const bool num[NC] = {false, true, true, true};
    const char *head[NC] = {_("tier"), _("customers"), _("T12M revenue"), _("share")};
    rtable *t = rt_new(NC, head, num);
    buf_t c[NC];
    memset(c, 0, sizeof c);
    for (size_t i = 0; i < d->ntiers; i++) {
        const tier_line *l = &d->tiers[i];
        buf_puts(&c[0], tier_label(l));
        buf_printf(&c[1], "%zu", l->customers);
        money_display(l->t12m, &c[2]);
        pct_of(l->t12m, d->t12m_total, &c[3]);
        rt_row(t, c, 0);
    }
    buf_puts(&c[0], _("Total"));
    buf_printf(&c[1], "%zu", d->customers);
    money_display(d->t12m_total, &c[2]);
    pct_of(d->t12m_total, d->t12m_total, &c[3]);
    rt_row(t, c, 0);
    for (size_t k = 0; k < NC; k++) buf_free(&c[k]);
    return t;
}

static rtable *alerts_table(const report_data *d)
{
    enum { NC = 2 };
    static const bool num[NC] = {false, true};
    const char *head[NC] = {_("alert"), _("count")};
    rtable *t = rt_new(NC, head, num);
    buf_t c[NC];
    memset(c, 0, sizeof c);
    size_t total = 0;
    for (int k = 0; k < ALERT_KIND_COUNT; k++) {
        buf_puts(&c[0], _(alert_labels[k]));
        if (d->alerts.enabled[k]) buf_printf(&c[1], "%zu", d->alerts.count[k]);
        else buf_puts(&c[1], _("off"));
        total += d->alerts.enabled[k] ? d->alerts.count[k] : 0;
        rt_row(t, c, 0);
    }
    buf_puts(&c[0], _("Total"));
    buf_printf(&c[1], "%zu", total);
    rt_row(t, c, 0);
    for (size_t k = 0; k < NC; k++) buf_free(&c[k]);
    return t;
}

static rtable *overdue_table(const report_data *d)
{
    enum { NC = 6 };
    static const bool num[NC] = {false, false, false, false, true, false};
    const char *head[NC] = {_("task"), _("name"), _("owner"), _("due"), _("days overdue"), _("status")};
    rtable *t = rt_new(NC, head, num);
    buf_t c[NC];
    memset(c, 0, sizeof c);
    char b[16];
    for (size_t i = 0; i < d->noverdue; i++) {
        const overdue_task *o = &d->overdue[i];
        buf_puts(&c[0], o->task->id);
        buf_puts(&c[1], o->task->name ? o->task->name : "");
        buf_puts(&c[2], o->task->owner ? rep_label(d->ds, o->task->owner) : "—");
        buf_puts(&c[3], day_format(o->task->due, b));
        buf_printf(&c[4], "%d", (int)o->days);
        buf_puts(&c[5], _(task_labels[o->status]));
        if (o->progress > 0) buf_printf(&c[5], " %d%%", o->progress);
        rt_row(t, c, 0);
    }
    for (size_t k = 0; k < NC; k++) buf_free(&c[k]);
    return t;
}

/* spent_in_p: the spend of category cat in P (0 when none). */
static sp_money spent_in_p(const report_data *d, const char *cat)
{
    for (size_t i = 0; cat && i < d->spend_p.nrows; i++)
        if (str_eq(d->spend_p.rows[i].key[0], cat)) return d->spend_p.rows[i].value.ival;
    return 0;
}

static void budget_used_text(const sp_budget_line *l, buf_t *out)
{
    pct_of(l->spent, l->allocated, out);
    if (l->overrun) buf_printf(out, " %s", _("OVER"));
}

static rtable *budget_table(const report_data *d)
{
    enum { NC = 6 };
    static const bool num[NC] = {false, false, true, true, true, true};
    char db[16];
    buf_t h[2] = {BUF_INIT, BUF_INIT};
    buf_printf(&h[0], _("spent %s"), d->o->period_text);
    buf_printf(&h[1], _("spent to %s"), day_format(d->o->as_of, db));
    const char *head[NC] = {_("category"), _("name"), _("allocated"), buf_cstr(&h[0]), buf_cstr(&h[1]), _("used")};
    rtable *t = rt_new(NC, head, num);
    buf_free(&h[0]);
    buf_free(&h[1]);
    buf_t c[NC];
    memset(c, 0, sizeof c);
    for (size_t i = 0; i < d->budget.nlines; i++) {
        const sp_budget_line *l = &d->budget.lines[i];
        buf_puts(&c[0], l->category ? l->category : "—");
        buf_puts(&c[1], l->name ? l->name : (l->planned ? "" : _("(not in the plan)")));
        money_display(l->allocated, &c[2]);
        money_display(spent_in_p(d, l->category), &c[3]);
        money_display(l->spent, &c[4]);
        budget_used_text(l, &c[5]);
        rt_row(t, c, 0);
    }
    buf_puts(&c[0], _("Total"));
    money_display(d->budget.totals.allocated, &c[2]);
    money_display(d->spend_p.total.ival, &c[3]);
    money_display(d->budget.totals.spent, &c[4]);
    budget_used_text(&d->budget.totals, &c[5]);
    rt_row(t, c, 0);
    for (size_t k = 0; k < NC; k++) buf_free(&c[k]);
    return t;
}

static rtable *reviews_table(const report_data *d)
{
    enum { NC = 4 };
    const char *head[NC] = {_("goal"), _("cause"), _("lesson"), _("action")};
    rtable *t = rt_new(NC, head, NULL);
    buf_t c[NC];
    memset(c, 0, sizeof c);
    for (size_t i = 0; i < d->nreviews; i++) {
        const sp_review *r = &d->reviews[i];
        buf_puts(&c[0], r->goal_id ? r->goal_id : "—");
        /* several causes (lessons, actions) are kept one per line */
        text_join_lines(r->cause ? r->cause : "—", _("; "), &c[1]);
        text_join_lines(r->lesson ? r->lesson : "—", _("; "), &c[2]);
        text_join_lines(r->action ? r->action : "—", _("; "), &c[3]);
        rt_row(t, c, 0);
    }
    for (size_t k = 0; k < NC; k++) buf_free(&c[k]);
    return t;
}

/* ---- section texts ---- */

/* pack_title: "Monthly review: P", titled for the period's kind: whole
 * calendar months 1 / 3 / 6 / 12 are a monthly / quarterly / half-year /
 * annual review (fiscal quarters and years too); any other period (a week,
 * a range of days) a neutral "Review". */
static void pack_title(const report_data *d, buf_t *out)
{
    sp_period p = d->o->period;
    int y, m, dd, y2, m2, d2;
    day_to_ymd(p.first, &y, &m, &dd);
    day_to_ymd(p.last, &y2, &m2, &d2);
    int months = (y2 - y) * 12 + (m2 - m) + 1;
    bool whole = dd == 1 && d2 == days_in_month(y2, m2);
    const char *fmt = N_("Review: %s");
    if (d->wk.on) fmt = N_("Weekly report: %s");
    else if (whole && months == 1) fmt = N_("Monthly review: %s");
    else if (whole && months == 3) fmt = N_("Quarterly review: %s");
    else if (whole && months == 6) fmt = N_("Half-year review: %s");
    else if (whole && months == 12) fmt = N_("Annual review: %s");
    buf_printf(out, _(fmt), d->o->period_text);
}

/* title parts */
static void meta_line(const report_data *d, buf_t *out)
{
    char a[16], b[16], c[16];
    buf_printf(out, _("Plan %s (%s) · period %s (%s..%s) · as of %s"), d->plan->id,
               d->plan->name ? d->plan->name : "", d->o->period_text, day_format(d->o->period.first, a),
               day_format(d->o->period.last, b), day_format(d->o->as_of, c));
}

/* ---- Markdown ---- */

static void md_text_lines(const char *lines, buf_t *out)
{
    /* each line as a list item, escaped for tables is not needed here */
    const char *p = lines;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        buf_puts(out, "- ");
        buf_append(out, p, n);
        buf_putc(out, '\n');
        p += n + (e ? 1 : 0);
    }
}

static void md_heading(buf_t *out, int level, const char *text)
{
    for (int i = 0; i < level; i++) buf_putc(out, '#');
    buf_putc(out, ' ');
    md_cell(out, text);
    buf_puts(out, "\n\n");
}

static void md_para(buf_t *out, const char *text) { buf_printf(out, "%s\n\n", text); }
static void no_close(buf_t *out) { (void)out; }
static const week_render week_md = {md_heading, rt_md, md_para, no_close};

static void render_md(const report_data *d, buf_t *out)
{
    char db[16];
    buf_t t = BUF_INIT;
    pack_title(d, &t);
    md_heading(out, 1, buf_cstr(&t));
    buf_clear(&t);
    meta_line(d, &t);
    md_cell(out, buf_cstr(&t));
    buf_puts(out, "\n\n");

    if (d->wk.on) render_week_top(d, &week_md, out);

    md_heading(out, 2, _("Goals"));
    rtable *rt = goals_table(d);
    rt_md(rt, out);
    rt_free(rt);

    buf_clear(&t);
    buf_printf(&t, _("Revenue by team (%s)"), d->o->period_text);
    md_heading(out, 2, buf_cstr(&t));
    rt = teams_table(d);
    rt_md(rt, out);
    rt_free(rt);

    if (d->rev_goal) {
        buf_clear(&t);
        buf_printf(&t, _("Revenue month by month: %s (to %s)"), d->rev_goal->name ? d->rev_goal->name : d->rev_goal->id, day_format(d->o->as_of, db));
        md_heading(out, 2, buf_cstr(&t));
        if (d->nmonths == 0) buf_printf(out, "%s\n\n", _("The goal's period has not started yet."));
        else {
            rt = months_table(d);
            rt_md(rt, out);
            rt_free(rt);
        }

        buf_clear(&t);
        buf_printf(&t, _("Reverse funnel: %s (as of %s)"), d->rev_goal->name ? d->rev_goal->name : d->rev_goal->id, day_format(d->o->as_of, db));
        md_heading(out, 2, buf_cstr(&t));
        buf_clear(&t);
        funnel_summary(&d->fin, &d->fout, &t);
        md_text_lines(buf_cstr(&t), out);
        buf_putc(out, '\n');
        rt = funnel_table(d);
        rt_md(rt, out);
        rt_free(rt);
        buf_clear(&t);
        funnel_notes(&d->fout, &t);
        if (t.len) {
            md_text_lines(buf_cstr(&t), out);
            buf_putc(out, '\n');
        }
    }

    buf_clear(&t);
    buf_printf(&t, _("Customer tiers (as of %s)"), day_format(d->o->as_of, db));
    md_heading(out, 2, buf_cstr(&t));
    rt = tiers_table(d);
    rt_md(rt, out);
    rt_free(rt);

    buf_clear(&t);
    buf_printf(&t, _("Alerts (as of %s)"), day_format(d->o->as_of, db));
    md_heading(out, 2, buf_cstr(&t));
    rt = alerts_table(d);
    rt_md(rt, out);
    rt_free(rt);

    buf_clear(&t);
    buf_printf(&t, _("Overdue tasks (as of %s)"), day_format(d->o->as_of, db));
    md_heading(out, 2, buf_cstr(&t));
    if (d->noverdue == 0) buf_printf(out, "%s\n\n", _("No overdue tasks."));
    else {
        rt = overdue_table(d);
        rt_md(rt, out);
        rt_free(rt);
    }

    md_heading(out, 2, _("Budget burn"));
    if (!d->plan->has_budget && d->budget.nlines == 0) buf_printf(out, "%s\n\n", _("The plan has no budget."));
    else {
        rt = budget_table(d);
        rt_md(rt, out);
        rt_free(rt);
    }

    md_heading(out, 2, _("Review notes"));
    if (d->nreviews == 0) buf_printf(out, "%s\n", _("No review notes for this period."));
    else {
        rt = reviews_table(d);
        rt_md(rt, out);
        rt_free(rt);
    }
    /* end with exactly one line break */
    while (out->len > 1 && out->data[out->len - 1] == '\n' && out->data[out->len - 2] == '\n') out->data[--out->len] = '\0';
    buf_free(&t);
}

/* ---- HTML: SVG charts ---- */

static const char *status_fill(sp_goal_status s)
{
    switch (s) {
    case GOAL_ON_TRACK:
    case GOAL_ACHIEVED: return "#2e7d32";
    case GOAL_AT_RISK: return "#f9a825";
    case GOAL_OFF_TRACK:
    case GOAL_MISSED: return "#c62828";
    default: return "#9e9e9e";
    }
}

/* svg_attainment: horizontal bars of every goal's attainment with a 100 %
 * line; the scale runs to 150 % (or further, in 50 % steps, up to 300 %). */
static void svg_attainment(const report_data *d, buf_t *out)
{
    const double left = 190, right = 70, top = 28, row = 26, bar_h = 16;
    const double width = 760, plot_w = width - left - right;
    double maxv = 1.5;
    for (size_t i = 0; i < d->ngoals; i++) {
        double a = qty_double(d->goals[i].attainment);
        if (a > maxv) maxv = a;
    }
    if (maxv > 3.0) maxv = 3.0;
    int steps = (int)(maxv * 2.0 + 0.999);
    double scale = steps / 2.0;
    double height = top + row * (double)d->ngoals + 46;
    buf_printf(out,
               "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\">\n<title>",
               width, height, width, height);
    html_escape(out, _("Attainment per goal"));
    buf_puts(out, "</title>\n");
    double plot_bottom = top + row * (double)d->ngoals;
    /* grid and ticks */
    for (int k = 0; k <= steps; k++) {
        double x = left + plot_w * (k / 2.0) / scale;
        buf_printf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x, top - 6, x,
                   plot_bottom);
        buf_printf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d%%</text>\n", x,
                   plot_bottom + 16, k * 50);
    }
    for (size_t i = 0; i < d->ngoals; i++) {
        const sp_goal_pace *gp = &d->goals[i];
        double y = top + row * (double)i;
        buf_printf(out, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\">", 6.0 + 12.0 * gp->depth, y + bar_h - 3);
        { /* the goal's name where a person reads, cut to the label's room */
            buf_t lbl = BUF_INIT;
            utf8_truncate(gp->goal->name && *gp->goal->name ? gp->goal->name : gp->goal->id, 22, &lbl);
            html_escape(out, buf_cstr(&lbl));
            buf_free(&lbl);
        }
        buf_puts(out, "</text>\n");
        buf_t pct = BUF_INIT;
        qty_pct_display(gp->attainment, &pct);
        double a = qty_double(gp->attainment);
        if (a < 0) a = 0;
        if (a > scale) a = scale;
        double w = plot_w * a / scale;
        if (!gp->attainment.null)
            buf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", left, y, w,
                       bar_h, status_fill(gp->status));
        buf_printf(out, "<text class=\"val\" x=\"%.1f\" y=\"%.1f\">", left + w + 4, y + bar_h - 3);
        html_escape(out, buf_cstr(&pct));
        buf_puts(out, "</text>\n");
        buf_free(&pct);
    }
    double x100 = left + plot_w / scale;
    buf_printf(out, "<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x100, top - 10,
               x100, plot_bottom);
    buf_printf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x100, top - 14);
    html_escape(out, _("target"));
    buf_puts(out, "</text>\n");
    buf_printf(out, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", left + plot_w / 2,
               plot_bottom + 36);
    html_escape(out, _("attainment (actual / target)"));
    buf_puts(out, "</text>\n</svg>\n");
}

/* nice_step: a 1-2-5 step of about range / 5. */
static double nice_step(double range)
{
    if (range <= 0) return 1;
    double raw = range / 5.0, p = 1;
    while (p * 10 <= raw) p *= 10;
    while (p > raw) p /= 10;
    double m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* compact_money: a tick label for an amount in major units: "12M" / "1200万". */
static void compact_money(double v, buf_t *out)
{
    const char *suffix = "";
    double div = 1;
    if (i18n_lang() == LANG_ZH) {
        if (v >= 1e8) div = 1e8, suffix = "亿";
        else if (v >= 1e4) div = 1e4, suffix = "万";
    } else {
        if (v >= 1e9) div = 1e9, suffix = "B";
        else if (v >= 1e6) div = 1e6, suffix = "M";
        else if (v >= 1e3) div = 1e3, suffix = "k";
    }
    double x = v / div;
    if (x == (double)(int64_t)x) buf_printf(out, "%.0f%s", x, suffix);
    else buf_printf(out, "%.1f%s", x, suffix);
}

/* svg_months: cumulative actual vs cumulative linear target of the revenue
 * goal, month by month up to the as-of date. */
static void svg_months(const report_data *d, buf_t *out)
{
    const double width = 760, height = 340, left = 80, right = 24, top = 34, bottom = 56;
    const double pw = width - left - right, ph = height - top - bottom;
    size_t n = d->nmonths;
    double ymax = 0;
    for (size_t i = 0; i < n; i++) {
        double a = (double)d->months[i].cum_actual / 100.0, t = (double)d->months[i].cum_target / 100.0;
        if (a > ymax) ymax = a;
        if (t > ymax) ymax = t;
    }
    double step = nice_step(ymax);
    double top_v = step * (double)(int64_t)(ymax / step + 0.999999);
    if (top_v <= 0) top_v = step;
    buf_printf(out,
               "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\">\n<title>",
               width, height, width, height);
    html_escape(out, _("Cumulative revenue: actual vs target"));
    buf_puts(out, "</title>\n");
    for (double v = 0; v <= top_v + step / 2; v += step) {
        double y = top + ph - ph * v / top_v;
        buf_printf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", left, y,
                   left + pw, y);
        buf_printf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", left - 6, y + 4);
        buf_t l = BUF_INIT;
        compact_money(v, &l);
        html_escape(out, buf_cstr(&l));
        buf_free(&l);
        buf_puts(out, "</text>\n");
    }
    size_t all = d->nmonths_all ? d->nmonths_all : 1;
    double dx = pw / (double)all;
    char lab[16];
    for (size_t i = 0; i < all; i++) {
        sp_day m = d->rev_goal->period.first;
        for (size_t k = 0; k < i; k++) m = grain_bucket(GRAIN_MONTH, m).last + 1;
        grain_label(GRAIN_MONTH, m, lab);
        double x = left + dx * ((double)i + 1);
        if (all <= 12 || i % ((all + 11) / 12) == 0)
            buf_printf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x - dx / 2,
                       top + ph + 16, lab + 5);
    }
    buf_printf(out, "<line class=\"axisline\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", left, top + ph,
               left + pw, top + ph);
    buf_printf(out, "<line class=\"axisline\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", left, top, left,
               top + ph);
    /* the two lines: point i at the end of month i (x of its right edge) */
    for (int which = 0; which < 2; which++) {
        buf_printf(out, "<polyline class=\"%s\" points=\"%.1f,%.1f", which ? "l-actual" : "l-target", left, top + ph);
        for (size_t i = 0; i < n; i++) {
            const month_pt *m = &d->months[i];
            sp_period b = grain_bucket(GRAIN_MONTH, m->first);
            double frac = (double)(m->upto - b.first + 1) / (double)(b.last - b.first + 1);
            double x = left + dx * ((double)i + frac);
            double v = (double)(which ? m->cum_actual : m->cum_target) / 100.0;
            buf_printf(out, " %.1f,%.1f", x, top + ph - ph * v / top_v);
        }
        buf_puts(out, "\"/>\n");
    }
    for (size_t i = 0; i < n; i++) {
        const month_pt *m = &d->months[i];
        sp_period b = grain_bucket(GRAIN_MONTH, m->first);
        double frac = (double)(m->upto - b.first + 1) / (double)(b.last - b.first + 1);
        double x = left + dx * ((double)i + frac);
        double v = (double)m->cum_actual / 100.0;
        buf_printf(out, "<circle class=\"p-actual\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>\n", x, top + ph - ph * v / top_v);
    }
    /* legend and axis labels */
    buf_printf(out, "<line class=\"l-actual\" x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"14\"/>", left + 10, left + 40);
    buf_printf(out, "<text class=\"tick\" x=\"%.1f\" y=\"18\">", left + 46);
    html_escape(out, _("cumulative actual"));
    buf_puts(out, "</text>\n");
    buf_printf(out, "<line class=\"l-target\" x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"14\"/>", left + 230, left + 260);
    buf_printf(out, "<text class=\"tick\" x=\"%.1f\" y=\"18\">", left + 266);
    html_escape(out, _("cumulative target (linear)"));
    buf_puts(out, "</text>\n");
    buf_printf(out, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", left + pw / 2,
               height - 12);
    html_escape(out, _("month"));
    buf_puts(out, "</text>\n");
    buf_printf(out, "<text class=\"axis\" transform=\"rotate(-90)\" x=\"%.1f\" y=\"16\" text-anchor=\"middle\">",
               -(top + ph / 2));
    html_escape(out, _("revenue"));
    if (d->plan->currency) {
        buf_puts(out, " (");
        html_escape(out, d->plan->currency);
        buf_putc(out, ')');
    }
    buf_puts(out, "</text>\n</svg>\n");
}

/* ---- HTML page ---- */

static const char html_css[] =
    "body{font-family:\"WenQuanYi Micro Hei\",\"Noto Sans CJK SC\",sans-serif;color:#212121;margin:24px auto;"
    "max-width:980px;padding:0 16px;line-height:1.45}\n"
    "h1{font-size:1.6em;margin-bottom:4px}h2{font-size:1.2em;border-bottom:2px solid #1565c0;padding-bottom:3px;"
    "margin-top:28px}\n"
    ".meta{color:#555}\n"
    "table{border-collapse:collapse;width:auto;min-width:60%;margin:8px 0 12px;font-size:0.92em}\n"
    "th,td{border:1px solid #cfd8dc;padding:4px 8px;text-align:left;vertical-align:top}\n"
    "th{background:#eceff1}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    ".ind1{padding-left:1.2em}.ind2{padding-left:2.4em}.ind3{padding-left:3.6em}\n"
    ".chart{max-width:100%;height:auto;display:block;margin:8px 0}\n"
    ".chart text{font-family:\"WenQuanYi Micro Hei\",\"Noto Sans CJK SC\",sans-serif;font-size:12px;fill:#333}\n"
    ".chart .axis{font-size:13px;fill:#111}\n"
    ".chart .grid{stroke:#e0e0e0;stroke-width:1}\n"
    ".chart .axisline{stroke:#555;stroke-width:1}\n"
    ".chart .target{stroke:#c62828;stroke-width:2;stroke-dasharray:5 3}\n"
    ".chart .l-actual{fill:none;stroke:#1565c0;stroke-width:2.5}\n"
    ".chart .l-target{fill:none;stroke:#757575;stroke-width:2;stroke-dasharray:6 4}\n"
    ".chart .p-actual{fill:#1565c0}\n"
    "ul.notes{margin:4px 0 12px}\n"
    "@media print{body{margin:0;max-width:none;font-size:10.5pt}h2{break-after:avoid}"
    "section{break-inside:avoid-page}table,svg{break-inside:avoid}a{color:inherit}}\n";

static void html_section_open(buf_t *out, const char *title)
{
    buf_puts(out, "<section>\n<h2>");
    html_escape(out, title);
    buf_puts(out, "</h2>\n");
}

static void html_para(buf_t *out, const char *text)
{
    buf_puts(out, "<p>");
    html_escape(out, text);
    buf_puts(out, "</p>\n");
}

static void html_lines(buf_t *out, const char *lines)
{
    if (!*lines) return;
    buf_puts(out, "<ul class=\"notes\">\n");
    const char *p = lines;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *line = xstrndup(p, n);
        buf_puts(out, "<li>");
        html_escape(out, line);
        buf_puts(out, "</li>\n");
        free(line);
        p += n + (e ? 1 : 0);
    }
    buf_puts(out, "</ul>\n");
}

static void html_heading(buf_t *out, int level, const char *text)
{
    if (level <= 2) {
        html_section_open(out, text);
        return;
    }
    buf_printf(out, "<h%d>", level);
    html_escape(out, text);
    buf_printf(out, "</h%d>\n", level);
}
static void html_close(buf_t *out) { buf_puts(out, "</section>\n"); }
static const week_render week_html = {html_heading, rt_html, html_para, html_close};

static void render_html(const report_data *d, buf_t *out)
{
    char db[16];
    buf_t t = BUF_INIT;
    pack_title(d, &t);
    buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
               i18n_lang() == LANG_ZH ? "zh-CN" : "en");
    buf_puts(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    html_escape(out, buf_cstr(&t));
    buf_puts(out, " · ");
    html_escape(out, d->plan->name ? d->plan->name : d->plan->id);
    buf_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", html_css);
    html_escape(out, buf_cstr(&t));
    buf_puts(out, "</h1>\n<p class=\"meta\">");
    buf_clear(&t);
    meta_line(d, &t);
    html_escape(out, buf_cstr(&t));
    buf_puts(out, "</p>\n");

    if (d->wk.on) render_week_top(d, &week_html, out);

    html_section_open(out, _("Goals"));
    svg_attainment(d, out);
    rtable *rt = goals_table(d);
    rt_html(rt, out);
    rt_free(rt);
    buf_puts(out, "</section>\n");

    buf_clear(&t);
    buf_printf(&t, _("Revenue by team (%s)"), d->o->period_text);
    html_section_open(out, buf_cstr(&t));
    rt = teams_table(d);
    rt_html(rt, out);
    rt_free(rt);
    buf_puts(out, "</section>\n");

    if (d->rev_goal) {
        buf_clear(&t);
        buf_printf(&t, _("Revenue month by month: %s (to %s)"), d->rev_goal->name ? d->rev_goal->name : d->rev_goal->id, day_format(d->o->as_of, db));
        html_section_open(out, buf_cstr(&t));
        if (d->nmonths == 0) html_para(out, _("The goal's period has not started yet."));
        else {
            svg_months(d, out);
            rt = months_table(d);
            rt_html(rt, out);
            rt_free(rt);
        }
        buf_puts(out, "</section>\n");

        buf_clear(&t);
        buf_printf(&t, _("Reverse funnel: %s (as of %s)"), d->rev_goal->name ? d->rev_goal->name : d->rev_goal->id, day_format(d->o->as_of, db));
        html_section_open(out, buf_cstr(&t));
        buf_clear(&t);
        funnel_summary(&d->fin, &d->fout, &t);
        html_lines(out, buf_cstr(&t));
        rt = funnel_table(d);
        rt_html(rt, out);
        rt_free(rt);
        buf_clear(&t);
        funnel_notes(&d->fout, &t);
        html_lines(out, buf_cstr(&t));
        buf_puts(out, "</section>\n");
    }

    buf_clear(&t);
    buf_printf(&t, _("Customer tiers (as of %s)"), day_format(d->o->as_of, db));
    html_section_open(out, buf_cstr(&t));
    rt = tiers_table(d);
    rt_html(rt, out);
    rt_free(rt);
    buf_puts(out, "</section>\n");

    buf_clear(&t);
    buf_printf(&t, _("Alerts (as of %s)"), day_format(d->o->as_of, db));
    html_section_open(out, buf_cstr(&t));
    rt = alerts_table(d);
    rt_html(rt, out);
    rt_free(rt);
    buf_puts(out, "</section>\n");

    buf_clear(&t);
    buf_printf(&t, _("Overdue tasks (as of %s)"), day_format(d->o->as_of, db));
    html_section_open(out, buf_cstr(&t));
    if (d->noverdue == 0) html_para(out, _("No overdue tasks."));
    else {
        rt = overdue_table(d);
        rt_html(rt, out);
        rt_free(rt);
    }
    buf_puts(out, "</section>\n");

    html_section_open(out, _("Budget burn"));
    if (!d->plan->has_budget && d->budget.nlines == 0) html_para(out, _("The plan has no budget."));
    else {
        rt = budget_table(d);
        rt_html(rt, out);
        rt_free(rt);
    }
    buf_puts(out, "</section>\n");

    html_section_open(out, _("Review notes"));
    if (d->nreviews == 0) html_para(out, _("No review notes for this period."));
    else {
        rt = reviews_table(d);
        rt_html(rt, out);
        rt_free(rt);
    }
    buf_puts(out, "</section>\n</body>\n</html>\n");
    buf_free(&t);
}

/* the workbook rendering of the same data (report --format xlsx) */
#include "report_xlsx.c"

bool report_build(sp_store *st, const sp_plan *plan, const sp_report_opts *o, buf_t *out, sp_err *err)
{
    report_data d;
    memset(&d, 0, sizeof d);
    d.plan = plan;
    /* the pack of P shows P's figures: nothing after P's last day, even
     * when a later as-of date is asked for (a February review written in
     * March shows February) */
    sp_report_opts eff = *o;
    if (eff.as_of > eff.period.last) eff.as_of = eff.period.last;
    d.o = &eff;
    bool ok = gather(st, &d, err);
    if (ok) {
        if (o->format == REPORT_HTML) render_html(&d, out);
        else if (o->format == REPORT_XLSX) ok = render_xlsx(&d, out, err);
        else render_md(&d, out);
    }
    data_free(&d);
    return ok;
}

/* ---- the weekly pack in a few lines (notify's weekly_pack) ---- */

#define SUMMARY_GOALS_MAX 10         /* goals off pace named */
#define SUMMARY_STALE_MAX 5          /* reps with the most stale follow-ups named */

static void summary_money(sp_lang lang, sp_money m, buf_t *out)
{
    char b[48];
    bool wan = lang == LANG_ZH && (m >= 1000000 || m <= -1000000);
    buf_puts(out, wan ? money_shown(m, MONEY_WAN, b) : money_format_grouped(m, b));
}

static void summary_qty(sp_lang lang, sp_unit u, sp_qty q, buf_t *out)
{
    if (u == UNIT_MONEY && !q.null) summary_money(lang, qty_round(q), out);
    else qty_display(u, q, out);
}

static void render_summary(const report_data *d, sp_lang lang, const char *link, buf_t *title, buf_t *out)
{
    char pb[16], db[16];
    buf_printf(title, tr_lang(lang, N_("Weekly report %s: %s")), d->o->period_text,
               d->plan->name && *d->plan->name ? d->plan->name : d->plan->id);
    /* goals: how many at each status, then the ones off pace by name */
    size_t by[GOAL_STATUS_COUNT] = {0};
    for (size_t i = 0; i < d->ngoals; i++) by[d->goals[i].status]++;
    buf_printf(out, tr_lang(lang, N_("Goals (%zu): ")), d->ngoals);
    bool first = true;
    for (int s = 0; s < GOAL_STATUS_COUNT; s++) {
        if (!by[s]) continue;
        if (!first) buf_puts(out, tr_lang(lang, N_(", ")));
        buf_printf(out, "%s %zu", tr_lang(lang, goal_status_label((sp_goal_status)s)), by[s]);
        first = false;
    }
    if (first) buf_puts(out, "—");
    buf_putc(out, '\n');
    size_t off = by[GOAL_AT_RISK] + by[GOAL_OFF_TRACK], no = 0;
    if (off) {
        buf_printf(out, tr_lang(lang, N_("Off pace (%zu)")), off);
        buf_putc(out, '\n');
    }
    for (size_t i = 0; i < d->ngoals && no < SUMMARY_GOALS_MAX; i++) {
        const sp_goal_pace *gp = &d->goals[i];
        if (gp->status != GOAL_AT_RISK && gp->status != GOAL_OFF_TRACK) continue;
        const goal_in_p *cur = &d->goals_p[i], *prev = &d->wk.goals_prev[i];
        sp_unit u = goal_unit(gp->goal);
        buf_t att = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
        qty_pct_display(gp->attainment, &att);
        if (cur->in) summary_qty(lang, u, cur->actual, &a);
        else buf_puts(&a, "—");
        if (prev->in) summary_qty(lang, u, prev->actual, &b);
        else buf_puts(&b, "—");
        buf_printf(out, "%zu. ", ++no);
        buf_printf(out, tr_lang(lang, N_("%s: %s, %s of target to date; this week %s, the week before %s")),
                   gp->goal->name && *gp->goal->name ? gp->goal->name : gp->goal->id,
                   tr_lang(lang, goal_status_label(gp->status)), buf_cstr(&att), buf_cstr(&a), buf_cstr(&b));
        buf_putc(out, '\n');
        buf_free(&att);
        buf_free(&a);
        buf_free(&b);
    }
    if (off > no) {
        buf_printf(out, tr_lang(lang, N_("… and %zu more")), off - no);
        buf_putc(out, '\n');
    }
    /* the week's deals */
    buf_t w = BUF_INIT, l = BUF_INIT;
    summary_money(lang, d->wk.won_sum, &w);
    summary_money(lang, d->wk.lost_sum, &l);
    buf_printf(out, tr_lang(lang, N_("Deals this week: %zu won (%s), %zu new, %zu lost (%s)")), d->wk.nwon,
               buf_cstr(&w), d->wk.ncreated, d->wk.nlost, buf_cstr(&l));
    buf_putc(out, '\n');
    buf_free(&w);
    buf_free(&l);
    /* the reps with the most stale follow-ups (the pack's own order) */
    if (d->alerts.enabled[ALERT_STALE_FOLLOWUP]) {
        const week_rep **v = xcalloc(d->wk.nreps ? d->wk.nreps : 1, sizeof *v);
        size_t n = 0, total = 0;
        for (size_t i = 0; i < d->wk.nreps; i++)
            if (d->wk.reps[i].nstale) {
                v[n++] = &d->wk.reps[i];
                total += d->wk.reps[i].nstale;
            }
        qsort(v, n, sizeof *v, stale_rep_cmp);
        buf_printf(out, tr_lang(lang, N_("Stale follow-ups as of %s: %zu")), day_format(d->o->as_of, db), total);
        buf_putc(out, '\n');
        for (size_t i = 0; i < n && i < SUMMARY_STALE_MAX; i++) {
            buf_printf(out, "%zu. ", i + 1);
            buf_printf(out, tr_lang(lang, N_("%s: %zu, the stalest %d days")), v[i]->name ? v[i]->name : v[i]->rep,
                       v[i]->nstale, (int)v[i]->stale[0]->days);
            buf_putc(out, '\n');
        }
        free(v);
    }
    buf_printf(out, tr_lang(lang, N_("Week %s (%s..%s), the week before %s.")), d->o->period_text,
               day_format(d->o->period.first, pb), day_format(d->o->period.last, db),
               grain_label(GRAIN_WEEK, d->wk.prev.first, (char[16]){0}));
    buf_putc(out, '\n');
    if (link && *link) {
        buf_printf(out, tr_lang(lang, N_("Details: %s")), link);
        buf_putc(out, '\n');
    }
}

bool report_week_summary(sp_store *st, const sp_plan *plan, const sp_report_opts *o, sp_lang lang, const char *link,
                         buf_t *title, buf_t *out, sp_err *err)
{
    if (!is_week(o->period)) {
        err_set(err, SP_EUSAGE, _("'%s' is not an ISO week (YYYY-Www)"), o->period_text);
        return false;
    }
    report_data d;
    memset(&d, 0, sizeof d);
    d.plan = plan;
    sp_report_opts eff = *o; /* the same as report_build: nothing after the week's last day */
    if (eff.as_of > eff.period.last) eff.as_of = eff.period.last;
    d.o = &eff;
    bool ok = gather(st, &d, err);
    if (ok) render_summary(&d, lang, link, title, out);
    data_free(&d);
    return ok;
}

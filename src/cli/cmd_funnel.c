/*
 * cmd_funnel.c — `salesplan funnel [--goal ID] [--as-of DATE]
 * [--format table|json]`: the reverse funnel of SPEC §7 for a revenue goal.
 *
 * Owns: gathering the inputs (the goal's actual, the trailing 12 months'
 * won / lost deals, won amount, leads, leads with an opportunity, qualified
 * leads and visits — each with the goal's filter where it applies to the
 * metric — the plan's qualified-lead and visit goals per month and the reps'
 * visit capacity) and rendering. The arithmetic is core/funnel.c. Without
 * --goal the first top-level revenue goal is used.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/funnel.h"
#include "../core/metrics.h"
#include "../core/pace.h"
#include "../io/out.h"
#include "cli.h"

#define DEFAULT_VISITS_PER_MONTH 8

/* applicable_filter: the keys of f that apply to metric m (the others are
 * dropped: e.g. `product` does not apply to visits). *out owns a new array
 * of borrowed kv. */
static void applicable_filter(const sp_filter *f, sp_metric m, sp_period p, sp_day d, sp_filter *out)
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

enum { FQ_ACTUAL, FQ_WON, FQ_WON_AMOUNT, FQ_WIN_RATE, FQ_LEADS, FQ_CONVERSION, FQ_QUALIFIED, FQ_VISITS, FQ_COUNT };
static const sp_metric fq_metric[FQ_COUNT] = {MET_REVENUE, MET_DEALS_WON, MET_REVENUE, MET_WIN_RATE,
                                              MET_LEADS, MET_LEAD_CONVERSION_RATE, MET_QUALIFIED_LEADS, MET_VISITS};

/* plan_per_month: the plan's top-level goals of metric m, per month (per:
 * month targets as is, others divided by their months); goals that support
 * root_id are preferred when any does. Returns false when the plan has none. */
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
        if (m == MET_VISITS_PER_REP) v /= 100.0;
        if (!g->per_month && months > 0) v /= months;
        if (m == MET_VISITS_PER_REP) {
            size_t reps = 0;
            for (size_t gi = 0; gi < p->ngroups; gi++)
                for (size_t mi = 0; mi < p->groups[gi].nmembers; mi++)
                    if (p->groups[gi].members[mi].role == ROLE_REP) reps++;
            v *= (double)reps;
        }
        *out += v;
        found = true;
    }
    return found;
}

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

static void json_str(buf_t *out, const char *s)
{
    buf_putc(out, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\') buf_printf(out, "\\%c", *p);
        else if (*p < 0x20) buf_printf(out, "\\u%04x", *p);
        else buf_putc(out, (char)*p);
    }
    buf_putc(out, '"');
}

static void json_dbl(buf_t *out, const char *key, bool has, double v)
{
    if (has) buf_printf(out, ", \"%s\": %.2f", key, v);
    else buf_printf(out, ", \"%s\": null", key);
}

static void render_json(const sp_goal *g, sp_day as_of, const sp_funnel_in *in, const sp_funnel_out *o, buf_t *out)
{
    char b[48], db[16];
    unsigned miss = o->missing;
    buf_puts(out, "{\"goal\": ");
    json_str(out, g->id);
    buf_printf(out, ", \"period\": ");
    json_str(out, g->period_text);
    buf_printf(out, ", \"as_of\": \"%s\"", day_format(as_of, db));
    buf_printf(out, ", \"target\": %s", money_format(in->target, b));
    buf_printf(out, ", \"actual\": %s", money_format(in->actual, b));
    buf_printf(out, ", \"remaining\": %s", money_format(o->remaining, b));
    buf_printf(out, ", \"months_left\": %.2f", o->months_left);
    buf_puts(out, ", \"history\": {");
    buf_printf(out, "\"won_deals\": %" PRId64 ", \"lost_deals\": %" PRId64, in->won_deals, in->lost_deals);
    if (miss & FUNNEL_NO_WON) buf_puts(out, ", \"avg_deal_size\": null");
    else buf_printf(out, ", \"avg_deal_size\": %s", money_format(o->avg_deal_size, b));
    if (miss & FUNNEL_NO_CLOSED) buf_puts(out, ", \"win_rate\": null");
    else buf_printf(out, ", \"win_rate\": %.4f", o->win_rate);
    if (miss & FUNNEL_NO_LEADS) buf_puts(out, ", \"lead_conversion_rate\": null, \"qualified_share\": null");
    else buf_printf(out, ", \"lead_conversion_rate\": %.4f, \"qualified_share\": %.4f", o->conversion, o->qualified_share);
    if (miss & FUNNEL_NO_VISITS) buf_puts(out, ", \"visits_per_won_deal\": null");
    else buf_printf(out, ", \"visits_per_won_deal\": %.2f", o->visits_per_won);
    buf_puts(out, "}, \"per_month\": {\"deals\": ");
    if (o->has_deals) buf_printf(out, "%.2f", o->deals);
    else buf_puts(out, "null");
    json_dbl(out, "opportunities", o->has_opportunities, o->opportunities);
    json_dbl(out, "leads", o->has_leads, o->leads);
    json_dbl(out, "qualified_leads", o->has_qualified, o->qualified_leads);
    json_dbl(out, "visits", o->has_visits, o->visits);
    buf_puts(out, "}, \"plan\": {\"qualified_leads\": ");
    if (in->has_qualified_goal) buf_printf(out, "%.2f", in->qualified_goal);
    else buf_puts(out, "null");
    json_dbl(out, "visits", in->has_visits_goal, in->visits_goal);
    buf_printf(out, ", \"visit_capacity\": %.2f}", in->visit_capacity);
    buf_puts(out, ", \"missing\": [");
    bool first = true;
    for (unsigned f = 1; f <= FUNNEL_PERIOD_OVER; f <<= 1) {
        if (!(miss & f)) continue;
        if (!first) buf_puts(out, ", ");
        first = false;
        json_str(out, _(funnel_missing_text(f)));
    }
    buf_puts(out, "]}\n");
}

static void cell_dbl(buf_t *b, bool has, double v, int decimals)
{
    buf_clear(b);
    if (has) buf_printf(b, "%.*f", decimals, v);
    else buf_puts(b, "—");
}

static void render_table(const sp_goal *g, sp_day as_of, const sp_funnel_in *in, const sp_funnel_out *o, buf_t *out)
{
    char b[48], c[48], e[48], db[16];
    unsigned miss = o->missing;
    buf_printf(out, "%s · %s · %s %s\n", g->id, g->period_text, _("as of"), day_format(as_of, db));
    buf_printf(out, _("target %s, actual %s, remaining %s over %.1f months\n"), money_format_grouped(in->target, b),
               money_format_grouped(in->actual, c), money_format_grouped(o->remaining, e), o->months_left);
    buf_printf(out, "%s: ", _("last 12 months"));
    buf_printf(out, "%s %s", _("average deal size"), (miss & FUNNEL_NO_WON) ? "—" : money_format_grouped(o->avg_deal_size, c));
    if (miss & FUNNEL_NO_CLOSED) buf_printf(out, ", %s —", _("win rate"));
    else buf_printf(out, ", %s %.1f%%", _("win rate"), o->win_rate * 100);
    if (miss & FUNNEL_NO_LEADS) buf_printf(out, ", %s —", _("lead conversion"));
    else buf_printf(out, ", %s %.1f%% (%s %.1f%%)", _("lead conversion"), o->conversion * 100, _("qualified"),
                    o->qualified_share * 100);
    if (miss & FUNNEL_NO_VISITS) buf_printf(out, ", %s —\n\n", _("visits per won deal"));
    else buf_printf(out, ", %s %.1f\n\n", _("visits per won deal"), o->visits_per_won);

    sp_table_out *t = tableout_new(4);
    for (size_t k = 1; k < 4; k++) tableout_numeric(t, k, true);
    const char *head[4] = {_("needed per month"), _("need"), _("plan"), _("gap")};
    tableout_row(t, head);
    buf_t a = BUF_INIT, p = BUF_INIT, gp = BUF_INIT;
    struct {
        const char *label;
        bool has;
        double v;
        bool has_plan;
        double plan;
        bool has_gap;
        double gap;
    } rows[] = {
        {_("deals won"), o->has_deals, o->deals, false, 0, false, 0},
        {_("opportunities closed"), o->has_opportunities, o->opportunities, false, 0, false, 0},
        {_("leads"), o->has_leads, o->leads, false, 0, false, 0},
        {_("qualified leads"), o->has_qualified, o->qualified_leads, in->has_qualified_goal, in->qualified_goal,
         o->has_qualified_gap, o->qualified_gap},
        {_("visits"), o->has_visits, o->visits, in->has_visits_goal, in->visits_goal, o->has_visits_gap,
         o->visits_gap},
        {_("visit capacity"), true, in->visit_capacity, false, 0, o->has_capacity_gap, o->capacity_gap},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cell_dbl(&a, rows[i].has, rows[i].v, 1);
        cell_dbl(&p, rows[i].has_plan, rows[i].plan, 1);
        cell_dbl(&gp, rows[i].has_gap, rows[i].gap, 1);
        if (i == 5) {
            buf_clear(&p);
            buf_clear(&a);
            buf_puts(&p, "");
            buf_printf(&a, "%.1f", in->visit_capacity);
        }
        const char *row[4] = {rows[i].label, buf_cstr(&a), buf_cstr(&p), buf_cstr(&gp)};
        tableout_row(t, row);
    }
    tableout_render(t, out);
    tableout_free(t);
    buf_free(&a);
    buf_free(&p);
    buf_free(&gp);
    if (o->has_qualified_gap && o->qualified_gap > 0)
        buf_printf(out, _("the plan asks for %.1f fewer qualified leads a month than the funnel needs\n"), o->qualified_gap);
    if (o->has_capacity_gap && o->capacity_gap > 0)
        buf_printf(out, _("the visits needed exceed the team's capacity by %.1f a month\n"), o->capacity_gap);
    for (unsigned f = 1; f <= FUNNEL_PERIOD_OVER; f <<= 1)
        if (miss & f) buf_printf(out, "%s\n", _(funnel_missing_text(f)));
}

int funnel_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"goal", required_argument, NULL, 'g'},
                                         {"as-of", required_argument, NULL, 'a'},
                                         {"format", required_argument, NULL, 'f'},
                                         {NULL, 0, NULL, 0}};
    const char *goal_id = NULL, *as_of_s = NULL;
    int format = FMT_TABLE, c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "g:a:f:", opts, NULL)) != -1) {
        switch (c) {
        case 'g': goal_id = optarg; break;
        case 'a': as_of_s = optarg; break;
        case 'f':
            format = cli_parse_format(optarg, (1u << FMT_TABLE) | (1u << FMT_JSON));
            if (format < 0) return cli_usage_error("funnel", _("unknown format '%s' (table, json)"), optarg);
            break;
        default: return cli_usage_error("funnel", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (optind < argc) return cli_usage_error("funnel", _("unexpected argument '%s'"), argv[optind]);
    sp_day as_of = 0;
    const char *why = NULL;
    if (as_of_s && !date_parse(as_of_s, &as_of, &why))
        return cli_usage_error("funnel", _("bad --as-of date '%s': %s"), as_of_s, _(why));

    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    bool failed = false;
    sp_plan *plan = cli_load_plan(cli, st, &failed);
    if (failed) {
        store_close(st);
        return 1;
    }
    if (!plan) {
        fprintf(stderr, "salesplan: %s\n", _("the workspace has no plan yet: run 'salesplan plan import FILE' first"));
        store_close(st);
        return 1;
    }
    int rc = 0;
    const sp_goal *g = NULL;
    if (goal_id) {
        g = plan_find_goal(plan, goal_id);
        if (!g) rc = cli_usage_error("funnel", _("no goal '%s' in plan %s"), goal_id, plan->id);
        else if (g->metric != MET_REVENUE)
            rc = cli_usage_error("funnel", _("goal '%s' is not a revenue goal (its metric is %s)"), goal_id,
                                 sp_metrics[g->metric].name);
    } else {
        for (size_t i = 0; i < plan->ngoals && !g; i++)
            if (plan->goals[i].metric == MET_REVENUE) g = &plan->goals[i];
        if (!g) rc = cli_usage_error("funnel", "%s", _("the plan has no revenue goal: name one with --goal ID"));
    }
    if (rc) {
        plan_free(plan);
        store_close(st);
        return rc;
    }
    if (!as_of_s) as_of = cli_today(plan->timezone);

    sp_tier_level *tiers = NULL;
    size_t ntiers = 0;
    tiers_from_plan(plan, &tiers, &ntiers);
    sp_period t12 = {day_minus_year(as_of) + 1, as_of};
    sp_kpi_query q[FQ_COUNT];
    sp_filter filt[FQ_COUNT];
    sp_load_spec spec;
    load_spec_init(&spec);
    for (int i = 0; i < FQ_COUNT; i++) {
        sp_period p = i == FQ_ACTUAL ? g->period : t12;
        applicable_filter(&g->filter, fq_metric[i], p, as_of, &filt[i]);
        memset(&q[i], 0, sizeof q[i]);
        q[i].metric = fq_metric[i];
        q[i].period = p;
        q[i].as_of = as_of;
        q[i].where = filt[i];
        q[i].tiers = tiers;
        q[i].ntiers = ntiers;
        sp_load_spec s;
        kpi_load_spec(&q[i], &s);
        pace_spec_union(&spec, &s);
    }
    sp_err err = SP_ERR_INIT;
    sp_dataset *ds = dataset_new();
    sp_kpi_value val[FQ_COUNT];
    memset(val, 0, sizeof val);
    if (!st->ops->load(st, &spec, ds, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    for (int i = 0; i < FQ_COUNT; i++) {
        sp_kpi_result r;
        memset(&r, 0, sizeof r);
        bool ok = kpi_compute(ds, &q[i], &r, &err);
        if (ok) val[i] = r.total;
        kpi_result_free(&r);
        if (!ok) {
            rc = cli_fail(&err);
            goto done;
        }
    }

    sp_funnel_in in;
    memset(&in, 0, sizeof in);
    in.target = g->target;
    in.actual = as_of < g->period.first ? 0 : val[FQ_ACTUAL].ival;
    if (as_of > g->period.last) in.months_left = 0;
    else if (as_of < g->period.first) in.months_left = pace_months_in(g->period);
    else {
        sp_period rest = {as_of + 1, g->period.last};
        in.months_left = rest.first <= rest.last ? pace_months_in(rest) : 0;
        if (in.months_left < 1) in.months_left = 1;
    }
    in.won_deals = val[FQ_WON].ival;
    in.won_amount = val[FQ_WON_AMOUNT].ival;
    int64_t closed = (int64_t)val[FQ_WIN_RATE].den;
    in.lost_deals = closed - (int64_t)val[FQ_WIN_RATE].num;
    if (in.lost_deals < 0) in.lost_deals = 0;
    in.leads = val[FQ_LEADS].ival;
    in.leads_with_opp = val[FQ_CONVERSION].null ? 0 : (int64_t)val[FQ_CONVERSION].num;
    in.qualified_leads = val[FQ_QUALIFIED].ival;
    in.visits = val[FQ_VISITS].ival;
    const char *root_id = g->id;
    for (const sp_goal *r = g; r; r = r->parent) root_id = r->id;
    in.has_qualified_goal = plan_per_month(plan, MET_QUALIFIED_LEADS, root_id, &in.qualified_goal);
    double v1 = 0, v2 = 0;
    bool h1 = plan_per_month(plan, MET_VISITS, root_id, &v1);
    bool h2 = plan_per_month(plan, MET_VISITS_PER_REP, root_id, &v2);
    in.has_visits_goal = h1 || h2;
    in.visits_goal = v1 + v2;
    in.visit_capacity = visit_capacity(plan);

    sp_funnel_out o;
    funnel_compute(&in, &o);
    buf_t out = BUF_INIT;
    if (format == FMT_JSON) render_json(g, as_of, &in, &o, &out);
    else render_table(g, as_of, &in, &o, &out);
    fwrite(out.data ? out.data : "", 1, out.len, stdout);
    if (fflush(stdout) != 0) rc = 1;
    buf_free(&out);
done:
    for (int i = 0; i < FQ_COUNT; i++) free(filt[i].kv);
    dataset_free(ds);
    free(tiers);
    err_free(&err);
    plan_free(plan);
    store_close(st);
    return rc;
}

/*
 * app_funnel.c — the funnel verb: the reverse funnel of a revenue goal
 * (core/funnel.c: inputs gathered from the data and the plan, arithmetic,
 * what-if), and its one JSON shape.
 *
 * Owns: choosing the goal (in the caller's scope), the load sequence of the
 * funnel. Prints nothing.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app_int.h"

bool app_funnel(const sp_funnel_req *rq, sp_funnel_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    sp_store *st = rq->r.st;
    bool ok = false;
    sp_tier_level *tiers = NULL;
    sp_dataset *ds = NULL;
    res->lang = rq->r.lang;
    if (!app_load_plan(st, rq->r.plan_id, true, &res->plan, err)) goto done;
    const sp_plan *plan = res->plan;
    const sp_scope *scope = &rq->r.scope;
    const sp_goal *g = NULL;
    if (rq->goal_id) {
        g = plan_find_goal(plan, rq->goal_id);
        if (!g || !app_goal_in_scope(scope, plan, g)) {
            err_set(err, SP_EUSAGE, _("no goal '%s' in plan %s"), rq->goal_id, plan->id);
            res->bad_param = true;
            goto done;
        }
        if (g->metric != MET_REVENUE) {
            err_set(err, SP_EUSAGE, _("goal '%s' is not a revenue goal (its metric is %s)"), rq->goal_id,
                    sp_metrics[g->metric].name);
            res->bad_param = true;
            goto done;
        }
    } else {
        for (size_t i = 0; i < plan->ngoals && !g; i++)
            if (plan->goals[i].metric == MET_REVENUE && app_goal_in_scope(scope, plan, &plan->goals[i]))
                g = &plan->goals[i];
        if (!g) {
            err_set(err, SP_EUSAGE, "%s", _("the plan has no revenue goal: name one with --goal ID"));
            res->bad_param = true;
            goto done;
        }
    }
    res->goal = g;
    res->as_of = app_as_of(&rq->r, plan);
    size_t ntiers = 0;
    tiers_from_plan(plan, &tiers, &ntiers);
    sp_load_spec spec;
    funnel_load_spec(g, res->as_of, tiers, ntiers, &spec);
    ds = dataset_new();
    if (!st->ops->load(st, &spec, ds, err) || !funnel_gather(plan, ds, g, res->as_of, tiers, ntiers, &res->in, err))
        goto done;
    funnel_compute(&res->in, &res->out);
    if (rq->whatif && rq->whatif->n > 0) {
        res->whatif = *rq->whatif;
        res->has_whatif = true;
        if (!funnel_whatif(&res->in, &res->out, &res->whatif, &res->wout, err)) goto done;
    }
    ok = true;
done:
    dataset_free(ds);
    free(tiers);
    app_lang_leave(lang);
    return ok;
}

void app_funnel_free(sp_funnel_res *res)
{
    plan_free(res->plan);
    memset(res, 0, sizeof *res);
}

/* ---- JSON ---- */

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

void app_funnel_whatif_rows(const sp_funnel_out *c, const sp_funnel_out *w, sp_whatif_row *r)
{
    const sp_whatif_row v[APP_WHATIF_NROWS] = {
        {N_("average deal size"), "avg_deal_size", 2, !(c->missing & FUNNEL_NO_WON), !(w->missing & FUNNEL_NO_WON), 0, 0,
         c->avg_deal_size, w->avg_deal_size},
        {N_("win rate"), "win_rate", 1, !(c->missing & FUNNEL_NO_CLOSED), !(w->missing & FUNNEL_NO_CLOSED), c->win_rate,
         w->win_rate, 0, 0},
        {N_("lead conversion"), "lead_conversion_rate", 1, !(c->missing & (FUNNEL_NO_LEADS | FUNNEL_NO_CONVERSION)),
         !(w->missing & (FUNNEL_NO_LEADS | FUNNEL_NO_CONVERSION)), c->conversion, w->conversion, 0, 0},
        {N_("deals won"), "deals", 0, c->has_deals, w->has_deals, c->deals, w->deals, 0, 0},
        {N_("opportunities closed"), "opportunities", 0, c->has_opportunities, w->has_opportunities, c->opportunities,
         w->opportunities, 0, 0},
        {N_("leads"), "leads", 0, c->has_leads, w->has_leads, c->leads, w->leads, 0, 0},
        {N_("qualified leads"), "qualified_leads", 0, c->has_qualified, w->has_qualified, c->qualified_leads,
         w->qualified_leads, 0, 0},
        {N_("visits"), "visits", 0, c->has_visits, w->has_visits, c->visits, w->visits, 0, 0},
    };
    memcpy(r, v, sizeof v);
}

/* whatif_json: the "what_if" member (appended before the closing brace). */
static void whatif_json(const sp_funnel_whatif *w, const sp_funnel_out *o, const sp_funnel_out *wo, buf_t *out)
{
    char b[48];
    buf_puts(out, ", \"what_if\": {\"changes\": {");
    bool first = true;
    for (int r = 0; r < FRATE_COUNT; r++) {
        if (!w->set[r]) continue;
        buf_printf(out, "%s\"%s\": ", first ? "" : ", ", funnel_rate_name((sp_funnel_rate)r));
        json_str(out, w->text[r]);
        first = false;
    }
    buf_puts(out, "}");
    sp_whatif_row rows[APP_WHATIF_NROWS];
    app_funnel_whatif_rows(o, wo, rows);
    for (size_t i = 0; i < APP_WHATIF_NROWS; i++) {
        const sp_whatif_row *r = &rows[i];
        if (i == 0) buf_puts(out, ", \"rates\": {");
        if (i == 3) buf_puts(out, "}, \"per_month\": {");
        buf_printf(out, "%s\"%s\": {", (i == 0 || i == 3) ? "" : ", ", r->key);
        for (int k = 0; k < 3; k++) {
            static const char *const names[3] = {"current", "what_if", "difference"};
            bool has = k == 0 ? r->has_a : k == 1 ? r->has_b : r->has_a && r->has_b;
            buf_printf(out, "%s\"%s\": ", k ? ", " : "", names[k]);
            if (!has) {
                buf_puts(out, "null");
            } else if (r->kind == 2) {
                sp_money v = k == 0 ? r->ma : k == 1 ? r->mb : 0;
                if (k == 2 && __builtin_sub_overflow(r->mb, r->ma, &v)) buf_puts(out, "null");
                else buf_puts(out, money_format(v, b));
            } else {
                double v = k == 0 ? r->a : k == 1 ? r->b : r->b - r->a;
                buf_printf(out, r->kind == 1 ? "%.4f" : "%.2f", v);
            }
        }
        buf_putc(out, '}');
    }
    buf_puts(out, "}}");
}

void app_funnel_json(const sp_funnel_res *res, buf_t *out)
{
    const sp_goal *g = res->goal;
    const sp_funnel_in *in = &res->in;
    const sp_funnel_out *o = &res->out;
    char b[48], db[16];
    unsigned miss = o->missing;
    buf_puts(out, "{\"goal\": ");
    json_str(out, g->id);
    buf_printf(out, ", \"period\": ");
    json_str(out, g->period_text);
    buf_printf(out, ", \"as_of\": \"%s\"", day_format(res->as_of, db));
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
        json_str(out, tr_lang(res->lang, funnel_missing_text(f)));
    }
    buf_putc(out, ']');
    if (res->has_whatif) whatif_json(&res->whatif, o, &res->wout, out);
    buf_puts(out, "}\n");
}

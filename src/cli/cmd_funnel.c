/*
 * cmd_funnel.c — `salesplan funnel [--goal ID] [--as-of DATE]
 * [--format table|json] [--what-if RATE=CHANGE]…`: the reverse funnel of
 * SPEC §7 for a revenue goal, and what it needs with changed rates.
 *
 * Owns: option parsing, choosing the goal, loading and rendering. Gathering
 * the inputs (the goal's actual, the trailing 12 months' history with the
 * goal's filter where it applies, the plan's process goals per month, the
 * reps' visit capacity) and the arithmetic are core/funnel.c, shared with
 * the review pack. Without --goal the first top-level revenue goal is used.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/funnel.h"
#include "../core/metrics.h"
#include "../io/out.h"
#include "cli.h"

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
    buf_putc(out, ']');
}

/* ---- what-if: current | what-if | difference ---- */

/* One compared quantity: a need per month, a ratio or an amount (fen). */
typedef struct wi_row {
    const char *label;               /* N_() text */
    const char *key;                 /* JSON key */
    int kind;                        /* 0 need, 1 ratio, 2 money */
    bool has_a, has_b;
    double a, b;                     /* need or ratio; money: fen as double (exact below 2^53) */
    sp_money ma, mb;
} wi_row;

enum { WI_NROWS = 8 };

static void wi_rows(const sp_funnel_out *c, const sp_funnel_out *w, wi_row *r)
{
    const wi_row v[WI_NROWS] = {
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

/* wi_cell: one value as the table shows it ("—" when absent). */
static void wi_cell(buf_t *b, const wi_row *r, int which)
{
    char m[48];
    bool has = which == 0 ? r->has_a : which == 1 ? r->has_b : r->has_a && r->has_b;
    buf_clear(b);
    if (!has) {
        buf_puts(b, "—");
        return;
    }
    if (r->kind == 2) {
        sp_money v = which == 0 ? r->ma : which == 1 ? r->mb : 0;
        if (which == 2 && __builtin_sub_overflow(r->mb, r->ma, &v)) {
            buf_puts(b, "—");
            return;
        }
        if (which == 2 && v > 0) buf_putc(b, '+');
        buf_puts(b, money_format_grouped(v, m));
    } else if (r->kind == 1) {
        if (which == 2) buf_printf(b, "%+.1fpp", (r->b - r->a) * 100);
        else buf_printf(b, "%.1f%%", (which == 0 ? r->a : r->b) * 100);
    } else {
        if (which == 2) buf_printf(b, "%+.1f", r->b - r->a);
        else buf_printf(b, "%.1f", which == 0 ? r->a : r->b);
    }
}

static void whatif_changes_text(const sp_funnel_whatif *w, buf_t *out)
{
    bool first = true;
    for (int r = 0; r < FRATE_COUNT; r++) {
        if (!w->set[r]) continue;
        buf_printf(out, "%s%s %s", first ? "" : ", ", funnel_rate_name((sp_funnel_rate)r), w->text[r]);
        first = false;
    }
}

static void render_whatif_table(const sp_funnel_whatif *w, const sp_funnel_out *o, const sp_funnel_out *wo,
                                buf_t *out)
{
    buf_t ch = BUF_INIT;
    whatif_changes_text(w, &ch);
    buf_putc(out, '\n');
    buf_printf(out, _("what-if: %s\n\n"), buf_cstr(&ch));
    buf_free(&ch);
    sp_table_out *t = tableout_new(4);
    for (size_t k = 1; k < 4; k++) tableout_numeric(t, k, true);
    const char *head[4] = {_("per month"), _("current"), _("what-if"), _("difference")};
    tableout_row(t, head);
    wi_row rows[WI_NROWS];
    wi_rows(o, wo, rows);
    buf_t c[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
    for (size_t i = 0; i < WI_NROWS; i++) {
        for (int k = 0; k < 3; k++) wi_cell(&c[k], &rows[i], k);
        const char *row[4] = {_(rows[i].label), buf_cstr(&c[0]), buf_cstr(&c[1]), buf_cstr(&c[2])};
        tableout_row(t, row);
    }
    tableout_render(t, out);
    tableout_free(t);
    for (int k = 0; k < 3; k++) buf_free(&c[k]);
    buf_t notes = BUF_INIT;
    funnel_notes(wo, &notes);
    if (notes.len) buf_printf(out, "%s\n%s", _("with the what-if:"), buf_cstr(&notes));
    buf_free(&notes);
}

/* render_whatif_json: the "what_if" member (appended before the closing brace). */
static void render_whatif_json(const sp_funnel_whatif *w, const sp_funnel_out *o, const sp_funnel_out *wo, buf_t *out)
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
    wi_row rows[WI_NROWS];
    wi_rows(o, wo, rows);
    for (size_t i = 0; i < WI_NROWS; i++) {
        const wi_row *r = &rows[i];
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

static void cell_dbl(buf_t *b, bool has, double v, int decimals)
{
    buf_clear(b);
    if (has) buf_printf(b, "%.*f", decimals, v);
    else buf_puts(b, "—");
}

static void render_table(const sp_goal *g, sp_day as_of, const sp_funnel_in *in, const sp_funnel_out *o, buf_t *out)
{
    char c[48], db[16];
    unsigned miss = o->missing;
    buf_printf(out, "%s · %s · %s %s\n", g->id, g->period_text, _("as of"), day_format(as_of, db));
    funnel_summary(in, o, out);
    buf_printf(out, "%s%s", _("last 12 months"), _(": ")); /* ：in Chinese */
    buf_printf(out, "%s %s", _("average deal size"), (miss & FUNNEL_NO_WON) ? "—" : money_format_grouped(o->avg_deal_size, c));
    if (miss & FUNNEL_NO_CLOSED) buf_printf(out, "%s%s —", _(", "), _("win rate"));
    else buf_printf(out, "%s%s %.1f%%", _(", "), _("win rate"), o->win_rate * 100);
    if (miss & FUNNEL_NO_LEADS) buf_printf(out, "%s%s —", _(", "), _("lead conversion"));
    else buf_printf(out, "%s%s %.1f%% (%s %.1f%%)", _(", "), _("lead conversion"), o->conversion * 100, _("qualified"),
                    o->qualified_share * 100);
    if (miss & FUNNEL_NO_VISITS) buf_printf(out, "%s%s —\n\n", _(", "), _("visits per won deal"));
    else buf_printf(out, "%s%s %.1f\n\n", _(", "), _("visits per won deal"), o->visits_per_won);

    sp_table_out *t = tableout_new(4);
    for (size_t k = 1; k < 4; k++) tableout_numeric(t, k, true);
    const char *head[4] = {_("needed per month"), _("need"), _("plan"), _("gap")};
    tableout_row(t, head);
    buf_t a = BUF_INIT, p = BUF_INIT, gp = BUF_INIT;
    sp_funnel_row rows[FUNNEL_NROWS];
    funnel_rows(in, o, rows);
    for (size_t i = 0; i < FUNNEL_NROWS; i++) {
        cell_dbl(&a, rows[i].has_need, rows[i].need, 1);
        cell_dbl(&p, rows[i].has_plan, rows[i].plan, 1);
        if (rows[i].no_plan_cell) buf_clear(&p);
        cell_dbl(&gp, rows[i].has_gap, rows[i].gap, 1);
        const char *row[4] = {_(rows[i].label), buf_cstr(&a), buf_cstr(&p), buf_cstr(&gp)};
        tableout_row(t, row);
    }
    tableout_render(t, out);
    tableout_free(t);
    buf_free(&a);
    buf_free(&p);
    buf_free(&gp);
    funnel_notes(o, out);
}

int funnel_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"goal", required_argument, NULL, 'g'},
                                         {"as-of", required_argument, NULL, 'a'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"what-if", required_argument, NULL, 'w'},
                                         {NULL, 0, NULL, 0}};
    const char *goal_id = NULL, *as_of_s = NULL;
    sp_funnel_whatif wi;
    memset(&wi, 0, sizeof wi);
    sp_err werr = SP_ERR_INIT;
    int format = FMT_TABLE, c;
    cli_opts op = CLI_OPTS("funnel", "g:a:f:w:", opts, "w");
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        switch (c) {
        case 'g': goal_id = optarg; break;
        case 'w':
            /* repeated --what-if accumulate; the same rate twice is refused */
            if (!funnel_whatif_add(&wi, optarg, &werr)) {
                int r = cli_usage_error("funnel", "%.*s", (int)strcspn(buf_cstr(&werr.msg), "\n"), buf_cstr(&werr.msg));
                err_free(&werr);
                return r;
            }
            break;
        case 'a': as_of_s = optarg; break;
        case 'f':
            if ((format = cli_format_opt("funnel", optarg, (1u << FMT_TABLE) | (1u << FMT_JSON))) < 0) return 2;
            break;
        default: return cli_usage_error("funnel", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (op.rc) return op.rc;
    if (optind < argc) return cli_usage_error("funnel", _("unexpected argument '%s'"), argv[optind]);
    sp_day as_of = 0;
    if (cli_parse_as_of("funnel", as_of_s, &as_of)) return 2;

    sp_store *st = NULL;
    sp_plan *plan = NULL;
    if (cli_open_plan(cli, true, &st, &plan)) return 1;
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
    as_of = cli_as_of(as_of, plan);

    sp_tier_level *tiers = NULL;
    size_t ntiers = 0;
    tiers_from_plan(plan, &tiers, &ntiers);
    sp_load_spec spec;
    funnel_load_spec(g, as_of, tiers, ntiers, &spec);
    sp_err err = SP_ERR_INIT;
    sp_dataset *ds = dataset_new();
    sp_funnel_in in;
    if (!st->ops->load(st, &spec, ds, &err) || !funnel_gather(plan, ds, g, as_of, tiers, ntiers, &in, &err)) {
        rc = cli_fail(&err);
        goto done;
    }

    sp_funnel_out o, wo;
    funnel_compute(&in, &o);
    if (wi.n > 0 && !funnel_whatif(&in, &o, &wi, &wo, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    buf_t out = BUF_INIT;
    if (format == FMT_JSON) {
        render_json(g, as_of, &in, &o, &out);
        if (wi.n > 0) render_whatif_json(&wi, &o, &wo, &out);
        buf_puts(&out, "}\n");
    } else {
        render_table(g, as_of, &in, &o, &out);
        if (wi.n > 0) render_whatif_table(&wi, &o, &wo, &out);
    }
    fwrite(out.data ? out.data : "", 1, out.len, stdout);
    if (fflush(stdout) != 0) rc = 1;
    buf_free(&out);
done:
    dataset_free(ds);
    free(tiers);
    err_free(&err);
    plan_free(plan);
    store_close(st);
    return rc;
}

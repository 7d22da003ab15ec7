/*
 * cmd_status.c — `salesplan status [--plan ID] [--as-of DATE] [--goal ID]
 * [--format table|json|csv]`: every goal of the plan (SPEC §7) with target,
 * actual, expected to date, projection, attainment, status and pacing;
 * children of splits under their parent; per-month goals month by month;
 * revenue goals with pipeline coverage and forecast.
 *
 * Owns: option parsing and the table and CSV renderings; the verb
 * (app_status: loading, pace, scope) and the JSON shape (app_status_json)
 * are app/'s, shared with the web face. The numbers come from core/pace.c;
 * money is printed from integer fen (money_format), never through a double.
 * Colour only when stdout is a terminal and NO_COLOR is unset.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/metrics.h"
#include "../core/pace.h"
#include "../io/out.h"
#include "cli.h"

#define BAR_CELLS 5
#define TABLE_WIDTH 100   /* the table fits a 100-column terminal */

/* ---- value text ---- */

/* num_machine: q in unit u for JSON/CSV ("" when null): money "1234.50",
 * counts integers, ratios as fractions, days / count-per-month / manual as
 * decimals. */
static void num_machine(sp_unit u, sp_qty q, buf_t *out)
{
    char b[64];
    if (q.null) return;
    switch (u) {
    case UNIT_MONEY: buf_puts(out, money_format(qty_round(q), b)); break;
    case UNIT_COUNT: buf_printf(out, "%" PRId64, qty_round(q)); break;
    case UNIT_RATIO: buf_puts(out, qty_decimal(q, SP_RATIO_ONE, 6, true, b)); break;
    default: buf_puts(out, qty_decimal(q, 100, 2, true, b)); break;
    }
}

/* frac_machine: a plain fraction (attainment, coverage), 4 decimals. */
static void frac_machine(sp_qty q, buf_t *out)
{
    char b[64];
    if (!q.null) buf_puts(out, qty_decimal(q, 1, 4, true, b));
}

static sp_unit goal_unit(const sp_goal *g) { return sp_metrics[g->metric].unit; }

/* ---- CSV ---- */

static void render_csv(const sp_status_res *res, buf_t *out)
{
    const sp_goal_pace *v = res->goals;
    size_t n = res->n;
    buf_puts(out, "id,parent,name,metric,period,target,actual,expected,projection,attainment,status,pacing,"
                  "pipeline_coverage,forecast,months_met\r\n");
    for (size_t i = 0; i < n; i++) {
        if (!app_status_visible(res, i)) continue;
        const sp_goal_pace *gp = &v[i];
        const sp_goal *g = gp->goal;
        sp_unit u = goal_unit(g);
        out_csv_cell(out, g->id, true);
        buf_putc(out, ',');
        if (gp->parent != SIZE_MAX) out_csv_cell(out, v[gp->parent].goal->id, true);
        buf_putc(out, ',');
        out_csv_cell(out, g->name, true);
        buf_putc(out, ',');
        out_csv_cell(out, sp_metrics[g->metric].name, false);
        buf_putc(out, ',');
        out_csv_cell(out, g->period_text, false);
        sp_qty nums[4] = {gp->target, gp->actual, gp->expected, gp->projection};
        for (int k = 0; k < 4; k++) {
            buf_putc(out, ',');
            num_machine(u, nums[k], out);
        }
        buf_putc(out, ',');
        frac_machine(gp->attainment, out);
        buf_printf(out, ",%s,%s,", goal_status_name(gp->status), gp->pacing == PACING_SEASONAL ? "seasonal" : "linear");
        if (gp->is_revenue) frac_machine(gp->pipeline_coverage, out);
        buf_putc(out, ',');
        if (gp->is_revenue) num_machine(UNIT_MONEY, gp->forecast, out);
        buf_putc(out, ',');
        if (g->per_month) buf_printf(out, "%d", gp->months_met);
        buf_puts(out, "\r\n");
    }
}

/* ---- table ---- */


static const char *status_colour(sp_goal_status s)
{
    switch (s) {
    case GOAL_ON_TRACK:
    case GOAL_ACHIEVED: return "\033[32m";
    case GOAL_AT_RISK: return "\033[33m";
    case GOAL_OFF_TRACK:
    case GOAL_MISSED: return "\033[31m";
    default: return "\033[2m";
    }
}

/* shown: q in unit u for people: money in the --unit (cli_money), the
 * rest as qty_display. whole: money in whole yuan (the table's planning
 * figures; JSON and CSV keep the fen). */
static void shown_money(sp_unit u, sp_qty q, bool whole, buf_t *out)
{
    char b[48];
    if (u != UNIT_MONEY || q.null) {
        qty_display(u, q, out);
        return;
    }
    int64_t fen = qty_round(q);
    if (whole && cli_money_unit() == MONEY_YUAN) {
        fen = fen < 0 ? -((-fen + 50) / 100 * 100) : (fen + 50) / 100 * 100;
        cli_money(fen, b);
        size_t n = strlen(b);
        if (n > 3 && strcmp(b + n - 3, ".00") == 0) b[n - 3] = '\0';
        buf_puts(out, b);
        return;
    }
    buf_puts(out, cli_money(fen, b));
}

static void shown(sp_unit u, sp_qty q, buf_t *out) { shown_money(u, q, false, out); }

/* goal_label: the goal's name where a person reads (its id without one). */
static const char *goal_label(const sp_goal *g) { return g->name && *g->name ? g->name : g->id; }

/* bar: BAR_CELLS cells, filled in proportion to attainment (capped at 1). */
static void bar(sp_qty att, buf_t *out)
{
    int64_t filled = 0;
    if (!att.null && att.num > 0) {
        if (qty_cmp(att, qty_int(1)) >= 0) filled = BAR_CELLS;
        else filled = (int64_t)((__int128)att.num * BAR_CELLS / att.den);
    }
    for (int64_t i = 0; i < BAR_CELLS; i++) buf_puts(out, i < filled ? "█" : "░");
}

static void render_table(const sp_status_res *res, buf_t *out)
{
    const sp_plan *plan = res->plan;
    const sp_goal_pace *v = res->goals;
    size_t n = res->n, root = res->root;
    sp_day as_of = res->as_of;
    char db[16], b[64];
    bool colour = cli_is_tty() && !getenv("NO_COLOR");
    buf_printf(out, "%s · %s · %s %s\n\n", plan->id, plan->name ? plan->name : "", _("as of"), day_format(as_of, db));
    /* names where a person reads (ids in JSON and CSV); the goal column
     * gives way so the table fits TABLE_WIDTH */
    enum { NC = 8 };
    sp_table_out *t = tableout_new(NC);
    for (size_t k = 2; k <= 6; k++) tableout_numeric(t, k, true);
    tableout_fit(t, 0, TABLE_WIDTH);
    const char *head[NC] = {_("goal"),       _("period"),     _("target"), _("actual"),
                            _("expected"),   _("projection"), _("attainment"), _("status")};
    tableout_row(t, head);
    buf_t cells[NC];
    for (size_t k = 0; k < NC; k++) memset(&cells[k], 0, sizeof cells[k]);
    for (size_t i = 0; i < n; i++) {
        if (!app_status_visible(res, i)) continue;
        const sp_goal_pace *gp = &v[i];
        const sp_goal *g = gp->goal;
        sp_unit u = goal_unit(g);
        for (size_t k = 0; k < NC; k++) buf_clear(&cells[k]);
        int depth = gp->depth - (root != SIZE_MAX ? v[root].depth : 0);
        for (int d = 0; d < depth; d++) buf_puts(&cells[0], "  ");
        buf_puts(&cells[0], goal_label(g));
        buf_puts(&cells[1], g->period_text ? g->period_text : "");
        /* a per-month goal: its figures are the current month's */
        if (g->per_month) {
            buf_clear(&cells[1]);
            buf_puts(&cells[1], grain_label(GRAIN_MONTH, gp->current.first, b));
        }
        shown_money(u, gp->target, true, &cells[2]);
        shown_money(u, gp->actual, true, &cells[3]);
        shown_money(u, gp->expected, true, &cells[4]);
        shown_money(u, gp->projection, true, &cells[5]);
        qty_pct_display(gp->attainment, &cells[6]);
        buf_putc(&cells[6], ' ');
        bar(gp->attainment, &cells[6]);
        if (colour) buf_puts(&cells[7], status_colour(gp->status));
        buf_puts(&cells[7], _(goal_status_label(gp->status)));
        if (colour) buf_puts(&cells[7], "\033[0m");
        const char *row[NC];
        for (size_t k = 0; k < NC; k++) row[k] = buf_cstr(&cells[k]);
        tableout_row(t, row);
    }
    tableout_render(t, out);
    tableout_free(t);
    for (size_t k = 0; k < NC; k++) buf_free(&cells[k]);

    /* notes: revenue pipelines, months of per-month goals, pacing */
    bool sep = false;
    for (size_t i = 0; i < n; i++) {
        if (!app_status_visible(res, i)) continue;
        const sp_goal_pace *gp = &v[i];
        const sp_goal *g = gp->goal;
        bool rev_note = gp->is_revenue && !gp->pipeline.null;
        if (!rev_note && !g->per_month && !(plan->pacing == PACING_SEASONAL && gp->pacing != PACING_SEASONAL &&
                                                   sp_metrics[g->metric].additive))
            continue;
        if (!sep) buf_putc(out, '\n');
        sep = true;
        if (gp->is_revenue && !gp->pipeline.null) {
            buf_t p = BUF_INIT, c = BUF_INIT, f = BUF_INIT;
            shown(UNIT_MONEY, gp->pipeline, &p);
            if (gp->pipeline_coverage.null) buf_puts(&c, "—");
            else buf_printf(&c, "%s×", qty_decimal(gp->pipeline_coverage, 1, 2, false, b));
            shown(UNIT_MONEY, gp->forecast, &f);
            buf_printf(out, "%s%s%s %s%s%s %s%s%s %s\n", goal_label(g), _(": "), _("pipeline"), buf_cstr(&p), _(", "),
                       _("coverage"), buf_cstr(&c), _(", "), _("forecast"), buf_cstr(&f));
            buf_free(&p);
            buf_free(&c);
            buf_free(&f);
        }
        if (g->per_month) {
            buf_printf(out, _("%s: %d of %zu months met:"), goal_label(g), gp->months_met, gp->nmonths);
            /* the months on lines of at most TABLE_WIDTH columns */
            size_t col = TABLE_WIDTH;
            for (size_t k = 0; k < gp->nmonths; k++) {
                const sp_month_pace *m = &gp->months[k];
                buf_t a = BUF_INIT, item = BUF_INIT;
                shown(goal_unit(g), m->actual, &a);
                buf_printf(&item, "%s %s%s", grain_label(GRAIN_MONTH, m->month.first, b), buf_cstr(&a),
                           m->met < 0 ? "…" : (m->met ? "✓" : "✗"));
                size_t w = utf8_width(buf_cstr(&item));
                if (col + 2 + w > TABLE_WIDTH) {
                    buf_puts(out, "\n ");
                    col = 1;
                }
                buf_printf(out, " %s", buf_cstr(&item));
                col += 1 + w;
                buf_free(&a);
                buf_free(&item);
            }
            buf_putc(out, '\n');
        }
        if (plan->pacing == PACING_SEASONAL && gp->pacing != PACING_SEASONAL && sp_metrics[g->metric].additive &&
            g->metric != MET_MANUAL)
            buf_printf(out, _("%s: no history for the same period last year: linear pacing used\n"), goal_label(g));
    }
}

/* ---- the command ---- */

int status_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"as-of", required_argument, NULL, 'a'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"goal", required_argument, NULL, 'g'},
                                         {"unit", required_argument, NULL, 'u'},
                                         {NULL, 0, NULL, 0}};
    const char *as_of_s = NULL, *goal_id = NULL;
    int format = FMT_TABLE, c;
    cli_opts op = CLI_OPTS("status", "a:f:g:u:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        switch (c) {
        case 'a': as_of_s = optarg; break;
        case 'g': goal_id = optarg; break;
        case 'u':
            if (cli_unit_opt("status", optarg)) return 2;
            break;
        case 'f':
            if ((format = cli_format_opt("status", optarg, 1u << FMT_TABLE | 1u << FMT_JSON | 1u << FMT_CSV)) < 0)
                return 2;
            break;
        default: return cli_usage_error("status", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (op.rc) return op.rc;
    if (optind < argc) return cli_usage_error("status", _("unexpected argument '%s'"), argv[optind]);
    sp_day as_of;
    if (cli_parse_as_of("status", as_of_s, &as_of)) return 2;
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_status_req rq = {.goal_id = goal_id};
    cli_app_req(cli, st, as_of, &rq.r);
    sp_status_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    bool ok = app_status(&rq, &res, &err);
    cli_print_notes(&res.notes, NULL); /* a filter that matches nothing: say so */
    int rc;
    if (!ok) {
        rc = cli_app_fail("status", &err, res.bad_param);
    } else {
        buf_t out = BUF_INIT;
        switch (format) {
        case FMT_JSON: app_status_json(&res, &out); break;
        case FMT_CSV: render_csv(&res, &out); break;
        default: render_table(&res, &out); break;
        }
        rc = cli_emit(&out);
    }
    app_status_free(&res);
    err_free(&err);
    store_close(st);
    return rc;
}

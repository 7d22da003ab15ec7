/*
 * cmd_budget.c — `salesplan budget [--as-of DATE] [--format table|json|csv]`:
 * per budget category of the plan: share, allocated (total × share),
 * committed (task budgets), spent (spend of the plan's period up to the
 * as-of date), remaining, used % and the overrun flag (against
 * alerts.budget_overrun_above); spend per strategy; a totals line.
 *
 * Needs a plan with a budget (a clear message and exit 1 otherwise). Parses,
 * calls the verb app_budget (budget_load_spec, budget_compute) and renders;
 * the JSON is app_budget_json, shared with the web.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../core/budget.h"
#include "../io/csv_read.h"
#include "../io/out.h"
#include "cli.h"

/* share_text: ppm as "40%" / "12.5%". */
static const char *share_text(sp_ratio r, char *b)
{
    return ratio_format_pct(r, b);
}

static void table_line(sp_table_out *t, const sp_budget_line *l, const char *name, bool colour)
{
    char s[32], a[48], c[48], sp[48], rem[48], used[32];
    double u;
    if (budget_used(l->spent, l->allocated, &u)) snprintf(used, sizeof used, "%.1f%%", u * 100.0);
    else snprintf(used, sizeof used, "—");
    /* no colour inside cells: escape codes would break the alignment */
    (void)colour;
    const char *flag = l->overrun ? _("OVER") : "";
    const char *row[] = {name,
                         l->planned ? share_text(l->share, s) : "—",
                         cli_money(l->allocated, a),
                         cli_money(l->committed, c),
                         cli_money(l->spent, sp),
                         cli_money(l->remaining, rem),
                         used,
                         flag};
    tableout_row(t, row);
}

static void render_table(const sp_budget_report *r, const sp_plan *plan, bool colour, buf_t *out)
{
    char db[16], tb[48], pb[16], pe[16];
    buf_printf(out, _("Budget of plan %s as of %s: total %s, spend counted %s..%s"), plan->id,
               day_format(r->as_of, db), cli_money(r->total, tb), day_format(r->period.first, pb),
               day_format(r->as_of < r->period.last ? r->as_of : r->period.last, pe));
    buf_putc(out, '\n');
    /* names where a person reads (ids in JSON and CSV) */
    const char *h[] = {_("Category"), _("Share"), _("Allocated"), _("Committed"),
                       _("Spent"), _("Remaining"), _("Used"), _("Overrun")};
    sp_table_out *t = tableout_new(8);
    for (size_t c = 1; c < 7; c++) tableout_numeric(t, c, true);
    tableout_row(t, h);
    for (size_t i = 0; i < r->nlines; i++) {
        const sp_budget_line *l = &r->lines[i];
        buf_t nm = BUF_INIT;
        if (l->planned && l->name && *l->name) buf_puts(&nm, l->name);
        else buf_printf(&nm, "%s %s", l->category ? l->category : "—", _("(not in the plan)"));
        table_line(t, l, buf_cstr(&nm), colour);
        buf_free(&nm);
    }
    tableout_rule(t);
    table_line(t, &r->totals, _("Total"), colour);
    tableout_render(t, out);
    tableout_free(t);

    buf_printf(out, "\n%s\n", _("Spend per strategy"));
    const char *sh[] = {_("Strategy"), _("Spent")};
    t = tableout_new(2);
    tableout_numeric(t, 1, true);
    tableout_row(t, sh);
    for (size_t i = 0; i < r->nstrategies; i++) {
        const sp_budget_strategy *s = &r->strategies[i];
        char m[48];
        buf_t nm = BUF_INIT;
        if (!s->strategy) buf_puts(&nm, _("(no strategy)"));
        else if (s->name && *s->name) buf_puts(&nm, s->name);
        else buf_printf(&nm, "%s %s", s->strategy, _("(not in the plan)"));
        const char *row[] = {buf_cstr(&nm), cli_money(s->spent, m)};
        tableout_row(t, row);
        buf_free(&nm);
    }
    tableout_render(t, out);
    tableout_free(t);
}

static void csv_budget_line(buf_t *out, const sp_budget_line *l, const char *id, const char *name)
{
    char b[32];
    double u;
    csv_write_field(out, id);
    buf_putc(out, ',');
    csv_write_field(out, name);
    buf_printf(out, ",%.6g", (double)l->share / SP_RATIO_ONE);
    buf_printf(out, ",%s", money_format(l->allocated, b));
    buf_printf(out, ",%s", money_format(l->committed, b));
    buf_printf(out, ",%s", money_format(l->spent, b));
    buf_printf(out, ",%s,", money_format(l->remaining, b));
    if (budget_used(l->spent, l->allocated, &u)) buf_printf(out, "%.6g", u);
    buf_printf(out, ",%d\n", l->overrun ? 1 : 0);
}

static void render_csv(const sp_budget_report *r, buf_t *out)
{
    buf_puts(out, "category,name,share,allocated,committed,spent,remaining,used,overrun\n");
    for (size_t i = 0; i < r->nlines; i++) csv_budget_line(out, &r->lines[i], r->lines[i].category, r->lines[i].name);
    csv_budget_line(out, &r->totals, "total", NULL);
}

int budget_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"as-of", required_argument, NULL, 'a'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"unit", required_argument, NULL, 'u'},
                                         {NULL, 0, NULL, 0}};
    const char *as_of_s = NULL;
    int format = FMT_TABLE, c;
    cli_opts op = CLI_OPTS("budget", "a:f:u:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        switch (c) {
        case 'a': as_of_s = optarg; break;
        case 'u':
            if (cli_unit_opt("budget", optarg)) return 2;
            break;
        case 'f':
            if ((format = cli_format_opt("budget", optarg, 1u << FMT_TABLE | 1u << FMT_JSON | 1u << FMT_CSV)) < 0)
                return 2;
            break;
        default: return cli_usage_error("budget", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (op.rc) return op.rc;
    if (optind < argc) return cli_usage_error("budget", _("unexpected argument '%s'"), argv[optind]);
    sp_day as_of;
    if (cli_parse_as_of("budget", as_of_s, &as_of)) return 2;
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_budget_req rq;
    cli_app_req(cli, st, as_of, &rq.r);
    sp_budget_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    int rc;
    if (!app_budget(&rq, &res, &err)) {
        rc = cli_fail(&err);
    } else {
        buf_t out = BUF_INIT;
        switch (format) {
        case FMT_JSON: app_budget_json(&res, &out); break;
        case FMT_CSV: render_csv(&res.rep, &out); break;
        default: render_table(&res.rep, res.plan, cli_is_tty() && !getenv("NO_COLOR"), &out); break;
        }
        rc = cli_emit(&out);
    }
    app_budget_free(&res);
    err_free(&err);
    store_close(st);
    return rc;
}

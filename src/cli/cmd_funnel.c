/*
 * cmd_funnel.c — `salesplan funnel [--goal ID] [--as-of DATE]
 * [--format table|json] [--what-if RATE=CHANGE]…`: the reverse funnel of
 * SPEC §7 for a revenue goal, and what it needs with changed rates.
 *
 * Owns: option parsing and the tables; the verb app_funnel chooses the goal
 * and loads, app_funnel_json is the JSON shared with the web. Gathering
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

/* ---- what-if: current | what-if | difference ---- */

typedef sp_whatif_row wi_row; /* app/app.h */

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
    wi_row rows[APP_WHATIF_NROWS];
    app_funnel_whatif_rows(o, wo, rows);
    buf_t c[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
    for (size_t i = 0; i < APP_WHATIF_NROWS; i++) {
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

    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_funnel_req rq = {.goal_id = goal_id, .whatif = &wi};
    cli_app_req(cli, st, as_of, &rq.r);
    sp_funnel_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    int rc = 0;
    if (!app_funnel(&rq, &res, &err)) {
        rc = cli_app_fail("funnel", &err, res.bad_param);
    } else {
        buf_t out = BUF_INIT;
        if (format == FMT_JSON) {
            app_funnel_json(&res, &out);
        } else {
            render_table(res.goal, res.as_of, &res.in, &res.out, &out);
            if (res.has_whatif) render_whatif_table(&wi, &res.out, &res.wout, &out);
        }
        fwrite(out.data ? out.data : "", 1, out.len, stdout);
        if (fflush(stdout) != 0) rc = 1;
        buf_free(&out);
    }
    app_funnel_free(&res);
    err_free(&err);
    store_close(st);
    return rc;
}

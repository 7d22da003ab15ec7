/*
 * cmd_tiers.c — `salesplan tiers [--as-of DATE] [--since DATE]
 * [--format table|json|csv]`: customers and T12M won revenue per tier
 * (SPEC §6), tier movements since a date (counts per from→to pair and the
 * list of upgrades and downgrades: at most 50 on screen, all in JSON), and
 * the strategic customers due a review (the tier_review_due rule of §8).
 *
 * Parses, calls the verb app_tiers (plan or SPEC defaults, tiers_load_spec,
 * tiers_compute) and renders; the JSON is app_tiers_json, shared with the
 * web. CSV holds the per-tier rows only.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alerts.h"
#include "../io/csv_read.h"
#include "../io/out.h"
#include "cli.h"

#define TIERS_TABLE_MOVES 50

/* tier_name: the tier's name (cli_tier_name), "(no tier)" for none. */
static const char *tier_name(const sp_plan *plan, const char *id)
{
    return id ? cli_tier_name(plan, id) : _("(no tier)");
}

/* share: part / whole as a fraction; false when whole is 0. */
static bool share(sp_money part, sp_money whole, double *out)
{
    if (whole == 0) return false;
    *out = (double)part / (double)whole;
    return true;
}

static void render_table(const sp_tiers_report *r, const sp_plan *plan, const sp_dataset *ds, const sp_review_rule *rule,
                         bool colour, buf_t *out)
{
    char db[16], mb[48], mb2[48], pct[32], num[32];
    const char *B = colour ? "\033[1m" : "", *N = colour ? "\033[0m" : "";
    buf_printf(out, "%s", B);
    buf_printf(out, _("Customer tiers as of %s (T12M won revenue)"), day_format(r->as_of, db));
    buf_printf(out, "%s\n", N);
    /* names where a person reads (ids in JSON and CSV) */
    const char *h[] = {_("Tier"), _("Minimum"), _("Customers"), _("T12M revenue"), _("Share")};
    sp_table_out *t = tableout_new(5);
    for (size_t c = 1; c < 5; c++) tableout_numeric(t, c, true);
    tableout_row(t, h);
    for (size_t i = 0; i < r->nrows; i++) {
        const sp_tier_row *x = &r->rows[i];
        double s;
        if (share(x->t12m, r->t12m_total, &s)) snprintf(pct, sizeof pct, "%.1f%%", s * 100.0);
        else snprintf(pct, sizeof pct, "—");
        snprintf(num, sizeof num, "%zu", x->customers);
        const char *row[] = {tier_name(plan, x->tier), x->tier ? cli_money(x->min, mb) : "", num,
                             cli_money(x->t12m, mb2), pct};
        tableout_row(t, row);
    }
    tableout_rule(t);
    snprintf(num, sizeof num, "%zu", r->customers);
    const char *tot[] = {_("Total"), "", num, cli_money(r->t12m_total, mb2), r->t12m_total ? "100.0%" : "—"};
    tableout_row(t, tot);
    tableout_render(t, out);
    tableout_free(t);

    if (r->since != SP_DAY_NONE) {
        buf_printf(out, "\n%s", B);
        buf_printf(out, _("Movements since %s: %zu upgrades, %zu downgrades"), day_format(r->since, db), r->nupgrades,
                   r->ndowngrades);
        buf_printf(out, "%s\n", N);
        const char *ph[] = {_("From"), _("To"), _("Customers")};
        t = tableout_new(3);
        tableout_numeric(t, 2, true);
        tableout_row(t, ph);
        for (size_t i = 0; i < r->npairs; i++) {
            snprintf(num, sizeof num, "%zu", r->pairs[i].count);
            const char *row[] = {tier_name(plan, r->pairs[i].from), tier_name(plan, r->pairs[i].to), num};
            tableout_row(t, row);
        }
        tableout_render(t, out);
        tableout_free(t);
        if (r->nmoves) {
            buf_putc(out, '\n');
            const char *mh[] = {_("Customer"), _("Change"), _("From"), _("To"), _("T12M then"), _("T12M now")};
            t = tableout_new(6);
            tableout_numeric(t, 4, true);
            tableout_numeric(t, 5, true);
            tableout_fit(t, 0, 100); /* a 100-column terminal: the name gives way */
            tableout_row(t, mh);
            size_t shown = r->nmoves < TIERS_TABLE_MOVES ? r->nmoves : TIERS_TABLE_MOVES;
            for (size_t i = 0; i < shown; i++) {
                const sp_tier_move *m = &r->moves[i];
                sp_customer c_row;
                const sp_customer *c = dataset_customer(ds, m->customer_id, &c_row) ? &c_row : NULL;
                const char *row[] = {c && c->name && *c->name ? c->name : m->customer_id,
                                     m->upgrade ? _("up") : _("down"), tier_name(plan, m->from), tier_name(plan, m->to),
                                     cli_money(m->t12m_since, mb), cli_money(m->t12m_now, mb2)};
                tableout_row(t, row);
            }
            tableout_render(t, out);
            tableout_free(t);
            if (shown < r->nmoves) {
                buf_printf(out, _("… and %zu more (all of them with --format json)"), r->nmoves - shown);
                buf_putc(out, '\n');
            }
        }
    }

    buf_printf(out, "\n%s", B);
    buf_printf(out, _("Reviews due (%s, no visit or meeting in %d days): %zu"), tier_name(plan, rule->tier), rule->every_days,
               r->nreviews);
    buf_printf(out, "%s\n", N);
    if (r->nreviews) {
        const char *vh[] = {_("Owner"), _("Customer"), _("Last visit/meeting"), _("Days")};
        t = tableout_new(4);
        tableout_numeric(t, 3, true);
        tableout_fit(t, 1, 100);
        tableout_row(t, vh);
        for (size_t i = 0; i < r->nreviews; i++) {
            const sp_alert *x = &r->reviews[i];
            sp_customer c_row;
                const sp_customer *c = dataset_customer(ds, x->customer_id, &c_row) ? &c_row : NULL;
            snprintf(num, sizeof num, "%d", (int)x->days);
            const char *row[] = {cli_rep_name(plan, ds, x->owner), c && c->name && *c->name ? c->name : x->customer_id,
                                 x->last_touch == SP_DAY_NONE ? _("never") : day_format(x->last_touch, db),
                                 x->days < 0 ? "—" : num};
            tableout_row(t, row);
        }
        tableout_render(t, out);
        tableout_free(t);
    }
}

static void render_csv(const sp_tiers_report *r, const sp_plan *plan, buf_t *out)
{
    char b[32];
    buf_puts(out, "tier,name,min,customers,t12m_revenue,share\n");
    for (size_t i = 0; i < r->nrows; i++) {
        const sp_tier_row *x = &r->rows[i];
        double s;
        csv_write_field(out, x->tier);
        buf_putc(out, ',');
        if (x->tier) csv_write_field(out, tier_name(plan, x->tier));
        buf_putc(out, ',');
        if (x->tier) buf_puts(out, money_format(x->min, b));
        buf_printf(out, ",%zu,%s,", x->customers, money_format(x->t12m, b));
        if (share(x->t12m, r->t12m_total, &s)) buf_printf(out, "%.6g", s);
        buf_putc(out, '\n');
    }
}

int tiers_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"as-of", required_argument, NULL, 'a'},
                                         {"since", required_argument, NULL, 's'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"unit", required_argument, NULL, 'u'},
                                         {NULL, 0, NULL, 0}};
    const char *as_of_s = NULL, *since_s = NULL, *why = NULL;
    int format = FMT_TABLE, c;
    cli_opts op = CLI_OPTS("tiers", "a:s:f:u:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        switch (c) {
        case 'a': as_of_s = optarg; break;
        case 's': since_s = optarg; break;
        case 'u':
            if (cli_unit_opt("tiers", optarg)) return 2;
            break;
        case 'f':
            if ((format = cli_format_opt("tiers", optarg, 1u << FMT_TABLE | 1u << FMT_JSON | 1u << FMT_CSV)) < 0)
                return 2;
            break;
        default: return cli_usage_error("tiers", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (op.rc) return op.rc;
    if (optind < argc) return cli_usage_error("tiers", _("unexpected argument '%s'"), argv[optind]);
    sp_day as_of, since = SP_DAY_NONE;
    if (cli_parse_as_of("tiers", as_of_s, &as_of)) return 2;
    if (since_s && !date_parse(since_s, &since, &why))
        return cli_usage_error("tiers", _("bad --since date '%s': %s"), since_s, _(why));

    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_tiers_req rq = {.since = since};
    cli_app_req(cli, st, as_of, &rq.r);
    sp_tiers_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    int rc;
    if (!app_tiers(&rq, &res, &err)) {
        rc = cli_app_fail("tiers", &err, res.bad_param);
    } else {
        buf_t out = BUF_INIT;
        switch (format) {
        case FMT_JSON: app_tiers_json(&res, &out); break;
        case FMT_CSV: render_csv(&res.rep, res.plan, &out); break;
        default: render_table(&res.rep, res.plan, res.ds, &res.rule, cli_is_tty() && !getenv("NO_COLOR"), &out); break;
        }
        rc = cli_emit(&out);
    }
    app_tiers_free(&res);
    err_free(&err);
    store_close(st);
    return rc;
}

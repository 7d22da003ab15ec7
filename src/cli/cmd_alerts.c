/*
 * cmd_alerts.c — `salesplan alerts [--rep ID] [--kind KIND] [--as-of DATE]
 * [--format table|json|csv]`: the alerts of SPEC §8.
 *
 * Parses the options, calls the verb app_alerts (plan or defaults, task
 * states, one load, goal statuses, alerts_compute) and renders: a table
 * grouped by kind with counts (CJK aligned), the JSON object of SPEC §8
 * (app_alerts_json, shared with the web), or one CSV row per alert. Exit 0
 * even when alerts exist. No business rule lives here.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../core/alerts.h"
#include "../core/pace.h"
#include "../io/csv_read.h"
#include "../io/out.h"
#include "cli.h"

static const char *const kind_titles[ALERT_KIND_COUNT] = {
    N_("Stale follow-ups"), N_("Overdue tasks"), N_("Goals off pace"), N_("Budget overruns"),
    N_("Strategic reviews due"),
};

/* rep_label: the rep's name (王强), or the id when no name is known.
 * Appends to b. */
static void rep_label(buf_t *b, const sp_plan *plan, const sp_dataset *ds, const char *id)
{
    if (id) buf_puts(b, cli_rep_name(plan, ds, id));
}

/* or_id: name when it is there, else id (names where a person reads). */
static const char *or_id(const char *name, const char *id) { return name && *name ? name : id; }

static const char *task_name(const sp_plan *plan, const char *id)
{
    for (size_t i = 0; plan && i < plan->ntasks; i++)
        if (str_eq(plan->tasks[i].id, id)) return plan->tasks[i].name;
    return NULL;
}

static const char *category_name(const sp_plan *plan, const char *id)
{
    for (size_t i = 0; plan && i < plan->nbudget_cats; i++)
        if (str_eq(plan->budget_cats[i].id, id)) return plan->budget_cats[i].name;
    return NULL;
}

static const char *status_label(const char *s)
{
    if (str_eq(s, "at_risk")) return _("at risk");
    if (str_eq(s, "off_track")) return _("off track");
    if (str_eq(s, "todo")) return _("todo");
    if (str_eq(s, "doing")) return _("doing");
    if (str_eq(s, "blocked")) return _("blocked");
    return s;
}

/* render_table: one section per computed kind: a heading with the count,
 * then an aligned table. */
static void render_table(const sp_alerts_result *r, const sp_plan *plan, const sp_dataset *ds, sp_day as_of,
                         bool colour, buf_t *out)
{
    char db[16], mb[48], mb2[48];
    buf_printf(out, _("Alerts as of %s: %zu"), day_format(as_of, db), r->n);
    buf_putc(out, '\n');
    size_t i = 0;
    for (int k = 0; k < ALERT_KIND_COUNT; k++) {
        if (!r->enabled[k]) continue;
        buf_putc(out, '\n');
        if (colour) buf_puts(out, "\033[1m");
        buf_printf(out, _("%s (%zu)"), _(kind_titles[k]), r->count[k]); /* （） in Chinese */
        if (colour) buf_puts(out, "\033[0m");
        buf_putc(out, '\n');
        while (i < r->n && (int)r->v[i].kind < k) i++;
        if (r->count[k] == 0) continue;
        sp_table_out *t = NULL;
        buf_t c1 = BUF_INIT, c2 = BUF_INIT;
        switch ((sp_alert_kind)k) {
        case ALERT_STALE_FOLLOWUP: {
            const char *h[] = {_("Owner"), _("Customer"), _("Last touch"), _("Days"), _("Tier"), _("Escalated to")};
            t = tableout_new(6);
            tableout_numeric(t, 3, true);
            tableout_row(t, h);
            break;
        }
        case ALERT_TASK_OVERDUE: {
            const char *h[] = {_("Owner"), _("Task"), _("Due"), _("Days overdue"), _("Status")};
            t = tableout_new(5);
            tableout_numeric(t, 3, true);
            tableout_row(t, h);
            break;
        }
        case ALERT_GOAL_OFF_PACE: {
            const char *h[] = {_("Owner"), _("Goal"), _("Status"), _("Attainment"), _("Also off pace")};
            t = tableout_new(5);
            tableout_numeric(t, 3, true);
            tableout_row(t, h);
            break;
        }
        case ALERT_BUDGET_OVERRUN: {
            const char *h[] = {_("Category"), _("Allocated"), _("Spent"), _("Used")};
            t = tableout_new(4);
            for (size_t c = 1; c < 4; c++) tableout_numeric(t, c, true);
            tableout_row(t, h);
            break;
        }
        case ALERT_TIER_REVIEW_DUE: {
            const char *h[] = {_("Owner"), _("Customer"), _("Last visit/meeting"), _("Days")};
            t = tableout_new(4);
            tableout_numeric(t, 3, true);
            tableout_row(t, h);
            break;
        }
        default: break;
        }
        /* fit a 100-column terminal: the name column gives way */
        if (t) tableout_fit(t, k == ALERT_BUDGET_OVERRUN ? 0 : 1, 100);
        for (; i < r->n && (int)r->v[i].kind == k; i++) {
            const sp_alert *x = &r->v[i];
            char days[24], tb[16];
            snprintf(days, sizeof days, "%d", (int)x->days);
            buf_clear(&c1);
            buf_clear(&c2);
            rep_label(&c1, plan, ds, x->owner);
            switch ((sp_alert_kind)k) {
            case ALERT_STALE_FOLLOWUP: {
                sp_customer c_row;
                const sp_customer *c = dataset_customer(ds, x->customer_id, &c_row) ? &c_row : NULL;
                if (x->escalated) rep_label(&c2, plan, ds, x->leader);
                const char *row[] = {buf_cstr(&c1), or_id(c ? c->name : NULL, x->customer_id),
                                     x->last_touch == SP_DAY_NONE ? _("none") : day_format(x->last_touch, tb),
                                     days, cli_tier_name(plan, x->tier), buf_cstr(&c2)};
                tableout_row(t, row);
                break;
            }
            case ALERT_TASK_OVERDUE: {
                const char *row[] = {buf_cstr(&c1), or_id(task_name(plan, x->task_id), x->task_id),
                                     day_format(x->due, tb), days, status_label(x->status)};
                tableout_row(t, row);
                break;
            }
            case ALERT_GOAL_OFF_PACE: {
                const sp_goal *g = plan ? plan_find_goal(plan, x->goal_id) : NULL;
                char at[32] = "—";
                if (x->has_attainment) snprintf(at, sizeof at, "%.1f%%", x->attainment * 100.0);
                /* the parent's off-pace children (of any split), said once
                 * here instead of one alert each */
                buf_t also = BUF_INIT;
                for (size_t fi = 0; fi < x->nfolded; fi++) {
                    const sp_goal *fg = plan ? plan_find_goal(plan, x->folded[fi]) : NULL;
                    if (fi) buf_puts(&also, _(", "));
                    /* a child's default name is its parent's followed by its
                     * period or filter: that part is what tells it apart */
                    const char *fn = or_id(fg ? fg->name : NULL, x->folded[fi]);
                    size_t pl = g && g->name ? strlen(g->name) : 0;
                    if (pl && strncmp(fn, g->name, pl) == 0 && fn[pl] == ' ' && fn[pl + 1]) fn += pl + 1;
                    buf_puts(&also, fn);
                }
                const char *row[] = {buf_cstr(&c1), or_id(g ? g->name : NULL, x->goal_id), status_label(x->status), at,
                                     x->nfolded ? buf_cstr(&also) : "—"};
                tableout_row(t, row);
                buf_free(&also);
                break;
            }
            case ALERT_BUDGET_OVERRUN: {
                char used[32] = "—";
                if (x->allocated) snprintf(used, sizeof used, "%.1f%%", (double)x->spent * 100.0 / (double)x->allocated);
                const char *row[] = {or_id(category_name(plan, x->category), x->category), cli_money(x->allocated, mb),
                                     cli_money(x->spent, mb2), used};
                tableout_row(t, row);
                break;
            }
            case ALERT_TIER_REVIEW_DUE: {
                sp_customer c_row;
                const sp_customer *c = dataset_customer(ds, x->customer_id, &c_row) ? &c_row : NULL;
                const char *row[] = {buf_cstr(&c1), or_id(c ? c->name : NULL, x->customer_id),
                                     x->last_touch == SP_DAY_NONE ? _("never") : day_format(x->last_touch, tb),
                                     x->days < 0 ? "—" : days};
                tableout_row(t, row);
                break;
            }
            default: break;
            }
        }
        tableout_render(t, out);
        tableout_free(t);
        buf_free(&c1);
        buf_free(&c2);
    }
}

/* render_csv: one row per alert with every field (empty when not relevant). */
static void render_csv(const sp_alerts_result *r, buf_t *out)
{
    buf_puts(out, "kind,owner,to,escalated,customer_id,task_id,goal_id,category,status,last_touch,due,days,"
                  "allocated,spent\n");
    for (size_t i = 0; i < r->n; i++) {
        const sp_alert *x = &r->v[i];
        char b[32];
        buf_puts(out, alert_kind_name(x->kind));
        buf_putc(out, ',');
        csv_write_field(out, x->owner);
        buf_putc(out, ',');
        buf_t to = BUF_INIT;
        if (x->owner) buf_puts(&to, x->owner);
        if (x->escalated && x->leader) buf_printf(&to, "%s%s", x->owner ? ";" : "", x->leader);
        csv_write_field(out, buf_cstr(&to));
        buf_free(&to);
        buf_puts(out, x->kind == ALERT_STALE_FOLLOWUP ? (x->escalated ? ",1," : ",0,") : ",,");
        csv_write_field(out, x->customer_id);
        buf_putc(out, ',');
        csv_write_field(out, x->task_id);
        buf_putc(out, ',');
        csv_write_field(out, x->goal_id);
        buf_putc(out, ',');
        csv_write_field(out, x->category);
        buf_putc(out, ',');
        csv_write_field(out, x->status);
        buf_putc(out, ',');
        if (x->last_touch != SP_DAY_NONE) buf_puts(out, day_format(x->last_touch, b));
        buf_putc(out, ',');
        if (x->due != SP_DAY_NONE) buf_puts(out, day_format(x->due, b));
        buf_putc(out, ',');
        if (x->kind != ALERT_GOAL_OFF_PACE && x->kind != ALERT_BUDGET_OVERRUN && x->days >= 0)
            buf_printf(out, "%d", (int)x->days);
        buf_putc(out, ',');
        if (x->kind == ALERT_BUDGET_OVERRUN) buf_puts(out, money_format(x->allocated, b));
        buf_putc(out, ',');
        if (x->kind == ALERT_BUDGET_OVERRUN) buf_puts(out, money_format(x->spent, b));
        buf_putc(out, '\n');
    }
}

/* emit_chunk: the JSON written so far goes out (stdout), the buffer is reused */
static void emit_chunk(buf_t *out, void *ctx)
{
    (void)ctx;
    fwrite(out->data ? out->data : "", 1, out->len, stdout);
    buf_clear(out);
}

int alerts_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"rep", required_argument, NULL, 'r'},
                                         {"kind", required_argument, NULL, 'k'},
                                         {"as-of", required_argument, NULL, 'a'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"unit", required_argument, NULL, 'u'},
                                         {NULL, 0, NULL, 0}};
    const char *rep = NULL, *as_of_s = NULL;
    int format = FMT_TABLE, kind = -1, c;
    cli_opts op = CLI_OPTS("alerts", "r:k:a:f:u:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        switch (c) {
        case 'r': rep = optarg; break;
        case 'k':
            kind = alert_kind_from_name(optarg);
            if (kind < 0) {
                buf_t list = BUF_INIT;
                for (int k = 0; k < ALERT_KIND_COUNT; k++)
                    buf_printf(&list, "%s%s", k ? " " : "", alert_kind_name((sp_alert_kind)k));
                int rc = cli_usage_error("alerts", _("unknown alert kind '%s' (one of: %s)"), optarg, buf_cstr(&list));
                buf_free(&list);
                return rc;
            }
            break;
        case 'a': as_of_s = optarg; break;
        case 'u':
            if (cli_unit_opt("alerts", optarg)) return 2;
            break;
        case 'f':
            if ((format = cli_format_opt("alerts", optarg, 1u << FMT_TABLE | 1u << FMT_JSON | 1u << FMT_CSV)) < 0)
                return 2;
            break;
        default: return cli_usage_error("alerts", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (op.rc) return op.rc;
    if (optind < argc) return cli_usage_error("alerts", _("unexpected argument '%s'"), argv[optind]);
    sp_day as_of;
    if (cli_parse_as_of("alerts", as_of_s, &as_of)) return 2;
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_alerts_req rq = {.rep = rep, .kinds = kind >= 0 ? 1u << kind : 0};
    cli_app_req(cli, st, as_of, &rq.r);
    sp_alerts_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    bool ok = app_alerts(&rq, &res, &err);
    cli_print_notes(&res.notes, NULL); /* filters that match nothing; goals skipped */
    int rc;
    if (!ok) {
        rc = cli_app_fail("alerts", &err, res.bad_param);
    } else {
        if (!res.plan && format == FMT_TABLE && kind != ALERT_STALE_FOLLOWUP && kind != ALERT_TIER_REVIEW_DUE)
            fprintf(stderr, "%s\n",
                    _("note: the workspace has no plan: default thresholds are used and task, goal and budget "
                      "alerts are skipped"));
        buf_t out = BUF_INIT;
        switch (format) {
        case FMT_JSON: app_alerts_json_to(&res, &out, emit_chunk, NULL); break;
        case FMT_CSV: render_csv(&res.alerts, &out); break;
        default:
            render_table(&res.alerts, res.plan, res.ds, res.as_of, cli_is_tty() && !getenv("NO_COLOR"), &out);
            break;
        }
        rc = cli_emit(&out);
        if (ferror(stdout)) rc = 1; /* a chunk written earlier failed */
    }
    app_alerts_free(&res);
    err_free(&err);
    store_close(st);
    return rc;
}

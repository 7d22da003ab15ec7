/*
 * cmd_kpi.c — `salesplan kpi METRIC --period P [--where KEY=VALUE]...
 * [--by KEY,...] [--as-of DATE] [--format table|json|csv] [--explain]
 * [--limit N]`: any metric of SPEC §6 for any period, filter and breakdown.
 *
 * Parses and validates the options (usage problems exit 2 naming the bad
 * value, with a "did you mean" for metric and key names), opens the
 * workspace, calls the verb app_kpi (plan, period, filter values, load,
 * compute) and renders. No business rule lives here.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../core/metrics.h"
#include "../io/out.h"
#include "cli.h"

/* closest: the name in names[0..n) nearest to s, or NULL when none is close. */
static const char *closest(const char *s, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t bd = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = str_distance(s, names[i]);
        if (d < bd) {
            bd = d;
            best = names[i];
        }
    }
    size_t len = strlen(s);
    size_t limit = len < 6 ? 2 : 3;
    return best && bd <= limit ? best : NULL;
}

static int bad_name(const char *what, const char *value, const char *const *names, size_t n)
{
    const char *near = closest(value, names, n);
    buf_t list = BUF_INIT;
    for (size_t i = 0; i < n; i++) buf_printf(&list, "%s%s", i ? " " : "", names[i]);
    int rc;
    if (near)
        rc = cli_usage_error("kpi", _("unknown %s '%s' (did you mean '%s'?)"), what, value, near);
    else
        rc = cli_usage_error("kpi", _("unknown %s '%s' (one of: %s)"), what, value, buf_cstr(&list));
    buf_free(&list);
    return rc;
}

typedef struct kpi_opts {
    const char *metric, *period, *as_of, *by;
    int format;
    bool explain;
    long limit;
    sp_filter where;
} kpi_opts;

/* parse_where: KEY=VALUE (also KEY:VALUE) appended to o->where; 2 on error. */
static int parse_where(kpi_opts *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq) eq = strchr(arg, ':');
    if (!eq || eq == arg || !eq[1])
        return cli_usage_error("kpi", _("--where expects KEY=VALUE, got '%s'"), arg);
    char *key = xstrndup(arg, (size_t)(eq - arg));
    int d = dim_from_name(key);
    if (d < 0) {
        const char *names[DIM_COUNT];
        for (int i = 0; i < DIM_COUNT; i++) names[i] = dim_name((sp_dim)i);
        int rc = bad_name(_("filter key"), key, names, DIM_COUNT);
        free(key);
        return rc;
    }
    free(key);
    o->where.kv = xreallocarray(o->where.kv, o->where.n + 1, sizeof *o->where.kv);
    sp_filter_kv *kv = &o->where.kv[o->where.n++];
    memset(kv, 0, sizeof *kv);
    kv->dim = (sp_dim)d;
    kv->value = xstrdup(eq + 1);
    return 0;
}

/* parse_by: "month,region" into q->by; 2 on error. */
static int parse_by(sp_kpi_query *q, const char *arg)
{
    char *copy = xstrdup(arg);
    int rc = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        str_trim(tok);
        if (!*tok) continue;
        int k = bykey_from_name(tok);
        if (k < 0) {
            const char *names[BY_COUNT];
            for (int i = 0; i < BY_COUNT; i++) names[i] = bykey_name((sp_bykey)i);
            rc = bad_name(_("breakdown key"), tok, names, BY_COUNT);
            break;
        }
        if (q->nby == KPI_MAX_BY) {
            rc = cli_usage_error("kpi", _("--by takes at most %d keys, got '%s'"), KPI_MAX_BY, arg);
            break;
        }
        q->by[q->nby++] = (sp_bykey)k;
    }
    free(copy);
    return rc;
}

/* name_keys: for the table a person reads, the breakdown keys that are ids
 * (rep, team, tier) become names: the rep's name, the plan's group name and
 * tier label (JSON and CSV keep the ids). The names live in plan and ds. */
static void name_keys(const sp_kpi_query *q, sp_kpi_result *r, const sp_plan *plan, const sp_dataset *ds)
{
    for (size_t k = 0; k < q->nby; k++)
        for (size_t i = 0; i < r->nrows; i++) {
            const char *key = r->rows[i].key[k];
            if (!key || !*key) continue;
            if (q->by[k] == BY_REP) r->rows[i].key[k] = cli_rep_name(plan, ds, key);
            else if (q->by[k] == BY_TIER) r->rows[i].key[k] = cli_tier_name(plan, key);
            else if (q->by[k] == BY_TEAM && plan_team_name(plan, key))
                r->rows[i].key[k] = plan_team_name(plan, key);
        }
}

static void free_where(sp_filter *f)
{
    for (size_t i = 0; i < f->n; i++) free(f->kv[i].value);
    free(f->kv);
}

int kpi_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"period", required_argument, NULL, 'p'},
                                         {"where", required_argument, NULL, 'w'},
                                         {"by", required_argument, NULL, 'b'},
                                         {"as-of", required_argument, NULL, 'a'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"explain", no_argument, NULL, 'e'},
                                         {"limit", required_argument, NULL, 'l'},
                                         {NULL, 0, NULL, 0}};
    kpi_opts o;
    memset(&o, 0, sizeof o);
    o.format = FMT_TABLE;
    o.limit = 1000;
    sp_kpi_query q;
    memset(&q, 0, sizeof q);
    int rc = 0, c;
    cli_opts op = CLI_OPTS("kpi", "p:w:b:a:f:el:", opts, "wb");
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        switch (c) {
        case 'p': o.period = optarg; break;
        case 'w':
            if ((rc = parse_where(&o, optarg))) goto out;
            break;
        case 'b':
            if ((rc = parse_by(&q, optarg))) goto out;
            break;
        case 'a': o.as_of = optarg; break;
        case 'f':
            o.format = cli_format_opt("kpi", optarg, 1u << FMT_TABLE | 1u << FMT_JSON | 1u << FMT_CSV);
            if (o.format < 0) {
                rc = 2;
                goto out;
            }
            break;
        case 'e': o.explain = true; break;
        case 'l': {
            char *end;
            errno = 0;
            o.limit = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || o.limit < 0) {
                rc = cli_usage_error("kpi", _("--limit expects a number, got '%s'"), optarg);
                goto out;
            }
            break;
        }
        default:
            rc = cli_usage_error("kpi", _("unknown option '%s'"), argv[optind - 1]);
            goto out;
        }
    }
    if (op.rc) {
        rc = op.rc;
        goto out;
    }
    if (optind >= argc) {
        rc = cli_usage_error("kpi", "%s", _("expects a METRIC"));
        goto out;
    }
    if (optind + 1 < argc) {
        rc = cli_usage_error("kpi", _("unexpected argument '%s'"), argv[optind + 1]);
        goto out;
    }
    o.metric = argv[optind];
    int m = metric_from_name(o.metric);
    if (m < 0 || m == MET_MANUAL) {
        const char *names[MET_COUNT];
        size_t n = 0;
        for (int i = 0; i < MET_COUNT; i++)
            if (i != MET_MANUAL) names[n++] = sp_metrics[i].name;
        if (m == MET_MANUAL)
            rc = cli_usage_error("kpi", "%s", _("'manual' actuals are entered with 'salesplan actual', not computed"));
        else
            rc = bad_name(_("metric"), o.metric, names, n);
        goto out;
    }
    q.metric = (sp_metric)m;
    if (!o.period) {
        rc = cli_usage_error("kpi", "%s", _("--period is required (e.g. --period 2026-Q3)"));
        goto out;
    }
    const char *why = NULL;
    /* a first parse catches bad shapes before the workspace is opened; the
     * fiscal year start comes from the plan */
    if (!period_parse(o.period, 1, &q.period, &why)) {
        rc = cli_usage_error("kpi", _("bad period '%s': %s"), o.period, _(why));
        goto out;
    }
    sp_day as_of;
    if ((rc = cli_parse_as_of("kpi", o.as_of, &as_of))) goto out;

    sp_store *st = cli_open_store(cli, false);
    if (!st) {
        rc = 1;
        goto out;
    }
    sp_kpi_req rq = {.metric = q.metric, .period = o.period, .where = &o.where, .nby = q.nby,
                     .explain = o.explain, .limit = (size_t)o.limit};
    memcpy(rq.by, q.by, sizeof rq.by);
    cli_app_req(cli, st, as_of, &rq.r);
    sp_kpi_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    if (!app_kpi(&rq, &res, &err)) {
        rc = cli_app_fail("kpi", &err, res.bad_param);
    } else {
        buf_t out = BUF_INIT;
        switch (o.format) {
        case FMT_JSON: app_kpi_json(&res, &out); break;
        case FMT_CSV: kpi_to_csv(&res.q, &res.res, &out); break;
        default:
            name_keys(&res.q, &res.res, res.plan, res.ds);
            kpi_to_table(&res.q, &res.res, &out);
            if (res.q.explain) {
                buf_putc(&out, '\n');
                kpi_explain_to_table(&res.res, &out);
            }
        }
        rc = cli_emit(&out);
    }
    app_kpi_free(&res);
    err_free(&err);
    store_close(st);
out:
    free_where(&o.where);
    return rc;
}

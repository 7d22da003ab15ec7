/*
 * cmd_kpi.c — `salesplan kpi METRIC --period P [--where KEY=VALUE]...
 * [--by KEY,...] [--as-of DATE] [--format table|json|csv|xlsx] [--explain]
 * [--limit N] [-o FILE]`: any metric of SPEC §6 for any period, filter and breakdown.
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
#include <unistd.h>

#include "../core/metrics.h"
#include "../io/kpi_xlsx.h"
#include "../io/out.h"
#include "../util/outfile.h"
#include "cli.h"

#define FMT_XLSX 100   /* kpi --format xlsx (io/kpi_xlsx.c) */

/* usage: err (a verb's parameter error) as the usage error of kpi (its
 * first line); returns 2. */
static int usage(sp_err *err)
{
    const char *m = buf_cstr(&err->msg);
    int rc = cli_usage_error("kpi", "%.*s", (int)strcspn(m, "\n"), m);
    err_free(err);
    return rc;
}

typedef struct kpi_opts {
    const char *metric, *period, *as_of, *by, *out;
    int format;
    bool explain;
    long limit;
    sp_filter where;
} kpi_opts;

/* parse_where: KEY=VALUE (also KEY:VALUE) appended to o->where; 2 on error. */
static int parse_where(kpi_opts *o, const char *arg)
{
    sp_err err = SP_ERR_INIT;
    return app_parse_where(arg, &o->where, &err) ? 0 : usage(&err);
}

/* parse_by: "month,region" into q->by; 2 on error. */
static int parse_by(sp_kpi_query *q, const char *arg)
{
    sp_err err = SP_ERR_INIT;
    return app_parse_by(arg, q->by, &q->nby, &err) ? 0 : usage(&err);
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

/* xlsx_name: the names beside the ids in the workbook (sp_kpi_namer). */
typedef struct name_ctx {
    const sp_plan *plan;
    const sp_dataset *ds;
} name_ctx;

static const char *xlsx_name(sp_bykey by, const char *key, void *ctx)
{
    const name_ctx *n = ctx;
    if (by == BY_REP) return cli_rep_name(n->plan, n->ds, key);
    if (by == BY_TIER) return cli_tier_name(n->plan, key);
    if (by == BY_TEAM) return plan_team_name(n->plan, key);
    return NULL;
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
                                         {"output", required_argument, NULL, 'o'},
                                         {NULL, 0, NULL, 0}};
    kpi_opts o;
    memset(&o, 0, sizeof o);
    o.format = FMT_TABLE;
    o.limit = 1000;
    sp_kpi_query q;
    memset(&q, 0, sizeof q);
    int rc = 0, c;
    cli_opts op = CLI_OPTS("kpi", "p:w:b:a:f:el:o:", opts, "wb");
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
        case 'o': o.out = optarg; break;
        case 'f':
            if (str_ieq(optarg, "xlsx")) {
                o.format = FMT_XLSX;
                break;
            }
            o.format = cli_parse_format(optarg, 1u << FMT_TABLE | 1u << FMT_JSON | 1u << FMT_CSV);
            if (o.format < 0) {
                rc = cli_usage_error("kpi", _("unknown format '%s' (%s)"), optarg, "table, json, csv, xlsx");
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
    {
        sp_err merr = SP_ERR_INIT;
        if (!app_parse_metric(o.metric, &q.metric, &merr)) {
            rc = usage(&merr);
            goto out;
        }
    }
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
    if (o.out && !*o.out) {
        rc = cli_usage_error("kpi", "%s", _("-o needs a file name"));
        goto out;
    }
    sp_out_guard guard = cli_out_guard(cli, NULL);
    if (o.out && cli_check_output(o.out, &guard)) {
        rc = 2;
        goto out;
    }
    if (o.format == FMT_XLSX && !o.out && isatty(STDOUT_FILENO)) {
        rc = cli_usage_error("kpi", "%s", _("--format xlsx writes a workbook: name it with -o FILE.xlsx"));
        goto out;
    }

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
        case FMT_XLSX: {
            name_ctx nc = {res.plan, res.ds};
            size_t len = 0;
            char *bytes = kpi_to_xlsx(&res.q, &res.res, xlsx_name, &nc, i18n_lang() == LANG_ZH, &len, &err);
            if (bytes) buf_append(&out, bytes, len);
            free(bytes);
            break;
        }
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
        if (!err_ok(&err)) {
            buf_free(&out);
            rc = cli_fail(&err);
        } else if (o.out) {
            if (!outfile_write_all(o.out, &guard, out.data ? out.data : "", out.len, &err)) rc = cli_fail(&err);
            buf_free(&out);
        } else {
            rc = cli_emit(&out);
        }
    }
    app_kpi_free(&res);
    err_free(&err);
    store_close(st);
out:
    app_filter_free(&o.where);
    return rc;
}

/*
 * cmd_report.c — `salesplan report --period P [--as-of DATE]
 * [--format md|html] [-o FILE]`: the review pack of a period (SPEC §10).
 *
 * Owns: option parsing, the default as-of date (the last day of P, or
 * today when P is not over), loading the plan and writing the pack (built
 * by io/report.c) to stdout or to FILE.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../io/report.h"
#include "../util/outfile.h"
#include "cli.h"

#define FMT_XLSX 100   /* report --format xlsx (io/report_xlsx.c) */

int report_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"period", required_argument, NULL, 'p'},
                                         {"as-of", required_argument, NULL, 'a'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"output", required_argument, NULL, 'o'},
                                         {NULL, 0, NULL, 0}};
    const char *period_s = NULL, *as_of_s = NULL, *out_path = NULL;
    int format = FMT_MD, c;
    cli_opts op = CLI_OPTS("report", "p:a:f:o:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        switch (c) {
        case 'p': period_s = optarg; break;
        case 'a': as_of_s = optarg; break;
        case 'o': out_path = optarg; break;
        case 'f':
            if (str_ieq(optarg, "xlsx")) format = FMT_XLSX;
            else if ((format = cli_parse_format(optarg, (1u << FMT_MD) | (1u << FMT_HTML))) < 0)
                return cli_usage_error("report", _("unknown format '%s' (%s)"), optarg, "md, html, xlsx");
            break;
        default: return cli_usage_error("report", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (op.rc) return op.rc;
    if (optind < argc) return cli_usage_error("report", _("unexpected argument '%s'"), argv[optind]);
    if (!period_s) return cli_usage_error("report", "%s", _("--period is required (e.g. --period 2026-10)"));
    const char *why = NULL;
    sp_period period;
    /* the shape is checked before the workspace is opened; the plan's fiscal
     * year start is applied below */
    if (!period_parse(period_s, 1, &period, &why))
        return cli_usage_error("report", _("bad --period '%s': %s"), period_s, _(why));
    sp_day as_of = 0;
    if (cli_parse_as_of("report", as_of_s, &as_of)) return 2;
    if (out_path && !*out_path) return cli_usage_error("report", "%s", _("-o needs a file name"));
    sp_out_guard guard = cli_out_guard(cli, NULL);
    if (out_path && cli_check_output(out_path, &guard)) return 2;
    if (format == FMT_XLSX && !out_path && isatty(STDOUT_FILENO))
        return cli_usage_error("report", "%s", _("--format xlsx writes a workbook: name it with -o FILE.xlsx"));

    sp_store *st = NULL;
    sp_plan *plan = NULL;
    if (cli_open_plan(cli, true, &st, &plan)) return 1;
    cli_warn_goal_filters(st, plan, NULL); /* a filter that matches nothing: say so */
    int rc = 0;
    if (!period_parse(period_s, plan->fiscal_year_start, &period, &why)) {
        rc = cli_usage_error("report", _("bad --period '%s': %s"), period_s, _(why));
        plan_free(plan);
        store_close(st);
        return rc;
    }
    if (!as_of_s) {
        sp_day today = cli_today(plan->timezone);
        as_of = period.last < today ? period.last : today;
    }

    sp_report_opts o = {period_s, period, as_of,
                        format == FMT_HTML ? REPORT_HTML : format == FMT_XLSX ? REPORT_XLSX : REPORT_MD};
    sp_err err = SP_ERR_INIT;
    buf_t out = BUF_INIT;
    if (!report_build(st, plan, &o, &out, &err)) {
        rc = cli_fail(&err);
    } else if (out_path) {
        if (!outfile_write_all(out_path, &guard, out.data ? out.data : "", out.len, &err)) rc = cli_fail(&err);
    } else {
        fwrite(out.data ? out.data : "", 1, out.len, stdout);
        if (fflush(stdout) != 0) rc = 1;
    }
    buf_free(&out);
    err_free(&err);
    plan_free(plan);
    store_close(st);
    return rc;
}

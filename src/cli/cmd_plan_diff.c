/*
 * cmd_plan_diff.c — `salesplan plan versions` (every stored version of a
 * plan with when and why it was stored) and `salesplan plan diff V1 V2`
 * (what changed between two versions, as readable lines in Chinese or
 * English, or JSON). The comparison itself is core/plandiff.c, loading and
 * the change lines app/app_plan.c; this file parses and renders.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../core/plandiff.h"
#include "../io/out.h"
#include "../io/plan_yaml.h"
#include "cli.h"

int plan_versions_cmd(sp_cli *cli, int argc, char **argv)
{
    int fmt = FMT_TABLE;
    if (cli_format_only("plan versions", argc, argv, 1u << FMT_TABLE | 1u << FMT_JSON, &fmt)) return 2;
    if (optind + 1 < argc) return cli_usage_error("plan versions", "%s", _("expects at most one plan ID"));
    const char *given = optind < argc ? argv[optind] : NULL;
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    sp_app_req rq;
    cli_app_req(cli, st, SP_DAY_NONE, &rq);
    if (given) rq.plan_id = given;
    sp_plan_versions_res res;
    memset(&res, 0, sizeof res);
    int rc = 0;
    if (!app_plan_versions(&rq, &res, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    const sp_plan_info *v = res.v;
    size_t n = res.n;
    const char *id = res.id;
    if (fmt == FMT_JSON) {
        buf_t b = BUF_INIT;
        app_plan_versions_json(&res, &b);
        fputs(buf_cstr(&b), stdout);
        buf_free(&b);
    } else {
        sp_table_out *t = tableout_new(4);
        const char *head[4] = {_("version"), _("stored (UTC)"), _("name"), _("reason")};
        tableout_row(t, head);
        tableout_numeric(t, 0, true);
        for (size_t i = 0; i < n; i++) {
            char ver[16];
            snprintf(ver, sizeof ver, "%d", v[i].version);
            const char *row[4] = {ver, v[i].created_at ? v[i].created_at : "", v[i].name ? v[i].name : "",
                                  v[i].reason ? v[i].reason : ""};
            tableout_row(t, row);
        }
        buf_t b = BUF_INIT;
        tableout_render(t, &b);
        printf(_("plan %s: %zu version(s)\n"), id, n);
        fputs(buf_cstr(&b), stdout);
        buf_free(&b);
        tableout_free(t);
    }
done:
    app_plan_versions_free(&res);
    store_close(st);
    err_free(&err);
    return rc;
}

/* parse_version: a version number >= 1, or -1. */
static int parse_version(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 1 || v > 1000000) return -1;
    return (int)v;
}

int plan_diff_cmd(sp_cli *cli, int argc, char **argv)
{
    int fmt = FMT_TABLE;
    if (cli_format_only("plan diff", argc, argv, 1u << FMT_TABLE | 1u << FMT_JSON, &fmt)) return 2;
    if (optind + 2 != argc) return cli_usage_error("plan diff", "%s", _("expects two version numbers V1 V2"));
    int v1 = parse_version(argv[optind]), v2 = parse_version(argv[optind + 1]);
    if (v1 < 0 || v2 < 0)
        return cli_usage_error("plan diff", _("a version is a number from 1, not '%s'"),
                               v1 < 0 ? argv[optind] : argv[optind + 1]);
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    sp_plan_diff_req rq = {.v1 = v1, .v2 = v2};
    cli_app_req(cli, st, SP_DAY_NONE, &rq.r);
    sp_plan_diff_res res;
    memset(&res, 0, sizeof res);
    int rc = 0;
    if (!app_plan_diff(&rq, &res, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    const sp_plan_diff *d = &res.d;
    if (fmt == FMT_JSON) {
        buf_t o = BUF_INIT;
        app_plan_diff_json(&res, &o);
        rc = cli_emit(&o);
    } else {
        printf(_("plan %s: version %d → version %d\n"), res.id, v1, v2);
        if (res.reason) printf(_("reason: %s\n"), res.reason);
        if (d->n == 0) puts(_("no changes"));
        buf_t line = BUF_INIT;
        for (size_t i = 0; i < d->n; i++) {
            buf_clear(&line);
            app_plan_diff_text(&d->v[i], &line);
            printf("  %s\n", buf_cstr(&line));
        }
        buf_free(&line);
        if (d->n) printf(_("%zu change(s)\n"), d->n);
    }
done:
    app_plan_diff_free(&res);
    store_close(st);
    err_free(&err);
    return rc;
}

/*
 * cmd_plan.c — `salesplan plan import|export|list`: plan versions in the
 * workspace. A plan is stored as its canonical YAML (io/plan_export.c), so
 * an unchanged re-import is recognised and stores nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../io/out.h"
#include "../io/plan_export.h"
#include "../io/plan_xlsx.h"
#include "../io/plan_yaml.h"
#include "../util/outfile.h"
#include "cli.h"

#define FMT_XLSX 100   /* plan export --format xlsx (io/plan_xlsx.c) */

int plan_import_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"reason", required_argument, NULL, 'r'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {NULL, 0, NULL, 0}};
    const char *reason = NULL;
    bool quiet = false;
    int c;
    cli_opts op = CLI_OPTS("plan import", "r:q", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        if (c == 'r') reason = optarg;
        else if (c == 'q') quiet = true;
        else return cli_usage_error("plan import", "%s", _("unknown option"));
    }
    if (op.rc) return op.rc;
    if (optind + 1 != argc) return cli_usage_error("plan import", "%s", _("expects one plan FILE"));
    const char *file = argv[optind];

    sp_err err = SP_ERR_INIT;
    sp_xlsx_map *map = NULL;
    bool xlsx = plan_xlsx_is(file);
    sp_plan *plan = xlsx ? plan_xlsx_load_file(file, &map, &err) : plan_yaml_load_file(file, &err);
    if (!plan) {
        int rc = cli_fail(&err);
        err_free(&err);
        return rc;
    }
    sp_check_result res = {0};
    plan_check(plan, NULL, NULL, &res);
    if (xlsx) cli_print_xlsx_diags(file, &res, map);
    else cli_print_diags(file, &res);
    int rc = 0;
    if (res.nerrors) {
        fprintf(stderr, _("salesplan: %s has %zu error(s): nothing stored\n"), file, res.nerrors);
        rc = 1;
        goto out;
    }
    sp_store *st = cli_open_store(cli, false);
    if (!st) {
        rc = 1;
        goto out;
    }
    char *text = plan_export_yaml(plan);
    int version = 0;
    bool changed = false;
    if (!st->ops->plan_put(st, plan->id, plan->name, text, reason, &version, &changed, &err)) {
        rc = cli_fail(&err);
    } else if (!quiet) {
        if (changed) printf(_("plan %s stored as version %d\n"), plan->id, version);
        else printf(_("plan %s unchanged (version %d)\n"), plan->id, version);
    }
    free(text);
    store_close(st);
out:
    plan_xlsx_map_free(map);
    check_result_free(&res);
    plan_free(plan);
    err_free(&err);
    return rc;
}

int plan_export_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"version", required_argument, NULL, 'v'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"output", required_argument, NULL, 'o'},
                                         {NULL, 0, NULL, 0}};
    int version = 0, fmt = FMT_YAML;
    const char *out = NULL;
    int c;
    cli_opts op = CLI_OPTS("plan export", "v:f:o:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        if (c == 'v') {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 1000000)
                return cli_usage_error("plan export", _("--version needs a version number, not '%s'"), optarg);
            version = (int)v;
        } else if (c == 'f') {
            if (str_ieq(optarg, "xlsx")) fmt = FMT_XLSX;
            else if ((fmt = cli_parse_format(optarg, 1u << FMT_YAML | 1u << FMT_JSON)) < 0)
                return cli_usage_error("plan export", _("unknown format '%s' (%s)"), optarg, "yaml, json, xlsx");
        } else if (c == 'o') {
            out = optarg;
        } else {
            return cli_usage_error("plan export", "%s", _("unknown option"));
        }
    }
    if (op.rc) return op.rc;
    if (optind + 1 < argc) return cli_usage_error("plan export", "%s", _("expects at most one plan ID"));
    if (optind < argc) cli->plan_id = argv[optind];
    sp_out_guard guard = cli_out_guard(cli, NULL);
    if (out && cli_check_output(out, &guard)) return 2;
    if (fmt == FMT_XLSX && !out && isatty(STDOUT_FILENO))
        return cli_usage_error("plan export", "%s", _("--format xlsx writes a workbook: name it with -o FILE.xlsx"));

    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    int rc = 0;
    char *text = NULL;
    sp_plan *plan = NULL;
    const char *id = cli->plan_id;
    sp_plan_info *infos = NULL;
    size_t n = 0;
    if (!id) {
        if (!st->ops->plan_list(st, &infos, &n, &err)) goto fail;
        if (n != 1) {
            err_set(&err, SP_EUSAGE, "%s",
                    n ? _("the workspace has several plans: name one (salesplan plan export ID)")
                      : cli_no_plan_msg());
            goto fail;
        }
        id = infos[0].id;
    }
    if (!st->ops->plan_get(st, id, version, &text, &err)) goto fail;
    size_t textlen = strlen(text);
    if (fmt == FMT_XLSX) {
        plan = plan_yaml_parse(text, strlen(text), id, &err);
        if (!plan) goto fail;
        int shown = version;
        if (!shown) {
            /* the latest version's number, for the cover sheet */
            if (!infos && !st->ops->plan_list(st, &infos, &n, &err)) goto fail;
            for (size_t i = 0; i < n; i++)
                if (str_eq(infos[i].id, id)) shown = infos[i].version;
        }
        free(text);
        text = plan_xlsx_write(plan, shown, i18n_lang(), &textlen, &err);
        if (!text) goto fail;
    } else if (fmt == FMT_JSON) {
        plan = plan_yaml_parse(text, strlen(text), id, &err);
        if (!plan) goto fail;
        free(text);
        text = plan_export_json(plan);
        textlen = strlen(text);
    }
    if (out) {
        if (!outfile_write_all(out, &guard, text, textlen, &err)) goto fail;
    } else if (fwrite(text, 1, textlen, stdout) != textlen || fflush(stdout) != 0) {
        err_set(&err, SP_EIO, "%s: %s", _("standard output"), sys_errmsg(errno));
        goto fail;
    }
    goto done;
fail:
    rc = cli_fail(&err);
done:
    plan_info_free(infos, n);
    plan_free(plan);
    free(text);
    store_close(st);
    err_free(&err);
    return rc;
}

int plan_list_cmd(sp_cli *cli, int argc, char **argv)
{
    int fmt = FMT_TABLE;
    if (cli_format_only("plan list", argc, argv, 1u << FMT_TABLE | 1u << FMT_JSON, &fmt)) return 2;
    if (optind < argc) return cli_usage_error("plan list", _("unexpected argument '%s'"), argv[optind]);
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    sp_app_req rq;
    cli_app_req(cli, st, SP_DAY_NONE, &rq);
    sp_plan_list_res res = {NULL, 0};
    const sp_plan_info *v = NULL;
    size_t n = 0;
    int rc = 0;
    if (!app_plan_list(&rq, &res, &err)) {
        rc = cli_fail(&err);
    } else if ((v = res.v, n = res.n, fmt == FMT_JSON)) {
        buf_t b = BUF_INIT;
        app_plan_list_json(&res, &b);
        fputs(buf_cstr(&b), stdout);
        buf_free(&b);
    } else if (n == 0) {
        puts(_("no plans yet: import one with 'salesplan plan import FILE'"));
    } else {
        sp_table_out *t = tableout_new(5);
        const char *head[5] = {_("plan"), _("name"), _("version"), _("stored (UTC)"), _("reason")};
        tableout_row(t, head);
        tableout_numeric(t, 2, true);
        for (size_t i = 0; i < n; i++) {
            char ver[16];
            snprintf(ver, sizeof ver, "%d", v[i].version);
            const char *row[5] = {v[i].id, v[i].name, ver, v[i].created_at, v[i].reason ? v[i].reason : ""};
            tableout_row(t, row);
        }
        buf_t b = BUF_INIT;
        tableout_render(t, &b);
        fputs(buf_cstr(&b), stdout);
        buf_free(&b);
        tableout_free(t);
    }
    app_plan_list_free(&res);
    store_close(st);
    err_free(&err);
    return rc;
}

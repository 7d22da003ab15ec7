/*
 * cmd_plan_show.c — `salesplan plan show [ID] [--step 1..6]
 * [--format text|md|html] [-o FILE]`: the plan table (计划表) step by step,
 * as a director reads it (rendering in io/plan_show.c).
 *
 * Owns: option parsing and where the output goes. Reads the stored plan
 * (the only one, ID, or --plan); no clock, no data.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../io/plan_show.h"
#include "cli.h"

/* write_out: the whole buffer to path ("-" or NULL: stdout); false with a
 * message on stderr. */
static bool write_out(const char *path, const buf_t *b)
{
    FILE *f = path && strcmp(path, "-") != 0 ? fopen(path, "wb") : stdout;
    if (!f) {
        fprintf(stderr, "salesplan: %s: %s\n", path, sys_errmsg(errno));
        return false;
    }
    size_t n = fwrite(b->data ? b->data : "", 1, b->len, f);
    bool ok = n == b->len;
    int e = errno;
    if ((f == stdout ? fflush(f) : fclose(f)) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok) fprintf(stderr, "salesplan: %s: %s\n", f == stdout ? _("standard output") : path, sys_errmsg(e));
    return ok;
}

int plan_show_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"step", required_argument, NULL, 's'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"output", required_argument, NULL, 'o'},
                                         {NULL, 0, NULL, 0}};
    static const char *const names[] = {"text", "md", "html"};
    const char *out_path = NULL;
    int step = 0, c;
    sp_show_format fmt = SHOW_TEXT;
    cli_opts op = CLI_OPTS("plan show", "s:f:o:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        switch (c) {
        case 's': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > PLAN_SHOW_STEPS)
                return cli_usage_error("plan show", _("--step takes a step from 1 to %d, not '%s'"), PLAN_SHOW_STEPS,
                                       optarg);
            step = (int)v;
            break;
        }
        case 'f': {
            int k = -1;
            for (int i = 0; i < 3; i++)
                if (strcmp(optarg, names[i]) == 0) k = i;
            if (k < 0) return cli_usage_error("plan show", _("unknown format '%s' (%s)"), optarg, "text, md, html");
            fmt = (sp_show_format)k;
            break;
        }
        case 'o': out_path = optarg; break;
        default: return cli_usage_error("plan show", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (op.rc) return op.rc;
    if (optind + 1 < argc) return cli_usage_error("plan show", _("unexpected argument '%s'"), argv[optind + 1]);
    if (optind < argc) cli->plan_id = argv[optind];
    if (out_path && !*out_path) return cli_usage_error("plan show", "%s", _("-o needs a file name"));

    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_plan_show_req rq = {.step = step, .format = fmt};
    cli_app_req(cli, st, SP_DAY_NONE, &rq.r);
    sp_plan_show_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    int rc;
    if (!app_plan_show(&rq, &res, &err)) rc = cli_fail(&err);
    else rc = write_out(out_path, &res.text) ? 0 : 1;
    app_plan_show_free(&res);
    err_free(&err);
    store_close(st);
    return rc;
}

/*
 * cmd_ics.c — `salesplan ics OWNER [--as-of DATE] [-o FILE]`: the owner's
 * deadlines, milestones and strategic reviews due as an iCalendar feed
 * (src/notify/ics.c), to stdout or, through util/outfile.c, to FILE.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../notify/ics.h"
#include "cli.h"

int ics_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"as-of", required_argument, NULL, 'a'},
                                         {"output", required_argument, NULL, 'o'},
                                         {NULL, 0, NULL, 0}};
    const char *as_of_s = NULL, *path = NULL;
    int c;
    cli_opts op = CLI_OPTS("ics", "a:o:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        switch (c) {
        case 'a': as_of_s = optarg; break;
        case 'o': path = optarg; break;
        default: return cli_usage_error("ics", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (op.rc) return op.rc;
    if (optind >= argc) return cli_usage_error("ics", "%s", _("missing OWNER (a rep id)"));
    const char *owner = argv[optind++];
    if (optind < argc) return cli_usage_error("ics", _("unexpected argument '%s'"), argv[optind]);
    sp_day as_of;
    if (cli_parse_as_of("ics", as_of_s, &as_of)) return 2;
    sp_out_guard g = cli_out_guard(cli, NULL);
    if (path && cli_check_output(path, &g)) return 2;
    sp_store *st;
    sp_plan *plan;
    if (cli_open_plan(cli, true, &st, &plan)) return 1;
    as_of = cli_as_of(as_of, plan);
    buf_t out = BUF_INIT;
    sp_err err = SP_ERR_INIT;
    int rc;
    if (!ics_feed(st, plan, owner, as_of, i18n_lang(), &out, &err)) {
        rc = cli_fail(&err);
        buf_free(&out);
    } else if (path) {
        rc = outfile_write_all(path, &g, out.data ? out.data : "", out.len, &err) ? 0 : cli_fail(&err);
        buf_free(&out);
    } else {
        rc = cli_emit(&out);
    }
    err_free(&err);
    plan_free(plan);
    store_close(st);
    return rc;
}

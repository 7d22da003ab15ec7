/*
 * cmd_init.c — `salesplan init`: create (or migrate) the workspace.
 */
#include <getopt.h>

#include "cli.h"

int init_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"quiet", no_argument, NULL, 'q'}, {NULL, 0, NULL, 0}};
    int c;
    bool quiet = false;
    cli_opts op = CLI_OPTS("init", "q", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        if (c == 'q') quiet = true;
        else return cli_usage_error("init", "%s", _("unknown option"));
    }
    if (op.rc) return op.rc;
    if (optind < argc) return cli_usage_error("init", _("unexpected argument '%s'"), argv[optind]);
    sp_store *st = cli_open_store(cli, true);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    int v = 0;
    bool ok = st->ops->schema_version(st, &v, &err);
    if (ok && !quiet) printf(_("workspace %s ready (schema version %d)\n"), st->url, v);
    store_close(st);
    int rc = ok ? 0 : cli_fail(&err);
    err_free(&err);
    return rc;
}

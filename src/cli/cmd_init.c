/*
 * cmd_init.c — `salesplan init`: create (or migrate) the workspace, and
 * when it has no user yet, the first admin of the web face: login
 * `admin` with a generated password printed once (app_first_admin).
 * `--quiet` (scripts) prints nothing and so adds no admin: a password
 * nobody saw would only be an account nobody can use.
 */
#include <getopt.h>

#include "../app/app_users.h"
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
    quiet = quiet || cli->quiet;
    sp_store *st = cli_open_store(cli, true);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    int v = 0;
    bool ok = st->ops->schema_version(st, &v, &err);
    if (ok && !quiet) printf(_("workspace %s ready (schema version %d)\n"), st->url, v);
    if (ok && !quiet) {
        sp_app_req rq;
        sp_user_secret res = {0};
        bool created = false;
        cli_app_req(cli, st, SP_DAY_NONE, &rq);
        if (!auth_init()) {
            err_set(&err, SP_EINTERNAL, "%s", _("cannot start the crypto library (libsodium)"));
            ok = false;
        } else {
            ok = app_first_admin(&rq, "admin", &res, &created, &err);
        }
        if (ok && created) {
            printf(_("first admin of the web UI: login admin, password (shown once): %s\n"), res.secret);
            printf("%s\n", _("Run 'salesplan serve' and sign in; change the password with "
                             "'salesplan user passwd admin'."));
        }
        app_user_secret_free(&res);
    }
    store_close(st);
    int rc = ok ? 0 : cli_fail(&err);
    err_free(&err);
    return rc;
}

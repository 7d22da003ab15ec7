/*
 * cmd_activity.c — `salesplan activity add CUSTOMER [--kind KIND]
 * [--on DATE] [--rep ID] [--id ID]`: logs a visit, call, e-mail or meeting
 * with a customer (what a rep does after the stale follow-up alert). This
 * file parses and prints; the checks and the write are the verb
 * app_activity_add (app/app_actual.c).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int activity_add_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"kind", required_argument, NULL, 'k'},
                                         {"on", required_argument, NULL, 'o'},
                                         {"rep", required_argument, NULL, 'r'},
                                         {"id", required_argument, NULL, 'i'},
                                         {NULL, 0, NULL, 0}};
    const char *on_text = NULL, *rep = NULL, *id = NULL;
    int kind = ACT_VISIT, c;
    cli_opts op = CLI_OPTS("activity add", "k:o:r:i:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        switch (c) {
        case 'k':
            kind = -1;
            for (int k = 0; k < ACT_KIND_COUNT; k++)
                if (strcmp(optarg, actkind_name((sp_actkind)k)) == 0) kind = k;
            if (kind < 0)
                return cli_usage_error("activity add", _("unknown activity kind '%s' (visit, call, email, meeting, other)"),
                                       optarg);
            break;
        case 'o': on_text = optarg; break;
        case 'r': rep = optarg; break;
        case 'i': id = optarg; break;
        default: return cli_usage_error("activity add", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (op.rc) return op.rc;
    if (optind >= argc) return cli_usage_error("activity add", "%s", _("expects a CUSTOMER id"));
    if (optind + 1 < argc) return cli_usage_error("activity add", _("unexpected argument '%s'"), argv[optind + 1]);
    sp_day on = SP_DAY_NONE;
    const char *why = NULL;
    if (on_text && !date_parse(on_text, &on, &why))
        return cli_usage_error("activity add", _("--on '%s' is not a date YYYY-MM-DD (%s)"), on_text, why ? _(why) : "");

    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_activity_add_req rq = {.customer_id = argv[optind], .kind = (sp_actkind)kind, .on = on, .rep = rep, .id = id};
    cli_app_req(cli, st, SP_DAY_NONE, &rq.r);
    sp_activity_add_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    int rc = 0;
    if (!app_activity_add(&rq, &res, &err)) {
        rc = cli_app_fail("activity add", &err, res.bad_param);
    } else {
        char db[16];
        printf(_("activity %s recorded: %s with customer %s on %s by %s\n"), res.id, actkind_name((sp_actkind)kind),
               rq.customer_id, day_format(res.on, db), res.rep);
    }
    app_activity_add_free(&res);
    store_close(st);
    err_free(&err);
    return rc;
}

/*
 * cmd_snapshot.c — `salesplan snapshot rebuild` and `salesplan snapshot
 * status`: the columnar snapshot beside the workspace (store/snapshot.h).
 * rebuild writes it under the write lock; status says whether it is fresh,
 * stale, missing or damaged, its size and its rows. Queries use the snapshot
 * by themselves; these commands are for operators and tests.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static bool no_args(const char *name, int argc, char **argv, int *rc)
{
    static const struct option opts[] = {{0, 0, 0, 0}};
    optind = 1;
    opterr = 0;
    if (getopt_long(argc, argv, "", opts, NULL) != -1 || optind < argc) {
        *rc = cli_usage_error(name, "%s", _("takes no options or arguments"));
        return false;
    }
    return true;
}

int snapshot_rebuild_cmd(sp_cli *cli, int argc, char **argv)
{
    int rc = 0;
    if (!no_args("snapshot rebuild", argc, argv, &rc)) return rc;
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    sp_snap_info info;
    char *path = NULL;
    if (!st->ops->snapshot_rebuild(st, &err) || !st->ops->snapshot_status(st, &info, &path, &err)) {
        rc = cli_fail(&err);
    } else if (!cli->quiet) {
        printf(_("snapshot %s written: %llu bytes, data version %llu\n"), path,
               (unsigned long long)info.file_bytes, (unsigned long long)info.data_version);
    }
    free(path);
    err_free(&err);
    store_close(st);
    return rc;
}

int snapshot_status_cmd(sp_cli *cli, int argc, char **argv)
{
    int rc = 0;
    if (!no_args("snapshot status", argc, argv, &rc)) return rc;
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    sp_snap_info info;
    char *path = NULL;
    if (!st->ops->snapshot_status(st, &info, &path, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    /* the state is a keyword (fresh, stale, missing, damaged) in every language */
    printf(_("snapshot: %s\n"), path);
    printf(_("state: %s\n"), snap_state_name(info.state));
    printf(_("workspace data version: %llu\n"), (unsigned long long)info.store_version);
    if (info.state == SNAP_DAMAGED && info.why[0]) printf(_("why: %s\n"), info.why);
    if (info.state == SNAP_FRESH || info.state == SNAP_STALE) {
        printf(_("snapshot data version: %llu\n"), (unsigned long long)info.data_version);
        printf(_("size: %llu bytes\n"), (unsigned long long)info.file_bytes);
        printf(_("strings: %llu\n"), (unsigned long long)info.strings);
        for (int t = 0; t < TBL_COUNT; t++)
            printf(_("rows %s: %llu\n"), table_name((sp_table)t), (unsigned long long)info.rows[t]);
        /* a table copied into a patched snapshot keeps the version it was read at */
        for (int t = 0; t < TBL_COUNT; t++)
            printf(_("read %s at data version: %llu\n"), table_name((sp_table)t), (unsigned long long)info.built[t]);
    }
done:
    free(path);
    err_free(&err);
    store_close(st);
    return rc;
}

/* placeholder: being written */
#include "cli.h"
int plan_import_cmd(sp_cli *cli, int argc, char **argv)
{
    (void)cli; (void)argc; (void)argv;
    fputs("not implemented yet\n", stderr);
    return 1;
}
int plan_export_cmd(sp_cli *cli, int argc, char **argv)
{
    (void)cli; (void)argc; (void)argv;
    fputs("not implemented yet\n", stderr);
    return 1;
}
int plan_list_cmd(sp_cli *cli, int argc, char **argv)
{
    (void)cli; (void)argc; (void)argv;
    fputs("not implemented yet\n", stderr);
    return 1;
}

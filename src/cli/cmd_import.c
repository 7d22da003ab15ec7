/* placeholder: being written */
#include "cli.h"
int import_cmd(sp_cli *cli, int argc, char **argv)
{
    (void)cli; (void)argc; (void)argv;
    fputs("not implemented yet\n", stderr);
    return 1;
}

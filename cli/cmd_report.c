/* cmd_report: placeholder while the command is written (issue 4). */
#include "cli.h"

int cmd_report(int argc, char **argv)
{
    (void)argc;
    cli_error("%s is not built yet", argv[0]);
    return 1;
}


/* cmd_links: placeholder while the command is written (issue 4). */
#include "cli.h"

int cmd_backlinks(int argc, char **argv)
{
    (void)argc;
    cli_error("%s is not built yet", argv[0]);
    return 1;
}

int cmd_outlinks(int argc, char **argv)
{
    (void)argc;
    cli_error("%s is not built yet", argv[0]);
    return 1;
}

int cmd_hubs(int argc, char **argv)
{
    (void)argc;
    cli_error("%s is not built yet", argv[0]);
    return 1;
}

int cmd_path(int argc, char **argv)
{
    (void)argc;
    cli_error("%s is not built yet", argv[0]);
    return 1;
}


/* cmd_search: placeholder while the command is written (issue 4). */
#include "cli.h"

int cmd_search(int argc, char **argv)
{
    (void)argc;
    cli_error("%s is not built yet", argv[0]);
    return 1;
}

int cmd_suggest(int argc, char **argv)
{
    (void)argc;
    cli_error("%s is not built yet", argv[0]);
    return 1;
}

int cmd_mentions(int argc, char **argv)
{
    (void)argc;
    cli_error("%s is not built yet", argv[0]);
    return 1;
}


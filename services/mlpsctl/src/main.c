/* main.c - mlpsctl, the command-line client; the work is in cli.c. */
#include "ctl/cli.h"

int
main(int argc, char **argv)
{
    return ctl_main(argc, argv, stdout, stderr);
}

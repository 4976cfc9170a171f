/* cli.h - the mlpsctl command line: options, commands, exit codes.
 *
 *   mlpsctl [--intake=EP] [--review=EP] [--panel=EP] [--audit=EP] [--cert=EP]
 *           [--timeout-ms=N] [--registry=FILE --key-file=FILE] ...
 *           [--config=FILE] COMMAND ARGS...
 *
 * Options come before the command; each can also be set as MLPS_<KEY> in
 * the environment or in the --config file (common/include/cmn/config.h).
 * The commands are listed by `mlpsctl --help` and in README.md. */
#ifndef CTL_CLI_H
#define CTL_CLI_H
#include <stdio.h>

enum {
    CTL_EXIT_OK = 0,      /* done */
    CTL_EXIT_REFUSED = 1, /* refused, invalid input, or not found */
    CTL_EXIT_USAGE = 2    /* bad command line, unreadable file, transport */
};

/* Runs one command line (argv[0] is the program). Results go to out,
 * errors and refusals to err. Returns the exit code. Borrows everything. */
int ctl_main(int argc, char **argv, FILE *out, FILE *err);

#endif /* CTL_CLI_H */

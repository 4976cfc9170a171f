/* main.c - mlps-audit: runs the audit service, or with `verify` as its
 * first argument checks the hash chain once and exits. */
#include "aud/service.h"

#include <string.h>

int
main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "verify") == 0)
        return aud_verify_main(argc - 1, argv + 1);
    return aud_service_main(argc, argv);
}

/* keygen.c - mlps-keygen: makes a CURVE key pair for a service or office.
 *
 *   mlps-keygen SECRET_FILE   writes a new secret key (mode 0600, refuses
 *                             to overwrite) and prints its public key
 *   mlps-keygen --public SECRET_FILE   prints the public key of a secret
 *
 * The public key goes into the receiving office's allow-list
 * (curve.clients-file: "IDENTITY PUBLIC_KEY") or a sender's
 * curve.peer-keys. The secret never leaves its file. */
#include "cmn/curve.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

int
main(int argc, char **argv)
{
    char pub[CMN_CURVE_KEYLEN + 1], sec[CMN_CURVE_KEYLEN + 1], why[256];
    if (argc == 3 && strcmp(argv[1], "--public") == 0) {
        if (cmn_curve_load(argv[2], sec, pub, why, sizeof why) != 0) {
            fprintf(stderr, "mlps-keygen: %s\n", why);
            return 1;
        }
        printf("%s\n", pub);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: mlps-keygen SECRET_FILE | --public "
                        "SECRET_FILE\n");
        return 2;
    }
    if (zmq_curve_keypair(pub, sec) != 0) {
        fprintf(stderr, "mlps-keygen: this libzmq has no CURVE support\n");
        return 1;
    }
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        fprintf(stderr,
                "mlps-keygen: could not create \"%s\" (it may exist "
                "already)\n",
                argv[1]);
        return 1;
    }
    char line[CMN_CURVE_KEYLEN + 2];
    snprintf(line, sizeof line, "%s\n", sec);
    ssize_t w = write(fd, line, strlen(line));
    close(fd);
    memset(sec, 0, sizeof sec);
    memset(line, 0, sizeof line);
    if (w != (ssize_t) CMN_CURVE_KEYLEN + 1) {
        fprintf(stderr, "mlps-keygen: could not write \"%s\"\n", argv[1]);
        return 1;
    }
    printf("%s\n", pub);
    return 0;
}

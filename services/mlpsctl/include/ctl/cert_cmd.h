/* cert_cmd.h - mlpsctl's certificate commands (mlpsctl cert ...).
 *
 *   cert status NUMBER | --case=TRACKING_ID
 *   cert pdf NUMBER -o FILE.pdf
 *   cert verify FILE|PAYLOAD --keys ISSUER_KEYS [--revocations LIST]
 *               [--sm2-id=ID]
 *   cert revoke NUMBER REASON [--note=TEXT]
 *   cert reissue NUMBER [--level=N] [--note=TEXT]
 *   cert revocations -o FILE
 *
 * Every command but verify is one request to the certificate service
 * (cert.proto) through the caller's call function; verify works offline
 * with the domain library's certificate part (common/domain/cert) alone:
 * FILE is a PDF (the payload in its metadata) or any file holding a
 * payload (zbarimg's output), PAYLOAD the payload itself ("MLPSC1;...").
 * A flag's value may follow it ("--keys FILE") or be joined to it
 * ("--keys=FILE"). Output is "key: value" lines, as print.h's, and one
 * summary line "cert COMMAND: ...". */
#ifndef CTL_CERT_CMD_H
#define CTL_CERT_CMD_H
#include <protobuf-c/protobuf-c.h>
#include <stdio.h>

/* Sends req and waits for a reply of type desc: an exit code of cli.h;
 * on CTL_EXIT_OK the caller owns *reply (protobuf_c_message_free_unpacked)
 * and a reply's Problem has been printed otherwise. */
typedef int (*ctl_cert_call_fn)(void *arg, const ProtobufCMessage *req,
                                const ProtobufCMessageDescriptor *desc,
                                ProtobufCMessage **reply);

typedef struct {
    FILE *out, *err;
    int argc; /* the words after "cert" */
    char **argv;
    const char *unit_secret; /* the unit's proof ("" none), for status/pdf */
    ctl_cert_call_fn call;   /* to the certificate service */
    void *arg;
} ctl_cert_t;

/* Runs the command in c->argv. Returns the exit code: CTL_EXIT_OK (for
 * verify: valid), CTL_EXIT_REFUSED (a Problem; for verify: revoked or
 * invalid), CTL_EXIT_USAGE (the command line, a file, the transport). */
int ctl_cert_run(const ctl_cert_t *c);

/* The commands, one a line, for the usage text. */
void ctl_cert_usage(FILE *out);

#endif /* CTL_CERT_CMD_H */

/* cli_internal.h - what mlpsctl's command files share (cli.c,
 * case_cmd.c, intake_cmd.c): the options, a command's context, the call to
 * a service, and the commands the table in cli.c runs. Every int return is
 * an exit code (CTL_EXIT_*); what went wrong is printed on c->err. */
#ifndef CTL_CLI_INTERNAL_H
#define CTL_CLI_INTERNAL_H
#include "cmn/problem.h"
#include "ctl/cli.h"

#include <protobuf-c/protobuf-c.h>
#include <stdio.h>

typedef struct {
    char *intake, *review, *panel, *audit, *evaluation, *cert; /* APIs */
    long timeout_ms;
    long batch_timeout_ms; /* for one request of a batch import */
    char *key_file;        /* this client's CURVE secret key */
    char *registry;        /* the key registry: each service's public key */
    char *office;          /* the office whose services these are */
    char *intake_office;   /* the office the intake belongs to ("": office) */
    char *act_for;         /* a gateway acting for this person */
    char *unit_secret, *unit_secret_file; /* a unit's proof */
    long import_bytes; /* packed bytes of one ImportRequest's records */
} ctl__opts_t;

/* The services mlpsctl talks to; ctl__call() finds each one's endpoint in the
 * options by this order. */
typedef enum {
    CTL__INTAKE,
    CTL__REVIEW,
    CTL__PANEL,
    CTL__AUDIT,
    CTL__EVALUATION,
    CTL__CERT
} ctl__service_t;

typedef struct {
    ctl__opts_t opts;
    FILE *out, *err;
    const char *word; /* the command's first word */
    int argc;         /* arguments after the command's words */
    char **argv;
} ctl__ctx_t;

typedef int (*ctl__cmd_fn)(ctl__ctx_t *c);

/* Sends req to service and waits for a reply of type desc. On CTL_EXIT_OK
 * the caller owns *reply (protobuf_c_message_free_unpacked). A Problem
 * is printed here. */
int ctl__call(ctl__ctx_t *c, ctl__service_t service,
              const ProtobufCMessage *req,
              const ProtobufCMessageDescriptor *desc, ProtobufCMessage **reply);

/* Sends req to service expecting an ActionReply, and prints it. */
int ctl__action(ctl__ctx_t *c, ctl__service_t service,
                const ProtobufCMessage *req);

/* The unit's proof: --unit-secret, or the first line of --unit-secret-file,
 * into buf ("" when neither is given). */
int ctl__unit_secret(ctl__ctx_t *c, char *buf, size_t len);

/* Prints the errors of a load or conversion that returned rc (0 or a
 * CMN_E* code); the exit code for it. */
int ctl__report(ctl__ctx_t *c, int rc, const cmn_problem_t *errs);

/* The value of "--NAME=VALUE" in arg (borrowed from it), or NULL. */
const char *ctl__flag(const char *arg, const char *name);

/* case_cmd.c: a filing, its review, the panel and the audit trail. */
int ctl__submit(ctl__ctx_t *c);
int ctl__supplement(ctl__ctx_t *c);
int ctl__insist(ctl__ctx_t *c);
int ctl__status(ctl__ctx_t *c);
int ctl__letter(ctl__ctx_t *c);
int ctl__panel_show(ctl__ctx_t *c);
int ctl__panel_opinion(ctl__ctx_t *c);
int ctl__audit_verify(ctl__ctx_t *c);
int ctl__audit_events(ctl__ctx_t *c);
int ctl__review_queue(ctl__ctx_t *c);
int ctl__review_decide(ctl__ctx_t *c);

/* intake_cmd.c: the intake's batches, aggregates, reports, duplicates. */
int ctl__batch_import(ctl__ctx_t *c);
int ctl__aggregate_send(ctl__ctx_t *c);
int ctl__report_month(ctl__ctx_t *c);
int ctl__duplicates_list(ctl__ctx_t *c);
int ctl__duplicates_decide(ctl__ctx_t *c);

#endif /* CTL_CLI_INTERNAL_H */

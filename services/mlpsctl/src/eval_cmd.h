/* eval_cmd.h - mlpsctl's commands for the evaluation service (eval_cmd.c)
 * and their printers (eval_print.c), reached from cli.c's command table:
 *
 *   institution add FILE.json | show ID | list
 *   institution suspend ID [CERTIFICATE] [--lift] [--reason=TEXT]
 *   institution check APPLICATION.json --rules=NAME [--rules-dir=DIR]
 *   evaluation choose TRACKING_ID INSTITUTION     (the unit's proof)
 *   evaluation assign TRACKING_ID [INSTITUTION] [--reason=TEXT]
 *   evaluation report TRACKING_ID --date=D --score=N --high=N --medium=N
 *                     --sha256=HEX               (the institution's key)
 *   evaluation status TRACKING_ID | due [--before=DATE] | queue
 *   rectification plan TRACKING_ID SHA256 SUMMARY | review TRACKING_ID
 *                 approve|reject [REASON] | complete TRACKING_ID SUMMARY
 *   inspection plan YEAR | record TRACKING_ID DATE passed|issues [NOTE]
 *
 * Output follows print.h: one fact per line, "key: value", text from the
 * service with control characters as spaces. Exit codes are cli.h's.
 * Internal to mlpsctl (prefix ctl_eval_). */
#ifndef CTL_EVAL_CMD_H
#define CTL_EVAL_CMD_H
#include "mlps/v1/evaluation.pb-c.h"

#include <stdio.h>

/* Sends req to the evaluation service, waiting for a reply of type desc;
 * prints transport errors and Problems itself. Returns an exit code; on
 * CTL_EXIT_OK the caller owns *reply (protobuf_c_message_free_unpacked). */
typedef int (*ctl_eval_call_fn)(void *arg, const ProtobufCMessage *req,
                                const ProtobufCMessageDescriptor *desc,
                                ProtobufCMessage **reply);

typedef struct {
    FILE *out, *err;
    ctl_eval_call_fn call;
    void *arg;
    const char *unit_secret; /* the unit's proof ("" for none) */
} ctl_eval_io_t;

/* Runs "GROUP ARGS..." (group: institution, evaluation, rectification or
 * inspection; argv[0] the subcommand). Returns the exit code; a bad
 * command line prints the group's usage on io->err. Borrows everything. */
int ctl_eval_command(const ctl_eval_io_t *io, const char *group, int argc,
                     char **argv);

/* The printers (eval_print.c). Each returns CTL_EXIT_OK. */
int ctl_eval_print_status(FILE *out, const Mlps__V1__EvaluationStatusReply *r);
int ctl_eval_print_list(FILE *out, const char *what,
                        const Mlps__V1__EvaluationListReply *r);
int ctl_eval_print_put(FILE *out, const Mlps__V1__InstitutionPutReply *r);
int ctl_eval_print_institution(FILE *out,
                               const Mlps__V1__InstitutionShowReply *r);
int ctl_eval_print_institutions(FILE *out,
                                const Mlps__V1__InstitutionListReply *r);
int ctl_eval_print_inspection(FILE *out,
                              const Mlps__V1__InspectionPlanReply *r);

#endif /* CTL_EVAL_CMD_H */

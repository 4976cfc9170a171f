/* print.h - replies and errors as text for people.
 *
 * One fact per line, "key: value", so a script can pick a line with
 * sed -n 's/^key: //p'. A key whose value the service left empty (or a
 * level 0) is left out, so "absent" reads the same to a person and to a
 * script; a list prints one line per item under the same key. Text that
 * came from a service is printed with control characters replaced by
 * spaces, so a line stays one line; the letter is the exception and is
 * printed as is. Errors read "error: FIELD: REASON" ("error: REASON" when
 * FIELD is empty), for local JSON errors and for a service's FieldErrors
 * alike.
 *
 * Every function borrows its arguments. int returns are the exit codes
 * of cli.h: CTL_EXIT_OK, or CTL_EXIT_REFUSED when the reply says no. */
#ifndef CTL_PRINT_H
#define CTL_PRINT_H
#include "cmn/problem.h"
#include "mlps/v1/api.pb-c.h"

#include <stdio.h>

/* "error: FIELD: REASON", or "error: REASON" when field is "" or NULL. */
void ctl_print_error(FILE *out, const char *field, const char *reason);

/* ctl_print_error() for each entry, in order. */
void ctl_print_errors(FILE *out, const cmn_problem_t *errs);

/* "error: CODE: MESSAGE", then each of its field errors. */
void ctl_print_problem(FILE *out, const Mlps__V1__Problem *problem);

/* The reply's `problem` field when it has one and it is set, else NULL. */
const Mlps__V1__Problem *ctl_reply_problem(const ProtobufCMessage *reply);

/* "tracking_id: X", and "duplicate: yes" when it is one. */
int ctl_print_submit(FILE *out, const Mlps__V1__SubmitFilingReply *reply);

/* "ok: yes" and the detail; a refusal without a Problem goes to err as
 * "error: refused: DETAIL" and returns CTL_EXIT_REFUSED. */
int ctl_print_action(FILE *out, FILE *err, const Mlps__V1__ActionReply *reply);

/* tracking_id, state, outcome, proposed_level, level, received, deadline,
 * deadline_note, one "missing:" line per missing material, panel,
 * liability_notice, and breached (yes or no, always there). */
int ctl_print_status(FILE *out, const Mlps__V1__StatusReply *reply);

/* The letter text as is, with a final newline if it lacks one. */
int ctl_print_letter(FILE *out, const Mlps__V1__LetterReply *reply);

/* tracking_id, state, session_date, one "expert:" line each, detail. */
int ctl_print_panel(FILE *out, const Mlps__V1__PanelShowReply *reply);

/* "audit verify: ok records=N", or "audit verify: FAILED at seq=S: REASON"
 * and CTL_EXIT_REFUSED. */
int ctl_print_audit_verify(FILE *out, const Mlps__V1__AuditVerifyReply *reply);

/* One line per event: the UTC time, then service, action, actor, outcome
 * and office as key=value (values quoted when they hold a space). No
 * events is "no audit events for case ..." on err and CTL_EXIT_REFUSED. */
int ctl_print_audit_events(FILE *out, FILE *err, const char *case_id,
                           const Mlps__V1__AuditEventsReply *reply);

#endif /* CTL_PRINT_H */

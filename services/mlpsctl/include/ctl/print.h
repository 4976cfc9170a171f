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

/* "tracking_id: X", "duplicate: yes" when it is one, and the unit's proof
 * ("unit_secret: ...") when the filing was accepted now. */
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

/* One "queue: ID state= recommend= level= due= days_left= region=" line
 * per case (missing= for B) and its reason, then "queue: N shown of M
 * waiting". */
int ctl_print_queue(FILE *out, const Mlps__V1__ReviewQueueReply *reply);

/* The municipal office's month, one line per district:
 *   report MONTH: district=CODE reported=yes|no on_time=yes|no filings=N
 *   reconciled=yes|DIFFERENCES
 * (on one line; DIFFERENCES are the district's differences joined with
 * "; ", or "no" when it did not report or none are listed), then
 *   report MONTH: districts=D reported=R on_time=T reporting_rate=R/D (P%)
 *   on_time_rate=T/D (P%)
 * (no percentages when D is 0). MONTH is the reply's, or month when the
 * reply names none. */
int ctl_print_report(FILE *out, const char *month,
                     const Mlps__V1__ReportMonthReply *reply);

/* One "duplicate: TRACKING_ID other=ID state=S unit=CODE system=NAME" line
 * per pair (decided_by= once decided; values quoted when they hold a
 * space), then "duplicates: N". */
int ctl_print_duplicates(FILE *out, const Mlps__V1__DuplicatesReply *reply);

/* Any reply as one JSON object on one line (ctl_json_from_pb()). Out of
 * memory is "error: out of memory" on err and CTL_EXIT_USAGE. */
int ctl_print_json(FILE *out, FILE *err, const ProtobufCMessage *reply);

#endif /* CTL_PRINT_H */

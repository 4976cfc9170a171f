/* audit.h - every state change is also an audit event.
 *
 * cmn_audit_emit() queues an mlps.v1.AuditEvent for the audit service in the
 * caller's open transaction, through the outbox, so the event commits if and
 * only if the change does. Events name who, what, which case and the
 * outcome; never a filing's contents. */
#ifndef CMN_AUDIT_H
#define CMN_AUDIT_H
#include "cmn/err.h"

#include <libpq-fe.h>
#include <stddef.h>

#define CMN_AUDIT_DEST "audit"

typedef struct {
    const char *service; /* "intake" */
    const char *actor;   /* office, unit credit code, expert id, "system" */
    const char *action;  /* "filing.accepted" */
    const char *case_id; /* tracking id */
    const char *outcome; /* "A", "rejected", "level 3", ... */
    const char *office;  /* office this instance serves; may be "" */
} cmn_audit_t;

/* Worker thread, inside the caller's transaction. */
int cmn_audit_emit(PGconn *conn, const cmn_audit_t *ev) CMN_MUST_CHECK;

/* evs[0..n) queued in one statement (a batch's events), in that order;
 * a NULL service or office is this process's (cmn_audit_origin). n 0
 * does nothing. Worker thread, inside the caller's transaction. */
int cmn_audit_emit_many(PGconn *conn, const cmn_audit_t *evs,
                        size_t n) CMN_MUST_CHECK;

/* The service and office every cmn_audit() event of this process names
 * (strings copied). cmn_svc_main() sets them before any handler runs. */
void cmn_audit_origin(const char *service, const char *office);

/* cmn_audit_emit() of an event from this process's service and office:
 * actor did action on case_id, with the outcome formatted from fmt. */
int cmn_audit(PGconn *conn, const char *actor, const char *action,
              const char *case_id, const char *fmt, ...)
    CMN_PRINTF(5, 6) CMN_MUST_CHECK;

#endif /* CMN_AUDIT_H */

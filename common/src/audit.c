/* audit.c - audit events through the outbox. */
#include "cmn/audit.h"
#include "cmn/api.h"
#include "cmn/outbox.h"
#include "mlps/v1/workflow.pb-c.h"


int
cmn_audit_emit(PGconn *conn, const cmn_audit_t *ev)
{
    Mlps__V1__AuditEvent e = MLPS__V1__AUDIT_EVENT__INIT;
    e.service = (char *) ev->service;
    e.actor = (char *) (ev->actor ? ev->actor : "system");
    e.action = (char *) ev->action;
    e.case_id = (char *) ev->case_id;
    e.outcome = (char *) (ev->outcome ? ev->outcome : "");
    e.office = (char *) (ev->office ? ev->office : "");
    e.at_us = cmn_now_us();
    return cmn_outbox_put_pb(conn, CMN_AUDIT_DEST, ev->case_id, 0, &e.base);
}

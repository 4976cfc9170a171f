/* audit.c - audit events through the outbox. */
#include "cmn/audit.h"
#include "cmn/api.h"
#include "cmn/outbox.h"
#include "cmn/pb.h"
#include "mlps/v1/workflow.pb-c.h"

#include <stdlib.h>

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
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = cmn_pb_pack(&e.base, &buf, &len);
    if (rc != 0)
        return rc;
    cmn_outmsg_t m = {.dest = CMN_AUDIT_DEST,
                      .type = "mlps.v1.AuditEvent",
                      .correlation_id = ev->case_id,
                      .payload = buf,
                      .payload_len = len};
    rc = cmn_outbox_put(conn, &m);
    free(buf);
    return rc;
}

/* audit.c - audit events through the outbox. */
#include "cmn/audit.h"
#include "cmn/api.h"
#include "cmn/outbox.h"
#include "cmn/pb.h"
#include "mlps/v1/workflow.pb-c.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define S_OUTCOME_MAX 256 /* what the audit service accepts */

static char s_service[65], s_office[65];

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

int
cmn_audit_emit_many(PGconn *conn, const cmn_audit_t *evs, size_t n)
{
    cmn_outmsg_t *msgs = calloc(n + 1, sizeof *msgs);
    int rc = msgs ? 0 : CMN_ENOMEM;
    size_t packed = 0;
    for (; rc == 0 && packed < n; packed++) {
        const cmn_audit_t *ev = &evs[packed];
        Mlps__V1__AuditEvent e = MLPS__V1__AUDIT_EVENT__INIT;
        e.service = (char *) (ev->service ? ev->service : s_service);
        e.actor = (char *) (ev->actor ? ev->actor : "system");
        e.action = (char *) ev->action;
        e.case_id = (char *) ev->case_id;
        e.outcome = (char *) (ev->outcome ? ev->outcome : "");
        e.office = (char *) (ev->office ? ev->office : s_office);
        e.at_us = cmn_now_us();
        uint8_t *buf = NULL;
        size_t len = 0;
        rc = cmn_pb_pack(&e.base, &buf, &len);
        if (rc != 0)
            break;
        msgs[packed] = (cmn_outmsg_t){.dest = CMN_AUDIT_DEST,
                                      .type = e.base.descriptor->name,
                                      .correlation_id = ev->case_id,
                                      .payload = buf,
                                      .payload_len = len};
    }
    if (rc == 0)
        rc = cmn_outbox_put_many(conn, msgs, n);
    for (size_t i = 0; msgs != NULL && i < packed; i++)
        free((void *) msgs[i].payload);
    free(msgs);
    return rc;
}

/* text[0..len) was cut at len bytes: drop a last character left
 * incomplete, so the outcome stays valid UTF-8. */
static void
s_cut_utf8(char *text, size_t len)
{
    size_t start = len;
    while (start > 0 && ((unsigned char) text[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0)
        return;
    unsigned char lead = (unsigned char) text[start - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (start - 1 + need > len)
        text[start - 1] = '\0';
}

void
cmn_audit_origin(const char *service, const char *office)
{
    snprintf(s_service, sizeof s_service, "%s", service ? service : "");
    snprintf(s_office, sizeof s_office, "%s", office ? office : "");
}

int
cmn_audit(PGconn *conn, const char *actor, const char *action,
          const char *case_id, const char *fmt, ...)
{
    char outcome[S_OUTCOME_MAX + 1];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(outcome, sizeof outcome, fmt, ap);
    va_end(ap);
    if (n >= (int) sizeof outcome)
        s_cut_utf8(outcome, sizeof outcome - 1);
    cmn_audit_t ev = {.service = s_service,
                      .actor = actor,
                      .action = action,
                      .case_id = case_id,
                      .outcome = outcome,
                      .office = s_office};
    return cmn_audit_emit(conn, &ev);
}

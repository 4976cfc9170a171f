/* inbox.c - the audit service's one durable handler: an AuditEvent,
 * checked and appended to the chain in the inbox's transaction. */
#include "aud/chain.h"
#include "aud/service.h"

int
aud_apply_event(PGconn *conn, const cmn_env_msg_t *msg, void *arg, char *why,
                size_t whylen)
{
    (void) arg;
    const Mlps__V1__AuditEvent *ev =
        (const Mlps__V1__AuditEvent *) msg->payload;
    int rc = aud_event_check(ev, why, whylen);
    if (rc == 0)
        rc = aud_chain_append(conn, msg->env->message_id, ev, NULL);
    return rc;
}

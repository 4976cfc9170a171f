/* inbox.c - the audit service's one durable handler: an AuditEvent,
 * checked and appended to the chain in the inbox's transaction. */
#include "aud/chain.h"
#include "aud/service.h"

#include <stdio.h>
#include <string.h>

int
aud_apply_event(PGconn *conn, const cmn_env_msg_t *msg, void *arg, char *why,
                size_t whylen)
{
    (void) arg;
    const Mlps__V1__AuditEvent *ev =
        (const Mlps__V1__AuditEvent *) msg->payload;
    const cmn_ident_t *from = &msg->peer;
    /* A service speaks only for itself: the event must name the service
     * and the office its key proved. */
    if (from->kind != CMN_KIND_DEV &&
        (strcmp(ev->service, from->service) != 0 ||
         strcmp(ev->office, from->office) != 0)) {
        snprintf(why, whylen,
                 "field \"service\": the event says \"%.64s\" of office "
                 "\"%.64s\", the key is \"%s\"",
                 ev->service, ev->office, from->name);
        return CMN_EREJECT;
    }
    int rc = aud_event_check(ev, why, whylen);
    if (rc == 0)
        rc = aud_chain_append(conn, msg->env->message_id, ev, NULL);
    return rc;
}

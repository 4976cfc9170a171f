/* inbox.c - the audit service's one durable handler: an AuditEvent,
 * checked and appended to the chain in the inbox's transaction. */
#include "aud/chain.h"
#include "aud/service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The checks of one event: 0, or CMN_EREJECT naming the field in why. */
static int
s_check(const cmn_env_msg_t *msg, char *why, size_t whylen)
{
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
    return aud_event_check(ev, why, whylen);
}

int
aud_apply_event(PGconn *conn, const cmn_env_msg_t *msg, void *arg, char *why,
                size_t whylen)
{
    (void) arg;
    int rc = s_check(msg, why, whylen);
    if (rc == 0)
        rc =
            aud_chain_append(conn, msg->env->message_id,
                             (const Mlps__V1__AuditEvent *) msg->payload, NULL);
    return rc;
}

int
aud_apply_events(PGconn *conn, const cmn_env_msg_t *const *msgs, int n,
                 void *arg, char *why, size_t whylen)
{
    (void) arg;
    const char **ids = calloc((size_t) n, sizeof *ids);
    const Mlps__V1__AuditEvent **evs = calloc((size_t) n, sizeof *evs);
    int rc = ids != NULL && evs != NULL ? 0 : CMN_ENOMEM;
    for (int i = 0; rc == 0 && i < n; i++) {
        rc = s_check(msgs[i], why, whylen); /* the inbox then goes one by one */
        ids[i] = msgs[i]->env->message_id;
        evs[i] = (const Mlps__V1__AuditEvent *) msgs[i]->payload;
    }
    if (rc == 0)
        rc = aud_chain_append_many(conn, ids, evs, n);
    free(ids);
    free(evs);
    return rc;
}

/* api.c - the audit service's request handlers: verify the chain, a case's
 * events; and the verification both the API and the command run. */
#include "aud/chain.h"
#include "aud/service.h"
#include "cmn/log.h"
#include "mlps/v1/api.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_EVENTS_SQL                                            \
    "SELECT service, actor, action, case_id, outcome, office, " \
    "(extract(epoch FROM at) * 1000000)::bigint FROM chain "    \
    "WHERE case_id = $1 ORDER BY seq LIMIT $2"

/* The chain, then (with key) its signed checkpoints, in one snapshot. */
int
aud_verify_all(PGconn *conn, const aud_key_t *key, long grace_s,
               aud_verify_result_t *res)
{
    int rc = cmn_pg_cmd(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ "
                              "READ ONLY");
    if (rc == 0)
        rc = aud_verify(conn, res);
    if (rc == 0 && res->ok && key != NULL)
        rc = aud_verify_checkpoints(conn, key, cmn_now_us(),
                                    (int64_t) grace_s * 1000000, res);
    cmn_pg_rollback(conn); /* read only: nothing to keep */
    return rc;
}

int
aud_api_verify(PGconn *conn, const cmn_env_msg_t *req, void *arg,
               cmn_api_reply_t *out)
{
    (void) req;
    const aud_t *self = arg;
    Mlps__V1__AuditVerifyReply rep = MLPS__V1__AUDIT_VERIFY_REPLY__INIT;
    aud_verify_result_t res;
    char reason[sizeof res.reason + 64];
    int rc = aud_verify_all(conn, self ? self->key : NULL,
                            self ? self->conf.grace_s : 0, &res);
    if (rc != 0)
        return rc;
    rep.ok = res.ok;
    rep.records = res.records;
    rep.key_id = res.key_id;
    rep.checkpoints = res.checkpoints;
    rep.anchored_seq = (uint64_t) res.anchored_seq;
    if (!res.ok) {
        rep.first_bad_seq = res.bad_seq > 0 ? (uint64_t) res.bad_seq : 0;
        snprintf(reason, sizeof reason, "event %s: %s",
                 res.bad_event[0] ? res.bad_event : "-", res.reason);
        rep.reason = reason;
        cmn_log_warn("chain verify FAILED at seq=%lld (event %s): %s",
                     (long long) res.bad_seq, res.bad_event, res.reason);
    } else {
        cmn_log_info("chain verify ok records=%llu",
                     (unsigned long long) res.records);
    }
    return cmn_api_reply(out, "mlps.v1.AuditVerifyReply", &rep.base);
}

/* Answers a Problem "invalid" naming case_id. */
static int
s_events_invalid(cmn_api_reply_t *out)
{
    Mlps__V1__AuditEventsReply rep = MLPS__V1__AUDIT_EVENTS_REPLY__INIT;
    Mlps__V1__Problem prob = MLPS__V1__PROBLEM__INIT;
    Mlps__V1__FieldError fe = MLPS__V1__FIELD_ERROR__INIT, *fes[1] = {&fe};
    char reason[64];
    snprintf(reason, sizeof reason, "must be 1 to %d bytes", AUD_CASE_ID_MAX);
    fe.field = "case_id";
    fe.reason = reason;
    prob.code = "invalid";
    prob.message = "field \"case_id\": empty or too long";
    prob.n_errors = 1;
    prob.errors = fes;
    rep.problem = &prob;
    return cmn_api_reply(out, "mlps.v1.AuditEventsReply", &rep.base);
}

/* Points n events at the rows of r (which must outlive them). */
static void
s_events_fill(const PGresult *r, int n, Mlps__V1__AuditEvent *store,
              Mlps__V1__AuditEvent **ptrs)
{
    for (int i = 0; i < n; i++) {
        Mlps__V1__AuditEvent *e = &store[i];
        mlps__v1__audit_event__init(e);
        e->service = PQgetvalue(r, i, 0);
        e->actor = PQgetvalue(r, i, 1);
        e->action = PQgetvalue(r, i, 2);
        e->case_id = PQgetvalue(r, i, 3);
        e->outcome = PQgetvalue(r, i, 4);
        e->office = PQgetvalue(r, i, 5);
        e->at_us = strtoll(PQgetvalue(r, i, 6), NULL, 10);
        ptrs[i] = e;
    }
}

int
aud_api_events(PGconn *conn, const cmn_env_msg_t *req, void *arg,
               cmn_api_reply_t *out)
{
    (void) arg;
    const Mlps__V1__AuditEventsRequest *q =
        (const Mlps__V1__AuditEventsRequest *) req->payload;
    Mlps__V1__AuditEventsReply rep = MLPS__V1__AUDIT_EVENTS_REPLY__INIT;
    Mlps__V1__Problem prob = MLPS__V1__PROBLEM__INIT;
    Mlps__V1__AuditEvent *store = NULL, **ptrs = NULL;
    PGresult *r = NULL;
    char limit[16];
    int rc = 0;

    size_t len = strlen(q->case_id);
    if (len == 0 || len > AUD_CASE_ID_MAX)
        return s_events_invalid(out);
    snprintf(limit, sizeof limit, "%d", AUD_EVENTS_MAX + 1);
    const char *p[2] = {q->case_id, limit};
    if ((r = cmn_pg_exec(conn, S_EVENTS_SQL, 2, p, &rc)) == NULL)
        goto out;
    int n = PQntuples(r) > AUD_EVENTS_MAX ? AUD_EVENTS_MAX : PQntuples(r);
    store = calloc((size_t) n + 1, sizeof *store);
    ptrs = calloc((size_t) n + 1, sizeof *ptrs);
    rc = CMN_ENOMEM;
    if (store == NULL || ptrs == NULL)
        goto out;
    s_events_fill(r, n, store, ptrs);
    rep.n_events = (size_t) n;
    rep.events = ptrs;
    if (PQntuples(r) > AUD_EVENTS_MAX) {
        prob.code = "truncated";
        prob.message = "the case has more events than one reply holds";
        rep.problem = &prob;
    }
    rc = cmn_api_reply(out, "mlps.v1.AuditEventsReply", &rep.base);
out:
    free(ptrs);
    free(store);
    PQclear(r);
    return rc;
}

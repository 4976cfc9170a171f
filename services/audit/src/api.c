/* api.c - the audit service's request handlers: verify the chain, a case's
 * events; and the verification both the API and the command run. */
#include "aud/chain.h"
#include "aud/saved.h"
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

/* The chain, the checkpoints kept outside (since, signed_last), then
 * (with a key) the signed checkpoints, in one snapshot. */
int
aud_verify_all(PGconn *conn, const aud_verify_opts_t *o,
               aud_verify_result_t *res, aud_checkpoint_t *latest)
{
    const aud_checkpoint_t *since = o->since, *last = o->signed_last;
    if (latest != NULL)
        memset(latest, 0, sizeof *latest);
    int rc = cmn_pg_cmd(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ "
                              "READ ONLY");
    if (rc == 0)
        rc = aud_verify(conn, res);
    if (rc == 0 && res->ok && since != NULL && since->seq > 0)
        rc = aud_verify_saved(conn, o->key, since, "the saved checkpoint", res);
    if (rc == 0 && res->ok && last != NULL && last->seq > 0)
        rc = aud_verify_saved(conn, o->key, last,
                              "the last checkpoint this signer signed", res);
    if (rc == 0 && res->ok && o->key != NULL)
        rc =
            aud_verify_checkpoints(conn, o->key, cmn_now_us(),
                                   (int64_t) o->grace_s * 1000000, res, latest);
    cmn_pg_rollback(conn); /* read only: nothing to keep */
    return rc;
}

/* Refused since: the chain verifies (put back?), but no more checkpoints
 * are being signed, and this says why. */
static void
s_signer_refused(aud_verify_result_t *res, const aud_checkpoint_t *last,
                 const char *alarm)
{
    res->ok = false;
    res->bad_seq = last->seq;
    snprintf(res->bad_event, sizeof res->bad_event, "%s", last->event_id);
    snprintf(res->reason, sizeof res->reason, "the signer refuses: %.360s",
             alarm);
}

int
aud_api_verify(PGconn *conn, const cmn_env_msg_t *req, void *arg,
               cmn_api_reply_t *out)
{
    (void) req;
    const aud_t *self = arg;
    Mlps__V1__AuditVerifyReply rep = MLPS__V1__AUDIT_VERIFY_REPLY__INIT;
    aud_verify_result_t res;
    aud_checkpoint_t last = {0};
    char reason[sizeof res.reason + 64], alarm[sizeof res.reason];
    bool refused = self != NULL && self->signer != NULL &&
                   aud_signer_state(self->signer, &last, alarm, sizeof alarm);
    aud_verify_opts_t o = {.key = self ? self->key : NULL,
                           .grace_s = self ? self->conf.grace_s : 0,
                           .signed_last = &last};
    int rc = aud_verify_all(conn, &o, &res, NULL);
    if (rc != 0)
        return rc;
    if (res.ok && refused)
        s_signer_refused(&res, &last, alarm);
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

/* May the caller read the events of case_id: this office's own people see
 * every case; another office's (a district's) only the cases it took in,
 * whose tracking ids start with its code. */
static bool
s_may_read(const aud_t *self, const cmn_ident_t *who, const char *case_id)
{
    size_t n = strlen(who->office);
    if (who->kind == CMN_KIND_DEV || self == NULL ||
        strcmp(who->office, self->conf.base.office) == 0)
        return true;
    return n > 0 && strncmp(case_id, who->office, n) == 0 && case_id[n] == '-';
}

int
aud_api_events(PGconn *conn, const cmn_env_msg_t *req, void *arg,
               cmn_api_reply_t *out)
{
    const aud_t *self = arg;
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
    if (!s_may_read(self, &req->peer, q->case_id)) /* as if there were none */
        return cmn_api_reply(out, "mlps.v1.AuditEventsReply", &rep.base);
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

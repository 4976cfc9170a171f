/* service.c - the audit service's handlers and entry points. */
#include "aud/service.h"
#include "aud/chain.h"
#include "aud/verify.h"
#include "cmn/log.h"
#include "cmn/svc.h"
#include "mlps/v1/api.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_EVENTS_SQL                                            \
    "SELECT service, actor, action, case_id, outcome, office, " \
    "(extract(epoch FROM at) * 1000000)::bigint FROM chain "    \
    "WHERE case_id = $1 ORDER BY seq LIMIT $2"

/* --- inbox ----------------------------------------------------------- */

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

/* --- api ------------------------------------------------------------- */

int
aud_api_verify(PGconn *conn, const cmn_env_msg_t *req, void *arg,
               cmn_api_reply_t *out)
{
    (void) req;
    (void) arg;
    Mlps__V1__AuditVerifyReply rep = MLPS__V1__AUDIT_VERIFY_REPLY__INIT;
    aud_verify_result_t res;
    char reason[sizeof res.reason + 64];
    int rc = aud_verify(conn, &res);
    if (rc != 0)
        return rc;
    rep.ok = res.ok;
    rep.records = res.records;
    if (!res.ok) {
        rep.first_bad_seq = res.bad_seq > 0 ? (uint64_t) res.bad_seq : 0;
        snprintf(reason, sizeof reason, "event %s: %s", res.bad_event,
                 res.reason);
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

/* --- the service ----------------------------------------------------- */

typedef struct {
    cmn_svc_conf_t base;
} s_conf_t;

static const cmn_cfg_opt_t s_opts[] = {
    CMN_SVC_OPTIONS(s_conf_t, base),
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

static const cmn_inbox_handler_t s_handlers[] = {
    {"mlps.v1.AuditEvent", &mlps__v1__audit_event__descriptor, aud_apply_event},
};

static const cmn_api_handler_t s_api_handlers[] = {
    {"mlps.v1.AuditVerifyRequest", &mlps__v1__audit_verify_request__descriptor,
     aud_api_verify},
    {"mlps.v1.AuditEventsRequest", &mlps__v1__audit_events_request__descriptor,
     aud_api_events},
};

int
aud_service_main(int argc, char **argv)
{
    static s_conf_t conf;
    static const cmn_svc_def_t def = {
        .name = "audit",
        .schema = AUD_SCHEMA,
        .migrations = aud_migrations,
        .handlers = s_handlers,
        .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
        .api_handlers = s_api_handlers,
        .napi_handlers = sizeof s_api_handlers / sizeof s_api_handlers[0],
    };
    return cmn_svc_main(&def, s_opts, &conf, &conf.base, NULL, argc, argv);
}

/* --- `mlps-audit verify` --------------------------------------------- */

/* The command reads the service's own options (so the service's config
 * file and environment work for it too) and uses db.url and log.level. */
static void
s_print_result(const aud_verify_result_t *res)
{
    if (res->ok)
        printf("audit verify: ok records=%llu\n",
               (unsigned long long) res->records);
    else
        printf("audit verify: FAILED at seq=%lld (event %s): %s\n",
               (long long) res->bad_seq,
               res->bad_event[0] ? res->bad_event : "-", res->reason);
}

/* Connects to url and verifies. Returns 0 with res filled, or 2 after
 * printing why it could not. */
static int
s_verify_at(const char *url, aud_verify_result_t *res)
{
    char err[512];
    int rc = 2;
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        snprintf(err, sizeof err, "%s", PQerrorMessage(c));
        err[strcspn(err, "\n")] = '\0';
        fprintf(stderr, "audit verify: could not connect: %s\n", err);
        goto out;
    }
    cmn_pg_quiet(c);
    rc = cmn_pg_cmd(c, "SET search_path TO " AUD_SCHEMA);
    if (rc == 0)
        rc = aud_verify(c, res);
    if (rc != 0) {
        fprintf(stderr, "audit verify: could not verify: %s\n",
                cmn_strerror(rc));
        rc = 2;
    }
out:
    PQfinish(c);
    return rc;
}

int
aud_verify_main(int argc, char **argv)
{
    s_conf_t conf = {0};
    aud_verify_result_t res;
    char err[512];
    int first = argc, code = 2, level;

    cmn_log_init("audit", CMN_LOG_WARN);
    int rc = cmn_cfg_load(s_opts, &conf, argc, argv, &first, err, sizeof err);
    if (rc == CMN_ECANCELED)
        return 0;
    if (rc != 0) {
        fprintf(stderr, "audit verify: %s\n", err);
        return 2;
    }
    if (first < argc) {
        fprintf(stderr, "audit verify: unexpected argument \"%s\"\n",
                argv[first]);
        goto out;
    }
    if ((level = cmn_log_level_parse(conf.base.log_level)) < 0) {
        fprintf(stderr, "audit verify: \"log.level\" must be debug, info, "
                        "warn or error\n");
        goto out;
    }
    cmn_log_init("audit", (cmn_log_level_t) level);
    if (s_verify_at(conf.base.db_url, &res) != 0)
        goto out;
    s_print_result(&res);
    code = res.ok ? 0 : 1;
out:
    cmn_cfg_release(s_opts, &conf);
    return code;
}

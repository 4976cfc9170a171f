/* service.c - the audit service's handlers and entry points. */
#include "aud/service.h"
#include "aud/anchor.h"
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

/* --- verifying ------------------------------------------------------ */

/* The chain, then (with key) its signed checkpoints, in one snapshot. */
static int
s_verify_all(PGconn *conn, const aud_key_t *key, long grace_s,
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

/* --- api ------------------------------------------------------------- */

typedef struct {
    cmn_svc_conf_t base;
    char *sign_key_file, *verify_key_file;
    long checkpoint_ms, grace_s;
} s_conf_t;

typedef struct {
    s_conf_t conf;
    aud_key_t *key; /* signs checkpoints and verifies them; NULL: none */
} s_audit_t;

int
aud_api_verify(PGconn *conn, const cmn_env_msg_t *req, void *arg,
               cmn_api_reply_t *out)
{
    (void) req;
    const s_audit_t *self = arg;
    Mlps__V1__AuditVerifyReply rep = MLPS__V1__AUDIT_VERIFY_REPLY__INIT;
    aud_verify_result_t res;
    char reason[sizeof res.reason + 64];
    int rc = s_verify_all(conn, self ? self->key : NULL,
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

/* --- the service ----------------------------------------------------- */

static const cmn_cfg_opt_t s_opts[] = {
    CMN_SVC_OPTIONS(s_conf_t, base),
    {"audit.sign-key-file", CMN_CFG_STR, "", 0, 0,
     offsetof(s_conf_t, sign_key_file),
     "Ed25519 private key (PEM) that signs checkpoints of the chain"},
    {"audit.verify-key-file", CMN_CFG_STR, "", 0, 0,
     offsetof(s_conf_t, verify_key_file),
     "`verify`: the public key (PEM) checkpoints must be signed with"},
    {"audit.checkpoint-ms", CMN_CFG_INT, "10000", 100, 86400000,
     offsetof(s_conf_t, checkpoint_ms), "how often to sign the chain's head"},
    {"audit.anchor-grace-s", CMN_CFG_INT, "600", 1, 31536000,
     offsetof(s_conf_t, grace_s),
     "verify: records older than this must be under a checkpoint"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

/* Every audit.checkpoint-ms (cmn_svc_every, worker thread). */
static int
s_checkpoint_work(PGconn *conn, void *arg)
{
    s_audit_t *self = arg;
    int64_t seq = 0;
    int rc = aud_checkpoint_make(conn, self->key, &seq);
    if (rc == 0 && seq > 0)
        cmn_log_info("checkpoint signed at seq=%lld (key %s)", (long long) seq,
                     aud_key_id(self->key));
    return rc;
}

static int
s_start(cmn_svc_t *svc, void *arg)
{
    s_audit_t *self = arg;
    char why[512];
    if (self->conf.sign_key_file[0] == '\0') {
        cmn_log_warn("no \"audit.sign-key-file\": the chain is not "
                     "anchored by signed checkpoints");
        return 0;
    }
    self->key = aud_key_load(self->conf.sign_key_file, why, sizeof why);
    if (self->key == NULL || !aud_key_can_sign(self->key)) {
        cmn_log_error("\"audit.sign-key-file\": %s",
                      self->key ? "a public key cannot sign" : why);
        aud_key_free(&self->key);
        return CMN_ECONFIG;
    }
    cmn_log_info("signing checkpoints with key %s every %ld ms",
                 aud_key_id(self->key), self->conf.checkpoint_ms);
    return cmn_svc_every(svc, 0, (uint64_t) self->conf.checkpoint_ms,
                         s_checkpoint_work, self);
}

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
    static s_audit_t self;
    static const cmn_svc_def_t def = {
        .name = "audit",
        .schema = AUD_SCHEMA,
        .migrations = aud_migrations,
        .handlers = s_handlers,
        .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
        .api_handlers = s_api_handlers,
        .napi_handlers = sizeof s_api_handlers / sizeof s_api_handlers[0],
        .on_start = s_start,
    };
    int rc = cmn_svc_main(&def, s_opts, &self.conf, &self.conf.base, &self,
                          argc, argv);
    aud_key_free(&self.key);
    return rc;
}

/* --- `mlps-audit verify` --------------------------------------------- */

/* The command reads the service's own options (so the service's config
 * file and environment work for it too) and uses db.url and log.level. */
static void
s_print_result(const aud_verify_result_t *res)
{
    if (res->ok && res->key_id[0] != '\0')
        printf("audit verify: ok records=%llu checkpoints=%llu "
               "anchored_seq=%lld key=%s\n",
               (unsigned long long) res->records,
               (unsigned long long) res->checkpoints,
               (long long) res->anchored_seq, res->key_id);
    else if (res->ok)
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
s_verify_at(const char *url, const aud_key_t *key, long grace_s,
            aud_verify_result_t *res)
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
        rc = s_verify_all(c, key, grace_s, res);
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
    aud_key_t *key = NULL;
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
    /* The public key, or the service's own signing key. */
    const char *kf =
        conf.verify_key_file[0] ? conf.verify_key_file : conf.sign_key_file;
    if (kf[0] != '\0' && (key = aud_key_load(kf, err, sizeof err)) == NULL) {
        fprintf(stderr, "audit verify: %s\n", err);
        goto out;
    }
    if (s_verify_at(conf.base.db_url, key, conf.grace_s, &res) != 0)
        goto out;
    s_print_result(&res);
    code = res.ok ? 0 : 1;
out:
    aud_key_free(&key);
    cmn_cfg_release(s_opts, &conf);
    return code;
}

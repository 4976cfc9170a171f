/* audit.c - the audit service: its definition, options, start-up and the
 * timer that signs the chain's head. Handlers are in inbox.c and api.c;
 * `mlps-audit verify` is in verify_cmd.c. */
#include "aud/service.h"
#include "cmn/log.h"
#include "cmn/svc.h"
#include "mlps/v1/api.pb-c.h"

#include <stdio.h>

const cmn_cfg_opt_t aud_options[] = {
    CMN_SVC_OPTIONS(aud_conf_t, base),
    {"audit.sign-key-file", CMN_CFG_STR, "", 0, 0,
     offsetof(aud_conf_t, sign_key_file),
     "Ed25519 private key (PEM) that signs checkpoints of the chain"},
    {"audit.verify-key-file", CMN_CFG_STR, "", 0, 0,
     offsetof(aud_conf_t, verify_key_file),
     "`verify`: the public key (PEM) checkpoints must be signed with"},
    {"audit.checkpoint-ms", CMN_CFG_INT, "10000", 100, 86400000,
     offsetof(aud_conf_t, checkpoint_ms), "how often to sign the chain's head"},
    {"audit.anchor-grace-s", CMN_CFG_INT, "600", 1, 31536000,
     offsetof(aud_conf_t, grace_s),
     "verify: records older than this must be under a checkpoint"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

/* Every audit.checkpoint-ms (cmn_svc_every, worker thread). */
static int
s_checkpoint_work(PGconn *conn, void *arg)
{
    aud_t *self = arg;
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
    aud_t *self = arg;
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
    static aud_t self;
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
    int rc = cmn_svc_main(&def, aud_options, &self.conf, &self.conf.base, &self,
                          argc, argv);
    aud_key_free(&self.key);
    return rc;
}

/* audit.c - the audit service: its definition, options, start-up and the
 * timer that signs the chain's head. Handlers are in inbox.c and api.c;
 * `mlps-audit verify` is in verify_cmd.c. */
#include "aud/service.h"
#include "cmn/log.h"
#include "cmn/secret.h"
#include "cmn/svc.h"
#include "mlps/v1/api.pb-c.h"

#include <stdio.h>

const cmn_cfg_opt_t aud_options[] = {
    CMN_SVC_OPTIONS(aud_conf_t, base),
    {"audit.sign-key-file", CMN_CFG_STR, "", 0, 0,
     offsetof(aud_conf_t, sign_key_file),
     "Ed25519 private key (PEM) that signs checkpoints of the chain"},
    {"audit.sign-state-file", CMN_CFG_STR, "", 0, 0,
     offsetof(aud_conf_t, sign_state_file),
     "the last checkpoint signed, kept outside the database (empty: "
     "audit.sign-key-file's path + \".state\")"},
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

const char *
aud_conf_state_file(const aud_conf_t *conf, char *buf, size_t len)
{
    if (conf->sign_state_file[0] != '\0')
        snprintf(buf, len, "%s", conf->sign_state_file);
    else if (conf->sign_key_file[0] != '\0')
        snprintf(buf, len, "%s.state", conf->sign_key_file);
    else
        snprintf(buf, len, "%s", "");
    return buf;
}

/* Every audit.checkpoint-ms (cmn_svc_every, worker thread). A refusal was
 * logged once, as the alarm; it is no error of the round. */
static int
s_checkpoint_work(PGconn *conn, void *arg)
{
    aud_t *self = arg;
    int64_t seq = 0;
    int rc = aud_signer_run(self->signer, conn, &seq);
    if (rc == 0 && seq > 0)
        cmn_log_info("checkpoint signed at seq=%lld (key %s)", (long long) seq,
                     aud_key_id(self->key));
    return rc == CMN_EREJECT ? 0 : rc;
}

/* Loads the signing key (never a committed example) and the signer's
 * state. */
static int
s_start_signer(aud_t *self)
{
    char why[512], path[4096];
    aud_checkpoint_t last;
    /* Never a committed example (deploy/make-secrets.sh makes our own). */
    if (cmn_secret_check_file(self->conf.sign_key_file, why, sizeof why)) {
        cmn_log_error("\"audit.sign-key-file\": %s", why);
        return CMN_ECONFIG;
    }
    self->key = aud_key_load(self->conf.sign_key_file, why, sizeof why);
    if (self->key == NULL || !aud_key_can_sign(self->key)) {
        cmn_log_error("\"audit.sign-key-file\": %s",
                      self->key ? "a public key cannot sign" : why);
        return CMN_ECONFIG;
    }
    aud_conf_state_file(&self->conf, path, sizeof path);
    self->signer = aud_signer_new(self->key, path, why, sizeof why);
    if (self->signer == NULL) {
        cmn_log_error("\"audit.sign-state-file\": %s", why);
        return CMN_ECONFIG;
    }
    aud_signer_state(self->signer, &last, why, sizeof why);
    cmn_log_info("signing checkpoints with key %s every %ld ms; the last one "
                 "it signed: seq %lld (\"%s\")",
                 aud_key_id(self->key), self->conf.checkpoint_ms,
                 (long long) last.seq, path);
    return 0;
}

static int
s_start(cmn_svc_t *svc, void *arg)
{
    aud_t *self = arg;
    if (self->conf.sign_key_file[0] == '\0') {
        cmn_log_warn("no \"audit.sign-key-file\": the chain is not "
                     "anchored by signed checkpoints");
        return 0;
    }
    int rc = s_start_signer(self);
    if (rc != 0) {
        aud_signer_destroy(&self->signer);
        aud_key_free(&self->key);
        return rc;
    }
    return cmn_svc_every(svc, 0, (uint64_t) self->conf.checkpoint_ms,
                         s_checkpoint_work, self);
}

static void
s_last_checkpoint_done(int status, void *arg)
{
    (void) arg;
    if (status != 0)
        cmn_log_warn("no last checkpoint at stop: %s", cmn_strerror(status));
}

/* At a clean stop, once nothing more is appended: the head is signed, so
 * the last checkpoint covers every record this service took in (a chain
 * signed every audit.checkpoint-ms otherwise ends up to that much short of
 * it until the next start). */
static bool
s_quiet(cmn_svc_t *svc, void *arg)
{
    aud_t *self = arg;
    return self->signer != NULL &&
           cmn_db_submit(cmn_svc_db(svc), s_checkpoint_work,
                         s_last_checkpoint_done, self) == 0;
}

/* Who may send what: an AuditEvent only a service, and only about itself
 * (aud_apply_event checks the event names the sender); verify and a
 * case's events the offices (aud_api_events keeps a district to its own
 * cases). */
static const cmn_inbox_handler_t s_handlers[] = {
    {"mlps.v1.AuditEvent", &mlps__v1__audit_event__descriptor, aud_apply_event,
     "service:*", aud_apply_events},
};

static const cmn_api_handler_t s_api_handlers[] = {
    {"mlps.v1.AuditVerifyRequest", &mlps__v1__audit_verify_request__descriptor,
     aud_api_verify, "office,staff"},
    {"mlps.v1.AuditEventsRequest", &mlps__v1__audit_events_request__descriptor,
     aud_api_events, "office,staff"},
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
        .on_quiet = s_quiet,
    };
    int rc = cmn_svc_main(&def, aud_options, &self.conf, &self.conf.base, &self,
                          argc, argv);
    aud_signer_destroy(&self.signer);
    aud_key_free(&self.key);
    return rc;
}

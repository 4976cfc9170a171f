/* service.h - the audit service (mlps-audit): the inbox handler that
 * appends each AuditEvent to the chain, the API handlers (verify, a case's
 * events), and the two entry points of the binary. */
#ifndef AUD_SERVICE_H
#define AUD_SERVICE_H
#include "aud/anchor.h"
#include "aud/signer.h"
#include "aud/verify.h"
#include "cmn/api.h"
#include "cmn/inbox.h"
#include "cmn/migrate.h"
#include "cmn/svc.h"

#include <stddef.h>

#define AUD_SCHEMA "audit"
/* A case's events in one AuditEventsReply, at most; more are cut with a
 * Problem of code "truncated". */
#define AUD_EVENTS_MAX 2000

/* The schema's migrations, compiled from services/audit/sql. */
extern const cmn_migration_t aud_migrations[];

/* The service's options (the common ones and audit.*). */
typedef struct {
    cmn_svc_conf_t base;
    char *sign_key_file, *verify_key_file;
    char *sign_state_file; /* "": <sign_key_file>.state */
    long checkpoint_ms, grace_s;
} aud_conf_t;

extern const cmn_cfg_opt_t aud_options[];

/* The service's state: handlers get it as arg. */
typedef struct {
    aud_conf_t conf;
    aud_key_t *key;       /* signs checkpoints and verifies them; NULL: none */
    aud_signer_t *signer; /* with key */
} aud_t;

/* The signer's state file: audit.sign-state-file, or the signing key's
 * path with ".state" added; "" without either. Returns buf. */
const char *aud_conf_state_file(const aud_conf_t *conf, char *buf, size_t len);

/* What aud_verify_all() checks besides the chain. Borrowed. */
typedef struct {
    const aud_key_t *key; /* the checkpoints' key; NULL: none checked */
    long grace_s;         /* records older must be under a checkpoint */
    /* A checkpoint a verifier saved earlier (--save-checkpoint); NULL or
     * seq 0: none. Its signature is checked only with key. */
    const aud_checkpoint_t *since;
    /* The last checkpoint the signer signed (its state); NULL or seq 0:
     * none. */
    const aud_checkpoint_t *signed_last;
} aud_verify_opts_t;

/* In one read-only snapshot on conn, stopping at the first failure: the
 * chain (aud_verify); since and signed_last (aud_verify_saved, "the saved
 * checkpoint", "the last checkpoint this signer signed"); then, with a
 * key, every signed checkpoint (aud_verify_checkpoints; records older than
 * grace_s must be under one). Returns 0 with res filled and *latest (if
 * not NULL) the newest checkpoint that verified (seq 0: none), or a CMN_E*
 * code. */
int aud_verify_all(PGconn *conn, const aud_verify_opts_t *opts,
                   aud_verify_result_t *res,
                   aud_checkpoint_t *latest) CMN_MUST_CHECK;

/* cmn_inbox_apply_fn for mlps.v1.AuditEvent: checks the event
 * (aud_event_check) and appends it (aud_chain_append) in the inbox's
 * transaction. Returns 0, CMN_EREJECT with the bad field named in why, or
 * another CMN_E* code (the sender will try again). arg is unused. */
int aud_apply_event(PGconn *conn, const cmn_env_msg_t *msg, void *arg,
                    char *why, size_t whylen);

/* cmn_inbox_apply_many_fn for the same: checks every event, then appends
 * them all with one statement (aud_chain_append_many). A bad event fails
 * the run (CMN_EREJECT): the inbox then applies each with aud_apply_event,
 * which refuses that one only. */
int aud_apply_events(PGconn *conn, const cmn_env_msg_t *const *msgs, int n,
                     void *arg, char *why, size_t whylen);

/* cmn_api_fn for mlps.v1.AuditVerifyRequest: runs aud_verify_all() with
 * the service's key and its signer's last checkpoint, and answers an
 * AuditVerifyReply (reason "event ID: check" when not ok). While the
 * signer refuses, the reply is not ok and says why ("the signer refuses:
 * ..."), even when the chain has been put back. */
int aud_api_verify(PGconn *conn, const cmn_env_msg_t *req, void *arg,
                   cmn_api_reply_t *out);

/* cmn_api_fn for mlps.v1.AuditEventsRequest: the case's events in seq
 * order, at most AUD_EVENTS_MAX; a bad case_id gets a Problem "invalid"
 * naming the field. */
int aud_api_events(PGconn *conn, const cmn_env_msg_t *req, void *arg,
                   cmn_api_reply_t *out);

/* Runs the service (cmn_svc_main with the handlers above); returns the
 * process exit code. */
int aud_service_main(int argc, char **argv);

/* `mlps-audit verify --db.url=...`: argv[0] is "verify". Verifies the chain
 * once (aud_verify_all; with the signer's state file when the options name
 * one that exists) and prints one line on stdout:
 *   audit verify: ok records=N
 *   audit verify: ok records=N checkpoints=C anchored_seq=A key=K
 *   audit verify: FAILED at seq=S (event ID): reason
 * --since-checkpoint=FILE checks against a checkpoint saved earlier (the
 * ok line then ends " since_seq=S"); --save-checkpoint=FILE, when the
 * chain verified, saves the newest checkpoint that did (saved.h) and says
 * so on a second line. Both need a key. Returns 0 (ok), 1 (failed) or 2
 * (could not verify: bad option, no database, nothing to save; the reason
 * goes to stderr). */
int aud_verify_main(int argc, char **argv);

#endif /* AUD_SERVICE_H */

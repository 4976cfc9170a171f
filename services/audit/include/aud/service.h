/* service.h - the audit service (mlps-audit): the inbox handler that
 * appends each AuditEvent to the chain, the API handlers (verify, a case's
 * events), and the two entry points of the binary. */
#ifndef AUD_SERVICE_H
#define AUD_SERVICE_H
#include "aud/anchor.h"
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
    long checkpoint_ms, grace_s;
} aud_conf_t;

extern const cmn_cfg_opt_t aud_options[];

/* The service's state: handlers get it as arg. */
typedef struct {
    aud_conf_t conf;
    aud_key_t *key; /* signs checkpoints and verifies them; NULL: none */
} aud_t;

/* In one read-only snapshot on conn: the chain (aud_verify), then, with a
 * key, its signed checkpoints (records older than grace_s must be under
 * one). Returns 0 with res filled, or a CMN_E* code. */
int aud_verify_all(PGconn *conn, const aud_key_t *key, long grace_s,
                   aud_verify_result_t *res) CMN_MUST_CHECK;

/* cmn_inbox_apply_fn for mlps.v1.AuditEvent: checks the event
 * (aud_event_check) and appends it (aud_chain_append) in the inbox's
 * transaction. Returns 0, CMN_EREJECT with the bad field named in why, or
 * another CMN_E* code (the sender will try again). arg is unused. */
int aud_apply_event(PGconn *conn, const cmn_env_msg_t *msg, void *arg,
                    char *why, size_t whylen);

/* cmn_api_fn for mlps.v1.AuditVerifyRequest: runs aud_verify() and
 * answers an AuditVerifyReply (reason "event ID: check" when not ok). */
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
 * once and prints one line on stdout:
 *   audit verify: ok records=N
 *   audit verify: FAILED at seq=S (event ID): reason
 * Returns 0 (ok), 1 (failed) or 2 (could not verify: bad option, no
 * database; the reason goes to stderr). */
int aud_verify_main(int argc, char **argv);

#endif /* AUD_SERVICE_H */

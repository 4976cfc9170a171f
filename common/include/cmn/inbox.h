/* inbox.h - durable receiving: a ROUTER socket, checked decoding, and
 * exactly-once application through the inbox table.
 *
 * Each good Envelope is applied by its type's handler inside a transaction
 * that also records its message id in the inbox; the Ack goes back only after
 * that transaction commits. A message id seen before is acknowledged again
 * (DUPLICATE, or REJECTED with the recorded reason) and changes nothing.
 * Messages with a case version are applied in version order per (source,
 * case): one that arrives early is answered RETRY and not recorded.
 *
 * Messages are applied in batches (one transaction for many). When a handler
 * refuses a message or a statement fails, the batch is rolled back and its
 * messages are applied one per transaction, so one bad message costs only
 * itself. Frames that fail decoding are logged with the reason and, when
 * their message id could be read, answered REJECTED; they never reach a
 * handler. Several replicas may share one schema: the inbox's primary key
 * makes the second application of a message impossible. */
#ifndef CMN_INBOX_H
#define CMN_INBOX_H
#include "cmn/db.h"
#include "cmn/envelope.h"
#include "cmn/err.h"

#include <uv.h>

/* Applies one message on a worker thread inside the open transaction.
 * Returns 0 (applied), CMN_EREJECT with the reason in why (refused for
 * good: the message is recorded as rejected, its effects rolled back), or
 * another CMN_E* code (not applied; the sender will try again). */
typedef int (*cmn_inbox_apply_fn)(PGconn *conn, const cmn_env_msg_t *msg,
                                  void *arg, char *why, size_t whylen);

typedef struct {
    const char *type;
    const ProtobufCMessageDescriptor *descriptor;
    cmn_inbox_apply_fn apply;
} cmn_inbox_handler_t;

typedef struct {
    const char *endpoints; /* comma-separated zmq endpoints to bind */
    const cmn_inbox_handler_t *handlers;
    size_t nhandlers;
    void *arg;        /* passed to every apply (shared by worker threads) */
    size_t max_frame; /* bytes */
    int batch;        /* messages per transaction at most */
    int concurrency;  /* batches in flight at once */
    /* Loop thread, after each committed batch that applied something. */
    void (*on_commit)(void *commit_arg);
    void *commit_arg;
    /* CURVE server secret key (Z85), or NULL for a plain socket. With it,
     * every message must carry the ZAP User-Id (its office) or is refused;
     * a ZAP handler must be bound first (cmn/curve.h). */
    const char *curve_secret;
} cmn_inbox_opts_t;

typedef struct cmn_inbox cmn_inbox_t;

/* Borrows loop, zctx, db and opts->handlers. Caller owns the result. */
cmn_inbox_t *cmn_inbox_new(uv_loop_t *loop, void *zctx, cmn_db_t *db,
                           const cmn_inbox_opts_t *opts, int *err);

/* Stops taking messages (new ones are dropped unacknowledged, to be sent
 * again); batches already running finish and are acknowledged. */
void cmn_inbox_stop(cmn_inbox_t *self);
int cmn_inbox_idle(const cmn_inbox_t *self);

typedef struct {
    uint64_t received, applied, duplicates, rejected, retried, bad_frames;
} cmn_inbox_stats_t;
void cmn_inbox_stats(const cmn_inbox_t *self, cmn_inbox_stats_t *out);

/* Requires cmn_inbox_idle(). Sets *self_p to NULL. Safe on NULL. */
void cmn_inbox_destroy(cmn_inbox_t **self_p);

#endif /* CMN_INBOX_H */

/* inbox.h - durable receiving: a ROUTER socket, checked decoding, and
 * exactly-once application through the inbox table.
 *
 * Each good Envelope is applied by its type's handler inside a transaction
 * that also records its message id in the inbox; the Ack goes back only after
 * that transaction commits. A message id seen before is acknowledged again
 * (DUPLICATE, or REJECTED with the recorded reason) and changes nothing.
 * Messages with a case version are applied in version order per (source,
 * case): one that arrives early is answered RETRY and not recorded. A
 * version refused (REJECTED) is the case's version all the same, so the
 * next one is applied after it, not held back for ever; the next version,
 * the common case, costs one statement (the case's row moved and locked).
 *
 * Messages are applied in batches (one transaction for many). When a handler
 * refuses a message or a statement fails, the batch is rolled back and its
 * messages are applied one per transaction, so one bad message costs only
 * itself. Frames that fail decoding are logged with the reason and, when
 * their message id could be read, answered REJECTED; they never reach a
 * handler. Several replicas may share one schema: the inbox's primary key
 * makes the second application of a message impossible.
 *
 * Who sent a message is the identity its connection's key authenticated
 * (cmn/ident.h). A message from an identity its type's rule does not
 * name, or whose envelope names another source or office than that
 * identity's, is answered REJECTED (and logged) and never applied. */
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

/* Optional: applies n (>= 1) new messages of one type at once, in the
 * order given, inside the open transaction: all of them, or none (an
 * error). The inbox hands it each run of consecutive new unversioned
 * messages of the type in a batch, so a handler can write them with one
 * statement instead of one each. On any error, CMN_EREJECT included, the
 * inbox rolls the batch back and applies each message with `apply`, so a
 * refusal names its own message and the rest still go in. */
typedef int (*cmn_inbox_apply_many_fn)(PGconn *conn,
                                       const cmn_env_msg_t *const *msgs, int n,
                                       void *arg, char *why, size_t whylen);

typedef struct {
    const char *type;
    const ProtobufCMessageDescriptor *descriptor;
    cmn_inbox_apply_fn apply;
    /* Who may send it (cmn_ident_matches), e.g. "service:intake". A message
     * from anyone else is answered REJECTED before the handler runs. */
    const char *from;
    cmn_inbox_apply_many_fn apply_many; /* NULL: apply, one at a time */
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
    /* CURVE server secret key (Z85) and the registry its ZAP handler
     * answers from (cmn/curve.h, bound first): every message must carry
     * the ZAP User-Id or is refused, and its sender is that identity.
     * NULL: a plain development socket, every sender CMN_KIND_DEV. */
    const char *curve_secret;
    const cmn_registry_t *registry;
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
    uint64_t refused; /* from a sender its type does not allow */
} cmn_inbox_stats_t;
void cmn_inbox_stats(const cmn_inbox_t *self, cmn_inbox_stats_t *out);

/* Requires cmn_inbox_idle(). Sets *self_p to NULL. Safe on NULL. The
 * memory goes when the loop runs next (a libuv handle's close callback). */
void cmn_inbox_destroy(cmn_inbox_t **self_p);

#endif /* CMN_INBOX_H */

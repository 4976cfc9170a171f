/* outbox.h - durable sending: the outbox table and its dispatcher.
 *
 * A service writes its state change and the messages it must send in one
 * transaction, calling cmn_outbox_put() inside it (worker thread). A
 * dispatcher per destination (loop thread) claims unsent rows with
 * FOR UPDATE SKIP LOCKED and a lease, sends them over a DEALER socket, and
 * marks a row delivered only when the receiver's Ack says it committed (or
 * failed, when the receiver refused it for good). Rows whose lease runs out
 * unacknowledged are claimed again by any replica, so a crash anywhere
 * delays messages but loses none. */
#ifndef CMN_OUTBOX_H
#define CMN_OUTBOX_H
#include "cmn/db.h"
#include "cmn/err.h"

#include <protobuf-c/protobuf-c.h>

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* One message to send (borrowed). */
typedef struct {
    const char *dest;           /* destination service, e.g. "review" */
    const char *type;           /* payload type name */
    const char *correlation_id; /* filing or case */
    uint64_t case_version;      /* 0 = unordered */
    const uint8_t *payload;
    size_t payload_len;
} cmn_outmsg_t;

/* Inserts msg into the outbox of the connection's search_path schema, as
 * part of the caller's open transaction. Worker thread. */
int cmn_outbox_put(PGconn *conn, const cmn_outmsg_t *msg) CMN_MUST_CHECK;

/* Inserts msgs[0..n) in one statement, in that order (their row ids
 * ascending): a batch's messages without a round trip each. As
 * cmn_outbox_put otherwise; n 0 does nothing. */
int cmn_outbox_put_many(PGconn *conn, const cmn_outmsg_t *msgs,
                        size_t n) CMN_MUST_CHECK;

/* Packs msg and puts it in the outbox for dest, its type being msg's full
 * name (e.g. "mlps.v1.FilingReceived"). Worker thread, inside the caller's
 * transaction. */
int cmn_outbox_put_pb(PGconn *conn, const char *dest,
                      const char *correlation_id, uint64_t case_version,
                      const ProtobufCMessage *msg) CMN_MUST_CHECK;

typedef struct {
    const char *source; /* this service's name (copied) */
    const char *office; /* this office's id (copied; may be "") */
    const char *dest;   /* destination service (copied) */
    /* Rows put for this name are sent here too (copied; NULL none): the
     * bare service name of a peer of another office, "audit" for
     * "audit@110100", when no other peer has that name. */
    const char *alias;
    const char *endpoints; /* comma-separated zmq endpoints of dest */
    int batch;             /* rows per claim (1..5000) */
    int lease_ms;          /* resend after this long without an ack */
    int poll_ms;           /* look for new rows at least this often */
    int max_batches;       /* claimed batches awaiting acks at once */
    /* CURVE: this service's keys and dest's public key (Z85), or NULL. */
    const char *curve_secret, *curve_public, *curve_server;
} cmn_outbox_opts_t;

typedef struct cmn_outbox cmn_outbox_t;

/* Borrows loop, zctx and db (they must outlive it). Caller owns result. */
cmn_outbox_t *cmn_outbox_new(uv_loop_t *loop, void *zctx, cmn_db_t *db,
                             const cmn_outbox_opts_t *opts, int *err);

/* Rows were committed: claim soon rather than at the next poll. */
void cmn_outbox_kick(cmn_outbox_t *self);

/* Stops claiming. Rows claimed but unacknowledged stay leased and are sent
 * again after their lease by whoever runs next. Keeps handling acks and
 * marks until cmn_outbox_idle(). */
void cmn_outbox_stop(cmn_outbox_t *self);
int cmn_outbox_idle(const cmn_outbox_t *self);

/* Counters since start. */
typedef struct {
    uint64_t sent, acked, failed, retried, claims;
} cmn_outbox_stats_t;
void cmn_outbox_stats(const cmn_outbox_t *self, cmn_outbox_stats_t *out);

/* Closes the socket and frees self; requires cmn_outbox_idle(). Sets
 * *self_p to NULL. Safe on NULL. */
void cmn_outbox_destroy(cmn_outbox_t **self_p);

#endif /* CMN_OUTBOX_H */

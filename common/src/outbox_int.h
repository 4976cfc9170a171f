/* outbox_int.h - library-internal: the outbox's state, shared by its three
 * files (outbox.c: rows in, acks back, lifecycle; outbox_claim.c: claims
 * and sends; outbox_mark.c: writes what the acks said). Loop thread only,
 * except the work functions, which touch only their own job. */
#ifndef CMN_OUTBOX_INT_H
#define CMN_OUTBOX_INT_H
#include "cmn/outbox.h"
#include "cmn/pgarray.h"
#include "cmn/zsock.h"

#include <stdbool.h>
#include <stdint.h>

/* Puts deferred to the end of a transaction (the inbox's): between
 * cmn__outbox_defer_begin(conn) and cmn__outbox_defer_flush(conn), this
 * thread's cmn_outbox_put()s on conn are kept (copied) and written in one
 * statement by the flush, before the COMMIT; cmn__outbox_defer_discard()
 * drops them (a rollback). Nothing reads an outbox inside the transaction
 * that writes it. Worker thread. */
void cmn__outbox_defer_begin(PGconn *conn);
int cmn__outbox_defer_flush(PGconn *conn) CMN_MUST_CHECK;
void cmn__outbox_defer_discard(void);

/* A sent row awaiting its ack: its message id (sorted by, for bsearch)
 * and its row id, which the mark uses (the primary key). */
typedef struct {
    char mid[37]; /* mid[36] is 'x' once its ack was counted */
    int64_t id;
} cmn__outbox_sent_t;

/* The rows of one claim that went out, awaiting acks until deadline. */
typedef struct cmn__outbox_batch {
    struct cmn__outbox_batch *next;
    cmn__outbox_sent_t *sent;
    int n;
    int outstanding;
    uint64_t deadline;
} cmn__outbox_batch_t;

typedef struct {
    char mid[37];
    char reason[200];
} cmn__outbox_fail_t;

/* What the acks said and is not written yet: delivered rows by row id (the
 * batch still knew them) or by message id (acks after the lease ran out),
 * rows to retry soon, rows refused for good. */
typedef struct {
    cmn_pgarray_t delivered_ids, delivered_mids, retry;
    cmn__outbox_fail_t *failed;
    int nfailed, capfailed;
} cmn__outbox_acks_t;

struct cmn_outbox {
    uv_loop_t *loop;
    cmn_db_t *db;
    cmn_zsock_t *sock;
    uv_timer_t timer;
    char source[33], office[33], dest[64], alias[64];
    int batch, lease_ms, poll_ms, max_batches;
    cmn__outbox_batch_t *batches;
    int nbatches;
    bool claiming, marking, stopped, claim_again;
    cmn__outbox_acks_t acks; /* waiting to be written */
    uint64_t backoff_until;
    cmn_outbox_stats_t stats;
};

/* outbox_claim.c: claims and sends a batch when there is room and no
 * claim runs; ..._if_due only when the last claim came back full or a kick
 * came while it ran. */
void cmn__outbox_maybe_claim(cmn_outbox_t *self);
void cmn__outbox_claim_if_due(cmn_outbox_t *self);
int cmn__outbox_sent_cmp(const void *a, const void *b);

/* outbox_mark.c: writes the waiting acks in one job when none runs. */
void cmn__outbox_maybe_mark(cmn_outbox_t *self);
void cmn__outbox_acks_release(cmn__outbox_acks_t *a);
#endif /* CMN_OUTBOX_INT_H */

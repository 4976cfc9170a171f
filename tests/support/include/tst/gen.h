/* gen.h - the generating half of a test sender service (kt_send, aud_emit).
 *
 * Every interval_ms a timer submits one job to the service's pool, never two
 * at once. The job opens a transaction, takes the advisory lock lock_key
 * (one generator at a time, even with several replicas), reads
 * `SELECT coalesce(max(seq), 0) FROM sent` in the connection's search_path
 * schema, calls item() for up to batch numbers next..total and commits.
 * After a job that made items the outbox dispatchers are kicked; after the
 * first job that found all total there, on_all_done runs and the timer
 * stops submitting. Tests only. */
#ifndef TST_GEN_H
#define TST_GEN_H
#include "cmn/err.h"
#include "cmn/svc.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <uv.h>

/* Makes item n inside the open transaction (worker thread): records it in
 * the `sent` table's seq column, which is how the next job finds where to
 * go on, and queues what it sends. Returns 0 or a CMN_E* code (the
 * transaction is then rolled back and tried again on the next tick). */
typedef int (*tst_gen_item_fn)(PGconn *conn, long long n, void *arg);

/* Runs once, on the loop thread, when all total items are made. */
typedef void (*tst_gen_done_fn)(cmn_svc_t *svc, void *arg);

typedef struct {
    /* Set by the caller before tst_gen_start(). */
    long total;                  /* items in all (0..) */
    long batch;                  /* items per transaction (1..) */
    long interval_ms;            /* time between transactions (1..) */
    long long lock_key;          /* pg_advisory_xact_lock() key */
    tst_gen_item_fn item;        /* required */
    tst_gen_done_fn on_all_done; /* optional */
    void *arg;                   /* passed to item and on_all_done */
    /* Private. */
    cmn_svc_t *svc;
    uv_timer_t timer;
    bool busy, done;
    long made; /* the last job's items; -1 when all were there */
} tst_gen_t;

/* Starts the timer on svc's loop; the first job runs at once. Call from
 * the service's on_start (loop thread). Returns 0, or CMN_EINVAL when a
 * setting is out of range or item is NULL (nothing is started then). */
int tst_gen_start(tst_gen_t *self, cmn_svc_t *svc) CMN_MUST_CHECK;

/* Closes the timer; a job already running still finishes. Call from the
 * service's on_stop. Safe when tst_gen_start() was not called or failed. */
void tst_gen_stop(tst_gen_t *self);

#endif /* TST_GEN_H */

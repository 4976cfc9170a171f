/* inbox_int.h - library-internal: the inbox's state, shared by inbox.c
 * (frames in, senders checked, batches dispatched, acks out; loop thread)
 * and inbox_apply.c (a batch applied in a transaction; worker thread). */
#ifndef CMN_INBOX_INT_H
#define CMN_INBOX_INT_H
#include "cmn/inbox.h"
#include "cmn/zsock.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cmn__inbox_item {
    struct cmn__inbox_item *next;
    uint8_t ident[255];
    size_t identlen;
    cmn_env_msg_t *m;
    int status; /* Ack status; 0 = send no ack */
    char reason[200];
    bool advanced; /* its case's version is set to it (in the open txn) */
} cmn__inbox_item_t;

typedef struct {
    cmn_inbox_t *ib;
    cmn__inbox_item_t **items;
    int n;
    int applied;
} cmn__inbox_batch_t;

struct cmn_inbox {
    uv_loop_t *loop;
    cmn_db_t *db;
    cmn_zsock_t *sock;
    cmn_inbox_opts_t opts;
    cmn_env_rules_t rules;
    cmn_msgtype_t *types;
    uv_check_t check; /* dispatches what one wake-up brought, after it */
    cmn__inbox_item_t *head, *tail;
    int queued;
    int running;
    bool stopped;
    cmn_inbox_stats_t stats;
};

/* The handler of m's type. */
static inline const cmn_inbox_handler_t *
cmn__inbox_handler(const cmn_inbox_t *ib, const cmn_env_msg_t *m)
{
    return &ib->opts.handlers[m->mt - ib->types];
}

/* The job of a batch (arg: its cmn__inbox_batch_t): every item applied
 * once in one transaction, or one by one when that fails, each item's
 * status set for its ack. Worker thread; touches only the batch and the
 * handlers. */
int cmn__inbox_batch_work(PGconn *c, void *arg);
#endif /* CMN_INBOX_INT_H */

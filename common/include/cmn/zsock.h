/* zsock.h - a ZeroMQ socket driven by a libuv loop. Loop thread only.
 *
 * ZMQ_FD is edge-triggered: it signals only when ZMQ_EVENTS changes. This
 * module drains every readable message after each wake-up and re-checks
 * ZMQ_EVENTS after every send (on the next loop turn, from an idle handle),
 * so a socket never stalls with messages queued. Linger is 0 and
 * ZMQ_ROUTER_MANDATORY is set on ROUTER sockets, so close never hangs and a
 * send to an unknown peer fails loudly instead of vanishing. */
#ifndef CMN_ZSOCK_H
#define CMN_ZSOCK_H
#include "cmn/err.h"

#include <stddef.h>
#include <uv.h>
#include <zmq.h>

#define CMN_ZSOCK_MAX_PARTS 10 /* a ZAP request has 9 */

typedef struct cmn_zsock cmn_zsock_t;

/* One received message: parts[0..nparts). The callback borrows them; they
 * are closed after it returns. Messages with more than CMN_ZSOCK_MAX_PARTS
 * parts are dropped with a log line. */
typedef void (*cmn_zsock_recv_cb)(cmn_zsock_t *sock, zmq_msg_t *parts,
                                  int nparts, void *arg);
/* Called when the socket can take a send again after CMN_EAGAIN. */
typedef void (*cmn_zsock_writable_cb)(cmn_zsock_t *sock, void *arg);

/* Creates a socket of type (ZMQ_ROUTER, ZMQ_DEALER, ...) on ctx, polled by
 * loop. Caller owns the result and must cmn_zsock_close() it. NULL and *err
 * on failure. */
cmn_zsock_t *cmn_zsock_new(uv_loop_t *loop, void *ctx, int type,
                           cmn_zsock_recv_cb on_recv, void *arg, int *err);

/* The raw socket, for setsockopt, bind and connect. Borrowed. */
void *cmn_zsock_raw(cmn_zsock_t *self);

/* Binds or connects to each endpoint of a comma-separated list. */
int cmn_zsock_bind(cmn_zsock_t *self, const char *endpoints) CMN_MUST_CHECK;
int cmn_zsock_connect(cmn_zsock_t *self, const char *endpoints) CMN_MUST_CHECK;

/* Sends one message of n parts without blocking. CMN_EAGAIN when the peer
 * or queue is full (the writable callback, if set, runs when it clears);
 * CMN_EZMQ (with a log line) when the peer is unknown or gone. */
int cmn_zsock_send(cmn_zsock_t *self, const void *const *parts,
                   const size_t *lens, int n) CMN_MUST_CHECK;

void cmn_zsock_set_writable_cb(cmn_zsock_t *self, cmn_zsock_writable_cb cb);

/* Stops polling, closes the socket now and frees self once libuv has let go
 * of its handles. Sets *self_p to NULL. Safe on NULL. No callback runs after
 * this returns. */
void cmn_zsock_close(cmn_zsock_t **self_p);

#endif /* CMN_ZSOCK_H */

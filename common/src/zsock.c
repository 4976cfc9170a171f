/* zsock.c - ZeroMQ socket on a libuv loop (edge-triggered ZMQ_FD). */
#include "cmn/zsock.h"
#include "cmn/log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Messages handled per wake-up before yielding to the rest of the loop. */
#define S_BURST 512

struct cmn_zsock {
    void *zs;
    uv_poll_t poll;
    uv_idle_t idle; /* re-check ZMQ_EVENTS on the next loop turn */
    cmn_zsock_recv_cb on_recv;
    cmn_zsock_writable_cb on_writable;
    void *arg;
    bool want_write;
    bool closing;
    int handles_open;
};

static void s_drain(cmn_zsock_t *self);
static void s_on_idle(uv_idle_t *h);

static void
s_rearm(cmn_zsock_t *self)
{
    if (!self->closing && !uv_is_active((uv_handle_t *) &self->idle))
        (void) uv_idle_start(&self->idle, s_on_idle); /* fails only
                                                         without a cb */
}

static void
s_on_idle(uv_idle_t *h)
{
    cmn_zsock_t *self = h->data;
    uv_idle_stop(h);
    s_drain(self);
}

static void
s_on_poll(uv_poll_t *h, int status, int events)
{
    (void) status;
    (void) events;
    s_drain(h->data);
}

static int
s_events(cmn_zsock_t *self)
{
    int ev = 0;
    size_t len = sizeof ev;
    if (zmq_getsockopt(self->zs, ZMQ_EVENTS, &ev, &len) != 0)
        return 0;
    return ev;
}

/* Receives one whole message; returns parts received, 0 if none, -1 bad. */
static int
s_recv_one(cmn_zsock_t *self, zmq_msg_t *parts)
{
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t scratch;
        zmq_msg_t *m = n < CMN_ZSOCK_MAX_PARTS ? &parts[n] : &scratch;
        (void) zmq_msg_init(m); /* always 0 (zmq_msg_init(3)) */
        if (zmq_msg_recv(m, self->zs, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(m);
            for (int i = 0; i < n && i < CMN_ZSOCK_MAX_PARTS; i++)
                zmq_msg_close(&parts[i]);
            return 0;
        }
        more = zmq_msg_more(m);
        if (m == &scratch)
            zmq_msg_close(m);
        n++;
    }
    if (n > CMN_ZSOCK_MAX_PARTS) {
        cmn_log_warn("dropped a message of %d parts (limit %d)", n,
                     CMN_ZSOCK_MAX_PARTS);
        for (int i = 0; i < CMN_ZSOCK_MAX_PARTS; i++)
            zmq_msg_close(&parts[i]);
        return -1;
    }
    return n;
}

static void
s_drain(cmn_zsock_t *self)
{
    int handled = 0;
    bool wrote = false;
    while (!self->closing) {
        int ev = s_events(self);
        /* Once per wake-up: a callback whose send fails again (one full
         * peer among several) must not spin here. */
        if ((ev & ZMQ_POLLOUT) && self->want_write && !wrote) {
            wrote = true;
            self->want_write = false;
            if (self->on_writable != NULL)
                self->on_writable(self, self->arg);
            continue;
        }
        if (!(ev & ZMQ_POLLIN))
            break;
        if (handled++ >= S_BURST) { /* let timers and other sockets run */
            s_rearm(self);
            break;
        }
        zmq_msg_t parts[CMN_ZSOCK_MAX_PARTS];
        int n = s_recv_one(self, parts);
        if (n <= 0)
            continue;
        self->on_recv(self, parts, n, self->arg);
        for (int i = 0; i < n; i++)
            zmq_msg_close(&parts[i]);
    }
}

cmn_zsock_t *
cmn_zsock_new(uv_loop_t *loop, void *ctx, int type, cmn_zsock_recv_cb on_recv,
              void *arg, int *err)
{
    cmn_zsock_t *self = calloc(1, sizeof *self);
    int fd = -1, zero = 0, one = 1;
    size_t fdlen = sizeof fd;
    if (self == NULL) {
        *err = CMN_ENOMEM;
        return NULL;
    }
    self->on_recv = on_recv;
    self->arg = arg;
    self->zs = zmq_socket(ctx, type);
    if (self->zs == NULL ||
        zmq_setsockopt(self->zs, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        (type == ZMQ_ROUTER && zmq_setsockopt(self->zs, ZMQ_ROUTER_MANDATORY,
                                              &one, sizeof one) != 0) ||
        zmq_getsockopt(self->zs, ZMQ_FD, &fd, &fdlen) != 0) {
        cmn_log_error("could not create zmq socket: %s",
                      zmq_strerror(zmq_errno()));
        if (self->zs != NULL)
            zmq_close(self->zs);
        free(self);
        *err = CMN_EZMQ;
        return NULL;
    }
    int uerr = uv_poll_init(loop, &self->poll, fd);
    if (uerr != 0) {
        cmn_log_error("could not poll the zmq socket: %s", uv_strerror(uerr));
        zmq_close(self->zs);
        free(self);
        *err = CMN_EZMQ;
        return NULL;
    }
    (void) uv_idle_init(loop, &self->idle); /* always 0 (uv_idle_init(3)) */
    self->poll.data = self;
    self->idle.data = self;
    self->handles_open = 2;
    if ((uerr = uv_poll_start(&self->poll, UV_READABLE, s_on_poll)) != 0) {
        cmn_log_error("could not poll the zmq socket: %s", uv_strerror(uerr));
        cmn_zsock_close(&self); /* frees self once its handles close */
        *err = CMN_EZMQ;
        return NULL;
    }
    *err = 0;
    s_rearm(self); /* events may already be pending */
    return self;
}

void *
cmn_zsock_raw(cmn_zsock_t *self)
{
    return self->zs;
}

static int
s_each_endpoint(cmn_zsock_t *self, const char *endpoints, bool bind)
{
    char *copy = strdup(endpoints), *save = NULL;
    int rc = 0;
    if (copy == NULL)
        return CMN_ENOMEM;
    for (char *ep = strtok_r(copy, ",", &save); ep && rc == 0;
         ep = strtok_r(NULL, ",", &save)) {
        while (*ep == ' ')
            ep++;
        if ((bind ? zmq_bind(self->zs, ep) : zmq_connect(self->zs, ep)) != 0) {
            cmn_log_error("could not %s \"%s\": %s", bind ? "bind" : "connect",
                          ep, zmq_strerror(zmq_errno()));
            rc = CMN_EZMQ;
        }
    }
    free(copy);
    s_rearm(self);
    return rc;
}

int
cmn_zsock_bind(cmn_zsock_t *self, const char *endpoints)
{
    return s_each_endpoint(self, endpoints, true);
}

int
cmn_zsock_connect(cmn_zsock_t *self, const char *endpoints)
{
    return s_each_endpoint(self, endpoints, false);
}

int
cmn_zsock_send(cmn_zsock_t *self, const void *const *parts, const size_t *lens,
               int n)
{
    int rc = 0;
    for (int i = 0; i < n; i++) {
        int flags = ZMQ_DONTWAIT | (i + 1 < n ? ZMQ_SNDMORE : 0);
        if (zmq_send(self->zs, parts[i], lens[i], flags) < 0) {
            int e = zmq_errno();
            if (e == EAGAIN && i == 0) {
                self->want_write = true;
                rc = CMN_EAGAIN;
            } else {
                if (e != EHOSTUNREACH)
                    cmn_log_warn("zmq send failed: %s", zmq_strerror(e));
                rc = CMN_EZMQ;
            }
            break;
        }
    }
    /* A send can consume the edge that announced pending input. */
    s_rearm(self);
    return rc;
}

void
cmn_zsock_set_writable_cb(cmn_zsock_t *self, cmn_zsock_writable_cb cb)
{
    self->on_writable = cb;
}

static void
s_on_close(uv_handle_t *h)
{
    cmn_zsock_t *self = h->data;
    if (--self->handles_open == 0)
        free(self);
}

void
cmn_zsock_close(cmn_zsock_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    cmn_zsock_t *self = *self_p;
    *self_p = NULL;
    self->closing = true;
    uv_close((uv_handle_t *) &self->poll, s_on_close); /* stop polling first */
    uv_close((uv_handle_t *) &self->idle, s_on_close);
    zmq_close(self->zs);
    self->zs = NULL;
}

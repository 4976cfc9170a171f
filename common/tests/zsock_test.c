/* zsock_test.c - unit tests for cmn_zsock on a real libuv loop: bursts that
 * must all arrive (the ZMQ_FD edge-trigger trap), replies, flow control,
 * ROUTER_MANDATORY and clean close. Every loop run is bounded by a timer,
 * so a stall fails the test instead of hanging it. */
#include "cmn/zsock.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define S_COUNT    10000
#define S_GUARD_MS 8000

typedef struct {
    uv_loop_t loop;
    uv_timer_t guard;
    uv_timer_t tick; /* sends from outside the socket's own callbacks */
    bool tick_used;
    void *ctx;
    cmn_zsock_t *router;
    cmn_zsock_t *dealer;
    char endpoint[128];
    int target;      /* messages to send / expect */
    int sent;        /* by the dealer */
    int router_got;  /* in order, well-formed */
    int dealer_got;  /* replies, in order, well-formed */
    int bad;         /* out of order or malformed */
    int eagain;      /* CMN_EAGAIN seen by the dealer */
    int send_errors; /* any other send failure */
    bool echo;       /* router replies to each message */
    bool close_in_cb;
    bool finished;
    bool timed_out;
    int unknown_rc; /* ROUTER_MANDATORY test results */
    int known_rc;
} s_fix_t;

static int s_seq;

static void
s_finish(s_fix_t *f)
{
    if (f->finished)
        return;
    f->finished = true;
    uv_timer_stop(&f->guard);
    uv_close((uv_handle_t *) &f->guard, NULL);
    if (f->tick_used)
        uv_close((uv_handle_t *) &f->tick, NULL);
    cmn_zsock_close(&f->router);
    cmn_zsock_close(&f->dealer);
}

static void
s_on_guard(uv_timer_t *t)
{
    s_fix_t *f = t->data;
    f->timed_out = true;
    s_finish(f);
}

static int
s_setup(void **state)
{
    s_fix_t *f = calloc(1, sizeof *f);
    if (f == NULL || uv_loop_init(&f->loop) != 0)
        return -1;
    f->ctx = zmq_ctx_new();
    if (f->ctx == NULL)
        return -1;
    assert_int_equal(uv_timer_init(&f->loop, &f->guard), 0);
    f->guard.data = f;
    assert_int_equal(uv_timer_start(&f->guard, s_on_guard, S_GUARD_MS, 0), 0);
    snprintf(f->endpoint, sizeof f->endpoint, "inproc://zsock-test-%d",
             ++s_seq);
    f->target = S_COUNT;
    f->unknown_rc = f->known_rc = 1;
    *state = f;
    return 0;
}

/* Also runs after a failed assertion: closes whatever is left. */
static int
s_teardown(void **state)
{
    s_fix_t *f = *state;
    s_finish(f);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    int rc = uv_loop_close(&f->loop);
    zmq_ctx_term(f->ctx);
    free(f);
    return rc == 0 ? 0 : -1;
}

static uint32_t
s_u32(const zmq_msg_t *m)
{
    uint32_t v = UINT32_MAX;
    if (zmq_msg_size((zmq_msg_t *) m) == sizeof v)
        memcpy(&v, zmq_msg_data((zmq_msg_t *) m), sizeof v);
    return v;
}

static void
s_router_recv(cmn_zsock_t *sock, zmq_msg_t *parts, int nparts, void *arg)
{
    s_fix_t *f = arg;
    if (nparts != 2 || s_u32(&parts[1]) != (uint32_t) f->router_got) {
        f->bad++;
        return;
    }
    f->router_got++;
    if (f->echo) {
        const void *p[2] = {zmq_msg_data(&parts[0]), zmq_msg_data(&parts[1])};
        size_t l[2] = {zmq_msg_size(&parts[0]), zmq_msg_size(&parts[1])};
        if (cmn_zsock_send(sock, p, l, 2) != 0)
            f->send_errors++;
    } else if (f->close_in_cb) {
        cmn_zsock_close(&f->router); /* no callback may run after this */
    } else if (f->router_got == f->target) {
        s_finish(f);
    }
}

static void
s_dealer_recv(cmn_zsock_t *sock, zmq_msg_t *parts, int nparts, void *arg)
{
    (void) sock;
    s_fix_t *f = arg;
    if (nparts != 1 || s_u32(&parts[0]) != (uint32_t) f->dealer_got) {
        f->bad++;
        return;
    }
    if (++f->dealer_got == f->target)
        s_finish(f);
}

static int
s_send_seq(cmn_zsock_t *s, uint32_t seq)
{
    const void *parts[1] = {&seq};
    size_t lens[1] = {sizeof seq};
    return cmn_zsock_send(s, parts, lens, 1);
}

/* Sends until the target is reached or the socket pushes back. */
static void
s_pump(s_fix_t *f)
{
    while (f->sent < f->target) {
        int rc = s_send_seq(f->dealer, (uint32_t) f->sent);
        if (rc == CMN_EAGAIN) {
            f->eagain++;
            return;
        }
        if (rc != 0) {
            f->send_errors++;
            return;
        }
        f->sent++;
    }
}

static void
s_on_writable(cmn_zsock_t *sock, void *arg)
{
    (void) sock;
    s_pump(arg);
}

static void
s_set_int(cmn_zsock_t *s, int opt, int v)
{
    assert_int_equal(zmq_setsockopt(cmn_zsock_raw(s), opt, &v, sizeof v), 0);
}

/* ROUTER bound on f->endpoint (or tcp), DEALER connected to it. */
static void
s_pair(s_fix_t *f, bool tcp, int hwm)
{
    int err = 1;
    f->router =
        cmn_zsock_new(&f->loop, f->ctx, ZMQ_ROUTER, s_router_recv, f, &err);
    assert_non_null(f->router);
    assert_int_equal(err, 0);
    f->dealer =
        cmn_zsock_new(&f->loop, f->ctx, ZMQ_DEALER, s_dealer_recv, f, &err);
    assert_non_null(f->dealer);
    assert_int_equal(err, 0);
    if (hwm >= 0) {
        s_set_int(f->router, ZMQ_SNDHWM, hwm);
        s_set_int(f->router, ZMQ_RCVHWM, hwm);
        s_set_int(f->dealer, ZMQ_SNDHWM, hwm);
        s_set_int(f->dealer, ZMQ_RCVHWM, hwm);
    }
    if (tcp) {
        assert_int_equal(cmn_zsock_bind(f->router, "tcp://127.0.0.1:*"), 0);
        size_t len = sizeof f->endpoint;
        assert_int_equal(zmq_getsockopt(cmn_zsock_raw(f->router),
                                        ZMQ_LAST_ENDPOINT, f->endpoint, &len),
                         0);
    } else {
        assert_int_equal(cmn_zsock_bind(f->router, f->endpoint), 0);
    }
    assert_int_equal(cmn_zsock_connect(f->dealer, f->endpoint), 0);
}

static void
s_run(s_fix_t *f)
{
    uv_run(&f->loop, UV_RUN_DEFAULT); /* returns once everything is closed */
    assert_true(f->finished);
    assert_false(f->timed_out);
    assert_null(f->router);
    assert_null(f->dealer);
    assert_int_equal(uv_loop_alive(&f->loop), 0);
}

/* All 10,000 are queued before the loop first runs: one ZMQ_FD edge for
 * the lot. A handler that reads one message per wake-up stalls here. */
static void
s_burst(s_fix_t *f, bool tcp)
{
    s_pair(f, tcp, 0); /* no high-water mark: the whole burst is queued */
    for (int i = 0; i < f->target; i++)
        assert_int_equal(s_send_seq(f->dealer, (uint32_t) i), 0);
    s_run(f);
    assert_int_equal(f->router_got, S_COUNT);
    assert_int_equal(f->bad, 0);
}

static void
t_burst_inproc(void **state)
{
    s_burst(*state, false);
}

static void
t_burst_tcp(void **state)
{
    s_burst(*state, true);
}

/* Default high-water marks: the sender gets CMN_EAGAIN and resumes from
 * the writable callback until all 10,000 are through. */
static void
t_flow_control(void **state)
{
    s_fix_t *f = *state;
    s_pair(f, false, -1);
    cmn_zsock_set_writable_cb(f->dealer, s_on_writable);
    s_pump(f);
    assert_true(f->sent < S_COUNT); /* pushed back before the loop ran */
    s_run(f);
    assert_int_equal(f->sent, S_COUNT);
    assert_int_equal(f->router_got, S_COUNT);
    assert_true(f->eagain > 0);
    assert_int_equal(f->send_errors, 0);
    assert_int_equal(f->bad, 0);
}

/* The ROUTER replies to each of 10,000 and the DEALER gets every reply. */
static void
s_echo(s_fix_t *f, bool tcp)
{
    f->echo = true;
    s_pair(f, tcp, 0);
    for (int i = 0; i < f->target; i++)
        assert_int_equal(s_send_seq(f->dealer, (uint32_t) i), 0);
    s_run(f);
    assert_int_equal(f->router_got, S_COUNT);
    assert_int_equal(f->dealer_got, S_COUNT);
    assert_int_equal(f->send_errors, 0);
    assert_int_equal(f->bad, 0);
}

static void
t_echo_inproc(void **state)
{
    s_echo(*state, false);
}

static void
t_echo_tcp(void **state)
{
    s_echo(*state, true);
}

static void
s_on_tick(uv_timer_t *t)
{
    s_fix_t *f = t->data;
    for (int i = 0; i < 10 && f->sent < f->target; i++) {
        if (s_send_seq(f->dealer, (uint32_t) f->sent) != 0) {
            f->send_errors++;
            return;
        }
        f->sent++;
    }
}

/* The DEALER sends from a timer while replies arrive. A send made outside
 * the socket's callback can consume the ZMQ_FD edge that announced those
 * replies; unless the socket re-checks ZMQ_EVENTS afterwards, they are
 * never read. */
static void
t_send_from_timer(void **state)
{
    s_fix_t *f = *state;
    f->echo = true;
    f->target = 3000;
    s_pair(f, false, 0);
    assert_int_equal(uv_timer_init(&f->loop, &f->tick), 0);
    f->tick.data = f;
    f->tick_used = true;
    assert_int_equal(uv_timer_start(&f->tick, s_on_tick, 1, 1), 0);
    s_run(f);
    assert_int_equal(f->sent, 3000);
    assert_int_equal(f->router_got, 3000);
    assert_int_equal(f->dealer_got, 3000);
    assert_int_equal(f->send_errors, 0);
    assert_int_equal(f->bad, 0);
}

/* On the first message, send to a peer that does not exist (must fail)
 * and to the one that sent it (must arrive). */
static void
s_router_mandatory(cmn_zsock_t *sock, zmq_msg_t *parts, int nparts, void *arg)
{
    s_fix_t *f = arg;
    if (nparts != 2 || f->router_got++ != 0)
        return;
    uint32_t seq = 0;
    const void *p[2] = {"no-such-peer", &seq};
    size_t l[2] = {12, sizeof seq};
    f->unknown_rc = cmn_zsock_send(sock, p, l, 2);
    p[0] = zmq_msg_data(&parts[0]);
    l[0] = zmq_msg_size(&parts[0]);
    f->known_rc = cmn_zsock_send(sock, p, l, 2);
}

static void
t_unknown_identity(void **state)
{
    s_fix_t *f = *state;
    int err = 1;
    f->target = 1;
    f->router = cmn_zsock_new(&f->loop, f->ctx, ZMQ_ROUTER, s_router_mandatory,
                              f, &err);
    assert_non_null(f->router);
    assert_int_equal(cmn_zsock_bind(f->router, f->endpoint), 0);

    /* No peer at all. */
    uint32_t seq = 0;
    const void *p[2] = {"dealer-1", &seq};
    size_t l[2] = {8, sizeof seq};
    assert_int_equal(cmn_zsock_send(f->router, p, l, 2), CMN_EZMQ);

    f->dealer =
        cmn_zsock_new(&f->loop, f->ctx, ZMQ_DEALER, s_dealer_recv, f, &err);
    assert_non_null(f->dealer);
    assert_int_equal(
        zmq_setsockopt(cmn_zsock_raw(f->dealer), ZMQ_ROUTING_ID, "dealer-1", 8),
        0);
    assert_int_equal(cmn_zsock_connect(f->dealer, f->endpoint), 0);
    assert_int_equal(s_send_seq(f->dealer, 0), 0);
    s_run(f);
    assert_int_equal(f->unknown_rc, CMN_EZMQ);
    assert_int_equal(f->known_rc, 0);
    assert_int_equal(f->dealer_got, 1);
    assert_int_equal(f->bad, 0);
}

/* Closing a socket inside its own callback: no callback runs after that,
 * though more messages are queued. */
static void
t_close_in_callback(void **state)
{
    s_fix_t *f = *state;
    f->close_in_cb = true;
    s_pair(f, false, 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(s_send_seq(f->dealer, (uint32_t) i), 0);
    /* The guard ends this run: nothing else will. */
    assert_int_equal(uv_timer_start(&f->guard, s_on_guard, 300, 0), 0);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_int_equal(f->router_got, 1);
    assert_null(f->router);
    assert_null(f->dealer);
    assert_int_equal(uv_loop_alive(&f->loop), 0);
}

/* Close with messages still queued both ways: the loop ends at once and
 * the context terminates (linger is 0). */
static void
t_close_clean(void **state)
{
    s_fix_t *f = *state;
    f->echo = true;
    s_pair(f, true, 0);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(s_send_seq(f->dealer, (uint32_t) i), 0);
    assert_int_equal(uv_run(&f->loop, UV_RUN_NOWAIT) >= 0, 1);
    s_finish(f);
    assert_null(f->router);
    assert_null(f->dealer);
    cmn_zsock_close(&f->router); /* NULL-safe */
    cmn_zsock_close(NULL);
    assert_int_equal(uv_run(&f->loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(uv_loop_alive(&f->loop), 0);
}

/* More parts than CMN_ZSOCK_MAX_PARTS: dropped, the next one still comes. */
static void
t_too_many_parts(void **state)
{
    s_fix_t *f = *state;
    f->target = 1;
    s_pair(f, false, 0);
    uint32_t seq = 0;
    const void *p[CMN_ZSOCK_MAX_PARTS + 1];
    size_t l[CMN_ZSOCK_MAX_PARTS + 1];
    for (int i = 0; i <= CMN_ZSOCK_MAX_PARTS; i++) {
        p[i] = "x";
        l[i] = 1;
    }
    assert_int_equal(cmn_zsock_send(f->dealer, p, l, CMN_ZSOCK_MAX_PARTS + 1),
                     0);
    assert_int_equal(s_send_seq(f->dealer, seq), 0);
    s_run(f);
    assert_int_equal(f->router_got, 1);
    assert_int_equal(f->bad, 0);
}

static void
t_bad_endpoint(void **state)
{
    s_fix_t *f = *state;
    int err = 1;
    f->router =
        cmn_zsock_new(&f->loop, f->ctx, ZMQ_ROUTER, s_router_recv, f, &err);
    assert_non_null(f->router);
    assert_int_equal(cmn_zsock_bind(f->router, "bogus://nowhere"), CMN_EZMQ);
    assert_int_equal(cmn_zsock_connect(f->router, "tcp://"), CMN_EZMQ);
    /* A list: both endpoints are bound. */
    char base[100], two[300];
    snprintf(base, sizeof base, "%.90s", f->endpoint);
    snprintf(two, sizeof two, "%s-a, %s-b", base, base);
    assert_int_equal(cmn_zsock_bind(f->router, two), 0);
    snprintf(f->endpoint, sizeof f->endpoint, "%s-b", base);
    f->dealer =
        cmn_zsock_new(&f->loop, f->ctx, ZMQ_DEALER, s_dealer_recv, f, &err);
    assert_non_null(f->dealer);
    assert_int_equal(cmn_zsock_connect(f->dealer, f->endpoint), 0);
    f->target = 1;
    assert_int_equal(s_send_seq(f->dealer, 0), 0);
    s_run(f);
    assert_int_equal(f->router_got, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, s_setup, s_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(t_burst_inproc),     T(t_burst_tcp),         T(t_flow_control),
        T(t_echo_inproc),      T(t_echo_tcp),          T(t_send_from_timer),
        T(t_unknown_identity), T(t_close_in_callback), T(t_close_clean),
        T(t_too_many_parts),   T(t_bad_endpoint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

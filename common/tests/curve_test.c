/* curve_test.c - unit tests for cmn/curve.h: the key-list lookup, the
 * allow-list file, and the ZAP handler on a real libuv loop giving an
 * allowed key its identity as the User-Id and answering nothing to an
 * unknown key. */
#include "cmn/curve.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include <cmocka.h>

typedef struct {
    char pub[CMN_CURVE_KEYLEN + 1], sec[CMN_CURVE_KEYLEN + 1];
} s_pair_t;

static void
s_pair(s_pair_t *p)
{
    assert_int_equal(zmq_curve_keypair(p->pub, p->sec), 0);
}

/* Writes text to a fresh temporary file; path is the caller's buffer. */
static void
s_file(char path[64], const char *text)
{
    snprintf(path, 64, "/tmp/cmn_curve_test_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void
s_lookup(void **state)
{
    (void) state;
    s_pair_t a, b;
    s_pair(&a);
    s_pair(&b);
    char path[64], list[512], key[CMN_CURVE_KEYLEN + 1], why[256] = "";
    char text[64];
    snprintf(text, sizeof text, "%s\n", b.pub);
    s_file(path, text);
    snprintf(list, sizeof list, "review=%s;panel=@%s", a.pub, path);

    assert_int_equal(cmn_curve_key_lookup(list, "review", key, why, 256), 1);
    assert_string_equal(key, a.pub);
    assert_int_equal(cmn_curve_key_lookup(list, "panel", key, why, 256), 1);
    assert_string_equal(key, b.pub);
    /* A prefix of a name is not the name. */
    assert_int_equal(cmn_curve_key_lookup(list, "pan", key, why, 256), 0);
    assert_int_equal(cmn_curve_key_lookup(list, "audit", key, why, 256), 0);
    assert_int_equal(cmn_curve_key_lookup("", "audit", key, why, 256), 0);

    assert_int_equal(
        cmn_curve_key_lookup("review=short", "review", key, why, sizeof why),
        CMN_ECONFIG);
    assert_non_null(strstr(why, "\"review\""));
    assert_int_equal(cmn_curve_key_lookup("panel=@/nonexistent/key", "panel",
                                          key, why, sizeof why),
                     CMN_ECONFIG);
    assert_non_null(strstr(why, "/nonexistent/key"));
    unlink(path);
}

static void
s_allow_list_file(void **state)
{
    (void) state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    void *ctx = zmq_ctx_new();
    char path[64], why[256] = "";
    s_file(path, "# offices and experts\n110108 "
                 "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\n"
                 "expert:7 rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\n");
    cmn_zap_t *zap = cmn_zap_new(&loop, ctx, path, why, sizeof why);
    assert_non_null(zap);
    cmn_zap_destroy(&zap);
    unlink(path);

    /* A bad identity, named with its line. */
    s_file(path, "110108 rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\n"
                 "expert/7 rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\n");
    assert_null(cmn_zap_new(&loop, ctx, path, why, sizeof why));
    assert_non_null(strstr(why, ":2: expected"));
    unlink(path);
    zmq_ctx_term(ctx);
    uv_run(&loop, UV_RUN_NOWAIT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* Runs the loop (for the ZAP handler) until the server has a message or
 * about ms have passed; returns the message's User-Id, or NULL. */
static const char *
s_serve_one(uv_loop_t *loop, void *server, zmq_msg_t *m, int ms)
{
    for (int i = 0; i < ms / 5; i++) {
        uv_run(loop, UV_RUN_NOWAIT);
        zmq_pollitem_t it = {server, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 5) == 1 && zmq_msg_recv(m, server, 0) >= 0)
            return zmq_msg_gets(m, "User-Id");
    }
    return NULL;
}

static void
s_zap_identity(void **state)
{
    (void) state;
    s_pair_t srv, expert, stranger;
    s_pair(&srv);
    s_pair(&expert);
    s_pair(&stranger);
    char path[64], text[128], why[256] = "", ep[64];
    snprintf(text, sizeof text, "expert:7 %s\n", expert.pub);
    s_file(path, text);

    uv_loop_t loop;
    uv_loop_init(&loop);
    void *ctx = zmq_ctx_new();
    cmn_zap_t *zap = cmn_zap_new(&loop, ctx, path, why, sizeof why);
    assert_non_null(zap);
    void *server = zmq_socket(ctx, ZMQ_PULL);
    int zero = 0;
    zmq_setsockopt(server, ZMQ_LINGER, &zero, sizeof zero);
    assert_int_equal(cmn_curve_server(server, srv.sec), 0);
    assert_int_equal(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    size_t eplen = sizeof ep;
    zmq_getsockopt(server, ZMQ_LAST_ENDPOINT, ep, &eplen);

    void *good = zmq_socket(ctx, ZMQ_PUSH), *bad = zmq_socket(ctx, ZMQ_PUSH);
    zmq_setsockopt(good, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(bad, ZMQ_LINGER, &zero, sizeof zero);
    assert_int_equal(cmn_curve_client(good, expert.sec, expert.pub, srv.pub),
                     0);
    assert_int_equal(cmn_curve_client(bad, stranger.sec, stranger.pub, srv.pub),
                     0);
    assert_int_equal(zmq_connect(bad, ep), 0);
    assert_int_equal(zmq_send(bad, "from a stranger", 15, ZMQ_DONTWAIT), 15);

    zmq_msg_t m;
    zmq_msg_init(&m);
    /* The stranger's message never arrives. */
    assert_null(s_serve_one(&loop, server, &m, 300));
    assert_int_equal(zmq_connect(good, ep), 0);
    assert_int_equal(zmq_send(good, "opinion", 7, ZMQ_DONTWAIT), 7);
    const char *id = s_serve_one(&loop, server, &m, 3000);
    assert_non_null(id);
    assert_string_equal(id, "expert:7");
    assert_int_equal(zmq_msg_size(&m), 7);
    zmq_msg_close(&m);

    unsigned long allowed = 0, refused = 0;
    cmn_zap_stats(zap, &allowed, &refused);
    assert_true(allowed >= 1);
    assert_true(refused >= 1);

    zmq_close(good);
    zmq_close(bad);
    zmq_close(server);
    cmn_zap_destroy(&zap);
    zmq_ctx_term(ctx);
    uv_run(&loop, UV_RUN_NOWAIT);
    assert_int_equal(uv_loop_close(&loop), 0);
    unlink(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_lookup),
        cmocka_unit_test(s_allow_list_file),
        cmocka_unit_test(s_zap_identity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

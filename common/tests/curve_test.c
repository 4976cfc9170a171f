/* curve_test.c - the key registry (cmn/ident.h), the sender rules, the
 * refusal of committed example secrets (cmn/secret.h), and the ZAP handler
 * on a real libuv loop: an identity in the registry gets its name as the
 * User-Id, a stranger's key gets nothing, and an inbox lets in services
 * only. */
#include "cmn/curve.h"
#include "cmn/ident.h"
#include "cmn/secret.h"

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

static cmn_registry_t *
s_parse(const char *text, char *why, size_t whylen)
{
    return cmn_registry_parse(text, strlen(text), "keys", why, whylen);
}

static void
s_registry(void **state)
{
    (void) state;
    s_pair_t a, b, c;
    s_pair(&a);
    s_pair(&b);
    s_pair(&c);
    char text[1024], why[256] = "";
    snprintf(text, sizeof text,
             "# a region\n"
             "review@110100 service 110100 %s\n"
             "  staff:li   staff   110100 %s reviewer,registrar\n"
             "staff:zhao staff 110100 - reviewer\n"
             "web gateway 110100 %s\n",
             a.pub, b.pub, c.pub);
    cmn_registry_t *r = s_parse(text, why, sizeof why);
    assert_non_null(r);
    assert_int_equal(cmn_registry_count(r), 4);
    const cmn_ident_t *rv = cmn_registry_find(r, "review@110100");
    assert_non_null(rv);
    assert_int_equal(rv->kind, CMN_KIND_SERVICE);
    assert_string_equal(rv->service, "review");
    assert_string_equal(rv->office, "110100");
    char key[41];
    assert_int_equal(cmn_ident_key_text(rv, key), 0);
    assert_string_equal(key, a.pub);
    const cmn_ident_t *li = cmn_registry_find(r, "staff:li");
    assert_true(cmn_ident_has_role(li, "registrar"));
    assert_true(cmn_ident_has_role(li, "reviewer"));
    assert_false(cmn_ident_has_role(li, "review"));
    const cmn_ident_t *zhao = cmn_registry_find(r, "staff:zhao");
    assert_false(zhao->has_key);
    assert_int_equal(cmn_ident_key_text(zhao, key), CMN_ENOENT);
    uint8_t raw[32];
    assert_non_null(zmq_z85_decode(raw, b.pub));
    assert_ptr_equal(cmn_registry_find_key(r, raw), li);
    assert_null(cmn_registry_find(r, "staff:wang"));
    cmn_registry_destroy(&r);
    assert_null(r);
    cmn_registry_destroy(&r); /* twice is fine */
}

/* Copies pattern into out with every "%s" replaced by key. */
static void
s_fill(char *out, size_t len, const char *pattern, const char *key)
{
    size_t at = 0;
    for (const char *p = pattern; *p && at + 41 < len; p++) {
        if (p[0] == '%' && p[1] == 's') {
            at += (size_t) snprintf(out + at, len - at, "%s", key);
            p++;
        } else {
            out[at++] = *p;
        }
    }
    out[at] = '\0';
}

static void
s_registry_refusals(void **state)
{
    (void) state;
    s_pair_t a;
    s_pair(&a);
    static const char *const bad[][2] = {
        {"x@110100 service 110100 %s\nx@110100 service 110100 %s\n",
         "keys:2: identity \"x@110100\" is listed twice"},
        {"expert/7 expert 110100 %s\n", "keys:1: identity \"expert/7\""},
        {"review service 110100 %s\n", "keys:1: a service's identity is"},
        {"review@110108 service 110100 %s\n", "keys:1: a service's identity"},
        {"x staff 1101 %s\n", "keys:1: office \"1101\""},
        {"x stuff 110100 %s\n", "keys:1: kind \"stuff\""},
        {"\n\nx staff 110100 short\n", "keys:3: public key of \"x\""},
        {"w gateway 110100 -\n", "keys:1: \"w\" is a gateway: it needs a key"},
        {"x staff 110100 %s Reviewer\n", "keys:1: roles \"Reviewer\""},
        {"x staff 110100\n", "keys:1: expected IDENTITY KIND OFFICE"},
    };
    char text[512], why[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s_fill(text, sizeof text, bad[i][0], a.pub);
        why[0] = '\0';
        cmn_registry_t *r = s_parse(text, why, sizeof why);
        if (r != NULL || strstr(why, bad[i][1]) == NULL)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, why, bad[i][1]);
    }
    /* Two identities with one key: the key would not say who it is. */
    snprintf(text, sizeof text, "a staff 110100 %s\nb staff 110100 %s\n", a.pub,
             a.pub);
    assert_null(s_parse(text, why, sizeof why));
    assert_non_null(strstr(why, "keys:2: \"b\" has the key of \"a\""));
    assert_null(cmn_registry_load("/nonexistent/keys", why, sizeof why));
    assert_non_null(strstr(why, "/nonexistent/keys"));
}

static void
s_rules(void **state)
{
    (void) state;
    cmn_ident_t intake = {.name = "intake@110100",
                          .kind = CMN_KIND_SERVICE,
                          .service = "intake",
                          .office = "110100"};
    cmn_ident_t staff = {.name = "staff:li", .kind = CMN_KIND_STAFF};
    cmn_ident_t dev = {.name = "dev", .kind = CMN_KIND_DEV};
    assert_true(cmn_ident_matches(&intake, "service:intake"));
    assert_true(cmn_ident_matches(&intake, "service:panel,service:intake"));
    assert_true(cmn_ident_matches(&intake, "service:*"));
    assert_false(cmn_ident_matches(&intake, "service:panel"));
    assert_false(cmn_ident_matches(&intake, "service:intak"));
    assert_false(cmn_ident_matches(&intake, "staff,office"));
    assert_true(cmn_ident_matches(&staff, "office,staff"));
    assert_false(cmn_ident_matches(&staff, "service:*"));
    assert_false(cmn_ident_matches(&staff, ""));
    assert_false(cmn_ident_matches(&staff, NULL));
    assert_true(cmn_ident_matches(&dev, "service:intake"));
    assert_true(cmn_ident_rule_valid("service:intake,staff,gateway"));
    assert_false(cmn_ident_rule_valid("service:intake,stuff"));
    assert_false(cmn_ident_rule_valid(""));
    assert_false(cmn_ident_rule_valid("staff,,unit"));
    char buf[160];
    snprintf(staff.via, sizeof staff.via, "web");
    assert_string_equal(cmn_ident_label(&staff, buf, sizeof buf),
                        "staff:li via web");
}

static void
s_example_secrets_refused(void **state)
{
    (void) state;
    char why[400];
    /* deploy/secrets/review_curve.key.example, once committed. */
    assert_int_equal(
        cmn_secret_check_curve("k", "@A-{<0m#RAyAr4HH/$Ydww}$vu5dJdn@1(8JgN.p",
                               why, sizeof why),
        CMN_ECONFIG);
    assert_non_null(strstr(why, "review_curve.key.example"));
    assert_int_equal(
        cmn_secret_check_text("a password", "  change-me\n", why, sizeof why),
        CMN_ECONFIG);
    s_pair_t fresh;
    s_pair(&fresh);
    assert_int_equal(cmn_secret_check_curve("k", fresh.sec, why, sizeof why),
                     0);
    char path[] = "/tmp/cmn_secret_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "example-audit-password\n", 23), 23);
    close(fd);
    assert_int_equal(cmn_secret_check_file(path, why, sizeof why), CMN_ECONFIG);
    assert_non_null(strstr(why, "audit_password.example"));
    unlink(path);
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

/* A PULL server in domain; *ep gets its endpoint. */
static void *
s_server(void *ctx, const s_pair_t *srv, const char *domain, char ep[64])
{
    void *server = zmq_socket(ctx, ZMQ_PULL);
    int zero = 0;
    size_t eplen = 64;
    assert_int_equal(zmq_setsockopt(server, ZMQ_LINGER, &zero, sizeof zero), 0);
    assert_int_equal(cmn_curve_server(server, srv->sec, domain), 0);
    assert_int_equal(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
    assert_int_equal(zmq_getsockopt(server, ZMQ_LAST_ENDPOINT, ep, &eplen), 0);
    return server;
}

static void *
s_client(void *ctx, const s_pair_t *me, const s_pair_t *srv, const char *ep)
{
    void *c = zmq_socket(ctx, ZMQ_PUSH);
    int zero = 0;
    assert_int_equal(zmq_setsockopt(c, ZMQ_LINGER, &zero, sizeof zero), 0);
    assert_int_equal(cmn_curve_client(c, me->sec, me->pub, srv->pub), 0);
    assert_int_equal(zmq_connect(c, ep), 0);
    return c;
}

static void
s_zap_identity(void **state)
{
    (void) state;
    s_pair_t srv, expert, svc, stranger;
    s_pair(&srv);
    s_pair(&expert);
    s_pair(&svc);
    s_pair(&stranger);
    char text[256], why[256] = "", api_ep[64], inbox_ep[64];
    snprintf(text, sizeof text,
             "expert:7 expert 110100 %s\nintake@110100 service 110100 %s\n",
             expert.pub, svc.pub);
    cmn_registry_t *reg = s_parse(text, why, sizeof why);
    assert_non_null(reg);

    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    void *ctx = zmq_ctx_new();
    cmn_zap_t *zap = cmn_zap_new(&loop, ctx, reg, why, sizeof why);
    assert_non_null(zap);
    void *api = s_server(ctx, &srv, CMN_ZAP_API, api_ep);
    void *inbox = s_server(ctx, &srv, CMN_ZAP_INBOX, inbox_ep);

    zmq_msg_t m;
    (void) zmq_msg_init(&m);
    /* A stranger's message never arrives, at the API or the inbox. */
    void *bad = s_client(ctx, &stranger, &srv, api_ep);
    assert_int_equal(zmq_send(bad, "from a stranger", 15, ZMQ_DONTWAIT), 15);
    assert_null(s_serve_one(&loop, api, &m, 300));
    /* An expert reaches the API as who they are, but not an inbox. */
    void *e_in = s_client(ctx, &expert, &srv, inbox_ep);
    assert_int_equal(zmq_send(e_in, "not a service", 13, ZMQ_DONTWAIT), 13);
    assert_null(s_serve_one(&loop, inbox, &m, 300));
    void *e_api = s_client(ctx, &expert, &srv, api_ep);
    assert_int_equal(zmq_send(e_api, "opinion", 7, ZMQ_DONTWAIT), 7);
    const char *id = s_serve_one(&loop, api, &m, 3000);
    assert_non_null(id);
    assert_string_equal(id, "expert:7");
    assert_int_equal(zmq_msg_size(&m), 7);
    /* A service reaches the inbox. */
    void *s_in = s_client(ctx, &svc, &srv, inbox_ep);
    assert_int_equal(zmq_send(s_in, "filing", 6, ZMQ_DONTWAIT), 6);
    id = s_serve_one(&loop, inbox, &m, 3000);
    assert_non_null(id);
    assert_string_equal(id, "intake@110100");
    zmq_msg_close(&m);

    unsigned long allowed = 0, refused = 0;
    cmn_zap_stats(zap, &allowed, &refused);
    assert_true(allowed >= 2);
    assert_true(refused >= 2);

    void *socks[] = {bad, e_in, e_api, s_in, api, inbox};
    for (size_t i = 0; i < sizeof socks / sizeof socks[0]; i++)
        zmq_close(socks[i]);
    cmn_zap_destroy(&zap);
    zmq_ctx_term(ctx);
    uv_run(&loop, UV_RUN_NOWAIT);
    assert_int_equal(uv_loop_close(&loop), 0);
    cmn_registry_destroy(&reg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_registry),
        cmocka_unit_test(s_registry_refusals),
        cmocka_unit_test(s_rules),
        cmocka_unit_test(s_example_secrets_refused),
        cmocka_unit_test(s_zap_identity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

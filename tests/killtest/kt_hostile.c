/* kt_hostile.c - sends hostile frames to a receiving service and checks the
 * answers: frames whose message id can be read must come back REJECTED with
 * a reason; the rest must simply be dropped. The receiver must stay up.
 * usage: kt_hostile ENDPOINT FRAME_MAX SERVER
 *
 * It connects over CURVE as the key of TST_KEY (tst/client.h; SERVER is
 * the receiver's registry identity), a service the receiver takes
 * messages from, and its envelopes name that key's service and office:
 * what is refused is refused for what the frame holds, not for who sent
 * it. */
#include "cmn/envelope.h"
#include "kt.pb-c.h"
#include "tst/client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define S_EXPECT_MAX 8

typedef struct {
    char mid[37];
    const char *what;
    const char *reason_has; /* expected in the rejection reason */
    int got;                /* Ack status received, 0 = none */
} s_expect_t;

static s_expect_t s_expect[S_EXPECT_MAX];
static int s_nexpect;
static const char *s_source = "hostile", *s_office = "";
static unsigned s_seed = 12345;

static unsigned
s_rand(void)
{
    s_seed = s_seed * 1103515245u + 12345u;
    return (s_seed >> 8) & 0xffffff;
}

static void
s_send(void *zs, const void *data, size_t len)
{
    if (zmq_send(zs, data, len, 0) < 0)
        fprintf(stderr, "kt_hostile: send failed: %s\n",
                zmq_strerror(zmq_errno()));
}

static void
s_send_env(void *zs, const char *mid, const char *type, const char *corr,
           const uint8_t *payload, size_t plen, const char *what,
           const char *reason_has)
{
    cmn_env_out_t e = {.message_id = mid,
                       .type = type,
                       .source = s_source,
                       .source_office = s_office,
                       .correlation_id = corr,
                       .case_version = 0,
                       .created_at_us = 1700000000000000,
                       .payload = payload,
                       .payload_len = plen};
    uint8_t *buf = NULL;
    size_t len = 0;
    if (cmn_env_encode(&e, &buf, &len) != 0)
        exit(2);
    s_send(zs, buf, len);
    free(buf);
    if (reason_has != NULL) {
        s_expect_t *x = &s_expect[s_nexpect++];
        snprintf(x->mid, sizeof x->mid, "%s", mid);
        x->what = what;
        x->reason_has = reason_has;
    }
}

/* Envelope field 7 (bytes) nested inside itself to about 74 KB. */
static uint8_t *
s_nested(size_t *len_out)
{
    size_t cap = 80 * 1024, len = 0;
    uint8_t *buf = calloc(1, cap), *tmp = calloc(1, cap);
    if (buf == NULL || tmp == NULL)
        exit(2);
    while (len < 74 * 1024) {
        size_t n = 0;
        tmp[n++] = (7 << 3) | 2;
        size_t v = len;
        do {
            tmp[n++] = (uint8_t) ((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
            v >>= 7;
        } while (v);
        memcpy(tmp + n, buf, len);
        len += n;
        memcpy(buf, tmp, len);
    }
    free(tmp);
    *len_out = len;
    return buf;
}

static void
s_read_acks(void *zs)
{
    for (;;) {
        zmq_pollitem_t it = {zs, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 5000) <= 0)
            return;
        zmq_msg_t m;
        (void) zmq_msg_init(&m);
        if (zmq_msg_recv(&m, zs, 0) < 0)
            return;
        Mlps__V1__Ack *ack =
            mlps__v1__ack__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
        for (size_t i = 0; ack && i < ack->n_items; i++) {
            for (int k = 0; k < s_nexpect; k++) {
                s_expect_t *x = &s_expect[k];
                if (strcmp(x->mid, ack->items[i]->message_id) != 0)
                    continue;
                x->got = ack->items[i]->status;
                if (x->got != MLPS__V1__ACK__STATUS__REJECTED ||
                    strstr(ack->items[i]->reason, x->reason_has) == NULL) {
                    printf("kt_hostile: %s: status %d reason '%s'\n", x->what,
                           x->got, ack->items[i]->reason);
                    x->got = -1;
                } else {
                    printf("kt_hostile: %s: rejected: %s\n", x->what,
                           ack->items[i]->reason);
                }
            }
        }
        mlps__v1__ack__free_unpacked(ack, NULL);
        zmq_msg_close(&m);
        int done = 1;
        for (int k = 0; k < s_nexpect; k++)
            done &= s_expect[k].got != 0;
        if (done)
            return;
    }
}

int
main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: kt_hostile ENDPOINT FRAME_MAX SERVER\n");
        return 2;
    }
    size_t frame_max = strtoul(argv[2], NULL, 10);
    static tst_client_t keys;
    char why[512];
    if (tst_client_keys(&keys, argv[3], why, sizeof why) != 0) {
        fprintf(stderr, "kt_hostile: %s\n", why);
        return 2;
    }
    if (keys.self.service[0] != '\0') {
        s_source = keys.self.service;
        s_office = keys.self.office;
    }
    void *ctx = zmq_ctx_new(), *zs = zmq_socket(ctx, ZMQ_DEALER);
    int zero = 0;
    if (zs == NULL || zmq_setsockopt(zs, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        tst_client_socket(&keys, zs) != 0 || zmq_connect(zs, argv[1]) != 0)
        return 2;

    /* 1. truncated: a good envelope cut short */
    Mlps__Test__KtSeq seq = MLPS__TEST__KT_SEQ__INIT;
    uint8_t pl[16];
    seq.seq = 1;
    size_t pll = mlps__test__kt_seq__pack(&seq, pl);
    cmn_env_out_t e = {.message_id = "00000000-0000-4000-8000-000000000001",
                       .type = "mlps.test.KtSeq",
                       .source = s_source,
                       .source_office = s_office,
                       .correlation_id = "c",
                       .created_at_us = 1,
                       .payload = pl,
                       .payload_len = pll};
    uint8_t *buf;
    size_t len;
    if (cmn_env_encode(&e, &buf, &len) != 0)
        return 2;
    s_send(zs, buf, len / 2);
    free(buf);
    /* 2. oversized */
    uint8_t *big = calloc(1, frame_max + 1000);
    memset(big, 'A', frame_max + 1000);
    s_send(zs, big, frame_max + 1000);
    free(big);
    /* 3. deeply nested, 74 KB */
    uint8_t *nested = s_nested(&len);
    s_send(zs, nested, len);
    free(nested);
    /* 4. random bytes */
    uint8_t junk[2048];
    for (int i = 0; i < 200; i++) {
        size_t n = 1 + s_rand() % sizeof junk;
        for (size_t k = 0; k < n; k++)
            junk[k] = (uint8_t) s_rand();
        s_send(zs, junk, n);
    }
    /* 5. three parts where one is expected */
    zmq_send(zs, "a", 1, ZMQ_SNDMORE);
    zmq_send(zs, "b", 1, 0);
    /* 6. with readable ids: each must be answered REJECTED */
    s_send_env(zs, "00000000-0000-4000-8000-0000000000a1", "mlps.v1.DropAll",
               "c", pl, pll, "unknown type", "not accepted");
    s_send_env(zs, "00000000-0000-4000-8000-0000000000a2", "mlps.test.KtSeq",
               "c", (const uint8_t *) "\xff\xff\xff", 3, "bad payload",
               "payload");
    s_send_env(zs, "00000000-0000-4000-8000-0000000000a3", "mlps.test.KtSeq",
               "\xc0\xaf", pl, pll, "bad utf-8", "correlation_id");
    seq.seq = 0; /* decodes, but the handler refuses it */
    pll = mlps__test__kt_seq__pack(&seq, pl);
    s_send_env(zs, "00000000-0000-4000-8000-0000000000a4", "mlps.test.KtSeq",
               "c", pl, pll, "refused by handler", "must be positive");
    s_read_acks(zs);
    /* the same refused message again: the inbox remembers the refusal */
    s_send_env(zs, "00000000-0000-4000-8000-0000000000a4", "mlps.test.KtSeq",
               "c", pl, pll, "refused again", "must be positive");
    s_read_acks(zs);

    int bad = 0;
    for (int k = 0; k < s_nexpect; k++) {
        if (s_expect[k].got != MLPS__V1__ACK__STATUS__REJECTED) {
            printf("kt_hostile: FAIL %s: no proper rejection\n",
                   s_expect[k].what);
            bad++;
        }
    }
    zmq_close(zs);
    zmq_ctx_term(ctx);
    printf("kt_hostile: %d of %d expected rejections received\n",
           s_nexpect - bad, s_nexpect);
    return bad ? 1 : 0;
}

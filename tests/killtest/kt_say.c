/* kt_say.c - one message to kt_recv, to see what the runtime makes of who
 * sent it: the trust test's client (tests/killtest/trust.sh).
 *
 *   kt_say inbox ENDPOINT SERVER [OPTION...]  one KtSeq; prints the Ack
 *   kt_say api ENDPOINT SERVER [OPTION...]    one KtCountRequest; prints
 *                                             the reply
 *
 * SERVER is the receiver's registry identity (its key); the client's own
 * keys come from TST_REGISTRY and TST_KEY (tst/client.h). Options:
 * --seq=N (the KtSeq's number, default 1), --source=NAME and
 * --office=CODE (the envelope's; default the key's own service and
 * office), --acting-for=IDENTITY, --nul (the type gets "\0x" appended on
 * the wire), --timeout-ms=MS (default 3000). Prints one line:
 *
 *   ack APPLIED | ack DUPLICATE | ack RETRY | ack REJECTED: REASON
 *   reply peer=NAME via=GATEWAY applied=N | problem CODE: MESSAGE
 *   no answer within MS ms
 *
 * Exit 0 when an answer came (whatever it says), 4 when none did, 2 on a
 * usage or set-up error. */
#include "cmn/api.h"
#include "cmn/envelope.h"
#include "cmn/pb.h"
#include "kt.pb-c.h"
#include "mlps/v1/api.pb-c.h"
#include "tst/client.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

typedef struct {
    bool api;
    const char *endpoint, *server;
    unsigned long long seq;
    const char *source, *office, *acting_for;
    bool nul;
    int timeout_ms;
} s_args_t;

static int
s_usage(void)
{
    fprintf(stderr, "usage: kt_say inbox|api ENDPOINT SERVER [--seq=N] "
                    "[--source=NAME] [--office=CODE] [--acting-for=ID] "
                    "[--nul] [--timeout-ms=MS]\n");
    return 2;
}

static int
s_parse(int argc, char **argv, s_args_t *a)
{
    if (argc < 4 ||
        (strcmp(argv[1], "inbox") != 0 && strcmp(argv[1], "api") != 0))
        return -1;
    *a = (s_args_t){.api = strcmp(argv[1], "api") == 0,
                    .endpoint = argv[2],
                    .server = argv[3],
                    .seq = 1,
                    .timeout_ms = 3000};
    for (int i = 4; i < argc; i++) {
        const char *v = strchr(argv[i], '=');
        v = v ? v + 1 : "";
        if (strncmp(argv[i], "--seq=", 6) == 0)
            a->seq = strtoull(v, NULL, 10);
        else if (strncmp(argv[i], "--source=", 9) == 0)
            a->source = v;
        else if (strncmp(argv[i], "--office=", 9) == 0)
            a->office = v;
        else if (strncmp(argv[i], "--acting-for=", 13) == 0)
            a->acting_for = v;
        else if (strncmp(argv[i], "--timeout-ms=", 13) == 0)
            a->timeout_ms = atoi(v);
        else if (strcmp(argv[i], "--nul") == 0)
            a->nul = true;
        else
            return -1;
    }
    return a->timeout_ms > 0 ? 0 : -1;
}

/* The frame: an Envelope from the key's identity unless told otherwise.
 * With nul, the type's trailing "\1x" becomes "\0x" after encoding (the
 * encoder stops at a NUL; the wire need not). */
static int
s_frame(const s_args_t *a, const tst_client_t *c, uint8_t **frame, size_t *len)
{
    Mlps__Test__KtSeq seq = MLPS__TEST__KT_SEQ__INIT;
    Mlps__Test__KtCountRequest count = MLPS__TEST__KT_COUNT_REQUEST__INIT;
    uint8_t payload[32];
    char mid[37], type[64];
    seq.seq = a->seq;
    size_t plen = a->api ? mlps__test__kt_count_request__pack(&count, payload)
                         : mlps__test__kt_seq__pack(&seq, payload);
    snprintf(type, sizeof type, "%s%s",
             a->api ? "mlps.test.KtCountRequest" : "mlps.test.KtSeq",
             a->nul ? "\1x" : "");
    cmn_uuid4(mid);
    cmn_env_out_t e = {.message_id = mid,
                       .type = type,
                       .source = a->source            ? a->source
                                 : c->self.service[0] ? c->self.service
                                                      : "kt_say",
                       .source_office = a->office ? a->office : c->self.office,
                       .correlation_id = mid,
                       .created_at_us = cmn_now_us(),
                       .payload = payload,
                       .payload_len = plen,
                       .acting_for = a->acting_for};
    int rc = cmn_env_encode(&e, frame, len);
    if (rc == 0 && a->nul) {
        size_t tl = strlen(type);
        for (size_t i = 0; i + tl <= *len; i++)
            if (memcmp(*frame + i, type, tl) == 0)
                (*frame)[i + tl - 2] = '\0';
    }
    return rc;
}

static const char *
s_status(int status)
{
    switch (status) {
    case MLPS__V1__ACK__STATUS__APPLIED:
        return "APPLIED";
    case MLPS__V1__ACK__STATUS__DUPLICATE:
        return "DUPLICATE";
    case MLPS__V1__ACK__STATUS__REJECTED:
        return "REJECTED";
    case MLPS__V1__ACK__STATUS__RETRY:
        return "RETRY";
    default:
        return "UNSPECIFIED";
    }
}

static void
s_print_ack(const zmq_msg_t *m)
{
    Mlps__V1__Ack *ack = mlps__v1__ack__unpack(
        NULL, zmq_msg_size((zmq_msg_t *) m), zmq_msg_data((zmq_msg_t *) m));
    if (ack == NULL || ack->n_items != 1) {
        printf("bad answer (%zu bytes)\n", zmq_msg_size((zmq_msg_t *) m));
    } else {
        const Mlps__V1__Ack__Item *it = ack->items[0];
        printf("ack %s%s%s\n", s_status(it->status), it->reason[0] ? ": " : "",
               it->reason);
    }
    mlps__v1__ack__free_unpacked(ack, NULL);
}

static void
s_print_reply(const zmq_msg_t *m)
{
    Mlps__V1__Envelope *e = mlps__v1__envelope__unpack(
        NULL, zmq_msg_size((zmq_msg_t *) m), zmq_msg_data((zmq_msg_t *) m));
    if (e != NULL && strcmp(e->type, "mlps.v1.Problem") == 0) {
        Mlps__V1__Problem *p =
            mlps__v1__problem__unpack(NULL, e->payload.len, e->payload.data);
        printf("problem %s: %s\n", p ? p->code : "?", p ? p->message : "?");
        mlps__v1__problem__free_unpacked(p, NULL);
    } else if (e != NULL &&
               strcmp(e->type, mlps__test__kt_count_reply__descriptor.name) ==
                   0) {
        Mlps__Test__KtCountReply *r = mlps__test__kt_count_reply__unpack(
            NULL, e->payload.len, e->payload.data);
        if (r != NULL)
            printf("reply peer=%s via=%s applied=%llu\n", r->peer, r->via,
                   (unsigned long long) r->applied);
        else
            printf("bad answer (an undecodable %s)\n", e->type);
        mlps__test__kt_count_reply__free_unpacked(r, NULL);
    } else {
        printf("bad answer (%s)\n", e ? e->type : "not an Envelope");
    }
    mlps__v1__envelope__free_unpacked(e, NULL);
}

/* Sends frame and prints the one answer; the exit code. */
static int
s_exchange(const s_args_t *a, const tst_client_t *c, const uint8_t *frame,
           size_t len)
{
    void *ctx = zmq_ctx_new();
    void *zs = zmq_socket(ctx, a->api ? ZMQ_REQ : ZMQ_DEALER);
    int zero = 0, rc = 2;
    zmq_msg_t m;
    (void) zmq_msg_init(&m); /* always 0 (zmq_msg_init(3)) */
    if (zs == NULL || zmq_setsockopt(zs, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(zs, ZMQ_RCVTIMEO, &a->timeout_ms,
                       sizeof a->timeout_ms) != 0 ||
        zmq_setsockopt(zs, ZMQ_SNDTIMEO, &a->timeout_ms,
                       sizeof a->timeout_ms) != 0 ||
        tst_client_socket(c, zs) != 0 || zmq_connect(zs, a->endpoint) != 0) {
        fprintf(stderr, "kt_say: could not connect to \"%s\"\n", a->endpoint);
        goto out;
    }
    if (zmq_send(zs, frame, len, 0) < 0 || zmq_msg_recv(&m, zs, 0) < 0) {
        printf("no answer within %d ms\n", a->timeout_ms);
        rc = 4;
        goto out;
    }
    if (a->api)
        s_print_reply(&m);
    else
        s_print_ack(&m);
    rc = 0;
out:
    zmq_msg_close(&m);
    zmq_close(zs);
    zmq_ctx_term(ctx);
    return rc;
}

int
main(int argc, char **argv)
{
    s_args_t a;
    tst_client_t c;
    char why[512];
    uint8_t *frame = NULL;
    size_t len = 0;
    if (s_parse(argc, argv, &a) != 0)
        return s_usage();
    if (tst_client_keys(&c, a.server, why, sizeof why) != 0) {
        fprintf(stderr, "kt_say: %s\n", why);
        return 2;
    }
    if (s_frame(&a, &c, &frame, &len) != 0) {
        fprintf(stderr, "kt_say: could not encode the envelope\n");
        return 2;
    }
    int rc = s_exchange(&a, &c, frame, len);
    free(frame);
    return rc;
}

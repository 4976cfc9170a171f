/* bench_e2e.c - the end-to-end benchmark's load generator: one process, one
 * CURVE DEALER socket to an intake's API, C requests in flight, N distinct
 * valid filings submitted at full speed or at a fixed rate; prints the acks
 * per second and the ack latency distribution. A benchmark tool, not a
 * test and not a service (tests/bench/README.md).
 *
 *   bench_e2e --endpoint=tcp://127.0.0.1:PORT --template=FILING.json
 *             [--server=intake@110100] [--count=N] [--inflight=C]
 *             [--rate=R] [--first=K] [--region=110100] [--timeout-ms=T]
 *
 * The keys are tst_client's (TST_REGISTRY, TST_KEY: an office's or a
 * unit's key, as mlpsctl uses for `submit`). Each filing is the template
 * with its own unit credit code (GB 32100-2015, its check character the
 * one dom_credit_code_valid accepts, a GB 11714 organisation code inside
 * numbered from K) and its own system name, so no two are alike. --rate=0
 * (the default) keeps C requests in flight; --rate=R sends request i at
 * start + i/R seconds (never more than C in flight), and each latency runs
 * from the moment the request was due, so a late send counts against it.
 * Prints one line:
 *   bench-gen: sent=N acked=A refused=F lost=L secs=S acks_per_s=X
 *              p50_ms=P p99_ms=Q max_ms=M
 * and exits 0 when every request was acked with a tracking id (no
 * duplicate, no problem), 1 otherwise. */
#include "cmn/envelope.h"
#include "cmn/pb.h"
#include "ctl/json.h"
#include "dom/codes.h"
#include "mlps/v1/api.pb-c.h"
#include "mlps/v1/envelope.pb-c.h"
#include "tst/client.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

typedef struct {
    const char *endpoint, *server, *template_path, *region;
    long count, inflight, first, timeout_ms;
    double rate;
} s_opts_t;

typedef struct {
    int64_t due_ns; /* when it was due (rate) or sent (full speed) */
    bool busy;
    char mid[37];
} s_slot_t;

static int64_t
s_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
s_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

/* GB 11714: eight digits of n and their check character. */
static void
s_org_code(long n, char out[10])
{
    static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    snprintf(out, 10, "%08ld", n % 100000000);
    for (int i = 0; i < 8; i++)
        sum += (out[i] - '0') * w[i];
    int c = 11 - sum % 11;
    out[8] = c == 10 ? 'X' : c == 11 ? '0' : (char) ('0' + c);
    out[9] = '\0';
}

/* A unified social credit code for organisation n in region: "11" (an
 * organ), the region, the organisation code, and the check character
 * dom_credit_code_valid accepts. 0, or -1 when none does. */
static int
s_credit_code(const char *region, long n, char out[19])
{
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    char org[10];
    s_org_code(n, org);
    snprintf(out, 19, "11%.6s%s", region, org);
    for (size_t i = 0; i < sizeof alphabet - 1; i++) {
        out[17] = alphabet[i];
        out[18] = '\0';
        if (dom_credit_code_valid(out))
            return 0;
    }
    return -1;
}

/* The envelope of filing i (the template with its own unit and system),
 * message id into mid; the caller frees *frame. 0 or a CMN_E* code. */
static int
s_frame(const s_opts_t *o, Mlps__V1__Filing *f, long i, const char *base_name,
        char mid[37], uint8_t **frame, size_t *flen)
{
    char code[19], name[256];
    uint8_t *payload = NULL;
    size_t plen = 0;
    int rc = CMN_EINVAL;
    if (s_credit_code(o->region, o->first + i, code) != 0)
        return rc;
    snprintf(name, sizeof name, "%s-%ld", base_name, o->first + i);
    f->unit->credit_code = code;
    f->unit->region_code = (char *) o->region;
    f->system->name = name;
    Mlps__V1__SubmitFilingRequest req = MLPS__V1__SUBMIT_FILING_REQUEST__INIT;
    req.filing = f;
    if ((rc = cmn_pb_pack(&req.base, &payload, &plen)) != 0)
        goto out;
    cmn_uuid4(mid);
    cmn_env_out_t e = {.message_id = mid,
                       .type = "mlps.v1.SubmitFilingRequest",
                       .source = "client",
                       .correlation_id = mid,
                       .created_at_us = cmn_now_us(),
                       .payload = payload,
                       .payload_len = plen};
    rc = cmn_env_encode(&e, frame, flen);
out:
    free(payload);
    return rc;
}

/* 1 when the reply is a SubmitFilingReply with a new tracking id, 0 when it
 * is anything else (reason printed once per kind), -1 undecodable; *corr
 * gets its correlation id. */
static int
s_reply_ok(const zmq_msg_t *m, char corr[37])
{
    Mlps__V1__Envelope *e = mlps__v1__envelope__unpack(
        NULL, zmq_msg_size(m), zmq_msg_data((zmq_msg_t *) m));
    int ok = -1;
    corr[0] = '\0';
    if (e == NULL)
        return ok;
    snprintf(corr, 37, "%s", e->correlation_id);
    ok = 0;
    if (strcmp(e->type, "mlps.v1.SubmitFilingReply") == 0) {
        Mlps__V1__SubmitFilingReply *r = mlps__v1__submit_filing_reply__unpack(
            NULL, e->payload.len, e->payload.data);
        if (r != NULL && r->problem == NULL && !r->duplicate &&
            r->tracking_id[0] != '\0')
            ok = 1;
        else if (r != NULL && r->problem != NULL)
            fprintf(stderr, "bench-gen: refused: %s: %s\n", r->problem->code,
                    r->problem->message);
        else if (r != NULL && r->duplicate)
            fprintf(stderr, "bench-gen: a duplicate: %s\n", r->tracking_id);
        mlps__v1__submit_filing_reply__free_unpacked(r, NULL);
    } else {
        fprintf(stderr, "bench-gen: a %s reply\n", e->type);
    }
    mlps__v1__envelope__free_unpacked(e, NULL);
    return ok;
}

static int
s_parse(int argc, char **argv, s_opts_t *o)
{
    *o = (s_opts_t){.server = "intake@110100",
                    .region = "110100",
                    .count = 3000,
                    .inflight = 32,
                    .first = 1,
                    .timeout_ms = 30000};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = strchr(a, '=');
        if (strncmp(a, "--", 2) != 0 || v == NULL) {
            fprintf(stderr, "bench-gen: \"%s\": options are --NAME=VALUE\n", a);
            return -1;
        }
        size_t n = (size_t) (v - a - 2);
        v++;
#define S_IS(name) (n == strlen(name) && strncmp(a + 2, name, n) == 0)
        if (S_IS("endpoint"))
            o->endpoint = v;
        else if (S_IS("server"))
            o->server = v;
        else if (S_IS("template"))
            o->template_path = v;
        else if (S_IS("region"))
            o->region = v;
        else if (S_IS("count"))
            o->count = strtol(v, NULL, 10);
        else if (S_IS("inflight"))
            o->inflight = strtol(v, NULL, 10);
        else if (S_IS("first"))
            o->first = strtol(v, NULL, 10);
        else if (S_IS("timeout-ms"))
            o->timeout_ms = strtol(v, NULL, 10);
        else if (S_IS("rate"))
            o->rate = strtod(v, NULL);
        else {
            fprintf(stderr, "bench-gen: unknown option \"%s\"\n", a);
            return -1;
        }
#undef S_IS
    }
    if (o->endpoint == NULL || o->template_path == NULL) {
        fprintf(stderr, "bench-gen: --endpoint and --template are required\n");
        return -1;
    }
    if (o->count < 1 || o->inflight < 1 || o->inflight > 4096 || o->rate < 0 ||
        o->timeout_ms < 1 || o->first < 0 || strlen(o->region) != 6) {
        fprintf(stderr, "bench-gen: --count, --inflight (1..4096), --rate, "
                        "--first, --timeout-ms or --region (6 digits) is "
                        "out of range\n");
        return -1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    s_opts_t o;
    tst_client_t keys;
    char why[512] = "", base_name[200];
    cmn_problem_t errs;
    json_t *json = NULL;
    Mlps__V1__Filing *f = NULL;
    void *ctx = NULL, *zs = NULL;
    s_slot_t *slots = NULL;
    int64_t *lat = NULL;
    long sent = 0, acked = 0, refused = 0, done = 0, inflight = 0;
    int rc = 1;
    char *keep_code = NULL, *keep_region = NULL, *keep_name = NULL;

    cmn_problem_init(&errs);
    if (s_parse(argc, argv, &o) != 0)
        return 2;
    if (tst_client_keys(&keys, o.server, why, sizeof why) != 0) {
        fprintf(stderr, "bench-gen: %s\n", why);
        return 2;
    }
    if (ctl_json_load_file(o.template_path, &json, &errs) != 0 ||
        ctl_filing_from_json(json, &f, &errs) != 0) {
        fprintf(stderr, "bench-gen: the template \"%s\" is not a filing\n",
                o.template_path);
        goto out;
    }
    /* s_frame points these at its own buffers; the originals go back
     * before ctl_filing_free. */
    keep_code = f->unit->credit_code;
    keep_region = f->unit->region_code;
    keep_name = f->system->name;
    snprintf(base_name, sizeof base_name, "%s", keep_name);
    slots = calloc((size_t) o.inflight, sizeof *slots);
    lat = calloc((size_t) o.count, sizeof *lat);
    ctx = zmq_ctx_new();
    zs = ctx ? zmq_socket(ctx, ZMQ_DEALER) : NULL;
    if (slots == NULL || lat == NULL || zs == NULL)
        goto out;
    int zero = 0, hwm = 0;
    if (zmq_setsockopt(zs, ZMQ_LINGER, &zero, sizeof zero) != 0 ||
        zmq_setsockopt(zs, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0 ||
        zmq_setsockopt(zs, ZMQ_RCVHWM, &hwm, sizeof hwm) != 0) {
        fprintf(stderr, "bench-gen: socket options: %s\n",
                zmq_strerror(zmq_errno()));
        goto out;
    }
    if (tst_client_socket(&keys, zs) != 0 || zmq_connect(zs, o.endpoint) != 0) {
        fprintf(stderr, "bench-gen: could not connect to %s\n", o.endpoint);
        goto out;
    }
    int64_t t0 = s_now_ns(), last_progress = t0;
    while (done < o.count) {
        int64_t now = s_now_ns();
        /* Send what is due while a slot is free. */
        while (sent < o.count && inflight < o.inflight) {
            int64_t due = o.rate > 0
                              ? t0 + (int64_t) ((double) sent * 1e9 / o.rate)
                              : now;
            if (due > now)
                break;
            long slot = 0;
            while (slots[slot].busy)
                slot++;
            uint8_t *frame = NULL;
            size_t flen = 0;
            if (s_frame(&o, f, sent, base_name, slots[slot].mid, &frame,
                        &flen) != 0) {
                fprintf(stderr, "bench-gen: could not make filing %ld\n", sent);
                goto out;
            }
            int s1 = zmq_send(zs, "", 0, ZMQ_SNDMORE);
            int s2 = s1 < 0 ? -1 : zmq_send(zs, frame, flen, 0);
            free(frame);
            if (s2 < 0) {
                fprintf(stderr, "bench-gen: send: %s\n",
                        zmq_strerror(zmq_errno()));
                goto out;
            }
            slots[slot].busy = true;
            slots[slot].due_ns = due;
            sent++;
            inflight++;
        }
        /* Wait for a reply, or until the next request is due. */
        long wait_ms = 100;
        if (o.rate > 0 && sent < o.count && inflight < o.inflight) {
            int64_t next = t0 + (int64_t) ((double) sent * 1e9 / o.rate);
            int64_t d = next - s_now_ns();
            wait_ms = d <= 0 ? 0 : (long) (d / 1000000);
        }
        zmq_pollitem_t pi = {zs, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&pi, 1, wait_ms) < 0)
            goto out;
        for (;;) {
            zmq_msg_t part;
            (void) zmq_msg_init(&part); /* always 0 (zmq_msg_init(3)) */
            if (zmq_msg_recv(&part, zs, ZMQ_DONTWAIT) < 0) {
                zmq_msg_close(&part);
                break;
            }
            if (zmq_msg_more(&part)) { /* the empty delimiter */
                zmq_msg_close(&part);
                continue;
            }
            int64_t at = s_now_ns();
            char corr[37];
            int ok = s_reply_ok(&part, corr);
            zmq_msg_close(&part);
            long slot = -1;
            for (long k = 0; k < o.inflight && slot < 0; k++)
                if (slots[k].busy && strcmp(slots[k].mid, corr) == 0)
                    slot = k;
            if (slot < 0) {
                fprintf(stderr, "bench-gen: a reply to no request (%s)\n",
                        corr);
                continue;
            }
            slots[slot].busy = false;
            inflight--;
            if (ok == 1)
                lat[acked++] = at - slots[slot].due_ns;
            else
                refused++;
            done++;
            last_progress = at;
        }
        if (s_now_ns() - last_progress > (int64_t) o.timeout_ms * 1000000) {
            fprintf(stderr, "bench-gen: no reply for %ld ms; %ld in flight\n",
                    o.timeout_ms, inflight);
            break;
        }
    }
    double secs = (double) (s_now_ns() - t0) / 1e9;
    qsort(lat, (size_t) acked, sizeof *lat, s_cmp_i64);
#define S_PCT(p) (acked ? (double) lat[(acked - 1) * (p) / 100] / 1e6 : 0.0)
    printf("bench-gen: sent=%ld acked=%ld refused=%ld lost=%ld secs=%.3f "
           "acks_per_s=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
           sent, acked, refused, sent - done, secs, (double) acked / secs,
           S_PCT(50), S_PCT(99), S_PCT(100));
#undef S_PCT
    rc = acked == o.count ? 0 : 1;
out:
    if (f != NULL) {
        f->unit->credit_code = keep_code;
        f->unit->region_code = keep_region;
        f->system->name = keep_name;
    }
    ctl_filing_free(&f);
    json_decref(json);
    if (zs != NULL)
        zmq_close(zs);
    if (ctx != NULL)
        zmq_ctx_term(ctx);
    free(slots);
    free(lat);
    memset(&keys, 0, sizeof keys);
    return rc;
}

/* envelope_test.c - unit tests for cmn_env_encode / cmn_env_decode: the
 * roundtrip, each rejection and its reason, and hostile bytes (random,
 * truncated, deeply nested) that must never crash the decoder. */
#include "cmn/envelope.h"
#include "cmn/pb.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define S_ID "123e4567-e89b-12d3-a456-426614174000"

static const cmn_msgtype_t s_types[] = {
    {"mlps.v1.Ack", &mlps__v1__ack__descriptor},
};
static const cmn_env_rules_t s_rules = {CMN_ENV_MAX_FRAME_DEFAULT, s_types, 1};

/* A decode's outputs, pre-filled with junk so a test sees what was set. */
typedef struct {
    cmn_env_msg_t *msg;
    int err;
    char msg_id[37];
    char why[256];
} s_res_t;

static void
s_decode(const cmn_env_rules_t *rules, const uint8_t *data, size_t size,
         s_res_t *r)
{
    memset(r->msg_id, 'X', sizeof r->msg_id - 1);
    r->msg_id[sizeof r->msg_id - 1] = '\0';
    r->why[0] = '\0';
    r->err = 12345;
    r->msg = cmn_env_decode(rules, data, size, &r->err, r->msg_id, r->why,
                            sizeof r->why);
}

static cmn_env_out_t
s_out(const uint8_t *payload, size_t len)
{
    cmn_env_out_t o = {
        .message_id = S_ID,
        .type = "mlps.v1.Ack",
        .source = "intake",
        .source_office = "office-01",
        .correlation_id = "filing-42",
        .case_version = 3,
        .created_at_us = 1700000000000000,
        .payload = payload,
        .payload_len = len,
    };
    return o;
}

/* Packs an Ack of two items; item 1 gets the given status. */
static void
s_ack(int status1, uint8_t **buf, size_t *len)
{
    Mlps__V1__Ack ack = MLPS__V1__ACK__INIT;
    Mlps__V1__Ack__Item it[2] = {MLPS__V1__ACK__ITEM__INIT,
                                 MLPS__V1__ACK__ITEM__INIT};
    Mlps__V1__Ack__Item *p[2] = {&it[0], &it[1]};
    it[0].message_id = S_ID;
    it[0].status = MLPS__V1__ACK__STATUS__APPLIED;
    it[1].message_id = "223e4567-e89b-12d3-a456-426614174000";
    it[1].status = (Mlps__V1__Ack__Status) status1;
    it[1].reason = "seen";
    ack.n_items = 2;
    ack.items = p;
    assert_int_equal(cmn_pb_pack(&ack.base, buf, len), 0);
}

static void
s_encode(const cmn_env_out_t *o, uint8_t **frame, size_t *len)
{
    assert_int_equal(cmn_env_encode(o, frame, len), 0);
    assert_non_null(*frame);
}

/* Encodes o and expects a CMN_EPROTO rejection whose reason has `field`.
 * Once the id is known good it is copied out, whatever fails later. */
static void
s_expect_reject(const cmn_env_out_t *o, const char *field, const char *msg_id)
{
    uint8_t *frame = NULL;
    size_t len = 0;
    s_res_t r;
    s_encode(o, &frame, &len);
    s_decode(&s_rules, frame, len, &r);
    assert_null(r.msg);
    assert_int_equal(r.err, CMN_EPROTO);
    if (strstr(r.why, field) == NULL)
        fail_msg("reason \"%s\" does not name \"%s\"", r.why, field);
    assert_string_equal(r.msg_id, msg_id);
    free(frame);
}

static void
t_roundtrip(void **state)
{
    (void) state;
    uint8_t *pl = NULL, *frame = NULL;
    size_t pllen = 0, len = 0;
    s_ack(MLPS__V1__ACK__STATUS__DUPLICATE, &pl, &pllen);
    cmn_env_out_t o = s_out(pl, pllen);
    s_encode(&o, &frame, &len);

    s_res_t r;
    s_decode(&s_rules, frame, len, &r);
    assert_non_null(r.msg);
    assert_int_equal(r.err, 0);
    assert_string_equal(r.msg_id, S_ID);
    const Mlps__V1__Envelope *e = r.msg->env;
    assert_string_equal(e->message_id, S_ID);
    assert_string_equal(e->type, "mlps.v1.Ack");
    assert_string_equal(e->source, "intake");
    assert_string_equal(e->source_office, "office-01");
    assert_string_equal(e->correlation_id, "filing-42");
    assert_int_equal(e->case_version, 3);
    assert_int_equal(e->created_at_us, 1700000000000000);
    assert_int_equal(e->payload.len, pllen);
    assert_memory_equal(e->payload.data, pl, pllen);
    assert_ptr_equal(r.msg->mt, &s_types[0]);
    assert_ptr_equal(r.msg->payload->descriptor, &mlps__v1__ack__descriptor);
    const Mlps__V1__Ack *ack = (const Mlps__V1__Ack *) r.msg->payload;
    assert_int_equal(ack->n_items, 2);
    assert_string_equal(ack->items[0]->message_id, S_ID);
    assert_int_equal(ack->items[0]->status, MLPS__V1__ACK__STATUS__APPLIED);
    assert_int_equal(ack->items[1]->status, MLPS__V1__ACK__STATUS__DUPLICATE);
    assert_string_equal(ack->items[1]->reason, "seen");

    cmn_env_msg_destroy(&r.msg);
    assert_null(r.msg);
    cmn_env_msg_destroy(&r.msg); /* NULL-safe */
    cmn_env_msg_destroy(NULL);

    /* msg_id is optional. */
    int err = 1;
    char why[64];
    cmn_env_msg_t *m =
        cmn_env_decode(&s_rules, frame, len, &err, NULL, why, sizeof why);
    assert_non_null(m);
    assert_int_equal(err, 0);
    cmn_env_msg_destroy(&m);
    free(frame);
    free(pl);
}

static void
t_source_office_optional(void **state)
{
    (void) state;
    cmn_env_out_t o = s_out(NULL, 0);
    o.source_office = NULL; /* encoded as "" */
    uint8_t *frame = NULL;
    size_t len = 0;
    s_encode(&o, &frame, &len);
    s_res_t r;
    s_decode(&s_rules, frame, len, &r);
    assert_non_null(r.msg);
    assert_string_equal(r.msg->env->source_office, "");
    assert_int_equal(((Mlps__V1__Ack *) r.msg->payload)->n_items, 0);
    cmn_env_msg_destroy(&r.msg);
    free(frame);
}

static void
t_oversize(void **state)
{
    (void) state;
    uint8_t *pl = NULL, *frame = NULL;
    size_t pllen = 0, len = 0;
    s_ack(1, &pl, &pllen);
    cmn_env_out_t o = s_out(pl, pllen);
    s_encode(&o, &frame, &len);

    cmn_env_rules_t rules = s_rules;
    rules.max_frame = len; /* exactly at the limit: accepted */
    s_res_t r;
    s_decode(&rules, frame, len, &r);
    assert_non_null(r.msg);
    cmn_env_msg_destroy(&r.msg);

    rules.max_frame = len - 1;
    s_decode(&rules, frame, len, &r);
    assert_null(r.msg);
    assert_int_equal(r.err, CMN_EMSGSIZE);
    assert_non_null(strstr(r.why, "limit"));
    assert_string_equal(r.msg_id, "");

    /* The default limit: the valid frame, padded past 1 MiB. */
    uint8_t *big = calloc(1, CMN_ENV_MAX_FRAME_DEFAULT + 1);
    assert_non_null(big);
    memcpy(big, frame, len);
    s_decode(&s_rules, big, CMN_ENV_MAX_FRAME_DEFAULT + 1, &r);
    assert_null(r.msg);
    assert_int_equal(r.err, CMN_EMSGSIZE);
    assert_non_null(strstr(r.why, "limit"));
    free(big);
    free(frame);
    free(pl);
}

static void
t_truncated(void **state)
{
    (void) state;
    uint8_t *pl = NULL, *frame = NULL;
    size_t pllen = 0, len = 0;
    s_ack(1, &pl, &pllen);
    cmn_env_out_t o = s_out(pl, pllen);
    o.source_office = ""; /* payload is then the last field on the wire */
    s_encode(&o, &frame, &len);
    assert_true(len > pllen + 2);

    s_res_t r;
    s_decode(&s_rules, frame, len - 1, &r);
    assert_null(r.msg);
    assert_int_equal(r.err, CMN_EPROTO);
    assert_non_null(strstr(r.why, "Envelope"));
    assert_string_equal(r.msg_id, "");

    /* Every prefix: never a crash, and a cut inside the payload field (its
     * tag, length or bytes) always fails. */
    for (size_t n = 0; n < len; n++) {
        uint8_t *copy = malloc(n ? n : 1); /* exact size, for ASan */
        assert_non_null(copy);
        memcpy(copy, frame, n);
        s_decode(&s_rules, copy, n, &r);
        if (n > len - pllen - 2)
            assert_null(r.msg);
        if (r.msg == NULL) {
            assert_int_not_equal(r.err, 0);
            assert_true(r.why[0] != '\0');
        }
        cmn_env_msg_destroy(&r.msg);
        free(copy);
    }
    free(frame);
    free(pl);
}

/* xorshift64*: fixed seed, so a failure reproduces. */
static uint64_t
s_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

static void
s_decode_any(const uint8_t *buf, size_t n, int *accepted)
{
    s_res_t r;
    s_decode(&s_rules, buf, n, &r);
    if (r.msg != NULL) {
        assert_int_equal(r.err, 0);
        assert_true(cmn_env_uuid_valid(r.msg->env->message_id));
        (*accepted)++;
    } else {
        assert_int_not_equal(r.err, 0);
        assert_true(r.why[0] != '\0');
    }
    cmn_env_msg_destroy(&r.msg);
}

static void
t_random_bytes(void **state)
{
    (void) state;
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    uint8_t buf[600];
    int accepted = 0;
    for (int i = 0; i < 20000; i++) {
        size_t n = (size_t) (s_rand(&seed) % sizeof buf);
        for (size_t k = 0; k < n; k++)
            buf[k] = (uint8_t) s_rand(&seed);
        s_decode_any(buf, n, &accepted);
    }
    assert_int_equal(accepted, 0); /* no random bytes hold a valid UUID */

    /* Mutations of a valid frame reach deeper into the decoder. */
    uint8_t *pl = NULL, *frame = NULL;
    size_t pllen = 0, len = 0;
    s_ack(1, &pl, &pllen);
    cmn_env_out_t o = s_out(pl, pllen);
    s_encode(&o, &frame, &len);
    assert_true(len <= sizeof buf);
    for (int i = 0; i < 20000; i++) {
        memcpy(buf, frame, len);
        int flips = 1 + (int) (s_rand(&seed) % 4);
        for (int k = 0; k < flips; k++)
            buf[s_rand(&seed) % len] = (uint8_t) s_rand(&seed);
        s_decode_any(buf, len, &accepted);
    }
    assert_true(accepted > 0); /* some flips land in harmless places */
    free(frame);
    free(pl);
}

static void
t_bad_message_id(void **state)
{
    (void) state;
    const char *bad[] = {
        "not-a-uuid",
        "",
        "123E4567-E89B-12D3-A456-426614174000", /* upper case */
        "123e4567-e89b-12d3-a456-4266141740000",
        "123e4567e89b-12d3-a456-4266141740000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cmn_env_out_t o = s_out(NULL, 0);
        o.message_id = bad[i];
        s_expect_reject(&o, "\"message_id\"", "");
    }
}

static void
t_type_not_allowed(void **state)
{
    (void) state;
    cmn_env_out_t o = s_out(NULL, 0);
    o.type = "mlps.v1.Other";
    /* The id is still copied out, so the sender can be told. */
    s_expect_reject(&o, "\"type\"", S_ID);

    o.type = "mlps.v1.Ack;drop";
    s_expect_reject(&o, "\"type\"", S_ID);
    o.type = "";
    s_expect_reject(&o, "\"type\"", S_ID);
}

static void
t_bad_source(void **state)
{
    (void) state;
    cmn_env_out_t o = s_out(NULL, 0);
    o.source = "";
    s_expect_reject(&o, "\"source\"", S_ID);
    o = s_out(NULL, 0);
    o.source_office = "office 01";
    s_expect_reject(&o, "\"source_office\"", S_ID);
}

static void
t_invalid_payload(void **state)
{
    (void) state;
    static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff};
    cmn_env_out_t o = s_out(junk, sizeof junk);
    s_expect_reject(&o, "\"payload\"", S_ID);

    /* items (field 1) claims more bytes than there are. */
    static const uint8_t shortlen[] = {0x0a, 0x10, 0x0a, 0x01};
    o = s_out(shortlen, sizeof shortlen);
    s_expect_reject(&o, "\"payload\"", S_ID);
}

static void
t_payload_bad_enum(void **state)
{
    (void) state;
    uint8_t *pl = NULL;
    size_t pllen = 0;
    s_ack(99, &pl, &pllen);
    cmn_env_out_t o = s_out(pl, pllen);
    s_expect_reject(&o, "items[1].status", S_ID);
    free(pl);
}

static void
t_payload_bad_utf8(void **state)
{
    (void) state;
    /* Ack{items: [Item{reason: "\xc0\xaf"}]} by hand. */
    static const uint8_t pl[] = {0x0a, 0x04, 0x1a, 0x02, 0xc0, 0xaf};
    cmn_env_out_t o = s_out(pl, sizeof pl);
    s_expect_reject(&o, "items[0].reason", S_ID);
}

static void
t_bad_correlation_id(void **state)
{
    (void) state;
    cmn_env_out_t o = s_out(NULL, 0);
    o.correlation_id = "";
    s_expect_reject(&o, "\"correlation_id\"", S_ID);
    char longid[130];
    memset(longid, 'c', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    o.correlation_id = longid;
    s_expect_reject(&o, "\"correlation_id\"", S_ID);
    o.correlation_id = "\xed\xa0\x80";
    s_expect_reject(&o, "\"correlation_id\"", S_ID);
}

static void
t_bad_created_at(void **state)
{
    (void) state;
    cmn_env_out_t o = s_out(NULL, 0);
    o.created_at_us = 0;
    s_expect_reject(&o, "\"created_at_us\"", S_ID);
    o.created_at_us = -5;
    s_expect_reject(&o, "\"created_at_us\"", S_ID);
    o.created_at_us = INT64_MIN;
    s_expect_reject(&o, "\"created_at_us\"", S_ID);
}

/* Wraps `levels` times: buf = tag(field, LEN) varint(len) buf. Returns the
 * start inside out[0..cap), built back to front. */
static size_t
s_nest(uint8_t *out, size_t cap, uint32_t field, int levels, size_t *start)
{
    size_t at = cap, inner = 0;
    for (int i = 0; i < levels; i++) {
        uint8_t v[10];
        size_t vn = 0;
        size_t x = inner;
        do {
            v[vn++] = (uint8_t) ((x & 0x7f) | (x > 0x7f ? 0x80 : 0));
            x >>= 7;
        } while (x != 0);
        assert_true(at >= vn + 1);
        at -= vn;
        memcpy(out + at, v, vn);
        out[--at] = (uint8_t) ((field << 3) | 2);
        inner = cap - at;
    }
    *start = at;
    return inner;
}

typedef struct {
    const uint8_t *data;
    size_t len;
    int done;
    int decoded;
} s_job_t;

static void *
s_decode_job(void *arg)
{
    s_job_t *j = arg;
    s_res_t r;
    s_decode(&s_rules, j->data, j->len, &r);
    j->decoded = r.msg != NULL;
    if (r.msg == NULL && (r.err == 0 || r.why[0] == '\0'))
        j->decoded = -1;
    cmn_env_msg_destroy(&r.msg);
    j->done = 1;
    return NULL;
}

/* Decodes on a thread with a small stack: unbounded recursion over 20,000
 * levels would overflow it and crash the test. */
static int
s_decode_small_stack(const uint8_t *data, size_t len)
{
    s_job_t j = {data, len, 0, 0};
    pthread_attr_t attr;
    pthread_t th;
    assert_int_equal(pthread_attr_init(&attr), 0);
    assert_int_equal(pthread_attr_setstacksize(&attr, 512 * 1024), 0);
    assert_int_equal(pthread_create(&th, &attr, s_decode_job, &j), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    pthread_attr_destroy(&attr);
    assert_int_equal(j.done, 1);
    assert_int_not_equal(j.decoded, -1);
    return j.decoded;
}

static void
t_deeply_nested(void **state)
{
    (void) state;
    enum { CAP = 80 * 1024 };
    uint8_t *buf = malloc(CAP);
    assert_non_null(buf);
    size_t start = 0, n = 0;
    int levels = 0;
    /* Grow until the blob is about 74 KB. */
    for (levels = 1000;; levels += 1000) {
        n = s_nest(buf, CAP, 7, levels, &start);
        if (n >= 74 * 1024)
            break;
    }
    assert_true(levels >= 18000);

    /* 1. The whole frame: field 7 (payload) nested in itself. */
    assert_int_equal(s_decode_small_stack(buf + start, n), 0);

    /* 2. A valid envelope whose payload is that nest (unknown field 7 of
     * Ack, holding field 7 ...). */
    cmn_env_out_t o = s_out(buf + start, n);
    uint8_t *frame = NULL;
    size_t flen = 0;
    s_encode(&o, &frame, &flen);
    (void) s_decode_small_stack(frame, flen);
    free(frame);

    /* 3. The payload nests field 1 (items, a message) in itself. */
    n = s_nest(buf, CAP, 1, levels, &start);
    o = s_out(buf + start, n);
    s_encode(&o, &frame, &flen);
    assert_int_equal(s_decode_small_stack(frame, flen), 0);
    s_res_t r;
    s_decode(&s_rules, frame, flen, &r);
    assert_null(r.msg);
    assert_non_null(strstr(r.why, "payload"));
    assert_string_equal(r.msg_id, S_ID);
    free(frame);
    free(buf);
}

static void
t_uuid_valid(void **state)
{
    (void) state;
    assert_true(cmn_env_uuid_valid(S_ID));
    assert_true(cmn_env_uuid_valid("00000000-0000-0000-0000-000000000000"));
    assert_true(cmn_env_uuid_valid("ffffffff-ffff-ffff-ffff-ffffffffffff"));
    assert_false(cmn_env_uuid_valid(NULL));
    assert_false(cmn_env_uuid_valid(""));
    assert_false(cmn_env_uuid_valid("123E4567-e89b-12d3-a456-426614174000"));
    assert_false(cmn_env_uuid_valid("123e4567-e89b-12d3-a456-42661417400"));
    assert_false(cmn_env_uuid_valid("123e4567-e89b-12d3-a456-4266141740000"));
    assert_false(cmn_env_uuid_valid("123e4567-e89b-12d3-a456-42661417400g"));
    assert_false(cmn_env_uuid_valid("123e45670e89b-12d3-a456-426614174000"));
    assert_false(cmn_env_uuid_valid("123e4567-e89b-12d3-a456_426614174000"));
    assert_false(cmn_env_uuid_valid("{23e4567-e89b-12d3-a456-426614174000"));
    assert_false(cmn_env_uuid_valid("123e4567-e89b-12d3-a4560426614174000-"));
}

static void
t_find_type(void **state)
{
    (void) state;
    assert_ptr_equal(cmn_env_find_type(&s_rules, "mlps.v1.Ack"), &s_types[0]);
    assert_null(cmn_env_find_type(&s_rules, "mlps.v1.Ac"));
    assert_null(cmn_env_find_type(&s_rules, "mlps.v1.Ack.Item"));
    cmn_env_rules_t none = {CMN_ENV_MAX_FRAME_DEFAULT, NULL, 0};
    assert_null(cmn_env_find_type(&none, "mlps.v1.Ack"));
}

/* Replaces the first occurrence of what in buf[0..len) by with (same
 * length): a way to put bytes the encoder cannot write. */
static void
s_patch(uint8_t *buf, size_t len, const char *what, const char *with, size_t n)
{
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(buf + i, what, n) == 0) {
            memcpy(buf + i, with, n);
            return;
        }
    }
    fail_msg("\"%s\" is not in the frame", what);
}

/* "mlps.v1.Ack\0x" would read as "mlps.v1.Ack" once protobuf-c cut it at
 * the NUL: refused at the wire, naming the field. */
static void
t_nul_in_type(void **state)
{
    (void) state;
    uint8_t *payload = NULL, *frame = NULL;
    size_t plen = 0, len = 0;
    s_ack(MLPS__V1__ACK__STATUS__DUPLICATE, &payload, &plen);
    cmn_env_out_t o = s_out(payload, plen);
    o.type = "mlps.v1.AckZx";
    s_encode(&o, &frame, &len);
    s_patch(frame, len, "AckZx", "Ack\0x", 5);
    s_res_t r;
    s_decode(&s_rules, frame, len, &r);
    assert_null(r.msg);
    assert_int_equal(r.err, CMN_EPROTO);
    assert_non_null(strstr(r.why, "\"type\": contains a NUL byte"));
    free(frame);
    free(payload);
}

/* A NUL inside a string of the payload, nested in a repeated message. */
static void
t_nul_in_payload_string(void **state)
{
    (void) state;
    uint8_t *payload = NULL, *frame = NULL;
    size_t plen = 0, len = 0;
    s_ack(MLPS__V1__ACK__STATUS__DUPLICATE, &payload, &plen);
    s_patch(payload, plen, "seen", "se\0n", 4);
    cmn_env_out_t o = s_out(payload, plen);
    s_encode(&o, &frame, &len);
    s_res_t r;
    s_decode(&s_rules, frame, len, &r);
    assert_null(r.msg);
    assert_non_null(strstr(r.why, "\"payload\""));
    assert_non_null(strstr(r.why, "\"items.reason\": contains a NUL byte"));
    assert_string_equal(r.msg_id, S_ID); /* the sender can be told */
    free(frame);
    free(payload);
}

static void
t_wire_check_bounds(void **state)
{
    (void) state;
    char why[200];
    /* field 1 (items), length 5, but only 2 bytes follow */
    const uint8_t cut[] = {0x0a, 0x05, 0x0a, 0x01};
    assert_int_equal(cmn_pb_wire_check(&mlps__v1__ack__descriptor, cut,
                                       sizeof cut, 8, why, sizeof why),
                     CMN_EPROTO);
    assert_non_null(strstr(why, "a length past the end"));
    /* a group (wire type 3) */
    const uint8_t group[] = {0x0b};
    assert_int_equal(cmn_pb_wire_check(&mlps__v1__ack__descriptor, group,
                                       sizeof group, 8, why, sizeof why),
                     CMN_EPROTO);
    /* nesting beyond the limit: an Ack's items are depth 2 */
    uint8_t *payload = NULL;
    size_t plen = 0;
    s_ack(MLPS__V1__ACK__STATUS__DUPLICATE, &payload, &plen);
    assert_int_equal(cmn_pb_wire_check(&mlps__v1__ack__descriptor, payload,
                                       plen, 2, why, sizeof why),
                     0);
    assert_int_equal(cmn_pb_wire_check(&mlps__v1__ack__descriptor, payload,
                                       plen, 1, why, sizeof why),
                     CMN_EPROTO);
    assert_non_null(strstr(why, "nested too deeply"));
    free(payload);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_roundtrip),
        cmocka_unit_test(t_source_office_optional),
        cmocka_unit_test(t_oversize),
        cmocka_unit_test(t_truncated),
        cmocka_unit_test(t_random_bytes),
        cmocka_unit_test(t_bad_message_id),
        cmocka_unit_test(t_type_not_allowed),
        cmocka_unit_test(t_bad_source),
        cmocka_unit_test(t_invalid_payload),
        cmocka_unit_test(t_payload_bad_enum),
        cmocka_unit_test(t_payload_bad_utf8),
        cmocka_unit_test(t_bad_correlation_id),
        cmocka_unit_test(t_bad_created_at),
        cmocka_unit_test(t_deeply_nested),
        cmocka_unit_test(t_uuid_valid),
        cmocka_unit_test(t_find_type),
        cmocka_unit_test(t_nul_in_type),
        cmocka_unit_test(t_nul_in_payload_string),
        cmocka_unit_test(t_wire_check_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

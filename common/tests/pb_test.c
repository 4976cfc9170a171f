/* pb_test.c - unit tests for the protobuf-c helpers: UTF-8 validation, the
 * budgeted allocator and the post-decode checker. */
#include "cmn/pb.h"
#include "mlps/v1/envelope.pb-c.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Length-aware: the strings below may hold bytes of any value. */
#define VALID(lit)   assert_true(cmn_utf8_valid(lit, sizeof(lit) - 1))
#define INVALID(lit) assert_false(cmn_utf8_valid(lit, sizeof(lit) - 1))

static void
t_utf8_ascii(void **state)
{
    (void) state;
    VALID("");
    VALID("hello, world");
    VALID("\x01\x7f");
    assert_true(cmn_utf8_valid(NULL, 0));
}

static void
t_utf8_multibyte(void **state)
{
    (void) state;
    VALID("\xc2\x80");                 /* U+0080, smallest 2-byte */
    VALID("caf\xc3\xa9");              /* U+00E9 */
    VALID("\xdf\xbf");                 /* U+07FF */
    VALID("\xe0\xa0\x80");             /* U+0800, smallest 3-byte */
    VALID("\xe2\x82\xac");             /* U+20AC euro */
    VALID("\xe7\xad\x89\xe4\xbf\x9d"); /* dengbao */
    VALID("\xed\x9f\xbf");             /* U+D7FF, just below surrogates */
    VALID("\xee\x80\x80");             /* U+E000, just above */
    VALID("\xef\xbf\xbf");             /* U+FFFF */
    VALID("\xf0\x90\x80\x80");         /* U+10000, smallest 4-byte */
    VALID("\xf0\x9f\x98\x80");         /* U+1F600 */
    VALID("\xf4\x8f\xbf\xbf");         /* U+10FFFF, the last one */
    VALID("a\xc3\xa9"
          "b\xe2\x82\xac"
          "c\xf0\x9f\x98\x80"
          "d");
}

static void
t_utf8_overlong(void **state)
{
    (void) state;
    INVALID("\xc0\xaf");             /* '/' in 2 bytes */
    INVALID("\xc0\x80");             /* NUL in 2 bytes */
    INVALID("\xc1\xbf");             /* U+007F in 2 bytes */
    INVALID("\xe0\x80\xaf");         /* '/' in 3 bytes */
    INVALID("\xe0\x9f\xbf");         /* U+07FF in 3 bytes */
    INVALID("\xf0\x80\x80\xaf");     /* '/' in 4 bytes */
    INVALID("\xf0\x8f\xbf\xbf");     /* U+FFFF in 4 bytes */
    INVALID("\xf8\x88\x80\x80\x80"); /* 5-byte form */
    INVALID("\xfc\x84\x80\x80\x80\x80");
}

static void
t_utf8_surrogates(void **state)
{
    (void) state;
    INVALID("\xed\xa0\x80");             /* U+D800 */
    INVALID("\xed\xaf\xbf");             /* U+DBFF */
    INVALID("\xed\xb0\x80");             /* U+DC00 */
    INVALID("\xed\xbf\xbf");             /* U+DFFF */
    INVALID("\xed\xa0\xbd\xed\xb8\x80"); /* CESU-8 pair */
}

static void
t_utf8_truncated(void **state)
{
    (void) state;
    INVALID("\xc3");
    INVALID("\xe2\x82");
    INVALID("\xe2");
    INVALID("\xf0\x9f\x98");
    INVALID("\xf0\x9f");
    INVALID("abc\xf0");
    /* The length is obeyed, not the NUL. */
    assert_false(cmn_utf8_valid("\xc3\xa9", 1));
    assert_false(cmn_utf8_valid("\xf0\x9f\x98\x80", 3));
    assert_true(cmn_utf8_valid("\xf0\x9f\x98\x80", 4));
    /* A non-continuation byte where one is due. */
    INVALID("\xc3\x28");
    INVALID("\xe2\x28\xa1");
    INVALID("\xf0\x9f\x28\x80");
    INVALID("\xc3\xc3\xa9");
}

static void
t_utf8_stray_and_too_big(void **state)
{
    (void) state;
    INVALID("\x80");
    INVALID("a\xbf");
    INVALID("\xfe");
    INVALID("\xff");
    INVALID("\xf4\x90\x80\x80"); /* U+110000 */
    INVALID("\xf5\x80\x80\x80");
    INVALID("\xf7\xbf\xbf\xbf"); /* U+1FFFFF */
}

/* An Ack with n items; status and reason of item 0 set by the caller. */
typedef struct {
    Mlps__V1__Ack ack;
    Mlps__V1__Ack__Item items[4];
    Mlps__V1__Ack__Item *ptrs[4];
} s_ack_t;

static void
s_ack_init(s_ack_t *a, size_t n)
{
    mlps__v1__ack__init(&a->ack);
    for (size_t i = 0; i < 4; i++) {
        mlps__v1__ack__item__init(&a->items[i]);
        a->items[i].message_id = "123e4567-e89b-12d3-a456-426614174000";
        a->items[i].status = MLPS__V1__ACK__STATUS__APPLIED;
        a->items[i].reason = "ok";
        a->ptrs[i] = &a->items[i];
    }
    a->ack.n_items = n;
    a->ack.items = a->ptrs;
}

static void
t_budget_refuses(void **state)
{
    (void) state;
    cmn_pb_budget_t b;
    cmn_pb_budget_init(&b, 100);
    void *p = b.alloc.alloc(b.alloc.allocator_data, 60);
    assert_non_null(p);
    assert_int_equal(b.used, 60);
    assert_false(b.exhausted);
    memset(p, 0xab, 60);
    assert_null(b.alloc.alloc(b.alloc.allocator_data, 41)); /* 101 > 100 */
    assert_true(b.exhausted);
    assert_int_equal(b.used, 60);
    void *q = b.alloc.alloc(b.alloc.allocator_data, 40); /* exactly 100 */
    assert_non_null(q);
    assert_int_equal(b.used, 100);
    assert_null(b.alloc.alloc(b.alloc.allocator_data, SIZE_MAX));
    b.alloc.free(b.alloc.allocator_data, q);
    b.alloc.free(b.alloc.allocator_data, p);
    b.alloc.free(b.alloc.allocator_data, NULL);
    assert_int_equal(b.used, 0);
}

static void
t_budget_decode(void **state)
{
    (void) state;
    static char reason[2000];
    memset(reason, 'r', sizeof reason - 1);
    s_ack_t a;
    s_ack_init(&a, 4);
    for (size_t i = 0; i < 4; i++)
        a.items[i].reason = reason;
    uint8_t *buf = NULL;
    size_t len = 0;
    assert_int_equal(cmn_pb_pack(&a.ack.base, &buf, &len), 0);
    assert_true(len > 4 * sizeof reason);

    /* Too small a budget: the decode fails and says why. */
    cmn_pb_budget_t b;
    cmn_pb_budget_init(&b, len / 2);
    Mlps__V1__Ack *got = mlps__v1__ack__unpack(&b.alloc, len, buf);
    assert_null(got);
    assert_true(b.exhausted);
    assert_int_equal(b.used, 0); /* partial results were freed */

    /* Enough budget: it decodes, and everything comes back on free. */
    cmn_pb_budget_init(&b, 4 * len + 4096);
    got = mlps__v1__ack__unpack(&b.alloc, len, buf);
    assert_non_null(got);
    assert_false(b.exhausted);
    assert_true(b.used >= 4 * sizeof reason);
    assert_int_equal(got->n_items, 4);
    assert_string_equal(got->items[3]->reason, reason);
    mlps__v1__ack__free_unpacked(got, &b.alloc);
    assert_int_equal(b.used, 0);
    free(buf);
}

static void
t_check_valid(void **state)
{
    (void) state;
    s_ack_t a;
    s_ack_init(&a, 3);
    a.items[1].reason = "caf\xc3\xa9 \xe7\xad\x89\xe4\xbf\x9d";
    char why[128] = "untouched";
    assert_int_equal(cmn_pb_check(&a.ack.base, 8, why, sizeof why), 0);

    s_ack_init(&a, 0); /* empty message */
    assert_int_equal(cmn_pb_check(&a.ack.base, 8, why, sizeof why), 0);
}

static void
t_check_bad_enum(void **state)
{
    (void) state;
    s_ack_t a;
    s_ack_init(&a, 2);
    a.items[0].status = (Mlps__V1__Ack__Status) 42;
    char why[128] = "";
    assert_int_equal(cmn_pb_check(&a.ack.base, 8, why, sizeof why), CMN_EPROTO);
    assert_non_null(strstr(why, "\"items[0].status\""));
    assert_non_null(strstr(why, "42"));

    /* The index in the path is the bad element's. */
    s_ack_init(&a, 3);
    a.items[2].status = (Mlps__V1__Ack__Status) -1;
    assert_int_equal(cmn_pb_check(&a.ack.base, 8, why, sizeof why), CMN_EPROTO);
    assert_non_null(strstr(why, "\"items[2].status\""));
}

/* protobuf-c keeps an undeclared enum number it decodes; check catches it. */
static void
t_check_bad_enum_decoded(void **state)
{
    (void) state;
    s_ack_t a;
    s_ack_init(&a, 2);
    a.items[1].status = (Mlps__V1__Ack__Status) 7;
    uint8_t *buf = NULL;
    size_t len = 0;
    assert_int_equal(cmn_pb_pack(&a.ack.base, &buf, &len), 0);
    Mlps__V1__Ack *got = mlps__v1__ack__unpack(NULL, len, buf);
    assert_non_null(got);
    assert_int_equal(got->items[1]->status, 7);
    char why[128] = "";
    assert_int_equal(cmn_pb_check(&got->base, 8, why, sizeof why), CMN_EPROTO);
    assert_non_null(strstr(why, "\"items[1].status\""));
    mlps__v1__ack__free_unpacked(got, NULL);
    free(buf);
}

static void
t_check_bad_utf8(void **state)
{
    (void) state;
    s_ack_t a;
    s_ack_init(&a, 2);
    a.items[1].reason = "bad \xed\xa0\x80 surrogate";
    char why[128] = "";
    assert_int_equal(cmn_pb_check(&a.ack.base, 8, why, sizeof why), CMN_EPROTO);
    assert_non_null(strstr(why, "\"items[1].reason\""));
    assert_non_null(strstr(why, "UTF-8"));

    s_ack_init(&a, 1);
    a.items[0].message_id = "\xff";
    assert_int_equal(cmn_pb_check(&a.ack.base, 8, why, sizeof why), CMN_EPROTO);
    assert_non_null(strstr(why, "\"items[0].message_id\""));
}

static void
t_check_depth(void **state)
{
    (void) state;
    s_ack_t a;
    s_ack_init(&a, 1);
    char why[128] = "";
    /* Ack is depth 0, its items depth 1. */
    assert_int_equal(cmn_pb_check(&a.ack.base, 1, why, sizeof why), 0);
    assert_int_equal(cmn_pb_check(&a.ack.base, 0, why, sizeof why), CMN_EPROTO);
    assert_non_null(strstr(why, "items[0]"));
    assert_non_null(strstr(why, "deep"));
}

static void
t_pack_roundtrip(void **state)
{
    (void) state;
    s_ack_t a;
    s_ack_init(&a, 2);
    a.items[1].status = MLPS__V1__ACK__STATUS__RETRY;
    uint8_t *buf = NULL;
    size_t len = 0;
    assert_int_equal(cmn_pb_pack(&a.ack.base, &buf, &len), 0);
    assert_int_equal(len, mlps__v1__ack__get_packed_size(&a.ack));
    Mlps__V1__Ack *got = mlps__v1__ack__unpack(NULL, len, buf);
    assert_non_null(got);
    assert_int_equal(got->n_items, 2);
    assert_int_equal(got->items[1]->status, MLPS__V1__ACK__STATUS__RETRY);
    mlps__v1__ack__free_unpacked(got, NULL);
    free(buf);

    /* An empty message packs to zero bytes, still a buffer to free. */
    s_ack_init(&a, 0);
    assert_int_equal(cmn_pb_pack(&a.ack.base, &buf, &len), 0);
    assert_int_equal(len, 0);
    assert_non_null(buf);
    free(buf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_utf8_ascii),
        cmocka_unit_test(t_utf8_multibyte),
        cmocka_unit_test(t_utf8_overlong),
        cmocka_unit_test(t_utf8_surrogates),
        cmocka_unit_test(t_utf8_truncated),
        cmocka_unit_test(t_utf8_stray_and_too_big),
        cmocka_unit_test(t_budget_refuses),
        cmocka_unit_test(t_budget_decode),
        cmocka_unit_test(t_check_valid),
        cmocka_unit_test(t_check_bad_enum),
        cmocka_unit_test(t_check_bad_enum_decoded),
        cmocka_unit_test(t_check_bad_utf8),
        cmocka_unit_test(t_check_depth),
        cmocka_unit_test(t_pack_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

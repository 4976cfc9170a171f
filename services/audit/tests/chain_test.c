/* chain_test.c - the chain's canonical encoding, its hash and the checks on
 * incoming events (no database). The known vectors were computed outside C
 * (Python hashlib and struct) from the encoding in README.md. */
#include "aud/chain.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define S_VECTOR_1 \
    "d8bbe620514334e86b9b1fee397ba515781cafd1f1873aeb095aa3dc6c9f7fba"
#define S_VECTOR_2 \
    "b189f55385abb0f487ebbde2f17eab770bbef20ebcf9ada709bc2ffdcdd6e18d"

static aud_record_t
s_record(void)
{
    aud_record_t r = {
        .seq = 1,
        .event_id = "00000000-0000-4000-8000-000000000001",
        .service = "intake",
        .actor = "110108",
        .action = "filing.accepted",
        .case_id = "T-2026-0001",
        .outcome = "A",
        .office = "110108",
        .at_us = 1795000000000000,
        .recorded_at_us = 1795000000123456,
        .prev_hash = AUD_ZERO_HASH,
    };
    return r;
}

static void
s_hash(const aud_record_t *r, char out[AUD_HASH_HEX_LEN + 1])
{
    assert_int_equal(aud_chain_hash(r, out), 0);
    assert_int_equal(strlen(out), AUD_HASH_HEX_LEN);
}

static void
s_known_vectors(void **state)
{
    (void) state;
    char h1[AUD_HASH_HEX_LEN + 1], h2[AUD_HASH_HEX_LEN + 1];
    aud_record_t r = s_record();
    assert_int_equal(aud_chain_encode(&r, NULL, 0), 224);
    s_hash(&r, h1);
    assert_string_equal(h1, S_VECTOR_1);
    r.seq = 2;
    r.prev_hash = h1;
    r.event_id = "00000000-0000-4000-8000-000000000002";
    r.action = "filing.incomplete";
    r.outcome = "B";
    assert_int_equal(aud_chain_encode(&r, NULL, 0), 226);
    s_hash(&r, h2);
    assert_string_equal(h2, S_VECTOR_2);
    assert_int_equal(strlen(AUD_ZERO_HASH), AUD_HASH_HEX_LEN);
}

static void
s_encoding_layout(void **state)
{
    (void) state;
    uint8_t buf[300];
    aud_record_t r = s_record();
    size_t n = aud_chain_encode(&r, buf, sizeof buf);
    assert_int_equal(n, 224);
    /* S(tag): 4-byte big-endian length, then the bytes. */
    static const uint8_t tag[] = {0, 0, 0, 19, 'm', 'l', 'p', 's'};
    assert_memory_equal(buf, tag, sizeof tag);
    /* S(prev_hash) follows: length 64. */
    static const uint8_t prev[] = {0, 0, 0, 64, '0'};
    assert_memory_equal(buf + 23, prev, sizeof prev);
    /* U64(seq) = 1 right after the 64 hex digits. */
    static const uint8_t seq[] = {0, 0, 0, 0, 0, 0, 0, 1};
    assert_memory_equal(buf + 23 + 4 + 64, seq, sizeof seq);
    /* I64(recorded_at_us) is last. */
    static const uint8_t rec[] = {0x00, 0x06, 0x60, 0x8b,
                                  0x01, 0x61, 0x12, 0x40};
    assert_memory_equal(buf + n - 8, rec, sizeof rec);
}

static void
s_encode_small_buffer(void **state)
{
    (void) state;
    uint8_t buf[16 + 4];
    memset(buf, 0xa5, sizeof buf);
    aud_record_t r = s_record();
    assert_int_equal(aud_chain_encode(&r, buf, 16), 224);
    for (size_t i = 16; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0xa5); /* nothing past cap */
}

/* The case from the brief: ("ab", "c") and ("a", "bc") in two adjacent
 * fields must not hash alike (plain concatenation would make them equal). */
static void
s_ab_c_vs_a_bc(void **state)
{
    (void) state;
    char h1[AUD_HASH_HEX_LEN + 1], h2[AUD_HASH_HEX_LEN + 1];
    aud_record_t a = s_record(), b = s_record();
    a.actor = "ab";
    a.action = "c";
    b.actor = "a";
    b.action = "bc";
    s_hash(&a, h1);
    s_hash(&b, h2);
    assert_string_not_equal(h1, h2);
}

/* Every pair of adjacent string fields, with several ways to move the
 * boundary between them: encodings and hashes must differ. */
static void
s_field_boundaries(void **state)
{
    (void) state;
    char h1[AUD_HASH_HEX_LEN + 1], h2[AUD_HASH_HEX_LEN + 1];
    uint8_t e1[300], e2[300];
    static const size_t fields[] = {
        offsetof(aud_record_t, event_id), offsetof(aud_record_t, service),
        offsetof(aud_record_t, actor),    offsetof(aud_record_t, action),
        offsetof(aud_record_t, case_id),  offsetof(aud_record_t, outcome),
        offsetof(aud_record_t, office),
    };
    static const char *const splits[][4] = {
        {"ab", "c", "a", "bc"}, {"", "abc", "abc", ""}, {"a", "", "", "a"}};
    for (size_t f = 0; f + 1 < sizeof fields / sizeof fields[0]; f++) {
        for (size_t s = 0; s < sizeof splits / sizeof splits[0]; s++) {
            aud_record_t a = s_record(), b = s_record();
            *(const char **) ((char *) &a + fields[f]) = splits[s][0];
            *(const char **) ((char *) &a + fields[f + 1]) = splits[s][1];
            *(const char **) ((char *) &b + fields[f]) = splits[s][2];
            *(const char **) ((char *) &b + fields[f + 1]) = splits[s][3];
            size_t n1 = aud_chain_encode(&a, e1, sizeof e1);
            size_t n2 = aud_chain_encode(&b, e2, sizeof e2);
            assert_true(n1 != n2 || memcmp(e1, e2, n1) != 0);
            s_hash(&a, h1);
            s_hash(&b, h2);
            assert_string_not_equal(h1, h2);
        }
    }
}

static void
s_every_field_counts(void **state)
{
    (void) state;
    char base[AUD_HASH_HEX_LEN + 1], h[AUD_HASH_HEX_LEN + 1];
    aud_record_t r = s_record();
    s_hash(&r, base);
    for (int i = 0; i < 11; i++) {
        r = s_record();
        switch (i) {
        case 0:
            r.seq = 2;
            break;
        case 1:
            r.event_id = "00000000-0000-4000-8000-000000000009";
            break;
        case 2:
            r.service = "review";
            break;
        case 3:
            r.actor = "110109";
            break;
        case 4:
            r.action = "filing.rejected";
            break;
        case 5:
            r.case_id = "T-2026-0002";
            break;
        case 6:
            r.outcome = "B";
            break;
        case 7:
            r.office = "110000";
            break;
        case 8:
            r.at_us++;
            break;
        case 9:
            r.recorded_at_us++;
            break;
        default:
            r.prev_hash = S_VECTOR_1;
            break;
        }
        s_hash(&r, h);
        assert_string_not_equal(h, base);
    }
}

static Mlps__V1__AuditEvent
s_event(void)
{
    Mlps__V1__AuditEvent e = MLPS__V1__AUDIT_EVENT__INIT;
    e.service = "intake";
    e.actor = "110108";
    e.action = "filing.accepted";
    e.case_id = "T-2026-0001";
    e.outcome = "A";
    e.office = "110108";
    e.at_us = 1795000000000000;
    return e;
}

/* Expects aud_event_check to refuse e, naming field, and not to echo the
 * value `secret` (may be NULL). */
static void
s_refused(const Mlps__V1__AuditEvent *e, const char *field, const char *secret)
{
    char why[256] = "", quoted[64];
    assert_int_equal(aud_event_check(e, why, sizeof why), CMN_EREJECT);
    snprintf(quoted, sizeof quoted, "field \"%s\"", field);
    assert_non_null(strstr(why, quoted));
    if (secret != NULL)
        assert_null(strstr(why, secret));
}

static void
s_event_checks(void **state)
{
    (void) state;
    char why[256], long_text[400];
    Mlps__V1__AuditEvent e = s_event();
    assert_int_equal(aud_event_check(&e, why, sizeof why), 0);
    e.actor = e.outcome = e.office = ""; /* optional */
    assert_int_equal(aud_event_check(&e, why, sizeof why), 0);

    e = s_event();
    e.service = "";
    s_refused(&e, "service", NULL);
    e = s_event();
    e.action = "";
    s_refused(&e, "action", NULL);
    e = s_event();
    e.case_id = "";
    s_refused(&e, "case_id", NULL);

    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    memcpy(long_text, "SECRET", 6);
    const char *names[] = {"service", "actor",   "action",
                           "case_id", "outcome", "office"};
    for (size_t i = 0; i < 6; i++) {
        e = s_event();
        char **fields[] = {&e.service, &e.actor,   &e.action,
                           &e.case_id, &e.outcome, &e.office};
        *fields[i] = long_text;
        s_refused(&e, names[i], "SECRET");
        *fields[i] = "line\nbreak";
        s_refused(&e, names[i], "line");
    }
    e = s_event(); /* exactly the limit passes */
    long_text[AUD_OUTCOME_MAX] = '\0';
    e.outcome = long_text;
    assert_int_equal(aud_event_check(&e, why, sizeof why), 0);

    e = s_event();
    e.at_us = 0;
    s_refused(&e, "at_us", NULL);
    e.at_us = -5;
    s_refused(&e, "at_us", NULL);
    e.at_us = AUD_AT_US_MAX + 1;
    s_refused(&e, "at_us", NULL);
    e.at_us = AUD_AT_US_MAX;
    assert_int_equal(aud_event_check(&e, why, sizeof why), 0);
}

static void
s_format_ts(void **state)
{
    (void) state;
    char ts[40];
    assert_int_equal(aud_chain_format_ts(0, ts), 0);
    assert_string_equal(ts, "1970-01-01 00:00:00.000000+00");
    assert_int_equal(aud_chain_format_ts(1795000000123456, ts), 0);
    assert_string_equal(ts, "2026-11-18 11:06:40.123456+00");
    assert_int_equal(aud_chain_format_ts(AUD_AT_US_MAX, ts), 0);
    assert_string_equal(ts, "9999-12-31 23:59:59.999999+00");
    assert_int_equal(aud_chain_format_ts(-1, ts), CMN_EINVAL);
    assert_int_equal(aud_chain_format_ts(AUD_AT_US_MAX + 1, ts), CMN_EINVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_known_vectors),
        cmocka_unit_test(s_encoding_layout),
        cmocka_unit_test(s_encode_small_buffer),
        cmocka_unit_test(s_ab_c_vs_a_bc),
        cmocka_unit_test(s_field_boundaries),
        cmocka_unit_test(s_every_field_counts),
        cmocka_unit_test(s_event_checks),
        cmocka_unit_test(s_format_ts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* payload_test.c - the QR payload: format and parse round trip, its size
 * at the limits, and every refusal naming the part. */
#include "crt_test.h"

static crt_content_t
s_signed_content(void)
{
    crt_content_t c = crt_test_content();
    snprintf(c.key_id, sizeof c.key_id, "%s", CRT_TEST_ED_ID);
    snprintf(c.alg, sizeof c.alg, "ed25519");
    return c;
}

static void
s_bytes(uint8_t *b, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t) (seed + 37 * i);
}

static void
s_round_trip(void **state)
{
    (void) state;
    crt_content_t c = s_signed_content(), back;
    uint8_t d[CRT_DIGEST_LEN], s[CRT_SIGNATURE_LEN];
    uint8_t d2[CRT_DIGEST_LEN], s2[CRT_SIGNATURE_LEN];
    s_bytes(d, sizeof d, 1);
    s_bytes(s, sizeof s, 2);
    char p[CRT_PAYLOAD_MAX], why[200] = "";
    int n = crt_payload_format(&c, d, s, p, sizeof p);
    assert_true(n > 0);
    assert_int_equal((size_t) n, strlen(p));
    assert_int_equal(strncmp(p, "MLPSC1;n=11010843001-30001;o=110108;", 36), 0);
    for (const char *q = p; *q; q++)
        assert_true(*q > 0x20 && *q < 0x7f);
    assert_int_equal(crt_payload_parse(p, &back, d2, s2, why, sizeof why), 0);
    assert_memory_equal(&back, &c, sizeof c);
    assert_memory_equal(d2, d, sizeof d);
    assert_memory_equal(s2, s, sizeof s);
    assert_int_equal(crt_payload_format(&c, d, s, p, 100), CMN_EINVAL);
    c.level = 9;
    assert_int_equal(crt_payload_format(&c, d, s, p, sizeof p), CMN_EINVAL);
}

/* Every field at its longest still fits, and parses back. */
static void
s_largest(void **state)
{
    (void) state;
    crt_content_t c = s_signed_content(), back;
    char why[200] = "";
    memset(c.number, '9', CRT_NUMBER_MAX);
    c.number[CRT_NUMBER_MAX] = '\0';
    memset(c.tracking_id, 'Z', CRT_TRACKING_MAX);
    c.tracking_id[CRT_TRACKING_MAX] = '\0';
    c.unit_name[0] = c.system_name[0] = '\0';
    for (int i = 0; i < CRT_NAME_MAX / 3; i++) {
        strcat(c.unit_name, "龘");
        strcat(c.system_name, "鑫");
    }
    snprintf(c.alg, sizeof c.alg, "ed25519");
    assert_int_equal(crt_content_check(&c, why, sizeof why), 0);
    uint8_t d[CRT_DIGEST_LEN] = {0}, s[CRT_SIGNATURE_LEN] = {0};
    char p[CRT_PAYLOAD_MAX];
    int n = crt_payload_format(&c, d, s, p, sizeof p);
    assert_true(n > 0 && n < CRT_PAYLOAD_MAX);
    print_message("largest payload: %d bytes\n", n);
    assert_int_equal(crt_payload_parse(p, &back, d, s, why, sizeof why), 0);
    assert_memory_equal(&back, &c, sizeof c);
}

/* payload is refused with why containing want. */
static void
s_refused(const char *payload, const char *want)
{
    crt_content_t c;
    uint8_t d[CRT_DIGEST_LEN], s[CRT_SIGNATURE_LEN];
    char why[200] = "";
    assert_int_equal(crt_payload_parse(payload, &c, d, s, why, sizeof why),
                     CMN_EPROTO);
    if (strstr(why, want) == NULL)
        fail_msg("\"%s\": expected \"%s\", got \"%s\"", payload, want, why);
}

/* The good payload with part tag's value replaced (or the part cut, for
 * value NULL). */
static const char *
s_with(const char *tag, const char *value)
{
    static char out[CRT_PAYLOAD_MAX * 2];
    crt_content_t c = s_signed_content();
    uint8_t d[CRT_DIGEST_LEN] = {0}, s[CRT_SIGNATURE_LEN] = {0};
    char p[CRT_PAYLOAD_MAX], find[8];
    assert_true(crt_payload_format(&c, d, s, p, sizeof p) > 0);
    snprintf(find, sizeof find, ";%s=", tag);
    char *at = strstr(p, find);
    assert_non_null(at);
    char *v = at + strlen(find);
    size_t n = strcspn(v, ";");
    if (value == NULL)
        snprintf(out, sizeof out, "%.*s%s", (int) (at - p), p, v + n);
    else
        snprintf(out, sizeof out, "%.*s%s%s", (int) (v - p), p, value, v + n);
    return out;
}

static void
s_refusals(void **state)
{
    (void) state;
    s_refused("", "does not start with \"MLPSC1;\"");
    s_refused("MLPSC2;n=1", "does not start with \"MLPSC1;\"");
    s_refused("MLPSC1", "part 1: expected \"n=\" (the payload ends early)");
    s_refused("MLPSC1;n=1 2", "byte 10 is not printable ASCII (0x20)");
    s_refused("MLPSC1;n=\xe5\x8c\x97", "byte 9 is not printable ASCII (0xe5)");
    s_refused(s_with("o", NULL), "part 2: expected \"o=\"");
    s_refused(s_with("sn", NULL), "part 5: expected \"sn=\"");
    s_refused(s_with("o", "11010"), "part \"o\": organ: must be 6 digits");
    s_refused(s_with("n", ""), "part \"n\": number: is required");
    s_refused(s_with("u", "91110108MA01A2B3CG"),
              "part \"u\": unit_credit_code: check character does not match");
    s_refused(s_with("un", "5YyX5Lqs5biC+"), "part \"un\": not base64url");
    s_refused(s_with("un", "5YyX5Lqs5biC5"), "part \"un\": not base64url");
    s_refused(s_with("un", "AQ"),
              "part \"un\": unit_name: contains a control character");
    s_refused(s_with("sn", "AA"), "part \"sn\": system_name: contains a NUL");
    s_refused(s_with("sn", "wK8"), "part \"sn\": system_name: is not valid "
                                   "UTF-8");
    char big[400];
    memset(big, 'A', 200);
    big[200] = '\0';
    s_refused(s_with("un", big),
              "part \"un\": unit_name: is longer than 120 bytes");
    s_refused(s_with("l", "1"), "part \"l\": level: must be 2, 3, 4 or 5");
    s_refused(s_with("d", "2026-13-01"),
              "part \"d\": issued_on: must be a date");
    s_refused(s_with("k", "xyz"), "part \"k\": key_id: must be 16 lower-case");
    s_refused(s_with("a", "rsa"), "part \"a\": alg: must be \"ed25519\"");
    s_refused(s_with("h", "AAAA"),
              "part \"h\": expected 32 bytes in base64url (43 characters)");
    s_refused(s_with("s", "AAAA"),
              "part \"s\": expected 64 bytes in base64url (86 characters)");
    s_refused(s_with("s", NULL), "part 12: expected \"s=\" (the payload ends "
                                 "early)");
    char p[CRT_PAYLOAD_MAX * 2];
    snprintf(p, sizeof p, "%s;x=1", s_with("l", "3"));
    s_refused(p, "unexpected text after part \"s\"");
    memset(p, 'A', CRT_PAYLOAD_MAX);
    memcpy(p, "MLPSC1;", 7);
    p[CRT_PAYLOAD_MAX] = '\0';
    s_refused(p, "payload: longer than 639 bytes");
    /* the parts in another order */
    s_refused("MLPSC1;o=110108;n=11010843001-30001", "part 1: expected \"n=\"");
}

/* A payload in bytes around it: what a PDF's Keywords or a scanner's
 * "QR-Code:" line look like. */
static void
s_find(void **state)
{
    (void) state;
    static const char text[] = "<< /Keywords (MLPSC1;n=N1;o=110108;h=a-b_c) "
                               ">>\nMLPSC1;n=N2";
    char out[CRT_PAYLOAD_MAX];
    const uint8_t *b = (const uint8_t *) text;
    assert_int_equal(crt_payload_find(b, sizeof text - 1, out, sizeof out), 0);
    assert_string_equal(out, "MLPSC1;n=N1;o=110108;h=a-b_c");
    assert_int_equal(crt_payload_find(b, sizeof text - 1, out, 10),
                     CMN_EMSGSIZE);
    assert_int_equal(crt_payload_find(b, 14, out, sizeof out), CMN_ENOENT);
    assert_int_equal(crt_payload_find(b + 47, 11, out, sizeof out), 0);
    assert_string_equal(out, "MLPSC1;n=N2");
    assert_int_equal(crt_payload_find(b, 0, out, sizeof out), CMN_ENOENT);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_round_trip),
        cmocka_unit_test(s_largest),
        cmocka_unit_test(s_refusals),
        cmocka_unit_test(s_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

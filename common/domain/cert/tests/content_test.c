/* content_test.c - the certificate's field checks (each refusal names its
 * field), the canonical text, base64url and the date checks. */
#include "crt_int.h"
#include "crt_test.h"

/* crt_content_set(field, value) is refused with why starting want. */
static void
s_refused(const char *field, const char *value, const char *want)
{
    crt_content_t c = crt_test_content();
    crt_content_t before = c;
    char why[200] = "";
    assert_int_equal(crt_content_set(&c, field, value, why, sizeof why),
                     CMN_EINVAL);
    if (strcmp(why, want) != 0)
        fail_msg("%s=\"%s\": expected \"%s\", got \"%s\"", field, value, want,
                 why);
    assert_memory_equal(&c, &before, sizeof c); /* left as it was */
}

static void
s_set_refusals(void **state)
{
    (void) state;
    s_refused("number", "", "number: is required");
    s_refused("number", "1101084300130001-12345678", "number: is too long");
    s_refused("number", "11010843001;30001",
              "number: may hold only ASCII letters, digits and '-'");
    s_refused("number", "11010843001\t30001",
              "number: contains a control character");
    s_refused("organ", "11010", "organ: must be 6 digits");
    s_refused("organ", "11010a", "organ: must be 6 digits");
    s_refused("organ", "11010\n", "organ: contains a control character");
    s_refused("unit_credit_code", "91110108MA01A2B3CG",
              "unit_credit_code: check character does not match");
    s_refused("unit_credit_code", "91110108MA01A2B3C",
              "unit_credit_code: must be 18 characters");
    s_refused("unit_credit_code", "91110108MA01A2B3CO",
              "unit_credit_code: holds a character outside GB 32100 (digits "
              "and upper-case letters but I, O, S, V, Z)");
    s_refused("unit_name", "某某\x01公司",
              "unit_name: contains a control character");
    s_refused("unit_name", "某某\xc2\x85公司", /* U+0085, a C1 control */
              "unit_name: contains a control character");
    s_refused("system_name", "平台\xe5\xb9", "system_name: is not valid UTF-8");
    s_refused("system_name", "\xc0\xaf", "system_name: is not valid UTF-8");
    s_refused("system_name", "\xed\xa0\x80", "system_name: is not valid UTF-8");
    char long_name[CRT_NAME_MAX + 4] = "";
    for (int i = 0; i < 41; i++)
        strcat(long_name, "某");
    s_refused("unit_name", long_name,
              "unit_name: is longer than 120 bytes of UTF-8 (40 Chinese "
              "characters)");
    s_refused("level", "1", "level: must be 2, 3, 4 or 5");
    s_refused("level", "6", "level: must be 2, 3, 4 or 5");
    s_refused("level", "33", "level: must be 2, 3, 4 or 5");
    s_refused("issued_on", "2026-02-29",
              "issued_on: must be a date YYYY-MM-DD");
    s_refused("issued_on", "2026-1-01", "issued_on: must be a date YYYY-MM-DD");
    s_refused("issued_on", "2026-12-01\r",
              "issued_on: contains a control character");
    s_refused("tracking_id", "110108 20261201",
              "tracking_id: may hold only ASCII letters, digits and '-'");
    s_refused("key_id", "06E3FD8FDA29BB60",
              "key_id: must be 16 lower-case hex digits");
    s_refused("alg", "rsa", "alg: must be \"ed25519\" or \"sm2\"");
    s_refused("colour", "red", "\"colour\": not a certificate field");

    crt_content_t c = crt_test_content();
    char why[200];
    assert_int_equal(crt_content_set(&c, "unit_name", "某某", why, sizeof why),
                     0);
    assert_string_equal(c.unit_name, "某某");
    assert_int_equal(crt_content_set(&c, "level", "5", why, sizeof why), 0);
    assert_int_equal(c.level, 5);
    long_name[strlen(long_name) - 3] = '\0'; /* 40 characters: fits */
    assert_int_equal(
        crt_content_set(&c, "system_name", long_name, why, sizeof why), 0);
}

static void
s_check_names_field(void **state)
{
    (void) state;
    char why[200] = "";
    crt_content_t c = crt_test_content();
    /* key_id and alg are not set yet */
    assert_int_equal(crt_content_check(&c, why, sizeof why), CMN_EINVAL);
    assert_string_equal(why, "key_id: is required");
    snprintf(c.key_id, sizeof c.key_id, "%s", CRT_TEST_ED_ID);
    snprintf(c.alg, sizeof c.alg, "ed25519");
    assert_int_equal(crt_content_check(&c, why, sizeof why), 0);
    c.level = 1;
    assert_int_equal(crt_content_check(&c, why, sizeof why), CMN_EINVAL);
    assert_string_equal(why, "level: must be 2, 3, 4 or 5");
    c.level = 3;
    c.system_name[2] = '\x1b';
    assert_int_equal(crt_content_check(&c, why, sizeof why), CMN_EINVAL);
    assert_string_equal(why, "system_name: contains a control character");
    /* a field filled to the brim, without its NUL */
    memset(c.number, '1', sizeof c.number);
    assert_int_equal(crt_content_check(&c, why, sizeof why), CMN_EINVAL);
    assert_string_equal(why, "number: is too long");
}

static void
s_canonical_text(void **state)
{
    (void) state;
    crt_content_t c = crt_test_content();
    char text[CRT_TEXT_MAX];
    assert_int_equal(crt_content_text(&c, text, sizeof text), CMN_EINVAL);
    snprintf(c.key_id, sizeof c.key_id, "%s", CRT_TEST_ED_ID);
    snprintf(c.alg, sizeof c.alg, "ed25519");
    static const char want[] = "mlps.cert.v1\n"
                               "number=11010843001-30001\n"
                               "organ=110108\n"
                               "unit_credit_code=91110108MA01A2B3CF\n"
                               "unit_name=北京市海淀区某某科技有限公司\n"
                               "system_name=政务服务一体化平台\n"
                               "level=3\n"
                               "issued_on=2026-12-01\n"
                               "tracking_id=110108-20261201-00001\n"
                               "key_id=06e3fd8fda29bb60\n"
                               "alg=ed25519\n";
    assert_int_equal(crt_content_text(&c, text, sizeof text), strlen(want));
    assert_string_equal(text, want);
    assert_int_equal(crt_content_text(&c, text, 40), CMN_EINVAL);
    assert_string_equal(crt_level_zh(3), "第三级");
    assert_string_equal(crt_level_zh(5), "第五级");
    assert_null(crt_level_zh(1));
}

static void
s_base64url(void **state)
{
    (void) state;
    /* RFC 4648 section 10, in the URL alphabet and unpadded */
    static const char *const v[][2] = {
        {"", ""},
        {"f", "Zg"},
        {"fo", "Zm8"},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg"},
        {"fooba", "Zm9vYmE"},
        {"foobar", "Zm9vYmFy"},
    };
    char out[32];
    uint8_t raw[32];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        size_t n = strlen(v[i][0]);
        assert_int_equal(
            crt__b64url_encode((const uint8_t *) v[i][0], n, out, sizeof out),
            strlen(v[i][1]));
        assert_string_equal(out, v[i][1]);
        assert_int_equal(
            crt__b64url_decode(v[i][1], strlen(v[i][1]), raw, sizeof raw), n);
        assert_memory_equal(raw, v[i][0], n);
    }
    static const uint8_t hi[] = {0xfb, 0xff, 0xfe};
    assert_int_equal(crt__b64url_encode(hi, 3, out, sizeof out), 4);
    assert_string_equal(out, "-__-");
    assert_int_equal(crt__b64url_encode(hi, 3, out, 4), -1);
    assert_int_equal(crt__b64url_decode("Zm9v+", 5, raw, sizeof raw), -1);
    assert_int_equal(crt__b64url_decode("Zm9v/A", 6, raw, sizeof raw), -1);
    assert_int_equal(crt__b64url_decode("Zm8=", 4, raw, sizeof raw), -1);
    assert_int_equal(crt__b64url_decode("Zm9", 3, raw, sizeof raw), -1);
    assert_int_equal(crt__b64url_decode("Zh", 2, raw, sizeof raw), -1);
    assert_int_equal(crt__b64url_decode("Z", 1, raw, sizeof raw), -1);
    assert_int_equal(crt__b64url_decode("Zm9vYmFy", 8, raw, 5), -1);
}

static void
s_dates(void **state)
{
    (void) state;
    assert_true(crt__date_valid("2028-02-29"));
    assert_true(crt__date_valid("2000-02-29"));
    assert_false(crt__date_valid("2100-02-29"));
    assert_false(crt__date_valid("2026-04-31"));
    assert_false(crt__date_valid("2026-00-10"));
    assert_false(crt__date_valid("2026-12-01 "));
    assert_false(crt__date_valid(NULL));
    assert_true(crt__instant_valid("2026-12-15T08:00:00Z"));
    assert_true(crt__instant_valid("2026-12-31T23:59:59Z"));
    assert_false(crt__instant_valid("2026-12-15T24:00:00Z"));
    assert_false(crt__instant_valid("2026-12-15T08:00:00+08:00"));
    assert_false(crt__instant_valid("2026-12-15 08:00:00Z"));
    assert_false(crt__instant_valid("2026-12-15T08:60:00Z"));
    static const char *const next[][2] = {
        {"2026-12-15T08:00:00Z", "2026-12-16"}, {"2026-04-30", "2026-05-01"},
        {"2026-12-31", "2027-01-01"},           {"2028-02-28", "2028-02-29"},
        {"2026-02-28", "2026-03-01"},           {"2100-02-28", "2100-03-01"},
    };
    char day[11];
    for (size_t i = 0; i < sizeof next / sizeof next[0]; i++) {
        crt__date_next(next[i][0], day);
        assert_string_equal(day, next[i][1]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_set_refusals),
        cmocka_unit_test(s_check_names_field),
        cmocka_unit_test(s_canonical_text),
        cmocka_unit_test(s_base64url),
        cmocka_unit_test(s_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

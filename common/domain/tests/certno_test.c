/* certno_test.c - certificate number patterns: the default, other
 * patterns, pattern errors, formatting and parsing. */
#include "cmn_test/unit.h"
#include "dom/certno.h"

static dom_certno_fmt_t
s_fmt(const char *pattern)
{
    dom_certno_fmt_t f;
    char why[128] = "";
    if (dom_certno_fmt_parse(pattern, &f, why, sizeof why) != 0)
        fail_msg("\"%s\": %s", pattern, why);
    return f;
}

static void
s_default_format(void **state)
{
    (void) state;
    dom_certno_fmt_t f = s_fmt(DOM_CERTNO_DEFAULT);
    assert_int_equal(f.len, 17);
    assert_true(f.has_level);
    dom_certno_t n = {"110108", 43001, 3, 1};
    char buf[DOM_CERTNO_BUFSZ];
    assert_int_equal(dom_certno_format(&f, &n, buf, sizeof buf), 0);
    assert_string_equal(buf, "11010843001-30001"); /* DOMAIN.md's example */
    n = (dom_certno_t){"110105", 7, 2, 12};
    assert_int_equal(dom_certno_format(&f, &n, buf, sizeof buf), 0);
    assert_string_equal(buf, "11010500007-20012");
    n = (dom_certno_t){"000000", 99999, 5, 9999};
    assert_int_equal(dom_certno_format(&f, &n, buf, sizeof buf), 0);
    assert_string_equal(buf, "00000099999-59999");
}

static void
s_default_parse(void **state)
{
    (void) state;
    dom_certno_fmt_t f = s_fmt(DOM_CERTNO_DEFAULT);
    dom_certno_t n;
    assert_int_equal(dom_certno_parse(&f, "11010843001-30001", &n), 0);
    assert_string_equal(n.organ, "110108");
    assert_int_equal(n.unit_seq, 43001);
    assert_int_equal(n.level, 3);
    assert_int_equal(n.system_seq, 1);
    /* Round trip. */
    char buf[DOM_CERTNO_BUFSZ];
    assert_int_equal(dom_certno_format(&f, &n, buf, sizeof buf), 0);
    assert_string_equal(buf, "11010843001-30001");

    static const char *const bad[] = {
        "",
        "11010843001-3000",   /* short */
        "11010843001-300011", /* long */
        "11010843001 30001",  /* the literal */
        "1101084300A-30001",  /* a letter */
        "11010800000-30001",  /* unit sequence 0 */
        "11010843001-30000",  /* system sequence 0 */
        "11010843001-10001",  /* level 1 is not filed */
        "11010843001-60001",  /* no level 6 */
        "11010843001-00001",
        "+1010843001-30001",
        "11010843001-3000１",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dom_certno_t out = {"untouched", 1, 2, 3};
        if (dom_certno_parse(&f, bad[i], &out) != CMN_EINVAL ||
            strcmp(out.organ, "untouched") != 0 || out.unit_seq != 1)
            fail_msg("\"%s\" accepted or changed the output", bad[i]);
    }
    assert_int_equal(dom_certno_parse(&f, NULL, &n), CMN_EINVAL);
    assert_int_equal(dom_certno_parse(&f, "11010843001-30001", NULL),
                     CMN_EINVAL);
    assert_int_equal(dom_certno_parse(NULL, "11010843001-30001", &n),
                     CMN_EINVAL);
}

static void
s_format_values_checked(void **state)
{
    (void) state;
    dom_certno_fmt_t f = s_fmt(DOM_CERTNO_DEFAULT);
    static const dom_certno_t bad[] = {
        {"11010", 43001, 3, 1},   /* organ: 5 digits, not 6 */
        {"1101088", 43001, 3, 1}, /* 7 */
        {"11010a", 43001, 3, 1},     {"", 43001, 3, 1},
        {"110108", 100000, 3, 1}, /* unit: 6 digits */
        {"110108", 0, 3, 1},         {"110108", -1, 3, 1},
        {"110108", 43001, 1, 1}, /* level 1 */
        {"110108", 43001, 6, 1},     {"110108", 43001, 0, 1},
        {"110108", 43001, 3, 10000}, /* system: 5 digits */
        {"110108", 43001, 3, 0},     {"110108", 43001, 3, -5},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char buf[DOM_CERTNO_BUFSZ] = "untouched";
        if (dom_certno_format(&f, &bad[i], buf, sizeof buf) != CMN_EINVAL ||
            strcmp(buf, "untouched") != 0)
            fail_msg("case %zu accepted or wrote", i);
    }
    /* An organ with no NUL in its 16 bytes. */
    dom_certno_t n = {"", 43001, 3, 1};
    memset(n.organ, '1', sizeof n.organ);
    char buf[DOM_CERTNO_BUFSZ];
    assert_int_equal(dom_certno_format(&f, &n, buf, sizeof buf), CMN_EINVAL);
    /* Room: 17 characters need 18 bytes. */
    n = (dom_certno_t){"110108", 43001, 3, 1};
    memset(buf, 'x', sizeof buf);
    assert_int_equal(dom_certno_format(&f, &n, buf, 17), CMN_EMSGSIZE);
    assert_int_equal(buf[0], 'x');
    assert_int_equal(dom_certno_format(&f, &n, buf, 18), 0);
    assert_string_equal(buf, "11010843001-30001");
    assert_int_equal(dom_certno_format(&f, &n, NULL, 18), CMN_EINVAL);
    assert_int_equal(dom_certno_format(&f, NULL, buf, 18), CMN_EINVAL);
    /* A format nobody parsed. */
    dom_certno_fmt_t zero = {0};
    assert_int_equal(dom_certno_format(&zero, &n, buf, sizeof buf), CMN_EINVAL);
    assert_int_equal(dom_certno_parse(&zero, "", &n), CMN_EINVAL);
}

static void
s_other_patterns(void **state)
{
    (void) state;
    char buf[DOM_CERTNO_BUFSZ];
    dom_certno_t n = {"110108", 43001, 4, 2};
    /* No level: the system number is the sequence alone. */
    dom_certno_fmt_t f = s_fmt("BJ-{organ:6}-{unit:5}-{system:5}");
    assert_false(f.has_level);
    assert_int_equal(dom_certno_format(&f, &n, buf, sizeof buf), 0);
    assert_string_equal(buf, "BJ-110108-43001-00002");
    dom_certno_t back = {"", 0, 9, 0};
    assert_int_equal(dom_certno_parse(&f, "BJ-110108-43001-00002", &back), 0);
    assert_int_equal(back.level, 0); /* the format has none */
    assert_int_equal(back.system_seq, 2);
    assert_int_equal(dom_certno_parse(&f, "BK-110108-43001-00002", &back),
                     CMN_EINVAL);
    /* Fields in another order, a wider level, adjacent fields. */
    f = s_fmt("{level:2}{system:3}/{organ:12}{unit:8}");
    dom_certno_t wide = {"110108000000", 12345678, 5, 7};
    assert_int_equal(dom_certno_format(&f, &wide, buf, sizeof buf), 0);
    assert_string_equal(buf, "05007/11010800000012345678");
    assert_int_equal(dom_certno_parse(&f, buf, &back), 0);
    assert_string_equal(back.organ, "110108000000");
    assert_int_equal(back.unit_seq, 12345678);
    assert_int_equal(back.level, 5);
    assert_int_equal(back.system_seq, 7);
    /* The widest fields. */
    f = s_fmt("{organ:15}{unit:18}{system:18}");
    dom_certno_t big = {"123456789012345", 999999999999999999L, 0,
                        100000000000000000L};
    assert_int_equal(dom_certno_format(&f, &big, buf, sizeof buf), 0);
    assert_string_equal(buf,
                        "123456789012345999999999999999999100000000000000000");
    assert_int_equal(dom_certno_parse(&f, buf, &back), 0);
    assert_int_equal(back.unit_seq, 999999999999999999L);
}

static void
s_pattern_errors(void **state)
{
    (void) state;
    static const struct {
        const char *pattern, *why;
    } bad[] = {
        {"{organ:6}{unit:5}", "missing field {system}"},
        {"{unit:5}{system:4}", "missing field {organ}"},
        {"{organ:6}{system:4}", "missing field {unit}"},
        {"", "missing field {organ}"},
        {"{organ:6}{unit:5}-{site:1}{system:4}",
         "unknown field \"{site:1}\" at position 19 (expected organ, unit, "
         "level or system)"},
        {"{Organ:6}{unit:5}{system:4}",
         "unknown field \"{Organ:6}\" at position 1 (expected organ, unit, "
         "level or system)"},
        {"{organ}{unit:5}{system:4}",
         "field \"{organ}\" at position 1 has no width (as {organ:6})"},
        {"{organ:6}{unit:5}{system:4", "field at position 18 has no closing "
                                       "\"}\""},
        {"{organ:0}{unit:5}{system:4}",
         "width of field \"{organ:0}\" must be 1..15"},
        {"{organ:16}{unit:5}{system:4}",
         "width of field \"{organ:16}\" must be 1..15"},
        {"{organ:6}{unit:19}{system:4}",
         "width of field \"{unit:19}\" must be 1..18"},
        {"{organ:6}{unit:}{system:4}",
         "width of field \"{unit:}\" must be 1..18"},
        {"{organ:6}{unit:5x}{system:4}",
         "width of field \"{unit:5x}\" must be 1..18"},
        {"{organ:6}{unit:-5}{system:4}",
         "width of field \"{unit:-5}\" must be 1..18"},
        {"{organ:6}{unit:5}{system:4}{unit:5}", "field {unit} appears twice"},
        {"{organ:6}{unit:5}}{system:4}", "\"}\" at position 18 without \"{\""},
        {"{organ:6} {unit:5}{system:4}",
         "byte 0x20 at position 10 is not a printable ASCII character"},
        {"{organ:6}\t{unit:5}{system:4}",
         "byte 0x09 at position 10 is not a printable ASCII character"},
        {"{organ:6}号{unit:5}{system:4}",
         "byte 0xe5 at position 10 is not a printable ASCII character"},
        {"{organ:15}{unit:18}{system:18}{level:18}",
         "numbers of this pattern would be 69 characters, more than 63"},
        {"{organ:6}{unit:5}{system:4}-------------------------------------"
         "----------",
         "pattern is longer than 64 bytes"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dom_certno_fmt_t f = {.len = 77};
        char why[160] = "";
        int rc = dom_certno_fmt_parse(bad[i].pattern, &f, why, sizeof why);
        if (rc != CMN_EINVAL || strcmp(why, bad[i].why) != 0 || f.len != 77)
            fail_msg("\"%s\": rc %d, why \"%s\", expected \"%s\"",
                     bad[i].pattern, rc, why, bad[i].why);
    }
    dom_certno_fmt_t f;
    char why[64];
    assert_int_equal(dom_certno_fmt_parse(NULL, &f, why, sizeof why),
                     CMN_EINVAL);
    assert_int_equal(dom_certno_fmt_parse("{organ:6}", &f, NULL, 0),
                     CMN_EINVAL);
    /* Exactly 64 bytes is allowed. */
    char p64[65];
    memset(p64, '-', 64);
    memcpy(p64, "{organ:6}{unit:5}{system:4}", 27);
    p64[64] = '\0';
    assert_int_equal(dom_certno_fmt_parse(p64, &f, why, sizeof why), 0);
    assert_int_equal(f.len, 6 + 5 + 4 + 37);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_default_format),
        cmocka_unit_test(s_default_parse),
        cmocka_unit_test(s_format_values_checked),
        cmocka_unit_test(s_other_patterns),
        cmocka_unit_test(s_pattern_errors),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

/* names_test.c - the comparison form of system and unit names: each rule
 * alone, names that must compare equal, invalid UTF-8, buffer sizes. */
#include "cmn_test/unit.h"
#include "dom/names.h"

/* in's comparison form; fails the test on an error. */
static const char *
s_norm(const char *in, char *out, size_t len)
{
    int rc = dom_name_normalize(in, out, len);
    if (rc != 0)
        fail_msg("\"%s\": rc %d", in, rc);
    return out;
}

static const struct {
    const char *in, *want;
} s_cases[] = {
    /* Full-width ASCII U+FF01..U+FF5E: first, last, letters, digits. */
    {"ＯＡ系统", "oa系统"},
    {"！～", "!~"},
    {"第２版", "第2版"},
    {"ｅ－Ｇｏｖ", "e-gov"},
    {"（）［］｛｝", "()[]{}"},
    /* The CJK brackets. */
    {"【政务】云", "[政务]云"},
    /* White space: ASCII, ideographic, no-break, others; runs; ends. */
    {"a  b", "a b"},
    {"a\tb\nc\r\nd", "a b c d"},
    {"办公\u3000系统", "办公 系统"},
    {"办公\u3000\u3000 \t系统", "办公 系统"},
    {"a\u00a0b\u2003c\u202fd\u205fe\u1680f\u2028g\u2029h\xc2\x85i",
     "a b c d e f g h i"},
    {"  \u3000 前后空格\u3000  ", "前后空格"},
    {"\u3000", ""},
    {"", ""},
    /* ASCII case only: other scripts are kept as they are. */
    {"OA System", "oa system"},
    {"ÄÖ Straße ΣΑ", "ÄÖ straße ΣΑ"},
    /* Not in the rules: kept. */
    {"〔2026〕「」", "〔2026〕「」"},
    {"\u200bzero\u200bwidth", "\u200bzero\u200bwidth"},
    {"\xf0\x9f\x98\x80 emoji", "\xf0\x9f\x98\x80 emoji"},
};

static void
s_each_rule(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        char out[128];
        const char *got = s_norm(s_cases[i].in, out, sizeof out);
        if (strcmp(got, s_cases[i].want) != 0)
            fail_msg("case %zu: \"%s\" -> \"%s\", expected \"%s\"", i,
                     s_cases[i].in, got, s_cases[i].want);
    }
}

/* Names of one system as different filings may write it. */
static void
s_same_system(void **state)
{
    (void) state;
    static const char *const names[] = {
        "北京市ＯＡ办公系统（二期）",
        "北京市OA办公系统(二期)",
        "  北京市oa办公系统(二期) ",
        "北京市Oa办公系统（二期）\u3000",
    };
    char first[128], other[128];
    s_norm(names[0], first, sizeof first);
    assert_string_equal(first, "北京市oa办公系统(二期)");
    for (size_t i = 1; i < sizeof names / sizeof names[0]; i++)
        assert_string_equal(s_norm(names[i], other, sizeof other), first);
    /* A space inside the name still counts: one, not none. */
    assert_string_not_equal(
        s_norm("北京市 OA办公系统(二期)", other, sizeof other), first);
    /* Normalising twice changes nothing. */
    char again[128];
    assert_string_equal(s_norm(first, again, sizeof again), first);
}

static void
s_invalid_utf8(void **state)
{
    (void) state;
    static const char *const bad[] = {
        "\x80",             /* a lone continuation byte */
        "abc\xc3",          /* cut short at the end */
        "\xc3(",            /* a continuation missing */
        "\xc0\xaf",         /* overlong '/' */
        "\xc1\xbf",         /* overlong */
        "\xe0\x80\xaf",     /* overlong, 3 bytes */
        "\xf0\x80\x80\xaf", /* overlong, 4 bytes */
        "\xed\xa0\x80",     /* a surrogate, U+D800 */
        "\xed\xbf\xbf",     /* U+DFFF */
        "\xf4\x90\x80\x80", /* U+110000 */
        "\xf5\x80\x80\x80",
        "\xfe",
        "\xff",
        "ok\xe4\xb8", /* 中 cut short */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[32] = "untouched";
        if (dom_name_normalize(bad[i], out, sizeof out) != CMN_EINVAL ||
            strcmp(out, "untouched") != 0)
            fail_msg("bad case %zu accepted or wrote", i);
    }
    char out[32];
    /* The edges that are valid. */
    assert_string_equal(s_norm("\xed\x9f\xbf", out, sizeof out),
                        "\xed\x9f\xbf"); /* U+D7FF */
    assert_string_equal(s_norm("\xf4\x8f\xbf\xbf", out, sizeof out),
                        "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
    assert_string_equal(s_norm("\xc2\x80", out, sizeof out), "\xc2\x80");
}

static void
s_sizes(void **state)
{
    (void) state;
    char out[8];
    memset(out, 'x', sizeof out);
    /* "ab c" needs 5 bytes with its NUL. */
    assert_int_equal(dom_name_normalize(" AB   C ", out, 4), CMN_EMSGSIZE);
    assert_int_equal(out[0], 'x'); /* untouched */
    assert_int_equal(dom_name_normalize(" AB   C ", out, 5), 0);
    assert_string_equal(out, "ab c");
    /* Full-width input shrinks: 9 bytes in, 3 out. */
    assert_int_equal(dom_name_normalize("ＡＢＣ", out, 4), 0);
    assert_string_equal(out, "abc");
    assert_int_equal(dom_name_normalize("ＡＢＣ", out, 3), CMN_EMSGSIZE);
    /* The empty result needs one byte; no byte is too few. */
    assert_int_equal(dom_name_normalize("   ", out, 1), 0);
    assert_string_equal(out, "");
    assert_int_equal(dom_name_normalize("", out, 0), CMN_EMSGSIZE);
    assert_int_equal(dom_name_normalize(NULL, out, sizeof out), CMN_EINVAL);
    assert_int_equal(dom_name_normalize("a", NULL, 8), CMN_EINVAL);
    /* Invalid UTF-8 is CMN_EINVAL even when it would not fit. */
    assert_int_equal(dom_name_normalize("abcdefgh\xff", out, 2), CMN_EINVAL);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_each_rule),
        cmocka_unit_test(s_same_system),
        cmocka_unit_test(s_invalid_utf8),
        cmocka_unit_test(s_sizes),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

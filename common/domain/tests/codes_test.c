/* codes_test.c - unified social credit codes (GB 32100-2015) and GB/T 2260
 * division codes. */
#include "cmn_test/unit.h"
#include "dom/codes.h"

/* Valid codes. The first is the example GB 32100-2015 circulates with; the
 * check characters of the others were computed separately (Python, weights
 * 3^i mod 31). */
static const char *const s_good_credit[] = {
    "91350100M000100Y43", "91110108MA01ABCDEN", "12100000400000624D",
    "91440300708461136T", "521100005000000008", "Y1110000000000000Q",
};

static const char s_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static void
s_credit_good(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof s_good_credit / sizeof s_good_credit[0]; i++)
        if (!dom_credit_code_valid(s_good_credit[i]))
            fail_msg("\"%s\" refused", s_good_credit[i]);
}

/* The check character catches every change of one character into another
 * of the alphabet (31 is prime and no weight is 0 mod 31). */
static void
s_credit_every_single_change(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof s_good_credit / sizeof s_good_credit[0];
         i++) {
        for (int pos = 0; pos < 18; pos++) {
            for (const char *c = s_alphabet; *c != '\0'; c++) {
                char code[19];
                memcpy(code, s_good_credit[i], sizeof code);
                if (code[pos] == *c)
                    continue;
                code[pos] = *c;
                if (dom_credit_code_valid(code))
                    fail_msg("\"%s\" accepted", code);
            }
        }
    }
}

static void
s_credit_bad_form(void **state)
{
    (void) state;
    static const char *const bad[] = {
        "",
        "91350100M000100Y4",   /* 17 characters */
        "91350100M000100Y430", /* 19 */
        "91350100m000100Y43",  /* lower case */
        "91350100I000100Y43",  /* I, O, S, V, Z are not in the alphabet */
        "91350100O000100Y43",
        "91350100S000100Y43",
        "91350100V000100Y43",
        "91350100Z000100Y43",
        "91350100M000100Y4 ",
        " 91350100M000100Y4",
        "91350100M000-100Y4",
        "９1350100M000100Y43", /* a full-width digit */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (dom_credit_code_valid(bad[i]))
            fail_msg("\"%s\" accepted", bad[i]);
    assert_false(dom_credit_code_valid(NULL));
    static const char nul[19] = "91350100M0\0000100Y43";
    assert_false(dom_credit_code_valid(nul));
}

/* The province-level codes in use, by hand from GB/T 2260. */
static bool
s_in_use(int pp)
{
    return (pp >= 11 && pp <= 15) || (pp >= 21 && pp <= 23) ||
           (pp >= 31 && pp <= 37) || (pp >= 41 && pp <= 46) ||
           (pp >= 50 && pp <= 54) || (pp >= 61 && pp <= 65) || pp == 71 ||
           pp == 81 || pp == 82;
}

static void
s_region_every_province(void **state)
{
    (void) state;
    int n = 0;
    for (int pp = 0; pp <= 99; pp++) {
        char code[7];
        snprintf(code, sizeof code, "%02d0000", pp);
        if (dom_region_code_valid(code) != s_in_use(pp))
            fail_msg("province code \"%s\"", code);
        snprintf(code, sizeof code, "%02d0105", pp);
        if (dom_region_code_valid(code) != s_in_use(pp))
            fail_msg("district code \"%s\"", code);
        n += s_in_use(pp);
    }
    assert_int_equal(n, 34); /* 31 + Taiwan, Hong Kong, Macao */
}

static void
s_region_levels(void **state)
{
    (void) state;
    static const char *const good[] = {
        "110000", /* Beijing, the province-level unit itself */
        "110100", /* its district group (市辖区) */
        "110105", /* Chaoyang */
        "110108", /* Haidian */
        "440300", /* Shenzhen */
        "440305", /* Nanshan */
        "419001", /* Jiyuan, a county-level city under the province */
        "650000", "710000", "810000", "820000",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!dom_region_code_valid(good[i]))
            fail_msg("\"%s\" refused", good[i]);
    static const char *const bad[] = {
        "110001", /* a county part without a prefecture part */
        "110099", "000000", "100000",  "990105", "11010",  "1101055",
        "11010a", " 11010", "110105 ", "",       "11-105", "１10105",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (dom_region_code_valid(bad[i]))
            fail_msg("\"%s\" accepted", bad[i]);
    assert_false(dom_region_code_valid(NULL));
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_credit_good),
        cmocka_unit_test(s_credit_every_single_change),
        cmocka_unit_test(s_credit_bad_form),
        cmocka_unit_test(s_region_every_province),
        cmocka_unit_test(s_region_levels),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

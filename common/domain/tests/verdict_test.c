/* verdict_test.c - the evaluation verdict bands at every edge (DOMAIN.md,
 * "Level evaluation"), names, titles and bad input. */
#include "cmn_test/unit.h"
#include "dom/verdict.h"

#include <limits.h>

#define E DOM_VERDICT_EXCELLENT
#define G DOM_VERDICT_GOOD
#define F DOM_VERDICT_FAIR
#define P DOM_VERDICT_POOR

/* score, high risks, medium risks -> verdict, by hand from the rule. */
static const struct {
    int score, high, medium;
    dom_verdict_t want;
} s_cases[] = {
    /* The score edges without risks. */
    {100, 0, 0, E},
    {90, 0, 0, E},
    {89, 0, 0, G},
    {80, 0, 0, G},
    {79, 0, 0, F},
    {70, 0, 0, F},
    {69, 0, 0, P},
    {0, 0, 0, P},
    /* A medium risk keeps a report from excellent, nothing else. */
    {100, 0, 1, G},
    {95, 0, 1, G},
    {90, 0, 1, G},
    {90, 0, 5, G},
    {89, 0, 1, G},
    {80, 0, 3, G},
    {79, 0, 1, F},
    {70, 0, 9, F},
    {69, 0, 1, P},
    /* Any high risk is poor, whatever the score. */
    {100, 1, 0, P},
    {95, 1, 0, P},
    {90, 1, 0, P},
    {85, 1, 0, P},
    {75, 1, 0, P},
    {70, 1, 0, P},
    {100, 2, 3, P},
    {0, 1, 1, P},
};

static void
s_every_band_edge(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        dom_verdict_t v = 0;
        int rc = dom_verdict(s_cases[i].score, s_cases[i].high,
                             s_cases[i].medium, &v);
        if (rc != 0 || v != s_cases[i].want)
            fail_msg("score %d high %d medium %d: rc %d verdict %d, "
                     "expected %d",
                     s_cases[i].score, s_cases[i].high, s_cases[i].medium, rc,
                     (int) v, (int) s_cases[i].want);
    }
}

/* Over every score and a few risk counts: the verdict never improves as
 * the score falls or risks are added. */
static void
s_monotone(void **state)
{
    (void) state;
    for (int score = 0; score <= 100; score++) {
        for (int high = 0; high <= 2; high++) {
            for (int medium = 0; medium <= 2; medium++) {
                dom_verdict_t v, lower, more_h, more_m;
                assert_int_equal(dom_verdict(score, high, medium, &v), 0);
                assert_int_equal(dom_verdict(score, high + 1, medium, &more_h),
                                 0);
                assert_int_equal(dom_verdict(score, high, medium + 1, &more_m),
                                 0);
                assert_true(more_h >= v && more_m >= v);
                if (score > 0) {
                    assert_int_equal(
                        dom_verdict(score - 1, high, medium, &lower), 0);
                    assert_true(lower >= v);
                }
            }
        }
    }
}

static void
s_bad_input(void **state)
{
    (void) state;
    dom_verdict_t v = G;
    assert_int_equal(dom_verdict(101, 0, 0, &v), CMN_EINVAL);
    assert_int_equal(dom_verdict(-1, 0, 0, &v), CMN_EINVAL);
    assert_int_equal(dom_verdict(INT_MAX, 0, 0, &v), CMN_EINVAL);
    assert_int_equal(dom_verdict(90, -1, 0, &v), CMN_EINVAL);
    assert_int_equal(dom_verdict(90, 0, -1, &v), CMN_EINVAL);
    assert_int_equal(dom_verdict(90, 0, INT_MIN, &v), CMN_EINVAL);
    assert_int_equal(dom_verdict(90, 0, 0, NULL), CMN_EINVAL);
    assert_int_equal(v, G); /* untouched */
}

static void
s_names_and_titles(void **state)
{
    (void) state;
    static const struct {
        dom_verdict_t v;
        const char *name, *title;
    } want[] = {
        {E, "excellent", "优"},
        {G, "good", "良"},
        {F, "fair", "中"},
        {P, "poor", "差"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_string_equal(dom_verdict_name(want[i].v), want[i].name);
        assert_string_equal(dom_verdict_title(want[i].v), want[i].title);
        dom_verdict_t back = 0;
        assert_int_equal(dom_verdict_parse(want[i].name, &back), 0);
        assert_int_equal(back, want[i].v);
    }
    assert_int_equal(E, 1); /* stored values */
    assert_int_equal(P, 4);
    assert_null(dom_verdict_name((dom_verdict_t) 0));
    assert_null(dom_verdict_name((dom_verdict_t) 5));
    assert_null(dom_verdict_title((dom_verdict_t) -1));
    assert_null(dom_verdict_title((dom_verdict_t) 5));
}

static void
s_parse_rejects(void **state)
{
    (void) state;
    static const char *const bad[] = {"",     "Excellent", "excellent ", "优",
                                      "GOOD", "bad",       "poorx",      "fai"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dom_verdict_t v = F;
        assert_int_equal(dom_verdict_parse(bad[i], &v), CMN_EINVAL);
        assert_int_equal(v, F);
    }
    dom_verdict_t v;
    assert_int_equal(dom_verdict_parse(NULL, &v), CMN_EINVAL);
    assert_int_equal(dom_verdict_parse("good", NULL), CMN_EINVAL);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_every_band_edge),
        cmocka_unit_test(s_monotone),
        cmocka_unit_test(s_bad_input),
        cmocka_unit_test(s_names_and_titles),
        cmocka_unit_test(s_parse_rejects),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

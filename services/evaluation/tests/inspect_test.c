/* inspect_test.c - the year's inspection batch: required systems (two
 * years without an inspection otherwise), the fill-up to half of the
 * important systems, the order, and what is not counted. */
#include "evl/inspect.h"
#include "evl_test.h"

/* The tracking ids of the plan, joined by " " with "!" after required
 * ones. */
static void
s_plan(const evl_insp_sys_t *s, size_t n, int year, char *out, size_t len,
       evl_insp_count_t *c)
{
    evl_insp_pick_t picks[16];
    size_t np = 99;
    assert_int_equal(evl_inspect_plan(s, n, year, picks, &np, c), 0);
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < np; i++)
        at += (size_t) snprintf(out + at, len - at, "%s%s%s", i ? " " : "",
                                s[picks[i].index].tracking_id,
                                picks[i].required ? "!" : "");
}

static void
s_required_and_spread(void **state)
{
    (void) state;
    /* id, level, accepted, last inspected */
    const evl_insp_sys_t s[] = {
        {"A", 3, 2022, 2024}, /* inspected 2024: required in 2026 */
        {"B", 3, 2023, 2025}, /* inspected last year: may wait */
        {"C", 4, 2025, 0},    /* accepted 2025, never: required in 2026 */
        {"D", 3, 2026, 0},    /* accepted this year: until end of 2027 */
        {"E", 2, 2020, 0},    /* level 2: not important */
        {"F", 5, 2021, 2026}, /* done this year */
        {"G", 3, 2024, 2025}, /* inspected last year */
        {"H", 3, 2027, 0},    /* accepted after the year */
        {"I", 3, 2020, 2025}, /* inspected last year, accepted earliest */
        {"J", 3, 2020, 0},    /* never, accepted long ago: required */
    };
    char got[200];
    evl_insp_count_t c;
    s_plan(s, sizeof s / sizeof s[0], 2026, got, sizeof got, &c);
    /* important: A B C D F G I J (8); done F; target 4: A, C, J required
     * (never first: C, J by accepted year: J 2020, C 2025; then A), then
     * none needed: 1 done + 3 required = 4. */
    assert_int_equal(c.important, 8);
    assert_int_equal(c.done, 1);
    assert_int_equal(c.target, 4);
    assert_string_equal(got, "J! C! A!");
    /* A year later nothing was inspected in 2026 but F: the rest are
     * required or fill up. */
    s_plan(s, sizeof s / sizeof s[0], 2027, got, sizeof got, &c);
    assert_int_equal(c.important, 9); /* H counts from 2027 */
    assert_int_equal(c.done, 0);
    assert_string_equal(got, "J! C! D! A! I! B! G!");
}

static void
s_fill_up_to_half(void **state)
{
    (void) state;
    /* Six systems all inspected last year: none required, three fill up
     * (the longest since inspected: all 2025; then accepted; then id). */
    const evl_insp_sys_t s[] = {
        {"S6", 3, 2024, 2025}, {"S1", 3, 2023, 2025}, {"S2", 3, 2023, 2025},
        {"S3", 4, 2025, 2025}, {"S4", 3, 2021, 2025}, {"S5", 3, 2022, 2025},
    };
    char got[200];
    evl_insp_count_t c;
    s_plan(s, 6, 2026, got, sizeof got, &c);
    assert_int_equal(c.target, 3);
    assert_string_equal(got, "S4 S5 S1");
    /* Two of them done this year already: one more. */
    evl_insp_sys_t t[6];
    memcpy(t, s, sizeof t);
    t[0].last_inspected_year = 2026;
    t[1].last_inspected_year = 2026;
    s_plan(t, 6, 2026, got, sizeof got, &c);
    assert_int_equal(c.done, 2);
    assert_string_equal(got, "S4");
    /* Odd count: half rounded up. */
    s_plan(s, 5, 2026, got, sizeof got, &c);
    assert_int_equal(c.target, 3);
}

static void
s_reasons(void **state)
{
    (void) state;
    const evl_insp_sys_t s[] = {{"A", 3, 2022, 2024},
                                {"B", 3, 2025, 0},
                                {"C", 3, 2026, 0},
                                {"D", 3, 2026, 0}};
    evl_insp_pick_t p[4];
    evl_insp_count_t c;
    size_t n = 0;
    assert_int_equal(evl_inspect_plan(s, 4, 2026, p, &n, &c), 0);
    assert_int_equal(n, 2); /* A, B required: 2 of 4 */
    assert_string_equal(p[0].reason, "required: never inspected, accepted "
                                     "2025, due by the end of 2026");
    assert_string_equal(p[1].reason, "required: last inspected 2024, due by "
                                     "the end of 2026");
    /* Without B and A inspected: C fills up. */
    const evl_insp_sys_t t[] = {
        {"A", 3, 2022, 2026}, {"C", 3, 2026, 0}, {"D", 3, 2026, 0}};
    assert_int_equal(evl_inspect_plan(t, 3, 2026, p, &n, &c), 0);
    assert_int_equal(n, 1);
    assert_false(p[0].required);
    assert_string_equal(p[0].reason, "to spread the load: never inspected, "
                                     "accepted 2026, due by the end of 2027");
}

static void
s_bad_input(void **state)
{
    (void) state;
    evl_insp_pick_t p[1];
    evl_insp_count_t c;
    size_t n = 7;
    const evl_insp_sys_t s[] = {{NULL, 3, 2022, 0}};
    assert_int_equal(evl_inspect_plan(s, 1, 2026, p, &n, &c), CMN_EINVAL);
    assert_int_equal(evl_inspect_plan(NULL, 1, 2026, p, &n, &c), CMN_EINVAL);
    assert_int_equal(evl_inspect_plan(NULL, 0, 1999, p, &n, &c), CMN_EINVAL);
    assert_int_equal(n, 7);
    assert_int_equal(evl_inspect_plan(NULL, 0, 2026, p, &n, &c), 0);
    assert_int_equal(n, 0);
    assert_int_equal(c.important, 0);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_required_and_spread),
        cmocka_unit_test(s_fill_up_to_half),
        cmocka_unit_test(s_reasons),
        cmocka_unit_test(s_bad_input),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

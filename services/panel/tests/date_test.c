/* date_test.c - strict YYYY-MM-DD dates and their day counts. */
#include "pnl_test.h"

static void
s_known_days(void **state)
{
    (void) state;
    assert_int_equal(pnl_test_day("1970-01-01"), 0);
    assert_int_equal(pnl_test_day("1969-12-31"), -1);
    assert_int_equal(pnl_test_day("2000-02-29"), 11016);
    assert_int_equal(pnl_test_day("2024-05-16"), 19859);
    assert_int_equal(pnl_test_day("0001-01-01"), PNL_DATE_MIN);
    assert_int_equal(pnl_test_day("9999-12-31"), PNL_DATE_MAX);

    pnl_date_t d = 0;
    assert_int_equal(pnl_date_from_ymd(2024, 2, 29, &d), 0);
    assert_int_equal(d, pnl_test_day("2024-02-29"));
}

/* Every day from 0001-01-01 to 9999-12-31 formats and parses back to
 * itself, and the text of day d + 1 sorts after that of day d. */
static void
s_round_trip_every_day(void **state)
{
    (void) state;
    char prev[PNL_DATE_STRLEN] = "0000-12-31";
    for (pnl_date_t d = PNL_DATE_MIN; d <= PNL_DATE_MAX; d++) {
        char text[PNL_DATE_STRLEN];
        pnl_date_t back = PNL_DATE_NEVER;
        if (pnl_date_format(d, text, sizeof text) != 0 ||
            pnl_date_parse(text, &back) != 0 || back != d ||
            strcmp(prev, text) >= 0)
            fail_msg("day %ld: \"%s\" after \"%s\"", (long) d, text, prev);
        memcpy(prev, text, sizeof prev);
    }
    assert_string_equal(prev, "9999-12-31");
}

static void
s_parse_rejects(void **state)
{
    (void) state;
    static const char *const bad[] = {
        "2023-02-29",
        "1900-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-04-31",
        "2024-05-00",
        "2024-5-16",
        "2024-05-16 ",
        " 2024-05-16",
        "2024/05/16",
        "+024-05-16",
        "0000-01-01",
        "",
        "2024-05-1x",
        "20240516",
        "2024-05-16T00:00",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pnl_date_t d = 42;
        if (pnl_date_parse(bad[i], &d) != CMN_EINVAL || d != 42)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    pnl_date_t d = 42;
    assert_int_equal(pnl_date_parse(NULL, &d), CMN_EINVAL);
    assert_int_equal(pnl_date_from_ymd(2023, 2, 29, &d), CMN_EINVAL);
    assert_int_equal(pnl_date_from_ymd(10000, 1, 1, &d), CMN_EINVAL);
    assert_int_equal(d, 42);
}

static void
s_format_rejects(void **state)
{
    (void) state;
    char text[PNL_DATE_STRLEN];
    assert_int_equal(pnl_date_format(0, text, PNL_DATE_STRLEN - 1), CMN_EINVAL);
    assert_int_equal(pnl_date_format(PNL_DATE_NEVER, text, sizeof text),
                     CMN_EINVAL);
    assert_int_equal(pnl_date_format(PNL_DATE_MAX + 1, text, sizeof text),
                     CMN_EINVAL);
    assert_int_equal(pnl_date_format(PNL_DATE_MIN - 1, text, sizeof text),
                     CMN_EINVAL);
}

static void
s_weekdays(void **state)
{
    (void) state;
    assert_int_equal(pnl_date_weekday(0), PNL_THURSDAY);
    assert_int_equal(pnl_date_weekday(-1), PNL_WEDNESDAY);
    assert_int_equal(pnl_date_weekday(pnl_test_day("2024-05-16")),
                     PNL_THURSDAY);
    assert_int_equal(pnl_date_weekday(pnl_test_day("2024-05-19")), PNL_SUNDAY);
    assert_int_equal(pnl_date_weekday(PNL_DATE_MIN), PNL_MONDAY);
    assert_int_equal(pnl_date_weekday(PNL_DATE_MAX), PNL_FRIDAY);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_known_days),
        cmocka_unit_test(s_round_trip_every_day),
        cmocka_unit_test(s_parse_rejects),
        cmocka_unit_test(s_format_rejects),
        cmocka_unit_test(s_weekdays),
    };
    return PNL_TEST_RUN(tests, argc, argv);
}

/* date_test.c - days since 1970 <-> YYYY-MM-DD, strict parsing, weekdays. */
#include "rvw/date.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static rvw_date_t
s_date(const char *text)
{
    rvw_date_t d = 0;
    assert_int_equal(rvw_date_parse(text, &d), 0);
    return d;
}

static void
test_known_days(void **state)
{
    (void) state;
    assert_int_equal(s_date("1970-01-01"), 0);
    assert_int_equal(s_date("1970-01-02"), 1);
    assert_int_equal(s_date("1969-12-31"), -1);
    assert_int_equal(s_date("2000-03-01"), 11017);
    assert_int_equal(s_date("2026-01-01"), 20454);
    assert_int_equal(s_date("0001-01-01"), RVW_DATE_MIN);
    assert_int_equal(s_date("9999-12-31"), RVW_DATE_MAX);
    assert_int_equal(s_date("2026-03-01") - s_date("2026-02-28"), 1);
    assert_int_equal(s_date("2024-03-01") - s_date("2024-02-28"), 2);
    assert_int_equal(s_date("2027-01-01") - s_date("2026-01-01"), 365);
}

static void
test_weekday(void **state)
{
    (void) state;
    assert_int_equal(rvw_date_weekday(s_date("1970-01-01")), 4); /* Thu */
    assert_int_equal(rvw_date_weekday(s_date("1969-12-28")), 7); /* Sun */
    assert_int_equal(rvw_date_weekday(s_date("2026-01-01")), 4); /* Thu */
    assert_int_equal(rvw_date_weekday(s_date("2026-02-14")), 6); /* Sat */
    assert_int_equal(rvw_date_weekday(s_date("2026-09-20")), 7); /* Sun */
    assert_int_equal(rvw_date_weekday(s_date("2026-02-23")), 1); /* Mon */
    assert_int_equal(rvw_date_weekday(s_date("0001-01-01")), 1); /* Mon */
}

static void
test_round_trip_every_day(void **state)
{
    (void) state;
    int py = 0, pm = 12, pd = 31; /* the day before 0001-01-01 */
    for (rvw_date_t d = RVW_DATE_MIN; d <= RVW_DATE_MAX; d++) {
        int y, m, dd;
        rvw_date_to_ymd(d, &y, &m, &dd);
        /* Each day follows the previous one in the calendar. */
        if (dd != pd + 1) {
            assert_int_equal(dd, 1);
            assert_true(m == pm + 1 || (m == 1 && pm == 12 && y == py + 1));
        } else {
            assert_int_equal(m, pm);
            assert_int_equal(y, py);
        }
        rvw_date_t back = 0;
        assert_int_equal(rvw_date_from_ymd(y, m, dd, &back), 0);
        assert_int_equal(back, d);
        py = y, pm = m, pd = dd;
    }
    assert_int_equal(py, 9999);
}

static void
test_format(void **state)
{
    (void) state;
    char buf[RVW_DATE_BUFSZ];
    assert_string_equal(rvw_date_format(0, buf), "1970-01-01");
    assert_string_equal(rvw_date_format(s_date("2026-10-10"), buf),
                        "2026-10-10");
    assert_string_equal(rvw_date_format(RVW_DATE_MIN, buf), "0001-01-01");
    assert_string_equal(rvw_date_format(RVW_DATE_MAX, buf), "9999-12-31");
    assert_string_equal(rvw_date_format(RVW_DATE_MAX + 1, buf), "0000-00-00");
    assert_string_equal(rvw_date_format(INT32_MIN, buf), "0000-00-00");
}

static void
test_parse_rejects(void **state)
{
    (void) state;
    static const char *const bad[] = {
        "",           "2026",        "2026-1-01",   "2026-01-1",   "26-01-01",
        "2026/01/01", "2026-01-01 ", " 2026-01-01", "2026-01-01x", "2026-13-01",
        "2026-00-10", "2026-01-00",  "2026-02-29",  "2100-02-29",  "2026-04-31",
        "0000-01-01", "+026-01-01",  "2026-0a-01",  "2026--1-01",  "20260101",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rvw_date_t d = 777;
        assert_int_equal(rvw_date_parse(bad[i], &d), CMN_EINVAL);
        assert_int_equal(d, 777);
    }
    rvw_date_t d;
    assert_int_equal(rvw_date_parse("2024-02-29", &d), 0); /* leap year */
    assert_int_equal(rvw_date_parse("2000-02-29", &d), 0);
    assert_int_equal(rvw_date_parse(NULL, &d), CMN_EINVAL);
    assert_int_equal(rvw_date_from_ymd(10000, 1, 1, &d), CMN_EINVAL);
    assert_int_equal(rvw_date_from_ymd(2026, 2, 29, &d), CMN_EINVAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_days),
        cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_round_trip_every_day),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* date_test.c - days since 1970 <-> YYYY-MM-DD, strict parsing, weekdays,
 * month arithmetic and the civil date of an instant. */
#include "cmn_test/unit.h"
#include "dom/date.h"

#include <limits.h>

static dom_date_t
s_day(const char *text)
{
    dom_date_t d = DOM_DATE_NEVER;
    assert_int_equal(dom_date_parse(text, &d), 0);
    return d;
}

static void
s_known_days(void **state)
{
    (void) state;
    assert_int_equal(s_day("1970-01-01"), 0);
    assert_int_equal(s_day("1970-01-02"), 1);
    assert_int_equal(s_day("1969-12-31"), -1);
    assert_int_equal(s_day("2000-02-29"), 11016);
    assert_int_equal(s_day("2000-03-01"), 11017);
    assert_int_equal(s_day("2026-01-01"), 20454);
    assert_int_equal(s_day("0001-01-01"), DOM_DATE_MIN);
    assert_int_equal(s_day("9999-12-31"), DOM_DATE_MAX);
    assert_int_equal(s_day("2026-03-01") - s_day("2026-02-28"), 1);
    assert_int_equal(s_day("2024-03-01") - s_day("2024-02-28"), 2);
    assert_int_equal(s_day("2027-01-01") - s_day("2026-01-01"), 365);
    dom_date_t d = 0;
    assert_int_equal(dom_date_from_ymd(2024, 2, 29, &d), 0);
    assert_int_equal(d, s_day("2024-02-29"));
}

static void
s_valid(void **state)
{
    (void) state;
    assert_true(dom_date_valid(DOM_DATE_MIN));
    assert_true(dom_date_valid(DOM_DATE_MAX));
    assert_true(dom_date_valid(0));
    assert_false(dom_date_valid(DOM_DATE_MIN - 1));
    assert_false(dom_date_valid(DOM_DATE_MAX + 1));
    assert_false(dom_date_valid(DOM_DATE_NEVER));
    assert_true(DOM_DATE_NEVER < DOM_DATE_MIN); /* sorts before every date */
}

static void
s_weekday(void **state)
{
    (void) state;
    assert_int_equal(dom_date_weekday(s_day("1970-01-01")), DOM_THURSDAY);
    assert_int_equal(dom_date_weekday(s_day("1969-12-28")), DOM_SUNDAY);
    assert_int_equal(dom_date_weekday(s_day("1969-12-29")), DOM_MONDAY);
    assert_int_equal(dom_date_weekday(s_day("2026-01-01")), DOM_THURSDAY);
    assert_int_equal(dom_date_weekday(s_day("2026-02-14")), DOM_SATURDAY);
    assert_int_equal(dom_date_weekday(s_day("2026-09-20")), DOM_SUNDAY);
    assert_int_equal(dom_date_weekday(s_day("2026-02-23")), DOM_MONDAY);
    assert_int_equal(dom_date_weekday(s_day("2026-02-24")), DOM_TUESDAY);
    assert_int_equal(dom_date_weekday(s_day("2026-02-25")), DOM_WEDNESDAY);
    assert_int_equal(dom_date_weekday(s_day("2026-02-27")), DOM_FRIDAY);
    assert_int_equal(dom_date_weekday(s_day("0001-01-01")), DOM_MONDAY);
    assert_int_equal(dom_date_weekday(s_day("9999-12-31")), DOM_FRIDAY);
    /* Defined for every value, NEVER included. */
    int w = dom_date_weekday(DOM_DATE_NEVER);
    assert_true(w >= DOM_MONDAY && w <= DOM_SUNDAY);
    assert_int_equal(dom_date_weekday(INT32_MAX),
                     (dom_date_weekday(INT32_MAX - 7)));
}

/* Every day from 0001-01-01 to 9999-12-31 follows the one before it in the
 * calendar, converts back to itself, and formats and parses back. */
static void
s_round_trip_every_day(void **state)
{
    (void) state;
    int py = 0, pm = 12, pd = 31; /* the day before 0001-01-01 */
    char prev[DOM_DATE_BUFSZ] = "0000-12-31";
    for (dom_date_t d = DOM_DATE_MIN; d <= DOM_DATE_MAX; d++) {
        int y, m, dd;
        dom_date_to_ymd(d, &y, &m, &dd);
        bool next_day = dd == pd + 1 && m == pm && y == py;
        bool next_month =
            dd == 1 && pd == dom_days_in_month(py, pm) &&
            (m == pm + 1 ? y == py : m == 1 && pm == 12 && y == py + 1);
        dom_date_t back = DOM_DATE_NEVER, parsed = DOM_DATE_NEVER;
        char text[DOM_DATE_BUFSZ];
        dom_date_format(d, text);
        if (!(next_day || next_month) ||
            dom_date_from_ymd(y, m, dd, &back) != 0 || back != d ||
            dom_date_parse(text, &parsed) != 0 || parsed != d ||
            strcmp(prev, text) >= 0)
            fail_msg("day %ld: %d-%d-%d \"%s\" after \"%s\"", (long) d, y, m,
                     dd, text, prev);
        memcpy(prev, text, sizeof prev);
        py = y, pm = m, pd = dd;
    }
    assert_string_equal(prev, "9999-12-31");
}

static void
s_to_ymd_null_pointers(void **state)
{
    (void) state;
    int y = 0, m = 0, d = 0;
    dom_date_to_ymd(s_day("2026-10-10"), &y, NULL, NULL);
    assert_int_equal(y, 2026);
    dom_date_to_ymd(s_day("2026-10-10"), NULL, &m, NULL);
    assert_int_equal(m, 10);
    dom_date_to_ymd(s_day("2026-10-09"), NULL, NULL, &d);
    assert_int_equal(d, 9);
    dom_date_to_ymd(0, NULL, NULL, NULL);
    /* Outside the valid range the arithmetic still holds. */
    dom_date_to_ymd(DOM_DATE_MAX + 1, &y, &m, &d);
    assert_int_equal(y, 10000);
    assert_int_equal(m, 1);
    assert_int_equal(d, 1);
    dom_date_to_ymd(DOM_DATE_NEVER, &y, NULL, NULL);
    assert_true(y < 0);
}

static void
s_format(void **state)
{
    (void) state;
    char buf[DOM_DATE_BUFSZ];
    assert_string_equal(dom_date_format(0, buf), "1970-01-01");
    assert_ptr_equal(dom_date_format(0, buf), buf);
    assert_string_equal(dom_date_format(s_day("2026-10-10"), buf),
                        "2026-10-10");
    assert_string_equal(dom_date_format(DOM_DATE_MIN, buf), "0001-01-01");
    assert_string_equal(dom_date_format(DOM_DATE_MAX, buf), "9999-12-31");
    assert_string_equal(dom_date_format(DOM_DATE_MAX + 1, buf), "0000-00-00");
    assert_string_equal(dom_date_format(DOM_DATE_MIN - 1, buf), "0000-00-00");
    assert_string_equal(dom_date_format(DOM_DATE_NEVER, buf), "0000-00-00");
    assert_string_equal(dom_date_format(INT32_MAX, buf), "0000-00-00");
}

static void
s_parse_rejects(void **state)
{
    (void) state;
    static const char *const bad[] = {
        "",
        "2026",
        "2026-1-01",
        "2026-01-1",
        "26-01-01",
        "2026/01/01",
        "2026-01-01 ",
        " 2026-01-01",
        "2026-01-01x",
        "2026-13-01",
        "2026-00-10",
        "2026-01-00",
        "2026-02-29",
        "2100-02-29",
        "1900-02-29",
        "2026-04-31",
        "0000-01-01",
        "+026-01-01",
        "2026-0a-01",
        "2026--1-01",
        "20260101",
        "2026-01-01T00:00",
        "２０２６-01-01",
        "2026-01-32",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dom_date_t d = 777;
        if (dom_date_parse(bad[i], &d) != CMN_EINVAL || d != 777)
            fail_msg("\"%s\" was accepted or changed the output", bad[i]);
    }
    dom_date_t d = 777;
    assert_int_equal(dom_date_parse(NULL, &d), CMN_EINVAL);
    assert_int_equal(dom_date_parse("2026-01-01", NULL), CMN_EINVAL);
    assert_int_equal(dom_date_from_ymd(10000, 1, 1, &d), CMN_EINVAL);
    assert_int_equal(dom_date_from_ymd(0, 12, 31, &d), CMN_EINVAL);
    assert_int_equal(dom_date_from_ymd(2026, 2, 29, &d), CMN_EINVAL);
    assert_int_equal(dom_date_from_ymd(2026, 13, 1, &d), CMN_EINVAL);
    assert_int_equal(dom_date_from_ymd(2026, 0, 1, &d), CMN_EINVAL);
    assert_int_equal(dom_date_from_ymd(2026, 1, 0, &d), CMN_EINVAL);
    assert_int_equal(dom_date_from_ymd(2026, 1, 1, NULL), CMN_EINVAL);
    assert_int_equal(d, 777);
    assert_int_equal(dom_date_parse("2024-02-29", &d), 0); /* leap year */
    assert_int_equal(dom_date_parse("2000-02-29", &d), 0); /* 400 rule */
}

static void
s_days_in_month(void **state)
{
    (void) state;
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; m++)
        assert_int_equal(dom_days_in_month(2026, m), days[m - 1]);
    assert_int_equal(dom_days_in_month(2024, 2), 29);
    assert_int_equal(dom_days_in_month(2000, 2), 29);
    assert_int_equal(dom_days_in_month(1900, 2), 28);
    assert_int_equal(dom_days_in_month(2100, 2), 28);
    assert_int_equal(dom_days_in_month(2026, 0), 0);
    assert_int_equal(dom_days_in_month(2026, 13), 0);
    assert_int_equal(dom_days_in_month(2026, -1), 0);
}

/* d + n months as text. */
static const char *
s_plus(const char *d, int n, char buf[DOM_DATE_BUFSZ])
{
    dom_date_t out = DOM_DATE_NEVER;
    int rc = dom_date_add_months(s_day(d), n, &out);
    if (rc != 0)
        return "error";
    return dom_date_format(out, buf);
}

static void
s_add_months_month_ends(void **state)
{
    (void) state;
    char b[DOM_DATE_BUFSZ];
    assert_string_equal(s_plus("2026-08-31", 6, b), "2027-02-28");
    assert_string_equal(s_plus("2027-08-31", 6, b), "2028-02-29"); /* leap */
    assert_string_equal(s_plus("2024-02-29", 12, b), "2025-02-28");
    assert_string_equal(s_plus("2024-02-29", 24, b), "2026-02-28");
    assert_string_equal(s_plus("2024-02-29", 48, b), "2028-02-29");
    assert_string_equal(s_plus("2026-01-31", 1, b), "2026-02-28");
    assert_string_equal(s_plus("2024-01-31", 1, b), "2024-02-29");
    assert_string_equal(s_plus("2026-01-31", 3, b), "2026-04-30");
    assert_string_equal(s_plus("2026-03-31", -1, b), "2026-02-28");
    assert_string_equal(s_plus("2024-03-31", -1, b), "2024-02-29");
    assert_string_equal(s_plus("2026-01-15", -1, b), "2025-12-15");
    assert_string_equal(s_plus("2026-12-15", 1, b), "2027-01-15");
    assert_string_equal(s_plus("2026-05-17", 0, b), "2026-05-17");
    assert_string_equal(s_plus("2026-05-17", -24, b), "2024-05-17");
    assert_string_equal(s_plus("2026-05-17", 1200, b), "2126-05-17");
    assert_string_equal(s_plus("9999-11-30", 1, b), "9999-12-30");
    assert_string_equal(s_plus("0001-02-28", -1, b), "0001-01-28");
}

static void
s_add_months_limits(void **state)
{
    (void) state;
    dom_date_t out = 42;
    assert_int_equal(dom_date_add_months(DOM_DATE_MAX, 1, &out), CMN_EINVAL);
    assert_int_equal(dom_date_add_months(DOM_DATE_MIN, -1, &out), CMN_EINVAL);
    assert_int_equal(dom_date_add_months(0, INT_MAX, &out), CMN_EINVAL);
    assert_int_equal(dom_date_add_months(0, INT_MIN, &out), CMN_EINVAL);
    assert_int_equal(dom_date_add_months(DOM_DATE_NEVER, 1, &out), CMN_EINVAL);
    assert_int_equal(dom_date_add_months(DOM_DATE_MAX + 1, -1, &out),
                     CMN_EINVAL);
    assert_int_equal(dom_date_add_months(0, 1, NULL), CMN_EINVAL);
    assert_int_equal(out, 42); /* untouched */
    assert_int_equal(dom_date_add_months(DOM_DATE_MIN, 0, &out), 0);
    assert_int_equal(out, DOM_DATE_MIN);
    assert_int_equal(dom_date_add_months(DOM_DATE_MIN, 9998 * 12 + 11, &out),
                     0);
    assert_int_equal(out, s_day("9999-12-01"));
}

/* For every day of 2020..2029 and every n in -30..30, the result is the
 * same day (or the last day) of the month n months on, counted one month
 * at a time. */
static void
s_add_months_every_day(void **state)
{
    (void) state;
    for (dom_date_t d = s_day("2020-01-01"); d <= s_day("2029-12-31"); d++) {
        int y, m, day;
        dom_date_to_ymd(d, &y, &m, &day);
        for (int n = -30; n <= 30; n++) {
            int ty = y, tm = m;
            for (int k = 0; k < (n < 0 ? -n : n); k++) {
                tm += n < 0 ? -1 : 1;
                if (tm == 0 || tm == 13) {
                    ty += tm == 0 ? -1 : 1;
                    tm = tm == 0 ? 12 : 1;
                }
            }
            int last = dom_days_in_month(ty, tm);
            dom_date_t want = 0, got = 0;
            assert_int_equal(
                dom_date_from_ymd(ty, tm, day < last ? day : last, &want), 0);
            assert_int_equal(dom_date_add_months(d, n, &got), 0);
            if (got != want)
                fail_msg("day %ld + %d months", (long) d, n);
        }
    }
}

static void
s_date_of_us(void **state)
{
    (void) state;
    const int64_t day = INT64_C(86400000000), hour = INT64_C(3600000000);
    assert_int_equal(dom_date_of_us(0, 0), 0);
    assert_int_equal(dom_date_of_us(day - 1, 0), 0);
    assert_int_equal(dom_date_of_us(day, 0), 1);
    assert_int_equal(dom_date_of_us(-1, 0), -1);
    assert_int_equal(dom_date_of_us(-day, 0), -1);
    assert_int_equal(dom_date_of_us(-day - 1, 0), -2);
    /* China (UTC+8): local midnight is 16:00 UTC the day before. */
    assert_int_equal(dom_date_of_us(-8 * hour, 28800), 0);
    assert_int_equal(dom_date_of_us(-8 * hour - 1, 28800), -1);
    assert_int_equal(dom_date_of_us(16 * hour - 1, 28800), 0);
    assert_int_equal(dom_date_of_us(16 * hour, 28800), 1);
    /* 2026-02-01T00:00:00+08:00 = 2026-01-31T16:00:00Z. */
    const int64_t feb1 = INT64_C(1769875200000000);
    assert_int_equal(dom_date_of_us(feb1, 28800), s_day("2026-02-01"));
    assert_int_equal(dom_date_of_us(feb1 - 1, 28800), s_day("2026-01-31"));
    assert_int_equal(dom_date_of_us(feb1, 0), s_day("2026-01-31"));
    /* West of Greenwich: UTC-5 at 03:00 UTC is still the day before. */
    assert_int_equal(dom_date_of_us(3 * hour, -18000), -1);
    assert_int_equal(dom_date_of_us(5 * hour, -18000), 0);
    /* Extremes: no overflow (the sanitizer build checks), exact results. */
    assert_int_equal(dom_date_of_us(INT64_MAX, 0), 106751991);
    assert_int_equal(dom_date_of_us(INT64_MAX, 50400), 106751991);
    assert_int_equal(dom_date_of_us(INT64_MIN, 0), -106751992);
    assert_int_equal(dom_date_of_us(INT64_MIN, -50400), -106751992);
    assert_int_equal(dom_date_of_us(0, INT_MAX), INT_MAX / 86400);
    assert_int_equal(dom_date_of_us(0, INT_MIN), INT_MIN / 86400 - 1);
    assert_false(dom_date_valid(dom_date_of_us(INT64_MAX, 0)));
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_known_days),
        cmocka_unit_test(s_valid),
        cmocka_unit_test(s_weekday),
        cmocka_unit_test(s_round_trip_every_day),
        cmocka_unit_test(s_to_ymd_null_pointers),
        cmocka_unit_test(s_format),
        cmocka_unit_test(s_parse_rejects),
        cmocka_unit_test(s_days_in_month),
        cmocka_unit_test(s_add_months_month_ends),
        cmocka_unit_test(s_add_months_limits),
        cmocka_unit_test(s_add_months_every_day),
        cmocka_unit_test(s_date_of_us),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

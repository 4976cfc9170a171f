/* month_test.c - reporting periods YYYY-MM, their days, and the on-time
 * rule of monthly reports (DOMAIN.md, "Monthly aggregates"). */
#include "cmn_test/unit.h"
#include "dom/month.h"


#define S_CHINA 28800 /* UTC+8, seconds */

static dom_date_t
s_day(const char *text)
{
    dom_date_t d = DOM_DATE_NEVER;
    assert_int_equal(dom_date_parse(text, &d), 0);
    return d;
}

static dom_month_t
s_month(const char *text)
{
    dom_month_t m = {0, 0};
    assert_int_equal(dom_month_parse(text, &m), 0);
    return m;
}

static void
s_parse_good(void **state)
{
    (void) state;
    dom_month_t m = s_month("2026-02");
    assert_int_equal(m.year, 2026);
    assert_int_equal(m.month, 2);
    m = s_month("0001-01");
    assert_int_equal(m.year, 1);
    assert_int_equal(m.month, 1);
    m = s_month("9999-12");
    assert_int_equal(m.year, 9999);
    assert_int_equal(m.month, 12);
}

static void
s_parse_rejects(void **state)
{
    (void) state;
    static const char *const bad[] = {
        "",         "2026",     "2026-",    "2026-1",     "2026-13",
        "2026-00",  "0000-01",  "2026-01-", "2026-011",   "2026/01",
        " 2026-01", "2026-01 ", "+026-01",  "2026-0a",    "202601",
        "26-01",    "2026-1a",  "2026--1",  "2026-01-01",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dom_month_t m = {7, 7};
        if (dom_month_parse(bad[i], &m) != CMN_EINVAL || m.year != 7 ||
            m.month != 7)
            fail_msg("\"%s\" was accepted or changed the output", bad[i]);
    }
    dom_month_t m;
    assert_int_equal(dom_month_parse(NULL, &m), CMN_EINVAL);
    assert_int_equal(dom_month_parse("2026-01", NULL), CMN_EINVAL);
}

static void
s_format(void **state)
{
    (void) state;
    char buf[DOM_MONTH_BUFSZ];
    assert_string_equal(dom_month_format(s_month("2026-02"), buf), "2026-02");
    assert_ptr_equal(dom_month_format(s_month("2026-02"), buf), buf);
    assert_string_equal(dom_month_format((dom_month_t){1, 1}, buf), "0001-01");
    assert_string_equal(dom_month_format((dom_month_t){9999, 12}, buf),
                        "9999-12");
    assert_string_equal(dom_month_format((dom_month_t){2026, 13}, buf),
                        "0000-00");
    assert_string_equal(dom_month_format((dom_month_t){2026, 0}, buf),
                        "0000-00");
    assert_string_equal(dom_month_format((dom_month_t){10000, 1}, buf),
                        "0000-00");
    assert_string_equal(dom_month_format((dom_month_t){-1, 5}, buf), "0000-00");
    assert_false(dom_month_valid((dom_month_t){0, 0}));
    assert_true(dom_month_valid((dom_month_t){2026, 12}));
}

static void
s_of_first_last(void **state)
{
    (void) state;
    dom_month_t m = dom_month_of(s_day("2026-02-14"));
    assert_int_equal(m.year, 2026);
    assert_int_equal(m.month, 2);
    assert_int_equal(dom_month_first(m), s_day("2026-02-01"));
    assert_int_equal(dom_month_last(m), s_day("2026-02-28"));
    assert_int_equal(dom_month_last(s_month("2024-02")), s_day("2024-02-29"));
    assert_int_equal(dom_month_last(s_month("2026-12")), s_day("2026-12-31"));
    assert_int_equal(dom_month_last(s_month("2026-04")), s_day("2026-04-30"));
    assert_int_equal(dom_month_first(s_month("0001-01")), DOM_DATE_MIN);
    assert_int_equal(dom_month_last(s_month("9999-12")), DOM_DATE_MAX);
    /* Every day of 2024 lies in its month, between its first and last. */
    for (dom_date_t d = s_day("2024-01-01"); d <= s_day("2024-12-31"); d++) {
        dom_month_t dm = dom_month_of(d);
        assert_true(dom_month_first(dm) <= d && d <= dom_month_last(dm));
    }
    /* No answer for what is not valid. */
    m = dom_month_of(DOM_DATE_NEVER);
    assert_int_equal(m.year, 0);
    assert_int_equal(m.month, 0);
    m = dom_month_of(DOM_DATE_MAX + 1);
    assert_false(dom_month_valid(m));
    assert_int_equal(dom_month_first((dom_month_t){2026, 13}), DOM_DATE_NEVER);
    assert_int_equal(dom_month_last((dom_month_t){0, 1}), DOM_DATE_NEVER);
}

static void
s_next(void **state)
{
    (void) state;
    char buf[DOM_MONTH_BUFSZ];
    assert_string_equal(
        dom_month_format(dom_month_next(s_month("2026-01")), buf), "2026-02");
    assert_string_equal(
        dom_month_format(dom_month_next(s_month("2026-12")), buf), "2027-01");
    dom_month_t last = dom_month_next(s_month("9999-12"));
    assert_int_equal(last.year, 0);
    assert_int_equal(last.month, 0);
    assert_false(dom_month_valid(dom_month_next((dom_month_t){2026, 13})));
    /* The next month starts the day after the month's last day. */
    for (dom_month_t m = s_month("2023-11"); m.year < 2025;
         m = dom_month_next(m))
        assert_int_equal(dom_month_first(dom_month_next(m)),
                         dom_month_last(m) + 1);
}

/* The instants: 2026-02-01T00:00:00+08:00 is 1769875200 s; 2024-03-01 and
 * 2027-01-01 at +08:00 likewise (computed with Python's datetime). */
static void
s_late_from(void **state)
{
    (void) state;
    assert_int_equal(dom_month_late_from_us(s_month("2026-01"), S_CHINA),
                     INT64_C(1769875200000000));
    assert_int_equal(dom_month_late_from_us(s_month("2026-01"), 0),
                     INT64_C(1769904000000000));
    assert_int_equal(dom_month_late_from_us(s_month("2024-02"), S_CHINA),
                     INT64_C(1709222400000000));
    assert_int_equal(dom_month_late_from_us(s_month("2026-12"), S_CHINA),
                     INT64_C(1798732800000000));
    assert_int_equal(dom_month_late_from_us(s_month("0001-01"), 0),
                     INT64_C(-62132918400000000));
    assert_int_equal(dom_month_late_from_us(s_month("9999-12"), 0),
                     INT64_C(253402300800000000));
    assert_int_equal(dom_month_late_from_us((dom_month_t){2026, 0}, S_CHINA),
                     INT64_MIN);
    /* The first late instant is local midnight: its date is the next
     * month's first day, the instant before it the month's last day. */
    for (dom_month_t m = s_month("2025-12"); m.year < 2027;
         m = dom_month_next(m)) {
        int64_t late = dom_month_late_from_us(m, S_CHINA);
        assert_int_equal(dom_date_of_us(late, S_CHINA),
                         dom_month_first(dom_month_next(m)));
        assert_int_equal(dom_date_of_us(late - 1, S_CHINA), dom_month_last(m));
    }
}

static void
s_on_time(void **state)
{
    (void) state;
    const int64_t s = 1000000;
    dom_month_t jan = s_month("2026-01");
    int64_t late = INT64_C(1769875200000000); /* 2026-02-01T00:00+08:00 */
    assert_true(dom_month_on_time(jan, late - 1, S_CHINA)); /* 23:59:59.9 */
    assert_true(dom_month_on_time(jan, late - s, S_CHINA)); /* 23:59:59 */
    assert_false(dom_month_on_time(jan, late, S_CHINA));    /* 00:00:00 */
    assert_false(dom_month_on_time(jan, late + 86400 * s, S_CHINA));
    /* Early reports are on time too ("due before the month ends"). */
    assert_true(dom_month_on_time(jan, 0, S_CHINA));
    assert_true(dom_month_on_time(jan, INT64_MIN, S_CHINA));
    /* The same instant read in UTC: still 2026-01-31 16:00, on time. */
    assert_true(dom_month_on_time(jan, late, 0));
    /* Leap February: 2024-02-29 23:59:59 local is on time. */
    dom_month_t feb = s_month("2024-02");
    int64_t mar1 = INT64_C(1709222400000000);
    assert_true(dom_month_on_time(feb, mar1 - s, S_CHINA));
    assert_false(dom_month_on_time(feb, mar1, S_CHINA));
    /* A month that is not valid is never on time. */
    assert_false(dom_month_on_time((dom_month_t){2026, 13}, 0, S_CHINA));
    assert_false(dom_month_on_time((dom_month_t){0, 0}, INT64_MIN, 0));
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_parse_good), cmocka_unit_test(s_parse_rejects),
        cmocka_unit_test(s_format),     cmocka_unit_test(s_of_first_last),
        cmocka_unit_test(s_next),       cmocka_unit_test(s_late_from),
        cmocka_unit_test(s_on_time),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

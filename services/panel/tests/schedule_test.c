/* schedule_test.c - session dates on the calendar and room in sessions. */
#include "pnl/schedule.h"
#include "pnl_test.h"

/* The first session on or after the day `from` names. */
static dom_date_t
s_first(const pnl_calendar_t *cal, const char *from)
{
    dom_date_t d = DOM_DATE_NEVER;
    assert_int_equal(pnl_schedule_first(cal, pnl_test_day(from), &d), 0);
    return d;
}

static void
s_default_calendar(void **state)
{
    (void) state;
    pnl_calendar_t cal;
    pnl_calendar_default(&cal);
    assert_int_equal(cal.cadence, PNL_CADENCE_WEEKLY);
    assert_int_equal(cal.weekday, DOM_THURSDAY);
    assert_int_equal(cal.capacity, 5);
    assert_int_equal(pnl_calendar_check(&cal, NULL, 0), 0);
}

static void
s_session_dates(void **state)
{
    (void) state;
    pnl_calendar_t cal;
    pnl_calendar_default(&cal); /* Thursdays */
    dom_date_t thu = pnl_test_day("2024-05-16");
    assert_int_equal(s_first(&cal, "2024-05-13"), thu); /* Monday before */
    assert_int_equal(s_first(&cal, "2024-05-16"), thu); /* the day itself */
    assert_int_equal(s_first(&cal, "2024-05-17"), thu + 7);
    assert_int_equal(s_first(&cal, "1969-12-29"), 0); /* before day 0 */
    assert_int_equal(s_first(&cal, "1969-12-24"), -7);

    cal.weekday = DOM_MONDAY;
    assert_int_equal(s_first(&cal, "2024-05-16"), pnl_test_day("2024-05-20"));
    cal.weekday = DOM_SUNDAY;
    assert_int_equal(s_first(&cal, "2024-05-19"), pnl_test_day("2024-05-19"));

    /* Every 14 days from 2024-01-04, forwards and backwards. */
    cal.cadence = PNL_CADENCE_EVERY_N_DAYS;
    cal.interval_days = 14;
    cal.anchor = pnl_test_day("2024-01-04");
    assert_int_equal(s_first(&cal, "2024-01-04"), cal.anchor);
    assert_int_equal(s_first(&cal, "2024-05-10"), pnl_test_day("2024-05-23"));
    assert_int_equal(s_first(&cal, "2024-05-09"), pnl_test_day("2024-05-09"));
    assert_int_equal(s_first(&cal, "2023-12-22"), cal.anchor);
    assert_int_equal(s_first(&cal, "2023-12-21"), pnl_test_day("2023-12-21"));
    cal.interval_days = 1;
    assert_int_equal(s_first(&cal, "2030-07-01"), pnl_test_day("2030-07-01"));

    /* 9999-12-31 is a Friday: no Thursday session after 9999-12-30. */
    pnl_calendar_default(&cal);
    dom_date_t d = 7;
    assert_int_equal(pnl_schedule_first(&cal, DOM_DATE_MAX, &d), CMN_ENOENT);
    assert_int_equal(d, 7);
}

/* A case goes to a session strictly after the day it arrived, and on or
 * after `from`. */
static void
s_place_after_arrival(void **state)
{
    (void) state;
    pnl_calendar_t cal;
    pnl_calendar_default(&cal);
    dom_date_t thu = pnl_test_day("2024-05-16"), d = 0;

    assert_int_equal(pnl_schedule_place(&cal, NULL, 0, thu, thu, &d), 0);
    assert_int_equal(d, thu + 7); /* not the day it arrived */
    assert_int_equal(pnl_schedule_place(&cal, NULL, 0, thu - 1, 0, &d), 0);
    assert_int_equal(d, thu); /* arrived Wednesday: the next day */
    assert_int_equal(pnl_schedule_place(&cal, NULL, 0, thu - 1, thu + 1, &d),
                     0);
    assert_int_equal(d, thu + 7); /* from is later than arrival */
}

static void
s_capacity_overflow(void **state)
{
    (void) state;
    pnl_calendar_t cal;
    pnl_calendar_default(&cal); /* 5 cases per Thursday */
    dom_date_t thu = pnl_test_day("2024-05-16"), d = 0;
    int room = -1;

    /* One row per case: four booked leave room for a fifth. */
    pnl_load_t loads[16] = {{thu, 1}, {thu, 1}, {thu, 1}, {thu, 1}};
    assert_int_equal(pnl_schedule_room(&cal, loads, 4, thu, &room), 0);
    assert_int_equal(room, 1);
    assert_int_equal(pnl_schedule_place(&cal, loads, 4, thu - 3, 0, &d), 0);
    assert_int_equal(d, thu);

    /* The fifth fills it: the next case goes to the following Thursday,
     * and so on, five to a session. */
    loads[4] = (pnl_load_t){thu, 1};
    size_t n = 5;
    for (int k = 0; k < 11; k++) {
        assert_int_equal(pnl_schedule_place(&cal, loads, n, thu - 3, 0, &d), 0);
        assert_int_equal(d, thu + 7 * (1 + k / 5));
        loads[n++] = (pnl_load_t){d, 1};
    }
    assert_int_equal(pnl_schedule_room(&cal, loads, n, thu + 7, &room), 0);
    assert_int_equal(room, 0);
    assert_int_equal(pnl_schedule_room(&cal, loads, n, thu + 21, &room), 0);
    assert_int_equal(room, 4);

    /* One row per session; a session over a lowered capacity has none. */
    pnl_load_t sums[] = {{thu, 7}, {thu + 7, 2}};
    assert_int_equal(pnl_schedule_room(&cal, sums, 2, thu, &room), 0);
    assert_int_equal(room, 0);
    assert_int_equal(pnl_schedule_place(&cal, sums, 2, thu - 1, 0, &d), 0);
    assert_int_equal(d, thu + 7);
    cal.capacity = 2;
    assert_int_equal(pnl_schedule_place(&cal, sums, 2, thu - 1, 0, &d), 0);
    assert_int_equal(d, thu + 14);
}

static void
s_bad_calendar(void **state)
{
    (void) state;
    char err[160];
    pnl_calendar_t cal;
    dom_date_t d = 0;
    int room = 0;

    pnl_calendar_default(&cal);
    cal.weekday = 8;
    assert_int_equal(pnl_calendar_check(&cal, err, sizeof err), CMN_ECONFIG);
    assert_string_equal(err,
                        "\"weekday\" must be from 1 (Monday) to 7 (Sunday), "
                        "not 8");
    assert_int_equal(pnl_schedule_first(&cal, 0, &d), CMN_ECONFIG);
    assert_int_equal(pnl_schedule_room(&cal, NULL, 0, 0, &room), CMN_ECONFIG);
    assert_int_equal(pnl_schedule_place(&cal, NULL, 0, 0, 0, &d), CMN_ECONFIG);

    pnl_calendar_default(&cal);
    cal.capacity = 0;
    assert_int_equal(pnl_calendar_check(&cal, err, sizeof err), CMN_ECONFIG);
    assert_string_equal(err, "\"capacity\" must be at least 1 case, not 0");

    pnl_calendar_default(&cal);
    cal.cadence = PNL_CADENCE_EVERY_N_DAYS;
    cal.interval_days = 0;
    assert_int_equal(pnl_calendar_check(&cal, err, sizeof err), CMN_ECONFIG);
    assert_string_equal(err, "\"interval_days\" must be at least 1, not 0");
    cal.interval_days = 7;
    cal.anchor = DOM_DATE_NEVER;
    assert_int_equal(pnl_calendar_check(&cal, err, sizeof err), CMN_ECONFIG);
    assert_non_null(strstr(err, "\"anchor\""));
    cal.cadence = (pnl_cadence_t) 9;
    assert_int_equal(pnl_calendar_check(&cal, NULL, 0), CMN_ECONFIG);

    /* Bad arguments. */
    pnl_calendar_default(&cal);
    pnl_load_t neg[] = {{0, -1}};
    assert_int_equal(pnl_schedule_room(&cal, neg, 1, 0, &room), CMN_EINVAL);
    assert_int_equal(pnl_schedule_room(&cal, NULL, 1, 0, &room), CMN_EINVAL);
    assert_int_equal(pnl_schedule_first(&cal, DOM_DATE_NEVER, &d), CMN_EINVAL);
    assert_int_equal(pnl_schedule_place(&cal, NULL, 0, DOM_DATE_MAX, 0, &d),
                     CMN_EINVAL);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_default_calendar),
        cmocka_unit_test(s_session_dates),
        cmocka_unit_test(s_place_after_arrival),
        cmocka_unit_test(s_capacity_overflow),
        cmocka_unit_test(s_bad_calendar),
    };
    return PNL_TEST_RUN(tests, argc, argv);
}

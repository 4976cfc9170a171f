/* calendar_2026_test.c - the shipped 2026 calendar (calendar/cn-2026.txt)
 * against the State Council notice of 2025-11-04, and deadlines on it.
 * Every expected date below was counted by hand from the notice. */
#include "cmn_test/unit.h"
#include "dom/calendar.h"

#include <stdlib.h>

#define S_FILE DOM_CALENDAR_DIR "/cn-2026.txt"

static dom_date_t
s_date(const char *text)
{
    dom_date_t d = 0;
    assert_int_equal(dom_date_parse(text, &d), 0);
    return d;
}

/* What a service does with a calendar file: read it whole (at most one
 * byte past the limit, to tell a file that is too large), then parse it. */
static int
s_read_and_parse(dom_calendar_t *cal, const char *path, char *err,
                 size_t errlen)
{
    char *buf = malloc(DOM_CALENDAR_MAX_BYTES + 1);
    FILE *f = fopen(path, "rb");
    int rc = CMN_EIO;
    if (buf == NULL || f == NULL) {
        snprintf(err, errlen, "%s: could not open or allocate", path);
        goto out;
    }
    size_t len = fread(buf, 1, DOM_CALENDAR_MAX_BYTES + 1, f);
    if (ferror(f)) {
        snprintf(err, errlen, "%s: could not read", path);
        goto out;
    }
    rc = dom_calendar_parse(cal, path, buf, len, err, errlen);
out:
    if (f != NULL)
        fclose(f);
    free(buf);
    return rc;
}

static int
s_setup(void **state)
{
    dom_calendar_t *cal = dom_calendar_new();
    char err[512] = "";
    if (cal == NULL)
        return -1;
    int rc = s_read_and_parse(cal, S_FILE, err, sizeof err);
    if (rc != 0) {
        print_error("%s\n", err);
        dom_calendar_destroy(&cal);
        return -1;
    }
    *state = cal;
    return 0;
}

static int
s_teardown(void **state)
{
    dom_calendar_t *cal = *state;
    dom_calendar_destroy(&cal);
    return 0;
}

static bool
s_working(const dom_calendar_t *cal, const char *date)
{
    bool working = false;
    assert_int_equal(dom_calendar_is_working_day(cal, s_date(date), &working),
                     0);
    return working;
}

static void
s_covers_2026_only(void **state)
{
    const dom_calendar_t *cal = *state;
    assert_true(dom_calendar_covers(cal, 2026));
    assert_false(dom_calendar_covers(cal, 2025));
    assert_false(dom_calendar_covers(cal, 2027));
}

static void
s_specific_days(void **state)
{
    const dom_calendar_t *cal = *state;
    /* Make-up working days: every one the notice names. */
    assert_true(s_working(cal, "2026-01-04")); /* Sunday */
    assert_true(s_working(cal, "2026-02-14")); /* Saturday */
    assert_true(s_working(cal, "2026-02-28")); /* Saturday */
    assert_true(s_working(cal, "2026-05-09")); /* Saturday */
    assert_true(s_working(cal, "2026-09-20")); /* Sunday */
    assert_true(s_working(cal, "2026-10-10")); /* Saturday */
    /* Holiday weekdays. */
    assert_false(s_working(cal, "2026-01-01")); /* Thursday */
    assert_false(s_working(cal, "2026-02-16")); /* Monday, Spring Festival */
    assert_false(s_working(cal, "2026-02-18")); /* Wednesday */
    assert_false(s_working(cal, "2026-02-23")); /* Monday, last day off */
    assert_false(s_working(cal, "2026-04-06")); /* Monday, Qingming */
    assert_false(s_working(cal, "2026-05-05")); /* Tuesday, Labour Day */
    assert_false(s_working(cal, "2026-06-19")); /* Friday, Dragon Boat */
    assert_false(s_working(cal, "2026-09-25")); /* Friday, Mid-Autumn */
    assert_false(s_working(cal, "2026-10-07")); /* Wednesday, National Day */
    /* Ordinary days around them. */
    assert_true(s_working(cal, "2026-02-13"));  /* Friday before */
    assert_true(s_working(cal, "2026-02-24"));  /* Tuesday after */
    assert_true(s_working(cal, "2026-10-08"));  /* Thursday after */
    assert_true(s_working(cal, "2026-03-04"));  /* a Wednesday */
    assert_false(s_working(cal, "2026-03-07")); /* a Saturday */
    assert_false(s_working(cal, "2026-03-08")); /* a Sunday */
}

/* Length of the run of days off that contains date (days outside the
 * calendar end it). */
static int
s_run_off(const dom_calendar_t *cal, const char *date)
{
    dom_date_t d0 = s_date(date);
    bool working = true;
    assert_int_equal(dom_calendar_is_working_day(cal, d0, &working), 0);
    assert_false(working);
    int n = 1;
    for (int step = -1; step <= 1; step += 2) {
        for (dom_date_t d = d0 + step;; d += step) {
            if (dom_calendar_is_working_day(cal, d, &working) != 0 || working)
                break;
            n++;
        }
    }
    return n;
}

/* The notice's "共N天" for each holiday, as runs of days off. */
static void
s_holiday_lengths(void **state)
{
    const dom_calendar_t *cal = *state;
    assert_int_equal(s_run_off(cal, "2026-01-02"), 3); /* 1-3 Jan */
    assert_int_equal(s_run_off(cal, "2026-02-19"), 9); /* 15-23 Feb */
    assert_int_equal(s_run_off(cal, "2026-04-05"), 3); /* 4-6 Apr */
    assert_int_equal(s_run_off(cal, "2026-05-03"), 5); /* 1-5 May */
    assert_int_equal(s_run_off(cal, "2026-06-20"), 3); /* 19-21 Jun */
    assert_int_equal(s_run_off(cal, "2026-09-26"), 3); /* 25-27 Sep */
    assert_int_equal(s_run_off(cal, "2026-10-04"), 7); /* 1-7 Oct */
}

/* 2026 has 261 weekdays (365 days from a Thursday: 52 weeks and one
 * Thursday). Holidays take 19 of them (New Year 2, Spring Festival 6,
 * Qingming 1, Labour Day 3, Dragon Boat 1, Mid-Autumn 1, National Day 5)
 * and the 6 make-up days add back: 261 - 19 + 6 = 248. */
static void
s_working_days_in_year(void **state)
{
    const dom_calendar_t *cal = *state;
    int n = 0;
    assert_int_equal(
        dom_calendar_count(cal, s_date("2025-12-31"), s_date("2026-12-31"), &n),
        0);
    assert_int_equal(n, 248);
}

/* Received Friday 2026-02-13. Working days after it:
 *   1 Sat 02-14 (make-up day)
 *     Sun 02-15 .. Mon 02-23 Spring Festival, off
 *   2 Tue 02-24, 3 Wed 02-25, 4 Thu 02-26, 5 Fri 02-27,
 *   6 Sat 02-28 (make-up day)
 *     Sun 03-01
 *   7 Mon 03-02, 8 Tue 03-03, 9 Wed 03-04, 10 Thu 03-05.
 * Without the calendar it would have been Friday 02-27. */
static void
s_deadline_across_spring_festival(void **state)
{
    const dom_calendar_t *cal = *state;
    dom_date_t d = 0;
    assert_int_equal(dom_calendar_deadline(cal, s_date("2026-02-13"), 10, &d),
                     0);
    assert_int_equal(d, s_date("2026-03-05"));
    int n = 0;
    assert_int_equal(
        dom_calendar_count(cal, s_date("2026-02-13"), s_date("2026-02-27"), &n),
        0);
    assert_int_equal(n, 5);
}

/* Received Monday 2026-09-28. Working days after it:
 *   1 Tue 09-29, 2 Wed 09-30
 *     Thu 10-01 .. Wed 10-07 National Day, off
 *   3 Thu 10-08, 4 Fri 10-09, 5 Sat 10-10 (make-up day)
 *     Sun 10-11
 *   6 Mon 10-12, 7 Tue 10-13, 8 Wed 10-14, 9 Thu 10-15, 10 Fri 10-16. */
static void
s_deadline_across_national_day(void **state)
{
    const dom_calendar_t *cal = *state;
    dom_date_t d = 0;
    assert_int_equal(dom_calendar_deadline(cal, s_date("2026-09-28"), 10, &d),
                     0);
    assert_int_equal(d, s_date("2026-10-16"));
}

/* Received Tuesday 2026-09-15, before Mid-Autumn:
 *   1 Wed 09-16, 2 Thu 09-17, 3 Fri 09-18, (Sat 09-19 off)
 *   4 Sun 09-20 (make-up day for National Day), 5 Mon 09-21, 6 Tue 09-22,
 *   7 Wed 09-23, 8 Thu 09-24, (Fri 09-25 .. Sun 09-27 Mid-Autumn)
 *   9 Mon 09-28, 10 Tue 09-29. */
static void
s_deadline_across_mid_autumn(void **state)
{
    const dom_calendar_t *cal = *state;
    dom_date_t d = 0;
    assert_int_equal(dom_calendar_deadline(cal, s_date("2026-09-15"), 10, &d),
                     0);
    assert_int_equal(d, s_date("2026-09-29"));
}

/* Received Wednesday 2025-12-31, a day the calendar does not cover; it is
 * not counted, so that is fine:
 *     Thu 01-01 .. Sat 01-03 New Year, off
 *   1 Sun 01-04 (make-up day), 2 Mon 01-05 .. 6 Fri 01-09,
 *   7 Mon 01-12, 8 Tue 01-13, 9 Wed 01-14, 10 Thu 01-15. */
static void
s_deadline_across_new_year(void **state)
{
    const dom_calendar_t *cal = *state;
    dom_date_t d = 0;
    assert_int_equal(dom_calendar_deadline(cal, s_date("2025-12-31"), 10, &d),
                     0);
    assert_int_equal(d, s_date("2026-01-15"));
}

/* Received Thursday 2026-12-17: 1 Fri 12-18, 2-6 Mon 12-21 .. Fri 12-25,
 * 7-10 Mon 12-28 .. Thu 12-31: the last day the calendar knows. One day
 * later the count needs January 2027, which it does not know. */
static void
s_deadline_past_the_calendar(void **state)
{
    const dom_calendar_t *cal = *state;
    dom_date_t d = 0;
    assert_int_equal(dom_calendar_deadline(cal, s_date("2026-12-17"), 10, &d),
                     0);
    assert_int_equal(d, s_date("2026-12-31"));
    d = 0;
    assert_int_equal(dom_calendar_deadline(cal, s_date("2026-12-18"), 10, &d),
                     CMN_ECALENDAR);
    assert_int_equal(d, 0);
    bool working;
    assert_int_equal(
        dom_calendar_is_working_day(cal, s_date("2027-01-04"), &working),
        CMN_ECALENDAR);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_covers_2026_only),
        cmocka_unit_test(s_specific_days),
        cmocka_unit_test(s_holiday_lengths),
        cmocka_unit_test(s_working_days_in_year),
        cmocka_unit_test(s_deadline_across_spring_festival),
        cmocka_unit_test(s_deadline_across_national_day),
        cmocka_unit_test(s_deadline_across_mid_autumn),
        cmocka_unit_test(s_deadline_across_new_year),
        cmocka_unit_test(s_deadline_past_the_calendar),
    };
    return MLPS_TEST_RUN_GROUP(tests, s_setup, s_teardown, argc, argv);
}

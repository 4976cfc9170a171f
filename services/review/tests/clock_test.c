/* clock_test.c - the review clock on the 2026 calendar: the budget, pauses
 * for the expert panel, the restart after a B reply, and misuse. Expected
 * dates are counted by hand; March 2026 has no holidays. */
#include "cmn/file.h"
#include "rvw/clock.h"

#include <stdlib.h>

#include "cmn_test/unit.h"

#define S_FILE RVW_CALENDAR_DIR "/cn-2026.txt"

static dom_date_t
s_date(const char *text)
{
    dom_date_t d = 0;
    assert_int_equal(dom_date_parse(text, &d), 0);
    return d;
}

static int
s_setup(void **state)
{
    dom_calendar_t *cal = dom_calendar_new();
    char err[512] = "";
    if (cal == NULL)
        return -1;
    char *text = NULL;
    size_t len = 0;
    int rc = cmn_file_read(S_FILE, DOM_CALENDAR_MAX_BYTES, &text, &len, err,
                           sizeof err);
    if (rc == 0)
        rc = dom_calendar_parse(cal, S_FILE, text, len, err, sizeof err);
    free(text);
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

static void
s_assert_deadline(const rvw_clock_t *c, const dom_calendar_t *cal,
                  const char *want)
{
    dom_date_t d = 0;
    assert_int_equal(rvw_clock_deadline(c, cal, &d), 0);
    char buf[DOM_DATE_BUFSZ];
    assert_string_equal(dom_date_format(d, buf), want);
}

static int
s_elapsed(const rvw_clock_t *c, const dom_calendar_t *cal, const char *today)
{
    int n = -1;
    assert_int_equal(rvw_clock_elapsed(c, cal, s_date(today), &n), 0);
    return n;
}

/* Without pauses the clock is the calendar's deadline. */
static void
s_plain(void **state)
{
    const dom_calendar_t *cal = *state;
    rvw_clock_t c = RVW_CLOCK_INIT;
    assert_int_equal(rvw_clock_state(&c), RVW_CLOCK_IDLE);
    assert_int_equal(rvw_clock_start(&c, s_date("2026-02-13"), 10), 0);
    assert_int_equal(rvw_clock_state(&c), RVW_CLOCK_RUNNING);
    s_assert_deadline(&c, cal, "2026-03-05"); /* see calendar_2026_test */
    assert_int_equal(s_elapsed(&c, cal, "2026-02-13"), 0);
    assert_int_equal(s_elapsed(&c, cal, "2026-02-23"), 1); /* only 02-14 */
    assert_int_equal(s_elapsed(&c, cal, "2026-03-05"), 10);
    assert_int_equal(s_elapsed(&c, cal, "2026-03-06"), 11); /* overdue */
}

/* Received Monday 03-02; to the panel Thursday 03-05; the panel decides
 * Wednesday 03-11.
 *   counted: 1 Tue 03-03, 2 Wed 03-04, 3 Thu 03-05 (the pause day)
 *   not counted: Fri 03-06 .. Wed 03-11 (with the panel; decision day)
 *   counted: 4 Thu 03-12, 5 Fri 03-13, 6 Mon 03-16 .. 10 Fri 03-20.
 * Without the pause the deadline would be Monday 03-16. */
static void
s_pause_excludes_panel_time(void **state)
{
    const dom_calendar_t *cal = *state;
    rvw_clock_t c = RVW_CLOCK_INIT;
    assert_int_equal(rvw_clock_start(&c, s_date("2026-03-02"), 10), 0);
    s_assert_deadline(&c, cal, "2026-03-16");

    assert_int_equal(rvw_clock_pause(&c, cal, s_date("2026-03-05")), 0);
    assert_int_equal(rvw_clock_state(&c), RVW_CLOCK_PAUSED);
    assert_int_equal(s_elapsed(&c, cal, "2026-03-05"), 3);
    assert_int_equal(s_elapsed(&c, cal, "2026-03-10"), 3); /* frozen */
    dom_date_t d = 0;
    assert_int_equal(rvw_clock_deadline(&c, cal, &d), CMN_EAGAIN);

    assert_int_equal(rvw_clock_resume(&c, s_date("2026-03-11")), 0);
    assert_int_equal(rvw_clock_state(&c), RVW_CLOCK_RUNNING);
    assert_int_equal(s_elapsed(&c, cal, "2026-03-11"), 3);
    assert_int_equal(s_elapsed(&c, cal, "2026-03-12"), 4);
    s_assert_deadline(&c, cal, "2026-03-20");
    assert_int_equal(s_elapsed(&c, cal, "2026-03-20"), 10);
}

/* A pause and a resume on the same day lose nothing. */
static void
s_pause_resume_same_day(void **state)
{
    const dom_calendar_t *cal = *state;
    rvw_clock_t c = RVW_CLOCK_INIT;
    assert_int_equal(rvw_clock_start(&c, s_date("2026-03-02"), 10), 0);
    assert_int_equal(rvw_clock_pause(&c, cal, s_date("2026-03-05")), 0);
    assert_int_equal(rvw_clock_resume(&c, s_date("2026-03-05")), 0);
    s_assert_deadline(&c, cal, "2026-03-16");
}

/* Received Monday 03-02; B letter Friday 03-06 (4 days used: 03-03..03-06);
 * the missing materials arrive Tuesday 04-28 and the count starts again:
 *   1 Wed 04-29, 2 Thu 04-30, (Fri 05-01 .. Tue 05-05 Labour Day)
 *   3 Wed 05-06, 4 Thu 05-07, 5 Fri 05-08, 6 Sat 05-09 (make-up day),
 *   (Sun 05-10) 7 Mon 05-11, 8 Tue 05-12, 9 Wed 05-13, 10 Thu 05-14. */
static void
s_restart_after_b(void **state)
{
    const dom_calendar_t *cal = *state;
    rvw_clock_t c = RVW_CLOCK_INIT;
    assert_int_equal(rvw_clock_start(&c, s_date("2026-03-02"), 10), 0);
    assert_int_equal(rvw_clock_pause(&c, cal, s_date("2026-03-06")), 0);
    assert_int_equal(s_elapsed(&c, cal, "2026-04-27"), 4);

    assert_int_equal(rvw_clock_restart(&c, s_date("2026-04-28")), 0);
    assert_int_equal(rvw_clock_state(&c), RVW_CLOCK_RUNNING);
    assert_int_equal(s_elapsed(&c, cal, "2026-04-28"), 0);
    assert_int_equal(s_elapsed(&c, cal, "2026-04-30"), 2);
    assert_int_equal(s_elapsed(&c, cal, "2026-05-05"), 2);
    assert_int_equal(s_elapsed(&c, cal, "2026-05-09"), 6);
    s_assert_deadline(&c, cal, "2026-05-14");

    /* A second B while running: restart straight away. */
    assert_int_equal(rvw_clock_restart(&c, s_date("2026-05-11")), 0);
    assert_int_equal(s_elapsed(&c, cal, "2026-05-11"), 0);
    /* 1 Tue 05-12 .. 4 Fri 05-15, 5 Mon 05-18 .. 9 Fri 05-22, 10 Mon 05-25 */
    s_assert_deadline(&c, cal, "2026-05-25");
}

/* Overdue before the panel: received Monday 03-02, the 10th working day is
 * Monday 03-16; the case goes to the panel on Wednesday 03-18 with 12 days
 * used (03-03..06, 03-09..13, 03-16..18). The deadline stays 03-16. */
static void
s_overdue_then_paused(void **state)
{
    const dom_calendar_t *cal = *state;
    rvw_clock_t c = RVW_CLOCK_INIT;
    assert_int_equal(rvw_clock_start(&c, s_date("2026-03-02"), 10), 0);
    assert_int_equal(rvw_clock_pause(&c, cal, s_date("2026-03-18")), 0);
    assert_int_equal(s_elapsed(&c, cal, "2026-03-20"), 12);
    s_assert_deadline(&c, cal, "2026-03-16");
    assert_int_equal(rvw_clock_resume(&c, s_date("2026-03-25")), 0);
    s_assert_deadline(&c, cal, "2026-03-16");
    assert_int_equal(s_elapsed(&c, cal, "2026-03-26"), 13);

    /* Paused exactly on the last day: used up, deadline that day. */
    rvw_clock_t e = RVW_CLOCK_INIT;
    assert_int_equal(rvw_clock_start(&e, s_date("2026-03-02"), 10), 0);
    assert_int_equal(rvw_clock_pause(&e, cal, s_date("2026-03-16")), 0);
    s_assert_deadline(&e, cal, "2026-03-16");
    /* Paused the day before: one day left, no deadline until resumed. */
    rvw_clock_t f = RVW_CLOCK_INIT;
    dom_date_t d;
    assert_int_equal(rvw_clock_start(&f, s_date("2026-03-02"), 10), 0);
    assert_int_equal(rvw_clock_pause(&f, cal, s_date("2026-03-13")), 0);
    assert_int_equal(rvw_clock_deadline(&f, cal, &d), CMN_EAGAIN);
    assert_int_equal(rvw_clock_resume(&f, s_date("2026-03-13")), 0);
    s_assert_deadline(&f, cal, "2026-03-16");
}

/* A wrong call returns CMN_EINVAL and leaves the clock as it was. */
static void
s_misuse(void **state)
{
    const dom_calendar_t *cal = *state;
    rvw_clock_t c = RVW_CLOCK_INIT, before;
    dom_date_t d;
    int n;
    assert_int_equal(rvw_clock_pause(&c, cal, s_date("2026-03-02")),
                     CMN_EINVAL);
    assert_int_equal(rvw_clock_resume(&c, s_date("2026-03-02")), CMN_EINVAL);
    assert_int_equal(rvw_clock_restart(&c, s_date("2026-03-02")), CMN_EINVAL);
    assert_int_equal(rvw_clock_deadline(&c, cal, &d), CMN_EINVAL);
    assert_int_equal(rvw_clock_elapsed(&c, cal, s_date("2026-03-02"), &n),
                     CMN_EINVAL);
    assert_int_equal(rvw_clock_start(&c, s_date("2026-03-02"), 0), CMN_EINVAL);
    assert_int_equal(rvw_clock_state(&c), RVW_CLOCK_IDLE);
    assert_int_equal(rvw_clock_state(NULL), RVW_CLOCK_IDLE);

    assert_int_equal(rvw_clock_start(&c, s_date("2026-03-02"), 10), 0);
    before = c;
    assert_int_equal(rvw_clock_start(&c, s_date("2026-03-03"), 10), CMN_EINVAL);
    assert_int_equal(rvw_clock_resume(&c, s_date("2026-03-03")), CMN_EINVAL);
    assert_int_equal(rvw_clock_pause(&c, cal, s_date("2026-03-01")),
                     CMN_EINVAL); /* before receipt */
    assert_int_equal(rvw_clock_restart(&c, s_date("2026-03-01")), CMN_EINVAL);
    assert_memory_equal(&c, &before, sizeof c);

    assert_int_equal(rvw_clock_pause(&c, cal, s_date("2026-03-05")), 0);
    before = c;
    assert_int_equal(rvw_clock_pause(&c, cal, s_date("2026-03-06")),
                     CMN_EINVAL);
    assert_int_equal(rvw_clock_resume(&c, s_date("2026-03-04")), CMN_EINVAL);
    assert_memory_equal(&c, &before, sizeof c);
}

/* Past the calendar: the pause cannot be counted, the clock stays. */
static void
s_past_the_calendar(void **state)
{
    const dom_calendar_t *cal = *state;
    rvw_clock_t c = RVW_CLOCK_INIT, before;
    dom_date_t d = 0;
    int n;
    assert_int_equal(rvw_clock_start(&c, s_date("2026-12-21"), 10), 0);
    assert_int_equal(rvw_clock_deadline(&c, cal, &d), CMN_ECALENDAR);
    before = c;
    assert_int_equal(rvw_clock_pause(&c, cal, s_date("2027-01-05")),
                     CMN_ECALENDAR);
    assert_memory_equal(&c, &before, sizeof c);
    assert_int_equal(rvw_clock_elapsed(&c, cal, s_date("2027-01-05"), &n),
                     CMN_ECALENDAR);
    assert_int_equal(s_elapsed(&c, cal, "2026-12-31"), 8);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_plain),
        cmocka_unit_test(s_pause_excludes_panel_time),
        cmocka_unit_test(s_pause_resume_same_day),
        cmocka_unit_test(s_restart_after_b),
        cmocka_unit_test(s_overdue_then_paused),
        cmocka_unit_test(s_misuse),
        cmocka_unit_test(s_past_the_calendar),
    };
    return MLPS_TEST_RUN_GROUP(tests, s_setup, s_teardown, argc, argv);
}

/* calendar_test.c - the calendar file format, its errors (file:line), and
 * working-day arithmetic on small hand-made calendars. */
#include "rvw/calendar.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static rvw_date_t
s_date(const char *text)
{
    rvw_date_t d = 0;
    assert_int_equal(rvw_date_parse(text, &d), 0);
    return d;
}

static int
s_parse(rvw_calendar_t *cal, const char *name, const char *text, char *err,
        size_t errlen)
{
    return rvw_calendar_parse(cal, name, text, strlen(text), err, errlen);
}

static bool
s_working(const rvw_calendar_t *cal, const char *date)
{
    bool working = false;
    assert_int_equal(rvw_calendar_is_working_day(cal, s_date(date), &working),
                     0);
    return working;
}

static void
test_parse_and_lookup(void **state)
{
    (void) state;
    rvw_calendar_t *cal = rvw_calendar_new();
    assert_non_null(cal);
    char err[256] = "";
    const char *text = "# a comment\n"
                       "\n"
                       "   # an indented comment\n"
                       "covers 2026\r\n"
                       "2026-01-01\tholiday  New Year  \r\n"
                       "2026-01-04 workday 元旦调休\n"
                       "2026-01-10 holiday a Saturday off anyway"; /* no \n */
    assert_int_equal(s_parse(cal, "t.txt", text, err, sizeof err), 0);
    assert_true(rvw_calendar_covers(cal, 2026));
    assert_false(rvw_calendar_covers(cal, 2025));
    assert_false(rvw_calendar_covers(cal, 2027));

    assert_false(s_working(cal, "2026-01-01")); /* Thursday, holiday */
    assert_true(s_working(cal, "2026-01-02"));  /* Friday, no entry */
    assert_false(s_working(cal, "2026-01-03")); /* Saturday */
    assert_true(s_working(cal, "2026-01-04"));  /* Sunday, workday */
    assert_true(s_working(cal, "2026-01-05"));  /* Monday */
    assert_false(s_working(cal, "2026-01-10")); /* Saturday, holiday */
    assert_false(s_working(cal, "2026-01-11")); /* Sunday */

    bool working = true;
    assert_int_equal(
        rvw_calendar_is_working_day(cal, s_date("2025-12-31"), &working),
        RVW_ECALENDAR);
    assert_int_equal(
        rvw_calendar_is_working_day(cal, s_date("2027-01-04"), &working),
        RVW_ECALENDAR);
    assert_true(working); /* untouched */
    rvw_calendar_destroy(&cal);
    assert_null(cal);
    rvw_calendar_destroy(&cal); /* NULL-safe, twice */
    rvw_calendar_destroy(NULL);
}

/* Each bad text and the exact message it must give. */
static const struct {
    const char *text;
    const char *message;
} s_bad[] = {
    {"covers 2026\n2026-02-30 holiday X\n",
     "t.txt:2: bad date \"2026-02-30\" (expected YYYY-MM-DD)"},
    {"covers 2026\n2026-2-3 holiday X\n",
     "t.txt:2: bad date \"2026-2-3\" (expected YYYY-MM-DD)"},
    {"covers 2026\n\n# note\n2026-01-01 holliday X\n",
     "t.txt:4: unknown kind \"holliday\" (expected holiday or workday)"},
    {"covers 2026\n2026-01-01 holiday\n",
     "t.txt:2: missing name after \"2026-01-01 holiday\""},
    {"covers 2026\n2026-01-01 holiday   \r\n",
     "t.txt:2: missing name after \"2026-01-01 holiday\""},
    {"covers 2026\n2026-01-01\n",
     "t.txt:2: missing \"holiday\" or \"workday\" after 2026-01-01"},
    {"covers 2026\n2026-02-16 workday Monday\n",
     "t.txt:2: workday 2026-02-16 is not a Saturday or Sunday"},
    {"covers 2026\n2026-01-01 holiday A\n2026-01-02 holiday B\n"
     "2026-01-01 holiday C\n",
     "t.txt:4: 2026-01-01 is listed twice (first at line 2)"},
    {"covers 2026\n2026-01-01 holiday A\n2027-01-01 holiday B\n",
     "t.txt:3: 2027-01-01 is in 2027, which no \"covers\" line declares"},
    {"# nothing but\n2026-01-01 holiday A\n",
     "t.txt: no \"covers YYYY\" line: the file covers no year"},
    {"", "t.txt: no \"covers YYYY\" line: the file covers no year"},
    {"covers 2026\ncovers 2027\ncovers 2026\n",
     "t.txt:3: \"covers 2026\" appears twice (first at line 1)"},
    {"covers 26\n",
     "t.txt:1: bad year \"26\" after \"covers\" (expected YYYY)"},
    {"covers 0000\n",
     "t.txt:1: bad year \"0000\" after \"covers\" (expected YYYY)"},
    {"covers\n", "t.txt:1: bad year \"\" after \"covers\" (expected YYYY)"},
    {"covers 2026 2027\n",
     "t.txt:1: unexpected \"2027\" after \"covers 2026\""},
    {"covers 2026\nconvers 2027\n",
     "t.txt:2: unknown keyword \"convers\" (expected \"covers\" or a date)"},
    {"covers 2026\n2026-01-01 holidayyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
     "yyyyyyyyyyyy X\n",
     "t.txt:2: unknown kind \"holidayyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\" "
     "(expected holiday or workday)"}, /* quoted up to 40 characters */
};

static void
test_parse_errors(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof s_bad / sizeof s_bad[0]; i++) {
        rvw_calendar_t *cal = rvw_calendar_new();
        assert_non_null(cal);
        char err[256] = "";
        int rc = s_parse(cal, "t.txt", s_bad[i].text, err, sizeof err);
        if (rc != CMN_ECONFIG || strcmp(err, s_bad[i].message) != 0)
            fail_msg("case %zu: rc %d, message \"%s\", expected \"%s\"", i, rc,
                     err, s_bad[i].message);
        assert_false(rvw_calendar_covers(cal, 2026)); /* nothing added */
        rvw_calendar_destroy(&cal);
    }
}

static void
test_nul_byte(void **state)
{
    (void) state;
    rvw_calendar_t *cal = rvw_calendar_new();
    char err[256] = "";
    static const char text[] = "covers 2026\n2026-01-01 holiday A\0B\n";
    assert_int_equal(rvw_calendar_parse(cal, "t.txt", text, sizeof text - 1,
                                        err, sizeof err),
                     CMN_ECONFIG);
    assert_string_equal(err, "t.txt:2: NUL byte in line");
    rvw_calendar_destroy(&cal);
}

static void
test_error_leaves_calendar_unchanged(void **state)
{
    (void) state;
    rvw_calendar_t *cal = rvw_calendar_new();
    char err[256] = "";
    assert_int_equal(s_parse(cal, "a.txt",
                             "covers 2026\n2026-01-05 holiday A\n", err,
                             sizeof err),
                     0);
    /* A bad file that would cover 2027 and change nothing in 2026. */
    assert_int_equal(s_parse(cal, "b.txt",
                             "covers 2027\n2027-01-04 holiday B\n"
                             "2027-01-05 holday C\n",
                             err, sizeof err),
                     CMN_ECONFIG);
    assert_false(rvw_calendar_covers(cal, 2027));
    assert_false(s_working(cal, "2026-01-05"));
    assert_true(s_working(cal, "2026-01-06"));
    rvw_calendar_destroy(&cal);
}

static void
test_several_files(void **state)
{
    (void) state;
    rvw_calendar_t *cal = rvw_calendar_new();
    char err[256] = "";
    assert_int_equal(s_parse(cal, "y2027.txt",
                             "covers 2027\n2027-01-01 holiday New Year\n", err,
                             sizeof err),
                     0);
    assert_int_equal(s_parse(cal, "y2026.txt",
                             "covers 2026\n2026-12-31 holiday test day off\n",
                             err, sizeof err),
                     0);
    assert_true(rvw_calendar_covers(cal, 2026));
    assert_true(rvw_calendar_covers(cal, 2027));
    assert_false(s_working(cal, "2026-12-31"));
    assert_false(s_working(cal, "2027-01-01"));
    assert_true(s_working(cal, "2027-01-04"));

    /* Across the two files: Wed 2026-12-30 -> 31 off, 1 off, 2-3 weekend,
     * Mon 2027-01-04 is the first working day. */
    rvw_date_t d = 0;
    assert_int_equal(rvw_calendar_deadline(cal, s_date("2026-12-30"), 1, &d),
                     0);
    assert_int_equal(d, s_date("2027-01-04"));

    /* A year may come from one file only. */
    assert_int_equal(s_parse(cal, "again.txt",
                             "# again\ncovers 2028\ncovers 2026\n", err,
                             sizeof err),
                     CMN_ECONFIG);
    assert_string_equal(err, "again.txt:3: 2026 is already covered by another "
                             "file");
    assert_false(rvw_calendar_covers(cal, 2028));
    rvw_calendar_destroy(&cal);
}

static void
test_deadline_and_count(void **state)
{
    (void) state;
    rvw_calendar_t *cal = rvw_calendar_new();
    char err[256] = "";
    assert_int_equal(
        s_parse(cal, "plain.txt", "covers 2026\n", err, sizeof err), 0);
    rvw_date_t d = 0;
    /* Received Friday 2026-01-09: Monday 12th is the first working day
     * after it; ten working days end on Friday the 23rd. */
    assert_int_equal(rvw_calendar_deadline(cal, s_date("2026-01-09"), 1, &d),
                     0);
    assert_int_equal(d, s_date("2026-01-12"));
    assert_int_equal(rvw_calendar_deadline(cal, s_date("2026-01-09"), 10, &d),
                     0);
    assert_int_equal(d, s_date("2026-01-23"));
    /* Received on a Saturday: the same first working day. */
    assert_int_equal(rvw_calendar_deadline(cal, s_date("2026-01-10"), 1, &d),
                     0);
    assert_int_equal(d, s_date("2026-01-12"));
    /* Received on a Monday: the day of receipt does not count. */
    assert_int_equal(rvw_calendar_deadline(cal, s_date("2026-01-12"), 1, &d),
                     0);
    assert_int_equal(d, s_date("2026-01-13"));

    int n = -1;
    assert_int_equal(
        rvw_calendar_count(cal, s_date("2026-01-09"), s_date("2026-01-23"), &n),
        0);
    assert_int_equal(n, 10);
    assert_int_equal(
        rvw_calendar_count(cal, s_date("2026-01-09"), s_date("2026-01-11"), &n),
        0);
    assert_int_equal(n, 0);
    assert_int_equal(
        rvw_calendar_count(cal, s_date("2026-01-23"), s_date("2026-01-09"), &n),
        0);
    assert_int_equal(n, 0);

    /* Past the covered year. */
    d = 123;
    assert_int_equal(rvw_calendar_deadline(cal, s_date("2026-12-31"), 1, &d),
                     RVW_ECALENDAR);
    assert_int_equal(d, 123);
    assert_int_equal(
        rvw_calendar_count(cal, s_date("2026-12-30"), s_date("2027-01-04"), &n),
        RVW_ECALENDAR);
    /* The day of receipt itself need not be covered. */
    assert_int_equal(rvw_calendar_deadline(cal, s_date("2025-12-31"), 1, &d),
                     0);
    assert_int_equal(d, s_date("2026-01-01"));

    assert_int_equal(rvw_calendar_deadline(cal, s_date("2026-01-09"), 0, &d),
                     CMN_EINVAL);
    assert_int_equal(rvw_calendar_deadline(cal, RVW_DATE_MAX + 1, 1, &d),
                     CMN_EINVAL);
    assert_int_equal(rvw_calendar_deadline(cal, INT32_MAX, 1, &d), CMN_EINVAL);
    rvw_calendar_destroy(&cal);
}

/* Writes text to a new temporary file; its path into path. */
static void
s_temp_file(char path[64], const char *text, size_t len)
{
    snprintf(path, 64, "/tmp/rvw_calendar_test_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t) len);
    assert_int_equal(close(fd), 0);
}

static void
test_load_file(void **state)
{
    (void) state;
    rvw_calendar_t *cal = rvw_calendar_new();
    char path[64], err[256] = "", want[128];
    const char *bad =
        "covers 2026\n2026-01-01 holiday A\n2026-13-01 holiday B\n";
    s_temp_file(path, bad, strlen(bad));
    assert_int_equal(rvw_calendar_load(cal, path, err, sizeof err),
                     CMN_ECONFIG);
    snprintf(want, sizeof want,
             "%s:3: bad date \"2026-13-01\" (expected YYYY-MM-DD)", path);
    assert_string_equal(err, want);
    assert_int_equal(unlink(path), 0);

    const char *good = "covers 2026\n2026-01-05 holiday A\n";
    s_temp_file(path, good, strlen(good));
    assert_int_equal(rvw_calendar_load(cal, path, err, sizeof err), 0);
    assert_false(s_working(cal, "2026-01-05"));
    assert_int_equal(unlink(path), 0);

    /* The file is gone now. */
    assert_int_equal(rvw_calendar_load(cal, path, err, sizeof err), CMN_ENOENT);
    snprintf(want, sizeof want,
             "%s: could not open calendar: No such file or directory", path);
    assert_string_equal(err, want);
    rvw_calendar_destroy(&cal);
}

static void
test_too_large(void **state)
{
    (void) state;
    size_t len = RVW_CALENDAR_MAX_BYTES + 1;
    char *big = malloc(len);
    assert_non_null(big);
    memset(big, '\n', len);
    memcpy(big, "covers 2026\n", 12);
    rvw_calendar_t *cal = rvw_calendar_new();
    char path[64], err[256] = "";
    assert_int_equal(
        rvw_calendar_parse(cal, "big.txt", big, len, err, sizeof err),
        CMN_EMSGSIZE);
    assert_string_equal(err, "big.txt: larger than 1048576 bytes");
    s_temp_file(path, big, len);
    assert_int_equal(rvw_calendar_load(cal, path, err, sizeof err),
                     CMN_EMSGSIZE);
    assert_int_equal(unlink(path), 0);
    /* One byte less is fine: blank lines. */
    assert_int_equal(
        rvw_calendar_parse(cal, "big.txt", big, len - 1, err, sizeof err), 0);
    assert_true(rvw_calendar_covers(cal, 2026));
    rvw_calendar_destroy(&cal);
    free(big);
}

static void
test_error_text(void **state)
{
    (void) state;
    assert_string_equal(rvw_strerror(RVW_ECALENDAR),
                        "date outside the working-day calendar");
    assert_string_equal(rvw_err_name(RVW_ECALENDAR), "RVW_ECALENDAR");
    assert_string_equal(rvw_strerror(CMN_EINVAL), "invalid argument");
    assert_string_equal(rvw_err_name(CMN_ECONFIG), "CMN_ECONFIG");
    /* The shared map now holds the same code under the same meaning. */
    assert_string_equal(cmn_err_name(RVW_ECALENDAR), "CMN_ECALENDAR");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_lookup),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_error_leaves_calendar_unchanged),
        cmocka_unit_test(test_several_files),
        cmocka_unit_test(test_deadline_and_count),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_error_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

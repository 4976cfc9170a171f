/* calendar_test.c - the calendar text format, its errors (name:line), and
 * working-day arithmetic on small hand-made calendars. */
#include "cmn_test/unit.h"
#include "dom/calendar.h"

#include <stdlib.h>

static dom_date_t
s_date(const char *text)
{
    dom_date_t d = 0;
    assert_int_equal(dom_date_parse(text, &d), 0);
    return d;
}

static int
s_parse(dom_calendar_t *cal, const char *name, const char *text, char *err,
        size_t errlen)
{
    return dom_calendar_parse(cal, name, text, strlen(text), err, errlen);
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
s_parse_and_lookup(void **state)
{
    (void) state;
    dom_calendar_t *cal = dom_calendar_new();
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
    assert_true(dom_calendar_covers(cal, 2026));
    assert_false(dom_calendar_covers(cal, 2025));
    assert_false(dom_calendar_covers(cal, 2027));

    assert_false(s_working(cal, "2026-01-01")); /* Thursday, holiday */
    assert_true(s_working(cal, "2026-01-02"));  /* Friday, no entry */
    assert_false(s_working(cal, "2026-01-03")); /* Saturday */
    assert_true(s_working(cal, "2026-01-04"));  /* Sunday, workday */
    assert_true(s_working(cal, "2026-01-05"));  /* Monday */
    assert_false(s_working(cal, "2026-01-10")); /* Saturday, holiday */
    assert_false(s_working(cal, "2026-01-11")); /* Sunday */

    bool working = true;
    assert_int_equal(
        dom_calendar_is_working_day(cal, s_date("2025-12-31"), &working),
        CMN_ECALENDAR);
    assert_int_equal(
        dom_calendar_is_working_day(cal, s_date("2027-01-04"), &working),
        CMN_ECALENDAR);
    assert_true(working); /* untouched */
    dom_calendar_destroy(&cal);
    assert_null(cal);
    dom_calendar_destroy(&cal); /* NULL-safe, twice */
    dom_calendar_destroy(NULL);
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
s_parse_errors(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof s_bad / sizeof s_bad[0]; i++) {
        dom_calendar_t *cal = dom_calendar_new();
        assert_non_null(cal);
        char err[256] = "";
        int rc = s_parse(cal, "t.txt", s_bad[i].text, err, sizeof err);
        if (rc != CMN_ECONFIG || strcmp(err, s_bad[i].message) != 0)
            fail_msg("case %zu: rc %d, message \"%s\", expected \"%s\"", i, rc,
                     err, s_bad[i].message);
        assert_false(dom_calendar_covers(cal, 2026)); /* nothing added */
        dom_calendar_destroy(&cal);
    }
}

static void
s_nul_byte(void **state)
{
    (void) state;
    dom_calendar_t *cal = dom_calendar_new();
    char err[256] = "";
    static const char text[] = "covers 2026\n2026-01-01 holiday A\0B\n";
    assert_int_equal(dom_calendar_parse(cal, "t.txt", text, sizeof text - 1,
                                        err, sizeof err),
                     CMN_ECONFIG);
    assert_string_equal(err, "t.txt:2: NUL byte in line");
    dom_calendar_destroy(&cal);
}

static void
s_error_leaves_calendar_unchanged(void **state)
{
    (void) state;
    dom_calendar_t *cal = dom_calendar_new();
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
    assert_false(dom_calendar_covers(cal, 2027));
    assert_false(s_working(cal, "2026-01-05"));
    assert_true(s_working(cal, "2026-01-06"));
    dom_calendar_destroy(&cal);
}

static void
s_several_files(void **state)
{
    (void) state;
    dom_calendar_t *cal = dom_calendar_new();
    char err[256] = "";
    assert_int_equal(s_parse(cal, "y2027.txt",
                             "covers 2027\n2027-01-01 holiday New Year\n", err,
                             sizeof err),
                     0);
    assert_int_equal(s_parse(cal, "y2026.txt",
                             "covers 2026\n2026-12-31 holiday test day off\n",
                             err, sizeof err),
                     0);
    assert_true(dom_calendar_covers(cal, 2026));
    assert_true(dom_calendar_covers(cal, 2027));
    assert_false(s_working(cal, "2026-12-31"));
    assert_false(s_working(cal, "2027-01-01"));
    assert_true(s_working(cal, "2027-01-04"));

    /* Across the two files: Wed 2026-12-30 -> 31 off, 1 off, 2-3 weekend,
     * Mon 2027-01-04 is the first working day. */
    dom_date_t d = 0;
    assert_int_equal(dom_calendar_deadline(cal, s_date("2026-12-30"), 1, &d),
                     0);
    assert_int_equal(d, s_date("2027-01-04"));

    /* A year may come from one file only. */
    assert_int_equal(s_parse(cal, "again.txt",
                             "# again\ncovers 2028\ncovers 2026\n", err,
                             sizeof err),
                     CMN_ECONFIG);
    assert_string_equal(err, "again.txt:3: 2026 is already covered by another "
                             "file");
    assert_false(dom_calendar_covers(cal, 2028));
    dom_calendar_destroy(&cal);
}

static void
s_deadline_and_count(void **state)
{
    (void) state;
    dom_calendar_t *cal = dom_calendar_new();
    char err[256] = "";
    assert_int_equal(
        s_parse(cal, "plain.txt", "covers 2026\n", err, sizeof err), 0);
    dom_date_t d = 0;
    /* Received Friday 2026-01-09: Monday 12th is the first working day
     * after it; ten working days end on Friday the 23rd. */
    assert_int_equal(dom_calendar_deadline(cal, s_date("2026-01-09"), 1, &d),
                     0);
    assert_int_equal(d, s_date("2026-01-12"));
    assert_int_equal(dom_calendar_deadline(cal, s_date("2026-01-09"), 10, &d),
                     0);
    assert_int_equal(d, s_date("2026-01-23"));
    /* Received on a Saturday: the same first working day. */
    assert_int_equal(dom_calendar_deadline(cal, s_date("2026-01-10"), 1, &d),
                     0);
    assert_int_equal(d, s_date("2026-01-12"));
    /* Received on a Monday: the day of receipt does not count. */
    assert_int_equal(dom_calendar_deadline(cal, s_date("2026-01-12"), 1, &d),
                     0);
    assert_int_equal(d, s_date("2026-01-13"));

    int n = -1;
    assert_int_equal(
        dom_calendar_count(cal, s_date("2026-01-09"), s_date("2026-01-23"), &n),
        0);
    assert_int_equal(n, 10);
    assert_int_equal(
        dom_calendar_count(cal, s_date("2026-01-09"), s_date("2026-01-11"), &n),
        0);
    assert_int_equal(n, 0);
    assert_int_equal(
        dom_calendar_count(cal, s_date("2026-01-23"), s_date("2026-01-09"), &n),
        0);
    assert_int_equal(n, 0);

    /* Past the covered year. */
    d = 123;
    assert_int_equal(dom_calendar_deadline(cal, s_date("2026-12-31"), 1, &d),
                     CMN_ECALENDAR);
    assert_int_equal(d, 123);
    assert_int_equal(
        dom_calendar_count(cal, s_date("2026-12-30"), s_date("2027-01-04"), &n),
        CMN_ECALENDAR);
    /* The day of receipt itself need not be covered. */
    assert_int_equal(dom_calendar_deadline(cal, s_date("2025-12-31"), 1, &d),
                     0);
    assert_int_equal(d, s_date("2026-01-01"));

    assert_int_equal(dom_calendar_deadline(cal, s_date("2026-01-09"), 0, &d),
                     CMN_EINVAL);
    assert_int_equal(dom_calendar_deadline(cal, DOM_DATE_MAX + 1, 1, &d),
                     CMN_EINVAL);
    assert_int_equal(dom_calendar_deadline(cal, INT32_MAX, 1, &d), CMN_EINVAL);
    dom_calendar_destroy(&cal);
}

static void
s_too_large(void **state)
{
    (void) state;
    size_t len = DOM_CALENDAR_MAX_BYTES + 1;
    char *big = malloc(len);
    assert_non_null(big);
    memset(big, '\n', len);
    memcpy(big, "covers 2026\n", 12);
    dom_calendar_t *cal = dom_calendar_new();
    char err[256] = "";
    assert_int_equal(
        dom_calendar_parse(cal, "big.txt", big, len, err, sizeof err),
        CMN_EMSGSIZE);
    assert_string_equal(err, "big.txt: larger than 1048576 bytes");
    assert_false(dom_calendar_covers(cal, 2026));
    /* One byte less is fine: blank lines. */
    assert_int_equal(
        dom_calendar_parse(cal, "big.txt", big, len - 1, err, sizeof err), 0);
    assert_true(dom_calendar_covers(cal, 2026));
    dom_calendar_destroy(&cal);
    free(big);
}

/* Bad arguments, a NULL name and no room for the message. */
static void
s_bad_arguments(void **state)
{
    (void) state;
    dom_calendar_t *cal = dom_calendar_new();
    char err[256] = "";
    assert_int_equal(
        dom_calendar_parse(NULL, "t", "covers 2026\n", 12, err, sizeof err),
        CMN_EINVAL);
    assert_int_equal(dom_calendar_parse(cal, "t", NULL, 1, err, sizeof err),
                     CMN_EINVAL);
    /* No text at all is a text without a covers line. */
    assert_int_equal(dom_calendar_parse(cal, NULL, NULL, 0, err, sizeof err),
                     CMN_ECONFIG);
    assert_string_equal(err,
                        "calendar: no \"covers YYYY\" line: the file covers "
                        "no year");
    /* The error code does not depend on having room for the message. */
    assert_int_equal(dom_calendar_parse(cal, "t", "covers 26\n", 10, NULL, 0),
                     CMN_ECONFIG);
    char tiny[8] = "xxxxxxx";
    assert_int_equal(
        dom_calendar_parse(cal, "t.txt", "covers 26\n", 10, tiny, sizeof tiny),
        CMN_ECONFIG);
    assert_string_equal(tiny, "t.txt:1");
    assert_false(dom_calendar_covers(cal, 2026));
    assert_false(dom_calendar_covers(NULL, 2026));

    assert_int_equal(
        dom_calendar_parse(cal, "t", "covers 2026\n", 12, err, sizeof err), 0);
    bool working = true;
    int n = 5;
    dom_date_t d = 5;
    assert_int_equal(dom_calendar_is_working_day(NULL, 20454, &working),
                     CMN_EINVAL);
    assert_int_equal(dom_calendar_is_working_day(cal, 20454, NULL), CMN_EINVAL);
    assert_int_equal(dom_calendar_deadline(NULL, 20454, 1, &d), CMN_EINVAL);
    assert_int_equal(dom_calendar_deadline(cal, 20454, 1, NULL), CMN_EINVAL);
    assert_int_equal(dom_calendar_deadline(cal, 20454, -1, &d), CMN_EINVAL);
    assert_int_equal(dom_calendar_count(NULL, 20454, 20460, &n), CMN_EINVAL);
    assert_int_equal(dom_calendar_count(cal, 20454, 20460, NULL), CMN_EINVAL);
    assert_int_equal(dom_calendar_count(cal, DOM_DATE_MAX + 1, INT32_MAX, &n),
                     CMN_EINVAL);
    assert_true(working);
    assert_int_equal(n, 5);
    assert_int_equal(d, 5);
    dom_calendar_destroy(&cal);
}

/* CMN_ECALENDAR is in the shared map (cmn/err.h), with its text, and no
 * other code has its value. dom links no cmn: the map is read directly. */
static void
s_error_text(void **state)
{
    (void) state;
    const char *text = NULL;
    int same = 0;
#define S_FIND(name, val, txt)    \
    if ((val) == CMN_ECALENDAR) { \
        text = (txt);             \
        same++;                   \
    }
    CMN_ERRNO_MAP(S_FIND)
#undef S_FIND
    assert_int_equal(CMN_ECALENDAR, -2001);
    assert_int_equal(same, 1);
    assert_string_equal(text, "date outside the working-day calendar");
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_parse_and_lookup),
        cmocka_unit_test(s_parse_errors),
        cmocka_unit_test(s_nul_byte),
        cmocka_unit_test(s_error_leaves_calendar_unchanged),
        cmocka_unit_test(s_several_files),
        cmocka_unit_test(s_deadline_and_count),
        cmocka_unit_test(s_too_large),
        cmocka_unit_test(s_bad_arguments),
        cmocka_unit_test(s_error_text),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

/* calendar_oom_test.c - out of memory while parsing a calendar: fail the
 * n-th allocation of the parse, for every n, and check that the parse says
 * CMN_ENOMEM, changes nothing and leaks nothing (the sanitizer build checks
 * leaks). malloc, calloc and realloc are wrapped at link time (--wrap), so
 * only this program and dom see the failures. */
#include "cmn_test/unit.h"
#include "dom/calendar.h"

#include <stdlib.h>

#define S_FILE DOM_CALENDAR_DIR "/cn-2026.txt"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

static long s_countdown = -1; /* allocations that succeed first; -1: all */
static bool s_failed;         /* an allocation was refused */

static bool
s_refuse(void)
{
    if (s_countdown < 0 || s_countdown-- > 0)
        return false;
    s_failed = true;
    return true;
}

void *
__wrap_malloc(size_t size)
{
    return s_refuse() ? NULL : __real_malloc(size);
}

void *
__wrap_calloc(size_t n, size_t size)
{
    return s_refuse() ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t size)
{
    return s_refuse() ? NULL : __real_realloc(p, size);
}

static dom_date_t
s_date(const char *text)
{
    dom_date_t d = 0;
    assert_int_equal(dom_date_parse(text, &d), 0);
    return d;
}

static bool
s_working(const dom_calendar_t *cal, const char *date)
{
    bool working = false;
    assert_int_equal(dom_calendar_is_working_day(cal, s_date(date), &working),
                     0);
    return working;
}

/* A 2027 text with 40 days off from 2027-03-01: enough entries to make the
 * parser and the merge grow their arrays more than once. Returns its
 * length. */
static size_t
s_text_2027(char *text, size_t cap)
{
    size_t len = (size_t) snprintf(text, cap, "covers 2027\n");
    dom_date_t first = s_date("2027-03-01");
    for (int i = 0; i < 40; i++) {
        char day[DOM_DATE_BUFSZ];
        len +=
            (size_t) snprintf(text + len, cap - len, "%s holiday test day %d\n",
                              dom_date_format(first + i, day), i);
    }
    assert_true(len < cap);
    return len;
}

static const char s_base[] = "covers 2026\n2026-03-02 holiday base\n";

/* A calendar holding s_base; fails the test if it cannot be made. */
static dom_calendar_t *
s_base_calendar(void)
{
    char err[256];
    dom_calendar_t *cal = dom_calendar_new();
    assert_non_null(cal);
    assert_int_equal(dom_calendar_parse(cal, "base", s_base, strlen(s_base),
                                        err, sizeof err),
                     0);
    return cal;
}

static void
s_every_allocation_fails_once(void **state)
{
    (void) state;
    char text[4096], err[256];
    size_t len = s_text_2027(text, sizeof text);
    int failures = 0;
    for (long n = 0;; n++) {
        dom_calendar_t *cal = s_base_calendar();
        s_failed = false;
        s_countdown = n;
        int rc = dom_calendar_parse(cal, "y2027", text, len, err, sizeof err);
        s_countdown = -1;
        if (!s_failed) { /* every allocation of the parse succeeded */
            assert_int_equal(rc, 0);
            assert_true(dom_calendar_covers(cal, 2027));
            assert_false(s_working(cal, "2027-04-09")); /* the 40th */
            assert_true(s_working(cal, "2027-04-12"));
            dom_calendar_destroy(&cal);
            break;
        }
        failures++;
        assert_int_equal(rc, CMN_ENOMEM);
        /* "y2027: out of memory", or with the line it was reading. */
        assert_int_equal(strncmp(err, "y2027", 5), 0);
        assert_non_null(strstr(err, ": out of memory"));
        assert_false(dom_calendar_covers(cal, 2027));
        assert_false(s_working(cal, "2026-03-02"));
        assert_true(s_working(cal, "2026-03-03"));
        dom_calendar_destroy(&cal);
    }
    /* The parser's years (once) and days (to 16, 32 and 64 entries); the
     * calendar's days (once; its years have room). */
    assert_int_equal(failures, 5);

    s_countdown = 0;
    dom_calendar_t *none = dom_calendar_new();
    s_countdown = -1;
    assert_null(none);
}

/* The shipped 2026 calendar, read before any allocation can fail. */
static void
s_shipped_calendar(void **state)
{
    (void) state;
    static char text[DOM_CALENDAR_MAX_BYTES];
    FILE *f = fopen(S_FILE, "rb");
    assert_non_null(f);
    size_t len = fread(text, 1, sizeof text, f);
    assert_int_equal(ferror(f), 0);
    fclose(f);
    char err[512];
    int failures = 0;
    for (long n = 0;; n++) {
        dom_calendar_t *cal = dom_calendar_new();
        assert_non_null(cal);
        s_failed = false;
        s_countdown = n;
        int rc =
            dom_calendar_parse(cal, "cn-2026.txt", text, len, err, sizeof err);
        s_countdown = -1;
        bool covered = dom_calendar_covers(cal, 2026);
        dom_calendar_destroy(&cal);
        if (!s_failed) {
            assert_int_equal(rc, 0);
            assert_true(covered);
            break;
        }
        failures++;
        assert_int_equal(rc, CMN_ENOMEM);
        assert_false(covered);
    }
    assert_true(failures >= 3); /* years; days to 16, 32; calendar */
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_every_allocation_fails_once),
        cmocka_unit_test(s_shipped_calendar),
    };
    return MLPS_TEST_RUN(tests, argc, argv);
}

/* calendar_oom_test.c - out of memory while loading a calendar: fail the
 * n-th allocation of the load, for every n, and check that the load says
 * CMN_ENOMEM, changes nothing and leaks nothing (the sanitizer build checks
 * leaks). malloc, calloc and realloc are wrapped at link time (--wrap), so
 * only this program and rvw_core see the failures. */
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

static rvw_date_t
s_date(const char *text)
{
    rvw_date_t d = 0;
    assert_int_equal(rvw_date_parse(text, &d), 0);
    return d;
}

static bool
s_working(const rvw_calendar_t *cal, const char *date)
{
    bool working = false;
    assert_int_equal(rvw_calendar_is_working_day(cal, s_date(date), &working),
                     0);
    return working;
}

/* A 2027 file with 40 days off from 2027-03-01: enough entries to make the
 * parser and the merge grow their arrays more than once. */
static void
s_write_2027(char path[64])
{
    char text[4096];
    size_t len = (size_t) snprintf(text, sizeof text, "covers 2027\n");
    rvw_date_t first = s_date("2027-03-01");
    for (int i = 0; i < 40; i++) {
        char day[RVW_DATE_BUFSZ];
        len += (size_t) snprintf(text + len, sizeof text - len,
                                 "%s holiday test day %d\n",
                                 rvw_date_format(first + i, day), i);
    }
    snprintf(path, 64, "/tmp/rvw_calendar_oom_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t) len);
    assert_int_equal(close(fd), 0);
}

static const char s_base[] = "covers 2026\n2026-03-02 holiday base\n";

static void
test_every_allocation_fails_once(void **state)
{
    (void) state;
    char path[64], err[256];
    s_write_2027(path);
    int failures = 0;
    for (long n = 0;; n++) {
        rvw_calendar_t *cal = rvw_calendar_new();
        assert_non_null(cal);
        assert_int_equal(rvw_calendar_parse(cal, "base", s_base, strlen(s_base),
                                            err, sizeof err),
                         0);
        s_failed = false;
        s_countdown = n;
        int rc = rvw_calendar_load(cal, path, err, sizeof err);
        s_countdown = -1;
        if (!s_failed) { /* every allocation of the load succeeded */
            assert_int_equal(rc, 0);
            assert_true(rvw_calendar_covers(cal, 2027));
            assert_false(s_working(cal, "2027-04-09")); /* the 40th */
            assert_true(s_working(cal, "2027-04-12"));
            rvw_calendar_destroy(&cal);
            break;
        }
        failures++;
        assert_int_equal(rc, CMN_ENOMEM);
        assert_non_null(strstr(err, "out of memory"));
        assert_false(rvw_calendar_covers(cal, 2027));
        assert_false(s_working(cal, "2026-03-02"));
        assert_true(s_working(cal, "2026-03-03"));
        rvw_calendar_destroy(&cal);
    }
    /* The read buffer; the parser's years (once) and days (to 16, 32 and
     * 64 entries); the calendar's days (once; its years have room). */
    assert_int_equal(failures, 6);
    assert_int_equal(unlink(path), 0);

    s_countdown = 0;
    rvw_calendar_t *none = rvw_calendar_new();
    s_countdown = -1;
    assert_null(none);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_fails_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

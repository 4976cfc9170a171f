/* pnl_test.h - what the panel's unit tests share: cmocka, running one test
 * by name (each test is its own ctest), and dates written as text. */
#ifndef PNL_TEST_H
#define PNL_TEST_H
#include "pnl/date.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

/* With a name in argv[1], limits the run to that test. Returns 0, or -1
 * with a message if no test has that name, so a misspelt ctest fails
 * instead of running nothing. */
static inline int
pnl_test_only(const struct CMUnitTest *tests, size_t n, int argc, char **argv)
{
    if (argc < 2)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(tests[i].name, argv[1]) == 0) {
            cmocka_set_test_filter(argv[1]);
            return 0;
        }
    }
    fprintf(stderr, "no test named \"%s\"\n", argv[1]);
    return -1;
}

/* main() of a test file: runs every test, or the one named in argv[1]. */
#define PNL_TEST_RUN(tests, argc, argv)                                        \
    (pnl_test_only(tests, sizeof(tests) / sizeof((tests)[0]), argc, argv) != 0 \
         ? 1                                                                   \
         : cmocka_run_group_tests(tests, NULL, NULL))

/* The date of "YYYY-MM-DD"; fails the test on bad text. */
static inline pnl_date_t
pnl_test_day(const char *text)
{
    pnl_date_t d = PNL_DATE_NEVER;
    assert_int_equal(pnl_date_parse(text, &d), 0);
    return d;
}

#endif /* PNL_TEST_H */

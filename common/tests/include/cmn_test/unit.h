/* unit.h - what every cmocka unit test shares: the cmocka includes and a
 * main() that runs one test by name, so that each test case is its own
 * ctest (cmake/MlpsTest.cmake, mlps_unit_tests()). Tests only. */
#ifndef CMN_TEST_UNIT_H
#define CMN_TEST_UNIT_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

/* With a name in argv[1], limits the run to the test of that name among
 * tests[0..n). Returns 0, or -1 with a message on stderr if no test has
 * that name, so a misspelt ctest fails instead of running nothing. */
static inline int
cmn_test_only(const struct CMUnitTest *tests, size_t n, int argc, char **argv)
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

/* The body of a test file's main(): runs every test of the array tests, or
 * only the one named in argv[1]; 1 for an unknown name. */
#define MLPS_TEST_RUN(tests, argc, argv)                                       \
    (cmn_test_only(tests, sizeof(tests) / sizeof((tests)[0]), argc, argv) != 0 \
         ? 1                                                                   \
         : cmocka_run_group_tests(tests, NULL, NULL))

/* As MLPS_TEST_RUN, with group setup and teardown functions. */
#define MLPS_TEST_RUN_GROUP(tests, setup, teardown, argc, argv)                \
    (cmn_test_only(tests, sizeof(tests) / sizeof((tests)[0]), argc, argv) != 0 \
         ? 1                                                                   \
         : cmocka_run_group_tests(tests, setup, teardown))

#endif /* CMN_TEST_UNIT_H */

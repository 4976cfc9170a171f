/* problem_test.c - the field-error collector and the text checks. */
#include "cmn/problem.h"
#include "cmn/text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

static void
s_collects_and_lends(void **state)
{
    (void) state;
    cmn_problem_t p;
    cmn_problem_init(&p);
    cmn_problem_add(&p, "unit.name", "is required");
    cmn_problem_add(&p, "materials[2].sha256", "must be %d hex digits", 64);
    Mlps__V1__Problem *pb =
        cmn_problem_pb(&p, "invalid", "%zu problem(s)", cmn_problem_found(&p));
    assert_string_equal(pb->code, "invalid");
    assert_string_equal(pb->message, "2 problem(s)");
    assert_int_equal(pb->n_errors, 2);
    assert_string_equal(pb->errors[1]->field, "materials[2].sha256");
    assert_string_equal(pb->errors[1]->reason, "must be 64 hex digits");
}

static void
s_counts_past_the_limit(void **state)
{
    (void) state;
    cmn_problem_t p;
    cmn_problem_init(&p);
    for (int i = 0; i < CMN_PROBLEM_MAX + 5; i++)
        cmn_problem_add(&p, "f", "r %d", i);
    assert_int_equal(p.count, CMN_PROBLEM_MAX);
    assert_int_equal(cmn_problem_found(&p), CMN_PROBLEM_MAX + 5);
    assert_int_equal(cmn_problem_pb(&p, "invalid", "x")->n_errors,
                     CMN_PROBLEM_MAX);
    cmn_problem_init(&p);
    assert_int_equal(cmn_problem_found(&p), 0);
    assert_null(cmn_problem_pb(&p, "invalid", "x")->errors);
}

static void
s_text(void **state)
{
    (void) state;
    char why[96];
    assert_int_equal(cmn_text_check("系统", 2, CMN_TEXT_CHARS, why, sizeof why),
                     0);
    assert_int_equal(cmn_text_check("系统", 2, 0, why, sizeof why),
                     CMN_EINVAL); /* 6 bytes */
    assert_string_equal(why, "is longer than 2 bytes");
    assert_int_equal(
        cmn_text_check("  ", 10, CMN_TEXT_REQUIRED, why, sizeof why),
        CMN_EINVAL);
    assert_string_equal(why, "is required");
    assert_int_equal(
        cmn_text_check(NULL, 10, CMN_TEXT_REQUIRED, why, sizeof why),
        CMN_EINVAL);
    assert_int_equal(cmn_text_check(NULL, 10, 0, why, sizeof why), 0);
    assert_int_equal(cmn_text_check("a\x1b[2Jb", 10, 0, why, sizeof why),
                     CMN_EINVAL);
    assert_string_equal(why, "must not contain control characters");
    assert_int_equal(cmn_text_check("a\nb", 10, 0, why, sizeof why),
                     CMN_EINVAL);
    assert_int_equal(
        cmn_text_check("a\nb\t", 10, CMN_TEXT_MULTILINE, why, sizeof why), 0);
    assert_int_equal(
        cmn_text_check("a\x7f", 10, CMN_TEXT_MULTILINE, why, sizeof why),
        CMN_EINVAL);
    assert_int_equal(cmn_utf8_chars("a系b"), 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_collects_and_lends),
        cmocka_unit_test(s_counts_past_the_limit),
        cmocka_unit_test(s_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

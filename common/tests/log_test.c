/* log_test.c - one line per event, levels filtered, messages folded. */
#include "cmn/err.h"
#include "cmn/log.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* Runs fn with stderr redirected, returns what it wrote (static buffer). */
static const char *
s_capture(void (*fn)(void))
{
    static char buf[8192];
    int fds[2], saved = dup(STDERR_FILENO);
    assert_int_equal(pipe(fds), 0);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    fn();
    dup2(saved, STDERR_FILENO);
    close(saved);
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static void
s_write_three(void)
{
    cmn_log_init("intake", CMN_LOG_INFO);
    cmn_log_debug("not shown %d", 1);
    cmn_log_info("case %s accepted", "110100-20261120-00001");
    cmn_log_warn("two\nlines and \"quotes\"");
    cmn_log_error("failed: %s", cmn_strerror(CMN_EDBCONN));
}

static void
test_lines(void **state)
{
    (void) state;
    const char *out = s_capture(s_write_three);
    int lines = 0;
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 3); /* debug filtered, the newline folded */
    assert_null(strstr(out, "not shown"));
    assert_non_null(strstr(out, "level=info service=intake pid="));
    assert_non_null(strstr(out, "msg=\"case 110100-20261120-00001 accepted\""));
    assert_non_null(strstr(out, "msg=\"two lines and 'quotes'\""));
    assert_non_null(strstr(out, "level=error"));
    assert_non_null(strstr(out, "database connection lost"));
}

static void
s_write_long(void)
{
    char big[4000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cmn_log_info("%s", big);
}

static void
test_long_message_is_one_line(void **state)
{
    (void) state;
    const char *out = s_capture(s_write_long);
    assert_int_equal(strchr(out, '\n') - out + 1, (long) strlen(out));
    assert_int_equal(out[strlen(out) - 2], '"');
}

static void
test_levels_and_errors(void **state)
{
    (void) state;
    assert_int_equal(cmn_log_level_parse("warn"), CMN_LOG_WARN);
    assert_int_equal(cmn_log_level_parse("verbose"), -1);
    assert_int_equal(cmn_log_level_parse(NULL), -1);
    assert_string_equal(cmn_err_name(CMN_EREJECT), "CMN_EREJECT");
    assert_string_equal(cmn_strerror(12345), "unknown error");
    assert_string_equal(cmn_err_name(0), "0");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_long_message_is_one_line),
        cmocka_unit_test(test_levels_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* config_test.c - unit tests for cmn_cfg_load (defaults, file, environment,
 * command line, and the errors that stop start-up). */
#include "cmn/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

extern char **environ;

typedef struct {
    char *name;
    long port;
    bool verbose;
    char *db_url;
} s_cfg_t;

static const cmn_cfg_opt_t s_opts[] = {
    {"name", CMN_CFG_STR, "svc", 0, 0, offsetof(s_cfg_t, name), "name"},
    {"port", CMN_CFG_INT, "5555", 1, 65535, offsetof(s_cfg_t, port), "port"},
    {"verbose", CMN_CFG_BOOL, "false", 0, 0, offsetof(s_cfg_t, verbose),
     "talk more"},
    {"db.url", CMN_CFG_STR, "postgres:///d", 0, 0, offsetof(s_cfg_t, db_url),
     "database"},
    {NULL, CMN_CFG_STR, NULL, 0, 0, 0, NULL},
};

/* Same, but db.url is required. */
static const cmn_cfg_opt_t s_opts_req[] = {
    {"name", CMN_CFG_STR, "svc", 0, 0, offsetof(s_cfg_t, name), "name"},
    {"db.url", CMN_CFG_STR, NULL, 0, 0, offsetof(s_cfg_t, db_url), "database"},
    {NULL, CMN_CFG_STR, NULL, 0, 0, 0, NULL},
};

typedef struct {
    char path[64];
    char arg[96]; /* "--config=<path>" */
    s_cfg_t cfg;
    char err[256];
} s_fix_t;

/* Removes every MLPS_* variable so the caller's environment cannot leak in. */
static void
s_clear_env(void)
{
    for (;;) {
        char name[256] = "";
        for (char **e = environ; *e != NULL; e++) {
            const char *eq = strchr(*e, '=');
            if (strncmp(*e, "MLPS_", 5) == 0 && eq != NULL &&
                (size_t) (eq - *e) < sizeof name) {
                memcpy(name, *e, (size_t) (eq - *e));
                name[eq - *e] = '\0';
                break;
            }
        }
        if (name[0] == '\0')
            return;
        assert_int_equal(unsetenv(name), 0);
    }
}

static int
s_setup(void **state)
{
    s_fix_t *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    s_clear_env();
    snprintf(f->path, sizeof f->path, "/tmp/cmn_config_test_XXXXXX");
    int fd = mkstemp(f->path);
    if (fd < 0) {
        free(f);
        return -1;
    }
    close(fd);
    snprintf(f->arg, sizeof f->arg, "--config=%s", f->path);
    *state = f;
    return 0;
}

static int
s_teardown(void **state)
{
    s_fix_t *f = *state;
    cmn_cfg_release(s_opts, &f->cfg);
    unlink(f->path);
    s_clear_env();
    free(f);
    return 0;
}

static void
s_write(const s_fix_t *f, const char *text)
{
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
}

static int
s_load(s_fix_t *f, const cmn_cfg_opt_t *opts, int argc, char **argv, int *first)
{
    f->err[0] = '\0';
    return cmn_cfg_load(opts, &f->cfg, argc, argv, first, f->err,
                        sizeof f->err);
}

static void
t_defaults(void **state)
{
    s_fix_t *f = *state;
    char *argv[] = {"prog", NULL};
    int first = -1;
    assert_int_equal(s_load(f, s_opts, 1, argv, &first), 0);
    assert_string_equal(f->cfg.name, "svc");
    assert_int_equal(f->cfg.port, 5555);
    assert_false(f->cfg.verbose);
    assert_string_equal(f->cfg.db_url, "postgres:///d");
    assert_int_equal(first, 1);
}

static void
t_file_overrides_defaults(void **state)
{
    s_fix_t *f = *state;
    s_write(f, "# a comment\n"
               "\n"
               "  port = 6000  \n"
               "name=fromfile\n"
               "verbose = yes\n");
    char *argv[] = {"prog", f->arg, NULL};
    assert_int_equal(s_load(f, s_opts, 2, argv, NULL), 0);
    assert_string_equal(f->cfg.name, "fromfile");
    assert_int_equal(f->cfg.port, 6000);
    assert_true(f->cfg.verbose);
    assert_string_equal(f->cfg.db_url, "postgres:///d"); /* untouched */
}

static void
t_file_from_env_var(void **state)
{
    s_fix_t *f = *state;
    s_write(f, "port = 6001\n");
    assert_int_equal(setenv("MLPS_CONFIG", f->path, 1), 0);
    char *argv[] = {"prog", NULL};
    assert_int_equal(s_load(f, s_opts, 1, argv, NULL), 0);
    assert_int_equal(f->cfg.port, 6001);
}

static void
t_env_overrides_file(void **state)
{
    s_fix_t *f = *state;
    s_write(f, "port = 6000\nname = fromfile\ndb.url = file\n");
    assert_int_equal(setenv("MLPS_PORT", "7000", 1), 0);
    assert_int_equal(setenv("MLPS_DB_URL", "env", 1), 0); /* '.' -> '_' */
    char *argv[] = {"prog", f->arg, NULL};
    assert_int_equal(s_load(f, s_opts, 2, argv, NULL), 0);
    assert_int_equal(f->cfg.port, 7000);
    assert_string_equal(f->cfg.db_url, "env");
    assert_string_equal(f->cfg.name, "fromfile");
}

static void
t_args_override_env(void **state)
{
    s_fix_t *f = *state;
    s_write(f, "port = 6000\n");
    assert_int_equal(setenv("MLPS_PORT", "7000", 1), 0);
    assert_int_equal(setenv("MLPS_NAME", "fromenv", 1), 0);
    char *argv[] = {"prog", f->arg, "--port=8000", NULL};
    int first = -1;
    assert_int_equal(s_load(f, s_opts, 3, argv, &first), 0);
    assert_int_equal(f->cfg.port, 8000);
    assert_string_equal(f->cfg.name, "fromenv");
    assert_int_equal(first, 3);
}

static void
t_flag_sets_bool(void **state)
{
    s_fix_t *f = *state;
    char *argv[] = {"prog", "--verbose", NULL};
    assert_int_equal(s_load(f, s_opts, 2, argv, NULL), 0);
    assert_true(f->cfg.verbose);
    cmn_cfg_release(s_opts, &f->cfg);

    /* An explicit value still works, and beats the environment. */
    assert_int_equal(setenv("MLPS_VERBOSE", "on", 1), 0);
    char *argv2[] = {"prog", "--verbose=false", NULL};
    assert_int_equal(s_load(f, s_opts, 2, argv2, NULL), 0);
    assert_false(f->cfg.verbose);
}

static void
t_unknown_key_in_file(void **state)
{
    s_fix_t *f = *state;
    s_write(f, "# comment\nport = 6000\nbogus_key = 1\nname = x\n");
    char *argv[] = {"prog", f->arg, NULL};
    char where[128];
    snprintf(where, sizeof where, "%s:3", f->path);
    assert_int_equal(s_load(f, s_opts, 2, argv, NULL), CMN_ECONFIG);
    assert_non_null(strstr(f->err, where));
    assert_non_null(strstr(f->err, "bogus_key"));
    /* Fields already filled are released on error. */
    assert_null(f->cfg.name);
    assert_null(f->cfg.db_url);
}

static void
t_bad_line_in_file(void **state)
{
    s_fix_t *f = *state;
    s_write(f, "port = 6000\njust words\n");
    char *argv[] = {"prog", f->arg, NULL};
    char where[128];
    snprintf(where, sizeof where, "%s:2", f->path);
    assert_int_equal(s_load(f, s_opts, 2, argv, NULL), CMN_ECONFIG);
    assert_non_null(strstr(f->err, where));
}

static void
t_missing_file(void **state)
{
    s_fix_t *f = *state;
    char *argv[] = {"prog", "--config=/nonexistent/mlps.conf", NULL};
    assert_int_equal(s_load(f, s_opts, 2, argv, NULL), CMN_ECONFIG);
    assert_non_null(strstr(f->err, "/nonexistent/mlps.conf"));
}

static void
t_unknown_option(void **state)
{
    s_fix_t *f = *state;
    char *argv[] = {"prog", "--port=1", "--no-such=3", NULL};
    assert_int_equal(s_load(f, s_opts, 3, argv, NULL), CMN_ECONFIG);
    assert_non_null(strstr(f->err, "--no-such"));
    assert_null(f->cfg.name);
}

static void
t_option_needs_value(void **state)
{
    s_fix_t *f = *state;
    char *argv[] = {"prog", "--port", NULL};
    assert_int_equal(s_load(f, s_opts, 2, argv, NULL), CMN_ECONFIG);
    assert_non_null(strstr(f->err, "--port"));
}

/* The environment is shared by every program of a deployment: settings of
 * other programs are left alone, a bad value of a known one is not. */
static void
t_unknown_env(void **state)
{
    s_fix_t *f = *state;
    assert_int_equal(setenv("MLPS_NO_SUCH_THING", "1", 1), 0);
    char *argv[] = {"prog", NULL};
    assert_int_equal(s_load(f, s_opts, 1, argv, NULL), 0);
    assert_int_equal(unsetenv("MLPS_NO_SUCH_THING"), 0);
    assert_int_equal(setenv("MLPS_PORT", "many", 1), 0);
    assert_int_equal(s_load(f, s_opts, 1, argv, NULL), CMN_ECONFIG);
    assert_non_null(strstr(f->err, "environment"));
    assert_non_null(strstr(f->err, "\"port\""));
    assert_int_equal(unsetenv("MLPS_PORT"), 0);
}

static void
t_int_out_of_range(void **state)
{
    s_fix_t *f = *state;
    char *argv[] = {"prog", "--port=65536", NULL};
    assert_int_equal(s_load(f, s_opts, 2, argv, NULL), CMN_ECONFIG);
    assert_non_null(strstr(f->err, "\"port\""));
    assert_non_null(strstr(f->err, "65536"));

    char *argv0[] = {"prog", "--port=0", NULL};
    assert_int_equal(s_load(f, s_opts, 2, argv0, NULL), CMN_ECONFIG);
    assert_non_null(strstr(f->err, "\"port\""));

    /* Bounds are inclusive. */
    char *argv1[] = {"prog", "--port=65535", NULL};
    assert_int_equal(s_load(f, s_opts, 2, argv1, NULL), 0);
    assert_int_equal(f->cfg.port, 65535);
    cmn_cfg_release(s_opts, &f->cfg);

    char *argv2[] = {"prog", "--port=99999999999999999999999", NULL};
    assert_int_equal(s_load(f, s_opts, 2, argv2, NULL), CMN_ECONFIG);
    assert_non_null(strstr(f->err, "\"port\""));
}

static void
t_int_not_numeric(void **state)
{
    s_fix_t *f = *state;
    const char *bad[] = {"--port=abc", "--port=12abc", "--port=", "--port=1.5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *argv[] = {"prog", (char *) bad[i], NULL};
        assert_int_equal(s_load(f, s_opts, 2, argv, NULL), CMN_ECONFIG);
        assert_non_null(strstr(f->err, "\"port\""));
    }
    /* In the file, the message also says where. */
    s_write(f, "\nport = many\n");
    char *argv[] = {"prog", f->arg, NULL};
    char where[128];
    snprintf(where, sizeof where, "%s:2", f->path);
    assert_int_equal(s_load(f, s_opts, 2, argv, NULL), CMN_ECONFIG);
    assert_non_null(strstr(f->err, where));
    assert_non_null(strstr(f->err, "\"port\""));
}

static void
t_bad_bool(void **state)
{
    s_fix_t *f = *state;
    char *argv[] = {"prog", "--verbose=maybe", NULL};
    assert_int_equal(s_load(f, s_opts, 2, argv, NULL), CMN_ECONFIG);
    assert_non_null(strstr(f->err, "\"verbose\""));
    assert_non_null(strstr(f->err, "maybe"));

    assert_int_equal(setenv("MLPS_VERBOSE", "2", 1), 0);
    char *argv2[] = {"prog", NULL};
    assert_int_equal(s_load(f, s_opts, 1, argv2, NULL), CMN_ECONFIG);
    assert_non_null(strstr(f->err, "\"verbose\""));
}

static void
t_missing_required(void **state)
{
    s_fix_t *f = *state;
    char *argv[] = {"prog", NULL};
    assert_int_equal(s_load(f, s_opts_req, 1, argv, NULL), CMN_ECONFIG);
    assert_non_null(strstr(f->err, "db.url"));
    assert_null(f->cfg.name);

    char *argv2[] = {"prog", "--db.url=postgres:///x", NULL};
    assert_int_equal(s_load(f, s_opts_req, 2, argv2, NULL), 0);
    assert_string_equal(f->cfg.db_url, "postgres:///x");
    cmn_cfg_release(s_opts_req, &f->cfg);
}

static void
t_first_arg(void **state)
{
    s_fix_t *f = *state;
    int first = -1;
    char *a1[] = {"prog", "--port=1", "--", "--name=x", "file", NULL};
    assert_int_equal(s_load(f, s_opts, 5, a1, &first), 0);
    assert_int_equal(first, 3);
    assert_int_equal(f->cfg.port, 1);
    assert_string_equal(f->cfg.name, "svc"); /* after "--": not an option */
    cmn_cfg_release(s_opts, &f->cfg);

    char *a2[] = {"prog", "--port=2", "pos", "--name=x", NULL};
    first = -1;
    assert_int_equal(s_load(f, s_opts, 4, a2, &first), 0);
    assert_int_equal(first, 2);
    assert_int_equal(f->cfg.port, 2);
    assert_string_equal(f->cfg.name, "svc");
    cmn_cfg_release(s_opts, &f->cfg);

    char *a3[] = {"prog", "--", NULL};
    first = -1;
    assert_int_equal(s_load(f, s_opts, 2, a3, &first), 0);
    assert_int_equal(first, 2);
}

/* "--config=" after "--" or a positional argument is not an option. */
static void
t_config_after_end_of_options(void **state)
{
    s_fix_t *f = *state;
    int first = -1;
    char *a1[] = {"prog", "--", "--config=/nonexistent/x.conf", NULL};
    assert_int_equal(s_load(f, s_opts, 3, a1, &first), 0);
    assert_int_equal(first, 2);
    cmn_cfg_release(s_opts, &f->cfg);

    char *a2[] = {"prog", "pos", "--config=/nonexistent/x.conf", NULL};
    assert_int_equal(s_load(f, s_opts, 3, a2, &first), 0);
    assert_int_equal(first, 1);
}

static void
t_help(void **state)
{
    s_fix_t *f = *state;
    char *argv[] = {"prog", "--help", NULL};
    assert_int_equal(s_load(f, s_opts, 2, argv, NULL), CMN_ECANCELED);
    assert_null(f->cfg.name);
}

static void
t_release_idempotent(void **state)
{
    s_fix_t *f = *state;
    char *argv[] = {"prog", "--name=abc", NULL};
    assert_int_equal(s_load(f, s_opts, 2, argv, NULL), 0);
    assert_non_null(f->cfg.name);
    cmn_cfg_release(s_opts, &f->cfg);
    assert_null(f->cfg.name);
    assert_null(f->cfg.db_url);
    cmn_cfg_release(s_opts, &f->cfg);
    assert_null(f->cfg.name);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, s_setup, s_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(t_defaults),
        T(t_file_overrides_defaults),
        T(t_file_from_env_var),
        T(t_env_overrides_file),
        T(t_args_override_env),
        T(t_flag_sets_bool),
        T(t_unknown_key_in_file),
        T(t_bad_line_in_file),
        T(t_missing_file),
        T(t_unknown_option),
        T(t_option_needs_value),
        T(t_unknown_env),
        T(t_int_out_of_range),
        T(t_int_not_numeric),
        T(t_bad_bool),
        T(t_missing_required),
        T(t_first_arg),
        T(t_config_after_end_of_options),
        T(t_help),
        T(t_release_idempotent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

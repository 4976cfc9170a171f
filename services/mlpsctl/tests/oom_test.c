/* oom_test.c - every allocation of our own code fails in turn (the n-th,
 * for every n): each conversion and command then reports "out of memory"
 * or succeeds, and frees everything either way (the sanitizer build checks
 * for leaks). malloc, calloc and realloc are wrapped at link time. */
#include "ctl/batch.h"
#include "ctl/cli.h"
#include "ctl/import.h"
#include "ctl_test.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *ptr, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *ptr, size_t size);

static unsigned long s_count, s_fail_at; /* 0: never fail */

static int
s_should_fail(void)
{
    return s_fail_at != 0 && ++s_count == s_fail_at;
}

void *
__wrap_malloc(size_t size)
{
    return s_should_fail() ? NULL : __real_malloc(size);
}

void *
__wrap_calloc(size_t n, size_t size)
{
    return s_should_fail() ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *ptr, size_t size)
{
    return s_should_fail() ? NULL : __real_realloc(ptr, size);
}

/* Converts the example name as a filing (or a supplement) with the n-th
 * allocation failing; returns the rc. */
static int
s_convert(json_t *json, int supplement, unsigned long n)
{
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    Mlps__V1__Filing *filing = NULL;
    Mlps__V1__SupplementRequest *req = NULL;
    s_count = 0;
    s_fail_at = n;
    int rc = supplement ? ctl_supplement_from_json(json, "t-1", &req, &errs)
                        : ctl_filing_from_json(json, &filing, &errs);
    s_fail_at = 0;
    if (rc != 0) {
        assert_null(filing);
        assert_null(req);
    }
    ctl_filing_free(&filing);
    ctl_supplement_free(&req);
    cmn_problem_init(&errs);
    return rc;
}

/* Fails each allocation in turn until the conversion needs no more;
 * before that every run must report CMN_ENOMEM. */
static void
s_every_allocation(const char *name, int supplement, int final_rc)
{
    json_t *json = ctl_test_example(name);
    unsigned long n = 1;
    for (;; n++) {
        int rc = s_convert(json, supplement, n);
        if (s_count < n) { /* the n-th allocation never happened */
            assert_int_equal(rc, final_rc);
            break;
        }
        if (rc != CMN_ENOMEM)
            fail_msg("%s: allocation %lu failed, rc %d", name, n, rc);
    }
    if (n < 10)
        fail_msg("%s: only %lu allocations", name, n);
    json_decref(json);
}

static void
s_conversions(void **state)
{
    (void) state;
    for (size_t i = 0; i < CTL_TEST_NVALID; i++)
        s_every_allocation(ctl_test_valid[i], 0, 0);
    s_every_allocation("filing-invalid", 0, CMN_EINVAL);
    s_every_allocation("supplement-level3", 1, 0);
}

/* The submit command on a file with errors (nothing is sent): exit 1
 * once memory suffices, exit 2 before. */
static void
s_command(void **state)
{
    (void) state;
    char path[1024];
    ctl_test_example_path("filing-invalid", path, sizeof path);
    char *argv[] = {"mlpsctl", "--intake=tcp://127.0.0.1:1", "submit", path,
                    NULL};
    FILE *null = fopen("/dev/null", "w");
    assert_non_null(null);
    for (unsigned long n = 1;; n++) {
        s_count = 0;
        s_fail_at = n;
        int rc = ctl_main(4, argv, null, null);
        s_fail_at = 0;
        if (s_count < n) {
            assert_int_equal(rc, CTL_EXIT_REFUSED);
            break;
        }
        if (rc != CTL_EXIT_USAGE)
            fail_msg("allocation %lu failed, exit %d", n, rc);
    }
    fclose(null);
}


/* Reads every record of an example batch with the n-th allocation
 * failing: 0 when the whole file was read, else CMN_ENOMEM. */
static int
s_read_batch(const char *path, unsigned long n)
{
    static cmn_problem_t errs;
    ctl_batch_t *b = NULL;
    Mlps__V1__Filing *f = NULL;
    uint32_t line;
    cmn_problem_init(&errs);
    s_count = 0;
    s_fail_at = n;
    int rc = ctl_batch_open(path, &b, &errs);
    while (rc == 0 && (rc = ctl_batch_next(b, &line, &f, &errs)) == 0)
        ctl_filing_free(&f);
    ctl_batch_close(&b);
    s_fail_at = 0;
    return rc == CMN_ENOENT ? 0 : rc;
}

/* An intake that never answers: the import then ends in ERROR. */
static int
s_no_answer(void *arg, const Mlps__V1__ImportRequest *req,
            Mlps__V1__ImportReply **reply)
{
    (void) arg;
    (void) req;
    *reply = NULL;
    return 2;
}

/* The import of an example batch with the n-th allocation failing: 0 once
 * it ran to the end (status ERROR: nobody answers), else CMN_ENOMEM
 * (before the first request, or as the ERROR's reason). */
static int
s_run_import(const char *path, unsigned long n)
{
    static cmn_problem_t errs;
    ctl_import_summary_t sum;
    ctl_import_opts_t o = {.path = path,
                           .max_records = 2,
                           .max_bytes = 1 << 20,
                           .send = s_no_answer};
    cmn_problem_init(&errs);
    s_count = 0;
    s_fail_at = n;
    int rc = ctl_import_run(&o, &sum, &errs);
    s_fail_at = 0;
    if (rc == 0 && errs.count > 0) {
        assert_int_equal(sum.status, CTL_IMPORT_ERROR);
        assert_string_equal(errs.items[0].reason, "out of memory");
        rc = CMN_ENOMEM;
    }
    ctl_import_summary_release(&sum);
    return rc;
}

static void
s_batches(void **state)
{
    (void) state;
    static const char *const names[] = {"batch.ndjson", "batch.csv"};
    char path[1024];
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/deploy/examples/%s", CTL_SOURCE_DIR,
                 names[i]);
        for (int which = 0; which < 2; which++) {
            unsigned long n = 1;
            for (;; n++) {
                int rc = which ? s_run_import(path, n) : s_read_batch(path, n);
                if (s_count < n) {
                    assert_int_equal(rc, 0);
                    break;
                }
                if (rc != CMN_ENOMEM)
                    fail_msg("%s: allocation %lu failed, rc %d", names[i], n,
                             rc);
            }
            if (n < 10)
                fail_msg("%s: only %lu allocations", names[i], n);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_conversions),
        cmocka_unit_test(s_command),
        cmocka_unit_test(s_batches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* ctl_test.h - helpers shared by the mlpsctl unit tests. */
#ifndef CTL_TEST_H
#define CTL_TEST_H
#include "cmn/problem.h"
#include "ctl/json.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The examples in deploy/examples that convert without an error. */
static const char *const ctl_test_valid[] = {
    "filing-level2",    "filing-level3", "filing-level3-missing",
    "filing-misgraded", "filing-insist", "filing-level4",
    "filing-level5",
};
#define CTL_TEST_NVALID (sizeof ctl_test_valid / sizeof ctl_test_valid[0])

/* Writes the path of deploy/examples/<name>.json into out. */
static inline void
ctl_test_example_path(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/deploy/examples/%s.json", CTL_SOURCE_DIR, name);
}

/* Loads an example; fails the test if it is not valid JSON. */
static inline json_t *
ctl_test_example(const char *name)
{
    char path[1024];
    cmn_problem_t errs;
    cmn_problem_init(&errs);
    json_t *json = NULL;
    ctl_test_example_path(name, path, sizeof path);
    int rc = ctl_json_load_file(path, &json, &errs);
    if (rc != 0)
        fail_msg("%s: %s", path,
                 errs.count ? errs.items[0].reason : cmn_strerror(rc));
    cmn_problem_init(&errs);
    return json;
}

/* The errors as "field: reason" lines ("reason" alone for the document),
 * each ending in a newline, in a static buffer. */
static inline const char *
ctl_test_errors_text(const cmn_problem_t *errs)
{
    static char text[8192];
    size_t len = 0;
    text[0] = '\0';
    for (size_t i = 0; i < errs->count && len < sizeof text; i++) {
        const cmn_field_error_t *e = &errs->items[i];
        int n = snprintf(text + len, sizeof text - len, "%s%s%s\n", e->field,
                         *e->field ? ": " : "", e->reason);
        len += n > 0 ? (size_t) n : 0;
    }
    return text;
}

#endif /* CTL_TEST_H */

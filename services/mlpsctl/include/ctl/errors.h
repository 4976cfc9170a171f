/* errors.h - a list of field errors, each naming where and why.
 *
 * mlpsctl collects every problem it finds in a JSON file before it stops,
 * and prints them the same way as the FieldErrors a service sends back:
 * "error: FIELD: REASON". A field is a JSON path such as "unit.name",
 * "unit.contacts[1].phone" or "grading.business.degree"; "" stands for the
 * document itself (and a syntax error names "FILE:LINE:COLUMN").
 * int returns: 0 or CMN_ENOMEM. */
#ifndef CTL_ERRORS_H
#define CTL_ERRORS_H
#include "cmn/err.h"

#include <stddef.h>

typedef struct {
    char *field;  /* JSON path, "" for the document */
    char *reason; /* lower case, no trailing period */
} ctl_error_t;

typedef struct {
    ctl_error_t *items; /* count entries, in the order they were found */
    size_t count;
    size_t cap;
} ctl_errors_t;

#define CTL_ERRORS_INIT \
    {                   \
        NULL, 0, 0      \
    }

/* Appends one error; field and the formatted reason are copied. */
int ctl_errors_add(ctl_errors_t *errs, const char *field, const char *fmt, ...)
    CMN_PRINTF(3, 4) CMN_MUST_CHECK;

/* Frees every entry and empties errs; errs can be reused. Safe to call
 * twice. */
void ctl_errors_release(ctl_errors_t *errs);

#endif /* CTL_ERRORS_H */

/* text.h - library-internal text helpers for pnl_core (not installed).
 * Messages for err buffers, and lines built piece by piece snprintf-style. */
#ifndef PNL_TEXT_H
#define PNL_TEXT_H
#include "cmn/err.h"

#include <stddef.h>

/* Writes the message to err (if err is not NULL and errlen > 0) and returns
 * rc, so a check reads `return pnl__fail(CMN_EINVAL, err, errlen, ...)`. */
int pnl__fail(int rc, char *err, size_t errlen, const char *fmt, ...)
    CMN_PRINTF(4, 5);

/* A line being built into buf[len]. used counts every byte added, even
 * those that did not fit, as snprintf does; buf stays NUL-terminated. */
typedef struct {
    char *buf;
    size_t len;
    size_t used;
} pnl__text_t;

void pnl__text_add(pnl__text_t *t, const char *fmt, ...) CMN_PRINTF(2, 3);

/* Adds s in double quotes, each control character or '"' as '?'. */
void pnl__text_quoted(pnl__text_t *t, const char *s);

/* The snprintf-style result: used, or CMN_EINVAL past INT_MAX. */
int pnl__text_result(const pnl__text_t *t);

#endif /* PNL_TEXT_H */

/* pgarray.h - a PostgreSQL array literal built up element by element, to
 * pass many values in one parameter ("{"a","b"}", then $1::text[] or
 * $1::uuid[] with unnest() or = ANY()): one statement for a batch instead
 * of one round trip per row. */
#ifndef CMN_PGARRAY_H
#define CMN_PGARRAY_H
#include "cmn/err.h"

#include <stddef.h>

typedef struct {
    char *text;   /* "{...}" once something was added; NULL before */
    size_t len;   /* bytes of text, without the NUL */
    size_t cap;   /* bytes allocated */
    size_t count; /* elements */
} cmn_pgarray_t;

#define CMN_PGARRAY_INIT \
    {                    \
        NULL, 0, 0, 0    \
    }

/* Appends s as one element, quoted and escaped. CMN_ENOMEM leaves a
 * unchanged. Borrows s. */
int cmn_pgarray_add(cmn_pgarray_t *a, const char *s) CMN_MUST_CHECK;

/* Appends the lower-case hex of p[0..len) as one element: bytes for
 * decode(x, 'hex') in SQL (an array literal of bytea would need its
 * backslashes escaped twice). */
int cmn_pgarray_add_hex(cmn_pgarray_t *a, const void *p,
                        size_t len) CMN_MUST_CHECK;

/* The literal: "{}" when nothing was added. Borrowed from a. */
const char *cmn_pgarray_text(const cmn_pgarray_t *a);

/* Frees the text and empties a (reusable). Safe to call twice. */
void cmn_pgarray_release(cmn_pgarray_t *a);

#endif /* CMN_PGARRAY_H */

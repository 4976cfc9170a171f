/* errors.c - a growing list of field errors. */
#include "ctl/errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
s_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy != NULL)
        memcpy(copy, s, n);
    return copy;
}

static char *
s_vformat(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *out = n < 0 ? NULL : malloc((size_t) n + 1);
    if (out != NULL)
        vsnprintf(out, (size_t) n + 1, fmt, again);
    va_end(again);
    return out;
}

int
ctl_errors_add(ctl_errors_t *errs, const char *field, const char *fmt, ...)
{
    if (errs->count == errs->cap) {
        size_t cap = errs->cap == 0 ? 8 : errs->cap * 2;
        ctl_error_t *items = realloc(errs->items, cap * sizeof *items);
        if (items == NULL)
            return CMN_ENOMEM;
        errs->items = items;
        errs->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *reason = s_vformat(fmt, ap);
    va_end(ap);
    char *copy = s_strdup(field);
    if (reason == NULL || copy == NULL) {
        free(reason);
        free(copy);
        return CMN_ENOMEM;
    }
    errs->items[errs->count].field = copy;
    errs->items[errs->count].reason = reason;
    errs->count++;
    return 0;
}

void
ctl_errors_release(ctl_errors_t *errs)
{
    for (size_t i = 0; i < errs->count; i++) {
        free(errs->items[i].field);
        free(errs->items[i].reason);
    }
    free(errs->items);
    errs->items = NULL;
    errs->count = 0;
    errs->cap = 0;
}

/* text.c - library-internal text helpers for pnl_core. */
#include "text.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>

int
pnl__fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
    if (err != NULL && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

void
pnl__text_add(pnl__text_t *t, const char *fmt, ...)
{
    size_t room = t->used < t->len ? t->len - t->used : 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(room > 0 ? t->buf + t->used : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->used += (size_t) n;
}

void
pnl__text_quoted(pnl__text_t *t, const char *s)
{
    pnl__text_add(t, "\"");
    for (; s != NULL && *s != '\0'; s++) {
        unsigned char ch = (unsigned char) *s;
        pnl__text_add(t, "%c", ch < 0x20 || ch == 0x7f || ch == '"' ? '?' : *s);
    }
    pnl__text_add(t, "\"");
}

int
pnl__text_result(const pnl__text_t *t)
{
    return t->used > INT_MAX ? CMN_EINVAL : (int) t->used;
}

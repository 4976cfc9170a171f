/* pgarray.c - PostgreSQL array literals built element by element. */
#include "cmn/pgarray.h"

#include <stdlib.h>
#include <string.h>

/* Room for need bytes of text; CMN_ENOMEM leaves a unchanged. */
static int
s_reserve(cmn_pgarray_t *a, size_t need)
{
    if (need <= a->cap)
        return 0;
    size_t cap = need * 2 > 256 ? need * 2 : 256;
    char *t = realloc(a->text, cap);
    if (t == NULL)
        return CMN_ENOMEM;
    a->text = t;
    a->cap = cap;
    return 0;
}

int
cmn_pgarray_add(cmn_pgarray_t *a, const char *s)
{
    size_t need = a->len + 2 * strlen(s) + 6; /* ,"...escaped..."} NUL */
    if (s_reserve(a, need) != 0)
        return CMN_ENOMEM;
    char *o = a->text + a->len;
    if (a->len == 0)
        *o++ = '{';
    else
        o[-1] = ','; /* over the closing brace */
    *o++ = '"';
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            *o++ = '\\';
        *o++ = *s;
    }
    *o++ = '"';
    *o++ = '}';
    *o = '\0';
    a->len = (size_t) (o - a->text);
    a->count++;
    return 0;
}

int
cmn_pgarray_add_hex(cmn_pgarray_t *a, const void *p, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    size_t need = a->len + 2 * len + 6;
    if (s_reserve(a, need) != 0)
        return CMN_ENOMEM;
    char *o = a->text + a->len;
    if (a->len == 0)
        *o++ = '{';
    else
        o[-1] = ',';
    *o++ = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char b = ((const unsigned char *) p)[i];
        *o++ = digits[b >> 4];
        *o++ = digits[b & 15];
    }
    *o++ = '"';
    *o++ = '}';
    *o = '\0';
    a->len = (size_t) (o - a->text);
    a->count++;
    return 0;
}

const char *
cmn_pgarray_text(const cmn_pgarray_t *a)
{
    return a->text != NULL ? a->text : "{}";
}

void
cmn_pgarray_release(cmn_pgarray_t *a)
{
    free(a->text);
    a->text = NULL;
    a->len = a->cap = a->count = 0;
}

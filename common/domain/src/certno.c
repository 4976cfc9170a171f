/* certno.c - certificate number patterns, formatting and parsing. */
#include "dom/certno.h"
#include "dom/level.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define S_QUOTE_MAX 40 /* longest part of a field quoted back in why */

static const struct {
    const char *name;
    dom_certno_kind_t kind;
    int max_width;
} s_fields[] = {
    {"organ", DOM_CERTNO_ORGAN, 15}, /* dom_certno_t.organ holds 15 */
    {"unit", DOM_CERTNO_UNIT, 18},   /* 10^18 - 1 fits a 64-bit long */
    {"level", DOM_CERTNO_LEVEL, 18},
    {"system", DOM_CERTNO_SYSTEM, 18},
};
#define S_NFIELDS (sizeof s_fields / sizeof s_fields[0])

static int s_fail(char *why, size_t whylen, const char *fmt, ...)
    CMN_PRINTF(3, 4);

/* Writes the reason to why; returns CMN_EINVAL. */
static int
s_fail(char *why, size_t whylen, const char *fmt, ...)
{
    if (why != NULL && whylen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return CMN_EINVAL;
}

/* Index in s_fields of the name [p, p + len), or -1. */
static int
s_field_index(const char *p, size_t len)
{
    for (size_t i = 0; i < S_NFIELDS; i++) {
        if (strlen(s_fields[i].name) == len &&
            memcmp(s_fields[i].name, p, len) == 0)
            return (int) i;
    }
    return -1;
}

/* The width in [p, p + len): 1 or 2 digits, else -1. */
static int
s_width(const char *p, size_t len)
{
    if (len < 1 || len > 2)
        return -1;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* Adds part to f; at most one of each field and a literal between fields
 * keep the parts within DOM_CERTNO_MAX_PARTS. */
static void
s_add(dom_certno_fmt_t *f, dom_certno_part_t part)
{
    assert(f->nparts < DOM_CERTNO_MAX_PARTS);
    f->parts[f->nparts++] = part;
}

/* The field "{...}" starting at pattern[*i] into f; *i moves past it. */
static int
s_parse_field(const char *pattern, size_t *i, dom_certno_fmt_t *f, bool seen[],
              char *why, size_t whylen)
{
    const char *open = pattern + *i;
    const char *close = strchr(open, '}');
    size_t at = *i + 1;
    if (close == NULL)
        return s_fail(why, whylen, "field at position %zu has no closing \"}\"",
                      at);
    int q =
        close - open + 1 < S_QUOTE_MAX ? (int) (close - open + 1) : S_QUOTE_MAX;
    const char *colon = memchr(open + 1, ':', (size_t) (close - open - 1));
    const char *name_end = colon != NULL ? colon : close;
    int k = s_field_index(open + 1, (size_t) (name_end - open - 1));
    if (k < 0)
        return s_fail(why, whylen,
                      "unknown field \"%.*s\" at position %zu (expected "
                      "organ, unit, level or system)",
                      q, open, at);
    if (colon == NULL)
        return s_fail(why, whylen,
                      "field \"%.*s\" at position %zu has no width (as "
                      "{%s:6})",
                      q, open, at, s_fields[k].name);
    int width = s_width(colon + 1, (size_t) (close - colon - 1));
    if (width < 1 || width > s_fields[k].max_width)
        return s_fail(why, whylen, "width of field \"%.*s\" must be 1..%d", q,
                      open, s_fields[k].max_width);
    if (seen[k])
        return s_fail(why, whylen, "field {%s} appears twice",
                      s_fields[k].name);
    seen[k] = true;
    s_add(f, (dom_certno_part_t){s_fields[k].kind, width, 0});
    f->len += width;
    f->has_level |= s_fields[k].kind == DOM_CERTNO_LEVEL;
    *i = (size_t) (close - pattern) + 1;
    return 0;
}

/* One literal character c into f. */
static void
s_add_literal(dom_certno_fmt_t *f, char c, int *nlit)
{
    dom_certno_part_t *last = f->nparts > 0 ? &f->parts[f->nparts - 1] : NULL;
    if (last != NULL && last->kind == DOM_CERTNO_LITERAL)
        last->width++;
    else
        s_add(f, (dom_certno_part_t){DOM_CERTNO_LITERAL, 1, *nlit});
    f->lit[(*nlit)++] = c;
    f->len++;
}

/* The checks of the whole pattern once every part is read. */
static int
s_check_fields(const dom_certno_fmt_t *f, const bool seen[], char *why,
               size_t whylen)
{
    for (size_t k = 0; k < S_NFIELDS; k++) {
        if (!seen[k] && s_fields[k].kind != DOM_CERTNO_LEVEL)
            return s_fail(why, whylen, "missing field {%s}", s_fields[k].name);
    }
    if (f->len >= DOM_CERTNO_BUFSZ)
        return s_fail(why, whylen,
                      "numbers of this pattern would be %d characters, more "
                      "than %d",
                      f->len, DOM_CERTNO_BUFSZ - 1);
    return 0;
}

int
dom_certno_fmt_parse(const char *pattern, dom_certno_fmt_t *fmt, char *why,
                     size_t whylen)
{
    if (pattern == NULL || fmt == NULL)
        return s_fail(why, whylen, "no pattern");
    size_t plen = strlen(pattern);
    if (plen > DOM_CERTNO_PATTERN_MAX)
        return s_fail(why, whylen, "pattern is longer than %d bytes",
                      DOM_CERTNO_PATTERN_MAX);
    dom_certno_fmt_t f = {0};
    bool seen[S_NFIELDS] = {false};
    int nlit = 0, rc = 0;
    for (size_t i = 0; rc == 0 && i < plen;) {
        unsigned char c = (unsigned char) pattern[i];
        if (c == '{')
            rc = s_parse_field(pattern, &i, &f, seen, why, whylen);
        else if (c == '}')
            rc = s_fail(why, whylen, "\"}\" at position %zu without \"{\"",
                        i + 1);
        else if (c <= ' ' || c > '~')
            rc = s_fail(why, whylen,
                        "byte 0x%02x at position %zu is not a printable "
                        "ASCII character",
                        (unsigned) c, i + 1);
        else
            s_add_literal(&f, pattern[i++], &nlit);
    }
    if (rc == 0)
        rc = s_check_fields(&f, seen, why, whylen);
    if (rc == 0)
        *fmt = f;
    return rc;
}

/* 10^width for width 1..18. */
static int64_t
s_pow10(int width)
{
    int64_t p = 1;
    for (int i = 0; i < width; i++)
        p *= 10;
    return p;
}

/* True if fmt looks like dom_certno_fmt_parse() made it. */
static bool
s_fmt_ok(const dom_certno_fmt_t *fmt)
{
    if (fmt == NULL || fmt->nparts < 1 || fmt->nparts > DOM_CERTNO_MAX_PARTS ||
        fmt->len < 1 || fmt->len >= DOM_CERTNO_BUFSZ)
        return false;
    int sum = 0;
    for (int i = 0; i < fmt->nparts; i++) {
        const dom_certno_part_t *p = &fmt->parts[i];
        int kind = (int) p->kind;
        int max = kind == DOM_CERTNO_LITERAL ? DOM_CERTNO_PATTERN_MAX
                  : kind == DOM_CERTNO_ORGAN ? 15
                                             : 18;
        if (kind < DOM_CERTNO_LITERAL || kind > DOM_CERTNO_SYSTEM ||
            p->width < 1 || p->width > max)
            return false;
        if (kind == DOM_CERTNO_LITERAL &&
            (p->offset < 0 || p->offset + p->width > DOM_CERTNO_PATTERN_MAX))
            return false;
        sum += p->width;
    }
    return sum == fmt->len; /* so every number fits DOM_CERTNO_BUFSZ */
}

/* True if value fits a field of kind and width (see certno.h). */
static bool
s_value_ok(dom_certno_kind_t kind, int width, int64_t value)
{
    if (kind == DOM_CERTNO_LEVEL)
        return dom_level_filed((int) value) && value < s_pow10(width);
    return value >= 1 && value < s_pow10(width);
}

/* True if organ[0..size) is exactly width ASCII digits and a NUL. */
static bool
s_organ_ok(const char *organ, size_t size, int width)
{
    size_t len = strnlen(organ, size);
    if (len != (size_t) width)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (organ[i] < '0' || organ[i] > '9')
            return false;
    }
    return true;
}

/* The value of the field part p in *n. */
static int64_t
s_value_of(const dom_certno_part_t *p, const dom_certno_t *n)
{
    switch (p->kind) {
    case DOM_CERTNO_UNIT:
        return n->unit_seq;
    case DOM_CERTNO_LEVEL:
        return n->level;
    case DOM_CERTNO_SYSTEM:
        return n->system_seq;
    default:
        return -1; /* organ and literals are text */
    }
}

int
dom_certno_format(const dom_certno_fmt_t *fmt, const dom_certno_t *n, char *buf,
                  size_t len)
{
    if (!s_fmt_ok(fmt) || n == NULL || buf == NULL)
        return CMN_EINVAL;
    char out[DOM_CERTNO_BUFSZ];
    int at = 0;
    for (int i = 0; i < fmt->nparts; i++) {
        const dom_certno_part_t *p = &fmt->parts[i];
        if (p->kind == DOM_CERTNO_LITERAL) {
            memcpy(out + at, fmt->lit + p->offset, (size_t) p->width);
        } else if (p->kind == DOM_CERTNO_ORGAN) {
            if (!s_organ_ok(n->organ, sizeof n->organ, p->width))
                return CMN_EINVAL;
            memcpy(out + at, n->organ, (size_t) p->width);
        } else {
            int64_t v = s_value_of(p, n);
            if (!s_value_ok(p->kind, p->width, v))
                return CMN_EINVAL;
            for (int d = p->width - 1; d >= 0; d--, v /= 10)
                out[at + d] = (char) ('0' + v % 10);
        }
        at += p->width;
    }
    if ((size_t) at >= len)
        return CMN_EMSGSIZE;
    memcpy(buf, out, (size_t) at);
    buf[at] = '\0';
    return 0;
}

/* The value of the width digits at s, or -1 if one is not a digit. */
static int64_t
s_read_digits(const char *s, int width)
{
    int64_t v = 0;
    for (int i = 0; i < width; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Reads the field part p at s into *n. */
static int
s_read_field(const dom_certno_part_t *p, const char *s, dom_certno_t *n)
{
    int64_t v = s_read_digits(s, p->width);
    if (v < 0)
        return CMN_EINVAL;
    if (p->kind == DOM_CERTNO_ORGAN) {
        memcpy(n->organ, s, (size_t) p->width); /* width <= 15 */
        n->organ[p->width] = '\0';
        return 0;
    }
    if (!s_value_ok(p->kind, p->width, v))
        return CMN_EINVAL;
    if (p->kind == DOM_CERTNO_UNIT)
        n->unit_seq = (long) v;
    else if (p->kind == DOM_CERTNO_LEVEL)
        n->level = (int) v;
    else
        n->system_seq = (long) v;
    return 0;
}

int
dom_certno_parse(const dom_certno_fmt_t *fmt, const char *text,
                 dom_certno_t *out)
{
    if (!s_fmt_ok(fmt) || text == NULL || out == NULL ||
        strnlen(text, DOM_CERTNO_BUFSZ) != (size_t) fmt->len)
        return CMN_EINVAL;
    dom_certno_t n = {.level = 0};
    const char *s = text;
    for (int i = 0; i < fmt->nparts; i++) {
        const dom_certno_part_t *p = &fmt->parts[i];
        if (p->kind == DOM_CERTNO_LITERAL) {
            if (memcmp(s, fmt->lit + p->offset, (size_t) p->width) != 0)
                return CMN_EINVAL;
        } else if (s_read_field(p, s, &n) != 0) {
            return CMN_EINVAL;
        }
        s += p->width;
    }
    *out = n;
    return 0;
}

/* content.c - the certificate's fields: one table of checks, and the
 * canonical text that is signed. */
#include "dom/cert/content.h"
#include "crt_int.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef enum {
    S_ID,     /* ASCII letters, digits, '-' */
    S_DIGITS, /* exactly len digits */
    S_CREDIT, /* unified social credit code */
    S_TEXT,   /* UTF-8 without control characters */
    S_DATE,   /* YYYY-MM-DD */
    S_HEXID,  /* exactly len lower-case hex digits */
    S_ALG,    /* "ed25519" | "sm2" */
    S_LEVEL,  /* 2..5, kept as an int */
} s_kind_t;

typedef struct {
    const char *name;
    size_t offset; /* into crt_content_t */
    size_t max;    /* bytes, without the NUL */
    s_kind_t kind;
} s_field_t;

#define S_F(field, max, kind)                             \
    {                                                     \
#field, offsetof(crt_content_t, field), max, kind \
    }

/* In canonical order. */
static const s_field_t s_fields[] = {
    S_F(number, CRT_NUMBER_MAX, S_ID),
    S_F(organ, CRT_ORGAN_LEN, S_DIGITS),
    S_F(unit_credit_code, CRT_CREDIT_LEN, S_CREDIT),
    S_F(unit_name, CRT_NAME_MAX, S_TEXT),
    S_F(system_name, CRT_NAME_MAX, S_TEXT),
    S_F(level, 2, S_LEVEL),
    S_F(issued_on, CRT_DATE_LEN, S_DATE),
    S_F(tracking_id, CRT_TRACKING_MAX, S_ID),
    S_F(key_id, CRT_KEY_ID_LEN, S_HEXID),
    S_F(alg, CRT_ALG_MAX, S_ALG),
};
#define S_NFIELDS (sizeof s_fields / sizeof s_fields[0])

/* GB 32100-2015: 17 characters of the alphabet and a check character. */
static bool
s_credit_valid(const char *code)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static const int weights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                    29, 25, 13, 8,  24, 10, 30, 28};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (int) (strchr(alphabet, code[i]) - alphabet) * weights[i];
    return code[17] == alphabet[(31 - sum % 31) % 31];
}

static const char *
s_credit_problem(const char *v, size_t n)
{
    if (n != CRT_CREDIT_LEN)
        return "must be 18 characters";
    for (size_t i = 0; i < n; i++)
        if (strchr("0123456789ABCDEFGHJKLMNPQRTUWXY", v[i]) == NULL)
            return "holds a character outside GB 32100 (digits and "
                   "upper-case letters but I, O, S, V, Z)";
    return s_credit_valid(v) ? NULL : "check character does not match";
}

static const char *
s_id_problem(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ch = v[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= 'a' && ch <= 'z') || ch == '-'))
            return "may hold only ASCII letters, digits and '-'";
    }
    return NULL;
}

static bool
s_has_control(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char) v[i] < 0x20 || v[i] == 0x7f)
            return true;
    return false;
}

static const char *
s_fixed_problem(const char *v, size_t n, size_t len, const char *set,
                const char *what)
{
    if (n != len || strspn(v, set) != n)
        return what;
    return NULL;
}

/* NULL when v (n bytes) is good for f, else the reason. */
static const char *
s_problem(const s_field_t *f, const char *v, size_t n)
{
    if (n == 0)
        return "is required";
    if (s_has_control(v, n))
        return "contains a control character";
    if (f->kind == S_LEVEL)
        return n == 1 && v[0] >= '2' && v[0] <= '5' ? NULL
                                                    : "must be 2, 3, 4 or 5";
    if (n > f->max)
        return f->kind == S_TEXT ? "is longer than 120 bytes of UTF-8 (40 "
                                   "Chinese characters)"
                                 : "is too long";
    switch (f->kind) {
    case S_ID:
        return s_id_problem(v, n);
    case S_DIGITS:
        return s_fixed_problem(v, n, f->max, "0123456789", "must be 6 digits");
    case S_CREDIT:
        return s_credit_problem(v, n);
    case S_TEXT:
        return crt__text_problem(v, n);
    case S_DATE:
        return crt__date_valid(v) ? NULL : "must be a date YYYY-MM-DD";
    case S_HEXID:
        return s_fixed_problem(v, n, f->max, "0123456789abcdef",
                               "must be 16 lower-case hex digits");
    case S_ALG:
        return strcmp(v, "ed25519") == 0 || strcmp(v, "sm2") == 0
                   ? NULL
                   : "must be \"ed25519\" or \"sm2\"";
    case S_LEVEL:
        break; /* checked above */
    }
    return NULL;
}

static const char *
s_value(const crt_content_t *c, const s_field_t *f, char level[2])
{
    if (f->kind != S_LEVEL)
        return (const char *) c + f->offset;
    level[0] = c->level >= 0 && c->level <= 9 ? (char) ('0' + c->level) : 'x';
    level[1] = '\0';
    return level;
}

const char *
crt__content_value(const crt_content_t *c, const char *field, char level[2])
{
    for (size_t i = 0; i < S_NFIELDS; i++)
        if (strcmp(s_fields[i].name, field) == 0)
            return s_value(c, &s_fields[i], level);
    return NULL;
}

int
crt_content_set(crt_content_t *c, const char *field, const char *value,
                char *why, size_t whylen)
{
    for (size_t i = 0; i < S_NFIELDS; i++) {
        const s_field_t *f = &s_fields[i];
        if (strcmp(f->name, field) != 0)
            continue;
        size_t n = strnlen(value, f->max + 1);
        const char *p = s_problem(f, value, n);
        if (p != NULL) {
            crt__why(why, whylen, "%s: %s", f->name, p);
            return CMN_EINVAL;
        }
        if (f->kind == S_LEVEL)
            c->level = value[0] - '0';
        else
            memcpy((char *) c + f->offset, value, n + 1);
        return 0;
    }
    crt__why(why, whylen, "\"%.40s\": not a certificate field", field);
    return CMN_EINVAL;
}

int
crt_content_check(const crt_content_t *c, char *why, size_t whylen)
{
    for (size_t i = 0; i < S_NFIELDS; i++) {
        const s_field_t *f = &s_fields[i];
        char level[2];
        const char *v = s_value(c, f, level);
        const char *p = s_problem(f, v, strnlen(v, f->max + 1));
        if (p != NULL) {
            crt__why(why, whylen, "%s: %s", f->name, p);
            return CMN_EINVAL;
        }
    }
    return 0;
}

int
crt_content_text(const crt_content_t *c, char *buf, size_t cap)
{
    if (crt_content_check(c, NULL, 0) != 0)
        return CMN_EINVAL;
    size_t len = (size_t) snprintf(buf, cap, "mlps.cert.v1\n");
    for (size_t i = 0; i < S_NFIELDS && len < cap; i++) {
        char level[2];
        len +=
            (size_t) snprintf(buf + len, cap - len, "%s=%s\n", s_fields[i].name,
                              s_value(c, &s_fields[i], level));
    }
    return len < cap ? (int) len : CMN_EINVAL;
}

const char *
crt_level_zh(int level)
{
    static const char *const names[] = {"第二级", "第三级", "第四级", "第五级"};
    if (level < CRT_LEVEL_MIN || level > CRT_LEVEL_MAX)
        return NULL;
    return names[level - CRT_LEVEL_MIN];
}

const char *
crt_text_problem(const char *s, size_t n)
{
    return crt__text_problem(s, n);
}

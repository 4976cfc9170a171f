/* certno.h - filing certificate numbers (备案证明编号; DOMAIN.md,
 * "Certificate").
 *
 * The default number, e.g. 11010843001-30001, is the 11-digit filing form
 * number (6-digit public security organ code 110108 + the unit's 5-digit
 * sequence 43001 under that organ, allocated once per unit and reused for
 * its later systems), a dash, and the 5-digit system number: the level digit
 * and a 4-digit sequence of the unit's systems (30001: level 3, its first
 * system). The format is configurable as a pattern of literal characters
 * and fields:
 *
 *   {organ:N}   the organ code, exactly N digits        (required)
 *   {unit:N}    the unit's sequence, N digits           (required)
 *   {level:N}   the system's level (2..5), N digits     (optional)
 *   {system:N}  the sequence of the unit's systems      (required)
 *
 * N is 1..18 (organ 1..15) and numbers are zero padded to it; each field
 * appears at most once; literals are printable ASCII other than { and } and
 * no blank, so a number is ASCII (for QR codes) of one fixed length.
 * Sequences start at 1. int returns: 0 or a negative CMN_E* code, with every
 * output untouched on failure (why is written only on failure). */
#ifndef DOM_CERTNO_H
#define DOM_CERTNO_H
#include "cmn/err.h"

#include <stdbool.h>
#include <stddef.h>

#define DOM_CERTNO_DEFAULT     "{organ:6}{unit:5}-{level:1}{system:4}"
#define DOM_CERTNO_PATTERN_MAX 64 /* longest pattern, in bytes */
#define DOM_CERTNO_BUFSZ       64 /* room for any number and its NUL */
#define DOM_CERTNO_MAX_PARTS   9  /* 4 fields and the literals around them */

typedef enum {
    DOM_CERTNO_LITERAL = 0,
    DOM_CERTNO_ORGAN,
    DOM_CERTNO_UNIT,
    DOM_CERTNO_LEVEL,
    DOM_CERTNO_SYSTEM
} dom_certno_kind_t;

/* One part of a parsed pattern: a field or a run of literal characters. */
typedef struct {
    dom_certno_kind_t kind;
    int width;  /* a field's digits; a literal's bytes */
    int offset; /* a literal's first byte in the format's lit */
} dom_certno_part_t;

/* A parsed pattern. Plain data: copy it freely. */
typedef struct {
    dom_certno_part_t parts[DOM_CERTNO_MAX_PARTS];
    int nparts;
    char lit[DOM_CERTNO_PATTERN_MAX + 1]; /* the literals, one after another */
    int len;        /* the length of every number of this format */
    bool has_level; /* the pattern has a {level:N} field */
} dom_certno_fmt_t;

/* Parses pattern into *fmt. CMN_EINVAL (why names the problem, e.g.
 * `unknown field "{site:3}" at byte 9 (expected organ, unit, level or
 * system)` or `missing field {unit}`) for a bad pattern, a pattern longer
 * than DOM_CERTNO_PATTERN_MAX, or one whose numbers would not fit
 * DOM_CERTNO_BUFSZ. Borrows pattern. */
int dom_certno_fmt_parse(const char *pattern, dom_certno_fmt_t *fmt, char *why,
                         size_t whylen) CMN_MUST_CHECK;

/* The parts of one certificate number. */
typedef struct {
    char organ[16];  /* the organ code: ASCII digits, NUL-terminated */
    long unit_seq;   /* 1.. */
    int level;       /* 2..5; 0 from dom_certno_parse() when fmt has none */
    long system_seq; /* 1.. */
} dom_certno_t;

/* Writes the number of *n in format *fmt into buf[0..len), NUL-terminated.
 * CMN_EINVAL when a value does not fit its width (organ must be exactly N
 * digits; a sequence 1..10^N - 1; the level 2..5, when fmt has a level
 * field; n->level is ignored otherwise), or fmt was not made by
 * dom_certno_fmt_parse(); CMN_EMSGSIZE if len <= fmt->len. Borrows both. */
int dom_certno_format(const dom_certno_fmt_t *fmt, const dom_certno_t *n,
                      char *buf, size_t len) CMN_MUST_CHECK;

/* Parses text, a whole number in format *fmt, into *out. CMN_EINVAL if
 * text is not exactly such a number (length, literals, digits) or a value
 * is out of range as dom_certno_format() checks it. Borrows both. */
int dom_certno_parse(const dom_certno_fmt_t *fmt, const char *text,
                     dom_certno_t *out) CMN_MUST_CHECK;

#endif /* DOM_CERTNO_H */

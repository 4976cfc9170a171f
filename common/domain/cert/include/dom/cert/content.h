/* content.h - a filing certificate's fields, their checks, and the
 * canonical text that is signed.
 *
 * The canonical text is these lines, in this order, each ending in "\n":
 *
 *   mlps.cert.v1
 *   number=11010843001-30001
 *   organ=110108
 *   unit_credit_code=91110108MA01A2B3C4
 *   unit_name=北京市某某科技有限公司
 *   system_name=政务服务平台
 *   level=3
 *   issued_on=2026-12-01
 *   tracking_id=110108-20261201-00001
 *   key_id=0123456789abcdef
 *   alg=ed25519
 *
 * with the values exactly as stored (UTF-8, no escaping: no field may hold
 * a control character, so no value can hold a line break). The digest of
 * this text (SHA-256 for Ed25519, SM3 for SM2) is what is signed.
 * int returns: 0 or a negative CMN_E* code. */
#ifndef CRT_CONTENT_H
#define CRT_CONTENT_H
#include "cmn/err.h"

#include <stddef.h>

#define CRT_NUMBER_MAX   24  /* ASCII letters, digits and '-' */
#define CRT_ORGAN_LEN    6   /* digits: the public security organ's code */
#define CRT_CREDIT_LEN   18  /* GB 32100-2015, with its check character */
#define CRT_NAME_MAX     120 /* bytes of UTF-8 (40 Chinese characters) */
#define CRT_TRACKING_MAX 40  /* ASCII letters, digits and '-' */
#define CRT_DATE_LEN     10  /* YYYY-MM-DD */
#define CRT_KEY_ID_LEN   16  /* lower-case hex, see crt_key_id() */
#define CRT_ALG_MAX      7   /* "ed25519" or "sm2" */
#define CRT_LEVEL_MIN    2   /* level 1 systems are not filed */
#define CRT_LEVEL_MAX    5
#define CRT_TEXT_MAX     640 /* the canonical text, NUL included */

/* The fields of one certificate. Strings are NUL-terminated in place. */
typedef struct crt_content {
    char number[CRT_NUMBER_MAX + 1];
    char organ[CRT_ORGAN_LEN + 1];
    char unit_credit_code[CRT_CREDIT_LEN + 1];
    char unit_name[CRT_NAME_MAX + 1];
    char system_name[CRT_NAME_MAX + 1];
    int level;
    char issued_on[CRT_DATE_LEN + 1];
    char tracking_id[CRT_TRACKING_MAX + 1];
    char key_id[CRT_KEY_ID_LEN + 1];
    char alg[CRT_ALG_MAX + 1];
} crt_content_t;

/* Sets one field by its canonical name ("number", "organ",
 * "unit_credit_code", "unit_name", "system_name", "level", "issued_on",
 * "tracking_id", "key_id", "alg") from text, after checking the value as
 * crt_content_check() would. CMN_EINVAL with why naming the field and the
 * reason; the field is left as it was. */
int crt_content_set(crt_content_t *c, const char *field, const char *value,
                    char *why, size_t whylen) CMN_MUST_CHECK;

/* Checks every field: CMN_EINVAL with why naming the first bad field and
 * the reason (e.g. "unit_name: contains a control character"). */
int crt_content_check(const crt_content_t *c, char *why,
                      size_t whylen) CMN_MUST_CHECK;

/* Writes the canonical text of a checked c into buf (CRT_TEXT_MAX is
 * always enough). Its length in bytes, or CMN_EINVAL when c does not pass
 * crt_content_check() or buf is too small. */
int crt_content_text(const crt_content_t *c, char *buf, size_t cap);

/* NULL when s[0..n) is valid UTF-8 (shortest form, no surrogates) without
 * control characters (C0, DEL, C1) or NUL, else the reason ("contains a
 * control character", ...), static. The check every text field passes;
 * also for text printed beside the fields (an organ's name). */
const char *crt_text_problem(const char *s, size_t n);

/* The level in Chinese: "第二级" .. "第五级"; NULL outside 2..5. */
const char *crt_level_zh(int level);

#endif /* CRT_CONTENT_H */

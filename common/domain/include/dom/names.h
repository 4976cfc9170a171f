/* names.h - the comparison form of system and unit names, for duplicate
 * detection: two filings of the same system whose names differ only in
 * full-width or half-width forms, spacing or ASCII case compare equal. */
#ifndef DOM_NAMES_H
#define DOM_NAMES_H
#include "cmn/err.h"

#include <stddef.h>

/* Normalises a system (or unit) name so that two filings of the same system
 * compare equal (strcmp):
 *   - full-width ASCII U+FF01..U+FF5E becomes the ASCII character
 *     U+0021..U+007E (so （ ） ［ ］ become ( ) [ ]);
 *   - 【 U+3010 and 】 U+3011 become [ and ];
 *   - every run of white space becomes one ASCII space: U+0009..U+000D,
 *     U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029,
 *     U+202F, U+205F and U+3000 (ideographic space), the Unicode White_Space
 *     set; white space at either end is dropped;
 *   - ASCII letters become lower case (after the full-width mapping, so
 *     Ｓ becomes s); nothing else changes.
 * in must be valid UTF-8 (shortest forms, no surrogates, at most U+10FFFF)
 * and NUL-terminated. Writes the NUL-terminated result into out[0..outlen)
 * (the result is never longer than in). CMN_EMSGSIZE if it does not fit,
 * CMN_EINVAL for invalid UTF-8 or a NULL pointer; out is untouched on
 * failure. in and out may not overlap. Borrows both. */
int dom_name_normalize(const char *in, char *out, size_t outlen) CMN_MUST_CHECK;

#endif /* DOM_NAMES_H */

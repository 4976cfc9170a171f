/* text.h - checks of text that crossed a process boundary.
 *
 * Text fields are hostile until checked: present when required, within a
 * length, free of control characters (newlines and tabs only where a field
 * is multi-line). UTF-8 validity is checked at decode time (cmn/pb.h). */
#ifndef CMN_TEXT_H
#define CMN_TEXT_H
#include "cmn/err.h"

#include <stddef.h>

enum {
    CMN_TEXT_REQUIRED = 1 << 0,  /* empty (or blank) is refused */
    CMN_TEXT_MULTILINE = 1 << 1, /* \n, \r and \t are allowed */
    CMN_TEXT_CHARS = 1 << 2,     /* max counts characters, not bytes */
    CMN_TEXT_CONTROL_OK = 1 << 3 /* do not look for control characters */
};

/* 0 when s is acceptable, else CMN_EINVAL with the reason, worded to follow
 * the field's name ("is required", "is longer than 200 characters", "must
 * not contain control characters"), in why. s NULL counts as empty. */
int cmn_text_check(const char *s, size_t max, unsigned flags, char *why,
                   size_t whylen);

/* Characters (not bytes) of a UTF-8 string. */
size_t cmn_utf8_chars(const char *s);

#endif /* CMN_TEXT_H */

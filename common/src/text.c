/* text.c - checks of text that crossed a process boundary. */
#include "cmn/text.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

size_t
cmn_utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char) *s & 0xC0) != 0x80;
    return n;
}

int
cmn_text_check(const char *s, size_t max, unsigned flags, char *why,
               size_t whylen)
{
    bool blank = true, multi = (flags & CMN_TEXT_MULTILINE) != 0;
    if (s == NULL)
        s = "";
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char) s[i];
        bool space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
        bool control = ch < 0x20 || ch == 0x7f;
        if (control && !(multi && space) && !(flags & CMN_TEXT_CONTROL_OK)) {
            snprintf(why, whylen, "must not contain control characters");
            return CMN_EINVAL;
        }
        blank = blank && space;
    }
    if ((flags & CMN_TEXT_REQUIRED) && blank) {
        snprintf(why, whylen, "is required");
        return CMN_EINVAL;
    }
    size_t len = (flags & CMN_TEXT_CHARS) ? cmn_utf8_chars(s) : n;
    if (len > max) {
        snprintf(why, whylen, "is longer than %zu %s", max,
                 (flags & CMN_TEXT_CHARS) ? "characters" : "bytes");
        return CMN_EINVAL;
    }
    return 0;
}

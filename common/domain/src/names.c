/* names.c - the comparison form of names: full-width to ASCII, one space
 * per white-space run, trimmed, ASCII lower case. */
#include "dom/names.h"

#include <stdbool.h>
#include <stdint.h>

/* Decodes one UTF-8 character at s (not at the NUL) into *cp; returns its
 * length in bytes, or 0 if s does not start a valid shortest-form
 * character. */
static size_t
s_decode(const unsigned char *s, uint32_t *cp)
{
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len = s[0] < 0x80                   ? 1
                 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2
                 : s[0] >= 0xE0 && s[0] < 0xF0 ? 3
                 : s[0] >= 0xF0 && s[0] < 0xF5 ? 4
                                               : 0;
    if (len <= 1) {
        *cp = s[0];
        return len;
    }
    uint32_t c = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) /* the NUL stops here too */
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static bool
s_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* The character c stands for in a name's comparison form. */
static uint32_t
s_fold(uint32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0; /* full-width ASCII */
    else if (c == 0x3010)
        c = '[';
    else if (c == 0x3011)
        c = ']';
    if (c >= 'A' && c <= 'Z')
        c += 'a' - 'A';
    return c;
}

/* Appends the UTF-8 form of c at out + *n if it fits before cap; always
 * advances *n. */
static void
s_put(char *out, size_t cap, size_t *n, uint32_t c)
{
    unsigned char b[4];
    size_t len = 0;
    if (c < 0x80) {
        b[len++] = (unsigned char) c;
    } else if (c < 0x800) {
        b[len++] = (unsigned char) (0xC0 | c >> 6);
        b[len++] = (unsigned char) (0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        b[len++] = (unsigned char) (0xE0 | c >> 12);
        b[len++] = (unsigned char) (0x80 | (c >> 6 & 0x3F));
        b[len++] = (unsigned char) (0x80 | (c & 0x3F));
    } else {
        b[len++] = (unsigned char) (0xF0 | c >> 18);
        b[len++] = (unsigned char) (0x80 | (c >> 12 & 0x3F));
        b[len++] = (unsigned char) (0x80 | (c >> 6 & 0x3F));
        b[len++] = (unsigned char) (0x80 | (c & 0x3F));
    }
    for (size_t i = 0; i < len; i++, (*n)++) {
        if (out != NULL && *n < cap)
            out[*n] = (char) b[i];
    }
}

/* One pass over in: with out NULL it only checks and measures. Returns the
 * length of the result (without its NUL) in *len; CMN_EINVAL for invalid
 * UTF-8. */
static int
s_pass(const char *in, char *out, size_t cap, size_t *len)
{
    const unsigned char *p = (const unsigned char *) in;
    size_t n = 0;
    bool pending = false; /* a space run seen since the last character */
    while (*p != '\0') {
        uint32_t c;
        size_t step = s_decode(p, &c);
        if (step == 0)
            return CMN_EINVAL;
        p += step;
        if (s_space(c)) {
            pending = n > 0; /* leading space is dropped */
            continue;
        }
        if (pending)
            s_put(out, cap, &n, ' ');
        pending = false;
        s_put(out, cap, &n, s_fold(c));
    }
    *len = n; /* a trailing space run was never written */
    return 0;
}

int
dom_name_normalize(const char *in, char *out, size_t outlen)
{
    if (in == NULL || out == NULL)
        return CMN_EINVAL;
    size_t len = 0;
    int rc = s_pass(in, NULL, 0, &len);
    if (rc != 0)
        return rc;
    if (len >= outlen)
        return CMN_EMSGSIZE;
    rc = s_pass(in, out, outlen, &len);
    out[len] = '\0';
    return rc;
}

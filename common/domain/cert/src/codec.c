/* codec.c - base64url, hex, strict dates and instants, and the text checks
 * shared by the certificate core (crt__, see crt_int.h). */
#include "crt_int.h"

#include <stdio.h>
#include <string.h>

static const char s_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
crt__why(char *why, size_t whylen, const char *fmt, ...)
{
    if (why == NULL || whylen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
}

int
crt__b64url_encode(const uint8_t *raw, size_t n, char *out, size_t cap)
{
    size_t len = n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
    if (len + 1 > cap)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t) raw[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t) raw[i + 1] << 8;
        if (i + 2 < n)
            v |= raw[i + 2];
        size_t chars = n - i >= 3 ? 4 : n - i + 1;
        for (size_t k = 0; k < chars; k++)
            out[o++] = s_b64[(v >> (18 - 6 * k)) & 0x3f];
    }
    out[o] = '\0';
    return (int) o;
}

static int
s_b64_value(char ch)
{
    const char *p = ch != '\0' ? strchr(s_b64, ch) : NULL;
    return p != NULL ? (int) (p - s_b64) : -1;
}

int
crt__b64url_decode(const char *text, size_t n, uint8_t *out, size_t cap)
{
    if (n % 4 == 1 || n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0) > cap)
        return -1;
    size_t o = 0;
    uint32_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        int v = s_b64_value(text[i]);
        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t) v;
        if (i % 4 == 3) {
            out[o++] = (uint8_t) (acc >> 16);
            out[o++] = (uint8_t) (acc >> 8);
            out[o++] = (uint8_t) acc;
            acc = 0;
        }
    }
    if (n % 4 == 2) {
        if (acc & 0x0f) /* not canonical */
            return -1;
        out[o++] = (uint8_t) (acc >> 4);
    } else if (n % 4 == 3) {
        if (acc & 0x03)
            return -1;
        out[o++] = (uint8_t) (acc >> 10);
        out[o++] = (uint8_t) (acc >> 2);
    }
    return (int) o;
}

void
crt__hex(const uint8_t *raw, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[raw[i] >> 4];
        out[2 * i + 1] = digits[raw[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

/* The number in s[0..n) when all n are digits, else -1. */
static int
s_num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bool
s_ymd_valid(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (s[4] != '-' || s[7] != '-')
        return false;
    int y = s_num(s, 4), m = s_num(s + 5, 2), d = s_num(s + 8, 2);
    if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

bool
crt__date_valid(const char *s)
{
    return s != NULL && strlen(s) == 10 && s_ymd_valid(s);
}

void
crt__date_next(const char *date, char out[11])
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = s_num(date, 4), m = s_num(date + 5, 2), d = s_num(date + 8, 2);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int last = m == 2 && leap ? 29 : mdays[m - 1];
    if (++d > last) {
        d = 1;
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    const int v[3] = {y, m, d}, w[3] = {4, 2, 2};
    for (int f = 0, at = 0; f < 3; at += w[f] + 1, f++) {
        for (int i = w[f] - 1, x = v[f]; i >= 0; i--, x /= 10)
            out[at + i] = (char) ('0' + x % 10);
        out[at + w[f]] = f < 2 ? '-' : '\0';
    }
}

bool
crt__instant_valid(const char *s)
{
    if (s == NULL || strlen(s) != 20 || !s_ymd_valid(s) || s[10] != 'T' ||
        s[13] != ':' || s[16] != ':' || s[19] != 'Z')
        return false;
    int h = s_num(s + 11, 2), mi = s_num(s + 14, 2), sec = s_num(s + 17, 2);
    return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 59;
}

/* Length of the UTF-8 sequence at s (at most n bytes) and its code point
 * in *cp, or 0 when it is not a valid, shortest-form sequence. */
static size_t
s_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len = s[0] < 0x80             ? 1
                 : (s[0] & 0xe0) == 0xc0 ? 2
                 : (s[0] & 0xf0) == 0xe0 ? 3
                 : (s[0] & 0xf8) == 0xf0 ? 4
                                         : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t v = len == 1 ? s[0] : s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

const char *
crt__text_problem(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *) s;
    for (size_t i = 0; i < n;) {
        uint32_t cp = 0;
        size_t len = s_utf8(u + i, n - i, &cp);
        if (len == 0)
            return "is not valid UTF-8";
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
            return "contains a control character";
        i += len;
    }
    return NULL;
}

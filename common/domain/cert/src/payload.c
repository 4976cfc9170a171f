/* payload.c - the QR payload (payload.h): format and strict parse. */
#include "dom/cert/payload.h"
#include "crt_int.h"

#include <stdio.h>
#include <string.h>

typedef enum {
    S_PLAIN, /* the field's text as it is */
    S_B64,   /* the field's UTF-8 in base64url */
    S_HASH,  /* the digest, base64url */
    S_SIG,   /* the signature, base64url */
} s_enc_t;

typedef struct {
    const char *tag;
    const char *field; /* crt_content_set() name; NULL for h and s */
    s_enc_t enc;
} s_part_t;

static const s_part_t s_parts[] = {
    {"n", "number", S_PLAIN},
    {"o", "organ", S_PLAIN},
    {"u", "unit_credit_code", S_PLAIN},
    {"un", "unit_name", S_B64},
    {"sn", "system_name", S_B64},
    {"l", "level", S_PLAIN},
    {"d", "issued_on", S_PLAIN},
    {"t", "tracking_id", S_PLAIN},
    {"k", "key_id", S_PLAIN},
    {"a", "alg", S_PLAIN},
    {"h", NULL, S_HASH},
    {"s", NULL, S_SIG},
};
#define S_NPARTS (sizeof s_parts / sizeof s_parts[0])

/* Appends one part's value at out + *len; -1 when it does not fit. */
static int
s_put(const s_part_t *p, const crt_content_t *c, const uint8_t *digest,
      const uint8_t *sig, char *out, size_t cap, size_t *len)
{
    char level[2];
    int n = snprintf(out + *len, cap - *len, ";%s=", p->tag);
    if (n < 0 || (size_t) n >= cap - *len)
        return -1;
    *len += (size_t) n;
    const char *v =
        p->field != NULL ? crt__content_value(c, p->field, level) : NULL;
    if (p->enc == S_PLAIN)
        n = snprintf(out + *len, cap - *len, "%s", v);
    else if (p->enc == S_B64)
        n = crt__b64url_encode((const uint8_t *) v, strlen(v), out + *len,
                               cap - *len);
    else if (p->enc == S_HASH)
        n = crt__b64url_encode(digest, CRT_DIGEST_LEN, out + *len, cap - *len);
    else
        n = crt__b64url_encode(sig, CRT_SIGNATURE_LEN, out + *len, cap - *len);
    if (n < 0 || (size_t) n >= cap - *len)
        return -1;
    *len += (size_t) n;
    return 0;
}

int
crt_payload_format(const crt_content_t *c, const uint8_t digest[CRT_DIGEST_LEN],
                   const uint8_t sig[CRT_SIGNATURE_LEN], char *out, size_t cap)
{
    if (crt_content_check(c, NULL, 0) != 0 || cap <= strlen(CRT_PAYLOAD_TAG))
        return CMN_EINVAL;
    size_t len = (size_t) snprintf(out, cap, "%s", CRT_PAYLOAD_TAG);
    for (size_t i = 0; i < S_NPARTS; i++)
        if (s_put(&s_parts[i], c, digest, sig, out, cap, &len) != 0)
            return CMN_EINVAL;
    return (int) len;
}

/* A field's part: its value v[0..n) (decoded for S_B64) set into c. */
static int
s_take_field(const s_part_t *p, const char *v, size_t n, crt_content_t *c,
             char *why, size_t whylen)
{
    char text[CRT_NAME_MAX + 2]; /* one more byte to see "too long" */
    char inner[160] = "";
    int got;
    if (p->enc == S_B64 && n > (CRT_NAME_MAX * 4 + 2) / 3) {
        crt__why(why, whylen,
                 "part \"%s\": %s: is longer than %d bytes of UTF-8", p->tag,
                 p->field, CRT_NAME_MAX);
        return CMN_EPROTO;
    }
    if (p->enc == S_PLAIN) {
        got = n < sizeof text ? (int) n : (int) sizeof text - 1;
        memcpy(text, v, (size_t) got);
    } else {
        got = crt__b64url_decode(v, n, (uint8_t *) text, sizeof text - 1);
    }
    if (got < 0) {
        crt__why(why, whylen, "part \"%s\": not base64url", p->tag);
        return CMN_EPROTO;
    }
    text[got] = '\0';
    if (memchr(text, '\0', (size_t) got) != NULL) {
        crt__why(why, whylen, "part \"%s\": %s: contains a NUL", p->tag,
                 p->field);
        return CMN_EPROTO;
    }
    if (crt_content_set(c, p->field, text, inner, sizeof inner) != 0) {
        crt__why(why, whylen, "part \"%s\": %s", p->tag, inner);
        return CMN_EPROTO;
    }
    return 0;
}

/* The digest's or the signature's part into out (its fixed length). */
static int
s_take_bytes(const s_part_t *p, const char *v, size_t n, uint8_t *out,
             char *why, size_t whylen)
{
    uint8_t raw[CRT_SIGNATURE_LEN + 1];
    size_t want = p->enc == S_HASH ? CRT_DIGEST_LEN : CRT_SIGNATURE_LEN;
    if (crt__b64url_decode(v, n, raw, sizeof raw) != (int) want) {
        crt__why(why, whylen,
                 "part \"%s\": expected %zu bytes in base64url (%zu "
                 "characters)",
                 p->tag, want, (want * 4 + 2) / 3);
        return CMN_EPROTO;
    }
    memcpy(out, raw, want);
    return 0;
}

/* Decodes one part's value v[0..n) into c, digest or sig. */
static int
s_take(const s_part_t *p, const char *v, size_t n, crt_content_t *c,
       uint8_t *digest, uint8_t *sig, char *why, size_t whylen)
{
    if (p->enc == S_HASH)
        return s_take_bytes(p, v, n, digest, why, whylen);
    if (p->enc == S_SIG)
        return s_take_bytes(p, v, n, sig, why, whylen);
    return s_take_field(p, v, n, c, why, whylen);
}

static int
s_check_chars(const char *payload, size_t len, char *why, size_t whylen)
{
    if (len >= CRT_PAYLOAD_MAX) {
        crt__why(why, whylen, "payload: longer than %d bytes",
                 CRT_PAYLOAD_MAX - 1);
        return CMN_EPROTO;
    }
    for (size_t i = 0; i < len; i++)
        if ((unsigned char) payload[i] <= 0x20 ||
            (unsigned char) payload[i] >= 0x7f) {
            crt__why(why, whylen,
                     "payload: byte %zu is not printable ASCII (0x%02x)", i,
                     (unsigned char) payload[i]);
            return CMN_EPROTO;
        }
    size_t tag = strlen(CRT_PAYLOAD_TAG);
    if (len < tag || memcmp(payload, CRT_PAYLOAD_TAG, tag) != 0 ||
        (payload[tag] != ';' && payload[tag] != '\0')) {
        crt__why(why, whylen, "payload: does not start with \"%s;\"",
                 CRT_PAYLOAD_TAG);
        return CMN_EPROTO;
    }
    return 0;
}

int
crt_payload_parse(const char *payload, crt_content_t *c,
                  uint8_t digest[CRT_DIGEST_LEN],
                  uint8_t sig[CRT_SIGNATURE_LEN], char *why, size_t whylen)
{
    memset(c, 0, sizeof *c);
    size_t len = strnlen(payload, CRT_PAYLOAD_MAX);
    int err = s_check_chars(payload, len, why, whylen);
    const char *at = payload + strlen(CRT_PAYLOAD_TAG);
    for (size_t i = 0; err == 0 && i < S_NPARTS; i++) {
        const s_part_t *p = &s_parts[i];
        size_t tl = strlen(p->tag);
        if (at[0] != ';' || strncmp(at + 1, p->tag, tl) != 0 ||
            at[1 + tl] != '=') {
            crt__why(why, whylen, "part %zu: expected \"%s=\"%s", i + 1, p->tag,
                     at[0] == '\0' ? " (the payload ends early)" : "");
            return CMN_EPROTO;
        }
        const char *v = at + tl + 2;
        size_t n = strcspn(v, ";");
        err = s_take(p, v, n, c, digest, sig, why, whylen);
        at = v + n;
    }
    if (err == 0 && at[0] != '\0') {
        crt__why(why, whylen, "payload: unexpected text after part \"s\"");
        err = CMN_EPROTO;
    }
    return err;
}

static bool
s_payload_char(uint8_t ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= 'a' && ch <= 'z') || ch == '-' || ch == '_' || ch == ';' ||
           ch == '=';
}

int
crt_payload_find(const uint8_t *data, size_t len, char *out, size_t cap)
{
    static const char tag[] = CRT_PAYLOAD_TAG ";";
    size_t tl = sizeof tag - 1;
    for (size_t i = 0; i + tl <= len; i++) {
        if (data[i] != tag[0] || memcmp(data + i, tag, tl) != 0)
            continue;
        size_t n = tl;
        while (i + n < len && s_payload_char(data[i + n]))
            n++;
        if (n >= cap)
            return CMN_EMSGSIZE;
        memcpy(out, data + i, n);
        out[n] = '\0';
        return 0;
    }
    return CMN_ENOENT;
}

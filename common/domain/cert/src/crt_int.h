/* crt_int.h - library-internal helpers of the certificate core (crt__):
 * base64url, strict dates and instants, text checks, digests and raw
 * signatures. Not installed; only src/ and tests include it.
 * int returns: 0 or a negative CMN_E* code unless said otherwise. */
#ifndef CRT_INT_H
#define CRT_INT_H
#include "cmn/err.h"
#include "dom/cert/content.h"
#include "dom/cert/payload.h"
#include "dom/cert/sig.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


/* snprintf into why (whylen may be 0). */
void crt__why(char *why, size_t whylen, const char *fmt, ...) CMN_PRINTF(3, 4);

/* Writes the unpadded base64url of raw[0..n) and a NUL into out. Its
 * length, or -1 when cap is too small. */
int crt__b64url_encode(const uint8_t *raw, size_t n, char *out, size_t cap);

/* Decodes text[0..n) (base64url, no padding, canonical: the unused low
 * bits of the last character are zero) into out. Its length, or -1 for
 * text that is not such base64url or does not fit in cap. */
int crt__b64url_decode(const char *text, size_t n, uint8_t *out, size_t cap);

/* The value of c's field by its canonical name (content.h), the level as
 * its digit in level; NULL for an unknown name. */
const char *crt__content_value(const crt_content_t *c, const char *field,
                               char level[2]);

/* Lower-case hex of raw[0..n) into out (2n + 1 bytes). */
void crt__hex(const uint8_t *raw, size_t n, char *out);

/* A calendar date YYYY-MM-DD, years 1990..2100. */
bool crt__date_valid(const char *s);

/* The day after date (its first 10 bytes, a date crt__date_valid accepts)
 * as YYYY-MM-DD into out. */
void crt__date_next(const char *date, char out[11]);

/* An instant YYYY-MM-DDTHH:MM:SSZ (UTC), its date as crt__date_valid. */
bool crt__instant_valid(const char *s);

/* NULL when s[0..n) is valid UTF-8 without control characters (C0, DEL,
 * C1) or NUL, else the reason ("is not valid UTF-8", ...). */
const char *crt__text_problem(const char *s, size_t n);

/* The digest the algorithm signs over: SHA-256 for "ed25519", SM3 for
 * "sm2". CMN_EINVAL for another alg, CMN_EIO when libcrypto fails. */
int crt__digest(const char *alg, const void *msg, size_t n,
                uint8_t out[CRT_DIGEST_LEN]) CMN_MUST_CHECK;

/* Signs the digest bytes with key (SM2 with the key's user id).
 * CMN_EINVAL for a public key, CMN_EIO when libcrypto fails. */
int crt__sign_digest(const crt_key_t *key, const uint8_t digest[CRT_DIGEST_LEN],
                     uint8_t sig[CRT_SIGNATURE_LEN]) CMN_MUST_CHECK;

/* 0 when sig is key's signature over the digest bytes, CMN_EREJECT when
 * it is not, CMN_ENOMEM/CMN_EIO when the check could not run. */
int crt__verify_digest(const crt_key_t *key,
                       const uint8_t digest[CRT_DIGEST_LEN],
                       const uint8_t sig[CRT_SIGNATURE_LEN]) CMN_MUST_CHECK;

/* Records the key id that signed a parsed list (revlist_parse.c). */
void crt__revlist_set_issuer(crt_revlist_t *self, const char *key_id);

#endif /* CRT_INT_H */

/* sig.c - signing a certificate into its QR payload, and verifying a
 * payload offline against a keyring and a revocation list (sig.h). */
#include "dom/cert/sig.h"
#include "crt_int.h"
#include "dom/cert/revlist.h"

#include <stdio.h>
#include <string.h>

int
crt_sign(const crt_key_t *key, crt_content_t *content, char *payload,
         size_t cap, char *why, size_t whylen)
{
    char text[CRT_TEXT_MAX];
    uint8_t digest[CRT_DIGEST_LEN], sig[CRT_SIGNATURE_LEN];
    if (key == NULL || !crt_key_can_sign(key)) {
        crt__why(why, whylen, "key id %s is a public key: it cannot sign",
                 key != NULL ? crt_key_id(key) : "(none)");
        return CMN_EINVAL;
    }
    snprintf(content->key_id, sizeof content->key_id, "%s", crt_key_id(key));
    snprintf(content->alg, sizeof content->alg, "%s", crt_key_alg(key));
    if (crt_content_check(content, why, whylen) != 0)
        return CMN_EINVAL;
    int n = crt_content_text(content, text, sizeof text);
    int err = n < 0 ? CMN_EINVAL
                    : crt__digest(content->alg, text, (size_t) n, digest);
    if (err == 0)
        err = crt__sign_digest(key, digest, sig);
    if (err != 0) {
        crt__why(why, whylen,
                 "could not sign with key id %s: libcrypto "
                 "failed",
                 crt_key_id(key));
        return err;
    }
    if (crt_payload_format(content, digest, sig, payload, cap) < 0) {
        crt__why(why, whylen,
                 "payload: the buffer of %zu bytes is too "
                 "small (CRT_PAYLOAD_MAX is %d)",
                 cap, CRT_PAYLOAD_MAX);
        return CMN_EINVAL;
    }
    return 0;
}

static int s_invalid(crt_verify_result_t *out, crt_invalid_t why,
                     const char *fmt, ...) CMN_PRINTF(3, 4);

static int
s_invalid(crt_verify_result_t *out, crt_invalid_t why, const char *fmt, ...)
{
    va_list ap;
    out->status = CRT_INVALID;
    out->invalid = why;
    va_start(ap, fmt);
    vsnprintf(out->reason, sizeof out->reason, fmt, ap);
    va_end(ap);
    return 0;
}

/* The signature and the digest, once the key is known. 0 with out
 * filled when the verdict is INVALID or the checks pass; <0 when they
 * could not run. *good says the checks passed. */
static int
s_check(const crt_key_t *key, const uint8_t digest[CRT_DIGEST_LEN],
        const uint8_t sig[CRT_SIGNATURE_LEN], crt_verify_result_t *out,
        bool *good)
{
    const crt_content_t *c = &out->content;
    char text[CRT_TEXT_MAX];
    uint8_t again[CRT_DIGEST_LEN];
    *good = false;
    if (strcmp(crt_key_alg(key), c->alg) != 0)
        return s_invalid(out, CRT_BAD_KEY,
                         "wrong key: key id %s is an %s key, the payload "
                         "says %s",
                         c->key_id, crt_key_alg(key), c->alg);
    int err = crt__verify_digest(key, digest, sig);
    if (err == CMN_EREJECT)
        return s_invalid(out, CRT_BAD_SIGNATURE,
                         "bad signature: the signature does not verify over "
                         "the digest with key id %s",
                         c->key_id);
    int n = err == 0 ? crt_content_text(c, text, sizeof text) : err;
    err = n < 0 ? n : crt__digest(c->alg, text, (size_t) n, again);
    if (err != 0)
        return err;
    if (memcmp(again, digest, sizeof again) != 0)
        return s_invalid(out, CRT_BAD_ALTERED,
                         "altered field: the signature verifies over the "
                         "digest, but the fields do not hash to it");
    *good = true;
    return 0;
}

static void
s_revocation(const crt_revlist_t *rl, crt_verify_result_t *out)
{
    const crt_content_t *c = &out->content;
    out->status = CRT_VALID;
    if (rl == NULL) {
        snprintf(out->reason, sizeof out->reason,
                 "valid: signed by key id %s; not checked against a "
                 "revocation list",
                 c->key_id);
        return;
    }
    out->revocation_checked = true;
    snprintf(out->revlist_as_of, sizeof out->revlist_as_of, "%s",
             crt_revlist_as_of(rl));
    const crt_revlist_entry_t *e =
        crt_revlist_find(rl, c->number, c->issued_on);
    if (e == NULL) {
        snprintf(out->reason, sizeof out->reason,
                 "valid: signed by key id %s; not revoked as of %s", c->key_id,
                 out->revlist_as_of);
        return;
    }
    out->status = CRT_REVOKED;
    snprintf(out->revoked_on, sizeof out->revoked_on, "%s", e->revoked_on);
    snprintf(out->revoked_reason, sizeof out->revoked_reason, "%s",
             crt_revoke_reason_name(e->reason));
    snprintf(out->reason, sizeof out->reason,
             "revoked on %s (%s), as of %s; the signature is good",
             e->revoked_on, out->revoked_reason, out->revlist_as_of);
}

int
crt_verify(const crt_keyring_t *ring, const char *payload,
           const crt_revlist_t *rl, crt_verify_result_t *out)
{
    uint8_t digest[CRT_DIGEST_LEN], sig[CRT_SIGNATURE_LEN];
    char why[CRT_REASON_MAX - 32];
    if (out == NULL)
        return CMN_EINVAL;
    memset(out, 0, sizeof *out);
    out->status = CRT_INVALID;
    if (ring == NULL || payload == NULL)
        return CMN_EINVAL;
    if (crt_payload_parse(payload, &out->content, digest, sig, why,
                          sizeof why) != 0) {
        memset(&out->content, 0, sizeof out->content);
        return s_invalid(out, CRT_BAD_MALFORMED, "malformed payload: %s", why);
    }
    out->have_content = true;
    const crt_key_t *key = crt_keyring_find(ring, out->content.key_id);
    if (key == NULL)
        return s_invalid(out, CRT_BAD_KEY,
                         "wrong key: key id %s is not among the issuer keys",
                         out->content.key_id);
    bool good = false;
    int err = s_check(key, digest, sig, out, &good);
    if (err != 0 || !good)
        return err;
    s_revocation(rl, out);
    return 0;
}

const char *
crt_status_name(crt_status_t status)
{
    switch (status) {
    case CRT_VALID:
        return "valid";
    case CRT_REVOKED:
        return "revoked";
    case CRT_INVALID:
        return "invalid";
    }
    return "invalid";
}

/* sig.h - issuer keys, keyrings, signing a certificate into its QR
 * payload, and verifying a payload offline.
 *
 * Two algorithms (OpenSSL 3.0 EVP):
 *   "ed25519"  the default: the digest is SHA-256 of the canonical text
 *              (content.h), the signature Ed25519 over the 32 digest bytes;
 *   "sm2"      the national algorithm: the digest is SM3 of the canonical
 *              text, the signature SM2-with-SM3 over the 32 digest bytes
 *              (GM/T 0003: SM3(Z || digest) with Z from the user id),
 *              carried as r || s. The user id is set explicitly on both
 *              sides; it is CRT_SM2_DEFAULT_ID (GM/T 0009) unless
 *              crt_key_set_sm2_id() says otherwise.
 * Keys are PEM files:
 *   openssl genpkey -algorithm ed25519 -out issuer.pem
 *   openssl genpkey -algorithm sm2 -out issuer-sm2.pem
 *   openssl pkey -in issuer.pem -pubout -out issuer.pub.pem
 * A key's id is the lower-case hex of the first 8 bytes of SHA-256 of its
 * public key's DER SubjectPublicKeyInfo:
 *   openssl pkey -in issuer.pem -pubout -outform DER | sha256sum | cut -c1-16
 * int returns: 0 or a negative CMN_E* code. */
#ifndef CRT_SIG_H
#define CRT_SIG_H
#include "cmn/err.h"
#include "dom/cert/content.h"

#include <stdbool.h>
#include <stddef.h>

#define CRT_SM2_DEFAULT_ID "1234567812345678"
#define CRT_SM2_ID_MAX     64
#define CRT_KEYRING_MAX    64 /* keys in one keyring file */
#define CRT_REASON_MAX     200

typedef struct crt_key crt_key_t;         /* opaque */
typedef struct crt_keyring crt_keyring_t; /* opaque */

/* Loads one Ed25519 or SM2 key from a PEM file: a private key (signs and
 * verifies) or a public key (verifies only). Caller owns the result and
 * must free it with crt_key_free(). NULL with the reason, naming the file,
 * in why. */
crt_key_t *crt_key_load(const char *path, char *why, size_t whylen);

/* Frees *key_p and sets it to NULL. Safe on NULL. */
void crt_key_free(crt_key_t **key_p);

bool crt_key_can_sign(const crt_key_t *key);
/* "ed25519" or "sm2". Static. */
const char *crt_key_alg(const crt_key_t *key);
/* CRT_KEY_ID_LEN lower-case hex digits, owned by key. */
const char *crt_key_id(const crt_key_t *key);

/* Sets the SM2 user id (1..CRT_SM2_ID_MAX printable ASCII bytes) that key
 * signs and verifies with. CMN_EINVAL for a bad id or an Ed25519 key. */
int crt_key_set_sm2_id(crt_key_t *key, const char *id) CMN_MUST_CHECK;

/* Loads every key of a file of concatenated PEM blocks (public or private
 * keys; "SM2 PARAMETERS"/"EC PARAMETERS" blocks are skipped; at most
 * CRT_KEYRING_MAX keys, no id twice). Caller owns the result and must free
 * it with crt_keyring_free(). NULL with the reason, naming the file and
 * the block, in why. */
crt_keyring_t *crt_keyring_load(const char *path, char *why, size_t whylen);

/* Frees *ring_p and sets it to NULL. Safe on NULL. */
void crt_keyring_free(crt_keyring_t **ring_p);

size_t crt_keyring_count(const crt_keyring_t *ring);
/* The key with that id, or NULL. Owned by ring. */
const crt_key_t *crt_keyring_find(const crt_keyring_t *ring,
                                  const char *key_id);
/* The i-th key in file order, or NULL. Owned by ring. */
const crt_key_t *crt_keyring_key(const crt_keyring_t *ring, size_t i);
/* Sets the SM2 user id of every SM2 key in ring. CMN_EINVAL for a bad id. */
int crt_keyring_set_sm2_id(crt_keyring_t *ring, const char *id) CMN_MUST_CHECK;

/* Signs: sets content->key_id and content->alg from key, checks every
 * field, and writes the QR payload (payload.h) into payload
 * (CRT_PAYLOAD_MAX is always enough). CMN_EINVAL with why for a public
 * key or a bad field (named); CMN_EIO when libcrypto fails. */
int crt_sign(const crt_key_t *key, crt_content_t *content, char *payload,
             size_t cap, char *why, size_t whylen) CMN_MUST_CHECK;

typedef enum {
    CRT_VALID = 0,
    CRT_REVOKED, /* valid signature, but on the revocation list */
    CRT_INVALID,
} crt_status_t;

typedef enum {
    CRT_BAD_NONE = 0,
    CRT_BAD_MALFORMED, /* the payload does not parse (reason names the part) */
    CRT_BAD_KEY,       /* not signed by a key of the keyring */
    CRT_BAD_SIGNATURE, /* the signature does not verify over the digest */
    CRT_BAD_ALTERED,   /* it does, but the fields do not hash to the digest */
} crt_invalid_t;

typedef struct crt_revlist crt_revlist_t; /* revlist.h */

typedef struct crt_verify_result {
    crt_status_t status;
    crt_invalid_t invalid;       /* why INVALID; CRT_BAD_NONE otherwise */
    char reason[CRT_REASON_MAX]; /* one line, for people */
    /* The decoded fields, when the payload parsed (have_content): a
     * verifier prints them, and must say they are not trustworthy unless
     * status is CRT_VALID or CRT_REVOKED. */
    bool have_content;
    crt_content_t content;
    /* Revocation: checked when a list was given; for CRT_REVOKED the
     * entry's reason ("superseded", ...) and date. */
    bool revocation_checked;
    char revlist_as_of[21]; /* YYYY-MM-DDTHH:MM:SSZ */
    char revoked_on[CRT_DATE_LEN + 1];
    char revoked_reason[16];
} crt_verify_result_t;

/* Verifies payload offline against the issuer keys in ring and, when rl
 * is not NULL, a revocation list already checked by crt_revlist_parse().
 * Fills *out (status, and the reason naming the case: a malformed part,
 * "key id X is not among the issuer keys", a bad signature, an altered
 * field). Returns 0 when out says the outcome; CMN_EINVAL for NULL
 * arguments, CMN_ENOMEM/CMN_EIO when the check could not run. */
int crt_verify(const crt_keyring_t *ring, const char *payload,
               const crt_revlist_t *rl,
               crt_verify_result_t *out) CMN_MUST_CHECK;

/* "valid", "revoked" or "invalid". Static. */
const char *crt_status_name(crt_status_t status);

#endif /* CRT_SIG_H */

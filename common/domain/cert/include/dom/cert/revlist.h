/* revlist.h - signed certificate revocation lists, as text.
 *
 * A list says which certificates its issuer has revoked, as of an instant
 * (UTC). Its text, every line ending in "\n", no other whitespace:
 *
 *   mlps.cert.revlist.v1
 *   issuer=<key id of the signing key>
 *   alg=<ed25519|sm2, the signing key's algorithm>
 *   as_of=<YYYY-MM-DDTHH:MM:SSZ>
 *   revoked=<number> <issued on> <revoked on> <reason>     (0 or more)
 *   signature=<base64url, 64 bytes>
 *
 * The entries are sorted by number, then by issue date, each (number,
 * issued on) once; an entry is a certificate's number and issue date (a
 * certificate reissued under the same number on another day is another
 * certificate), the day it was revoked (on or after its issue; a civil
 * date of the issuer, as the issue date is, so at most the day after
 * as_of's UTC date: China's day runs 8 hours ahead of UTC) and a reason
 * from the list below. The signature is the
 * signing key's over the digest (SHA-256 for Ed25519, SM3 for SM2) of
 * every byte before "signature=", as for certificates (sig.h).
 * int returns: 0 or a negative CMN_E* code. */
#ifndef CRT_REVLIST_H
#define CRT_REVLIST_H
#include "cmn/err.h"
#include "dom/cert/content.h"
#include "dom/cert/sig.h"

#include <stddef.h>

#define CRT_INSTANT_LEN     20 /* YYYY-MM-DDTHH:MM:SSZ */
#define CRT_REVLIST_ENTRIES 100000
#define CRT_REVLIST_BYTES   (8u << 20) /* the text, at most */

typedef enum {
    CRT_REVOKE_SUPERSEDED = 1, /* replaced by a reissued certificate */
    CRT_REVOKE_REGRADED,       /* the system's level changed */
    CRT_REVOKE_WITHDRAWN,      /* the unit withdrew the filing */
    CRT_REVOKE_FRAUD,          /* issued on false materials */
    CRT_REVOKE_DECOMMISSIONED, /* the system is out of service */
} crt_revoke_reason_t;

typedef struct crt_revlist_entry {
    char number[CRT_NUMBER_MAX + 1];
    char issued_on[CRT_DATE_LEN + 1];
    char revoked_on[CRT_DATE_LEN + 1];
    crt_revoke_reason_t reason;
} crt_revlist_entry_t;

/* "superseded", "regraded", "withdrawn", "fraud", "decommissioned"; NULL
 * for another value. Static. */
const char *crt_revoke_reason_name(crt_revoke_reason_t reason);

/* CMN_EINVAL for a name not listed above. */
int crt_revoke_reason_parse(const char *name,
                            crt_revoke_reason_t *out) CMN_MUST_CHECK;

/* An empty list as of as_of (YYYY-MM-DDTHH:MM:SSZ). Caller owns the
 * result and must destroy it. NULL with why for a bad instant. */
crt_revlist_t *crt_revlist_new(const char *as_of, char *why, size_t whylen);

/* Frees *self_p and sets it to NULL. Safe on NULL. */
void crt_revlist_destroy(crt_revlist_t **self_p);

/* Adds an entry (kept sorted; adding in order is cheapest). CMN_EINVAL
 * with why naming the field for a bad value, a revocation before the
 * issue or after the day after as_of's date, or an entry already there;
 * CMN_ENOMEM; CMN_EMSGSIZE past CRT_REVLIST_ENTRIES. */
int crt_revlist_add(crt_revlist_t *self, const char *number,
                    const char *issued_on, const char *revoked_on,
                    crt_revoke_reason_t reason, char *why,
                    size_t whylen) CMN_MUST_CHECK;

/* Signs the list with key and writes its text into *text (NUL-terminated,
 * *len bytes). Caller owns *text and must free() it. CMN_EINVAL with why
 * for a key that cannot sign; CMN_ENOMEM; CMN_EIO when libcrypto fails. */
int crt_revlist_write(const crt_revlist_t *self, const crt_key_t *key,
                      char **text, size_t *len, char *why,
                      size_t whylen) CMN_MUST_CHECK;

/* Parses text[0..len) and checks its signature with the key of ring its
 * issuer line names. Caller owns the result and must destroy it. NULL
 * with why naming the line and the reason, or saying that the issuer is
 * not in ring or the signature does not verify. */
crt_revlist_t *crt_revlist_parse(const char *text, size_t len,
                                 const crt_keyring_t *ring, char *why,
                                 size_t whylen);

/* crt_revlist_parse() of a file's contents (at most CRT_REVLIST_BYTES). */
crt_revlist_t *crt_revlist_load(const char *path, const crt_keyring_t *ring,
                                char *why, size_t whylen);

/* The list's instant, owned by self. */
const char *crt_revlist_as_of(const crt_revlist_t *self);
/* The signer's key id of a parsed list; "" for a list made here. */
const char *crt_revlist_issuer(const crt_revlist_t *self);
size_t crt_revlist_count(const crt_revlist_t *self);
/* The i-th entry in order, or NULL. Owned by self. */
const crt_revlist_entry_t *crt_revlist_entry(const crt_revlist_t *self,
                                             size_t i);
/* The entry for the certificate (number, issued_on), or NULL. */
const crt_revlist_entry_t *crt_revlist_find(const crt_revlist_t *self,
                                            const char *number,
                                            const char *issued_on);

#endif /* CRT_REVLIST_H */

/* anchor.h - signed checkpoints of the audit chain.
 *
 * The hash chain shows any change to a record, but whoever can write the
 * table (a database superuser) could rebuild a consistent chain. So the
 * audit service signs the chain's head now and then with an Ed25519 key
 * whose secret half lives in a file outside the database
 * (audit.sign-key-file), and stores each signature as a checkpoint
 * (seq, hash, signed_at_us, key_id, signature) in an append-only table.
 * Rewriting any record under a checkpoint then needs the secret key; the
 * verifier needs only the public key (audit.verify-key-file, or the
 * service's own key). Deleting checkpoints with the records after the last
 * one kept needs no key: checkpoints kept outside the database (saved.h)
 * show that, and the signer (signer.h) refuses to sign such a chain.
 *
 * What is signed is the text
 *   "mlps.audit.checkpoint.v1\nseq=S\nhash=H\nsigned_at_us=T\n"
 * (S and T in decimal, H the record's 64 hex digits). Keys are PEM files:
 *   openssl genpkey -algorithm ed25519 -out audit-sign.pem
 *   openssl pkey -in audit-sign.pem -pubout -out audit-sign.pub.pem
 * int returns: 0 or a negative CMN_E* code. */
#ifndef AUD_ANCHOR_H
#define AUD_ANCHOR_H
#include "aud/chain.h"
#include "aud/verify.h"
#include "cmn/err.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUD_SIG_HEX_LEN    128 /* an Ed25519 signature in hex */
#define AUD_KEY_ID_HEX_LEN 16  /* first 8 bytes of SHA-256(public key) */

typedef struct aud_key aud_key_t;

/* One checkpoint: a row of audit.checkpoints, or one kept outside the
 * database (saved.h). */
typedef struct {
    int64_t seq; /* the record signed; 0: no checkpoint */
    char hash[AUD_HASH_HEX_LEN + 1];
    int64_t signed_at_us;
    char key_id[AUD_KEY_ID_HEX_LEN + 1];
    char signature[AUD_SIG_HEX_LEN + 1];
    /* The record's event id. Not signed (the hash covers it): it finds
     * the record again when seqs were shifted. */
    char event_id[37];
} aud_checkpoint_t;

/* Loads an Ed25519 key from a PEM file: a private key (can sign and
 * verify) or a public one (verifies only). NULL with the reason, naming
 * the file, in why. */
aud_key_t *aud_key_load(const char *path, char *why, size_t whylen);
bool aud_key_can_sign(const aud_key_t *key);
/* The key's id: AUD_KEY_ID_HEX_LEN lower-case hex digits. */
const char *aud_key_id(const aud_key_t *key);
void aud_key_free(aud_key_t **key_p);

/* Signs (seq, hash, at_us) into sig (hex). CMN_EINVAL for a public key or
 * a bad hash; CMN_EIO when libcrypto fails. */
int aud_checkpoint_sign(const aud_key_t *key, int64_t seq, const char *hash,
                        int64_t at_us,
                        char sig[AUD_SIG_HEX_LEN + 1]) CMN_MUST_CHECK;

/* 0 when sig is key's signature of (seq, hash, at_us); CMN_EREJECT when it
 * is not (or is not hex of the right length). */
int aud_checkpoint_check(const aud_key_t *key, int64_t seq, const char *hash,
                         int64_t at_us, const char *sig) CMN_MUST_CHECK;

/* Fills cp from row `row` of r, whose columns col..col+4 are seq, hash,
 * signed_at_us, key_id and signature; cp->event_id gets "". */
void aud_checkpoint_from_row(const PGresult *r, int row, int col,
                             aud_checkpoint_t *cp);

/* After aud_verify() succeeded on conn, in the same snapshot (the caller's
 * transaction): checks every checkpoint in seq order, with out->records
 * the chain's length:
 *   1. it was signed by key (key_id) and the signature is good;
 *   2. the chain still reaches its seq, and the record there has its hash;
 * then that the records past the last checkpoint were all recorded less
 * than grace_us before now_us (older ones should be under a checkpoint:
 * checkpoints were removed, or none are being made). The first failure
 * sets out->ok false with the reason (the last one's begins "forged
 * tail:"); out->checkpoints and out->anchored_seq count what verified, and
 * *latest (if not NULL) gets the last checkpoint that verified (seq 0 when
 * none did). */
int aud_verify_checkpoints(PGconn *conn, const aud_key_t *key, int64_t now_us,
                           int64_t grace_us, aud_verify_result_t *out,
                           aud_checkpoint_t *latest) CMN_MUST_CHECK;

#endif /* AUD_ANCHOR_H */

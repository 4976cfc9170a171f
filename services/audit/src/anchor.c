/* anchor.c - Ed25519-signed checkpoints of the audit chain (OpenSSL). */
#include "aud/anchor.h"
#include "aud/chain.h"
#include "cmn/db.h"

#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_MSG_MAX    160
#define S_FETCH_ROWS 1000
#define S_STR(x)     #x
#define S_XSTR(x)    S_STR(x)

struct aud_key {
    EVP_PKEY *pkey;
    bool private_key;
    char id[AUD_KEY_ID_HEX_LEN + 1];
};

static void
s_hex(const uint8_t *raw, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[raw[i] >> 4];
        out[2 * i + 1] = digits[raw[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

static int
s_unhex(const char *text, uint8_t *raw, size_t n)
{
    if (strlen(text) != 2 * n)
        return -1;
    for (size_t i = 0; i < 2 * n; i++) {
        char c = text[i];
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                       : -1;
        if (v < 0)
            return -1;
        raw[i / 2] = (uint8_t) (i % 2 ? (raw[i / 2] | v) : (v << 4));
    }
    return 0;
}

aud_key_t *
aud_key_load(const char *path, char *why, size_t whylen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(why, whylen, "could not open \"%s\": %s", path,
                 strerror(errno));
        return NULL;
    }
    aud_key_t *k = calloc(1, sizeof *k);
    if (k == NULL) {
        fclose(f);
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    k->pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    k->private_key = k->pkey != NULL;
    if (k->pkey == NULL) {
        rewind(f);
        k->pkey = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    }
    fclose(f);
    uint8_t raw[32], digest[32];
    size_t rawlen = sizeof raw;
    unsigned int dlen = 0;
    if (k->pkey == NULL || EVP_PKEY_get_base_id(k->pkey) != EVP_PKEY_ED25519 ||
        EVP_PKEY_get_raw_public_key(k->pkey, raw, &rawlen) != 1 ||
        rawlen != 32 ||
        EVP_Digest(raw, rawlen, digest, &dlen, EVP_sha256(), NULL) != 1) {
        snprintf(why, whylen,
                 "\"%s\": expected an Ed25519 key in PEM (openssl genpkey "
                 "-algorithm ed25519)",
                 path);
        aud_key_free(&k);
        return NULL;
    }
    s_hex(digest, AUD_KEY_ID_HEX_LEN / 2, k->id);
    return k;
}

bool
aud_key_can_sign(const aud_key_t *key)
{
    return key != NULL && key->private_key;
}

const char *
aud_key_id(const aud_key_t *key)
{
    return key->id;
}

void
aud_key_free(aud_key_t **key_p)
{
    if (key_p == NULL || *key_p == NULL)
        return;
    EVP_PKEY_free((*key_p)->pkey);
    free(*key_p);
    *key_p = NULL;
}

/* The signed text; its length, or -1 for a malformed hash. */
static int
s_message(int64_t seq, const char *hash, int64_t at_us, char buf[S_MSG_MAX])
{
    if (hash == NULL || strlen(hash) != AUD_HASH_HEX_LEN)
        return -1;
    return snprintf(buf, S_MSG_MAX,
                    "mlps.audit.checkpoint.v1\nseq=%" PRId64 "\nhash=%s\n"
                    "signed_at_us=%" PRId64 "\n",
                    seq, hash, at_us);
}

int
aud_checkpoint_sign(const aud_key_t *key, int64_t seq, const char *hash,
                    int64_t at_us, char sig[AUD_SIG_HEX_LEN + 1])
{
    char msg[S_MSG_MAX];
    uint8_t raw[AUD_SIG_HEX_LEN / 2];
    size_t len = sizeof raw;
    int n = s_message(seq, hash, at_us, msg);
    if (!aud_key_can_sign(key) || n < 0)
        return CMN_EINVAL;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok =
        md != NULL &&
        EVP_DigestSignInit(md, NULL, NULL, NULL, key->pkey) == 1 &&
        EVP_DigestSign(md, raw, &len, (const uint8_t *) msg, (size_t) n) == 1 &&
        len == sizeof raw;
    EVP_MD_CTX_free(md);
    if (!ok)
        return CMN_EIO;
    s_hex(raw, sizeof raw, sig);
    return 0;
}

int
aud_checkpoint_check(const aud_key_t *key, int64_t seq, const char *hash,
                     int64_t at_us, const char *sig)
{
    char msg[S_MSG_MAX];
    uint8_t raw[AUD_SIG_HEX_LEN / 2];
    int n = s_message(seq, hash, at_us, msg);
    if (key == NULL || n < 0 || sig == NULL || s_unhex(sig, raw, sizeof raw))
        return CMN_EREJECT;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md != NULL &&
             EVP_DigestVerifyInit(md, NULL, NULL, NULL, key->pkey) == 1 &&
             EVP_DigestVerify(md, raw, sizeof raw, (const uint8_t *) msg,
                              (size_t) n) == 1;
    EVP_MD_CTX_free(md);
    return ok ? 0 : CMN_EREJECT;
}

void
aud_checkpoint_from_row(const PGresult *r, int row, int col,
                        aud_checkpoint_t *cp)
{
    memset(cp, 0, sizeof *cp);
    cp->seq = strtoll(PQgetvalue(r, row, col), NULL, 10);
    snprintf(cp->hash, sizeof cp->hash, "%s", PQgetvalue(r, row, col + 1));
    cp->signed_at_us = strtoll(PQgetvalue(r, row, col + 2), NULL, 10);
    snprintf(cp->key_id, sizeof cp->key_id, "%s", PQgetvalue(r, row, col + 3));
    snprintf(cp->signature, sizeof cp->signature, "%s",
             PQgetvalue(r, row, col + 4));
}

/* --- verifying them -------------------------------------------------- */

static int s_fail(aud_verify_result_t *out, int64_t seq, const char *fmt, ...)
    CMN_PRINTF(3, 4);

static int
s_fail(aud_verify_result_t *out, int64_t seq, const char *fmt, ...)
{
    va_list ap;
    out->ok = false;
    out->bad_seq = seq;
    out->bad_event[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(out->reason, sizeof out->reason, fmt, ap);
    va_end(ap);
    return 0;
}

/* Checks one checkpoint row (seq, hash, signed_at_us, key_id, signature,
 * the chain's hash and event at seq or NULLs); a good one goes to *latest.
 * 1 = good, 0 = stop (out says why). */
static int
s_check_one(const aud_key_t *key, const PGresult *r, int i,
            aud_verify_result_t *out, aud_checkpoint_t *latest)
{
    int64_t seq = strtoll(PQgetvalue(r, i, 0), NULL, 10);
    const char *hash = PQgetvalue(r, i, 1);
    int64_t at = strtoll(PQgetvalue(r, i, 2), NULL, 10);
    if (strcmp(PQgetvalue(r, i, 3), key->id) != 0)
        return s_fail(out, seq,
                      "checkpoint at seq %" PRId64 ": signed by key %.16s, "
                      "not by %s",
                      seq, PQgetvalue(r, i, 3), key->id);
    if (aud_checkpoint_check(key, seq, hash, at, PQgetvalue(r, i, 4)) != 0)
        return s_fail(out, seq,
                      "checkpoint at seq %" PRId64 ": the signature does "
                      "not match",
                      seq);
    if (PQgetisnull(r, i, 5))
        return s_fail(out, seq,
                      "checkpoint at seq %" PRId64 ": the chain ends at seq "
                      "%" PRIu64 "; signed records were removed",
                      seq, out->records);
    if (strcmp(PQgetvalue(r, i, 5), hash) != 0)
        return s_fail(out, seq,
                      "checkpoint at seq %" PRId64 ": the record's hash is "
                      "not the one signed; the chain was rewritten up to "
                      "here",
                      seq);
    out->checkpoints++;
    out->anchored_seq = seq;
    aud_checkpoint_from_row(r, i, 0, latest);
    snprintf(latest->event_id, sizeof latest->event_id, "%s",
             PQgetvalue(r, i, 6));
    return 1;
}

static int
s_walk_checkpoints(PGconn *conn, const aud_key_t *key, aud_verify_result_t *out,
                   aud_checkpoint_t *latest)
{
    int err = cmn_pg_cmd(
        conn, "DECLARE aud_verify_marks NO SCROLL CURSOR FOR "
              "SELECT k.seq, k.hash, k.signed_at_us, k.key_id, k.signature, "
              "c.hash, c.event_id FROM checkpoints k LEFT JOIN chain c "
              "ON c.seq = k.seq ORDER BY k.seq");
    int more = 1;
    while (err == 0 && more && out->ok) {
        PGresult *r = cmn_pg_exec(
            conn,
            "FETCH FORWARD " S_XSTR(S_FETCH_ROWS) " FROM aud_verify_marks", 0,
            NULL, &err);
        if (r == NULL)
            break;
        more = PQntuples(r) == S_FETCH_ROWS;
        for (int i = 0; i < PQntuples(r) && s_check_one(key, r, i, out, latest);
             i++)
            ;
        PQclear(r);
    }
    if (err == 0)
        err = cmn_pg_cmd(conn, "CLOSE aud_verify_marks");
    return err;
}

int
aud_verify_checkpoints(PGconn *conn, const aud_key_t *key, int64_t now_us,
                       int64_t grace_us, aud_verify_result_t *out,
                       aud_checkpoint_t *latest)
{
    aud_checkpoint_t unused;
    if (latest == NULL)
        latest = &unused;
    memset(latest, 0, sizeof *latest);
    if (key == NULL || !out->ok)
        return CMN_EINVAL;
    snprintf(out->key_id, sizeof out->key_id, "%s", key->id);
    int err = s_walk_checkpoints(conn, key, out, latest);
    if (err != 0 || !out->ok || (uint64_t) out->anchored_seq >= out->records)
        return err;
    char first[24];
    snprintf(first, sizeof first, "%" PRId64, out->anchored_seq + 1);
    const char *p[1] = {first};
    PGresult *r = cmn_pg_exec(conn,
                              "SELECT (extract(epoch FROM recorded_at) * "
                              "1000000)::bigint FROM chain WHERE seq = $1",
                              1, p, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) == 1) {
        int64_t at = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        if (now_us - at > grace_us)
            s_fail(out, out->anchored_seq + 1,
                   "forged tail: seq %" PRId64 "..%" PRIu64 " link up but "
                   "are not under a signed checkpoint, though recorded %" PRId64
                   " s ago (more than %" PRId64 " s): added without the "
                   "key, or their checkpoints were removed, or none are "
                   "being made",
                   out->anchored_seq + 1, out->records, (now_us - at) / 1000000,
                   grace_us / 1000000);
    }
    PQclear(r);
    return 0;
}

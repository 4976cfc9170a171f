/* key.c - issuer keys and keyrings (sig.h): PEM files read strictly, one
 * or many keys, Ed25519 or SM2, their ids; and the raw digest, sign and
 * verify steps (crt__, crt_int.h) on them. */
#include "crt_int.h"

#include <errno.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_FILE_MAX (1u << 20) /* a key file or a keyring, in bytes */

struct crt_key {
    EVP_PKEY *pkey;
    bool private_key;
    const char *alg; /* "ed25519" | "sm2" */
    char id[CRT_KEY_ID_LEN + 1];
    char sm2_id[CRT_SM2_ID_MAX + 1];
};

struct crt_keyring {
    size_t count;
    crt_key_t *keys[CRT_KEYRING_MAX];
};

void
crt_key_free(crt_key_t **key_p)
{
    if (key_p == NULL || *key_p == NULL)
        return;
    EVP_PKEY_free((*key_p)->pkey);
    free(*key_p);
    *key_p = NULL;
}

bool
crt_key_can_sign(const crt_key_t *key)
{
    return key != NULL && key->private_key;
}

const char *
crt_key_alg(const crt_key_t *key)
{
    return key->alg;
}

const char *
crt_key_id(const crt_key_t *key)
{
    return key->id;
}

static bool
s_sm2_id_ok(const char *id)
{
    size_t n = id != NULL ? strnlen(id, CRT_SM2_ID_MAX + 1) : 0;
    if (n == 0 || n > CRT_SM2_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (id[i] < 0x21 || id[i] > 0x7e)
            return false;
    return true;
}

int
crt_key_set_sm2_id(crt_key_t *key, const char *id)
{
    if (key == NULL || strcmp(key->alg, "sm2") != 0 || !s_sm2_id_ok(id))
        return CMN_EINVAL;
    snprintf(key->sm2_id, sizeof key->sm2_id, "%s", id);
    return 0;
}

/* Takes pkey (freed on failure): checks its type, computes its id. */
static crt_key_t *
s_key_new(EVP_PKEY *pkey, bool private_key, const char *where, char *why,
          size_t whylen)
{
    const char *alg = EVP_PKEY_is_a(pkey, "ED25519") ? "ed25519"
                      : EVP_PKEY_is_a(pkey, "SM2")   ? "sm2"
                                                     : NULL;
    if (alg == NULL) {
        crt__why(why, whylen, "%s: a %s key; expected Ed25519 or SM2", where,
                 EVP_PKEY_get0_type_name(pkey));
        EVP_PKEY_free(pkey);
        return NULL;
    }
    uint8_t *der = NULL, digest[32];
    unsigned int dlen = 0;
    int n = i2d_PUBKEY(pkey, &der);
    crt_key_t *k = calloc(1, sizeof *k);
    if (k == NULL || n <= 0 ||
        EVP_Digest(der, (size_t) n, digest, &dlen, EVP_sha256(), NULL) != 1) {
        crt__why(why, whylen, "%s: could not encode the public key", where);
        OPENSSL_free(der);
        EVP_PKEY_free(pkey);
        free(k);
        return NULL;
    }
    OPENSSL_free(der);
    k->pkey = pkey;
    k->private_key = private_key;
    k->alg = alg;
    crt__hex(digest, CRT_KEY_ID_LEN / 2, k->id);
    snprintf(k->sm2_id, sizeof k->sm2_id, "%s", CRT_SM2_DEFAULT_ID);
    return k;
}

static int
s_no_passphrase(char *buf, int size, int rwflag, void *arg)
{
    (void) buf, (void) size, (void) rwflag, (void) arg;
    return -1; /* encrypted keys are refused, never prompted for */
}

/* One PEM block: a key (*out), nothing to keep (*out NULL, 0), or an
 * error with why. */
static int
s_block_key(const char *name, const char *header, const uint8_t *data, long len,
            const char *where, crt_key_t **out, char *why, size_t whylen)
{
    EVP_PKEY *pkey = NULL;
    bool priv = false;
    *out = NULL;
    if (strcmp(name, "SM2 PARAMETERS") == 0 ||
        strcmp(name, "EC PARAMETERS") == 0)
        return 0;
    if (strcmp(name, "PUBLIC KEY") == 0) {
        const uint8_t *p = data;
        pkey = d2i_PUBKEY(NULL, &p, len);
        if (pkey != NULL && p != data + len) {
            EVP_PKEY_free(pkey);
            pkey = NULL;
        }
    } else if (strcmp(name, "PRIVATE KEY") == 0 ||
               strcmp(name, "EC PRIVATE KEY") == 0) {
        /* Through PEM again, so OpenSSL's decoders pick the key type. */
        BIO *mem = BIO_new(BIO_s_mem());
        if (mem != NULL && PEM_write_bio(mem, name, header, data, len) > 0)
            pkey = PEM_read_bio_PrivateKey(mem, NULL, s_no_passphrase, NULL);
        BIO_free(mem);
        priv = true;
    } else {
        crt__why(why, whylen,
                 "%s: a \"%.40s\" block; expected PUBLIC KEY "
                 "or PRIVATE KEY (encrypted keys are not read)",
                 where, name);
        return CMN_EINVAL;
    }
    if (pkey == NULL) {
        crt__why(why, whylen, "%s: not a readable %s", where, name);
        return CMN_EINVAL;
    }
    *out = s_key_new(pkey, priv, where, why, whylen);
    return *out != NULL ? 0 : CMN_EINVAL;
}

static BIO *
s_read_file(const char *path, char *why, size_t whylen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        crt__why(why, whylen, "could not open \"%s\": %s", path,
                 strerror(errno));
        return NULL;
    }
    char *buf = malloc(S_FILE_MAX + 1);
    size_t n = buf != NULL ? fread(buf, 1, S_FILE_MAX + 1, f) : 0;
    const char *bad = buf == NULL      ? "out of memory"
                      : ferror(f)      ? "could not read"
                      : n > S_FILE_MAX ? "larger than 1 MiB"
                                       : NULL;
    fclose(f);
    BIO *bio = bad == NULL ? BIO_new(BIO_s_mem()) : NULL;
    if (bio != NULL && BIO_write(bio, buf, (int) n) != (int) n) {
        BIO_free(bio);
        bio = NULL;
    }
    free(buf);
    if (bio == NULL)
        crt__why(why, whylen, "\"%s\": %s", path,
                 bad != NULL ? bad : "out of memory");
    return bio;
}

/* Block number block of path: its key, if it has one, into ring. */
static int
s_add_block(crt_keyring_t *ring, size_t max, const char *path, int block,
            const char *name, const char *header, const uint8_t *data, long len,
            char *why, size_t whylen)
{
    char where[300];
    crt_key_t *k = NULL;
    snprintf(where, sizeof where, "\"%s\" block %d", path, block);
    int err = s_block_key(name, header, data, len, where, &k, why, whylen);
    if (err != 0 || k == NULL)
        return err;
    if (ring->count == max) {
        if (max == 1)
            crt__why(why, whylen,
                     "%s: a second key (a key file holds one; a keyring may "
                     "hold several)",
                     where);
        else
            crt__why(why, whylen, "%s: more than %zu keys", where, max);
        err = CMN_EINVAL;
    } else if (crt_keyring_find(ring, k->id) != NULL) {
        crt__why(why, whylen, "%s: key id %s appears twice", where, k->id);
        err = CMN_EINVAL;
    }
    if (err == 0)
        ring->keys[ring->count++] = k;
    else
        crt_key_free(&k);
    return err;
}

/* Reads every key of path into ring; at most max keys. */
static int
s_load(const char *path, crt_keyring_t *ring, size_t max, char *why,
       size_t whylen)
{
    BIO *bio = s_read_file(path, why, whylen);
    int err = bio != NULL ? 0 : CMN_EINVAL;
    for (int block = 1; err == 0; block++) {
        char *name = NULL, *header = NULL;
        uint8_t *data = NULL;
        long len = 0;
        ERR_clear_error(); /* a key read well can leave errors behind */
        if (PEM_read_bio(bio, &name, &header, &data, &len) != 1) {
            unsigned long e = ERR_peek_last_error();
            if (e != 0 && (ERR_GET_LIB(e) != ERR_LIB_PEM ||
                           ERR_GET_REASON(e) != PEM_R_NO_START_LINE)) {
                crt__why(why, whylen, "\"%s\" block %d: not valid PEM", path,
                         block);
                err = CMN_EINVAL;
            }
            break; /* else: no more blocks */
        }
        err = s_add_block(ring, max, path, block, name, header, data, len, why,
                          whylen);
        OPENSSL_free(name), OPENSSL_free(header), OPENSSL_free(data);
    }
    if (err == 0 && ring->count == 0) {
        crt__why(why, whylen, "\"%s\": no PEM key in it", path);
        err = CMN_EINVAL;
    }
    ERR_clear_error();
    BIO_free(bio);
    return err;
}

crt_key_t *
crt_key_load(const char *path, char *why, size_t whylen)
{
    crt_keyring_t ring = {0};
    crt_key_t *k = NULL;
    if (s_load(path, &ring, 1, why, whylen) == 0)
        k = ring.keys[0];
    else if (ring.count == 1)
        crt_key_free(&ring.keys[0]);
    return k;
}

crt_keyring_t *
crt_keyring_load(const char *path, char *why, size_t whylen)
{
    crt_keyring_t *ring = calloc(1, sizeof *ring);
    if (ring == NULL) {
        crt__why(why, whylen, "out of memory");
        return NULL;
    }
    if (s_load(path, ring, CRT_KEYRING_MAX, why, whylen) != 0)
        crt_keyring_free(&ring);
    return ring;
}

void
crt_keyring_free(crt_keyring_t **ring_p)
{
    if (ring_p == NULL || *ring_p == NULL)
        return;
    for (size_t i = 0; i < (*ring_p)->count; i++)
        crt_key_free(&(*ring_p)->keys[i]);
    free(*ring_p);
    *ring_p = NULL;
}

size_t
crt_keyring_count(const crt_keyring_t *ring)
{
    return ring->count;
}

const crt_key_t *
crt_keyring_find(const crt_keyring_t *ring, const char *key_id)
{
    for (size_t i = 0; i < ring->count; i++)
        if (strcmp(ring->keys[i]->id, key_id) == 0)
            return ring->keys[i];
    return NULL;
}

const crt_key_t *
crt_keyring_key(const crt_keyring_t *ring, size_t i)
{
    return i < ring->count ? ring->keys[i] : NULL;
}

int
crt_keyring_set_sm2_id(crt_keyring_t *ring, const char *id)
{
    if (!s_sm2_id_ok(id))
        return CMN_EINVAL;
    for (size_t i = 0; i < ring->count; i++)
        if (strcmp(ring->keys[i]->alg, "sm2") == 0)
            snprintf(ring->keys[i]->sm2_id, CRT_SM2_ID_MAX + 1, "%s", id);
    return 0;
}

/* --- digests and raw signatures (crt_int.h) --------------------------- */

int
crt__digest(const char *alg, const void *msg, size_t n,
            uint8_t out[CRT_DIGEST_LEN])
{
    const EVP_MD *md = strcmp(alg, "ed25519") == 0 ? EVP_sha256()
                       : strcmp(alg, "sm2") == 0   ? EVP_sm3()
                                                   : NULL;
    unsigned int len = 0;
    if (md == NULL)
        return CMN_EINVAL;
    if (EVP_Digest(msg, n, out, &len, md, NULL) != 1 || len != CRT_DIGEST_LEN) {
        ERR_clear_error();
        return CMN_EIO;
    }
    return 0;
}

/* A sign or verify context on key: SM2 with SM3 and the key's user id
 * (set explicitly: OpenSSL has no default), Ed25519 as it is. */
static EVP_MD_CTX *
s_md_new(const crt_key_t *key, bool sign)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL; /* owned by md */
    bool sm2 = strcmp(key->alg, "sm2") == 0;
    const EVP_MD *type = sm2 ? EVP_sm3() : NULL;
    int ok =
        md != NULL &&
        (sign ? EVP_DigestSignInit(md, &pctx, type, NULL, key->pkey)
              : EVP_DigestVerifyInit(md, &pctx, type, NULL, key->pkey)) == 1;
    if (ok && sm2)
        ok = EVP_PKEY_CTX_set1_id(pctx, key->sm2_id, strlen(key->sm2_id)) > 0;
    if (!ok) {
        EVP_MD_CTX_free(md);
        md = NULL;
    }
    return md;
}

/* An SM2 signature from DER to r || s. */
static bool
s_der_to_raw(const uint8_t *der, size_t n, uint8_t sig[CRT_SIGNATURE_LEN])
{
    const uint8_t *p = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long) n);
    const BIGNUM *r = NULL, *s = NULL;
    if (es != NULL)
        ECDSA_SIG_get0(es, &r, &s);
    bool ok = es != NULL && BN_bn2binpad(r, sig, 32) == 32 &&
              BN_bn2binpad(s, sig + 32, 32) == 32;
    ECDSA_SIG_free(es);
    return ok;
}

/* r || s to DER into der (cap bytes); its length, or 0. */
static size_t
s_raw_to_der(const uint8_t sig[CRT_SIGNATURE_LEN], uint8_t *der, size_t cap)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
    size_t n = 0;
    if (es != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(es, r, s) == 1) {
        r = s = NULL; /* owned by es now */
        int len = i2d_ECDSA_SIG(es, NULL);
        uint8_t *p = der;
        if (len > 0 && (size_t) len <= cap && i2d_ECDSA_SIG(es, &p) == len)
            n = (size_t) len;
    }
    BN_free(r), BN_free(s);
    ECDSA_SIG_free(es);
    return n;
}

int
crt__sign_digest(const crt_key_t *key, const uint8_t digest[CRT_DIGEST_LEN],
                 uint8_t sig[CRT_SIGNATURE_LEN])
{
    if (!crt_key_can_sign(key))
        return CMN_EINVAL;
    uint8_t out[80]; /* an SM2 DER signature is at most 72 bytes */
    size_t len = sizeof out;
    EVP_MD_CTX *md = s_md_new(key, true);
    bool ok = md != NULL &&
              EVP_DigestSign(md, out, &len, digest, CRT_DIGEST_LEN) == 1;
    EVP_MD_CTX_free(md);
    if (ok && strcmp(key->alg, "sm2") == 0)
        ok = s_der_to_raw(out, len, sig);
    else if (ok && len == CRT_SIGNATURE_LEN)
        memcpy(sig, out, len);
    else
        ok = false;
    ERR_clear_error();
    return ok ? 0 : CMN_EIO;
}

int
crt__verify_digest(const crt_key_t *key, const uint8_t digest[CRT_DIGEST_LEN],
                   const uint8_t sig[CRT_SIGNATURE_LEN])
{
    uint8_t der[80];
    size_t len = CRT_SIGNATURE_LEN;
    const uint8_t *s = sig;
    if (strcmp(key->alg, "sm2") == 0) {
        len = s_raw_to_der(sig, der, sizeof der);
        s = der;
        if (len == 0) {
            ERR_clear_error();
            return CMN_ENOMEM;
        }
    }
    EVP_MD_CTX *md = s_md_new(key, false);
    if (md == NULL) {
        ERR_clear_error();
        return CMN_EIO;
    }
    int rc = EVP_DigestVerify(md, s, len, digest, CRT_DIGEST_LEN);
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return rc == 1 ? 0 : CMN_EREJECT;
}

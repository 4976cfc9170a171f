/* crt_test.h - what the certificate core's unit tests share: cmocka, a
 * scratch directory, key files made on the spot or from fixed vectors, and
 * a certificate's fields. Test keys only: nothing here is an issuer's. */
#ifndef CRT_TEST_H
#define CRT_TEST_H
#include "dom/cert/content.h"
#include "dom/cert/payload.h"
#include "dom/cert/sig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* RFC 8032 section 7.1 test 1's secret key, PKCS#8 PEM. Its id, from
 *   openssl pkey -in k.pem -pubout -outform DER | sha256sum | cut -c1-16 */
#define CRT_TEST_ED_PEM                                                  \
    "-----BEGIN PRIVATE KEY-----\n"                                      \
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n" \
    "-----END PRIVATE KEY-----\n"
#define CRT_TEST_ED_ID "06e3fd8fda29bb60"

/* An SM2 key made once with "openssl genpkey -algorithm sm2"; its id as
 * above. */
#define CRT_TEST_SM2_PEM                                                 \
    "-----BEGIN PRIVATE KEY-----\n"                                      \
    "MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgyxkD5jqP4/cTWIdB\n" \
    "n0TKYSG4uN7J/98lK2mEZm5BmuWhRANCAASR3JCvVyQrPya0o5OVRKwPz4qNz7cc\n" \
    "d4eaCIfeIuFUhLobnC6P7i1ZmlajWn8z4M3OPN8E5NgaaK+RKKSiNqv/\n"         \
    "-----END PRIVATE KEY-----\n"
#define CRT_TEST_SM2_ID "3dfa8b4c2baf1f4f"

/* A path for name in the scratch directory ($CRT_TEST_TMP, else /tmp),
 * unique to this process. Static buffer per slot (0..7). */
static inline const char *
crt_test_path(int slot, const char *name)
{
    static char paths[8][512];
    const char *dir = getenv("CRT_TEST_TMP");
    snprintf(paths[slot & 7], sizeof paths[0], "%s/crt-test-%ld-%s",
             dir != NULL && dir[0] != '\0' ? dir : "/tmp", (long) getpid(),
             name);
    return paths[slot & 7];
}

/* Writes text to path (replacing it); fails the test on error. */
static inline void
crt_test_write(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Appends a fresh key of type ("ED25519", "SM2", "EC" for P-256) to
 * path: the private key, or only its public half. */
static inline void
crt_test_genkey(const char *path, const char *type, int private_key,
                const char *mode)
{
    EVP_PKEY *k = strcmp(type, "EC") == 0
                      ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")
                      : EVP_PKEY_Q_keygen(NULL, NULL, type);
    assert_non_null(k);
    FILE *f = fopen(path, mode);
    assert_non_null(f);
    assert_int_equal(private_key
                         ? PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL)
                         : PEM_write_PUBKEY(f, k),
                     1);
    assert_int_equal(fclose(f), 0);
    EVP_PKEY_free(k);
}

/* Loads path as a key, failing the test with the reason when it cannot. */
static inline crt_key_t *
crt_test_key(const char *path)
{
    char why[300] = "";
    crt_key_t *k = crt_key_load(path, why, sizeof why);
    if (k == NULL)
        fail_msg("%s", why);
    return k;
}

static inline crt_keyring_t *
crt_test_ring(const char *path)
{
    char why[300] = "";
    crt_keyring_t *r = crt_keyring_load(path, why, sizeof why);
    if (r == NULL)
        fail_msg("%s", why);
    return r;
}

/* The certificate every test starts from (key_id and alg unset). */
static inline crt_content_t
crt_test_content(void)
{
    static const char *const kv[][2] = {
        {"number", "11010843001-30001"},
        {"organ", "110108"},
        {"unit_credit_code", "91110108MA01A2B3CF"},
        {"unit_name", "北京市海淀区某某科技有限公司"},
        {"system_name", "政务服务一体化平台"},
        {"level", "3"},
        {"issued_on", "2026-12-01"},
        {"tracking_id", "110108-20261201-00001"},
    };
    crt_content_t c;
    char why[200] = "";
    memset(&c, 0, sizeof c);
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        if (crt_content_set(&c, kv[i][0], kv[i][1], why, sizeof why) != 0)
            fail_msg("%s", why);
    return c;
}

/* Signs c with key into payload; fails the test with the reason. */
static inline void
crt_test_sign(const crt_key_t *key, crt_content_t *c,
              char payload[CRT_PAYLOAD_MAX])
{
    char why[300] = "";
    if (crt_sign(key, c, payload, CRT_PAYLOAD_MAX, why, sizeof why) != 0)
        fail_msg("%s", why);
}

#endif /* CRT_TEST_H */

/* sig_test.c - keys, keyrings, signing and offline verification: both
 * algorithms, each way a payload can be wrong named as it is, SM2's user
 * id on both sides. The Ed25519 vector was made outside C (openssl dgst
 * and pkeyutl, Python's base64) from the text in content.h. */
#include "crt_test.h"

/* The payload of crt_test_content() signed with CRT_TEST_ED_PEM. */
#define S_ED_PAYLOAD                                                       \
    "MLPSC1;n=11010843001-30001;o=110108;u=91110108MA01A2B3CF;un="         \
    "5YyX5Lqs5biC5rW35reA5Yy65p-Q5p-Q56eR5oqA5pyJ6ZmQ5YWs5Y-4;sn="         \
    "5pS_5Yqh5pyN5Yqh5LiA5L2T5YyW5bmz5Y-w;l=3;d=2026-12-01;t=110108-"      \
    "20261201-00001;k=06e3fd8fda29bb60;a=ed25519;h=_mV5MqwJn88rrGxPHiFdtO" \
    "0wxCih_jpV_s7CAQv-uQY;s=AXm_ZK_p1K1e5QlirNtX04X8UU-_7OnF6SiWn5ISK2b6" \
    "uRV-GJwqSKy3FIg97leAt5c0-bCL3MdVRZUpZu0HBA"

typedef struct {
    const char *priv; /* key files */
    const char *pub;
    crt_key_t *key;
    crt_keyring_t *ring; /* the public half only */
} s_pair_t;

static s_pair_t
s_pair(const char *type, int slot)
{
    s_pair_t p;
    char name[64];
    snprintf(name, sizeof name, "%s-%d.pem", type, slot);
    p.priv = crt_test_path(slot, name);
    crt_test_genkey(p.priv, type, 1, "w");
    p.key = crt_test_key(p.priv);
    snprintf(name, sizeof name, "%s-%d.pub.pem", type, slot);
    p.pub = crt_test_path(slot + 1, name);
    crt_test_write(p.pub, "", 0);
    /* the public half, through the command line's own format */
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "openssl pkey -in '%s' -pubout -out '%s'", p.priv,
             p.pub);
    assert_int_equal(system(cmd), 0);
    p.ring = crt_test_ring(p.pub);
    return p;
}

static void
s_pair_free(s_pair_t *p)
{
    crt_key_free(&p->key);
    crt_keyring_free(&p->ring);
    unlink(p->priv);
    unlink(p->pub);
}

static crt_verify_result_t
s_verify(const crt_keyring_t *ring, const char *payload)
{
    crt_verify_result_t r;
    assert_int_equal(crt_verify(ring, payload, NULL, &r), 0);
    return r;
}

/* Replaces the value of part tag ("l", "s", ...) in payload by value. */
static void
s_set_part(char *payload, const char *tag, const char *value)
{
    char find[8], out[CRT_PAYLOAD_MAX + 64];
    snprintf(find, sizeof find, ";%s=", tag);
    char *at = strstr(payload, find);
    assert_non_null(at);
    char *v = at + strlen(find);
    size_t n = strcspn(v, ";");
    snprintf(out, sizeof out, "%.*s%s%s", (int) (v - payload), payload, value,
             v + n);
    assert_true(strlen(out) < CRT_PAYLOAD_MAX);
    strcpy(payload, out);
}

static void
s_known_vector(void **state)
{
    (void) state;
    const char *path = crt_test_path(0, "rfc8032.pem");
    crt_test_write(path, CRT_TEST_ED_PEM, strlen(CRT_TEST_ED_PEM));
    crt_key_t *k = crt_test_key(path);
    assert_string_equal(crt_key_id(k), CRT_TEST_ED_ID);
    assert_string_equal(crt_key_alg(k), "ed25519");
    assert_true(crt_key_can_sign(k));
    crt_content_t c = crt_test_content();
    char payload[CRT_PAYLOAD_MAX];
    crt_test_sign(k, &c, payload);
    assert_string_equal(c.key_id, CRT_TEST_ED_ID);
    assert_string_equal(c.alg, "ed25519");
    assert_string_equal(payload, S_ED_PAYLOAD);
    crt_key_free(&k);
    assert_null(k);
    crt_key_free(&k); /* idempotent */
    unlink(path);
}

static void
s_sm2_key_id(void **state)
{
    (void) state;
    const char *path = crt_test_path(0, "sm2-fixed.pem");
    crt_test_write(path, CRT_TEST_SM2_PEM, strlen(CRT_TEST_SM2_PEM));
    crt_key_t *k = crt_test_key(path);
    assert_string_equal(crt_key_id(k), CRT_TEST_SM2_ID);
    assert_string_equal(crt_key_alg(k), "sm2");
    crt_key_free(&k);
    unlink(path);
}

/* Signs with the private key, verifies with a keyring of the public key:
 * valid, and the decoded fields are the signed ones. */
static void
s_round_trip(const char *type, const char *alg)
{
    s_pair_t p = s_pair(type, 0);
    crt_content_t c = crt_test_content();
    char payload[CRT_PAYLOAD_MAX];
    crt_test_sign(p.key, &c, payload);
    assert_string_equal(c.alg, alg);
    crt_verify_result_t r = s_verify(p.ring, payload);
    assert_int_equal(r.status, CRT_VALID);
    assert_int_equal(r.invalid, CRT_BAD_NONE);
    assert_true(r.have_content);
    assert_false(r.revocation_checked);
    assert_memory_equal(&r.content, &c, sizeof c);
    assert_non_null(strstr(r.reason, "not checked against a revocation"));
    /* the private key verifies too */
    crt_keyring_t *both = crt_test_ring(p.priv);
    assert_int_equal(s_verify(both, payload).status, CRT_VALID);
    crt_keyring_free(&both);
    s_pair_free(&p);
}

static void
s_ed25519_round_trip(void **state)
{
    (void) state;
    s_round_trip("ED25519", "ed25519");
}

static void
s_sm2_round_trip(void **state)
{
    (void) state;
    s_round_trip("SM2", "sm2");
}

static void
s_public_key_cannot_sign(void **state)
{
    (void) state;
    s_pair_t p = s_pair("ED25519", 0);
    crt_key_t *pub = crt_test_key(p.pub);
    assert_false(crt_key_can_sign(pub));
    crt_content_t c = crt_test_content();
    char payload[CRT_PAYLOAD_MAX] = "", why[200] = "";
    assert_int_equal(
        crt_sign(pub, &c, payload, sizeof payload, why, sizeof why),
        CMN_EINVAL);
    assert_non_null(strstr(why, "is a public key: it cannot sign"));
    assert_string_equal(payload, "");
    crt_key_free(&pub);
    s_pair_free(&p);
}

static void
s_wrong_key(void **state)
{
    (void) state;
    s_pair_t a = s_pair("ED25519", 0), b = s_pair("SM2", 2);
    crt_content_t c = crt_test_content();
    char payload[CRT_PAYLOAD_MAX], want[120];
    crt_test_sign(a.key, &c, payload);
    crt_verify_result_t r = s_verify(b.ring, payload);
    assert_int_equal(r.status, CRT_INVALID);
    assert_int_equal(r.invalid, CRT_BAD_KEY);
    snprintf(want, sizeof want, "key id %s is not among the issuer keys",
             crt_key_id(a.key));
    assert_non_null(strstr(r.reason, want));
    assert_true(r.have_content); /* a verifier may still print them */
    assert_string_equal(r.content.number, "11010843001-30001");
    s_pair_free(&a);
    s_pair_free(&b);
}

/* Tampering, each case named as it is, for one algorithm. */
static void
s_tampering(const char *type)
{
    s_pair_t p = s_pair(type, 0);
    crt_content_t c = crt_test_content();
    char signed_[CRT_PAYLOAD_MAX], t[CRT_PAYLOAD_MAX];
    crt_test_sign(p.key, &c, signed_);

    /* a field changed: the signature still covers the digest */
    strcpy(t, signed_);
    s_set_part(t, "l", "4");
    crt_verify_result_t r = s_verify(p.ring, t);
    assert_int_equal(r.status, CRT_INVALID);
    assert_int_equal(r.invalid, CRT_BAD_ALTERED);
    assert_non_null(strstr(r.reason, "altered field"));
    assert_int_equal(r.content.level, 4);

    /* a name changed (base64url of other UTF-8) */
    strcpy(t, signed_);
    s_set_part(t, "un", "5YyX5Lqs5biC"); /* 北京市 */
    assert_int_equal(s_verify(p.ring, t).invalid, CRT_BAD_ALTERED);

    /* the digest changed along with a field: the signature fails */
    crt_content_t c2 = c;
    c2.level = 4;
    char other[CRT_PAYLOAD_MAX];
    crt_test_sign(p.key, &c2, other);
    strcpy(t, signed_);
    char *h = strstr(other, ";h=") + 3;
    char hv[64];
    snprintf(hv, sizeof hv, "%.*s", (int) strcspn(h, ";"), h);
    s_set_part(t, "h", hv);
    r = s_verify(p.ring, t);
    assert_int_equal(r.invalid, CRT_BAD_SIGNATURE);
    assert_non_null(strstr(r.reason, "does not verify over the digest"));

    /* a signature bit flipped */
    strcpy(t, signed_);
    char *s = strstr(t, ";s=") + 3;
    s[10] = s[10] == 'A' ? 'B' : 'A';
    assert_int_equal(s_verify(p.ring, t).invalid, CRT_BAD_SIGNATURE);

    /* the key id changed to one not in the ring */
    strcpy(t, signed_);
    s_set_part(t, "k", "0000000000000000");
    r = s_verify(p.ring, t);
    assert_int_equal(r.invalid, CRT_BAD_KEY);
    assert_non_null(
        strstr(r.reason, "key id 0000000000000000 is not among the issuer"));
    s_pair_free(&p);
}

static void
s_ed25519_tampering(void **state)
{
    (void) state;
    s_tampering("ED25519");
}

static void
s_sm2_tampering(void **state)
{
    (void) state;
    s_tampering("SM2");
}

/* The payload names the other algorithm than its key's. */
static void
s_alg_mismatch(void **state)
{
    (void) state;
    s_pair_t p = s_pair("ED25519", 0);
    crt_content_t c = crt_test_content();
    char payload[CRT_PAYLOAD_MAX];
    crt_test_sign(p.key, &c, payload);
    s_set_part(payload, "a", "sm2");
    crt_verify_result_t r = s_verify(p.ring, payload);
    assert_int_equal(r.invalid, CRT_BAD_KEY);
    assert_non_null(
        strstr(r.reason, "is an ed25519 key, the payload says sm2"));
    s_pair_free(&p);
}

/* SM2: the user id is part of what is signed; a verifier with another id
 * refuses, one with the same id accepts. */
static void
s_sm2_user_id(void **state)
{
    (void) state;
    s_pair_t p = s_pair("SM2", 0);
    crt_content_t c = crt_test_content();
    char payload[CRT_PAYLOAD_MAX];
    crt_test_sign(p.key, &c, payload); /* the GM/T 0009 default */
    assert_int_equal(s_verify(p.ring, payload).status, CRT_VALID);
    assert_int_equal(crt_keyring_set_sm2_id(p.ring, "beijing-psb-2026"), 0);
    crt_verify_result_t r = s_verify(p.ring, payload);
    assert_int_equal(r.status, CRT_INVALID);
    assert_int_equal(r.invalid, CRT_BAD_SIGNATURE);

    assert_int_equal(crt_key_set_sm2_id(p.key, "beijing-psb-2026"), 0);
    crt_test_sign(p.key, &c, payload);
    assert_int_equal(s_verify(p.ring, payload).status, CRT_VALID);
    assert_int_equal(crt_keyring_set_sm2_id(p.ring, CRT_SM2_DEFAULT_ID), 0);
    assert_int_equal(s_verify(p.ring, payload).invalid, CRT_BAD_SIGNATURE);

    /* bad ids */
    assert_int_equal(crt_key_set_sm2_id(p.key, ""), CMN_EINVAL);
    assert_int_equal(crt_key_set_sm2_id(p.key, "with space"), CMN_EINVAL);
    assert_int_equal(crt_keyring_set_sm2_id(p.ring, "tab\there"), CMN_EINVAL);
    s_pair_t e = s_pair("ED25519", 2);
    assert_int_equal(crt_key_set_sm2_id(e.key, "1234"), CMN_EINVAL);
    s_pair_free(&e);
    s_pair_free(&p);
}

/* Signing twice with SM2 gives different signatures (random k), both
 * good; Ed25519 gives the same one. */
static void
s_signatures_repeat(void **state)
{
    (void) state;
    s_pair_t e = s_pair("ED25519", 0), s = s_pair("SM2", 2);
    crt_content_t c = crt_test_content();
    char a[CRT_PAYLOAD_MAX], b[CRT_PAYLOAD_MAX];
    crt_test_sign(e.key, &c, a);
    crt_test_sign(e.key, &c, b);
    assert_string_equal(a, b);
    crt_test_sign(s.key, &c, a);
    crt_test_sign(s.key, &c, b);
    assert_string_not_equal(a, b);
    assert_int_equal(s_verify(s.ring, a).status, CRT_VALID);
    assert_int_equal(s_verify(s.ring, b).status, CRT_VALID);
    s_pair_free(&e);
    s_pair_free(&s);
}

/* A keyring of several blocks: public, private, SM2 parameters. */
static void
s_keyring_several(void **state)
{
    (void) state;
    s_pair_t e = s_pair("ED25519", 0), s = s_pair("SM2", 2);
    const char *path = crt_test_path(4, "ring.pem");
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "{ cat '%s'; openssl ecparam -name SM2 -genkey; cat '%s'; } "
             "> '%s'",
             e.pub, s.priv, path);
    assert_int_equal(system(cmd), 0);
    crt_keyring_t *ring = crt_test_ring(path);
    assert_int_equal(crt_keyring_count(ring), 3);
    assert_non_null(crt_keyring_find(ring, crt_key_id(e.key)));
    assert_non_null(crt_keyring_find(ring, crt_key_id(s.key)));
    assert_null(crt_keyring_find(ring, "0000000000000000"));
    assert_null(crt_keyring_key(ring, 3));
    assert_string_equal(crt_key_alg(crt_keyring_key(ring, 1)), "sm2");
    crt_content_t c = crt_test_content();
    char payload[CRT_PAYLOAD_MAX];
    crt_test_sign(e.key, &c, payload);
    assert_int_equal(s_verify(ring, payload).status, CRT_VALID);
    crt_test_sign(s.key, &c, payload);
    assert_int_equal(s_verify(ring, payload).status, CRT_VALID);
    crt_keyring_free(&ring);
    assert_null(ring);
    unlink(path);
    s_pair_free(&e);
    s_pair_free(&s);
}

/* path holding text is refused by loader with a reason holding want. */
static void
s_refused(const char *text, int keyring, const char *want)
{
    const char *path = crt_test_path(6, "bad.pem");
    if (text != NULL)
        crt_test_write(path, text, strlen(text));
    char why[300] = "";
    void *got = keyring ? (void *) crt_keyring_load(path, why, sizeof why)
                        : (void *) crt_key_load(path, why, sizeof why);
    assert_null(got);
    if (strstr(why, want) == NULL)
        fail_msg("expected \"%s\" in \"%s\"", want, why);
    unlink(path);
}

static void
s_key_refusals(void **state)
{
    (void) state;
    s_refused(NULL, 0, "could not open");
    s_refused("", 0, "no PEM key in it");
    s_refused("hello\n", 1, "no PEM key in it");
    s_refused("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
              0, "block 1: a \"CERTIFICATE\" block");
    s_refused("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", 1,
              "block 1: not a readable PUBLIC KEY");
    char two[1024];
    snprintf(two, sizeof two, "%s%s", CRT_TEST_ED_PEM, CRT_TEST_SM2_PEM);
    s_refused(two, 0, "block 2: a second key");
    snprintf(two, sizeof two, "%s%s", CRT_TEST_ED_PEM, CRT_TEST_ED_PEM);
    s_refused(two, 1, "key id " CRT_TEST_ED_ID " appears twice");
    snprintf(two, sizeof two,
             "%s-----BEGIN PUBLIC KEY-----\nMCow!!!!\n-----END PUBLIC "
             "KEY-----\n",
             CRT_TEST_ED_PEM);
    s_refused(two, 1, "block 2: not valid PEM");
    snprintf(two, sizeof two, "%s-----BEGIN PUBLIC KEY-----\nMCowBQYDK2Vw\n",
             CRT_TEST_ED_PEM);
    s_refused(two, 1, "block 2: not valid PEM");

    const char *path = crt_test_path(6, "bad.pem");
    crt_test_genkey(path, "EC", 1, "w");
    char why[300] = "";
    assert_null(crt_key_load(path, why, sizeof why));
    assert_non_null(strstr(why, "a EC key; expected Ed25519 or SM2"));
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "openssl genpkey -algorithm ed25519 -aes-128-cbc -pass pass:x "
             "-out '%s'",
             path);
    assert_int_equal(system(cmd), 0);
    assert_null(crt_key_load(path, why, sizeof why));
    assert_non_null(strstr(why, "\"ENCRYPTED PRIVATE KEY\" block"));
    unlink(path);
}

static void
s_verify_arguments(void **state)
{
    (void) state;
    crt_verify_result_t r;
    assert_int_equal(crt_verify(NULL, S_ED_PAYLOAD, NULL, &r), CMN_EINVAL);
    assert_int_equal(r.status, CRT_INVALID);
    assert_string_equal(crt_status_name(CRT_VALID), "valid");
    assert_string_equal(crt_status_name(CRT_REVOKED), "revoked");
    assert_string_equal(crt_status_name(CRT_INVALID), "invalid");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s_known_vector),
        cmocka_unit_test(s_sm2_key_id),
        cmocka_unit_test(s_ed25519_round_trip),
        cmocka_unit_test(s_sm2_round_trip),
        cmocka_unit_test(s_public_key_cannot_sign),
        cmocka_unit_test(s_wrong_key),
        cmocka_unit_test(s_ed25519_tampering),
        cmocka_unit_test(s_sm2_tampering),
        cmocka_unit_test(s_alg_mismatch),
        cmocka_unit_test(s_sm2_user_id),
        cmocka_unit_test(s_signatures_repeat),
        cmocka_unit_test(s_keyring_several),
        cmocka_unit_test(s_key_refusals),
        cmocka_unit_test(s_verify_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

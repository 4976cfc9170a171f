/* crt_tool.c - a test helper for the certificate core from a shell (not
 * installed): keys, signing, verifying, revocation lists, PDFs, and the
 * signed parts written out for the openssl command line. */
#include "crt/pdf.h"
#include "dom/cert/payload.h"
#include "dom/cert/revlist.h"
#include "dom/cert/sig.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_USAGE                                                            \
    "usage: crt_tool [--sm2-id ID] COMMAND ...\n"                          \
    "  keygen ed25519|sm2 OUT.pem          a private key (PKCS#8 PEM)\n"   \
    "  keyid KEY.pem                       the key's id and algorithm\n"   \
    "  sign KEY.pem FIELD=VALUE...         prints the QR payload\n"        \
    "  verify KEYRING PAYLOAD [REVLIST]    exit 0 valid, 1 revoked, 2 "    \
    "invalid\n"                                                            \
    "  revlist KEY.pem AS_OF OUT [NUMBER ISSUED REVOKED REASON]...\n"      \
    "  pdf PAYLOAD OUT.pdf [ORGAN_NAME]    renders the certificate\n"      \
    "  pdf-payload IN.pdf                  prints the payload in its "     \
    "metadata\n"                                                           \
    "  parts PAYLOAD DIR                   DIR/text, DIR/digest, DIR/sig " \
    "(DER for sm2)\n"

static const char *s_sm2_id = NULL;

static int
s_fail(const char *what, const char *why)
{
    fprintf(stderr, "crt_tool: %s: %s\n", what, why);
    return 3;
}

static crt_key_t *
s_key(const char *path)
{
    char why[400];
    crt_key_t *k = crt_key_load(path, why, sizeof why);
    if (k == NULL)
        s_fail("key", why);
    else if (s_sm2_id != NULL && strcmp(crt_key_alg(k), "sm2") == 0 &&
             crt_key_set_sm2_id(k, s_sm2_id) != 0) {
        s_fail("--sm2-id", "not 1..64 printable ASCII characters");
        crt_key_free(&k);
    }
    return k;
}

static int
s_keygen(int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[0], "ed25519") && strcmp(argv[0], "sm2")))
        return s_fail("keygen", "expected ed25519|sm2 OUT.pem");
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL,
                                    strcmp(argv[0], "sm2") ? "ED25519" : "SM2");
    FILE *f = k != NULL ? fopen(argv[1], "w") : NULL;
    int ok =
        f != NULL && PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    EVP_PKEY_free(k);
    return ok ? 0 : s_fail("keygen", "could not make or write the key");
}

static int
s_keyid(int argc, char **argv)
{
    crt_key_t *k = argc == 1 ? s_key(argv[0]) : NULL;
    if (k == NULL)
        return argc == 1 ? 3 : s_fail("keyid", "expected KEY.pem");
    printf("%s %s %s\n", crt_key_id(k), crt_key_alg(k),
           crt_key_can_sign(k) ? "private" : "public");
    crt_key_free(&k);
    return 0;
}

static int
s_sign(int argc, char **argv)
{
    crt_content_t c;
    char payload[CRT_PAYLOAD_MAX], why[400];
    memset(&c, 0, sizeof c);
    if (argc < 1)
        return s_fail("sign", "expected KEY.pem FIELD=VALUE...");
    for (int i = 1; i < argc; i++) {
        char field[40];
        const char *eq = strchr(argv[i], '=');
        if (eq == NULL || eq - argv[i] >= (long) sizeof field)
            return s_fail("sign", "expected FIELD=VALUE");
        snprintf(field, sizeof field, "%.*s", (int) (eq - argv[i]), argv[i]);
        if (crt_content_set(&c, field, eq + 1, why, sizeof why) != 0)
            return s_fail("sign", why);
    }
    crt_key_t *k = s_key(argv[0]);
    if (k == NULL)
        return 3;
    int err = crt_sign(k, &c, payload, sizeof payload, why, sizeof why);
    crt_key_free(&k);
    if (err != 0)
        return s_fail("sign", why);
    printf("%s\n", payload);
    return 0;
}

static void
s_print_fields(const crt_content_t *c)
{
    printf("number=%s\norgan=%s\nunit_credit_code=%s\nunit_name=%s\n"
           "system_name=%s\nlevel=%d\nissued_on=%s\ntracking_id=%s\n"
           "key_id=%s\nalg=%s\n",
           c->number, c->organ, c->unit_credit_code, c->unit_name,
           c->system_name, c->level, c->issued_on, c->tracking_id, c->key_id,
           c->alg);
}

static int
s_verify(int argc, char **argv)
{
    char why[400];
    if (argc < 2 || argc > 3)
        return s_fail("verify", "expected KEYRING PAYLOAD [REVLIST]");
    crt_keyring_t *ring = crt_keyring_load(argv[0], why, sizeof why);
    if (ring == NULL)
        return s_fail("keyring", why);
    if (s_sm2_id != NULL && crt_keyring_set_sm2_id(ring, s_sm2_id) != 0) {
        crt_keyring_free(&ring);
        return s_fail("--sm2-id", "not 1..64 printable ASCII characters");
    }
    crt_revlist_t *rl = NULL;
    if (argc == 3 &&
        (rl = crt_revlist_load(argv[2], ring, why, sizeof why)) == NULL) {
        crt_keyring_free(&ring);
        return s_fail("revlist", why);
    }
    crt_verify_result_t r;
    int err = crt_verify(ring, argv[1], rl, &r);
    crt_revlist_destroy(&rl);
    crt_keyring_free(&ring);
    if (err != 0)
        return s_fail("verify", "could not run");
    printf("status=%s\nreason=%s\n", crt_status_name(r.status), r.reason);
    if (r.have_content)
        s_print_fields(&r.content);
    return r.status == CRT_VALID ? 0 : r.status == CRT_REVOKED ? 1 : 2;
}

static int
s_revlist(int argc, char **argv)
{
    char why[400], *text = NULL;
    size_t len = 0;
    if (argc < 3 || (argc - 3) % 4 != 0)
        return s_fail("revlist", "expected KEY.pem AS_OF OUT [NUMBER ISSUED "
                                 "REVOKED REASON]...");
    crt_revlist_t *rl = crt_revlist_new(argv[1], why, sizeof why);
    if (rl == NULL)
        return s_fail("revlist", why);
    int err = 0;
    for (int i = 3; err == 0 && i < argc; i += 4) {
        crt_revoke_reason_t reason = 0;
        if (crt_revoke_reason_parse(argv[i + 3], &reason) != 0)
            snprintf(why, sizeof why, "reason: \"%s\" is unknown", argv[i + 3]);
        err = reason == 0
                  ? CMN_EINVAL
                  : crt_revlist_add(rl, argv[i], argv[i + 1], argv[i + 2],
                                    reason, why, sizeof why);
    }
    crt_key_t *k = err == 0 ? s_key(argv[0]) : NULL;
    if (k != NULL)
        err = crt_revlist_write(rl, k, &text, &len, why, sizeof why);
    crt_key_free(&k);
    crt_revlist_destroy(&rl);
    FILE *f = err == 0 && text != NULL ? fopen(argv[2], "wb") : NULL;
    int ok = f != NULL && fwrite(text, 1, len, f) == len;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    free(text);
    if (!ok)
        return s_fail("revlist", err != 0 ? why : "could not write the list");
    return 0;
}

static int
s_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok = f != NULL && fwrite(data, 1, len, f) == len;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : s_fail(path, "could not write");
}

static int
s_pdf(int argc, char **argv)
{
    crt_content_t c;
    uint8_t d[CRT_DIGEST_LEN], s[CRT_SIGNATURE_LEN], *pdf = NULL;
    size_t len = 0;
    char why[400];
    if (argc < 2 || argc > 3)
        return s_fail("pdf", "expected PAYLOAD OUT.pdf [ORGAN_NAME]");
    if (crt_payload_parse(argv[0], &c, d, s, why, sizeof why) != 0)
        return s_fail("payload", why);
    if (crt_pdf_render(&c, argv[0], argc == 3 ? argv[2] : NULL, &pdf, &len, why,
                       sizeof why) != 0)
        return s_fail("pdf", why);
    int rc = s_write_file(argv[1], pdf, len);
    free(pdf);
    crt_pdf_shutdown();
    return rc;
}

static int
s_pdf_payload(int argc, char **argv)
{
    FILE *f = argc == 1 ? fopen(argv[0], "rb") : NULL;
    if (f == NULL)
        return s_fail("pdf-payload", "expected a readable IN.pdf");
    static uint8_t buf[16u << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char payload[CRT_PAYLOAD_MAX];
    if (crt_payload_find(buf, n, payload, sizeof payload) != 0)
        return s_fail("pdf-payload", "no payload in the file");
    printf("%s\n", payload);
    return 0;
}

/* DIR/text (the canonical text), DIR/digest and DIR/sig: the raw 64
 * bytes for Ed25519, DER for SM2 (what openssl pkeyutl reads). */
static int
s_parts(int argc, char **argv)
{
    crt_content_t c;
    uint8_t d[CRT_DIGEST_LEN], s[CRT_SIGNATURE_LEN], der[80], *p = der;
    char why[400], text[CRT_TEXT_MAX], path[4096];
    if (argc != 2)
        return s_fail("parts", "expected PAYLOAD DIR");
    if (crt_payload_parse(argv[0], &c, d, s, why, sizeof why) != 0)
        return s_fail("payload", why);
    int n = crt_content_text(&c, text, sizeof text), dl = 0;
    ECDSA_SIG *es = ECDSA_SIG_new();
    if (es != NULL && ECDSA_SIG_set0(es, BN_bin2bn(s, 32, NULL),
                                     BN_bin2bn(s + 32, 32, NULL)) == 1)
        dl = i2d_ECDSA_SIG(es, &p);
    ECDSA_SIG_free(es);
    snprintf(path, sizeof path, "%s/text", argv[1]);
    int rc = s_write_file(path, text, (size_t) n);
    snprintf(path, sizeof path, "%s/digest", argv[1]);
    rc = rc ? rc : s_write_file(path, d, sizeof d);
    snprintf(path, sizeof path, "%s/sig", argv[1]);
    if (strcmp(c.alg, "sm2") == 0)
        rc = rc ? rc : dl > 0 ? s_write_file(path, der, (size_t) dl) : 3;
    else
        rc = rc ? rc : s_write_file(path, s, sizeof s);
    return rc;
}

int
main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } cmds[] = {
        {"keygen", s_keygen},
        {"keyid", s_keyid},
        {"sign", s_sign},
        {"verify", s_verify},
        {"revlist", s_revlist},
        {"pdf", s_pdf},
        {"pdf-payload", s_pdf_payload},
        {"parts", s_parts},
    };
    int i = 1;
    if (argc > 2 && strcmp(argv[1], "--sm2-id") == 0) {
        s_sm2_id = argv[2];
        i = 3;
    }
    for (size_t k = 0; i < argc && k < sizeof cmds / sizeof cmds[0]; k++)
        if (strcmp(argv[i], cmds[k].name) == 0)
            return cmds[k].run(argc - i - 1, argv + i + 1);
    fputs(S_USAGE, stderr);
    return 3;
}

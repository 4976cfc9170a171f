/* secret.c - the fingerprints of every example secret ever committed. */
#include "cmn/secret.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define S_FILE_MAX 65536

/* SHA-256 of the trimmed text, as committed under deploy/secrets/. */
static const struct {
    const char *sha256, *example;
} s_examples[] = {
    {"09923b237a3d0f8acd965bf859392d5f7c776bec3e4df055d2fce16e256ff2b3",
     "audit_password.example"},
    {"8db37e21df152a6d8609ad3ea7913fa7b58227d5e5d921b3def0ec5d51cea1ed",
     "audit_sign.pem.example"},
    {"aa3a71f19892499be211709bed0c50d0648882c03cca62914c85736318505ce2",
     "chaoyang_curve.key.example"},
    {"ff85fafe8a731ac053dec5fbff5d4df3a6a6ef67f6d0d194caadf378bebeaf42",
     "evaluation_curve.key.example"},
    {"23cbb080b48e3777896ea87d33daa9e0ea101bb0aa62dc40071385093c84717e",
     "evaluation_password.example"},
    {"b36eac776fc6fea71e0134b6e14cc8ee5f64999be8a346ae00e0c2224b6087d9",
     "haidian_curve.key.example"},
    {"b93a472c7bfbeab2c975b502bed0de2bc41d5a63c4466337ead35ef6ee17ea9d",
     "intake_curve.key.example"},
    {"0431aaac6e6f46a5d31fa09c72129d65305a854b76c6abe592e53563b02d5e75",
     "intake_password.example"},
    {"a9d3b48872da37aaab871a1d4ea6272affd5d388ec73c628b4780ba4b2906411",
     "panel_curve.key.example"},
    {"ab64f0689ba8303c7d3718ba6bda99dcaf40c9299f9a664b3f9f8cc7ef438228",
     "panel_password.example"},
    {"e2186dbdb1bb4193608605e84f33208765b5693b55edd4f730a719a100eeea6f",
     "pg_admin_password.example"},
    {"fe98040997a1df8dc5d132273fac7ae85cd92c16d3dd76e261cb090079287621",
     "review_curve.key.example"},
    {"51db2c7d7b18145e0733e8f272f8621eb4744efdfa051d1f7ce303380f5dd70b",
     "review_password.example"},
};

static int
s_digest(const char *text, size_t len, char out[65])
{
    uint8_t md[32];
    unsigned int n = 0;
    if (EVP_Digest(text, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
        return CMN_EIO;
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return 0;
}

int
cmn_secret_check_text(const char *what, const char *text, char *why,
                      size_t whylen)
{
    const char *end = text + strlen(text);
    char hex[65];
    while (text < end && isspace((unsigned char) *text))
        text++;
    while (end > text && isspace((unsigned char) end[-1]))
        end--;
    if (s_digest(text, (size_t) (end - text), hex) != 0) {
        snprintf(why, whylen, "%s: could not fingerprint it", what);
        return CMN_ECONFIG;
    }
    for (size_t i = 0; i < sizeof s_examples / sizeof s_examples[0]; i++) {
        if (strcmp(hex, s_examples[i].sha256) == 0) {
            snprintf(
                why, whylen,
                "%s is the committed example \"%s\", which anyone can "
                "read: make this deployment's own (deploy/make-secrets.sh)",
                what, s_examples[i].example);
            return CMN_ECONFIG;
        }
    }
    return 0;
}

int
cmn_secret_check_file(const char *path, char *why, size_t whylen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(why, whylen, "could not open \"%s\": %s", path,
                 strerror(errno));
        return CMN_ECONFIG;
    }
    char *buf = malloc(S_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, S_FILE_MAX, f) : 0;
    fclose(f);
    if (buf == NULL) {
        snprintf(why, whylen, "out of memory");
        return CMN_ENOMEM;
    }
    buf[n] = '\0';
    if (strncmp(buf, "-----BEGIN", 10) != 0)
        buf[strcspn(buf, "\r\n")] = '\0'; /* the first line */
    char what[600];
    snprintf(what, sizeof what, "\"%s\"", path);
    int rc = cmn_secret_check_text(what, buf, why, whylen);
    memset(buf, 0, n);
    free(buf);
    return rc;
}

int
cmn_secret_check_curve(const char *path, const char *secret_z85, char *why,
                       size_t whylen)
{
    char what[600];
    snprintf(what, sizeof what, "the CURVE key in \"%s\"", path);
    return cmn_secret_check_text(what, secret_z85, why, whylen);
}

int
cmn_proof_new(char out[CMN_PROOF_LEN + 1])
{
    uint8_t raw[CMN_PROOF_LEN / 2];
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return CMN_EIO;
        got += (size_t) n;
    }
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    memset(raw, 0, sizeof raw);
    return 0;
}

int
cmn_proof_hash(const char *proof, char out[65])
{
    return s_digest(proof, strlen(proof), out);
}

bool
cmn_proof_matches(const char *proof, const char *stored)
{
    char hex[65];
    if (proof == NULL || stored == NULL || proof[0] == '\0' ||
        strlen(stored) != 64 || s_digest(proof, strlen(proof), hex) != 0)
        return false;
    unsigned diff = 0;
    for (int i = 0; i < 64; i++)
        diff |= (unsigned) (hex[i] ^ stored[i]);
    return diff == 0;
}

/* revlist_parse.c - reading a revocation list's text back (revlist.h):
 * strict lines, the signature checked with the keyring before any entry
 * is believed, entries through crt_revlist_add()'s checks. */
#include "crt_int.h"
#include "dom/cert/revlist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_MAGIC "mlps.cert.revlist.v1"

typedef struct {
    const char *text;
    size_t len;
    size_t at;  /* the next line's first byte */
    int lineno; /* of the line last taken */
    const char *line;
    size_t n; /* the line's length, "\n" excluded */
} s_lines_t;

/* Takes the next line; false at the end of the text. */
static bool
s_next(s_lines_t *ls)
{
    if (ls->at >= ls->len)
        return false;
    const char *nl = memchr(ls->text + ls->at, '\n', ls->len - ls->at);
    ls->line = ls->text + ls->at;
    ls->n = nl != NULL ? (size_t) (nl - ls->line) : ls->len - ls->at;
    ls->at += ls->n + 1;
    ls->lineno++;
    return true;
}

/* The value after "key=" on the current line, copied into out; NULL when
 * the line is not "key=<1..cap-1 bytes>". */
static const char *
s_value(const s_lines_t *ls, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    if (ls->n <= kl + 1 || memcmp(ls->line, key, kl) != 0 ||
        ls->line[kl] != '=' || ls->n - kl - 1 >= cap)
        return NULL;
    memcpy(out, ls->line + kl + 1, ls->n - kl - 1);
    out[ls->n - kl - 1] = '\0';
    return out;
}

/* Whole-text checks: size, bytes, the final newline. */
static int
s_text_ok(const char *text, size_t len, char *why, size_t whylen)
{
    if (len > CRT_REVLIST_BYTES) {
        crt__why(why, whylen, "revocation list: larger than 8 MiB");
        return CMN_EMSGSIZE;
    }
    for (size_t i = 0, line = 1; i < len; i++) {
        unsigned char ch = (unsigned char) text[i];
        if (ch == '\n') {
            line++;
        } else if (ch < 0x21 && ch != ' ') {
            crt__why(why, whylen, "line %zu: contains a control character",
                     line);
            return CMN_EPROTO;
        } else if (ch >= 0x7f) {
            crt__why(why, whylen, "line %zu: not ASCII", line);
            return CMN_EPROTO;
        }
    }
    if (len == 0 || text[len - 1] != '\n') {
        crt__why(why, whylen, "revocation list: %s",
                 len == 0 ? "empty" : "does not end with a newline");
        return CMN_EPROTO;
    }
    return 0;
}

/* Lines 1..4: magic, issuer, alg, as_of. The list, with issuer set. */
static crt_revlist_t *
s_header(s_lines_t *ls, char alg[CRT_ALG_MAX + 1], char *why, size_t whylen)
{
    char issuer[CRT_KEY_ID_LEN + 2], as_of[CRT_INSTANT_LEN + 2];
    crt_content_t scratch;
    const char *bad = NULL;
    if (!s_next(ls) || ls->n != strlen(S_MAGIC) ||
        memcmp(ls->line, S_MAGIC, ls->n) != 0)
        bad = "expected \"" S_MAGIC "\"";
    else if (!s_next(ls) || !s_value(ls, "issuer", issuer, sizeof issuer) ||
             crt_content_set(&scratch, "key_id", issuer, NULL, 0) != 0)
        bad = "expected issuer=<16 lower-case hex digits>";
    else if (!s_next(ls) || !s_value(ls, "alg", alg, CRT_ALG_MAX + 1) ||
             crt_content_set(&scratch, "alg", alg, NULL, 0) != 0)
        bad = "expected alg=ed25519 or alg=sm2";
    else if (!s_next(ls) || !s_value(ls, "as_of", as_of, sizeof as_of) ||
             !crt__instant_valid(as_of))
        bad = "expected as_of=YYYY-MM-DDTHH:MM:SSZ";
    if (bad != NULL) {
        crt__why(why, whylen, "line %d: %s", ls->lineno, bad);
        return NULL;
    }
    crt_revlist_t *rl = crt_revlist_new(as_of, why, whylen);
    if (rl != NULL)
        crt__revlist_set_issuer(rl, issuer);
    return rl;
}

/* Finds the last line (the signature) and checks it with the issuer's key
 * over every byte before it. *body_len gets that length. */
static int
s_signature(const char *text, size_t len, const crt_keyring_t *ring,
            const char *issuer, const char *alg, size_t *body_len, char *why,
            size_t whylen)
{
    size_t start = len - 1; /* text ends with "\n" */
    while (start > 0 && text[start - 1] != '\n')
        start--;
    s_lines_t last = {.text = text, .len = len, .at = start};
    char b64[CRT_SIGNATURE_LEN * 2];
    uint8_t sig[CRT_SIGNATURE_LEN], digest[CRT_DIGEST_LEN];
    s_next(&last);
    if (s_value(&last, "signature", b64, sizeof b64) == NULL ||
        crt__b64url_decode(b64, strlen(b64), sig, sizeof sig) !=
            CRT_SIGNATURE_LEN) {
        crt__why(why, whylen,
                 "last line: expected signature=<64 bytes in "
                 "base64url>");
        return CMN_EPROTO;
    }
    const crt_key_t *key = crt_keyring_find(ring, issuer);
    if (key == NULL || strcmp(crt_key_alg(key), alg) != 0) {
        crt__why(why, whylen,
                 "revocation list: signed by key id %s (%s), "
                 "which is not among the issuer keys",
                 issuer, alg);
        return CMN_EREJECT;
    }
    int err = crt__digest(alg, text, start, digest);
    if (err == 0)
        err = crt__verify_digest(key, digest, sig);
    if (err == CMN_EREJECT)
        crt__why(why, whylen,
                 "revocation list: the signature does not "
                 "verify with key id %s; the list was altered or signed by "
                 "another key",
                 issuer);
    else if (err != 0)
        crt__why(why, whylen,
                 "revocation list: could not check the "
                 "signature (libcrypto failed)");
    *body_len = start;
    return err;
}

/* Splits v at single spaces into tok: how many values (5 for more than
 * four), or 0 when one is empty (two spaces in a row, or one at an end). */
static size_t
s_split(char *v, char *tok[4])
{
    size_t k = 0;
    char *t = v;
    while (k < 4) {
        tok[k++] = t;
        t = strchr(t, ' ');
        if (t == NULL)
            break;
        *t++ = '\0';
    }
    if (t != NULL)
        return 5;
    for (size_t i = 0; i < k; i++)
        if (tok[i][0] == '\0')
            return 0;
    return k;
}

/* One "revoked=" line into rl, after the one before it in order. */
static int
s_entry(const s_lines_t *ls, crt_revlist_t *rl, char *why, size_t whylen)
{
    char v[CRT_NUMBER_MAX + 48], inner[160];
    char *tok[4] = {0};
    if (s_value(ls, "revoked", v, sizeof v) == NULL) {
        crt__why(why, whylen,
                 "line %d: expected revoked=<number> <issued "
                 "on> <revoked on> <reason> or the signature",
                 ls->lineno);
        return CMN_EPROTO;
    }
    size_t k = s_split(v, tok);
    crt_revoke_reason_t reason = 0;
    int err = 0;
    if (k != 4) {
        crt__why(inner, sizeof inner, "expected four values, one space apart");
        err = CMN_EPROTO;
    } else if (crt_revoke_reason_parse(tok[3], &reason) != 0) {
        crt__why(inner, sizeof inner,
                 "reason: \"%.20s\" is not one of "
                 "superseded, regraded, withdrawn, fraud, decommissioned",
                 tok[3]);
        err = CMN_EPROTO;
    } else {
        size_t before = crt_revlist_count(rl);
        const crt_revlist_entry_t *last = crt_revlist_entry(rl, before - 1);
        if (last != NULL && (strcmp(tok[0], last->number) < 0 ||
                             (strcmp(tok[0], last->number) == 0 &&
                              strcmp(tok[1], last->issued_on) <= 0))) {
            crt__why(inner, sizeof inner,
                     "out of order or repeated (sorted "
                     "by number, then issue date)");
            err = CMN_EPROTO;
        } else {
            err = crt_revlist_add(rl, tok[0], tok[1], tok[2], reason, inner,
                                  sizeof inner);
        }
    }
    if (err != 0)
        crt__why(why, whylen, "line %d: %s", ls->lineno, inner);
    return err;
}

crt_revlist_t *
crt_revlist_parse(const char *text, size_t len, const crt_keyring_t *ring,
                  char *why, size_t whylen)
{
    s_lines_t ls = {.text = text, .len = len};
    char alg[CRT_ALG_MAX + 1];
    size_t body = 0;
    if (s_text_ok(text, len, why, whylen) != 0)
        return NULL;
    crt_revlist_t *rl = s_header(&ls, alg, why, whylen);
    int err = rl != NULL ? 0 : CMN_EPROTO;
    if (err == 0 && ls.at >= len) {
        crt__why(why, whylen, "line %d: the list ends before its signature",
                 ls.lineno);
        err = CMN_EPROTO;
    }
    if (err == 0)
        err = s_signature(text, len, ring, crt_revlist_issuer(rl), alg, &body,
                          why, whylen);
    while (err == 0 && ls.at < body && s_next(&ls))
        err = s_entry(&ls, rl, why, whylen);
    if (err != 0)
        crt_revlist_destroy(&rl);
    return rl;
}

crt_revlist_t *
crt_revlist_load(const char *path, const crt_keyring_t *ring, char *why,
                 size_t whylen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        crt__why(why, whylen, "could not open \"%s\": %s", path,
                 strerror(errno));
        return NULL;
    }
    char *buf = malloc(CRT_REVLIST_BYTES + 1);
    size_t n = buf != NULL ? fread(buf, 1, CRT_REVLIST_BYTES + 1, f) : 0;
    const char *bad = buf == NULL             ? "out of memory"
                      : ferror(f)             ? "could not read"
                      : n > CRT_REVLIST_BYTES ? "larger than 8 MiB"
                                              : NULL;
    fclose(f);
    crt_revlist_t *rl = NULL;
    if (bad != NULL)
        crt__why(why, whylen, "\"%s\": %s", path, bad);
    else
        rl = crt_revlist_parse(buf, n, ring, why, whylen);
    free(buf);
    return rl;
}

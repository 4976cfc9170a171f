/* revlist.c - signed revocation lists (revlist.h): build, sign and write,
 * read back strictly, look up. */
#include "dom/cert/revlist.h"
#include "crt_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_MAGIC "mlps.cert.revlist.v1"

struct crt_revlist {
    char as_of[CRT_INSTANT_LEN + 1];
    char issuer[CRT_KEY_ID_LEN + 1]; /* "" until parsed */
    crt_revlist_entry_t *entries;    /* sorted by (number, issued_on) */
    size_t count, cap;
};

static const char *const s_reasons[] = {
    NULL, "superseded", "regraded", "withdrawn", "fraud", "decommissioned",
};
#define S_NREASONS (sizeof s_reasons / sizeof s_reasons[0])

const char *
crt_revoke_reason_name(crt_revoke_reason_t reason)
{
    size_t i = (size_t) reason;
    return i >= 1 && i < S_NREASONS ? s_reasons[i] : NULL;
}

int
crt_revoke_reason_parse(const char *name, crt_revoke_reason_t *out)
{
    for (size_t i = 1; i < S_NREASONS; i++)
        if (strcmp(s_reasons[i], name) == 0) {
            *out = (crt_revoke_reason_t) i;
            return 0;
        }
    return CMN_EINVAL;
}

crt_revlist_t *
crt_revlist_new(const char *as_of, char *why, size_t whylen)
{
    if (!crt__instant_valid(as_of)) {
        crt__why(why, whylen,
                 "as_of: must be an instant YYYY-MM-DDTHH:MM:SSZ (UTC)");
        return NULL;
    }
    crt_revlist_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        crt__why(why, whylen, "out of memory");
        return NULL;
    }
    memcpy(self->as_of, as_of, CRT_INSTANT_LEN + 1);
    return self;
}

void
crt_revlist_destroy(crt_revlist_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    free((*self_p)->entries);
    free(*self_p);
    *self_p = NULL;
}

static int
s_cmp(const char *number, const char *issued_on, const crt_revlist_entry_t *e)
{
    int c = strcmp(number, e->number);
    return c != 0 ? c : strcmp(issued_on, e->issued_on);
}

/* The index where (number, issued_on) is or would go; *found says which. */
static size_t
s_search(const crt_revlist_t *self, const char *number, const char *issued_on,
         bool *found)
{
    size_t lo = 0, hi = self->count;
    *found = false;
    if (hi > 0 && s_cmp(number, issued_on, &self->entries[hi - 1]) > 0)
        return hi; /* appending in order */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = s_cmp(number, issued_on, &self->entries[mid]);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Checks an entry's values against each other and the list's as_of. */
static int
s_entry_check(const crt_revlist_t *self, const char *number,
              const char *issued_on, const char *revoked_on,
              crt_revoke_reason_t reason, char *why, size_t whylen)
{
    crt_content_t scratch;
    char limit[CRT_DATE_LEN + 1];
    if (crt_content_set(&scratch, "number", number, why, whylen) != 0)
        return CMN_EINVAL;
    /* revoked_on is the issuer's civil date, as issued_on is; as_of is
     * UTC, which a zone east of it (China, UTC+8) is up to a day ahead
     * of: the day after as_of's date is the last one a list may name. */
    crt__date_next(self->as_of, limit);
    const char *bad =
        !crt__date_valid(issued_on)    ? "issued_on: must be a date YYYY-MM-DD"
        : !crt__date_valid(revoked_on) ? "revoked_on: must be a date YYYY-MM-DD"
        : strcmp(revoked_on, issued_on) < 0 ? "revoked_on: before issued_on"
        : strcmp(revoked_on, limit) > 0
            ? "revoked_on: after the day after the list's as_of"
        : crt_revoke_reason_name(reason) == NULL
            ? "reason: not one of superseded, regraded, withdrawn, fraud, "
              "decommissioned"
            : NULL;
    if (bad != NULL) {
        crt__why(why, whylen, "%s", bad);
        return CMN_EINVAL;
    }
    return 0;
}

int
crt_revlist_add(crt_revlist_t *self, const char *number, const char *issued_on,
                const char *revoked_on, crt_revoke_reason_t reason, char *why,
                size_t whylen)
{
    bool found = false;
    int err =
        s_entry_check(self, number, issued_on, revoked_on, reason, why, whylen);
    if (err != 0)
        return err;
    size_t at = s_search(self, number, issued_on, &found);
    if (found) {
        crt__why(why, whylen, "number: %s issued on %s is already on the list",
                 number, issued_on);
        return CMN_EINVAL;
    }
    if (self->count == CRT_REVLIST_ENTRIES) {
        crt__why(why, whylen, "more than %d entries", CRT_REVLIST_ENTRIES);
        return CMN_EMSGSIZE;
    }
    if (self->count == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 64;
        crt_revlist_entry_t *e = realloc(self->entries, cap * sizeof *e);
        if (e == NULL) {
            crt__why(why, whylen, "out of memory");
            return CMN_ENOMEM;
        }
        self->entries = e, self->cap = cap;
    }
    crt_revlist_entry_t *e = &self->entries[at];
    memmove(e + 1, e, (self->count - at) * sizeof *e);
    memset(e, 0, sizeof *e);
    snprintf(e->number, sizeof e->number, "%s", number);
    snprintf(e->issued_on, sizeof e->issued_on, "%s", issued_on);
    snprintf(e->revoked_on, sizeof e->revoked_on, "%s", revoked_on);
    e->reason = reason;
    self->count++;
    return 0;
}

/* Signs text[0..len) and appends the signature line (room is there). */
static int
s_sign_text(const crt_key_t *key, char *text, size_t *len)
{
    uint8_t digest[CRT_DIGEST_LEN], sig[CRT_SIGNATURE_LEN];
    char b64[CRT_SIGNATURE_LEN * 2];
    int err = crt__digest(crt_key_alg(key), text, *len, digest);
    if (err == 0)
        err = crt__sign_digest(key, digest, sig);
    if (err == 0 && crt__b64url_encode(sig, sizeof sig, b64, sizeof b64) < 0)
        err = CMN_EIO; /* not reached: b64 is big enough */
    if (err == 0)
        *len += (size_t) sprintf(text + *len, "signature=%s\n", b64);
    return err;
}

int
crt_revlist_write(const crt_revlist_t *self, const crt_key_t *key, char **text,
                  size_t *len, char *why, size_t whylen)
{
    *text = NULL;
    *len = 0;
    if (!crt_key_can_sign(key)) {
        crt__why(why, whylen, "key id %s is a public key: it cannot sign",
                 key != NULL ? crt_key_id(key) : "(none)");
        return CMN_EINVAL;
    }
    size_t line = CRT_NUMBER_MAX + 48; /* revoked=N D D reason */
    size_t cap = 256 + self->count * line;
    char *buf = malloc(cap);
    if (buf == NULL) {
        crt__why(why, whylen, "out of memory");
        return CMN_ENOMEM;
    }
    size_t n = (size_t) sprintf(buf, S_MAGIC "\nissuer=%s\nalg=%s\nas_of=%s\n",
                                crt_key_id(key), crt_key_alg(key), self->as_of);
    for (size_t i = 0; i < self->count; i++) {
        const crt_revlist_entry_t *e = &self->entries[i];
        n += (size_t) sprintf(buf + n, "revoked=%s %s %s %s\n", e->number,
                              e->issued_on, e->revoked_on,
                              crt_revoke_reason_name(e->reason));
    }
    int err = s_sign_text(key, buf, &n);
    if (err != 0) {
        crt__why(why, whylen,
                 "could not sign with key id %s: libcrypto "
                 "failed",
                 crt_key_id(key));
        free(buf);
        return err;
    }
    *text = buf;
    *len = n;
    return 0;
}

void
crt__revlist_set_issuer(crt_revlist_t *self, const char *key_id)
{
    snprintf(self->issuer, sizeof self->issuer, "%s", key_id);
}

const char *
crt_revlist_as_of(const crt_revlist_t *self)
{
    return self->as_of;
}

const char *
crt_revlist_issuer(const crt_revlist_t *self)
{
    return self->issuer;
}

size_t
crt_revlist_count(const crt_revlist_t *self)
{
    return self->count;
}

const crt_revlist_entry_t *
crt_revlist_entry(const crt_revlist_t *self, size_t i)
{
    return i < self->count ? &self->entries[i] : NULL;
}

const crt_revlist_entry_t *
crt_revlist_find(const crt_revlist_t *self, const char *number,
                 const char *issued_on)
{
    bool found = false;
    size_t at = s_search(self, number, issued_on, &found);
    return found ? &self->entries[at] : NULL;
}

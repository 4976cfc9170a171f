/* saved.c - checkpoints kept outside the database: their file format and
 * the check that the chain still holds one (see saved.h). */
#include "aud/saved.h"
#include "cmn/db.h"
#include "cmn/file.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_TAG       "mlps.audit.checkpoint.v1"
#define S_FIELDS    6
#define S_VALUE_MAX AUD_SIG_HEX_LEN /* the longest value */

/* The lines after the tag, in order. */
static const char *const s_keys[S_FIELDS] = {
    "seq", "hash", "signed_at_us", "key_id", "signature", "event_id",
};

/* One cp: the record at seq, the checkpoint row there, and where its event
 * is now. */
#define S_HELD_SQL                                                       \
    "SELECT (SELECT coalesce(max(seq), 0) FROM chain), c.hash, "         \
    "c.event_id, (SELECT e.seq FROM chain e WHERE e.event_id = $2), "    \
    "k.hash, k.signed_at_us, k.key_id, k.signature FROM (SELECT 1) one " \
    "LEFT JOIN chain c ON c.seq = $1 "                                   \
    "LEFT JOIN checkpoints k ON k.seq = $1"

static int s_say(char *why, size_t whylen, const char *fmt, ...)
    CMN_PRINTF(3, 4);

/* Formats the reason into why; returns CMN_EREJECT. */
static int
s_say(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return CMN_EREJECT;
}

static bool
s_hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool
s_is_hex(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!s_hex_digit(s[i]))
            return false;
    return true;
}

/* A canonical decimal number: 1 to 18 digits, no leading zero. */
static bool
s_is_decimal(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 18 || (s[0] == '0' && n > 1))
        return false;
    return strspn(s, "0123456789") == n;
}

/* Lower-case UUID text: 8-4-4-4-12 hex digits. */
static bool
s_is_uuid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !s_hex_digit(s[i]))
            return false;
    }
    return true;
}

/* NULL when value is good for field i, else what it must be. */
static const char *
s_bad_value(int i, const char *value)
{
    switch (i) {
    case 0:
        return s_is_decimal(value) && strcmp(value, "0") != 0
                   ? NULL
                   : "a positive decimal number";
    case 1:
        return s_is_hex(value, AUD_HASH_HEX_LEN) ? NULL
                                                 : "64 lower-case hex digits";
    case 2:
        return s_is_decimal(value) ? NULL : "a decimal number";
    case 3:
        return s_is_hex(value, AUD_KEY_ID_HEX_LEN) ? NULL
                                                   : "16 lower-case hex digits";
    case 4:
        return s_is_hex(value, AUD_SIG_HEX_LEN) ? NULL
                                                : "128 lower-case hex digits";
    default:
        return s_is_uuid(value) ? NULL : "a lower-case UUID";
    }
}

/* cp's fields as text, in s_keys order. */
static void
s_values(const aud_checkpoint_t *cp, char v[S_FIELDS][S_VALUE_MAX + 1])
{
    snprintf(v[0], S_VALUE_MAX + 1, "%" PRId64, cp->seq);
    snprintf(v[1], S_VALUE_MAX + 1, "%s", cp->hash);
    snprintf(v[2], S_VALUE_MAX + 1, "%" PRId64, cp->signed_at_us);
    snprintf(v[3], S_VALUE_MAX + 1, "%s", cp->key_id);
    snprintf(v[4], S_VALUE_MAX + 1, "%s", cp->signature);
    snprintf(v[5], S_VALUE_MAX + 1, "%s", cp->event_id);
}

int
aud_saved_write(const char *path, const aud_checkpoint_t *cp, char *why,
                size_t whylen)
{
    char v[S_FIELDS][S_VALUE_MAX + 1], text[AUD_SAVED_MAX];
    size_t len = (size_t) snprintf(text, sizeof text, "%s\n", S_TAG);
    s_values(cp, v);
    for (int i = 0; i < S_FIELDS; i++) {
        const char *bad = s_bad_value(i, v[i]);
        if (bad != NULL) {
            snprintf(why, whylen, "checkpoint for \"%s\": \"%s\" must be %s",
                     path, s_keys[i], bad);
            return CMN_EINVAL;
        }
        len += (size_t) snprintf(text + len, sizeof text - len, "%s=%s\n",
                                 s_keys[i], v[i]);
    }
    return cmn_file_write_atomic(path, text, len, 0600, why, whylen);
}

/* Reads line `line` (2..) "key=value\n" at *p into value; 0 or -1. */
static int
s_take(const char **p, const char *end, const char *key,
       char value[S_VALUE_MAX + 1])
{
    const char *nl = memchr(*p, '\n', (size_t) (end - *p));
    size_t klen = strlen(key);
    if (nl == NULL || (size_t) (nl - *p) <= klen ||
        strncmp(*p, key, klen) != 0 || (*p)[klen] != '=' ||
        (size_t) (nl - *p) - klen - 1 > S_VALUE_MAX)
        return -1;
    size_t n = (size_t) (nl - *p) - klen - 1;
    memcpy(value, *p + klen + 1, n);
    value[n] = '\0';
    *p = nl + 1;
    return 0;
}

static int
s_parse(const char *text, size_t len, const char *path, aud_checkpoint_t *cp,
        char *why, size_t whylen)
{
    char v[S_FIELDS][S_VALUE_MAX + 1];
    const char *p = text, *end = text + len;
    if (strlen(text) != len || strncmp(text, S_TAG "\n", sizeof S_TAG) != 0) {
        snprintf(why, whylen, "\"%s\" line 1: expected \"%s\"", path, S_TAG);
        return CMN_EINVAL;
    }
    p += sizeof S_TAG;
    for (int i = 0; i < S_FIELDS; i++) {
        const char *bad = "given as \"KEY=VALUE\" on a line of its own";
        if (s_take(&p, end, s_keys[i], v[i]) == 0)
            bad = s_bad_value(i, v[i]);
        if (bad != NULL) {
            snprintf(why, whylen, "\"%s\" line %d: \"%s\" must be %s", path,
                     i + 2, s_keys[i], bad);
            return CMN_EINVAL;
        }
    }
    if (p != end) {
        snprintf(why, whylen,
                 "\"%s\" line %d: unexpected text after "
                 "\"event_id\"",
                 path, S_FIELDS + 2);
        return CMN_EINVAL;
    }
    memset(cp, 0, sizeof *cp);
    cp->seq = strtoll(v[0], NULL, 10);
    memcpy(cp->hash, v[1], sizeof cp->hash);
    cp->signed_at_us = strtoll(v[2], NULL, 10);
    memcpy(cp->key_id, v[3], sizeof cp->key_id);
    memcpy(cp->signature, v[4], sizeof cp->signature);
    memcpy(cp->event_id, v[5], sizeof cp->event_id);
    return 0;
}

int
aud_saved_read(const char *path, aud_checkpoint_t *cp, char *why, size_t whylen)
{
    char *text = NULL;
    size_t len = 0;
    int rc = cmn_file_read(path, AUD_SAVED_MAX, &text, &len, why, whylen);
    if (rc == 0)
        rc = s_parse(text, len, path, cp, why, whylen);
    free(text);
    return rc;
}

/* The record at cp->seq has cp's hash: is cp's row still the same? */
static int
s_held_row(const PGresult *r, const aud_checkpoint_t *cp, char *why,
           size_t whylen)
{
    long long s = (long long) cp->seq;
    if (PQgetisnull(r, 0, 4))
        return s_say(why, whylen,
                     "checkpoints deleted: the chain still holds seq %lld, "
                     "but its checkpoint is gone from audit.checkpoints",
                     s);
    if (strcmp(PQgetvalue(r, 0, 4), cp->hash) != 0 ||
        strtoll(PQgetvalue(r, 0, 5), NULL, 10) != cp->signed_at_us ||
        strcmp(PQgetvalue(r, 0, 6), cp->key_id) != 0 ||
        strcmp(PQgetvalue(r, 0, 7), cp->signature) != 0)
        return s_say(why, whylen,
                     "checkpoints replaced: the checkpoint at seq %lld in "
                     "audit.checkpoints is not this one",
                     s);
    return 0;
}

/* Names what became of cp's record (columns of S_HELD_SQL). */
static int
s_held_judge(const PGresult *r, const aud_checkpoint_t *cp, char *why,
             size_t whylen)
{
    long long s = (long long) cp->seq;
    long long head = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    bool there = !PQgetisnull(r, 0, 1);
    if (head == 0)
        return s_say(why, whylen,
                     "emptied: the chain has no records, though seq %lld "
                     "was signed",
                     s);
    if (there && strcmp(PQgetvalue(r, 0, 1), cp->hash) == 0)
        return s_held_row(r, cp, why, whylen);
    if (!PQgetisnull(r, 0, 3) && strtoll(PQgetvalue(r, 0, 3), NULL, 10) != s)
        return s_say(why, whylen,
                     "renumbered: the record signed at seq %lld (event %s) "
                     "is now at seq %s; seqs were shifted and re-hashed",
                     s, cp->event_id, PQgetvalue(r, 0, 3));
    if (there && (cp->event_id[0] == '\0' ||
                  strcmp(PQgetvalue(r, 0, 2), cp->event_id) == 0))
        return s_say(why, whylen,
                     "rebuilt: the record at seq %lld no longer has the "
                     "signed hash; it or a record before it was changed "
                     "and the chain re-hashed",
                     s);
    if (there)
        return s_say(why, whylen,
                     "rebuilt: seq %lld holds another record; the one "
                     "signed (event %s) is gone",
                     s, cp->event_id);
    return s_say(why, whylen,
                 "cut: the chain ends at seq %lld, before seq %lld, which "
                 "was signed; records were removed",
                 head, s);
}

int
aud_saved_held(PGconn *conn, const aud_checkpoint_t *cp, char *why,
               size_t whylen)
{
    char seq[24];
    int err = 0;
    snprintf(seq, sizeof seq, "%" PRId64, cp->seq);
    const char *p[2] = {seq, cp->event_id[0] ? cp->event_id : NULL};
    PGresult *r = cmn_pg_exec(conn, S_HELD_SQL, 2, p, &err);
    if (r == NULL)
        return err;
    err = s_held_judge(r, cp, why, whylen);
    PQclear(r);
    return err;
}

/* Is cp signed by key? 0, or CMN_EREJECT with the reason in why. */
static int
s_signed_by(const aud_key_t *key, const aud_checkpoint_t *cp, const char *what,
            char *why, size_t whylen)
{
    long long s = (long long) cp->seq;
    if (strcmp(cp->key_id, aud_key_id(key)) != 0)
        return s_say(why, whylen, "%s at seq %lld: signed by key %s, not by %s",
                     what, s, cp->key_id, aud_key_id(key));
    if (aud_checkpoint_check(key, cp->seq, cp->hash, cp->signed_at_us,
                             cp->signature) != 0)
        return s_say(why, whylen,
                     "%s at seq %lld: the signature does not match; it is "
                     "not a checkpoint this key signed",
                     what, s);
    return 0;
}

int
aud_verify_saved(PGconn *conn, const aud_key_t *key, const aud_checkpoint_t *cp,
                 const char *what, aud_verify_result_t *out)
{
    char why[256];
    int rc = key ? s_signed_by(key, cp, what, why, sizeof why) : 0;
    bool held = rc == 0;
    if (held)
        rc = aud_saved_held(conn, cp, why, sizeof why);
    if (rc != CMN_EREJECT)
        return rc;
    out->ok = false;
    out->bad_seq = cp->seq;
    snprintf(out->bad_event, sizeof out->bad_event, "%s", cp->event_id);
    if (held)
        snprintf(out->reason, sizeof out->reason,
                 "the chain no longer extends %.64s at seq %lld: %s", what,
                 (long long) cp->seq, why);
    else
        snprintf(out->reason, sizeof out->reason, "%s", why);
    return 0;
}

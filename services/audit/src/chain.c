/* chain.c - canonical encoding, SHA-256 and the serialised append of the
 * audit hash chain. */
#include "aud/chain.h"
#include "cmn/db.h"
#include "cmn/pgarray.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Held from the first append of a transaction to its end, by every replica:
 * the chain has one writer at a time. */
#define S_LOCK_SQL "SELECT pg_advisory_xact_lock(hashtext('mlps.audit.chain'))"

/* The last record (NULLs when the chain is empty), the database's clock and
 * the transaction's id (txid_current()), read after the lock so the last
 * record is current. */
#define S_LAST_SQL                                                \
    "SELECT l.seq, l.hash, "                                      \
    "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint, " \
    "txid_current() "                                             \
    "FROM (SELECT 1) AS one LEFT JOIN "                           \
    "(SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1) AS l ON true"

#define S_INSERT_SQL                                                      \
    "INSERT INTO chain (seq, event_id, service, actor, action, case_id, " \
    "outcome, office, at, recorded_at, prev_hash, hash) "                 \
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"

/* The next record of a transaction that has appended already: inserted
 * only while it is the same transaction (its id, $13, unchanged: it
 * still holds the lock) and the chain still ends at the record before
 * ($1 - 1); otherwise nothing, and the append takes the lock and reads. */
#define S_INSERT_NEXT_SQL                                                   \
    "INSERT INTO chain (seq, event_id, service, actor, action, case_id, "   \
    "outcome, office, at, recorded_at, prev_hash, hash) "                   \
    "SELECT $1::bigint, $2::uuid, $3::text, $4::text, $5::text, $6::text, " \
    "$7::text, $8::text, $9::timestamptz, $10::timestamptz, $11::text, "    \
    "$12::text WHERE txid_current() = "                                     \
    "$13::bigint AND (SELECT seq FROM chain ORDER BY seq DESC LIMIT 1) = "  \
    "$1::bigint - 1"

/* Many records at once: the columns as arrays ($1 seq .. $11 hash, zipped
 * by unnest), recorded_at ($12) shared, as S_INSERT_SQL. */
#define S_INSERT_MANY_SQL                                                    \
    "INSERT INTO chain (seq, event_id, service, actor, action, case_id, "    \
    "outcome, office, at, recorded_at, prev_hash, hash) "                    \
    "SELECT u.seq, u.event_id, u.service, u.actor, u.action, u.case_id, "    \
    "u.outcome, u.office, u.at, $12::timestamptz, u.prev_hash, u.hash "      \
    "FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], "         \
    "$5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], "    \
    "$10::text[], $11::text[]) AS u(seq, event_id, service, actor, action, " \
    "case_id, outcome, office, at, prev_hash, hash)"

/* The same, guarded as S_INSERT_NEXT_SQL: $13 the transaction's id, and the
 * chain must still end just before the first of them ($14). */
#define S_INSERT_MANY_NEXT_SQL                 \
    S_INSERT_MANY_SQL                          \
    " WHERE txid_current() = $13::bigint AND " \
    "(SELECT seq FROM chain ORDER BY seq DESC LIMIT 1) = $14::bigint - 1"

/* The record this thread last appended on conn, and the transaction that
 * appended it (its id, txid_current()): while that transaction lasts it holds
 * the lock, so its next append follows this record with one statement
 * instead of three (the lock, the read, the insert). Records appended in
 * one transaction share the clock read at its first append. */
typedef struct {
    const PGconn *conn; /* NULL: nothing known */
    int64_t seq, recorded_at_us, xact_id;
    char hash[AUD_HASH_HEX_LEN + 1];
} s_tail_t;

static _Thread_local s_tail_t s_tail;

/* Where encoded bytes go: a buffer (bytes past cap are counted, not
 * written), a digest, or both. */
typedef struct {
    uint8_t *buf;
    size_t cap, len;
    EVP_MD_CTX *md;
    bool failed;
} s_sink_t;

static void
s_put(s_sink_t *s, const void *data, size_t n)
{
    if (s->buf != NULL && s->len < s->cap) {
        size_t room = s->cap - s->len;
        memcpy(s->buf + s->len, data, n < room ? n : room);
    }
    s->len += n;
    if (s->md != NULL && n > 0 && EVP_DigestUpdate(s->md, data, n) != 1)
        s->failed = true;
}

static void
s_put_u64(s_sink_t *s, uint64_t v)
{
    uint8_t b[8];
    for (int i = 7; i >= 0; i--, v >>= 8)
        b[i] = (uint8_t) (v & 0xff);
    s_put(s, b, sizeof b);
}

static void
s_put_str(s_sink_t *s, const char *str)
{
    size_t n = str != NULL ? strlen(str) : 0;
    if (n > UINT32_MAX) {
        s->failed = true;
        n = 0;
    }
    uint8_t b[4] = {(uint8_t) (n >> 24), (uint8_t) (n >> 16),
                    (uint8_t) (n >> 8), (uint8_t) n};
    s_put(s, b, sizeof b);
    s_put(s, str != NULL ? str : "", n);
}

static void
s_encode(s_sink_t *s, const aud_record_t *r)
{
    s_put_str(s, AUD_ENCODING_TAG);
    s_put_str(s, r->prev_hash);
    s_put_u64(s, (uint64_t) r->seq);
    s_put_str(s, r->event_id);
    s_put_str(s, r->service);
    s_put_str(s, r->actor);
    s_put_str(s, r->action);
    s_put_str(s, r->case_id);
    s_put_str(s, r->outcome);
    s_put_str(s, r->office);
    s_put_u64(s, (uint64_t) r->at_us);
    s_put_u64(s, (uint64_t) r->recorded_at_us);
}

size_t
aud_chain_encode(const aud_record_t *rec, uint8_t *buf, size_t cap)
{
    s_sink_t s = {.buf = buf, .cap = buf != NULL ? cap : 0};
    s_encode(&s, rec);
    return s.len;
}

int
aud_chain_hash(const aud_record_t *rec, char out[AUD_HASH_HEX_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    s_sink_t s = {.md = EVP_MD_CTX_new()};
    int rc = CMN_EIO;

    out[0] = '\0';
    if (s.md == NULL)
        return CMN_ENOMEM;
    if (EVP_DigestInit_ex(s.md, EVP_sha256(), NULL) != 1)
        goto out;
    s_encode(&s, rec);
    if (s.failed) {
        rc = s.len > UINT32_MAX ? CMN_EMSGSIZE : CMN_EIO;
        goto out;
    }
    if (EVP_DigestFinal_ex(s.md, digest, &dlen) != 1 || dlen != 32)
        goto out;
    for (unsigned int i = 0; i < dlen; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0x0f];
    }
    out[AUD_HASH_HEX_LEN] = '\0';
    rc = 0;
out:
    EVP_MD_CTX_free(s.md);
    return rc;
}

/* --- validation ------------------------------------------------------ */

typedef struct {
    const char *name;
    size_t offset; /* of the char * in Mlps__V1__AuditEvent */
    size_t max;
    bool required;
} s_field_t;

static const s_field_t s_fields[] = {
    {"service", offsetof(Mlps__V1__AuditEvent, service), AUD_SERVICE_MAX, 1},
    {"actor", offsetof(Mlps__V1__AuditEvent, actor), AUD_ACTOR_MAX, 0},
    {"action", offsetof(Mlps__V1__AuditEvent, action), AUD_ACTION_MAX, 1},
    {"case_id", offsetof(Mlps__V1__AuditEvent, case_id), AUD_CASE_ID_MAX, 1},
    {"outcome", offsetof(Mlps__V1__AuditEvent, outcome), AUD_OUTCOME_MAX, 0},
    {"office", offsetof(Mlps__V1__AuditEvent, office), AUD_OFFICE_MAX, 0},
};

static bool
s_has_control(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char) *s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

int
aud_event_check(const Mlps__V1__AuditEvent *ev, char *why, size_t whylen)
{
    for (size_t i = 0; i < sizeof s_fields / sizeof s_fields[0]; i++) {
        const s_field_t *f = &s_fields[i];
        const char *v = *(char *const *) ((const char *) ev + f->offset);
        size_t n = v != NULL ? strlen(v) : 0;
        if (n == 0 && f->required) {
            snprintf(why, whylen, "field \"%s\": must not be empty", f->name);
            return CMN_EREJECT;
        }
        if (n > f->max) {
            snprintf(why, whylen, "field \"%s\": %zu bytes, at most %zu",
                     f->name, n, f->max);
            return CMN_EREJECT;
        }
        if (n > 0 && s_has_control(v)) {
            snprintf(why, whylen, "field \"%s\": contains control characters",
                     f->name);
            return CMN_EREJECT;
        }
    }
    if (ev->at_us < 1 || ev->at_us > AUD_AT_US_MAX) {
        snprintf(why, whylen,
                 "field \"at_us\": must be a time after 1970 and before the "
                 "year 10000, in microseconds");
        return CMN_EREJECT;
    }
    return 0;
}

/* --- append ---------------------------------------------------------- */

int
aud_chain_format_ts(int64_t us, char out[40])
{
    time_t secs = (time_t) (us / 1000000);
    struct tm tm;
    out[0] = '\0';
    if (us < 0 || us > AUD_AT_US_MAX || gmtime_r(&secs, &tm) == NULL ||
        strftime(out, 40, "%Y-%m-%d %H:%M:%S", &tm) != 19)
        return CMN_EINVAL;
    snprintf(out + 19, 40 - 19, ".%06d+00", (int) (us % 1000000));
    return 0;
}

/* Reads the last record into rec (seq and prev_hash), the clock, and the
 * transaction's id into *xact_id. */
static int
s_read_last(PGconn *conn, aud_record_t *rec, char prev[AUD_HASH_HEX_LEN + 1],
            int64_t *xact_id)
{
    int err;
    PGresult *r = cmn_pg_exec(conn, S_LAST_SQL, 0, NULL, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) != 1 || PQgetisnull(r, 0, 2) || PQgetisnull(r, 0, 3)) {
        PQclear(r);
        return CMN_EDB;
    }
    rec->seq = 1;
    snprintf(prev, AUD_HASH_HEX_LEN + 1, "%s", AUD_ZERO_HASH);
    if (!PQgetisnull(r, 0, 0)) {
        rec->seq = strtoll(PQgetvalue(r, 0, 0), NULL, 10) + 1;
        snprintf(prev, AUD_HASH_HEX_LEN + 1, "%s", PQgetvalue(r, 0, 1));
    }
    rec->recorded_at_us = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
    *xact_id = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
    rec->prev_hash = prev;
    PQclear(r);
    return 0;
}

/* Hashes rec and inserts it (next: with S_INSERT_NEXT_SQL and the
 * transaction's id xact_id; else S_INSERT_SQL); *inserted: whether a
 * row went in. */
static int
s_insert(PGconn *conn, bool next, aud_record_t *rec,
         char hash[AUD_HASH_HEX_LEN + 1], int64_t xact_id, bool *inserted)
{
    char seqs[24], at[40], recorded[40], xact[24];
    int err = aud_chain_format_ts(rec->at_us, at);
    if (err == 0)
        err = aud_chain_format_ts(rec->recorded_at_us, recorded);
    if (err == 0)
        err = aud_chain_hash(rec, hash);
    if (err != 0)
        return err;
    snprintf(seqs, sizeof seqs, "%lld", (long long) rec->seq);
    snprintf(xact, sizeof xact, "%lld", (long long) xact_id);
    const char *p[13] = {
        seqs,           rec->event_id, rec->service, rec->actor, rec->action,
        rec->case_id,   rec->outcome,  rec->office,  at,         recorded,
        rec->prev_hash, hash,          xact};
    PGresult *r = cmn_pg_exec(conn, next ? S_INSERT_NEXT_SQL : S_INSERT_SQL,
                              next ? 13 : 12, p, &err);
    *inserted = err == 0 && strcmp(PQcmdTuples(r), "1") == 0;
    PQclear(r);
    return err;
}

int
aud_chain_append(PGconn *conn, const char *event_id,
                 const Mlps__V1__AuditEvent *ev, int64_t *seq)
{
    char prev[AUD_HASH_HEX_LEN + 1], hash[AUD_HASH_HEX_LEN + 1];
    aud_record_t rec = {.event_id = event_id,
                        .service = ev->service,
                        .actor = ev->actor,
                        .action = ev->action,
                        .case_id = ev->case_id,
                        .outcome = ev->outcome,
                        .office = ev->office,
                        .at_us = ev->at_us};
    int64_t xact_id = 0;
    bool inserted = false;
    int err = 0;
    if (s_tail.conn == conn) { /* maybe the same transaction: one statement */
        rec.seq = s_tail.seq + 1;
        rec.recorded_at_us = s_tail.recorded_at_us;
        snprintf(prev, sizeof prev, "%s", s_tail.hash);
        rec.prev_hash = prev;
        xact_id = s_tail.xact_id;
        err = s_insert(conn, true, &rec, hash, xact_id, &inserted);
    }
    s_tail.conn = NULL;
    if (err == 0 && !inserted) { /* a new transaction: the lock, the read */
        err = cmn_pg_cmd(conn, S_LOCK_SQL);
        if (err == 0)
            err = s_read_last(conn, &rec, prev, &xact_id);
        if (err == 0)
            err = s_insert(conn, false, &rec, hash, xact_id, &inserted);
        if (err == 0 && !inserted)
            err = CMN_EDB;
    }
    if (err != 0)
        return err;
    s_tail = (s_tail_t){.conn = conn,
                        .seq = rec.seq,
                        .recorded_at_us = rec.recorded_at_us,
                        .xact_id = xact_id};
    snprintf(s_tail.hash, sizeof s_tail.hash, "%s", hash);
    if (seq != NULL)
        *seq = rec.seq;
    return 0;
}

/* Hashes n records from seq first, linked from prev, and inserts them with
 * one statement (next: guarded by the transaction's id xact_id);
 * *inserted: the rows that went in (n or, guarded, 0). hashes[n - 1] is the
 * last record's. */
static int
s_insert_many(PGconn *conn, bool next, aud_record_t *recs, int n, int64_t first,
              const char *prev, int64_t recorded_at_us,
              char (*hashes)[AUD_HASH_HEX_LEN + 1], int64_t xact_id,
              int *inserted)
{
    enum { NCOL = 11 };
    cmn_pgarray_t a[NCOL];
    for (int k = 0; k < NCOL; k++)
        a[k] = (cmn_pgarray_t) CMN_PGARRAY_INIT;
    char recorded[40], xact[24], firsts[24];
    int err = aud_chain_format_ts(recorded_at_us, recorded);
    for (int i = 0; err == 0 && i < n; i++) {
        aud_record_t *r = &recs[i];
        char seqs[24], at[40];
        r->seq = first + i;
        r->recorded_at_us = recorded_at_us;
        r->prev_hash = i == 0 ? prev : hashes[i - 1];
        err = aud_chain_format_ts(r->at_us, at);
        if (err == 0)
            err = aud_chain_hash(r, hashes[i]);
        snprintf(seqs, sizeof seqs, "%lld", (long long) r->seq);
        const char *v[NCOL] = {seqs,      r->event_id,  r->service, r->actor,
                               r->action, r->case_id,   r->outcome, r->office,
                               at,        r->prev_hash, hashes[i]};
        for (int k = 0; err == 0 && k < NCOL; k++)
            err = cmn_pgarray_add(&a[k], v[k] != NULL ? v[k] : "");
    }
    if (err == 0) {
        snprintf(xact, sizeof xact, "%lld", (long long) xact_id);
        snprintf(firsts, sizeof firsts, "%lld", (long long) first);
        const char *p[14];
        for (int k = 0; k < NCOL; k++)
            p[k] = cmn_pgarray_text(&a[k]);
        p[11] = recorded;
        p[12] = xact;
        p[13] = firsts;
        PGresult *r =
            cmn_pg_exec(conn, next ? S_INSERT_MANY_NEXT_SQL : S_INSERT_MANY_SQL,
                        next ? 14 : 12, p, &err);
        *inserted = err == 0 ? atoi(PQcmdTuples(r)) : 0;
        PQclear(r);
    }
    for (int k = 0; k < NCOL; k++)
        cmn_pgarray_release(&a[k]);
    return err;
}

int
aud_chain_append_many(PGconn *conn, const char *const *event_ids,
                      const Mlps__V1__AuditEvent *const *evs, int n)
{
    if (n <= 0)
        return 0;
    aud_record_t *recs = calloc((size_t) n, sizeof *recs);
    char(*hashes)[AUD_HASH_HEX_LEN + 1] = calloc((size_t) n, sizeof *hashes);
    if (recs == NULL || hashes == NULL) {
        free(recs);
        free(hashes);
        return CMN_ENOMEM;
    }
    for (int i = 0; i < n; i++)
        recs[i] = (aud_record_t){.event_id = event_ids[i],
                                 .service = evs[i]->service,
                                 .actor = evs[i]->actor,
                                 .action = evs[i]->action,
                                 .case_id = evs[i]->case_id,
                                 .outcome = evs[i]->outcome,
                                 .office = evs[i]->office,
                                 .at_us = evs[i]->at_us};
    char prev[AUD_HASH_HEX_LEN + 1];
    int64_t first = 0, recorded_at_us = 0, xact_id = 0;
    int inserted = 0, err = 0;
    if (s_tail.conn == conn) { /* maybe the same transaction: one statement */
        first = s_tail.seq + 1;
        recorded_at_us = s_tail.recorded_at_us;
        xact_id = s_tail.xact_id;
        snprintf(prev, sizeof prev, "%s", s_tail.hash);
        err = s_insert_many(conn, true, recs, n, first, prev, recorded_at_us,
                            hashes, xact_id, &inserted);
    }
    s_tail.conn = NULL;
    if (err == 0 && inserted == 0) { /* a new transaction: the lock, the read */
        aud_record_t last = {0};
        err = cmn_pg_cmd(conn, S_LOCK_SQL);
        if (err == 0)
            err = s_read_last(conn, &last, prev, &xact_id);
        first = last.seq;
        recorded_at_us = last.recorded_at_us;
        if (err == 0)
            err = s_insert_many(conn, false, recs, n, first, prev,
                                recorded_at_us, hashes, xact_id, &inserted);
    }
    if (err == 0 && inserted != n)
        err = CMN_EDB;
    if (err == 0) {
        s_tail = (s_tail_t){.conn = conn,
                            .seq = first + n - 1,
                            .recorded_at_us = recorded_at_us,
                            .xact_id = xact_id};
        snprintf(s_tail.hash, sizeof s_tail.hash, "%s", hashes[n - 1]);
    }
    free(recs);
    free(hashes);
    return err;
}

/* verify.c - walks the audit hash chain and names the first record that
 * does not match. */
#include "aud/verify.h"
#include "aud/chain.h"
#include "cmn/db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_FETCH_ROWS 1000
#define S_STR(x)     #x
#define S_XSTR(x)    S_STR(x)

/* Column order is what s_check_row reads. Times come back as exact
 * microseconds (extract returns numeric in PostgreSQL 14 and later). */
#define S_WALK_SQL                                                             \
    "DECLARE aud_verify_walk NO SCROLL CURSOR FOR "                            \
    "SELECT seq, event_id, service, actor, action, case_id, outcome, office, " \
    "(extract(epoch FROM at) * 1000000)::bigint, "                             \
    "(extract(epoch FROM recorded_at) * 1000000)::bigint, prev_hash, hash "    \
    "FROM chain WHERE seq > %lld ORDER BY seq"

#define S_FETCH_SQL \
    "FETCH FORWARD " S_XSTR(S_FETCH_ROWS) " FROM aud_verify_walk"

/* An applied AuditEvent the chain has no record of. */
#define S_MISSING_SQL                                               \
    "SELECT i.message_id FROM inbox AS i "                          \
    "WHERE i.type = 'mlps.v1.AuditEvent' AND i.status = 'applied' " \
    "AND NOT EXISTS (SELECT 1 FROM chain AS c "                     \
    "WHERE c.event_id = i.message_id) "                             \
    "ORDER BY i.received_at, i.message_id LIMIT 1"

typedef struct {
    aud_verify_result_t *out;
    int64_t next_seq;
    char prev[AUD_HASH_HEX_LEN + 1];
} s_walk_t;

static int s_fail(s_walk_t *w, int64_t seq, const char *event_id,
                  const char *fmt, ...) CMN_PRINTF(4, 5);

/* Records the failure in out; returns 0 (the walk stops, no error). */
static int
s_fail(s_walk_t *w, int64_t seq, const char *event_id, const char *fmt, ...)
{
    va_list ap;
    w->out->ok = false;
    w->out->bad_seq = seq;
    snprintf(w->out->bad_event, sizeof w->out->bad_event, "%s", event_id);
    va_start(ap, fmt);
    vsnprintf(w->out->reason, sizeof w->out->reason, fmt, ap);
    va_end(ap);
    return 0;
}

static int
s_gap(s_walk_t *w, int64_t seq, const char *event_id)
{
    long long want = (long long) w->next_seq, got = (long long) seq;
    char missing[64];
    if (seq < w->next_seq)
        return s_fail(w, seq, event_id,
                      "seq %lld is out of order: expected %lld", got, want);
    if (got - want == 1)
        snprintf(missing, sizeof missing, "seq %lld is missing", want);
    else
        snprintf(missing, sizeof missing, "seq %lld..%lld are missing", want,
                 got - 1);
    if (want == 1)
        return s_fail(w, seq, event_id, "gap: the chain starts at seq %lld; %s",
                      got, missing);
    return s_fail(w, seq, event_id, "gap: seq %lld follows seq %lld; %s", got,
                  want - 1, missing);
}

/* Checks one row. 1 = it verified, 0 = the walk stops (out says why), or a
 * negative CMN_E* code. */
static int
s_check_row(s_walk_t *w, const PGresult *r, int row)
{
    char hash[AUD_HASH_HEX_LEN + 1];
    aud_record_t rec = {
        .seq = strtoll(PQgetvalue(r, row, 0), NULL, 10),
        .event_id = PQgetvalue(r, row, 1),
        .service = PQgetvalue(r, row, 2),
        .actor = PQgetvalue(r, row, 3),
        .action = PQgetvalue(r, row, 4),
        .case_id = PQgetvalue(r, row, 5),
        .outcome = PQgetvalue(r, row, 6),
        .office = PQgetvalue(r, row, 7),
        .at_us = strtoll(PQgetvalue(r, row, 8), NULL, 10),
        .recorded_at_us = strtoll(PQgetvalue(r, row, 9), NULL, 10),
        .prev_hash = PQgetvalue(r, row, 10),
    };
    const char *stored = PQgetvalue(r, row, 11);
    if (rec.seq != w->next_seq)
        return s_gap(w, rec.seq, rec.event_id);
    if (strcmp(rec.prev_hash, w->prev) != 0) {
        if (rec.seq == 1)
            return s_fail(w, rec.seq, rec.event_id,
                          "prev_hash: the first record's is not 64 zeros");
        return s_fail(w, rec.seq, rec.event_id,
                      "prev_hash: does not match the hash of seq %lld",
                      (long long) rec.seq - 1);
    }
    int err = aud_chain_hash(&rec, hash);
    if (err != 0)
        return err;
    if (strcmp(hash, stored) != 0)
        return s_fail(w, rec.seq, rec.event_id,
                      "hash: does not match the record's contents");
    memcpy(w->prev, hash, sizeof hash);
    snprintf(w->out->last_event, sizeof w->out->last_event, "%s", rec.event_id);
    w->next_seq++;
    w->out->records++;
    return 1;
}

/* Walks the records after w->next_seq - 1 to the end or the first bad
 * record, in the open transaction; out->last_* gets the last good one. */
static int
s_walk(PGconn *conn, s_walk_t *w)
{
    char sql[sizeof S_WALK_SQL + 24];
    snprintf(sql, sizeof sql, S_WALK_SQL, (long long) w->next_seq - 1);
    int err = cmn_pg_cmd(conn, sql), more = 1;
    while (err == 0 && more && w->out->ok) {
        PGresult *r = cmn_pg_exec(conn, S_FETCH_SQL, 0, NULL, &err);
        if (r == NULL)
            break;
        int n = PQntuples(r);
        more = n == S_FETCH_ROWS;
        for (int i = 0; i < n; i++) {
            int one = s_check_row(w, r, i);
            if (one <= 0) {
                err = one;
                break;
            }
        }
        PQclear(r);
    }
    if (err == 0)
        err = cmn_pg_cmd(conn, "CLOSE aud_verify_walk");
    w->out->last_seq = w->next_seq - 1;
    memcpy(w->out->last_hash, w->prev, sizeof w->out->last_hash);
    return err;
}

/* Every applied AuditEvent in the inbox must be in the chain. */
static int
s_check_inbox(PGconn *conn, s_walk_t *w)
{
    int err;
    PGresult *r = cmn_pg_exec(conn, S_MISSING_SQL, 0, NULL, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) == 1)
        s_fail(w, w->next_seq, PQgetvalue(r, 0, 0),
               "missing: the event was applied (inbox) but has no record; "
               "the chain ends at seq %lld",
               (long long) w->next_seq - 1);
    PQclear(r);
    return 0;
}

int
aud_verify(PGconn *conn, aud_verify_result_t *out)
{
    s_walk_t w = {.out = out, .next_seq = 1, .prev = AUD_ZERO_HASH};
    bool own = PQtransactionStatus(conn) == PQTRANS_IDLE;
    int err = 0;

    memset(out, 0, sizeof *out);
    out->ok = true;
    if (own)
        err = cmn_pg_cmd(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ "
                               "READ ONLY");
    if (err == 0)
        err = s_walk(conn, &w);
    if (err == 0 && out->ok)
        err = s_check_inbox(conn, &w);
    if (err == 0 && own)
        err = cmn_pg_cmd(conn, "COMMIT");
    if (err != 0) {
        if (own)
            cmn_pg_rollback(conn);
        out->ok = false;
        snprintf(out->reason, sizeof out->reason, "could not verify: %s",
                 cmn_strerror(err));
    }
    return err;
}

int
aud_verify_after(PGconn *conn, int64_t after, const char *after_hash,
                 aud_verify_result_t *out)
{
    s_walk_t w = {.out = out, .next_seq = after + 1};
    memset(out, 0, sizeof *out);
    out->ok = true;
    if (after < 0 || after_hash == NULL ||
        strlen(after_hash) != AUD_HASH_HEX_LEN)
        return CMN_EINVAL;
    memcpy(w.prev, after_hash, sizeof w.prev);
    int err = s_walk(conn, &w);
    if (err != 0) {
        out->ok = false;
        snprintf(out->reason, sizeof out->reason, "could not verify: %s",
                 cmn_strerror(err));
    }
    return err;
}

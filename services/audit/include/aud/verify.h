/* verify.h - checks the whole audit hash chain.
 * int returns: 0 (the check ran; see the result) or a negative CMN_E*
 * code (it could not run). */
#ifndef AUD_VERIFY_H
#define AUD_VERIFY_H
#include "cmn/err.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    bool ok;            /* every check passed */
    uint64_t records;   /* records that verified before the first bad one */
    int64_t bad_seq;    /* the first record that does not match; 0 if ok */
    char bad_event[37]; /* its event (message) id, or "" */
    char reason[384];   /* which check failed, naming no field's value */
    /* Signed checkpoints (aud_verify_checkpoints; anchor.h): */
    uint64_t checkpoints; /* checkpoints that verified */
    int64_t anchored_seq; /* the last of them; 0 if none */
    char key_id[17];      /* the key they were checked with; "" if none */
    /* The last record that verified (its seq is 0 when none did): */
    int64_t last_seq;
    char last_hash[65];  /* 64 hex digits */
    char last_event[37]; /* its event id */
} aud_verify_result_t;

/* Walks the chain on conn (its search_path must reach the audit schema) in
 * seq order, in one REPEATABLE READ READ ONLY snapshot (its own transaction
 * when conn is idle; the caller's otherwise). For each record, in order:
 *   1. seq is the previous seq + 1 (the first is 1), else "gap";
 *   2. prev_hash equals the previous record's hash (64 zeros for seq 1);
 *   3. hash equals aud_chain_hash() of the record as stored.
 * Then every event the inbox recorded as applied must have a record, which
 * catches records removed from the end of the chain. The first failure
 * stops the walk and is described in out. Reads a bounded batch of rows at
 * a time, so memory does not grow with the chain. */
int aud_verify(PGconn *conn, aud_verify_result_t *out) CMN_MUST_CHECK;

/* Checks 1-3 of aud_verify() on the records after seq `after` only, in the
 * caller's open transaction on conn: the first must be after + 1 and link
 * to after_hash (64 hex digits; AUD_ZERO_HASH with after 0). No inbox
 * check. out->records counts the records that verified, out->last_* names
 * the last of them (after and after_hash, and no event, when there were
 * none). */
int aud_verify_after(PGconn *conn, int64_t after, const char *after_hash,
                     aud_verify_result_t *out) CMN_MUST_CHECK;

#endif /* AUD_VERIFY_H */

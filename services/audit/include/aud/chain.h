/* chain.h - the audit hash chain: one record per audit event, each linked
 * to the one before by a SHA-256 hash.
 *
 * A record's hash covers the previous record's hash and a canonical,
 * length-prefixed encoding of every field (see aud_chain_encode and
 * services/audit/README.md), so changing, removing or reordering any record
 * breaks the chain from that record on. int returns: 0 or a negative CMN_E*
 * code. */
#ifndef AUD_CHAIN_H
#define AUD_CHAIN_H
#include "cmn/err.h"
#include "mlps/v1/workflow.pb-c.h"

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

/* A hash as text: 64 lower-case hex digits. */
#define AUD_HASH_HEX_LEN 64
/* The prev_hash of the first record. */
#define AUD_ZERO_HASH \
    "0000000000000000000000000000000000000000000000000000000000000000"
/* The first item of every encoding: names the format and its version. */
#define AUD_ENCODING_TAG "mlps.audit.chain.v1"

/* Largest accepted field values, bytes of UTF-8. */
#define AUD_SERVICE_MAX 64
#define AUD_ACTOR_MAX   128
#define AUD_ACTION_MAX  128
#define AUD_CASE_ID_MAX 128
#define AUD_OUTCOME_MAX 256
#define AUD_OFFICE_MAX  64
/* at_us must lie in [1, AUD_AT_US_MAX]: up to 9999-12-31T23:59:59.999999Z. */
#define AUD_AT_US_MAX INT64_C(253402300799999999)

/* One chain record (strings borrowed, NUL-terminated). */
typedef struct {
    int64_t seq;          /* 1, 2, ... in chain order */
    const char *event_id; /* the envelope's message id (UUID text) */
    const char *service;  /* from the AuditEvent */
    const char *actor;
    const char *action;
    const char *case_id;
    const char *outcome;
    const char *office;
    int64_t at_us;          /* AuditEvent.at_us: when the change committed */
    int64_t recorded_at_us; /* when the audit service appended it */
    const char *prev_hash;  /* the previous record's hash (64 hex) */
} aud_record_t;

/* Writes the canonical encoding of rec into buf (at most cap bytes) and
 * returns its full length; with cap too small (or 0 and buf NULL) nothing
 * past cap is written, so a first call can size the buffer. The encoding:
 *
 *   S(AUD_ENCODING_TAG) S(prev_hash) U64(seq) S(event_id) S(service)
 *   S(actor) S(action) S(case_id) S(outcome) S(office) I64(at_us)
 *   I64(recorded_at_us)
 *
 * where S(x) is x's length in bytes as a 4-byte big-endian unsigned integer
 * followed by x's bytes, and U64/I64 are 8-byte big-endian (two's
 * complement for I64). */
size_t aud_chain_encode(const aud_record_t *rec, uint8_t *buf, size_t cap);

/* SHA-256 of aud_chain_encode(rec), as 64 lower-case hex digits and a NUL in
 * out. Returns 0, CMN_EMSGSIZE for a field over 4 GiB, or CMN_EIO when
 * libcrypto fails. */
int aud_chain_hash(const aud_record_t *rec,
                   char out[AUD_HASH_HEX_LEN + 1]) CMN_MUST_CHECK;

/* Checks an AuditEvent received from another service: service, action and
 * case_id non-empty, every string within its AUD_*_MAX and free of control
 * characters, at_us within [1, AUD_AT_US_MAX]. Returns 0, or CMN_EREJECT
 * with a reason naming the field in why (never the field's value). */
int aud_event_check(const Mlps__V1__AuditEvent *ev, char *why,
                    size_t whylen) CMN_MUST_CHECK;

/* Appends ev as the next record, inside the caller's open transaction on
 * conn (whose search_path reaches the audit schema). Takes the chain's
 * transaction-level advisory lock first, so appends from every connection
 * and replica are serialised until the caller commits or rolls back; reads
 * the last record and inserts seq + 1 linked to its hash. Borrows event_id
 * and ev; ev should have passed aud_event_check(). *seq (if not NULL) gets
 * the new record's seq. Returns 0 or a CMN_E* code from the database
 * (CMN_EAGAIN on a deadlock: the caller may retry the transaction). */
int aud_chain_append(PGconn *conn, const char *event_id,
                     const Mlps__V1__AuditEvent *ev,
                     int64_t *seq) CMN_MUST_CHECK;

/* Appends n events (ids event_ids[i]) as the next n records, in order,
 * with one statement: as aud_chain_append, each linked to the one before
 * and all sharing one recorded_at. All go in or none (an error). */
int aud_chain_append_many(PGconn *conn, const char *const *event_ids,
                          const Mlps__V1__AuditEvent *const *evs,
                          int n) CMN_MUST_CHECK;

/* Formats us (microseconds since the Unix epoch, >= 0) as a timestamptz
 * literal PostgreSQL reads back exactly, e.g.
 * "2026-11-22 02:46:13.123456+00". Returns 0 or CMN_EINVAL. */
int aud_chain_format_ts(int64_t us, char out[40]) CMN_MUST_CHECK;

#endif /* AUD_CHAIN_H */

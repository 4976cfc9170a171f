/* store.h - the certificate service's rows (worker thread only): a case as
 * cert.cases stores it, and a certificate record (its number, the
 * certificate signed for it and its revocation). Load a case FOR UPDATE
 * inside a transaction, change it, save it.
 * int returns: 0 or a negative CMN_E* code. */
#ifndef CRT_STORE_H
#define CRT_STORE_H
#include "cmn/ident.h"
#include "crt/fsm.h"
#include "dom/cert/content.h"
#include "dom/cert/payload.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    char tracking_id[CRT_TRACKING_MAX + 1];
    crt_state_t state;
    int level; /* as accepted last (or reissued) */
    char organ[16];
    char district[8];
    char unit_credit_code[CRT_CREDIT_LEN + 1];
    char unit_name[CRT_NAME_MAX + 1];
    char system_name[CRT_NAME_MAX + 1];
    char region_code[8];
    char unit_secret_sha256[65];
    char accepted_on[CRT_DATE_LEN + 1];
    uint64_t accepted_version;
    char decided_by[CMN_IDENT_MAX + 1];
    char current_number[CRT_NUMBER_MAX + 1]; /* "" none */
    char pending_number[CRT_NUMBER_MAX + 1]; /* "" none */
    char note[256];
} crt_case_t;

/* Loads tracking_id (FOR UPDATE when lock); *found false if there is none.
 * CMN_EDB for a state name the table does not know. */
int crt_case_load(PGconn *c, const char *tracking_id, bool lock, crt_case_t *k,
                  bool *found) CMN_MUST_CHECK;

/* Inserts a new case. */
int crt_case_insert(PGconn *c, const crt_case_t *k) CMN_MUST_CHECK;

/* Writes back every field that changes; the lease is dropped unless
 * lease_ms > 0, when it is set to now + lease_ms (the caller signs). */
int crt_case_save(PGconn *c, const crt_case_t *k, long lease_ms) CMN_MUST_CHECK;

/* One number and what became of it. */
typedef struct {
    char number[CRT_NUMBER_MAX + 1];
    crt_content_t content; /* the fields it was allocated with (no key) */
    char allocated_by[CMN_IDENT_MAX + 1]; /* who decided to issue it */
    bool stored; /* a certificate was signed and stored */
    char key_id[CRT_KEY_ID_LEN + 1], alg[CRT_ALG_MAX + 1];
    char payload[CRT_PAYLOAD_MAX];
    bool revoked;
    char revoked_on[CRT_DATE_LEN + 1], reason[16];
    char superseded_by[CRT_NUMBER_MAX + 1];
} crt_record_t;

/* Loads the record of number; *found false when it was never allocated. */
int crt_record_load(PGconn *c, const char *number, crt_record_t *r,
                    bool *found) CMN_MUST_CHECK;

/* The number of the case's latest stored certificate into number ("" when
 * it has none). */
int crt_record_latest(PGconn *c, const char *tracking_id,
                      char number[CRT_NUMBER_MAX + 1]) CMN_MUST_CHECK;

#endif /* CRT_STORE_H */

/* store.h - the intake service's tables (sql/001_filings.sql): filings as
 * accepted, and what units send about them later. Worker thread only,
 * inside the caller's open transaction; search_path is the intake schema.
 * int returns: 0 or a negative CMN_E* code from cmn_pg_exec. */
#ifndef ITK_STORE_H
#define ITK_STORE_H
#include "cmn/db.h"
#include "itk/intake.h"
#include "mlps/v1/filing.pb-c.h"

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stdint.h>

/* Lower-case hex SHA-256 of salt (with its NUL) and msg's packed form, into
 * out[65]: the identity of a submission. */
int itk_digest(const ProtobufCMessage *msg, const char *salt,
               char out[65]) CMN_MUST_CHECK;

/* The tracking id of the filing district took in with this digest;
 * *found 0 if there is none. */
int itk_store_find(PGconn *c, const char *district, const char *digest,
                   char tracking[64], int *found) CMN_MUST_CHECK;

#define ITK_SYSTEM_KEY_MAX 512

/* The identity of a system: its unit's credit code and its name in the
 * domain library's comparison form ("91110108...|政务服务网"). The same
 * system filed twice has the same key (imports update it; the municipal
 * office holds a second one as a possible duplicate). */
int itk_system_key(const Mlps__V1__Filing *f,
                   char out[ITK_SYSTEM_KEY_MAX]) CMN_MUST_CHECK;

/* A new filing to store. */
typedef struct {
    const Mlps__V1__Filing *filing;
    const char *digest;       /* itk_digest of the filing */
    const char *received_on;  /* YYYY-MM-DD, where it was taken in */
    const char *proof_sha256; /* the unit's proof, hashed */
    const char *tracking_id;  /* NULL: a new one, OFFICE-YYYYMMDD-NNNNN */
    const char *district;     /* the office that took it in */
    const char *batch_id;     /* the batch it came in; NULL */
    int revision;             /* 1 for a new filing */
    const char *system_key;
    const char *state; /* "received", "held" */
} itk_new_filing_t;

/* Inserts a filing; *inserted 0 when a twin (the same digest or tracking
 * id) is there already. */
int itk_store_insert(PGconn *c, const itk_t *self, const itk_new_filing_t *n,
                     char tracking[64], int *inserted) CMN_MUST_CHECK;

/* Inserts ns[0..n) in one statement, in that order, as itk_store_insert
 * does each; tracking[i] is the id of ns[i], or "" when a twin (the same
 * district and digest, or tracking id) was there already. */
int itk_store_insert_many(PGconn *c, const itk_t *self,
                          const itk_new_filing_t *ns, size_t n,
                          char (*tracking)[64]) CMN_MUST_CHECK;

/* Replaces a filing's content with revision `revision` of it. */
int itk_store_revise(PGconn *c, const char *tracking, const Mlps__V1__Filing *f,
                     const char *digest, int revision,
                     const char *system_key) CMN_MUST_CHECK;

/* A filing as a newcomer is compared with it. */
typedef struct {
    char tracking_id[64];
    char digest[65];
    int revision;
    char state[16];
    char district[8];
} itk_known_t;

/* The system locks of many filings, before any of their rows is locked:
 * the systems of the filings (of each valid one; a NULL or invalid filing
 * is passed over) and those the filings of the tracking ids (NULL ones
 * passed over) are of now, taken in one statement in one order (by the
 * locks' keys), so two transactions of many filings (two batches, two
 * imports) sharing systems never wait for each other in a cycle.
 * itk_store_by_system's lock of each is then one already held. */
int itk_store_lock_systems(PGconn *c, const Mlps__V1__Filing *const *filings,
                           const char *const *trackings,
                           size_t n) CMN_MUST_CHECK;

/* The filing of this system (locked), of district (NULL: any district),
 * not closed as a duplicate; the first filed. *found 0 when none. */
int itk_store_by_system(PGconn *c, const char *system_key, const char *district,
                        itk_known_t *out, int *found) CMN_MUST_CHECK;

/* What an office holds of one record (itk_store_lookup_many). */
typedef struct {
    char content[64]; /* the tracking id of its content there ("" none) */
    bool system;      /* a filing of its system (itk_store_by_system's) */
    bool tracking;    /* a filing of its tracking id */
} itk_lookup_t;

/* For each i < n, in one statement: the filing of district with
 * digests[i], whether a filing of the system keys[i] is there (of
 * system_district; NULL: of any district), and whether one of the
 * tracking id trackings[i] is (trackings NULL or "": none looked for).
 * Nothing locked: the caller holds the systems' locks
 * (itk_store_lock_systems). */
int itk_store_lookup_many(PGconn *c, const char *district,
                          const char *system_district,
                          const char *const *digests, const char *const *keys,
                          const char *const *trackings, size_t n,
                          itk_lookup_t *out) CMN_MUST_CHECK;

/* The filing tracking (locked). */
int itk_store_by_tracking(PGconn *c, const char *tracking, itk_known_t *out,
                          int *found) CMN_MUST_CHECK;

/* What a later action needs to know of its filing. */
typedef struct {
    char tracking_id[64];
    char unit_credit_code[32];
    char region_code[8];
    char proof_sha256[65];
    uint64_t case_version; /* of the last message to review */
} itk_filing_ref_t;

/* Loads and locks the filing tracking_id; *found 0 when there is none. */
int itk_store_lock(PGconn *c, const char *tracking, itk_filing_ref_t *ref,
                   int *found) CMN_MUST_CHECK;

/* Records a unit's later action on a locked filing (kind "supplement" or
 * "insist", unique on its digest) and queues msg for dest with the audit
 * event (actor: who did it): to review with the case's next version, or
 * (upstream: a district) to the municipal intake with the next version of
 * the filing's messages upward. *dup 1: received before (nothing
 * changed). */
int itk_store_case_action(PGconn *c, itk_filing_ref_t *ref, const char *kind,
                          const char *digest, const char *today,
                          const ProtobufCMessage *msg, const char *dest,
                          bool upstream, const char *actor,
                          int *dup) CMN_MUST_CHECK;

#endif /* ITK_STORE_H */

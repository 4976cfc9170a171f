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

/* Lower-case hex SHA-256 of salt (with its NUL) and msg's packed form, into
 * out[65]: the identity of a submission. */
int itk_digest(const ProtobufCMessage *msg, const char *salt,
               char out[65]) CMN_MUST_CHECK;

/* The tracking id of an accepted filing with this digest; *found 0 if
 * there is none. */
int itk_store_find(PGconn *c, const char *digest, char tracking[64],
                   int *found) CMN_MUST_CHECK;

/* Inserts an accepted filing (tracking id OFFICE-YYYYMMDD-NNNNN); *inserted
 * 0 when a twin with the same digest won the race. */
int itk_store_insert(PGconn *c, const itk_t *self, const Mlps__V1__Filing *f,
                     const char *digest, const char *today, char tracking[64],
                     int *inserted) CMN_MUST_CHECK;

/* Records a unit's later action on a case (kind "supplement" or "insist",
 * unique on its digest), bumps the case version and queues msg for review
 * with the audit event. *found 0: no such filing; *dup 1: received before
 * (nothing changed). */
int itk_store_case_action(PGconn *c, const char *tracking, const char *kind,
                          const char *digest, const char *today,
                          ProtobufCMessage *msg, int *found,
                          int *dup) CMN_MUST_CHECK;

#endif /* ITK_STORE_H */

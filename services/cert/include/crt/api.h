/* api.h - what the certificate service's request handlers share (api.c:
 * status, the PDF and the revocation list; registrar.c: revoke and
 * reissue). Worker thread. int returns: 0 or a negative CMN_E* code. */
#ifndef CRT_API_H
#define CRT_API_H
#include "cmn/api.h"
#include "crt/cert.h"
#include "crt/store.h"

#include <libpq-fe.h>
#include <stdbool.h>

/* A reply of type desc (one of cert.proto's replies) that carries only a
 * Problem (code, message). */
int crt_api_problem(cmn_api_reply_t *out,
                    const ProtobufCMessageDescriptor *desc, const char *code,
                    const char *fmt, ...) CMN_PRINTF(4, 5) CMN_MUST_CHECK;

/* The case and the record a request names (a number, or a case's
 * tracking id: its valid, allocated or latest certificate), if the
 * caller may see them (flow.h). *found false for what does not exist and
 * for what the caller may not see alike; *have_rec false for a case
 * without a number. lock: the case FOR UPDATE (inside a transaction). */
int crt_api_find(PGconn *c, const crt_t *self, const cmn_env_msg_t *m,
                 const char *number, const char *tracking, const char *proof,
                 bool lock, crt_case_t *k, crt_record_t *rec, bool *have_rec,
                 bool *found) CMN_MUST_CHECK;

/* The registrar's handlers (registrar.c), in crt_api_handlers. */
int crt_api_revoke(PGconn *c, const cmn_env_msg_t *m, void *arg,
                   cmn_api_reply_t *out);
int crt_api_reissue(PGconn *c, const cmn_env_msg_t *m, void *arg,
                    cmn_api_reply_t *out);

#endif /* CRT_API_H */

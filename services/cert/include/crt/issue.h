/* issue.h - the second and third steps of issuing: signing the fields an
 * allocated number was committed with, and storing the certificate; the
 * issuer's round over every case left issuing; the test switch.
 *
 * A case is "issuing" from the transaction that allocated its number
 * until the one that stores its certificate. Whoever signs it holds a
 * lease (cert.cases.lease_until, cert.lease-ms): the issuer's round takes
 * only cases whose lease ran out or that have none, with FOR UPDATE SKIP
 * LOCKED, so a crash anywhere after the allocation leaves a number the
 * next round (of any replica) signs and stores, with the fields and issue
 * date it was allocated with. Storing locks the case and stores only the
 * number the case still waits for: two issuers that both signed it store
 * it once.
 *
 * The test switch (cert.fail-at, cert.fail-mode, cert.fail-every; see
 * cert.c) stops at a step: "allocated" (the number committed, before the
 * signature), "signed" (before the store), "stored" (after its commit).
 * Worker thread. int returns: 0 or a negative CMN_E* code. */
#ifndef CRT_ISSUE_H
#define CRT_ISSUE_H
#include "crt/cert.h"

#include <libpq-fe.h>
#include <stdbool.h>

/* Signs the number the case tracking_id has allocated (the caller holds
 * its lease) and stores the certificate in a transaction of its own;
 * *stored true when this call stored it (false: another issuer did, or
 * the case moved on). payload (if not NULL, CRT_PAYLOAD_MAX) gets what
 * was signed. */
int crt_issue_claimed(PGconn *c, crt_t *self, const char *tracking_id,
                      const char *number, bool *stored,
                      char *payload) CMN_MUST_CHECK;

/* The issuer's round (cmn_svc_every; arg is the crt_t): claims each case
 * left issuing whose lease ran out or that has none (at most 100), signs
 * and stores it; then writes the latest revocation list to
 * cert.revlist-file when a newer one was published. */
int crt_issue_work(PGconn *c, void *arg);

/* The test switch at step: 0 when it is off or set to another step, or
 * this is not the cert.fail-every-th time the step is reached; else the
 * process is killed (SIGKILL, mode "kill") or CMN_EIO (mode "error"). */
int crt_fault(crt_t *self, crt_step_id_t step) CMN_MUST_CHECK;

/* "allocated", "signed", "stored" ("" for CRT_STEP_NONE). Static. */
const char *crt_step_name(crt_step_id_t step);
/* A step by name; CMN_EINVAL for another. */
int crt_step_parse(const char *name, crt_step_id_t *out) CMN_MUST_CHECK;

#endif /* CRT_ISSUE_H */

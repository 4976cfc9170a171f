/* revoke.h - revoking certificates and publishing signed revocation lists
 * (worker thread, inside the caller's transaction unless said otherwise).
 * A certificate is revoked once: cert.revocations holds one row per
 * number, and a status change is that new row, never an update.
 * int returns: 0 or a negative CMN_E* code. */
#ifndef CRT_REVOKE_H
#define CRT_REVOKE_H
#include "crt/cert.h"
#include "dom/cert/revlist.h"

#include <libpq-fe.h>

/* Records the revocation of number (a stored certificate of the case
 * tracking_id, not revoked yet) on the office's date, for reason, by who,
 * replaced by superseded_by ("" for none), with note; its audit event
 * "certificate.revoked"; and publishes a new list (as_of gets its
 * instant). */
int crt_revoke(PGconn *c, const crt_t *self, const char *tracking_id,
               const char *number, crt_revoke_reason_t reason,
               const char *superseded_by, const char *who, const char *note,
               char as_of[CRT_INSTANT_LEN + 1]) CMN_MUST_CHECK;

/* Builds the list of every revocation as of now (the office's clock, in
 * UTC), signs it with the service's key and inserts it into cert.revlists,
 * serialised with every other publisher of the schema by an advisory lock
 * held to the end of the transaction (so a later list never misses what
 * an earlier one had). as_of and *entries get what was published. */
int crt_revlist_publish(PGconn *c, const crt_t *self,
                        char as_of[CRT_INSTANT_LEN + 1],
                        size_t *entries) CMN_MUST_CHECK;

/* The schedule's (cmn_svc_every; arg is the crt_t): publishes a list in
 * a transaction of its own. */
int crt_revlist_work(PGconn *c, void *arg);

#endif /* CRT_REVOKE_H */

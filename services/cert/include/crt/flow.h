/* flow.h - what happens to a certificate case, shared by the handlers:
 * the issuance rule, settling a case (issue now, wait, or let the valid
 * certificate stand), and who may see a case. Worker thread, inside the
 * caller's transaction, the case locked (or new).
 * int returns: 0 or a negative CMN_E* code. */
#ifndef CRT_FLOW_H
#define CRT_FLOW_H
#include "crt/cert.h"
#include "crt/store.h"

#include <libpq-fe.h>
#include <stdbool.h>

/* The issuance rule (DOMAIN.md, "Certificate"): *ok when k->level needs
 * no evaluation first (cert.evaluate-levels), or the case's latest
 * evaluation report is at that level and not poor (差); else note says
 * why the case waits. */
int crt_flow_rule(PGconn *c, const crt_t *self, const crt_case_t *k, bool *ok,
                  char *note, size_t len) CMN_MUST_CHECK;

/* Settles k (its fields as they now stand) after event ev, whose step is
 * step: an issued case whose valid certificate is at k->level stands
 * (unless force: a reissue); else, when the rule allows, a number is
 * allocated (number.h) and the case is issuing, the valid certificate it
 * had revoked as superseded by the new number; else it waits, the valid
 * certificate revoked as regraded. who decided. The case is inserted
 * (insert) or saved with lease_ms (> 0: the caller signs it now, no
 * issuer round takes it before); every change is audited; the state
 * reached must be one step allows (CMN_EINVAL, logged, otherwise). */
int crt_flow_settle(PGconn *c, crt_t *self, crt_case_t *k, bool insert,
                    bool force, crt_event_t ev, const crt_step_t *step,
                    const char *who, long lease_ms) CMN_MUST_CHECK;

/* True when caller may see k: its unit's proof (stored only as a hash),
 * the unit's own key (unit:CREDIT_CODE), or an office or its staff whose
 * jurisdiction covers the unit's region; always on a plain development
 * socket. */
bool crt_flow_may_see(const crt_t *self, const cmn_ident_t *caller,
                      const crt_case_t *k, const char *proof);

#endif /* CRT_FLOW_H */

/* fsm.h - where issuing a case's certificate stands, and what each event
 * does in each state.
 *
 *   (none)   --CaseAccepted--> waiting | issuing
 *   waiting  --CaseAccepted, EvaluationConcluded--> waiting | issuing
 *   issuing  --the signed certificate stored--> issued
 *   issued   --CaseAccepted (another level)--> issuing | waiting
 *            (the same level: the certificate stands, issued)
 *   issued   --a registrar reissues--> issuing | waiting
 *   issued   --a registrar revokes--> revoked
 *   revoked  --CaseAccepted (a new acceptance)--> waiting | issuing
 *
 * "waiting": the level needs an evaluation first (cert.evaluate-levels)
 * and the case has no report that is not poor (差) at its level yet.
 * "issuing": the number is allocated and committed with the fields it
 * will be signed with; the signature is being made, or a crash left it to
 * the issuer's next round. Leaving "issued" for another certificate
 * revokes the valid one in the same transaction: as superseded (by the new
 * number) when the new one is allocated at once, as regraded when it must
 * wait for an evaluation. An EvaluationConcluded in any other state is
 * recorded (a later report never revokes a certificate); a CaseAccepted
 * while a certificate is being issued waits (the sender tries again). The
 * names are the ones cert.cases stores (its CHECK lists the same). */
#ifndef CRT_FSM_H
#define CRT_FSM_H
#include "cmn/err.h"

#include <stdbool.h>

typedef enum {
    CRT_ST_NONE = 0, /* no case yet */
    CRT_ST_WAITING,  /* for an evaluation report that is not poor */
    CRT_ST_ISSUING,  /* a number allocated, the certificate not yet stored */
    CRT_ST_ISSUED,   /* the case has a valid certificate */
    CRT_ST_REVOKED,  /* its certificate revoked, no other issued */
    CRT_ST_COUNT
} crt_state_t;

typedef enum {
    CRT_EV_ACCEPTED = 0, /* CaseAccepted from review */
    CRT_EV_EVALUATED,    /* EvaluationConcluded from evaluation */
    CRT_EV_STORED,       /* the issuer stores the signed certificate */
    CRT_EV_REVOKE,       /* a registrar revokes the valid certificate */
    CRT_EV_REISSUE,      /* a registrar reissues it */
    CRT_EV_COUNT
} crt_event_t;

typedef enum {
    CRT_ACT_REFUSE = 0, /* refused (no such case, or conflict) */
    CRT_ACT_REPEAT,     /* done before: nothing changes */
    CRT_ACT_RECORD,     /* a report recorded; the case does not move */
    CRT_ACT_RETRY,      /* not now: the sender tries again later */
    CRT_ACT_DECIDE,     /* the issuance rule: issue, wait, or stand */
    CRT_ACT_STORE,      /* the signed certificate is stored */
    CRT_ACT_REVOKE,     /* the valid certificate is revoked */
    CRT_ACT_REISSUE,    /* a new certificate for the case, the old revoked */
} crt_act_t;

typedef struct {
    crt_act_t act;
    unsigned next;   /* bit (1u << state) for each state it may lead to */
    const char *why; /* REFUSE, REPEAT, RECORD, RETRY: why */
} crt_step_t;

/* The step for event in state. Borrowed, static. */
const crt_step_t *crt_fsm_step(crt_state_t state, crt_event_t event);

/* True when the step may lead to state `to`. */
bool crt_fsm_allows(const crt_step_t *step, crt_state_t to);

/* Stored names: "waiting", ... ("" for CRT_ST_NONE, NULL outside). */
const char *crt_state_name(crt_state_t state);

/* Parses a stored name. CMN_EINVAL for any other text. */
int crt_state_parse(const char *name, crt_state_t *out) CMN_MUST_CHECK;

/* The event's name ("CaseAccepted", ...) and the action's ("refuse", ...);
 * NULL outside the enums. Static. */
const char *crt_event_name(crt_event_t event);
const char *crt_act_name(crt_act_t act);

#endif /* CRT_FSM_H */

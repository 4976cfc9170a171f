/* fsm.h - the states of a panel case and what each event does in each.
 *
 *   (none) --PanelReferral--> scheduled | escalated (no quorum)
 *   scheduled --opinion, or the session over--> scheduled (waiting, or
 *       another session) | decided | escalated
 *   scheduled, escalated --PanelWithdrawal--> withdrawn
 *
 * A referral of a case the panel has is a repeat (nothing changes); an
 * opinion on a case that is not scheduled is refused ("conflict"); a
 * withdrawal of a decided or withdrawn case is ignored. The names are the
 * ones panel.cases stores (its CHECK lists the same). */
#ifndef PNL_FSM_H
#define PNL_FSM_H
#include "cmn/err.h"

#include <stdbool.h>

typedef enum {
    PNL_ST_NONE = 0,
    PNL_ST_SCHEDULED,
    PNL_ST_DECIDED,
    PNL_ST_ESCALATED,
    PNL_ST_WITHDRAWN,
    PNL_ST_COUNT
} pnl_state_t;

typedef enum {
    PNL_EV_REFERRAL = 0, /* PanelReferral from review */
    PNL_EV_OPINION,      /* OpinionRequest from a seated expert */
    PNL_EV_SESSION_OVER, /* the watch: the session is over */
    PNL_EV_WITHDRAWAL,   /* PanelWithdrawal from review */
    PNL_EV_COUNT
} pnl_event_t;

typedef enum {
    PNL_ACT_REFUSE = 0, /* refused (not found, or conflict) */
    PNL_ACT_REPEAT,     /* seen before: nothing changes */
    PNL_ACT_IGNORE,     /* nothing changes; logged */
    PNL_ACT_PLACE,      /* booked at a session with a quorum, or escalated */
    PNL_ACT_TALLY,      /* the round is tallied: waits, decides or moves */
    PNL_ACT_WITHDRAW,   /* seats freed, the case withdrawn */
} pnl_act_t;

typedef struct {
    pnl_act_t act;
    unsigned next;   /* bit (1u << state) for each state it may lead to */
    const char *why; /* REFUSE, REPEAT, IGNORE: why */
} pnl_step_t;

/* The step for event in state (static). */
const pnl_step_t *pnl_fsm_step(pnl_state_t state, pnl_event_t event);
bool pnl_fsm_allows(const pnl_step_t *step, pnl_state_t to);

/* Stored names ("" for PNL_ST_NONE, NULL outside the enum). */
const char *pnl_state_name(pnl_state_t state);
int pnl_state_parse(const char *name, pnl_state_t *out) CMN_MUST_CHECK;
const char *pnl_event_name(pnl_event_t event);
const char *pnl_act_name(pnl_act_t act);

#endif /* PNL_FSM_H */

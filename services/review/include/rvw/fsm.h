/* fsm.h - the states of a review case and what each message does in each.
 *
 * One table says, for every state and every event, what happens: the
 * event is refused, repeated (seen before: nothing changes), ignored
 * (recorded and audited, nothing changes), or it moves the case on, and
 * to which states it may lead. Handlers look their step up here instead
 * of testing state strings, and check the state they reach against it.
 * The names are the ones review.cases stores (its CHECK lists the same).
 *
 * Review recommends; a person decides. Each message that moves a case
 * brings a recommendation (A, B with what is missing, C with why), and the
 * case waits for the office in "pending" unless review.auto decides for it
 * at once (then it goes where the recommendation says):
 *
 *   (none) --FilingReceived--> pending | accepted | incomplete | panel
 *   pending --a person decides--> accepted (A) | incomplete (B) | panel (C)
 *   incomplete --MaterialsSupplemented--> pending | accepted | incomplete
 *   panel --PanelDecision--> pending | accepted | incomplete | closed
 *   panel --PanelEscalation--> escalated
 *   panel, escalated --UnitInsists--> pending | accepted | incomplete
 *   escalated --PanelDecision--> pending | accepted | incomplete | closed
 *   escalated --a person decides--> accepted | incomplete
 *   pending --FilingRevised--> pending | accepted | incomplete | panel
 *
 * ("closed": the level was settled at 1, which is not filed. A revision
 * of the filing, a district's changed record, is reviewed afresh while
 * the case waits for the office; once the office has decided, it is
 * ignored: the unit supplements or files anew.) Anything else
 * on an existing case is ignored (and audited as such); a message about a
 * case that does not exist, or a decision on a case that waits for none,
 * is refused. */
#ifndef RVW_FSM_H
#define RVW_FSM_H
#include "cmn/err.h"

#include <stdbool.h>

typedef enum {
    RVW_ST_NONE = 0, /* no case yet */
    RVW_ST_PENDING,  /* waiting for the office's decision */
    RVW_ST_ACCEPTED,
    RVW_ST_INCOMPLETE,
    RVW_ST_PANEL,
    RVW_ST_ESCALATED,
    RVW_ST_CLOSED,
    RVW_ST_COUNT
} rvw_state_t;

typedef enum {
    RVW_EV_FILING = 0,       /* FilingReceived */
    RVW_EV_SUPPLEMENT,       /* MaterialsSupplemented */
    RVW_EV_INSIST,           /* UnitInsists */
    RVW_EV_PANEL_DECISION,   /* PanelDecision */
    RVW_EV_PANEL_ESCALATION, /* PanelEscalation */
    RVW_EV_DECIDE,           /* ReviewDecideRequest: a person decides */
    RVW_EV_REVISED,          /* FilingRevised: a district's changed record */
    RVW_EV_COUNT
} rvw_event_t;

typedef enum {
    RVW_ACT_REFUSE = 0, /* the message is rejected for good */
    RVW_ACT_REPEAT,     /* seen before: nothing changes, nothing recorded */
    RVW_ACT_IGNORE,     /* audited as ignored; nothing changes */
    RVW_ACT_DECIDE,     /* first review: recommend A, B or C */
    RVW_ACT_SETTLE,     /* the level is settled: recommend A or B */
    RVW_ACT_ESCALATE,   /* no quorum: back with the office */
    RVW_ACT_JUDGE,      /* a person's decision is applied */
} rvw_act_t;

typedef struct {
    rvw_act_t act;
    unsigned next;   /* bit (1u << state) for each state it may lead to */
    const char *why; /* for REFUSE and IGNORE: the reason, to follow
                        "ignored: " or "refused: " */
} rvw_step_t;

/* The step for event in state. Borrowed, static. */
const rvw_step_t *rvw_fsm_step(rvw_state_t state, rvw_event_t event);

/* True when the step may lead to state `to`. */
bool rvw_fsm_allows(const rvw_step_t *step, rvw_state_t to);

/* Stored names: "accepted", ... ("" for RVW_ST_NONE, NULL outside). */
const char *rvw_state_name(rvw_state_t state);

/* Parses a stored name. CMN_EINVAL for any other text. */
int rvw_state_parse(const char *name, rvw_state_t *out) CMN_MUST_CHECK;

/* The message type of an event, e.g. "MaterialsSupplemented". */
const char *rvw_event_name(rvw_event_t event);

/* The action's name: "refuse", "repeat", "ignore", "decide", ... */
const char *rvw_act_name(rvw_act_t act);

#endif /* RVW_FSM_H */

/* fsm.h - the states of a system's evaluation and what each event does in
 * each (services/evaluation/README.md draws it).
 *
 *   (none) --CaseAccepted--> choosing (level 2) | proposed | escalated
 *   choosing --the unit chooses--> assigned
 *   proposed, escalated --the office assigns--> assigned
 *   proposed, escalated --the watch proposes again--> proposed | escalated
 *   assigned --the institution's report--> evaluated | rectification (差)
 *   rectification --the unit's plan--> plan_review (level 3+) | rectifying
 *   plan_review --the panel's review--> rectifying | rectification
 *   rectifying --the unit reports it done--> a new round (choosing, ...)
 *   evaluated --the watch: the next evaluation is due--> a new round
 *   any open state --the watch: past the due date--> itself, overdue
 *   any state --CaseAccepted again (a new level)--> a new round while
 *       none is engaged; else itself, with the new level
 *
 * A round (choosing, proposed or escalated) starts the same way wherever
 * it comes from: level 2 waits for the unit's choice; level 3 and above
 * gets a proposal, or is escalated when no institution qualifies. Every
 * other pair refuses (with why, for the caller) or is ignored (the
 * watch). The names are the ones evaluation.systems stores (its CHECK
 * lists the same). */
#ifndef EVL_FSM_H
#define EVL_FSM_H
#include "cmn/err.h"

#include <stdbool.h>

typedef enum {
    EVL_ST_NONE = 0,
    EVL_ST_CHOOSING,      /* level 2: the unit chooses an institution */
    EVL_ST_PROPOSED,      /* level 3+: a proposal waits for the office */
    EVL_ST_ESCALATED,     /* level 3+: no institution qualifies */
    EVL_ST_ASSIGNED,      /* an institution evaluates the system */
    EVL_ST_EVALUATED,     /* the report's verdict stands, not poor */
    EVL_ST_RECTIFICATION, /* poor: the unit's plan is awaited */
    EVL_ST_PLAN_REVIEW,   /* the expert panel reviews the plan */
    EVL_ST_RECTIFYING,    /* the plan stands: the unit carries it out */
    EVL_ST_COUNT
} evl_state_t;

typedef enum {
    EVL_EV_ACCEPTED = 0, /* CaseAccepted from review */
    EVL_EV_CHOOSE,       /* the unit's choice */
    EVL_EV_ASSIGN,       /* the office's assignment */
    EVL_EV_REPORT,       /* the institution's report */
    EVL_EV_PLAN,         /* the unit's rectification plan */
    EVL_EV_REVIEW,       /* the panel's review of the plan */
    EVL_EV_COMPLETE,     /* the unit reports the rectification done */
    EVL_EV_DUE,          /* the watch: the next evaluation is due */
    EVL_EV_OVERDUE,      /* the watch: past the due date */
    EVL_EV_REPROPOSE,    /* the watch: look for an institution again */
    EVL_EV_COUNT
} evl_event_t;

typedef enum {
    EVL_ACT_REFUSE = 0, /* refused; why says so */
    EVL_ACT_IGNORE,     /* nothing changes */
    EVL_ACT_START,      /* a round starts: choosing, proposed, escalated */
    EVL_ACT_RELEVEL,    /* the level (and what CaseAccepted says) changes */
    EVL_ACT_ENGAGE,     /* an institution is chosen or assigned */
    EVL_ACT_CONCLUDE,   /* a report: its verdict decides */
    EVL_ACT_PLAN,       /* a plan: the panel reviews it, or it stands */
    EVL_ACT_REVIEW,     /* the panel approves or rejects the plan */
    EVL_ACT_FLAG,       /* marked overdue; the state stays */
    EVL_ACT_PROPOSE,    /* a proposal again, or still none */
} evl_act_t;

typedef struct {
    evl_act_t act;
    unsigned next;   /* bit (1u << state) for each state it may lead to */
    const char *why; /* REFUSE, IGNORE: why */
} evl_step_t;

/* The step for event in state (static; a state or event outside the
 * enums refuses). */
const evl_step_t *evl_fsm_step(evl_state_t state, evl_event_t event);

/* True when the step may lead to state to. */
bool evl_fsm_allows(const evl_step_t *step, evl_state_t to);

/* Stored names ("" for EVL_ST_NONE, NULL outside the enum). */
const char *evl_state_name(evl_state_t state);
int evl_state_parse(const char *name, evl_state_t *out) CMN_MUST_CHECK;
const char *evl_event_name(evl_event_t event);
const char *evl_act_name(evl_act_t act);

/* True for the states of an open round waiting for an institution. */
bool evl_state_waiting(evl_state_t state);

#endif /* EVL_FSM_H */

/* fsm.c - the review case's transition table (see fsm.h). */
#include "rvw/fsm.h"

#include <stddef.h>
#include <string.h>

#define B(s)      (1u << (s))
#define DECIDED   (B(RVW_ST_ACCEPTED) | B(RVW_ST_INCOMPLETE))
#define ROUTED(x) (B(RVW_ST_PENDING) | (x)) /* waits, or review.auto */

static const char s_no_case[] = "no review case";
static const char s_no_decision[] = "nothing waits for a decision";
static const char s_decided[] =
    "the office decided on the earlier revision (the unit supplements, or "
    "files anew)";

/* A row for a state whose messages are all ignored but the filing's. */
#define S_QUIET(why)                                              \
    {                                                             \
        [RVW_EV_FILING] = {RVW_ACT_REPEAT, 0, "received before"}, \
        [RVW_EV_SUPPLEMENT] = {RVW_ACT_IGNORE, 0, why},           \
        [RVW_EV_INSIST] = {RVW_ACT_IGNORE, 0, why},               \
        [RVW_EV_PANEL_DECISION] = {RVW_ACT_IGNORE, 0, why},       \
        [RVW_EV_PANEL_ESCALATION] = {RVW_ACT_IGNORE, 0, why},     \
        [RVW_EV_DECIDE] = {RVW_ACT_REFUSE, 0, s_no_decision},     \
        [RVW_EV_REVISED] = {RVW_ACT_IGNORE, 0, why},              \
    }

static const rvw_step_t s_table[RVW_ST_COUNT][RVW_EV_COUNT] = {
    [RVW_ST_NONE] =
        {
            [RVW_EV_FILING] = {RVW_ACT_DECIDE,
                               ROUTED(DECIDED | B(RVW_ST_PANEL)), NULL},
            [RVW_EV_SUPPLEMENT] = {RVW_ACT_REFUSE, 0, s_no_case},
            [RVW_EV_INSIST] = {RVW_ACT_REFUSE, 0, s_no_case},
            [RVW_EV_PANEL_DECISION] = {RVW_ACT_REFUSE, 0, s_no_case},
            [RVW_EV_PANEL_ESCALATION] = {RVW_ACT_REFUSE, 0, s_no_case},
            [RVW_EV_DECIDE] = {RVW_ACT_REFUSE, 0, s_no_case},
            [RVW_EV_REVISED] = {RVW_ACT_REFUSE, 0, s_no_case},
        },
    [RVW_ST_PENDING] =
        {
            [RVW_EV_FILING] = {RVW_ACT_REPEAT, 0, "received before"},
            [RVW_EV_SUPPLEMENT] = {RVW_ACT_IGNORE, 0, "case is pending"},
            [RVW_EV_INSIST] = {RVW_ACT_IGNORE, 0, "case is pending"},
            [RVW_EV_PANEL_DECISION] = {RVW_ACT_IGNORE, 0, "case is pending"},
            [RVW_EV_PANEL_ESCALATION] = {RVW_ACT_IGNORE, 0, "case is pending"},
            [RVW_EV_DECIDE] = {RVW_ACT_JUDGE, DECIDED | B(RVW_ST_PANEL), NULL},
            [RVW_EV_REVISED] = {RVW_ACT_DECIDE,
                                ROUTED(DECIDED | B(RVW_ST_PANEL)), NULL},
        },
    [RVW_ST_ACCEPTED] = S_QUIET("case is accepted"),
    [RVW_ST_INCOMPLETE] =
        {
            [RVW_EV_FILING] = {RVW_ACT_REPEAT, 0, "received before"},
            [RVW_EV_SUPPLEMENT] = {RVW_ACT_SETTLE, ROUTED(DECIDED), NULL},
            [RVW_EV_INSIST] = {RVW_ACT_IGNORE, 0, "case is incomplete"},
            [RVW_EV_PANEL_DECISION] = {RVW_ACT_IGNORE, 0, "case is incomplete"},
            [RVW_EV_PANEL_ESCALATION] = {RVW_ACT_IGNORE, 0,
                                         "case is incomplete"},
            [RVW_EV_DECIDE] = {RVW_ACT_REFUSE, 0, s_no_decision},
            [RVW_EV_REVISED] = {RVW_ACT_IGNORE, 0, s_decided},
        },
    [RVW_ST_PANEL] =
        {
            [RVW_EV_FILING] = {RVW_ACT_REPEAT, 0, "received before"},
            [RVW_EV_SUPPLEMENT] = {RVW_ACT_IGNORE, 0, "case is panel"},
            [RVW_EV_INSIST] = {RVW_ACT_SETTLE, ROUTED(DECIDED), NULL},
            [RVW_EV_PANEL_DECISION] = {RVW_ACT_SETTLE,
                                       ROUTED(DECIDED | B(RVW_ST_CLOSED)),
                                       NULL},
            [RVW_EV_PANEL_ESCALATION] = {RVW_ACT_ESCALATE, B(RVW_ST_ESCALATED),
                                         NULL},
            [RVW_EV_DECIDE] = {RVW_ACT_REFUSE,
                               0, "the case is with the expert panel"},
            [RVW_EV_REVISED] = {RVW_ACT_IGNORE, 0, s_decided},
        },
    [RVW_ST_ESCALATED] =
        {
            [RVW_EV_FILING] = {RVW_ACT_REPEAT, 0, "received before"},
            [RVW_EV_SUPPLEMENT] = {RVW_ACT_IGNORE, 0, "case is escalated"},
            [RVW_EV_INSIST] = {RVW_ACT_SETTLE, ROUTED(DECIDED), NULL},
            [RVW_EV_PANEL_DECISION] = {RVW_ACT_SETTLE,
                                       ROUTED(DECIDED | B(RVW_ST_CLOSED)),
                                       NULL},
            [RVW_EV_PANEL_ESCALATION] = {RVW_ACT_IGNORE, 0,
                                         "case is escalated"},
            [RVW_EV_DECIDE] = {RVW_ACT_JUDGE, DECIDED, NULL},
            [RVW_EV_REVISED] = {RVW_ACT_IGNORE, 0, s_decided},
        },
    [RVW_ST_CLOSED] = S_QUIET("case is closed"),
};

static const char *const s_state_names[RVW_ST_COUNT] = {
    "", "pending", "accepted", "incomplete", "panel", "escalated", "closed"};

static const char *const s_event_names[RVW_EV_COUNT] = {
    "FilingReceived",  "MaterialsSupplemented", "UnitInsists",  "PanelDecision",
    "PanelEscalation", "ReviewDecideRequest",   "FilingRevised"};

static const char *const s_act_names[] = {
    "refuse", "repeat", "ignore", "decide", "settle", "escalate", "judge"};

const rvw_step_t *
rvw_fsm_step(rvw_state_t state, rvw_event_t event)
{
    static const rvw_step_t refuse = {RVW_ACT_REFUSE, 0, "unknown state"};
    if ((unsigned) state >= RVW_ST_COUNT || (unsigned) event >= RVW_EV_COUNT)
        return &refuse;
    return &s_table[state][event];
}

bool
rvw_fsm_allows(const rvw_step_t *step, rvw_state_t to)
{
    return (unsigned) to < RVW_ST_COUNT && (step->next & B(to)) != 0;
}

const char *
rvw_state_name(rvw_state_t state)
{
    return (unsigned) state < RVW_ST_COUNT ? s_state_names[state] : NULL;
}

int
rvw_state_parse(const char *name, rvw_state_t *out)
{
    for (int s = RVW_ST_NONE + 1; name != NULL && s < RVW_ST_COUNT; s++) {
        if (strcmp(name, s_state_names[s]) == 0) {
            *out = (rvw_state_t) s;
            return 0;
        }
    }
    return CMN_EINVAL;
}

const char *
rvw_event_name(rvw_event_t event)
{
    return (unsigned) event < RVW_EV_COUNT ? s_event_names[event] : NULL;
}

const char *
rvw_act_name(rvw_act_t act)
{
    return (unsigned) act <= RVW_ACT_JUDGE ? s_act_names[act] : NULL;
}

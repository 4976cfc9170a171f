/* fsm.c - the panel case's transition table (see fsm.h). */
#include "pnl/fsm.h"

#include <stddef.h>
#include <string.h>

#define B(s)  (1u << (s))
#define MOVED (B(PNL_ST_SCHEDULED) | B(PNL_ST_DECIDED) | B(PNL_ST_ESCALATED))

static const char s_closed[] = "it takes no more opinions";

static const pnl_step_t s_table[PNL_ST_COUNT][PNL_EV_COUNT] = {
    [PNL_ST_NONE] =
        {
            [PNL_EV_REFERRAL] = {PNL_ACT_PLACE,
                                 B(PNL_ST_SCHEDULED) | B(PNL_ST_ESCALATED),
                                 NULL},
            [PNL_EV_OPINION] = {PNL_ACT_REFUSE, 0, "no such case"},
            [PNL_EV_SESSION_OVER] = {PNL_ACT_REFUSE, 0, "no such case"},
            [PNL_EV_WITHDRAWAL] = {PNL_ACT_REFUSE, 0, "no panel case"},
        },
    [PNL_ST_SCHEDULED] =
        {
            [PNL_EV_REFERRAL] = {PNL_ACT_REPEAT, 0, "referred before"},
            [PNL_EV_OPINION] = {PNL_ACT_TALLY, MOVED, NULL},
            [PNL_EV_SESSION_OVER] = {PNL_ACT_TALLY, MOVED, NULL},
            [PNL_EV_WITHDRAWAL] = {PNL_ACT_WITHDRAW, B(PNL_ST_WITHDRAWN), NULL},
        },
    [PNL_ST_DECIDED] =
        {
            [PNL_EV_REFERRAL] = {PNL_ACT_REPEAT, 0, "referred before"},
            [PNL_EV_OPINION] = {PNL_ACT_REFUSE, 0, s_closed},
            [PNL_EV_SESSION_OVER] = {PNL_ACT_IGNORE, 0, "the case is decided"},
            [PNL_EV_WITHDRAWAL] = {PNL_ACT_IGNORE, 0, "the case is decided"},
        },
    [PNL_ST_ESCALATED] =
        {
            [PNL_EV_REFERRAL] = {PNL_ACT_REPEAT, 0, "referred before"},
            [PNL_EV_OPINION] = {PNL_ACT_REFUSE, 0, s_closed},
            [PNL_EV_SESSION_OVER] = {PNL_ACT_IGNORE, 0,
                                     "the case is escalated"},
            [PNL_EV_WITHDRAWAL] = {PNL_ACT_WITHDRAW, B(PNL_ST_WITHDRAWN), NULL},
        },
    [PNL_ST_WITHDRAWN] =
        {
            [PNL_EV_REFERRAL] = {PNL_ACT_REPEAT, 0, "referred before"},
            [PNL_EV_OPINION] = {PNL_ACT_REFUSE, 0, s_closed},
            [PNL_EV_SESSION_OVER] = {PNL_ACT_IGNORE, 0,
                                     "the case is withdrawn"},
            [PNL_EV_WITHDRAWAL] = {PNL_ACT_IGNORE, 0, "the case is withdrawn"},
        },
};

static const char *const s_state_names[PNL_ST_COUNT] = {
    "", "scheduled", "decided", "escalated", "withdrawn"};
static const char *const s_event_names[PNL_EV_COUNT] = {
    "PanelReferral", "OpinionRequest", "session over", "PanelWithdrawal"};
static const char *const s_act_names[] = {"refuse", "repeat", "ignore",
                                          "place",  "tally",  "withdraw"};

const pnl_step_t *
pnl_fsm_step(pnl_state_t state, pnl_event_t event)
{
    static const pnl_step_t refuse = {PNL_ACT_REFUSE, 0, "unknown state"};
    if ((unsigned) state >= PNL_ST_COUNT || (unsigned) event >= PNL_EV_COUNT)
        return &refuse;
    return &s_table[state][event];
}

bool
pnl_fsm_allows(const pnl_step_t *step, pnl_state_t to)
{
    return (unsigned) to < PNL_ST_COUNT && (step->next & B(to)) != 0;
}

const char *
pnl_state_name(pnl_state_t state)
{
    return (unsigned) state < PNL_ST_COUNT ? s_state_names[state] : NULL;
}

int
pnl_state_parse(const char *name, pnl_state_t *out)
{
    for (int s = PNL_ST_NONE + 1; name != NULL && s < PNL_ST_COUNT; s++) {
        if (strcmp(name, s_state_names[s]) == 0) {
            *out = (pnl_state_t) s;
            return 0;
        }
    }
    return CMN_EINVAL;
}

const char *
pnl_event_name(pnl_event_t event)
{
    return (unsigned) event < PNL_EV_COUNT ? s_event_names[event] : NULL;
}

const char *
pnl_act_name(pnl_act_t act)
{
    return (unsigned) act <= PNL_ACT_WITHDRAW ? s_act_names[act] : NULL;
}

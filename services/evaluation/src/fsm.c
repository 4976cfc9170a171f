/* fsm.c - the evaluation's transition table (see fsm.h). */
#include "evl/fsm.h"

#include <stddef.h>
#include <string.h>

#define B(s) (1u << (s))
#define WAIT (B(EVL_ST_CHOOSING) | B(EVL_ST_PROPOSED) | B(EVL_ST_ESCALATED))
#define R(why)                 \
    {                          \
        EVL_ACT_REFUSE, 0, why \
    }
#define I(why)                 \
    {                          \
        EVL_ACT_IGNORE, 0, why \
    }

static const char s_none[] = "no such case";
static const char s_unengaged[] = "no institution is engaged yet";
static const char s_no_rect[] = "no rectification is open";
static const char s_no_plan[] = "no rectification plan waits for review";
static const char s_engaged[] = "an institution is engaged already";
static const char s_rect_first[] =
    "rectification comes first: the unit's plan, its review, then a "
    "re-evaluation";
static const char s_reported[] = "the report of this round is in";
static const char s_open[] = "a round is open already";
static const char s_offices[] =
    "level 3 and above: the municipal office assigns the institution";

/* The rows every state after a report shares but for their own moves. */
#define AFTER_REPORT(flag)                                                \
    [EVL_EV_CHOOSE] = R(s_rect_first), [EVL_EV_ASSIGN] = R(s_rect_first), \
    [EVL_EV_REPORT] = R(s_reported), [EVL_EV_DUE] = I(s_open),            \
    [EVL_EV_OVERDUE] = {EVL_ACT_FLAG, B(flag), NULL},                     \
    [EVL_EV_REPROPOSE] = I("no round waits for an institution"),          \
    [EVL_EV_ACCEPTED] = {EVL_ACT_RELEVEL, B(flag), NULL}

static const evl_step_t s_table[EVL_ST_COUNT][EVL_EV_COUNT] = {
    [EVL_ST_NONE] =
        {
            [EVL_EV_ACCEPTED] = {EVL_ACT_START, WAIT, NULL},
            [EVL_EV_CHOOSE] = R(s_none),
            [EVL_EV_ASSIGN] = R(s_none),
            [EVL_EV_REPORT] = R(s_none),
            [EVL_EV_PLAN] = R(s_none),
            [EVL_EV_REVIEW] = R(s_none),
            [EVL_EV_COMPLETE] = R(s_none),
            [EVL_EV_DUE] = R(s_none),
            [EVL_EV_OVERDUE] = R(s_none),
            [EVL_EV_REPROPOSE] = R(s_none),
        },
    [EVL_ST_CHOOSING] =
        {
            [EVL_EV_ACCEPTED] = {EVL_ACT_START, WAIT, NULL},
            [EVL_EV_CHOOSE] = {EVL_ACT_ENGAGE, B(EVL_ST_ASSIGNED), NULL},
            [EVL_EV_ASSIGN] = R("level 2: the unit chooses its institution"),
            [EVL_EV_REPORT] = R(s_unengaged),
            [EVL_EV_PLAN] = R(s_no_rect),
            [EVL_EV_REVIEW] = R(s_no_plan),
            [EVL_EV_COMPLETE] = R(s_no_rect),
            [EVL_EV_DUE] = I(s_open),
            [EVL_EV_OVERDUE] = {EVL_ACT_FLAG, B(EVL_ST_CHOOSING), NULL},
            [EVL_EV_REPROPOSE] = I("level 2: the unit chooses"),
        },
    [EVL_ST_PROPOSED] =
        {
            [EVL_EV_ACCEPTED] = {EVL_ACT_START, WAIT, NULL},
            [EVL_EV_CHOOSE] = R(s_offices),
            [EVL_EV_ASSIGN] = {EVL_ACT_ENGAGE, B(EVL_ST_ASSIGNED), NULL},
            [EVL_EV_REPORT] = R(s_unengaged),
            [EVL_EV_PLAN] = R(s_no_rect),
            [EVL_EV_REVIEW] = R(s_no_plan),
            [EVL_EV_COMPLETE] = R(s_no_rect),
            [EVL_EV_DUE] = I(s_open),
            [EVL_EV_OVERDUE] = {EVL_ACT_FLAG, B(EVL_ST_PROPOSED), NULL},
            [EVL_EV_REPROPOSE] = {EVL_ACT_PROPOSE,
                                  B(EVL_ST_PROPOSED) | B(EVL_ST_ESCALATED),
                                  NULL},
        },
    [EVL_ST_ESCALATED] =
        {
            [EVL_EV_ACCEPTED] = {EVL_ACT_START, WAIT, NULL},
            [EVL_EV_CHOOSE] = R(s_offices),
            [EVL_EV_ASSIGN] = {EVL_ACT_ENGAGE, B(EVL_ST_ASSIGNED), NULL},
            [EVL_EV_REPORT] = R(s_unengaged),
            [EVL_EV_PLAN] = R(s_no_rect),
            [EVL_EV_REVIEW] = R(s_no_plan),
            [EVL_EV_COMPLETE] = R(s_no_rect),
            [EVL_EV_DUE] = I(s_open),
            [EVL_EV_OVERDUE] = {EVL_ACT_FLAG, B(EVL_ST_ESCALATED), NULL},
            [EVL_EV_REPROPOSE] = {EVL_ACT_PROPOSE,
                                  B(EVL_ST_PROPOSED) | B(EVL_ST_ESCALATED),
                                  NULL},
        },
    [EVL_ST_ASSIGNED] =
        {
            [EVL_EV_ACCEPTED] = {EVL_ACT_RELEVEL, B(EVL_ST_ASSIGNED), NULL},
            [EVL_EV_CHOOSE] = R(s_engaged),
            [EVL_EV_ASSIGN] = R(s_engaged),
            [EVL_EV_REPORT] = {EVL_ACT_CONCLUDE,
                               B(EVL_ST_EVALUATED) | B(EVL_ST_RECTIFICATION),
                               NULL},
            [EVL_EV_PLAN] = R(s_no_rect),
            [EVL_EV_REVIEW] = R(s_no_plan),
            [EVL_EV_COMPLETE] = R(s_no_rect),
            [EVL_EV_DUE] = I(s_open),
            [EVL_EV_OVERDUE] = {EVL_ACT_FLAG, B(EVL_ST_ASSIGNED), NULL},
            [EVL_EV_REPROPOSE] = I("an institution is engaged"),
        },
    [EVL_ST_EVALUATED] =
        {
            [EVL_EV_ACCEPTED] = {EVL_ACT_RELEVEL, B(EVL_ST_EVALUATED), NULL},
            [EVL_EV_CHOOSE] = R("the next evaluation is not due yet"),
            [EVL_EV_ASSIGN] = R("the next evaluation is not due yet"),
            [EVL_EV_REPORT] = R(s_reported),
            [EVL_EV_PLAN] = R("the verdict is not poor: nothing to rectify"),
            [EVL_EV_REVIEW] = R(s_no_plan),
            [EVL_EV_COMPLETE] = R(s_no_rect),
            [EVL_EV_DUE] = {EVL_ACT_START, WAIT, NULL},
            [EVL_EV_OVERDUE] = I("a round opens when it is due"),
            [EVL_EV_REPROPOSE] = I("no round waits for an institution"),
        },
    [EVL_ST_RECTIFICATION] =
        {
            AFTER_REPORT(EVL_ST_RECTIFICATION),
            [EVL_EV_PLAN] = {EVL_ACT_PLAN,
                             B(EVL_ST_PLAN_REVIEW) | B(EVL_ST_RECTIFYING),
                             NULL},
            [EVL_EV_REVIEW] = R(s_no_plan),
            [EVL_EV_COMPLETE] = R("the unit's rectification plan comes first"),
        },
    [EVL_ST_PLAN_REVIEW] =
        {
            AFTER_REPORT(EVL_ST_PLAN_REVIEW),
            [EVL_EV_PLAN] = R("a plan waits for the panel's review"),
            [EVL_EV_REVIEW] = {EVL_ACT_REVIEW,
                               B(EVL_ST_RECTIFYING) | B(EVL_ST_RECTIFICATION),
                               NULL},
            [EVL_EV_COMPLETE] = R("the panel reviews the plan first"),
        },
    [EVL_ST_RECTIFYING] =
        {
            AFTER_REPORT(EVL_ST_RECTIFYING),
            [EVL_EV_PLAN] = R("the plan stands: the unit carries it out"),
            [EVL_EV_REVIEW] = R("the plan was reviewed already"),
            [EVL_EV_COMPLETE] = {EVL_ACT_START, WAIT, NULL},
        },
};

static const char *const s_state_names[EVL_ST_COUNT] = {
    "",          "choosing",      "proposed",    "escalated", "assigned",
    "evaluated", "rectification", "plan_review", "rectifying"};
static const char *const s_event_names[EVL_EV_COUNT] = {
    "CaseAccepted", "choice",     "assignment", "report",  "plan",
    "plan review",  "completion", "due",        "overdue", "proposal again"};
static const char *const s_act_names[] = {
    "refuse",   "ignore", "start",  "relevel", "engage",
    "conclude", "plan",   "review", "flag",    "propose"};

const evl_step_t *
evl_fsm_step(evl_state_t state, evl_event_t event)
{
    static const evl_step_t refuse = {EVL_ACT_REFUSE, 0, "unknown state"};
    if ((unsigned) state >= EVL_ST_COUNT || (unsigned) event >= EVL_EV_COUNT)
        return &refuse;
    return &s_table[state][event];
}

bool
evl_fsm_allows(const evl_step_t *step, evl_state_t to)
{
    return (unsigned) to < EVL_ST_COUNT && (step->next & B(to)) != 0;
}

const char *
evl_state_name(evl_state_t state)
{
    return (unsigned) state < EVL_ST_COUNT ? s_state_names[state] : NULL;
}

int
evl_state_parse(const char *name, evl_state_t *out)
{
    for (int s = EVL_ST_NONE + 1; name != NULL && s < EVL_ST_COUNT; s++) {
        if (strcmp(name, s_state_names[s]) == 0) {
            *out = (evl_state_t) s;
            return 0;
        }
    }
    return CMN_EINVAL;
}

const char *
evl_event_name(evl_event_t event)
{
    return (unsigned) event < EVL_EV_COUNT ? s_event_names[event] : NULL;
}

const char *
evl_act_name(evl_act_t act)
{
    return (unsigned) act <= EVL_ACT_PROPOSE ? s_act_names[act] : NULL;
}

bool
evl_state_waiting(evl_state_t state)
{
    return (unsigned) state < EVL_ST_COUNT && (WAIT & B(state)) != 0;
}

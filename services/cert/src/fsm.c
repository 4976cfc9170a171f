/* fsm.c - the certificate case's transition table (see fsm.h). */
#include "crt/fsm.h"

#include <stddef.h>
#include <string.h>

#define B(s)    (1u << (s))
#define SETTLED (B(CRT_ST_WAITING) | B(CRT_ST_ISSUING))

static const char s_no_case[] = "no certificate case";
static const char s_busy[] = "a certificate is being issued";

static const crt_step_t s_table[CRT_ST_COUNT][CRT_EV_COUNT] =
    {
        [CRT_ST_NONE] =
            {
                [CRT_EV_ACCEPTED] = {CRT_ACT_DECIDE, SETTLED, NULL},
                [CRT_EV_EVALUATED] = {CRT_ACT_RECORD, 0,
                                      "no accepted case yet: kept for when it "
                                      "comes"},
                [CRT_EV_STORED] = {CRT_ACT_REFUSE, 0, s_no_case},
                [CRT_EV_REVOKE] = {CRT_ACT_REFUSE, 0, s_no_case},
                [CRT_EV_REISSUE] = {CRT_ACT_REFUSE, 0, s_no_case},
            },
        [CRT_ST_WAITING] =
            {
                [CRT_EV_ACCEPTED] = {CRT_ACT_DECIDE, SETTLED, NULL},
                [CRT_EV_EVALUATED] = {CRT_ACT_DECIDE, SETTLED, NULL},
                [CRT_EV_STORED] = {CRT_ACT_REFUSE, 0, "no number is allocated"},
                [CRT_EV_REVOKE] = {CRT_ACT_REFUSE, 0,
                                   "the case has no valid certificate"},
                [CRT_EV_REISSUE] = {CRT_ACT_REFUSE, 0,
                                    "the case waits for an evaluation"},
            },
        [CRT_ST_ISSUING] =
            {
                [CRT_EV_ACCEPTED] = {CRT_ACT_RETRY, 0, s_busy},
                [CRT_EV_EVALUATED] = {CRT_ACT_RECORD, 0, s_busy},
                [CRT_EV_STORED] = {CRT_ACT_STORE, B(CRT_ST_ISSUED), NULL},
                [CRT_EV_REVOKE] = {CRT_ACT_REFUSE, 0, s_busy},
                [CRT_EV_REISSUE] = {CRT_ACT_REFUSE, 0, s_busy},
            },
        [CRT_ST_ISSUED] =
            {
                [CRT_EV_ACCEPTED] = {CRT_ACT_DECIDE, SETTLED | B(CRT_ST_ISSUED),
                                     NULL},
                [CRT_EV_EVALUATED] = {CRT_ACT_RECORD, 0,
                                      "the certificate stands (a later report "
                                      "does not change it)"},
                [CRT_EV_STORED] = {CRT_ACT_REPEAT, 0, "stored before"},
                [CRT_EV_REVOKE] = {CRT_ACT_REVOKE, B(CRT_ST_REVOKED), NULL},
                [CRT_EV_REISSUE] = {CRT_ACT_REISSUE, SETTLED, NULL},
            },
        [CRT_ST_REVOKED] =
            {
                [CRT_EV_ACCEPTED] = {CRT_ACT_DECIDE, SETTLED, NULL},
                [CRT_EV_EVALUATED] = {CRT_ACT_RECORD, 0,
                                      "the certificate is revoked"},
                [CRT_EV_STORED] = {CRT_ACT_REPEAT, 0, "stored before"},
                [CRT_EV_REVOKE] = {CRT_ACT_REPEAT, 0, "revoked before"},
                [CRT_EV_REISSUE] = {CRT_ACT_REFUSE, 0,
                                    "the certificate is revoked: a new "
                                    "acceptance issues a new one"},
            },
};

static const char *const s_state_names[CRT_ST_COUNT] = {
    "", "waiting", "issuing", "issued", "revoked"};
static const char *const s_event_names[CRT_EV_COUNT] = {
    "CaseAccepted", "EvaluationConcluded", "stored", "revoke", "reissue"};
static const char *const s_act_names[] = {"refuse", "repeat", "record",
                                          "retry",  "decide", "store",
                                          "revoke", "reissue"};

const crt_step_t *
crt_fsm_step(crt_state_t state, crt_event_t event)
{
    static const crt_step_t refuse = {CRT_ACT_REFUSE, 0, "unknown state"};
    if ((unsigned) state >= CRT_ST_COUNT || (unsigned) event >= CRT_EV_COUNT)
        return &refuse;
    return &s_table[state][event];
}

bool
crt_fsm_allows(const crt_step_t *step, crt_state_t to)
{
    return (unsigned) to < CRT_ST_COUNT && (step->next & B(to)) != 0;
}

const char *
crt_state_name(crt_state_t state)
{
    return (unsigned) state < CRT_ST_COUNT ? s_state_names[state] : NULL;
}

int
crt_state_parse(const char *name, crt_state_t *out)
{
    for (int s = CRT_ST_NONE + 1; name != NULL && s < CRT_ST_COUNT; s++) {
        if (strcmp(name, s_state_names[s]) == 0) {
            *out = (crt_state_t) s;
            return 0;
        }
    }
    return CMN_EINVAL;
}

const char *
crt_event_name(crt_event_t event)
{
    return (unsigned) event < CRT_EV_COUNT ? s_event_names[event] : NULL;
}

const char *
crt_act_name(crt_act_t act)
{
    return (unsigned) act <= CRT_ACT_REISSUE ? s_act_names[act] : NULL;
}

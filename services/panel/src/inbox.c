/* inbox.c - the panel's durable message handlers (review's referrals and
 * withdrawals), each in the inbox's transaction, after the checks that
 * name a bad field. */
#include "cmn/log.h"
#include "cmn/text.h"
#include "dom/codes.h"
#include "mlps/v1/workflow.pb-c.h"
#include "pnl/flow.h"
#include "pnl/panel.h"
#include "pnl/store.h"

#include <stdio.h>
#include <string.h>

#define S_NAME_MAX   400  /* bytes in a unit or system name */
#define S_REASON_MAX 4000 /* bytes in a reason */

/* A refusal naming the field: CMN_EREJECT with why. */
static int
s_reject(char *why, size_t whylen, const char *field, const char *problem)
{
    snprintf(why, whylen, "field \"%s\": %s", field, problem);
    return CMN_EREJECT;
}

/* Refuses text that cmn_text_check() does not accept. */
static int
s_text(const char *s, size_t max, unsigned flags, const char *field, char *why,
       size_t whylen)
{
    char problem[96];
    if (cmn_text_check(s, max, flags, problem, sizeof problem) == 0)
        return 0;
    return s_reject(why, whylen, field, problem);
}

static int
s_check_tracking(const cmn_env_msg_t *m, const char *tracking, char *why,
                 size_t whylen)
{
    int err = s_text(tracking, PNL_TRACKING_MAX, CMN_TEXT_REQUIRED,
                     "tracking_id", why, whylen);
    if (err != 0)
        return err;
    if (strcmp(tracking, m->env->correlation_id) != 0)
        return s_reject(why, whylen, "tracking_id",
                        "differs from the envelope's correlation id");
    return 0;
}

static int
s_check_referral(const cmn_env_msg_t *m, const Mlps__V1__PanelReferral *r,
                 pnl_referral_t *ref, char *why, size_t whylen)
{
    int err = s_check_tracking(m, r->tracking_id, why, whylen);
    if (err == 0)
        err = s_text(r->unit_credit_code, PNL_CODE_MAX, CMN_TEXT_REQUIRED,
                     "unit_credit_code", why, whylen);
    if (err == 0)
        err = s_text(r->unit_name, S_NAME_MAX, 0, "unit_name", why, whylen);
    if (err == 0)
        err = s_text(r->system_name, S_NAME_MAX, 0, "system_name", why, whylen);
    if (err == 0)
        err = s_text(r->reason, S_REASON_MAX, CMN_TEXT_MULTILINE, "reason", why,
                     whylen);
    if (err == 0 && r->unit_region_code[0] != '\0' &&
        !dom_region_code_valid(r->unit_region_code))
        err = s_reject(why, whylen, "unit_region_code",
                       "must be a GB/T 2260 division code");
    if (err != 0)
        return err;
    if (r->proposed_level < DOM_LEVEL_MIN || r->proposed_level > DOM_LEVEL_MAX)
        return s_reject(why, whylen, "proposed_level",
                        "must be a level from 1 to 5");
    if (r->computed_level > DOM_LEVEL_MAX)
        return s_reject(why, whylen, "computed_level",
                        "must be a level from 1 to 5 (or 0: none)");
    *ref = (pnl_referral_t){.tracking_id = r->tracking_id,
                            .unit_name = r->unit_name,
                            .unit_credit_code = r->unit_credit_code,
                            .system_name = r->system_name,
                            .reason = r->reason,
                            .region_code = r->unit_region_code,
                            .proposed_level = (int) r->proposed_level,
                            .computed_level = (int) r->computed_level};
    if (dom_date_parse(r->referred_on, &ref->referred_on) != 0 ||
        ref->referred_on == DOM_DATE_MAX)
        return s_reject(why, whylen, "referred_on",
                        "must be a date YYYY-MM-DD");
    return 0;
}

static int
s_on_referral(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
              size_t whylen)
{
    const pnl_t *self = arg;
    const Mlps__V1__PanelReferral *r =
        (const Mlps__V1__PanelReferral *) m->payload;
    pnl_referral_t ref;
    pnl_case_row_t k = {0};
    bool found = false;
    int err = s_check_referral(m, r, &ref, why, whylen);
    if (err == 0)
        err = pnl_store_lock(c);
    if (err == 0)
        err = pnl_store_case_load(c, r->tracking_id, true, &k, &found);
    const pnl_step_t *step =
        pnl_fsm_step(found ? k.state : PNL_ST_NONE, PNL_EV_REFERRAL);
    if (err != 0 || step->act == PNL_ACT_REPEAT) {
        if (err == 0) /* referred before: nothing changes */
            cmn_log_info("case %s: referred again; it stays %s", k.tracking_id,
                         pnl_state_name(k.state));
        pnl_store_case_release(&k);
        return err;
    }
    err = pnl_store_case_insert(c, &ref, &k);
    if (err == 0)
        err = pnl_flow_place(c, self, &k, ref.referred_on, "panel.scheduled",
                             NULL, NULL, 0);
    if (err == 0 && !pnl_fsm_allows(step, k.state))
        err = CMN_EINVAL; /* an invariant: placement leads where it may */
    if (err == CMN_EINVAL)
        err = s_reject(why, whylen, "unit_credit_code",
                       "the case could not be placed (see the panel's log)");
    pnl_store_case_release(&k);
    return err;
}

static int
s_on_withdrawal(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
                size_t whylen)
{
    const pnl_t *self = arg;
    const Mlps__V1__PanelWithdrawal *w =
        (const Mlps__V1__PanelWithdrawal *) m->payload;
    pnl_case_row_t k = {0};
    bool found = false, changed = false;
    int err = s_check_tracking(m, w->tracking_id, why, whylen);
    if (err == 0)
        err = s_text(w->reason, S_REASON_MAX, CMN_TEXT_MULTILINE, "reason", why,
                     whylen);
    if (err == 0)
        err = pnl_store_lock(c);
    if (err == 0)
        err = pnl_store_case_load(c, w->tracking_id, true, &k, &found);
    if (err == 0 && !found) {
        snprintf(why, whylen, "field \"tracking_id\": no panel case \"%s\"",
                 w->tracking_id);
        err = CMN_EREJECT;
    }
    if (err == 0)
        err = pnl_flow_withdraw(c, self, &k, k.unit_credit_code,
                                w->reason[0] ? w->reason : "no reason given",
                                &changed);
    if (err == 0 && !changed)
        cmn_log_info("case %s: withdrawal ignored: %s", k.tracking_id,
                     pnl_fsm_step(k.state, PNL_EV_WITHDRAWAL)->why);
    pnl_store_case_release(&k);
    return err;
}

/* Who may send what: referrals and withdrawals come from review only. */
const cmn_inbox_handler_t pnl_inbox_handlers[] = {
    {"mlps.v1.PanelReferral", &mlps__v1__panel_referral__descriptor,
     s_on_referral, "service:review", NULL},
    {"mlps.v1.PanelWithdrawal", &mlps__v1__panel_withdrawal__descriptor,
     s_on_withdrawal, "service:review", NULL},
};

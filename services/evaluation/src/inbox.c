/* inbox.c - the evaluation's durable handler: review's CaseAccepted, in
 * the inbox's transaction, after the checks that name a bad field. */
#include "cmn/log.h"
#include "cmn/text.h"
#include "dom/codes.h"
#include "dom/level.h"
#include "evl/evaluation.h"
#include "evl/flow.h"
#include "evl/store.h"
#include "mlps/v1/workflow.pb-c.h"

#include <stdio.h>
#include <string.h>

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

static bool
s_hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (; *s != '\0'; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

static bool
s_digits6(const char *s)
{
    if (strlen(s) != 6)
        return false;
    for (; *s != '\0'; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* The fields of a CaseAccepted, checked; the first bad one is named. */
static int
s_check(const cmn_env_msg_t *m, const Mlps__V1__CaseAccepted *a, dom_date_t *on,
        char *why, size_t whylen)
{
    int err = s_text(a->tracking_id, EVL_TRACKING_MAX, CMN_TEXT_REQUIRED,
                     "tracking_id", why, whylen);
    if (err == 0 && strcmp(a->tracking_id, m->env->correlation_id) != 0)
        err = s_reject(why, whylen, "tracking_id",
                       "differs from the envelope's correlation id");
    if (err == 0)
        err = s_text(a->unit_name, EVL_NAME_MAX, CMN_TEXT_REQUIRED, "unit_name",
                     why, whylen);
    if (err == 0)
        err = s_text(a->system_name, EVL_NAME_MAX, CMN_TEXT_REQUIRED,
                     "system_name", why, whylen);
    if (err == 0)
        err = s_text(a->decided_by, 200, 0, "decided_by", why, whylen);
    if (err != 0)
        return err;
    if (!dom_credit_code_valid(a->unit_credit_code))
        return s_reject(why, whylen, "unit_credit_code",
                        "must be a unified social credit code (GB 32100)");
    if (!dom_region_code_valid(a->region_code))
        return s_reject(why, whylen, "region_code",
                        "must be a GB/T 2260 division code");
    if (a->district[0] != '\0' && !s_digits6(a->district))
        return s_reject(why, whylen, "district",
                        "must be an office's 6-digit code");
    if (!dom_level_filed((int) a->level))
        return s_reject(why, whylen, "level",
                        "must be a filed level from 2 to 5");
    if (dom_date_parse(a->accepted_on, on) != 0)
        return s_reject(why, whylen, "accepted_on",
                        "must be a date YYYY-MM-DD");
    if (a->unit_secret_sha256[0] != '\0' && !s_hex64(a->unit_secret_sha256))
        return s_reject(why, whylen, "unit_secret_sha256",
                        "must be 64 lower-case hex characters");
    return 0;
}

/* What CaseAccepted says of the system, into k. */
static void
s_fill(evl_sys_t *k, const Mlps__V1__CaseAccepted *a, dom_date_t on)
{
    snprintf(k->tracking_id, sizeof k->tracking_id, "%s", a->tracking_id);
    snprintf(k->district, sizeof k->district, "%s", a->district);
    snprintf(k->unit_name, sizeof k->unit_name, "%s", a->unit_name);
    snprintf(k->unit_credit_code, sizeof k->unit_credit_code, "%s",
             a->unit_credit_code);
    snprintf(k->region_code, sizeof k->region_code, "%s", a->region_code);
    snprintf(k->system_name, sizeof k->system_name, "%s", a->system_name);
    snprintf(k->unit_secret_sha256, sizeof k->unit_secret_sha256, "%s",
             a->unit_secret_sha256);
    k->level = (int) a->level;
    k->accepted_on = on;
}

static int
s_on_accepted(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
              size_t whylen)
{
    const evl_t *self = arg;
    const Mlps__V1__CaseAccepted *a =
        (const Mlps__V1__CaseAccepted *) m->payload;
    static const evl_sys_t empty;
    evl_sys_t k = empty;
    dom_date_t on, today = cmn_svc_today(&self->conf.base);
    bool found = false;
    char note[300] = "", cause[64];
    int err = s_check(m, a, &on, why, whylen);
    if (err == 0)
        err = evl_store_sys_load(c, a->tracking_id, true, &k, &found);
    if (err != 0)
        return err;
    int old_level = k.level;
    s_fill(&k, a, on);
    if (found) {
        err =
            evl_flow_relevel(c, self, &k, old_level, today, note, sizeof note);
    } else {
        k.state = EVL_ST_NONE;
        k.round = 1;
        k.engaged_on = k.report_date = k.next_due = DOM_DATE_NEVER;
        snprintf(cause, sizeof cause, "accepted at level %d", k.level);
        k.state = EVL_ST_CHOOSING; /* stored as such until the start */
        err = evl_store_sys_insert(c, &k);
        k.state = EVL_ST_NONE;
        if (err == 0)
            err = evl_flow_start(c, self, &k, EVL_EV_ACCEPTED, today, cause,
                                 note, sizeof note);
    }
    if (err == CMN_EINVAL)
        return s_reject(why, whylen, "tracking_id",
                        "the system could not be registered (see the "
                        "evaluation service's log)");
    if (err == 0)
        cmn_log_info("system %s: %s", k.tracking_id, note);
    return err;
}

/* Who may send what: accepted cases come from review only. */
const cmn_inbox_handler_t evl_inbox_handlers[] = {
    {"mlps.v1.CaseAccepted", &mlps__v1__case_accepted__descriptor,
     s_on_accepted, "service:review", NULL},
};

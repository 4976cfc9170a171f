/* panel.c - the panel service: options, inbox handlers, API, the watch
 * over sessions that are over, and start-up (experts file). */
#include "pnl/panel.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "mlps/v1/api.pb-c.h"
#include "mlps/v1/workflow.pb-c.h"
#include "pnl/flow.h"
#include "pnl/roster.h"
#include "pnl/store.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_NAME_MAX    400  /* bytes in a unit or system name */
#define S_REASON_MAX  4000 /* bytes in a reason */
#define S_API_RETRIES 3    /* transactions tried on a deadlock */

const cmn_cfg_opt_t pnl_options[] = {
    CMN_SVC_OPTIONS(pnl_conf_t, base),
    {"panel.experts", CMN_CFG_STR, NULL, 0, 0, offsetof(pnl_conf_t, experts),
     "experts file (JSON), loaded at start"},
    {"panel.weekday", CMN_CFG_STR, "thursday", 0, 0,
     offsetof(pnl_conf_t, weekday), "day of the week the panel meets"},
    {"panel.capacity", CMN_CFG_INT, "5", 1, 1000,
     offsetof(pnl_conf_t, capacity), "cases per session"},
    {"panel.quorum", CMN_CFG_INT, "3", 1, 15, offsetof(pnl_conf_t, quorum),
     "experts seated per case (odd)"},
    {"panel.horizon", CMN_CFG_INT, "8", 1, 520, offsetof(pnl_conf_t, horizon),
     "sessions an escalation looks ahead for one that would do"},
    {"panel.expert-max-cases", CMN_CFG_INT, "0", 0, 1000,
     offsetof(pnl_conf_t, max_cases), "cases per expert per session (0: any)"},
    {"panel.grace-days", CMN_CFG_INT, "2", 0, 60,
     offsetof(pnl_conf_t, grace_days),
     "days after a session its opinions are still taken"},
    {"panel.watch-ms", CMN_CFG_INT, "60000", 100, 86400000,
     offsetof(pnl_conf_t, watch_ms), "how often to look for sessions over"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

int
pnl_weekday_parse(const char *text, int *out)
{
    static const char *const names[] = {"monday",   "tuesday", "wednesday",
                                        "thursday", "friday",  "saturday",
                                        "sunday"};
    for (int i = 0; text != NULL && i < 7; i++) {
        size_t n = strlen(names[i]), k = 0;
        while (k < n && text[k] != '\0' &&
               (text[k] | 0x20) == names[i][k]) /* ASCII lower case */
            k++;
        if (k == n && text[k] == '\0') {
            *out = PNL_MONDAY + i;
            return 0;
        }
    }
    return CMN_EINVAL;
}

/* --- checks on what arrives ------------------------------------------- */

/* NULL if s is acceptable text, else the problem. Newlines and tabs are
 * allowed only where multiline is set. */
static const char *
s_text_problem(const char *s, size_t max, bool required, bool multiline)
{
    size_t n = strlen(s);
    bool blank = true;
    if (n > max)
        return "is too long";
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char) s[i];
        bool space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
        if ((ch < 0x20 || ch == 0x7f) && !(multiline && space))
            return "must not contain control characters";
        blank = blank && space;
    }
    return required && blank ? "is required" : NULL;
}

static int
s_reject(char *why, size_t whylen, const char *field, const char *problem)
{
    snprintf(why, whylen, "field \"%s\": %s", field, problem);
    return CMN_EREJECT;
}

static int
s_check_tracking(const cmn_env_msg_t *m, const char *tracking, char *why,
                 size_t whylen)
{
    const char *p = s_text_problem(tracking, PNL_TRACKING_MAX, true, false);
    if (p != NULL)
        return s_reject(why, whylen, "tracking_id", p);
    if (strcmp(tracking, m->env->correlation_id) != 0)
        return s_reject(why, whylen, "tracking_id",
                        "differs from the envelope's correlation id");
    return 0;
}

static int
s_check_referral(const cmn_env_msg_t *m, const Mlps__V1__PanelReferral *r,
                 pnl_referral_t *ref, char *why, size_t whylen)
{
    const char *p;
    int err = s_check_tracking(m, r->tracking_id, why, whylen);
    if (err != 0)
        return err;
    if ((p = s_text_problem(r->unit_credit_code, PNL_CODE_MAX, true, false)) !=
        NULL)
        return s_reject(why, whylen, "unit_credit_code", p);
    if ((p = s_text_problem(r->unit_name, S_NAME_MAX, false, false)) != NULL)
        return s_reject(why, whylen, "unit_name", p);
    if ((p = s_text_problem(r->system_name, S_NAME_MAX, false, false)) != NULL)
        return s_reject(why, whylen, "system_name", p);
    if ((p = s_text_problem(r->reason, S_REASON_MAX, false, true)) != NULL)
        return s_reject(why, whylen, "reason", p);
    if (r->proposed_level < PNL_LEVEL_MIN || r->proposed_level > PNL_LEVEL_MAX)
        return s_reject(why, whylen, "proposed_level",
                        "must be a level from 1 to 5");
    if (r->computed_level > PNL_LEVEL_MAX)
        return s_reject(why, whylen, "computed_level",
                        "must be a level from 1 to 5 (or 0: none)");
    *ref = (pnl_referral_t){.tracking_id = r->tracking_id,
                            .unit_name = r->unit_name,
                            .unit_credit_code = r->unit_credit_code,
                            .system_name = r->system_name,
                            .reason = r->reason,
                            .proposed_level = (int) r->proposed_level,
                            .computed_level = (int) r->computed_level};
    if (pnl_date_parse(r->referred_on, &ref->referred_on) != 0 ||
        ref->referred_on == PNL_DATE_MAX)
        return s_reject(why, whylen, "referred_on",
                        "must be a date YYYY-MM-DD");
    return 0;
}

/* --- inbox handlers -------------------------------------------------- */

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
    if (err != 0 || found) {
        if (found) /* referred before: nothing changes */
            cmn_log_info("case %s: referred again; it stays %s", k.tracking_id,
                         k.state);
        pnl_store_case_release(&k);
        return err;
    }
    err = pnl_store_case_insert(c, &ref, &k);
    if (err == 0)
        err = pnl_flow_place(c, self, &k, ref.referred_on, "panel.scheduled",
                             NULL, NULL, 0);
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
    const char *p = s_text_problem(w->reason, S_REASON_MAX, false, true);
    int err = s_check_tracking(m, w->tracking_id, why, whylen);
    if (err == 0 && p != NULL)
        err = s_reject(why, whylen, "reason", p);
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
        cmn_log_info("case %s: withdrawal ignored, the case is %s",
                     k.tracking_id, k.state);
    pnl_store_case_release(&k);
    return err;
}

static const cmn_inbox_handler_t s_handlers[] = {
    {"mlps.v1.PanelReferral", &mlps__v1__panel_referral__descriptor,
     s_on_referral},
    {"mlps.v1.PanelWithdrawal", &mlps__v1__panel_withdrawal__descriptor,
     s_on_withdrawal},
};

/* --- API: replies ------------------------------------------------------ */

#define S_ERRORS_MAX 4

typedef struct {
    Mlps__V1__FieldError items[S_ERRORS_MAX];
    Mlps__V1__FieldError *ptrs[S_ERRORS_MAX];
    char reason[S_ERRORS_MAX][160];
    size_t n;
} s_errors_t;

static void s_field(s_errors_t *e, const char *field, const char *fmt, ...)
    CMN_PRINTF(3, 4);

static void
s_field(s_errors_t *e, const char *field, const char *fmt, ...)
{
    if (e->n == S_ERRORS_MAX)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->reason[e->n], sizeof e->reason[e->n], fmt, ap);
    va_end(ap);
    mlps__v1__field_error__init(&e->items[e->n]);
    e->items[e->n].field = (char *) field;
    e->items[e->n].reason = e->reason[e->n];
    e->ptrs[e->n] = &e->items[e->n];
    e->n++;
}

static int
s_action(cmn_api_reply_t *out, const char *code, const char *message,
         s_errors_t *errs)
{
    Mlps__V1__ActionReply r = MLPS__V1__ACTION_REPLY__INIT;
    Mlps__V1__Problem p = MLPS__V1__PROBLEM__INIT;
    r.ok = code == NULL;
    r.detail = (char *) message;
    if (code != NULL) {
        p.code = (char *) code;
        p.message = (char *) message;
        if (errs != NULL) {
            p.n_errors = errs->n;
            p.errors = errs->ptrs;
        }
        r.problem = &p;
    }
    return cmn_api_reply(out, mlps__v1__action_reply__descriptor.name, &r.base);
}

/* --- API: opinions ----------------------------------------------------- */

/* A positive decimal expert id; false for anything else. */
static bool
s_expert_id(const char *text, int64_t *id)
{
    size_t n = strlen(text);
    int64_t v = 0;
    if (n == 0 || n > 18)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        v = v * 10 + (text[i] - '0');
    }
    *id = v;
    return v > 0;
}

/* Who is calling, from the connection's CURVE identity (the ZAP User-Id
 * in cmn_env_msg_t .peer): "expert:N" is expert N, any other identity is
 * office staff. A plain API endpoint has no identity: it is for loopback
 * use, and its callers are taken at their word. */
typedef enum {
    S_CALLER_TRUSTED, /* plain endpoint */
    S_CALLER_EXPERT,  /* expert `expert`, by key */
    S_CALLER_OFFICE,  /* office staff, by key */
} s_caller_kind_t;

typedef struct {
    s_caller_kind_t kind;
    int64_t expert;
    const char *name; /* the identity, or "" */
} s_caller_t;

static s_caller_t
s_caller(const cmn_env_msg_t *m)
{
    s_caller_t who = {S_CALLER_TRUSTED, 0, m->peer};
    if (m->peer[0] == '\0')
        return who;
    if (strncmp(m->peer, "expert:", 7) == 0 &&
        s_expert_id(m->peer + 7, &who.expert))
        who.kind = S_CALLER_EXPERT;
    else
        who.kind = S_CALLER_OFFICE;
    return who;
}

/* The expert whose opinion this is, or a "forbidden" or "invalid" reply
 * (*answered set) when the caller may not give it. */
static int
s_opinion_expert(const s_caller_t *who, const Mlps__V1__OpinionRequest *req,
                 int64_t *expert, cmn_api_reply_t *out, bool *answered)
{
    char msg[200];
    int64_t named = 0;
    bool has_id = req->expert_id[0] != '\0';
    bool idok = has_id && s_expert_id(req->expert_id, &named);
    *answered = true;
    if (who->kind == S_CALLER_OFFICE) {
        snprintf(msg, sizeof msg,
                 "this connection is \"%s\": only an expert's own key can "
                 "give an opinion",
                 who->name);
        return s_action(out, "forbidden", msg, NULL);
    }
    if (has_id && !idok) {
        s_errors_t e = {0};
        s_field(&e, "expert_id", "must be a positive decimal expert id");
        return s_action(out, "invalid", "the opinion was not recorded", &e);
    }
    if (who->kind == S_CALLER_EXPERT) {
        if (has_id && named != who->expert) {
            snprintf(msg, sizeof msg,
                     "this connection is expert %" PRId64
                     ": it cannot give expert %" PRId64 "'s opinion",
                     who->expert, named);
            return s_action(out, "forbidden", msg, NULL);
        }
        named = who->expert;
    } else if (!has_id) {
        s_errors_t e = {0};
        s_field(&e, "expert_id", "is required");
        return s_action(out, "invalid", "the opinion was not recorded", &e);
    }
    *expert = named;
    *answered = false;
    return 0;
}

static void
s_check_opinion(const Mlps__V1__OpinionRequest *req, int proposed,
                s_errors_t *e, pnl_opinion_t *o)
{
    const char *p = s_text_problem(req->reasons, S_REASON_MAX, false, true);
    o->reasons = req->reasons;
    o->level = (int) (req->level <= PNL_LEVEL_MAX ? req->level : 0);
    if (req->verdict == MLPS__V1__PANEL_VERDICT__CONFIRM) {
        o->stance = PNL_STANCE_CONFIRM;
        if (req->level != 0 && req->level != (uint32_t) proposed)
            s_field(e, "level",
                    "must be 0 or the proposed level %d when confirming",
                    proposed);
        o->level = proposed;
    } else if (req->verdict == MLPS__V1__PANEL_VERDICT__ADJUST) {
        o->stance = PNL_STANCE_ADJUST;
        if (req->level < PNL_LEVEL_MIN || req->level > PNL_LEVEL_MAX)
            s_field(e, "level", "must be a level from 1 to 5 when adjusting");
        else if (req->level == (uint32_t) proposed)
            s_field(e, "level",
                    "%d is the proposed level: send CONFIRM to keep it",
                    proposed);
        if (p == NULL &&
            s_text_problem(req->reasons, S_REASON_MAX, true, true) != NULL)
            s_field(e, "reasons", "are required when adjusting");
    } else {
        s_field(e, "verdict", "must be CONFIRM or ADJUST");
    }
    if (p != NULL)
        s_field(e, "reasons", "%s (at most %d bytes)", p, S_REASON_MAX);
}

/* Why a seated expert's opinion cannot be taken now, into msg ("" if it
 * can be). */
static int
s_opinion_conflict(PGconn *c, const pnl_t *self, const pnl_case_row_t *k,
                   const char *seat, int64_t expert, char *msg, size_t len)
{
    char day[PNL_DATE_STRLEN] = "?";
    pnl_date_t today;
    bool given = false;
    int err = pnl_flow_today(self, &today);
    if (err != 0)
        return err;
    if (pnl_date_format(k->session, day, sizeof day) != 0)
        snprintf(day, sizeof day, "?");
    if (strcmp(k->state, "scheduled") != 0 || strcmp(seat, "seated") != 0)
        snprintf(msg, len, "case \"%s\" is %s: it takes no more opinions",
                 k->tracking_id, k->state);
    else if (pnl_flow_session_over(self, k, today))
        snprintf(msg, len,
                 "session %s is over (opinions were taken for %ld day(s) "
                 "after it); the case goes to another session",
                 day, self->conf.grace_days);
    else if ((err = pnl_store_opinion_given(c, k->tracking_id, k->round, expert,
                                            &given)) == 0 &&
             given)
        snprintf(msg, len,
                 "expert %" PRId64 " already gave an opinion on case \"%s\" "
                 "for session %s",
                 expert, k->tracking_id, day);
    return err;
}

static int
s_record_opinion(PGconn *c, const pnl_t *self, pnl_case_row_t *k,
                 const pnl_opinion_t *o, char *note, size_t notelen)
{
    char actor[32], outcome[48];
    snprintf(actor, sizeof actor, "expert:%" PRId64, o->expert_id);
    if (o->stance == PNL_STANCE_ADJUST)
        snprintf(outcome, sizeof outcome, "adjust to level %d", o->level);
    else
        snprintf(outcome, sizeof outcome, "confirm level %d", o->level);
    int err = pnl_store_opinion_insert(c, k->tracking_id, k->round, o);
    cmn_audit_t ev = {.service = "panel",
                      .actor = actor,
                      .action = "panel.opinion",
                      .case_id = k->tracking_id,
                      .outcome = outcome,
                      .office = self->conf.base.office};
    if (err == 0)
        err = cmn_audit_emit(c, &ev);
    if (err == 0)
        cmn_log_info("case %s: expert %" PRId64 " gave an opinion (round %d)",
                     k->tracking_id, o->expert_id, k->round);
    return err == 0 ? pnl_flow_tally(c, self, k, false, note, notelen) : err;
}

/* One attempt: one transaction. */
static int
s_opinion_tx(PGconn *c, const pnl_t *self, const Mlps__V1__OpinionRequest *req,
             int64_t expert, cmn_api_reply_t *out)
{
    pnl_case_row_t k = {0};
    pnl_opinion_t o = {0};
    s_errors_t errs = {0};
    bool found = false;
    char seat[16] = "", msg[700] = "", note[600] = "";
    int err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = pnl_store_lock(c);
    if (err == 0)
        err = pnl_store_case_load(c, req->tracking_id, true, &k, &found);
    if (err == 0 && found)
        err = pnl_store_seat(c, k.tracking_id, k.round, expert, seat);
    if (err != 0)
        goto out;
    if (!found || seat[0] == '\0') { /* confidential: say no more */
        err = s_action(out, "not_found", "no such case for this expert", NULL);
        goto out;
    }
    o.expert_id = expert;
    s_check_opinion(req, k.proposed_level, &errs, &o);
    if (errs.n > 0) {
        err = s_action(out, "invalid", "the opinion was not recorded", &errs);
        goto out;
    }
    err = s_opinion_conflict(c, self, &k, seat, expert, msg, sizeof msg);
    if (err == 0 && msg[0] != '\0') {
        err = s_action(out, "conflict", msg, NULL);
        goto out;
    }
    if (err == 0)
        err = s_record_opinion(c, self, &k, &o, note, sizeof note);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err == 0) {
        snprintf(msg, sizeof msg, "opinion recorded; %s", note);
        out->kick = true;
        err = s_action(out, NULL, msg, NULL);
    }
out:
    cmn_pg_rollback(c);
    pnl_store_case_release(&k);
    return err;
}

static int
s_opinion(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const Mlps__V1__OpinionRequest *req =
        (const Mlps__V1__OpinionRequest *) m->payload;
    s_caller_t who = s_caller(m);
    int64_t expert = 0;
    bool answered = false;
    int err = s_opinion_expert(&who, req, &expert, out, &answered);
    if (err != 0 || answered) {
        if (answered)
            cmn_log_warn("refused an opinion on %.64s from \"%s\"",
                         req->tracking_id, who.name);
        return err;
    }
    err = CMN_EAGAIN;
    for (int i = 0; i < S_API_RETRIES && err == CMN_EAGAIN; i++)
        err = s_opinion_tx(c, arg, req, expert, out);
    return err;
}

/* --- API: show --------------------------------------------------------- */

static int
s_show_reply(cmn_api_reply_t *out, const pnl_case_row_t *k, const int64_t *ids,
             size_t n, const char *detail)
{
    Mlps__V1__PanelShowReply r = MLPS__V1__PANEL_SHOW_REPLY__INIT;
    char text[PNL_QUORUM_MAX][24], *experts[PNL_QUORUM_MAX];
    char day[PNL_DATE_STRLEN] = "";
    if (k->session != PNL_DATE_NEVER &&
        pnl_date_format(k->session, day, sizeof day) != 0)
        day[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        snprintf(text[i], sizeof text[i], "%" PRId64, ids[i]);
        experts[i] = text[i];
    }
    r.tracking_id = (char *) k->tracking_id;
    r.state = (char *) k->state;
    r.session_date = day;
    r.n_experts = n;
    r.experts = experts;
    r.detail = (char *) detail;
    return cmn_api_reply(out, mlps__v1__panel_show_reply__descriptor.name,
                         &r.base);
}

static int
s_show_found(PGconn *c, const pnl_t *self, const pnl_case_row_t *k,
             cmn_api_reply_t *out)
{
    pnl_ballot_rows_t b;
    pnl_date_t today;
    char detail[300];
    int err = pnl_store_ballot(c, k->tracking_id, k->round, &b);
    if (err == 0 && strcmp(k->state, "scheduled") == 0) {
        err = pnl_flow_today(self, &today);
        snprintf(detail, sizeof detail, "round %d: %zu of %zu opinions in%s",
                 k->round, b.nopinions, b.nseated,
                 err == 0 && pnl_flow_session_over(self, k, today)
                     ? "; the session is over, the case goes to another one"
                     : "");
    }
    if (err == 0)
        err = s_show_reply(out, k, b.seated, b.nseated,
                           strcmp(k->state, "scheduled") == 0 ? detail
                                                              : k->detail);
    pnl_store_ballot_release(&b);
    return err;
}

static int
s_show(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const Mlps__V1__PanelShowRequest *req =
        (const Mlps__V1__PanelShowRequest *) m->payload;
    pnl_case_row_t k = {0};
    bool found = false;
    s_caller_t who = s_caller(m);
    char seat[16] = "";
    int err = cmn_pg_cmd(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (err == 0)
        err = pnl_store_case_load(c, req->tracking_id, false, &k, &found);
    /* An expert sees only the cases of the sessions they sit on; to an
     * expert not seated, a case is as absent as one that does not exist. */
    if (err == 0 && found && who.kind == S_CALLER_EXPERT) {
        err = pnl_store_seat(c, k.tracking_id, k.round, who.expert, seat);
        found = strcmp(seat, "seated") == 0 || strcmp(seat, "sat") == 0;
    }
    if (err == 0 && found) {
        err = s_show_found(c, arg, &k, out);
    } else if (err == 0) {
        Mlps__V1__PanelShowReply r = MLPS__V1__PANEL_SHOW_REPLY__INIT;
        Mlps__V1__Problem p = MLPS__V1__PROBLEM__INIT;
        char msg[120];
        snprintf(msg, sizeof msg, "no panel case \"%.64s\"", req->tracking_id);
        p.code = "not_found";
        p.message = msg;
        r.problem = &p;
        err = cmn_api_reply(out, mlps__v1__panel_show_reply__descriptor.name,
                            &r.base);
    }
    cmn_pg_rollback(c);
    pnl_store_case_release(&k);
    return err;
}

static const cmn_api_handler_t s_api[] = {
    {"mlps.v1.OpinionRequest", &mlps__v1__opinion_request__descriptor,
     s_opinion},
    {"mlps.v1.PanelShowRequest", &mlps__v1__panel_show_request__descriptor,
     s_show},
};

/* --- the watch: sessions that are over ---------------------------------- */

static int
s_watch_one(PGconn *c, const pnl_t *self, const char *tracking,
            pnl_date_t today)
{
    pnl_case_row_t k = {0};
    bool found = false;
    char note[300] = "";
    int err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = pnl_store_lock(c);
    if (err == 0)
        err = pnl_store_case_load(c, tracking, true, &k, &found);
    if (err == 0 && found && strcmp(k.state, "scheduled") == 0 &&
        pnl_flow_session_over(self, &k, today)) {
        err = pnl_flow_tally(c, self, &k, true, note, sizeof note);
    }
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err == 0 && note[0] != '\0')
        cmn_log_info("case %s: %s", tracking, note);
    cmn_pg_rollback(c);
    pnl_store_case_release(&k);
    return err;
}

/* Runs every panel.watch-ms (cmn_svc_every). */
static int
s_watch_work(PGconn *c, void *arg)
{
    pnl_t *self = arg;
    pnl_date_t today;
    char last[16];
    int err = pnl_flow_today(self, &today);
    if (err != 0)
        return err;
    snprintf(last, sizeof last, "%" PRId64,
             (int64_t) today - self->conf.grace_days);
    const char *p[1] = {last};
    PGresult *r = cmn_pg_exec(c,
                              "SELECT tracking_id FROM cases WHERE state = "
                              "'scheduled' AND session_date < DATE "
                              "'1970-01-01' + $1::integer ORDER BY "
                              "session_date, tracking_id LIMIT 500",
                              1, p, &err);
    if (r == NULL)
        return err;
    for (int i = 0; i < PQntuples(r) && err != CMN_EDBCONN; i++) {
        err = s_watch_one(c, self, PQgetvalue(r, i, 0), today);
        if (err != 0 && err != CMN_EDBCONN) /* this case only: go on */
            cmn_log_error("case %s: could not move it on: %s",
                          PQgetvalue(r, i, 0), cmn_strerror(err));
    }
    PQclear(r);
    return err == CMN_EDBCONN ? err : 0;
}

/* --- start-up ----------------------------------------------------------- */

static int
s_configure(pnl_t *self)
{
    const pnl_conf_t *cf = &self->conf;
    char why[256];
    int weekday;
    if (pnl_weekday_parse(cf->weekday, &weekday) != 0) {
        cmn_log_error("\"panel.weekday\" must be a day of the week (monday "
                      ".. sunday), not \"%s\"",
                      cf->weekday);
        return CMN_ECONFIG;
    }
    pnl_calendar_default(&self->cal);
    self->cal.weekday = (pnl_weekday_t) weekday;
    self->cal.capacity = (int) cf->capacity;
    pnl_rules_default(&self->rules);
    self->rules.quorum = (int) cf->quorum;
    self->rules.horizon = (int) cf->horizon;
    self->rules.expert_max_cases = (int) cf->max_cases;
    if (pnl_calendar_check(&self->cal, why, sizeof why) != 0 ||
        pnl_rules_check(&self->rules, why, sizeof why) != 0) {
        cmn_log_error("bad panel configuration (panel.quorum=%ld, "
                      "panel.capacity=%ld, panel.horizon=%ld): %s",
                      cf->quorum, cf->capacity, cf->horizon, why);
        return CMN_ECONFIG;
    }
    return 0;
}

/* Opens a connection as the service's role, trying for a while (the
 * database may still be starting). Caller PQfinish()es it. */
static PGconn *
s_connect(const char *url)
{
    const char *keys[] = {"dbname", "connect_timeout", NULL};
    const char *vals[] = {url, "5", NULL};
    PGconn *c = NULL;
    for (int attempt = 0; attempt < 20; attempt++) {
        PQfinish(c);
        c = PQconnectdbParams(keys, vals, 1);
        if (PQstatus(c) == CONNECTION_OK)
            break;
        uv_sleep(500);
    }
    cmn_pg_quiet(c);
    return c;
}

static void
s_conn_error(PGconn *c)
{
    char why[256];
    snprintf(why, sizeof why, "%s", PQerrorMessage(c));
    why[strcspn(why, "\n")] = '\0'; /* PQerrorMessage ends with one */
    cmn_log_error("could not connect to store the experts: %s", why);
}

/* Upserts the experts in one transaction, with one audit event if that
 * changed anything. Start-up only (blocks the loop). */
static int
s_store_roster(const pnl_t *self, const pnl_roster_t *roster)
{
    char ids[400], outcome[480];
    int changed = 0, err = CMN_EDBCONN;
    PGconn *c = s_connect(self->conf.base.db_url);
    if (PQstatus(c) == CONNECTION_OK)
        err = cmn_pg_cmd(c, "SET search_path TO panel");
    else
        s_conn_error(c);
    if (err == 0)
        err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = pnl_roster_store(roster, c, &changed, ids, sizeof ids);
    snprintf(outcome, sizeof outcome, "%zu experts listed; %d changed: %s",
             pnl_roster_count(roster), changed, ids);
    cmn_audit_t ev = {.service = "panel",
                      .actor = "system",
                      .action = "panel.experts",
                      .case_id = "experts",
                      .outcome = outcome,
                      .office = self->conf.base.office};
    if (err == 0 && changed > 0)
        err = cmn_audit_emit(c, &ev);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err == 0)
        cmn_log_info("experts \"%s\": %zu listed, %d added or changed",
                     self->conf.experts, pnl_roster_count(roster), changed);
    else
        cmn_log_error("could not store the experts: %s", cmn_strerror(err));
    PQfinish(c);
    return err;
}

static int
s_start(cmn_svc_t *svc, void *arg)
{
    pnl_t *self = arg;
    char why[512];
    self->svc = svc;
    if (s_configure(self) != 0)
        return CMN_ECONFIG;
    if (cmn_svc_outbox(svc, PNL_REVIEW_DEST) == NULL ||
        cmn_svc_outbox(svc, CMN_AUDIT_DEST) == NULL) {
        cmn_log_error("\"peers\" must name review and audit");
        return CMN_ECONFIG;
    }
    const cmn_svc_conf_t *base = &self->conf.base;
    if (base->api[0] != '\0' &&
        (!base->curve_api || base->curve_clients_file[0] == '\0'))
        cmn_log_warn("the API is not CURVE: an opinion is taken on the word "
                     "of the expert_id it carries (fit for loopback only; "
                     "set curve.api with an allow-list of expert keys)");
    pnl_roster_t *roster = pnl_roster_load(self->conf.experts, why, sizeof why);
    if (roster == NULL) {
        cmn_log_error("%s", why);
        return CMN_ECONFIG;
    }
    if (pnl_roster_count(roster) < (size_t) self->rules.quorum)
        cmn_log_warn("experts \"%s\" lists %zu experts, fewer than the "
                     "quorum of %d: every case will be escalated",
                     self->conf.experts, pnl_roster_count(roster),
                     self->rules.quorum);
    int err = s_store_roster(self, roster);
    pnl_roster_destroy(&roster);
    if (err != 0)
        return err;
    err = cmn_svc_every(svc, 200, (uint64_t) self->conf.watch_ms, s_watch_work,
                        self);
    if (err != 0)
        return err;
    cmn_svc_kick(svc);
    return 0;
}

extern const cmn_migration_t panel_migrations[];

const cmn_svc_def_t pnl_service = {
    .name = "panel",
    .schema = "panel",
    .migrations = panel_migrations,
    .handlers = s_handlers,
    .nhandlers = sizeof s_handlers / sizeof s_handlers[0],
    .api_handlers = s_api,
    .napi_handlers = sizeof s_api / sizeof s_api[0],
    .on_start = s_start,
};

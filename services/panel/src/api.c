/* api.c - the panel's request handlers: an expert's opinion and a case's
 * show, each answering only what the caller's key may know. */
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/problem.h"
#include "cmn/text.h"
#include "mlps/v1/api.pb-c.h"
#include "pnl/flow.h"
#include "pnl/panel.h"
#include "pnl/store.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_REASON_MAX  4000 /* bytes in a reason */
#define S_API_RETRIES 3    /* transactions tried on a deadlock */

/* An ActionReply: ok when code is NULL, else a Problem of that code with
 * message (and errs' field errors when errs is not NULL). */
static int
s_action(cmn_api_reply_t *out, const char *code, const char *message,
         cmn_problem_t *errs)
{
    Mlps__V1__ActionReply r = MLPS__V1__ACTION_REPLY__INIT;
    Mlps__V1__Problem p;
    r.ok = code == NULL;
    r.detail = (char *) message;
    if (code != NULL && errs != NULL) {
        r.problem = cmn_problem_pb(errs, code, "%s", message);
    } else if (code != NULL) {
        cmn_problem_simple(&p, code, message);
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

/* Who is calling, from the identity the connection's key proved (or the
 * person a gateway acts for), cmn_env_msg_t .peer: an expert identity
 * "expert:N" is expert N; an office or its staff see the cases of their
 * jurisdiction and give no opinion. A plain development endpoint has no
 * identity: its callers are taken at their word. */
typedef enum {
    S_CALLER_TRUSTED, /* plain endpoint */
    S_CALLER_EXPERT,  /* expert `expert`, by key */
    S_CALLER_OFFICE,  /* office staff, by key */
} s_caller_kind_t;

typedef struct {
    s_caller_kind_t kind;
    int64_t expert;
    const char *name; /* the identity */
    const cmn_ident_t *id;
} s_caller_t;

static s_caller_t
s_caller(const cmn_env_msg_t *m)
{
    s_caller_t who = {S_CALLER_TRUSTED, 0, m->peer.name, &m->peer};
    if (m->peer.kind == CMN_KIND_DEV)
        return who;
    if (m->peer.kind == CMN_KIND_EXPERT &&
        strncmp(m->peer.name, "expert:", 7) == 0 &&
        s_expert_id(m->peer.name + 7, &who.expert))
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
        cmn_problem_t e;
        cmn_problem_init(&e);
        cmn_problem_add(&e, "expert_id",
                        "must be a positive decimal expert id");
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
        cmn_problem_t e;
        cmn_problem_init(&e);
        cmn_problem_add(&e, "expert_id", "is required");
        return s_action(out, "invalid", "the opinion was not recorded", &e);
    }
    *expert = named;
    *answered = false;
    return 0;
}

static void
s_check_opinion(const Mlps__V1__OpinionRequest *req, int proposed,
                cmn_problem_t *e, pnl_opinion_t *o)
{
    char p[96];
    bool bad = cmn_text_check(req->reasons, S_REASON_MAX, CMN_TEXT_MULTILINE, p,
                              sizeof p) != 0;
    o->reasons = req->reasons;
    o->level = (int) (req->level <= DOM_LEVEL_MAX ? req->level : 0);
    if (req->verdict == MLPS__V1__PANEL_VERDICT__CONFIRM) {
        o->stance = PNL_STANCE_CONFIRM;
        if (req->level != 0 && req->level != (uint32_t) proposed)
            cmn_problem_add(
                e, "level",
                "must be 0 or the proposed level %d when confirming", proposed);
        o->level = proposed;
    } else if (req->verdict == MLPS__V1__PANEL_VERDICT__ADJUST) {
        o->stance = PNL_STANCE_ADJUST;
        if (req->level < DOM_LEVEL_MIN || req->level > DOM_LEVEL_MAX)
            cmn_problem_add(e, "level",
                            "must be a level from 1 to 5 when adjusting");
        else if (req->level == (uint32_t) proposed)
            cmn_problem_add(e, "level",
                            "%d is the proposed level: send CONFIRM to keep it",
                            proposed);
        if (!bad && cmn_text_check(req->reasons, S_REASON_MAX,
                                   CMN_TEXT_MULTILINE | CMN_TEXT_REQUIRED, p,
                                   sizeof p) != 0)
            cmn_problem_add(e, "reasons", "are required when adjusting");
    } else {
        cmn_problem_add(e, "verdict", "must be CONFIRM or ADJUST");
    }
    if (bad)
        cmn_problem_add(e, "reasons", "%s", p);
}

/* Why a seated expert's opinion cannot be taken now, into msg ("" if it
 * can be). */
static int
s_opinion_conflict(PGconn *c, const pnl_t *self, const pnl_case_row_t *k,
                   const char *seat, int64_t expert, char *msg, size_t len)
{
    char day[DOM_DATE_BUFSZ] = "?";
    dom_date_t today = cmn_svc_today(&self->conf.base);
    bool given = false;
    int err = 0;
    if (dom_date_valid(k->session))
        dom_date_format(k->session, day);
    const pnl_step_t *step = pnl_fsm_step(k->state, PNL_EV_OPINION);
    if (step->act != PNL_ACT_TALLY || strcmp(seat, "seated") != 0)
        snprintf(msg, len, "case \"%s\" is %s: %s", k->tracking_id,
                 pnl_state_name(k->state),
                 step->why ? step->why : "it takes no more opinions");
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
    if (err == 0)
        err =
            cmn_audit(c, actor, "panel.opinion", k->tracking_id, "%s", outcome);
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
    cmn_problem_t errs;
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
    cmn_problem_init(&errs);
    s_check_opinion(req, k.proposed_level, &errs, &o);
    if (errs.count > 0) {
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
    char day[DOM_DATE_BUFSZ] = "";
    if (dom_date_valid(k->session))
        dom_date_format(k->session, day);
    for (size_t i = 0; i < n; i++) {
        snprintf(text[i], sizeof text[i], "%" PRId64, ids[i]);
        experts[i] = text[i];
    }
    r.tracking_id = (char *) k->tracking_id;
    r.state = (char *) pnl_state_name(k->state);
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
    dom_date_t today;
    char detail[300];
    int err = pnl_store_ballot(c, k->tracking_id, k->round, &b);
    bool open = k->state == PNL_ST_SCHEDULED;
    if (err == 0 && open) {
        today = cmn_svc_today(&self->conf.base);
        snprintf(detail, sizeof detail, "round %d: %zu of %zu opinions in%s",
                 k->round, b.nopinions, b.nseated,
                 pnl_flow_session_over(self, k, today)
                     ? "; the session is over, the case goes to another one"
                     : "");
    }
    if (err == 0)
        err = s_show_reply(out, k, b.seated, b.nseated,
                           open ? detail : k->detail);
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
    /* An office sees the cases of its jurisdiction only. */
    if (err == 0 && found && who.kind == S_CALLER_OFFICE)
        found =
            cmn_svc_covers(((const pnl_t *) arg)->svc, &m->peer, k.region_code);
    if (err == 0 && found) {
        err = s_show_found(c, arg, &k, out);
    } else if (err == 0) {
        Mlps__V1__PanelShowReply r = MLPS__V1__PANEL_SHOW_REPLY__INIT;
        Mlps__V1__Problem p;
        char msg[120];
        snprintf(msg, sizeof msg, "no panel case \"%.64s\"", req->tracking_id);
        cmn_problem_simple(&p, "not_found", msg);
        r.problem = &p;
        err = cmn_api_reply(out, mlps__v1__panel_show_reply__descriptor.name,
                            &r.base);
    }
    cmn_pg_rollback(c);
    pnl_store_case_release(&k);
    return err;
}

/* Who may ask: an opinion, an expert (by their key, or a gateway acting
 * for them); a case, its experts and the offices whose jurisdiction covers
 * the unit. */
const cmn_api_handler_t pnl_api_handlers[] = {
    {"mlps.v1.OpinionRequest", &mlps__v1__opinion_request__descriptor,
     s_opinion, "expert"},
    {"mlps.v1.PanelShowRequest", &mlps__v1__panel_show_request__descriptor,
     s_show, "expert,office,staff"},
};

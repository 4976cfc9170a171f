/* api.c - review's request handlers: a case's status and letter (for the
 * unit with its proof, or an office covering it), the office's queue, and
 * a person's decision. A case a caller may not see is answered exactly as
 * one that does not exist. */
#include "cmn/log.h"
#include "cmn/problem.h"
#include "cmn/text.h"
#include "dom/level.h"
#include "mlps/v1/api.pb-c.h"
#include "rvw/flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_QUEUE_DEFAULT 200
#define S_QUEUE_MAX     2000
#define S_RETRIES       3 /* transactions tried on a deadlock */

static void
s_fill_deadline(const rvw_t *self, const rvw_case_t *k, char *deadline,
                char *note, size_t notelen)
{
    dom_date_t d;
    char day[DOM_DATE_BUFSZ];
    int rc = rvw_clock_deadline(&k->clock, self->cal, &d);
    deadline[0] = note[0] = '\0';
    if (rc == 0)
        dom_date_format(d, deadline);
    if (k->state == RVW_ST_ACCEPTED || k->state == RVW_ST_CLOSED)
        snprintf(note, notelen, "decided on %s",
                 dom_date_format(k->decided_on, day));
    else if (rc == CMN_ECALENDAR)
        snprintf(note, notelen,
                 "the deadline falls past the working-day "
                 "calendar this office knows");
    else if (rc == CMN_EAGAIN)
        snprintf(note, notelen, "clock paused: %s",
                 k->state == RVW_ST_PANEL ? "with the expert panel"
                                          : "waiting for materials");
    if (k->clock_note[0] != '\0' && note[0] == '\0')
        snprintf(note, notelen, "%s", k->clock_note);
}

/* The same answer for a case that does not exist and one the caller may
 * not see, so a tracking id is no key. */
static int
s_not_found(cmn_api_reply_t *out, const ProtobufCMessageDescriptor *desc,
            const char *tracking)
{
    Mlps__V1__Problem p;
    char msg[200];
    snprintf(msg, sizeof msg,
             "no review case \"%.64s\" for this caller (a filing just "
             "submitted may still be on its way; a unit gives its proof)",
             tracking);
    cmn_problem_simple(&p, "not_found", msg);
    if (desc == &mlps__v1__letter_reply__descriptor) {
        Mlps__V1__LetterReply r = MLPS__V1__LETTER_REPLY__INIT;
        r.problem = &p;
        return cmn_api_reply(out, desc->name, &r.base);
    }
    Mlps__V1__StatusReply r = MLPS__V1__STATUS_REPLY__INIT;
    r.problem = &p;
    return cmn_api_reply(out, desc->name, &r.base);
}

/* Loads the case if the caller may see it; *found false otherwise. */
static int
s_visible(PGconn *c, const rvw_t *self, const cmn_env_msg_t *m,
          const char *tracking, const char *proof, rvw_case_t *k, bool *found)
{
    int exists = 0, err = rvw_case_load(c, tracking, false, k, &exists);
    *found = false;
    if (err != 0 || !exists)
        return err;
    *found = rvw_flow_may_see(self, &m->peer, k, proof);
    if (!*found) {
        cmn_log_info("case %.64s: not shown to \"%s\"", tracking, m->peer.name);
        rvw_case_release(k);
    }
    return 0;
}

static int
s_status(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const rvw_t *self = arg;
    const Mlps__V1__StatusRequest *req =
        (const Mlps__V1__StatusRequest *) m->payload;
    rvw_case_t k;
    bool found;
    int err =
        s_visible(c, self, m, req->tracking_id, req->unit_secret, &k, &found);
    if (err != 0)
        return err;
    if (!found)
        return s_not_found(out, &mlps__v1__status_reply__descriptor,
                           req->tracking_id);
    Mlps__V1__StatusReply r = MLPS__V1__STATUS_REPLY__INIT;
    char outcome[2] = {k.outcome, '\0'}, rec[2] = {k.recommendation, '\0'};
    char deadline[DOM_DATE_BUFSZ], received[DOM_DATE_BUFSZ], note[160];
    char *missing[DOM_MAT_COUNT];
    for (size_t i = 0; i < k.nmissing; i++)
        missing[i] = (char *) dom_material_name(k.missing[i]);
    r.tracking_id = k.tracking_id;
    r.state = (char *) rvw_state_name(k.state);
    r.outcome = outcome;
    r.proposed_level = (uint32_t) k.proposed_level;
    r.level = (uint32_t) k.level;
    r.received_on = dom_date_format(k.received_on, received);
    s_fill_deadline(self, &k, deadline, note, sizeof note);
    r.deadline = deadline;
    r.deadline_note = note;
    r.n_missing = k.nmissing;
    r.missing = missing;
    r.panel = k.panel_note;
    r.liability_notice = k.liability_notice;
    r.breached = k.breached_on != DOM_DATE_NEVER;
    r.recommendation = rec;
    r.recommendation_reason = k.recommendation ? k.rec_reason : "";
    r.decided_by = k.decided_by;
    err = cmn_api_reply(out, mlps__v1__status_reply__descriptor.name, &r.base);
    rvw_case_release(&k);
    return err;
}

static int
s_letter(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const rvw_t *self = arg;
    const Mlps__V1__LetterRequest *req =
        (const Mlps__V1__LetterRequest *) m->payload;
    rvw_case_t k;
    bool found;
    int err =
        s_visible(c, self, m, req->tracking_id, req->unit_secret, &k, &found);
    if (err != 0)
        return err;
    if (found)
        rvw_case_release(&k);
    const char *p[1] = {req->tracking_id};
    PGresult *r = found ? cmn_pg_exec(c,
                                      "SELECT body FROM letters WHERE "
                                      "tracking_id = $1 ORDER BY id DESC "
                                      "LIMIT 1",
                                      1, p, &err)
                        : NULL;
    if (found && r == NULL)
        return err;
    if (!found || PQntuples(r) == 0) {
        PQclear(r);
        return s_not_found(out, &mlps__v1__letter_reply__descriptor,
                           req->tracking_id);
    }
    Mlps__V1__LetterReply lr = MLPS__V1__LETTER_REPLY__INIT;
    lr.text = PQgetvalue(r, 0, 0);
    err = cmn_api_reply(out, mlps__v1__letter_reply__descriptor.name, &lr.base);
    PQclear(r);
    return err;
}

/* --- the queue ---------------------------------------------------------- */

typedef struct {
    Mlps__V1__ReviewQueueItem item;
    char rec[2], received[DOM_DATE_BUFSZ], deadline[DOM_DATE_BUFSZ], note[160];
    char *missing[DOM_MAT_COUNT];
    rvw_case_t k;
} s_row_t;

static void
s_queue_item(const rvw_t *self, s_row_t *row, dom_date_t today)
{
    rvw_case_t *k = &row->k;
    Mlps__V1__ReviewQueueItem *it = &row->item;
    dom_date_t due;
    int left = 0;
    mlps__v1__review_queue_item__init(it);
    row->rec[0] = k->recommendation;
    row->rec[1] = '\0';
    for (size_t i = 0; i < k->nrec_missing; i++)
        row->missing[i] = (char *) dom_material_name(k->rec_missing[i]);
    s_fill_deadline(self, k, row->deadline, row->note, sizeof row->note);
    if (rvw_clock_deadline(&k->clock, self->cal, &due) == 0) {
        int n = 0; /* working days left, or overdue by */
        int rc = today <= due ? dom_calendar_count(self->cal, today, due, &n)
                              : dom_calendar_count(self->cal, due, today, &n);
        left = rc != 0 ? 0 : today <= due ? n : -n;
    }
    it->tracking_id = k->tracking_id;
    it->state = (char *) rvw_state_name(k->state);
    it->recommendation = row->rec;
    it->level = (uint32_t) (k->recommendation ? k->rec_level : k->level);
    it->reason = k->recommendation ? k->rec_reason : k->panel_note;
    it->n_missing = k->nrec_missing;
    it->missing = row->missing;
    it->received_on = dom_date_format(k->received_on, row->received);
    it->deadline = row->deadline;
    it->days_left = left;
    it->deadline_note = row->note;
    it->unit_name = k->unit_name;
    it->system_name = k->system_name;
    it->region_code = k->region_code;
}

/* The cases waiting for the office that the caller covers, oldest first. */
static int
s_queue(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const rvw_t *self = arg;
    const Mlps__V1__ReviewQueueRequest *req =
        (const Mlps__V1__ReviewQueueRequest *) m->payload;
    size_t limit = req->limit == 0            ? S_QUEUE_DEFAULT
                   : req->limit > S_QUEUE_MAX ? S_QUEUE_MAX
                                              : req->limit;
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT tracking_id FROM cases WHERE state IN "
                              "('pending', 'escalated') ORDER BY received_on, "
                              "tracking_id",
                              0, NULL, &err);
    if (r == NULL)
        return err;
    int n = PQntuples(r);
    s_row_t *rows = calloc((size_t) n + 1, sizeof *rows);
    Mlps__V1__ReviewQueueItem **items = calloc((size_t) n + 1, sizeof *items);
    Mlps__V1__ReviewQueueReply rep = MLPS__V1__REVIEW_QUEUE_REPLY__INIT;
    dom_date_t today = cmn_svc_today(&self->conf.base);
    size_t shown = 0;
    err = rows && items ? 0 : CMN_ENOMEM;
    for (int i = 0; err == 0 && i < n; i++) {
        int found = 0;
        rvw_case_t *k = &rows[shown].k;
        err = rvw_case_load(c, PQgetvalue(r, i, 0), false, k, &found);
        if (err != 0 || !found)
            continue;
        if (!cmn_svc_covers(self->svc, &m->peer, k->region_code)) {
            rvw_case_release(k);
            continue;
        }
        rep.total++;
        if (shown == limit) {
            rvw_case_release(k);
            continue;
        }
        s_queue_item(self, &rows[shown], today);
        items[shown] = &rows[shown].item;
        shown++;
    }
    rep.n_items = shown;
    rep.items = items;
    if (err == 0)
        err = cmn_api_reply(out, mlps__v1__review_queue_reply__descriptor.name,
                            &rep.base);
    for (size_t i = 0; rows != NULL && i < shown; i++)
        rvw_case_release(&rows[i].k);
    free(rows);
    free(items);
    PQclear(r);
    return err;
}

/* --- a person's decision ------------------------------------------------ */

static int
s_action(cmn_api_reply_t *out, const char *code, const char *message,
         cmn_problem_t *errs)
{
    Mlps__V1__ActionReply r = MLPS__V1__ACTION_REPLY__INIT;
    Mlps__V1__Problem p;
    r.ok = code == NULL;
    r.detail = (char *) message;
    if (code != NULL && errs != NULL && errs->count > 0) {
        r.problem = cmn_problem_pb(errs, code, "%s", message);
    } else if (code != NULL) {
        cmn_problem_simple(&p, code, message);
        r.problem = &p;
    }
    return cmn_api_reply(out, mlps__v1__action_reply__descriptor.name, &r.base);
}

/* The decision asked for, checked against the case and its recommendation;
 * errors name the field. */
static void
s_check_decision(const Mlps__V1__ReviewDecideRequest *req, const rvw_case_t *k,
                 rvw_verdict_t *v, dom_material_t *missing, cmn_problem_t *e)
{
    v->outcome = strlen(req->outcome) == 1 ? req->outcome[0] : '\0';
    v->reason = req->reason;
    v->level = req->level != 0 ? (int) req->level
               : k->recommendation && v->outcome == k->recommendation
                   ? k->rec_level
                   : k->level;
    v->missing = missing;
    v->nmissing = 0;
    if (v->outcome != 'A' && v->outcome != 'B' && v->outcome != 'C')
        cmn_problem_add(e, "outcome", "must be A, B or C");
    if (req->level != 0 && !dom_level_valid((int) req->level))
        cmn_problem_add(e, "level", "must be a level from 1 to 5");
    if (v->outcome == 'C' && k->panel_version > 0)
        cmn_problem_add(e, "outcome",
                        "C: the expert panel has had this case already");
    if (v->outcome == 'C' && k->state == RVW_ST_ESCALATED)
        cmn_problem_add(e, "outcome",
                        "C: the panel could not form a quorum; decide A or B");
    for (size_t i = 0; i < req->n_missing && i < DOM_MAT_COUNT; i++) {
        if (dom_material_parse(req->missing[i], &missing[v->nmissing]) != 0)
            cmn_problem_add(e, "missing", "\"%.40s\" is not a kind of material",
                            req->missing[i]);
        else
            v->nmissing++;
    }
    if (v->outcome == 'B' && v->nmissing == 0 && e->count == 0) {
        memcpy(missing, k->rec_missing, k->nrec_missing * sizeof *missing);
        v->nmissing = k->nrec_missing;
        if (v->nmissing == 0)
            cmn_problem_add(e, "missing", "B must name what is missing");
    }
    bool departs = v->outcome != k->recommendation ||
                   (k->recommendation && v->level != k->rec_level);
    char why[96];
    if (departs &&
        cmn_text_check(req->reason, 2000,
                       CMN_TEXT_REQUIRED | CMN_TEXT_MULTILINE | CMN_TEXT_CHARS,
                       why, sizeof why) != 0)
        cmn_problem_add(e, "reason",
                        "%s: the decision departs from the recommendation",
                        why);
    else if (cmn_text_check(req->reason, 2000,
                            CMN_TEXT_MULTILINE | CMN_TEXT_CHARS, why,
                            sizeof why) != 0)
        cmn_problem_add(e, "reason", "%s", why);
}

static int
s_decide_tx(PGconn *c, const rvw_t *self, const cmn_env_msg_t *m,
            const Mlps__V1__ReviewDecideRequest *req, cmn_api_reply_t *out)
{
    rvw_case_t k;
    int found = 0, err = cmn_pg_cmd(c, "BEGIN");
    char msg[300], who[160];
    if (err == 0)
        err = rvw_case_load(c, req->tracking_id, true, &k, &found);
    if (err != 0)
        return err;
    if (!found || !cmn_svc_covers(self->svc, &m->peer, k.region_code)) {
        if (found)
            rvw_case_release(&k);
        snprintf(msg, sizeof msg, "no review case \"%.64s\" for this caller",
                 req->tracking_id);
        return s_action(out, "not_found", msg, NULL);
    }
    const rvw_step_t *step = rvw_fsm_step(k.state, RVW_EV_DECIDE);
    if (step->act == RVW_ACT_REFUSE) {
        snprintf(msg, sizeof msg, "case \"%s\" is %s: %s", k.tracking_id,
                 rvw_state_name(k.state), step->why);
        rvw_case_release(&k);
        return s_action(out, "conflict", msg, NULL);
    }
    cmn_problem_t *errs = calloc(1, sizeof *errs);
    dom_material_t missing[DOM_MAT_COUNT];
    rvw_verdict_t v;
    if (errs == NULL) {
        rvw_case_release(&k);
        return CMN_ENOMEM;
    }
    s_check_decision(req, &k, &v, missing, errs);
    v.who = cmn_ident_label(&m->peer, who, sizeof who);
    if (errs->count > 0) {
        err = s_action(out, "invalid", "the decision was not recorded", errs);
    } else {
        dom_date_t today = cmn_svc_today(&self->conf.base);
        err = rvw_flow_apply(c, self, &k, &v, today);
        if (err == 0)
            err = rvw_flow_reached(&k, RVW_EV_DECIDE, step);
        if (err == 0)
            err = cmn_pg_cmd(c, "COMMIT");
        snprintf(msg, sizeof msg, "case %s: %c at level %d, now %s",
                 k.tracking_id, v.outcome, k.level, rvw_state_name(k.state));
        if (err == 0) {
            out->kick = true;
            err = s_action(out, NULL, msg, NULL);
        }
    }
    free(errs);
    rvw_case_release(&k);
    return err;
}

static int
s_decide(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const Mlps__V1__ReviewDecideRequest *req =
        (const Mlps__V1__ReviewDecideRequest *) m->payload;
    if (m->peer.kind != CMN_KIND_DEV &&
        !cmn_ident_has_role(&m->peer, "reviewer")) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "\"%s\" has no role \"reviewer\": only a reviewer decides",
                 m->peer.name);
        return s_action(out, "forbidden", msg, NULL);
    }
    int err = CMN_EAGAIN;
    for (int i = 0; i < S_RETRIES && err == CMN_EAGAIN; i++) {
        err = s_decide_tx(c, arg, m, req, out);
        cmn_pg_rollback(c);
    }
    return err;
}

/* Who may ask what (the runtime refuses anyone else before these run):
 * a case's status and letter, the unit (through a gateway, or its own
 * key) and the offices; the queue, the offices; a decision, staff. */
const cmn_api_handler_t rvw_api_handlers[] = {
    {"mlps.v1.StatusRequest", &mlps__v1__status_request__descriptor, s_status,
     "unit,gateway,office,staff"},
    {"mlps.v1.LetterRequest", &mlps__v1__letter_request__descriptor, s_letter,
     "unit,gateway,office,staff"},
    {"mlps.v1.ReviewQueueRequest", &mlps__v1__review_queue_request__descriptor,
     s_queue, "office,staff"},
    {"mlps.v1.ReviewDecideRequest",
     &mlps__v1__review_decide_request__descriptor, s_decide, "staff"},
};

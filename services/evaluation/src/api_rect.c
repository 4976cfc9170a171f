/* api_rect.c - rectification after a poor report (the unit's plan, the
 * expert panel's review of an important system's plan, the unit's
 * completion) and the annual inspections (the year's batch, an
 * inspection recorded), over the API. */
#include "api_int.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/text.h"
#include "evl/flow.h"
#include "evl/inspect.h"
#include "mlps/v1/evaluation.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_SUMMARY_MAX 2000 /* characters of a plan's or completion's text */

/* What a rectification request needs from its handler. */
typedef struct {
    const char *tracking_id, *proof; /* the unit's, or NULL */
    evl_event_t ev;
} s_rect_t;

/* Loads the system for a rectification step: *k locked, or an answer
 * given (*answered) when the caller may not see it or the step refuses. */
static int
s_rect_load(PGconn *c, const cmn_env_msg_t *m, const evl_t *self,
            const s_rect_t *rq, evl_sys_t *k, cmn_api_reply_t *out,
            bool *answered)
{
    bool found = false, may;
    char msg[300];
    *answered = true;
    int err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = evl_store_sys_load(c, rq->tracking_id, true, k, &found);
    if (err != 0)
        return err;
    if (rq->proof != NULL)
        may = found && evl__is_unit(&m->peer, k, rq->proof);
    else /* the panel: an expert of this office, or covering staff */
        may = found &&
              (m->peer.kind == CMN_KIND_EXPERT
                   ? strcmp(m->peer.office, self->conf.base.office) == 0
                   : cmn_svc_covers(self->svc, &m->peer, k->region_code));
    if (!may) {
        snprintf(msg, sizeof msg,
                 "no evaluation case \"%.64s\" for this "
                 "caller (a unit gives its proof)",
                 rq->tracking_id);
        return evl__action(out, "not_found", msg, NULL);
    }
    const evl_step_t *step = evl_fsm_step(k->state, rq->ev);
    if (step->act == EVL_ACT_REFUSE) {
        snprintf(msg, sizeof msg, "case \"%s\" is %s: %s", k->tracking_id,
                 evl_state_name(k->state), step->why);
        return evl__action(out, "conflict", msg, NULL);
    }
    *answered = false;
    return 0;
}

/* Commits and answers ok with "case ID: note". */
static int
s_done(PGconn *c, const evl_sys_t *k, const char *note, cmn_api_reply_t *out)
{
    char msg[600];
    int err = cmn_pg_cmd(c, "COMMIT");
    if (err != 0)
        return err;
    snprintf(msg, sizeof msg, "case %s: %s", k->tracking_id, note);
    out->kick = true;
    return evl__action(out, NULL, msg, NULL);
}

static int
s_plan_tx(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const evl_t *self = arg;
    const Mlps__V1__RectificationPlanRequest *req =
        (const Mlps__V1__RectificationPlanRequest *) m->payload;
    s_rect_t rq = {req->tracking_id, req->unit_secret, EVL_EV_PLAN};
    evl_sys_t *k = calloc(1, sizeof *k);
    cmn_problem_t *e = calloc(1, sizeof *e);
    char actor[160], note[400] = "";
    bool answered = false;
    int err =
        k && e ? s_rect_load(c, m, self, &rq, k, out, &answered) : CMN_ENOMEM;
    if (err == 0 && !answered) {
        evl__text(e, "summary", req->summary, S_SUMMARY_MAX,
                  CMN_TEXT_REQUIRED | CMN_TEXT_MULTILINE | CMN_TEXT_CHARS);
        if (!evl__hex64(req->plan_sha256))
            cmn_problem_add(e, "plan_sha256",
                            "must be 64 lower-case hex characters");
        if (e->count > 0)
            err = evl__action(out, "invalid", "the plan was not recorded", e);
        else if ((err = evl_flow_plan(
                      c, k, req->summary, req->plan_sha256,
                      evl_flow_unit_actor(&m->peer, k, actor, sizeof actor),
                      cmn_svc_today(&self->conf.base), note, sizeof note)) == 0)
            err = s_done(c, k, note, out);
    }
    free(e);
    free(k);
    return err;
}

int
evl__rect_plan(PGconn *c, const cmn_env_msg_t *m, void *arg,
               cmn_api_reply_t *out)
{
    return evl__retry(c, m, arg, out, s_plan_tx);
}

static int
s_review_tx(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const evl_t *self = arg;
    const Mlps__V1__RectificationReviewRequest *req =
        (const Mlps__V1__RectificationReviewRequest *) m->payload;
    s_rect_t rq = {req->tracking_id, NULL, EVL_EV_REVIEW};
    evl_sys_t *k = calloc(1, sizeof *k);
    cmn_problem_t *e = calloc(1, sizeof *e);
    char actor[160], note[600] = "";
    bool answered = false;
    int err =
        k && e ? s_rect_load(c, m, self, &rq, k, out, &answered) : CMN_ENOMEM;
    if (err == 0 && !answered) {
        evl__text(e, "reason", req->reason, S_SUMMARY_MAX,
                  CMN_TEXT_MULTILINE | CMN_TEXT_CHARS |
                      (req->approve ? 0 : CMN_TEXT_REQUIRED));
        if (e->count > 0)
            err = evl__action(out, "invalid", "the review was not recorded", e);
        else if ((err = evl_flow_review(
                      c, k, req->approve, req->reason,
                      cmn_ident_label(&m->peer, actor, sizeof actor),
                      cmn_svc_today(&self->conf.base), note, sizeof note)) == 0)
            err = s_done(c, k, note, out);
    }
    free(e);
    free(k);
    return err;
}

int
evl__rect_review(PGconn *c, const cmn_env_msg_t *m, void *arg,
                 cmn_api_reply_t *out)
{
    return evl__retry(c, m, arg, out, s_review_tx);
}

static int
s_complete_tx(PGconn *c, const cmn_env_msg_t *m, void *arg,
              cmn_api_reply_t *out)
{
    const evl_t *self = arg;
    const Mlps__V1__RectificationCompleteRequest *req =
        (const Mlps__V1__RectificationCompleteRequest *) m->payload;
    s_rect_t rq = {req->tracking_id, req->unit_secret, EVL_EV_COMPLETE};
    evl_sys_t *k = calloc(1, sizeof *k);
    cmn_problem_t *e = calloc(1, sizeof *e);
    char actor[160], note[600] = "";
    bool answered = false;
    int err =
        k && e ? s_rect_load(c, m, self, &rq, k, out, &answered) : CMN_ENOMEM;
    if (err == 0 && !answered) {
        evl__text(e, "summary", req->summary, S_SUMMARY_MAX,
                  CMN_TEXT_REQUIRED | CMN_TEXT_MULTILINE | CMN_TEXT_CHARS);
        if (e->count > 0)
            err = evl__action(out, "invalid",
                              "the completion was not "
                              "recorded",
                              e);
        else if ((err = evl_flow_complete(
                      c, self, k, req->summary,
                      evl_flow_unit_actor(&m->peer, k, actor, sizeof actor),
                      cmn_svc_today(&self->conf.base), note, sizeof note)) == 0)
            err = s_done(c, k, note, out);
    }
    free(e);
    free(k);
    return err;
}

int
evl__rect_complete(PGconn *c, const cmn_env_msg_t *m, void *arg,
                   cmn_api_reply_t *out)
{
    return evl__retry(c, m, arg, out, s_complete_tx);
}

/* --- inspections --------------------------------------------------------- */

/* The important systems the caller covers, with their inspections, into
 * sys (pointing into r); *n of them. */
static int
s_insp_load(PGconn *c, const evl_t *self, const cmn_ident_t *who, PGresult **r,
            evl_insp_sys_t **sys, int **rows, size_t *n)
{
    int err;
    *r = cmn_pg_exec(c,
                     "SELECT s.tracking_id, s.level, extract(year FROM "
                     "s.accepted_on)::integer, coalesce((SELECT max(extract("
                     "year FROM i.inspected_on))::integer FROM inspections i "
                     "WHERE i.tracking_id = s.tracking_id), 0), s.unit_name, "
                     "s.system_name, s.region_code FROM systems s WHERE "
                     "s.level >= 3 ORDER BY s.tracking_id",
                     0, NULL, &err);
    if (*r == NULL)
        return err;
    int total = PQntuples(*r);
    *sys = calloc((size_t) total + 1, sizeof **sys);
    *rows = calloc((size_t) total + 1, sizeof **rows);
    if (*sys == NULL || *rows == NULL)
        return CMN_ENOMEM;
    *n = 0;
    for (int i = 0; i < total; i++) {
        if (!cmn_svc_covers(self->svc, who, PQgetvalue(*r, i, 6)))
            continue;
        (*sys)[*n] = (evl_insp_sys_t){
            PQgetvalue(*r, i, 0), atoi(PQgetvalue(*r, i, 1)),
            atoi(PQgetvalue(*r, i, 2)), atoi(PQgetvalue(*r, i, 3))};
        (*rows)[(*n)++] = i;
    }
    return 0;
}

int
evl__insp_plan(PGconn *c, const cmn_env_msg_t *m, void *arg,
               cmn_api_reply_t *out)
{
    const evl_t *self = arg;
    const Mlps__V1__InspectionPlanRequest *req =
        (const Mlps__V1__InspectionPlanRequest *) m->payload;
    const ProtobufCMessageDescriptor *d =
        &mlps__v1__inspection_plan_reply__descriptor;
    if (req->year < 2000 || req->year > 9999)
        return evl__problem(out, d, "invalid", "year: must be 2000 to 9999");
    PGresult *r = NULL;
    evl_insp_sys_t *sys = NULL;
    int *rows = NULL;
    size_t n = 0, np = 0;
    evl_insp_count_t count;
    evl_insp_pick_t *picks = NULL;
    Mlps__V1__InspectionItem *items = NULL, **ptrs = NULL;
    int err = s_insp_load(c, self, &m->peer, &r, &sys, &rows, &n);
    if (err == 0 && ((picks = calloc(n + 1, sizeof *picks)) == NULL ||
                     (items = calloc(n + 1, sizeof *items)) == NULL ||
                     (ptrs = calloc(n + 1, sizeof *ptrs)) == NULL))
        err = CMN_ENOMEM;
    if (err == 0)
        err = evl_inspect_plan(sys, n, (int) req->year, picks, &np, &count);
    for (size_t i = 0; err == 0 && i < np; i++) {
        const evl_insp_sys_t *s = &sys[picks[i].index];
        int row = rows[picks[i].index];
        mlps__v1__inspection_item__init(&items[i]);
        items[i].tracking_id = (char *) s->tracking_id;
        items[i].level = (uint32_t) s->level;
        items[i].last_inspected = (uint32_t) s->last_inspected_year;
        items[i].required = picks[i].required;
        items[i].reason = picks[i].reason;
        items[i].unit_name = PQgetvalue(r, row, 4);
        items[i].system_name = PQgetvalue(r, row, 5);
        items[i].region_code = PQgetvalue(r, row, 6);
        ptrs[i] = &items[i];
    }
    if (err == 0) {
        Mlps__V1__InspectionPlanReply rep =
            MLPS__V1__INSPECTION_PLAN_REPLY__INIT;
        rep.year = req->year;
        rep.important = (uint32_t) count.important;
        rep.done = (uint32_t) count.done;
        rep.n_items = np;
        rep.items = ptrs;
        err = cmn_api_reply(out, d->name, &rep.base);
    }
    free(ptrs);
    free(items);
    free(picks);
    free(rows);
    free(sys);
    PQclear(r);
    return err;
}

static void
s_check_record(const Mlps__V1__InspectionRecordRequest *req, dom_date_t today,
               dom_date_t *on, cmn_problem_t *e)
{
    char day[DOM_DATE_BUFSZ];
    if (dom_date_parse(req->inspected_on, on) != 0)
        cmn_problem_add(e, "inspected_on", "must be a date YYYY-MM-DD");
    else if (*on > today)
        cmn_problem_add(e, "inspected_on", "is after today (%s)",
                        dom_date_format(today, day));
    if (strcmp(req->result, "passed") != 0 &&
        strcmp(req->result, "issues") != 0)
        cmn_problem_add(e, "result", "must be \"passed\" or \"issues\"");
    evl__text(e, "note", req->note, S_SUMMARY_MAX,
              CMN_TEXT_MULTILINE | CMN_TEXT_CHARS);
}

static int
s_record_tx(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const evl_t *self = arg;
    const Mlps__V1__InspectionRecordRequest *req =
        (const Mlps__V1__InspectionRecordRequest *) m->payload;
    evl_sys_t *k = calloc(1, sizeof *k);
    cmn_problem_t *e = calloc(1, sizeof *e);
    dom_date_t on = 0;
    bool found = false;
    char actor[160], day[16], msg[300];
    int err = k && e ? cmn_pg_cmd(c, "BEGIN") : CMN_ENOMEM;
    if (err == 0)
        err = evl_store_sys_load(c, req->tracking_id, true, k, &found);
    if (err != 0)
        goto out;
    if (!found || !cmn_svc_covers(self->svc, &m->peer, k->region_code)) {
        snprintf(msg, sizeof msg,
                 "no evaluation case \"%.64s\" for this "
                 "caller",
                 req->tracking_id);
        err = evl__action(out, "not_found", msg, NULL);
        goto out;
    }
    s_check_record(req, cmn_svc_today(&self->conf.base), &on, e);
    if (k->level < 3)
        cmn_problem_add(e, "tracking_id",
                        "is a level-%d system: inspections "
                        "are of important systems (level 3 and above)",
                        k->level);
    if (e->count > 0) {
        err = evl__action(out, "invalid", "the inspection was not recorded", e);
        goto out;
    }
    cmn_ident_label(&m->peer, actor, sizeof actor);
    evl_store_day_param(on, day);
    const char *p[5] = {k->tracking_id, day, req->result, req->note, actor};
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO inspections (tracking_id, "
                              "inspected_on, result, note, by_whom) VALUES "
                              "($1, DATE '1970-01-01' + $2::integer, $3, $4, "
                              "$5)",
                              5, p, &err);
    PQclear(r);
    if (err == 0)
        err = cmn_audit(c, actor, "inspection.recorded", k->tracking_id,
                        "%s on %s%s%.200s", req->result, req->inspected_on,
                        req->note[0] ? ": " : "", req->note);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err == 0) {
        snprintf(msg, sizeof msg, "case %s: inspection of %s recorded (%s)",
                 k->tracking_id, req->inspected_on, req->result);
        out->kick = true;
        err = evl__action(out, NULL, msg, NULL);
    }
out:
    free(e);
    free(k);
    return err;
}

int
evl__insp_record(PGconn *c, const cmn_env_msg_t *m, void *arg,
                 cmn_api_reply_t *out)
{
    if (!evl__this_office(arg, &m->peer))
        return evl__action(out, "forbidden",
                           "only the municipal office's people record "
                           "inspections",
                           NULL);
    return evl__retry(c, m, arg, out, s_record_tx);
}

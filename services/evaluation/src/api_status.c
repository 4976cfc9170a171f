/* api_status.c - the evaluation's read-only requests: a system's status
 * (its round, engagement, report and rectification), the list of what is
 * due and the office's queue, each showing a caller only what it may see
 * (a case it may not see is answered exactly as one that does not exist). */
#include "api_int.h"
#include "cmn/log.h"
#include "cmn/text.h"
#include "dom/verdict.h"
#include "evl/flow.h"
#include "mlps/v1/evaluation.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- status ------------------------------------------------------------ */

static int
s_status_reply(PGconn *c, const evl_sys_t *k, cmn_api_reply_t *out)
{
    Mlps__V1__EvaluationStatusReply r = MLPS__V1__EVALUATION_STATUS_REPLY__INIT;
    char eng[DOM_DATE_BUFSZ] = "", rep[DOM_DATE_BUFSZ] = "";
    char due[DOM_DATE_BUFSZ] = "", name[EVL_NAME_MAX + 1] = "";
    dom_verdict_t v;
    int err = 0;
    if (k->institution_id[0] != '\0') {
        const char *p[1] = {k->institution_id};
        PGresult *res = cmn_pg_exec(
            c, "SELECT name FROM institutions WHERE id = $1", 1, p, &err);
        if (res == NULL)
            return err;
        if (PQntuples(res) == 1)
            snprintf(name, sizeof name, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
    }
    if (dom_date_valid(k->engaged_on))
        dom_date_format(k->engaged_on, eng);
    if (dom_date_valid(k->report_date))
        dom_date_format(k->report_date, rep);
    if (dom_date_valid(k->next_due))
        dom_date_format(k->next_due, due);
    bool reported = dom_verdict_parse(k->verdict, &v) == 0;
    r.tracking_id = (char *) k->tracking_id;
    r.state = (char *) evl_state_name(k->state);
    r.level = (uint32_t) k->level;
    r.round = (uint32_t) k->round;
    r.institution_id = (char *) k->institution_id;
    r.institution_name = name;
    r.engaged = (char *) k->engaged;
    r.engaged_on = eng;
    r.verdict = (char *) k->verdict;
    r.verdict_title = reported ? (char *) dom_verdict_title(v) : "";
    r.score = (uint32_t) k->score;
    r.high_risks = (uint32_t) k->high;
    r.medium_risks = (uint32_t) k->medium;
    r.report_date = rep;
    r.next_due = due;
    r.calendar = (char *) k->calendar;
    r.proposal = (char *) k->proposal;
    r.detail = (char *) k->detail;
    r.unit_name = (char *) k->unit_name;
    r.system_name = (char *) k->system_name;
    r.region_code = (char *) k->region_code;
    return cmn_api_reply(
        out, mlps__v1__evaluation_status_reply__descriptor.name, &r.base);
}

int
evl__status(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const Mlps__V1__EvaluationStatusRequest *req =
        (const Mlps__V1__EvaluationStatusRequest *) m->payload;
    evl_sys_t *k = calloc(1, sizeof *k);
    bool found = false;
    char msg[200];
    int err = k ? cmn_pg_cmd(c, "BEGIN ISOLATION LEVEL REPEATABLE READ "
                                "READ ONLY")
                : CMN_ENOMEM;
    if (err == 0)
        err = evl_store_sys_load(c, req->tracking_id, false, k, &found);
    if (err == 0 && found && evl__may_see(arg, &m->peer, k, req->unit_secret)) {
        err = s_status_reply(c, k, out);
    } else if (err == 0) {
        if (found)
            cmn_log_info("case %.64s: not shown to \"%s\"", req->tracking_id,
                         m->peer.name);
        snprintf(msg, sizeof msg,
                 "no evaluation case \"%.64s\" for this caller (a unit gives "
                 "its proof; an institution sees only its own assignments)",
                 req->tracking_id);
        err = evl__problem(out, &mlps__v1__evaluation_status_reply__descriptor,
                           "not_found", msg);
    }
    cmn_pg_rollback(c);
    free(k);
    return err;
}

/* --- lists: what is due, what waits for the office --------------------- */

typedef struct {
    Mlps__V1__EvaluationItem item;
    char due[DOM_DATE_BUFSZ];
} s_item_t;

/* The rows of r (the columns of s_list's queries) visible to who, into
 * the reply. */
static int
s_list_reply(const evl_t *self, const cmn_ident_t *who, const PGresult *r,
             dom_date_t today, const char *before, cmn_api_reply_t *out)
{
    int n = PQntuples(r);
    s_item_t *rows = calloc((size_t) n + 1, sizeof *rows);
    Mlps__V1__EvaluationItem **items = calloc((size_t) n + 1, sizeof *items);
    Mlps__V1__EvaluationListReply rep = MLPS__V1__EVALUATION_LIST_REPLY__INIT;
    size_t shown = 0;
    int err = rows && items ? 0 : CMN_ENOMEM;
    for (int i = 0; err == 0 && i < n; i++) {
        if (!cmn_svc_covers(self->svc, who, PQgetvalue(r, i, 8)))
            continue;
        s_item_t *row = &rows[shown];
        Mlps__V1__EvaluationItem *it = &row->item;
        mlps__v1__evaluation_item__init(it);
        it->tracking_id = PQgetvalue(r, i, 0);
        it->level = (uint32_t) atoi(PQgetvalue(r, i, 1));
        it->state = PQgetvalue(r, i, 2);
        if (!PQgetisnull(r, i, 3)) {
            dom_date_t d = (dom_date_t) atol(PQgetvalue(r, i, 3));
            it->next_due = dom_date_format(d, row->due);
            it->days_left = (int32_t) (d - today);
        }
        it->calendar = PQgetvalue(r, i, 4);
        it->institution_id = PQgetvalue(r, i, 5);
        it->unit_name = PQgetvalue(r, i, 6);
        it->system_name = PQgetvalue(r, i, 7);
        it->region_code = PQgetvalue(r, i, 8);
        it->detail = PQgetvalue(r, i, 9);
        it->proposal = PQgetvalue(r, i, 10);
        items[shown++] = it;
    }
    rep.n_items = shown;
    rep.items = items;
    rep.before = (char *) before;
    if (err == 0)
        err = cmn_api_reply(
            out, mlps__v1__evaluation_list_reply__descriptor.name, &rep.base);
    free(rows);
    free(items);
    return err;
}

#define S_ITEM_COLS                                                       \
    "tracking_id, level, state, next_due - DATE '1970-01-01', calendar, " \
    "coalesce(institution_id, ''), unit_name, system_name, region_code, " \
    "detail, coalesce(proposal, '')"

int
evl__due(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const evl_t *self = arg;
    const Mlps__V1__EvaluationDueRequest *req =
        (const Mlps__V1__EvaluationDueRequest *) m->payload;
    dom_date_t today = cmn_svc_today(&self->conf.base), before;
    char upto[16], day[DOM_DATE_BUFSZ];
    int err;
    if (req->before[0] == '\0')
        before = today + (dom_date_t) self->conf.warn_days;
    else if (dom_date_parse(req->before, &before) != 0)
        return evl__problem(out, &mlps__v1__evaluation_list_reply__descriptor,
                            "invalid", "before: must be a date YYYY-MM-DD");
    evl_store_day_param(before, upto);
    const char *p[1] = {upto};
    PGresult *r = cmn_pg_exec(c,
                              "SELECT " S_ITEM_COLS " FROM systems WHERE "
                              "next_due <= DATE '1970-01-01' + $1::integer "
                              "OR calendar = 'overdue' ORDER BY next_due, "
                              "tracking_id LIMIT 2000",
                              1, p, &err);
    if (r == NULL)
        return err;
    err = s_list_reply(self, &m->peer, r, today, dom_date_format(before, day),
                       out);
    PQclear(r);
    return err;
}

int
evl__queue(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const evl_t *self = arg;
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT " S_ITEM_COLS " FROM systems WHERE "
                              "state IN ('proposed', 'escalated', "
                              "'plan_review') ORDER BY state, updated_at, "
                              "tracking_id LIMIT 2000",
                              0, NULL, &err);
    if (r == NULL)
        return err;
    err = s_list_reply(self, &m->peer, r, cmn_svc_today(&self->conf.base), "",
                       out);
    PQclear(r);
    return err;
}

/* Who may ask what (the runtime refuses anyone else before these run;
 * each handler then decides what the caller may see): the unit chooses
 * and rectifies (its key, or its proof through a gateway); the municipal
 * office's people assign, manage institutions, list and inspect; the
 * engaged institution reports; the expert panel reviews plans. */

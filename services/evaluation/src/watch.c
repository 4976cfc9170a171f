/* watch.c - the re-evaluation calendar and the escalations, on a timer: a
 * system whose next evaluation is due within evaluation.warn-days gets its
 * new round; an open round past its due date is marked overdue (once); an
 * escalated system, or one whose proposal no longer qualifies, is proposed
 * again. Each system in a transaction of its own. */
#include "cmn/log.h"
#include "evl/evaluation.h"
#include "evl/flow.h"
#include "evl/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { S_DUE, S_OVERDUE, S_PROPOSE } s_kind_t;

/* True when k's proposal still may be assigned today. */
static int
s_proposal_stands(PGconn *c, const evl_sys_t *k, dom_date_t today, bool *stands)
{
    evl_snapshot_t s;
    int err = evl_store_snapshot(c, &s);
    if (err != 0)
        return err;
    const evl_inst_t *in = evl_store_snapshot_find(&s, k->proposal);
    *stands = in != NULL && evl_select_why(in, k->unit_credit_code, today,
                                           EVL_CHECK_ALL, NULL, 0) == 0;
    evl_store_snapshot_release(&s);
    return 0;
}

/* What the watch does to one system, when it still applies. */
static int
s_act(PGconn *c, const evl_t *self, evl_sys_t *k, s_kind_t kind,
      dom_date_t today, char *note, size_t len)
{
    bool stands = false, changed = false;
    int err = 0;
    switch (kind) {
    case S_DUE:
        if (k->state == EVL_ST_EVALUATED && dom_date_valid(k->next_due) &&
            k->next_due - today <= self->conf.warn_days)
            err = evl_flow_due(c, self, k, today, note, len);
        break;
    case S_OVERDUE:
        if (evl_fsm_step(k->state, EVL_EV_OVERDUE)->act == EVL_ACT_FLAG &&
            dom_date_valid(k->next_due) && k->next_due < today &&
            strcmp(k->calendar, "overdue") != 0)
            err = evl_flow_overdue(c, k, today, note, len);
        break;
    case S_PROPOSE:
        if (k->state == EVL_ST_PROPOSED)
            err = s_proposal_stands(c, k, today, &stands);
        if (err == 0 && !stands &&
            evl_fsm_step(k->state, EVL_EV_REPROPOSE)->act == EVL_ACT_PROPOSE)
            err = evl_flow_repropose(c, self, k, today, &changed);
        if (err == 0 && changed)
            snprintf(note, len, "%s: %.200s", evl_state_name(k->state),
                     k->detail);
        break;
    }
    return err;
}

static int
s_one(PGconn *c, const evl_t *self, const char *tracking, s_kind_t kind,
      dom_date_t today)
{
    evl_sys_t *k = calloc(1, sizeof *k);
    bool found = false;
    char note[400] = "";
    int err = k != NULL ? cmn_pg_cmd(c, "BEGIN") : CMN_ENOMEM;
    if (err == 0)
        err = evl_store_sys_load(c, tracking, true, k, &found);
    if (err == 0 && found)
        err = s_act(c, self, k, kind, today, note, sizeof note);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err == 0 && note[0] != '\0')
        cmn_log_info("system %s: %s", tracking, note);
    cmn_pg_rollback(c);
    free(k);
    return err;
}

/* Runs s_one on every system sql (one parameter, the day) lists. */
static int
s_each(PGconn *c, const evl_t *self, const char *sql, dom_date_t day,
       s_kind_t kind, dom_date_t today)
{
    char p0[16];
    int err = 0;
    evl_store_day_param(day, p0);
    const char *p[1] = {p0};
    PGresult *r = cmn_pg_exec(c, sql, 1, p, &err);
    if (r == NULL)
        return err;
    for (int i = 0; i < PQntuples(r) && err != CMN_EDBCONN; i++) {
        err = s_one(c, self, PQgetvalue(r, i, 0), kind, today);
        if (err != 0 && err != CMN_EDBCONN) /* this system only: go on */
            cmn_log_error("system %s: the watch could not act: %s",
                          PQgetvalue(r, i, 0), cmn_strerror(err));
    }
    PQclear(r);
    return err == CMN_EDBCONN ? err : 0;
}

int
evl_watch_work(PGconn *c, void *arg)
{
    const evl_t *self = arg;
    dom_date_t today = cmn_svc_today(&self->conf.base);
    int err = s_each(c, self,
                     "SELECT tracking_id FROM systems WHERE state = "
                     "'evaluated' AND next_due <= DATE '1970-01-01' + "
                     "$1::integer ORDER BY next_due, tracking_id LIMIT 500",
                     today + (dom_date_t) self->conf.warn_days, S_DUE, today);
    if (err == 0)
        err = s_each(c, self,
                     "SELECT tracking_id FROM systems WHERE state <> "
                     "'evaluated' AND next_due < DATE '1970-01-01' + "
                     "$1::integer AND calendar <> 'overdue' ORDER BY "
                     "next_due, tracking_id LIMIT 500",
                     today, S_OVERDUE, today);
    if (err == 0)
        err = s_each(c, self,
                     "SELECT tracking_id FROM systems WHERE state IN "
                     "('escalated', 'proposed') AND $1::integer IS NOT NULL "
                     "ORDER BY updated_at, tracking_id LIMIT 500",
                     today, S_PROPOSE, today);
    return err;
}

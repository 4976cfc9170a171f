/* watch.c - the watch over sessions that are over: a round whose session
 * ended (more than panel.grace-days ago) with opinions missing can no longer
 * decide, so it is tallied as over and the case moves on. */
#include "cmn/log.h"
#include "pnl/flow.h"
#include "pnl/panel.h"
#include "pnl/store.h"

#include <inttypes.h>
#include <stdio.h>

static int
s_watch_one(PGconn *c, const pnl_t *self, const char *tracking,
            dom_date_t today)
{
    pnl_case_row_t k = {0};
    bool found = false;
    char note[300] = "";
    int err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = pnl_store_lock(c);
    if (err == 0)
        err = pnl_store_case_load(c, tracking, true, &k, &found);
    if (err == 0 && found &&
        pnl_fsm_step(k.state, PNL_EV_SESSION_OVER)->act == PNL_ACT_TALLY &&
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

int
pnl_watch_work(PGconn *c, void *arg)
{
    pnl_t *self = arg;
    dom_date_t today = cmn_svc_today(&self->conf.base);
    char last[16];
    int err = 0;
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

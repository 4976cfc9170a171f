/* watch.c - the clock watch: cases the office owes an answer (waiting for
 * its decision, or back from the panel without a quorum) get a warning a
 * few working days before their deadline and a breach recorded after it. */
#include "cmn/audit.h"
#include "cmn/log.h"
#include "rvw/flow.h"

#include <stdio.h>

/* One case, in its own transaction: warn once, record a breach once. */
static int
s_watch_one(PGconn *c, const rvw_t *self, const char *tracking,
            dom_date_t today)
{
    rvw_case_t k;
    dom_date_t deadline;
    int found, left = 0, err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = rvw_case_load(c, tracking, true, &k, &found);
    if (err != 0 || !found)
        return err;
    if (rvw_clock_state(&k.clock) != RVW_CLOCK_RUNNING ||
        rvw_clock_deadline(&k.clock, self->cal, &deadline) != 0 ||
        dom_calendar_count(self->cal, today, deadline, &left) != 0) {
        rvw_case_release(&k);
        return cmn_pg_cmd(c, "COMMIT");
    }
    char when[DOM_DATE_BUFSZ];
    dom_date_format(deadline, when);
    if (today > deadline && k.breached_on == DOM_DATE_NEVER) {
        k.breached_on = today;
        err = rvw_case_save(c, &k);
        if (err == 0)
            err = cmn_audit(c, "system", "deadline.breached", tracking,
                            "deadline %s passed", when);
        cmn_log_warn("case %s: review deadline %s breached", tracking, when);
    } else if (today <= deadline && left <= self->conf.warn_days &&
               k.warned_on == DOM_DATE_NEVER) {
        k.warned_on = today;
        err = rvw_case_save(c, &k);
        if (err == 0)
            err = cmn_audit(c, "system", "deadline.warning", tracking,
                            "%d working day(s) left, due %s", left, when);
        cmn_log_warn("case %s: review due %s, %d working day(s) left", tracking,
                     when, left);
    }
    rvw_case_release(&k);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    return err;
}

int
rvw_watch_work(PGconn *c, void *arg)
{
    const rvw_t *self = arg;
    dom_date_t today = cmn_svc_today(&self->conf.base);
    int err;
    /* Open cases whose clock runs: those the office must still answer. */
    PGresult *r = cmn_pg_exec(c,
                              "SELECT tracking_id FROM cases WHERE state IN "
                              "('pending', 'escalated') AND breached_on IS "
                              "NULL ORDER BY received_on LIMIT 1000",
                              0, NULL, &err);
    if (r == NULL)
        return err;
    for (int i = 0; err == 0 && i < PQntuples(r); i++)
        err = s_watch_one(c, self, PQgetvalue(r, i, 0), today);
    PQclear(r);
    return err;
}

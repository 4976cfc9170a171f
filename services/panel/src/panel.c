/* panel.c - the panel service: its definition, options and start-up (the
 * experts file). Handlers are in inbox.c and api.c, the watch in watch.c,
 * what they do to a case in flow.c. */
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
            *out = DOM_MONDAY + i;
            return 0;
        }
    }
    return CMN_EINVAL;
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
    self->cal.weekday = (int) weekday;
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

/* Upserts the experts in one transaction, with one audit event if that
 * changed anything. Start-up only (blocks the loop). */
static int
s_store_roster(const pnl_t *self, const pnl_roster_t *roster)
{
    char ids[400], why[256];
    int changed = 0, err = CMN_EDBCONN;
    /* The database may still be starting: try for a while. */
    PGconn *c =
        cmn_pg_connect(self->conf.base.db_url, 20, 500, why, sizeof why);
    if (c != NULL)
        err = cmn_pg_cmd(c, "SET search_path TO panel");
    else
        cmn_log_error("could not connect to store the experts: %s", why);
    if (err == 0)
        err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = pnl_roster_store(roster, c, &changed, ids, sizeof ids);
    if (err == 0 && changed > 0)
        err = cmn_audit(c, "system", "panel.experts", "experts",
                        "%zu experts listed; %d changed: %s",
                        pnl_roster_count(roster), changed, ids);
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
    err = cmn_svc_every(svc, 200, (uint64_t) self->conf.watch_ms,
                        pnl_watch_work, self);
    if (err != 0)
        return err;
    cmn_svc_kick(svc);
    return 0;
}

extern const cmn_migration_t panel_migrations[];

static const char *const s_peers[] = {PNL_REVIEW_DEST, CMN_AUDIT_DEST, NULL};

const cmn_svc_def_t pnl_service = {
    .name = "panel",
    .schema = "panel",
    .migrations = panel_migrations,
    .peers = s_peers,
    .handlers = pnl_inbox_handlers,
    .nhandlers = sizeof pnl_inbox_handlers / sizeof pnl_inbox_handlers[0],
    .api_handlers = pnl_api_handlers,
    .napi_handlers = sizeof pnl_api_handlers / sizeof pnl_api_handlers[0],
    .on_start = s_start,
};

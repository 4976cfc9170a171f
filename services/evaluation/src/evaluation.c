/* evaluation.c - the evaluation service: its definition, options and
 * start-up (the cadence, the optional cert peer, the watch). Handlers are
 * in inbox.c, api.c, api_inst.c and api_rect.c, the watch in watch.c, what
 * they do to a system in flow.c. */
#include "evl/evaluation.h"
#include "cmn/audit.h"
#include "cmn/log.h"

#include <stdio.h>
#include <stdlib.h>

const cmn_cfg_opt_t evl_options[] = {
    CMN_SVC_OPTIONS(evl_conf_t, base),
    {"evaluation.cadence", CMN_CFG_STR, "2:24,3:12,4:6,5:6", 0, 0,
     offsetof(evl_conf_t, cadence),
     "months between evaluations by level, LEVEL:MONTHS,..."},
    {"evaluation.warn-days", CMN_CFG_INT, "30", 0, 366,
     offsetof(evl_conf_t, warn_days),
     "days before the due date the next round opens"},
    {"evaluation.watch-ms", CMN_CFG_INT, "60000", 100, 86400000,
     offsetof(evl_conf_t, watch_ms), "how often the calendar is looked at"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

static int
s_start(cmn_svc_t *svc, void *arg)
{
    evl_t *self = arg;
    char why[200];
    self->svc = svc;
    if (dom_cadence_parse(self->conf.cadence, &self->cadence, why,
                          sizeof why) != 0) {
        cmn_log_error("\"evaluation.cadence\": %s", why);
        return CMN_ECONFIG;
    }
    self->tell_cert = cmn_svc_outbox(svc, EVL_CERT_DEST) != NULL;
    if (!self->tell_cert)
        cmn_log_warn("\"peers\" does not name %s: reports will not reach the "
                     "certificate service",
                     EVL_CERT_DEST);
    cmn_log_info("cadence (months by level 2..5): %d, %d, %d, %d; a round "
                 "opens %ld days before it is due",
                 self->cadence.months[2], self->cadence.months[3],
                 self->cadence.months[4], self->cadence.months[5],
                 self->conf.warn_days);
    int err = cmn_svc_every(svc, 200, (uint64_t) self->conf.watch_ms,
                            evl_watch_work, self);
    if (err != 0)
        return err;
    cmn_svc_kick(svc);
    return 0;
}

extern const cmn_migration_t evaluation_migrations[];

static const char *const s_peers[] = {CMN_AUDIT_DEST, NULL};

const cmn_svc_def_t evl_service = {
    .name = "evaluation",
    .schema = "evaluation",
    .migrations = evaluation_migrations,
    .peers = s_peers,
    .handlers = evl_inbox_handlers,
    .nhandlers = sizeof evl_inbox_handlers / sizeof evl_inbox_handlers[0],
    .api_handlers = evl_api_handlers,
    .napi_handlers = EVL_API_HANDLERS,
    .on_start = s_start,
};

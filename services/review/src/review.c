/* review.c - the grading review service: its definition, options and
 * start-up. Handlers are in inbox.c and api.c, the clock watch in
 * watch.c, what they share in flow.c. */
#include "rvw/review.h"
#include "cmn/audit.h"
#include "cmn/file.h"
#include "cmn/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RVW_CALENDAR_DEFAULT
#define RVW_CALENDAR_DEFAULT "cn-2026.txt"
#endif

const cmn_cfg_opt_t rvw_options[] = {
    CMN_SVC_OPTIONS(rvw_conf_t, base),
    {"review.calendar", CMN_CFG_STR, RVW_CALENDAR_DEFAULT, 0, 0,
     offsetof(rvw_conf_t, calendar), "working-day calendar files"},
    {"review.budget", CMN_CFG_INT, "10", 1, 100, offsetof(rvw_conf_t, budget),
     "working days to reply to a filing"},
    {"review.warn-days", CMN_CFG_INT, "2", 0, 100,
     offsetof(rvw_conf_t, warn_days), "warn this many working days ahead"},
    {"review.office-name", CMN_CFG_STR, "市信息化主管部门", 0, 0,
     offsetof(rvw_conf_t, office_name), "the office that signs the letters"},
    {"review.watch-ms", CMN_CFG_INT, "60000", 100, 86400000,
     offsetof(rvw_conf_t, watch_ms), "how often to check deadlines"},
    {"review.auto", CMN_CFG_STR, "none", 0, 0, offsetof(rvw_conf_t, auto_mode),
     "decide without a person: none, a (a clean A) or all"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

/* --- lifecycle --------------------------------------------------------- */

static int
s_load_calendar(rvw_t *self)
{
    char *copy = strdup(self->conf.calendar), *save = NULL, err[256];
    int rc = 0;
    if (copy == NULL || (self->cal = dom_calendar_new()) == NULL) {
        free(copy);
        return CMN_ENOMEM;
    }
    for (char *f = strtok_r(copy, ",", &save); f && rc == 0;
         f = strtok_r(NULL, ",", &save)) {
        char *text = NULL;
        size_t len = 0;
        rc = cmn_file_read(f, DOM_CALENDAR_MAX_BYTES, &text, &len, err,
                           sizeof err);
        if (rc == 0)
            rc = dom_calendar_parse(self->cal, f, text, len, err, sizeof err);
        free(text);
        if (rc != 0)
            cmn_log_error("could not load calendar: %s", err);
        else
            cmn_log_info("working-day calendar \"%s\" loaded", f);
    }
    free(copy);
    return rc;
}

static int
s_start(cmn_svc_t *svc, void *arg)
{
    rvw_t *self = arg;
    self->svc = svc;
    const char *mode = self->conf.auto_mode;
    if (strcmp(mode, "none") == 0) {
        self->autodecide = RVW_AUTO_NONE;
    } else if (strcmp(mode, "a") == 0) {
        self->autodecide = RVW_AUTO_A;
    } else if (strcmp(mode, "all") == 0) {
        self->autodecide = RVW_AUTO_ALL;
    } else {
        cmn_log_error("\"review.auto\" must be none, a or all, not \"%s\"",
                      mode);
        return CMN_ECONFIG;
    }
    if (self->autodecide != RVW_AUTO_NONE)
        cmn_log_warn(
            "review.auto=%s: %s decided by the system, not a person", mode,
            self->autodecide == RVW_AUTO_A ? "clean A recommendations are"
                                           : "every recommendation is");
    self->tell_intake = cmn_svc_outbox(svc, RVW_INTAKE_DEST) != NULL;
    if (!self->tell_intake)
        cmn_log_warn("\"peers\" does not name %s: districts will not hear "
                     "where their cases stand",
                     RVW_INTAKE_DEST);
    self->tell_eval = cmn_svc_outbox(svc, RVW_EVAL_DEST) != NULL;
    self->tell_cert = cmn_svc_outbox(svc, RVW_CERT_DEST) != NULL;
    if (!self->tell_eval || !self->tell_cert)
        cmn_log_warn("\"peers\" does not name %s%s%s: accepted cases go "
                     "no further",
                     self->tell_eval ? "" : RVW_EVAL_DEST,
                     !self->tell_eval && !self->tell_cert ? " and " : "",
                     self->tell_cert ? "" : RVW_CERT_DEST);
    int rc = s_load_calendar(self);
    if (rc != 0)
        return CMN_ECONFIG;
    return cmn_svc_every(svc, 200, (uint64_t) self->conf.watch_ms,
                         rvw_watch_work, self);
}

extern const cmn_migration_t review_migrations[];

static const char *const s_peers[] = {"panel", CMN_AUDIT_DEST, NULL};

const cmn_svc_def_t rvw_service = {
    .name = "review",
    .schema = "review",
    .migrations = review_migrations,
    .peers = s_peers,
    .handlers = rvw_inbox_handlers,
    .nhandlers = sizeof rvw_inbox_handlers / sizeof rvw_inbox_handlers[0],
    .api_handlers = rvw_api_handlers,
    .napi_handlers = sizeof rvw_api_handlers / sizeof rvw_api_handlers[0],
    .on_start = s_start,
};

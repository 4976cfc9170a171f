/* intake.c - the intake service: its definition, options and start-up
 * (its role from the office hierarchy). The request handlers are in
 * api.c, report.c and import.c, the durable handlers in inbox.c, the
 * forwarding and the monthly aggregate in watch.c, the tables in store.c. */
#include "itk/intake.h"
#include "cmn/audit.h"
#include "cmn/log.h"

#include <stdio.h>
#include <string.h>

const cmn_cfg_opt_t itk_options[] = {
    CMN_SVC_OPTIONS(itk_conf_t, base),
    {"intake.batch-ms", CMN_CFG_INT, "1000", 50, 3600000,
     offsetof(itk_conf_t, batch_ms), "district: forward a batch this often"},
    {"intake.batch-max", CMN_CFG_INT, "500", 1, 5000,
     offsetof(itk_conf_t, batch_max), "district: filings in a batch at most"},
    {"intake.aggregate-day", CMN_CFG_INT, "25", 0, 31,
     offsetof(itk_conf_t, aggregate_day),
     "district: send the month's aggregate by itself on this day (0: no)"},
    {"intake.aggregate-resend-s", CMN_CFG_INT, "3600", 0, 86400 * 31,
     offsetof(itk_conf_t, aggregate_resend_s),
     "district: then again when the month changed, at most this often"},
    {"intake.utc-offset-s", CMN_CFG_INT, "28800", -50400, 50400,
     offsetof(itk_conf_t, utc_offset_s),
     "municipal: the monthly deadline's zone (China: UTC+8)"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

bool
itk_covers(const itk_t *self, const cmn_ident_t *who, const char *region_code)
{
    return cmn_svc_covers(self->svc, who, region_code);
}

/* The role: a district when the hierarchy lists this office under the
 * municipal one; its peers follow from it. */
static int
s_role(itk_t *self, cmn_svc_t *svc)
{
    const dom_hierarchy_t *h = cmn_svc_hierarchy(svc);
    const char *office = self->conf.base.office;
    const dom_office_t *me = h ? dom_hierarchy_office(h, office) : NULL;
    self->role = me && me->parent[0] ? ITK_ROLE_DISTRICT : ITK_ROLE_MUNICIPAL;
    snprintf(self->municipal, sizeof self->municipal, "%s",
             h ? dom_hierarchy_municipal(h)->code : office);
    snprintf(self->upstream, sizeof self->upstream, "intake@%s",
             self->municipal);
    const char *need =
        self->role == ITK_ROLE_DISTRICT ? self->upstream : ITK_REVIEW_DEST;
    if (cmn_svc_outbox(svc, need) == NULL) {
        cmn_log_error(
            "\"peers\" must name %s: this intake is the %s office "
            "%s's",
            need, self->role == ITK_ROLE_DISTRICT ? "district" : "municipal",
            office);
        return CMN_ECONFIG;
    }
    if (self->role == ITK_ROLE_MUNICIPAL && h != NULL) {
        for (size_t i = 0; i < dom_hierarchy_ndistricts(h); i++) {
            char dest[41];
            snprintf(dest, sizeof dest, "intake@%s",
                     dom_hierarchy_district(h, i)->code);
            if (cmn_svc_outbox(svc, dest) == NULL)
                cmn_log_warn("\"peers\" does not name %s: that district "
                             "will not hear where its cases stand",
                             dest);
        }
    }
    cmn_log_info("intake of the %s office %s",
                 self->role == ITK_ROLE_DISTRICT ? "district" : "municipal",
                 office);
    return 0;
}

static int
s_start(cmn_svc_t *svc, void *arg)
{
    itk_t *self = arg;
    self->svc = svc;
    int rc = s_role(self, svc);
    if (rc == 0)
        rc = cmn_svc_every(svc, 200, (uint64_t) self->conf.batch_ms,
                           itk_watch_work, self);
    return rc;
}

extern const cmn_migration_t intake_migrations[];

static const char *const s_peers[] = {CMN_AUDIT_DEST, NULL};

const cmn_svc_def_t itk_service = {
    .name = "intake",
    .schema = "intake",
    .migrations = intake_migrations,
    .peers = s_peers,
    .handlers = itk_inbox_handlers,
    .nhandlers = sizeof itk_inbox_handlers / sizeof itk_inbox_handlers[0],
    .api_handlers = itk_api_handlers,
    .napi_handlers = sizeof itk_api_handlers / sizeof itk_api_handlers[0],
    .on_start = s_start,
};

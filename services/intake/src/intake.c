/* intake.c - the intake service: its definition, options and start-up.
 * The request handlers are in api.c, the tables in store.c. */
#include "itk/intake.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "itk/validate.h"

const cmn_cfg_opt_t itk_options[] = {
    CMN_SVC_OPTIONS(itk_conf_t, base),
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

static int
s_start(cmn_svc_t *svc, void *arg)
{
    itk_t *self = arg;
    if (self->conf.base.today[0] != '\0' &&
        !itk_date_valid(self->conf.base.today)) {
        cmn_log_error("\"clock.today\" must be a date YYYY-MM-DD");
        return CMN_ECONFIG;
    }
    (void) svc;
    return 0;
}

extern const cmn_migration_t intake_migrations[];

static const char *const s_peers[] = {ITK_REVIEW_DEST, CMN_AUDIT_DEST, NULL};

const cmn_svc_def_t itk_service = {
    .name = "intake",
    .schema = "intake",
    .migrations = intake_migrations,
    .peers = s_peers,
    .api_handlers = itk_api_handlers,
    .napi_handlers = sizeof itk_api_handlers / sizeof itk_api_handlers[0],
    .on_start = s_start,
};

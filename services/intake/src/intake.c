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

extern const cmn_migration_t intake_migrations[];

static const char *const s_peers[] = {ITK_REVIEW_DEST, CMN_AUDIT_DEST, NULL};

const cmn_svc_def_t itk_service = {
    .name = "intake",
    .schema = "intake",
    .migrations = intake_migrations,
    .peers = s_peers,
    .api_handlers = itk_api_handlers,
    .napi_handlers = sizeof itk_api_handlers / sizeof itk_api_handlers[0],
};

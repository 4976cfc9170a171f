/* intake.h - the intake service: takes filings in from units (through their
 * office), checks them field by field, gives each a tracking id, and hands
 * it to grading review; takes supplemented materials and a unit's decision
 * to keep its level after a C reply. Each accepted request commits its row,
 * its message to review and its audit event in one transaction. */
#ifndef ITK_INTAKE_H
#define ITK_INTAKE_H
#include "cmn/svc.h"

typedef struct {
    cmn_svc_conf_t base;
} itk_conf_t;

typedef struct {
    itk_conf_t conf;
} itk_t;

#define ITK_REVIEW_DEST "review"

extern const cmn_cfg_opt_t itk_options[];
extern const cmn_svc_def_t itk_service;

/* The request handlers (api.c). */
extern const cmn_api_handler_t itk_api_handlers[3];

#endif /* ITK_INTAKE_H */

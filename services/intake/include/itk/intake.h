/* intake.h - the intake service: takes filings in from units (through
 * their office), checks them field by field, gives each a tracking id and
 * the unit's proof, and hands it on; takes supplemented materials and a
 * unit's decision to keep its level after a C reply.
 *
 * The same binary runs in two roles, read from the office hierarchy
 * (office.hierarchy): at the municipal office it hands filings to review,
 * takes in the batches and monthly aggregates its districts forward
 * (FilingBatch, MonthlyAggregate), holds possible duplicates, reconciles
 * each aggregate with what it received and reports the month's rates; at
 * a district office it keeps its units' filings and forwards them upward
 * in batches through the durable runtime (a broken link only delays
 * them), sends the month's aggregate, and hears back where each case
 * stands. Each accepted request commits its rows, its messages and its
 * audit event in one transaction. */
#ifndef ITK_INTAKE_H
#define ITK_INTAKE_H
#include "cmn/svc.h"

#define ITK_REVIEW_DEST "review"

typedef enum {
    ITK_ROLE_MUNICIPAL = 0, /* the municipal office (or no hierarchy) */
    ITK_ROLE_DISTRICT,      /* a district office under it */
} itk_role_t;

typedef struct {
    cmn_svc_conf_t base;
    long batch_ms;           /* district: how often to forward a batch */
    long batch_max;          /* district: filings in one batch at most */
    long aggregate_day;      /* district: send the month's aggregate on or after
                                this day of it by itself (0: only when asked) */
    long aggregate_resend_s; /* district: after that day, send it again when
                                the month changed, at most this often */
    long utc_offset_s; /* municipal: the zone the monthly deadline is in */
} itk_conf_t;

typedef struct {
    itk_conf_t conf;
    /* Set at start, read-only afterwards: shared by worker threads. */
    cmn_svc_t *svc;
    itk_role_t role;
    char municipal[8]; /* the municipal office's code */
    char upstream[41]; /* district: the municipal intake, "intake@110100" */
} itk_t;

extern const cmn_cfg_opt_t itk_options[];
extern const cmn_svc_def_t itk_service;

/* The handler tables (api.c, inbox.c) and the watch (watch.c, run by
 * cmn_svc_every; arg is the itk_t). */
extern const cmn_api_handler_t itk_api_handlers[8];
extern const cmn_inbox_handler_t itk_inbox_handlers[7];
int itk_watch_work(PGconn *c, void *arg);

/* Who may see or act on a filing of region_code taken in by district (a
 * tracking id's office): an office covering the region (cmn_svc_covers). */
bool itk_covers(const itk_t *self, const cmn_ident_t *who,
                const char *region_code);

#endif /* ITK_INTAKE_H */

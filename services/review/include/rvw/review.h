/* review.h - the grading review service.
 *
 * Data flow: intake -> FilingReceived -> here: the matrix check and the
 * materials check recommend A, B or C, and the case waits in the office's
 * queue ("pending") until a member of staff decides (ReviewDecideRequest),
 * or review.auto decides for the office at once. A decision commits with
 * the case, its reply letter, its audit event and (for C) the
 * PanelReferral. MaterialsSupplemented reopens a B case (the clock starts
 * again); PanelDecision / PanelEscalation come back from the panel;
 * UnitInsists settles a C case at the unit's level with a liability
 * notice; FilingRevised (a district's changed record) is reviewed afresh
 * while the case waits. Each change of state goes back to the municipal
 * intake (CaseDecided), which tells the district. A timer watches the clock of
 * every case the office owes an answer: a warning before the deadline, a breach
 * recorded after it. Clients ask for a case's status and letter (with the
 * unit's proof, or as an office covering the unit), and staff for the queue. */
#ifndef RVW_REVIEW_H
#define RVW_REVIEW_H
#include "cmn/svc.h"
#include "dom/calendar.h"

#include <stdbool.h>

#define RVW_INTAKE_DEST "intake"     /* the municipal intake, optional peer */
#define RVW_EVAL_DEST   "evaluation" /* after A (optional peers) */
#define RVW_CERT_DEST   "cert"

/* What review.auto decides without a person. */
typedef enum {
    RVW_AUTO_NONE = 0, /* every decision is a person's (the default) */
    RVW_AUTO_A,        /* a clean A (nothing missing, grading agrees) */
    RVW_AUTO_ALL,      /* every recommendation, as the system */
} rvw_auto_t;

typedef struct {
    cmn_svc_conf_t base;
    char *calendar;    /* calendar files, comma-separated */
    long budget;       /* working days to reply */
    long warn_days;    /* warn when this many working days or fewer are left */
    long watch_ms;     /* how often to look at the clocks */
    char *office_name; /* who signs the letters */
    char *auto_mode;   /* "none", "a", "all" */
} rvw_conf_t;

typedef struct {
    rvw_conf_t conf;
    /* Set at start, read-only afterwards: shared by worker threads. */
    dom_calendar_t *cal;
    rvw_auto_t autodecide;
    cmn_svc_t *svc;
    bool tell_intake; /* "intake" is among the peers: CaseDecided goes */
    bool tell_eval, tell_cert; /* CaseAccepted goes to each named peer */
} rvw_t;

extern const cmn_cfg_opt_t rvw_options[];
extern const cmn_svc_def_t rvw_service;

/* The handler tables (inbox.c, api.c) and the clock watch (watch.c, run
 * by cmn_svc_every; arg is the rvw_t). */
extern const cmn_inbox_handler_t rvw_inbox_handlers[6];
extern const cmn_api_handler_t rvw_api_handlers[4];
int rvw_watch_work(PGconn *c, void *arg);

#endif /* RVW_REVIEW_H */

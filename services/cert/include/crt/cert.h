/* cert.h - the certificate issuance service (mlps-cert, schema cert).
 *
 * Data flow: review -> CaseAccepted -> here, once per acceptance; the
 * issuance rule (flow.h) decides at once: a level that needs no
 * evaluation first (cert.evaluate-levels, default 3,4,5) is issued, one
 * that does waits until evaluation -> EvaluationConcluded brings a report
 * that is not poor (差) at the case's level. Issuing is three steps,
 * Boulder's: the number is allocated and committed with every field it
 * will be signed with (in the deciding transaction), then signed with the
 * service's key (cert.sign-key-file, which only this service holds), then
 * the certificate is stored with its audit event. A crash between the
 * steps leaves a committed number that the issuer's next round signs and
 * stores (issue.h); no number is used twice, none is lost. Staff with the
 * role "registrar" revoke (a reason code; a second time changes nothing)
 * and reissue (the old certificate revoked as superseded, a new number at
 * the new level); each revocation publishes a new signed revocation list,
 * and so does a timer. Clients read a certificate's status and its PDF
 * (the unit with its proof, or an office covering the unit) and the list
 * (anyone with a key). Every issuance, print, revocation and reissue is an
 * audit event. */
#ifndef CRT_CERT_H
#define CRT_CERT_H
#include "cmn/svc.h"
#include "crt/pdf.h"
#include "dom/cert/content.h"
#include "dom/cert/sig.h"
#include "dom/certno.h"

#include <stdatomic.h>
#include <stdbool.h>

#define CRT_SCHEMA      "cert"
#define CRT_REGISTRAR   "registrar" /* the staff role that revokes, reissues */
#define CRT_ORGAN_NAMES 32          /* entries of cert.organ-names */

/* The steps of issuing, where the test switch cert.fail-at stops. */
typedef enum {
    CRT_STEP_NONE = 0,
    CRT_STEP_ALLOCATED, /* the number committed, nothing signed yet */
    CRT_STEP_SIGNED,    /* signed, not yet stored */
    CRT_STEP_STORED,    /* stored and committed */
} crt_step_id_t;

typedef struct {
    char code[16];
    char name[CRT_ORGAN_NAME_MAX + 1];
} crt_organ_name_t;

typedef struct {
    cmn_svc_conf_t base;
    char *sign_key_file;   /* the issuer's private key (PEM) */
    char *sm2_id;          /* SM2 user id */
    char *number_format;   /* dom/certno.h pattern */
    char *organ;           /* fixed organ code; "" the case's district */
    char *organ_names;     /* "CODE=NAME;..." as printed */
    char *evaluate_levels; /* levels that need an evaluation first */
    char *revlist_file;    /* where the latest list is written; "" none */
    char *fail_at;         /* TEST SWITCH: the step, "" off */
    char *fail_mode;       /* ... "kill" or "error" */
    long fail_every;       /* ... every n-th time the step is reached */
    char *renderer;        /* mlps-cert-render's path; "" beside us */
    long issue_ms, lease_ms, revlist_ms, render_ms;
} crt_conf_t;

typedef struct {
    crt_conf_t conf;
    /* Set at start, read-only afterwards: shared by worker threads. */
    cmn_svc_t *svc;
    crt_key_t *key;
    dom_certno_fmt_t fmt;
    int organ_width; /* digits of the format's organ code */
    bool needs_evaluation[CRT_LEVEL_MAX + 1];
    crt_organ_name_t names[CRT_ORGAN_NAMES];
    size_t nnames;
    char renderer[4096];     /* the renderer, found at start */
    crt_step_id_t fail_step; /* CRT_STEP_NONE: the switch is off */
    bool fail_kill;          /* SIGKILL, else fail the step */
    /* Shared, changing. */
    atomic_uint fail_seen;     /* steps reached at fail_step */
    long long revlist_written; /* the watch's alone: the list on file */
} crt_t;

extern const cmn_cfg_opt_t crt_options[];
extern const cmn_svc_def_t crt_service;

/* The handler tables (inbox.c; api.c and registrar.c together). */
extern const cmn_inbox_handler_t crt_inbox_handlers[2];
extern const cmn_api_handler_t crt_api_handlers[5];

/* The organ's printed name (cert.organ-names), or NULL. */
const char *crt_organ_name(const crt_t *self, const char *organ);

/* Frees what start-up loaded (the key). */
void crt_release(crt_t *self);

#endif /* CRT_CERT_H */

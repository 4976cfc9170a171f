/* case.h - a review case as stored in review.cases (worker thread only).
 * Load it FOR UPDATE inside a transaction, change it, save it. */
#ifndef RVW_CASE_H
#define RVW_CASE_H
#include "dom/date.h"
#include "dom/materials.h"
#include "rvw/clock.h"
#include "rvw/fsm.h"

#include <libpq-fe.h>
#include <stdbool.h>

typedef struct {
    char tracking_id[64];
    char office[33];
    char unit_name[604];
    char unit_credit_code[19];
    char system_name[604];
    bool has_supervisor;
    int proposed_level, computed_level, level;
    rvw_state_t state;
    char outcome; /* the decided outcome; '\0' before the first decision */
    dom_material_t materials[DOM_MAT_COUNT];
    size_t nmaterials;
    dom_material_t missing[DOM_MAT_COUNT];
    size_t nmissing;
    dom_date_t received_on, decided_on; /* decided: DOM_DATE_NEVER if not */
    rvw_clock_t clock;
    char clock_note[128];
    char panel_note[1024];
    long long panel_version;
    char liability_notice[4096];
    dom_date_t warned_on, breached_on; /* DOM_DATE_NEVER: not yet */
    unsigned char *grading;            /* packed Grading; PQfreemem() */
    size_t grading_len;
    /* What review recommends the office decide ('\0' none), at which
     * level, why, and for B what is missing. */
    char recommendation;
    int rec_level;
    char rec_reason[400];
    dom_material_t rec_missing[DOM_MAT_COUNT];
    size_t nrec_missing;
    char decided_by[160];        /* who decided last: "staff:li", "system" */
    char region_code[8];         /* the unit's: whose jurisdiction it is in */
    char unit_secret_sha256[65]; /* the unit's proof, hashed; "" none */
} rvw_case_t;

/* Loads tracking_id (FOR UPDATE when lock). *found = 0 if there is none.
 * The stored state is parsed here, once (CMN_EDB for a name the table does
 * not know). Release with rvw_case_release(). */
int rvw_case_load(PGconn *c, const char *tracking_id, bool lock,
                  rvw_case_t *out, int *found) CMN_MUST_CHECK;

/* Inserts a new case (every field, grading included). */
int rvw_case_insert(PGconn *c, const rvw_case_t *k) CMN_MUST_CHECK;

/* Writes back what a revised filing changes: the unit's and the system's
 * names, the unit's code and region, the levels proposed and computed,
 * the grading and the unit's proof (the rest goes with rvw_case_save). */
int rvw_case_replace_filing(PGconn *c, const rvw_case_t *k) CMN_MUST_CHECK;

/* Writes back the fields a decision changes. */
int rvw_case_save(PGconn *c, const rvw_case_t *k) CMN_MUST_CHECK;

void rvw_case_release(rvw_case_t *k);

/* "{a,b}" text array of material names, into buf. */
void rvw_kinds_format(const dom_material_t *k, size_t n, char *buf, size_t len);

#endif /* RVW_CASE_H */

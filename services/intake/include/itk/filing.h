/* filing.h - taking a filing in, the rules a unit's submission, a batch
 * import and (at the municipal office) a district's batch share: a new
 * filing is stored with its unit's proof and, at the municipal office,
 * handed to review (FilingReceived) or held as a possible duplicate of
 * another filing of the same system; a changed record is a new revision
 * (FilingRevised to review); a district keeps both for its next batch.
 *
 * Worker thread only, inside the caller's open transaction. int returns:
 * 0 or a negative CMN_E* code (a database error: roll back). */
#ifndef ITK_FILING_H
#define ITK_FILING_H
#include "cmn/problem.h"
#include "itk/intake.h"
#include "itk/store.h"

/* Who may file f: a unit only its own systems (its key names its credit
 * code); an office or its staff, or a gateway acting for one, units of
 * their jurisdiction. The unit's region must be this office's: a unit of
 * a district's region files at that district (the municipal office takes
 * only the units of its own regions). Errors go in errs, naming the
 * field. */
void itk_filing_check_filer(const itk_t *self, const cmn_env_msg_t *m,
                            const Mlps__V1__Filing *f, cmn_problem_t *errs);

/* Stores n (n->state "received"); at the municipal office, a filing of a
 * system another filing is of becomes "held" (a duplicates row names the
 * other; audit "filing.held") instead of going to review. actor did it
 * (audit "filing.received"). *held says which. */
int itk_filing_new(PGconn *c, const itk_t *self, itk_new_filing_t *n,
                   const char *actor, char tracking[64], int *inserted,
                   int *held) CMN_MUST_CHECK;

/* Stores ns[0..n), none of whose systems any filing here is of (the
 * caller looked, under the systems' locks: itk_store_lookup_many), in a
 * few statements for them all: each as itk_filing_new stores a filing
 * that is not held. tracking[i]: ns[i]'s id, or "" when a twin was there
 * (nothing done for it). */
int itk_filing_new_many(PGconn *c, const itk_t *self, itk_new_filing_t *ns,
                        size_t n, const char *actor,
                        char (*tracking)[64]) CMN_MUST_CHECK;

/* Replaces known's content with revision `revision` (audit
 * "filing.revised"); at the municipal office review hears of it
 * (FilingRevised) unless the filing is held. */
int itk_filing_revise(PGconn *c, const itk_t *self, const itk_known_t *known,
                      const Mlps__V1__Filing *f, const char *digest,
                      int revision, const char *system_key,
                      const char *received_on,
                      const char *actor) CMN_MUST_CHECK;

/* Hands a stored filing to review now (FilingReceived, the case's first
 * message): a held filing an office found distinct. */
int itk_filing_to_review(PGconn *c, const itk_t *self,
                         const char *tracking) CMN_MUST_CHECK;

/* Municipal: the filing's stage changed (review's state, "held",
 * "duplicate", "filed"): logged in filing_states at now (the office's
 * clock), the filing's state, outcome and level (0: as it was) set, and,
 * when a district took it in, a CaseUpdate queued to that district (its
 * next version). */
int itk_filing_stage(PGconn *c, const itk_t *self, const char *tracking,
                     const char *state, const char *outcome, unsigned level,
                     const char *on) CMN_MUST_CHECK;

/* Municipal: logs a stage without telling anyone (the batch's receipt
 * tells the district). */
int itk_filing_log_stage(PGconn *c, const itk_t *self, const char *tracking,
                         const char *state) CMN_MUST_CHECK;

#endif /* ITK_FILING_H */

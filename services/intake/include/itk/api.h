/* api.h - the intake service's request handlers beyond a unit's own
 * (api.c has those and the table): a district's batch import (import.c),
 * its monthly aggregate sent now, the municipal office's month report and
 * its possible duplicates (report.c). Each is a cmn_api_fn: worker thread,
 * one transaction of its own. */
#ifndef ITK_API_H
#define ITK_API_H
#include "cmn/api.h"

/* ImportRequest -> ImportReply: up to 500 records of a district's
 * electronic data, each imported, updated, ignored or rejected. */
int itk_import(PGconn *c, const cmn_env_msg_t *m, void *arg,
               cmn_api_reply_t *out);

/* AggregateSendRequest -> ActionReply (a district: the month's aggregate,
 * a new revision, queued upward now). */
int itk_aggregate_send(PGconn *c, const cmn_env_msg_t *m, void *arg,
                       cmn_api_reply_t *out);

/* ReportMonthRequest -> ReportMonthReply (the municipal office: each
 * district reported or not, on time or late, reconciled or how not). */
int itk_report_month(PGconn *c, const cmn_env_msg_t *m, void *arg,
                     cmn_api_reply_t *out);

/* DuplicatesRequest -> DuplicatesReply; DuplicateDecideRequest ->
 * ActionReply (the municipal office). */
int itk_duplicates(PGconn *c, const cmn_env_msg_t *m, void *arg,
                   cmn_api_reply_t *out);
int itk_duplicate_decide(PGconn *c, const cmn_env_msg_t *m, void *arg,
                         cmn_api_reply_t *out);

/* An ActionReply: ok with detail, or a Problem code with detail. */
int itk_action_reply(cmn_api_reply_t *out, int ok, const char *detail,
                     const char *code) CMN_MUST_CHECK;

#endif /* ITK_API_H */

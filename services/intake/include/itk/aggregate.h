/* aggregate.h - a month's filings tallied (dom/tally.h) as each office
 * sees them: a district tallies what it took in for its monthly aggregate
 * (MonthlyAggregate, sent upward, every revision kept), the municipal
 * office tallies what it received from that district to reconcile the
 * aggregate with.
 *
 * Worker thread only, inside the caller's open transaction. int returns:
 * 0 or a negative CMN_E* code. */
#ifndef ITK_AGGREGATE_H
#define ITK_AGGREGATE_H
#include "dom/month.h"
#include "dom/tally.h"
#include "itk/intake.h"
#include "mlps/v1/workflow.pb-c.h"

#include <libpq-fe.h>

/* District: makes month's aggregate (the next revision), keeps it and
 * queues it upward; *revision gets its number (audit "aggregate.sent",
 * actor who asked: "system" for the watch). */
int itk_aggregate_send_month(PGconn *c, const itk_t *self, dom_month_t month,
                             const char *actor,
                             uint32_t *revision) CMN_MUST_CHECK;

/* District: sends by itself what is due (intake.aggregate-day): this
 * month's aggregate from that day on, once, and again whenever the month's
 * filings or batches changed since; last month's if it never went (the
 * office was down at the month's end: late rather than never). */
int itk_aggregate_due(PGconn *c, const itk_t *self) CMN_MUST_CHECK;

/* Municipal: what was received from district for month, each filing's
 * stage as it was at as_of_us (filing_states), and the batches of the
 * month received from it. */
int itk_tally_received(PGconn *c, const char *district, dom_month_t month,
                       int64_t as_of_us, dom_tally_t *out) CMN_MUST_CHECK;

/* The tally an aggregate reports. */
int itk_tally_of(const Mlps__V1__MonthlyAggregate *a,
                 dom_tally_t *out) CMN_MUST_CHECK;

#endif /* ITK_AGGREGATE_H */

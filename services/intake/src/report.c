/* report.c - the office hierarchy's requests: a district sends its month's
 * aggregate now; the municipal office reads the month's report (DHIS2's
 * completeness report: per district reported or not, on time or late, and
 * the aggregate reconciled with what was received) and its possible
 * duplicates, and decides them. Each is read or done by the office's own
 * identities only: a district's clerk cannot read the city's report, nor
 * send another district's aggregate. */
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/problem.h"
#include "cmn/text.h"
#include "dom/month.h"
#include "dom/tally.h"
#include "itk/aggregate.h"
#include "itk/api.h"
#include "itk/filing.h"
#include "itk/intake.h"
#include "mlps/v1/api.pb-c.h"
#include "mlps/v1/workflow.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_MAX_DIFFERENCES 200 /* shown per district; then "... N more" */

/* Is the caller one of this office's own (its system or its staff)? */
static bool
s_own(const itk_t *self, const cmn_env_msg_t *m)
{
    return m->peer.kind == CMN_KIND_DEV ||
           strcmp(m->peer.office, self->conf.base.office) == 0;
}

static int
s_refuse_role(cmn_api_reply_t *out, const char *what, bool district)
{
    char msg[200];
    snprintf(msg, sizeof msg, "%s: this is the %s office's intake; ask the %s",
             what, district ? "municipal" : "district",
             district ? "district's" : "municipal office's");
    return itk_action_reply(out, 0, msg, "wrong_office");
}

int
itk_aggregate_send(PGconn *c, const cmn_env_msg_t *m, void *arg,
                   cmn_api_reply_t *out)
{
    itk_t *self = arg;
    const Mlps__V1__AggregateSendRequest *req =
        (const Mlps__V1__AggregateSendRequest *) m->payload;
    dom_month_t month;
    char detail[200], actor[160];
    uint32_t rev = 0;
    if (self->role != ITK_ROLE_DISTRICT)
        return s_refuse_role(out, "a district sends aggregates", true);
    if (!s_own(self, m))
        return itk_action_reply(out, 0,
                                "only this district's office sends its "
                                "aggregate",
                                "forbidden");
    if (dom_month_parse(req->month, &month) != 0) {
        snprintf(detail, sizeof detail, "month: \"%.16s\" is not YYYY-MM",
                 req->month);
        return itk_action_reply(out, 0, detail, "invalid");
    }
    cmn_ident_label(&m->peer, actor, sizeof actor);
    int err = cmn_pg_cmd(c, "BEGIN");
    if (err == 0)
        err = itk_aggregate_send_month(c, self, month, actor, &rev);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err != 0) {
        cmn_pg_rollback(c);
        return err;
    }
    snprintf(detail, sizeof detail, "aggregate %s revision %u queued for %s",
             req->month, rev, self->upstream);
    out->kick = true;
    return itk_action_reply(out, 1, detail, "");
}

/* --- the month's report -------------------------------------------------- */

/* One district's row and the storage it points into. */
typedef struct {
    Mlps__V1__DistrictReport pb;
    char received_at[32];
    char **diffs;
    size_t ndiffs, more;
} s_row_t;

static void
s_diff(void *arg, const char *line)
{
    s_row_t *r = arg;
    if (r->ndiffs >= S_MAX_DIFFERENCES) {
        r->more++;
        return;
    }
    char *copy = strdup(line);
    if (copy != NULL)
        r->diffs[r->ndiffs++] = copy;
}

static void
s_rfc3339(int64_t us, char out[32])
{
    time_t t = (time_t) (us / 1000000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The latest revision of district's aggregate of month, and when the first
 * arrived; *n 0 when none did. */
static int
s_latest(PGconn *c, const char *district, const char *month,
         Mlps__V1__MonthlyAggregate **latest, int64_t *first_us,
         int64_t *latest_us, int *n)
{
    const char *p[2] = {district, month};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT revision, received_us, aggregate, "
                              "min(received_us) OVER () FROM aggregates "
                              "WHERE district = $1 AND month = $2 ORDER BY "
                              "revision DESC LIMIT 1",
                              2, p, &err);
    if (r == NULL)
        return err;
    *latest = NULL;
    *n = 0;
    if (PQntuples(r) == 1) {
        size_t len = 0;
        unsigned char *raw =
            PQunescapeBytea((const unsigned char *) PQgetvalue(r, 0, 2), &len);
        *latest =
            raw ? mlps__v1__monthly_aggregate__unpack(NULL, len, raw) : NULL;
        PQfreemem(raw);
        *latest_us = atoll(PQgetvalue(r, 0, 1));
        *first_us = atoll(PQgetvalue(r, 0, 3));
        *n = atoi(PQgetvalue(r, 0, 0));
        if (*latest == NULL)
            err = CMN_EDB;
    }
    PQclear(r);
    return err;
}

static int
s_report_row(PGconn *c, const itk_t *self, const dom_office_t *d,
             dom_month_t month, const char *mtext, s_row_t *row)
{
    Mlps__V1__MonthlyAggregate *agg = NULL;
    int64_t first = 0, latest = 0;
    int revs = 0;
    dom_tally_t rep = {0}, got = {0};
    mlps__v1__district_report__init(&row->pb);
    row->pb.district = (char *) d->code;
    row->pb.name = (char *) d->name;
    row->pb.received_at = row->received_at;
    row->diffs = calloc(S_MAX_DIFFERENCES + 2, sizeof *row->diffs);
    if (row->diffs == NULL)
        return CMN_ENOMEM;
    int err = s_latest(c, d->code, mtext, &agg, &first, &latest, &revs);
    if (err == 0)
        err = itk_tally_received(
            c, d->code, month, revs ? latest : cmn_svc_now_us(&self->conf.base),
            &got);
    if (err == 0 && revs > 0)
        err = itk_tally_of(agg, &rep);
    if (err == 0) {
        row->pb.reported = revs > 0;
        row->pb.received = got.filings;
        row->pb.revisions = (uint32_t) revs;
        if (revs > 0) {
            s_rfc3339(first, row->received_at);
            row->pb.on_time =
                dom_month_on_time(month, first, (int) self->conf.utc_offset_s);
            row->pb.filings = agg->filings;
            row->pb.reconciled = dom_tally_diff(&rep, &got, s_diff, row) == 0;
            if (row->more > 0) {
                char more[64];
                snprintf(more, sizeof more, "... and %zu more", row->more);
                row->diffs[row->ndiffs++] = strdup(more);
                if (row->diffs[row->ndiffs - 1] == NULL)
                    row->ndiffs--;
            }
            row->pb.differences = row->diffs;
            row->pb.n_differences = row->ndiffs;
        }
    }
    mlps__v1__monthly_aggregate__free_unpacked(agg, NULL);
    dom_tally_free(&rep);
    dom_tally_free(&got);
    return err;
}

int
itk_report_month(PGconn *c, const cmn_env_msg_t *m, void *arg,
                 cmn_api_reply_t *out)
{
    itk_t *self = arg;
    const Mlps__V1__ReportMonthRequest *req =
        (const Mlps__V1__ReportMonthRequest *) m->payload;
    Mlps__V1__ReportMonthReply rep = MLPS__V1__REPORT_MONTH_REPLY__INIT;
    Mlps__V1__Problem prob;
    const dom_hierarchy_t *h = cmn_svc_hierarchy(self->svc);
    dom_month_t month;
    char msg[200];
    rep.month = req->month;
    if (self->role != ITK_ROLE_MUNICIPAL || h == NULL)
        snprintf(msg, sizeof msg,
                 "the month's report is the municipal "
                 "office's: this intake has no districts");
    else if (!s_own(self, m))
        snprintf(msg, sizeof msg,
                 "the month's report is for the municipal "
                 "office's own staff");
    else if (dom_month_parse(req->month, &month) != 0)
        snprintf(msg, sizeof msg, "month: \"%.16s\" is not YYYY-MM",
                 req->month);
    else
        msg[0] = '\0';
    if (msg[0] != '\0') {
        cmn_problem_simple(&prob,
                           strncmp(msg, "month", 5) == 0 ? "invalid"
                           : self->role != ITK_ROLE_MUNICIPAL || h == NULL
                               ? "wrong_office"
                               : "forbidden",
                           msg);
        rep.problem = &prob;
        return cmn_api_reply(out, mlps__v1__report_month_reply__descriptor.name,
                             &rep.base);
    }
    size_t n = dom_hierarchy_ndistricts(h);
    s_row_t *rows = calloc(n + 1, sizeof *rows);
    Mlps__V1__DistrictReport **ptrs = calloc(n + 1, sizeof *ptrs);
    int err = rows && ptrs ? cmn_pg_cmd(c, "BEGIN ISOLATION LEVEL "
                                           "REPEATABLE READ READ ONLY")
                           : CMN_ENOMEM;
    for (size_t i = 0; err == 0 && i < n; i++) {
        err = s_report_row(c, self, dom_hierarchy_district(h, i), month,
                           req->month, &rows[i]);
        ptrs[i] = &rows[i].pb;
        rep.reported += rows[i].pb.reported;
        rep.on_time += rows[i].pb.on_time;
    }
    cmn_pg_rollback(c); /* read only: nothing to keep */
    if (err == 0) {
        rep.districts = ptrs;
        rep.n_districts = n;
        err = cmn_api_reply(out, mlps__v1__report_month_reply__descriptor.name,
                            &rep.base);
    }
    for (size_t i = 0; rows && i < n; i++) {
        for (size_t k = 0; k < rows[i].ndiffs; k++)
            free(rows[i].diffs[k]);
        free(rows[i].diffs);
    }
    free(rows);
    free(ptrs);
    return err;
}

/* --- possible duplicates ------------------------------------------------ */

static int
s_municipal_only(const itk_t *self, const cmn_env_msg_t *m, char *msg,
                 size_t len, const char **code)
{
    if (self->role != ITK_ROLE_MUNICIPAL) {
        snprintf(msg, len, "duplicates are held at the municipal office");
        *code = "wrong_office";
        return -1;
    }
    if (!s_own(self, m)) {
        snprintf(msg, len,
                 "duplicates are for the municipal office's own "
                 "staff");
        *code = "forbidden";
        return -1;
    }
    return 0;
}

int
itk_duplicates(PGconn *c, const cmn_env_msg_t *m, void *arg,
               cmn_api_reply_t *out)
{
    itk_t *self = arg;
    Mlps__V1__DuplicatesReply rep = MLPS__V1__DUPLICATES_REPLY__INIT;
    Mlps__V1__Problem prob;
    char msg[160];
    const char *code = "";
    if (s_municipal_only(self, m, msg, sizeof msg, &code) != 0) {
        cmn_problem_simple(&prob, code, msg);
        rep.problem = &prob;
        return cmn_api_reply(out, mlps__v1__duplicates_reply__descriptor.name,
                             &rep.base);
    }
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT d.tracking_id, d.other_tracking_id, "
                              "f.unit_credit_code, f.system_name, d.state, "
                              "d.decided_by FROM duplicates d JOIN filings f "
                              "USING (tracking_id) ORDER BY d.state <> "
                              "'held', d.created_at, d.tracking_id LIMIT 1000",
                              0, NULL, &err);
    if (r == NULL)
        return err;
    size_t n = (size_t) PQntuples(r);
    Mlps__V1__DuplicatePair *pairs = calloc(n + 1, sizeof *pairs);
    Mlps__V1__DuplicatePair **ptrs = calloc(n + 1, sizeof *ptrs);
    err = pairs && ptrs ? 0 : CMN_ENOMEM;
    for (size_t i = 0; err == 0 && i < n; i++) {
        Mlps__V1__DuplicatePair *p = &pairs[i];
        mlps__v1__duplicate_pair__init(p);
        p->tracking_id = PQgetvalue(r, (int) i, 0);
        p->other_tracking_id = PQgetvalue(r, (int) i, 1);
        p->unit_credit_code = PQgetvalue(r, (int) i, 2);
        p->system_name = PQgetvalue(r, (int) i, 3);
        p->state = PQgetvalue(r, (int) i, 4);
        p->decided_by = PQgetvalue(r, (int) i, 5);
        ptrs[i] = p;
    }
    if (err == 0) {
        rep.pairs = ptrs;
        rep.n_pairs = n;
        err = cmn_api_reply(out, mlps__v1__duplicates_reply__descriptor.name,
                            &rep.base);
    }
    free(pairs);
    free(ptrs);
    PQclear(r);
    return err;
}

/* Applies a decision on a held filing (locked, state held). */
static int
s_decide(PGconn *c, itk_t *self, const Mlps__V1__DuplicateDecideRequest *req,
         const char *other, const char *actor)
{
    char today[DOM_DATE_BUFSZ];
    dom_date_format(cmn_svc_today(&self->conf.base), today);
    const char *p[4] = {req->tracking_id,
                        req->duplicate ? "duplicate" : "distinct", actor,
                        req->reason};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "UPDATE duplicates SET state = $2, decided_by "
                              "= $3, reason = $4, decided_at = now() WHERE "
                              "tracking_id = $1",
                              4, p, &err);
    PQclear(r);
    if (err == 0)
        err = itk_filing_stage(c, self, req->tracking_id,
                               req->duplicate ? "duplicate" : "filed", "", 0,
                               today);
    if (err == 0 && !req->duplicate)
        err = itk_filing_to_review(c, self, req->tracking_id);
    if (err == 0)
        err = cmn_audit(
            c, actor, "duplicate.decided", req->tracking_id, "%s %s",
            req->duplicate ? "a duplicate of" : "distinct from", other);
    return err;
}

int
itk_duplicate_decide(PGconn *c, const cmn_env_msg_t *m, void *arg,
                     cmn_api_reply_t *out)
{
    itk_t *self = arg;
    const Mlps__V1__DuplicateDecideRequest *req =
        (const Mlps__V1__DuplicateDecideRequest *) m->payload;
    char msg[240], why[96], actor[160];
    const char *code = "";
    if (s_municipal_only(self, m, msg, sizeof msg, &code) != 0)
        return itk_action_reply(out, 0, msg, code);
    if (cmn_text_check(req->reason, 500, CMN_TEXT_REQUIRED, why, sizeof why) !=
        0) {
        snprintf(msg, sizeof msg, "reason: %s", why);
        return itk_action_reply(out, 0, msg, "invalid");
    }
    const char *p[1] = {req->tracking_id};
    int err = cmn_pg_cmd(c, "BEGIN");
    PGresult *r = err == 0 ? cmn_pg_exec(c,
                                         "SELECT state, other_tracking_id, "
                                         "decided_by FROM duplicates WHERE "
                                         "tracking_id = $1 FOR UPDATE",
                                         1, p, &err)
                           : NULL;
    if (r == NULL)
        return err;
    if (PQntuples(r) != 1 || strcmp(PQgetvalue(r, 0, 0), "held") != 0) {
        if (PQntuples(r) == 1)
            snprintf(msg, sizeof msg, "%.64s was decided already (%s, by %s)",
                     req->tracking_id, PQgetvalue(r, 0, 0),
                     PQgetvalue(r, 0, 2));
        else
            snprintf(msg, sizeof msg, "no possible duplicate \"%.64s\"",
                     req->tracking_id);
        code = PQntuples(r) == 1 ? "conflict" : "not_found";
        PQclear(r);
        cmn_pg_rollback(c);
        return itk_action_reply(out, 0, msg, code);
    }
    char other[64];
    snprintf(other, sizeof other, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);
    cmn_ident_label(&m->peer, actor, sizeof actor);
    err = s_decide(c, self, req, other, actor);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err != 0) {
        cmn_pg_rollback(c);
        return err;
    }
    snprintf(msg, sizeof msg, "%s: %s %s", req->tracking_id,
             req->duplicate ? "closed as a duplicate of"
                            : "sent to review: distinct from",
             other);
    out->kick = true;
    return itk_action_reply(out, 1, msg, "");
}

/* inbox.c - the certificate service's durable handlers: CaseAccepted from
 * review and EvaluationConcluded from evaluation, each in the inbox's
 * transaction; the table in fsm.h says what each does in each state and
 * flow.c applies the issuance rule. */
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/text.h"
#include "crt/flow.h"
#include "dom/date.h"
#include "dom/verdict.h"
#include "mlps/v1/workflow.pb-c.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int s_reject(char *why, size_t whylen, const char *fmt, ...)
    CMN_PRINTF(3, 4);

/* Writes the reason; CMN_EREJECT (the message is refused for good). */
static int
s_reject(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return CMN_EREJECT;
}

/* True when s is exactly n ASCII digits. */
static bool
s_digits(const char *s, size_t n)
{
    if (s == NULL || strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* The envelope's correlation id is the payload's tracking id, and its
 * case version counts from 1. */
static int
s_envelope(const cmn_env_msg_t *m, const char *tracking, char *why,
           size_t whylen)
{
    if (strcmp(tracking, m->env->correlation_id) != 0)
        return s_reject(why, whylen,
                        "field \"tracking_id\": differs from the "
                        "envelope's correlation id");
    if (m->env->case_version < 1)
        return s_reject(why, whylen,
                        "envelope: case_version must count from 1");
    return 0;
}

/* The fields of a checked CaseAccepted into n, the organ as decided. */
static void
s_copy(const Mlps__V1__CaseAccepted *ca, const char *organ, crt_case_t *n)
{
    memset(n, 0, sizeof *n);
    snprintf(n->tracking_id, sizeof n->tracking_id, "%s", ca->tracking_id);
    n->level = (int) ca->level;
    snprintf(n->organ, sizeof n->organ, "%s", organ);
    snprintf(n->district, sizeof n->district, "%s", ca->district);
    snprintf(n->unit_credit_code, sizeof n->unit_credit_code, "%s",
             ca->unit_credit_code);
    snprintf(n->unit_name, sizeof n->unit_name, "%s", ca->unit_name);
    snprintf(n->system_name, sizeof n->system_name, "%s", ca->system_name);
    snprintf(n->region_code, sizeof n->region_code, "%s", ca->region_code);
    snprintf(n->unit_secret_sha256, sizeof n->unit_secret_sha256, "%s",
             ca->unit_secret_sha256);
    snprintf(n->accepted_on, sizeof n->accepted_on, "%s", ca->accepted_on);
    snprintf(n->decided_by, sizeof n->decided_by, "%s",
             ca->decided_by[0] ? ca->decided_by : "review");
}

/* The checked fields of a CaseAccepted into n; refusals name the field. */
static int
s_case_from(const crt_t *self, const cmn_env_msg_t *m, crt_case_t *n, char *why,
            size_t whylen)
{
    const Mlps__V1__CaseAccepted *ca =
        (const Mlps__V1__CaseAccepted *) m->payload;
    char level[12], inner[200];
    crt_content_t scratch;
    dom_date_t day;
    snprintf(level, sizeof level, "%u", ca->level);
    const char *const f[][2] = {{"tracking_id", ca->tracking_id},
                                {"unit_credit_code", ca->unit_credit_code},
                                {"unit_name", ca->unit_name},
                                {"system_name", ca->system_name},
                                {"level", level}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (crt_content_set(&scratch, f[i][0], f[i][1], inner, sizeof inner))
            return s_reject(why, whylen, "field %s", inner);
    if (!s_digits(ca->district, 6) || !s_digits(ca->region_code, 6))
        return s_reject(why, whylen, "field \"%s\": must be 6 digits",
                        s_digits(ca->district, 6) ? "region_code" : "district");
    if (dom_date_parse(ca->accepted_on, &day) != 0)
        return s_reject(why, whylen, "field \"accepted_on\": not a date");
    if (cmn_text_check(ca->decided_by, CMN_IDENT_MAX, 0, inner, sizeof inner))
        return s_reject(why, whylen, "field \"decided_by\": %s", inner);
    size_t hl = strlen(ca->unit_secret_sha256);
    if (hl != 0 &&
        (hl != 64 || strspn(ca->unit_secret_sha256, "0123456789abcdef") != 64))
        return s_reject(why, whylen,
                        "field \"unit_secret_sha256\": must be "
                        "64 lower-case hex digits or empty");
    const char *organ = self->conf.organ[0] ? self->conf.organ : ca->district;
    if ((int) strlen(organ) != self->organ_width)
        return s_reject(why, whylen,
                        "organ \"%s\": the number format wants %d digits",
                        organ, self->organ_width);
    s_copy(ca, organ, n);
    n->accepted_version = m->env->case_version;
    return s_envelope(m, ca->tracking_id, why, whylen);
}

/* The acceptance's fields over the stored case (its state and numbers
 * kept). */
static void
s_take(crt_case_t *k, const crt_case_t *n)
{
    crt_case_t keep = *k;
    *k = *n;
    k->state = keep.state;
    memcpy(k->current_number, keep.current_number, sizeof k->current_number);
    memcpy(k->pending_number, keep.pending_number, sizeof k->pending_number);
}

static int
s_on_accepted(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
              size_t whylen)
{
    crt_t *self = arg;
    crt_case_t n, k;
    bool found = false;
    int err = s_case_from(self, m, &n, why, whylen);
    if (err == 0)
        err = crt_case_load(c, n.tracking_id, true, &k, &found);
    if (err != 0)
        return err;
    if (found && n.accepted_version <= k.accepted_version)
        return 0; /* this acceptance was applied before */
    const crt_step_t *step =
        crt_fsm_step(found ? k.state : CRT_ST_NONE, CRT_EV_ACCEPTED);
    if (step->act == CRT_ACT_RETRY) {
        cmn_log_info("case %s: acceptance %llu waits: %s", n.tracking_id,
                     (unsigned long long) n.accepted_version, step->why);
        return CMN_EAGAIN; /* not applied: the sender tries again */
    }
    if (step->act != CRT_ACT_DECIDE)
        return s_reject(why, whylen, "case \"%s\": %s", n.tracking_id,
                        step->why);
    if (found)
        s_take(&k, &n);
    else
        k = n;
    err = cmn_audit(c, k.decided_by, "case.accepted", k.tracking_id,
                    "level %d (acceptance %llu)", k.level,
                    (unsigned long long) k.accepted_version);
    if (err == 0)
        err = crt_flow_settle(c, self, &k, !found, false, CRT_EV_ACCEPTED, step,
                              k.decided_by, 0);
    if (err == CMN_EINVAL)
        return s_reject(why, whylen,
                        "case \"%s\": no number could be allocated (the "
                        "service's log says why)",
                        k.tracking_id);
    return err;
}

/* The checked report; refusals name the field. */
static int
s_report_check(const Mlps__V1__EvaluationConcluded *ec, char *why,
               size_t whylen)
{
    char inner[200];
    crt_content_t scratch;
    dom_verdict_t v, computed;
    dom_date_t day;
    if (crt_content_set(&scratch, "tracking_id", ec->tracking_id, inner,
                        sizeof inner) != 0)
        return s_reject(why, whylen, "field %s", inner);
    if (ec->level < CRT_LEVEL_MIN || ec->level > CRT_LEVEL_MAX)
        return s_reject(why, whylen, "field \"level\": must be 2 to 5");
    if (dom_verdict_parse(ec->verdict, &v) != 0)
        return s_reject(why, whylen,
                        "field \"verdict\": must be excellent, "
                        "good, fair or poor");
    if (dom_verdict((int) ec->score, (int) ec->high_risks,
                    (int) ec->medium_risks, &computed) != 0 ||
        computed != v)
        return s_reject(why, whylen,
                        "field \"verdict\": \"%s\" is not what score %u with "
                        "%u high and %u medium risks gives",
                        ec->verdict, ec->score, ec->high_risks,
                        ec->medium_risks);
    if (dom_date_parse(ec->report_date, &day) != 0)
        return s_reject(why, whylen, "field \"report_date\": not a date");
    if (cmn_text_check(ec->institution_id, CMN_IDENT_MAX, CMN_TEXT_REQUIRED,
                       inner, sizeof inner) != 0)
        return s_reject(why, whylen, "field \"institution_id\": %s", inner);
    if (ec->round < 1)
        return s_reject(why, whylen, "field \"round\": must count from 1");
    return 0;
}

/* Records the report; *fresh false when it was recorded before. */
static int
s_report_insert(PGconn *c, const cmn_env_msg_t *m, bool *fresh)
{
    const Mlps__V1__EvaluationConcluded *ec =
        (const Mlps__V1__EvaluationConcluded *) m->payload;
    char version[24], level[12], score[12], round[12];
    snprintf(version, sizeof version, "%llu",
             (unsigned long long) m->env->case_version);
    snprintf(level, sizeof level, "%u", ec->level);
    snprintf(score, sizeof score, "%u", ec->score);
    snprintf(round, sizeof round, "%u", ec->round);
    const char *p[8] = {ec->tracking_id,    version, level,
                        ec->verdict,        score,   ec->report_date,
                        ec->institution_id, round};
    int err;
    PGresult *r = cmn_pg_exec(
        c,
        "INSERT INTO evaluations (tracking_id, version, level, verdict, "
        "score, report_date, institution_id, round) VALUES ($1, $2, $3, $4, "
        "$5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING 1",
        8, p, &err);
    if (r == NULL)
        return err;
    *fresh = PQntuples(r) == 1;
    PQclear(r);
    return 0;
}

static int
s_on_evaluated(PGconn *c, const cmn_env_msg_t *m, void *arg, char *why,
               size_t whylen)
{
    crt_t *self = arg;
    const Mlps__V1__EvaluationConcluded *ec =
        (const Mlps__V1__EvaluationConcluded *) m->payload;
    char who[160];
    crt_case_t k;
    bool fresh = false, found = false;
    int err = s_report_check(ec, why, whylen);
    if (err == 0)
        err = s_envelope(m, ec->tracking_id, why, whylen);
    if (err == 0)
        err = s_report_insert(c, m, &fresh);
    if (err != 0 || !fresh)
        return err;
    cmn_ident_label(&m->peer, who, sizeof who);
    err = cmn_audit(c, who, "evaluation.recorded", ec->tracking_id,
                    "level %u %s (report %s, round %u)", ec->level, ec->verdict,
                    ec->report_date, ec->round);
    if (err == 0)
        err = crt_case_load(c, ec->tracking_id, true, &k, &found);
    if (err != 0)
        return err;
    const crt_step_t *step =
        crt_fsm_step(found ? k.state : CRT_ST_NONE, CRT_EV_EVALUATED);
    if (step->act != CRT_ACT_DECIDE) {
        cmn_log_info("case %s: evaluation report %s recorded: %s",
                     ec->tracking_id, ec->verdict, step->why);
        return 0;
    }
    err = crt_flow_settle(c, self, &k, false, false, CRT_EV_EVALUATED, step,
                          who, 0);
    if (err == CMN_EINVAL)
        return s_reject(why, whylen,
                        "case \"%s\": no number could be allocated (the "
                        "service's log says why)",
                        k.tracking_id);
    return err;
}

/* Who may send what: acceptances only review, reports only evaluation
 * (the runtime refuses anyone else before these run). */
const cmn_inbox_handler_t crt_inbox_handlers[] = {
    {"mlps.v1.CaseAccepted", &mlps__v1__case_accepted__descriptor,
     s_on_accepted, "service:review", NULL},
    {"mlps.v1.EvaluationConcluded", &mlps__v1__evaluation_concluded__descriptor,
     s_on_evaluated, "service:evaluation", NULL},
};

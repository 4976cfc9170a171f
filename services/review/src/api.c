/* api.c - review's request handlers: a case's status and its letter. */
#include "cmn/problem.h"
#include "mlps/v1/api.pb-c.h"
#include "rvw/flow.h"

#include <stdio.h>
#include <string.h>

static void
s_fill_deadline(const rvw_t *self, const rvw_case_t *k,
                Mlps__V1__StatusReply *r, char *deadline, char *note,
                size_t notelen)
{
    dom_date_t d;
    int rc = rvw_clock_deadline(&k->clock, self->cal, &d);
    deadline[0] = note[0] = '\0';
    if (rc == 0)
        dom_date_format(d, deadline);
    char day[DOM_DATE_BUFSZ];
    if (k->state == RVW_ST_ACCEPTED || k->state == RVW_ST_CLOSED)
        snprintf(note, notelen, "decided on %s",
                 dom_date_format(k->decided_on, day));
    else if (rc == CMN_ECALENDAR)
        snprintf(note, notelen,
                 "the deadline falls past the working-day "
                 "calendar this office knows");
    else if (rc == CMN_EAGAIN)
        snprintf(note, notelen, "clock paused: %s",
                 k->state == RVW_ST_PANEL ? "with the expert panel"
                                          : "waiting for materials");
    if (k->clock_note[0] != '\0' && note[0] == '\0')
        snprintf(note, notelen, "%s", k->clock_note);
    r->deadline = deadline;
    r->deadline_note = note;
}

static int
s_not_found(cmn_api_reply_t *out, const ProtobufCMessageDescriptor *desc,
            const char *tracking)
{
    Mlps__V1__Problem p;
    char msg[160];
    snprintf(msg, sizeof msg,
             "no review case \"%.64s\" (a filing just submitted may still be "
             "on its way from intake)",
             tracking);
    cmn_problem_simple(&p, "not_found", msg);
    if (desc == &mlps__v1__letter_reply__descriptor) {
        Mlps__V1__LetterReply r = MLPS__V1__LETTER_REPLY__INIT;
        r.problem = &p;
        return cmn_api_reply(out, desc->name, &r.base);
    }
    Mlps__V1__StatusReply r = MLPS__V1__STATUS_REPLY__INIT;
    r.problem = &p;
    return cmn_api_reply(out, desc->name, &r.base);
}

static int
s_status(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const rvw_t *self = arg;
    const Mlps__V1__StatusRequest *req =
        (const Mlps__V1__StatusRequest *) m->payload;
    rvw_case_t k;
    int found, err = rvw_case_load(c, req->tracking_id, false, &k, &found);
    if (err != 0)
        return err;
    if (!found)
        return s_not_found(out, &mlps__v1__status_reply__descriptor,
                           req->tracking_id);
    Mlps__V1__StatusReply r = MLPS__V1__STATUS_REPLY__INIT;
    char outcome[2] = {k.outcome, '\0'}, deadline[DOM_DATE_BUFSZ], note[160];
    char received[DOM_DATE_BUFSZ];
    char *missing[DOM_MAT_COUNT];
    for (size_t i = 0; i < k.nmissing; i++)
        missing[i] = (char *) dom_material_name(k.missing[i]);
    r.tracking_id = k.tracking_id;
    r.state = (char *) rvw_state_name(k.state);
    r.outcome = outcome;
    r.proposed_level = (uint32_t) k.proposed_level;
    r.level = (uint32_t) k.level;
    r.received_on = dom_date_format(k.received_on, received);
    s_fill_deadline(self, &k, &r, deadline, note, sizeof note);
    r.n_missing = k.nmissing;
    r.missing = missing;
    r.panel = k.panel_note;
    r.liability_notice = k.liability_notice;
    r.breached = k.breached_on != DOM_DATE_NEVER;
    err = cmn_api_reply(out, mlps__v1__status_reply__descriptor.name, &r.base);
    rvw_case_release(&k);
    return err;
}

static int
s_letter(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    (void) arg;
    const Mlps__V1__LetterRequest *req =
        (const Mlps__V1__LetterRequest *) m->payload;
    const char *p[1] = {req->tracking_id};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT body FROM letters WHERE tracking_id = "
                              "$1 ORDER BY id DESC LIMIT 1",
                              1, p, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return s_not_found(out, &mlps__v1__letter_reply__descriptor,
                           req->tracking_id);
    }
    Mlps__V1__LetterReply lr = MLPS__V1__LETTER_REPLY__INIT;
    lr.text = PQgetvalue(r, 0, 0);
    err = cmn_api_reply(out, mlps__v1__letter_reply__descriptor.name, &lr.base);
    PQclear(r);
    return err;
}

const cmn_api_handler_t rvw_api_handlers[] = {
    {"mlps.v1.StatusRequest", &mlps__v1__status_request__descriptor, s_status},
    {"mlps.v1.LetterRequest", &mlps__v1__letter_request__descriptor, s_letter},
};

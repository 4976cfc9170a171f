/* api_inst_show.c - the institution registry over the API, read and
 * suspended: an institution shown with its certificates, the list with each
 * one's qualification today and load, and certificates suspended or
 * reinstated (audited). Added or changed: api_inst.c. */
#include "api_int.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/pb.h"
#include "cmn/pgarray.h"
#include "cmn/text.h"
#include "evl/flow.h"
#include "mlps/v1/evaluation.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- show, list ---------------------------------------------------------- */

/* The qualification today and the load of inst, from the snapshot. */
static void
s_standing(const evl_inst_t *in, dom_date_t today, bool *qualified, char *note,
           size_t notelen, char last[DOM_DATE_BUFSZ])
{
    note[0] = last[0] = '\0';
    *qualified =
        evl_select_why(in, "", today, EVL_CHECK_QUALIFIED, note, notelen) == 0;
    if (dom_date_valid(in->last_assigned))
        dom_date_format(in->last_assigned, last);
}

int
evl__inst_list(PGconn *c, const cmn_env_msg_t *m, void *arg,
               cmn_api_reply_t *out)
{
    const evl_t *self = arg;
    evl_snapshot_t s;
    dom_date_t today = cmn_svc_today(&self->conf.base);
    int err = evl_store_snapshot(c, &s);
    (void) m;
    if (err != 0)
        return err;
    typedef struct {
        Mlps__V1__InstitutionSummary sum;
        char note[400], last[DOM_DATE_BUFSZ];
    } s_row_t;
    s_row_t *rows = calloc(s.n + 1, sizeof *rows);
    Mlps__V1__InstitutionSummary **ptrs = calloc(s.n + 1, sizeof *ptrs);
    err = rows && ptrs ? 0 : CMN_ENOMEM;
    for (size_t i = 0; err == 0 && i < s.n; i++) {
        const evl_inst_t *in = &s.insts[i];
        Mlps__V1__InstitutionSummary *sum = &rows[i].sum;
        bool q;
        mlps__v1__institution_summary__init(sum);
        s_standing(in, today, &q, rows[i].note, sizeof rows[i].note,
                   rows[i].last);
        sum->id = (char *) in->id;
        sum->name = (char *) in->name;
        sum->qualified = q;
        sum->qualified_note = rows[i].note;
        sum->capacity = (uint32_t) in->capacity;
        sum->busy = (uint32_t) in->busy;
        sum->last_assigned = rows[i].last;
        ptrs[i] = sum;
    }
    Mlps__V1__InstitutionListReply rep = MLPS__V1__INSTITUTION_LIST_REPLY__INIT;
    rep.n_institutions = s.n;
    rep.institutions = ptrs;
    if (err == 0)
        err = cmn_api_reply(
            out, mlps__v1__institution_list_reply__descriptor.name, &rep.base);
    free(rows);
    free(ptrs);
    evl_store_snapshot_release(&s);
    return err;
}

/* A stored institution as a message: its row, contacts and listed
 * certificates (the unlisted ones' numbers in withdrawn). Strings point
 * into res[0..2] and codes; s_shown_release() frees it all. */
typedef struct {
    Mlps__V1__Institution in;
    Mlps__V1__Contact *contacts, **cptrs;
    Mlps__V1__QualCertificate *certs, **qptrs;
    char **withdrawn, **units;
    size_t nwithdrawn;
    char *codes;
    PGresult *res[3];
} s_shown_t;

static void
s_shown_release(s_shown_t *s)
{
    free(s->contacts);
    free(s->cptrs);
    free(s->certs);
    free(s->qptrs);
    free(s->withdrawn);
    free(s->units);
    free(s->codes);
    for (int i = 0; i < 3; i++)
        PQclear(s->res[i]);
}

/* Splits "a,b" into units from *at on; returns how many. */
static size_t
s_units(char *text, char **units, size_t *at)
{
    size_t n = 0;
    for (char *save = NULL, *t = strtok_r(text, ",", &save); t != NULL;
         t = strtok_r(NULL, ",", &save)) {
        units[(*at)++] = t;
        n++;
    }
    return n;
}

static void
s_shown_certs(s_shown_t *s)
{
    const PGresult *r = s->res[2];
    for (int i = 0; i < PQntuples(r); i++) {
        if (strcmp(PQgetvalue(r, i, 9), "t") != 0) {
            s->withdrawn[s->nwithdrawn++] = PQgetvalue(r, i, 2);
            continue;
        }
        Mlps__V1__QualCertificate *q = &s->certs[s->in.n_certificates];
        mlps__v1__qual_certificate__init(q);
        q->category = PQgetvalue(r, i, 0);
        q->level = (uint32_t) atoi(PQgetvalue(r, i, 1));
        q->number = PQgetvalue(r, i, 2);
        q->issued_on = PQgetvalue(r, i, 3);
        q->expires_on = PQgetvalue(r, i, 4);
        q->surveillance = PQgetvalue(r, i, 5);
        q->surveillance_on = PQgetvalue(r, i, 6);
        q->suspended = strcmp(PQgetvalue(r, i, 7), "t") == 0;
        q->suspended_reason = PQgetvalue(r, i, 8);
        s->qptrs[s->in.n_certificates++] = q;
    }
    s->in.certificates = s->qptrs;
}

/* The message from the three results; CMN_ENOMEM. */
static int
s_shown_build(s_shown_t *s)
{
    const PGresult *row = s->res[0], *con = s->res[1], *cer = s->res[2];
    size_t nc = (size_t) PQntuples(con), nq = (size_t) PQntuples(cer);
    size_t rl = strlen(PQgetvalue(row, 0, 3)),
           dl = strlen(PQgetvalue(row, 0, 4));
    s->contacts = calloc(nc + 1, sizeof *s->contacts);
    s->cptrs = calloc(nc + 1, sizeof *s->cptrs);
    s->certs = calloc(nq + 1, sizeof *s->certs);
    s->qptrs = calloc(nq + 1, sizeof *s->qptrs);
    s->withdrawn = calloc(nq + 1, sizeof *s->withdrawn);
    s->units = calloc(rl + dl + 2, sizeof *s->units);
    s->codes = malloc(rl + dl + 2);
    if (!s->contacts || !s->cptrs || !s->certs || !s->qptrs || !s->withdrawn ||
        !s->units || !s->codes)
        return CMN_ENOMEM;
    Mlps__V1__Institution *in = &s->in;
    in->name = PQgetvalue(row, 0, 0);
    in->credit_code = PQgetvalue(row, 0, 1);
    in->capacity = (uint32_t) atoi(PQgetvalue(row, 0, 2));
    memcpy(s->codes, PQgetvalue(row, 0, 3), rl + 1);
    memcpy(s->codes + rl + 1, PQgetvalue(row, 0, 4), dl + 1);
    size_t at = 0;
    in->related_units = s->units;
    in->n_related_units = s_units(s->codes, s->units, &at);
    in->designed_units = s->units + at;
    in->n_designed_units = s_units(s->codes + rl + 1, s->units, &at);
    for (size_t i = 0; i < nc; i++) {
        Mlps__V1__Contact *ct = &s->contacts[i];
        mlps__v1__contact__init(ct);
        ct->name = PQgetvalue(con, (int) i, 0);
        ct->role = PQgetvalue(con, (int) i, 1);
        ct->phone = PQgetvalue(con, (int) i, 2);
        ct->email = PQgetvalue(con, (int) i, 3);
        s->cptrs[i] = ct;
    }
    in->n_contacts = nc;
    in->contacts = s->cptrs;
    s_shown_certs(s);
    return 0;
}

/* Loads institution id into *s; *found whether it exists. */
static int
s_shown_load(PGconn *c, const char *id, s_shown_t *s, bool *found)
{
    const char *p[1] = {id};
    int err = 0;
    memset(s, 0, sizeof *s);
    mlps__v1__institution__init(&s->in);
    s->in.id = (char *) id;
    *found = false;
    s->res[0] = cmn_pg_exec(c,
                            "SELECT name, credit_code, capacity, "
                            "array_to_string(related_units, ','), "
                            "array_to_string(designed_units, ',') FROM "
                            "institutions WHERE id = $1",
                            1, p, &err);
    if (s->res[0] == NULL || PQntuples(s->res[0]) != 1)
        return err;
    s->res[1] = cmn_pg_exec(c,
                            "SELECT u.n, u.r, u.p, u.e FROM institutions i, "
                            "unnest(i.contact_names, i.contact_roles, "
                            "i.contact_phones, i.contact_emails) AS u(n, r, "
                            "p, e) WHERE i.id = $1",
                            1, p, &err);
    if (s->res[1] == NULL)
        return err;
    s->res[2] = cmn_pg_exec(
        c,
        "SELECT category, level, number, to_char(issued_on, 'YYYY-MM-DD'), "
        "to_char(expires_on, 'YYYY-MM-DD'), surveillance, "
        "coalesce(to_char(surveillance_on, 'YYYY-MM-DD'), ''), suspended, "
        "suspended_reason, listed FROM certificates WHERE institution_id = $1 "
        "ORDER BY number",
        1, p, &err);
    if (s->res[2] == NULL)
        return err;
    *found = true;
    return s_shown_build(s);
}

int
evl__inst_show(PGconn *c, const cmn_env_msg_t *m, void *arg,
               cmn_api_reply_t *out)
{
    const evl_t *self = arg;
    const Mlps__V1__InstitutionShowRequest *req =
        (const Mlps__V1__InstitutionShowRequest *) m->payload;
    const char *me = evl__inst_of(&m->peer);
    s_shown_t sh;
    evl_snapshot_t snap = {0};
    bool found = false, q = false;
    char note[400] = "", last[DOM_DATE_BUFSZ] = "", msg[160];
    int err = 0;
    /* An institution sees only itself. */
    if (m->peer.kind == CMN_KIND_INSTITUTION &&
        (me == NULL || strcmp(me, req->id) != 0)) {
        memset(&sh, 0, sizeof sh);
    } else {
        err = s_shown_load(c, req->id, &sh, &found);
    }
    if (err == 0 && found)
        err = evl_store_snapshot(c, &snap);
    const evl_inst_t *in =
        err == 0 && found ? evl_store_snapshot_find(&snap, req->id) : NULL;
    if (err == 0 && in == NULL) {
        snprintf(msg, sizeof msg, "no institution \"%.40s\"", req->id);
        err = evl__problem(out, &mlps__v1__institution_show_reply__descriptor,
                           "not_found", msg);
    } else if (err == 0) {
        s_standing(in, cmn_svc_today(&self->conf.base), &q, note, sizeof note,
                   last);
        Mlps__V1__InstitutionShowReply rep =
            MLPS__V1__INSTITUTION_SHOW_REPLY__INIT;
        rep.institution = &sh.in;
        rep.qualified = q;
        rep.qualified_note = note;
        rep.busy = (uint32_t) in->busy;
        rep.last_assigned = last;
        rep.n_withdrawn = sh.nwithdrawn;
        rep.withdrawn = sh.withdrawn;
        err = cmn_api_reply(
            out, mlps__v1__institution_show_reply__descriptor.name, &rep.base);
    }
    evl_store_snapshot_release(&snap);
    s_shown_release(&sh);
    return err;
}

/* --- suspension ---------------------------------------------------------- */

static int
s_suspend_tx(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    (void) arg;
    const Mlps__V1__InstitutionSuspendRequest *req =
        (const Mlps__V1__InstitutionSuspendRequest *) m->payload;
    char actor[160], ident[64], msg[300];
    const char *p[4] = {req->id, req->number, req->lift ? "f" : "t",
                        req->lift ? "" : req->reason};
    int err = cmn_pg_cmd(c, "BEGIN");
    PGresult *r =
        err != 0 ? NULL
                 : cmn_pg_exec(c,
                               "UPDATE certificates SET suspended = "
                               "$3::boolean, suspended_reason = $4, "
                               "updated_at = now() WHERE institution_id = $1 "
                               "AND listed AND ($2 = '' OR number = $2) "
                               "RETURNING number",
                               4, p, &err);
    if (r == NULL)
        return err;
    int n = PQntuples(r);
    PQclear(r);
    if (n == 0) {
        if (req->number[0] != '\0')
            snprintf(msg, sizeof msg,
                     "no certificate \"%.64s\" of institution \"%.40s\"",
                     req->number, req->id);
        else
            snprintf(msg, sizeof msg,
                     "no institution \"%.40s\" with certificates", req->id);
        return evl__action(out, "not_found", msg, NULL);
    }
    snprintf(ident, sizeof ident, "inst:%.40s", req->id);
    err = cmn_audit(c, cmn_ident_label(&m->peer, actor, sizeof actor),
                    req->lift ? "institution.reinstated"
                              : "institution.suspended",
                    ident, "%s%s%.64s (%d certificates)%s%.300s",
                    req->lift ? "reinstated" : "suspended",
                    req->number[0] ? " certificate " : " every certificate",
                    req->number, n, req->lift ? "" : ": ", req->reason);
    if (err == 0)
        err = evl_flow_refresh(
            c, arg, cmn_svc_today(&((const evl_t *) arg)->conf.base), NULL);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err == 0) {
        out->kick = true;
        snprintf(msg, sizeof msg, "institution %.40s: %d certificate(s) %s",
                 req->id, n, req->lift ? "reinstated" : "suspended");
        err = evl__action(out, NULL, msg, NULL);
    }
    return err;
}

int
evl__inst_suspend(PGconn *c, const cmn_env_msg_t *m, void *arg,
                  cmn_api_reply_t *out)
{
    const Mlps__V1__InstitutionSuspendRequest *req =
        (const Mlps__V1__InstitutionSuspendRequest *) m->payload;
    cmn_problem_t *e = NULL;
    if (!evl__this_office(arg, &m->peer))
        return evl__action(out, "forbidden",
                           "only the municipal office's people suspend "
                           "certificates",
                           NULL);
    e = calloc(1, sizeof *e);
    if (e == NULL)
        return CMN_ENOMEM;
    if (!evl__inst_id_ok(req->id))
        cmn_problem_add(e, "id", "must be 1..40 of a-z 0-9 _ -");
    evl__text(e, "number", req->number, 64, 0);
    evl__text(e, "reason", req->reason, 400,
              CMN_TEXT_CHARS | (req->lift ? 0 : CMN_TEXT_REQUIRED));
    int err = e->count > 0
                  ? evl__action(out, "invalid", "nothing was changed", e)
                  : evl__retry(c, m, arg, out, s_suspend_tx);
    free(e);
    return err;
}

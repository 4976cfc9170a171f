/* api_inst.c - the institution registry over the API: institutions and
 * their certificates added or changed (every field checked, named, and
 * nothing half-applied). Shown, listed and suspended: api_inst_show.c. */
#include "api_int.h"
#include "cmn/audit.h"
#include "cmn/log.h"
#include "cmn/pb.h"
#include "cmn/pgarray.h"
#include "cmn/text.h"
#include "dom/codes.h"
#include "evl/flow.h"
#include "mlps/v1/evaluation.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PUT_MAX   500 /* institutions in one request */
#define S_CERTS_MAX 50  /* certificates of one institution */
#define S_LIST_MAX  100 /* contacts, related or designed units */

/* The categories of DOMAIN.md, "Qualifications". */
static const char *const s_categories[] = {
    "risk_assessment",     "security_integration",
    "security_operations", "emergency_response",
    "disaster_recovery",   "software_development",
    EVL_CATEGORY,          NULL};

bool
evl__inst_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > EVL_INST_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= 'a' && id[i] <= 'z') ||
              (id[i] >= '0' && id[i] <= '9') || id[i] == '_' || id[i] == '-'))
            return false;
    return true;
}

static bool
s_category_ok(const char *c)
{
    for (size_t i = 0; s_categories[i] != NULL; i++)
        if (strcmp(c, s_categories[i]) == 0)
            return true;
    return false;
}

/* --- checks of a put ----------------------------------------------------- */

static void
s_check_cert(const Mlps__V1__QualCertificate *q, const char *at,
             cmn_problem_t *e)
{
    char f[160];
    dom_date_t issued = 0, expires = 0, surv;
#define S_F(name) (snprintf(f, sizeof f, "%s.%s", at, name), f)
    if (!s_category_ok(q->category))
        cmn_problem_add(e, S_F("category"),
                        "must be a category: risk_assessment, "
                        "security_integration, security_operations, "
                        "emergency_response, disaster_recovery, "
                        "software_development or level_evaluation");
    if (q->level < 1 || q->level > 3)
        cmn_problem_add(e, S_F("level"), "must be 1, 2 or 3 (1 highest)");
    evl__text(e, S_F("number"), q->number, 64, CMN_TEXT_REQUIRED);
    bool dates = dom_date_parse(q->issued_on, &issued) == 0;
    if (!dates)
        cmn_problem_add(e, S_F("issued_on"), "must be a date YYYY-MM-DD");
    if (dom_date_parse(q->expires_on, &expires) != 0)
        cmn_problem_add(e, S_F("expires_on"), "must be a date YYYY-MM-DD");
    else if (dates && expires < issued)
        cmn_problem_add(e, S_F("expires_on"), "is before issued_on");
    bool none = q->surveillance[0] == '\0';
    if (!none && strcmp(q->surveillance, "passed") != 0 &&
        strcmp(q->surveillance, "failed") != 0)
        cmn_problem_add(e, S_F("surveillance"),
                        "must be \"passed\", \"failed\" or empty (none yet)");
    if (!none && dom_date_parse(q->surveillance_on, &surv) != 0)
        cmn_problem_add(e, S_F("surveillance_on"),
                        "must be a date YYYY-MM-DD when there is a "
                        "surveillance result");
    if (none && q->surveillance_on[0] != '\0')
        cmn_problem_add(e, S_F("surveillance_on"),
                        "must be empty without a surveillance result");
    evl__text(e, S_F("suspended_reason"), q->suspended_reason, 400,
              CMN_TEXT_CHARS);
#undef S_F
}

static void
s_check_codes(char *const *codes, size_t n, const char *at, const char *name,
              cmn_problem_t *e)
{
    char f[160];
    if (n > S_LIST_MAX) {
        snprintf(f, sizeof f, "%s.%s", at, name);
        cmn_problem_add(e, f, "at most %d", S_LIST_MAX);
    }
    for (size_t i = 0; i < n && i < S_LIST_MAX; i++) {
        snprintf(f, sizeof f, "%s.%s[%zu]", at, name, i);
        if (!dom_credit_code_valid(codes[i]))
            cmn_problem_add(e, f, "must be a unified social credit code");
    }
}

static void
s_check_inst(const Mlps__V1__Institution *in, size_t i, cmn_problem_t *e)
{
    char at[48], f[160];
    snprintf(at, sizeof at, "institutions[%zu]", i);
#define S_F(name) (snprintf(f, sizeof f, "%s.%s", at, name), f)
    if (!evl__inst_id_ok(in->id))
        cmn_problem_add(e, S_F("id"), "must be 1..40 of a-z 0-9 _ -");
    evl__text(e, S_F("name"), in->name, EVL_NAME_MAX, CMN_TEXT_REQUIRED);
    if (!dom_credit_code_valid(in->credit_code))
        cmn_problem_add(e, S_F("credit_code"),
                        "must be a unified social credit code (GB 32100)");
    if (in->capacity < 1 || in->capacity > 1000)
        cmn_problem_add(e, S_F("capacity"),
                        "must be 1 to 1000 evaluations at once");
    if (in->n_contacts > S_LIST_MAX)
        cmn_problem_add(e, S_F("contacts"), "at most %d", S_LIST_MAX);
    for (size_t j = 0; j < in->n_contacts && j < S_LIST_MAX; j++) {
        const Mlps__V1__Contact *c = in->contacts[j];
        char cf[160];
        snprintf(cf, sizeof cf, "%s.contacts[%zu].name", at, j);
        evl__text(e, cf, c->name, 100, CMN_TEXT_REQUIRED | CMN_TEXT_CHARS);
        snprintf(cf, sizeof cf, "%s.contacts[%zu].role", at, j);
        evl__text(e, cf, c->role, 100, CMN_TEXT_CHARS);
        snprintf(cf, sizeof cf, "%s.contacts[%zu].phone", at, j);
        evl__text(e, cf, c->phone, 40, 0);
        snprintf(cf, sizeof cf, "%s.contacts[%zu].email", at, j);
        evl__text(e, cf, c->email, 200, 0);
    }
    s_check_codes(in->related_units, in->n_related_units, at, "related_units",
                  e);
    s_check_codes(in->designed_units, in->n_designed_units, at,
                  "designed_units", e);
    if (in->n_certificates > S_CERTS_MAX)
        cmn_problem_add(e, S_F("certificates"), "at most %d", S_CERTS_MAX);
    for (size_t j = 0; j < in->n_certificates && j < S_CERTS_MAX; j++) {
        char cat[80];
        snprintf(cat, sizeof cat, "%s.certificates[%zu]", at, j);
        s_check_cert(in->certificates[j], cat, e);
    }
#undef S_F
}

/* Ids and certificate numbers given twice in one request. */
static void
s_check_unique(const Mlps__V1__InstitutionPutRequest *req, cmn_problem_t *e)
{
    char f[96];
    for (size_t i = 0; i < req->n_institutions; i++) {
        const Mlps__V1__Institution *a = req->institutions[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(a->id, req->institutions[j]->id) == 0) {
                snprintf(f, sizeof f, "institutions[%zu].id", i);
                cmn_problem_add(e, f,
                                "\"%.40s\" is given twice (also "
                                "institutions[%zu])",
                                a->id, j);
            }
        for (size_t k = 0; k < a->n_certificates; k++)
            for (size_t l = 0; l < k; l++)
                if (strcmp(a->certificates[k]->number,
                           a->certificates[l]->number) == 0) {
                    snprintf(f, sizeof f,
                             "institutions[%zu].certificates[%zu].number", i,
                             k);
                    cmn_problem_add(e, f, "is given twice");
                }
    }
}

/* --- the put ------------------------------------------------------------- */

/* One text[] literal of strs[0..n) into a (release it). */
static int
s_array(cmn_pgarray_t *a, char *const *strs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int err = cmn_pgarray_add(a, strs[i]);
        if (err != 0)
            return err;
    }
    return 0;
}

/* The contacts' columns as four text[] literals. */
static int
s_contacts(const Mlps__V1__Institution *in, cmn_pgarray_t a[4])
{
    int err = 0;
    for (size_t j = 0; err == 0 && j < in->n_contacts; j++) {
        const Mlps__V1__Contact *c = in->contacts[j];
        err = cmn_pgarray_add(&a[0], c->name);
        if (err == 0)
            err = cmn_pgarray_add(&a[1], c->role);
        if (err == 0)
            err = cmn_pgarray_add(&a[2], c->phone);
        if (err == 0)
            err = cmn_pgarray_add(&a[3], c->email);
    }
    return err;
}

/* Inserts or updates the institution's row; *result "added", "changed" or
 * "unchanged" (by its packed record). */
static int
s_put_row(PGconn *c, const Mlps__V1__Institution *in, const uint8_t *rec,
          size_t reclen, const char **result)
{
    cmn_pgarray_t arr[6] = {CMN_PGARRAY_INIT, CMN_PGARRAY_INIT,
                            CMN_PGARRAY_INIT, CMN_PGARRAY_INIT,
                            CMN_PGARRAY_INIT, CMN_PGARRAY_INIT};
    char cap[16];
    int err = 0;
    const char *p1[2] = {in->id, (const char *) rec};
    int len1[2] = {0, (int) reclen}, fmt1[2] = {0, 1};
    PGresult *r = cmn_pg_execb(c,
                               "SELECT record = $2::bytea FROM institutions "
                               "WHERE id = $1 FOR UPDATE",
                               2, p1, len1, fmt1, &err);
    if (r == NULL)
        return err;
    bool exists = PQntuples(r) == 1;
    bool same = exists && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    *result = same ? "unchanged" : exists ? "changed" : "added";
    if (same)
        return 0;
    snprintf(cap, sizeof cap, "%u", in->capacity);
    err = s_array(&arr[0], in->related_units, in->n_related_units);
    if (err == 0)
        err = s_array(&arr[1], in->designed_units, in->n_designed_units);
    if (err == 0)
        err = s_contacts(in, &arr[2]);
    const char *p[11] = {in->id,
                         in->name,
                         in->credit_code,
                         cap,
                         cmn_pgarray_text(&arr[0]),
                         cmn_pgarray_text(&arr[1]),
                         cmn_pgarray_text(&arr[2]),
                         cmn_pgarray_text(&arr[3]),
                         cmn_pgarray_text(&arr[4]),
                         cmn_pgarray_text(&arr[5]),
                         (const char *) rec};
    int lens[11] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (int) reclen};
    int fmts[11] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    r = err != 0 ? NULL
                 : cmn_pg_execb(
                       c,
                       "INSERT INTO institutions (id, name, credit_code, "
                       "capacity, related_units, designed_units, "
                       "contact_names, contact_roles, contact_phones, "
                       "contact_emails, record) VALUES ($1, $2, $3, "
                       "$4::integer, $5::text[], $6::text[], $7::text[], "
                       "$8::text[], $9::text[], $10::text[], $11::bytea) ON "
                       "CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, "
                       "credit_code = EXCLUDED.credit_code, capacity = "
                       "EXCLUDED.capacity, related_units = "
                       "EXCLUDED.related_units, designed_units = "
                       "EXCLUDED.designed_units, contact_names = "
                       "EXCLUDED.contact_names, contact_roles = "
                       "EXCLUDED.contact_roles, contact_phones = "
                       "EXCLUDED.contact_phones, contact_emails = "
                       "EXCLUDED.contact_emails, record = EXCLUDED.record, "
                       "updated_at = now()",
                       11, p, lens, fmts, &err);
    PQclear(r);
    for (int i = 0; i < 6; i++)
        cmn_pgarray_release(&arr[i]);
    return r == NULL ? err : 0;
}

/* One certificate, inserted or updated; CMN_EEXIST when its number is
 * another institution's. */
static int
s_put_cert(PGconn *c, const char *inst, const Mlps__V1__QualCertificate *q)
{
    char level[8];
    int err;
    snprintf(level, sizeof level, "%u", q->level);
    const char *p[10] = {q->number,
                         inst,
                         q->category,
                         level,
                         q->issued_on,
                         q->expires_on,
                         q->surveillance,
                         q->surveillance_on[0] ? q->surveillance_on : NULL,
                         q->suspended ? "t" : "f",
                         q->suspended_reason};
    PGresult *r = cmn_pg_exec(
        c,
        "INSERT INTO certificates (number, institution_id, category, level, "
        "issued_on, expires_on, surveillance, surveillance_on, suspended, "
        "suspended_reason) VALUES ($1, $2, $3, $4::integer, $5::date, "
        "$6::date, $7, $8::date, $9::boolean, $10) ON CONFLICT (number) DO "
        "UPDATE SET category = EXCLUDED.category, level = EXCLUDED.level, "
        "issued_on = EXCLUDED.issued_on, expires_on = EXCLUDED.expires_on, "
        "surveillance = EXCLUDED.surveillance, surveillance_on = "
        "EXCLUDED.surveillance_on, suspended = EXCLUDED.suspended, "
        "suspended_reason = EXCLUDED.suspended_reason, listed = true, "
        "updated_at = now() WHERE certificates.institution_id = "
        "EXCLUDED.institution_id RETURNING number",
        10, p, &err);
    if (r == NULL)
        return err;
    err = PQntuples(r) == 1 ? 0 : CMN_EEXIST;
    PQclear(r);
    return err;
}

/* The certificates of in: each given one stored, the others unlisted. */
static int
s_put_certs(PGconn *c, const Mlps__V1__Institution *in, size_t i,
            cmn_problem_t *e)
{
    cmn_pgarray_t nums = CMN_PGARRAY_INIT;
    int err = 0;
    for (size_t j = 0; err == 0 && j < in->n_certificates; j++) {
        err = s_put_cert(c, in->id, in->certificates[j]);
        if (err == CMN_EEXIST) {
            char f[96];
            snprintf(f, sizeof f, "institutions[%zu].certificates[%zu].number",
                     i, j);
            cmn_problem_add(e, f, "is another institution's certificate");
            err = 0;
        }
        if (err == 0)
            err = cmn_pgarray_add(&nums, in->certificates[j]->number);
    }
    const char *p[2] = {in->id, cmn_pgarray_text(&nums)};
    PGresult *r = err != 0 ? NULL
                           : cmn_pg_exec(c,
                                         "UPDATE certificates SET listed = "
                                         "false, updated_at = now() WHERE "
                                         "institution_id = $1 AND listed AND "
                                         "number <> ALL ($2::text[])",
                                         2, p, &err);
    PQclear(r);
    cmn_pgarray_release(&nums);
    return err;
}

/* Stores institution i; its result into *result. */
static int
s_put_one(PGconn *c, const Mlps__V1__Institution *in, size_t i,
          const char *actor, const char **result, cmn_problem_t *e)
{
    uint8_t *rec = NULL;
    size_t reclen = 0;
    char ident[64];
    int err = cmn_pb_pack(&in->base, &rec, &reclen);
    if (err == 0)
        err = s_put_row(c, in, rec, reclen, result);
    free(rec);
    if (err != 0 || strcmp(*result, "unchanged") == 0)
        return err;
    err = s_put_certs(c, in, i, e);
    snprintf(ident, sizeof ident, "inst:%s", in->id);
    if (err == 0)
        err = cmn_audit(c, actor,
                        strcmp(*result, "added") == 0 ? "institution.added"
                                                      : "institution.changed",
                        ident, "%s: capacity %u, %zu certificates", in->name,
                        in->capacity, in->n_certificates);
    return err;
}

static int
s_put_tx(PGconn *c, const cmn_env_msg_t *m, void *arg, cmn_api_reply_t *out)
{
    const Mlps__V1__InstitutionPutRequest *req =
        (const Mlps__V1__InstitutionPutRequest *) m->payload;
    size_t n = req->n_institutions;
    cmn_problem_t *e = calloc(1, sizeof *e);
    Mlps__V1__InstitutionPutReply__Item *items = calloc(n + 1, sizeof *items);
    Mlps__V1__InstitutionPutReply__Item **ptrs = calloc(n + 1, sizeof *ptrs);
    Mlps__V1__InstitutionPutReply rep = MLPS__V1__INSTITUTION_PUT_REPLY__INIT;
    char actor[160];
    int err = e && items && ptrs ? cmn_pg_cmd(c, "BEGIN") : CMN_ENOMEM;
    cmn_ident_label(&m->peer, actor, sizeof actor);
    for (size_t i = 0; err == 0 && i < n; i++) {
        const char *result = NULL;
        err = s_put_one(c, req->institutions[i], i, actor, &result, e);
        mlps__v1__institution_put_reply__item__init(&items[i]);
        items[i].id = req->institutions[i]->id;
        items[i].result = (char *) result;
        ptrs[i] = &items[i];
    }
    if (err == 0 && e->count > 0) {
        Mlps__V1__InstitutionPutReply bad =
            MLPS__V1__INSTITUTION_PUT_REPLY__INIT;
        bad.problem = cmn_problem_pb(e, "invalid", "nothing was stored");
        err = cmn_api_reply(
            out, mlps__v1__institution_put_reply__descriptor.name, &bad.base);
        goto out;
    }
    int moved = 0;
    if (err == 0)
        err = evl_flow_refresh(
            c, arg, cmn_svc_today(&((const evl_t *) arg)->conf.base), &moved);
    if (err == 0)
        err = cmn_pg_cmd(c, "COMMIT");
    if (err == 0 && moved > 0)
        cmn_log_info("%d system(s) proposed again after the institutions "
                     "changed",
                     moved);
    if (err == 0) {
        rep.n_items = n;
        rep.items = ptrs;
        out->kick = true;
        err = cmn_api_reply(
            out, mlps__v1__institution_put_reply__descriptor.name, &rep.base);
    }
out:
    free(e);
    free(items);
    free(ptrs);
    return err;
}

int
evl__inst_put(PGconn *c, const cmn_env_msg_t *m, void *arg,
              cmn_api_reply_t *out)
{
    const Mlps__V1__InstitutionPutRequest *req =
        (const Mlps__V1__InstitutionPutRequest *) m->payload;
    const ProtobufCMessageDescriptor *d =
        &mlps__v1__institution_put_reply__descriptor;
    if (!evl__this_office(arg, &m->peer))
        return evl__problem(out, d, "forbidden",
                            "only the municipal office's people manage the "
                            "institutions");
    if (req->n_institutions == 0 || req->n_institutions > S_PUT_MAX)
        return evl__problem(out, d, "invalid",
                            "institutions: give 1 to 500 institutions");
    cmn_problem_t *e = calloc(1, sizeof *e);
    if (e == NULL)
        return CMN_ENOMEM;
    for (size_t i = 0; i < req->n_institutions; i++)
        s_check_inst(req->institutions[i], i, e);
    s_check_unique(req, e);
    int err;
    if (e->count > 0) {
        Mlps__V1__InstitutionPutReply bad =
            MLPS__V1__INSTITUTION_PUT_REPLY__INIT;
        bad.problem = cmn_problem_pb(e, "invalid", "nothing was stored");
        err = cmn_api_reply(out, d->name, &bad.base);
    } else {
        err = evl__retry(c, m, arg, out, s_put_tx);
    }
    free(e);
    return err;
}

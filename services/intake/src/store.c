/* store.c - the intake service's tables (see store.h). */
#include "itk/store.h"
#include "cmn/audit.h"
#include "cmn/outbox.h"
#include "cmn/pb.h"
#include "cmn/pgarray.h"
#include "dom/names.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
itk_digest(const ProtobufCMessage *msg, const char *salt, char out[65])
{
    uint8_t *buf = NULL, md[32];
    size_t len = 0;
    unsigned mdlen = 0;
    int rc = cmn_pb_pack(msg, &buf, &len);
    if (rc != 0)
        return rc;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
        !EVP_DigestUpdate(ctx, salt, strlen(salt) + 1) ||
        !EVP_DigestUpdate(ctx, buf, len) ||
        !EVP_DigestFinal_ex(ctx, md, &mdlen))
        rc = CMN_ENOMEM;
    EVP_MD_CTX_free(ctx);
    free(buf);
    for (unsigned i = 0; rc == 0 && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return rc;
}

int
itk_store_find(PGconn *c, const char *district, const char *digest,
               char tracking[64], int *found)
{
    const char *p[2] = {digest, district};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT tracking_id FROM filings WHERE "
                              "content_sha256 = $1 AND district = $2",
                              2, p, &err);
    if (r == NULL)
        return err;
    *found = PQntuples(r) == 1;
    if (*found)
        snprintf(tracking, 64, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

static void
s_known(const PGresult *r, itk_known_t *k)
{
    memset(k, 0, sizeof *k);
    snprintf(k->tracking_id, sizeof k->tracking_id, "%s", PQgetvalue(r, 0, 0));
    snprintf(k->digest, sizeof k->digest, "%s", PQgetvalue(r, 0, 1));
    k->revision = atoi(PQgetvalue(r, 0, 2));
    snprintf(k->state, sizeof k->state, "%s", PQgetvalue(r, 0, 3));
    snprintf(k->district, sizeof k->district, "%s", PQgetvalue(r, 0, 4));
}

int
itk_system_key(const Mlps__V1__Filing *f, char out[ITK_SYSTEM_KEY_MAX])
{
    char name[ITK_SYSTEM_KEY_MAX - 32];
    int rc = dom_name_normalize(f->system->name, name, sizeof name);
    if (rc == 0)
        snprintf(out, ITK_SYSTEM_KEY_MAX, "%s|%s", f->unit->credit_code, name);
    return rc;
}

int
itk_store_insert(PGconn *c, const itk_t *self, const itk_new_filing_t *n,
                 char tracking[64], int *inserted)
{
    const Mlps__V1__Filing *f = n->filing;
    uint8_t *buf = NULL;
    size_t len = 0;
    int err = cmn_pb_pack(&f->base, &buf, &len);
    if (err != 0)
        return err;
    char level[4], rev[12];
    snprintf(level, sizeof level, "%u", f->grading->final_level);
    snprintf(rev, sizeof rev, "%d", n->revision > 0 ? n->revision : 1);
    const char *office = self->conf.base.office;
    const char *p[17] = {office,
                         n->received_on,
                         n->digest,
                         f->unit->credit_code,
                         f->unit->name,
                         f->unit->region_code,
                         f->unit->sector,
                         f->system->name,
                         level,
                         (const char *) buf,
                         n->proof_sha256,
                         n->tracking_id,
                         n->district,
                         n->batch_id,
                         rev,
                         n->system_key,
                         n->state};
    int lens[17] = {0, 0, 0, 0, 0, 0, 0, 0, 0, (int) len, 0, 0, 0, 0, 0, 0, 0};
    int fmts[17] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
    PGresult *r = cmn_pg_execb(
        c,
        "INSERT INTO filings (tracking_id, office, received_on, "
        "content_sha256, unit_credit_code, unit_name, region_code, sector, "
        "system_name, final_level, filing, unit_secret_sha256, district, "
        "batch_id, revision, system_key, state) VALUES (coalesce($12, "
        "$1 || '-' || to_char($2::date, 'YYYYMMDD') || '-' || "
        "lpad(nextval('tracking_seq')::text, 5, '0')), $1, $2, $3, $4, $5, $6,"
        " $7, $8, $9, $10, $11, $13, $14, $15, $16, $17) ON CONFLICT DO "
        "NOTHING RETURNING tracking_id",
        17, p, lens, fmts, &err);
    free(buf);
    if (r == NULL)
        return err;
    *inserted = PQntuples(r) == 1;
    if (*inserted)
        snprintf(tracking, 64, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

/* One new filing's columns, added to the arrays of itk_store_insert_many. */
enum {
    S_TRACKING,
    S_ON,
    S_DIGEST,
    S_CREDIT,
    S_UNIT,
    S_REGION,
    S_SECTOR,
    S_SYSTEM,
    S_LEVEL,
    S_FILING,
    S_PROOF,
    S_DISTRICT,
    S_BATCH,
    S_REVISION,
    S_KEY,
    S_STATE,
    S_NCOLS
};

static int
s_new_row(cmn_pgarray_t *a, const itk_new_filing_t *n)
{
    const Mlps__V1__Filing *f = n->filing;
    uint8_t *buf = NULL;
    size_t len = 0;
    char level[12], rev[12];
    snprintf(level, sizeof level, "%u", f->grading->final_level);
    snprintf(rev, sizeof rev, "%d", n->revision > 0 ? n->revision : 1);
    int err = cmn_pb_pack(&f->base, &buf, &len);
    const char *v[S_NCOLS] = {
        n->tracking_id,  n->received_on,
        n->digest,       f->unit->credit_code,
        f->unit->name,   f->unit->region_code,
        f->unit->sector, f->system->name,
        level,           NULL,
        n->proof_sha256, n->district,
        n->batch_id,     rev,
        n->system_key,   n->state ? n->state : "received"};
    for (int k = 0; err == 0 && k < S_NCOLS; k++)
        err = k == S_FILING ? cmn_pgarray_add_hex(&a[k], buf, len)
                            : cmn_pgarray_add(&a[k], v[k] ? v[k] : "");
    free(buf);
    return err;
}

/* clang-format off */
static const char s_insert_many_sql[] =
    "INSERT INTO filings (tracking_id, office, received_on, content_sha256, "
    "unit_credit_code, unit_name, region_code, sector, system_name, "
    "final_level, filing, unit_secret_sha256, district, batch_id, revision, "
    "system_key, state) "
    "SELECT coalesce(nullif(u.t, ''), $1 || '-' || to_char(u.o::date, "
    "'YYYYMMDD') || '-' || lpad(nextval('tracking_seq')::text, 5, '0')), $1, "
    "u.o::date, u.d, u.cc, u.un, u.rc, u.se, u.sn, u.lv::int, "
    "decode(u.fi, 'hex'), u.pr, u.di, nullif(u.b, ''), u.rv::int, u.k, u.st "
    "FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
    "$7::text[], $8::text[], $9::text[], $10::text[], $11::text[], "
    "$12::text[], $13::text[], $14::text[], $15::text[], $16::text[], "
    "$17::text[]) WITH ORDINALITY AS u(t, o, d, cc, un, rc, se, sn, lv, fi, "
    "pr, di, b, rv, k, st, i) ORDER BY u.i "
    "ON CONFLICT DO NOTHING RETURNING tracking_id, district, content_sha256";
/* clang-format on */

int
itk_store_insert_many(PGconn *c, const itk_t *self, const itk_new_filing_t *ns,
                      size_t n, char (*tracking)[64])
{
    cmn_pgarray_t a[S_NCOLS];
    for (int k = 0; k < S_NCOLS; k++)
        a[k] = (cmn_pgarray_t) CMN_PGARRAY_INIT;
    int err = 0;
    for (size_t i = 0; err == 0 && i < n; i++) {
        tracking[i][0] = '\0';
        err = s_new_row(a, &ns[i]);
    }
    const char *p[S_NCOLS + 1];
    p[0] = self->conf.base.office;
    for (int k = 0; k < S_NCOLS; k++)
        p[k + 1] = cmn_pgarray_text(&a[k]);
    PGresult *r = NULL;
    /* As itk_store_insert's, for a batch: new tracking ids are numbered in
     * the filings' order. */
    if (err == 0 && n > 0)
        r = cmn_pg_exec(c, s_insert_many_sql, S_NCOLS + 1, p, &err);
    for (int k = 0; k < S_NCOLS; k++)
        cmn_pgarray_release(&a[k]);
    if (r == NULL)
        return err;
    /* RETURNING names no input row: each is found by its district and
     * digest (unique), mostly at its own position. */
    int rows = PQntuples(r);
    size_t next = 0;
    for (int j = 0; j < rows; j++) {
        const char *district = PQgetvalue(r, j, 1);
        const char *digest = PQgetvalue(r, j, 2);
        size_t i = n;
        for (size_t k = 0; i == n && k < n; k++) {
            size_t at = (next + k) % n;
            if (strcmp(ns[at].digest, digest) == 0 &&
                strcmp(ns[at].district, district) == 0)
                i = at;
        }
        if (i < n) {
            snprintf(tracking[i], 64, "%s", PQgetvalue(r, j, 0));
            next = i + 1;
        }
    }
    PQclear(r);
    return 0;
}

int
itk_store_revise(PGconn *c, const char *tracking, const Mlps__V1__Filing *f,
                 const char *digest, int revision, const char *system_key)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int err = cmn_pb_pack(&f->base, &buf, &len);
    if (err != 0)
        return err;
    char level[4], rev[12];
    snprintf(level, sizeof level, "%u", f->grading->final_level);
    snprintf(rev, sizeof rev, "%d", revision);
    const char *p[10] = {tracking,
                         digest,
                         (const char *) buf,
                         f->unit->name,
                         f->unit->sector,
                         f->system->name,
                         level,
                         rev,
                         system_key,
                         f->unit->region_code};
    int lens[10] = {0, 0, (int) len, 0, 0, 0, 0, 0, 0, 0};
    int fmts[10] = {0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
    PGresult *r = cmn_pg_execb(
        c,
        "UPDATE filings SET content_sha256 = $2, filing = $3, unit_name = $4, "
        "sector = $5, system_name = $6, final_level = $7, revision = $8, "
        "system_key = $9, region_code = $10 WHERE tracking_id = $1",
        10, p, lens, fmts, &err);
    free(buf);
    PQclear(r);
    return err;
}

/* Runs a query for at most one filing (its known columns) into out. */
static int
s_known_query(PGconn *c, const char *sql, int np, const char *const *p,
              itk_known_t *out, int *found)
{
    int err;
    PGresult *r = cmn_pg_exec(c, sql, np, p, &err);
    if (r == NULL)
        return err;
    *found = PQntuples(r) == 1;
    if (*found)
        s_known(r, out);
    PQclear(r);
    return 0;
}

#define S_KNOWN_COLUMNS                                                   \
    "SELECT tracking_id, content_sha256, revision, state, district FROM " \
    "filings WHERE "

/* The advisory lock of the system whose key is the SQL expression K. */
#define S_SYSTEM_LOCK(K) "hashtext('mlps.intake.system:' || " K ")"

/* clang-format off */
static const char s_lock_systems_sql[] =
    "SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT DISTINCT "
    S_SYSTEM_LOCK("k") " AS h FROM (SELECT unnest($1::text[]) AS k UNION "
    "SELECT system_key FROM filings WHERE tracking_id = ANY($2::text[])) "
    "AS u ORDER BY h OFFSET 0) AS s";
/* clang-format on */

int
itk_store_lock_systems(PGconn *c, const Mlps__V1__Filing *const *filings,
                       const char *const *trackings, size_t n)
{
    cmn_pgarray_t keys = CMN_PGARRAY_INIT, ids = CMN_PGARRAY_INIT;
    int err = 0;
    for (size_t i = 0; err == 0 && i < n; i++) {
        const Mlps__V1__Filing *f = filings[i];
        char key[ITK_SYSTEM_KEY_MAX];
        if (f != NULL && f->unit != NULL && f->unit->credit_code != NULL &&
            f->system != NULL && f->system->name != NULL &&
            itk_system_key(f, key) == 0)
            err = cmn_pgarray_add(&keys, key);
        if (err == 0 && trackings != NULL && trackings[i] != NULL &&
            trackings[i][0] != '\0')
            err = cmn_pgarray_add(&ids, trackings[i]);
    }
    /* The sorted sub-select (OFFSET 0 keeps it a sub-select) hands the
     * aggregate its rows in order: the locks are taken in that order. The
     * locks are itk_store_by_system's (S_SYSTEM_LOCK). */
    const char *p[2] = {cmn_pgarray_text(&keys), cmn_pgarray_text(&ids)};
    if (err == 0 && keys.count + ids.count > 0) {
        PGresult *r = cmn_pg_exec(c, s_lock_systems_sql, 2, p, &err);
        PQclear(r);
    }
    cmn_pgarray_release(&keys);
    cmn_pgarray_release(&ids);
    return err;
}

int
itk_store_by_system(PGconn *c, const char *system_key, const char *district,
                    itk_known_t *out, int *found)
{
    const char *p[2] = {system_key, district};
    /* The system's lock first, for the rest of the transaction: two
     * filings of one system taken in at once (two districts forwarding,
     * two inbox transactions; two imports) would each find no other and
     * both be filed; the second now waits, and its query (a new snapshot
     * under READ COMMITTED) sees the first. */
    int err;
    PGresult *r = cmn_pg_exec(
        c, "SELECT pg_advisory_xact_lock(" S_SYSTEM_LOCK("$1") ")", 1, p, &err);
    if (r == NULL)
        return err;
    PQclear(r);
    /* The district is a filter, never an index condition (IS NOT FALSE
     * stays one even in a custom plan, where $2 is a constant): before
     * the table's first ANALYZE the planner took district = '110108' as
     * selective as the key and ANDed the district's whole index in. With
     * $2 NULL, any district. */
    return s_known_query(c,
                         S_KNOWN_COLUMNS "system_key = $1 AND (district = "
                                         "$2::text) IS NOT FALSE AND state "
                                         "<> 'duplicate' ORDER BY "
                                         "received_at LIMIT 1 FOR UPDATE",
                         2, p, out, found);
}

int
itk_store_lookup_many(PGconn *c, const char *district,
                      const char *system_district, const char *const *digests,
                      const char *const *keys, const char *const *trackings,
                      size_t n, itk_lookup_t *out)
{
    cmn_pgarray_t d = CMN_PGARRAY_INIT, k = CMN_PGARRAY_INIT,
                  t = CMN_PGARRAY_INIT;
    int err = 0;
    for (size_t i = 0; err == 0 && i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        err = cmn_pgarray_add(&d, digests[i]);
        if (err == 0)
            err = cmn_pgarray_add(&k, keys[i]);
        if (err == 0)
            err = cmn_pgarray_add(&t, trackings && trackings[i] ? trackings[i]
                                                                : "");
    }
    const char *p[5] = {cmn_pgarray_text(&d), cmn_pgarray_text(&k),
                        cmn_pgarray_text(&t), district, system_district};
    PGresult *r = NULL;
    /* itk_store_find's, itk_store_by_system's and itk_store_by_tracking's
     * conditions (the district a filter, as there), for every record at
     * once. Each a LATERAL ... LIMIT 1, which the planner can only run as
     * index probes: as sub-selects, for 500 records it hashed the whole
     * table (a sequential scan of every filing, 124 ms a request at
     * 10,000 filings). */
    if (err == 0 && n > 0)
        r = cmn_pg_exec(
            c,
            "SELECT coalesce(d.tracking_id, ''), s.hit IS NOT NULL, x.hit IS "
            "NOT NULL FROM unnest($1::text[], $2::text[], $3::text[]) WITH "
            "ORDINALITY AS u(d, k, t, i) LEFT JOIN LATERAL (SELECT "
            "tracking_id FROM filings f WHERE f.content_sha256 = u.d AND "
            "f.district = $4 LIMIT 1) d ON true LEFT JOIN LATERAL (SELECT 1 "
            "AS hit FROM filings f WHERE f.system_key = u.k AND (f.district = "
            "$5::text) IS NOT FALSE AND f.state <> 'duplicate' LIMIT 1) s ON "
            "true LEFT JOIN LATERAL (SELECT 1 AS hit FROM filings f WHERE "
            "f.tracking_id = u.t LIMIT 1) x ON true ORDER BY u.i",
            5, p, &err);
    cmn_pgarray_release(&d);
    cmn_pgarray_release(&k);
    cmn_pgarray_release(&t);
    if (r == NULL)
        return err;
    if ((size_t) PQntuples(r) != n) {
        PQclear(r);
        return CMN_EDB;
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(out[i].content, sizeof out[i].content, "%s",
                 PQgetvalue(r, (int) i, 0));
        out[i].system = PQgetvalue(r, (int) i, 1)[0] == 't';
        out[i].tracking = PQgetvalue(r, (int) i, 2)[0] == 't';
    }
    PQclear(r);
    return 0;
}

int
itk_store_by_tracking(PGconn *c, const char *tracking, itk_known_t *out,
                      int *found)
{
    const char *p[1] = {tracking};
    return s_known_query(c, S_KNOWN_COLUMNS "tracking_id = $1 FOR UPDATE", 1, p,
                         out, found);
}

int
itk_store_lock(PGconn *c, const char *tracking, itk_filing_ref_t *ref,
               int *found)
{
    const char *p[1] = {tracking};
    int err;
    memset(ref, 0, sizeof *ref);
    PGresult *r = cmn_pg_exec(c,
                              "SELECT tracking_id, unit_credit_code, "
                              "region_code, unit_secret_sha256, case_version "
                              "FROM filings WHERE tracking_id = $1 FOR UPDATE",
                              1, p, &err);
    if (r == NULL)
        return err;
    *found = PQntuples(r) == 1;
    if (*found) {
        snprintf(ref->tracking_id, sizeof ref->tracking_id, "%s",
                 PQgetvalue(r, 0, 0));
        snprintf(ref->unit_credit_code, sizeof ref->unit_credit_code, "%s",
                 PQgetvalue(r, 0, 1));
        snprintf(ref->region_code, sizeof ref->region_code, "%s",
                 PQgetvalue(r, 0, 2));
        snprintf(ref->proof_sha256, sizeof ref->proof_sha256, "%s",
                 PQgetvalue(r, 0, 3));
        ref->case_version = strtoull(PQgetvalue(r, 0, 4), NULL, 10);
    }
    PQclear(r);
    return 0;
}

int
itk_store_case_action(PGconn *c, itk_filing_ref_t *ref, const char *kind,
                      const char *digest, const char *today,
                      const ProtobufCMessage *msg, const char *dest,
                      bool upstream, const char *actor, int *dup)
{
    const char *p[4] = {ref->tracking_id, kind, digest, today};
    int err;
    *dup = 0;
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO case_actions (tracking_id, kind, "
                              "content_sha256, received_on) VALUES ($1, $2, "
                              "$3, $4) ON CONFLICT DO NOTHING RETURNING id",
                              4, p, &err);
    if (r == NULL)
        return err;
    *dup = PQntuples(r) == 0;
    PQclear(r);
    if (*dup)
        return 0;
    uint64_t version = 0;
    err = cmn_pg_bump(c, "filings",
                      upstream ? "upstream_version" : "case_version",
                      "tracking_id", ref->tracking_id, &version);
    if (err != 0)
        return err;
    if (!upstream)
        ref->case_version = version;
    err = cmn_outbox_put_pb(c, dest, ref->tracking_id, version, msg);
    if (err == 0)
        err = cmn_audit(c, actor,
                        strcmp(kind, "insist") == 0 ? "unit.insisted"
                                                    : "materials.supplemented",
                        ref->tracking_id, "forwarded to %s", dest);
    return err;
}

/* store.c - the intake service's tables (see store.h). */
#include "itk/store.h"
#include "cmn/audit.h"
#include "cmn/outbox.h"
#include "cmn/pb.h"

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
itk_store_find(PGconn *c, const char *digest, char tracking[64], int *found)
{
    const char *p[1] = {digest};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT tracking_id FROM filings WHERE "
                              "content_sha256 = $1",
                              1, p, &err);
    if (r == NULL)
        return err;
    *found = PQntuples(r) == 1;
    if (*found)
        snprintf(tracking, 64, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

int
itk_store_insert(PGconn *c, const itk_t *self, const Mlps__V1__Filing *f,
                 const char *digest, const char *today, char tracking[64],
                 int *inserted)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int err = cmn_pb_pack(&f->base, &buf, &len);
    if (err != 0)
        return err;
    char level[4];
    snprintf(level, sizeof level, "%u", f->grading->final_level);
    const char *office = self->conf.base.office;
    const char *p[10] = {office,          today,
                         digest,          f->unit->credit_code,
                         f->unit->name,   f->unit->region_code,
                         f->unit->sector, f->system->name,
                         level,           (const char *) buf};
    int lens[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, (int) len};
    int fmts[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    PGresult *r = cmn_pg_execb(
        c,
        "INSERT INTO filings (tracking_id, office, received_on, "
        "content_sha256, unit_credit_code, unit_name, region_code, sector, "
        "system_name, final_level, filing) VALUES ("
        "$1 || '-' || to_char($2::date, 'YYYYMMDD') || '-' || "
        "lpad(nextval('tracking_seq')::text, 5, '0'), $1, $2, $3, $4, $5, $6,"
        " $7, $8, $9, $10) ON CONFLICT (content_sha256) DO NOTHING "
        "RETURNING tracking_id",
        10, p, lens, fmts, &err);
    free(buf);
    if (r == NULL)
        return err;
    *inserted = PQntuples(r) == 1;
    if (*inserted)
        snprintf(tracking, 64, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

int
itk_store_case_action(PGconn *c, const char *tracking, const char *kind,
                      const char *digest, const char *today,
                      ProtobufCMessage *msg, int *found, int *dup)
{
    const char *p[4] = {tracking, kind, digest, today};
    int err;
    *found = *dup = 0;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT case_version, unit_credit_code FROM "
                              "filings WHERE tracking_id = $1 FOR UPDATE",
                              1, p, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    *found = 1;
    uint64_t version = strtoull(PQgetvalue(r, 0, 0), NULL, 10) + 1;
    char actor[32];
    snprintf(actor, sizeof actor, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);
    r = cmn_pg_exec(c,
                    "INSERT INTO case_actions (tracking_id, kind, "
                    "content_sha256, received_on) VALUES ($1, $2, $3, $4) "
                    "ON CONFLICT DO NOTHING RETURNING id",
                    4, p, &err);
    if (r == NULL)
        return err;
    *dup = PQntuples(r) == 0;
    PQclear(r);
    if (*dup)
        return 0;
    char ver[24];
    snprintf(ver, sizeof ver, "%llu", (unsigned long long) version);
    const char *q[2] = {tracking, ver};
    r = cmn_pg_exec(c,
                    "UPDATE filings SET case_version = $2 WHERE "
                    "tracking_id = $1",
                    2, q, &err);
    PQclear(r);
    if (err == 0)
        err = cmn_outbox_put_pb(c, ITK_REVIEW_DEST, tracking, version, msg);
    if (err == 0)
        err = cmn_audit(c, actor,
                        strcmp(kind, "insist") == 0 ? "unit.insisted"
                                                    : "materials.supplemented",
                        tracking, "forwarded to review");
    return err;
}

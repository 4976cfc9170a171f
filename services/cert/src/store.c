/* store.c - cert.cases rows to and from crt_case_t, and a number's record
 * (numbers, certificates, revocations) as crt_record_t. */
#include "crt/store.h"
#include "cmn/db.h"
#include "cmn/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns, in the order s_fill reads them. */
#define S_COLS                                                       \
    "tracking_id, state, level, organ, district, unit_credit_code, " \
    "unit_name, system_name, region_code, unit_secret_sha256, "      \
    "accepted_on::text, accepted_version, decided_by, "              \
    "coalesce(current_number, ''), coalesce(pending_number, ''), note"

#define S_COPY(dst, r, col) \
    snprintf(dst, sizeof dst, "%s", PQgetvalue(r, 0, col))

static int
s_fill(const PGresult *r, crt_case_t *k)
{
    memset(k, 0, sizeof *k);
    S_COPY(k->tracking_id, r, 0);
    if (crt_state_parse(PQgetvalue(r, 0, 1), &k->state) != 0)
        return CMN_EDB; /* a name the table does not know */
    k->level = atoi(PQgetvalue(r, 0, 2));
    S_COPY(k->organ, r, 3);
    S_COPY(k->district, r, 4);
    S_COPY(k->unit_credit_code, r, 5);
    S_COPY(k->unit_name, r, 6);
    S_COPY(k->system_name, r, 7);
    S_COPY(k->region_code, r, 8);
    S_COPY(k->unit_secret_sha256, r, 9);
    S_COPY(k->accepted_on, r, 10);
    k->accepted_version = strtoull(PQgetvalue(r, 0, 11), NULL, 10);
    S_COPY(k->decided_by, r, 12);
    S_COPY(k->current_number, r, 13);
    S_COPY(k->pending_number, r, 14);
    S_COPY(k->note, r, 15);
    return 0;
}

int
crt_case_load(PGconn *c, const char *tracking_id, bool lock, crt_case_t *k,
              bool *found)
{
    const char *p[1] = {tracking_id};
    int err;
    *found = false;
    PGresult *r = cmn_pg_exec(c,
                              lock ? "SELECT " S_COLS " FROM cases WHERE "
                                     "tracking_id = $1 FOR UPDATE"
                                   : "SELECT " S_COLS " FROM cases WHERE "
                                     "tracking_id = $1",
                              1, p, &err);
    if (r == NULL)
        return err;
    err = 0;
    if (PQntuples(r) == 1) {
        err = s_fill(r, k);
        *found = err == 0;
    }
    PQclear(r);
    return err;
}

/* The case's columns as parameters $1..$16, in S_COLS order. */
static void
s_params(const crt_case_t *k, const char *p[16], char level[4],
         char version[24])
{
    snprintf(level, 4, "%d", k->level);
    snprintf(version, 24, "%llu", (unsigned long long) k->accepted_version);
    const char *v[16] = {k->tracking_id,
                         crt_state_name(k->state),
                         level,
                         k->organ,
                         k->district,
                         k->unit_credit_code,
                         k->unit_name,
                         k->system_name,
                         k->region_code,
                         k->unit_secret_sha256,
                         k->accepted_on,
                         version,
                         k->decided_by,
                         k->current_number,
                         k->pending_number,
                         k->note};
    memcpy(p, v, sizeof v);
}

int
crt_case_insert(PGconn *c, const crt_case_t *k)
{
    const char *p[16];
    char level[4], version[24];
    int err;
    s_params(k, p, level, version);
    PGresult *r = cmn_pg_exec(
        c,
        "INSERT INTO cases (tracking_id, state, level, organ, district, "
        "unit_credit_code, unit_name, system_name, region_code, "
        "unit_secret_sha256, accepted_on, accepted_version, decided_by, "
        "current_number, pending_number, note) VALUES ($1, $2, $3, $4, $5, "
        "$6, $7, $8, $9, $10, $11, $12, $13, nullif($14, ''), "
        "nullif($15, ''), $16)",
        16, p, &err);
    PQclear(r);
    return r == NULL ? err : 0;
}

int
crt_case_save(PGconn *c, const crt_case_t *k, long lease_ms)
{
    const char *p[17];
    char level[4], version[24], lease[24];
    int err;
    s_params(k, p, level, version);
    snprintf(lease, sizeof lease, "%ld", lease_ms);
    p[16] = lease;
    PGresult *r = cmn_pg_exec(
        c,
        "UPDATE cases SET state = $2, level = $3, organ = $4, district = $5, "
        "unit_credit_code = $6, unit_name = $7, system_name = $8, "
        "region_code = $9, unit_secret_sha256 = $10, accepted_on = $11, "
        "accepted_version = $12, decided_by = $13, "
        "current_number = nullif($14, ''), pending_number = nullif($15, ''), "
        "note = $16, lease_until = CASE WHEN $17::bigint > 0 THEN now() + "
        "$17::bigint * interval '1 millisecond' END, updated_at = now() "
        "WHERE tracking_id = $1",
        17, p, &err);
    if (r == NULL)
        return err;
    err = strcmp(PQcmdTuples(r), "1") == 0 ? 0 : CMN_EDB;
    PQclear(r);
    return err;
}

/* The record's fields from row 0 of r (the columns of crt_record_load). */
static int
s_record(const PGresult *r, crt_record_t *rec)
{
    static const char *const fields[] = {
        "number",    "tracking_id", "organ", "unit_credit_code",
        "unit_name", "system_name", "level", "issued_on"};
    char why[200];
    memset(rec, 0, sizeof *rec);
    S_COPY(rec->number, r, 0);
    for (int i = 0; i < 8; i++) {
        if (crt_content_set(&rec->content, fields[i], PQgetvalue(r, 0, i), why,
                            sizeof why) != 0) {
            cmn_log_error("number %s: stored %s", rec->number, why);
            return CMN_EDB;
        }
    }
    rec->stored = PQgetvalue(r, 0, 8)[0] == 't';
    S_COPY(rec->key_id, r, 9);
    S_COPY(rec->alg, r, 10);
    S_COPY(rec->payload, r, 11);
    rec->revoked = PQgetvalue(r, 0, 12)[0] == 't';
    S_COPY(rec->revoked_on, r, 13);
    S_COPY(rec->reason, r, 14);
    S_COPY(rec->superseded_by, r, 15);
    S_COPY(rec->allocated_by, r, 16);
    return 0;
}

int
crt_record_load(PGconn *c, const char *number, crt_record_t *rec, bool *found)
{
    const char *p[1] = {number};
    int err;
    *found = false;
    PGresult *r = cmn_pg_exec(
        c,
        "SELECT n.number, n.tracking_id, n.organ, n.unit_credit_code, "
        "n.unit_name, n.system_name, n.level, n.issued_on::text, "
        "c.number IS NOT NULL, coalesce(c.key_id, ''), coalesce(c.alg, ''), "
        "coalesce(c.payload, ''), r.number IS NOT NULL, "
        "coalesce(r.revoked_on::text, ''), coalesce(r.reason, ''), "
        "coalesce(r.superseded_by, ''), n.allocated_by FROM numbers n LEFT "
        "JOIN "
        "certificates c ON c.number = n.number LEFT JOIN revocations r ON "
        "r.number = n.number WHERE n.number = $1",
        1, p, &err);
    if (r == NULL)
        return err;
    err = 0;
    if (PQntuples(r) == 1) {
        err = s_record(r, rec);
        *found = err == 0;
    }
    PQclear(r);
    return err;
}

int
crt_record_latest(PGconn *c, const char *tracking_id,
                  char number[CRT_NUMBER_MAX + 1])
{
    const char *p[1] = {tracking_id};
    int err;
    number[0] = '\0';
    PGresult *r = cmn_pg_exec(c,
                              "SELECT number FROM certificates WHERE "
                              "tracking_id = $1 ORDER BY stored_at DESC, "
                              "number DESC LIMIT 1",
                              1, p, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) == 1)
        snprintf(number, CRT_NUMBER_MAX + 1, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

/* number.c - allocating certificate numbers (number.h): counters under
 * their row's lock, the unit's and the system's sequences, a number never
 * made before. */
#include "crt/number.h"
#include "cmn/db.h"
#include "cmn/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_TRIES 100 /* numbers tried before giving up (each a new sequence) */

/* Locks counter scope (made at 1 if new) and gives its next value; with
 * take, also moves it past that value (the value is then this
 * transaction's). One statement: the upsert locks the row as FOR UPDATE
 * would, and a transaction that wants the same scope waits for this one
 * to end. */
static int
s_counter(PGconn *c, const char *scope, bool take, long *next)
{
    const char *p[1] = {scope};
    int err;
    PGresult *r =
        take ? cmn_pg_exec(c,
                           "INSERT INTO counters (scope, next) VALUES ($1, 2) "
                           "ON CONFLICT (scope) DO UPDATE SET next = "
                           "counters.next + 1 RETURNING next - 1",
                           1, p, &err)
             : cmn_pg_exec(c,
                           "INSERT INTO counters (scope, next) VALUES ($1, 1) "
                           "ON CONFLICT (scope) DO UPDATE SET next = "
                           "counters.next RETURNING next",
                           1, p, &err);
    if (r == NULL)
        return err;
    err = PQntuples(r) == 1 ? 0 : CMN_EDB;
    if (err == 0)
        *next = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return err;
}

static int
s_lock(PGconn *c, const char *scope, long *next)
{
    return s_counter(c, scope, false, next);
}

/* The locked counter scope moves past used. */
static int
s_advance(PGconn *c, const char *scope, long used)
{
    char v[24];
    snprintf(v, sizeof v, "%ld", used + 1);
    const char *p[2] = {scope, v};
    int err;
    PGresult *r = cmn_pg_exec(
        c, "UPDATE counters SET next = $2 WHERE scope = $1", 2, p, &err);
    PQclear(r);
    return r == NULL ? err : 0;
}

/* One bigint of a one-row query into *out; *found false for no row. */
static int
s_one(PGconn *c, const char *sql, int n, const char *const *p, long *out,
      bool *found)
{
    int err;
    PGresult *r = cmn_pg_exec(c, sql, n, p, &err);
    if (r == NULL)
        return err;
    *found = PQntuples(r) == 1;
    if (*found)
        *out = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return 0;
}

/* The unit's sequence under its organ: the one it has, or the next. */
static int
s_unit_seq(PGconn *c, const crt_case_t *k, long *seq)
{
    static const char find[] = "SELECT unit_seq FROM units WHERE organ = $1 "
                               "AND unit_credit_code = $2";
    const char *p[3] = {k->organ, k->unit_credit_code, NULL};
    char scope[40], v[24];
    bool found = false;
    long next = 0;
    int err = s_one(c, find, 2, p, seq, &found);
    if (err != 0 || found)
        return err;
    snprintf(scope, sizeof scope, "unit:%s", k->organ);
    if ((err = s_lock(c, scope, &next)) != 0)
        return err;
    /* Another transaction may have given it one while this one waited. */
    if ((err = s_one(c, find, 2, p, seq, &found)) != 0 || found)
        return err;
    snprintf(v, sizeof v, "%ld", next);
    p[2] = v;
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO units (organ, unit_credit_code, "
                              "unit_seq) VALUES ($1, $2, $3)",
                              3, p, &err);
    if (r == NULL)
        return err;
    PQclear(r);
    *seq = next;
    return s_advance(c, scope, next);
}

/* The unit's next system sequence, taken now. */
static int
s_next_system(PGconn *c, const char *organ, long unit_seq, long *seq)
{
    char scope[64];
    snprintf(scope, sizeof scope, "system:%s:%ld", organ, unit_seq);
    return s_counter(c, scope, true, seq);
}

/* The system's sequence among its unit's: the case's, or a new one. */
static int
s_system_seq(PGconn *c, const crt_case_t *k, long unit_seq, long *seq)
{
    char u[24], v[24];
    snprintf(u, sizeof u, "%ld", unit_seq);
    const char *p[4] = {k->tracking_id, k->organ, u, v};
    bool found = false;
    int err = s_one(c,
                    "SELECT system_seq FROM systems WHERE tracking_id = $1 "
                    "AND organ = $2 AND unit_seq = $3",
                    3, p, seq, &found);
    if (err != 0 || found)
        return err;
    if ((err = s_next_system(c, k->organ, unit_seq, seq)) != 0)
        return err;
    snprintf(v, sizeof v, "%ld", *seq);
    /* A case whose unit changed keeps its first row; its new sequence
     * still comes from the new unit's counter. */
    PGresult *r = cmn_pg_exec(c,
                              "INSERT INTO systems (tracking_id, organ, "
                              "unit_seq, system_seq) VALUES ($1, $2, $3, $4) "
                              "ON CONFLICT (tracking_id) DO NOTHING",
                              4, p, &err);
    PQclear(r);
    return r == NULL ? err : 0;
}

/* Formats the number; CMN_EINVAL (logged) when the format cannot hold it. */
static int
s_format(const crt_t *self, const crt_case_t *k, long unit_seq, long system_seq,
         char number[CRT_NUMBER_MAX + 1])
{
    dom_certno_t n = {
        .unit_seq = unit_seq, .level = k->level, .system_seq = system_seq};
    snprintf(n.organ, sizeof n.organ, "%s", k->organ);
    char buf[DOM_CERTNO_BUFSZ];
    if (dom_certno_format(&self->fmt, &n, buf, sizeof buf) != 0 ||
        strlen(buf) > CRT_NUMBER_MAX) {
        cmn_log_error("case %s: no number of the format \"%s\" holds organ "
                      "%s, unit %ld, level %d, system %ld",
                      k->tracking_id, self->conf.number_format, k->organ,
                      unit_seq, k->level, system_seq);
        return CMN_EINVAL;
    }
    memcpy(number, buf, strlen(buf) + 1); /* at most CRT_NUMBER_MAX + 1 */
    return 0;
}

/* True (in *used) when number was ever allocated. */
static int
s_used(PGconn *c, const char *number, bool *used)
{
    const char *p[1] = {number};
    long one = 0;
    return s_one(c, "SELECT 1 FROM numbers WHERE number = $1", 1, p, &one,
                 used);
}

static int
s_insert(PGconn *c, const crt_case_t *k, const char *number, long unit_seq,
         long system_seq, const char *issued_on, const char *who)
{
    char u[24], s[24], l[4];
    snprintf(u, sizeof u, "%ld", unit_seq);
    snprintf(s, sizeof s, "%ld", system_seq);
    snprintf(l, sizeof l, "%d", k->level);
    const char *p[11] = {
        number,       k->tracking_id, k->organ,  u,  s, l, k->unit_credit_code,
        k->unit_name, k->system_name, issued_on, who};
    int err;
    PGresult *r = cmn_pg_exec(
        c,
        "INSERT INTO numbers (number, tracking_id, organ, unit_seq, "
        "system_seq, level, unit_credit_code, unit_name, system_name, "
        "issued_on, allocated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        "$9, $10, $11)",
        11, p, &err);
    PQclear(r);
    return r == NULL ? err : 0;
}

int
crt_number_allocate(PGconn *c, const crt_t *self, const crt_case_t *k,
                    const char *issued_on, const char *who,
                    char number[CRT_NUMBER_MAX + 1])
{
    long unit_seq = 0, system_seq = 0;
    bool used = true;
    int err = s_unit_seq(c, k, &unit_seq);
    if (err == 0)
        err = s_system_seq(c, k, unit_seq, &system_seq);
    for (int i = 0; err == 0 && i < S_TRIES; i++) {
        if (i > 0)
            err = s_next_system(c, k->organ, unit_seq, &system_seq);
        if (err == 0)
            err = s_format(self, k, unit_seq, system_seq, number);
        if (err == 0)
            err = s_used(c, number, &used);
        if (err == 0 && !used)
            break;
    }
    if (err == 0 && used) {
        cmn_log_error("case %s: %d numbers in a row were taken", k->tracking_id,
                      S_TRIES);
        return CMN_EINVAL;
    }
    if (err == 0)
        err = s_insert(c, k, number, unit_seq, system_seq, issued_on, who);
    return err;
}

/* store.c - the evaluation's tables to and from structs (see store.h). */
#include "evl/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Day counts cross as integers: date - EPOCH, EPOCH + n. */
#define S_EPOCH "DATE '1970-01-01'"

#define S_SYS_COLS                                                           \
    "tracking_id, district, unit_name, unit_credit_code, region_code, "      \
    "system_name, level, accepted_on - " S_EPOCH ", unit_secret_sha256, "    \
    "state, round, coalesce(institution_id, ''), engaged, engaged_on "       \
    "- " S_EPOCH ", coalesce(proposal, ''), detail, report_date - " S_EPOCH  \
    ", coalesce(score, 0), coalesce(high_risks, 0), coalesce(medium_risks, " \
    "0), coalesce(verdict, ''), next_due - " S_EPOCH ", calendar, reports"

void
evl_store_day_param(dom_date_t d, char out[16])
{
    snprintf(out, 16, "%" PRId32, d);
}

static dom_date_t
s_day(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return DOM_DATE_NEVER;
    return (dom_date_t) strtol(PQgetvalue(r, row, col), NULL, 10);
}

#define S_COPY(dst, r, row, col) \
    snprintf(dst, sizeof dst, "%s", PQgetvalue(r, row, col))

void
evl_store_detail(evl_sys_t *k, const char *text)
{
    size_t n = text != NULL ? strlen(text) : 0;
    if (n > EVL_DETAIL_MAX) {
        n = EVL_DETAIL_MAX;
        while (n > 0 && ((unsigned char) text[n] & 0xc0) == 0x80)
            n--; /* not inside a UTF-8 sequence */
    }
    if (n > 0)
        memcpy(k->detail, text, n);
    k->detail[n] = '\0';
}

static int
s_sys_fill(const PGresult *r, evl_sys_t *k)
{
    memset(k, 0, sizeof *k);
    S_COPY(k->tracking_id, r, 0, 0);
    S_COPY(k->district, r, 0, 1);
    S_COPY(k->unit_name, r, 0, 2);
    S_COPY(k->unit_credit_code, r, 0, 3);
    S_COPY(k->region_code, r, 0, 4);
    S_COPY(k->system_name, r, 0, 5);
    k->level = atoi(PQgetvalue(r, 0, 6));
    k->accepted_on = s_day(r, 0, 7);
    S_COPY(k->unit_secret_sha256, r, 0, 8);
    if (evl_state_parse(PQgetvalue(r, 0, 9), &k->state) != 0)
        return CMN_EDB; /* a name the table does not know */
    k->round = atoi(PQgetvalue(r, 0, 10));
    S_COPY(k->institution_id, r, 0, 11);
    S_COPY(k->engaged, r, 0, 12);
    k->engaged_on = s_day(r, 0, 13);
    S_COPY(k->proposal, r, 0, 14);
    evl_store_detail(k, PQgetvalue(r, 0, 15));
    k->report_date = s_day(r, 0, 16);
    k->score = atoi(PQgetvalue(r, 0, 17));
    k->high = atoi(PQgetvalue(r, 0, 18));
    k->medium = atoi(PQgetvalue(r, 0, 19));
    S_COPY(k->verdict, r, 0, 20);
    k->next_due = s_day(r, 0, 21);
    S_COPY(k->calendar, r, 0, 22);
    k->reports = (int64_t) strtoll(PQgetvalue(r, 0, 23), NULL, 10);
    return 0;
}

int
evl_store_sys_load(PGconn *c, const char *tracking_id, bool lock, evl_sys_t *k,
                   bool *found)
{
    const char *p[1] = {tracking_id};
    int err;
    *found = false;
    PGresult *r = cmn_pg_exec(c,
                              lock ? "SELECT " S_SYS_COLS " FROM systems "
                                     "WHERE tracking_id = $1 FOR UPDATE"
                                   : "SELECT " S_SYS_COLS " FROM systems "
                                     "WHERE tracking_id = $1",
                              1, p, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) == 1) {
        err = s_sys_fill(r, k);
        *found = err == 0;
    }
    PQclear(r);
    return err;
}

static int
s_cmd(PGconn *c, const char *sql, int n, const char *const *p)
{
    int err;
    PGresult *r = cmn_pg_exec(c, sql, n, p, &err);
    if (r == NULL)
        return err;
    PQclear(r);
    return 0;
}

int
evl_store_sys_insert(PGconn *c, const evl_sys_t *k)
{
    char level[8];
    snprintf(level, sizeof level, "%d", k->level);
    const char *p[4] = {k->tracking_id, level, evl_state_name(k->state),
                        k->unit_credit_code};
    int err = s_cmd(c,
                    "INSERT INTO systems (tracking_id, district, unit_name, "
                    "unit_credit_code, region_code, system_name, level, "
                    "accepted_on, state) VALUES ($1, '', '', $4, '', '', "
                    "$2::integer, now()::date, $3)",
                    4, p);
    return err == 0 ? evl_store_sys_save(c, k) : err;
}

/* A day, or NULL for none. */
static const char *
s_opt_day(dom_date_t d, char buf[16])
{
    if (!dom_date_valid(d))
        return NULL;
    evl_store_day_param(d, buf);
    return buf;
}

int
evl_store_sys_save(PGconn *c, const evl_sys_t *k)
{
    char level[8], round[16], score[8], high[16], medium[16], reports[24];
    char acc[16], eng[16], rep[16], due[16];
    bool reported = dom_date_valid(k->report_date);
    snprintf(level, sizeof level, "%d", k->level);
    snprintf(round, sizeof round, "%d", k->round);
    snprintf(score, sizeof score, "%d", k->score);
    snprintf(high, sizeof high, "%d", k->high);
    snprintf(medium, sizeof medium, "%d", k->medium);
    snprintf(reports, sizeof reports, "%" PRId64, k->reports);
    const char *p[24] = {k->tracking_id,
                         k->district,
                         k->unit_name,
                         k->unit_credit_code,
                         k->region_code,
                         k->system_name,
                         level,
                         s_opt_day(k->accepted_on, acc),
                         k->unit_secret_sha256,
                         evl_state_name(k->state),
                         round,
                         k->institution_id,
                         k->engaged,
                         s_opt_day(k->engaged_on, eng),
                         k->proposal,
                         k->detail,
                         s_opt_day(k->report_date, rep),
                         reported ? score : NULL,
                         reported ? high : NULL,
                         reported ? medium : NULL,
                         k->verdict,
                         s_opt_day(k->next_due, due),
                         k->calendar,
                         reports};
    return s_cmd(c,
                 "UPDATE systems SET district = $2, unit_name = $3, "
                 "unit_credit_code = $4, region_code = $5, system_name = $6, "
                 "level = $7::integer, accepted_on = " S_EPOCH " + "
                 "$8::integer, unit_secret_sha256 = $9, state = $10, round = "
                 "$11::integer, institution_id = nullif($12, ''), engaged = "
                 "$13, engaged_on = " S_EPOCH " + $14::integer, proposal = "
                 "nullif($15, ''), detail = $16, report_date = " S_EPOCH
                 " + $17::integer, score = $18::integer, high_risks = "
                 "$19::integer, medium_risks = $20::integer, verdict = "
                 "nullif($21, ''), next_due = " S_EPOCH " + $22::integer, "
                 "calendar = $23, reports = $24::bigint, updated_at = now() "
                 "WHERE tracking_id = $1",
                 24, p);
}

int
evl_store_lock(PGconn *c)
{
    return cmn_pg_cmd(c, "SELECT pg_advisory_xact_lock(7451230019)");
}

/* --- the institutions' snapshot ------------------------------------------ */

void
evl_store_snapshot_release(evl_snapshot_t *s)
{
    free(s->insts);
    free(s->certs);
    free(s->codes);
    free(s->codebuf);
    PQclear(s->res[0]);
    PQclear(s->res[1]);
    memset(s, 0, sizeof *s);
}

/* Splits "a,b" (copied into *buf) into codes; returns how many. */
static size_t
s_split(const char *text, char **buf, const char **codes)
{
    size_t n = 0;
    if (*text == '\0')
        return 0;
    size_t len = strlen(text);
    memcpy(*buf, text, len + 1);
    char *at = *buf;
    *buf += len + 1;
    for (;;) {
        codes[n++] = at;
        char *comma = strchr(at, ',');
        if (comma == NULL)
            break;
        *comma = '\0';
        at = comma + 1;
    }
    return n;
}

/* Counts the codes of every institution and the bytes they need. */
static void
s_code_room(const PGresult *r, size_t *ncodes, size_t *bytes)
{
    *ncodes = *bytes = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        for (int col = 3; col <= 4; col++) {
            const char *t = PQgetvalue(r, i, col);
            if (*t == '\0')
                continue;
            *bytes += strlen(t) + 1;
            *ncodes += 1;
            for (; *t != '\0'; t++)
                *ncodes += *t == ',';
        }
    }
}

static void
s_cert_fill(const PGresult *r, int row, dom_qual_cert_t *q)
{
    const char *surv = PQgetvalue(r, row, 6);
    *q = (dom_qual_cert_t){
        .category = PQgetvalue(r, row, 1),
        .level = atoi(PQgetvalue(r, row, 2)),
        .number = PQgetvalue(r, row, 3),
        .issued = s_day(r, row, 4),
        .expires = s_day(r, row, 5),
        .surveillance = strcmp(surv, "passed") == 0   ? DOM_SURV_PASSED
                        : strcmp(surv, "failed") == 0 ? DOM_SURV_FAILED
                                                      : DOM_SURV_NONE,
        .surveillance_on = s_day(r, row, 7),
        .suspended = strcmp(PQgetvalue(r, row, 8), "t") == 0,
    };
}

/* The institutions' rows and certificates into s (res filled). */
static int
s_snapshot_build(evl_snapshot_t *s)
{
    const PGresult *ri = s->res[0], *rc = s->res[1];
    size_t n = (size_t) PQntuples(ri), m = (size_t) PQntuples(rc);
    size_t ncodes, bytes, ci = 0, code = 0;
    s_code_room(ri, &ncodes, &bytes);
    s->insts = calloc(n + 1, sizeof *s->insts);
    s->certs = calloc(m + 1, sizeof *s->certs);
    s->codes = calloc(ncodes + 1, sizeof *s->codes);
    s->codebuf = malloc(bytes + 1);
    if (!s->insts || !s->certs || !s->codes || !s->codebuf)
        return CMN_ENOMEM;
    char *buf = s->codebuf;
    for (size_t i = 0; i < m; i++)
        s_cert_fill(rc, (int) i, &s->certs[i]);
    for (size_t i = 0; i < n; i++) {
        evl_inst_t *in = &s->insts[i];
        const char *id = PQgetvalue(ri, (int) i, 0);
        in->id = id;
        in->name = PQgetvalue(ri, (int) i, 1);
        in->capacity = atoi(PQgetvalue(ri, (int) i, 2));
        in->related = &s->codes[code];
        in->nrelated =
            s_split(PQgetvalue(ri, (int) i, 3), &buf, &s->codes[code]);
        code += in->nrelated;
        in->designed = &s->codes[code];
        in->ndesigned =
            s_split(PQgetvalue(ri, (int) i, 4), &buf, &s->codes[code]);
        code += in->ndesigned;
        in->busy = atoi(PQgetvalue(ri, (int) i, 5));
        in->last_assigned = s_day(ri, (int) i, 6);
        while (ci < m && strcmp(PQgetvalue(rc, (int) ci, 0), id) < 0)
            ci++; /* both are ordered by institution id */
        in->certs = &s->certs[ci];
        while (ci < m && strcmp(PQgetvalue(rc, (int) ci, 0), id) == 0) {
            ci++;
            in->ncerts++;
        }
    }
    s->n = n;
    return 0;
}

int
evl_store_snapshot(PGconn *c, evl_snapshot_t *s)
{
    int err;
    memset(s, 0, sizeof *s);
    s->res[0] = cmn_pg_exec(
        c,
        "SELECT i.id, i.name, i.capacity, array_to_string(i.related_units, "
        "','), array_to_string(i.designed_units, ','), (SELECT count(*) FROM "
        "engagements e WHERE e.institution_id = i.id AND e.state = "
        "'active'), (SELECT max(e.engaged_on) - " S_EPOCH " FROM engagements "
        "e WHERE e.institution_id = i.id AND e.how = 'assigned') FROM "
        "institutions i ORDER BY i.id COLLATE \"C\"",
        0, NULL, &err);
    if (s->res[0] == NULL)
        return err;
    s->res[1] = cmn_pg_exec(c,
                            "SELECT institution_id, category, level, number, "
                            "issued_on - " S_EPOCH ", expires_on - " S_EPOCH
                            ", surveillance, surveillance_on - " S_EPOCH
                            ", suspended FROM certificates WHERE listed "
                            "ORDER BY institution_id COLLATE \"C\", number",
                            0, NULL, &err);
    if (s->res[1] == NULL) {
        evl_store_snapshot_release(s);
        return err;
    }
    err = s_snapshot_build(s);
    if (err != 0)
        evl_store_snapshot_release(s);
    return err;
}

const evl_inst_t *
evl_store_snapshot_find(const evl_snapshot_t *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->insts[i].id, id) == 0)
            return &s->insts[i];
    return NULL;
}

/* --- engagements and reports --------------------------------------------- */

int
evl_store_engage(PGconn *c, const evl_sys_t *k, const char *how, const char *by,
                 const char *why)
{
    char round[16], on[16];
    snprintf(round, sizeof round, "%d", k->round);
    evl_store_day_param(k->engaged_on, on);
    const char *p[7] = {
        k->tracking_id, round, k->institution_id, how, by, on, why};
    return s_cmd(c,
                 "INSERT INTO engagements (tracking_id, round, "
                 "institution_id, how, by_whom, engaged_on, state, why) "
                 "VALUES ($1, $2::integer, $3, $4, $5, " S_EPOCH
                 " + $6::integer, 'active', $7)",
                 7, p);
}

int
evl_store_engagement_done(PGconn *c, const evl_sys_t *k)
{
    char round[16];
    snprintf(round, sizeof round, "%d", k->round);
    const char *p[2] = {k->tracking_id, round};
    return s_cmd(c,
                 "UPDATE engagements SET state = 'reported' WHERE "
                 "tracking_id = $1 AND round = $2::integer AND state = "
                 "'active'",
                 2, p);
}

int
evl_store_report(PGconn *c, const evl_sys_t *k, const evl_report_t *r)
{
    char round[16], day[16], score[8], high[16], medium[16];
    snprintf(round, sizeof round, "%d", k->round);
    evl_store_day_param(r->date, day);
    snprintf(score, sizeof score, "%d", r->score);
    snprintf(high, sizeof high, "%d", r->high);
    snprintf(medium, sizeof medium, "%d", r->medium);
    const char *p[10] = {
        k->tracking_id, round,  k->institution_id, day,       score,
        high,           medium, r->verdict,        r->sha256, r->by};
    return s_cmd(
        c,
        "INSERT INTO reports (tracking_id, round, institution_id, "
        "report_date, score, high_risks, medium_risks, verdict, "
        "report_sha256, submitted_by) VALUES ($1, $2::integer, $3, " S_EPOCH
        " + $4::integer, $5::integer, $6::integer, "
        "$7::integer, $8, $9, $10)",
        10, p);
}

/* case.c - review.cases rows to and from rvw_case_t. */
#include "rvw/case.h"
#include "cmn/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns, in the order s_fill reads them. */
#define S_COLS                                                                 \
    "tracking_id, office, unit_name, unit_credit_code, system_name, "          \
    "has_supervisor, proposed_level, computed_level, level, state, "           \
    "coalesce(outcome, ''), materials, missing, received_on, "                 \
    "coalesce(decided_on::text, ''), clock_state, clock_budget, clock_used, "  \
    "clock_since, clock_due, clock_note, panel_note, panel_version, "          \
    "liability_notice, coalesce(warned_on::text, ''), "                        \
    "coalesce(breached_on::text, ''), grading, coalesce(recommendation, ''), " \
    "rec_level, rec_reason, rec_missing, decided_by, region_code, "            \
    "unit_secret_sha256"

void
rvw_kinds_format(const dom_material_t *k, size_t n, char *buf, size_t len)
{
    size_t at = (size_t) snprintf(buf, len, "{");
    for (size_t i = 0; i < n && at < len; i++)
        at += (size_t) snprintf(buf + at, len - at, "%s%s", i ? "," : "",
                                dom_material_name(k[i]));
    if (at < len)
        snprintf(buf + at, len - at, "}");
}

static size_t
s_kinds_parse(const char *text, dom_material_t out[DOM_MAT_COUNT])
{
    char copy[512], *save = NULL;
    size_t n = 0;
    snprintf(copy, sizeof copy, "%s", text);
    for (char *t = strtok_r(copy, "{},", &save); t && n < DOM_MAT_COUNT;
         t = strtok_r(NULL, "{},", &save)) {
        dom_material_t kind;
        if (dom_material_parse(t, &kind) == 0)
            out[n++] = kind;
    }
    return n;
}

#define S_COPY(dst, r, col) \
    snprintf(dst, sizeof dst, "%s", PQgetvalue(r, 0, col))

/* A date column ('' for NULL) as a day; DOM_DATE_NEVER when there is none. */
static dom_date_t
s_day(const PGresult *r, int col)
{
    dom_date_t d;
    return dom_date_parse(PQgetvalue(r, 0, col), &d) == 0 ? d : DOM_DATE_NEVER;
}

static int
s_int(const PGresult *r, int col)
{
    return atoi(PQgetvalue(r, 0, col));
}

static int
s_fill(const PGresult *r, rvw_case_t *k)
{
    S_COPY(k->tracking_id, r, 0);
    S_COPY(k->office, r, 1);
    S_COPY(k->unit_name, r, 2);
    S_COPY(k->unit_credit_code, r, 3);
    S_COPY(k->system_name, r, 4);
    k->has_supervisor = PQgetvalue(r, 0, 5)[0] == 't';
    k->proposed_level = s_int(r, 6);
    k->computed_level = s_int(r, 7);
    k->level = s_int(r, 8);
    if (rvw_state_parse(PQgetvalue(r, 0, 9), &k->state) != 0)
        return CMN_EDB; /* a name the table does not know */
    k->outcome = PQgetvalue(r, 0, 10)[0];
    k->nmaterials = s_kinds_parse(PQgetvalue(r, 0, 11), k->materials);
    k->nmissing = s_kinds_parse(PQgetvalue(r, 0, 12), k->missing);
    k->received_on = s_day(r, 13);
    k->decided_on = s_day(r, 14);
    k->clock.state = (rvw_clock_state_t) s_int(r, 15);
    k->clock.budget = s_int(r, 16);
    k->clock.used = s_int(r, 17);
    k->clock.since = s_int(r, 18);
    k->clock.due = s_int(r, 19);
    S_COPY(k->clock_note, r, 20);
    S_COPY(k->panel_note, r, 21);
    k->panel_version = atoll(PQgetvalue(r, 0, 22));
    S_COPY(k->liability_notice, r, 23);
    k->warned_on = s_day(r, 24);
    k->breached_on = s_day(r, 25);
    k->grading = PQunescapeBytea((const unsigned char *) PQgetvalue(r, 0, 26),
                                 &k->grading_len);
    k->recommendation = PQgetvalue(r, 0, 27)[0];
    k->rec_level = s_int(r, 28);
    S_COPY(k->rec_reason, r, 29);
    k->nrec_missing = s_kinds_parse(PQgetvalue(r, 0, 30), k->rec_missing);
    S_COPY(k->decided_by, r, 31);
    S_COPY(k->region_code, r, 32);
    S_COPY(k->unit_secret_sha256, r, 33);
    return k->grading != NULL ? 0 : CMN_ENOMEM;
}

int
rvw_case_load(PGconn *c, const char *tracking_id, bool lock, rvw_case_t *k,
              int *found)
{
    const char *p[1] = {tracking_id};
    int err;
    memset(k, 0, sizeof *k);
    PGresult *r = cmn_pg_exec(c,
                              lock ? "SELECT " S_COLS " FROM cases WHERE "
                                     "tracking_id = $1 FOR UPDATE"
                                   : "SELECT " S_COLS " FROM cases WHERE "
                                     "tracking_id = $1",
                              1, p, &err);
    if (r == NULL)
        return err;
    *found = PQntuples(r) == 1;
    if (*found)
        err = s_fill(r, k);
    PQclear(r);
    return err;
}

void
rvw_case_release(rvw_case_t *k)
{
    PQfreemem(k->grading);
    k->grading = NULL;
}

/* The text of every column a save writes, $1..$26 in this order. */
enum { S_NSAVE = 26 };

typedef struct {
    char level[8], outcome[2], cs[8], cb[8], cu[8], csi[16], cd[16], pv[24],
        mats[512], miss[512], rec[2], rec_level[8], rec_miss[512];
    char decided[DOM_DATE_BUFSZ], warned[DOM_DATE_BUFSZ],
        breached[DOM_DATE_BUFSZ];
} s_params_t;

/* A day as a parameter: NULL for DOM_DATE_NEVER. */
static const char *
s_param(dom_date_t d, char buf[DOM_DATE_BUFSZ])
{
    return d == DOM_DATE_NEVER ? NULL : dom_date_format(d, buf);
}

static void
s_params(const rvw_case_t *k, s_params_t *s, const char *p[S_NSAVE])
{
    snprintf(s->level, sizeof s->level, "%d", k->level);
    snprintf(s->outcome, sizeof s->outcome, "%c", k->outcome);
    snprintf(s->cs, sizeof s->cs, "%d", (int) k->clock.state);
    snprintf(s->cb, sizeof s->cb, "%d", k->clock.budget);
    snprintf(s->cu, sizeof s->cu, "%d", k->clock.used);
    snprintf(s->csi, sizeof s->csi, "%d", (int) k->clock.since);
    snprintf(s->cd, sizeof s->cd, "%d", (int) k->clock.due);
    snprintf(s->pv, sizeof s->pv, "%lld", k->panel_version);
    snprintf(s->rec, sizeof s->rec, "%c", k->recommendation);
    snprintf(s->rec_level, sizeof s->rec_level, "%d", k->rec_level);
    rvw_kinds_format(k->materials, k->nmaterials, s->mats, sizeof s->mats);
    rvw_kinds_format(k->missing, k->nmissing, s->miss, sizeof s->miss);
    rvw_kinds_format(k->rec_missing, k->nrec_missing, s->rec_miss,
                     sizeof s->rec_miss);
    const char *v[S_NSAVE] = {k->tracking_id,
                              s->level,
                              rvw_state_name(k->state),
                              k->outcome ? s->outcome : NULL,
                              s->mats,
                              s->miss,
                              s_param(k->decided_on, s->decided),
                              s->cs,
                              s->cb,
                              s->cu,
                              s->csi,
                              s->cd,
                              k->clock_note,
                              k->panel_note,
                              s->pv,
                              k->liability_notice,
                              s_param(k->warned_on, s->warned),
                              s_param(k->breached_on, s->breached),
                              k->recommendation ? s->rec : NULL,
                              s->rec_level,
                              k->rec_reason,
                              s->rec_miss,
                              k->decided_by,
                              k->region_code,
                              k->unit_secret_sha256,
                              NULL};
    memcpy(p, v, sizeof v);
}

int
rvw_case_save(PGconn *c, const rvw_case_t *k)
{
    s_params_t s;
    const char *p[S_NSAVE];
    int err;
    s_params(k, &s, p);
    PGresult *r = cmn_pg_exec(
        c,
        "UPDATE cases SET level = $2, state = $3, outcome = $4, "
        "materials = $5, missing = $6, decided_on = $7, clock_state = $8, "
        "clock_budget = $9, clock_used = $10, clock_since = $11, "
        "clock_due = $12, clock_note = $13, panel_note = $14, "
        "panel_version = $15, liability_notice = $16, warned_on = $17, "
        "breached_on = $18, recommendation = $19, rec_level = $20, "
        "rec_reason = $21, rec_missing = $22, decided_by = $23, "
        "updated_at = now() WHERE tracking_id = $1",
        23, p, &err);
    PQclear(r);
    return err;
}

int
rvw_case_replace_filing(PGconn *c, const rvw_case_t *k)
{
    char prop[8], comp[8];
    snprintf(prop, sizeof prop, "%d", k->proposed_level);
    snprintf(comp, sizeof comp, "%d", k->computed_level);
    const char *p[10] = {k->tracking_id,
                         k->unit_name,
                         k->unit_credit_code,
                         k->system_name,
                         k->has_supervisor ? "true" : "false",
                         prop,
                         comp,
                         (const char *) k->grading,
                         k->region_code,
                         k->unit_secret_sha256};
    int lens[10] = {0, 0, 0, 0, 0, 0, 0, (int) k->grading_len, 0, 0};
    int fmts[10] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
    int err;
    PGresult *r = cmn_pg_execb(
        c,
        "UPDATE cases SET unit_name = $2, unit_credit_code = $3, "
        "system_name = $4, has_supervisor = $5, proposed_level = $6, "
        "computed_level = $7, grading = $8, region_code = $9, "
        "unit_secret_sha256 = $10, updated_at = now() WHERE tracking_id = $1",
        10, p, lens, fmts, &err);
    PQclear(r);
    return err;
}

int
rvw_case_insert(PGconn *c, const rvw_case_t *k)
{
    s_params_t s;
    const char *p[S_NSAVE + 9];
    int lens[S_NSAVE + 9] = {0}, fmts[S_NSAVE + 9] = {0}, err;
    char prop[8], comp[8], received[DOM_DATE_BUFSZ];
    s_params(k, &s, p);
    snprintf(prop, sizeof prop, "%d", k->proposed_level);
    snprintf(comp, sizeof comp, "%d", k->computed_level);
    p[25] = k->office;
    p[26] = k->unit_name;
    p[27] = k->unit_credit_code;
    p[28] = k->system_name;
    p[29] = k->has_supervisor ? "true" : "false";
    p[30] = prop;
    p[31] = comp;
    p[32] = dom_date_format(k->received_on, received);
    p[33] = (const char *) k->grading;
    lens[33] = (int) k->grading_len;
    fmts[33] = 1;
    PGresult *r = cmn_pg_execb(
        c,
        "INSERT INTO cases (tracking_id, level, state, outcome, materials, "
        "missing, decided_on, clock_state, clock_budget, clock_used, "
        "clock_since, clock_due, clock_note, panel_note, panel_version, "
        "liability_notice, warned_on, breached_on, recommendation, rec_level, "
        "rec_reason, rec_missing, decided_by, region_code, "
        "unit_secret_sha256, office, unit_name, unit_credit_code, "
        "system_name, has_supervisor, proposed_level, computed_level, "
        "received_on, grading) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
        "$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, "
        "$23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34)",
        34, p, lens, fmts, &err);
    PQclear(r);
    return err;
}

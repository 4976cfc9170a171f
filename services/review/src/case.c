/* case.c - review.cases rows to and from rvw_case_t. */
#include "rvw/case.h"
#include "cmn/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_COLS                                                                \
    "tracking_id, office, unit_name, unit_credit_code, system_name, "         \
    "has_supervisor, proposed_level, computed_level, level, state, outcome, " \
    "materials, missing, received_on, coalesce(decided_on::text, ''), "       \
    "clock_state, clock_budget, clock_used, clock_since, clock_due, "         \
    "clock_note, panel_note, panel_version, liability_notice, "               \
    "coalesce(warned_on::text, ''), coalesce(breached_on::text, ''), grading"

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

/* A day as a parameter: NULL for DOM_DATE_NEVER. */
static const char *
s_param(dom_date_t d, char buf[DOM_DATE_BUFSZ])
{
    return d == DOM_DATE_NEVER ? NULL : dom_date_format(d, buf);
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
    if (*found) {
        S_COPY(k->tracking_id, r, 0);
        S_COPY(k->office, r, 1);
        S_COPY(k->unit_name, r, 2);
        S_COPY(k->unit_credit_code, r, 3);
        S_COPY(k->system_name, r, 4);
        k->has_supervisor = PQgetvalue(r, 0, 5)[0] == 't';
        k->proposed_level = atoi(PQgetvalue(r, 0, 6));
        k->computed_level = atoi(PQgetvalue(r, 0, 7));
        k->level = atoi(PQgetvalue(r, 0, 8));
        if (rvw_state_parse(PQgetvalue(r, 0, 9), &k->state) != 0)
            err = CMN_EDB;
        k->outcome = PQgetvalue(r, 0, 10)[0];
        k->nmaterials = s_kinds_parse(PQgetvalue(r, 0, 11), k->materials);
        k->nmissing = s_kinds_parse(PQgetvalue(r, 0, 12), k->missing);
        k->received_on = s_day(r, 13);
        k->decided_on = s_day(r, 14);
        k->clock.state = (rvw_clock_state_t) atoi(PQgetvalue(r, 0, 15));
        k->clock.budget = atoi(PQgetvalue(r, 0, 16));
        k->clock.used = atoi(PQgetvalue(r, 0, 17));
        k->clock.since = atoi(PQgetvalue(r, 0, 18));
        k->clock.due = atoi(PQgetvalue(r, 0, 19));
        S_COPY(k->clock_note, r, 20);
        S_COPY(k->panel_note, r, 21);
        k->panel_version = atoll(PQgetvalue(r, 0, 22));
        S_COPY(k->liability_notice, r, 23);
        k->warned_on = s_day(r, 24);
        k->breached_on = s_day(r, 25);
        k->grading = PQunescapeBytea(
            (const unsigned char *) PQgetvalue(r, 0, 26), &k->grading_len);
    }
    PQclear(r);
    return err;
}

void
rvw_case_release(rvw_case_t *k)
{
    PQfreemem(k->grading);
    k->grading = NULL;
}

/* Text parameters shared by insert and save ($1..$21). */
typedef struct {
    char prop[8], comp[8], level[8], outcome[2], cs[8], cb[8], cu[8], csi[16],
        cd[16], pv[24], mats[512], miss[512];
    char received[DOM_DATE_BUFSZ], decided[DOM_DATE_BUFSZ],
        warned[DOM_DATE_BUFSZ], breached[DOM_DATE_BUFSZ];
} s_params_t;

static void
s_params(const rvw_case_t *k, s_params_t *s, const char *p[21])
{
    snprintf(s->prop, sizeof s->prop, "%d", k->proposed_level);
    snprintf(s->comp, sizeof s->comp, "%d", k->computed_level);
    snprintf(s->level, sizeof s->level, "%d", k->level);
    snprintf(s->outcome, sizeof s->outcome, "%c", k->outcome);
    snprintf(s->cs, sizeof s->cs, "%d", (int) k->clock.state);
    snprintf(s->cb, sizeof s->cb, "%d", k->clock.budget);
    snprintf(s->cu, sizeof s->cu, "%d", k->clock.used);
    snprintf(s->csi, sizeof s->csi, "%d", (int) k->clock.since);
    snprintf(s->cd, sizeof s->cd, "%d", (int) k->clock.due);
    snprintf(s->pv, sizeof s->pv, "%lld", k->panel_version);
    rvw_kinds_format(k->materials, k->nmaterials, s->mats, sizeof s->mats);
    rvw_kinds_format(k->missing, k->nmissing, s->miss, sizeof s->miss);
    const char *v[21] = {k->tracking_id,
                         s->level,
                         rvw_state_name(k->state),
                         s->outcome,
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
                         s->prop,
                         s->comp,
                         s_param(k->received_on, s->received)};
    memcpy(p, v, sizeof v);
}

int
rvw_case_save(PGconn *c, const rvw_case_t *k)
{
    s_params_t s;
    const char *p[21];
    int err;
    s_params(k, &s, p);
    PGresult *r = cmn_pg_exec(
        c,
        "UPDATE cases SET level = $2, state = $3, outcome = $4, "
        "materials = $5, missing = $6, decided_on = $7, clock_state = $8, "
        "clock_budget = $9, clock_used = $10, clock_since = $11, "
        "clock_due = $12, clock_note = $13, panel_note = $14, "
        "panel_version = $15, liability_notice = $16, warned_on = $17, "
        "breached_on = $18, updated_at = now() WHERE tracking_id = $1",
        18, p, &err);
    PQclear(r);
    return err;
}

int
rvw_case_insert(PGconn *c, const rvw_case_t *k)
{
    s_params_t s;
    const char *p[27];
    int lens[27] = {0}, fmts[27] = {0}, err;
    s_params(k, &s, p);
    p[21] = k->office;
    p[22] = k->unit_name;
    p[23] = k->unit_credit_code;
    p[24] = k->system_name;
    p[25] = k->has_supervisor ? "true" : "false";
    p[26] = (const char *) k->grading;
    lens[26] = (int) k->grading_len;
    fmts[26] = 1;
    PGresult *r = cmn_pg_execb(
        c,
        "INSERT INTO cases (tracking_id, level, state, outcome, materials, "
        "missing, decided_on, clock_state, clock_budget, clock_used, "
        "clock_since, clock_due, clock_note, panel_note, panel_version, "
        "liability_notice, warned_on, breached_on, proposed_level, "
        "computed_level, received_on, office, unit_name, unit_credit_code, "
        "system_name, has_supervisor, grading) VALUES ($1, $2, $3, $4, $5, "
        "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
        "$20, $21, $22, $23, $24, $25, $26, $27)",
        27, p, lens, fmts, &err);
    PQclear(r);
    return err;
}

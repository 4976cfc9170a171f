/* store.c - the panel's tables to and from structs (see store.h). */
#include "pnl/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Day counts cross as integers: date - EPOCH, EPOCH + n. */
#define S_EPOCH "DATE '1970-01-01'"

#define S_CASE_COLS                                                      \
    "tracking_id, unit_credit_code, state, proposed_level, referred_on " \
    "- " S_EPOCH ", round, session_date - " S_EPOCH                      \
    ", coalesce(verdict, ''), coalesce(level, 0), detail, out_version, " \
    "region_code"

static void
s_day_text(dom_date_t d, char out[16])
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

static int64_t
s_int64(const PGresult *r, int row, int col)
{
    return (int64_t) strtoll(PQgetvalue(r, row, col), NULL, 10);
}

#define S_COPY(dst, r, row, col) \
    snprintf(dst, sizeof dst, "%s", PQgetvalue(r, row, col))

static int
s_case_fill(const PGresult *r, pnl_case_row_t *k)
{
    memset(k, 0, sizeof *k);
    S_COPY(k->tracking_id, r, 0, 0);
    S_COPY(k->unit_credit_code, r, 0, 1);
    if (pnl_state_parse(PQgetvalue(r, 0, 2), &k->state) != 0)
        return CMN_EDB; /* a name the table does not know */
    k->proposed_level = atoi(PQgetvalue(r, 0, 3));
    k->referred_on = s_day(r, 0, 4);
    k->round = atoi(PQgetvalue(r, 0, 5));
    k->session = s_day(r, 0, 6);
    S_COPY(k->verdict, r, 0, 7);
    k->level = atoi(PQgetvalue(r, 0, 8));
    k->out_version = s_int64(r, 0, 10);
    S_COPY(k->region_code, r, 0, 11);
    return pnl_store_case_detail(k, PQgetvalue(r, 0, 9));
}

int
pnl_store_case_load(PGconn *c, const char *tracking_id, bool lock,
                    pnl_case_row_t *k, bool *found)
{
    const char *p[1] = {tracking_id};
    int err;
    memset(k, 0, sizeof *k);
    *found = false;
    PGresult *r = cmn_pg_exec(c,
                              lock ? "SELECT " S_CASE_COLS " FROM cases WHERE "
                                     "tracking_id = $1 FOR UPDATE"
                                   : "SELECT " S_CASE_COLS " FROM cases WHERE "
                                     "tracking_id = $1",
                              1, p, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) == 1) {
        err = s_case_fill(r, k);
        *found = err == 0;
    }
    PQclear(r);
    return err;
}

void
pnl_store_case_release(pnl_case_row_t *k)
{
    free(k->detail);
    k->detail = NULL;
}

int
pnl_store_case_detail(pnl_case_row_t *k, const char *text)
{
    char *copy = strdup(text != NULL ? text : "");
    if (copy == NULL)
        return CMN_ENOMEM;
    free(k->detail);
    k->detail = copy;
    return 0;
}

int
pnl_store_case_insert(PGconn *c, const pnl_referral_t *ref, pnl_case_row_t *k)
{
    char prop[8], comp[8], on[16];
    snprintf(prop, sizeof prop, "%d", ref->proposed_level);
    snprintf(comp, sizeof comp, "%d", ref->computed_level);
    s_day_text(ref->referred_on, on);
    const char *p[9] = {ref->tracking_id,
                        ref->unit_name,
                        ref->unit_credit_code,
                        ref->system_name,
                        prop,
                        comp,
                        ref->reason,
                        on,
                        ref->region_code ? ref->region_code : ""};
    int err;
    PGresult *r = cmn_pg_exec(
        c,
        "INSERT INTO cases (tracking_id, unit_name, unit_credit_code, "
        "system_name, proposed_level, computed_level, referral_reason, "
        "referred_on, state, region_code) VALUES ($1, $2, $3, $4, $5, $6, "
        "$7, " S_EPOCH
        " + $8::integer, 'scheduled', $9) RETURNING " S_CASE_COLS,
        9, p, &err);
    if (r == NULL)
        return err;
    err = s_case_fill(r, k);
    PQclear(r);
    return err;
}

int
pnl_store_case_save(PGconn *c, const pnl_case_row_t *k)
{
    char round[16], session[16], level[8], version[24];
    snprintf(round, sizeof round, "%d", k->round);
    s_day_text(k->session, session);
    snprintf(level, sizeof level, "%d", k->level);
    snprintf(version, sizeof version, "%" PRId64, k->out_version);
    const char *p[8] = {k->tracking_id,
                        pnl_state_name(k->state),
                        round,
                        k->session == DOM_DATE_NEVER ? NULL : session,
                        k->verdict[0] ? k->verdict : NULL,
                        k->level > 0 ? level : NULL,
                        k->detail ? k->detail : "",
                        version};
    int err;
    PGresult *r = cmn_pg_exec(
        c,
        "UPDATE cases SET state = $2, round = $3, session_date = " S_EPOCH
        " + $4::integer, verdict = $5, level = $6, detail = $7, "
        "out_version = $8, updated_at = now() WHERE tracking_id = $1",
        8, p, &err);
    PQclear(r);
    return err;
}

/* --- the panel snapshot ------------------------------------------------ */

void
pnl_store_snapshot_release(pnl_snapshot_t *s)
{
    free(s->experts);
    free(s->codes);
    free(s->days);
    free(s->seats);
    free(s->loads);
    for (size_t i = 0; i < sizeof s->res / sizeof s->res[0]; i++)
        PQclear(s->res[i]);
    memset(s, 0, sizeof *s);
}

/* calloc that never returns NULL for a count of 0. */
static void *
s_array(size_t n, size_t size)
{
    return calloc(n > 0 ? n : 1, size);
}

static int
s_experts(PGconn *c, pnl_snapshot_t *s)
{
    int err;
    s->res[0] =
        cmn_pg_exec(c,
                    "SELECT id, name, employer_code, last_sat - " S_EPOCH
                    " FROM experts WHERE active ORDER BY id",
                    0, NULL, &err);
    if (s->res[0] == NULL)
        return err;
    size_t n = (size_t) PQntuples(s->res[0]);
    if ((s->experts = s_array(n, sizeof *s->experts)) == NULL)
        return CMN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        pnl_expert_t *e = &s->experts[i];
        e->id = s_int64(s->res[0], (int) i, 0);
        e->name = PQgetvalue(s->res[0], (int) i, 1);
        e->employer = PQgetvalue(s->res[0], (int) i, 2);
        e->last_sat = s_day(s->res[0], (int) i, 3);
    }
    s->panel.experts = s->experts;
    s->panel.nexperts = n;
    return 0;
}

/* Points each expert at its slice of rows (id in column 0, ordered by id)
 * of r; *start gets the first row of expert i, *count their number. */
static void
s_slice(const PGresult *r, const pnl_snapshot_t *s, size_t i, int *row,
        size_t *start, size_t *count)
{
    int n = PQntuples(r);
    while (*row < n && s_int64(r, *row, 0) < s->experts[i].id)
        (*row)++;
    *start = (size_t) *row;
    while (*row < n && s_int64(r, *row, 0) == s->experts[i].id)
        (*row)++;
    *count = (size_t) *row - *start;
}

static int
s_conflicts(PGconn *c, pnl_snapshot_t *s)
{
    int err, row = 0;
    s->res[1] = cmn_pg_exec(c,
                            "SELECT e.id, x FROM experts e CROSS JOIN LATERAL "
                            "unnest(e.conflicts) x WHERE e.active ORDER BY "
                            "e.id",
                            0, NULL, &err);
    if (s->res[1] == NULL)
        return err;
    size_t n = (size_t) PQntuples(s->res[1]);
    if ((s->codes = s_array(n, sizeof *s->codes)) == NULL)
        return CMN_ENOMEM;
    for (size_t k = 0; k < n; k++)
        s->codes[k] = PQgetvalue(s->res[1], (int) k, 1);
    for (size_t i = 0; i < s->panel.nexperts; i++) {
        size_t start, count;
        s_slice(s->res[1], s, i, &row, &start, &count);
        s->experts[i].conflicts = count > 0 ? s->codes + start : NULL;
        s->experts[i].nconflicts = count;
    }
    return 0;
}

static int
s_unavailable(PGconn *c, pnl_snapshot_t *s, const char *from)
{
    const char *p[1] = {from};
    int err, row = 0;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT e.id, d - " S_EPOCH
                              " FROM experts e CROSS JOIN LATERAL "
                              "unnest(e.unavailable) d WHERE e.active AND d "
                              ">= " S_EPOCH " + $1::integer ORDER BY e.id, d",
                              1, p, &err);
    if (r == NULL)
        return err;
    size_t n = (size_t) PQntuples(r);
    if ((s->days = s_array(n, sizeof *s->days)) == NULL) {
        PQclear(r);
        return CMN_ENOMEM;
    }
    for (size_t k = 0; k < n; k++)
        s->days[k] = s_day(r, (int) k, 1);
    for (size_t i = 0; i < s->panel.nexperts; i++) {
        size_t start, count;
        s_slice(r, s, i, &row, &start, &count);
        s->experts[i].unavailable = count > 0 ? s->days + start : NULL;
        s->experts[i].nunavailable = count;
    }
    PQclear(r);
    return 0;
}

static int
s_seats_loads(PGconn *c, pnl_snapshot_t *s, const char *from)
{
    const char *p[1] = {from};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT expert_id, session_date - " S_EPOCH
                              " FROM seats WHERE state = 'seated'",
                              0, NULL, &err);
    if (r == NULL)
        return err;
    size_t n = (size_t) PQntuples(r);
    if ((s->seats = s_array(n, sizeof *s->seats)) == NULL) {
        PQclear(r);
        return CMN_ENOMEM;
    }
    for (size_t k = 0; k < n; k++)
        s->seats[k] =
            (pnl_seat_t){s_int64(r, (int) k, 0), s_day(r, (int) k, 1)};
    s->panel.seats = n > 0 ? s->seats : NULL;
    s->panel.nseats = n;
    PQclear(r);
    r = cmn_pg_exec(c,
                    "SELECT session_date - " S_EPOCH ", count(*) FROM rounds "
                    "WHERE outcome IN ('open', 'decided', 'no_majority') AND "
                    "session_date >= " S_EPOCH " + $1::integer GROUP BY 1",
                    1, p, &err);
    if (r == NULL)
        return err;
    n = (size_t) PQntuples(r);
    if ((s->loads = s_array(n, sizeof *s->loads)) == NULL) {
        PQclear(r);
        return CMN_ENOMEM;
    }
    for (size_t k = 0; k < n; k++)
        s->loads[k] =
            (pnl_load_t){s_day(r, (int) k, 0), atoi(PQgetvalue(r, (int) k, 1))};
    s->panel.loads = n > 0 ? s->loads : NULL;
    s->panel.nloads = n;
    PQclear(r);
    return 0;
}

int
pnl_store_snapshot(PGconn *c, const pnl_calendar_t *cal,
                   const pnl_rules_t *rules, dom_date_t from, pnl_snapshot_t *s)
{
    char day[16];
    memset(s, 0, sizeof *s);
    s->panel.calendar = cal;
    s->panel.rules = rules;
    s_day_text(from, day);
    int err = s_experts(c, s);
    if (err == 0)
        err = s_conflicts(c, s);
    if (err == 0)
        err = s_unavailable(c, s, day);
    if (err == 0)
        err = s_seats_loads(c, s, day);
    if (err != 0)
        pnl_store_snapshot_release(s);
    return err;
}

/* --- rounds, seats, opinions ---------------------------------------------- */

static int
s_run(PGconn *c, const char *sql, int n, const char *const *p)
{
    int err;
    PGresult *r = cmn_pg_exec(c, sql, n, p, &err);
    PQclear(r);
    return err;
}

int
pnl_store_round_open(PGconn *c, const char *tracking_id, int round,
                     dom_date_t session, const int64_t *ids, size_t n)
{
    char rnd[16], day[16], id[24], seat[24];
    snprintf(rnd, sizeof rnd, "%d", round);
    s_day_text(session, day);
    const char *p[5] = {tracking_id, rnd, day, n > 0 ? "open" : "no_quorum",
                        NULL};
    int err = s_run(c,
                    "INSERT INTO rounds (tracking_id, round, session_date, "
                    "outcome, closed_at) VALUES ($1, $2, " S_EPOCH
                    " + $3::integer, $4, CASE WHEN $4 = 'open' THEN NULL "
                    "ELSE now() END)",
                    4, p);
    for (size_t i = 0; err == 0 && i < n; i++) {
        snprintf(id, sizeof id, "%" PRId64, ids[i]);
        snprintf(seat, sizeof seat, "%zu", i + 1);
        p[3] = id;
        p[4] = seat;
        err = s_run(c,
                    "INSERT INTO seats (tracking_id, round, session_date, "
                    "expert_id, seat, state) VALUES ($1, $2, " S_EPOCH
                    " + $3::integer, $4, $5, 'seated')",
                    5, p);
    }
    return err;
}

int
pnl_store_round_close(PGconn *c, const char *tracking_id, int round,
                      const char *outcome)
{
    char rnd[16];
    snprintf(rnd, sizeof rnd, "%d", round);
    bool withdrawn = strcmp(outcome, "withdrawn") == 0;
    const char *p[4] = {tracking_id, rnd, outcome,
                        withdrawn ? "released" : "sat"};
    int err = s_run(c,
                    "UPDATE rounds SET outcome = $3, closed_at = now() WHERE "
                    "tracking_id = $1 AND round = $2 AND outcome = 'open'",
                    3, p);
    if (err == 0)
        err = s_run(c,
                    "UPDATE seats SET state = $3 WHERE tracking_id = $1 AND "
                    "round = $2 AND state = 'seated'",
                    3, (const char *[]){tracking_id, rnd, p[3]});
    if (err == 0 && !withdrawn)
        err = s_run(c,
                    "UPDATE experts e SET last_sat = GREATEST(e.last_sat, "
                    "s.session_date), updated_at = now() FROM seats s WHERE "
                    "s.tracking_id = $1 AND s.round = $2 AND s.state = 'sat' "
                    "AND s.expert_id = e.id",
                    2, p);
    return err;
}

int
pnl_store_seat(PGconn *c, const char *tracking_id, int round, int64_t expert,
               char state[16])
{
    char rnd[16], id[24];
    snprintf(rnd, sizeof rnd, "%d", round);
    snprintf(id, sizeof id, "%" PRId64, expert);
    const char *p[3] = {tracking_id, rnd, id};
    int err;
    state[0] = '\0';
    PGresult *r = cmn_pg_exec(c,
                              "SELECT state FROM seats WHERE tracking_id = $1 "
                              "AND round = $2 AND expert_id = $3",
                              3, p, &err);
    if (r == NULL)
        return err;
    if (PQntuples(r) == 1)
        snprintf(state, 16, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

int
pnl_store_seated(PGconn *c, const char *tracking_id, int round,
                 int64_t ids[PNL_QUORUM_MAX], size_t *n)
{
    char rnd[16];
    snprintf(rnd, sizeof rnd, "%d", round);
    const char *p[2] = {tracking_id, rnd};
    int err;
    *n = 0;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT expert_id FROM seats WHERE tracking_id "
                              "= $1 AND round = $2 AND state <> 'released' "
                              "ORDER BY seat",
                              2, p, &err);
    if (r == NULL)
        return err;
    for (int i = 0; i < PQntuples(r) && *n < PNL_QUORUM_MAX; i++)
        ids[(*n)++] = s_int64(r, i, 0);
    PQclear(r);
    return 0;
}

int
pnl_store_opinion_given(PGconn *c, const char *tracking_id, int round,
                        int64_t expert, bool *given)
{
    char rnd[16], id[24];
    snprintf(rnd, sizeof rnd, "%d", round);
    snprintf(id, sizeof id, "%" PRId64, expert);
    const char *p[3] = {tracking_id, rnd, id};
    int err;
    PGresult *r = cmn_pg_exec(c,
                              "SELECT 1 FROM opinions WHERE tracking_id = $1 "
                              "AND round = $2 AND expert_id = $3",
                              3, p, &err);
    if (r == NULL)
        return err;
    *given = PQntuples(r) > 0;
    PQclear(r);
    return 0;
}

int
pnl_store_opinion_insert(PGconn *c, const char *tracking_id, int round,
                         const pnl_opinion_t *o)
{
    char rnd[16], id[24], level[8];
    snprintf(rnd, sizeof rnd, "%d", round);
    snprintf(id, sizeof id, "%" PRId64, o->expert_id);
    snprintf(level, sizeof level, "%d", o->level);
    const char *p[6] = {
        tracking_id, rnd,
        id,          o->stance == PNL_STANCE_ADJUST ? "adjust" : "confirm",
        level,       o->reasons ? o->reasons : ""};
    return s_run(c,
                 "INSERT INTO opinions (tracking_id, round, expert_id, "
                 "verdict, level, reasons) VALUES ($1, $2, $3, $4, $5, $6)",
                 6, p);
}

int
pnl_store_ballot(PGconn *c, const char *tracking_id, int round,
                 pnl_ballot_rows_t *b)
{
    char rnd[16];
    snprintf(rnd, sizeof rnd, "%d", round);
    const char *p[2] = {tracking_id, rnd};
    int err;
    memset(b, 0, sizeof *b);
    err = pnl_store_seated(c, tracking_id, round, b->seated, &b->nseated);
    if (err != 0)
        return err;
    b->res = cmn_pg_exec(c,
                         "SELECT expert_id, verdict, level, reasons FROM "
                         "opinions WHERE tracking_id = $1 AND round = $2 "
                         "ORDER BY created_at, expert_id",
                         2, p, &err);
    if (b->res == NULL)
        return err;
    for (int i = 0; i < PQntuples(b->res) && b->nopinions < PNL_QUORUM_MAX;
         i++) {
        pnl_opinion_t *o = &b->opinions[b->nopinions++];
        o->expert_id = s_int64(b->res, i, 0);
        o->stance = strcmp(PQgetvalue(b->res, i, 1), "adjust") == 0
                        ? PNL_STANCE_ADJUST
                        : PNL_STANCE_CONFIRM;
        o->level = atoi(PQgetvalue(b->res, i, 2));
        o->reasons = PQgetvalue(b->res, i, 3);
    }
    return 0;
}

void
pnl_store_ballot_release(pnl_ballot_rows_t *b)
{
    PQclear(b->res);
    b->res = NULL;
}

int
pnl_store_lock(PGconn *c)
{
    return cmn_pg_cmd(c, "SELECT pg_advisory_xact_lock(hashtext('mlps.panel."
                         "schedule'))");
}

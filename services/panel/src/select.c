/* select.c - eligibility of experts for a case, and the quorum chosen. */
#include "pnl/select.h"
#include "text.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

void
pnl_rules_default(pnl_rules_t *rules)
{
    *rules = (pnl_rules_t){.quorum = 3, .expert_max_cases = 0, .horizon = 8};
}

int
pnl_rules_check(const pnl_rules_t *rules, char *err, size_t errlen)
{
    if (rules == NULL)
        return pnl__fail(CMN_ECONFIG, err, errlen, "no rules");
    if (rules->quorum < 1 || rules->quorum > PNL_QUORUM_MAX ||
        rules->quorum % 2 == 0)
        return pnl__fail(CMN_ECONFIG, err, errlen,
                         "\"quorum\" must be an odd number of experts from 1 "
                         "to %d, not %d",
                         PNL_QUORUM_MAX, rules->quorum);
    if (rules->expert_max_cases < 0)
        return pnl__fail(CMN_ECONFIG, err, errlen,
                         "\"expert_max_cases\" must be 0 (no limit) or more, "
                         "not %d",
                         rules->expert_max_cases);
    if (rules->horizon < 1 || rules->horizon > PNL_HORIZON_MAX)
        return pnl__fail(CMN_ECONFIG, err, errlen,
                         "\"horizon\" must be from 1 to %d sessions, not %d",
                         PNL_HORIZON_MAX, rules->horizon);
    return 0;
}

static bool
s_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static char
s_lower(char ch)
{
    return ch >= 'A' && ch <= 'Z' ? (char) (ch - 'A' + 'a') : ch;
}

/* Points *start at s without surrounding blanks; returns its length. */
static size_t
s_trim(const char *s, const char **start)
{
    while (s_blank(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && s_blank(s[n - 1]))
        n--;
    *start = s;
    return n;
}

/* Credit codes match ignoring ASCII case and surrounding blanks. */
static bool
s_same_code(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return false;
    size_t na = s_trim(a, &a);
    if (na == 0 || na != s_trim(b, &b))
        return false;
    for (size_t i = 0; i < na; i++)
        if (s_lower(a[i]) != s_lower(b[i]))
            return false;
    return true;
}

/* Sort key of an expert for a session: see the ranking in select.h. */
typedef struct {
    dom_date_t last; /* latest seating; DOM_DATE_NEVER sorts first */
    int here;        /* cases already at this session */
    int64_t id;
} s_rank_t;

static s_rank_t
s_rank(const pnl_panel_t *p, size_t i, dom_date_t session)
{
    const pnl_expert_t *e = &p->experts[i];
    s_rank_t r = {.last = e->last_sat, .here = 0, .id = e->id};
    for (size_t k = 0; k < p->nseats; k++) {
        if (p->seats[k].expert_id != e->id)
            continue;
        if (p->seats[k].session == session)
            r.here++;
        if (p->seats[k].session > r.last)
            r.last = p->seats[k].session;
    }
    return r;
}

static bool
s_before(s_rank_t a, s_rank_t b)
{
    if (a.last != b.last)
        return a.last < b.last;
    if (a.here != b.here)
        return a.here < b.here;
    return a.id < b.id;
}

unsigned
pnl_select_why(const pnl_panel_t *p, const pnl_case_t *c, dom_date_t session,
               size_t i)
{
    const pnl_expert_t *e = &p->experts[i];
    unsigned why = 0;
    if (s_same_code(e->employer, c->unit_code))
        why |= PNL_EXCL_EMPLOYER;
    for (size_t k = 0; k < e->nconflicts; k++)
        if (s_same_code(e->conflicts[k], c->unit_code))
            why |= PNL_EXCL_DECLARED;
    for (size_t k = 0; k < e->nunavailable; k++)
        if (e->unavailable[k] == session)
            why |= PNL_EXCL_UNAVAILABLE;
    int max = p->rules->expert_max_cases;
    if (max > 0 && s_rank(p, i, session).here >= max)
        why |= PNL_EXCL_FULL;
    return why;
}

static int
s_check_expert(const pnl_expert_t *e)
{
    if ((e->conflicts == NULL && e->nconflicts > 0) ||
        (e->unavailable == NULL && e->nunavailable > 0) ||
        (e->last_sat != DOM_DATE_NEVER && !dom_date_valid(e->last_sat)))
        return CMN_EINVAL;
    return 0;
}

static int
s_check(const pnl_panel_t *p, const pnl_case_t *c, dom_date_t session)
{
    if (p == NULL || c == NULL)
        return CMN_EINVAL;
    int rc = pnl_rules_check(p->rules, NULL, 0);
    if (rc != 0)
        return rc;
    const char *code;
    if ((p->experts == NULL && p->nexperts > 0) ||
        (p->seats == NULL && p->nseats > 0) || c->unit_code == NULL ||
        s_trim(c->unit_code, &code) == 0 || !dom_date_valid(session))
        return CMN_EINVAL;
    for (size_t i = 0; i < p->nexperts; i++) {
        if (s_check_expert(&p->experts[i]) != 0)
            return CMN_EINVAL;
        for (size_t k = 0; k < i; k++)
            if (p->experts[k].id == p->experts[i].id)
                return CMN_EINVAL;
    }
    return 0;
}

int
pnl_select_quorum(const pnl_panel_t *p, const pnl_case_t *c, dom_date_t session,
                  pnl_pick_t *pick)
{
    if (pick == NULL)
        return CMN_EINVAL;
    *pick = (pnl_pick_t){.session = session};
    int rc = s_check(p, c, session);
    if (rc != 0)
        return rc;
    pick->quorum = (size_t) p->rules->quorum;
    for (size_t i = 0; i < p->nexperts; i++)
        if (pnl_select_why(p, c, session, i) == 0)
            pick->neligible++;
    /* Each seat goes to the first eligible expert ranked after the one
     * seated before (ids are unique, so the order is total). */
    s_rank_t prev = {0};
    while (pick->nchosen < pick->quorum) {
        bool found = false;
        s_rank_t best = {0};
        for (size_t i = 0; i < p->nexperts; i++) {
            if (pnl_select_why(p, c, session, i) != 0)
                continue;
            s_rank_t r = s_rank(p, i, session);
            if ((pick->nchosen > 0 && !s_before(prev, r)) ||
                (found && !s_before(r, best)))
                continue;
            pick->chosen[pick->nchosen] = i;
            best = r;
            found = true;
        }
        if (!found)
            break;
        pick->nchosen++;
        prev = best;
    }
    return pick->nchosen == pick->quorum ? 0 : CMN_ENOENT;
}

/* Adds ", " between items of a list; *first tracks the first item. */
static void
s_sep(pnl__text_t *t, bool *first)
{
    if (!*first)
        pnl__text_add(t, ", ");
    *first = false;
}

static void
s_explain_expert(pnl__text_t *t, const pnl_panel_t *p, const pnl_case_t *c,
                 dom_date_t session, size_t i)
{
    const pnl_expert_t *e = &p->experts[i];
    unsigned why = pnl_select_why(p, c, session, i);
    char day[DOM_DATE_BUFSZ] = "";
    bool first = true;

    pnl__text_add(t, "expert %" PRId64, e->id);
    if (e->name != NULL) {
        pnl__text_add(t, " ");
        pnl__text_quoted(t, e->name);
    }
    pnl__text_add(t, " (");
    if (why & PNL_EXCL_EMPLOYER) {
        s_sep(t, &first);
        pnl__text_add(t, "works for the filing unit");
    }
    if (why & PNL_EXCL_DECLARED) {
        s_sep(t, &first);
        pnl__text_add(t, "declared a conflict with the filing unit");
    }
    if ((why & PNL_EXCL_UNAVAILABLE) && dom_date_valid(session)) {
        dom_date_format(session, day);
        s_sep(t, &first);
        pnl__text_add(t, "unavailable on %s", day);
    }
    if (why & PNL_EXCL_FULL) {
        s_sep(t, &first);
        pnl__text_add(t, "already full at this session (limit %d)",
                      p->rules->expert_max_cases);
    }
    pnl__text_add(t, ")");
}

int
pnl_select_explain(const pnl_panel_t *p, const pnl_case_t *c,
                   const pnl_pick_t *pick, char *buf, size_t len)
{
    char day[DOM_DATE_BUFSZ];
    if (pick == NULL || (buf == NULL && len > 0) ||
        s_check(p, c, pick->session) != 0 || !dom_date_valid(pick->session) ||
        pick->quorum != (size_t) p->rules->quorum ||
        pick->nchosen > pick->quorum)
        return CMN_EINVAL;
    dom_date_format(pick->session, day);
    for (size_t k = 0; k < pick->nchosen; k++)
        if (pick->chosen[k] >= p->nexperts)
            return CMN_EINVAL;
    pnl__text_t t = {.buf = buf, .len = len, .used = 0};
    if (len > 0)
        buf[0] = '\0';

    bool formed = pick->nchosen == pick->quorum;
    pnl__text_add(&t, formed ? "quorum for case" : "no quorum for case");
    if (c->id != NULL) {
        pnl__text_add(&t, " ");
        pnl__text_quoted(&t, c->id);
    }
    pnl__text_add(&t, " at %s: ", day);
    if (formed) {
        pnl__text_add(&t, "experts");
        for (size_t k = 0; k < pick->nchosen; k++)
            pnl__text_add(&t, "%s %" PRId64, k > 0 ? "," : "",
                          p->experts[pick->chosen[k]].id);
    } else {
        pnl__text_add(&t, "%zu experts needed, %zu of %zu eligible",
                      pick->quorum, pick->neligible, p->nexperts);
    }

    bool first = true;
    for (size_t i = 0; i < p->nexperts; i++) {
        if (pnl_select_why(p, c, pick->session, i) == 0)
            continue;
        pnl__text_add(&t, first ? "; excluded: " : ", ");
        first = false;
        s_explain_expert(&t, p, c, pick->session, i);
    }
    if (first)
        pnl__text_add(&t, "; no expert excluded");
    return pnl__text_result(&t);
}

int
pnl_select_earliest(const pnl_panel_t *p, const pnl_case_t *c, dom_date_t from,
                    dom_date_t *session, pnl_try_t *tries, size_t *ntries)
{
    if (ntries != NULL)
        *ntries = 0;
    if (p == NULL || c == NULL || session == NULL ||
        !dom_date_valid(c->arrival) || c->arrival == DOM_DATE_MAX)
        return CMN_EINVAL;
    int rc = pnl_rules_check(p->rules, NULL, 0);
    if (rc != 0)
        return rc;
    dom_date_t start = from > c->arrival ? from : c->arrival + 1;
    for (int k = 0; k < p->rules->horizon; k++) {
        dom_date_t d;
        int room = 0;
        pnl_pick_t pick;
        rc = pnl_schedule_first(p->calendar, start, &d);
        if (rc == CMN_ENOENT)
            break; /* the calendar ends before the horizon does */
        if (rc == 0)
            rc = pnl_schedule_room(p->calendar, p->loads, p->nloads, d, &room);
        if (rc == 0)
            rc = pnl_select_quorum(p, c, d, &pick);
        if (rc != 0 && rc != CMN_ENOENT)
            return rc;
        if (tries != NULL)
            tries[k] = (pnl_try_t){d, room, pick.neligible};
        if (ntries != NULL)
            *ntries = (size_t) k + 1;
        if (room > 0 && rc == 0) {
            *session = d;
            return 0;
        }
        if (d == DOM_DATE_MAX)
            break;
        start = d + 1;
    }
    return CMN_ENOENT;
}

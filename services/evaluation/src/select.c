/* select.c - who may evaluate a system, and the office's proposal (see
 * select.h). */
#include "evl/select.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Text being built, cut at its size, always NUL-terminated. */
typedef struct {
    char *buf;
    size_t len, used;
} s_text_t;

static void s_add(s_text_t *t, const char *fmt, ...) CMN_PRINTF(2, 3);

static void
s_add(s_text_t *t, const char *fmt, ...)
{
    if (t->buf == NULL || t->len == 0 || t->used + 1 >= t->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
    va_end(ap);
    t->used = n < 0 || t->used + (size_t) n >= t->len ? t->len - 1
                                                      : t->used + (size_t) n;
}

/* "; " before every reason but the first. */
static void
s_reason(s_text_t *t, bool *first, const char *text)
{
    s_add(t, "%s%s", *first ? "" : "; ", text);
    *first = false;
}

static bool
s_listed(const char *const *list, size_t n, const char *code)
{
    for (size_t i = 0; list != NULL && i < n; i++)
        if (list[i] != NULL && strcmp(list[i], code) == 0)
            return true;
    return false;
}

/* The checks other than qualification, appended to t; true if none
 * failed. */
static bool
s_conflict_and_room(const evl_inst_t *inst, const char *unit, unsigned checks,
                    s_text_t *t, bool *first)
{
    char room[64];
    bool good = true;
    if ((checks & EVL_CHECK_CONFLICT) &&
        s_listed(inst->related, inst->nrelated, unit)) {
        s_reason(t, first, "related to the unit");
        good = false;
    }
    if ((checks & EVL_CHECK_CONFLICT) &&
        s_listed(inst->designed, inst->ndesigned, unit)) {
        s_reason(t, first, "did the unit's security design");
        good = false;
    }
    if ((checks & EVL_CHECK_CAPACITY) && inst->busy >= inst->capacity) {
        snprintf(room, sizeof room,
                 "at capacity (%d of %d evaluations running)", inst->busy,
                 inst->capacity);
        s_reason(t, first, room);
        good = false;
    }
    return good;
}

int
evl_select_why(const evl_inst_t *inst, const char *unit, dom_date_t date,
               unsigned checks, char *why, size_t whylen)
{
    char qual[400];
    s_text_t t = {why, whylen, 0};
    bool first = true;
    if (inst == NULL || unit == NULL || inst->id == NULL ||
        inst->capacity < 1 || inst->busy < 0) {
        s_add(&t, "%s",
              inst == NULL || inst->id == NULL
                  ? "no institution, or one without an id"
              : unit == NULL ? "no unit"
                             : "capacity must be 1 or more and busy "
                               "0 or more");
        return CMN_EINVAL;
    }
    int rc = dom_qualified_on(inst->certs, inst->ncerts, EVL_CATEGORY, date,
                              qual, sizeof qual);
    if (rc == CMN_EINVAL) {
        s_add(&t, "institution %s: %s", inst->id, qual);
        return CMN_EINVAL;
    }
    /* A first pass that writes nothing: why is written only on failure. */
    s_text_t none = {NULL, 0, 0};
    bool good = (!(checks & EVL_CHECK_QUALIFIED) || rc == 0) &&
                s_conflict_and_room(inst, unit, checks, &none, &first);
    if (good)
        return 0;
    first = true;
    if ((checks & EVL_CHECK_QUALIFIED) && rc != 0)
        s_reason(&t, &first, qual);
    (void) s_conflict_and_room(inst, unit, checks, &t, &first);
    return CMN_ENOENT;
}

/* True when institution a goes before b in the rotation. *why (when not
 * NULL) says why b is passed over for a. */
static bool
s_before(const evl_inst_t *a, const evl_inst_t *b, const char **why)
{
    static const char *const reasons[] = {
        "assigned more recently",
        "as recently assigned, more evaluations running",
        "as recently assigned and as busy, after it by id",
        "never assigned either, more evaluations running",
        "never assigned either and as busy, after it by id"};
    int r = a->last_assigned != b->last_assigned ? 0
            : a->busy != b->busy                 ? 1
                                                 : 2;
    bool before = r == 0   ? a->last_assigned < b->last_assigned
                  : r == 1 ? a->busy < b->busy
                           : strcmp(a->id, b->id) < 0;
    if (why != NULL)
        *why = reasons[r > 0 && a->last_assigned == DOM_DATE_NEVER ? r + 2 : r];
    return before;
}

static void
s_day(dom_date_t d, char out[DOM_DATE_BUFSZ])
{
    dom_date_format(d, out);
}

/* "ID: qualified, ..." for the chosen one. */
static void
s_chosen(s_text_t *t, const evl_inst_t *c)
{
    char day[DOM_DATE_BUFSZ];
    s_add(t, "proposed %s: qualified, %d of %d evaluations running, ", c->id,
          c->busy, c->capacity);
    if (c->last_assigned == DOM_DATE_NEVER)
        s_add(t, "never assigned");
    else {
        s_day(c->last_assigned, day);
        s_add(t, "last assigned %s", day);
    }
}

/* Why each institution but the chosen one is not proposed. */
static void
s_passed_over(s_text_t *t, const evl_inst_t *insts, size_t n, size_t pick,
              const char *unit, dom_date_t date)
{
    char why[600], day[DOM_DATE_BUFSZ];
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (i == pick)
            continue;
        s_add(t, "%s%s: ", first ? "; passed over: " : "; ", insts[i].id);
        first = false;
        if (evl_select_why(&insts[i], unit, date, EVL_CHECK_ALL, why,
                           sizeof why) != 0) {
            s_add(t, "%s", why);
            continue;
        }
        const char *reason = NULL;
        (void) s_before(&insts[pick], &insts[i], &reason);
        if (insts[i].last_assigned != insts[pick].last_assigned) {
            s_day(insts[i].last_assigned, day);
            s_add(t, "%s (%s)", reason, day);
        } else if (insts[i].busy != insts[pick].busy) {
            s_add(t, "%s (%d of %d)", reason, insts[i].busy, insts[i].capacity);
        } else {
            s_add(t, "%s", reason);
        }
    }
}

int
evl_select_propose(const evl_inst_t *insts, size_t n, const char *unit,
                   dom_date_t date, size_t *pick, char *explain, size_t explen)
{
    s_text_t t = {explain, explen, 0};
    char why[600];
    size_t best = n;
    if ((insts == NULL && n > 0) || unit == NULL || pick == NULL) {
        s_add(&t, "no institutions, unit or pick");
        return CMN_EINVAL;
    }
    if (explain != NULL && explen > 0)
        explain[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int rc = evl_select_why(&insts[i], unit, date, EVL_CHECK_ALL, why,
                                sizeof why);
        if (rc == CMN_EINVAL) {
            s_add(&t, "%s", why);
            return rc;
        }
        if (rc == 0 && (best == n || s_before(&insts[i], &insts[best], NULL)))
            best = i;
    }
    if (best == n) {
        s_add(&t, "%s",
              n == 0 ? "no institution is registered"
                     : "no institution qualifies: ");
        for (size_t i = 0; i < n; i++) {
            why[0] = '\0';
            if (evl_select_why(&insts[i], unit, date, EVL_CHECK_ALL, why,
                               sizeof why) != CMN_ENOENT)
                continue; /* checked above: every one is refused */
            s_add(&t, "%s%s: %s", i ? "; " : "", insts[i].id, why);
        }
        return CMN_ENOENT;
    }
    s_chosen(&t, &insts[best]);
    s_passed_over(&t, insts, n, best, unit, date);
    *pick = best;
    return 0;
}

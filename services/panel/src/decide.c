/* decide.c - strict-majority decision over the seated experts' opinions. */
#include "pnl/decide.h"
#include "text.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
s_seated(const pnl_ballot_t *b, int64_t id)
{
    for (size_t i = 0; i < b->nseated; i++)
        if (b->seated[i] == id)
            return true;
    return false;
}

static bool
s_has_text(const char *s)
{
    for (; s != NULL && *s != '\0'; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return true;
    return false;
}

static int
s_check_opinion(const pnl_ballot_t *b, size_t k, char *err, size_t errlen)
{
    const pnl_opinion_t *o = &b->opinions[k];
    if (!s_seated(b, o->expert_id))
        return pnl__fail(CMN_EINVAL, err, errlen,
                         "opinions[%zu]: expert %" PRId64
                         " is not seated on this case",
                         k, o->expert_id);
    for (size_t j = 0; j < k; j++)
        if (b->opinions[j].expert_id == o->expert_id)
            return pnl__fail(CMN_EINVAL, err, errlen,
                             "opinions[%zu]: expert %" PRId64
                             " already gave opinions[%zu]",
                             k, o->expert_id, j);
    if (o->stance == PNL_STANCE_CONFIRM)
        return 0;
    if (o->stance != PNL_STANCE_ADJUST)
        return pnl__fail(CMN_EINVAL, err, errlen,
                         "\"opinions[%zu].stance\" must be confirm or adjust, "
                         "not %d",
                         k, (int) o->stance);
    if (o->level < DOM_LEVEL_MIN || o->level > DOM_LEVEL_MAX)
        return pnl__fail(CMN_EINVAL, err, errlen,
                         "\"opinions[%zu].level\" must be from %d to %d, not "
                         "%d",
                         k, DOM_LEVEL_MIN, DOM_LEVEL_MAX, o->level);
    if (o->level == b->proposed)
        return pnl__fail(CMN_EINVAL, err, errlen,
                         "\"opinions[%zu].level\" %d is the proposed level: "
                         "that is a confirmation, not an adjustment",
                         k, o->level);
    if (!s_has_text(o->reasons))
        return pnl__fail(CMN_EINVAL, err, errlen,
                         "\"opinions[%zu].reasons\" must not be empty when "
                         "adjusting",
                         k);
    return 0;
}

static int
s_check_ballot(const pnl_ballot_t *b, char *err, size_t errlen)
{
    if (b->proposed < DOM_LEVEL_MIN || b->proposed > DOM_LEVEL_MAX)
        return pnl__fail(CMN_EINVAL, err, errlen,
                         "\"proposed\" must be a level from %d to %d, not %d",
                         DOM_LEVEL_MIN, DOM_LEVEL_MAX, b->proposed);
    if (b->nseated % 2 == 0 || b->nseated > PNL_QUORUM_MAX)
        return pnl__fail(CMN_EINVAL, err, errlen,
                         "\"nseated\" must be an odd number from 1 to %d, not "
                         "%zu",
                         PNL_QUORUM_MAX, b->nseated);
    if (b->seated == NULL || (b->opinions == NULL && b->nopinions > 0))
        return pnl__fail(CMN_EINVAL, err, errlen,
                         "\"seated\" or \"opinions\" is missing");
    for (size_t i = 0; i < b->nseated; i++)
        for (size_t j = 0; j < i; j++)
            if (b->seated[j] == b->seated[i])
                return pnl__fail(CMN_EINVAL, err, errlen,
                                 "\"seated[%zu]\": expert %" PRId64
                                 " is seated twice",
                                 i, b->seated[i]);
    for (size_t k = 0; k < b->nopinions; k++) {
        int rc = s_check_opinion(b, k, err, errlen);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int
pnl_decide_tally(const pnl_ballot_t *ballot, pnl_decision_t *decision,
                 char *err, size_t errlen)
{
    if (ballot == NULL || decision == NULL)
        return pnl__fail(CMN_EINVAL, err, errlen, "no ballot or decision");
    pnl_decision_t *d = decision;
    *d = (pnl_decision_t){0};
    int rc = s_check_ballot(ballot, err, errlen);
    if (rc != 0)
        return rc;
    /* Counts fit int: nopinions <= nseated <= PNL_QUORUM_MAX. */
    d->proposed = ballot->proposed;
    d->nseated = (int) ballot->nseated;
    d->nopinions = (int) ballot->nopinions;
    d->needed = d->nseated / 2 + 1;
    for (size_t k = 0; k < ballot->nopinions; k++) {
        const pnl_opinion_t *o = &ballot->opinions[k];
        if (o->stance == PNL_STANCE_CONFIRM)
            d->nconfirm++;
        else
            d->nadjust[o->level]++;
    }

    int best = d->nconfirm;
    if (d->nconfirm >= d->needed) {
        d->outcome = PNL_DECISION_CONFIRM;
        d->level = d->proposed;
        return 0;
    }
    for (int level = DOM_LEVEL_MIN; level <= DOM_LEVEL_MAX; level++) {
        if (d->nadjust[level] >= d->needed) {
            d->outcome = PNL_DECISION_ADJUST;
            d->level = level;
            return 0;
        }
        if (d->nadjust[level] > best)
            best = d->nadjust[level];
    }
    int missing = d->nseated - d->nopinions;
    d->outcome = best + missing >= d->needed ? PNL_DECISION_PENDING
                                             : PNL_DECISION_NO_MAJORITY;
    return 0;
}

/* "(confirm level 2: 1, level 3: 1)": every opinion given, by outcome. */
static void
s_tally(pnl__text_t *t, const pnl_decision_t *d)
{
    pnl__text_add(t, "(confirm level %d: %d", d->proposed, d->nconfirm);
    for (int level = DOM_LEVEL_MIN; level <= DOM_LEVEL_MAX; level++)
        if (d->nadjust[level] > 0)
            pnl__text_add(t, ", level %d: %d", level, d->nadjust[level]);
    pnl__text_add(t, ")");
}

int
pnl_decide_format(const pnl_decision_t *decision, char *buf, size_t len)
{
    const pnl_decision_t *d = decision;
    if (d == NULL || (buf == NULL && len > 0))
        return CMN_EINVAL;
    pnl__text_t t = {.buf = buf, .len = len, .used = 0};
    if (len > 0)
        buf[0] = '\0';
    switch (d->outcome) {
    case PNL_DECISION_CONFIRM:
        pnl__text_add(&t, "level %d confirmed by %d of %d seated experts",
                      d->level, d->nconfirm, d->nseated);
        break;
    case PNL_DECISION_ADJUST:
        if (d->level < DOM_LEVEL_MIN || d->level > DOM_LEVEL_MAX)
            return CMN_EINVAL;
        pnl__text_add(&t, "adjusted to level %d by %d of %d seated experts",
                      d->level, d->nadjust[d->level], d->nseated);
        break;
    case PNL_DECISION_PENDING:
        pnl__text_add(&t, "pending: %d of %d opinions in", d->nopinions,
                      d->nseated);
        break;
    case PNL_DECISION_NO_MAJORITY:
        pnl__text_add(&t, "no majority among %d seated experts", d->nseated);
        break;
    default:
        return CMN_EINVAL;
    }
    pnl__text_add(&t, ", %d needed ", d->needed);
    s_tally(&t, d);
    if (d->outcome == PNL_DECISION_NO_MAJORITY)
        pnl__text_add(&t, "; another session must decide");
    return pnl__text_result(&t);
}

/* True if opinion o backs the outcome decided in d. */
static bool
s_with_majority(const pnl_opinion_t *o, const pnl_decision_t *d)
{
    if (d->outcome == PNL_DECISION_ADJUST)
        return o->stance == PNL_STANCE_ADJUST && o->level == d->level;
    return d->outcome == PNL_DECISION_CONFIRM &&
           o->stance == PNL_STANCE_CONFIRM;
}

/* True if opinion k's reasons are to be written: it backs d, says
 * something, and no earlier such opinion said the same. */
static bool
s_reason_counts(const pnl_opinion_t *ops, size_t k, const pnl_decision_t *d)
{
    if (!s_with_majority(&ops[k], d) || !s_has_text(ops[k].reasons))
        return false;
    for (size_t j = 0; j < k; j++)
        if (s_with_majority(&ops[j], d) && ops[j].reasons != NULL &&
            strcmp(ops[j].reasons, ops[k].reasons) == 0)
            return false;
    return true;
}

char *
pnl_decide_reasons(const pnl_opinion_t *opinions, size_t n,
                   const pnl_decision_t *decision)
{
    size_t len = 1, at = 0;
    for (size_t i = 0; i < n; i++)
        if (s_reason_counts(opinions, i, decision))
            len += strlen(opinions[i].reasons) + 2;
    char *out = malloc(len);
    if (out == NULL)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        if (s_reason_counts(opinions, i, decision))
            at += (size_t) snprintf(out + at, len - at, "%s%s",
                                    at > 0 ? "; " : "", opinions[i].reasons);
    return out;
}

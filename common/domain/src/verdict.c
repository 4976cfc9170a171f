/* verdict.c - evaluation verdict bands, their names and titles. */
#include "dom/verdict.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static const struct {
    const char *name, *title;
} s_verdicts[] = {
    [DOM_VERDICT_EXCELLENT] = {"excellent", "优"},
    [DOM_VERDICT_GOOD] = {"good", "良"},
    [DOM_VERDICT_FAIR] = {"fair", "中"},
    [DOM_VERDICT_POOR] = {"poor", "差"},
};

int
dom_verdict(int score, int high, int medium, dom_verdict_t *out)
{
    if (out == NULL || score < 0 || score > 100 || high < 0 || medium < 0)
        return CMN_EINVAL;
    dom_verdict_t v = DOM_VERDICT_POOR;
    if (high > 0)
        v = DOM_VERDICT_POOR;
    else if (score >= 90 && medium == 0)
        v = DOM_VERDICT_EXCELLENT;
    else if (score >= 80)
        v = DOM_VERDICT_GOOD;
    else if (score >= 70)
        v = DOM_VERDICT_FAIR;
    *out = v;
    return 0;
}

/* The enum may be unsigned: compare through int so both ends are checked. */
static bool
s_known(dom_verdict_t v)
{
    int i = (int) v;
    return i >= DOM_VERDICT_EXCELLENT && i <= DOM_VERDICT_POOR;
}

const char *
dom_verdict_name(dom_verdict_t v)
{
    return s_known(v) ? s_verdicts[v].name : NULL;
}

const char *
dom_verdict_title(dom_verdict_t v)
{
    return s_known(v) ? s_verdicts[v].title : NULL;
}

int
dom_verdict_parse(const char *name, dom_verdict_t *out)
{
    if (name == NULL || out == NULL)
        return CMN_EINVAL;
    for (int i = DOM_VERDICT_EXCELLENT; i <= DOM_VERDICT_POOR; i++) {
        if (strcmp(s_verdicts[i].name, name) == 0) {
            *out = (dom_verdict_t) i;
            return 0;
        }
    }
    return CMN_EINVAL;
}

/* inspect.c - the year's inspection batch (see inspect.h). */
#include "evl/inspect.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The year a system's two-year window is counted from: its last
 * inspection, or the year before its acceptance. */
static int
s_base(const evl_insp_sys_t *s)
{
    return s->last_inspected_year > 0 ? s->last_inspected_year
                                      : s->accepted_year - 1;
}

/* The order among candidates of one group (see inspect.h). */
static int
s_cmp(const evl_insp_sys_t *a, const evl_insp_sys_t *b)
{
    bool an = a->last_inspected_year == 0, bn = b->last_inspected_year == 0;
    if (an != bn)
        return an ? -1 : 1;
    if (a->last_inspected_year != b->last_inspected_year)
        return a->last_inspected_year < b->last_inspected_year ? -1 : 1;
    if (a->accepted_year != b->accepted_year)
        return a->accepted_year < b->accepted_year ? -1 : 1;
    return strcmp(a->tracking_id, b->tracking_id);
}

/* Insertion sort of out[0..n) by s_cmp (batches are small). */
static void
s_sort(const evl_insp_sys_t *sys, evl_insp_pick_t *out, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        evl_insp_pick_t p = out[i];
        size_t j = i;
        while (j > 0 && s_cmp(&sys[p.index], &sys[out[j - 1].index]) < 0) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = p;
    }
}

static void
s_why(const evl_insp_sys_t *s, bool required, char *buf, size_t len)
{
    const char *kind = required ? "required" : "to spread the load";
    if (s->last_inspected_year > 0)
        snprintf(buf, len, "%s: last inspected %d, due by the end of %d", kind,
                 s->last_inspected_year, s->last_inspected_year + 2);
    else
        snprintf(buf, len,
                 "%s: never inspected, accepted %d, due by the end "
                 "of %d",
                 kind, s->accepted_year, s->accepted_year + 1);
}

int
evl_inspect_plan(const evl_insp_sys_t *sys, size_t n, int year,
                 evl_insp_pick_t *out, size_t *nout, evl_insp_count_t *count)
{
    if (year < 2000 || year > 9999 || (sys == NULL && n > 0) || out == NULL ||
        nout == NULL || count == NULL)
        return CMN_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (sys[i].tracking_id == NULL)
            return CMN_EINVAL;
    evl_insp_count_t c = {0, 0, 0};
    size_t nreq = 0, nopt = 0;
    for (size_t i = 0; i < n; i++) { /* required ones first, at the front */
        const evl_insp_sys_t *s = &sys[i];
        if (s->level < 3 || s->accepted_year > year)
            continue;
        c.important++;
        if (s->last_inspected_year == year) {
            c.done++;
            continue;
        }
        if (s_base(s) <= year - 2)
            out[nreq++] = (evl_insp_pick_t){.index = i, .required = true};
    }
    for (size_t i = 0; i < n; i++) { /* then the others, after them */
        const evl_insp_sys_t *s = &sys[i];
        if (s->level < 3 || s->accepted_year > year ||
            s->last_inspected_year == year || s_base(s) <= year - 2)
            continue;
        out[nreq + nopt++] = (evl_insp_pick_t){.index = i, .required = false};
    }
    s_sort(sys, out, nreq);
    s_sort(sys, out + nreq, nopt);
    c.target = (c.important + 1) / 2;
    size_t take = nreq;
    while (take < nreq + nopt && c.done + take < c.target)
        take++;
    for (size_t i = 0; i < take; i++)
        s_why(&sys[out[i].index], out[i].required, out[i].reason,
              sizeof out[i].reason);
    *nout = take;
    *count = c;
    return 0;
}

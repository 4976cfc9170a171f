/* tally.c - a month's filings counted and reconciled (see tally.h). */
#include "dom/tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
dom_tally_stage(const char *state)
{
    if (state == NULL)
        return NULL;
    if (strcmp(state, "received") == 0 || strcmp(state, "forwarded") == 0 ||
        state[0] == '\0')
        return "filed";
    return state;
}

/* Copies src into a key, cut at a UTF-8 boundary if it is too long. */
static void
s_key(char key[DOM_TALLY_KEY_MAX], const char *src)
{
    size_t n = strlen(src);
    if (n >= DOM_TALLY_KEY_MAX) {
        n = DOM_TALLY_KEY_MAX - 1;
        while (n > 0 && ((unsigned char) src[n] & 0xC0) == 0x80)
            n--; /* src[n] would start the cut: keep whole characters */
    }
    memcpy(key, src, n);
    key[n] = '\0';
}

static int
s_count_cmp(const void *a, const void *b)
{
    return strcmp(((const dom_tally_count_t *) a)->key,
                  ((const dom_tally_count_t *) b)->key);
}

static int
s_str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Sorts counts and merges equal keys; returns the new length. */
static size_t
s_merge(dom_tally_count_t *c, size_t n)
{
    if (n == 0)
        return 0;
    qsort(c, n, sizeof *c, s_count_cmp);
    size_t w = 0;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(c[w].key, c[i].key) == 0)
            c[w].n += c[i].n;
        else
            c[++w] = c[i];
    }
    return w + 1;
}

/* Sorts strings and frees repeats; returns the new length. */
static size_t
s_unique(char **s, size_t n)
{
    if (n == 0)
        return 0;
    qsort(s, n, sizeof *s, s_str_cmp);
    size_t w = 0;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(s[w], s[i]) == 0)
            free(s[i]);
        else
            s[++w] = s[i];
    }
    return w + 1;
}

/* Copies n strings (none NULL) into *out. */
static int
s_strings(const char *const *src, size_t n, char ***out, size_t *nout)
{
    *out = calloc(n + 1, sizeof **out);
    if (*out == NULL)
        return CMN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (src[i] == NULL)
            return CMN_EINVAL;
        if (((*out)[i] = strdup(src[i])) == NULL)
            return CMN_ENOMEM;
        *nout = i + 1;
    }
    *nout = s_unique(*out, *nout);
    return 0;
}

static int
s_counts(const dom_tally_count_t *src, size_t n, dom_tally_count_t **out,
         size_t *nout)
{
    *out = calloc(n + 1, sizeof **out);
    if (*out == NULL)
        return CMN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        s_key((*out)[i].key, src[i].key);
        (*out)[i].n = src[i].n;
    }
    *nout = s_merge(*out, n);
    return 0;
}

void
dom_tally_free(dom_tally_t *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; t->ids && i < t->nids; i++)
        free(t->ids[i]);
    for (size_t i = 0; t->batches && i < t->nbatches; i++)
        free(t->batches[i]);
    free(t->ids);
    free(t->batches);
    free(t->by_level);
    free(t->by_state);
    free(t->by_sector);
    memset(t, 0, sizeof *t);
}

int
dom_tally_make(const dom_tally_item_t *items, size_t n,
               const char *const *batches, size_t nbatches, dom_tally_t *out)
{
    memset(out, 0, sizeof *out);
    const char **ids = calloc(n + 1, sizeof *ids);
    dom_tally_count_t *c = calloc(3 * n + 1, sizeof *c);
    int rc = ids && c ? 0 : CMN_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (items[i].tracking_id == NULL)
            rc = CMN_EINVAL;
    /* Each tracking id once, the first of repeats: order is the kept items'
     * indexes sorted by tracking id, searched by halves. */
    size_t *order = rc == 0 ? calloc(n + 1, sizeof *order) : NULL;
    if (rc == 0 && order == NULL)
        rc = CMN_ENOMEM;
    size_t kept = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        bool seen = false;
        size_t lo = 0, hi = kept;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int cmp =
                strcmp(items[order[mid]].tracking_id, items[i].tracking_id);
            if (cmp == 0) {
                seen = true;
                break;
            }
            if (cmp < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (seen)
            continue;
        memmove(order + lo + 1, order + lo, (kept - lo) * sizeof *order);
        order[lo] = i;
        kept++;
    }
    dom_tally_count_t *lv = c, *st = c ? c + n : NULL,
                      *se = c ? c + 2 * n : NULL;
    for (size_t k = 0; rc == 0 && k < kept; k++) {
        const dom_tally_item_t *it = &items[order[k]];
        ids[k] = it->tracking_id;
        snprintf(lv[k].key, sizeof lv[k].key, "%d", it->level);
        s_key(st[k].key, dom_tally_stage(it->state ? it->state : ""));
        s_key(se[k].key, it->sector ? it->sector : "");
        lv[k].n = st[k].n = se[k].n = 1;
    }
    if (rc == 0)
        rc = dom_tally_from_parts((unsigned) kept, lv, kept, st, kept, se, kept,
                                  ids, kept, batches, nbatches, out);
    free(order);
    free(ids);
    free(c);
    return rc;
}

int
dom_tally_from_parts(unsigned filings, const dom_tally_count_t *by_level,
                     size_t nlevel, const dom_tally_count_t *by_state,
                     size_t nstate, const dom_tally_count_t *by_sector,
                     size_t nsector, const char *const *ids, size_t nids,
                     const char *const *batches, size_t nbatches,
                     dom_tally_t *out)
{
    memset(out, 0, sizeof *out);
    out->filings = filings;
    int rc = s_counts(by_level, nlevel, &out->by_level, &out->nlevel);
    if (rc == 0)
        rc = s_counts(by_state, nstate, &out->by_state, &out->nstate);
    if (rc == 0)
        rc = s_counts(by_sector, nsector, &out->by_sector, &out->nsector);
    if (rc == 0)
        rc = s_strings(ids, nids, &out->ids, &out->nids);
    if (rc == 0)
        rc = s_strings(batches, nbatches, &out->batches, &out->nbatches);
    if (rc != 0)
        dom_tally_free(out);
    return rc;
}

/* A difference: counted, and told to fn. */
typedef struct {
    dom_tally_diff_fn fn;
    void *arg;
    size_t n;
} s_diff_t;

static void
s_say(s_diff_t *d, const char *line)
{
    d->n++;
    if (d->fn != NULL)
        d->fn(d->arg, line);
}

/* Walks two sorted count lists together; a key missing on one side
 * counts 0 there. */
static void
s_diff_counts(s_diff_t *d, const char *what, const dom_tally_count_t *a,
              size_t na, const dom_tally_count_t *b, size_t nb)
{
    size_t i = 0, j = 0;
    char line[2 * DOM_TALLY_KEY_MAX + 80];
    while (i < na || j < nb) {
        int cmp = i == na ? 1 : j == nb ? -1 : strcmp(a[i].key, b[j].key);
        const char *key = cmp <= 0 ? a[i].key : b[j].key;
        unsigned ra = cmp <= 0 ? a[i].n : 0, rb = cmp >= 0 ? b[j].n : 0;
        if (ra != rb) {
            snprintf(line, sizeof line, "%s %s: reported %u, received %u", what,
                     key, ra, rb);
            s_say(d, line);
        }
        i += cmp <= 0;
        j += cmp >= 0;
    }
}

/* Walks two sorted string lists: what is only in one of them. */
static void
s_diff_lists(s_diff_t *d, const char *what, char *const *a, size_t na,
             char *const *b, size_t nb, bool first_side)
{
    size_t i = 0, j = 0;
    char line[400];
    while (i < na) {
        int cmp = j == nb ? -1 : strcmp(a[i], b[j]);
        if (cmp < 0) {
            snprintf(line, sizeof line, "%s %.300s: %s", what, a[i],
                     first_side ? "reported, not received"
                                : "received, not reported");
            s_say(d, line);
            i++;
        } else {
            i += cmp == 0;
            j++;
        }
    }
}

size_t
dom_tally_diff(const dom_tally_t *reported, const dom_tally_t *received,
               dom_tally_diff_fn fn, void *arg)
{
    s_diff_t d = {fn, arg, 0};
    if (reported->filings != received->filings) {
        char line[80];
        snprintf(line, sizeof line, "filings: reported %u, received %u",
                 reported->filings, received->filings);
        s_say(&d, line);
    }
    s_diff_counts(&d, "level", reported->by_level, reported->nlevel,
                  received->by_level, received->nlevel);
    s_diff_counts(&d, "state", reported->by_state, reported->nstate,
                  received->by_state, received->nstate);
    s_diff_counts(&d, "sector", reported->by_sector, reported->nsector,
                  received->by_sector, received->nsector);
    s_diff_lists(&d, "filing", reported->ids, reported->nids, received->ids,
                 received->nids, true);
    s_diff_lists(&d, "filing", received->ids, received->nids, reported->ids,
                 reported->nids, false);
    s_diff_lists(&d, "batch", reported->batches, reported->nbatches,
                 received->batches, received->nbatches, true);
    s_diff_lists(&d, "batch", received->batches, received->nbatches,
                 reported->batches, reported->nbatches, false);
    return d.n;
}

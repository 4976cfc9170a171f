/* qualify.c - is an institution qualified in a category on a date. */
#include "dom/qualify.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A message being built: reasons joined by "; ". */
typedef struct {
    char *buf;
    size_t len, used;
} s_why_t;

static void s_add(s_why_t *w, const char *fmt, ...) CMN_PRINTF(2, 3);

/* Appends a reason (after "; " unless it is the first). Truncates. */
static void
s_add(s_why_t *w, const char *fmt, ...)
{
    if (w->buf == NULL || w->len == 0 || w->used + 1 >= w->len)
        return;
    if (w->used > 0)
        w->used += (size_t) snprintf(w->buf + w->used, w->len - w->used, "; ");
    if (w->used + 1 >= w->len) {
        w->used = w->len - 1;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->buf + w->used, w->len - w->used, fmt, ap);
    va_end(ap);
    w->used = n < 0 || w->used + (size_t) n >= w->len ? w->len - 1
                                                      : w->used + (size_t) n;
}

/* Why certificate i of the category is malformed, or NULL. */
static const char *
s_malformed(const dom_qual_cert_t *c)
{
    int surv = (int) c->surveillance;
    if (c->number == NULL)
        return "has no number";
    if (!dom_date_valid(c->issued) || !dom_date_valid(c->expires))
        return "has an issued or expires date that is not a valid date";
    if (c->expires < c->issued)
        return "expires before it is issued";
    if (surv < DOM_SURV_NONE || surv > DOM_SURV_FAILED)
        return "has an unknown surveillance result";
    if (surv != DOM_SURV_NONE && !dom_date_valid(c->surveillance_on))
        return "has a surveillance result without a valid date";
    return NULL;
}

/* Adds to w each thing that keeps c from qualifying on date; true if
 * none does. */
static bool
s_good_on(const dom_qual_cert_t *c, dom_date_t date, s_why_t *w)
{
    char d[DOM_DATE_BUFSZ];
    bool good = true;
    if (date < c->issued) {
        s_add(w, "certificate %s is not valid before %s", c->number,
              dom_date_format(c->issued, d));
        good = false;
    }
    if (date > c->expires) {
        s_add(w, "certificate %s expired on %s", c->number,
              dom_date_format(c->expires, d));
        good = false;
    }
    if (c->suspended) {
        s_add(w, "certificate %s is suspended", c->number);
        good = false;
    }
    if (c->surveillance == DOM_SURV_FAILED && c->surveillance_on <= date) {
        s_add(w, "certificate %s failed its annual surveillance on %s",
              c->number, dom_date_format(c->surveillance_on, d));
        good = false;
    }
    return good;
}

/* CMN_EINVAL with why for bad arguments or a malformed certificate. */
static int
s_check_input(const dom_qual_cert_t *certs, size_t n, const char *category,
              dom_date_t date, s_why_t *w)
{
    if (category == NULL || (certs == NULL && n > 0)) {
        s_add(w, "no category or no certificates");
        return CMN_EINVAL;
    }
    if (!dom_date_valid(date)) {
        s_add(w, "the date is not a valid date");
        return CMN_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        const char *problem = certs[i].category == NULL ? "has no category"
                              : strcmp(certs[i].category, category) != 0
                                  ? NULL
                                  : s_malformed(&certs[i]);
        if (problem != NULL) {
            s_add(w, "certs[%zu]: %s", i, problem);
            return CMN_EINVAL;
        }
    }
    return 0;
}

int
dom_qualified_on(const dom_qual_cert_t *certs, size_t n, const char *category,
                 dom_date_t date, char *why, size_t whylen)
{
    s_why_t none = {NULL, 0, 0}, w = {why, whylen, 0};
    /* A first pass that writes nothing: why is written only on failure. */
    int rc = s_check_input(certs, n, category, date, &none);
    if (rc != 0)
        return s_check_input(certs, n, category, date, &w);
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(certs[i].category, category) != 0)
            continue;
        any = true;
        if (s_good_on(&certs[i], date, &none))
            return 0;
    }
    if (!any) {
        s_add(&w, "no certificate of category %s", category);
        return CMN_ENOENT;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(certs[i].category, category) == 0)
            (void) s_good_on(&certs[i], date, &w);
    }
    return CMN_ENOENT;
}

/* calendar.c - working-day calendar: calendar text, lookups, day counting. */
#include "dom/calendar.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    dom_date_t date;
    bool working; /* a workday entry (调休) rather than a holiday */
    int line;     /* where its file declared it, for messages */
} s_day_t;

typedef struct {
    int year;
    int line;
} s_year_t;

struct dom_calendar {
    s_year_t *years; /* covered years, in the order loaded */
    size_t n_years, cap_years;
    s_day_t *days; /* holidays and workdays, sorted by date once parsed */
    size_t n_days, cap_days;
};

/* Where the parser is, for messages. */
typedef struct {
    const char *name;
    int line; /* 0: the whole text */
    char *err;
    size_t errlen;
} s_where_t;

/* A blank-separated token of a line. */
typedef struct {
    const char *p;
    int len; /* lines are short: DOM_CALENDAR_MAX_BYTES fits an int */
} s_tok_t;

#define S_QUOTE_MAX 40 /* longest part of a token quoted back in a message */

static int s_fail(const s_where_t *w, const char *fmt, ...) CMN_PRINTF(2, 3);

/* Writes "name:line: reason" (or "name: reason") to w->err; returns
 * CMN_ECONFIG. */
static int
s_fail(const s_where_t *w, const char *fmt, ...)
{
    if (w->err == NULL || w->errlen == 0)
        return CMN_ECONFIG;
    int n = w->line > 0
                ? snprintf(w->err, w->errlen, "%s:%d: ", w->name, w->line)
                : snprintf(w->err, w->errlen, "%s: ", w->name);
    if (n >= 0 && (size_t) n < w->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->err + n, w->errlen - (size_t) n, fmt, ap);
        va_end(ap);
    }
    return CMN_ECONFIG;
}

static int
s_quote_len(s_tok_t t)
{
    return t.len < S_QUOTE_MAX ? t.len : S_QUOTE_MAX;
}

/* arr (cap elements of size elem) with room for need >= 1 elements: arr
 * itself, or a larger copy with *cap updated. NULL when out of memory; arr
 * is then unchanged. */
static void *
s_grow(void *arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return arr;
    size_t cap2 = *cap == 0 ? 16 : *cap * 2;
    while (cap2 < need)
        cap2 *= 2;
    void *p = realloc(arr, cap2 * elem);
    if (p != NULL)
        *cap = cap2;
    return p;
}

dom_calendar_t *
dom_calendar_new(void)
{
    return calloc(1, sizeof(dom_calendar_t));
}

void
dom_calendar_destroy(dom_calendar_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    dom_calendar_t *self = *self_p;
    *self_p = NULL;
    free(self->years);
    free(self->days);
    free(self);
}

static bool
s_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Next token of [*pos, end); len 0 at the end of the line. */
static s_tok_t
s_next(const char **pos, const char *end)
{
    const char *p = *pos;
    while (p < end && s_blank(*p))
        p++;
    const char *start = p;
    while (p < end && !s_blank(*p))
        p++;
    *pos = p;
    return (s_tok_t){start, (int) (p - start)};
}

static bool
s_tok_is(s_tok_t t, const char *word)
{
    return (size_t) t.len == strlen(word) && memcmp(t.p, word, t.len) == 0;
}

static const s_year_t *
s_find_year(const dom_calendar_t *c, int year)
{
    for (size_t i = 0; i < c->n_years; i++) {
        if (c->years[i].year == year)
            return &c->years[i];
    }
    return NULL;
}

/* "covers YYYY" after the keyword. */
static int
s_parse_covers(dom_calendar_t *c, const s_where_t *w, const char **pos,
               const char *end)
{
    s_tok_t t = s_next(pos, end);
    int year = 0;
    for (int i = 0; i < t.len && year >= 0; i++)
        year = t.p[i] >= '0' && t.p[i] <= '9' ? year * 10 + t.p[i] - '0' : -1;
    if (t.len != 4 || year < 1)
        return s_fail(w, "bad year \"%.*s\" after \"covers\" (expected YYYY)",
                      s_quote_len(t), t.p);
    s_tok_t extra = s_next(pos, end);
    if (extra.len > 0)
        return s_fail(w, "unexpected \"%.*s\" after \"covers %04d\"",
                      s_quote_len(extra), extra.p, year);
    const s_year_t *seen = s_find_year(c, year);
    if (seen != NULL)
        return s_fail(w, "\"covers %04d\" appears twice (first at line %d)",
                      year, seen->line);
    s_year_t *years =
        s_grow(c->years, &c->cap_years, c->n_years + 1, sizeof(s_year_t));
    if (years == NULL)
        return CMN_ENOMEM;
    c->years = years;
    c->years[c->n_years++] = (s_year_t){year, w->line};
    return 0;
}

/* "YYYY-MM-DD holiday|workday Name"; first is the date token. */
static int
s_parse_entry(dom_calendar_t *c, const s_where_t *w, s_tok_t first,
              const char **pos, const char *end)
{
    char text[DOM_DATE_BUFSZ];
    dom_date_t date;
    if (first.len != DOM_DATE_BUFSZ - 1)
        return s_fail(w, "bad date \"%.*s\" (expected YYYY-MM-DD)",
                      s_quote_len(first), first.p);
    memcpy(text, first.p, DOM_DATE_BUFSZ - 1);
    text[DOM_DATE_BUFSZ - 1] = '\0';
    if (dom_date_parse(text, &date) != 0)
        return s_fail(w, "bad date \"%s\" (expected YYYY-MM-DD)", text);

    s_tok_t kind = s_next(pos, end);
    bool working = s_tok_is(kind, "workday");
    if (!working && !s_tok_is(kind, "holiday")) {
        if (kind.len == 0)
            return s_fail(w, "missing \"holiday\" or \"workday\" after %s",
                          text);
        return s_fail(w, "unknown kind \"%.*s\" (expected holiday or workday)",
                      s_quote_len(kind), kind.p);
    }
    if (s_next(pos, end).len == 0)
        return s_fail(w, "missing name after \"%s %.*s\"", text, kind.len,
                      kind.p);
    if (working && dom_date_weekday(date) < DOM_SATURDAY)
        return s_fail(w, "workday %s is not a Saturday or Sunday", text);
    s_day_t *days =
        s_grow(c->days, &c->cap_days, c->n_days + 1, sizeof(s_day_t));
    if (days == NULL)
        return CMN_ENOMEM;
    c->days = days;
    c->days[c->n_days++] = (s_day_t){date, working, w->line};
    return 0;
}

static int
s_parse_line(dom_calendar_t *c, const s_where_t *w, const char *p,
             const char *end)
{
    if (memchr(p, '\0', (size_t) (end - p)) != NULL)
        return s_fail(w, "NUL byte in line");
    const char *pos = p;
    s_tok_t first = s_next(&pos, end);
    if (first.len == 0 || first.p[0] == '#')
        return 0;
    if (s_tok_is(first, "covers"))
        return s_parse_covers(c, w, &pos, end);
    if (first.p[0] < '0' || first.p[0] > '9')
        return s_fail(w,
                      "unknown keyword \"%.*s\" (expected \"covers\" or a "
                      "date)",
                      s_quote_len(first), first.p);
    return s_parse_entry(c, w, first, &pos, end);
}

static int
s_cmp_date(const void *a, const void *b)
{
    const s_day_t *x = a, *y = b;
    return (x->date > y->date) - (x->date < y->date);
}

/* By date, then by line: the first declaration of a date comes first. */
static int
s_cmp_day(const void *a, const void *b)
{
    const s_day_t *x = a, *y = b;
    int c = s_cmp_date(a, b);
    return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/* Checks of the whole file c once every line parsed; sorts c->days. */
static int
s_check_file(dom_calendar_t *c, s_where_t *w)
{
    char text[DOM_DATE_BUFSZ];
    if (c->n_years == 0)
        return s_fail(w, "no \"covers YYYY\" line: the file covers no year");
    for (size_t i = 0; i < c->n_days; i++) { /* in line order */
        int year;
        dom_date_to_ymd(c->days[i].date, &year, NULL, NULL);
        if (s_find_year(c, year) == NULL) {
            w->line = c->days[i].line;
            return s_fail(w, "%s is in %04d, which no \"covers\" line declares",
                          dom_date_format(c->days[i].date, text), year);
        }
    }
    if (c->n_days > 1) /* qsort and bsearch want a real array */
        qsort(c->days, c->n_days, sizeof(s_day_t), s_cmp_day);
    for (size_t i = 1; i < c->n_days; i++) {
        if (c->days[i].date == c->days[i - 1].date) {
            w->line = c->days[i].line;
            return s_fail(w, "%s is listed twice (first at line %d)",
                          dom_date_format(c->days[i].date, text),
                          c->days[i - 1].line);
        }
    }
    return 0;
}

/* Moves the contents of file (a parsed, checked file) into self. */
static int
s_merge(dom_calendar_t *self, dom_calendar_t *file, s_where_t *w)
{
    for (size_t i = 0; i < file->n_years; i++) {
        if (s_find_year(self, file->years[i].year) != NULL) {
            w->line = file->years[i].line;
            return s_fail(w, "%04d is already covered by another file",
                          file->years[i].year);
        }
    }
    /* A checked file covers at least one year; it may list no days. */
    s_year_t *years = s_grow(self->years, &self->cap_years,
                             self->n_years + file->n_years, sizeof(s_year_t));
    if (years == NULL)
        return CMN_ENOMEM;
    self->years = years;
    if (file->n_days > 0) {
        s_day_t *days = s_grow(self->days, &self->cap_days,
                               self->n_days + file->n_days, sizeof(s_day_t));
        if (days == NULL)
            return CMN_ENOMEM; /* the larger years array changes nothing */
        self->days = days;
        memcpy(self->days + self->n_days, file->days,
               file->n_days * sizeof(s_day_t));
        self->n_days += file->n_days;
        /* Years are disjoint, so dates are too; only the order changes. */
        qsort(self->days, self->n_days, sizeof(s_day_t), s_cmp_day);
    }
    memcpy(self->years + self->n_years, file->years,
           file->n_years * sizeof(s_year_t));
    self->n_years += file->n_years;
    return 0;
}

int
dom_calendar_parse(dom_calendar_t *self, const char *name, const char *text,
                   size_t len, char *err, size_t errlen)
{
    s_where_t w = {name != NULL ? name : "calendar", 0, err, errlen};
    if (self == NULL || (text == NULL && len > 0))
        return CMN_EINVAL;
    if (len > DOM_CALENDAR_MAX_BYTES) {
        s_fail(&w, "larger than %d bytes", DOM_CALENDAR_MAX_BYTES);
        return CMN_EMSGSIZE;
    }
    dom_calendar_t file = {0};
    int rc = 0;
    const char *p = text, *end = len > 0 ? text + len : text;
    while (rc == 0 && p != NULL && p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        const char *eol = nl != NULL ? nl : end;
        w.line++;
        rc = s_parse_line(&file, &w, p, eol);
        p = eol + (nl != NULL);
    }
    if (rc == 0) {
        w.line = 0;
        rc = s_check_file(&file, &w);
    }
    if (rc == 0)
        rc = s_merge(self, &file, &w);
    if (rc == CMN_ENOMEM)
        s_fail(&w, "out of memory");
    free(file.years);
    free(file.days);
    return rc;
}

bool
dom_calendar_covers(const dom_calendar_t *self, int year)
{
    return self != NULL && s_find_year(self, year) != NULL;
}

int
dom_calendar_is_working_day(const dom_calendar_t *self, dom_date_t date,
                            bool *working)
{
    if (self == NULL || working == NULL)
        return CMN_EINVAL;
    int year;
    dom_date_to_ymd(date, &year, NULL, NULL);
    if (s_find_year(self, year) == NULL)
        return CMN_ECALENDAR;
    s_day_t key = {.date = date};
    const s_day_t *d = self->n_days == 0
                           ? NULL
                           : bsearch(&key, self->days, self->n_days,
                                     sizeof(s_day_t), s_cmp_date);
    *working = d != NULL ? d->working : dom_date_weekday(date) < DOM_SATURDAY;
    return 0;
}

int
dom_calendar_deadline(const dom_calendar_t *self, dom_date_t received, int n,
                      dom_date_t *deadline)
{
    if (self == NULL || deadline == NULL || n < 1 || received > DOM_DATE_MAX)
        return CMN_EINVAL; /* the bound keeps ++d below from overflowing */
    dom_date_t d = received;
    for (int counted = 0; counted < n;) {
        bool working;
        int rc = dom_calendar_is_working_day(self, ++d, &working);
        if (rc != 0)
            return rc; /* a year without calendar stops the count */
        counted += working;
    }
    *deadline = d;
    return 0;
}

int
dom_calendar_count(const dom_calendar_t *self, dom_date_t after,
                   dom_date_t until, int *n)
{
    if (self == NULL || n == NULL || after > DOM_DATE_MAX)
        return CMN_EINVAL; /* the bound keeps ++d below from overflowing */
    int counted = 0;
    for (dom_date_t d = after; d < until;) {
        bool working;
        int rc = dom_calendar_is_working_day(self, ++d, &working);
        if (rc != 0)
            return rc;
        counted += working;
    }
    *n = counted;
    return 0;
}

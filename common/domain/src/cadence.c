/* cadence.c - re-evaluation cadence by level: defaults, text, next due. */
#include "dom/cadence.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define S_QUOTE_MAX 40 /* longest part of an item quoted back in why */

void
dom_cadence_default(dom_cadence_t *c)
{
    if (c == NULL)
        return;
    *c = (dom_cadence_t){.months = {[2] = 24, [3] = 12, [4] = 6, [5] = 6}};
}

/* One item of the text: [p, p + len), the index from 1. */
typedef struct {
    const char *p;
    size_t len;
    int index;
} s_item_t;

static int s_fail(char *why, size_t whylen, const s_item_t *it, const char *fmt,
                  ...) CMN_PRINTF(4, 5);

/* Writes `item N "text": reason` to why; returns CMN_EINVAL. */
static int
s_fail(char *why, size_t whylen, const s_item_t *it, const char *fmt, ...)
{
    if (why == NULL || whylen == 0)
        return CMN_EINVAL;
    int q = it->len < S_QUOTE_MAX ? (int) it->len : S_QUOTE_MAX;
    int n = snprintf(why, whylen, "item %d \"%.*s\": ", it->index, q, it->p);
    if (n >= 0 && (size_t) n < whylen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why + n, whylen - (size_t) n, fmt, ap);
        va_end(ap);
    }
    return CMN_EINVAL;
}

static bool
s_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The whole number in [p, end) without surrounding blanks, or -1 unless it
 * is 1..3 ASCII digits. */
static int
s_number(const char *p, const char *end)
{
    while (p < end && s_blank(*p))
        p++;
    while (end > p && s_blank(end[-1]))
        end--;
    if (end == p || end - p > 3)
        return -1;
    int v = 0;
    for (; p < end; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

/* Parses one item into c; seen marks the levels already given. */
static int
s_item(const s_item_t *it, dom_cadence_t *c, bool seen[], char *why,
       size_t whylen)
{
    const char *end = it->p + it->len;
    const char *colon = memchr(it->p, ':', it->len);
    if (colon == NULL)
        return s_fail(why, whylen, it, "expected LEVEL:MONTHS");
    int level = s_number(it->p, colon);
    if (level < DOM_LEVEL_FILED_MIN || level > DOM_LEVEL_MAX)
        return s_fail(why, whylen, it, "level must be %d..%d",
                      DOM_LEVEL_FILED_MIN, DOM_LEVEL_MAX);
    int months = s_number(colon + 1, end);
    if (months < 0 || months > DOM_CADENCE_MAX_MONTHS)
        return s_fail(why, whylen, it, "months must be a whole number 0..%d",
                      DOM_CADENCE_MAX_MONTHS);
    if (seen[level])
        return s_fail(why, whylen, it, "level %d appears twice", level);
    seen[level] = true;
    c->months[level] = months;
    return 0;
}

/* True if [p, end) holds only blanks. */
static bool
s_all_blank(const char *p, const char *end)
{
    while (p < end && s_blank(*p))
        p++;
    return p == end;
}

int
dom_cadence_parse(const char *text, dom_cadence_t *c, char *why, size_t whylen)
{
    if (text == NULL || c == NULL)
        return CMN_EINVAL;
    dom_cadence_t out;
    dom_cadence_default(&out);
    bool seen[DOM_LEVEL_MAX + 1] = {false};
    const char *end = text + strlen(text);
    if (s_all_blank(text, end)) {
        *c = out;
        return 0;
    }
    int item_no = 1;
    for (const char *p = text;; item_no++) {
        const char *comma = memchr(p, ',', (size_t) (end - p));
        const char *stop = comma != NULL ? comma : end;
        s_item_t it = {p, (size_t) (stop - p), item_no};
        int rc = s_item(&it, &out, seen, why, whylen);
        if (rc != 0)
            return rc;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    *c = out;
    return 0;
}

int
dom_cadence_next_due(const dom_cadence_t *c, int level, dom_date_t last_report,
                     dom_date_t *due)
{
    if (c == NULL || due == NULL || !dom_level_filed(level) ||
        c->months[level] <= 0)
        return CMN_EINVAL;
    return dom_date_add_months(last_report, c->months[level], due);
}

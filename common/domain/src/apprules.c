/* apprules.c - rule sets of qualification conditions, parsed from text,
 * and applications (JSON) checked against them (see apprules.h). */
#include "dom/apprules.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_ID_MAX    40
#define S_PATH_MAX  120
#define S_TEXT_MAX  300
#define S_LINE_MAX  1000
#define S_ITEMS_MAX 16
#define S_NUM_MAX   1000000000LL

typedef enum { S_OP_GE, S_OP_LE, S_OP_EQ, S_OP_HAS } s_op_t;

typedef struct {
    char *id, *field, *text, *when_field;
    s_op_t op;
    bool eq_bool;             /* "=": compares a bool (else a number) */
    bool flag;                /* "=" true / false */
    long long num;            /* ">=", "<=", "=" number */
    char *items[S_ITEMS_MAX]; /* "has" */
    size_t nitems;
    char *when[S_ITEMS_MAX];
    size_t nwhen;
} s_rule_t;

struct dom_ruleset {
    char *name, *title, *source;
    s_rule_t rules[DOM_RULES_MAX];
    size_t n;
};

/* --- small text helpers ------------------------------------------------ */

static void s_say(char *why, size_t whylen, const char *fmt, ...)
    CMN_PRINTF(3, 4);

static void
s_say(char *why, size_t whylen, const char *fmt, ...)
{
    if (why == NULL || whylen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
}

static bool
s_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* a-z 0-9 _ (and `extra` characters), 1..max of them. */
static bool
s_word(const char *s, size_t max, const char *extra)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              (extra != NULL && strchr(extra, c) != NULL)))
            return false;
    }
    return true;
}

/* Names joined by '.', none empty. */
static bool
s_path(const char *s)
{
    if (!s_word(s, S_PATH_MAX, ".") || s[0] == '.' || s[strlen(s) - 1] == '.')
        return false;
    return strstr(s, "..") == NULL;
}

/* A whole number 0..S_NUM_MAX. */
static bool
s_number(const char *s, long long *out)
{
    long long v = 0;
    if (*s == '\0' || strlen(s) > 10)
        return false;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (*s - '0');
    }
    if (v > S_NUM_MAX)
        return false;
    *out = v;
    return true;
}

/* Splits "a,b,c" (copied) into items; false when a name is not a word. */
static bool
s_list(const char *s, char **items, size_t *n)
{
    char buf[S_LINE_MAX + 1];
    char *save = NULL;
    *n = 0;
    snprintf(buf, sizeof buf, "%s", s);
    if (buf[0] == '\0' || buf[0] == ',' || buf[strlen(buf) - 1] == ',' ||
        strstr(buf, ",,") != NULL)
        return false;
    for (char *t = strtok_r(buf, ",", &save); t != NULL;
         t = strtok_r(NULL, ",", &save)) {
        if (*n == S_ITEMS_MAX || !s_word(t, S_ID_MAX, NULL))
            return false;
        if ((items[*n] = strdup(t)) == NULL)
            return false;
        (*n)++;
    }
    return true;
}

static void
s_rule_free(s_rule_t *r)
{
    free(r->id);
    free(r->field);
    free(r->text);
    free(r->when_field);
    for (size_t i = 0; i < r->nitems; i++)
        free(r->items[i]);
    for (size_t i = 0; i < r->nwhen; i++)
        free(r->when[i]);
    memset(r, 0, sizeof *r);
}

void
dom_ruleset_destroy(dom_ruleset_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    dom_ruleset_t *self = *self_p;
    *self_p = NULL;
    for (size_t i = 0; i < self->n; i++)
        s_rule_free(&self->rules[i]);
    free(self->name);
    free(self->title);
    free(self->source);
    free(self);
}

/* --- parsing ------------------------------------------------------------- */

/* The next blank-separated token of *at into tok; false at the end. */
static bool
s_token(const char **at, char *tok, size_t len)
{
    const char *p = *at;
    size_t n = 0;
    while (s_blank(*p))
        p++;
    if (*p == '\0')
        return false;
    while (*p != '\0' && !s_blank(*p)) {
        if (n + 1 < len)
            tok[n++] = *p;
        p++;
    }
    tok[n] = '\0';
    *at = p;
    return true;
}

/* OP and VALUE of a rule. NULL, or what is wrong. */
static const char *
s_op_value(s_rule_t *r, const char *op, const char *value)
{
    if (strcmp(op, ">=") == 0 || strcmp(op, "<=") == 0) {
        r->op = op[0] == '>' ? S_OP_GE : S_OP_LE;
        return s_number(value, &r->num)
                   ? NULL
                   : "VALUE must be a whole number 0..1000000000";
    }
    if (strcmp(op, "=") == 0) {
        r->op = S_OP_EQ;
        r->eq_bool = strcmp(value, "true") == 0 || strcmp(value, "false") == 0;
        r->flag = strcmp(value, "true") == 0;
        return r->eq_bool || s_number(value, &r->num)
                   ? NULL
                   : "VALUE must be true, false or a whole number";
    }
    if (strcmp(op, "has") == 0) {
        r->op = S_OP_HAS;
        return s_list(value, r->items, &r->nitems)
                   ? NULL
                   : "VALUE must be names (a-z 0-9 _) joined by ','";
    }
    return "OP must be >=, <=, = or has";
}

/* The optional `when FIELD in A,B` clause and the quoted text of a rule
 * line, from *at on. NULL, or what is wrong. */
static const char *
s_tail(s_rule_t *r, const char *at)
{
    char tok[S_LINE_MAX + 1];
    while (s_blank(*at))
        at++;
    if (strncmp(at, "when", 4) == 0 && s_blank(at[4])) {
        at += 4;
        if (!s_token(&at, tok, sizeof tok) || !s_path(tok))
            return "when: FIELD must be a path of names (a-z 0-9 _) "
                   "joined by '.'";
        if ((r->when_field = strdup(tok)) == NULL)
            return "out of memory";
        if (!s_token(&at, tok, sizeof tok) || strcmp(tok, "in") != 0)
            return "when: expected \"when FIELD in NAME,NAME\"";
        if (!s_token(&at, tok, sizeof tok) || !s_list(tok, r->when, &r->nwhen))
            return "when: the names must be a-z 0-9 _ joined by ','";
        while (s_blank(*at))
            at++;
    }
    size_t n = strlen(at);
    while (n > 0 && s_blank(at[n - 1]))
        n--;
    if (n < 3 || at[0] != '"' || at[n - 1] != '"')
        return "TEXT must be given in double quotes, last on the line";
    if (n - 2 > S_TEXT_MAX || memchr(at + 1, '"', n - 2) != NULL)
        return "TEXT must be 1..300 bytes without a double quote inside";
    if ((r->text = strndup(at + 1, n - 2)) == NULL)
        return "out of memory";
    return NULL;
}

/* A rule line after "rule". NULL, or what is wrong (rule id in *id). */
static const char *
s_rule_line(dom_ruleset_t *rs, const char *at, char id[S_ID_MAX + 8])
{
    char tok[S_LINE_MAX + 1], field[S_LINE_MAX + 1], op[8];
    s_rule_t *r = &rs->rules[rs->n];
    snprintf(id, S_ID_MAX + 8, "?");
    if (!s_token(&at, tok, sizeof tok) || !s_word(tok, S_ID_MAX, NULL))
        return "ID must be 1..40 of a-z 0-9 _";
    snprintf(id, S_ID_MAX + 8, "%.40s", tok);
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->rules[i].id, tok) == 0)
            return "this ID is used twice";
    if (rs->n == DOM_RULES_MAX)
        return "too many rules (at most 100)";
    memset(r, 0, sizeof *r);
    if ((r->id = strdup(tok)) == NULL)
        return "out of memory";
    rs->n++; /* from here on r is freed with the set */
    if (!s_token(&at, field, sizeof field) || !s_path(field))
        return "FIELD must be a path of names (a-z 0-9 _) joined by '.'";
    if ((r->field = strdup(field)) == NULL)
        return "out of memory";
    if (!s_token(&at, op, sizeof op) || !s_token(&at, tok, sizeof tok))
        return "expected ID FIELD OP VALUE \"TEXT\"";
    const char *bad = s_op_value(r, op, tok);
    return bad != NULL ? bad : s_tail(r, at);
}

/* A header line: "ruleset NAME", "title TEXT" or "source TEXT". */
static const char *
s_header(dom_ruleset_t *rs, const char *key, const char *rest)
{
    char **slot = strcmp(key, "ruleset") == 0 ? &rs->name
                  : strcmp(key, "title") == 0 ? &rs->title
                                              : &rs->source;
    while (s_blank(*rest))
        rest++;
    size_t n = strlen(rest);
    while (n > 0 && s_blank(rest[n - 1]))
        n--;
    if (*slot != NULL)
        return "given twice";
    if (rs->n > 0)
        return "must come before the first rule";
    if (n == 0 || n > S_TEXT_MAX)
        return "needs a value of 1..300 bytes";
    if ((*slot = strndup(rest, n)) == NULL)
        return "out of memory";
    if (slot == &rs->name && !s_word(*slot, S_ID_MAX, ".-"))
        return "NAME must be 1..40 of a-z 0-9 _ . -";
    return NULL;
}

/* One line (NUL-terminated, no newline); false with the error in why. */
static bool
s_line(dom_ruleset_t *rs, const char *line, const char *name, int no, char *why,
       size_t whylen)
{
    char key[16], id[S_ID_MAX + 8];
    const char *at = line, *bad = NULL;
    while (s_blank(*at))
        at++;
    if (*at == '\0' || *at == '#')
        return true;
    if (!s_token(&at, key, sizeof key)) {
        bad = "expected a line";
    } else if (strcmp(key, "rule") == 0) {
        if ((bad = s_rule_line(rs, at, id)) != NULL) {
            s_say(why, whylen, "%s:%d: rule \"%s\": %s", name, no, id, bad);
            return false;
        }
        return true;
    } else if (strcmp(key, "ruleset") == 0 || strcmp(key, "title") == 0 ||
               strcmp(key, "source") == 0) {
        if ((bad = s_header(rs, key, at)) == NULL)
            return true;
        s_say(why, whylen, "%s:%d: %s: %s", name, no, key, bad);
        return false;
    } else {
        bad = "expected ruleset, title, source or rule";
    }
    s_say(why, whylen, "%s:%d: %s", name, no, bad);
    return false;
}

/* Every line of text; false (why written) at the first bad one. */
static bool
s_lines(dom_ruleset_t *rs, const char *text, size_t len, const char *name,
        char *why, size_t whylen)
{
    char line[S_LINE_MAX + 2];
    size_t at = 0;
    for (int no = 1; at < len; no++) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t) (nl - (text + at)) : len - at;
        if (n > 0 && text[at + n - 1] == '\r')
            n--;
        if (n > S_LINE_MAX || memchr(text + at, '\0', n) != NULL) {
            s_say(why, whylen, "%s:%d: %s", name, no,
                  n > S_LINE_MAX ? "line longer than 1000 bytes"
                                 : "NUL byte in the line");
            return false;
        }
        memcpy(line, text + at, n);
        line[n] = '\0';
        if (!s_line(rs, line, name, no, why, whylen))
            return false;
        at += (nl ? (size_t) (nl - (text + at)) + 1 : len - at);
    }
    return true;
}

dom_ruleset_t *
dom_ruleset_parse(const char *text, size_t len, const char *name, char *why,
                  size_t whylen)
{
    name = name != NULL ? name : "rules";
    if (text == NULL || len > DOM_RULES_MAX_BYTES) {
        s_say(why, whylen, "%s: %s", name,
              text == NULL ? "no text" : "larger than 256 KiB");
        return NULL;
    }
    dom_ruleset_t *rs = calloc(1, sizeof *rs);
    if (rs == NULL) {
        s_say(why, whylen, "%s: out of memory", name);
        return NULL;
    }
    if (!s_lines(rs, text, len, name, why, whylen))
        goto bad;
    if (rs->name == NULL || rs->title == NULL || rs->n == 0) {
        s_say(why, whylen, "%s: %s", name,
              rs->name == NULL    ? "no \"ruleset NAME\" line"
              : rs->title == NULL ? "no \"title TEXT\" line"
                                  : "no rule");
        goto bad;
    }
    return rs;
bad:
    dom_ruleset_destroy(&rs);
    return NULL;
}

const char *
dom_ruleset_name(const dom_ruleset_t *rs)
{
    return rs->name;
}

const char *
dom_ruleset_title(const dom_ruleset_t *rs)
{
    return rs->title;
}

const char *
dom_ruleset_source(const dom_ruleset_t *rs)
{
    return rs->source != NULL ? rs->source : "";
}

size_t
dom_ruleset_count(const dom_ruleset_t *rs)
{
    return rs->n;
}

const char *
dom_ruleset_rule_id(const dom_ruleset_t *rs, size_t i)
{
    return i < rs->n ? rs->rules[i].id : NULL;
}

const char *
dom_ruleset_rule_text(const dom_ruleset_t *rs, size_t i)
{
    return i < rs->n ? rs->rules[i].text : NULL;
}

const char *
dom_rule_status_name(dom_rule_status_t status)
{
    switch (status) {
    case DOM_RULE_MET:
        return "met";
    case DOM_RULE_NOT_MET:
        return "not met";
    case DOM_RULE_NOT_APPLICABLE:
        return "not applicable";
    }
    return NULL;
}

/* --- checking ------------------------------------------------------------ */

/* The value at a dotted path, or NULL. */
static json_t *
s_lookup(json_t *root, const char *path)
{
    char buf[S_PATH_MAX + 1], *save = NULL;
    snprintf(buf, sizeof buf, "%s", path);
    json_t *at = root;
    for (char *t = strtok_r(buf, ".", &save); t != NULL && at != NULL;
         t = strtok_r(NULL, ".", &save))
        at = json_is_object(at) ? json_object_get(at, t) : NULL;
    return at;
}

static const char *
s_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "a whole number";
    case JSON_REAL:
        return "a number with a fraction";
    case JSON_TRUE:
    case JSON_FALSE:
        return "true or false";
    case JSON_NULL:
        return "null";
    }
    return "?";
}

/* Joins names with ", " into buf. */
static void
s_join(char *const *names, size_t n, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && at < len; i++)
        at += (size_t) snprintf(buf + at, len - at, "%s%s", i ? ", " : "",
                                names[i]);
}

/* The `when` clause: true when the rule applies (reason set otherwise). */
static bool
s_applies(const s_rule_t *r, json_t *app, dom_rule_result_t *res)
{
    char names[S_LINE_MAX];
    if (r->when_field == NULL)
        return true;
    json_t *v = s_lookup(app, r->when_field);
    if (!json_is_string(v))
        return true; /* not given: the rule applies, to be safe */
    for (size_t i = 0; i < r->nwhen; i++)
        if (strcmp(json_string_value(v), r->when[i]) == 0)
            return true;
    s_join(r->when, r->nwhen, names, sizeof names);
    res->status = DOM_RULE_NOT_APPLICABLE;
    snprintf(res->reason, sizeof res->reason,
             "applies only when %.50s is one of %.100s (it is %.40s)",
             r->when_field, names, json_string_value(v));
    return false;
}

static void
s_check_has(const s_rule_t *r, json_t *v, dom_rule_result_t *res)
{
    char *lacking[S_ITEMS_MAX], names[S_LINE_MAX];
    size_t nlacking = 0;
    for (size_t i = 0; i < r->nitems; i++) {
        bool found = false;
        size_t k;
        json_t *item;
        json_array_foreach(v, k, item)
        {
            if (json_is_string(item) &&
                strcmp(json_string_value(item), r->items[i]) == 0)
                found = true;
        }
        if (!found)
            lacking[nlacking++] = r->items[i];
    }
    if (nlacking == 0) {
        s_join(r->items, r->nitems, names, sizeof names);
        res->status = DOM_RULE_MET;
        snprintf(res->reason, sizeof res->reason, "%.60s has %.170s", r->field,
                 names);
    } else {
        s_join(lacking, nlacking, names, sizeof names);
        res->status = DOM_RULE_NOT_MET;
        snprintf(res->reason, sizeof res->reason, "%.60s lacks %.170s",
                 r->field, names);
    }
}

static void
s_check_number(const s_rule_t *r, json_t *v, dom_rule_result_t *res)
{
    long long got = (long long) json_integer_value(v);
    const char *op = r->op == S_OP_GE ? ">=" : r->op == S_OP_LE ? "<=" : "=";
    bool ok = r->op == S_OP_GE   ? got >= r->num
              : r->op == S_OP_LE ? got <= r->num
                                 : got == r->num;
    res->status = ok ? DOM_RULE_MET : DOM_RULE_NOT_MET;
    if (ok)
        snprintf(res->reason, sizeof res->reason, "%s is %lld (%s %lld)",
                 r->field, got, op, r->num);
    else
        snprintf(res->reason, sizeof res->reason, "%s is %lld, needs %s %lld",
                 r->field, got, op, r->num);
}

/* One rule against the application. */
static void
s_check_rule(const s_rule_t *r, json_t *app, dom_rule_result_t *res)
{
    memset(res, 0, sizeof *res);
    if (!s_applies(r, app, res))
        return;
    json_t *v = s_lookup(app, r->field);
    const char *want = r->op == S_OP_HAS                ? "an array of names"
                       : r->op == S_OP_EQ && r->eq_bool ? "true or false"
                                                        : "a whole number";
    bool typed = r->op == S_OP_HAS                ? json_is_array(v)
                 : r->op == S_OP_EQ && r->eq_bool ? json_is_boolean(v)
                                                  : json_is_integer(v);
    res->status = DOM_RULE_NOT_MET;
    if (v == NULL || json_is_null(v)) {
        snprintf(res->reason, sizeof res->reason, "%s is not given", r->field);
    } else if (!typed) {
        snprintf(res->reason, sizeof res->reason, "%s must be %s, not %s",
                 r->field, want, s_type_name(v));
    } else if (r->op == S_OP_HAS) {
        s_check_has(r, v, res);
    } else if (r->op == S_OP_EQ && r->eq_bool) {
        bool got = json_is_true(v);
        res->status = got == r->flag ? DOM_RULE_MET : DOM_RULE_NOT_MET;
        snprintf(res->reason, sizeof res->reason,
                 got == r->flag ? "%s is %s" : "%s is %s, needs %s", r->field,
                 got ? "true" : "false", r->flag ? "true" : "false");
    } else {
        s_check_number(r, v, res);
    }
}

int
dom_ruleset_check(const dom_ruleset_t *rs, const char *json, size_t len,
                  const char *name, dom_rule_result_t *out, size_t nout,
                  size_t *unmet, char *why, size_t whylen)
{
    json_error_t jerr;
    name = name != NULL ? name : "application";
    if (rs == NULL || json == NULL || out == NULL || nout < rs->n ||
        len > DOM_APPLICATION_MAX) {
        s_say(why, whylen, "%s: %s", name,
              len > DOM_APPLICATION_MAX ? "larger than 1 MiB"
                                        : "nothing to check it with");
        return CMN_EINVAL;
    }
    json_t *app = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (app == NULL || !json_is_object(app)) {
        if (app == NULL)
            s_say(why, whylen, "%s:%d:%d: %s", name, jerr.line, jerr.column,
                  jerr.text);
        else
            s_say(why, whylen, "%s: must be a JSON object", name);
        json_decref(app);
        return CMN_EINVAL;
    }
    size_t bad = 0;
    for (size_t i = 0; i < rs->n; i++) {
        s_check_rule(&rs->rules[i], app, &out[i]);
        bad += out[i].status == DOM_RULE_NOT_MET;
    }
    if (unmet != NULL)
        *unmet = bad;
    json_decref(app);
    return 0;
}

/* roster.c - the experts file: strict reading, and its idempotent upsert. */
#include "pnl/roster.h"
#include "dom/date.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_TEXT_MAX  200  /* bytes in a name or employer */
#define S_CODE_MAX  64   /* bytes in a credit code */
#define S_ITEMS_MAX 1000 /* entries in one list */
#define S_ID_MAX    ((json_int_t) 1 << 53)

struct pnl_roster {
    json_t *experts; /* normalised: every key present */
    size_t count;
};

typedef struct {
    const char *path;
    char *err;
    size_t errlen;
} s_ctx_t;

static int s_fail(const s_ctx_t *x, const char *field, const char *fmt, ...)
    CMN_PRINTF(3, 4);

static int
s_fail(const s_ctx_t *x, const char *field, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (x->err != NULL && x->errlen > 0)
        snprintf(x->err, x->errlen, "experts file \"%s\": %s: %s", x->path,
                 field, msg);
    return CMN_ECONFIG;
}

static bool
s_blank(const char *s)
{
    for (; *s != '\0'; s++)
        if (*s != ' ' && *s != '\t')
            return false;
    return true;
}

/* A string field: NULL (with err) unless it is text of at most max bytes,
 * without control characters, and (when required) not blank. */
static const char *
s_text(const s_ctx_t *x, const json_t *v, const char *field, size_t max,
       bool required, int *rc)
{
    if (!json_is_string(v)) {
        *rc = s_fail(x, field, "must be a string");
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > max) {
        *rc = s_fail(x, field, "longer than %zu bytes", max);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) {
            *rc = s_fail(x, field, "must not contain control characters");
            return NULL;
        }
    if (required && s_blank(s)) {
        *rc = s_fail(x, field, "must not be blank");
        return NULL;
    }
    return s;
}

/* A list of strings (dates when dates is set) into a new array in *out. */
static int
s_list(const s_ctx_t *x, const json_t *v, const char *field, size_t max,
       bool dates, json_t **out)
{
    char f[96];
    int rc = 0;
    *out = NULL;
    if (v == NULL) {
        *out = json_array();
        return *out ? 0 : CMN_ENOMEM;
    }
    if (!json_is_array(v))
        return s_fail(x, field, "must be a list of %s",
                      dates ? "dates YYYY-MM-DD" : "strings");
    if (json_array_size(v) > S_ITEMS_MAX)
        return s_fail(x, field, "more than %d entries", S_ITEMS_MAX);
    if ((*out = json_array()) == NULL)
        return CMN_ENOMEM;
    for (size_t i = 0; i < json_array_size(v); i++) {
        snprintf(f, sizeof f, "%s[%zu]", field, i);
        const char *s = s_text(x, json_array_get(v, i), f, max, true, &rc);
        dom_date_t d;
        if (s != NULL && dates && dom_date_parse(s, &d) != 0)
            rc = s_fail(x, f, "\"%s\" is not a date YYYY-MM-DD", s);
        if (s == NULL || rc != 0 ||
            json_array_append_new(*out, json_string(s)) != 0) {
            json_decref(*out);
            *out = NULL;
            return rc != 0 ? rc : CMN_ENOMEM;
        }
    }
    return 0;
}

static const char *const s_keys[] = {
    "id",          "name",      "employer",    "employer_code",
    "specialties", "conflicts", "unavailable", "last_sat",
    NULL};

static int
s_keys_known(const s_ctx_t *x, json_t *e, const char *at)
{
    const char *key;
    json_t *v;
    json_object_foreach(e, key, v)
    {
        bool known = false;
        for (size_t k = 0; s_keys[k] != NULL && !known; k++)
            known = strcmp(key, s_keys[k]) == 0;
        if (!known)
            return s_fail(x, at, "unknown field \"%.40s\"", key);
    }
    return 0;
}

static int
s_id(const s_ctx_t *x, json_t *e, const char *at, json_int_t *id)
{
    char f[64];
    json_t *v = json_object_get(e, "id");
    snprintf(f, sizeof f, "%s.id", at);
    if (!json_is_integer(v))
        return s_fail(x, f, "is required and must be a whole number");
    *id = json_integer_value(v);
    if (*id < 1 || *id > S_ID_MAX)
        return s_fail(x, f, "must be from 1 to 2^53, not %" JSON_INTEGER_FORMAT,
                      *id);
    return 0;
}

/* An optional string (default ""). */
static int
s_opt_text(const s_ctx_t *x, json_t *e, const char *at, const char *key,
           size_t max, json_t *out)
{
    char f[64];
    int rc = 0;
    json_t *v = json_object_get(e, key);
    snprintf(f, sizeof f, "%s.%s", at, key);
    const char *s = v == NULL ? "" : s_text(x, v, f, max, false, &rc);
    if (s == NULL)
        return rc;
    return json_object_set_new(out, key, json_string(s)) == 0 ? 0 : CMN_ENOMEM;
}

static int
s_last_sat(const s_ctx_t *x, json_t *e, const char *at, json_t *out)
{
    char f[64];
    int rc = 0;
    dom_date_t d;
    json_t *v = json_object_get(e, "last_sat");
    snprintf(f, sizeof f, "%s.last_sat", at);
    if (v == NULL || json_is_null(v))
        return json_object_set_new(out, "last_sat", json_null()) ? CMN_ENOMEM
                                                                 : 0;
    const char *s = s_text(x, v, f, 10, true, &rc);
    if (s == NULL)
        return rc;
    if (dom_date_parse(s, &d) != 0)
        return s_fail(x, f, "\"%s\" is not a date YYYY-MM-DD (or null)", s);
    return json_object_set_new(out, "last_sat", json_string(s)) ? CMN_ENOMEM
                                                                : 0;
}

/* Checks experts[i] and appends its normalised form to list. */
static int
s_expert(const s_ctx_t *x, json_t *e, size_t i, json_t *list, json_int_t *id)
{
    static const char *const lists[] = {"specialties", "conflicts",
                                        "unavailable"};
    char at[32], f[64];
    int rc = 0;
    snprintf(at, sizeof at, "experts[%zu]", i);
    if (!json_is_object(e))
        return s_fail(x, at, "must be an object");
    if ((rc = s_keys_known(x, e, at)) != 0 || (rc = s_id(x, e, at, id)) != 0)
        return rc;
    snprintf(f, sizeof f, "%s.name", at);
    json_t *name = json_object_get(e, "name");
    if (name == NULL)
        return s_fail(x, f, "is required");
    const char *s = s_text(x, name, f, S_TEXT_MAX, true, &rc);
    if (s == NULL)
        return rc;
    json_t *out = json_pack("{sIss}", "id", *id, "name", s);
    if (out == NULL)
        return CMN_ENOMEM;
    rc = s_opt_text(x, e, at, "employer", S_TEXT_MAX, out);
    if (rc == 0)
        rc = s_opt_text(x, e, at, "employer_code", S_CODE_MAX, out);
    for (size_t k = 0; rc == 0 && k < 3; k++) {
        json_t *l = NULL;
        snprintf(f, sizeof f, "%s.%s", at, lists[k]);
        rc = s_list(x, json_object_get(e, lists[k]), f,
                    k == 0 ? S_TEXT_MAX : S_CODE_MAX, k == 2, &l);
        if (rc == 0 && json_object_set_new(out, lists[k], l) != 0)
            rc = CMN_ENOMEM;
    }
    if (rc == 0)
        rc = s_last_sat(x, e, at, out);
    if (rc == 0 && json_array_append_new(list, out) != 0)
        return CMN_ENOMEM;
    if (rc != 0)
        json_decref(out);
    return rc;
}

typedef struct {
    json_int_t id;
    size_t at;
} s_idx_t;

static int
s_idx_cmp(const void *a, const void *b)
{
    const s_idx_t *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static int
s_experts(const s_ctx_t *x, json_t *arr, json_t *out)
{
    size_t n = json_array_size(arr);
    int rc = 0;
    if (n == 0)
        return s_fail(x, "experts", "must list at least one expert");
    if (n > PNL_ROSTER_MAX)
        return s_fail(x, "experts", "more than %d experts", PNL_ROSTER_MAX);
    s_idx_t *ids = calloc(n, sizeof *ids);
    if (ids == NULL)
        return CMN_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        ids[i].at = i;
        rc = s_expert(x, json_array_get(arr, i), i, out, &ids[i].id);
    }
    if (rc == 0)
        qsort(ids, n, sizeof *ids, s_idx_cmp);
    for (size_t i = 1; rc == 0 && i < n; i++) {
        if (ids[i].id != ids[i - 1].id)
            continue;
        char f[48];
        size_t a = ids[i - 1].at < ids[i].at ? ids[i - 1].at : ids[i].at;
        size_t b = ids[i - 1].at < ids[i].at ? ids[i].at : ids[i - 1].at;
        snprintf(f, sizeof f, "experts[%zu].id", b);
        rc = s_fail(x, f, "%" JSON_INTEGER_FORMAT " is also experts[%zu].id",
                    ids[i].id, a);
    }
    free(ids);
    return rc;
}

static int
s_root(const s_ctx_t *x, json_t *root, json_t *out)
{
    const char *key;
    json_t *v;
    int rc = 0;
    if (!json_is_object(root))
        return s_fail(x, "(top level)", "must be an object with \"experts\"");
    json_object_foreach(root, key, v)
    {
        if (strcmp(key, "experts") == 0)
            continue;
        if (strcmp(key, "description") != 0)
            return s_fail(x, "(top level)", "unknown field \"%.40s\"", key);
        if (s_text(x, v, "description", 4000, false, &rc) == NULL)
            return rc;
    }
    json_t *arr = json_object_get(root, "experts");
    if (!json_is_array(arr))
        return s_fail(x, "experts", "is required and must be a list");
    return s_experts(x, arr, out);
}

pnl_roster_t *
pnl_roster_load(const char *path, char *err, size_t errlen)
{
    s_ctx_t x = {.path = path, .err = err, .errlen = errlen};
    json_error_t jerr;
    pnl_roster_t *self = calloc(1, sizeof *self);
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (self == NULL || (self->experts = json_array()) == NULL) {
        snprintf(err, errlen, "experts file \"%s\": out of memory", path);
        goto fail;
    }
    if (root == NULL) {
        if (jerr.line > 0)
            snprintf(err, errlen, "experts file \"%s\": line %d column %d: %s",
                     path, jerr.line, jerr.column, jerr.text);
        else
            snprintf(err, errlen, "experts file \"%s\": %s", path, jerr.text);
        goto fail;
    }
    if (s_root(&x, root, self->experts) != 0)
        goto fail;
    self->count = json_array_size(self->experts);
    json_decref(root);
    return self;
fail:
    json_decref(root);
    pnl_roster_destroy(&self);
    return NULL;
}

size_t
pnl_roster_count(const pnl_roster_t *self)
{
    return self->count;
}

void
pnl_roster_destroy(pnl_roster_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    json_decref((*self_p)->experts);
    free(*self_p);
    *self_p = NULL;
}

/* Appends the ids in column 0 of r to ids. */
static void
s_collect(const PGresult *r, int *changed, char *ids, size_t idslen)
{
    for (int i = 0; i < PQntuples(r); i++, (*changed)++) {
        size_t at = ids ? strlen(ids) : 0;
        if (ids != NULL && at + 1 < idslen)
            snprintf(ids + at, idslen - at, "%s%s", at ? "," : "",
                     PQgetvalue(r, i, 0));
    }
}

int
pnl_roster_store(const pnl_roster_t *self, PGconn *c, int *changed, char *ids,
                 size_t idslen)
{
    char *doc = json_dumps(self->experts, JSON_COMPACT);
    const char *p[1] = {doc};
    int err;
    *changed = 0;
    if (ids != NULL && idslen > 0)
        ids[0] = '\0';
    if (doc == NULL)
        return CMN_ENOMEM;
    PGresult *r = cmn_pg_exec(
        c,
        "WITH src AS (SELECT (e->>'id')::bigint AS id, e->>'name' AS name, "
        "e->>'employer' AS employer, e->>'employer_code' AS employer_code, "
        "ARRAY(SELECT json_array_elements_text(e->'specialties')) AS "
        "specialties, ARRAY(SELECT json_array_elements_text(e->'conflicts')) "
        "AS conflicts, ARRAY(SELECT DISTINCT d::date FROM "
        "json_array_elements_text(e->'unavailable') d ORDER BY 1) AS "
        "unavailable, (e->>'last_sat')::date AS last_sat FROM "
        "json_array_elements($1::json) e) "
        "INSERT INTO experts AS t (id, name, employer, employer_code, "
        "specialties, conflicts, unavailable, last_sat) SELECT * FROM src "
        "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, employer = "
        "EXCLUDED.employer, employer_code = EXCLUDED.employer_code, "
        "specialties = EXCLUDED.specialties, conflicts = EXCLUDED.conflicts, "
        "unavailable = EXCLUDED.unavailable, last_sat = "
        "GREATEST(t.last_sat, EXCLUDED.last_sat), active = true, updated_at "
        "= now() WHERE (t.name, t.employer, t.employer_code, t.specialties, "
        "t.conflicts, t.unavailable, t.active) IS DISTINCT FROM "
        "(EXCLUDED.name, EXCLUDED.employer, EXCLUDED.employer_code, "
        "EXCLUDED.specialties, EXCLUDED.conflicts, EXCLUDED.unavailable, "
        "true) OR EXCLUDED.last_sat > coalesce(t.last_sat, '-infinity') "
        "RETURNING id",
        1, p, &err);
    if (r != NULL) {
        s_collect(r, changed, ids, idslen);
        PQclear(r);
        r = cmn_pg_exec(c,
                        "UPDATE experts SET active = false, updated_at = "
                        "now() WHERE active AND id NOT IN (SELECT "
                        "(e->>'id')::bigint FROM json_array_elements($1::json)"
                        " e) RETURNING id",
                        1, p, &err);
    }
    if (r != NULL) {
        s_collect(r, changed, ids, idslen);
        PQclear(r);
    }
    free(doc);
    return err;
}

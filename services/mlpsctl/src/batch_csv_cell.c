/* batch_csv_cell.c - the CSV batch layout (docs/batch-format.md): every
 * field of a Filing a column, one contact, the materials in one column;
 * and one cell turned into its place in the filing's JSON (strings checked
 * for UTF-8, booleans, integers, "KIND:NAME:SHA256;..." materials). */
#include "batch_csv.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

typedef enum { S_STR, S_BOOL, S_INT, S_MATERIALS } s_kind_t;

/* The layout: every field of a Filing, one contact, the materials in one
 * column. json_test.c checks it against the proto's descriptors. */
static const struct {
    const char *name;
    s_kind_t kind;
} s_layout[] = {
    {"unit.name", S_STR},
    {"unit.credit_code", S_STR},
    {"unit.region_code", S_STR},
    {"unit.sector", S_STR},
    {"unit.unit_type", S_STR},
    {"unit.department", S_STR},
    {"unit.contacts[0].name", S_STR},
    {"unit.contacts[0].role", S_STR},
    {"unit.contacts[0].phone", S_STR},
    {"unit.contacts[0].email", S_STR},
    {"unit.has_supervisor", S_BOOL},
    {"unit.supervisor_name", S_STR},
    {"system.name", S_STR},
    {"system.system_type", S_STR},
    {"system.technology", S_STR},
    {"system.business", S_STR},
    {"system.service_scope", S_STR},
    {"system.go_live_date", S_STR},
    {"system.interconnection", S_STR},
    {"grading.business.object", S_STR},
    {"grading.business.degree", S_STR},
    {"grading.business.proposed_level", S_INT},
    {"grading.service.object", S_STR},
    {"grading.service.degree", S_STR},
    {"grading.service.proposed_level", S_INT},
    {"grading.final_level", S_INT},
    {"grading.graded_on", S_STR},
    {"materials", S_MATERIALS},
};

_Static_assert(sizeof s_layout / sizeof s_layout[0] == CTL__CSV_NLAYOUT,
               "CTL__CSV_NLAYOUT counts the layout");

const char *
ctl__csv_layout(size_t i)
{
    return i < CTL__CSV_NLAYOUT ? s_layout[i].name : NULL;
}

int
ctl__csv_layout_find(const char *name)
{
    for (size_t k = 0; k < CTL__CSV_NLAYOUT; k++)
        if (strcmp(s_layout[k].name, name) == 0)
            return (int) k;
    return -1;
}

/* A JSON string of text[0..len) into *out; NULL and an error when it is
 * not UTF-8 (jansson checks). CMN_ENOMEM. */
static int
s_string(const char *text, size_t len, const char *field, json_t **out,
         cmn_problem_t *errs)
{
    *out = json_stringn(text, len);
    if (*out != NULL)
        return 0;
    json_t *raw = json_stringn_nocheck(text, len);
    if (raw == NULL)
        return CMN_ENOMEM;
    json_decref(raw);
    cmn_problem_add(errs, field, "is not valid UTF-8");
    return 0;
}

/* Sets the value at path ("unit.contacts[0].name") in root, making the
 * objects (and the one-item array) on the way. Steals v. */
static int
s_put(json_t *root, const char *path, json_t *v)
{
    json_t *cur = root;
    char key[64];
    for (;;) {
        const char *dot = strchr(path, '.');
        size_t n = dot != NULL ? (size_t) (dot - path) : strlen(path);
        snprintf(key, sizeof key, "%.*s", (int) n, path);
        if (dot == NULL)
            return json_object_set_new(cur, key, v) == 0 ? 0 : CMN_ENOMEM;
        char *bracket = strchr(key, '['); /* "contacts[0]" */
        if (bracket != NULL)
            *bracket = '\0';
        json_t *next = json_object_get(cur, key);
        if (next == NULL) {
            next = bracket != NULL ? json_array() : json_object();
            if (json_object_set_new(cur, key, next) != 0)
                goto oom;
            if (bracket != NULL && json_array_append_new(next, json_object()))
                goto oom;
        }
        cur = bracket != NULL ? json_array_get(next, 0) : next;
        path = dot + 1;
    }
oom:
    json_decref(v);
    return CMN_ENOMEM;
}

/* One material, "KIND:NAME:SHA256" (the name may hold colons), spaces
 * around it dropped; NULL and an error when it is not of that form. */
static int
s_material(const char *a, const char *b, const char *field, json_t **out,
           cmn_problem_t *errs)
{
    const char *c1 = NULL, *c2 = NULL;
    json_t *kind = NULL, *name = NULL, *sha = NULL;
    *out = NULL;
    for (; a < b && *a == ' '; a++)
        ;
    for (; b > a && b[-1] == ' '; b--)
        ;
    for (const char *p = a; p < b; p++)
        if (*p == ':')
            c2 = c1 == NULL ? (c1 = p) : p;
    if (c1 == NULL || c1 == c2) {
        cmn_problem_add(errs, field, "expected KIND:NAME:SHA256");
        return 0;
    }
    int rc = s_string(a, (size_t) (c1 - a), field, &kind, errs);
    if (rc == 0)
        rc = s_string(c1 + 1, (size_t) (c2 - c1 - 1), field, &name, errs);
    if (rc == 0)
        rc = s_string(c2 + 1, (size_t) (b - c2 - 1), field, &sha, errs);
    if (rc == 0 && kind != NULL && name != NULL && sha != NULL) {
        *out = json_pack("{sososo}", "kind", kind, "name", name, "sha256", sha);
        return *out != NULL ? 0 : CMN_ENOMEM; /* "o" steals even on failure */
    }
    json_decref(kind);
    json_decref(name);
    json_decref(sha);
    return rc;
}

/* The materials cell: items joined by ';'. */
static int
s_materials(const char *text, size_t len, unsigned col, json_t **out,
            cmn_problem_t *errs)
{
    const char *p = text, *end = text + len;
    char field[64];
    json_t *arr = json_array();
    if (arr == NULL)
        return CMN_ENOMEM;
    for (size_t i = 0;; i++) {
        const char *semi = memchr(p, ';', (size_t) (end - p));
        const char *stop = semi != NULL ? semi : end;
        json_t *item = NULL;
        snprintf(field, sizeof field, "materials[%zu] (column %u)", i, col);
        if (s_material(p, stop, field, &item, errs) != 0 ||
            (item != NULL && json_array_append_new(arr, item) != 0)) {
            json_decref(arr);
            return CMN_ENOMEM;
        }
        if (semi == NULL)
            break;
        p = semi + 1;
    }
    *out = arr;
    return 0;
}

/* A digit string of 1 to 9 digits as a number, else -1. */
static long
s_number(const char *text, size_t len)
{
    long n = 0;
    if (len == 0 || len > 9)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        n = n * 10 + (text[i] - '0');
    }
    return n;
}

int
ctl__csv_cell(size_t k, const char *text, size_t len, size_t col, json_t *root,
              cmn_problem_t *errs)
{
    char field[96];
    json_t *v = NULL;
    int rc = 0;
    snprintf(field, sizeof field, "%s (column %zu)", s_layout[k].name, col);
    if (strlen(text) != len) {
        cmn_problem_add(errs, field, "must not contain a NUL character");
        return 0;
    }
    long n = s_number(text, len);
    switch (s_layout[k].kind) {
    case S_STR:
        rc = s_string(text, len, field, &v, errs);
        break;
    case S_BOOL:
        if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
            if ((v = json_boolean(text[0] == 't')) == NULL)
                rc = CMN_ENOMEM;
        } else {
            cmn_problem_add(errs, field, "expected true or false");
        }
        break;
    case S_INT:
        if (n >= 0 && (v = json_integer(n)) == NULL)
            rc = CMN_ENOMEM;
        else if (n < 0)
            cmn_problem_add(errs, field, "expected an integer");
        break;
    case S_MATERIALS:
        rc = s_materials(text, len, (unsigned) col, &v, errs);
        break;
    }
    if (rc == 0 && v != NULL)
        rc = s_put(root, s_layout[k].name, v);
    return rc;
}

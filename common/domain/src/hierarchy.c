/* hierarchy.c - the office hierarchy: JSON in, checked, indexed by office
 * code and by region code. */
#include "dom/hierarchy.h"
#include "cmn/err.h"
#include "dom/codes.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_QUOTE_MAX 40 /* longest part of input text quoted back in why */
#define S_PATH_MAX  96 /* "districts[N].regions[N]" with room to spare */

/* An office or region code with where it was listed. */
typedef struct {
    const char *code;
    size_t office; /* 0: the municipal office, i + 1: districts[i] */
    size_t index;  /* the position in that office's regions */
} s_key_t;

struct dom_hierarchy {
    json_t *root;          /* owns every string the offices point to */
    dom_office_t *offices; /* [0] the municipal office, [1..] districts */
    size_t noffices;
    const char **regions; /* every office's regions, one after another */
    s_key_t *by_code;     /* the offices, sorted by code */
    s_key_t *by_region;   /* every listed region, sorted by code */
    size_t nregions;
};

/* What messages start with. */
typedef struct {
    const char *name;
    char *why;
    size_t whylen;
} s_ctx_t;

static void s_fail(const s_ctx_t *x, const char *path, const char *fmt, ...)
    CMN_PRINTF(3, 4);

/* Writes "name: path: reason" (or "name: reason") to x->why. */
static void
s_fail(const s_ctx_t *x, const char *path, const char *fmt, ...)
{
    if (x->why == NULL || x->whylen == 0)
        return;
    int n = path != NULL
                ? snprintf(x->why, x->whylen, "%s: %s: ", x->name, path)
                : snprintf(x->why, x->whylen, "%s: ", x->name);
    if (n >= 0 && (size_t) n < x->whylen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(x->why + n, x->whylen - (size_t) n, fmt, ap);
        va_end(ap);
    }
}

/* Up to S_QUOTE_MAX bytes of s for a message, anything but printable ASCII
 * shown as '?'. */
static const char *
s_quote(const char *s, char out[S_QUOTE_MAX + 1])
{
    size_t i = 0;
    for (; i < S_QUOTE_MAX && s[i] != '\0'; i++) {
        unsigned char c = (unsigned char) s[i];
        out[i] = c >= 0x20 && c < 0x7F ? (char) c : '?';
    }
    out[i] = '\0';
    return out;
}

/* The path of office o (0: municipal) with suffix, into buf. */
static const char *
s_path(char *buf, size_t len, size_t o, const char *suffix)
{
    if (o == 0)
        snprintf(buf, len, "municipal%s", suffix);
    else
        snprintf(buf, len, "districts[%zu]%s", o - 1, suffix);
    return buf;
}

static bool
s_six_digits(const char *s)
{
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    return i == 6 && s[i] == '\0';
}

/* True if name is a good office name; else says why at path. */
static bool
s_name_ok(const s_ctx_t *x, const char *path, const char *name)
{
    size_t chars = 0;
    const unsigned char *p = (const unsigned char *) name;
    for (; *p != '\0'; p++) {
        bool c1 = p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F; /* U+0080.. */
        if (*p < 0x20 || *p == 0x7F || c1) {
            s_fail(x, path, "must not contain control characters");
            return false;
        }
        chars += (*p & 0xC0) != 0x80; /* jansson checked the UTF-8 */
    }
    if (chars == 0)
        s_fail(x, path, "is required");
    else if (chars > DOM_HIERARCHY_NAME_MAX)
        s_fail(x, path, "is longer than %d characters", DOM_HIERARCHY_NAME_MAX);
    return chars > 0 && chars <= DOM_HIERARCHY_NAME_MAX;
}

/* The string member key of obj, or NULL (and why) if it is missing or not
 * a string. */
static const char *
s_string(const s_ctx_t *x, const json_t *obj, size_t o, const char *key)
{
    char path[S_PATH_MAX], suffix[16];
    snprintf(suffix, sizeof suffix, ".%s", key);
    s_path(path, sizeof path, o, suffix);
    const json_t *v = json_object_get(obj, key);
    if (v == NULL)
        s_fail(x, path, "is required");
    else if (!json_is_string(v))
        s_fail(x, path, "must be a string");
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* True if every key of obj is one of the NULL-terminated keys; else says
 * which is not at path. */
static bool
s_keys_ok(const s_ctx_t *x, const char *path, json_t *obj,
          const char *const *keys, const char *expected)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        size_t i = 0;
        while (keys[i] != NULL && strcmp(keys[i], key) != 0)
            i++;
        if (keys[i] == NULL) {
            char q[S_QUOTE_MAX + 1];
            s_fail(x, path, "unknown key \"%s\" (expected %s)", s_quote(key, q),
                   expected);
            return false;
        }
    }
    return true;
}

/* Checks the regions array v of office o; adds its length to *nregions. */
static bool
s_check_regions(const s_ctx_t *x, const json_t *v, size_t o, size_t *nregions)
{
    char path[S_PATH_MAX], q[S_QUOTE_MAX + 1];
    s_path(path, sizeof path, o, ".regions");
    if (v == NULL) {
        s_fail(x, path, "is required");
        return false;
    }
    if (!json_is_array(v)) {
        s_fail(x, path, "must be an array of region codes");
        return false;
    }
    if (o > 0 && json_array_size(v) == 0) {
        s_fail(x, path, "a district office needs at least one region");
        return false;
    }
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *r = json_array_get(v, i);
        char suffix[40];
        snprintf(suffix, sizeof suffix, ".regions[%zu]", i);
        s_path(path, sizeof path, o, suffix);
        if (!json_is_string(r)) {
            s_fail(x, path, "must be a string");
            return false;
        }
        if (!dom_region_code_valid(json_string_value(r))) {
            s_fail(x, path, "\"%s\" is not a GB/T 2260 division code",
                   s_quote(json_string_value(r), q));
            return false;
        }
    }
    *nregions += json_array_size(v);
    return true;
}

/* Checks office o (0: municipal, i + 1: districts[i]) and adds its number
 * of regions to *nregions. */
static bool
s_check_office(const s_ctx_t *x, json_t *obj, size_t o, size_t *nregions)
{
    static const char *const keys[] = {"code", "name", "regions", NULL};
    char path[S_PATH_MAX], q[S_QUOTE_MAX + 1];
    s_path(path, sizeof path, o, "");
    if (!json_is_object(obj)) {
        s_fail(x, path, "must be an object");
        return false;
    }
    if (!s_keys_ok(x, path, obj, keys, "code, name or regions"))
        return false;
    const char *code = s_string(x, obj, o, "code");
    if (code == NULL)
        return false;
    if (!s_six_digits(code)) {
        s_fail(x, s_path(path, sizeof path, o, ".code"),
               "\"%s\" is not a 6-digit office code", s_quote(code, q));
        return false;
    }
    const char *name = s_string(x, obj, o, "name");
    if (name == NULL ||
        !s_name_ok(x, s_path(path, sizeof path, o, ".name"), name))
        return false;
    return s_check_regions(x, json_object_get(obj, "regions"), o, nregions);
}

/* Checks the whole document; the number of districts and of regions. */
static bool
s_check_root(const s_ctx_t *x, json_t *root, size_t *ndistricts,
             size_t *nregions)
{
    static const char *const keys[] = {"municipal", "districts", NULL};
    if (!json_is_object(root)) {
        s_fail(x, NULL, "must be a JSON object");
        return false;
    }
    if (!s_keys_ok(x, NULL, root, keys, "municipal or districts"))
        return false;
    json_t *municipal = json_object_get(root, "municipal");
    json_t *districts = json_object_get(root, "districts");
    if (municipal == NULL || districts == NULL) {
        s_fail(x, municipal == NULL ? "municipal" : "districts", "is required");
        return false;
    }
    if (!json_is_array(districts)) {
        s_fail(x, "districts", "must be an array of offices");
        return false;
    }
    *nregions = 0;
    if (!s_check_office(x, municipal, 0, nregions))
        return false;
    for (size_t i = 0; i < json_array_size(districts); i++) {
        if (!s_check_office(x, json_array_get(districts, i), i + 1, nregions))
            return false;
    }
    *ndistricts = json_array_size(districts);
    return true;
}

/* By code, then by where it was listed: the first listing comes first. */
static int
s_cmp_key(const void *a, const void *b)
{
    const s_key_t *k = a, *l = b;
    int c = strcmp(k->code, l->code);
    if (c != 0)
        return c;
    if (k->office != l->office)
        return k->office < l->office ? -1 : 1;
    return (k->index > l->index) - (k->index < l->index);
}

/* By code alone, for lookups. */
static int
s_cmp_code(const void *a, const void *b)
{
    const s_key_t *k = a, *l = b;
    return strcmp(k->code, l->code);
}

/* Document order of two listings: office, then position. */
static bool
s_before(const s_key_t *k, const s_key_t *l)
{
    return k->office != l->office ? k->office < l->office : k->index < l->index;
}

/* True if keys[0..n), sorted, has no code twice. Else says so at the
 * second listing that comes first in the document, naming the office of
 * the first listing of its code. regions: keys are regions, not offices. */
static bool
s_unique(const s_ctx_t *x, const s_key_t *keys, size_t n, bool regions)
{
    const s_key_t *dup = NULL, *orig = NULL;
    for (size_t i = 1, start = 0; i < n; i++) {
        if (strcmp(keys[i].code, keys[start].code) != 0) {
            start = i;
            continue;
        }
        if (dup == NULL || s_before(&keys[i], dup)) {
            dup = &keys[i];
            orig = &keys[start];
        }
    }
    if (dup == NULL)
        return true;
    char path[S_PATH_MAX], other[S_PATH_MAX], suffix[40];
    if (regions)
        snprintf(suffix, sizeof suffix, ".regions[%zu]", dup->index);
    s_path(path, sizeof path, dup->office, regions ? suffix : ".code");
    s_path(other, sizeof other, orig->office, "");
    if (regions)
        s_fail(x, path, "region %s is already listed under %s", dup->code,
               other);
    else
        s_fail(x, path, "office code %s is already used by %s", dup->code,
               other);
    return false;
}

/* Fills office o of h from obj (checked), its regions from *next on. */
static void
s_fill_office(dom_hierarchy_t *h, json_t *obj, size_t o, size_t *next)
{
    dom_office_t *office = &h->offices[o];
    json_t *regions = json_object_get(obj, "regions");
    office->code = json_string_value(json_object_get(obj, "code"));
    office->name = json_string_value(json_object_get(obj, "name"));
    office->parent = o == 0 ? "" : h->offices[0].code;
    office->regions = h->regions + *next;
    office->nregions = json_array_size(regions);
    h->by_code[o] = (s_key_t){office->code, o, 0};
    for (size_t i = 0; i < office->nregions; i++, (*next)++) {
        const char *r = json_string_value(json_array_get(regions, i));
        h->regions[*next] = r;
        h->by_region[*next] = (s_key_t){r, o, i};
    }
}

/* Allocates and fills h's offices and indexes from its checked root. */
static int
s_build(dom_hierarchy_t *h, size_t ndistricts, size_t nregions)
{
    h->noffices = ndistricts + 1;
    h->nregions = nregions;
    h->offices = calloc(h->noffices, sizeof *h->offices);
    h->by_code = calloc(h->noffices, sizeof *h->by_code);
    /* One more than needed, so that no region still allocates. */
    h->regions = calloc(nregions + 1, sizeof *h->regions);
    h->by_region = calloc(nregions + 1, sizeof *h->by_region);
    if (h->offices == NULL || h->by_code == NULL || h->regions == NULL ||
        h->by_region == NULL)
        return CMN_ENOMEM;
    json_t *districts = json_object_get(h->root, "districts");
    size_t next = 0;
    s_fill_office(h, json_object_get(h->root, "municipal"), 0, &next);
    for (size_t i = 0; i < ndistricts; i++)
        s_fill_office(h, json_array_get(districts, i), i + 1, &next);
    qsort(h->by_code, h->noffices, sizeof *h->by_code, s_cmp_key);
    if (nregions > 0)
        qsort(h->by_region, nregions, sizeof *h->by_region, s_cmp_key);
    return 0;
}

void
dom_hierarchy_destroy(dom_hierarchy_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    dom_hierarchy_t *self = *self_p;
    *self_p = NULL;
    free(self->offices);
    free(self->regions);
    free(self->by_code);
    free(self->by_region);
    json_decref(self->root); /* NULL-safe */
    free(self);
}

/* The JSON text as a tree, or NULL with why. */
static json_t *
s_load(const s_ctx_t *x, const char *json, size_t len)
{
    if (len > DOM_HIERARCHY_MAX_BYTES) {
        s_fail(x, NULL, "larger than %d bytes", DOM_HIERARCHY_MAX_BYTES);
        return NULL;
    }
    json_error_t err;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
    if (root == NULL && x->why != NULL && x->whylen > 0)
        snprintf(x->why, x->whylen, "%s:%d:%d: %s", x->name, err.line,
                 err.column, err.text);
    return root;
}

dom_hierarchy_t *
dom_hierarchy_parse(const char *json, size_t len, const char *name, char *why,
                    size_t whylen)
{
    s_ctx_t x = {name != NULL ? name : "hierarchy", why, whylen};
    size_t ndistricts = 0, nregions = 0;
    if (json == NULL && len > 0) {
        s_fail(&x, NULL, "no text");
        return NULL;
    }
    dom_hierarchy_t *h = calloc(1, sizeof *h);
    if (h == NULL) {
        s_fail(&x, NULL, "out of memory");
        return NULL;
    }
    h->root = s_load(&x, json != NULL ? json : "", len);
    if (h->root == NULL || !s_check_root(&x, h->root, &ndistricts, &nregions))
        goto fail;
    if (s_build(h, ndistricts, nregions) != 0) {
        s_fail(&x, NULL, "out of memory");
        goto fail;
    }
    if (!s_unique(&x, h->by_code, h->noffices, false) ||
        !s_unique(&x, h->by_region, h->nregions, true))
        goto fail;
    return h;
fail:
    dom_hierarchy_destroy(&h);
    return NULL;
}

const dom_office_t *
dom_hierarchy_municipal(const dom_hierarchy_t *h)
{
    return h != NULL ? &h->offices[0] : NULL;
}

size_t
dom_hierarchy_ndistricts(const dom_hierarchy_t *h)
{
    return h != NULL ? h->noffices - 1 : 0;
}

const dom_office_t *
dom_hierarchy_district(const dom_hierarchy_t *h, size_t i)
{
    return h != NULL && i < h->noffices - 1 ? &h->offices[i + 1] : NULL;
}

/* The key for code in keys[0..n) (sorted, unique), or NULL. */
static const s_key_t *
s_find(const s_key_t *keys, size_t n, const char *code)
{
    if (code == NULL || n == 0)
        return NULL;
    s_key_t key = {code, 0, 0};
    return bsearch(&key, keys, n, sizeof *keys, s_cmp_code);
}

const dom_office_t *
dom_hierarchy_office(const dom_hierarchy_t *h, const char *code)
{
    const s_key_t *k = h != NULL ? s_find(h->by_code, h->noffices, code) : NULL;
    return k != NULL ? &h->offices[k->office] : NULL;
}

const dom_office_t *
dom_hierarchy_office_of(const dom_hierarchy_t *h, const char *region_code)
{
    const s_key_t *k =
        h != NULL ? s_find(h->by_region, h->nregions, region_code) : NULL;
    return k != NULL ? &h->offices[k->office] : NULL;
}

bool
dom_hierarchy_covers(const dom_hierarchy_t *h, const char *office_code,
                     const char *region_code)
{
    const dom_office_t *office = dom_hierarchy_office(h, office_code);
    const dom_office_t *owner = dom_hierarchy_office_of(h, region_code);
    if (office == NULL || owner == NULL)
        return false;
    return office == owner || office == &h->offices[0];
}

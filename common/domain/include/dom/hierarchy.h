/* hierarchy.h - the office hierarchy of a region (DOMAIN.md, "Monthly
 * aggregates" and "Confidentiality"): a municipal office and the district
 * offices under it, each with the GB/T 2260 region codes it covers. A
 * unit's region_code decides its district; a district sees only its own
 * units, the municipal office sees all of its districts'.
 *
 * Parsed from JSON text (no file I/O here):
 *
 *   {"municipal": {"code": "110100", "name": "北京市信息化主管部门",
 *                  "regions": ["110101", "110102"]},
 *    "districts": [
 *      {"code": "110105", "name": "朝阳区信息办", "regions": ["110105"]},
 *      {"code": "110108", "name": "海淀区信息办", "regions": ["110108"]}]}
 *
 * Both top-level keys are required and no other key is allowed, here or in
 * an office. An office has:
 *   code     6 ASCII digits (by custom its division code; not checked as
 *            one), unique among all the offices;
 *   name     UTF-8, 1..DOM_HIERARCHY_NAME_MAX characters, no control
 *            characters;
 *   regions  an array of region codes, each valid by dom_region_code_valid()
 *            (dom/codes.h) and listed under one office only, once; a
 *            district needs at least one, the municipal office may have none.
 * "districts" may be empty. A parsed hierarchy does not change: it may be
 * queried from several threads at once. Lookups by code are binary
 * searches. */
#ifndef DOM_HIERARCHY_H
#define DOM_HIERARCHY_H
#include <stdbool.h>
#include <stddef.h>

#define DOM_HIERARCHY_MAX_BYTES (1024 * 1024) /* largest JSON text */
#define DOM_HIERARCHY_NAME_MAX  200 /* characters of an office's name */

/* One office. Every pointer is owned by the hierarchy and lives as long as
 * it does. */
typedef struct {
    const char *code, *name;
    const char *parent; /* the municipal office's code; "" for the municipal
                           office itself */
    const char *const *regions; /* regions[0..nregions), in the JSON order */
    size_t nregions;
} dom_office_t;

typedef struct dom_hierarchy dom_hierarchy_t; /* opaque */

/* Parses json[0..len) (at most DOM_HIERARCHY_MAX_BYTES). On any error
 * returns NULL and writes to why (if not NULL) "NAME: PATH: reason" with
 * NAME the name given (NULL gives "hierarchy", e.g. a file name) and PATH
 * where the problem is, e.g.
 *   "offices.json: districts[2].regions[0]: region 110105 is already listed
 *    under districts[0]"
 *   "offices.json: municipal: unknown key \"nmae\""
 *   "offices.json:3:14: ..." for JSON syntax (line:column) and a key that
 *   appears twice in one object
 * or "NAME: out of memory". Borrows json and name. Caller owns the result
 * and must destroy it when done. */
dom_hierarchy_t *dom_hierarchy_parse(const char *json, size_t len,
                                     const char *name, char *why,
                                     size_t whylen);

/* Frees self and sets *self_p to NULL. Safe on NULL and twice. */
void dom_hierarchy_destroy(dom_hierarchy_t **self_p);

/* The municipal office. */
const dom_office_t *dom_hierarchy_municipal(const dom_hierarchy_t *h);

/* Number of district offices, and district i (0..n-1) in the JSON order;
 * NULL for an i out of range. */
size_t dom_hierarchy_ndistricts(const dom_hierarchy_t *h);
const dom_office_t *dom_hierarchy_district(const dom_hierarchy_t *h, size_t i);

/* The office (municipal or district) whose code is code; NULL if none. */
const dom_office_t *dom_hierarchy_office(const dom_hierarchy_t *h,
                                         const char *code);

/* The office whose regions list region_code: a district, or the municipal
 * office for its own regions; NULL if none lists it. */
const dom_office_t *dom_hierarchy_office_of(const dom_hierarchy_t *h,
                                            const char *region_code);

/* True when office_code's jurisdiction covers region_code: a district
 * covers its own regions; the municipal office covers its own and every
 * district's. False for an unknown office or a region no office lists. */
bool dom_hierarchy_covers(const dom_hierarchy_t *h, const char *office_code,
                          const char *region_code);

#endif /* DOM_HIERARCHY_H */

/* matrix.h - the GB/T 22240-2020 grading matrix and the check of a unit's
 * proposed grading against it.
 *
 * A system is graded twice, for business information security and for
 * system service security, each by the object harmed and the degree of harm:
 *
 *   object harmed \ degree          general  serious  especially serious
 *   citizens, legal persons, orgs      1        2            2
 *   social order, public interest      2        3            4
 *   national security                  3        4            5
 *
 * The final level is the higher of the two. (Citizens + especially serious
 * is 2, not 3, whatever some web pages say.) A check that disagrees with the
 * unit's proposal is how the review reaches outcome C, "grading clearly
 * inaccurate". int returns: 0 or CMN_EINVAL, unless stated otherwise. */
#ifndef DOM_MATRIX_H
#define DOM_MATRIX_H
#include "cmn/err.h"
#include "dom/level.h"

#include <stdbool.h>

/* Object harmed (受侵害的客体). */
typedef enum dom_object {
    DOM_OBJECT_CITIZENS = 0, /* citizens, legal persons and organisations */
    DOM_OBJECT_SOCIETY,      /* social order and public interest */
    DOM_OBJECT_NATION,       /* national security */
    DOM_OBJECT_COUNT
} dom_object_t;

/* Degree of harm to the object (侵害程度). */
typedef enum dom_degree {
    DOM_DEGREE_GENERAL = 0,        /* 一般损害 */
    DOM_DEGREE_SERIOUS,            /* 严重损害 */
    DOM_DEGREE_ESPECIALLY_SERIOUS, /* 特别严重损害 */
    DOM_DEGREE_COUNT
} dom_degree_t;

/* The level (DOM_LEVEL_MIN..DOM_LEVEL_MAX, dom/level.h) for object and degree,
 * or CMN_EINVAL if either is not one of the enum's values. */
int dom_matrix_level(dom_object_t object, dom_degree_t degree);

/* Stable names, for logs, messages and storage: "citizens", "society",
 * "nation"; "general", "serious", "especially_serious". Static strings; NULL
 * for a value outside the enum. */
const char *dom_object_name(dom_object_t object);
const char *dom_degree_name(dom_degree_t degree);

/* Parse a name above; CMN_EINVAL (and *out untouched) for any other text. */
int dom_object_parse(const char *name, dom_object_t *out) CMN_MUST_CHECK;
int dom_degree_parse(const char *name, dom_degree_t *out) CMN_MUST_CHECK;

/* One dimension as the unit graded it. */
typedef struct dom_dimension {
    dom_object_t object;
    dom_degree_t degree;
    int level; /* the level the unit proposes for this dimension */
} dom_dimension_t;

/* A unit's proposed grading. */
typedef struct dom_grading {
    dom_dimension_t info;    /* business information security */
    dom_dimension_t service; /* system service security */
    int level;               /* the final level the unit proposes */
} dom_grading_t;

/* What the matrix says about a proposed grading. */
typedef struct dom_matrix_check {
    int info_level;       /* matrix level for the information dimension */
    int service_level;    /* matrix level for the service dimension */
    int level;            /* max(info_level, service_level) */
    bool info_differs;    /* proposed info.level != info_level */
    bool service_differs; /* proposed service.level != service_level */
    bool level_differs;   /* proposed level != level */
    bool agrees;          /* none of the three differs */
} dom_matrix_check_t;

/* Fills *out from the matrix and compares it with *proposed. Returns 0 when
 * the check ran, whether or not the grading agrees (see out->agrees).
 * CMN_EINVAL (and *out untouched) if an object or degree is not an enum
 * value or a proposed level is outside 1..5: that is malformed input, not a
 * disagreement. Borrows both. */
int dom_matrix_check(const dom_grading_t *proposed,
                     dom_matrix_check_t *out) CMN_MUST_CHECK;

#endif /* DOM_MATRIX_H */

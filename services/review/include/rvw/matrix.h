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
#ifndef RVW_MATRIX_H
#define RVW_MATRIX_H
#include "cmn/err.h"

#include <stdbool.h>

/* Object harmed (受侵害的客体). */
typedef enum rvw_object {
    RVW_OBJECT_CITIZENS = 0, /* citizens, legal persons and organisations */
    RVW_OBJECT_SOCIETY,      /* social order and public interest */
    RVW_OBJECT_NATION,       /* national security */
    RVW_OBJECT_COUNT
} rvw_object_t;

/* Degree of harm to the object (侵害程度). */
typedef enum rvw_degree {
    RVW_DEGREE_GENERAL = 0,        /* 一般损害 */
    RVW_DEGREE_SERIOUS,            /* 严重损害 */
    RVW_DEGREE_ESPECIALLY_SERIOUS, /* 特别严重损害 */
    RVW_DEGREE_COUNT
} rvw_degree_t;

/* Lowest and highest protection level. */
#define RVW_LEVEL_MIN 1
#define RVW_LEVEL_MAX 5

/* The level 1..5 for object and degree, or CMN_EINVAL if either is not one of
 * the enum's values. */
int rvw_matrix_level(rvw_object_t object, rvw_degree_t degree);

/* Stable names, for logs, messages and storage: "citizens", "society",
 * "nation"; "general", "serious", "especially_serious". Static strings; NULL
 * for a value outside the enum. */
const char *rvw_object_name(rvw_object_t object);
const char *rvw_degree_name(rvw_degree_t degree);

/* Parse a name above; CMN_EINVAL (and *out untouched) for any other text. */
int rvw_object_parse(const char *name, rvw_object_t *out) CMN_MUST_CHECK;
int rvw_degree_parse(const char *name, rvw_degree_t *out) CMN_MUST_CHECK;

/* One dimension as the unit graded it. */
typedef struct rvw_dimension {
    rvw_object_t object;
    rvw_degree_t degree;
    int level; /* the level the unit proposes for this dimension */
} rvw_dimension_t;

/* A unit's proposed grading. */
typedef struct rvw_grading {
    rvw_dimension_t info;    /* business information security */
    rvw_dimension_t service; /* system service security */
    int level;               /* the final level the unit proposes */
} rvw_grading_t;

/* What the matrix says about a proposed grading. */
typedef struct rvw_matrix_check {
    int info_level;       /* matrix level for the information dimension */
    int service_level;    /* matrix level for the service dimension */
    int level;            /* max(info_level, service_level) */
    bool info_differs;    /* proposed info.level != info_level */
    bool service_differs; /* proposed service.level != service_level */
    bool level_differs;   /* proposed level != level */
    bool agrees;          /* none of the three differs */
} rvw_matrix_check_t;

/* Fills *out from the matrix and compares it with *proposed. Returns 0 when
 * the check ran, whether or not the grading agrees (see out->agrees).
 * CMN_EINVAL (and *out untouched) if an object or degree is not an enum
 * value or a proposed level is outside 1..5: that is malformed input, not a
 * disagreement. Borrows both. */
int rvw_matrix_check(const rvw_grading_t *proposed,
                     rvw_matrix_check_t *out) CMN_MUST_CHECK;

#endif /* RVW_MATRIX_H */

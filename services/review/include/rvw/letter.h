/* letter.h - the reply letter (复函) for outcomes A, B and C, as UTF-8 text a
 * unit can read: who, which system, when received, the decision and its
 * reasons; for B exactly what is missing, for C where the grading departs
 * from the matrix; the liability notice when a unit keeps its level. */
#ifndef RVW_LETTER_H
#define RVW_LETTER_H
#include "dom/materials.h"
#include "dom/matrix.h"

#include <stddef.h>

typedef struct {
    const char *tracking_id;
    const char *office; /* the issuing office's code */
    const char *unit_name;
    const char *system_name;
    const char *received_on;         /* YYYY-MM-DD */
    const char *issued_on;           /* YYYY-MM-DD */
    char outcome;                    /* 'A', 'B', 'C' */
    int proposed;                    /* the unit's final level */
    int level;                       /* the level the letter states */
    const dom_grading_t *grading;    /* for C: what the unit proposed */
    const dom_matrix_check_t *check; /* for C: what the matrix says */
    const dom_material_t *missing;   /* for B */
    size_t nmissing;
    const char *panel_note; /* the panel's decision, when there was one */
    const char *liability;  /* the unit's statement when it insists */
    const char *decided_by; /* who decided: "staff:li", "system" */
    const char *reason;     /* the decider's reason, when given */
} rvw_letter_t;

/* Renders the letter. Text that came from outside (names, statements,
 * reasons) is written with its control characters replaced by spaces
 * (newlines kept only in multi-line statements), so the letter never
 * carries a raw control byte. Caller owns the result and must free() it;
 * NULL when out of memory or outcome is not A, B or C. */
char *rvw_letter_render(const rvw_letter_t *l);

#endif /* RVW_LETTER_H */

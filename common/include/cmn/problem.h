/* problem.h - field errors collected into one mlps.v1.Problem.
 *
 * Every refusal of input names each bad field and why ("unit.credit_code",
 * "is not a valid ..."). A collector gathers them all (not only the first),
 * up to CMN_PROBLEM_MAX and a count of the rest, and lends them to a
 * Problem for the reply. Services, their handlers and mlpsctl share it.
 * No allocation: a collector is a plain value (about 20 KiB; keep it off
 * small stacks, e.g. calloc it in a worker). */
#ifndef CMN_PROBLEM_H
#define CMN_PROBLEM_H
#include "cmn/err.h"
#include "mlps/v1/api.pb-c.h"

#include <stdbool.h>
#include <stddef.h>

#define CMN_PROBLEM_MAX 64

typedef struct {
    char field[256];  /* a path: "unit.contacts[2].phone", "FILE:LINE:COL" */
    char reason[200]; /* lower case, no trailing period */
} cmn_field_error_t;

typedef struct {
    cmn_field_error_t items[CMN_PROBLEM_MAX];
    size_t count;    /* items stored */
    size_t overflow; /* found beyond CMN_PROBLEM_MAX */
    /* private: what cmn_problem_pb() lends out */
    Mlps__V1__FieldError pb[CMN_PROBLEM_MAX];
    Mlps__V1__FieldError *ptrs[CMN_PROBLEM_MAX];
    Mlps__V1__Problem problem;
    char message[200];
} cmn_problem_t;

/* Empties p. */
void cmn_problem_init(cmn_problem_t *p);

/* Appends one error (field copied, reason formatted). */
void cmn_problem_add(cmn_problem_t *p, const char *field, const char *fmt, ...)
    CMN_PRINTF(3, 4);

/* Errors found, those beyond CMN_PROBLEM_MAX included. */
size_t cmn_problem_found(const cmn_problem_t *p);

/* A Problem with code (e.g. "invalid") and the formatted message, carrying
 * p's errors. Borrows p: valid until p changes or goes away. */
Mlps__V1__Problem *cmn_problem_pb(cmn_problem_t *p, const char *code,
                                  const char *fmt, ...) CMN_PRINTF(3, 4);

/* A Problem without field errors, in caller storage (strings borrowed). */
void cmn_problem_simple(Mlps__V1__Problem *out, const char *code,
                        const char *message);

#endif /* CMN_PROBLEM_H */

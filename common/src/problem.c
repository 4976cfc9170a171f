/* problem.c - field errors collected into one mlps.v1.Problem. */
#include "cmn/problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
cmn_problem_init(cmn_problem_t *p)
{
    p->count = p->overflow = 0;
    p->message[0] = '\0';
}

void
cmn_problem_add(cmn_problem_t *p, const char *field, const char *fmt, ...)
{
    if (p->count == CMN_PROBLEM_MAX) {
        p->overflow++;
        return;
    }
    cmn_field_error_t *e = &p->items[p->count++];
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->reason, sizeof e->reason, fmt, ap);
    va_end(ap);
}

size_t
cmn_problem_found(const cmn_problem_t *p)
{
    return p->count + p->overflow;
}

Mlps__V1__Problem *
cmn_problem_pb(cmn_problem_t *p, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof p->message, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < p->count; i++) {
        mlps__v1__field_error__init(&p->pb[i]);
        p->pb[i].field = p->items[i].field;
        p->pb[i].reason = p->items[i].reason;
        p->ptrs[i] = &p->pb[i];
    }
    cmn_problem_simple(&p->problem, code, p->message);
    p->problem.n_errors = p->count;
    p->problem.errors = p->count > 0 ? p->ptrs : NULL;
    return &p->problem;
}

void
cmn_problem_simple(Mlps__V1__Problem *out, const char *code,
                   const char *message)
{
    mlps__v1__problem__init(out);
    out->code = (char *) code;
    out->message = (char *) message;
}

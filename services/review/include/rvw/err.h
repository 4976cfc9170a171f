/* err.h - error codes of the review core, beside the shared CMN_E* codes.
 * rvw_ functions return 0, a negative CMN_E* code or one of the codes below.
 * rvw_strerror() and rvw_err_name() explain both kinds. */
#ifndef RVW_ERR_H
#define RVW_ERR_H
#include "cmn/err.h"

/* The review core's own codes live in -2001..-2099. */
#define RVW_ERRNO_MAP(X) \
    X(ECALENDAR, -2001, "date outside the working-day calendar")

enum {
#define RVW_ERR_ENUM(name, val, text) RVW_##name = (val),
    RVW_ERRNO_MAP(RVW_ERR_ENUM)
#undef RVW_ERR_ENUM
};

/* Static text for err: an RVW_E* code, else cmn_strerror(err). */
const char *rvw_strerror(int err);

/* Static name for err, e.g. "RVW_ECALENDAR", else cmn_err_name(err). */
const char *rvw_err_name(int err);

#endif /* RVW_ERR_H */

/* err.h - error codes shared by every mlps module.
 * Functions return 0 or a negative CMN_E* code; cmn_strerror() explains one
 * and cmn_err_name() names it, as libuv does. Negative errno values first,
 * then the runtime's own codes from -1001, then the domain library's
 * (common/domain/, dom_*) from -2001. */
#ifndef CMN_ERR_H
#define CMN_ERR_H

#if defined(__GNUC__)
#define CMN_MUST_CHECK   __attribute__((warn_unused_result))
#define CMN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CMN_MUST_CHECK
#define CMN_PRINTF(f, a)
#endif

#define CMN_ERRNO_MAP(X)                               \
    X(EINVAL, -22, "invalid argument")                 \
    X(ENOMEM, -12, "out of memory")                    \
    X(EPROTO, -71, "protocol error")                   \
    X(EMSGSIZE, -90, "message too long")               \
    X(EAGAIN, -11, "resource temporarily unavailable") \
    X(ECANCELED, -125, "operation canceled")           \
    X(ENOENT, -2, "not found")                         \
    X(EEXIST, -17, "already exists")                   \
    X(EIO, -5, "i/o error")                            \
    X(EDB, -1001, "database error")                    \
    X(EDBCONN, -1002, "database connection lost")      \
    X(EREJECT, -1003, "rejected")                      \
    X(ECONFIG, -1004, "bad configuration")             \
    X(EZMQ, -1005, "messaging error")                  \
    X(ESTALE, -1006, "out of order")                   \
    X(ECALENDAR, -2001, "date outside the working-day calendar")

enum {
#define CMN_ERR_ENUM(name, val, text) CMN_##name = (val),
    CMN_ERRNO_MAP(CMN_ERR_ENUM)
#undef CMN_ERR_ENUM
};

/* Static text for err ("unknown error" for codes not listed). */
const char *cmn_strerror(int err);

/* Static name for err, e.g. "CMN_EINVAL". */
const char *cmn_err_name(int err);

#endif /* CMN_ERR_H */

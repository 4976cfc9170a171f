/* log.h - one line per event on stderr:
 *   2026-11-22T02:46:13.123Z level=info service=intake pid=42 msg="..."
 * Logs carry identifiers and reasons, never a payload's contents or a secret.
 * Thread-safe (one write(2) per line). */
#ifndef CMN_LOG_H
#define CMN_LOG_H
#include "cmn/err.h"

typedef enum {
    CMN_LOG_DEBUG = 0,
    CMN_LOG_INFO,
    CMN_LOG_WARN,
    CMN_LOG_ERROR
} cmn_log_level_t;

/* Sets the service name (copied) and the lowest level written. */
void cmn_log_init(const char *service, cmn_log_level_t min_level);

/* Parses "debug", "info", "warn" or "error"; -1 if none of them. */
int cmn_log_level_parse(const char *text);

void cmn_log(cmn_log_level_t level, const char *fmt, ...) CMN_PRINTF(2, 3);

#define cmn_log_debug(...) cmn_log(CMN_LOG_DEBUG, __VA_ARGS__)
#define cmn_log_info(...)  cmn_log(CMN_LOG_INFO, __VA_ARGS__)
#define cmn_log_warn(...)  cmn_log(CMN_LOG_WARN, __VA_ARGS__)
#define cmn_log_error(...) cmn_log(CMN_LOG_ERROR, __VA_ARGS__)

#endif /* CMN_LOG_H */

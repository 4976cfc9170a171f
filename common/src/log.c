/* log.c - line-oriented logging to stderr. */
#include "cmn/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static char s_service[33] = "mlps";
static cmn_log_level_t s_min = CMN_LOG_INFO;
static const char *const s_names[] = {"debug", "info", "warn", "error"};

void
cmn_log_init(const char *service, cmn_log_level_t min_level)
{
    if (service != NULL)
        snprintf(s_service, sizeof s_service, "%s", service);
    s_min = min_level;
}

int
cmn_log_level_parse(const char *text)
{
    for (int i = 0; i < 4; i++)
        if (text != NULL && strcmp(text, s_names[i]) == 0)
            return i;
    return -1;
}

void
cmn_log(cmn_log_level_t level, const char *fmt, ...)
{
    if (level < s_min || level > CMN_LOG_ERROR)
        return;
    char line[1024];
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    int n = snprintf(line, sizeof line,
                     "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ level=%s "
                     "service=%s pid=%d msg=\"",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, (int) (tv.tv_usec / 1000),
                     s_names[level], s_service, (int) getpid());
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t) n - 2, fmt, ap);
    va_end(ap);
    size_t len = (size_t) n;
    len += (m < 0)
               ? 0
               : ((size_t) m < sizeof line - len - 2 ? (size_t) m
                                                     : sizeof line - len - 3);
    /* One event, one line: fold newlines a message may carry. */
    for (size_t i = (size_t) n; i < len; i++)
        if (line[i] == '\n' || line[i] == '\r' || line[i] == '"')
            line[i] = (line[i] == '"') ? '\'' : ' ';
    line[len++] = '"';
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void) w;
}

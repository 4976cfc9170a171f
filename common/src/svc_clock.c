/* svc_clock.c - the service skeleton's time: cmn_svc_every timers (one
 * transaction at a time each), today as a date and now in microseconds,
 * both moved by clock.today. */
#include "svc_internal.h"

#include <string.h>
#include <time.h>

static int
s_every_work(PGconn *conn, void *arg)
{
    cmn__svc_every_t *e = arg;
    return e->work(conn, e->arg);
}

static void
s_every_done(int status, void *arg)
{
    cmn__svc_every_t *e = arg;
    e->busy = false;
    if (status == 0)
        cmn_svc_kick(e->svc);
}

static void
s_on_every(uv_timer_t *t)
{
    cmn__svc_every_t *e = t->data;
    if (e->busy || e->svc->stopping)
        return;
    if (cmn_db_submit(e->svc->db, s_every_work, s_every_done, e) == 0)
        e->busy = true;
}

int
cmn_svc_every(cmn_svc_t *svc, uint64_t first_ms, uint64_t every_ms,
              cmn_db_work_fn work, void *arg)
{
    if (svc->nevery == CMN__SVC_MAX_EVERY || work == NULL || every_ms == 0)
        return CMN_EINVAL;
    cmn__svc_every_t *e = &svc->every[svc->nevery++];
    e->svc = svc;
    e->work = work;
    e->arg = arg;
    (void) uv_timer_init(&svc->loop, &e->timer); /* always 0 */
    e->timer.data = e;
    /* Fails only on a closing handle; this one was just opened. */
    (void) uv_timer_start(&e->timer, s_on_every, first_ms, every_ms);
    return 0;
}

void
cmn__svc_close_every(cmn_svc_t *svc)
{
    for (int i = 0; i < svc->nevery; i++)
        if (!uv_is_closing((uv_handle_t *) &svc->every[i].timer))
            uv_close((uv_handle_t *) &svc->every[i].timer, NULL);
}

dom_date_t
cmn_svc_today(const cmn_svc_conf_t *conf)
{
    dom_date_t d;
    if (conf->today != NULL && conf->today[0] != '\0' &&
        dom_date_parse(conf->today, &d) == 0)
        return d;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm); /* TZ was set from clock.tz at start */
    if (dom_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, &d) !=
        0)
        d = DOM_DATE_NEVER; /* outside 0001..9999: never on a real clock */
    return d;
}

int64_t
cmn_svc_now_us(const cmn_svc_conf_t *conf)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    dom_date_t pinned;
    if (conf->today == NULL || conf->today[0] == '\0' ||
        dom_date_parse(conf->today, &pinned) != 0)
        return now;
    time_t t = ts.tv_sec;
    struct tm tm;
    dom_date_t real;
    localtime_r(&t, &tm);
    if (dom_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                          &real) != 0)
        return now;
    return now + ((int64_t) pinned - (int64_t) real) * 86400 * 1000000;
}

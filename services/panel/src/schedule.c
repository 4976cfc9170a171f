/* schedule.c - session dates on a recurring calendar, and room in them. */
#include "pnl/schedule.h"
#include "text.h"

#include <stdint.h>

void
pnl_calendar_default(pnl_calendar_t *cal)
{
    *cal = (pnl_calendar_t){
        .cadence = PNL_CADENCE_WEEKLY,
        .weekday = DOM_THURSDAY,
        .interval_days = 7,
        .anchor = 0,
        .capacity = 5,
    };
}

int
pnl_calendar_check(const pnl_calendar_t *cal, char *err, size_t errlen)
{
    if (cal == NULL)
        return pnl__fail(CMN_ECONFIG, err, errlen, "no calendar");
    switch (cal->cadence) {
    case PNL_CADENCE_WEEKLY:
        if (cal->weekday < DOM_MONDAY || cal->weekday > DOM_SUNDAY)
            return pnl__fail(CMN_ECONFIG, err, errlen,
                             "\"weekday\" must be from 1 (Monday) to 7 "
                             "(Sunday), not %d",
                             (int) cal->weekday);
        break;
    case PNL_CADENCE_EVERY_N_DAYS:
        if (cal->interval_days < 1)
            return pnl__fail(CMN_ECONFIG, err, errlen,
                             "\"interval_days\" must be at least 1, not %d",
                             cal->interval_days);
        if (!dom_date_valid(cal->anchor))
            return pnl__fail(CMN_ECONFIG, err, errlen,
                             "\"anchor\" must be a date from 0001-01-01 to "
                             "9999-12-31");
        break;
    default:
        return pnl__fail(CMN_ECONFIG, err, errlen,
                         "\"cadence\" must be weekly or every N days, not %d",
                         (int) cal->cadence);
    }
    if (cal->capacity < 1)
        return pnl__fail(CMN_ECONFIG, err, errlen,
                         "\"capacity\" must be at least 1 case, not %d",
                         cal->capacity);
    return 0;
}

int
pnl_schedule_first(const pnl_calendar_t *cal, dom_date_t from,
                   dom_date_t *session)
{
    int rc = pnl_calendar_check(cal, NULL, 0);
    if (rc != 0)
        return rc;
    if (session == NULL || !dom_date_valid(from))
        return CMN_EINVAL;
    /* Weekly is every 7 days from a day with that weekday: 1970-01-01 (day
     * 0) was a Thursday, so day (weekday - Thursday) mod 7 is one. */
    int64_t anchor = (cal->weekday - DOM_THURSDAY + 7) % 7;
    int64_t step = 7;
    if (cal->cadence == PNL_CADENCE_EVERY_N_DAYS) {
        anchor = cal->anchor;
        step = cal->interval_days;
    }
    int64_t ahead = ((int64_t) from - anchor) % step; /* C truncates */
    if (ahead < 0)
        ahead += step;
    int64_t first = ahead == 0 ? from : (int64_t) from + (step - ahead);
    if (first > DOM_DATE_MAX)
        return CMN_ENOENT;
    *session = (dom_date_t) first;
    return 0;
}

int
pnl_schedule_room(const pnl_calendar_t *cal, const pnl_load_t *loads,
                  size_t nloads, dom_date_t session, int *room)
{
    int rc = pnl_calendar_check(cal, NULL, 0);
    if (rc != 0)
        return rc;
    if (room == NULL || (loads == NULL && nloads > 0))
        return CMN_EINVAL;
    int64_t booked = 0;
    for (size_t i = 0; i < nloads; i++) {
        if (loads[i].booked < 0)
            return CMN_EINVAL;
        if (loads[i].session == session)
            booked += loads[i].booked;
    }
    *room = booked >= cal->capacity ? 0 : cal->capacity - (int) booked;
    return 0;
}

int
pnl_schedule_place(const pnl_calendar_t *cal, const pnl_load_t *loads,
                   size_t nloads, dom_date_t arrival, dom_date_t from,
                   dom_date_t *session)
{
    if (session == NULL || !dom_date_valid(arrival) || arrival == DOM_DATE_MAX)
        return CMN_EINVAL;
    dom_date_t start = from > arrival ? from : arrival + 1;
    /* Every full session has a row of its own in loads, so one of the
     * first nloads + 1 sessions has room. */
    for (size_t i = 0; i <= nloads; i++) {
        dom_date_t d;
        int room = 0;
        int rc = pnl_schedule_first(cal, start, &d);
        if (rc == 0)
            rc = pnl_schedule_room(cal, loads, nloads, d, &room);
        if (rc != 0)
            return rc;
        if (room > 0) {
            *session = d;
            return 0;
        }
        if (d == DOM_DATE_MAX)
            return CMN_ENOENT;
        start = d + 1;
    }
    return CMN_ENOENT; /* not reached: see above */
}

/* schedule.h - the panel's session calendar and the room left in sessions.
 *
 * Sessions recur on a calendar: weekly on one weekday, or every N days
 * counted from an anchor session. Each session takes at most `capacity`
 * cases. A case goes to the first session strictly after the day it
 * arrived (and on or after a given day) that still has room.
 *
 * Pure functions: no I/O, no allocation. Pointers are borrowed for the call.
 * int returns: 0 or a negative CMN_E* code. */
#ifndef PNL_SCHEDULE_H
#define PNL_SCHEDULE_H
#include "cmn/err.h"
#include "dom/date.h"

#include <stddef.h>

typedef enum {
    PNL_CADENCE_WEEKLY = 0,   /* every week on `weekday` */
    PNL_CADENCE_EVERY_N_DAYS, /* every `interval_days` days from `anchor` */
} pnl_cadence_t;

typedef struct {
    pnl_cadence_t cadence;
    int weekday;       /* WEEKLY: the day of the week sessions meet */
    int interval_days; /* EVERY_N_DAYS: days between sessions, >= 1 */
    dom_date_t anchor; /* EVERY_N_DAYS: any one session date */
    int capacity;      /* cases per session, >= 1 */
} pnl_calendar_t;

/* Cases already booked into one session. Rows with the same date add up,
 * so a caller may pass one row per session or one row per case. A date
 * with no row holds no case. */
typedef struct {
    dom_date_t session;
    int booked; /* >= 0 */
} pnl_load_t;

/* Sets *cal to the default: weekly on Thursday, 5 cases per session (and
 * interval_days 7 from anchor 1970-01-01, a Thursday, should the cadence be
 * switched to EVERY_N_DAYS). */
void pnl_calendar_default(pnl_calendar_t *cal);

/* Checks cal. On a bad value returns CMN_ECONFIG and writes a message that
 * names the field and the value to err (if err is not NULL). */
int pnl_calendar_check(const pnl_calendar_t *cal, char *err,
                       size_t errlen) CMN_MUST_CHECK;

/* Sets *session to the first session date on or after from. CMN_ECONFIG if
 * cal is bad, CMN_EINVAL if from is not a valid date, CMN_ENOENT if no
 * session falls on or before DOM_DATE_MAX. */
int pnl_schedule_first(const pnl_calendar_t *cal, dom_date_t from,
                       dom_date_t *session) CMN_MUST_CHECK;

/* Sets *room to the cases session can still take: capacity minus the cases
 * booked there, never below 0 (a session booked past a capacity that was
 * lowered later has no room). session need not be on the calendar.
 * CMN_EINVAL on a negative booking. */
int pnl_schedule_room(const pnl_calendar_t *cal, const pnl_load_t *loads,
                      size_t nloads, dom_date_t session,
                      int *room) CMN_MUST_CHECK;

/* Places a case that arrived on `arrival`: sets *session to the first
 * session on or after from, and strictly after arrival, with room for one
 * more case. Nothing is booked: the caller stores the placement and adds it
 * to loads before placing the next case. Errors as pnl_schedule_first and
 * pnl_schedule_room. */
int pnl_schedule_place(const pnl_calendar_t *cal, const pnl_load_t *loads,
                       size_t nloads, dom_date_t arrival, dom_date_t from,
                       dom_date_t *session) CMN_MUST_CHECK;

#endif /* PNL_SCHEDULE_H */

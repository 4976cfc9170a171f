/* clock.h - the review clock of one case: a budget of working days that
 * runs from receipt, stops while the case is away, and starts again from
 * zero when missing materials arrive.
 *
 * Days, not instants. On the day of an event:
 *   start(received)   the day of receipt is not counted; counting starts the
 *                     next day. The case has `budget` working days (10 by
 *                     default policy).
 *   pause(date)       the case goes to the expert panel (outcome C), or a B
 *                     letter asks for materials. The pause day still counts;
 *                     the days after it do not.
 *   resume(date)      the panel decides. Like receipt, the decision day is not
 *                     counted; counting goes on the next day with the working
 *                     days already used.
 *   restart(date)     the missing materials of a B reply arrive: the count
 *                     starts again from zero, the arrival day not counted.
 *
 * So a clock counts the working days in (received, p1], (r1, p2], ... where
 * p are pause days and r resume days, or, after a restart on day a, those in
 * (a, ...]. After a B letter the service pauses the clock (nothing is owed
 * while the unit gathers its materials) and restarts it when they arrive.
 *
 * Event dates must not go back: each is on or after the previous one.
 * A clock is a plain value the service stores with its case; set its fields
 * only through these functions (or from a stored copy of a clock they made).
 * Zero it, or use RVW_CLOCK_INIT, before start.
 *
 * int returns: 0, CMN_EINVAL (wrong state, a date going back, bad
 * arguments; the clock is unchanged), CMN_ECALENDAR (a day that had to be
 * counted lies outside the calendar; the clock is unchanged), and from
 * rvw_clock_deadline() CMN_EAGAIN (paused: no deadline for now). */
#ifndef RVW_CLOCK_H
#define RVW_CLOCK_H
#include "dom/calendar.h"
#include "dom/date.h"

typedef enum rvw_clock_state {
    RVW_CLOCK_IDLE = 0, /* not started */
    RVW_CLOCK_RUNNING,
    RVW_CLOCK_PAUSED,
} rvw_clock_state_t;

typedef struct rvw_clock {
    rvw_clock_state_t state;
    int budget;       /* working days allowed */
    int used;         /* working days counted up to `since` */
    dom_date_t since; /* RUNNING: last day not counted; PAUSED: pause day */
    dom_date_t due;   /* set once used >= budget: the day the budget ran out */
} rvw_clock_t;

#define RVW_CLOCK_INIT             \
    {                              \
        RVW_CLOCK_IDLE, 0, 0, 0, 0 \
    }

/* IDLE -> RUNNING: a case received on `received` with budget >= 1 working
 * days. */
int rvw_clock_start(rvw_clock_t *self, dom_date_t received,
                    int budget) CMN_MUST_CHECK;

/* RUNNING -> PAUSED on date (counted). Counts the working days since the
 * last start, resume or restart, so it needs the calendar. */
int rvw_clock_pause(rvw_clock_t *self, const dom_calendar_t *cal,
                    dom_date_t date) CMN_MUST_CHECK;

/* PAUSED -> RUNNING; date is not counted. */
int rvw_clock_resume(rvw_clock_t *self, dom_date_t date) CMN_MUST_CHECK;

/* RUNNING or PAUSED -> RUNNING with nothing used; date is not counted. */
int rvw_clock_restart(rvw_clock_t *self, dom_date_t date) CMN_MUST_CHECK;

/* Current state; RVW_CLOCK_IDLE for NULL. */
rvw_clock_state_t rvw_clock_state(const rvw_clock_t *self);

/* Working days used by the end of `today` into *n (the budget minus *n is
 * what is left, negative once overdue). While paused, days after the pause
 * do not count. CMN_EINVAL when IDLE. */
int rvw_clock_elapsed(const rvw_clock_t *self, const dom_calendar_t *cal,
                      dom_date_t today, int *n) CMN_MUST_CHECK;

/* The day the budget runs out (or ran out) into *deadline: the last day on
 * which the reply is on time. When the budget is already used up this is
 * the past day it ran out, even while paused. CMN_EAGAIN while paused with
 * budget left: there is no deadline until the clock resumes. CMN_EINVAL
 * when IDLE. */
int rvw_clock_deadline(const rvw_clock_t *self, const dom_calendar_t *cal,
                       dom_date_t *deadline) CMN_MUST_CHECK;

#endif /* RVW_CLOCK_H */

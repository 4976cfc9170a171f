/* clock.c - the review clock: working days used, pauses, restarts. */
#include "rvw/clock.h"

#include <stdbool.h>
#include <stddef.h>

/* Event dates never go back, and stay where dates can be counted. */
static bool
s_follows(const rvw_clock_t *self, dom_date_t date)
{
    return date >= self->since && date <= DOM_DATE_MAX;
}

int
rvw_clock_start(rvw_clock_t *self, dom_date_t received, int budget)
{
    if (self == NULL || self->state != RVW_CLOCK_IDLE || budget < 1 ||
        received < DOM_DATE_MIN || received > DOM_DATE_MAX)
        return CMN_EINVAL;
    *self = (rvw_clock_t){RVW_CLOCK_RUNNING, budget, 0, received, 0};
    return 0;
}

int
rvw_clock_pause(rvw_clock_t *self, const dom_calendar_t *cal, dom_date_t date)
{
    if (self == NULL || self->state != RVW_CLOCK_RUNNING ||
        !s_follows(self, date))
        return CMN_EINVAL;
    int n;
    int rc = dom_calendar_count(cal, self->since, date, &n);
    if (rc != 0)
        return rc;
    dom_date_t due = self->due;
    if (self->used < self->budget && self->used + n >= self->budget) {
        /* The budget runs out in this stretch: remember the day. */
        rc = dom_calendar_deadline(cal, self->since, self->budget - self->used,
                                   &due);
        if (rc != 0)
            return rc;
    }
    self->state = RVW_CLOCK_PAUSED;
    self->used += n;
    self->since = date;
    self->due = due;
    return 0;
}

int
rvw_clock_resume(rvw_clock_t *self, dom_date_t date)
{
    if (self == NULL || self->state != RVW_CLOCK_PAUSED ||
        !s_follows(self, date))
        return CMN_EINVAL;
    self->state = RVW_CLOCK_RUNNING;
    self->since = date;
    return 0;
}

int
rvw_clock_restart(rvw_clock_t *self, dom_date_t date)
{
    if (self == NULL || self->state == RVW_CLOCK_IDLE || !s_follows(self, date))
        return CMN_EINVAL;
    *self = (rvw_clock_t){RVW_CLOCK_RUNNING, self->budget, 0, date, 0};
    return 0;
}

rvw_clock_state_t
rvw_clock_state(const rvw_clock_t *self)
{
    return self == NULL ? RVW_CLOCK_IDLE : self->state;
}

int
rvw_clock_elapsed(const rvw_clock_t *self, const dom_calendar_t *cal,
                  dom_date_t today, int *n)
{
    if (self == NULL || n == NULL || self->state == RVW_CLOCK_IDLE)
        return CMN_EINVAL;
    int more = 0;
    if (self->state == RVW_CLOCK_RUNNING) {
        int rc = dom_calendar_count(cal, self->since, today, &more);
        if (rc != 0)
            return rc;
    }
    *n = self->used + more;
    return 0;
}

int
rvw_clock_deadline(const rvw_clock_t *self, const dom_calendar_t *cal,
                   dom_date_t *deadline)
{
    if (self == NULL || deadline == NULL || self->state == RVW_CLOCK_IDLE)
        return CMN_EINVAL;
    if (self->used >= self->budget) {
        *deadline = self->due;
        return 0;
    }
    if (self->state == RVW_CLOCK_PAUSED)
        return CMN_EAGAIN;
    return dom_calendar_deadline(cal, self->since, self->budget - self->used,
                                 deadline);
}

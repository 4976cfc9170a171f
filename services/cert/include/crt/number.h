/* number.h - certificate numbers (dom/certno.h's format, cert.number-
 * format): the unit's sequence under its organ, allocated once and reused
 * for the unit's later systems; the system's sequence among its unit's,
 * allocated once per case; the number they make at the case's level. A
 * number once allocated is never made again: when the system's sequence
 * would give one (a reissue at a level it had before, or a format without
 * the level), the unit's next sequence is taken. Sequences come from
 * cert.counters under the row's lock, so replicas allocating at once
 * never get the same value. Worker thread, inside the caller's
 * transaction, the case locked. int returns: 0 or a negative CMN_E*. */
#ifndef CRT_NUMBER_H
#define CRT_NUMBER_H
#include "crt/cert.h"
#include "crt/store.h"

/* Allocates the number of k's certificate at k->level, issued on
 * issued_on (YYYY-MM-DD), and inserts it into cert.numbers with the
 * fields it will be signed with; number gets it. who: the identity that
 * decided. CMN_EINVAL (logged) when the format cannot hold a value (a
 * sequence past its width, an organ code of another length): the caller's
 * transaction must roll back. */
int crt_number_allocate(PGconn *c, const crt_t *self, const crt_case_t *k,
                        const char *issued_on, const char *who,
                        char number[CRT_NUMBER_MAX + 1]) CMN_MUST_CHECK;

#endif /* CRT_NUMBER_H */

/* main.c - mlps-review: the grading review service. */
#include "rvw/review.h"

int
main(int argc, char **argv)
{
    static rvw_t self;
    int rc = cmn_svc_main(&rvw_service, rvw_options, &self.conf,
                          &self.conf.base, &self, argc, argv);
    dom_calendar_destroy(&self.cal);
    return rc;
}

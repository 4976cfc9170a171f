/* main.c - mlps-panel: the expert panel scheduling service. */
#include "pnl/panel.h"

int
main(int argc, char **argv)
{
    static pnl_t self;
    return cmn_svc_main(&pnl_service, pnl_options, &self.conf, &self.conf.base,
                        &self, argc, argv);
}
